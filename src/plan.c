/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int plan_iface_index(const struct topo_node *n, size_t pos)
{
	const struct topo_iface *ifc = &n->ifaces[pos];

	return PLAN_IFINDEX_BASE + 2 * (int)pos + (ifc->link >= 0 && ifc->side);
}

ssize_t plan_iface_pos(const struct topo_node *n, int ifindex)
{
	size_t pos;

	if (ifindex < PLAN_IFINDEX_BASE)
		return -ENOENT;
	pos = (size_t)(ifindex - PLAN_IFINDEX_BASE) / 2;
	if (pos >= n->n_ifaces || plan_iface_index(n, pos) != ifindex)
		return -ENOENT;
	return pos;
}

int plan_ifindex(const struct topo_node *n, const char *ifname)
{
	ssize_t i;

	if (strcmp(ifname, "lo") == 0)
		return PLAN_IFINDEX_LO;
	if (n->kind == TOPO_SWITCH && strcmp(ifname, TOPO_BRIDGE_NAME) == 0)
		return PLAN_IFINDEX_BRIDGE;
	i = topo_find_iface(n, ifname);
	if (i < 0)
		return -ENOENT;
	return plan_iface_index(n, i);
}

/*
 * A router forwards IPv6 when net.ipv6.conf.all.forwarding is set: the one
 * sysctl netlab writes in a node (each /proc/sys lookup costs more with every
 * namespace). IPv4 forwarding is a per-interface setting, sent by netlink.
 * Addresses need no duplicate address detection sysctl: they carry IFA_F_NODAD.
 */
static const struct plan_sysctl router_early[] = {
	{"net.ipv6.conf.all.forwarding", "1"},
};

/*
 * A node with a multipath route: a nexthop whose device has lost its carrier
 * is skipped, as one whose device is down (the kernel's default keeps using
 * it). Written as the defaults before any interface exists, so that every
 * interface made after inherits them; only where needed, each write costs.
 */
static const struct plan_sysctl multipath_early[] = {
	{"net.ipv4.conf.default.ignore_routes_with_linkdown", "1"},
	{"net.ipv6.conf.default.ignore_routes_with_linkdown", "1"},
};

static bool has_multipath(const struct topo_node *n)
{
	for (size_t i = 0; i < n->n_routes; i++)
		if (n->routes[i].n_extra_via)
			return true;
	return false;
}

static void plan_node_init(struct plan *p, size_t i)
{
	const struct topo_node *n = &p->topo->nodes[i];
	struct plan_node *pn = &p->nodes[i];
	bool mp = has_multipath(n);
	size_t k = 0;

	pn->node = n;
	topo_netns_name(p->topo->name, n->name, pn->netns);
	pn->n_early = (n->kind == TOPO_ROUTER ? ARRAY_SIZE(router_early) : 0) +
		      (mp ? ARRAY_SIZE(multipath_early) : 0);
	pn->early = xcalloc(pn->n_early + 1, sizeof(*pn->early));
	if (n->kind == TOPO_ROUTER)
		for (size_t j = 0; j < ARRAY_SIZE(router_early); j++)
			pn->early[k++] = router_early[j];
	for (size_t j = 0; mp && j < ARRAY_SIZE(multipath_early); j++)
		pn->early[k++] = multipath_early[j];
	pn->n_late = n->n_sysctls;
	pn->late = xcalloc(n->n_sysctls, sizeof(*pn->late));
	for (size_t j = 0; j < n->n_sysctls; j++)
		pn->late[j] = (struct plan_sysctl){n->sysctls[j].key, n->sysctls[j].value};
}

static struct plan_end make_end(const struct topo *t, const struct topo_link *l, int side)
{
	const struct topo_endpoint *e = &l->ep[side];
	const struct topo_node *n = &t->nodes[e->node];
	const struct topo_iface *ifc = &n->ifaces[e->iface];

	return (struct plan_end){
		.node = e->node,
		.ifname = ifc->name,
		.ifindex = plan_iface_index(n, e->iface),
		.mtu = ifc->mtu ? ifc->mtu : l->mtu,
		.mac = ifc->has_mac ? ifc->mac : NULL,
		.master = n->kind == TOPO_SWITCH ? PLAN_IFINDEX_BRIDGE : 0,
	};
}

