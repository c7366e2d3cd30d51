/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "labinfo.h"
#include "layout.h"
#include "rootless.h"
#include "util.h"
#include "state_impl.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

/* A node's network namespace unless the state says otherwise. */
char *state_default_netns(const char *lab, const char *node)
{
	char buf[TOPO_NETNS_MAX];

	topo_netns_name(lab, node, buf);
	return xstrdup(buf);
}

int state_corrupt(struct lab_err **err, const char *lab, const char *what, const char *fmt, ...)
{
	_cleanup_free_ char *problem = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&problem, fmt, ap) < 0)
		abort();
	va_end(ap);
	return err_make_kind(err, ERR_RUNTIME, EBADMSG,
			     "the state of lab '%s' (%s) is corrupt: %s; 'netlab down --force %s' removes the lab",
			     lab, what, problem, lab);
}


struct state *state_new(const char *lab)
{
	struct state *s = xcalloc(1, sizeof(*s));

	s->lab = xstrdup(lab);
	s->user = labinfo_user(getenv("SUDO_USER"), rootless_uid());
	return s;
}

struct state *state_free(struct state *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n_nodes; i++) {
		free(s->nodes[i].name);
		free(s->nodes[i].kind);
		free(s->nodes[i].hostname);
		free(s->nodes[i].netns);
		for (size_t k = 0; k < s->nodes[i].n_env; k++)
			free(s->nodes[i].env[k]);
		free(s->nodes[i].env);
		for (size_t k = 0; k < s->nodes[i].n_shutdown; k++)
			free(s->nodes[i].shutdown[k]);
		free(s->nodes[i].shutdown);
		free(s->nodes[i].shell);
		free(s->nodes[i].routes);
		free(s->nodes[i].addrs);
	}
	for (size_t i = 0; i < s->n_hosts; i++) {
		free(s->hosts[i].name);
		free(s->hosts[i].exec);
		free(s->hosts[i].netlab);
		strv_free(s->hosts[i].nodes, s->hosts[i].n_nodes);
	}
	free(s->hosts);
	free(s->nodes);
	free(s->links);
	free(s->lab);
	free(s->status);
	free(s->topology);
	free(s->user);
	for (size_t i = 0; i < 2 * s->n_meta; i++)
		free(s->meta[i]);
	free(s->meta);
	free(s);
	return NULL;
}

char *state_lab_dir(const char *lab)
{
	return layout_lab_dir(lab);
}

char *state_uts_path(const char *lab, const char *node)
{
	return layout_ns_pin(lab, node, "uts");
}

char *state_file_path(const char *lab)
{
	return state_part_path(lab, STATE_NODES);
}

char *state_part_path(const char *lab, enum state_part part)
{
	return layout_lab_file(lab, part == STATE_WIRING ? "wiring.json" : "state.json");
}

char *state_pin_prefix(const char *lab, const char *node)
{
	return layout_ns_pin(lab, node, NULL);
}

char *state_log_path(const char *lab, const char *node)
{
	return layout_log(lab, node);
}

char *state_failed_path(const char *lab, const char *node)
{
	return layout_failed(lab, node);
}

int state_prepare_root(struct lab_err **err)
{
	const char *root = layout_state_root();
	struct stat st;

	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating %s", root);
	if (lstat(root, &st) < 0)
		return err_make(err, errno, "checking %s", root);
	if (!S_ISDIR(st.st_mode))
		return err_make_kind(err, ERR_RUNTIME, ENOTDIR,
				     "%s is not a directory (a symlink?): refusing to use it", root);
	if (st.st_uid != 0 || (st.st_mode & 0022))
		return err_make_kind(err, ERR_RUNTIME, EPERM,
				     "%s is not owned by root or is writable by others: refusing to use it", root);
	/*
	 * A private mount: the pins of mount namespaces under it must not
	 * propagate into the very namespaces they pin (util-linux unshare
	 * --mount= needs the same).
	 */
	while (mount("", root, "none", MS_PRIVATE, NULL) < 0) {
		_cleanup_(closedirp_) DIR *d = NULL;
		struct dirent *de;
		bool empty = true;

		if (errno != EINVAL)
			return err_make(err, errno, "making %s a private mount", root);
		/* not a mount yet: a tmpfs when empty (pins cost no disk inodes), else itself */
		d = opendir(root);
		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = false;
		if (empty && mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
				   "mode=0700") == 0)
			continue;
		if (mount(root, root, "none", MS_BIND, NULL) < 0)
			return err_make(err, errno, "bind-mounting %s on itself", root);
	}
	return 0;
}

