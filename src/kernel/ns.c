/* SPDX-License-Identifier: MIT */
#include "ns.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "layout.h"
#include "log.h"
#include "util.h"

/* Make dir a shared mount (binding it on itself first if it is not a mount). */
static int make_shared(const char *dir, struct lab_err **err)
{
	while (mount("", dir, "none", MS_SHARED, NULL) < 0) {
		if (errno != EINVAL)
			return err_make(err, errno, "making %s a shared mount", dir);
		if (mount(dir, dir, "none", MS_BIND, NULL) < 0)
			return err_make(err, errno, "bind-mounting %s on itself", dir);
	}
	return 0;
}

int ns_prepare_netns_dir(struct lab_err **err)
{
	const char *netns_dir = layout_netns_dir();
	_cleanup_free_ char *pin_root = layout_pin_root();
	_cleanup_close_ int lock = -EBADF;

	if (mkdir(netns_dir, 0755) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating %s", netns_dir);
	/* Serialise with `ip netns add` doing the same (iproute2 netns_add). */
	lock = open(netns_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0)
		return err_make(err, errno, "opening %s", netns_dir);
	if (flock(lock, LOCK_EX) < 0)
		return err_make(err, errno, "locking %s", netns_dir);
	/*
	 * A shared mount propagates each pin into every mount namespace made
	 * later (ip netns exec, nodes with their own mounts), so their unmount
	 * at `down` reaches them too.
	 */
	while (mount("", netns_dir, "none", MS_SHARED | MS_REC, NULL) < 0) {
		_cleanup_(closedirp_) DIR *d = NULL;
		struct dirent *de;
		bool empty = true;

		if (errno != EINVAL)
			return err_make(err, errno, "making %s a shared mount", netns_dir);
		/*
		 * Not a mount yet. Where /run is not a tmpfs, an empty directory gets
		 * one, so that pins cost no disk inodes; otherwise bind it on itself.
		 */
		d = opendir(netns_dir);
		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = false;
		if (empty && mount("tmpfs", netns_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
				   "mode=0755") == 0)
			continue;
		if (mount(netns_dir, netns_dir, "none", MS_BIND | MS_REC, NULL) < 0)
			return err_make(err, errno, "bind-mounting %s on itself", netns_dir);
	}
	/*
	 * The pins themselves: one tmpfs per lab under a shared mount of their own
	 * (so that `down` detaches all of a lab's at once, also from mount
	 * namespaces made since), named by symlinks in /run/netns.
	 */
	if (mkdir(pin_root, 0700) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating %s", pin_root);
	return make_shared(pin_root, err);
}

int ns_save(struct ns_saved *s, struct lab_err **err)
{
	s->net = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (s->net < 0)
		return err_make(err, errno, "opening our network namespace");
	s->uts = open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (s->uts < 0) {
		int r = err_make(err, errno, "opening our UTS namespace");

		close(s->net);
		s->net = -EBADF;
		return r;
	}
	return 0;
}

int ns_restore(struct ns_saved *s, bool close_after, struct lab_err **err)
{
	int r = 0;

	if (s->net >= 0 && setns(s->net, CLONE_NEWNET) < 0)
		r = err_make(err, errno, "returning to our network namespace");
	if (s->uts >= 0 && setns(s->uts, CLONE_NEWUTS) < 0 && r == 0)
		r = err_make(err, errno, "returning to our UTS namespace");
	if (close_after) {
		if (s->net >= 0)
			close(s->net);
		if (s->uts >= 0)
			close(s->uts);
		s->net = s->uts = -EBADF;
	}
	return r;
}

int ns_pin(const char *src, const char *path, struct lab_err **err)
{
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0);

	if (fd < 0)
		return err_make(err, errno, "creating '%s'", path);
	close(fd);
	if (mount(src, path, "none", MS_BIND, NULL) < 0) {
		int r = err_make(err, errno, "pinning the namespace at '%s'", path);

		unlink(path);
		return r;
	}
	return 0;
}

/* unshare(flags), the errno explained. Return: 0 or -errno. */
static int unshare_net(int flags, struct lab_err **err)
{
	int r;

	if (unshare(flags) == 0)
		return 0;
	r = -errno;
	if (r == -ENOSPC)
		return err_make(err, -r,
				"creating namespaces (the user.max_net_namespaces limit is reached)");
	if (r == -EPERM)
		return err_make(err, -r, "creating namespaces (netlab needs root: CAP_SYS_ADMIN)");
	return err_make(err, -r, "creating namespaces");
}

int ns_new(const char *link_path, const char *net_path, const char *uts_path,
	   const char *hostname, struct lab_err **err)
{
	int r;

	r = unshare_net(CLONE_NEWNET | CLONE_NEWUTS, err);
	if (r < 0)
		return r;
	if (sethostname(hostname, strlen(hostname)) < 0)
		return err_make(err, errno, "setting the host name '%s'", hostname);
	/*
	 * The UTS pin, under the lab's directory, is the mark that the network
	 * namespace of the same node is netlab's: pin it first, so that a named
	 * network namespace never exists without its mark.
	 */
	r = ns_pin("/proc/thread-self/ns/uts", uts_path, err);
	if (r < 0)
		return r;
	r = ns_pin("/proc/thread-self/ns/net", net_path, err);
	if (r >= 0 && symlink(net_path, link_path) < 0) {
		r = err_make(err, errno, "naming the network namespace '%s'", link_path);
		umount2(net_path, MNT_DETACH);
		unlink(net_path);
	}
	if (r < 0) {
		umount2(uts_path, MNT_DETACH);
		unlink(uts_path);
		return r;
	}
	return 0;
}

int ns_new_net(const char *net_path, struct lab_err **err)
{
	int r = unshare_net(CLONE_NEWNET, err);

	if (r < 0)
		return r;
	return ns_pin("/proc/thread-self/ns/net", net_path, err);
}

char *ns_wire_path(const char *lab)
{
	return layout_netns_pin(lab, NS_WIRE_NAME);
}

char *ns_pin_dir(const char *lab)
{
	return layout_netns_pin_dir(lab);
}

char *ns_pin_path(const char *lab, const char *node)
{
	return layout_netns_pin(lab, node);
}

int ns_pins_mount(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *dir = ns_pin_dir(lab);
	int r;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating '%s'", dir);
	/* a mount already only if ns_remove_orphan() could not take an orphan's */
	r = tmpfs_mount_once(dir);
	if (r == -ENOTDIR)
		return err_make_kind(err, ERR_RUNTIME, ENOTDIR,
				     "'%s' is not a directory (a symlink?): refusing to use it", dir);
	if (r < 0)
		return err_make(err, -r, "mounting a tmpfs on '%s'", dir);
	return 0;
}

char *ns_node_netns(const char *lab, const char *node, const char *netns)
{
	/* netlab's own pin, not whatever /run/netns/LAB.NODE now names */
	if (ns_pins_mounted(lab))
		return ns_pin_path(lab, node);
	return layout_netns_link(netns);
}

ino_t ns_pin_inode(const char *pin)
{
	_cleanup_free_ char *dir = xstrdup(pin);
	struct stat st, parent;
	char *slash = strrchr(dir, '/');

	if (!slash)
		return 0;
	*slash = '\0';
	/* a pin is a mount: its inode is on another device than its directory's */
	if (stat(pin, &st) < 0 || stat(dir, &parent) < 0 || st.st_dev == parent.st_dev)
		return 0;
	return st.st_ino;
}

bool ns_pins_mounted(const char *lab)
{
	_cleanup_free_ char *dir = ns_pin_dir(lab);

	return access(dir, F_OK) == 0;
}

void ns_pins_unmount(const char *lab)
{
	_cleanup_free_ char *dir = ns_pin_dir(lab);

	/* every network namespace pin of the lab in one go (and in every mount namespace) */
	umount_all(dir);
	rmdir(dir);
}

int ns_remove_orphan(const char *lab)
{
	_cleanup_free_ char *dir = ns_pin_dir(lab);
	_cleanup_free_ ino_t *inodes = NULL;
	_cleanup_(closedirp_) DIR *d = NULL;
	struct dirent *de;
	size_t n = 0, cap = 0;

	if (!ns_pins_mounted(lab))
		return 0;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *pin = NULL, *link = NULL;
		ino_t ino;

		if (de->d_name[0] == '.')
			continue;
		pin = xasprintf("%s/%s", dir, de->d_name);
		link = xasprintf("%s/%s.%s", layout_netns_dir(), lab, de->d_name);
		ino = ns_pin_inode(pin);
		if (ino) {
			GROW(inodes, cap, n + 1);
			inodes[n++] = ino;
		}
		if (ns_netns_entry(link, pin) == NS_ENTRY_LINK)
			unlink(link);
	}
	ns_kill_processes(inodes, n);
	ns_pins_unmount(lab);
	return 1;
}

