/* SPDX-License-Identifier: MIT */
/* Changes to a running lab, from its state: a link's cable (link), its impairment (impair). */
#include "lab.h"
#include "engine_impl.h"

#include <stdlib.h>

#include "dad.h"
#include "log.h"
#include "rootless.h"
#include "util.h"

/* The link of a lab with an end "node:ifname" (or "node" when it has one link). */
static int find_link(struct state *s, const struct topo_end *end, size_t *ret_link, int *ret_side,
		     struct lab_err **err)
{
	char buf[TOPO_END_MAX];
	size_t found = 0;

	for (size_t i = 0; i < s->n_links; i++)
		for (int k = 0; k < 2; k++)
			if (topo_end_matches(&s->links[i].ends[k], end)) {
				*ret_link = i;
				*ret_side = k;
				found++;
			}
	if (found == 1)
		return 0;
	if (found > 1)
		return err_make_kind(err, ERR_USAGE, ENOTUNIQ,
				     "node '%s' has several links (expected \"node:ifname\")", end->node);
	return err_make_kind(err, ERR_USAGE, ENOENT, "lab '%s' has no link with end '%s'", s->lab,
			     topo_end_format(end, buf));
}

static const struct state_node *state_node_of(const struct state *s, const struct topo_end *end)
{
	for (size_t i = 0; i < s->n_nodes; i++)
		if (!strcmp(s->nodes[i].name, end->node))
			return &s->nodes[i];
	return NULL;
}

/* Open a lab for a change: resolve it from a "node:ifname" end, lock it, read its state. */
static int open_lab(const char *lab, const char *arg, struct topo_end *end, char **ret_lab,
		    int *ret_lock, struct state **ret_state, struct lab_err **err)
{
	_cleanup_free_ char *found = NULL;
	_cleanup_close_ int lock = -EBADF;
	int r;

	if (topo_end_parse(arg, end) < 0)
		return err_make_kind(err, ERR_USAGE, EINVAL,
				     "'%s' is not a link end (expected \"node:ifname\", or \"node\" of one link)",
				     arg);
	r = lab_find_node(lab, end->node, &found, err);
	if (r >= 0)
		r = rootless_join(found, err);
	if (r < 0)
		return r;
	lock = state_lock(found, false, err);
	if (lock == -ENOENT)
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", found);
	if (lock < 0)
		return lock;
	r = state_read(found, STATE_ALL, ret_state, err);
	if (r == -ENOENT)
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", found);
	if (r < 0)
		return r;
	*ret_lock = TAKE_FD(lock);
	*ret_lab = TAKE_PTR(found);
	return 0;
}

/*
 * Put a device's addresses back: a device taken down loses its IPv6 ones
 * (netlab leaves net.ipv6.conf.*.keep_addr_on_down alone: one sysctl less per node).
 */
static void restore_addrs(struct netlink *nl, const struct state_node *n, const char *dev)
{
	_cleanup_err_ struct lab_err *e = NULL;
	int ifindex = netlink_ifindex(nl, dev, &e);

	if (ifindex < 0)
		return;
	for (size_t i = 0; i < n->n_addrs; i++) {
		_cleanup_err_ struct lab_err *e2 = NULL;

		if (strcmp(n->addrs[i].dev, dev))
			continue;
		/* an IPv4 address still there answers EEXIST: fine */
		if (netlink_add_addr(nl, ifindex, &n->addrs[i].prefix, "restoring an address", &e2) >= 0)
			netlink_flush(nl, &e2);
	}
}

/* Put a node's routes back (a link that went down took the routes through it along). */
static void restore_routes(struct netlink *nl, const struct state_node *n)
{
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct state_route *sr = &n->routes[i];
		struct netlink_route nr = {sr->to, sr->has_via, sr->via, 0, sr->metric, NULL, 0};
		_cleanup_err_ struct lab_err *e = NULL;

		if (sr->dev[0]) {
			nr.oif = netlink_ifindex(nl, sr->dev, &e);
			if (nr.oif < 0)
				continue;
		}
		/* a route through another link that is still down cannot come back yet */
		if (netlink_add_route(nl, &nr, true, "restoring a route", &e) >= 0)
			netlink_flush(nl, &e);
	}
}

/* Both ends' sockets of a link. */
static void netlink_close_pair(struct netlink *(*nl)[2])
{
	netlink_close((*nl)[0]);
	netlink_close((*nl)[1]);
}

/*
 * Pull a link's cable or put it back: both its wire ends down or up (plan.h
 * plan_link). The node ends keep their admin state and lose or regain their
 * carrier, with their addresses and routes. A request for each wire end's
 * attributes then has the kernel act on its carrier change at once, also for
 * one that is down (which ETHTOOL_GLINK skips); up, that attaches its qdisc,
 * without which what tc passes out of it is dropped.
 */
