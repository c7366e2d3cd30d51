/* SPDX-License-Identifier: MIT */
#include "ns_node.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout.h"
#include "util.h"

/* At most this many top-level directories get an overlay. */
#define NS_NODE_TOPS 16

/* The top-level directories a node has of its own without an overlay. */
static bool top_is_private(const char *top)
{
	static const char *const own[] = {"tmp", "run", "root", NULL};

	for (const char *const *o = own; *o; o++)
		if (!strcmp(top, *o))
			return true;
	return false;
}

/* An overlay on /<top> whose upper layer is on the tmpfs at scratch. */
static int overlay_top(const char *scratch, const char *top, struct lab_err **err)
{
	_cleanup_free_ char *upper = xasprintf("%s/upper/%s", scratch, top);
	_cleanup_free_ char *work = xasprintf("%s/work/%s", scratch, top);
	_cleanup_free_ char *target = xasprintf("/%s", top);
	_cleanup_free_ char *opts = NULL;

	if (mkdir_p(upper, 0755) < 0 || mkdir_p(work, 0755) < 0)
		return err_make(err, errno, "preparing an overlay for '%s'", target);
	opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", target, upper, work);
	if (mount("overlay", target, "overlay", 0, opts) < 0) {
		if (errno == ENODEV)
			return err_make_kind(err, ERR_KERNEL, ENODEV,
					     "mounting an overlay on '%s': the kernel lacks overlayfs (CONFIG_OVERLAY_FS)",
					     target);
		return err_make(err, errno, "mounting an overlay on '%s'", target);
	}
	return 0;
}