int state_lock(const char *lab, bool create, struct lab_err **err)
{
	_cleanup_free_ char *dir = state_lab_dir(lab);
	_cleanup_free_ char *nsdir = xasprintf("%s/ns", dir);
	_cleanup_free_ char *path = xasprintf("%s/lock", dir);

	for (;;) {
		_cleanup_close_ int fd = -EBADF;
		struct stat a, b;

		struct stat ds;

		if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating '%s'", dir);
		/* a symlink planted as the lab's directory must not lead netlab elsewhere */
		if (lstat(dir, &ds) == 0 && !S_ISDIR(ds.st_mode))
			return err_make_kind(err, ERR_RUNTIME, ENOTDIR,
					     "'%s' is not a directory (a symlink?): refusing to use it", dir);
		if (create && mkdir(nsdir, 0700) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating '%s'", nsdir);
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
		if (fd < 0) {
			if (errno == ENOENT && !create)
				return -ENOENT;
			if (errno == ENOENT)
				continue; /* removed under us by a `down`: make it again */
			return err_make(err, errno, "opening the lock '%s'", path);
		}
		if (flock(fd, LOCK_EX) < 0)
			return err_make(err, errno, "locking '%s'", path);
		/* a `down` may have removed the lock while we waited for it */
		if (fstat(fd, &a) < 0)
			return err_make(err, errno, "checking the lock '%s'", path);
		if (stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return TAKE_FD(fd);
		if (!create)
			return -ENOENT;
	}
}


int state_write(const struct state *s, enum state_part parts, struct lab_err **err)
{
	/* wiring first: a state.json always has its wiring.json */
	static const enum state_part order[] = {STATE_WIRING, STATE_NODES};

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		int r;

		if (!(parts & order[i]))
			continue;
		path = state_part_path(s->lab, order[i]);
		text = state_encode(s, order[i]);
		if (!text)
			return err_make(err, ENOMEM, "encoding the lab state");
		r = write_file_atomic(path, text, strlen(text), 0600);
		if (r < 0)
			return err_make(err, r, "writing '%s'", path);
	}
	return 0;
}

int state_read(const char *lab, enum state_part parts, struct state **ret, struct lab_err **err)
{
	static const enum state_part order[] = {STATE_NODES, STATE_WIRING};
	_cleanup_(state_freep) struct state *s = state_new(lab);

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		size_t len;
		int r;

		if (!(parts & order[i]))
			continue;
		path = state_part_path(lab, order[i]);
		r = read_file(path, STATE_MAX_BYTES, &text, &len);
		if (r == -ENOENT && order[i] == STATE_NODES)
			return -ENOENT;
		if (r == -ENOENT && s->version < 2)
			continue; /* a lab made by netlab 0.x: its wiring is in state.json */
		if (r == -ENOENT)
			return state_corrupt(err, lab, path, "it is missing (state.json has version %d)", s->version);
		if (r < 0)
			return err_make(err, r, "reading '%s'", path);
		r = state_decode(s, order[i], text, len, path, err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(s);
	return 0;
}

int state_write_env(const char *lab, const char *node, char *const *env, size_t n,
		    struct lab_err **err)
{
	_cleanup_free_ char *path = layout_ns_pin(lab, node, "env");
	_cleanup_free_ char *text = xstrdup("");
	int r;

	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%s\n", text, env[i]);

		free(text);
		text = t;
	}
	r = write_file_atomic(path, text, strlen(text), 0600);
	if (r < 0)
		return err_make(err, r, "writing '%s'", path);
	return 0;
}

static bool pinned(const char *prefix, const char *ns)
{
	_cleanup_free_ char *p = xasprintf("%s.%s", prefix, ns);

	return access(p, F_OK) == 0;
}

int state_read_node(const char *lab, const char *node, struct state_node *ret)
{
	_cleanup_free_ char *prefix = layout_ns_pin(lab, node, NULL);
	_cleanup_free_ char *envp = xasprintf("%s.env", prefix);
	_cleanup_free_ char *text = NULL;
	struct state_node n = {0};

	if (!pinned(prefix, "uts"))
		return -ENOENT;
	n.name = xstrdup(node);
	n.netns = state_default_netns(lab, node);
	n.pid = pinned(prefix, "pid");
	n.mount = pinned(prefix, "mnt");
	n.ipc = pinned(prefix, "ipc");
	n.cgroup = n.has_cgroup = pinned(prefix, "cgroup");
	if (read_file(envp, 1 << 20, &text, NULL) == 0) {
		size_t cap = 0;

		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			GROW(n.env, cap, n.n_env + 2);
			n.env[n.n_env++] = xstrdup(line);
		}
	}
	*ret = n;
	return 0;
}

