/* SPDX-License-Identifier: MIT */
/*
 * The containerlab reader: a *.clab.yml file as a netlab JSON topology.
 *
 * The environment's variables are expanded in the text first, as
 * containerlab's envsubst does: $NAME, ${NAME}, ${NAME:-default},
 * ${NAME-default}, ${NAME:=default}, ${NAME=default}, ${NAME:+alt},
 * ${NAME+alt}; an unset variable without a default stays as written, $1
 * too, and $$ is a $ (so exec's "echo $$FOO" is "echo $FOO" in the node).
 * Then libyaml's document loader: anchors and aliases as libyaml resolves
 * them, merge keys ("<<") resolved by ydoc.c, a repeated key an error as
 * in containerlab's strict loader. Not supported: Go templates and the
 * vars files of generated topologies, the git variables of the name; a
 * line of a value that came through an alias is the line of its anchor.
 *
 * What it makes of the file:
 * - name: the lab's "name", turned into a netlab lab name ([A-Za-z0-9_-],
 *   at most 32) with a warning when that changes it; without one, the file
 *   name. prefix, mgmt, settings: warnings (namespaces stay LAB.NODE; no
 *   management network, so eth0 is free and data links start at eth1 as
 *   containerlab users write them).
 * - topology.defaults, kinds, groups, nodes inherit as in containerlab,
 *   node -> group -> kind -> defaults: a scalar (image, user, memory, cpu,
 *   hostname) from the most specific level that sets it; env, labels and
 *   sysctls merged key by key; exec, binds and env-files concatenated from
 *   defaults to node without repeats, a bind replacing one of a less
 *   specific level with the same container path.
 * - kind linux: a netlab "host" with net.ipv4.ip_forward 1 (a Docker
 *   container's IPv4 settings are the host's, where Docker turned
 *   forwarding on), unless its sysctls say otherwise. With an image
 *   frrouting/frr* or quay.io/frrouting/frr* (docker.io/ too): a "router"
 *   that starts FRR as the image's entrypoint does (watchfrr with the
 *   daemons of /etc/frr/daemons, then frr.conf): the startup runs
 *   "/usr/lib/frr/frrinit.sh start" (the host's FRR, with the node's own
 *   /etc/frr), after "rm -f /etc/frr/frr.conf" when the lab binds no
 *   frr.conf, so that the host's configuration never reaches the node (the
 *   node's /etc is a copy-on-write overlay: the host's file stays).
 * - kind bridge and ovs-bridge: a "switch" node (a bridge in its own
 *   namespace, not a bridge of the host's as in containerlab); its ports are
 *   the link ends that name it. host, ext-container, k8s-kind and every
 *   vendor kind (srl, ceos, crpd, vr-*, sonic-vs ...) are refused.
 * - binds host:container[:ro|rw]: "files", the host path relative to the
 *   file's directory (~ the home directory, __clabDir__ clab-NAME,
 *   __clabNodeDir__ clab-NAME/NODE, __clabNodeName__ the node), "ro" a
 *   read-only bind, otherwise a writable copy (containerlab's rw bind
 *   writes through to the host; netlab's copy leaves the host's file as
 *   it is). A missing host path is an error. A bind of a host path to
 *   itself outside the node's own /run, /tmp, /root and /dev/shm
 *   (/lib/modules, /dev/net/tun) is left out with a warning: a node sees
 *   the host's there.
 * - exec: "startup" commands, after FRR, once the links exist, through
 *   /bin/sh -c (containerlab splits words itself; quotes mean the same),
 *   with the magic variables (__clabDir__ absolute). containerlab runs
 *   every command, a failing one logged: "startup_on_error": "continue"
 *   (proposed; without it netlab ends the node's startup at the first
 *   failing command). user: each exec command run as that user (runuser,
 *   or setpriv for a numeric uid[:gid]).
 * - env-files (NAME=value lines, # comments, export, quotes; relative to
 *   the file), then env (numbers and booleans as text), then labels (as
 *   CLAB_LABEL_<KEY> variables, as containerlab sets them), each winning
 *   over the one before: "env".
 * - sysctls: net.* ones; others get a warning (they are the host's).
 * - memory (1Gb, 512MiB: as containerlab, kb 1000, kib 1024), cpu:
 *   "limits".
 * - links: brief (endpoints ["a:eth1", "b:eth1"]) and extended (type veth
 *   or veth-stitch; endpoints [{node, interface, mac}]), mtu (default 9500,
 *   containerlab's); ipv4/ipv6 get a warning (containerlab applies them to
 *   a few vendor kinds only). Other link types (host, mgmt-net, macvlan,
 *   vxlan, dummy) are refused: netlab links nodes of the lab only.
 * - Keys containerlab has and netlab cannot honour get a warning naming
 *   the key and where it is; a key containerlab does not have is an error.
 * - In commands, env values and files, netlab replaces ${node} and ${lab}
 *   and reads $${ as ${: a text holding any of them has each ${ written
 *   $${, so that the node gets the text containerlab would give it.
 *
 * The node's "image" is the string the lab gave as the container image,
 * informational (the node runs the host's software).
 *
 * Proposed keys (netlab's parser does not know them yet; clab_strip_proposed
 * removes them):
 * - node "labels": an object of strings, containerlab's labels of the
 *   node, informational (the processes get them as CLAB_LABEL_* variables).
 * - node "startup_on_error": "stop" (netlab's way today: the first failing
 *   command ends the node's startup and marks the node failed) or
 *   "continue" (every command runs; each failing one is logged and marks
 *   the node failed, and the next one runs): containerlab's exec, and
 *   Kathara's startup files, behave as "continue".
 */
