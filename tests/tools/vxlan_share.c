/* SPDX-License-Identifier: MIT */
/*
 * A test driver for labs over several hosts: builds the VXLAN ends of one
 * host's share of a topology with the library's own model, plan and netlink
 * wrappers, as the engine's `up --host` will. Run it in the host's network
 * namespace (the host's exec, `nsenter --net=/run/netns/SIMHOST`):
 *
 *   vxlan_share up FILE HOST NETNS_PREFIX    make each VXLAN end in the host's
 *       namespace, straight into its node's (NETNS_PREFIX + node name, made by
 *       the test), then from inside the node its addresses and up
 *   vxlan_share cut|mend FILE HOST NETNS_PREFIX   remove or put back each
 *       end's remote (a pulled cable between hosts, and back)
 *   vxlan_share down FILE HOST NETNS_PREFIX   remove each end from its node (one
 *       already gone is fine: down is idempotent)
 *
 * Prints one line per end. Exit 0, 1 on a kernel error, 2 on bad usage or topology.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <unistd.h>

#include "err.h"
#include "netlink.h"
#include "ns.h"
#include "plan.h"
#include "topo_parse.h"
#include "util.h"

static int fail(struct lab_err *e)
{
	fprintf(stderr, "vxlan_share: %s\n", e ? e->msg : "failed");
	err_free(e);
	return 1;
}

/* A netlink socket in the namespace at path; *ret_fd keeps the namespace open. */
static int open_in(const char *path, int *ret_fd, struct netlink **ret, struct lab_err **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), s;

	if (fd < 0)
		return err_make(err, errno, "opening the node's namespace %s", path);
	s = ns_socket_in(fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0) {
		close(fd);
		return err_make(err, -s, "a netlink socket in %s", path);
	}
	*ret_fd = fd;
	return netlink_adopt(s, ret, err);
}

