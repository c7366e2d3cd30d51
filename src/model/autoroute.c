/* SPDX-License-Identifier: MIT */
#include "autoroute.h"

#include <stdlib.h>
#include <string.h>

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

static bool on_subnet(const struct graph *g, size_t node, size_t s)
{
	for (size_t i = 0; i < g->n_node_subnets[node]; i++)
		if (g->node_subnets[node][i] == s)
			return true;
	return false;
}

/* A set of first hops of one source: indexes into its hop list, ascending. */
struct hopset {
	uint32_t *v;
	size_t n, cap;
};

/* Per source: the first hops met (neighbour addresses) and, per node, the set reaching it. */
struct spf {
	int *dist;
	struct hopset *sets;
	struct addr *hops;
	size_t n_hops, cap_hops;
	size_t *queue;
};

static void hopset_add(struct hopset *h, uint32_t x)
{
	size_t i = h->n;

	while (i > 0 && h->v[i - 1] > x)
		i--;
	if (i > 0 && h->v[i - 1] == x)
		return;
	GROW(h->v, h->cap, h->n + 1);
	memmove(&h->v[i + 1], &h->v[i], (h->n - i) * sizeof(uint32_t));
	h->v[i] = x;
	h->n++;
}

static void hopset_union(struct hopset *h, const struct hopset *o)
{
	for (size_t i = 0; i < o->n; i++)
		hopset_add(h, o->v[i]);
}

/*
 * BFS over routers from src: the distance of every router and every first
 * hop of a shortest path to it. All the routers at one distance are taken
 * before the next, so a router's set is whole before it passes it on.
 */
static void spf_run(const struct topo *t, const struct graph *g, size_t src, struct spf *sp)
{
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < t->n_nodes; i++) {
		sp->dist[i] = -1;
		sp->sets[i].n = 0;
	}
	sp->n_hops = 0;
	sp->dist[src] = 0;
	sp->queue[tail++] = src;
	while (head < tail) {
		size_t x = sp->queue[head++];

		for (size_t k = 0; k < g->n_node_subnets[x]; k++) {
			const struct subnet *s = &g->subnets[g->node_subnets[x][k]];

			for (size_t m = 0; m < s->n; m++) {
				size_t y = s->a[m].node;

				if (t->nodes[y].kind != TOPO_ROUTER || y == x)
					continue;
				if (sp->dist[y] >= 0 && sp->dist[y] != sp->dist[x] + 1)
					continue;
				if (sp->dist[y] < 0) {
					sp->dist[y] = sp->dist[x] + 1;
					sp->queue[tail++] = y;
				}
				if (x != src) {
					hopset_union(&sp->sets[y], &sp->sets[x]);
					continue;
				}
				GROW(sp->hops, sp->cap_hops, sp->n_hops + 1);
				sp->hops[sp->n_hops] = s->a[m].addr;
				hopset_add(&sp->sets[y], sp->n_hops++);
			}
		}
	}
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

/* A router's route to subnet s: through every first hop of the shortest paths to it. */
static bool route_to_subnet(struct topo *t, size_t r, const struct subnet *sub,
			    const struct spf *sp, struct hopset *via)
{
	struct topo_node *n = &t->nodes[r];
	struct topo_route *rt;
	int best = -1;

	via->n = 0;
	for (size_t m = 0; m < sub->n; m++) {
		size_t y = sub->a[m].node;

		if (t->nodes[y].kind != TOPO_ROUTER || sp->dist[y] <= 0)
			continue;
		if (best < 0 || sp->dist[y] < best) {
			best = sp->dist[y];
			via->n = 0;
		}
		if (sp->dist[y] == best)
			hopset_union(via, &sp->sets[y]);
	}
	if (best <= 0 || !via->n)
		return false;
	add_route(n, &sub->net, &sp->hops[via->v[0]], false);
	rt = &n->routes[n->n_routes - 1];
	if (via->n > TOPO_MAX_NEXTHOPS)
		via->n = TOPO_MAX_NEXTHOPS;
	if (via->n > 1) {
		rt->n_extra_via = via->n - 1;
		rt->extra_via = xcalloc(rt->n_extra_via, sizeof(struct addr));
		for (size_t i = 1; i < via->n; i++)
			rt->extra_via[i - 1] = sp->hops[via->v[i]];
	}
	return true;
}

/* A host's default route: via the first router on its first routed subnet. */
static bool host_default(struct topo *t, size_t h, const struct graph *g, int family)
{
	struct topo_node *n = &t->nodes[h];
	struct prefix any = {.addr = {.family = family}, .len = 0};

	if (routes_to(n, n->n_routes, &any, true))
		return false;
	for (size_t k = 0; k < g->n_node_subnets[h]; k++) {
		const struct subnet *s = &g->subnets[g->node_subnets[h][k]];

		for (size_t m = 0; m < s->n; m++)
			if (t->nodes[s->a[m].node].kind == TOPO_ROUTER) {
				add_route(n, &any, &s->a[m].addr, true);
				return true;
			}
	}
	return false;
}

static size_t route_family(struct topo *t, int family)
{
	struct graph g = {0};
	size_t nn = t->n_nodes ? t->n_nodes : 1;
	struct spf sp = {.dist = xcalloc(nn, sizeof(int)),
			 .sets = xcalloc(nn, sizeof(struct hopset)),
			 .queue = xcalloc(nn, sizeof(size_t))};
	struct hopset via = {0};
	size_t added = 0;

	build(t, family, &g);
	for (size_t r = 0; r < t->n_nodes; r++) {
		struct topo_node *n = &t->nodes[r];
		size_t n_own = n->n_routes;

		if (n->routing != TOPO_ROUTING_STATIC)
			continue; /* routed by hand, or by its own daemons */
		if (n->kind == TOPO_HOST) {
			added += host_default(t, r, &g, family);
			continue;
		}
		if (n->kind != TOPO_ROUTER)
			continue;
		/* subnets are unique: only the routes written in the file can already cover one */
		spf_run(t, &g, r, &sp);
		for (size_t s = 0; s < g.n_subnets; s++) {
			if (on_subnet(&g, r, s) || routes_to(n, n_own, &g.subnets[s].net, false))
				continue;
			added += route_to_subnet(t, r, &g.subnets[s], &sp, &via);
		}
	}
	graph_free(t, &g);
	for (size_t i = 0; i < nn; i++)
		free(sp.sets[i].v);
	free(sp.sets);
	free(sp.dist);
	free(sp.hops);
	free(sp.queue);
	free(via.v);
	return added;
}

size_t autoroute_compute(struct topo *t)
{
	if (t->routing != TOPO_ROUTING_STATIC)
		return 0;
	return route_family(t, AF_INET) + route_family(t, AF_INET6);
}
