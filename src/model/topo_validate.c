/* SPDX-License-Identifier: MIT */
#include "topo_validate.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "topo_hint.h"
#include "util.h"

struct addr_use {
	struct addr addr;
	size_t node, iface, index;
};

/* "nodes.N.interfaces.I.addresses[K]", or where a pool address is: into buf. */
static const char *addr_path(const struct topo *t, size_t node, size_t iface, size_t k, char *buf,
			     size_t size)
{
	const struct topo_iface *f = &t->nodes[node].ifaces[iface];
	int pos = f->addr_pos ? f->addr_pos[k] : (int)k;

	if (pos >= 0)
		snprintf(buf, size, "nodes.%s.interfaces.%s.addresses[%d]", t->nodes[node].name, f->name, pos);
	else
		snprintf(buf, size, "nodes.%s.interfaces.%s (an address from a pool)", t->nodes[node].name,
			 f->name);
	return buf;
}

/* "nodes.N.routes[K]" of the file. */
static const char *route_path(const struct topo_node *n, const struct topo_route *r, char *buf,
			      size_t size)
{
	if (r->automatic)
		snprintf(buf, size, "nodes.%s (a route of routing: static)", n->name);
	else
		snprintf(buf, size, "nodes.%s.routes[%d]", n->name, r->pos);
	return buf;
}

static int cmp_use(const void *a, const void *b)
{
	const struct addr_use *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);

	if (c)
		return c;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->iface != y->iface)
		return x->iface < y->iface ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void check_addresses(const struct topo *t, struct topo_diags *d)
{
	struct addr_use *uses = NULL;
	size_t n = 0, cap = 0;

	for (size_t ni = 0; ni < t->n_nodes; ni++) {
		const struct topo_node *nd = &t->nodes[ni];

		for (size_t ii = 0; ii < nd->n_ifaces; ii++) {
			const struct topo_iface *ifc = &nd->ifaces[ii];

			for (size_t ai = 0; ai < ifc->n_addrs; ai++) {
				char buf[PREFIX_STRLEN], path[256];

				if (prefix_is_reserved_host(&ifc->addrs[ai]))
					topo_diag_add(d, TOPO_ERROR,
						      "%s: %s: \"%s\" is the network or broadcast address of its subnet (expected a host address)",
						      t->file, addr_path(t, ni, ii, ai, path, sizeof(path)),
						      prefix_format(&ifc->addrs[ai], buf));
				/* a link-local address is only unique on its link */
				if (addr_is_link_local(&ifc->addrs[ai].addr))
					continue;
				GROW(uses, cap, n + 1);
				uses[n++] = (struct addr_use){ifc->addrs[ai].addr, ni, ii, ai};
			}
		}
	}
	if (n)
		qsort(uses, n, sizeof(*uses), cmp_use);
	for (size_t i = 1; i < n; i++) {
		const struct addr_use *a = &uses[i - 1], *b = &uses[i];
		char buf[ADDR_STRLEN], path[256];

		if (!addr_equal(&a->addr, &b->addr))
			continue;
		topo_diag_add(d, TOPO_ERROR,
			      "%s: %s: %s is already used by nodes.%s.interfaces.%s (expected each address once in the lab)",
			      t->file, addr_path(t, b->node, b->iface, b->index, path, sizeof(path)),
			      addr_format(&b->addr, buf), t->nodes[a->node].name,
			      t->nodes[a->node].ifaces[a->iface].name);
	}
	free(uses);
}

static bool own_address(const struct topo_node *nd, const struct addr *a)
{
	for (size_t i = 0; i < nd->n_ifaces; i++)
		for (size_t k = 0; k < nd->ifaces[i].n_addrs; k++)
			if (addr_equal(&nd->ifaces[i].addrs[k].addr, a))
				return true;
	return false;
}

static bool gateway_reachable(const struct topo_node *nd, const struct topo_route *r,
			      const struct addr *via)
{
	if (addr_is_link_local(via))
		return true;
	for (size_t i = 0; i < nd->n_ifaces; i++) {
		const struct topo_iface *ifc = &nd->ifaces[i];

		if (r->dev[0] && strcmp(r->dev, ifc->name))
			continue;
		for (size_t a = 0; a < ifc->n_addrs; a++)
			if (prefix_contains(&ifc->addrs[a], via))
				return true;
	}
	return false;
}