/* Write a file of the node's, replacing what is there (a symlink too: resolv.conf often is one). */
static int write_in(const char *path, const char *content, struct lab_err **err)
{
	_cleanup_close_ int fd = -EBADF;
	size_t len = strlen(content);

	if (unlink(path) < 0 && errno != ENOENT)
		return err_make(err, errno, "replacing '%s' in the node", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		return err_make(err, errno, "writing '%s' in the node", path);
	return 0;
}

static int tmpfs_at(const char *path, const char *mode, struct lab_err **err)
{
	_cleanup_free_ char *opts = xasprintf("mode=%s", mode);

	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return err_make(err, errno, "mounting the node's %s", path);
	return 0;
}

/* The first component of an absolute path, in top (at most size - 1 bytes). */
static void top_of(const char *path, char *top, size_t size)
{
	const char *slash = strchr(path + 1, '/');
	size_t len = slash ? (size_t)(slash - path - 1) : strlen(path + 1);

	if (len >= size)
		len = size - 1;
	memcpy(top, path + 1, len);
	top[len] = '\0';
}

/*
 * The copy-on-write overlays: /etc, /var and the top directory of every file
 * the topology puts elsewhere (/usr/local/..., /opt/...), their upper layers
 * on a tmpfs at /run that the node's own /run then covers (overlayfs keeps a
 * private clone of it: nothing of it shows in the node).
 */
static int make_overlays(const struct ns_node_fs *fs, char tops[NS_NODE_TOPS][64], size_t *ret_n,
			 struct lab_err **err)
{
	size_t n_tops = 0;
	int r;

	r = tmpfs_at("/run", "0700", err);
	if (r < 0)
		return r;
	snprintf(tops[n_tops++], 64, "etc");
	if (access("/var", F_OK) == 0)
		snprintf(tops[n_tops++], 64, "var");
	for (size_t i = 0; i < fs->n_files && n_tops < NS_NODE_TOPS; i++) {
		char top[64];
		bool seen = false;

		if (!strchr(fs->files[i].path + 1, '/'))
			continue; /* a file right under /: bound, no overlay */
		top_of(fs->files[i].path, top, sizeof(top));
		for (size_t k = 0; k < n_tops && !seen; k++)
			seen = !strcmp(tops[k], top);
		if (!seen && !top_is_private(top))
			snprintf(tops[n_tops++], 64, "%s", top);
	}
	for (size_t k = 0; k < n_tops; k++) {
		r = overlay_top("/run", tops[k], err);
		if (r < 0)
			return r;
	}
	*ret_n = n_tops;
	return 0;
}

/* Whether what the node writes at path stays in the node: an overlay or a private tmpfs. */
static bool path_is_nodes(const char *path, char tops[NS_NODE_TOPS][64], size_t n_tops)
{
	char top[64];

	if (!strchr(path + 1, '/'))
		return false;
	top_of(path, top, sizeof(top));
	if (top_is_private(top))
		return true;
	for (size_t k = 0; k < n_tops; k++)
		if (!strcmp(tops[k], top))
			return true;
	return false;
}

/* Copy what srcfd is (file, directory tree, symlink) to path, keeping modes. Return: 0 or -errno. */
static int copy_tree(int srcfd, const char *path)
{
	struct stat st;
	int r = 0;

	if (fstat(srcfd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		_cleanup_(closedirp_) DIR *d = NULL;
		struct dirent *de;
		int dfd;

		if (mkdir(path, st.st_mode & 07777) < 0 && errno != EEXIST)
			return -errno;
		dfd = openat(srcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = dfd >= 0 ? fdopendir(dfd) : NULL;
		if (!d)
			return dfd >= 0 ? (close(dfd), -errno) : -errno;
		while (r >= 0 && (de = readdir(d))) {
			_cleanup_free_ char *sub = NULL;
			_cleanup_close_ int fd = -EBADF;
			char target[4096];
			ssize_t n;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			if (n >= 0) {
				target[n] = '\0';
				r = symlink(target, sub) < 0 && errno != EEXIST ? -errno : 0;
				continue;
			}
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			r = fd < 0 ? -errno : copy_tree(fd, sub);
		}
		return r;
	}
	if (S_ISREG(st.st_mode)) {
		_cleanup_close_ int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
					       st.st_mode & 07777);
		char buf[65536];
		ssize_t n;

		if (out < 0)
			return -errno;
		if (lseek(srcfd, 0, SEEK_SET) < 0)
			return -errno;
		while ((n = read(srcfd, buf, sizeof(buf))) > 0)
			if (write(out, buf, n) != n)
				return -EIO;
		if (n < 0)
			return -errno;
		return fchmod(out, st.st_mode & 07777) < 0 ? -errno : 0;
	}
	return -EINVAL; /* devices, FIFOs and sockets are refused at validate */
}

/* A writable copy of a topology file at its path in the node (copy-on-write: the host's stays). */
static int copy_file(const struct ns_file *f, int src, struct lab_err **err)
{
	_cleanup_free_ char *copy = xstrdup(f->path);
	int r;

	if (mkdir_p(dirname(copy), 0755) < 0)
		return err_make(err, errno, "creating the directories of '%s' in the node", f->path);
	r = copy_tree(src, f->path);
	if (r < 0)
		return err_make(err, -r, "copying '%s' to '%s' in the node", f->host, f->path);
	return 0;
}

/* Private, empty /run (with /run/lock), /tmp, /dev/shm and /root. */
static int private_dirs(struct lab_err **err)
{
	int r = tmpfs_at("/run", "0755", err);

	if (r >= 0 && (mkdir("/run/lock", 01777) < 0 || chmod("/run/lock", 01777) < 0))
		r = err_make(err, errno, "creating the node's /run/lock");
	if (r >= 0)
		r = tmpfs_at("/tmp", "1777", err);
	if (r >= 0 && access("/dev/shm", F_OK) == 0)
		r = tmpfs_at("/dev/shm", "1777", err);
	if (r >= 0 && access("/root", F_OK) == 0)
		r = tmpfs_at("/root", "0700", err);
	return r;
}

static int bind_file(const struct ns_file *f, int srcfd, struct lab_err **err)
{
	_cleanup_free_ char *copy = xstrdup(f->path);
	char fdpath[64];
	struct stat st;

	if (fstat(srcfd, &st) < 0)
		return err_make(err, errno, "checking '%s'", f->host);
	if (mkdir_p(dirname(copy), 0755) < 0)
		return err_make(err, errno, "creating the directories of '%s' in the node", f->path);
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(f->path, 0755) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating '%s' in the node", f->path);
	} else if (access(f->path, F_OK) < 0) {
		/* only a missing mount point is made: in a user's lab the host's files are not the lab's to open for writing */
		int fd = open(f->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0 && errno != EISDIR)
			return err_make(err, errno, "creating '%s' in the node", f->path);
		if (fd >= 0)
			close(fd);
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", srcfd);
	if (mount(fdpath, f->path, NULL, MS_BIND, NULL) < 0 ||
	    (!f->rw && mount(NULL, f->path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0))
		return err_make(err, errno, "binding '%s' at '%s' in the node", f->host, f->path);
	return 0;
}

const char *const ns_service_paths[] = {
	"/usr/bin/systemctl", "/usr/sbin/service", "/usr/sbin/invoke-rc.d",
	"/etc/init.d/frr",    "/etc/init.d/quagga", "/etc/init.d/zebra", NULL,
};

/*
 * netlab-service over the node's systemctl, service and the init scripts of
 * FRR and Quagga: a systemctl in a node must start the service there, never
 * reach the host's systemd. (/bin is /usr/bin on Debian 12; where it is not,
 * /bin/systemctl gets it too.)
 */
static int bind_service(const char *text, struct lab_err **err)
{
	/* a file of the node's own /run: a bind source must be in the node's mount namespace */
	static const char host[] = "/run/.netlab-service";
	_cleanup_close_ int srcfd = -EBADF;
	struct stat st, ust;
	int r = write_in(host, text, err);

	if (r < 0)
		return r;
	if (chmod(host, 0755) < 0)
		return err_make(err, errno, "making '%s' executable", host);
	srcfd = open(host, O_RDONLY | O_CLOEXEC);
	if (srcfd < 0)
		return err_make(err, errno, "opening '%s'", host);

	for (size_t i = 0; r >= 0 && ns_service_paths[i]; i++) {
		struct ns_file f = {ns_service_paths[i], host, true, false};

		/* /usr is the host's in a node: never make a file there, bind only over one */
		if (str_has_prefix(f.path, "/usr/") && access(f.path, F_OK) < 0)
			continue;
		r = bind_file(&f, srcfd, err);
	}
	if (r >= 0 && lstat("/bin", &st) == 0 && S_ISDIR(st.st_mode) && stat("/usr/bin", &ust) == 0 &&
	    st.st_ino != ust.st_ino) {
		struct ns_file f = {"/bin/systemctl", host, true, false};

		r = bind_file(&f, srcfd, err);
	}
	return r;
}

int ns_node_service_open(struct ns_node_fs *fs, struct lab_err **err)
{
	int r;

	fs->service_text = NULL;
	if (!fs->service)
		return 0;
	r = read_file(fs->service, 1 << 20, &fs->service_text, NULL);
	if (r < 0)
		return err_make(err, -r, "reading '%s'", fs->service);
	return 0;
}

int ns_node_mounts(const struct ns_node_fs *fs, struct lab_err **err)
{
	_cleanup_free_ int *srcfds = xcalloc(fs->n_files ? fs->n_files : 1, sizeof(int));

	_cleanup_free_ char *hn = xasprintf("%s\n", fs->hostname);
	char tops[NS_NODE_TOPS][64];
	size_t n_tops = 0;
	int r = 0;

	/* the files, opened before anything covers them (to copy, or to bind: a bind source must be in our namespace) */
	for (size_t i = 0; i < fs->n_files; i++)
		srcfds[i] = -EBADF;
	for (size_t i = 0; r >= 0 && i < fs->n_files; i++) {
		if (fs->files[i].rw && mkdir(fs->files[i].host, 0755) < 0 && errno != EEXIST)
			r = err_make(err, errno, "creating '%s'", fs->files[i].host);
		if (r < 0)
			break;
		srcfds[i] = open(fs->files[i].host, O_RDONLY | O_CLOEXEC); /* read for a copy */
		if (srcfds[i] < 0)
			r = err_make(err, errno, "opening '%s'", fs->files[i].host);
	}
	if (r >= 0 && fs->proc &&
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		r = err_make(err, errno, "mounting the node's /proc");
	/* /sys shows the devices of the network namespace that mounts it: over the host's */
	if (r >= 0 && mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		r = err_make(err, errno, "mounting the node's /sys");
	if (r >= 0)
		r = make_overlays(fs, tops, &n_tops, err);
	if (r >= 0)
		r = private_dirs(err);
	if (r >= 0)
		r = write_in("/etc/hostname", hn, err);
	if (r >= 0)
		r = write_in("/etc/hosts", fs->hosts, err);
	/* no DNS server the node could reach: lookups of unknown names fail at once */
	if (r >= 0)
		r = write_in("/etc/resolv.conf",
			     "# netlab: the node's own resolver; run a DNS server in the node or edit this file\nnameserver 127.0.0.1\n",
			     err);
	/* the services, before the topology's files: a lab's own /etc/init.d/frr wins */
	if (r >= 0 && fs->service_text)
		r = bind_service(fs->service_text, err);
	/* files: writable copies where writes stay in the node; read-only binds where asked or not */
	for (size_t i = 0; r >= 0 && i < fs->n_files; i++)
		r = !fs->files[i].ro && !fs->files[i].rw && path_is_nodes(fs->files[i].path, tops, n_tops)
			    ? copy_file(&fs->files[i], srcfds[i], err)
			    : bind_file(&fs->files[i], srcfds[i], err);
	for (size_t i = 0; i < fs->n_files; i++)
		if (srcfds[i] >= 0)
			close(srcfds[i]);
	return r;
}

void ns_detach_init(void)
{
	int null;

	/* its own session: a terminal's Ctrl-C meant for a command never reaches the init */
	setsid();
	/* nobody's output either: `netlab up | tail` ends when up does */
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
}

/* Run fn in a child that stays until we have pinned its namespace: fn reports through rep_fd. */
static int report_ok(int fd, pid_t pid)
{
	struct ns_report rep = {.pid = pid};

	return write(fd, &rep, sizeof(rep)) == sizeof(rep) ? 0 : -EPIPE;
}

/* Detach every namespace pin (nsfs mount) in the calling process's mount namespace. */
static void detach_ns_pins(void)
{
	_cleanup_free_ char *text = NULL;

	if (read_file("/proc/self/mountinfo", 64 << 20, &text, NULL) < 0)
		return;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *sep = strstr(line, " - nsfs ");
		char point[4096], *o = point;
		const char *f = line;

		if (!sep)
			continue;
		/* the mount point is the fifth field, with octal escapes (\040) */
		for (int field = 1; field < 5 && f; field++)
			f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
		for (; f && *f && *f != ' ' && o < point + sizeof(point) - 1; f++) {
			if (f[0] == '\\' && f[1] >= '0' && f[1] <= '3' && f[2] && f[3]) {
				*o++ = (char)((f[1] - '0') * 64 + (f[2] - '0') * 8 + (f[3] - '0'));
				f += 3;
			} else
				*o++ = *f;
		}
		*o = '\0';
		if (point[0] == '/')
			umount2(point, MNT_DETACH);
	}
}

int ns_template_clean(void)
{
	if (mount("", "/", "none", MS_PRIVATE | MS_REC, NULL) < 0)
		return -errno;
	/* every namespace pin of the machine: nodes must not keep copies of them */
	umount_all(layout_state_root());
	umount_all(layout_netns_dir());
	/* and pins anywhere else (ip netns of others, bind mounts of /run/netns) */
	detach_ns_pins();
	return 0;
}

/*
 * The kernel refuses to bind a mount namespace newer than the caller's when its
 * id is not above the caller's (fs/namespace.c mnt_ns_loop); run by netlab in
 * a mount namespace of its own (the tests' private runs, make bench), a new
 * namespace now and then gets a lower id, seemingly by the CPU it is made on.
 * So a refused pin (EINVAL) is tried again, the child on the next CPU.
 */
void ns_run_on_cpu(int attempt)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (attempt == 0 || n < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(attempt % n, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int ns_pin_attempts(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 1 ? 2 * (int)n + 2 : 3;
}

/*
 * Make a mount namespace in a child (setup unshares it and fills it in) and
 * pin it at path, once the child has reported; the child stays until then.
 * Return: 0 or -errno.
 */
static int pin_new_mount_ns(const char *path, int (*setup)(const void *data, struct lab_err **err),
			    const void *data, int attempt, struct lab_err **err)
{
	int rep[2] = {-EBADF, -EBADF}, go[2] = {-EBADF, -EBADF};
	struct ns_report first;
	pid_t child;
	int r;

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
		struct lab_err *e = NULL;
		char c;

		close(rep[0]);
		close(go[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ns_run_on_cpu(attempt);
		if (setup(data, &e) < 0)
			ns_child_fail(rep[1], e);
		if (report_ok(rep[1], getpid()) < 0 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(rep[1]);
	rep[1] = -EBADF;
	r = ns_read_report(rep[0], &first, err);
	if (r >= 0) {
		_cleanup_free_ char *src = xasprintf("/proc/%d/ns/mnt", (int)child);

		r = ns_pin(src, path, err);
	}
	close(go[1]);
	go[1] = -EBADF;
	waitpid(child, NULL, 0);
out:
	for (int i = 0; i < 2; i++) {
		if (rep[i] >= 0)
			close(rep[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	return r;
}

/* pin_new_mount_ns, again while the kernel refuses the pin (see run_on_cpu). */
static int pin_new_mount_ns_retry(const char *path,
				  int (*setup)(const void *data, struct lab_err **err),
				  const void *data, struct lab_err **err)
{
	int r = 0;

	for (int a = 0; a < ns_pin_attempts(); a++) {
		*err = err_free(*err);
		r = pin_new_mount_ns(path, setup, data, a, err);
		if (r != -EINVAL)
			break;
	}
	return r;
}

static int template_setup(const void *data, struct lab_err **err)
{
	(void)data;
	if (unshare(CLONE_NEWNS) < 0 || ns_template_clean() < 0)
		return err_make(err, errno, "creating the lab's template mount namespace");
	return 0;
}

int ns_template_pin(const char *path, struct lab_err **err)
{
	return pin_new_mount_ns_retry(path, template_setup, NULL, err);
}

struct node_setup {
	int tmpl_fd, net_fd, uts_fd;
	const struct ns_node_fs *fs;
};

static int node_setup(const void *data, struct lab_err **err)
{
	const struct node_setup *n = data;
	struct ns_node_fs f = *n->fs;

	f.proc = false;
	if (ns_node_service_open(&f, err) < 0)
		return -(*err)->code;
	if (setns(n->net_fd, CLONE_NEWNET) < 0 || setns(n->uts_fd, CLONE_NEWUTS) < 0)
		return err_make(err, errno, "entering the node's namespaces");
	if (n->tmpl_fd < 0) {
		/* no template: a copy of ours, made like one */
		int r = template_setup(NULL, err);

		if (r < 0)
			return r;
	} else if (setns(n->tmpl_fd, CLONE_NEWNS) < 0 || unshare(CLONE_NEWNS) < 0)
		return err_make(err, errno, "creating the node's mount namespace");
	return ns_node_mounts(&f, err);
}

int ns_mount_create(int tmpl_fd, int net_fd, int uts_fd, const struct ns_node_fs *fs,
		    const char *pin_path, struct lab_err **err)
{
	struct node_setup n = {tmpl_fd, net_fd, uts_fd, fs};

	return pin_new_mount_ns_retry(pin_path, node_setup, &n, err);
}

/* The init, in the new PID namespace: the node's /proc, no terminal, then netlab-init. */
static _Noreturn void start_init(int mnt_fd, int rep_fd)
{
	struct lab_err *e = NULL;

	if (setns(mnt_fd, CLONE_NEWNS) < 0) {
		err_make(&e, errno, "entering the node's mount namespace");
		ns_child_fail(rep_fd, e);
	}
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		err_make(&e, errno, "mounting the node's /proc");
		ns_child_fail(rep_fd, e);
	}
	ns_detach_init();
	if (report_ok(rep_fd, 1) < 0)
		_exit(1);
	close(rep_fd);
	ns_exec_init();
	_exit(127);
}

int ns_pid_create(int net_fd, int uts_fd, int mnt_fd, const char *pin_path,
		  struct lab_err **err)
{
	int rep[2] = {-EBADF, -EBADF};
	struct ns_report first, second;
	pid_t child, init = 0;
	int r;

	if (pipe2(rep, O_CLOEXEC) < 0)
		return err_make(err, errno, "creating a pipe");
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		r = err_make(err, errno, "forking");
		goto out;
	}
	if (child == 0) {
		/* an intermediate, so that the init is nobody's child (as a daemon) */
		struct lab_err *e = NULL;
		pid_t pid;

		close(rep[0]);
		if (setns(net_fd, CLONE_NEWNET) < 0 || setns(uts_fd, CLONE_NEWUTS) < 0 ||
		    unshare(CLONE_NEWPID) < 0) {
			err_make(&e, errno, "creating the node's PID namespace");
			ns_child_fail(rep[1], e);
		}
		pid = fork();
		if (pid < 0) {
			err_make(&e, errno, "starting the node's init");
			ns_child_fail(rep[1], e);
		}
		if (pid == 0)
			start_init(mnt_fd, rep[1]);
		_exit(report_ok(rep[1], pid) < 0);
	}
	close(rep[1]);
	rep[1] = -EBADF;
	/* two reports, in either order: the intermediate's (the init's pid) and the init's (pid 1) */
	r = ns_read_report(rep[0], &first, err);
	if (r >= 0)
		r = ns_read_report(rep[0], &second, err);
	if (r >= 0)
		init = first.pid == 1 ? second.pid : first.pid;
	waitpid(child, NULL, 0);
	if (r >= 0) {
		_cleanup_free_ char *src = xasprintf("/proc/%d/ns/pid", (int)init);

		r = ns_pin(src, pin_path, err);
		if (r < 0)
			kill(init, SIGKILL);
	} else if (init > 0)
		kill(init, SIGKILL);
out:
	for (int i = 0; i < 2; i++)
		if (rep[i] >= 0)
			close(rep[i]);
	return r < 0 ? r : init;
}
