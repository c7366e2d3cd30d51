/* SPDX-License-Identifier: MIT */
#include "userns.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/magic.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ns.h"
#include "ns_node.h"
#include "util.h"

int userns_subid_find(const char *text, const char *user, unsigned long id,
		      unsigned long *ret_start, unsigned long *ret_count)
{
	char idtext[32];

	snprintf(idtext, sizeof(idtext), "%lu", id);
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n'), *colon = strchr(line, ':');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		unsigned long start, count;
		char rest[64];

		if (colon && (size_t)(colon - line) < len && line[0] != '#') {
			size_t nlen = colon - line;
			bool match = (user && strlen(user) == nlen && !strncmp(line, user, nlen)) ||
				     (strlen(idtext) == nlen && !strncmp(line, idtext, nlen));
			size_t rlen = len - nlen - 1;

			if (match && rlen < sizeof(rest)) {
				char extra;

				memcpy(rest, colon + 1, rlen);
				rest[rlen] = '\0';
				if (sscanf(rest, "%lu:%lu%c", &start, &count, &extra) == 2 && count > 0) {
					*ret_start = start;
					*ret_count = count;
					return 1;
				}
			}
		}
		line = end ? end + 1 : NULL;
	}
	return 0;
}

void userns_map_plan(uid_t uid, gid_t gid, const char *user, const char *subuid,
		     const char *subgid, bool have_helpers, struct userns_map *ret)
{
	*ret = (struct userns_map){.uid = uid, .gid = gid};
	if (!have_helpers || !subuid || !subgid)
		return;
	if (userns_subid_find(subuid, user, uid, &ret->sub_uid, &ret->n_uid) < 1 ||
	    userns_subid_find(subgid, user, gid, &ret->sub_gid, &ret->n_gid) < 1) {
		ret->n_uid = ret->n_gid = ret->sub_uid = ret->sub_gid = 0;
		return;
	}
	ret->newuidmap = USERNS_NEWUIDMAP;
	ret->newgidmap = USERNS_NEWGIDMAP;
}

int userns_map_load(struct userns_map *ret, struct lab_err **err)
{
	_cleanup_free_ char *subuid = NULL, *subgid = NULL;
	struct passwd *pw = getpwuid(geteuid());
	bool helpers = access(USERNS_NEWUIDMAP, X_OK) == 0 && access(USERNS_NEWGIDMAP, X_OK) == 0;
	int r;

	/* a missing file is no range; an unreadable one is worth saying */
	r = read_file("/etc/subuid", 4 << 20, &subuid, NULL);
	if (r < 0 && r != -ENOENT)
		return err_make(err, -r, "reading /etc/subuid");
	r = read_file("/etc/subgid", 4 << 20, &subgid, NULL);
	if (r < 0 && r != -ENOENT)
		return err_make(err, -r, "reading /etc/subgid");
	userns_map_plan(geteuid(), getegid(), pw ? pw->pw_name : NULL, subuid, subgid, helpers,
			ret);
	return 0;
}

char *userns_map_text(unsigned long id, unsigned long start, unsigned long count)
{
	if (!count)
		return xasprintf("0 %lu 1\n", id);
	return xasprintf("0 %lu 1\n1 %lu %lu\n", id, start, count);
}

char *userns_map_describe(const struct userns_map *m)
{
	if (m->n_uid)
		return xasprintf("uid %lu is root in the lab, and ids 1-%lu are the host's %lu-%lu "
				 "(/etc/subuid and /etc/subgid, through newuidmap and newgidmap)",
				 (unsigned long)m->uid, m->n_uid, m->sub_uid,
				 m->sub_uid + m->n_uid - 1);
	return xasprintf("only uid %lu is mapped (root in the lab): no range for it in /etc/subuid "
			 "and /etc/subgid%s, so daemons that switch to a user of their own "
			 "(FRR's frr) cannot; as root, 'usermod --add-subuids 100000-165535 "
			 "--add-subgids 100000-165535 USER' gives one",
			 (unsigned long)m->uid,
			 access(USERNS_NEWUIDMAP, X_OK) < 0 ? " (or no newuidmap: package uidmap)" : "");
}