/* Every gateway of a route: on a subnet of the node, not its own address. */
static void check_gateways(const struct topo *t, const struct topo_node *nd,
			   const struct topo_route *r, const char *path, struct topo_diags *d)
{
	for (size_t k = 0; r->has_via && k <= r->n_extra_via; k++) {
		const struct addr *via = k ? &r->extra_via[k - 1] : &r->via;
		char buf[ADDR_STRLEN], vpath[300];

		if (r->n_extra_via)
			snprintf(vpath, sizeof(vpath), "%s.via[%zu]", path, k);
		else
			snprintf(vpath, sizeof(vpath), "%s.via", path);
		if (own_address(nd, via))
			topo_diag_add(d, TOPO_ERROR,
				      "%s: %s: gateway %s is an address of node '%s' itself (expected a neighbour's address)",
				      t->file, vpath, addr_format(via, buf), nd->name);
		else if (!gateway_reachable(nd, r, via))
			topo_diag_add(d, TOPO_ERROR,
				      "%s: %s: gateway %s is in no subnet of node '%s' (expected an address on a subnet of %s)",
				      t->file, vpath, addr_format(via, buf), nd->name,
				      r->dev[0] ? "that interface" : "its interfaces");
	}
}

static bool node_has_dev(const struct topo_node *nd, const char *dev)
{
	if (strcmp(dev, "lo") == 0)
		return true;
	if (nd->kind == TOPO_SWITCH && strcmp(dev, TOPO_BRIDGE_NAME) == 0)
		return true;
	return topo_find_iface(nd, dev) >= 0;
}

static void check_routes(const struct topo *t, const struct topo_node *nd, struct topo_diags *d)
{
	for (size_t i = 0; i < nd->n_routes; i++) {
		const struct topo_route *r = &nd->routes[i];
		char path[256];

		route_path(nd, r, path, sizeof(path));
		if (r->dev[0] && !node_has_dev(nd, r->dev)) {
			_cleanup_free_ char *hint = topo_did_you_mean(topo_suggest_iface(nd, r->dev));

			topo_diag_add(d, TOPO_ERROR,
				      "%s: %s.dev: node '%s' has no interface '%s'%s (expected one of its interfaces)",
				      t->file, path, nd->name, r->dev, hint);
		}
		check_gateways(t, nd, r, path, d);
		/* routing: static never adds a route to a destination already routed */
		for (size_t j = 0; j < i && !r->automatic; j++) {
			const struct topo_route *o = &nd->routes[j];

			if (o->to.addr.family == r->to.addr.family && o->to.len == r->to.len &&
			    addr_equal(&o->to.addr, &r->to.addr) && o->metric == r->metric) {
				char p[PREFIX_STRLEN], other[256];

				route_path(nd, o, other, sizeof(other));
				topo_diag_add(d, TOPO_ERROR,
					      "%s: %s.to: %s is already routed by %s with the same metric (expected one route per destination and metric)",
					      t->file, path,
					      r->is_default ? "default" : prefix_format(&r->to, p),
					      strchr(other, '.') ? strrchr(other, '.') + 1 : other);
				break;
			}
		}
	}
}

/* Whether two interfaces share a subnet of a family (both ways: a /24 and a /30 inside it count). */
static bool share_subnet(const struct topo_iface *a, const struct topo_iface *b, int family,
			 bool *ret_both)
{
	bool has_a = false, has_b = false;

	for (size_t i = 0; i < a->n_addrs; i++) {
		if (a->addrs[i].addr.family != family || addr_is_link_local(&a->addrs[i].addr))
			continue;
		has_a = true;
		for (size_t k = 0; k < b->n_addrs; k++) {
			if (b->addrs[k].addr.family != family || addr_is_link_local(&b->addrs[k].addr))
				continue;
			has_b = true;
			if (prefix_contains(&a->addrs[i], &b->addrs[k].addr) ||
			    prefix_contains(&b->addrs[k], &a->addrs[i].addr))
				return true;
		}
	}
	*ret_both = has_a && has_b;
	return false;
}