#include "read_clab_impl.h"

#include <ctype.h>
#include <libgen.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "topo_hint.h"

#define TOPO_MAX_FILE (64u << 20)

const char *const clab_proposed_node_keys[] = {"labels", "startup_on_error", NULL};

void clab_diag(struct clab *c, enum topo_severity sev, const yaml_node_t *at, const char *path,
	       const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *text = NULL, *where = NULL;
	va_list ap;

	if (c->too_many || c->y.exhausted)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	/* a report costs more than an item, a long one more: aliases of bad items must not take long */
	if (c->y.loaded && !ydoc_spend(&c->y, CLAB_DIAG_COST + strlen(msg) / 16))
		return;
	if (strlen(msg) > CLAB_DIAG_MAX)
		strcpy(msg + CLAB_DIAG_MAX - 3, "...");
	where = at ? xasprintf("%s:%d", c->file, ydoc_line(at)) : xstrdup(c->file);
	text = path && path[0] ? xasprintf("%s: %s: %s", where, path, msg) :
				 xasprintf("%s: %s", where, msg);
	for (size_t i = c->first_diag; i < c->d->n; i++)
		if (!strcmp(c->d->v[i].text, text))
			return;
	if (c->d->n - c->first_diag >= CLAB_MAX_DIAGS) {
		c->too_many = true;
		topo_diag_add(c->d, TOPO_ERROR, "%s: more problems than the %d shown (expected fewer)",
			      c->file, CLAB_MAX_DIAGS);
		return;
	}
	topo_diag_add(c->d, sev, "%s", text);
}

json_t *clab_json_text(const char *s)
{
	struct clab_buf b = {0};
	json_t *j;

	/* netlab's parser acts on these three only: without them the text stays as it is */
	if (!strstr(s, "$${") && !strstr(s, "${node}") && !strstr(s, "${lab}"))
		return json_string(s);
	clab_buf_add(&b, "", 0);
	for (const char *p = s; *p; p++) {
		if (p[0] == '$' && p[1] == '{')
			clab_buf_add(&b, "$", 1);
		clab_buf_add(&b, p, 1);
	}
	j = json_string(b.p);
	free(b.p);
	return j;
}

char *clab_hint(struct clab *c, const char *word, const char *const *names, size_t n)
{
	/* a long word is no typo of a name, and comparing it would take long */
	if (strlen(word) > 64 || !ydoc_spend(&c->y, n))
		return xstrdup("");
	return topo_did_you_mean(topo_suggest(word, names, n));
}

const char *clab_want_str(struct clab *c, yaml_node_t *v, const char *path, const char *expected)
{
	if (ydoc_str(v))
		return ydoc_str(v);
	clab_err(c, v, path, "is %s (expected %s)", ydoc_type(v), expected);
	return NULL;
}

