/* SPDX-License-Identifier: MIT */
/*
 * tests/userns_driver.c: the kernel layer's primitives for labs without root
 * (userns.h), one command a call, for tests/integration/test_userns_kernel.sh
 * (run as an unprivileged user). Internal: not installed, no stable interface.
 *
 *   userns-driver roots                       the state root and netns directory chosen
 *   userns-driver probe                       userns_probe, the id map, the cgroup probe
 *   userns-driver start LAB                   a holder for LAB, recorded in STATE/LAB/holder
 *   userns-driver net LAB NODE...             a network namespace per node, pinned in the holder
 *   userns-driver veth LAB A IFA ADDR B IFB ADDR   a veth pair between two nodes, addressed, up
 *   userns-driver exec LAB NODE CMD...        CMD in NODE's network namespace (and a mount one)
 *   userns-driver stop LAB                    end the holder (and the lab), remove STATE/LAB
 *   userns-driver stop-inside LAB             the same from inside the lab (as down will)
 */
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "addr.h"
#include "layout.h"
#include "netlink.h"
#include "ns.h"
#include "userns.h"
#include "util.h"

static int fail(struct lab_err *e)
{
	fprintf(stderr, "userns-driver: error: %s\n", e ? e->msg : "unknown");
	err_free(e);
	return 1;
}

static int enter(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *path = layout_holder_file(lab);
	struct userns_holder h;
	int r = userns_holder_read(path, &h, err);

	if (r == -ENOENT)
		return err_make(err, ENOENT, "lab '%s' has no holder ('%s')", lab, path);
	if (r < 0)
		return r;
	return userns_enter(&h, err);
}

static int cmd_start(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *dir = layout_lab_dir(lab), *path = layout_holder_file(lab);
	struct userns_holder h;
	struct userns_map m;
	int r;

	r = userns_probe(err);
	if (r < 0)
		return r;
	r = userns_map_load(&m, err);
	if (r < 0)
		return r;
	if (mkdir(dir, 0700) < 0)
		return err_make(err, errno, "creating '%s'", dir);
	r = userns_holder_start(&m, &h, err);
	if (r < 0)
		return r;
	r = userns_holder_write(path, &h, err);
	if (r < 0) {
		userns_holder_stop(&h, NULL);
		return r;
	}
	printf("%d\n", (int)h.pid);
	return 0;
}

static int cmd_net(const char *lab, char **nodes, int n, struct lab_err **err)
{
	int r = enter(lab, err);

	if (r < 0)
		return r;
	r = ns_prepare_netns_dir(err);
	if (r < 0)
		return r;
	r = ns_pins_mount(lab, err);
	if (r < 0)
		return r;
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *pin = ns_pin_path(lab, nodes[i]);
		struct ns_saved saved;

		r = ns_save(&saved, err);
		if (r >= 0)
			r = ns_new_net(pin, err);
		if (r >= 0)
			r = ns_restore(&saved, true, err);
		if (r < 0)
			return err_wrap(err, "node '%s'", nodes[i]);
	}
	return 0;
}

