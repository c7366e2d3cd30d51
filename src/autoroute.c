/* SPDX-License-Identifier: MIT */
#include "autoroute.h"

#include <stdlib.h>

#include "util.h"

/* One address of a node on a subnet. */
struct attach {
	size_t node, iface;
	struct addr addr;
};

struct subnet {
	struct prefix net;
	struct attach *a;
	size_t n, cap;
};

struct neighbour {
	size_t router; /* node index */
	struct addr via;
};

struct graph {
	struct subnet *subnets;
	size_t n_subnets, cap_subnets;
	/* per node: the subnets it is on, in interface order */
	size_t **node_subnets;
	size_t *n_node_subnets, *cap_node_subnets;
};

static int cmp_attach(const void *a, const void *b, void *arg)
{
	const struct attach *x = a, *y = b;
	const struct topo *t = arg;
	int c = strcmp(t->nodes[x->node].name, t->nodes[y->node].name);

	return c ? c : (x->iface > y->iface) - (x->iface < y->iface);
}

static ssize_t find_subnet(const struct graph *g, const struct prefix *net)
{
	for (size_t i = 0; i < g->n_subnets; i++)
		if (g->subnets[i].net.len == net->len && addr_equal(&g->subnets[i].net.addr, &net->addr))
			return i;
	return -1;
}

/* Subnets of one family; a hash would be faster, but labs have few subnets per family. */
static void build(const struct topo *t, int family, struct graph *g)
{
	size_t nn = t->n_nodes ? t->n_nodes : 1;

	g->node_subnets = xcalloc(nn, sizeof(size_t *));
	g->n_node_subnets = xcalloc(nn, sizeof(size_t));
	g->cap_node_subnets = xcalloc(nn, sizeof(size_t));
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		if (n->kind == TOPO_SWITCH)
			continue;
		for (size_t k = 0; k < n->n_ifaces; k++) {
			const struct topo_iface *ifc = &n->ifaces[k];

			if (ifc->link < 0 && strcmp(ifc->name, "lo"))
				continue;
			for (size_t a = 0; a < ifc->n_addrs; a++) {
				struct prefix net;
				ssize_t s;

				if (ifc->addrs[a].addr.family != family ||
				    addr_is_link_local(&ifc->addrs[a].addr))
					continue;
				net = prefix_network(&ifc->addrs[a]);
				s = find_subnet(g, &net);
				if (s < 0) {
					GROW(g->subnets, g->cap_subnets, g->n_subnets + 1);
					g->subnets[g->n_subnets] = (struct subnet){.net = net};
					s = g->n_subnets++;
				}
				GROW(g->subnets[s].a, g->subnets[s].cap, g->subnets[s].n + 1);
				g->subnets[s].a[g->subnets[s].n++] =
					(struct attach){i, k, ifc->addrs[a].addr};
				GROW(g->node_subnets[i], g->cap_node_subnets[i], g->n_node_subnets[i] + 1);
				g->node_subnets[i][g->n_node_subnets[i]++] = s;
			}
		}
	}
	for (size_t s = 0; s < g->n_subnets; s++)
		if (g->subnets[s].n)
			qsort_r(g->subnets[s].a, g->subnets[s].n, sizeof(struct attach), cmp_attach,
			(void *)t);
}

static void graph_free(const struct topo *t, struct graph *g)
{
	for (size_t s = 0; s < g->n_subnets; s++)
		free(g->subnets[s].a);
	free(g->subnets);
	for (size_t i = 0; i < t->n_nodes; i++)
		free(g->node_subnets[i]);
	free(g->node_subnets);
	free(g->n_node_subnets);
	free(g->cap_node_subnets);
}

/* Whether the node's own routes (the first n_own) already go to `to`. */
static bool routes_to(const struct topo_node *n, size_t n_own, const struct prefix *to,
		      bool is_default)
{
	for (size_t i = 0; i < n_own && i < n->n_routes; i++) {
		const struct topo_route *r = &n->routes[i];

		if (r->to.addr.family != to->addr.family)
			continue;
		if (is_default ? r->is_default :
				 (r->to.len == to->len && addr_equal(&r->to.addr, &to->addr)))
			return true;
	}
	return false;
}

