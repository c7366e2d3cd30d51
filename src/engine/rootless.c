/* SPDX-License-Identifier: MIT */
/*
 * Labs without root (rootless.h, docs/rootless.md): the verbs' entry (the
 * roots by euid), up's probes and holder, joining a lab, and running work in
 * a child that joined it, for verbs over several labs.
 */
#include "rootless.h"
#include "rootless_impl.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "layout.h"
#include "log.h"
#include "userns.h"
#include "util.h"

static bool user;          /* rootless_init: netlab runs as a user */
static bool joined;        /* this process is in a lab's user namespace */
static bool in_child;      /* a child of rootless_run_in: no further child */
static bool started;       /* the holder rootless_begin_up() started */
static struct userns_holder holder;
static uid_t user_uid;     /* the caller's uid, before joining */
static bool user_uid_set;

int rootless_init(struct lab_err **err)
{
	int r = layout_use_caller_roots(err);

	if (r < 0)
		return r;
	user = r == 1;
	user_uid = getuid();
	user_uid_set = true;
	if (user) {
		/* a delegated cgroup v2 subtree: a user's limits go there (every verb: down removes them) */
		_cleanup_free_ char *dir = NULL;
		_cleanup_err_ struct lab_err *e = NULL;

		if (userns_probe_cgroup(&dir, &e) >= 0)
			cgroup_set_base(dir);
	}
	return r;
}

uid_t rootless_uid(void)
{
	return user_uid_set ? user_uid : getuid();
}

bool rootless_user(void)
{
	return user;
}

bool rootless_outside(void)
{
	return user && !joined && !in_child;
}

/* A probe's error is what the user cannot have: exit 2, nothing built. */
static int cannot(struct lab_err **err, int r)
{
	if (*err)
		(*err)->kind = ERR_USAGE;
	return r;
}

/* Whether a node's startup commands start FRR (its daemons need the lab's frr user). */
static bool starts_frr(const struct plan_run *n)
{
	static const char *const words[] = {"frr", "zebra", "watchfrr", "ospfd", "bgpd", "isisd"};

	for (size_t k = 0; k < n->n_startup; k++)
		for (size_t w = 0; w < ARRAY_SIZE(words); w++)
			if (strstr(n->startup[k], words[w]))
				return true;
	return false;
}

/* Limits and host files of one node: the cgroup delegation, and paths the user may read. */
static int probe_node(const struct plan_run *n, bool *cgroup_checked, struct lab_err **err)
{
	int r;

	if (n->iso.cgroup)
		return err_make_kind(err, ERR_USAGE, EPERM,
				     "node '%s' has \"isolation\": {\"cgroup\": true}: a cgroup of its own "
				     "needs root (a user's lab makes none); run netlab as root, or turn "
				     "it off", n->name);
	if ((n->limits.memory || n->limits.cpu > 0 || n->limits.pids) && !*cgroup_checked) {
		_cleanup_free_ char *dir = NULL;

		r = userns_probe_cgroup(&dir, err);
		if (r < 0)
			return err_wrap(err, "node '%s' has limits (memory, cpu, pids)", n->name);
		/* the delegated tree: the limits go under it (rootless_init set it as the base) */
		cgroup_set_base(dir);
		*cgroup_checked = true;
	}
	for (size_t k = 0; k < n->n_files; k++) {
		r = userns_probe_readable(n->files[k].source, err);
		if (r < 0)
			return err_wrap(err, "node '%s': file '%s'", n->name, n->files[k].path);
	}
	return 0;
}

int rootless_probe_up(const struct plan *p, struct lab_err **err)
{
	struct userns_map m;
	bool cg = false, frr = false;
	int r;

	r = userns_probe(err);
	if (r < 0)
		return cannot(err, r);
	for (size_t i = 0; i < p->n_nodes; i++) {
		if (!p->nodes[i].local)
			continue;
		r = probe_node(&p->nodes[i].run, &cg, err);
		if (r < 0)
			return cannot(err, r);
		frr = frr || starts_frr(&p->nodes[i].run);
	}
	r = userns_map_load(&m, err);
	if (r < 0)
		return r;
	if (frr) {
		_cleanup_free_ char *what = userns_map_describe(&m);

		if (m.n_uid == 0)
			return err_make_kind(err, ERR_USAGE, EPERM,
					     "lab '%s' starts FRR, whose daemons drop to its frr user, "
					     "which a user's lab has only with a subordinate id range: %s",
					     p->lab, what);
		log_info("lab '%s': FRR's daemons run as its frr user: %s", p->lab, what);
	}
	return 0;
}