bool clab_check_keys(struct clab *c, yaml_node_t *map, const char *path,
		     const struct clab_key *keys, size_t n_keys)
{
	_cleanup_free_ struct ydoc_pair *pairs = NULL;
	size_t n = ydoc_pairs(&c->y, map, &pairs);
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		const char *key = pairs[i].key;
		_cleanup_free_ char *kpath = NULL;
		size_t k;

		if (!key) {
			clab_err(c, pairs[i].knode, path, "a key is %s (expected a name)",
				 ydoc_type(pairs[i].knode));
			ok = false;
			continue;
		}
		for (k = 0; k < n_keys && strcmp(keys[k].name, key); k++)
			;
		kpath = path[0] ? xasprintf("%s.%s", path, key) : xstrdup(key);
		if (k < n_keys) {
			if (keys[k].ignored && !ydoc_is_null(pairs[i].value))
				clab_warn(c, pairs[i].knode, kpath, "is ignored: %s", keys[k].ignored);
			continue;
		}
		{
			_cleanup_free_ const char **names = xcalloc(n_keys, sizeof(char *));
			_cleanup_free_ char *hint = NULL, *list = xstrdup("");

			/* the keys netlab understands; a hint may name an ignored one too */
			for (k = 0; k < n_keys; k++) {
				char *l = keys[k].ignored ? NULL :
							    xasprintf("%s%s%s", list, list[0] ? ", " : "",
								      keys[k].name);

				if (l) {
					free(list);
					list = l;
				}
				names[k] = keys[k].name;
			}
			hint = clab_hint(c, key, names, n_keys);
			clab_err(c, pairs[i].knode, path, "unknown key '%s'%s (expected one of: %s)",
				 key, hint, list);
		}
		ok = false;
	}
	return ok;
}

ssize_t clab_find_node(const struct clab *c, const char *name)
{
	for (size_t i = 0; i < c->n_nodes; i++)
		if (!strcmp(c->nodes[i].name, name))
			return i;
	return -1;
}

bool clab_file_op(struct clab *c, yaml_node_t *at, const char *path)
{
	if (c->file_ops < CLAB_MAX_FILE_OPS) {
		c->file_ops++;
		return true;
	}
	clab_err(c, at, path, "more than %d host files to check (expected fewer binds and env-files)",
		 CLAB_MAX_FILE_OPS);
	return false;
}

static void report_repeat(void *ctx, const char *path, const yaml_node_t *key, int first_line)
{
	struct clab *c = ctx;

	clab_err(c, key, path[0] ? path : "(top level)",
		 "key '%s' is repeated (first on line %d; expected each key once)", ydoc_str(key),
		 first_line);
}

/* The file name without its directory and without .clab.yml, .clab.yaml, .yml or .yaml. */
static char *name_from_file(const char *file)
{
	static const char *const ext[] = {".clab.yml", ".clab.yaml", ".yml", ".yaml"};
	_cleanup_free_ char *copy = xstrdup(file);
	char *base = xstrdup(basename(copy));

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t n = strlen(base), e = strlen(ext[i]);

		if (n > e && !strcmp(base + n - e, ext[i])) {
			base[n - e] = '\0';
			break;
		}
	}
	return base;
}

/* name: the lab's name, made a netlab lab name (a warning says so when that changes it). */
static void read_name(struct clab *c, yaml_node_t *root)
{
	yaml_node_t *v = ydoc_get(&c->y, root, "name");
	_cleanup_free_ char *name = NULL;
	size_t n = 0;

	if (!ydoc_is_null(v)) {
		const char *s = clab_want_str(c, v, "name", "a lab name");

		/* the lab directory of the magic variables still needs a name */
		c->clab_name = s ? xstrdup(s) : name_from_file(c->file);
		if (!s)
			return;
	} else {
		c->clab_name = name_from_file(c->file);
		clab_warn(c, root, "name", "is missing: the lab is named after the file (expected a lab name)");
	}
	name = xcalloc(1, TOPO_LAB_NAME_MAX + 1);
	for (const char *p = c->clab_name; *p && n < TOPO_LAB_NAME_MAX; p++)
		name[n++] = isascii((unsigned char)*p) &&
					    (isalnum((unsigned char)*p) || *p == '-' || *p == '_') ?
				    *p :
				    '-';
	if (!n)
		strcpy(name, "clab");
	if (strcmp(name, c->clab_name))
		clab_warn(c, v ? v : root, "name", "\"%s\" %s: the lab is named \"%s\"", c->clab_name,
			  topo_lab_name_problem(c->clab_name), name);
	json_object_set_new(c->out, "name", json_string(name));
}