/* A point-to-point link whose two ends have addresses of a family on no common subnet. */
static void check_link_subnets(const struct topo *t, struct topo_diags *d)
{
	static const int families[] = {AF_INET, AF_INET6};

	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_node *na = &t->nodes[l->ep[0].node], *nb = &t->nodes[l->ep[1].node];
		const struct topo_iface *a = &na->ifaces[l->ep[0].iface], *b = &nb->ifaces[l->ep[1].iface];

		if (na->kind == TOPO_SWITCH || nb->kind == TOPO_SWITCH)
			continue;
		for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
			bool both = false;
			char pa[PREFIX_STRLEN] = "", pb[PREFIX_STRLEN] = "";

			if (share_subnet(a, b, families[f], &both) || !both)
				continue;
			for (size_t k = 0; k < a->n_addrs && !pa[0]; k++)
				if (a->addrs[k].addr.family == families[f] && !addr_is_link_local(&a->addrs[k].addr))
					prefix_format(&a->addrs[k], pa);
			for (size_t k = 0; k < b->n_addrs && !pb[0]; k++)
				if (b->addrs[k].addr.family == families[f] && !addr_is_link_local(&b->addrs[k].addr))
					prefix_format(&b->addrs[k], pb);
			topo_diag_add(d, TOPO_WARNING,
				      "%s: links[%zu]: its ends %s:%s (%s) and %s:%s (%s) are in different subnets (expected both on one subnet, or they cannot talk)",
				      t->file, i, na->name, a->name, pa, nb->name, b->name, pb);
		}
	}
}

/* Follow "after" from node i; state: 0 new, 1 on the path, 2 done. Return: whether a cycle was reported. */
static bool after_cycle(const struct topo *t, size_t i, unsigned char *state, size_t *path,
			size_t depth, struct topo_diags *d)
{
	const struct topo_node *n = &t->nodes[i];

	state[i] = 1;
	path[depth] = i;
	for (size_t k = 0; k < n->n_after; k++) {
		ssize_t j = topo_find_node(t, n->after[k]);

		if (j < 0 || (size_t)j == i)
			continue; /* reported as unknown, or as the node itself */
		if (state[j] == 1) {
			_cleanup_free_ char *cycle = xstrdup(t->nodes[j].name);
			size_t from = depth;

			while (path[from] != (size_t)j)
				from--;
			for (size_t m = from + 1; m <= depth; m++) {
				char *longer = xasprintf("%s -> %s", cycle, t->nodes[path[m]].name);

				free(cycle);
				cycle = longer;
			}
			topo_diag_add(d, TOPO_ERROR,
				      "%s: nodes.%s.after: a dependency cycle: %s -> %s (expected startups that can be ordered)",
				      t->file, n->name, cycle, t->nodes[j].name);
			return true;
		}
		if (state[j] == 0 && after_cycle(t, j, state, path, depth + 1, d))
			return true;
	}
	state[i] = 2;
	return false;
}

/* "after": names of other nodes, without a cycle. */
static void check_after(const struct topo *t, struct topo_diags *d)
{
	_cleanup_free_ unsigned char *state = xcalloc(t->n_nodes + 1, 1);
	_cleanup_free_ size_t *path = xcalloc(t->n_nodes + 1, sizeof(size_t));

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		for (size_t k = 0; k < n->n_after; k++) {
			if (topo_find_node(t, n->after[k]) >= 0 && strcmp(n->after[k], n->name))
				continue;
			if (!strcmp(n->after[k], n->name)) {
				topo_diag_add(d, TOPO_ERROR, "%s: nodes.%s.after[%zu]: a node cannot start after itself (expected another node)",
					      t->file, n->name, k);
				continue;
			}
			_cleanup_free_ char *hint =
				topo_did_you_mean(topo_suggest_node(t, n->after[k]));

			topo_diag_add(d, TOPO_ERROR, "%s: nodes.%s.after[%zu]: unknown node '%s'%s (expected a node of the lab)",
				      t->file, n->name, k, n->after[k], hint);
		}
	}
	for (size_t i = 0; i < t->n_nodes; i++)
		if (state[i] == 0 && after_cycle(t, i, state, path, 0, d))
			break;
}

/* routing: "static" that computed nothing: no router, or nothing for it to route. */
static void check_routing_used(const struct topo *t, struct topo_diags *d)
{
	if (t->routing != TOPO_ROUTING_STATIC)
		return;
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t k = 0; k < t->nodes[i].n_routes; k++)
			if (t->nodes[i].routes[k].automatic)
				return;
	topo_diag_add(d, TOPO_WARNING,
		      "%s: routing: \"static\" has nothing to route (expected routers between subnets, or hosts behind a router)",
		      t->file);
}

/*
 * "hosts": each address once; every link between two hosts of one address
 * family, with a VNI in 24 bits, and an MTU that crosses the underlay whole.
 */