int rootless_begin_up(const struct plan *p, struct lab_err **err)
{
	const char *dirs[] = {layout_netns_dir(), NULL};
	_cleanup_free_ char *pins = layout_pin_root();
	struct userns_map m;
	int r;

	if (!user)
		return 0;
	r = rootless_probe_up(p, err);
	if (r < 0)
		return r;
	/*
	 * The directories the holder's own mounts cover, made on the host first:
	 * the state root is then never empty, so that state_prepare_root() binds
	 * it on itself (the state stays the host's to read) instead of a tmpfs.
	 */
	dirs[1] = pins;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0700) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating '%s'", dirs[i]);
	r = userns_map_load(&m, err);
	if (r >= 0)
		r = userns_holder_start(&m, &holder, err);
	if (r < 0)
		return err_wrap(err, "lab '%s'", p->lab);
	started = true;
	r = userns_enter(&holder, err);
	if (r < 0) {
		rootless_abort_up();
		return err_wrap(err, "lab '%s'", p->lab);
	}
	joined = true;
	log_info("lab '%s': holder %d (a user's lab: its namespaces are the user's)", p->lab,
		 (int)holder.pid);
	return 0;
}

/*
 * STATE/LAB/userns: the inode of the lab's user namespace, so that down can
 * still end the lab's processes when its holder was killed (they keep the
 * namespace alive without it).
 */
static int record_userns(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *path = layout_lab_file(lab, "userns"), *text = NULL;
	struct stat st;
	int r;

	if (stat("/proc/self/ns/user", &st) < 0)
		return err_make(err, errno, "reading the lab's user namespace");
	text = xasprintf("%llu\n", (unsigned long long)st.st_ino);
	r = write_file_atomic(path, text, strlen(text), 0600);
	return r < 0 ? err_make(err, -r, "writing '%s'", path) : 0;
}

static void unlink_userns(const char *lab)
{
	_cleanup_free_ char *path = layout_lab_file(lab, "userns");

	unlink(path);
}

/* A lab whose holder is gone: whatever still runs in its user namespace. */
static void end_orphans(const char *lab)
{
	_cleanup_free_ char *path = layout_lab_file(lab, "userns"), *text = NULL;
	unsigned long long ino;
	int n;

	if (read_file(path, 64, &text, NULL) < 0 || sscanf(text, "%llu", &ino) != 1 || !ino)
		return;
	n = userns_end_members(ino);
	if (n > 0)
		log_info("lab '%s': ended %d process%s left without its holder", lab, n,
			 n == 1 ? "" : "es");
}

int rootless_record(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (!started)
		return 0;
	path = layout_holder_file(lab);
	r = userns_holder_write(path, &holder, err);
	if (r >= 0)
		r = record_userns(lab, err);
	if (r >= 0)
		r = rootless_etc(lab, err);
	if (r < 0) {
		/* nothing was built: the lab's directory, just made, goes (the caller ends the holder) */
		unlink(path);
		unlink_userns(lab);
		state_remove(lab, NULL);
	}
	return r;
}

void rootless_abort_up(void)
{
	_cleanup_err_ struct lab_err *e = NULL;

	if (!started)
		return;
	if (userns_holder_stop(&holder, &e) < 0)
		log_warn("%s, ignoring", e->msg);
	started = false;
}

/* The holder recorded for lab. Return: 0, -ENOENT (none), -ESRCH (gone), or -errno. */
static int holder_of(const char *lab, struct userns_holder *ret, struct lab_err **err)
{
	_cleanup_free_ char *path = layout_holder_file(lab);
	int r = userns_holder_read(path, ret, err);

	if (r == -ENOENT)
		return err_make_kind(err, ERR_RUNTIME, ENOENT,
				     "lab '%s' has no holder ('%s'): it is being made or removed, or "
				     "was left behind ('netlab down %s' removes it)", lab, path, lab);
	if (r < 0)
		return r;
	if (!userns_holder_alive(ret))
		return err_make_kind(err, ERR_RUNTIME, ESRCH,
				     "lab '%s' is gone: its holder (pid %d) ended, and its namespaces "
				     "with it ('netlab down %s' removes what is left)", lab, (int)ret->pid,
				     lab);
	return 0;
}