static void add_route(struct topo_node *n, const struct prefix *to, const struct addr *via,
		      bool is_default)
{
	struct topo_route *r;

	GROW(n->routes, n->cap_routes, n->n_routes + 1);
	r = &n->routes[n->n_routes++];
	*r = (struct topo_route){.is_default = is_default, .to = *to, .has_via = true,
				 .via = *via, .automatic = true, .pos = -1};
}

static bool on_subnet(const struct graph *g, size_t node, size_t s)
{
	for (size_t i = 0; i < g->n_node_subnets[node]; i++)
		if (g->node_subnets[node][i] == s)
			return true;
	return false;
}

/* BFS over routers from src: dist and first hop (the via address) of every router. */
static void bfs(const struct topo *t, const struct graph *g, size_t src, int *dist,
		struct addr *first, size_t *queue)
{
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		dist[i] = -1;
	dist[src] = 0;
	queue[tail++] = src;
	while (head < tail) {
		size_t x = queue[head++];

		for (size_t k = 0; k < g->n_node_subnets[x]; k++) {
			const struct subnet *s = &g->subnets[g->node_subnets[x][k]];

			for (size_t m = 0; m < s->n; m++) {
				size_t y = s->a[m].node;

				if (t->nodes[y].kind != TOPO_ROUTER || dist[y] >= 0)
					continue;
				dist[y] = dist[x] + 1;
				first[y] = x == src ? s->a[m].addr : first[x];
				queue[tail++] = y;
			}
		}
	}
}

static size_t route_family(struct topo *t, int family)
{
	struct graph g = {0};
	size_t nn = t->n_nodes ? t->n_nodes : 1;
	int *dist = xcalloc(nn, sizeof(int));
	struct addr *first = xcalloc(nn, sizeof(struct addr));
	size_t *queue = xcalloc(nn, sizeof(size_t));
	size_t added = 0;

	build(t, family, &g);
	for (size_t r = 0; r < t->n_nodes; r++) {
		struct topo_node *n = &t->nodes[r];

		if (n->kind == TOPO_HOST) {
			/* default route via the first router on the host's first routed subnet */
			struct prefix any = {.addr = {.family = family}, .len = 0};

			if (routes_to(n, n->n_routes, &any, true))
				continue;
			for (size_t k = 0; k < g.n_node_subnets[r]; k++) {
				const struct subnet *s = &g.subnets[g.node_subnets[r][k]];
				size_t m;

				for (m = 0; m < s->n; m++)
					if (t->nodes[s->a[m].node].kind == TOPO_ROUTER)
						break;
				if (m < s->n) {
					add_route(n, &any, &s->a[m].addr, true);
					added++;
					break;
				}
			}
			continue;
		}
		if (n->kind != TOPO_ROUTER)
			continue;
		/* subnets are unique: only the routes written in the file can already cover one */
		size_t n_own = n->n_routes;

		bfs(t, &g, r, dist, first, queue);
		for (size_t s = 0; s < g.n_subnets; s++) {
			const struct subnet *sub = &g.subnets[s];
			int best = -1;
			size_t via = 0;

			if (on_subnet(&g, r, s) || routes_to(n, n_own, &sub->net, false))
				continue;
			for (size_t m = 0; m < sub->n; m++) {
				size_t y = sub->a[m].node;

				if (t->nodes[y].kind != TOPO_ROUTER || dist[y] < 0)
					continue;
				if (best < 0 || dist[y] < best) {
					best = dist[y];
					via = y;
				}
			}
			if (best <= 0)
				continue;
			add_route(n, &sub->net, &first[via], false);
			added++;
		}
	}
	graph_free(t, &g);
	free(dist);
	free(first);
	free(queue);
	return added;
}

size_t autoroute_compute(struct topo *t)
{
	if (t->routing != TOPO_ROUTING_STATIC)
		return 0;
	return route_family(t, AF_INET) + route_family(t, AF_INET6);
}
