/* SPDX-License-Identifier: MIT */
/* The netlab JSON reader: a topology file's text to the model (topo_parse.h). */
#include "read_netlab.h"

#include <libgen.h>

#include "topo_hint.h"
#include "topo_parse.h"

static void parse_pool(struct parse *p, json_t *obj, const char *key, int family,
		       int max_len, struct topo_pool *out)
{
	_cleanup_free_ char *path = xasprintf("addressing.%s", key);
	json_t *v = json_object_get(obj, key);
	struct prefix pfx;

	if (!v)
		return;
	if (!nj_want(p, path, v, JSON_STRING, "a CIDR string"))
		return;
	if (prefix_parse(json_string_value(v), &pfx) < 0) {
		nj_perr(p, path, "\"%s\" is not a CIDR (expected %s)", json_string_value(v),
		     family == AF_INET ? "a.b.c.d/len" : "x:y::/len");
		return;
	}
	if (pfx.addr.family != family) {
		nj_perr(p, path, "\"%s\" is not an %s prefix (expected %s)", json_string_value(v),
		     family == AF_INET ? "IPv4" : "IPv6",
		     family == AF_INET ? "a.b.c.d/len" : "x:y::/len");
		return;
	}
	if (pfx.len > max_len) {
		nj_perr(p, path, "\"%s\" is too small (expected a prefix of length %d or less)",
		     json_string_value(v), max_len);
		return;
	}
	out->set = true;
	out->prefix = prefix_network(&pfx);
}

static void parse_addressing(struct parse *p, json_t *v)
{
	static const char *const keys[] = {"p2p", "lan", "loopback", "ipv6", NULL};
	struct topo_pool *pools[] = {&p->t->pool_p2p, &p->t->pool_lan, &p->t->pool_loopback,
				     &p->t->pool_ipv6};

	if (!nj_want(p, "addressing", v, JSON_OBJECT, "an object of address pools"))
		return;
	nj_check_keys(p, "addressing", v, keys, NULL);
	parse_pool(p, v, "p2p", AF_INET, 30, &p->t->pool_p2p);
	parse_pool(p, v, "lan", AF_INET, 24, &p->t->pool_lan);
	parse_pool(p, v, "loopback", AF_INET, 32, &p->t->pool_loopback);
	parse_pool(p, v, "ipv6", AF_INET6, 63, &p->t->pool_ipv6);
	for (size_t i = 0; i < ARRAY_SIZE(pools); i++)
		for (size_t j = i + 1; j < ARRAY_SIZE(pools); j++)
			if (pools[i]->set && pools[j]->set &&
			    prefix_overlaps(&pools[i]->prefix, &pools[j]->prefix))
				nj_perr(p, "addressing", "pools '%s' and '%s' overlap (expected separate prefixes)",
				     keys[i], keys[j]);
}

static char *node_ref(struct parse *p, const char *path, json_t *o, const char *key, bool addr_ok)
{
	_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);
	json_t *v = json_object_get(o, key);
	struct addr a;

	if (!v) {
		nj_perr(p, path, "missing '%s' (expected a node name%s)", key, addr_ok ? " or an address" : "");
		return NULL;
	}
	if (!nj_want(p, kpath, v, JSON_STRING, addr_ok ? "a node name or an address" : "a node name"))
		return NULL;
	if (topo_find_node(p->t, json_string_value(v)) >= 0 ||
	    (addr_ok && addr_parse(json_string_value(v), &a) == 0))
		return xstrdup(json_string_value(v));
	{
		_cleanup_free_ char *hint =
			topo_did_you_mean(topo_suggest_node(p->t, json_string_value(v)));

		nj_perr(p, kpath, "'%s' is not a node of this lab%s%s (expected a node name%s)",
		     json_string_value(v), addr_ok ? " nor an IP address" : "", hint,
		     addr_ok ? " or an address" : "");
	}
	return NULL;
}