size_t ns_pinned_labs(char ***ret)
{
	_cleanup_free_ char *pin_root = layout_pin_root();

	return list_subdirs(pin_root, ret);
}

enum ns_entry ns_netns_entry(const char *link_path, const char *pin_path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(link_path, target, sizeof(target) - 1);

	if (n < 0)
		return errno == EINVAL ? NS_ENTRY_PIN : NS_ENTRY_NONE; /* EINVAL: not a symlink */
	target[n] = '\0';
	return strcmp(target, pin_path) ? NS_ENTRY_FOREIGN : NS_ENTRY_LINK;
}

int ns_open(const char *path, struct lab_err **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return err_make(err, errno, "opening the namespace '%s'", path);
	return fd;
}

struct socket_in {
	int netns_fd, domain, type, protocol;
	int fd, error;
};

static void *socket_in_thread(void *data)
{
	struct socket_in *s = data;

	/* this thread alone moves, and ends where it went */
	if (setns(s->netns_fd, CLONE_NEWNET) < 0)
		s->error = errno;
	else if ((s->fd = socket(s->domain, s->type, s->protocol)) < 0)
		s->error = errno;
	return NULL;
}

int ns_socket_in(int netns_fd, int domain, int type, int protocol)
{
	struct socket_in s = {netns_fd, domain, type, protocol, -EBADF, 0};
	pthread_t t;
	int r;

	r = pthread_create(&t, NULL, socket_in_thread, &s);
	if (r)
		return -r;
	pthread_join(t, NULL);
	return s.fd >= 0 ? s.fd : -s.error;
}