static const struct clab_key top_keys[] = {
	{"name", NULL},
	{"prefix", "node namespaces are always LAB.NODE"},
	{"mgmt", "netlab makes no management network (eth0 stays free)"},
	{"settings", "containerlab's own settings"},
	{"debug", "containerlab's own setting"},
	{"topology", NULL},
};

static const struct clab_key topology_keys[] = {
	{"nodes", NULL}, {"links", NULL}, {"defaults", NULL}, {"kinds", NULL}, {"groups", NULL},
};

/* topology.nodes: every node, in the file's order. */
static void read_nodes(struct clab *c, yaml_node_t *nodes)
{
	_cleanup_free_ struct ydoc_pair *pairs = NULL;
	size_t n = ydoc_pairs(&c->y, nodes, &pairs);

	c->nodes = xcalloc(n, sizeof(*c->nodes));
	for (size_t i = 0; i < n; i++) {
		if (!pairs[i].key) {
			clab_err(c, pairs[i].knode, "topology.nodes", "a node name is %s (expected a name)",
				 ydoc_type(pairs[i].knode));
			continue;
		}
		c->nodes[c->n_nodes].name = pairs[i].key;
		clab_read_node(c, c->n_nodes, pairs[i].knode, pairs[i].value);
		c->n_nodes++;
	}
}

static yaml_node_t *mapping_or_null(struct clab *c, yaml_node_t *map, const char *key,
				    const char *path, const char *expected)
{
	yaml_node_t *v = ydoc_get(&c->y, map, key);

	if (ydoc_is_null(v))
		return NULL;
	if (v->type != YAML_MAPPING_NODE) {
		clab_err(c, v, path, "is %s (expected %s)", ydoc_type(v), expected);
		return NULL;
	}
	return v;
}

static void read_topology(struct clab *c, yaml_node_t *root)
{
	yaml_node_t *topo = ydoc_get(&c->y, root, "topology"), *nodes, *links;

	if (ydoc_is_null(topo)) {
		clab_err(c, root, "topology", "is missing (expected a mapping with nodes and links)");
		return;
	}
	if (topo->type != YAML_MAPPING_NODE) {
		clab_err(c, topo, "topology", "is %s (expected a mapping with nodes and links)",
			 ydoc_type(topo));
		return;
	}
	clab_check_keys(c, topo, "topology", topology_keys, ARRAY_SIZE(topology_keys));
	c->defaults = mapping_or_null(c, topo, "defaults", "topology.defaults",
				      "a mapping of node settings");
	c->kinds = mapping_or_null(c, topo, "kinds", "topology.kinds",
				   "a mapping of kinds to node settings");
	c->groups = mapping_or_null(c, topo, "groups", "topology.groups",
				    "a mapping of groups to node settings");
	nodes = ydoc_get(&c->y, topo, "nodes");
	if (ydoc_is_null(nodes))
		clab_err(c, nodes ? nodes : topo, "topology.nodes", "is missing (expected a mapping of nodes)");
	else if (nodes->type != YAML_MAPPING_NODE)
		clab_err(c, nodes, "topology.nodes", "is %s (expected a mapping of nodes)",
			 ydoc_type(nodes));
	else
		read_nodes(c, nodes);
	links = ydoc_get(&c->y, topo, "links");
	if (ydoc_is_null(links))
		return;
	if (links->type != YAML_SEQUENCE_NODE)
		clab_err(c, links, "topology.links", "is %s (expected a sequence of links)",
			 ydoc_type(links));
	else
		clab_read_links(c, links);
}

static char *abs_dir_of(const char *dir)
{
	char *real = realpath(dir, NULL);

	if (real)
		return real;
	if (dir[0] == '/')
		return xstrdup(dir);
	{
		_cleanup_free_ char *cwd = getcwd(NULL, 0);

		return cwd ? xasprintf("%s/%s", cwd, dir) : xstrdup(dir);
	}
}

static bool name_char(char ch, bool first)
{
	return ch == '_' || (isascii((unsigned char)ch) && (first ? isalpha((unsigned char)ch) :
								      isalnum((unsigned char)ch)));
}

