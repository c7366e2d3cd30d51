/* SPDX-License-Identifier: MIT */
/* Namespaces made and pinned, entered and left, sysctls written inside, pins removed. */
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