/*
 * /proc/sys lookups get slower with every network namespace on the machine:
 * the dentries of a per-namespace sysctl directory (/proc/sys/net/ipv6, ...)
 * of all namespaces share one hash chain under their common parent, which the
 * lookup walks comparing each one's namespace (fs/proc/proc_sysctl.c
 * proc_sys_compare). Writing one sysctl in each of 4,096 new namespaces walks
 * millions. Each procfs mount has dentries of its own, so writes go through a
 * detached procfs instance of ours, replaced every NS_SYSCTL_USES writes: the
 * chains stay short whatever the number of namespaces.
 */
#define NS_SYSCTL_USES 32

static int sysctl_proc_open(void)
{
	_cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC);

	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	return RET_NERRNO(fsmount(fs, FSMOUNT_CLOEXEC, 0));
}

int ns_sysctl_write(struct ns_sysctl *sc, const char *key, const char *value,
		    struct lab_err **err)
{
	_cleanup_free_ char *rel = xasprintf("sys/%s", key);
	int dir = AT_FDCWD, r;

	if (!strchr(key, '/'))
		for (char *p = rel + strlen("sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
	if (sc && !sc->fallback) {
		if (sc->proc >= 0 && sc->uses >= NS_SYSCTL_USES) {
			close(sc->proc);
			sc->proc = -EBADF;
		}
		if (sc->proc < 0) {
			sc->proc = sysctl_proc_open();
			sc->uses = 0;
			if (sc->proc < 0) {
				/* no new mount API (before Linux 5.2), or refused: /proc then */
				log_debug("a procfs instance for sysctls: %s; using /proc",
					  strerror(-sc->proc));
				sc->fallback = true;
			}
		}
		if (sc->proc >= 0) {
			dir = sc->proc;
			sc->uses++;
		}
	}
	if (dir == AT_FDCWD) {
		char *abs = xasprintf("/proc/%s", rel);

		free(rel);
		rel = abs;
	}
	r = write_file_at(dir, rel, value);
	if (r == -ENOENT)
		return err_make_kind(err, ERR_RUNTIME, ENOENT,
				     "sysctl '%s' does not exist in the node's network namespace", key);
	if (r < 0)
		return err_make(err, r, "setting sysctl '%s' to '%s'", key, value);
	return 0;
}

void ns_sysctl_close(struct ns_sysctl *sc)
{
	if (sc->proc >= 0)
		close(sc->proc);
	sc->proc = -EBADF;
	sc->uses = 0;
}

int ns_unpin(const char *path, struct lab_err **err)
{
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		return err_make(err, errno, "unmounting '%s'", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_make(err, errno, "removing '%s'", path);
	return 0;
}

ino_t ns_pinned_inode(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	return st.st_ino;
}

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

bool ns_inode_in(ino_t ino, const ino_t *sorted, size_t n)
{
	return n && bsearch(&ino, sorted, n, sizeof(*sorted), cmp_ino);
}

size_t ns_sort_inodes(ino_t *inodes, size_t n)
{
	size_t k = 0;

	if (n)
		qsort(inodes, n, sizeof(*inodes), cmp_ino);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || inodes[k - 1] != inodes[i])
			inodes[k++] = inodes[i];
	return k;
}

/* Call fn for every process of the machine but ours, with the inode of its network namespace. */
static void each_process_netns(void (*fn)(pid_t pid, ino_t netns, const char *path, void *data),
			       void *data)
{
	_cleanup_(closedirp_) DIR *d = opendir("/proc");
	pid_t self = getpid();
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[64];
		struct stat st;
		pid_t pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = atoi(de->d_name);
		if (pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &st) == 0)
			fn(pid, st.st_ino, path, data);
	}
}

