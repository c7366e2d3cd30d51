/* SPDX-License-Identifier: MIT */
/*
 * Whether this user can have a lab (userns.h): the kernel's user namespaces
 * (and the sysctl that forbids them), a delegated cgroup v2 subtree for
 * limits, host paths the user may read. Split from userns.c (the holder).
 */
#include "userns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include "util.h"

/* Read a sysctl's value (trimmed) into a new string, or NULL when it does not exist. */
static char *sysctl_read(const char *path)
{
	char *text = NULL;
	size_t len;

	if (read_file(path, 256, &text, &len) < 0)
		return NULL;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	return text;
}

char *userns_advice(int code, const char *unprivileged_clone, const char *max_user,
		    const char *apparmor_restrict)
{
	if (unprivileged_clone && !strcmp(unprivileged_clone, "0"))
		return xstrdup("the kernel forbids unprivileged user namespaces "
			       "(kernel.unprivileged_userns_clone = 0); as root: "
			       "sysctl -w kernel.unprivileged_userns_clone=1");
	if (max_user && !strcmp(max_user, "0"))
		return xstrdup("the kernel allows no user namespaces (user.max_user_namespaces = 0); "
			       "as root: sysctl -w user.max_user_namespaces=15000");
	if (apparmor_restrict && !strcmp(apparmor_restrict, "1") && code == EPERM)
		return xstrdup("AppArmor restricts unprivileged user namespaces "
			       "(kernel.apparmor_restrict_unprivileged_userns = 1); as root: "
			       "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an "
			       "AppArmor profile for netlab that allows 'userns'");
	if (code == ENOSPC)
		return xstrdup("the user namespace limit is reached (user.max_user_namespaces, "
			       "user.max_mnt_namespaces or user.max_net_namespaces); as root: raise "
			       "it with sysctl -w");
	if (code == EINVAL)
		return xstrdup("the kernel has no user namespaces (CONFIG_USER_NS)");
	if (code == EPERM)
		return xstrdup("the kernel refuses this user a user namespace (a seccomp filter, "
			       "or netlab run in a chroot or a container that forbids them); run "
			       "netlab as root instead");
	return xasprintf("creating a user namespace: %s", strerror(code));
}

int userns_advice_error(int code, const char *what, struct lab_err **err)
{
	_cleanup_free_ char *clone = sysctl_read("/proc/sys/kernel/unprivileged_userns_clone");
	_cleanup_free_ char *max_user = sysctl_read("/proc/sys/user/max_user_namespaces");
	_cleanup_free_ char *aa = sysctl_read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	_cleanup_free_ char *advice = userns_advice(code, clone, max_user, aa);

	return err_make_kind(err, ERR_KERNEL, code, "%s: %s: %s", what, strerror(code), advice);
}


int userns_probe(struct lab_err **err)
{
	int status;
	pid_t child;

	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0)
		return err_make(err, errno, "forking");
	if (child == 0) {
		/* the exit code is the errno, 0 when everything could be made */
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(errno);
		if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS) < 0)
			_exit(errno == EPERM ? 200 : errno == ENOSPC ? 201 : 202);
		_exit(0);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return err_make(err, errno, "waiting for a probe");
	if (!WIFEXITED(status))
		return err_make(err, EIO, "probing user namespaces: the probe died");
	switch (WEXITSTATUS(status)) {
	case 0:
		return 0;
	case 200:
	case 201:
	case 202:
		return err_make_kind(err, ERR_KERNEL, WEXITSTATUS(status) == 201 ? ENOSPC : EPERM,
				     "a user namespace can be made, but no network or mount namespace "
				     "in it (user.max_net_namespaces or user.max_mnt_namespaces is 0 "
				     "or reached: as root, raise it with sysctl -w)");
	default:
		return userns_advice_error(WEXITSTATUS(status), "creating a user namespace", err);
	}
}

static const char *const wanted_controllers[] = {"memory", "cpu", "pids"};

