/* SPDX-License-Identifier: MIT */
/*
 * Phases 1-3 of `up`: the plan's namespaces, links, addresses and routes,
 * made through netlink from netlab's own namespaces (only sysctls need a setns).
 */
#include "engine_impl.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "dad.h"
#include "layout.h"
#include "log.h"
#include "util.h"

/* Phase 1: a network and UTS namespace per node, pinned, early sysctls written. */
struct ns_worker {
	const struct plan *p;
	int *fds;
	struct netlink **nls;
	bool *made;            /* made[i]: node i's pins exist (rollback removes only those) */
	size_t first, step;    /* this worker's nodes: first, first + step, ... */
	atomic_size_t *done;
	atomic_bool *stop;     /* a worker failed: the others stop too */
	struct lab_err *err;
	int r;
};

static void *create_namespaces_worker(void *data)
{
	struct ns_worker *w = data;
	const struct plan *p = w->p;
	_cleanup_(ns_sysctl_close) struct ns_sysctl sc = NS_SYSCTL_INIT;
	struct ns_saved saved = {-EBADF, -EBADF};
	int r;

	r = ns_save(&saved, &w->err);
	for (size_t i = w->first; r >= 0 && i < p->n_nodes; i += w->step) {
		const struct plan_node *pn = &p->nodes[i];
		_cleanup_free_ char *np = layout_netns_link(pn->netns);
		_cleanup_free_ char *pin = ns_pin_path(p->lab, pn->run.name);
		_cleanup_free_ char *up = state_uts_path(p->lab, pn->run.name);
		size_t done;

		if (atomic_load(w->stop))
			break;
		if (!pn->local) /* another host's */
			continue;
		r = ns_new(np, pin, up, pn->run.hostname, &w->err);
		if (r >= 0)
			w->made[i] = true;
		for (size_t k = 0; r >= 0 && k < pn->n_early; k++)
			r = ns_sysctl_write(&sc, pn->early[k].key, pn->early[k].value, &w->err);
		if (r >= 0) {
			w->fds[i] = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
			if (w->fds[i] < 0)
				r = err_make(&w->err, errno, "opening the network namespace");
		}
		/* the node's netlink socket, made while inside: phases 2 and 3 need no setns */
		if (r >= 0)
			r = netlink_open(&w->nls[i], &w->err);
		engine_restore_or_die(&saved, false);
		done = atomic_fetch_add(w->done, 1) + 1;
		if (w->first == 0)
			engine_progress(p->lab, "creating namespaces", done, p->n_nodes);
		if (r >= 0)
			r = engine_check_interrupt(&w->err);
		if (r < 0) {
			err_wrap(&w->err, "node '%s'", pn->run.name);
			atomic_store(w->stop, true);
		}
	}
	if (saved.net >= 0)
		engine_restore_or_die(&saved, true);
	w->r = r;
	return NULL;
}

/*
 * Namespaces are made by up to 4 threads (one per CPU) at once: the kernel sets
 * a new network namespace up mostly outside the RTNL lock, so they overlap
 * (1,000 nodes: 0.22 s alone, 0.14 s with two threads on two CPUs).
 */
static int create_namespaces(const struct plan *p, int *fds, struct netlink **nls, bool *made,
			     struct lab_err **err)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = p->n_nodes >= 64 && cpus > 1 ? (size_t)(cpus < 4 ? cpus : 4) : 1;
	struct ns_worker w[4];
	pthread_t threads[4];
	bool started[4] = {false};
	atomic_size_t done = 0;
	atomic_bool stop = false;
	int r = 0;

	for (size_t k = 0; k < n; k++)
		w[k] = (struct ns_worker){p, fds, nls, made, k, n, &done, &stop, NULL, 0};
	for (size_t k = 1; k < n; k++)
		started[k] = pthread_create(&threads[k], NULL, create_namespaces_worker, &w[k]) == 0;
	for (size_t k = 1; k < n; k++)
		if (!started[k])
			create_namespaces_worker(&w[k]); /* no thread: do its share here */
	create_namespaces_worker(&w[0]);
	for (size_t k = 0; k < n; k++) {
		if (started[k])
			pthread_join(threads[k], NULL);
		if (w[k].r < 0 && r >= 0) {
			r = w[k].r;
			*err = TAKE_PTR(w[k].err);
		}
		err_free(w[k].err);
	}
	return r;
}