static int set_cable(const char *lab, const struct state_link *l, bool up, struct lab_err **err)
{
	_cleanup_(netlink_closep) struct netlink *wire = NULL;
	char desc[112], buf[TOPO_END_MAX];
	int r = engine_wire_netlink(lab, &wire, err);

	for (int k = 0; r >= 0 && k < 2; k++) {
		snprintf(desc, sizeof(desc), "setting the wire end of '%s' %s",
			 topo_end_format(&l->ends[k], buf), up ? "up" : "down");
		r = netlink_set_link(wire, l->wire[k], up, -1, desc, err);
	}
	for (int k = 0; r >= 0 && k < 2; k++) {
		snprintf(desc, sizeof(desc), "reading the wire end of '%s'", topo_end_format(&l->ends[k], buf));
		r = netlink_get_link(wire, l->wire[k], desc, err);
	}
	if (r >= 0)
		r = netlink_flush(wire, err);
	return r;
}

/*
 * The cable of a link to another host: this host's end, a VXLAN device, loses
 * its remote (every frame it sends is dropped) or gets it back. The device
 * keeps its carrier and addresses; the other host does the same to its end.
 */
static int set_tunnel(const struct state *s, const struct state_link *l, bool up,
		      struct lab_err **err)
{
	_cleanup_(netlink_closep) struct netlink *nl = NULL;
	const struct topo_end *end = &l->ends[l->vxlan.side];
	const struct state_node *n = state_node_of(s, end);
	char desc[160], buf[TOPO_END_MAX];
	int ifindex, r;

	topo_end_format(end, buf);
	if (!n)
		return err_make(err, ENOENT, "link end '%s'", buf);
	r = engine_node_netlink(s->lab, n, &nl, err);
	if (r < 0)
		return err_wrap(err, "node '%s'", n->name);
	ifindex = netlink_ifindex(nl, end->ifname, err);
	if (ifindex < 0)
		return ifindex;
	snprintf(desc, sizeof(desc), "%s the tunnel of '%s' to the other host", up ? "mending" : "cutting",
		 buf);
	r = netlink_vxlan_remote(nl, ifindex, &l->vxlan.remote, up, desc, err);
	if (r >= 0)
		r = netlink_flush(nl, err);
	/* cut twice, or mended twice: the kernel says so, and it is so */
	if (r < 0 && ((!up && (*err)->code == ENOENT) || (up && (*err)->code == EEXIST))) {
		*err = err_free(*err);
		r = 0;
	}
	return r;
}

int lab_link_set(const char *lab, const char *arg, bool up, struct lab_err **err)
{
	_cleanup_(netlink_close_pair) struct netlink *nl[2] = {NULL, NULL};
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_free_ char *found = NULL;
	_cleanup_close_ int lock = -EBADF;
	const struct state_node *n[2];
	struct topo_end end;
	struct state_link *l;
	char e0[TOPO_END_MAX], e1[TOPO_END_MAX];
	bool cable;
	size_t li;
	int side, r;

	r = open_lab(lab, arg, &end, &found, &lock, &s, err);
	if (r < 0)
		return r;
	r = find_link(s, &end, &li, &side, err);
	if (r < 0)
		return r;
	l = &s->links[li];
	if (l->vxlan.on) {
		r = set_tunnel(s, l, up, err);
		if (r < 0)
			return r;
		l->up = up;
		return state_write(s, STATE_WIRING, err);
	}
	if (l->plain)
		return err_make_kind(err, ERR_RUNTIME, EOPNOTSUPP,
				     "lab '%s' has no cable to pull: its topology says \"cables\": false, so '%s' -- '%s' is one veth pair (inside a node, 'ip link set IF down' takes one end down)",
				     s->lab, topo_end_format(&l->ends[0], e0), topo_end_format(&l->ends[1], e1));
	cable = l->wire[0] > 0 && l->wire[1] > 0;
	for (int k = 0; k < 2; k++) {
		n[k] = state_node_of(s, &l->ends[k]);
		if (!n[k])
			return err_make(err, ENOENT, "link end '%s'", topo_end_format(&l->ends[k], e0));
		r = engine_node_netlink(s->lab, n[k], &nl[k], err);
		if (r < 0)
			return err_wrap(err, "node '%s'", n[k]->name);
	}
	/* a pulled cable: each side sees its carrier go, and come back with nothing to re-add */
	if (cable)
		r = set_cable(s->lab, l, up, err);
	/*
	 * A lab made before links had wire ends is one veth pair a link: both ends
	 * down or up, which takes the IPv6 addresses and the routes through them
	 * along: netlab puts back its own.
	 */
	for (int k = 0; r >= 0 && !cable && k < 2; k++) {
		const char *dev = l->ends[k].ifname;
		char desc[112];

		snprintf(desc, sizeof(desc), "setting '%s' %s", topo_end_format(&l->ends[k], e0),
			 up ? "up" : "down");
		r = netlink_set_link_name(nl[k], dev, up, desc, err);
		if (r >= 0)
			r = netlink_flush(nl[k], err);
		if (r >= 0 && up) {
			restore_addrs(nl[k], n[k], dev);
			restore_routes(nl[k], n[k]);
		}
	}
	if (r < 0)
		return r;
	/* the carrier change of both ends acted on now (a bridge port forwards at once) */
	for (int k = 0; k < 2; k++)
		netlink_sync_link(nl[k], l->ends[k].ifname);
	/* and, as after `up`, the addresses usable again (detection runs anew) when this returns */
	for (int k = 0; up && k < 2; k++) {
		_cleanup_err_ struct lab_err *e = NULL;
		int ifindex = netlink_ifindex(nl[k], l->ends[k].ifname, &e);

		if (ifindex >= 0)
			r = dad_wait_dev(nl[k], ifindex, err);
		if (r < 0)
			return r;
	}
	l->up = up;
	return state_write(s, STATE_WIRING, err);
}

