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
#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

struct state *state_new(const char *lab)
{
	struct state *s = xcalloc(1, sizeof(*s));

	s->lab = xstrdup(lab);
	s->user = labinfo_user(getenv("SUDO_USER"), getuid());
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
	for (size_t i = 0; i < s->n_links; i++) {
		free(s->links[i].ends[0]);
		free(s->links[i].ends[1]);
	}
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

static json_t *routes_json(const struct state_node *n)
{
	json_t *routes = json_array();
	char buf[PREFIX_STRLEN];

	for (size_t k = 0; k < n->n_routes; k++) {
		const struct state_route *rt = &n->routes[k];
		json_t *jr = json_pack("{s:s}", "to", prefix_format(&rt->to, buf));

		if (rt->has_via)
			json_object_set_new(jr, "via", json_string(addr_format(&rt->via, buf)));
		if (rt->dev[0])
			json_object_set_new(jr, "dev", json_string(rt->dev));
		if (rt->metric)
			json_object_set_new(jr, "metric", json_integer(rt->metric));
		json_array_append_new(routes, jr);
	}
	return routes;
}

static json_t *addrs_json(const struct state_node *n)
{
	json_t *addrs = json_array();
	char buf[PREFIX_STRLEN];

	for (size_t k = 0; k < n->n_addrs; k++)
		json_array_append_new(addrs, json_pack("[s,s]", n->addrs[k].dev,
						       prefix_format(&n->addrs[k].prefix, buf)));
	return addrs;
}

static json_t *links_json(const struct state *s)
{
	json_t *links = json_array();

	for (size_t i = 0; i < s->n_links; i++) {
		json_t *jl = json_pack("{s:[s,s], s:b}", "endpoints", s->links[i].ends[0],
				       s->links[i].ends[1], "up", s->links[i].up);

		if (s->links[i].wire[0] || s->links[i].wire[1])
			json_object_set_new(jl, "wire", json_pack("[i,i]", s->links[i].wire[0],
								  s->links[i].wire[1]));
		if (s->links[i].plain)
			json_object_set_new(jl, "cable", json_false());

		for (int k = 0; k < 2; k++) {
			const struct topo_impair *im = &s->links[i].impair[k];

			if (!im->set)
				continue;
			json_object_set_new(jl, k ? "impair1" : "impair0",
					    json_pack("{s:I, s:I, s:f, s:I}", "delay_ns", (json_int_t)im->delay_ns,
						      "jitter_ns", (json_int_t)im->jitter_ns, "loss", im->loss,
						      "rate_bps", (json_int_t)im->rate_bps));
		}
		json_array_append_new(links, jl);
	}
	return links;
}

/* A node's network namespace unless the state says otherwise. */
static char *default_netns(const char *lab, const char *node)
{
	char buf[TOPO_NETNS_MAX];

	topo_netns_name(lab, node, buf);
	return xstrdup(buf);
}

/* state.json: the lab and what each node is */
static json_t *nodes_doc(const struct state *s)
{
	json_t *root = json_object(), *nodes = json_array();

	json_object_set_new(root, "version", json_integer(STATE_VERSION));
	json_object_set_new(root, "lab", json_string(s->lab));
	json_object_set_new(root, "status", json_string(s->status ? s->status : "creating"));
	json_object_set_new(root, "topology", json_string(s->topology ? s->topology : ""));
	json_object_set_new(root, "created", json_integer(s->created));
	if (s->user)
		json_object_set_new(root, "user", json_string(s->user));
	if (s->n_meta) {
		json_t *m = json_object();

		for (size_t i = 0; i < s->n_meta; i++)
			json_object_set_new(m, s->meta[2 * i], json_string(s->meta[2 * i + 1]));
		json_object_set_new(root, "meta", m);
	}
	if (s->creator_pid)
		json_object_set_new(root, "creator", json_pack("{s:i, s:I}", "pid", s->creator_pid, "start",
								(json_int_t)s->creator_start));
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct state_node *n = &s->nodes[i];
		_cleanup_free_ char *netns = default_netns(s->lab, n->name);
		json_t *jn = json_pack("{s:s, s:s}", "name", n->name, "kind", n->kind);

		/* what most nodes have goes unsaid: down parses less */
		if (strcmp(n->hostname, n->name))
			json_object_set_new(jn, "hostname", json_string(n->hostname));
		if (strcmp(n->netns, netns))
			json_object_set_new(jn, "netns", json_string(n->netns));

		if (n->pid || n->mount || n->ipc || n->cgroup)
			json_object_set_new(jn, "isolation",
					    json_pack("{s:b, s:b, s:b, s:b}", "pid", n->pid, "mount",
						      n->mount, "ipc", n->ipc, "cgroup", n->cgroup));
		if (n->has_cgroup)
			json_object_set_new(jn, "limits",
					    json_pack("{s:I, s:f, s:I}", "memory", (json_int_t)n->memory,
						      "cpu", n->cpu, "pids", (json_int_t)n->pids));
		if (n->init_pid)
			json_object_set_new(jn, "init", json_pack("{s:i, s:I}", "pid", n->init_pid, "start",
								  (json_int_t)n->init_start));
		if (n->n_env) {
			json_t *env = json_array();

			for (size_t k = 0; k < n->n_env; k++)
				json_array_append_new(env, json_string(n->env[k]));
			json_object_set_new(jn, "env", env);
		}
		if (n->n_shutdown) {
			json_t *sd = json_array();

			for (size_t k = 0; k < n->n_shutdown; k++)
				json_array_append_new(sd, json_string(n->shutdown[k]));
			json_object_set_new(jn, "shutdown", sd);
		}
		if (n->shell)
			json_object_set_new(jn, "shell", json_string(n->shell));
		json_array_append_new(nodes, jn);
	}
	json_object_set_new(root, "nodes", nodes);
	return root;
}