/*
 * The lab's wire namespace (plan.h plan_link), pinned beside the nodes', with
 * a netlink socket inside. IPv6 is off there before any device exists, so that
 * the wire ends send nothing of their own (link-local address, router
 * solicitations, MLD reports) onto the lab's links; with no IPv4 address
 * either, they only pass on what the nodes send.
 */
static int create_wire(const struct plan *p, struct ns_sysctl *sc, int *ret_fd,
		       struct netlink **ret_nl, struct lab_err **err)
{
	static const char *const off[] = {"net.ipv6.conf.all.disable_ipv6",
					  "net.ipv6.conf.default.disable_ipv6"};
	_cleanup_free_ char *pin = ns_wire_path(p->lab);
	struct ns_saved saved = {-EBADF, -EBADF};
	int r;

	r = ns_save(&saved, err);
	if (r < 0)
		return r;
	r = ns_new_net(pin, err);
	for (size_t k = 0; r >= 0 && k < ARRAY_SIZE(off); k++)
		r = ns_sysctl_write(sc, off[k], "1", err);
	if (r >= 0) {
		*ret_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (*ret_fd < 0)
			r = err_make(err, errno, "opening the network namespace");
	}
	if (r >= 0)
		r = netlink_open(ret_nl, err);
	engine_restore_or_die(&saved, true);
	if (r < 0)
		return err_wrap(err, "the lab's wire namespace");
	return 0;
}

/*
 * Phase 2: bridges, and for each link a veth from each end, made directly in
 * its node, to its wire end in the wire namespace (up when the cable is in);
 * then, there, each wire end passing on what it receives out of the other.
 */
static int create_links(const struct plan *p, const int *fds, int wire_fd, struct netlink *wire,
			struct lab_err **err)
{
	_cleanup_(netlink_closep) struct netlink *nl = NULL;
	char desc[112];
	int r;

