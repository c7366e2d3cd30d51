/* SPDX-License-Identifier: MIT */
#include "ns.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "log.h"
#include "util.h"

int ns_prepare_netns_dir(struct lab_err **err)
{
	_cleanup_close_ int lock = -EBADF;

	if (mkdir(NS_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating %s", NS_NETNS_DIR);
	/* Serialise with `ip netns add` doing the same (iproute2 netns_add). */
	lock = open(NS_NETNS_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0)
		return err_make(err, errno, "opening %s", NS_NETNS_DIR);
	if (flock(lock, LOCK_EX) < 0)
		return err_make(err, errno, "locking %s", NS_NETNS_DIR);
	/*
	 * A shared mount propagates each pin into every mount namespace made
	 * later (ip netns exec, nodes with their own mounts), so their unmount
	 * at `down` reaches them too.
	 */
	while (mount("", NS_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL)
			return err_make(err, errno, "making %s a shared mount", NS_NETNS_DIR);
		if (mount(NS_NETNS_DIR, NS_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return err_make(err, errno, "bind-mounting %s on itself", NS_NETNS_DIR);
	}
	return 0;
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

static int pin(const char *src, const char *path, struct lab_err **err)
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

int ns_new(const char *net_path, const char *uts_path, const char *hostname,
	   struct lab_err **err)
{
	int r;

	if (unshare(CLONE_NEWNET | CLONE_NEWUTS) < 0) {
		r = -errno;
		if (r == -ENOSPC)
			return err_make(err, -r,
					"creating namespaces (the user.max_net_namespaces limit is reached)");
		if (r == -EPERM)
			return err_make(err, -r, "creating namespaces (netlab needs root: CAP_SYS_ADMIN)");
		return err_make(err, -r, "creating namespaces");
	}
	if (sethostname(hostname, strlen(hostname)) < 0)
		return err_make(err, errno, "setting the host name '%s'", hostname);
	/*
	 * The UTS pin, under the lab's directory, is the mark that the network
	 * namespace of the same node is netlab's: pin it first, so that a named
	 * network namespace never exists without its mark.
	 */
	r = pin("/proc/thread-self/ns/uts", uts_path, err);
	if (r < 0)
		return r;
	r = pin("/proc/thread-self/ns/net", net_path, err);
	if (r < 0) {
		umount2(uts_path, MNT_DETACH);
		unlink(uts_path);
		return r;
	}
	return 0;
}

int ns_open(const char *path, struct lab_err **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return err_make(err, errno, "opening the namespace '%s'", path);
	return fd;
}

int ns_enter_net_path(const char *path, struct lab_err **err)
{
	_cleanup_close_ int fd = ns_open(path, err);

	if (fd < 0)
		return fd;
	if (setns(fd, CLONE_NEWNET) < 0)
		return err_make(err, errno, "entering the network namespace '%s'", path);
	return 0;
}

int ns_write_sysctl(const char *key, const char *value, struct lab_err **err)
{
	_cleanup_free_ char *path = NULL;
	int r;

	path = xasprintf("/proc/sys/%s", key);
	if (!strchr(key, '/'))
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
	r = write_file(path, value);
	if (r == -ENOENT)
		return err_make_kind(err, ERR_RUNTIME, ENOENT,
				     "sysctl '%s' does not exist in the node's network namespace", key);
	if (r < 0)
		return err_make(err, r, "setting sysctl '%s' to '%s'", key, value);
	return 0;
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

static bool in_set(ino_t ino, const ino_t *inodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (inodes[i] == ino)
			return true;
	return false;
}

/* Open pidfds of the processes in the namespaces. */
static size_t find_processes(const ino_t *inodes, size_t n, int **ret)
{
	_cleanup_(closedirp_) DIR *d = NULL;
	struct dirent *de;
	int *fds = NULL;
	size_t nfds = 0, cap = 0;
	pid_t self = getpid();

	d = opendir("/proc");
	if (!d) {
		*ret = NULL;
		return 0;
	}
	while ((de = readdir(d))) {
		char path[64];
		struct stat st;
		pid_t pid;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = atoi(de->d_name);
		if (pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &st) < 0 || !in_set(st.st_ino, inodes, n))
			continue;
		fd = syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0)
			continue;
		/* the pid may have been reused between stat and pidfd_open: look again */
		if (stat(path, &st) < 0 || !in_set(st.st_ino, inodes, n)) {
			close(fd);
			continue;
		}
		GROW(fds, cap, nfds + 1);
		fds[nfds++] = fd;
	}
	*ret = fds;
	return nfds;
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

int ns_kill_processes(const ino_t *inodes, size_t n)
{
	int *fds = NULL;
	size_t nfds;

	if (n == 0)
		return 0;
	nfds = find_processes(inodes, n, &fds);
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

int ns_exec(const char *net_path, const char *uts_path, char *const argv[],
	    struct lab_err **err)
{
	_cleanup_close_ int net = -EBADF, uts = -EBADF;

	/* open every namespace first, then join (util-linux nsenter) */
	net = ns_open(net_path, err);
	if (net < 0)
		return net;
	uts = ns_open(uts_path, err);
	if (uts < 0)
		return uts;
	if (setns(uts, CLONE_NEWUTS) < 0)
		return err_make(err, errno, "entering the UTS namespace");
	if (setns(net, CLONE_NEWNET) < 0)
		return err_make(err, errno, "entering the network namespace");
	/* /sys shows the devices of the namespace that mounted it: mount our own (ip netns exec) */
	if (unshare(CLONE_NEWNS) < 0)
		return err_make(err, errno, "creating a mount namespace");
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return err_make(err, errno, "making our mounts private");
	if (umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	execvp(argv[0], argv);
	return err_make(err, errno, "running '%s'", argv[0]);
}