/* Run a map helper: newuidmap PID 0 ID 1 [1 START COUNT]. Its message goes into the error. */
static int run_helper(const char *helper, pid_t pid, unsigned long id, unsigned long start,
		      unsigned long count, struct lab_err **err)
{
	char a[7][32];
	char *argv[] = {(char *)helper, a[0], a[1], a[2], a[3], a[4], a[5], a[6], NULL};
	int out[2] = {-EBADF, -EBADF}, status;
	char msg[512] = "";
	ssize_t n = 0, got;
	pid_t child;

	snprintf(a[0], sizeof(a[0]), "%d", (int)pid);
	snprintf(a[1], sizeof(a[1]), "0");
	snprintf(a[2], sizeof(a[2]), "%lu", id);
	snprintf(a[3], sizeof(a[3]), "1");
	snprintf(a[4], sizeof(a[4]), "1");
	snprintf(a[5], sizeof(a[5]), "%lu", start);
	snprintf(a[6], sizeof(a[6]), "%lu", count);
	if (pipe2(out, O_CLOEXEC) < 0)
		return err_make(err, errno, "creating a pipe");
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		int e = errno;

		close(out[0]);
		close(out[1]);
		return err_make(err, e, "forking");
	}
	if (child == 0) {
		dup2(out[1], 2);
		dup2(out[1], 1);
		execv(helper, argv);
		fprintf(stderr, "%s", strerror(errno));
		_exit(127);
	}
	close(out[1]);
	while (n < (ssize_t)sizeof(msg) - 1 &&
	       ((got = read(out[0], msg + n, sizeof(msg) - 1 - n)) > 0 || (got < 0 && errno == EINTR)))
		n += got > 0 ? got : 0;
	close(out[0]);
	msg[n] = '\0';
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return err_make(err, errno, "waiting for %s", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_make_kind(err, ERR_RUNTIME, EPERM,
				     "mapping the lab's ids with %s %s %s %s %s %s %s %s failed%s%s "
				     "(check /etc/subuid and /etc/subgid)",
				     helper, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
				     msg[0] ? ": " : "", msg);
	return 0;
}

/* Write the single-id map of an unprivileged user: setgroups deny first (the kernel's rule). */
static int write_own_map(pid_t pid, const struct userns_map *m, struct lab_err **err)
{
	_cleanup_free_ char *setgroups = xasprintf("/proc/%d/setgroups", (int)pid);
	_cleanup_free_ char *uid_map = xasprintf("/proc/%d/uid_map", (int)pid);
	_cleanup_free_ char *gid_map = xasprintf("/proc/%d/gid_map", (int)pid);
	_cleanup_free_ char *u = userns_map_text(m->uid, 0, 0), *g = userns_map_text(m->gid, 0, 0);
	int r;

	r = write_file(setgroups, "deny");
	if (r < 0 && r != -ENOENT)
		return err_make(err, -r, "writing '%s'", setgroups);
	r = write_file(uid_map, u);
	if (r < 0)
		return err_make(err, -r, "writing '%s'", uid_map);
	r = write_file(gid_map, g);
	if (r < 0)
		return err_make(err, -r, "writing '%s'", gid_map);
	return 0;
}

static int write_maps(pid_t pid, const struct userns_map *m, struct lab_err **err)
{
	int r;

	if (!m->n_uid)
		return write_own_map(pid, m, err);
	r = run_helper(m->newuidmap, pid, m->uid, m->sub_uid, m->n_uid, err);
	if (r >= 0)
		r = run_helper(m->newgidmap, pid, m->gid, m->sub_gid, m->n_gid, err);
	return r;
}