static void check_hosts(const struct topo *t, struct topo_diags *d)
{
	size_t crossing = 0, last = 0;
	uint32_t base = topo_vni_base(t);

	for (size_t i = 0; i < t->n_hosts; i++)
		for (size_t k = 0; k < i; k++)
			if (addr_equal(&t->hosts[i].addr, &t->hosts[k].addr)) {
				char buf[ADDR_STRLEN];

				topo_diag_add(d, TOPO_ERROR,
					      "%s: hosts.%s.address: %s is already the address of host '%s' (expected each host's own address)",
					      t->file, t->hosts[i].name, addr_format(&t->hosts[i].addr, buf),
					      t->hosts[k].name);
			}
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_node *na = &t->nodes[l->ep[0].node], *nb = &t->nodes[l->ep[1].node];
		const struct topo_host *ha, *hb;
		int max, over;
		bool said_link;

		if (na->host < 0 || nb->host < 0 || !topo_link_crosses(t, i))
			continue;
		crossing++;
		last = i;
		ha = &t->hosts[na->host];
		hb = &t->hosts[nb->host];
		if (ha->addr.family != hb->addr.family) {
			topo_diag_add(d, TOPO_ERROR,
				      "%s: links[%zu]: joins host '%s' (%s) and host '%s' (%s), whose addresses are of different families (expected both IPv4 or both IPv6 for a VXLAN tunnel)",
				      t->file, i, ha->name, ha->addr.family == AF_INET ? "IPv4" : "IPv6", hb->name,
				      hb->addr.family == AF_INET ? "IPv4" : "IPv6");
			continue;
		}
		max = topo_vxlan_mtu(ha, hb);
		over = ha->addr.family == AF_INET ? TOPO_VXLAN_OVERHEAD4 : TOPO_VXLAN_OVERHEAD6;
		said_link = false;
		for (int k = 0; k < 2; k++) {
			const struct topo_node *n = &t->nodes[l->ep[k].node];
			const struct topo_iface *ifc = &n->ifaces[l->ep[k].iface];
			char where[TOPO_NODE_NAME_MAX + TOPO_IFNAMSIZ + 40];
			int mtu = ifc->mtu ? ifc->mtu : l->mtu;

			if (mtu <= max)
				continue;
			if (ifc->mtu)
				snprintf(where, sizeof(where), "nodes.%s.interfaces.%s.mtu", n->name, ifc->name);
			else if (said_link)
				continue; /* the link's own, said once */
			else {
				snprintf(where, sizeof(where), "links[%zu].mtu", i);
				said_link = true;
			}
			topo_diag_add(d, TOPO_WARNING,
				      "%s: %s: %d cannot cross from host '%s' to host '%s' whole: VXLAN over %s takes %d bytes of the underlay's %d (expected at most %d, or the outer packets fragment)",
				      t->file, where, mtu, ha->name, hb->name,
				      ha->addr.family == AF_INET ? "IPv4" : "IPv6", over, max + over, max);
		}
	}
	if (crossing && (uint64_t)base + last > TOPO_VNI_MAX)
		topo_diag_add(d, TOPO_ERROR,
			      "%s: vxlan.vni_base: %u leaves no VNI for links[%zu] (%llu is past %u; expected a vni_base of at most %llu)",
			      t->file, base, last, (unsigned long long)base + last, TOPO_VNI_MAX,
			      (unsigned long long)TOPO_VNI_MAX - last);
}

