/* SPDX-License-Identifier: MIT */
#include "lab_node.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "ns_node.h"
#include "plan.h"
#include "topo.h"
#include "util.h"



static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

void lab_node_join(const char *lab, const struct state_node *n, struct lab_node_join *ret)
{
	char **p = ret->paths;

	p[0] = ns_node_netns(lab, n->name, n->netns);
	p[1] = state_uts_path(lab, n->name);
	p[2] = n->ipc ? layout_ns_pin(lab, n->name, "ipc") : NULL;
	p[3] = n->cgroup ? layout_ns_pin(lab, n->name, "cgroup") : NULL;
	p[4] = n->pid ? layout_ns_pin(lab, n->name, "pid") : NULL;
	p[5] = n->mount ? layout_ns_pin(lab, n->name, "mnt") : NULL;
	p[6] = n->mount ? NULL : layout_template_pin(lab);
	if (p[6] && !exists(p[6]))
		p[6] = mfree(p[6]); /* a lab of an earlier netlab */
	ret->j = (struct ns_join){p[0], p[1], p[2], p[3], p[4], p[5], p[6]};
}

void lab_node_join_clear(struct lab_node_join *j)
{
	for (size_t i = 0; i < ARRAY_SIZE(j->paths); i++)
		j->paths[i] = mfree(j->paths[i]);
}

int lab_node_defer(const char *lab, const char *node, bool mount, bool pid,
		   struct lab_err **err)
{
	_cleanup_free_ char *path = layout_ns_pin(lab, node, "deferred");
	_cleanup_close_ int fd = -EBADF;
	const char *text = mount && pid ? "mnt pid\n" : mount ? "mnt\n" : "pid\n";

	if (!mount && !pid)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return err_make(err, errno, "writing '%s'", path);
	return 0;
}

void lab_node_deferred(const char *lab, const char *node, bool *ret_mount, bool *ret_pid)
{
	_cleanup_free_ char *path = layout_ns_pin(lab, node, "deferred");
	_cleanup_free_ char *text = NULL;

	*ret_mount = *ret_pid = false;
	if (read_file(path, 64, &text, NULL) < 0)
		return;
	*ret_mount = strstr(text, "mnt") != NULL;
	*ret_pid = strstr(text, "pid") != NULL;
}

static int make_mount(const char *lab, const char *node, int net, int uts, const char *pin,
		      struct lab_err **err)
{
	_cleanup_free_ char *tp = layout_template_pin(lab), *hp = layout_hosts_file(lab), *hosts = NULL;
	_cleanup_free_ char *sp = layout_service_file(lab);
	_cleanup_close_ int tmpl = -EBADF;
	struct ns_node_fs fs;
	int r;

	tmpl = open(tp, O_RDONLY | O_CLOEXEC); /* none: see lab_node_prepare */
	r = read_file(hp, 64 << 20, &hosts, NULL);
	if (r < 0)
		return err_make(err, -r, "reading '%s'", hp);
	fs = (struct ns_node_fs){.hostname = node, .hosts = hosts, .service = sp};
	{
		/* the host name the node has now: its UTS namespace's, which a command may have changed */
		_cleanup_free_ char *hn = NULL;
		char buf[65] = "";
		int cur = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

		if (cur >= 0 && setns(uts, CLONE_NEWUTS) == 0) {
			gethostname(buf, sizeof(buf) - 1);
			if (setns(cur, CLONE_NEWUTS) < 0)
				r = err_make(err, errno, "returning to our UTS namespace");
		}
		if (cur >= 0)
			close(cur);
		if (r < 0)
			return r;
		if (buf[0])
			fs.hostname = hn = xstrdup(buf);
		r = ns_mount_create(tmpl, net, uts, &fs, pin, err);
		if (r == -EINVAL && tmpl >= 0) {
			/* the pin refused (see lab_node_prepare): from our own mount table instead */
			*err = err_free(*err);
			r = ns_mount_create(-EBADF, net, uts, &fs, pin, err);
		}
		return r;
	}
}