static void plan_links(struct plan *p)
{
	const struct topo *t = p->topo;

	p->veths = xcalloc(t->n_links, sizeof(*p->veths));
	p->n_veths = t->n_links;
	for (size_t i = 0; i < t->n_links; i++) {
		struct plan_veth *v = &p->veths[i];
		struct plan_end a = make_end(t, &t->links[i], 0);
		struct plan_end b = make_end(t, &t->links[i], 1);

		/* the kernel enslaves only the request's own device: put a switch end there */
		if (!a.master && b.master) {
			struct plan_end tmp = a;

			a = b;
			b = tmp;
		}
		/*
		 * Both ends come up from inside their nodes, after the kernel's own
		 * link-local addresses are turned off (they would still be tentative).
		 */
		for (int k = 0; k < 2; k++) {
			const struct plan_end *e = k ? &b : &a;
			bool router = t->nodes[e->node].kind == TOPO_ROUTER;

			GROW(p->sets, p->cap_sets, p->n_sets + 1);
			p->sets[p->n_sets++] = (struct plan_set){
				.node = e->node,
				.ifindex = e->ifindex,
				.up = t->links[i].up ? 1 : -1,
				.master = k && b.master ? b.master : -1,
				.forward = router,
				.no_ll = true,
			};
		}
		b.master = 0;
		for (int k = 0; k < 2; k++) {
			const struct topo_endpoint *e = &t->links[i].ep[k];

			if (!t->links[i].impair[k].set)
				continue;
			GROW(p->impairs, p->cap_impairs, p->n_impairs + 1);
			p->impairs[p->n_impairs++] = (struct plan_impair){
				e->node, plan_iface_index(&t->nodes[e->node], e->iface), &t->links[i].impair[k]};
		}
		v->end[0] = a;
		v->end[1] = b;
		v->up = t->links[i].up;
		v->link = i;
	}
}

static void plan_addresses_routes(struct plan *p, size_t ni)
{
	const struct topo_node *n = &p->topo->nodes[ni];

	for (size_t i = 0; i < n->n_ifaces; i++) {
		const struct topo_iface *ifc = &n->ifaces[i];
		int ifindex = plan_ifindex(n, ifc->name);

		bool has_ll = false;

		if (ifc->link < 0 && ifindex >= PLAN_IFINDEX_BASE)
			continue; /* not created */
		for (size_t a = 0; a < ifc->n_addrs; a++)
			has_ll |= addr_is_link_local(&ifc->addrs[a].addr);
		/* a link-local address of netlab's own where the kernel makes none (see plan_set) */
		if (ifc->link >= 0 && n->kind != TOPO_SWITCH && !has_ll) {
			GROW(p->addrs, p->cap_addrs, p->n_addrs + 1);
			p->addrs[p->n_addrs++] = (struct plan_addr){ni, ifindex, plan_link_local(n->name, ifc->name)};
		}
		for (size_t a = 0; a < ifc->n_addrs; a++) {
			GROW(p->addrs, p->cap_addrs, p->n_addrs + 1);
			p->addrs[p->n_addrs++] = (struct plan_addr){ni, ifindex, ifc->addrs[a]};
		}
	}
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct topo_route *r = &n->routes[i];
		struct plan_route *pr;

		GROW(p->routes, p->cap_routes, p->n_routes + 1);
		pr = &p->routes[p->n_routes++];
		*pr = (struct plan_route){
			.node = ni,
			.to = prefix_network(&r->to),
			.has_via = r->has_via,
			.via = r->via,
			.oif = r->dev[0] ? plan_ifindex(n, r->dev) : 0,
			.metric = r->metric,
			.extra_via = r->extra_via,
			.n_extra_via = r->n_extra_via,
		};
		if (pr->oif < 0)
			pr->oif = 0;
	}
}