void state_node_clear(struct state_node *n)
{
	free(n->name);
	free(n->kind);
	free(n->hostname);
	free(n->netns);
	for (size_t k = 0; k < n->n_env; k++)
		free(n->env[k]);
	free(n->env);
	free(n->routes);
	free(n->addrs);
	*n = (struct state_node){0};
}

int state_mount_pins(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *nsdir = layout_ns_dir(lab);
	int r = tmpfs_mount_once(nsdir); /* a mount already: left by an `up` that was killed */

	if (r == -ENOTDIR)
		return err_make_kind(err, ERR_RUNTIME, ENOTDIR,
				     "'%s' is not a directory (a symlink?): refusing to use it", nsdir);
	if (r < 0)
		return err_make(err, -r, "mounting a tmpfs on '%s'", nsdir);
	return 0;
}

void state_unpin_all(const char *lab)
{
	_cleanup_free_ char *dir = state_lab_dir(lab);
	_cleanup_free_ char *nsdir = xasprintf("%s/ns", dir);
	_cleanup_(closedirp_) DIR *d = NULL;
	struct dirent *de;

	/* the lab's tmpfs with every pin on it, in one go */
	umount_all(nsdir);
	/* pins on the directory itself (a lab made by netlab 0.x, or no tmpfs) */
	d = opendir(nsdir);
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *p = NULL;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", nsdir, de->d_name);
		umount2(p, MNT_DETACH | UMOUNT_NOFOLLOW);
		unlink(p);
	}
}

int state_remove(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *dir = state_lab_dir(lab);
	_cleanup_free_ char *nsdir = xasprintf("%s/ns", dir);
	_cleanup_free_ char *lock = xasprintf("%s/lock", dir);
	struct dirent *de;

	for (enum state_part part = STATE_NODES; part <= STATE_WIRING; part <<= 1) {
		_cleanup_free_ char *path = state_part_path(lab, part);
		_cleanup_free_ char *tmp = xasprintf("%s.tmp", path);

		unlink(path);
		unlink(tmp);
	}
	state_unpin_all(lab);
	if (rmdir(nsdir) < 0 && errno != ENOENT)
		return err_make(err, errno, "removing '%s'", nsdir);
	{
		_cleanup_free_ char *logdir = xasprintf("%s/logs", dir);
		_cleanup_(closedirp_) DIR *ld = opendir(logdir);

		while (ld && (de = readdir(ld))) {
			_cleanup_free_ char *p = NULL;

			if (de->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", logdir, de->d_name);
			unlink(p);
		}
		if (rmdir(logdir) < 0 && errno != ENOENT)
			return err_make(err, errno, "removing '%s'", logdir);
	}
	if (unlink(lock) < 0 && errno != ENOENT)
		return err_make(err, errno, "removing '%s'", lock);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return err_make(err, errno, "removing '%s'", dir);
	return 0;
}

int state_list_labs(char ***ret, size_t *ret_n)
{
	*ret_n = list_subdirs(layout_state_root(), ret);
	return 0;
}