static int up(const struct plan *p, const char *prefix, struct lab_err **err)
{
	const struct topo *t = p->topo;
	_cleanup_(netlink_closep) struct netlink *host = NULL;
	int r = netlink_open(&host, err);

	if (r < 0)
		return r;
	/* every tunnel from the host's namespace, each made straight in its node's */
	for (size_t i = 0; i < p->n_vxlans; i++) {
		const struct plan_vxlan *vx = &p->vxlans[i];
		const struct topo_node *n = &t->nodes[vx->end.node];
		_cleanup_free_ char *path = xasprintf("%s%s", prefix, n->name);
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct netlink_dev dev = {
			.ifname = vx->end.ifname,
			.ifindex = vx->end.ifindex,
			.netns_fd = fd,
			.mtu = vx->end.mtu,
			.mac = vx->end.mac,
		};
		struct netlink_vxlan v = {.vni = vx->vni, .local = vx->local, .remote = vx->remote,
					  .port = vx->port};
		char desc[96], l[ADDR_STRLEN], rm[ADDR_STRLEN];

		if (fd < 0)
			return err_make(err, errno, "opening the node's namespace %s", path);
		snprintf(desc, sizeof(desc), "creating the VXLAN end %s:%s", n->name, vx->end.ifname);
		r = netlink_add_vxlan(host, &dev, &v, desc, err);
		if (r >= 0)
			r = netlink_flush(host, err); /* before fd closes */
		if (r < 0)
			return r;
		printf("vxlan %s:%s vni %u %s -> %s port %u mtu %d ifindex %d\n", n->name,
		       vx->end.ifname, vx->vni, addr_format(&vx->local, l), addr_format(&vx->remote, rm),
		       vx->port, vx->end.mtu, vx->end.ifindex);
	}
	/* then from inside each node: its addresses on the end, and up (its plan_set) */
	for (size_t i = 0; i < p->n_vxlans; i++) {
		const struct plan_vxlan *vx = &p->vxlans[i];
		_cleanup_free_ char *path = xasprintf("%s%s", prefix, t->nodes[vx->end.node].name);
		_cleanup_(netlink_closep) struct netlink *nl = NULL;
		_cleanup_close_ int fd = -EBADF;

		r = open_in(path, &fd, &nl, err);
		if (r < 0)
			return r;
		for (size_t k = 0; k < p->n_addrs; k++)
			if (p->addrs[k].node == vx->end.node && p->addrs[k].ifindex == vx->end.ifindex &&
			    (r = netlink_add_addr(nl, vx->end.ifindex, &p->addrs[k].prefix, "an address", err)) < 0)
				return r;
		for (size_t k = 0; k < p->n_sets; k++)
			if (p->sets[k].node == vx->end.node && p->sets[k].ifindex == vx->end.ifindex &&
			    (r = netlink_set_link_ex(nl, vx->end.ifindex, p->sets[k].up, p->sets[k].master,
						     p->sets[k].no_ll, "bringing the end up", err)) < 0)
				return r;
		r = netlink_flush(nl, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int remote(const struct plan *p, const char *prefix, bool on, struct lab_err **err)
{
	for (size_t i = 0; i < p->n_vxlans; i++) {
		const struct plan_vxlan *vx = &p->vxlans[i];
		const char *node = p->topo->nodes[vx->end.node].name;
		_cleanup_free_ char *path = xasprintf("%s%s", prefix, node);
		_cleanup_(netlink_closep) struct netlink *nl = NULL;
		_cleanup_close_ int fd = -EBADF;
		int r = open_in(path, &fd, &nl, err);

		if (r >= 0)
			r = netlink_vxlan_remote(nl, vx->end.ifindex, &vx->remote, on,
						 on ? "putting the tunnel's remote back" : "removing the tunnel's remote", err);
		if (r >= 0)
			r = netlink_flush(nl, err);
		if (r < 0)
			return r;
		printf("%s %s:%s\n", on ? "mended" : "cut", node, vx->end.ifname);
	}
	return 0;
}

static int down(const struct plan *p, const char *prefix, struct lab_err **err)
{
	for (size_t i = 0; i < p->n_vxlans; i++) {
		const struct plan_vxlan *vx = &p->vxlans[i];
		const char *node = p->topo->nodes[vx->end.node].name;
		_cleanup_free_ char *path = xasprintf("%s%s", prefix, node);
		_cleanup_(netlink_closep) struct netlink *nl = NULL;
		_cleanup_close_ int fd = -EBADF;
		struct lab_err *e = NULL;
		int r = open_in(path, &fd, &nl, err);

		if (r == -ENOENT)
			continue; /* the node's namespace is gone, and the end with it */
		if (r < 0)
			return r;
		r = netlink_del_link(nl, vx->end.ifindex, "removing a VXLAN end", &e);
		if (r >= 0)
			r = netlink_flush(nl, &e);
		if (r == -ENODEV) {
			err_free(e);
			printf("gone %s:%s\n", node, vx->end.ifname);
			continue;
		}
		if (r < 0) {
			*err = e;
			return r;
		}
		printf("removed %s:%s\n", node, vx->end.ifname);
	}
	return 0;
}

int main(int argc, char **argv)
{
	_cleanup_(topo_freep) struct topo *t = NULL;
	_cleanup_(plan_freep) struct plan *p = NULL;
	struct topo_diags d = {0};
	struct lab_err *e = NULL;
	ssize_t h;
	int r;

	if (argc != 5 || (strcmp(argv[1], "up") && strcmp(argv[1], "cut") && strcmp(argv[1], "mend") &&
			  strcmp(argv[1], "down"))) {
		fprintf(stderr, "usage: vxlan_share up|cut|mend|down FILE HOST NETNS_PREFIX\n");
		return 2;
	}
	r = topo_load(argv[2], &t, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "vxlan_share: %s\n", d.v[i].text);
	topo_diags_free(&d);
	if (r < 0)
		return 2;
	h = topo_find_host(t, argv[3]);
	if (h < 0) {
		fprintf(stderr, "vxlan_share: %s: no host '%s'\n", argv[2], argv[3]);
		return 2;
	}
	p = plan_build_host(t, h);
	if (!strcmp(argv[1], "up"))
		r = up(p, argv[4], &e);
	else if (!strcmp(argv[1], "down"))
		r = down(p, argv[4], &e);
	else
		r = remote(p, argv[4], !strcmp(argv[1], "mend"), &e);
	return r < 0 ? fail(e) : 0;
}