static int cmp_impair(const void *a, const void *b)
{
	const struct plan_impair *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int cmp_set(const void *a, const void *b)
{
	const struct plan_set *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

struct prefix plan_link_local(const char *node, const char *ifname)
{
	struct prefix p = {.addr = {.family = AF_INET6}, .len = 64};
	uint64_t h = 1469598103934665603ull;

	for (const char *s = node; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	h = (h ^ ':') * 1099511628211ull;
	for (const char *s = ifname; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	p.addr.bytes[0] = 0xfe;
	p.addr.bytes[1] = 0x80;
	for (int i = 0; i < 8; i++)
		p.addr.bytes[8 + i] = h >> (56 - 8 * i);
	p.addr.bytes[8] &= ~0x02; /* not a universal (EUI-64) identifier */
	return p;
}

struct plan *plan_build(const struct topo *t)
{
	struct plan *p = xcalloc(1, sizeof(*p));

	p->topo = t;
	p->n_nodes = t->n_nodes;
	p->nodes = xcalloc(t->n_nodes, sizeof(*p->nodes));
	for (size_t i = 0; i < t->n_nodes; i++) {
		plan_node_init(p, i);
		if (t->nodes[i].kind == TOPO_SWITCH) {
			GROW(p->bridges, p->cap_bridges, p->n_bridges + 1);
			p->bridges[p->n_bridges++] =
				(struct plan_bridge){i, PLAN_IFINDEX_BRIDGE, t->nodes[i].stp};
		}
	}
	plan_links(p);
	if (p->n_sets)
		qsort(p->sets, p->n_sets, sizeof(*p->sets), cmp_set);
	if (p->n_impairs)
		qsort(p->impairs, p->n_impairs, sizeof(*p->impairs), cmp_impair);
	for (size_t i = 0; i < t->n_nodes; i++)
		plan_addresses_routes(p, i);
	return p;
}

struct plan *plan_free(struct plan *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_nodes; i++) {
		free(p->nodes[i].early);
		free(p->nodes[i].late);
	}
	free(p->nodes);
	free(p->bridges);
	free(p->veths);
	free(p->sets);
	free(p->addrs);
	free(p->routes);
	free(p->impairs);
	free(p);
	return NULL;
}

char *plan_hosts_file(const struct topo *t)
{
	size_t cap = 256, len = 0;
	char *s = xmalloc(cap);

	len = snprintf(s, cap, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		for (size_t k = 0; k < n->n_ifaces; k++)
			for (size_t a = 0; a < n->ifaces[k].n_addrs; a++) {
				char buf[ADDR_STRLEN];
				size_t need;

				if (addr_is_link_local(&n->ifaces[k].addrs[a].addr))
					continue;
				addr_format(&n->ifaces[k].addrs[a].addr, buf);
				need = strlen(buf) + strlen(n->name) + strlen(n->hostname) + 4;
				if (len + need + 1 > cap) {
					cap = (cap + need) * 2;
					s = xrealloc(s, cap);
				}
				if (strcmp(n->hostname, n->name))
					len += snprintf(s + len, cap - len, "%s\t%s %s\n", buf, n->name, n->hostname);
				else
					len += snprintf(s + len, cap - len, "%s\t%s\n", buf, n->name);
			}
	}
	return s;
}

static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

size_t plan_neighbour_entries(const struct plan *p, int family)
{
	const struct topo *t = p->topo;
	_cleanup_free_ size_t *parent = xcalloc(t->n_nodes + 1, sizeof(*parent));
	_cleanup_free_ size_t *ends = xcalloc(t->n_nodes + 1, sizeof(*ends));
	bool used = false;
	size_t need = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		parent[i] = i;
	for (size_t i = 0; i < p->n_addrs; i++) {
		const struct plan_addr *a = &p->addrs[i];

		if (a->prefix.addr.family != family || a->ifindex == PLAN_IFINDEX_LO)
			continue;
		used = true;
		/* a switch with an address on its bridge is one more member of its LAN */
		if (a->ifindex == PLAN_IFINDEX_BRIDGE)
			ends[a->node]++;
	}
	if (!used)
		return 0;
	/* a LAN: the switches linked to each other, and every node linked to one of them */
	for (size_t i = 0; i < t->n_links; i++) {
		size_t a = t->links[i].ep[0].node, b = t->links[i].ep[1].node;

		if (t->nodes[a].kind == TOPO_SWITCH && t->nodes[b].kind == TOPO_SWITCH) {
			size_t ra = uf_find(parent, a), rb = uf_find(parent, b);

			if (ra != rb) {
				parent[ra] = rb;
				ends[rb] += ends[ra];
				ends[ra] = 0;
			}
		}
	}
	for (size_t i = 0; i < t->n_links; i++) {
		size_t a = t->links[i].ep[0].node, b = t->links[i].ep[1].node;
		bool sa = t->nodes[a].kind == TOPO_SWITCH, sb = t->nodes[b].kind == TOPO_SWITCH;

		if (!sa && !sb)
			need += 2; /* each end of a point-to-point link resolves the other */
		else if (sa != sb)
			ends[uf_find(parent, sa ? a : b)]++;
	}
	/* on a LAN every member may resolve every other */
	for (size_t i = 0; i < t->n_nodes; i++)
		if (uf_find(parent, i) == i && ends[i] > 1)
			need += ends[i] * (ends[i] - 1);
	return need;
}

char *plan_neighbour_advice(const struct plan *p, const char *family, unsigned long gc_thresh3)
{
	bool v6 = strcmp(family, "ipv6") == 0;
	size_t need = plan_neighbour_entries(p, v6 ? AF_INET6 : AF_INET);

	if (!gc_thresh3 || need <= gc_thresh3)
		return NULL;
	return xasprintf("lab '%s' may need up to %zu %s neighbour entries (both ends of each link, every pair on a switched LAN), more than net.%s.neigh.default.gc_thresh3 (%lu) allows on this machine: past it, traffic fails with 'neighbour table overflow'; to raise the limit: sysctl -w net.%s.neigh.default.gc_thresh1=%zu net.%s.neigh.default.gc_thresh2=%zu net.%s.neigh.default.gc_thresh3=%zu",
			 p->topo->name, need, v6 ? "IPv6" : "IPv4", family, gc_thresh3, family, need,
			 family, need * 2, family, need * 4);
}
