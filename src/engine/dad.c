/* SPDX-License-Identifier: MIT */
/* Waiting for duplicate address detection at the end of `up` and of `link ... up`. */
#include "dad.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/*
 * Whether a planned device of a node is up with a carrier, so that its
 * addresses leave the tentative state: lo, a link end whose cable is in (a
 * pulled one's wait for the cable), a bridge with such a port.
 */
static bool planned_up(const struct plan *p, size_t first_set, size_t ni, int ifindex)
{
	if (ifindex == PLAN_IFINDEX_LO)
		return true;
	for (size_t i = first_set; i < p->n_sets && p->sets[i].node == ni; i++) {
		const struct plan_set *s = &p->sets[i];

		if (ifindex == PLAN_IFINDEX_BRIDGE && s->up > 0 && s->carrier)
			return true;
		if (s->ifindex == ifindex)
			return s->up > 0 && s->carrier;
	}
	/* made inside the node by someone else since, or a bridge: a port with no carrier */
	return ifindex != PLAN_IFINDEX_BRIDGE;
}

/*
 * One pass over the nodes still detecting duplicates. Return: how many still
 * have a tentative IPv6 address on a device that is up, or -errno.
 */
static ssize_t dad_pass(const struct plan *p, struct netlink **nls, const size_t *first_set,
			bool *done, struct lab_err **err)
{
	ssize_t pending = 0;

	for (size_t i = 0; i < p->n_nodes; i++) {
		_cleanup_free_ struct netlink_addr_info *a = NULL;
		size_t n = 0;
		int r;

		if (done[i] || !p->nodes[i].local)
			continue;
		r = netlink_list_addrs_family(nls[i], AF_INET6, &a, &n, err);
		if (r < 0)
			return err_wrap(err, "node '%s'", p->nodes[i].run.name);
		done[i] = true;
		for (size_t k = 0; k < n; k++) {
			char buf[PREFIX_STRLEN];

			if (!a[k].tentative || !planned_up(p, first_set[i], i, a[k].ifindex))
				continue;
			if (!a[k].dadfailed) {
				done[i] = false;
				continue;
			}
			log_warn("node '%s': address %s on '%s' is in use elsewhere on its link (duplicate address detection failed)",
				 p->nodes[i].run.name, prefix_format(&a[k].prefix, buf),
				 plan_ifname(p, i, a[k].ifindex));
		}
		pending += !done[i];
	}
	return pending;
}

int dad_wait(const struct plan *p, struct netlink **nls, volatile sig_atomic_t *stop,
	     struct lab_err **err)
{
	_cleanup_free_ size_t *first_set = xcalloc(p->n_nodes + 1, sizeof(*first_set));
	_cleanup_free_ bool *done = xcalloc(p->n_nodes + 1, sizeof(*done));
	double deadline = now_sec() + 30;
	ssize_t pending;

	if (!p->wait_dad)
		return 0;
	for (size_t i = p->n_sets; i-- > 0;)
		first_set[p->sets[i].node] = i;
	for (;;) {
		pending = dad_pass(p, nls, first_set, done, err);
		if (pending <= 0)
			return pending;
		if (now_sec() > deadline) {
			log_warn("lab '%s': %zd nodes still have tentative IPv6 addresses after 30 s, not waiting longer",
				 p->lab, pending);
			return 0;
		}
		if (*stop)
			return err_make_kind(err, ERR_RUNTIME, EINTR, "interrupted by signal %d (%s)",
					     (int)*stop, strsignal(*stop));
		usleep(20000);
	}
}


/* Of a device's IPv6 addresses: 2 when one not link-local is tentative, 1 when only link-local ones are, else 0. */
static int dev_tentative(const struct netlink_addr_info *a, size_t n, int ifindex)
{
	int t = 0;

	for (size_t k = 0; k < n; k++) {
		if (a[k].ifindex != ifindex || !a[k].tentative || a[k].dadfailed)
			continue;
		if (!addr_is_link_local(&a[k].prefix.addr))
			return 2;
		t = 1;
	}
	return t;
}

int dad_wait_dev(struct netlink *nl, int ifindex, struct lab_err **err)
{
	double deadline = now_sec() + 30;
	bool global = false;

	for (;;) {
		_cleanup_free_ struct netlink_addr_info *a = NULL;
		size_t n = 0;
		int r = netlink_list_addrs_family(nl, AF_INET6, &a, &n, err);

		if (r < 0)
			return r;
		r = dev_tentative(a, n, ifindex);
		global |= r == 2;
		/* link-local ones alone: as `up`, a device without IPv6 addresses does not wait */
		if (!r || (!global && r == 1) || now_sec() > deadline)
			return 0;
		usleep(20000);
	}
}