/* Whether every wanted controller is in the cgroup.controllers of dir; the missing ones into missing. */
static bool has_controllers(const char *dir, char *missing, size_t size)
{
	_cleanup_free_ char *path = xasprintf("%s/cgroup.controllers", dir), *text = NULL;
	bool all = true;

	missing[0] = '\0';
	if (read_file(path, 4096, &text, NULL) < 0)
		text = xstrdup("");
	for (size_t i = 0; i < ARRAY_SIZE(wanted_controllers); i++) {
		const char *w = wanted_controllers[i];
		bool found = false;

		for (char *p = text; (p = strstr(p, w)); p += strlen(w))
			if ((p == text || p[-1] == ' ' || p[-1] == '\n') &&
			    (!p[strlen(w)] || p[strlen(w)] == ' ' || p[strlen(w)] == '\n'))
				found = true;
		if (!found) {
			size_t len = strlen(missing);

			snprintf(missing + len, size - len, "%s%s", len ? ", " : "", w);
			all = false;
		}
	}
	return all;
}

/* Whether uid owns dir and may create cgroups in it and move processes there. */
static bool delegated_to(const char *dir, uid_t uid)
{
	_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", dir);
	_cleanup_free_ char *subtree = xasprintf("%s/cgroup.subtree_control", dir);
	struct stat st, sp, ss;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != uid ||
	    !(st.st_mode & S_IWUSR))
		return false;
	return stat(procs, &sp) == 0 && sp.st_uid == uid && stat(subtree, &ss) == 0 &&
	       ss.st_uid == uid;
}

int userns_cgroup_delegated(const char *root, const char *self, uid_t uid, char **ret_dir,
			    struct lab_err **err)
{
	static const char hint[] = "cgroup limits need a delegated cgroup v2 subtree (systemd "
				   "with user delegation: run netlab in a user session, or "
				   "systemd-run --user --scope -p Delegate=yes netlab up ...)";
	_cleanup_free_ char *path = NULL, *best = NULL;
	const char *line = self;
	char missing[64];

	*ret_dir = NULL;
	while (line && *line && !str_has_prefix(line, "0::")) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (!line || !*line)
		return err_make_kind(err, ERR_KERNEL, EOPNOTSUPP,
				     "%s: this process is in no cgroup v2 (cgroup v1 cannot be "
				     "delegated to a user)", hint);
	{
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line - 3) : strlen(line + 3);

		path = xasprintf("%s%.*s", root, (int)len, line + 3);
	}
	/* the topmost directory up from ours that is the user's: systemd's user@UID.service */
	for (;;) {
		char *slash;

		if (delegated_to(path, uid)) {
			free(best);
			best = xstrdup(path);
		} else if (best)
			break;
		slash = strrchr(path, '/');
		if (!slash || slash <= path + strlen(root))
			break;
		*slash = '\0';
	}
	if (!best)
		return err_make_kind(err, ERR_KERNEL, EACCES,
				     "%s: uid %lu owns no cgroup above its own ('%.*s')", hint,
				     (unsigned long)uid, (int)strcspn(line + 3, "\n"), line + 3);
	if (!has_controllers(best, missing, sizeof(missing)))
		return err_make_kind(err, ERR_KERNEL, EOPNOTSUPP,
				     "%s: the delegated cgroup '%s' lacks the %s controller(s) "
				     "(systemd: Delegate=memory cpu pids)", hint, best, missing);
	*ret_dir = TAKE_PTR(best);
	return 0;
}

int userns_probe_cgroup(char **ret_dir, struct lab_err **err)
{
	_cleanup_free_ char *self = NULL;
	struct statfs sf;
	int r;

	*ret_dir = NULL;
	if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
		return err_make_kind(err, ERR_KERNEL, EOPNOTSUPP,
				     "cgroup limits need a delegated cgroup v2 subtree (systemd with "
				     "user delegation); this machine mounts cgroup v1 at "
				     "/sys/fs/cgroup, which cannot be delegated to a user: run the "
				     "lab as root, or without \"limits\"");
	r = read_file("/proc/self/cgroup", 1 << 16, &self, NULL);
	if (r < 0)
		return err_make(err, -r, "reading /proc/self/cgroup");
	return userns_cgroup_delegated("/sys/fs/cgroup", self, geteuid(), ret_dir, err);
}

int userns_probe_readable(const char *path, struct lab_err **err)
{
	struct stat st;
	int mode = R_OK;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		mode |= X_OK;
	if (faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0)
		return 0;
	if (errno == ENOENT)
		return err_make(err, errno, "'%s'", path);
	return err_make_kind(err, ERR_RUNTIME, errno,
			     "'%s' is not readable by uid %lu, and netlab runs as you: make it "
			     "readable (chmod), copy it beside the topology, or run the lab as root",
			     path, (unsigned long)geteuid());
}