struct inode_list {
	ino_t *v;
	size_t n, cap;
	ino_t skip;
};

static void add_netns(pid_t pid, ino_t netns, const char *path, void *data)
{
	struct inode_list *l = data;

	(void)pid;
	(void)path;
	if (netns == l->skip)
		return;
	GROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = netns;
}

size_t ns_process_netns(ino_t **ret)
{
	struct inode_list l = {0};
	struct stat self;

	if (stat("/proc/self/ns/net", &self) == 0)
		l.skip = self.st_ino;
	each_process_netns(add_netns, &l);
	*ret = l.v;
	return ns_sort_inodes(l.v, l.n);
}

struct pidfds {
	const ino_t *inodes; /* sorted */
	size_t n_inodes;
	int *fds;
	size_t n, cap;
};

static void add_pidfd(pid_t pid, ino_t netns, const char *path, void *data)
{
	struct pidfds *p = data;
	struct stat st;
	int fd;

	if (!ns_inode_in(netns, p->inodes, p->n_inodes))
		return;
	fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return;
	/* the pid may have been reused between stat and pidfd_open: look again */
	if (stat(path, &st) < 0 || !ns_inode_in(st.st_ino, p->inodes, p->n_inodes)) {
		close(fd);
		return;
	}
	GROW(p->fds, p->cap, p->n + 1);
	p->fds[p->n++] = fd;
}

/* Open pidfds of the processes in the namespaces (inodes sorted). */
static size_t find_processes(const ino_t *inodes, size_t n, int **ret)
{
	struct pidfds p = {.inodes = inodes, .n_inodes = n};

	each_process_netns(add_pidfd, &p);
	*ret = p.fds;
	return p.n;
}

static bool all_exited(int *fds, size_t n, int timeout_ms)
{
	double end = now_sec() + timeout_ms / 1000.0;

	for (size_t i = 0; i < n; i++) {
		struct pollfd p = {.fd = fds[i], .events = POLLIN};
		int left = (int)((end - now_sec()) * 1000);

		/* a pidfd becomes readable when its process exits */
		if (poll(&p, 1, left > 0 ? left : 0) <= 0)
			return false;
	}
	return true;
}

struct counts {
	const ino_t *inodes;
	size_t n;
	size_t *counts;
};

static void count_netns(pid_t pid, ino_t netns, const char *path, void *data)
{
	struct counts *c = data;

	(void)pid;
	(void)path;
	for (size_t i = 0; i < c->n; i++)
		if (c->inodes[i] == netns)
			c->counts[i]++;
}

void ns_count_processes(const ino_t *inodes, size_t n, size_t *counts)
{
	struct counts c = {inodes, n, counts};

	memset(counts, 0, n * sizeof(*counts));
	each_process_netns(count_netns, &c);
}