static bool expand_env_in(struct clab *c, const char *s, size_t len, size_t at, struct clab_buf *out,
			  int depth);

/* The "$..." at s[i] is no variable containerlab could read: an error, as its envsubst gives. */
static void bad_variable(struct clab *c, const char *s, size_t i, size_t end)
{
	int line = 1;

	for (size_t p = 0; p < i; p++)
		line += s[p] == '\n';
	topo_diag_add(c->d, TOPO_ERROR, "%s:%d: \"%.*s\" is not an environment variable (expected ${NAME}, ${NAME:-default} or $NAME, on one line)",
		      c->file, line, (int)(end - i < 40 ? end - i : 40), s + i);
}

/*
 * One ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:=default},
 * ${NAME=default}, ${NAME:+alt} or ${NAME+alt} at s[i] (the '$').
 * Return: the index after it, or 0 when it is malformed (reported).
 */
static size_t expand_braces(struct clab *c, const char *s, size_t len, size_t i, struct clab_buf *out,
			    int depth)
{
	size_t name = i + 2, k = name, end;
	_cleanup_free_ char *var = NULL;
	const char *val;
	int open = 1;

	while (k < len && name_char(s[k], k == name))
		k++;
	for (end = k; end < len && s[end] != '\n'; end++) {
		if (s[end] == '{' && s[end - 1] == '$')
			open++;
		else if (s[end] == '}' && !--open)
			break;
	}
	if (end >= len || s[end] != '}' || k == name || depth > 8) {
		bad_variable(c, s, i, end < len && s[end] == '}' ? end + 1 : end);
		return 0;
	}
	var = strndup(s + name, k - name);
	if (!var)
		abort();
	val = getenv(var);
	if (k == end) {
		/* ${NAME}: as written when unset, as containerlab leaves it */
		if (val)
			clab_buf_add(out, val, strlen(val));
		else
			clab_buf_add(out, s + i, end + 1 - i);
		return end + 1;
	}
	{
		bool colon = s[k] == ':', set = val && (!colon || val[0]);
		char op = s[k + colon];

		if (!op || !strchr("-=+", op) || k + colon + 1 > end) {
			bad_variable(c, s, i, end + 1);
			return 0;
		}
		if (op == '+' ? set : !set) {
			if (!expand_env_in(c, s, end, k + colon + 1, out, depth + 1))
				return 0;
		} else if (op != '+')
			clab_buf_add(out, val, strlen(val));
	}
	return end + 1;
}

/*
 * s[at..len) with the environment's variables into out, as containerlab's
 * envsubst does to the file before reading it: "$$" is a "$", $NAME and
 * ${NAME} stay as written when unset, $1 and ${1} always.
 * Return: false when a variable is malformed (reported).
 */
static bool expand_env_in(struct clab *c, const char *s, size_t len, size_t at, struct clab_buf *out,
			  int depth)
{
	size_t i = at;

	while (i < len) {
		const char *dollar = memchr(s + i, '$', len - i);
		size_t k;

		if (!dollar) {
			clab_buf_add(out, s + i, len - i);
			break;
		}
		clab_buf_add(out, s + i, dollar - (s + i));
		i = dollar - s;
		if (i + 1 < len && s[i + 1] == '$') {
			clab_buf_add(out, "$", 1);
			i += 2;
		} else if (i + 2 < len && s[i + 1] == '{' && !isdigit((unsigned char)s[i + 2])) {
			i = expand_braces(c, s, len, i, out, depth);
			if (!i)
				return false;
		} else if (i + 1 < len && name_char(s[i + 1], true)) {
			_cleanup_free_ char *var = NULL;
			const char *val;

			for (k = i + 1; k < len && name_char(s[k], false); k++)
				;
			var = strndup(s + i + 1, k - i - 1);
			if (!var)
				abort();
			val = strcmp(var, "_") ? getenv(var) : NULL;
			if (val)
				clab_buf_add(out, val, strlen(val));
			else
				clab_buf_add(out, s + i, k - i);
			i = k;
		} else {
			clab_buf_add(out, "$", 1);
			i++;
		}
	}
	return true;
}