	r = netlink_open(&nl, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_bridges; i++) {
		const struct plan_bridge *b = &p->bridges[i];
		struct netlink_dev d = {
			.ifname = TOPO_BRIDGE_NAME,
			.ifindex = b->ifindex,
			.netns_fd = fds[b->node],
			.up = false, /* after its ports (configure_node) */
		};

		snprintf(desc, sizeof(desc), "node '%s': creating bridge '%s'",
			 p->nodes[b->node].run.name, TOPO_BRIDGE_NAME);
		r = netlink_add_bridge(nl, &d, b->stp, b->hub, desc, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; !p->wired && i < p->n_links; i++) {
		const struct plan_link *v = &p->links[i];
		struct netlink_dev d[2];

		if (v->share != PLAN_LINK_LOCAL)
			continue;
		/* "cables": false: one veth pair, both ends up from inside their nodes (plan_set) */
		for (int k = 0; k < 2; k++)
			d[k] = (struct netlink_dev){
				.ifname = v->end[k].ifname,
				.ifindex = v->end[k].ifindex,
				.netns_fd = fds[v->end[k].node],
				.mtu = v->end[k].mtu,
				.mac = v->end[k].mac,
				.up = false,
			};
		snprintf(desc, sizeof(desc), "links[%zu]: creating veth %s:%s -- %s:%s", v->link,
			 p->nodes[v->end[0].node].run.name, v->end[0].ifname,
			 p->nodes[v->end[1].node].run.name, v->end[1].ifname);
		r = netlink_add_veth(nl, &d[0], &d[1], desc, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; p->wired && i < p->n_links; i++) {
		const struct plan_link *v = &p->links[i];

		for (int k = 0; v->share == PLAN_LINK_LOCAL && k < 2; k++) {
			const struct plan_end *e = &v->end[k];
			/* the request's own device, so that it can come up at once (a peer cannot) */
			struct netlink_dev w = {
				.ifname = v->wire[k].ifname,
				.ifindex = v->wire[k].ifindex,
				.netns_fd = wire_fd,
				.mtu = PLAN_WIRE_MTU,
				.up = v->up,
			};
			struct netlink_dev d = {
				.ifname = e->ifname,
				.ifindex = e->ifindex,
				.netns_fd = fds[e->node],
				.mtu = e->mtu,
				.mac = e->mac,
				/* up (and a switch's enslaved) from inside its node (plan_set), after its sysctls */
				.up = false,
			};

			snprintf(desc, sizeof(desc), "links[%zu]: creating veth %s:%s -- wire %s", v->link,
				 p->nodes[e->node].run.name, e->ifname, v->wire[k].ifname);
			r = netlink_add_veth(nl, &w, &d, desc, err);
			if (r < 0)
				return r;
		}
	}
	r = netlink_flush(nl, err);
	for (size_t i = 0; r >= 0 && p->wired && i < p->n_links; i++) {
		const struct plan_link *v = &p->links[i];

		for (int k = 0; r >= 0 && v->share == PLAN_LINK_LOCAL && k < 2; k++) {
			snprintf(desc, sizeof(desc), "links[%zu]: wiring %s to %s", v->link,
				 v->wire[k].ifname, v->wire[!k].ifname);
			r = netlink_add_redirect(wire, v->wire[k].ifindex, v->wire[!k].ifindex, desc, err);
		}
	}
	if (r >= 0 && p->wired)
		r = netlink_flush(wire, err);
	netlink_trim(wire);
	return r;
}

/*
 * Phase 2 on one host of a lab over several: the end here of each link to
 * another host, a VXLAN device made from this host's network namespace (its
 * UDP socket stays here, on the underlay) directly into the node's, under the
 * end's name (plan.h plan_vxlan). A pulled cable between hosts is a tunnel
 * without its remote: it is taken away once the device exists.
 */
static int create_vxlans(const struct plan *p, const int *fds, struct netlink **nls,
			 struct lab_err **err)
{
	_cleanup_(netlink_closep) struct netlink *nl = NULL;
	char desc[160], abuf[ADDR_STRLEN];
	int r;

	if (!p->n_vxlans)
		return 0;
	r = netlink_open(&nl, err);
	for (size_t i = 0; r >= 0 && i < p->n_vxlans; i++) {
		const struct plan_vxlan *vx = &p->vxlans[i];
		struct netlink_dev d = {
			.ifname = vx->end.ifname,
			.ifindex = vx->end.ifindex,
			.netns_fd = fds[vx->end.node],
			.mtu = vx->end.mtu,
			.mac = vx->end.mac,
		};
		struct netlink_vxlan v = {vx->vni, vx->local, vx->remote, vx->port};

		snprintf(desc, sizeof(desc),
			 "links[%zu]: creating VXLAN %s:%s (VNI %u to %s port %u; another lab on this host with the same VNI and port: set \"vxlan\": {\"vni_base\": N})",
			 vx->link, p->nodes[vx->end.node].run.name, vx->end.ifname, vx->vni,
			 addr_format(&vx->remote, abuf), vx->port);
		r = netlink_add_vxlan(nl, &d, &v, desc, err);
	}
	if (r >= 0)
		r = netlink_flush(nl, err);
	for (size_t i = 0; r >= 0 && i < p->n_vxlans; i++) {
		const struct plan_vxlan *vx = &p->vxlans[i];

		if (vx->up)
			continue;
		snprintf(desc, sizeof(desc), "links[%zu]: pulling the cable of %s:%s", vx->link,
			 p->nodes[vx->end.node].run.name, vx->end.ifname);
		r = netlink_vxlan_remote(nls[vx->end.node], vx->end.ifindex, &vx->remote, false, desc, err);
		if (r >= 0)
			r = netlink_flush(nls[vx->end.node], err);
	}
	return r;
}

/*
 * Phase 3, a node's devices: lo up, its bridge's IPv6 off unless it has
 * addresses, every veth end up (a switch's as a port with no IPv6) with its
 * transmit checksum offload off, then the bridge up after its ports.
 */
static int configure_devices(const struct plan *p, size_t ni, struct netlink *nl, size_t *pi,
			     struct lab_err **err)
{
	const struct plan_node *pn = &p->nodes[ni];
	const struct plan_bridge *br = pn->bridge >= 0 ? &p->bridges[pn->bridge] : NULL;
	char desc[112];
	int r;

	snprintf(desc, sizeof(desc), "setting 'lo' up");
	r = netlink_set_link(nl, PLAN_IFINDEX_LO, 1, -1, desc, err);
	if (r >= 0 && br && br->no_ll) {
		snprintf(desc, sizeof(desc), "turning IPv6 link-local addresses off on '%s'", TOPO_BRIDGE_NAME);
		r = netlink_set_link_ex(nl, br->ifindex, -1, -1, true, desc, err);
	}
	for (; r >= 0 && *pi < p->n_sets && p->sets[*pi].node == ni; (*pi)++) {
		const struct plan_set *ps = &p->sets[*pi];
		const char *ifname = plan_ifname(p, ni, ps->ifindex);

		/*
		 * A veth fills in no checksum (it passes CHECKSUM_PARTIAL on), so
		 * a capture inside the lab shows each one "incorrect": off, the
		 * kernel computes it before the packet leaves (as containerlab does).
		 */
		r = netlink_set_tx_csum(nl, ifname, false);
		if (r < 0)
			return err_make(err, -r, "turning the transmit checksum offload of '%s' off", ifname);
		snprintf(desc, sizeof(desc), "setting '%s'%s%s", ifname, ps->up > 0 ? " up" : "",
			 ps->master > 0 ? " as a port of br0" : "");
		r = netlink_set_link_ex(nl, ps->ifindex, ps->up, ps->master, ps->no_ll, desc, err);
	}
	if (r >= 0 && br) {
		snprintf(desc, sizeof(desc), "setting '%s' up", TOPO_BRIDGE_NAME);
		r = netlink_set_link(nl, br->ifindex, 1, -1, desc, err);
	}
	return r;
}

/* Phase 3, one node: late sysctls, devices, addresses, routes, impairments. */
static int configure_node(const struct plan *p, struct ns_sysctl *sc, size_t ni, int fd,
			  struct netlink *nl, size_t *ai, size_t *ri, size_t *pi, size_t *ii,
			  struct lab_err **err)
{
	const struct plan_node *pn = &p->nodes[ni];
	char desc[112], buf[PREFIX_STRLEN], vbuf[ADDR_STRLEN];
	int r;

	if (pn->n_late) {
		struct ns_saved saved = {-EBADF, -EBADF};

		r = ns_save(&saved, err);
		if (r < 0)
			return r;
		if (setns(fd, CLONE_NEWNET) < 0)
			r = err_make(err, errno, "entering the network namespace");
		for (size_t k = 0; r >= 0 && k < pn->n_late; k++)
			r = ns_sysctl_write(sc, pn->late[k].key, pn->late[k].value, err);
		engine_restore_or_die(&saved, true);
		if (r < 0)
			return r;
	}

	r = configure_devices(p, ni, nl, pi, err);
	for (; r >= 0 && *ai < p->n_addrs && p->addrs[*ai].node == ni; (*ai)++) {
		const struct plan_addr *a = &p->addrs[*ai];

		snprintf(desc, sizeof(desc), "adding address %s to '%s'",
			 prefix_format(&a->prefix, buf), plan_ifname(p, ni, a->ifindex));
		r = netlink_add_addr(nl, a->ifindex, &a->prefix, desc, err);
	}
	for (; r >= 0 && *ri < p->n_routes && p->routes[*ri].node == ni; (*ri)++) {
		const struct plan_route *rt = &p->routes[*ri];
		struct netlink_route nr = {rt->to, rt->has_via, rt->via, rt->oif, rt->metric,
					   rt->extra_via, rt->n_extra_via};
		int len = 0;

		len = snprintf(desc, sizeof(desc), "adding route %s",
			       rt->to.len ? prefix_format(&rt->to, buf) : "default");
		if (rt->has_via)
			len += snprintf(desc + len, sizeof(desc) - len, " via %s",
					addr_format(&rt->via, vbuf));
		if (rt->oif)
			snprintf(desc + len, sizeof(desc) - len, " dev %s", plan_ifname(p, ni, rt->oif));
		r = netlink_add_route(nl, &nr, false, desc, err);
	}
	for (; r >= 0 && *ii < p->n_impairs && p->impairs[*ii].node == ni; (*ii)++) {
		const struct plan_impair *im = &p->impairs[*ii];
		struct netlink_impair ni2 = {im->impair->delay_ns, im->impair->jitter_ns,
					     im->impair->loss, im->impair->rate_bps};
		char what[96];

		snprintf(desc, sizeof(desc), "impairing '%s' (%s, %s)", plan_ifname(p, ni, im->ifindex),
			 topo_impair_format(im->impair, what, sizeof(what)),
			 netlink_qdisc_name(netlink_impair_qdisc(&ni2)));
		r = netlink_set_impair(nl, im->ifindex, &ni2, desc, err);
	}
	if (r >= 0)
		r = netlink_flush(nl, err);
	netlink_trim(nl);
	return r;
}

/*
 * Have the kernel act on the carrier changes of the veth ends now, not when
 * its link watch (net/core/link_watch.c) gets to them: it handles at most 100
 * changes it deems not urgent a second, and every urgent run walks all those
 * pending. Each new veth leaves two, so up to phase 3 a lab of N links (two
 * veths each, node end to wire end) keeps 4N pending and every end brought up
 * walks them all: a 4,096-node line of one veth a link spent 2.5 s of its
 * configuration in those walks, holding the RTNL lock.
 *  - drain_links, after phase 2: a request for each node end's attributes (and
 *    a pulled cable's wire ends') makes the kernel act on its pending change
 *    (those ends are down: ETHTOOL_GLINK would skip them);
 *  - sync_links, once every end is up: ETHTOOL_GLINK on each, so that bridge
 *    ports forward, wire ends pass frames on and every interface is "up" when
 *    `up` returns (see netlink_sync_link).
 */
static int drain_links(const struct plan *p, struct netlink **nls, struct netlink *wire,
		       struct lab_err **err)
{
	char desc[112];
	int r = 0;

	/*
	 * The wire ends of a pulled cable, down; those up at creation the link watch
	 * deems urgent (up, with an index other than their peer's): it has acted already.
	 */
	for (size_t i = 0; r >= 0 && p->wired && i < p->n_links; i++)
		for (int k = 0; r >= 0 && !p->links[i].up && p->links[i].share == PLAN_LINK_LOCAL && k < 2; k++) {
			snprintf(desc, sizeof(desc), "reading wire %s", p->links[i].wire[k].ifname);
			r = netlink_get_link(wire, p->links[i].wire[k].ifindex, desc, err);
		}
	if (r >= 0 && p->wired)
		r = netlink_flush(wire, err);
	netlink_trim(wire);
	if (r < 0)
		return err_wrap(err, "the lab's wire namespace");
	for (size_t i = 0; r >= 0 && i < p->n_sets; i++) {
		const struct plan_set *ps = &p->sets[i];

		snprintf(desc, sizeof(desc), "reading '%s'", plan_ifname(p, ps->node, ps->ifindex));
		r = netlink_get_link(nls[ps->node], ps->ifindex, desc, err);
		/* the sets are by node: a node's requests go at once */
		if (r >= 0 && (i + 1 == p->n_sets || p->sets[i + 1].node != ps->node)) {
			r = netlink_flush(nls[ps->node], err);
			netlink_trim(nls[ps->node]);
		}
		if (r < 0)
			err_wrap(err, "node '%s'", p->nodes[ps->node].run.name);
	}
	return r;
}

static int sync_links(const struct plan *p, struct netlink **nls, struct netlink *wire,
		      struct lab_err **err)
{
	/*
	 * A wire end's qdisc is attached only when the kernel acts on its carrier
	 * (dev_activate): until then what tc passes out of it is dropped.
	 */
	for (size_t i = 0; p->wired && i < p->n_links; i++)
		for (int k = 0; p->links[i].up && p->links[i].share == PLAN_LINK_LOCAL && k < 2; k++) {
			int r = netlink_sync_link(wire, p->links[i].wire[k].ifname);

			if (r < 0)
				return err_make(err, -r, "reading the link state of wire '%s'",
						p->links[i].wire[k].ifname);
		}
	for (size_t i = 0; i < p->n_sets; i++) {
		const struct plan_set *ps = &p->sets[i];
		const char *ifname = plan_ifname(p, ps->node, ps->ifindex);
		int r;

		if (ps->up <= 0)
			continue;
		r = netlink_sync_link(nls[ps->node], ifname);
		if (r < 0)
			return err_make(err, -r, "node '%s': reading the link state of '%s'",
					p->nodes[ps->node].run.name, ifname);
	}
	/* a bridge's carrier follows its ports': its own change is pending now */
	for (size_t i = 0; i < p->n_bridges; i++) {
		const char *name = p->nodes[p->bridges[i].node].run.name;
		int r = netlink_sync_link(nls[p->bridges[i].node], TOPO_BRIDGE_NAME);

		if (r < 0)
			return err_make(err, -r, "node '%s': reading the link state of '%s'", name,
					TOPO_BRIDGE_NAME);
	}
	return 0;
}

int engine_build(const struct plan *p, struct engine_build *b, double start, struct lab_err **err)
{
	const char *lab = p->lab;
	size_t ai = 0, ri = 0, pi = 0, ii = 0, n = p->n_nodes ? p->n_nodes : 1;
	int r;

	b->n = p->n_nodes;
	b->made = xcalloc(n, sizeof(bool));
	b->fds = xcalloc(n, sizeof(int));
	b->nls = xcalloc(n, sizeof(*b->nls));
	for (size_t i = 0; i < p->n_nodes; i++)
		b->fds[i] = -EBADF;

	log_info("lab '%s': creating %zu namespaces", lab, p->n_nodes + p->wired);
	r = p->wired ? create_wire(p, &b->sysctl, &b->wire_fd, &b->wire, err) : 0;
	if (r >= 0)
		r = create_namespaces(p, b->fds, b->nls, b->made, err);
	if (r < 0)
		return r;
	log_info("lab '%s': %.3f s: creating %zu bridges and %zu links", lab, now_sec() - start,
		 p->n_bridges, p->n_links);
	r = create_links(p, b->fds, b->wire_fd, b->wire, err);
	if (r >= 0)
		r = create_vxlans(p, b->fds, b->nls, err);
	if (r >= 0)
		r = drain_links(p, b->nls, b->wire, err);
	if (r >= 0)
		r = engine_check_interrupt(err);
	if (r < 0)
		return r;
	log_info("lab '%s': %.3f s: configuring %zu addresses and %zu routes", lab,
		 now_sec() - start, p->n_addrs, p->n_routes);
	for (size_t i = 0; i < p->n_nodes; i++) {
		if (!p->nodes[i].local)
			continue;
		r = configure_node(p, &b->sysctl, i, b->fds[i], b->nls[i], &ai, &ri, &pi, &ii, err);
		engine_progress(lab, "configuring nodes", i + 1, p->n_nodes);
		if (r >= 0)
			r = engine_check_interrupt(err);
		if (r < 0)
			return err_wrap(err, "node '%s'", p->nodes[i].run.name);
	}
	r = sync_links(p, b->nls, b->wire, err);
	if (r >= 0)
		r = dad_wait(p, b->nls, &engine_interrupted, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_nodes; i++)
		b->nls[i] = netlink_close(b->nls[i]);
	b->wire = netlink_close(b->wire);
	return 0;
}

void engine_build_clear(struct engine_build *b)
{
	for (size_t i = 0; b->fds && i < b->n; i++) {
		if (b->fds[i] >= 0)
			close(b->fds[i]);
		netlink_close(b->nls[i]);
	}
	free(b->fds);
	free(b->nls);
	free(b->made);
	netlink_close(b->wire);
	if (b->wire_fd >= 0)
		close(b->wire_fd);
	ns_sysctl_close(&b->sysctl);
	*b = (struct engine_build){.wire_fd = -EBADF, .sysctl = NS_SYSCTL_INIT};
}