/*
 * The kernel refuses to turn a root qdisc 1: of another kind into ours
 * ("Invalid qdisc name"): say what is there and how to clear it.
 */
static int explain_qdisc(const char *lab, struct netlink *nl, int ifindex,
			 const struct topo_end *te, struct lab_err **err)
{
	_cleanup_err_ struct lab_err *e2 = NULL;
	char kind[16], end[TOPO_END_MAX];
	uint32_t handle;

	if (netlink_root_qdisc(nl, ifindex, kind, &handle, &e2) <= 0)
		return -(*err)->code;
	*err = err_free(*err);
	topo_end_format(te, end);
	return err_make_kind(err, ERR_RUNTIME, EEXIST,
			     "'%s' already has a root qdisc netlab did not set (%s %x:); clear it with 'netlab impair -l %s %s --clear' (or 'tc qdisc del dev %s root' inside the node), then impair again",
			     end, kind, handle >> 16, lab, end, te->ifname);
}

int lab_impair(const char *lab, const char *arg, const struct topo_impair *im, bool both,
	       struct lab_err **err)
{
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_free_ char *found = NULL;
	_cleanup_close_ int lock = -EBADF;
	struct topo_impair before[2];
	struct topo_end end;
	size_t li;
	int side, r = 0, done = 0;

	r = open_lab(lab, arg, &end, &found, &lock, &s, err);
	if (r < 0)
		return r;
	r = find_link(s, &end, &li, &side, err);
	if (r < 0)
		return r;
	before[0] = s->links[li].impair[0];
	before[1] = s->links[li].impair[1];
	for (int pass = 0; pass < 2 && r >= 0; pass++) {
		int k = pass == 0 ? side : !side;
		_cleanup_(netlink_closep) struct netlink *nl = NULL;
		const struct topo_end *te = &s->links[li].ends[k];
		const struct state_node *n = state_node_of(s, te);
		char desc[112], what[96], e[TOPO_END_MAX];
		int ifindex;

		topo_end_format(te, e);
		if (pass == 1 && !both)
			break;
		/* a link to another host: only this host's end (the other host impairs its own) */
		if (s->links[li].vxlan.on && k != s->links[li].vxlan.side)
			continue;
		r = engine_node_netlink(s->lab, n, &nl, err);
		if (r < 0)
			break;
		ifindex = netlink_ifindex(nl, te->ifname, err);
		if (ifindex < 0) {
			r = ifindex;
			break;
		}
		if (!im->set) {
			snprintf(desc, sizeof(desc), "clearing the impairment of '%s'", e);
			netlink_clear_impair(nl, ifindex, desc, err);
			if (netlink_flush(nl, err) < 0) {
				if ((*err)->code != ENOENT && (*err)->code != EINVAL) {
					r = -(*err)->code;
					break;
				}
				/* the kernel's default qdisc there: nothing of ours to clear */
				*err = err_free(*err);
			}
		} else {
			struct netlink_impair ni = {im->delay_ns, im->jitter_ns, im->loss, im->rate_bps};

			snprintf(desc, sizeof(desc), "impairing '%s' (%s, %s)", e,
				 topo_impair_format(im, what, sizeof(what)),
				 netlink_qdisc_name(netlink_impair_qdisc(&ni)));
			r = netlink_set_impair(nl, ifindex, &ni, desc, err);
			if (r >= 0)
				r = netlink_flush(nl, err);
			if (r == -EINVAL)
				r = explain_qdisc(s->lab, nl, ifindex, te, err);
			if (r < 0)
				break;
		}
		s->links[li].impair[k] = *im;
		done++;
	}
	if (r < 0 && done) {
		/* the first end changed, the second failed: put the first back */
		_cleanup_(netlink_closep) struct netlink *nl = NULL;
		_cleanup_err_ struct lab_err *e2 = NULL;
		const struct topo_end *te = &s->links[li].ends[side];
		const struct state_node *n = state_node_of(s, te);

		if (engine_node_netlink(s->lab, n, &nl, &e2) >= 0) {
			int ifindex = netlink_ifindex(nl, te->ifname, &e2);
			struct netlink_impair ni = {before[side].delay_ns, before[side].jitter_ns,
						    before[side].loss, before[side].rate_bps};

			if (ifindex > 0 && before[side].set)
				netlink_set_impair(nl, ifindex, &ni, "restoring an impairment", &e2);
			else if (ifindex > 0)
				netlink_clear_impair(nl, ifindex, "restoring an impairment", &e2);
			netlink_flush(nl, &e2);
		}
		return r;
	}
	if (r < 0)
		return r;
	return state_write(s, STATE_WIRING, err);
}