static void parse_expect(struct parse *p, json_t *arr)
{
	static const char *const keys[] = {"from", "to", "reach", "path", "node", "route", "via", "within", NULL};
	json_t *o;
	size_t i;

	if (!nj_want(p, "expect", arr, JSON_ARRAY, "an array of checks"))
		return;
	json_array_foreach(arr, i, o) {
		_cleanup_free_ char *path = xasprintf("expect[%zu]", i);
		struct topo_expect e = {0};
		size_t errors = p->d->n_errors;
		json_t *v;

		if (!nj_want(p, path, o, JSON_OBJECT, "an object such as {\"from\": \"h1\", \"to\": \"h2\", \"reach\": true}"))
			continue;
		nj_check_keys(p, path, o, keys, NULL);
		if (json_object_get(o, "route")) {
			_cleanup_free_ char *rpath = xasprintf("%s.route", path);

			e.kind = TOPO_EXPECT_ROUTE;
			e.node = node_ref(p, path, o, "node", false);
			v = json_object_get(o, "route");
			if (!nj_want(p, rpath, v, JSON_STRING, "a CIDR"))
				;
			else if (prefix_parse(json_string_value(v), &e.route) < 0)
				nj_perr(p, rpath, "\"%s\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)", json_string_value(v));
			else
				e.route = prefix_network(&e.route);
			v = json_object_get(o, "via");
			if (v) {
				_cleanup_free_ char *vpath = xasprintf("%s.via", path);

				if (nj_want(p, vpath, v, JSON_STRING, "an address")) {
					if (addr_parse(json_string_value(v), &e.via) < 0)
						nj_perr(p, vpath, "\"%s\" is not an IP address", json_string_value(v));
					else
						e.has_via = true;
				}
			}
		} else if (json_object_get(o, "path")) {
			_cleanup_free_ char *ppath = xasprintf("%s.path", path);
			json_t *n;
			size_t k;

			e.kind = TOPO_EXPECT_PATH;
			e.from = node_ref(p, path, o, "from", false);
			e.to = node_ref(p, path, o, "to", true);
			v = json_object_get(o, "path");
			if (nj_want(p, ppath, v, JSON_ARRAY, "an array of router names")) {
				e.path = xcalloc(json_array_size(v) + 1, sizeof(char *));
				json_array_foreach(v, k, n) {
					_cleanup_free_ char *npath = xasprintf("%s[%zu]", ppath, k);

					if (!nj_want(p, npath, n, JSON_STRING, "a node name"))
						continue;
					if (topo_find_node(p->t, json_string_value(n)) < 0) {
						nj_perr(p, npath, "'%s' is not a node of this lab (expected a node name)", json_string_value(n));
						continue;
					}
					e.path[e.n_path++] = xstrdup(json_string_value(n));
				}
			}
		} else {
			_cleanup_free_ char *rpath = xasprintf("%s.reach", path);

			e.kind = TOPO_EXPECT_REACH;
			e.from = node_ref(p, path, o, "from", false);
			e.to = node_ref(p, path, o, "to", true);
			v = json_object_get(o, "reach");
			if (!v)
				nj_perr(p, path, "is not a check (expected \"reach\", \"path\" or \"route\")");
			else if (nj_want(p, rpath, v, JSON_TRUE, "true or false"))
				e.reach = json_is_true(v);
		}
		v = json_object_get(o, "within");
		if (v) {
			_cleanup_free_ char *wpath = xasprintf("%s.within", path);
			uint64_t ns;

			if (nj_want(p, wpath, v, JSON_STRING, "a time such as \"30s\"")) {
				if (topo_time_parse(json_string_value(v), &ns) < 0 || ns > 3600e9)
					nj_perr(p, wpath, "\"%s\" is not a time (expected a number with ms or s, such as \"30s\")",
					     json_string_value(v));
				else
					e.within_ms = ns / 1000000;
			}
		}
		e.text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		GROW(p->t->expects, p->t->cap_expects, p->t->n_expects + 1);
		p->t->expects[p->t->n_expects++] = e;
		(void)errors;
	}
}

/* The file's base name without its extension. */
static char *default_lab_name(const char *file)
{
	_cleanup_free_ char *copy = xstrdup(file);
	char *base = xstrdup(basename(copy));
	char *dot = strrchr(base, '.');

	if (dot && dot != base)
		*dot = '\0';
	return base;
}