int ns_kill_processes(const ino_t *inodes, size_t n)
{
	int *fds = NULL;
	size_t nfds;

	if (n == 0)
		return 0;
	_cleanup_free_ ino_t *sorted = xmalloc(n * sizeof(*sorted));
	memcpy(sorted, inodes, n * sizeof(*sorted));
	n = ns_sort_inodes(sorted, n);
	nfds = find_processes(sorted, n, &fds);
	for (size_t i = 0; i < nfds; i++)
		syscall(SYS_pidfd_send_signal, fds[i], SIGTERM, NULL, 0);
	if (nfds && !all_exited(fds, nfds, 1000))
		for (size_t i = 0; i < nfds; i++)
			syscall(SYS_pidfd_send_signal, fds[i], SIGKILL, NULL, 0);
	if (nfds)
		all_exited(fds, nfds, 2000);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	free(fds);
	return nfds;
}

/* --- isolation --- */

#include <sys/prctl.h>

#include "ns_node.h"

_Noreturn void ns_child_fail(int fd, struct lab_err *e)
{
	struct ns_report rep = {.status = -e->code, .kind = e->kind, .from_init = getpid() == 1};

	strscpy(rep.msg, e->msg, sizeof(rep.msg));
	if (write(fd, &rep, sizeof(rep)) < 0)
		_exit(1);
	_exit(1);
}

#ifdef NETLAB_EMBEDDED_INIT
extern const char _binary_netlab_init_start[], _binary_netlab_init_end[];
#endif

void ns_exec_init(void)
{
	static char *const argv[] = {"netlab-init", NULL};
	static char *const envp[] = {NULL};

#ifdef NETLAB_EMBEDDED_INIT
	{
		/* the embedded init: a few KiB resident instead of netlab's libraries */
		size_t len = _binary_netlab_init_end - _binary_netlab_init_start;
		int fd = memfd_create("netlab-init", MFD_CLOEXEC);

		if (fd >= 0 && write(fd, _binary_netlab_init_start, len) == (ssize_t)len)
			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		if (fd >= 0)
			close(fd);
	}
#endif
	execve("/proc/self/exe", argv, envp);
}

static _Noreturn void isolate_child(const struct ns_isolation *iso, int rep_fd, int go_fd)
{
	struct lab_err *e = NULL;
	struct ns_node_fs fs = {iso->hostname, iso->hosts, iso->files, iso->n_files, iso->pid,
				iso->service, NULL};
	int flags = 0;
	char c;

	if (iso->mount && ns_node_service_open(&fs, &e) < 0)
		ns_child_fail(rep_fd, e);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setns(iso->net_fd, CLONE_NEWNET) < 0 || setns(iso->uts_fd, CLONE_NEWUTS) < 0) {
		err_make(&e, errno, "entering the node's namespaces");
		ns_child_fail(rep_fd, e);
	}
	if (iso->cgroup && iso->join_cgroup && iso->join_cgroup(iso->data, getpid(), &e) < 0)
		ns_child_fail(rep_fd, e);
	/* a copy of the lab's small template, not of our mount table with every pin in it */
	if (iso->mount && iso->tmpl_fd >= 0 && setns(iso->tmpl_fd, CLONE_NEWNS) < 0) {
		err_make(&e, errno, "entering the lab's template mount namespace");
		ns_child_fail(rep_fd, e);
	}
	flags |= iso->mount ? CLONE_NEWNS : 0;
	flags |= iso->ipc ? CLONE_NEWIPC : 0;
	flags |= iso->cgroup ? CLONE_NEWCGROUP : 0;
	flags |= iso->pid ? CLONE_NEWPID : 0;
	if (unshare(flags) < 0) {
		err_make(&e, errno, "creating the node's namespaces");
		ns_child_fail(rep_fd, e);
	}
	/* no template: a copy of our mounts, made private and cleaned as a template is */
	if (iso->mount && iso->tmpl_fd < 0 && ns_template_clean() < 0) {
		err_make(&e, errno, "making the node's mounts private");
		ns_child_fail(rep_fd, e);
	}
	if (iso->pid) {
		/* the first child in the new PID namespace is its PID 1: netlab's init */
		pid_t init = fork();

		if (init < 0) {
			err_make(&e, errno, "starting the node's init");
			ns_child_fail(rep_fd, e);
		}
		if (init == 0) {
			if (iso->mount && ns_node_mounts(&fs, &e) < 0)
				ns_child_fail(rep_fd, e);
			{
				struct ns_report rep = {.from_init = 1};

				/* the parent learns our pid from the intermediate child */
				if (write(rep_fd, &rep, sizeof(rep)) < 0)
					_exit(1);
			}
			close(rep_fd);
			ns_detach_init();
			ns_exec_init();
			_exit(127);
		}
		{
			struct ns_report rep = {.pid = init};

			/* the intermediate: tell netlab the init's pid, then leave */
			if (write(rep_fd, &rep, sizeof(rep)) < 0)
				_exit(1);
			_exit(0);
		}
	}
	fs.proc = false;
	if (iso->mount && ns_node_mounts(&fs, &e) < 0)
		ns_child_fail(rep_fd, e);
	{
		struct ns_report rep = {.pid = getpid()};

		if (write(rep_fd, &rep, sizeof(rep)) < 0)
			_exit(1);
	}
	/* stay until netlab has pinned our namespaces */
	if (read(go_fd, &c, 1) < 0)
		_exit(1);
	_exit(0);
}