static int write_init(const char *lab, const char *node, pid_t pid, struct lab_err **err)
{
	_cleanup_free_ char *path = layout_ns_pin(lab, node, "init");
	_cleanup_free_ char *text = xasprintf("%d %llu\n", (int)pid, ns_start_time(pid));
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return err_make(err, errno, "writing '%s'", path);
	return 0;
}

int lab_node_realize(const char *lab, const char *node, bool want_mnt, bool want_pid,
		     struct lab_err **err)
{
	_cleanup_free_ char *mnt = layout_ns_pin(lab, node, "mnt"), *pid = layout_ns_pin(lab, node, "pid");
	_cleanup_free_ char *lockp = layout_ns_pin(lab, node, "lock");
	_cleanup_free_ char *netp = NULL, *utsp = state_uts_path(lab, node);
	char netns[PLAN_NETNS_MAX];
	_cleanup_close_ int lock = -EBADF, net = -EBADF, uts = -EBADF, mfd = -EBADF;
	int r;

	if ((!want_mnt || exists(mnt)) && (!want_pid || exists(pid)))
		return 0;
	topo_netns_name(lab, node, netns);
	netp = ns_node_netns(lab, node, netns); /* netlab 0.x pinned in /run/netns */
	lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return err_make(err, errno, "locking '%s'", lockp);
	net = ns_open(netp, err);
	if (net < 0)
		return net;
	uts = ns_open(utsp, err);
	if (uts < 0)
		return uts;
	if (want_mnt && !exists(mnt)) {
		r = make_mount(lab, node, net, uts, mnt, err);
		if (r < 0)
			return err_wrap(err, "making the mount namespace of node '%s'", node);
	}
	if (want_pid && !exists(pid)) {
		pid_t init;

		mfd = ns_open(mnt, err);
		if (mfd < 0)
			return mfd;
		init = ns_pid_create(net, uts, mfd, pid, err);
		if (init < 0)
			return err_wrap(err, "starting the init of node '%s'", node);
		r = write_init(lab, node, init, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int lab_node_init_pid(const char *lab, const char *node, const struct state_node *n)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	unsigned long long start = 0;
	int pid = 0;

	if (n && n->init_pid && ns_start_time(n->init_pid) == n->init_start)
		return n->init_pid;
	path = layout_ns_pin(lab, node, "init");
	if (read_file(path, 128, &text, NULL) < 0 || sscanf(text, "%d %llu", &pid, &start) != 2)
		return 0;
	return pid > 0 && ns_start_time(pid) == start ? pid : 0;
}

extern const char _binary_netlab_service_start[], _binary_netlab_service_end[];

int lab_node_prepare(const char *lab, const char *hosts, struct lab_err **err)
{
	_cleanup_free_ char *hp = layout_hosts_file(lab), *tp = layout_template_pin(lab);
	_cleanup_free_ char *sp = layout_service_file(lab);
	int r = write_file_atomic(hp, hosts, strlen(hosts), 0644);

	if (r < 0)
		return err_make(err, -r, "writing '%s'", hp);
	/* the nodes' systemctl and service (src/node/netlab-service), embedded in netlab */
	r = write_file_atomic(sp, _binary_netlab_service_start,
			      _binary_netlab_service_end - _binary_netlab_service_start, 0755);
	if (r < 0)
		return err_make(err, -r, "writing '%s'", sp);
	/*
	 * The kernel now and then refuses the bind of the template (EINVAL, its
	 * mount namespace loop check) when netlab runs in a mount namespace of
	 * its own; try again, and without a template nodes copy our mount table
	 * instead (cleaned the same way: slower in large labs, same result).
	 */
	for (int tries = 0; tries < 3; tries++) {
		_cleanup_err_ struct lab_err *e = NULL;

		r = ns_template_pin(tp, &e);
		if (r >= 0)
			return 0;
		if (r != -EINVAL)
			return err_make(err, -r, "%s", e->msg);
		if (tries == 2)
			log_info("lab '%s': %s; nodes copy netlab's mount table instead", lab, e->msg);
	}
	return 0;
}