static char *file_dir(const char *file)
{
	_cleanup_free_ char *copy = xstrdup(file);

	return xstrdup(dirname(copy));
}

/* "meta": the lab's description, author, ... as strings. */
static void parse_meta(struct parse *p, json_t *v)
{
	const char *key;
	json_t *m;

	if (!nj_want(p, "meta", v, JSON_OBJECT, "an object of strings (description, author ...)"))
		return;
	json_object_foreach(v, key, m) {
		_cleanup_free_ char *mpath = xasprintf("meta.%s", key);

		if (!nj_want(p, mpath, m, JSON_STRING, "a string"))
			continue;
		GROW(p->t->meta, p->t->cap_meta, p->t->n_meta + 1);
		p->t->meta[p->t->n_meta].key = xstrdup(key);
		p->t->meta[p->t->n_meta].value = xstrdup(json_string_value(m));
		p->t->n_meta++;
	}
}

/* "shared": the directory bound read-write at /shared in every node but switches (as Kathara's). */
static void add_shared(struct topo *t)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct topo_node *n = &t->nodes[i];
		bool has = false;

		if (n->kind == TOPO_SWITCH)
			continue;
		for (size_t k = 0; k < n->n_files && !has; k++)
			has = !strcmp(n->files[k].key, "/shared");
		if (has)
			continue; /* the node's own /shared wins */
		GROW(n->files, n->cap_files, n->n_files + 1);
		n->files_ro = xrealloc(n->files_ro, (n->n_files + 1) * sizeof(*n->files_ro));
		n->files_rw = xrealloc(n->files_rw, (n->n_files + 1) * sizeof(*n->files_rw));
		n->files_ro[n->n_files] = false;
		n->files_rw[n->n_files] = true;
		n->files[n->n_files].key = xstrdup("/shared");
		n->files[n->n_files].value = xstrdup(t->shared);
		n->n_files++;
		n->iso.mount = true;
	}
}

/* The lab's name: --name, the "name" key, or the file's name. */
static void parse_name(struct parse *p, json_t *root, const struct topo_load_opts *o)
{
	json_t *v;

	v = json_object_get(root, "name");
	if (v) {
		if (nj_want(p, "name", v, JSON_STRING, "a lab name")) {
			const char *problem = topo_lab_name_problem(json_string_value(v));

			if (problem)
				nj_perr(p, "name", "\"%s\" %s", json_string_value(v), problem);
			else
				p->t->name = xstrdup(json_string_value(v));
		}
	} else if (!o || !o->name) {
		_cleanup_free_ char *name = default_lab_name(p->file);
		const char *problem = topo_lab_name_problem(name);

		if (problem)
			nj_perr(p, "name",
			     "the lab name taken from the file name, \"%s\", %s (expected a \"name\" key)",
			     name, problem);
		else
			p->t->name = TAKE_PTR(name);
	}
	if (o && o->name) {
		free(p->t->name);
		p->t->name = xstrdup(o->name);
	}
	p->lab = p->t->name;
}

/*
 * "defaults": the common options and a section per kind, each checked once.
 * Return: the common defaults (NULL when they have errors), kind_defaults filled.
 */
static json_t *parse_defaults(struct parse *p, json_t *v, json_t *kind_defaults[TOPO_SWITCH + 1])
{
	_cleanup_json_ json_t *common = json_deep_copy(v);

	if (!common)
		abort();
	for (int k = 0; k <= TOPO_SWITCH; k++) {
		json_t *kv = json_object_get(v, topo_kind_name(k));
		_cleanup_free_ char *kpath = xasprintf("defaults.%s", topo_kind_name(k));

		json_object_del(common, topo_kind_name(k));
		if (!kv || !nj_want(p, kpath, kv, JSON_OBJECT, "an object of node options"))
			continue;
		if (json_object_get(kv, "host")) {
			nj_perr(p, kpath, "has a \"host\" (expected it on each node: a node with none is on the first host)");
			continue;
		}
		if (json_object_get(kv, "kind")) {
			nj_perr(p, kpath, "has a \"kind\" (expected the options of a %s; the section names the kind)",
				topo_kind_name(k));
			continue;
		}
		if (nj_check_defaults(p, kpath, kv))
			kind_defaults[k] = kv;
	}
	return nj_check_defaults(p, "defaults", common) ? v : NULL;
}