/* wiring.json: the links, and what `link up` puts back in a lab from before wire ends (addresses, routes by node) */
static json_t *wiring_doc(const struct state *s)
{
	json_t *root = json_object(), *nodes = json_object();

	json_object_set_new(root, "version", json_integer(STATE_VERSION));
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct state_node *n = &s->nodes[i];
		json_t *jn;

		if (!n->n_routes && !n->n_addrs)
			continue;
		jn = json_object();
		if (n->n_routes)
			json_object_set_new(jn, "routes", routes_json(n));
		if (n->n_addrs)
			json_object_set_new(jn, "addresses", addrs_json(n));
		json_object_set_new(nodes, n->name, jn);
	}
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "links", links_json(s));
	return root;
}

char *state_encode(const struct state *s, enum state_part part)
{
	_cleanup_json_ json_t *root = part == STATE_NODES ? nodes_doc(s) : wiring_doc(s);

	return json_dumps(root, JSON_COMPACT);
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

static char *dup_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* A node's routes and addresses from its wiring object. */
static void decode_node_wiring(json_t *v, struct state_node *n)
{
	json_t *routes = json_object_get(v, "routes");
	json_t *addrs = json_object_get(v, "addresses");
	json_t *e;
	size_t k;

	free(n->routes);
	free(n->addrs);
	n->n_routes = n->n_addrs = 0;
	n->routes = xcalloc(json_array_size(routes) + 1, sizeof(*n->routes));
	json_array_foreach(routes, k, e) {
		struct state_route *r = &n->routes[n->n_routes];
		const char *to = json_string_value(json_object_get(e, "to"));
		const char *via = json_string_value(json_object_get(e, "via"));
		const char *dev = json_string_value(json_object_get(e, "dev"));

		if (!to || prefix_parse(to, &r->to) < 0)
			continue;
		if (via && addr_parse(via, &r->via) == 0)
			r->has_via = true;
		if (dev)
			strscpy(r->dev, dev, sizeof(r->dev));
		r->metric = json_integer_value(json_object_get(e, "metric"));
		n->n_routes++;
	}
	n->addrs = xcalloc(json_array_size(addrs) + 1, sizeof(*n->addrs));
	json_array_foreach(addrs, k, e) {
		const char *dev = json_string_value(json_array_get(e, 0));
		const char *cidr = json_string_value(json_array_get(e, 1));
		struct state_addr *a = &n->addrs[n->n_addrs];

		if (!dev || !cidr || prefix_parse(cidr, &a->prefix) < 0)
			continue;
		strscpy(a->dev, dev, sizeof(a->dev));
		n->n_addrs++;
	}
}

static void decode_links(json_t *links, struct state *s)
{
	json_t *v;
	size_t i;

	s->links = xcalloc(json_array_size(links) + 1, sizeof(*s->links));
	json_array_foreach(links, i, v) {
		struct state_link *l = &s->links[s->n_links++];
		json_t *e = json_object_get(v, "endpoints");

		l->ends[0] = xstrdup(json_is_string(json_array_get(e, 0)) ?
					     json_string_value(json_array_get(e, 0)) : "?");
		l->ends[1] = xstrdup(json_is_string(json_array_get(e, 1)) ?
					     json_string_value(json_array_get(e, 1)) : "?");
		l->up = json_is_true(json_object_get(v, "up"));
		for (int k = 0; k < 2; k++)
			l->wire[k] = json_integer_value(json_array_get(json_object_get(v, "wire"), k));
		l->plain = json_is_false(json_object_get(v, "cable"));
		for (int k = 0; k < 2; k++) {
			json_t *im = json_object_get(v, k ? "impair1" : "impair0");

			if (!im)
				continue;
			l->impair[k].set = true;
			l->impair[k].delay_ns = json_integer_value(json_object_get(im, "delay_ns"));
			l->impair[k].jitter_ns = json_integer_value(json_object_get(im, "jitter_ns"));
			l->impair[k].loss = json_number_value(json_object_get(im, "loss"));
			l->impair[k].rate_bps = json_integer_value(json_object_get(im, "rate_bps"));
		}
	}
}

static int corrupt(struct lab_err **err, const char *lab, const char *what, const char *fmt, ...)
	_printf_(4, 5);

static int corrupt(struct lab_err **err, const char *lab, const char *what, const char *fmt, ...)
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

static int decode_nodes(json_t *root, struct state *s, const char *what, struct lab_err **err)
{
	json_t *nodes = json_object_get(root, "nodes"), *links = json_object_get(root, "links");
	json_t *v;
	size_t i;

	s->version = json_is_integer(json_object_get(root, "version")) ?
			     (int)json_integer_value(json_object_get(root, "version")) : 1;
	if (s->version > STATE_VERSION || s->version < 1)
		return corrupt(err, s->lab, what,
			       "version %d, which this netlab (version %d) does not know: a newer netlab made it",
			       s->version, STATE_VERSION);
	s->status = dup_str(root, "status");
	s->topology = dup_str(root, "topology");
	s->created = json_integer_value(json_object_get(root, "created"));
	free(s->user);
	s->user = dup_str(root, "user"); /* NULL: a lab started before netlab recorded it */
	{
		json_t *m = json_object_get(root, "meta"), *mv;
		const char *mk;

		s->meta = xcalloc(2 * json_object_size(m) + 1, sizeof(char *));
		json_object_foreach(m, mk, mv)
			if (json_is_string(mv)) {
				s->meta[2 * s->n_meta] = xstrdup(mk);
				s->meta[2 * s->n_meta + 1] = xstrdup(json_string_value(mv));
				s->n_meta++;
			}
	}
	s->creator_pid = json_integer_value(json_object_get(json_object_get(root, "creator"), "pid"));
	s->creator_start = json_integer_value(json_object_get(json_object_get(root, "creator"), "start"));
	/* version 1 kept the links here (and each node's wiring in it) */
	if (!json_is_array(nodes) || !s->status || (links && !json_is_array(links)))
		return corrupt(err, s->lab, what, "missing nodes or status");
	s->nodes = xcalloc(json_array_size(nodes) + 1, sizeof(*s->nodes));
	json_array_foreach(nodes, i, v) {
		struct state_node *n = &s->nodes[s->n_nodes++];
		json_t *iso = json_object_get(v, "isolation");
		json_t *lim = json_object_get(v, "limits");
		json_t *init = json_object_get(v, "init");
		json_t *env = json_object_get(v, "env"), *e;
		size_t k;

		n->name = dup_str(v, "name");
		n->kind = dup_str(v, "kind");
		n->hostname = dup_str(v, "hostname");
		n->netns = dup_str(v, "netns");
		if (n->name && !n->hostname)
			n->hostname = xstrdup(n->name);
		if (n->name && !n->netns)
			n->netns = default_netns(s->lab, n->name);
		n->pid = json_is_true(json_object_get(iso, "pid"));
		n->mount = json_is_true(json_object_get(iso, "mount"));
		n->ipc = json_is_true(json_object_get(iso, "ipc"));
		n->cgroup = json_is_true(json_object_get(iso, "cgroup"));
		n->has_cgroup = lim != NULL;
		n->memory = json_integer_value(json_object_get(lim, "memory"));
		n->cpu = json_number_value(json_object_get(lim, "cpu"));
		n->pids = json_integer_value(json_object_get(lim, "pids"));
		n->init_pid = json_integer_value(json_object_get(init, "pid"));
		n->init_start = json_integer_value(json_object_get(init, "start"));
		decode_node_wiring(v, n);
		n->env = xcalloc(json_array_size(env) + 1, sizeof(char *));
		json_array_foreach(env, k, e)
			if (json_is_string(e))
				n->env[n->n_env++] = xstrdup(json_string_value(e));
		{
			json_t *sd = json_object_get(v, "shutdown");

			n->shutdown = xcalloc(json_array_size(sd) + 1, sizeof(char *));
			json_array_foreach(sd, k, e)
				if (json_is_string(e))
					n->shutdown[n->n_shutdown++] = xstrdup(json_string_value(e));
			n->shell = dup_str(v, "shell");
		}
		if (!n->name || !n->kind || !n->hostname || !n->netns)
			return corrupt(err, s->lab, what, "nodes[%zu] is incomplete", i);
	}
	if (links)
		decode_links(links, s);
	return 0;
}

static int decode_wiring(json_t *root, struct state *s, const char *what, struct lab_err **err)
{
	json_t *nodes = json_object_get(root, "nodes"), *links = json_object_get(root, "links");

	if (!json_is_object(nodes) || !json_is_array(links))
		return corrupt(err, s->lab, what, "missing nodes or links");
	for (size_t i = 0; i < s->n_nodes; i++)
		decode_node_wiring(json_object_get(nodes, s->nodes[i].name), &s->nodes[i]);
	for (size_t i = 0; i < s->n_links; i++) {
		free(s->links[i].ends[0]);
		free(s->links[i].ends[1]);
	}
	free(s->links);
	s->links = NULL;
	s->n_links = 0;
	decode_links(links, s);
	return 0;
}

int state_decode(struct state *s, enum state_part part, const char *text, size_t len,
		 const char *what, struct lab_err **err)
{
	_cleanup_json_ json_t *root = NULL;
	json_error_t jerr;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return corrupt(err, s->lab, what, "%s (line %d)", jerr.text, jerr.line);
	if (!json_is_object(root))
		return corrupt(err, s->lab, what, "not a JSON object");
	return part == STATE_NODES ? decode_nodes(root, s, what, err) : decode_wiring(root, s, what, err);
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
			return corrupt(err, lab, path, "it is missing (state.json has version %d)", s->version);
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
	n.netns = default_netns(lab, node);
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

/* A JSON string of s; bytes that are not UTF-8 are written as "\\xNN" (names may hold any byte). */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	char *out, *o;

	if (j)
		return j;
	out = o = xmalloc(strlen(s) * 4 + 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x80)
			*o++ = *c;
		else
			o += sprintf(o, "\\x%02X", *c);
	}
	*o = '\0';
	j = json_string(out);
	free(out);
	return j;
}