static int cmd_veth(char **a, struct lab_err **err)
{
	_cleanup_free_ char *pa = ns_pin_path(a[0], a[1]), *pb = ns_pin_path(a[0], a[4]);
	_cleanup_close_ int fa = -EBADF, fb = -EBADF;
	_cleanup_(netlink_closep) struct netlink *na = NULL, *nb = NULL;
	struct prefix xa, xb;
	int r, s;

	if (prefix_parse(a[3], &xa) < 0 || prefix_parse(a[6], &xb) < 0)
		return err_make_kind(err, ERR_USAGE, EINVAL, "bad address");
	r = enter(a[0], err);
	if (r < 0)
		return r;
	fa = ns_open(pa, err);
	if (fa < 0)
		return fa;
	fb = ns_open(pb, err);
	if (fb < 0)
		return fb;
	s = ns_socket_in(fa, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		return err_make(err, -s, "a netlink socket in '%s'", a[1]);
	r = netlink_adopt(s, &na, err);
	if (r < 0)
		return r;
	s = ns_socket_in(fb, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		return err_make(err, -s, "a netlink socket in '%s'", a[4]);
	r = netlink_adopt(s, &nb, err);
	if (r < 0)
		return r;
	{
		struct netlink_dev da = {.ifname = a[2], .ifindex = 101, .netns_fd = fa};
		struct netlink_dev db = {.ifname = a[5], .ifindex = 102, .netns_fd = fb};

		r = netlink_add_veth(na, &da, &db, "creating the veth", err);
		if (r >= 0)
			r = netlink_flush(na, err);
		if (r < 0)
			return r;
	}
	r = netlink_set_link(na, 1, 1, -1, "lo up", err);
	if (r >= 0)
		r = netlink_set_link(na, 101, 1, -1, "a up", err);
	if (r >= 0)
		r = netlink_add_addr(na, 101, &xa, "a's address", err);
	if (r >= 0)
		r = netlink_flush(na, err);
	if (r >= 0)
		r = netlink_set_link(nb, 1, 1, -1, "lo up", err);
	if (r >= 0)
		r = netlink_set_link(nb, 102, 1, -1, "b up", err);
	if (r >= 0)
		r = netlink_add_addr(nb, 102, &xb, "b's address", err);
	if (r >= 0)
		r = netlink_flush(nb, err);
	return r;
}

static int cmd_exec(const char *lab, const char *node, char **argv, struct lab_err **err)
{
	_cleanup_free_ char *pin = ns_pin_path(lab, node);
	struct ns_join j = {.net = pin};
	int r = enter(lab, err);

	if (r < 0)
		return r;
	return ns_join_exec(&j, argv, NULL, err);
}

static int cmd_stop(const char *lab, bool inside, struct lab_err **err)
{
	_cleanup_free_ char *path = layout_holder_file(lab), *dir = layout_lab_dir(lab);
	_cleanup_free_ char *pins = ns_pin_dir(lab);
	struct userns_holder h;
	int r = userns_holder_read(path, &h, err);

	if (r < 0 && r != -ENOENT)
		return r;
	if (r >= 0 && inside) {
		r = userns_enter(&h, err);
		if (r >= 0 && !userns_inside())
			r = err_make(err, EPROTO, "not inside the lab after joining it");
		if (r < 0)
			return r;
	}
	if (r >= 0) {
		r = userns_holder_stop(&h, err);
		if (r < 0)
			return r;
	}
	/* what the host shows of the lab: empty files and directories, no mounts */
	unlink(path);
	rmdir(dir);
	rmdir(pins);
	return 0;
}

static int cmd_probe(struct lab_err **err)
{
	_cleanup_free_ char *text = NULL, *cg = NULL;
	struct lab_err *e = NULL;
	struct userns_map m;
	int r = userns_probe(err);

	if (r < 0)
		return r;
	r = userns_map_load(&m, err);
	if (r < 0)
		return r;
	text = userns_map_describe(&m);
	printf("userns: ok\nmap: %s\n", text);
	if (userns_probe_cgroup(&cg, &e) < 0)
		printf("cgroup: %s\n", e->msg);
	else
		printf("cgroup: delegated %s\n", cg);
	err_free(e);
	return 0;
}

int main(int argc, char **argv)
{
	struct lab_err *e = NULL;
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: userns-driver roots|probe|start|net|veth|exec|stop|stop-inside ...\n");
		return 2;
	}
	r = layout_use_caller_roots(&e);
	if (r < 0)
		return fail(e);
	if (!strcmp(argv[1], "roots")) {
		printf("%s %s\n", layout_state_root(), layout_netns_dir());
		return 0;
	}
	if (!strcmp(argv[1], "probe"))
		r = cmd_probe(&e);
	else if (!strcmp(argv[1], "start") && argc == 3)
		r = cmd_start(argv[2], &e);
	else if (!strcmp(argv[1], "net") && argc >= 4)
		r = cmd_net(argv[2], argv + 3, argc - 3, &e);
	else if (!strcmp(argv[1], "veth") && argc == 9)
		r = cmd_veth(argv + 2, &e);
	else if (!strcmp(argv[1], "exec") && argc >= 5)
		r = cmd_exec(argv[2], argv[3], argv + 4, &e);
	else if (!strcmp(argv[1], "stop") && argc == 3)
		r = cmd_stop(argv[2], false, &e);
	else if (!strcmp(argv[1], "stop-inside") && argc == 3)
		r = cmd_stop(argv[2], true, &e);
	else {
		fprintf(stderr, "userns-driver: bad usage\n");
		return 2;
	}
	if (r < 0)
		return fail(e);
	return 0;
}
