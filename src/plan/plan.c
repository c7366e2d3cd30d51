/* SPDX-License-Identifier: MIT */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int plan_iface_index(const struct topo_node *n, size_t pos)
{
	const struct topo_iface *ifc = &n->ifaces[pos];

	if (ifc->link < 0)
		return -ENOENT; /* never made (lo and br0 have indexes of their own: plan_ifindex) */
	return PLAN_IFINDEX_BASE + 2 * (int)ifc->link + ifc->side;
}

ssize_t plan_iface_pos(const struct topo_node *n, int ifindex)
{
	if (ifindex < PLAN_IFINDEX_BASE)
		return -ENOENT;
	for (size_t pos = 0; pos < n->n_ifaces; pos++)
		if (n->ifaces[pos].link >= 0 && plan_iface_index(n, pos) == ifindex)
			return pos;
	return -ENOENT;
}

const char *plan_ifname(const struct plan *p, size_t node, int ifindex)
{
	const struct topo_node *n = p->nodes[node].node;
	ssize_t pos;

	if (ifindex == PLAN_IFINDEX_LO)
		return "lo";
	if (ifindex == PLAN_IFINDEX_BRIDGE)
		return TOPO_BRIDGE_NAME;
	pos = plan_iface_pos(n, ifindex);
	return pos >= 0 ? n->ifaces[pos].name : "?";
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
 * A router forwards: net.ipv4.ip_forward sets conf.all and conf.default
 * forwarding too (inet_forward_change), and IPv6's conf.all.forwarding
 * sets conf.default's (addrconf_fixup_forwarding). Written before any
 * interface exists, so every one (and any made later inside the node, such
 * as a bridge) forwards. Two sysctls per router: written through netlab's own
 * procfs instance (ns_sysctl_write), each costs the same whatever the lab's size.
 */
static const struct plan_sysctl router_early[] = {
	{"net.ipv4.ip_forward", "1"},
	{"net.ipv6.conf.all.forwarding", "1"},
};

/* The part of a sysctl key after prefix (dots or slashes alike), or NULL. */
static const char *sysctl_after(const char *key, const char *prefix)
{
	for (; *prefix; prefix++, key++)
		if (*key != *prefix && !(*prefix == '.' && *key == '/'))
			return NULL;
	return key;
}

bool plan_sysctl_per_iface(const char *key)
{
	static const char *const dirs[] = {"net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.",
					   "net.ipv6.neigh."};

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		const char *rest = sysctl_after(key, dirs[i]);

		if (rest)
			return !sysctl_after(rest, "all.") && !sysctl_after(rest, "default.");
	}
	return false;
}

/* The value of net.ipv6.conf.<dev>.disable_ipv6 in a node's sysctls: 1 off, 0 on, -1 unset. */
static int disable_ipv6(const struct topo_node *n, const char *dev)
{
	for (size_t i = 0; i < n->n_sysctls; i++) {
		const char *rest = sysctl_after(n->sysctls[i].key, "net.ipv6.conf.");

		rest = rest ? sysctl_after(rest, dev) : NULL;
		rest = rest ? sysctl_after(rest, ".disable_ipv6") : NULL;
		if (rest && !*rest)
			return strtol(n->sysctls[i].value, NULL, 10) != 0;
	}
	return -1;
}

bool plan_ipv6_off(const struct topo_node *n, const char *ifname)
{
	int v = disable_ipv6(n, ifname);

	if (v >= 0)
		return v;
	/* conf.all is written to every interface; conf.default reaches those made after it, not lo */
	if (disable_ipv6(n, "all") > 0)
		return true;
	return strcmp(ifname, "lo") && disable_ipv6(n, "default") > 0;
}

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
	bool router = n->kind == TOPO_ROUTER;
	bool mp = has_multipath(n);

	pn->node = n;
	pn->bridge = -1;
	topo_netns_name(p->topo->name, n->name, pn->netns);
	pn->early = xcalloc(ARRAY_SIZE(router_early) + ARRAY_SIZE(multipath_early) + n->n_sysctls + 1,
			    sizeof(*pn->early));
	pn->late = xcalloc(n->n_sysctls + 1, sizeof(*pn->late));
	for (size_t j = 0; router && j < ARRAY_SIZE(router_early); j++)
		pn->early[pn->n_early++] = router_early[j];
	for (size_t j = 0; mp && j < ARRAY_SIZE(multipath_early); j++)
		pn->early[pn->n_early++] = multipath_early[j];
	/* the user's after netlab's: theirs win */
	for (size_t j = 0; j < n->n_sysctls; j++) {
		struct plan_sysctl sc = {n->sysctls[j].key, n->sysctls[j].value};

		if (plan_sysctl_per_iface(sc.key))
			pn->late[pn->n_late++] = sc;
		else
			pn->early[pn->n_early++] = sc;
	}
}