size_t topo_validate(const struct topo *t, struct topo_diags *d)
{
	size_t before = d->n_errors;

	for (size_t ni = 0; ni < t->n_nodes; ni++) {
		const struct topo_node *nd = &t->nodes[ni];

		for (size_t ii = 0; ii < nd->n_ifaces; ii++) {
			const struct topo_iface *ifc = &nd->ifaces[ii];
			bool is_bridge = nd->kind == TOPO_SWITCH &&
					 strcmp(ifc->name, TOPO_BRIDGE_NAME) == 0;

			if (ifc->link < 0 && ifc->n_addrs && strcmp(ifc->name, "lo") && !is_bridge)
				topo_diag_add(d, TOPO_ERROR,
					      "%s: nodes.%s.interfaces.%s: has addresses but is linked nowhere (expected a link with endpoint \"%s:%s\")",
					      t->file, nd->name, ifc->name, nd->name, ifc->name);
			else if (ifc->link < 0 && ifc->declared && !ifc->n_addrs &&
				 strcmp(ifc->name, "lo") && !is_bridge)
				topo_diag_add(d, TOPO_WARNING,
					      "%s: nodes.%s.interfaces.%s: is linked nowhere and will not be created",
					      t->file, nd->name, ifc->name);
			if (ifc->link >= 0 && nd->kind == TOPO_SWITCH && ifc->n_addrs)
				topo_diag_add(d, TOPO_ERROR,
					      "%s: nodes.%s.interfaces.%s.addresses: a switch port cannot carry addresses (expected them on the bridge, '%s')",
					      t->file, nd->name, ifc->name, TOPO_BRIDGE_NAME);
			if (strcmp(ifc->name, "lo") == 0 && (ifc->mtu || ifc->has_mac))
				topo_diag_add(d, TOPO_ERROR,
					      "%s: nodes.%s.interfaces.lo: only addresses can be set on lo (expected no mtu or mac)",
					      t->file, nd->name);
		}
		check_routes(t, nd, d);
	}
	check_after(t, d);
	for (size_t i = 0; t->plain_links && i < t->n_links; i++)
		if (!t->links[i].up)
			topo_diag_add(d, TOPO_ERROR,
				      "%s: links[%zu].state: \"down\" is a pulled cable, and with \"cables\": false a link has none (expected \"up\", or no \"cables\": false)",
				      t->file, i);
	check_addresses(t, d);
	check_link_subnets(t, d);
	check_routing_used(t, d);
	check_hosts(t, d);
	return d->n_errors - before;
}

size_t topo_check_files(struct topo *t, bool allow_host_paths, struct topo_diags *d)
{
	_cleanup_free_ char *base = realpath(t->dir, NULL);
	size_t before = d->n_errors;

	for (size_t ni = 0; ni < t->n_nodes; ni++) {
		struct topo_node *n = &t->nodes[ni];

		if (n->n_files && !n->files_host)
			n->files_host = xcalloc(n->n_files, sizeof(char *));
		for (size_t i = 0; i < n->n_files; i++) {
			struct topo_kv *f = &n->files[i];
			_cleanup_free_ char *host = f->value[0] == '/' ? xstrdup(f->value) :
									 xasprintf("%s/%s", t->dir, f->value);
			_cleanup_free_ char *real = realpath(host, NULL);
			struct stat st;

			if (!real && errno == ENOENT && n->files_rw && n->files_rw[i]) {
				/* a read-write directory (a lab's shared/) is made at up, as Kathara does */
				_cleanup_free_ char *dir = xstrdup(host), *parent = NULL;
				char *slash = strrchr(dir, '/');

				if (slash && slash != dir && slash[1]) {
					*slash = '\0';
					parent = realpath(dir, NULL);
				}
				if (parent)
					real = xasprintf("%s/%s", parent, slash + 1);
				if (real && (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode)))
					real = mfree(real);
				if (!real)
					errno = ENOENT;
				else
					goto check_place;
			}
			if (!real) {
				topo_diag_add(d, TOPO_ERROR, "%s: nodes.%s.files.%s: host file '%s' cannot be used: %s (expected an existing file)",
					      t->file, n->name, f->key, host, strerror(errno));
				continue;
			}
			if (stat(real, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
				topo_diag_add(d, TOPO_ERROR, "%s: nodes.%s.files.%s: '%s' is not a regular file or directory (devices, FIFOs and sockets are refused)",
					      t->file, n->name, f->key, host);
				continue;
			}
check_place:
			if (!allow_host_paths && (!base || !str_has_prefix(real, base) ||
						  (real[strlen(base)] != '/' && strcmp(base, "/")))) {
				topo_diag_add(d, TOPO_ERROR, "%s: nodes.%s.files.%s: '%s' is outside the topology's directory %s (expected a file beside the topology, or --allow-host-paths)",
					      t->file, n->name, f->key, real, base ? base : t->dir);
				continue;
			}
			if (!allow_host_paths && S_ISREG(st.st_mode) && (uint64_t)st.st_size > TOPO_FILE_MAX) {
				topo_diag_add(d, TOPO_ERROR, "%s: nodes.%s.files.%s: '%s' is larger than 16 MiB (expected a configuration file, or --allow-host-paths)",
					      t->file, n->name, f->key, real);
				continue;
			}
			free(n->files_host[i]);
			n->files_host[i] = TAKE_PTR(real);
		}
	}
	return d->n_errors - before;
}