static int pin_from(pid_t pid, const char *ns, const char *prefix, struct lab_err **err)
{
	_cleanup_free_ char *src = xasprintf("/proc/%d/ns/%s", (int)pid, ns);
	_cleanup_free_ char *dst = xasprintf("%s.%s", prefix, ns);

	return ns_pin(src, dst, err);
}

int ns_read_report(int fd, struct ns_report *rep, struct lab_err **err)
{
	ssize_t n;

	do
		n = read(fd, rep, sizeof(*rep));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*rep))
		return err_make(err, EPROTO, "the node's setup ended without a report");
	if (rep->status < 0)
		return err_make_kind(err, rep->kind, -rep->status, "%s", rep->msg);
	return 0;
}

static int isolate_once(const struct ns_isolation *iso, int attempt, struct lab_err **err)
{
	static const char *const names[] = {"mnt", "ipc", "cgroup", "pid"};
	bool want[] = {iso->mount, iso->ipc, iso->cgroup, iso->pid};
	int rep[2] = {-1, -1}, go[2] = {-1, -1};
	struct ns_report first, second;
	pid_t child, target = 0;
	int r = 0, status;

	if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		return err_make(err, errno, "creating a pipe");
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		r = err_make(err, errno, "forking");
		goto out;
	}
	if (child == 0) {
		close(rep[0]);
		close(go[1]);
		ns_run_on_cpu(attempt);
		isolate_child(iso, rep[1], go[0]);
	}
	close(rep[1]);
	rep[1] = -1;
	close(go[0]);
	go[0] = -1;
	r = ns_read_report(rep[0], &first, err);
	if (r >= 0 && iso->pid) {
		/* the intermediate sends the init's pid; the init reports once its mounts are made */
		r = ns_read_report(rep[0], &second, err);
		target = first.from_init ? second.pid : first.pid;
	} else if (r >= 0)
		target = first.pid;
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(names); i++)
		if (want[i])
			r = pin_from(target, names[i], iso->pin_prefix, err);
	/* without pid isolation the child leaves now; the init stays */
	close(go[1]);
	go[1] = -1;
	waitpid(child, &status, 0);
	if (r < 0 && iso->pid && target > 0)
		kill(target, SIGKILL);
	if (r < 0)
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			_cleanup_free_ char *p = xasprintf("%s.%s", iso->pin_prefix, names[i]);

			ns_unpin(p, NULL);
		}
out:
	for (int i = 0; i < 2; i++) {
		if (rep[i] >= 0)
			close(rep[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	if (r < 0)
		return r;
	return iso->pid ? target : 0;
}

int ns_isolate(const struct ns_isolation *iso, struct lab_err **err)
{
	int r = 0;

	/* a refused pin (EINVAL) again, the child on the next CPU (see ns_run_on_cpu) */
	for (int a = 0; a < ns_pin_attempts(); a++) {
		*err = err_free(*err);
		r = isolate_once(iso, a, err);
		if (r != -EINVAL)
			break;
	}
	return r;
}

static int join(const char *path, int type, const char *what, struct lab_err **err)
{
	_cleanup_close_ int fd = -EBADF;

	if (!path)
		return 0;
	fd = ns_open(path, err);
	if (fd < 0)
		return fd;
	if (setns(fd, type) < 0)
		return err_make(err, errno, "entering the node's %s namespace", what);
	return 0;
}

/* The command's pid, for the signal forwarder (one command per process). */
static volatile pid_t forward_to;

static void forward_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/*
	 * A terminal's signals (SI_KERNEL) reach the command in the same
	 * process group already; those sent to us (kill, a CI runner's
	 * SIGTERM) are passed on.
	 */
	if (forward_to > 0 && si->si_code != SI_KERNEL)
		kill(forward_to, sig);
}

/* Run argv in a child and pass its exit status on, as if we had run it. */
static _Noreturn void run_and_wait(char *const argv[])
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				   SIGWINCH, SIGCONT};
	struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "netlab: forking into the node's PID namespace: %s\n", strerror(errno));
		_exit(126);
	}
	if (pid == 0) {
		int e;

		execvp(argv[0], argv);
		e = errno;
		fprintf(stderr, "netlab: running '%s': %s\n", argv[0], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	forward_to = pid;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGTSTP, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		_exit(128 + WTERMSIG(status));
	}
	_exit(WEXITSTATUS(status));
}