char *state_status_json(const struct status_lab *labs, size_t n)
{
	_cleanup_json_ json_t *root = json_object();
	json_t *jlabs = json_array();

	for (size_t l = 0; l < n; l++) {
		const struct status_lab *lab = &labs[l];
		json_t *nodes = json_array();

		for (size_t i = 0; i < lab->n_nodes; i++) {
			const struct status_node *nd = &lab->nodes[i];
			json_t *ifaces = json_array();

			for (size_t k = 0; k < nd->n_ifaces; k++) {
				const struct status_iface *f = &nd->ifaces[k];
				json_t *addrs = json_array();
				json_t *jf;

				for (size_t a = 0; a < f->n_addrs; a++)
					json_array_append_new(addrs, jstr(f->addrs[a]));
				jf = json_pack("{s:o, s:s, s:i, s:s, s:o}", "name", jstr(f->name), "state",
					       f->state, "mtu", f->mtu, "mac", f->mac, "addresses",
					       addrs);
				if (f->master)
					json_object_set_new(jf, "master", jstr(f->master));
				json_array_append_new(ifaces, jf);
			}
			{
				json_t *jn = json_pack(
					"{s:o, s:s, s:o, s:o, s:b, s:o, s:{s:I, s:I}, s:{s:b, s:b, s:b, s:b}, s:I}",
					"name", jstr(nd->name), "kind", nd->kind, "hostname", jstr(nd->hostname),
					"netns", jstr(nd->netns), "present", nd->present, "interfaces", ifaces,
					"routes", "ipv4", (json_int_t)nd->routes4, "ipv6",
					(json_int_t)nd->routes6, "isolation", "pid", nd->pid, "mount",
					nd->mount, "ipc", nd->ipc, "cgroup", nd->cgroup, "processes",
					(json_int_t)nd->processes);

				if (nd->memory || nd->cpu > 0 || nd->pids)
					json_object_set_new(jn, "limits",
							    json_pack("{s:I, s:f, s:I}", "memory",
								      (json_int_t)nd->memory, "cpu", nd->cpu,
								      "pids", (json_int_t)nd->pids));
				if (nd->init_pid)
					json_object_set_new(jn, "init_pid", json_integer(nd->init_pid));
				if (nd->failed)
					json_object_set_new(jn, "startup_failed", jstr(nd->failed));
				if (nd->n_startup_errors) {
					json_t *ja = json_array();

					for (size_t k = 0; k < nd->n_startup_errors; k++) {
						const struct startup_failure *sf = &nd->startup_errors[k];

						json_array_append_new(
							ja, json_pack("{s:o, s:i, s:i, s:o}", "script",
								      jstr(sf->where), "line", (int)sf->line,
								      "status", sf->status, "command",
								      jstr(sf->command)));
					}
					json_object_set_new(jn, "startup_errors", ja);
				}
				json_array_append_new(nodes, jn);
			}
		}
		{
			json_t *links = json_array();

			for (size_t i = 0; i < lab->n_links; i++) {
				const struct status_link *sl = &lab->links[i];
				json_t *jl = json_pack("{s:[o,o], s:s}", "endpoints", jstr(sl->ends[0]),
						       jstr(sl->ends[1]), "state", sl->state);
				json_t *imp = json_object();

				for (int k = 0; k < 2; k++)
					if (sl->impair[k])
						json_object_set_new(imp, sl->ends[k], jstr(sl->impair[k]));
				json_object_set_new(jl, "impair", imp);
				json_array_append_new(links, jl);
			}
			json_t *meta = json_object();

			for (size_t m = 0; m < lab->n_meta; m++)
				json_object_set_new(meta, lab->meta[2 * m], jstr(lab->meta[2 * m + 1]));
			json_array_append_new(jlabs, json_pack("{s:o, s:s, s:o, s:I, s:o, s:o, s:o, s:o}", "name",
							       jstr(lab->name), "status", lab->status,
							       "topology", jstr(lab->topology), "created",
							       (json_int_t)lab->created, "user",
							       lab->user && *lab->user ? jstr(lab->user) : json_null(),
							       "meta", meta, "nodes", nodes, "links", links));
		}
	}
	json_object_set_new(root, "labs", jlabs);
	return json_dumps(root, JSON_INDENT(2));
}