void plan_mac(const char *lab, const char *node, const char *ifname, uint8_t ret[6])
{
	const char *parts[] = {lab, node, ifname};
	uint64_t h = 1469598103934665603ull;

	/* FNV-1a over the three names, each ended by a NUL so that ("ab", "c") differs from ("a", "bc") */
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		for (const char *s = parts[i]; *s; s++)
			h = (h ^ (uint8_t)*s) * 1099511628211ull;
		h *= 1099511628211ull;
	}
	for (int i = 0; i < 6; i++)
		ret[i] = h >> (56 - 8 * i);
	ret[0] = (ret[0] & ~0x01) | 0x02; /* unicast, locally administered */
}

static struct plan_end make_end(const struct topo *t, const struct topo_link *l, int side)
{
	const struct topo_endpoint *e = &l->ep[side];
	const struct topo_node *n = &t->nodes[e->node];
	const struct topo_iface *ifc = &n->ifaces[e->iface];

	struct plan_end pe = {
		.node = e->node,
		.ifname = ifc->name,
		.ifindex = plan_iface_index(n, e->iface),
		.mtu = ifc->mtu ? ifc->mtu : l->mtu,
		.master = n->kind == TOPO_SWITCH ? PLAN_IFINDEX_BRIDGE : 0,
	};

	if (ifc->has_mac)
		memcpy(pe.mac, ifc->mac, 6);
	else
		plan_mac(t->name, n->name, ifc->name, pe.mac);
	return pe;
}

/* The end on this host of link i, whose other end is on another host. */
static void add_vxlan(struct plan *p, size_t i, int side)
{
	const struct topo *t = p->topo;
	const struct topo_link *l = &t->links[i];
	const struct topo_node *here = &t->nodes[l->ep[side].node];
	const struct topo_node *there = &t->nodes[l->ep[!side].node];
	struct plan_vxlan *vx;

	GROW(p->vxlans, p->cap_vxlans, p->n_vxlans + 1);
	vx = &p->vxlans[p->n_vxlans];
	*vx = (struct plan_vxlan){
		.link = i,
		.side = side,
		.end = p->links[i].end[side],
		.remote_node = l->ep[!side].node,
		.local_host = here->host,
		.remote_host = there->host,
		.local = t->hosts[here->host].addr,
		.remote = t->hosts[there->host].addr,
		.port = t->vxlan_port,
		.vni = topo_link_vni(t, i),
		.up = l->up,
	};
	if (!vx->end.mtu)
		vx->end.mtu = topo_vxlan_mtu(&t->hosts[here->host], &t->hosts[there->host]);
	p->links[i].end[side].mtu = vx->end.mtu;
	p->links[i].vxlan = p->n_vxlans++;
}

static void plan_links(struct plan *p)
{
	const struct topo *t = p->topo;

	p->links = xcalloc(t->n_links ? t->n_links : 1, sizeof(*p->links));
	p->n_links = t->n_links;
	for (size_t i = 0; i < t->n_links; i++) {
		struct plan_link *v = &p->links[i];
		bool here[2];

		for (int k = 0; k < 2; k++) {
			v->end[k] = make_end(t, &t->links[i], k);
			here[k] = p->nodes[v->end[k].node].local;
		}
		v->vxlan = -1;
		v->share = here[0] && here[1] ? PLAN_LINK_LOCAL :
			   here[0] || here[1] ? PLAN_LINK_VXLAN : PLAN_LINK_REMOTE;
		if (v->share == PLAN_LINK_LOCAL && !t->plain_links)
			p->wired = true;
		if (v->share == PLAN_LINK_VXLAN)
			add_vxlan(p, i, here[0] ? 0 : 1);
		for (int k = 0; v->share == PLAN_LINK_LOCAL && !t->plain_links && k < 2; k++) {
			v->wire[k].ifindex = v->end[!k].ifindex;
			snprintf(v->wire[k].ifname, sizeof(v->wire[k].ifname), "l%u%c", (unsigned)i, "ab"[k]);
		}
		/*
		 * Both ends come up from inside their nodes, a switch's as ports with no
		 * IPv6; a link that is down is a pulled cable: its ends come up too,
		 * without a carrier.
		 */
		for (int k = 0; k < 2; k++) {
			const struct plan_end *e = &v->end[k];

			if (!here[k])
				continue;
			GROW(p->sets, p->cap_sets, p->n_sets + 1);
			p->sets[p->n_sets++] = (struct plan_set){
				.node = e->node,
				.ifindex = e->ifindex,
				.up = 1,
				.master = e->master ? e->master : -1,
				.no_ll = t->nodes[e->node].kind == TOPO_SWITCH,
				.carrier = t->links[i].up,
			};
		}
		for (int k = 0; k < 2; k++) {
			const struct topo_endpoint *e = &t->links[i].ep[k];

			if (!t->links[i].impair[k].set || !here[k])
				continue;
			GROW(p->impairs, p->cap_impairs, p->n_impairs + 1);
			p->impairs[p->n_impairs++] = (struct plan_impair){
				e->node, plan_iface_index(&t->nodes[e->node], e->iface), &t->links[i].impair[k]};
		}
		v->up = t->links[i].up;
		v->link = i;
		v->impair[0] = t->links[i].impair[0];
		v->impair[1] = t->links[i].impair[1];
	}
}