int rootless_join(const char *lab, struct lab_err **err)
{
	struct userns_holder h;
	int r;

	if (!user || (in_child && joined))
		return 0;
	r = holder_of(lab, &h, err);
	if (r >= 0)
		r = userns_enter(&h, err);
	if (r == -ESRCH && err && *err) {
		/* it ended a moment ago (not yet reaped): gone all the same */
		*err = err_free(*err);
		return err_make_kind(err, ERR_RUNTIME, ESRCH,
				     "lab '%s' is gone: its holder (pid %d) ended, and its namespaces "
				     "with it ('netlab down %s' removes what is left)", lab, (int)h.pid, lab);
	}
	if (r < 0)
		return r;
	joined = true;
	return 0;
}

void rootless_end(const char *lab)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_err_ struct lab_err *e = NULL;
	struct userns_holder h;

	if (!user)
		return;
	path = layout_holder_file(lab);
	if (userns_holder_read(path, &h, &e) == 0 && userns_holder_stop(&h, &e) < 0)
		log_warn("lab '%s': %s, ignoring", lab, e->msg);
	/* a holder killed (or ending as we look) leaves the nodes' processes: by the namespace */
	end_orphans(lab);
	unlink_userns(lab);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("removing '%s': %s, ignoring", path, strerror(errno));
	if (started && h.pid == holder.pid)
		started = false;
}

/* What a child of rootless_run_in() sends back first: its result, and its error if any. */
struct result_head {
	int r, kind, code;
	uint32_t len;
};

int rootless_write_all(int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		b += n;
		len -= n;
	}
	return 0;
}

int rootless_read_all(int fd, void *buf, size_t len)
{
	char *b = buf;

	while (len) {
		ssize_t n = read(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		b += n;
		len -= n;
	}
	return 0;
}

static int send_result(int fd, int r, const struct lab_err *e)
{
	struct result_head h = {r, e ? (int)e->kind : 0, e ? e->code : 0, e ? strlen(e->msg) : 0};

	if (rootless_write_all(fd, &h, sizeof(h)) < 0 || (h.len && rootless_write_all(fd, e->msg, h.len) < 0))
		return -EPIPE;
	return 0;
}

static int read_result(int fd, struct lab_err **err)
{
	struct result_head h;
	_cleanup_free_ char *msg = NULL;

	if (rootless_read_all(fd, &h, sizeof(h)) < 0)
		return err_make(err, EPIPE, "a child working inside the lab ended without a result");
	if (h.len > (1u << 20))
		return err_make(err, EPROTO, "a child working inside the lab sent a bad result");
	msg = xcalloc(h.len + 1, 1);
	if (h.len && rootless_read_all(fd, msg, h.len) < 0)
		return err_make(err, EPIPE, "a child working inside the lab ended without a result");
	if (h.r < 0)
		return err_make_kind(err, (enum err_kind)h.kind, h.code ? h.code : EIO, "%s", msg);
	return h.r;
}

int rootless_fork_in(const char *lab, int (*fn)(void *data, struct lab_err **err),
		     int (*send)(void *data, int fd), int (*recv)(void *data, int fd, struct lab_err **err),
		     void *data, struct lab_err **err)
{
	int p[2], status, r;
	pid_t child;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_make(err, errno, "creating a pipe");
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return err_make(err, errno, "forking");
	}
	if (child == 0) {
		struct lab_err *e = NULL;

		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		in_child = true;
		r = rootless_join(lab, &e);
		/* a lab whose holder is gone: what is left of it is on the host */
		if (r == -ESRCH || r == -ENOENT) {
			e = err_free(e);
			r = 0;
		} else if (r >= 0)
			joined = true;
		if (r >= 0)
			r = fn(data, &e);
		if (send_result(p[1], r, e) < 0 || (r >= 0 && send && send(data, p[1]) < 0))
			_exit(1);
		err_free(e);
		_exit(0);
	}
	close(p[1]);
	r = read_result(p[0], err);
	if (r >= 0 && recv) {
		int q = recv(data, p[0], err);

		if (q < 0)
			r = q;
	}
	close(p[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return r;
}

int rootless_run_in(const char *lab, int (*fn)(void *data, struct lab_err **err), void *data,
		    struct lab_err **err)
{
	if (!rootless_outside())
		return fn(data, err);
	return rootless_fork_in(lab, fn, NULL, NULL, data, err);
}