struct topo *topo_parse_string(const char *text, size_t len, const char *file,
			       struct topo_diags *d)
{
	return topo_parse_string_opts(text, len, file, NULL, d);
}

struct topo *topo_parse_string_opts(const char *text, size_t len, const char *file,
				    const struct topo_load_opts *o, struct topo_diags *d)
{
	static const char *const top_keys[] = {"$schema", "name",    "defaults", "nodes",  "links",
					       "addressing", "routing", "expect", "strict", "meta",
					       "shared",  "cables", "hosts", "vxlan", NULL};
	static const char *const top_reserved[] = {NULL};
	_cleanup_json_ json_t *root = NULL;
	json_t *v, *defaults = NULL, *kind_defaults[TOPO_SWITCH + 1] = {0};
	json_error_t jerr;
	struct parse p = {.file = file, .d = d};

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		_cleanup_free_ char *excerpt = topo_json_excerpt(text, len, jerr.line, jerr.column);

		topo_diag_add(d, TOPO_ERROR, "%s:%d:%d: %s (expected valid JSON)%s", file, jerr.line,
			      jerr.column, jerr.text, excerpt ? excerpt : "");
		return NULL;
	}
	p.t = topo_new();
	p.t->file = xstrdup(file);
	p.t->dir = file_dir(file);
	if (!json_is_object(root)) {
		topo_diag_add(d, TOPO_ERROR,
			      "%s: the top level is %s (expected an object with nodes and links)",
			      file, nj_json_type_name(root));
		return p.t;
	}
	nj_check_keys(&p, "(top level)", root, top_keys, top_reserved);

	parse_name(&p, root, o);

	v = json_object_get(root, "defaults");
	if (v && nj_want(&p, "defaults", v, JSON_OBJECT, "an object of node options"))
		defaults = parse_defaults(&p, v, kind_defaults);

	v = json_object_get(root, "addressing");
	if (v)
		parse_addressing(&p, v);
	v = json_object_get(root, "routing");
	if (v)
		nj_parse_routing(&p, v);

	v = json_object_get(root, "meta");
	if (v)
		parse_meta(&p, v);
	v = json_object_get(root, "shared");
	if (v && nj_want(&p, "shared", v, JSON_STRING, "a host directory for /shared in every node"))
		p.t->shared = xstrdup(json_string_value(v));

	v = json_object_get(root, "strict");
	if (v && nj_want(&p, "strict", v, JSON_TRUE, "true or false"))
		p.t->strict = json_is_true(v);
	v = json_object_get(root, "cables");
	if (v && nj_want(&p, "cables", v, JSON_TRUE, "true or false"))
		p.t->plain_links = !json_is_true(v);

	v = json_object_get(root, "hosts");
	if (v)
		nj_parse_hosts(&p, v);
	v = json_object_get(root, "vxlan");
	if (v)
		nj_parse_vxlan(&p, v);

	v = json_object_get(root, "nodes");
	if (!v)
		nj_perr(&p, "nodes", "is missing (expected an object of nodes)");
	else if (nj_want(&p, "nodes", v, JSON_OBJECT, "an object of nodes"))
		nj_parse_nodes(&p, v, defaults, kind_defaults);
	for (size_t i = 0; i < p.t->n_nodes; i++)
		if (p.t->nodes[i].routing == TOPO_ROUTING_STATIC)
			p.t->routing = TOPO_ROUTING_STATIC;

	nj_resolve_hosts(&p, json_object_get(root, "hosts") != NULL);
	if (p.t->shared)
		add_shared(p.t);

	v = json_object_get(root, "links");
	if (v && nj_want(&p, "links", v, JSON_ARRAY, "an array of links"))
		nj_parse_links(&p, v);
	v = json_object_get(root, "expect");
	if (v)
		parse_expect(&p, v);
	return p.t;
}