static _Noreturn void holder_main(int rep_fd, int go_fd, bool range)
{
	struct lab_err *e = NULL;
	char c;

	if (unshare(CLONE_NEWUSER) < 0) {
		userns_advice_error(errno, "creating the lab's user namespace", &e);
		ns_child_fail(rep_fd, e);
	}
	{
		struct ns_report rep = {.pid = getpid()};

		if (write(rep_fd, &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
	}
	/* netlab writes our maps, then says go (nothing: it gave up) */
	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	close(go_fd);
	/* with a gid range, the host's supplementary groups (shown as nogroup) are dropped */
	if (range && setgroups(0, NULL) < 0) {
		err_make(&e, errno, "dropping the host's groups in the lab");
		ns_child_fail(rep_fd, e);
	}
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		err_make(&e, errno, "becoming root of the lab's user namespace");
		ns_child_fail(rep_fd, e);
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS) < 0) {
		userns_advice_error(errno, "creating the lab's mount and network namespaces", &e);
		ns_child_fail(rep_fd, e);
	}
	/* the host's mounts reach us; ours (the pins) never reach the host */
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0) {
		err_make(&e, errno, "making the lab's mounts private");
		ns_child_fail(rep_fd, e);
	}
	if (sethostname("netlab", strlen("netlab")) < 0) {
		err_make(&e, errno, "setting the lab's host name");
		ns_child_fail(rep_fd, e);
	}
	ns_detach_init();
	{
		struct ns_report rep = {.pid = getpid()};

		if (write(rep_fd, &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
	}
	close(rep_fd);
	/* netlab's init: a few KiB that wait for SIGTERM (and reap, should anything be ours) */
#ifdef NETLAB_EMBEDDED_INIT
	ns_exec_init();
#endif
	ns_init_main();
}

int userns_holder_start(const struct userns_map *m, struct userns_holder *ret,
			struct lab_err **err)
{
	int rep[2] = {-EBADF, -EBADF}, go[2] = {-EBADF, -EBADF};
	struct ns_report first, second;
	pid_t child, holder = 0;
	int r;

	*ret = (struct userns_holder){0};
	if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		r = err_make(err, errno, "creating a pipe");
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		r = err_make(err, errno, "forking");
		goto out;
	}
	if (child == 0) {
		/* an intermediate, so that the holder is nobody's child (as a daemon) */
		pid_t pid;

		close(rep[0]);
		close(go[1]);
		pid = fork();
		if (pid == 0)
			holder_main(rep[1], go[0], m->n_uid > 0);
		_exit(pid < 0);
	}
	close(rep[1]);
	rep[1] = -EBADF;
	close(go[0]);
	go[0] = -EBADF;
	waitpid(child, NULL, 0);
	r = ns_read_report(rep[0], &first, err);
	if (r < 0)
		goto out;
	holder = first.pid;
	r = write_maps(holder, m, err);
	if (r < 0)
		goto out;
	if (write(go[1], "g", 1) != 1) {
		r = err_make(err, errno, "starting the lab's holder");
		goto out;
	}
	r = ns_read_report(rep[0], &second, err);
	if (r < 0)
		goto out;
	ret->pid = holder;
	ret->start = ns_start_time(holder);
	if (!ret->start)
		r = err_make(err, ESRCH, "the lab's holder (pid %d) ended at once", (int)holder);
out:
	if (r < 0 && holder > 0)
		kill(holder, SIGKILL); /* not ours to reap: init does */
	for (int i = 0; i < 2; i++) {
		if (rep[i] >= 0)
			close(rep[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	if (r < 0)
		*ret = (struct userns_holder){0};
	return r;
}

bool userns_holder_alive(const struct userns_holder *h)
{
	return h->pid > 0 && h->start && ns_start_time(h->pid) == h->start;
}

/* A pidfd of the holder, checked against its start time once open. Return: fd, -ESRCH gone, -errno. */
static int holder_pidfd(const struct userns_holder *h)
{
	int fd;

	if (h->pid <= 0)
		return -ESRCH;
	fd = syscall(SYS_pidfd_open, h->pid, 0);
	if (fd < 0)
		return -errno;
	if (ns_start_time(h->pid) != h->start) {
		close(fd);
		return -ESRCH; /* the pid is someone else's now */
	}
	return fd;
}

static ino_t ns_ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? 0 : st.st_ino;
}

/* pidfds of every process in the user namespace ino but ours and the holder's. */
static size_t members(ino_t ino, pid_t holder, int **ret)
{
	_cleanup_(closedirp_) DIR *d = opendir("/proc");
	pid_t self = getpid();
	struct dirent *de;
	int *fds = NULL;
	size_t n = 0, cap = 0;

	while (d && (de = readdir(d))) {
		char path[64];
		pid_t pid;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = atoi(de->d_name);
		if (pid == self || pid == holder)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		if (ns_ino_of(path) != ino)
			continue;
		fd = syscall(SYS_pidfd_open, pid, 0);
		/* the pid may have been reused in between: look again through the pidfd's pid */
		if (fd < 0 || ns_ino_of(path) != ino) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		GROW(fds, cap, n + 1);
		fds[n++] = fd;
	}
	*ret = fds;
	return n;
}

static bool exited(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, timeout_ms) > 0;
}

static void end_all(int *fds, size_t n)
{
	double end;

	for (size_t i = 0; i < n; i++)
		syscall(SYS_pidfd_send_signal, fds[i], SIGTERM, NULL, 0);
	end = now_sec() + 1.0;
	for (size_t i = 0; i < n; i++) {
		int left = (int)((end - now_sec()) * 1000);

		if (!exited(fds[i], left > 0 ? left : 0))
			syscall(SYS_pidfd_send_signal, fds[i], SIGKILL, NULL, 0);
	}
	for (size_t i = 0; i < n; i++)
		exited(fds[i], 2000);
}

int userns_holder_stop(const struct userns_holder *h, struct lab_err **err)
{
	_cleanup_close_ int fd = holder_pidfd(h);
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ int *fds = NULL;
	ino_t ino;
	size_t n;

	if (fd == -ESRCH)
		return 0;
	if (fd < 0)
		return err_make(err, -fd, "finding the lab's holder (pid %d)", (int)h->pid);
	path = xasprintf("/proc/%d/ns/user", (int)h->pid);
	ino = ns_ino_of(path);
	/*
	 * whatever still runs in the lab (daemons, inits, other netlab processes
	 * that joined it; never this one), then the holder: its namespaces go last
	 */
	if (ino) {
		n = members(ino, h->pid, &fds);
		end_all(fds, n);
		for (size_t i = 0; i < n; i++)
			close(fds[i]);
	}
	end_all(&fd, 1);
	if (!exited(fd, 0))
		return err_make(err, ETIMEDOUT, "ending the lab's holder (pid %d)", (int)h->pid);
	return 0;
}

int userns_end_members(unsigned long long ino)
{
	_cleanup_free_ int *fds = NULL;
	size_t n = members((ino_t)ino, 0, &fds);

	end_all(fds, n);
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	return (int)n;
}

int userns_holder_write(const char *path, const struct userns_holder *h, struct lab_err **err)
{
	_cleanup_free_ char *text = xasprintf("%d %llu\n", (int)h->pid, h->start);
	int r = write_file_atomic(path, text, strlen(text), 0600);

	if (r < 0)
		return err_make(err, -r, "writing '%s'", path);
	return 0;
}

int userns_holder_read(const char *path, struct userns_holder *ret, struct lab_err **err)
{
	_cleanup_free_ char *text = NULL;
	unsigned long long start;
	int pid, r;

	*ret = (struct userns_holder){0};
	r = read_file(path, 128, &text, NULL);
	if (r == -ENOENT)
		return r;
	if (r < 0)
		return err_make(err, -r, "reading '%s'", path);
	if (sscanf(text, "%d %llu", &pid, &start) != 2 || pid <= 0)
		return err_make_kind(err, ERR_RUNTIME, EINVAL, "'%s' is corrupt (expected \"PID START\")",
				     path);
	ret->pid = pid;
	ret->start = start;
	return 0;
}

bool userns_inside(void)
{
	_cleanup_free_ char *map = NULL;

	/* the host's user namespace maps every id: "0 0 4294967295" */
	if (read_file("/proc/self/uid_map", 4096, &map, NULL) < 0)
		return false;
	return !strstr(map, "4294967295");
}

int userns_enter(const struct userns_holder *h, struct lab_err **err)
{
	static const struct {
		const char *name;
		int type;
	} order[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS}, {"net", CLONE_NEWNET},
		     {"uts", CLONE_NEWUTS}};
	_cleanup_close_ int pidfd = holder_pidfd(h), cwd = open(".", O_PATH | O_CLOEXEC | O_DIRECTORY);
	int fds[ARRAY_SIZE(order)];
	_cleanup_free_ char *upath = NULL;
	int r = 0;

	if (pidfd == -ESRCH)
		return err_make_kind(err, ERR_RUNTIME, ESRCH,
				     "the lab's holder (pid %d) is gone: the lab's namespaces are lost; "
				     "'netlab down' removes what is left", (int)h->pid);
	if (pidfd < 0)
		return err_make(err, -pidfd, "finding the lab's holder (pid %d)", (int)h->pid);
	upath = xasprintf("/proc/%d/ns/user", (int)h->pid);
	if (ns_ino_of(upath) && ns_ino_of(upath) == ns_ino_of("/proc/self/ns/user"))
		return 0;
	/* all at once through the pidfd (Linux 5.8): no pid can be reused in between */
	if (setns(pidfd, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS) == 0)
		goto joined;
	if (errno != EINVAL)
		goto fail;
	/* an older kernel: every namespace opened first, then joined, user first */
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		_cleanup_free_ char *p = xasprintf("/proc/%d/ns/%s", (int)h->pid, order[i].name);

		fds[i] = open(p, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			r = -errno;
			for (size_t k = 0; k < i; k++)
				close(fds[k]);
			errno = -r;
			goto fail;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(order) && r == 0; i++)
		if (setns(fds[i], order[i].type) < 0)
			r = -errno;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		close(fds[i]);
	if (r < 0) {
		errno = -r;
		goto fail;
	}
joined:
	if (cwd >= 0 && fchdir(cwd) < 0 && chdir("/") < 0)
		return err_make(err, errno, "changing directory in the lab");
	return 0;
fail:
	r = errno;
	if (r == EPERM)
		return err_make_kind(err, ERR_RUNTIME, EPERM,
				     "joining the lab's user namespace (holder pid %d): Operation not "
				     "permitted: the lab is not yours", (int)h->pid);
	if (r == EINVAL)
		return err_make(err, r, "joining the lab's user namespace (holder pid %d; netlab must "
				"be single-threaded to join)", (int)h->pid);
	return err_make(err, r, "joining the lab's namespaces (holder pid %d)", (int)h->pid);
}