static void plan_addresses_routes(struct plan *p, size_t ni)
{
	const struct topo_node *n = &p->topo->nodes[ni];

	for (size_t i = 0; i < n->n_ifaces; i++) {
		const struct topo_iface *ifc = &n->ifaces[i];
		int ifindex = plan_ifindex(n, ifc->name);
		bool v6_off = plan_ipv6_off(n, ifc->name);

		if (ifindex < 0)
			continue; /* not created */
		for (size_t a = 0; a < ifc->n_addrs; a++) {
			/* the kernel would refuse it: IPv6 is off there, as the node's sysctls ask */
			if (ifc->addrs[a].addr.family == AF_INET6 && v6_off)
				continue;
			GROW(p->addrs, p->cap_addrs, p->n_addrs + 1);
			p->addrs[p->n_addrs++] = (struct plan_addr){ni, ifindex, ifc->addrs[a]};
			if (ifc->addrs[a].addr.family == AF_INET6 && ifindex != PLAN_IFINDEX_LO)
				p->wait_dad = true;
		}
	}
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct topo_route *r = &n->routes[i];
		struct plan_route *pr;

		if (r->to.addr.family == AF_INET6 && plan_ipv6_off(n, r->dev[0] ? r->dev : "all"))
			continue; /* no IPv6 there to route with */
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

struct plan *plan_build(const struct topo *t)
{
	return plan_build_host(t, -1);
}

struct plan *plan_build_host(const struct topo *t, ssize_t host)
{
	struct plan *p = xcalloc(1, sizeof(*p));

	p->topo = t;
	p->host = host;
	p->n_nodes = t->n_nodes;
	p->nodes = xcalloc(t->n_nodes ? t->n_nodes : 1, sizeof(*p->nodes));
	for (size_t i = 0; i < t->n_nodes; i++) {
		plan_node_init(p, i);
		p->nodes[i].local = host < 0 || t->nodes[i].host == host;
		if (t->nodes[i].kind == TOPO_SWITCH && p->nodes[i].local) {
			ssize_t br = topo_find_iface(&t->nodes[i], TOPO_BRIDGE_NAME);

			GROW(p->bridges, p->cap_bridges, p->n_bridges + 1);
			p->nodes[i].bridge = p->n_bridges;
			p->bridges[p->n_bridges++] = (struct plan_bridge){
				.node = i,
				.ifindex = PLAN_IFINDEX_BRIDGE,
				.stp = t->nodes[i].stp,
				.hub = t->nodes[i].hub,
				.no_ll = br < 0 || !t->nodes[i].ifaces[br].n_addrs,
			};
		}
	}
	plan_links(p);
	if (p->n_sets)
		qsort(p->sets, p->n_sets, sizeof(*p->sets), cmp_set);
	if (p->n_impairs)
		qsort(p->impairs, p->n_impairs, sizeof(*p->impairs), cmp_impair);
	for (size_t i = 0; i < t->n_nodes; i++)
		if (p->nodes[i].local)
			plan_addresses_routes(p, i);
	plan_run_build(p);
	return p;
}

struct plan *plan_free(struct plan *p)
{
	if (!p)
		return NULL;
	plan_run_free(p);
	for (size_t i = 0; i < p->n_nodes; i++) {
		free(p->nodes[i].early);
		free(p->nodes[i].late);
	}
	free(p->nodes);
	free(p->bridges);
	free(p->links);
	free(p->sets);
	free(p->addrs);
	free(p->routes);
	free(p->impairs);
	free(p->vxlans);
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
	/* the kernel gives every linked interface of a host or router an IPv6 link-local address */
	for (size_t i = 0; family == AF_INET6 && !used && i < p->n_sets; i++)
		used = !p->sets[i].no_ll;
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