/* The syntax error with its line and a caret under the column. */
static void syntax_error(struct clab *c, const char *text, size_t len, const struct ydoc_error *e)
{
	_cleanup_free_ char *excerpt = topo_json_excerpt(text, len, e->line, e->column);

	topo_diag_add(c->d, TOPO_ERROR, "%s:%d:%d: %s (expected valid YAML)%s", c->file, e->line,
		      e->column, e->text, excerpt ? excerpt : "");
}

static void read_root(struct clab *c, const char *text, size_t len)
{
	struct clab_buf expanded = {0};
	struct ydoc_error e;
	yaml_node_t *root;

	if (memchr(text, '\0', len)) {
		clab_err(c, NULL, NULL, "contains a NUL byte (expected YAML text)");
		return;
	}
	if (memchr(text, '$', len)) {
		if (!expand_env_in(c, text, len, 0, &expanded, 0)) {
			free(expanded.p);
			return;
		}
		c->expanded = expanded.p;
		text = expanded.p ? expanded.p : "";
		len = expanded.n;
	}
	if (ydoc_load(&c->y, text, len, &e) < 0) {
		syntax_error(c, text, len, &e);
		return;
	}
	root = ydoc_root(&c->y);
	if (ydoc_is_null(root) || root->type != YAML_MAPPING_NODE) {
		clab_err(c, root, NULL, "the top level is %s (expected a mapping with name and topology)",
			 ydoc_type(root));
		return;
	}
	ydoc_check_repeats(&c->y, report_repeat, c);
	read_name(c, root);
	clab_check_keys(c, root, "", top_keys, ARRAY_SIZE(top_keys));
	c->jnodes = json_object();
	c->jlinks = json_array();
	json_object_set_new(c->out, "nodes", c->jnodes);
	json_object_set_new(c->out, "links", c->jlinks);
	read_topology(c, root);
	/* said whatever else was: what follows the budget's end was not read */
	if (c->y.exhausted)
		topo_diag_add(c->d, TOPO_ERROR, "%s: names more than %u items and keys once its aliases are followed (expected a smaller document)",
			      c->file, YDOC_BUDGET);
}

json_t *clab_read_string(const char *text, size_t len, const char *file, struct topo_diags *d)
{
	_cleanup_free_ char *copy = xstrdup(file);
	struct clab c = {
		.file = file,
		.d = d,
		.first_diag = d->n,
		.first_errors = d->n_errors,
		.out = json_object(),
	};

	c.dir = xstrdup(dirname(copy));
	c.abs_dir = abs_dir_of(c.dir);
	read_root(&c, text, len);
	ydoc_free(&c.y);
	free(c.expanded);
	free(c.nodes);
	free(c.dir);
	free(c.abs_dir);
	free(c.clab_name);
	if (d->n_errors > c.first_errors) {
		json_decref(c.out);
		return NULL;
	}
	return c.out;
}

json_t *clab_read(const char *file, struct topo_diags *d)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = read_file(file, TOPO_MAX_FILE, &text, &len);

	if (r < 0) {
		topo_diag_add(d, TOPO_ERROR, "%s: cannot read the topology: %s", file,
			      r == -EFBIG ? "larger than 64 MiB" : strerror(-r));
		return NULL;
	}
	return clab_read_string(text, len, file, d);
}

bool clab_detect(const char *path)
{
	static const char *const ext[] = {".clab.yml", ".clab.yaml"};
	_cleanup_free_ char *text = NULL;
	struct ydoc_error e;
	struct stat st;
	struct ydoc y;
	yaml_node_t *topo;
	size_t len, n = strlen(path);
	bool yes;

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (n > strlen(ext[i]) && !strcmp(path + n - strlen(ext[i]), ext[i]))
			return true;
	/* a FIFO would block the read, a directory is a Kathara lab or nothing */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (read_file(path, TOPO_MAX_FILE, &text, &len) < 0 || memchr(text, '\0', len) ||
	    ydoc_load(&y, text, len, &e) < 0)
		return false;
	topo = ydoc_get(&y, ydoc_root(&y), "topology");
	yes = topo && topo->type == YAML_MAPPING_NODE && ydoc_get(&y, topo, "nodes");
	ydoc_free(&y);
	return yes;
}

void clab_strip_proposed(json_t *topo)
{
	const char *name;
	json_t *n;

	json_object_foreach(json_object_get(topo, "nodes"), name, n)
		for (const char *const *k = clab_proposed_node_keys; *k; k++)
			json_object_del(n, *k);
}