/* A mount namespace of our own with /sys for the node: from the lab's template when it has one. */
static int private_mounts(const char *tmpl, struct lab_err **err)
{
	if (tmpl) {
		_cleanup_close_ int fd = open(tmpl, O_RDONLY | O_CLOEXEC);

		if (fd >= 0 && setns(fd, CLONE_NEWNS) < 0)
			return err_make(err, errno, "entering the lab's template mount namespace");
	}
	if (unshare(CLONE_NEWNS) < 0)
		return err_make(err, errno, "creating a mount namespace");
	if (!tmpl && mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return err_make(err, errno, "making our mounts private");
	/* /sys shows the devices of the namespace that mounted it: mount our own over it */
	if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
	    umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	return 0;
}

int ns_join_exec(const struct ns_join *j, char *const argv[], char *const env[],
		 struct lab_err **err)
{
	_cleanup_close_ int mnt = -EBADF;
	int r;

	/* open every namespace first, then join (util-linux nsenter) */
	if (j->mnt) {
		mnt = ns_open(j->mnt, err);
		if (mnt < 0)
			return mnt;
	}
	r = join(j->cgroup, CLONE_NEWCGROUP, "cgroup", err);
	if (r >= 0)
		r = join(j->ipc, CLONE_NEWIPC, "IPC", err);
	if (r >= 0)
		r = join(j->uts, CLONE_NEWUTS, "UTS", err);
	if (r >= 0)
		r = join(j->net, CLONE_NEWNET, "network", err);
	if (r >= 0)
		r = join(j->pid, CLONE_NEWPID, "PID", err);
	if (r < 0)
		return r;
	if (mnt >= 0) {
		if (setns(mnt, CLONE_NEWNS) < 0)
			return err_make(err, errno, "entering the node's mount namespace");
	} else {
		r = private_mounts(j->tmpl, err);
		if (r < 0)
			return r;
	}
	/* a command starts in /, as on a host, never in the caller's directory */
	if (chdir("/") < 0)
		return err_make(err, errno, "changing to the node's /");
	if (env) {
		clearenv();
		for (size_t i = 0; env[i]; i++)
			putenv(env[i]);
	}
	/* setns(CLONE_NEWPID) moves only children: run the command in one */
	if (j->pid)
		run_and_wait(argv);
	execvp(argv[0], argv);
	return err_make_kind(err, ERR_EXEC, errno, "running '%s': %s", argv[0], strerror(errno));
}

bool ns_is_init(const char *argv0)
{
	return argv0 && strcmp(argv0, "netlab-init") == 0 && getpid() == 1;
}

static void on_signal(int sig)
{
	(void)sig;
}

_Noreturn void ns_init_main(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t set;

	/*
	 * PID 1 gets signals from outside its namespace only when it handles
	 * them: handle TERM, INT and CHLD, block them, and wait for them.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	if (chdir("/") < 0)
		_exit(1);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGTERM || sig == SIGINT)
			_exit(0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

unsigned long long ns_start_time(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/stat", (int)pid);
	_cleanup_free_ char *text = NULL;
	unsigned long long start = 0;
	const char *p;

	if (read_file(path, 4096, &text, NULL) < 0)
		return 0;
	/* field 22, counted after the command name, which may hold spaces */
	p = strrchr(text, ')');
	if (!p)
		return 0;
	p++;
	for (int field = 3; field <= 22 && p; field++) {
		p = strchr(p + 1, ' ');
		if (field == 21 && p)
			start = strtoull(p + 1, NULL, 10);
	}
	return start;
}
