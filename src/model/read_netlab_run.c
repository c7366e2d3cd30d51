/* SPDX-License-Identifier: MIT */
/* The netlab JSON reader: what a node is given and runs (files, env, startup, shutdown, after, ...). */
#include "read_netlab.h"

#include <ctype.h>
#include <limits.h>

static bool node_path_ok(const char *s)
{
	static const char *const refused[] = {"/proc", "/sys", "/dev", NULL};

	if (s[0] != '/' || strlen(s) < 2 || strlen(s) > 4095 || s[strlen(s) - 1] == '/')
		return false;
	if (strstr(s, "/../") || strstr(s, "/./") || strstr(s, "//") ||
	    (strlen(s) >= 3 && (!strcmp(s + strlen(s) - 3, "/..") || !strcmp(s + strlen(s) - 2, "/."))))
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	for (const char *const *r = refused; *r; r++)
		if (!strcmp(s, *r) || (str_has_prefix(s, *r) && s[strlen(*r)] == '/'))
			return false;
	return true;
}

static void parse_files(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	const char *key_as_written;
	json_t *v;

	if (!nj_want(p, path, j, JSON_OBJECT, "an object of node paths to host files"))
		return;
	json_object_foreach(j, key_as_written, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key_as_written);
		_cleanup_free_ char *key = nj_subst(p, n, key_as_written);

		if (!node_path_ok(key)) {
			nj_perr(p, kpath, "'%s' is not a usable path in the node (expected an absolute path without '..', outside /proc, /sys and /dev)",
			     key);
			continue;
		}
		bool ro = false, rw = false;

		/* "host/path", or {"path": "host/path", "ro": true} for a read-only bind ("rw": read-write) */
		if (json_is_object(v)) {
			static const char *const fkeys[] = {"path", "ro", "rw", NULL};
			json_t *rv = json_object_get(v, "ro"), *wv = json_object_get(v, "rw");
			_cleanup_free_ char *rpath = xasprintf("%s.ro", kpath);
			_cleanup_free_ char *wpath = xasprintf("%s.rw", kpath);

			nj_check_keys(p, kpath, v, fkeys, NULL);
			if (rv && nj_want(p, rpath, rv, JSON_TRUE, "true or false"))
				ro = json_is_true(rv);
			if (wv && nj_want(p, wpath, wv, JSON_TRUE, "true or false"))
				rw = json_is_true(wv);
			if (ro && rw)
				nj_perr(p, kpath, "is both \"ro\" and \"rw\" (expected one: a read-only or a read-write bind)");
			v = json_object_get(v, "path");
			free(kpath);
			kpath = xasprintf("%s.%s.path", path, key_as_written);
			if (!v) {
				nj_perr(p, kpath, "is missing (expected a host file path)");
				continue;
			}
		}
		if (!nj_want(p, kpath, v, JSON_STRING, "a host file path, or {\"path\": ..., \"ro\": true}"))
			continue;
		if (!json_string_value(v)[0] || strchr(json_string_value(v), '\n')) {
			nj_perr(p, kpath, "is not a host file path (expected a path relative to the topology file)");
			continue;
		}
		GROW(n->files, n->cap_files, n->n_files + 1);
		n->files_ro = xrealloc(n->files_ro, (n->n_files + 1) * sizeof(*n->files_ro));
		n->files_ro[n->n_files] = ro;
		n->files_rw = xrealloc(n->files_rw, (n->n_files + 1) * sizeof(*n->files_rw));
		n->files_rw[n->n_files] = rw;
		n->files[n->n_files].key = TAKE_PTR(key);
		n->files[n->n_files].value = nj_subst(p, n, json_string_value(v));
		n->n_files++;
	}
	if (n->n_files)
		n->iso.mount = true;
}

/* An array of non-empty strings (substituted) into *v, *n. */
static void parse_strings(struct parse *p, const char *path, const struct topo_node *node, json_t *j,
			  const char *what, char ***v, size_t *n, size_t *cap)
{
	json_t *e;
	size_t i;

	if (!nj_want(p, path, j, JSON_ARRAY, what))
		return;
	json_array_foreach(j, i, e) {
		_cleanup_free_ char *ipath = xasprintf("%s[%zu]", path, i);

		if (!nj_want(p, ipath, e, JSON_STRING, "a string") )
			continue;
		if (!json_string_value(e)[0]) {
			nj_perr(p, ipath, "is empty (expected %s)", what);
			continue;
		}
		GROW(*v, *cap, *n + 1);
		(*v)[(*n)++] = nj_subst(p, node, json_string_value(e));
	}
}

static void parse_shutdown(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	parse_strings(p, path, n, j, "an array of commands", &n->shutdown, &n->n_shutdown,
		      &n->cap_shutdown);
}

static void parse_after(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	parse_strings(p, path, n, j, "an array of node names", &n->after, &n->n_after, &n->cap_after);
}

/* A string option into *v. */
static void parse_string(struct parse *p, const char *path, json_t *j, const char *what, char **v)
{
	if (!nj_want(p, path, j, JSON_STRING, what))
		return;
	free(*v);
	*v = xstrdup(json_string_value(j));
}

static void parse_image(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	parse_string(p, path, j, "an image name", &n->image);
}

static void parse_shell(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	parse_string(p, path, j, "a shell, such as /bin/bash", &n->shell);
	if (n->shell && n->shell[0] != '/') {
		nj_perr(p, path, "'%s' is not an absolute path (expected a shell such as /bin/bash)", n->shell);
		n->shell = mfree(n->shell);
	}
}

static void parse_labels(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	const char *key;
	json_t *v;

	if (!nj_want(p, path, j, JSON_OBJECT, "an object of strings"))
		return;
	json_object_foreach(j, key, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);

		if (!nj_want(p, kpath, v, JSON_STRING, "a string"))
			continue;
		GROW(n->labels, n->cap_labels, n->n_labels + 1);
		n->labels[n->n_labels].key = xstrdup(key);
		n->labels[n->n_labels].value = xstrdup(json_string_value(v));
		n->n_labels++;
	}
}

/* "host": the machine of "hosts" that builds the node (checked once every node is read). */
static void parse_host(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	if (!nj_want(p, path, j, JSON_STRING, "a host name of \"hosts\""))
		return;
	free(n->host_name);
	n->host_name = xstrdup(json_string_value(j));
}

static void parse_on_error(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	const char *s = json_is_string(j) ? json_string_value(j) : "";

	if (!strcmp(s, "continue") || !strcmp(s, "stop"))
		n->startup_continue = !strcmp(s, "continue");
	else
		nj_perr(p, path, "is not \"stop\" or \"continue\" (expected what a failing startup command does)");
}

static void parse_env(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	const char *key;
	json_t *v;

	if (!nj_want(p, path, j, JSON_OBJECT, "an object of variable names to values"))
		return;
	json_object_foreach(j, key, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);
		bool ok = key[0] && !isdigit((unsigned char)key[0]);
		char *value;

		for (const char *c = key; *c && ok; c++)
			ok = isascii((unsigned char)*c) && (isalnum((unsigned char)*c) || *c == '_');
		if (!ok) {
			nj_perr(p, kpath, "'%s' is not a variable name (expected letters, digits and '_')", key);
			continue;
		}
		if (json_is_string(v))
			value = nj_subst(p, n, json_string_value(v));
		else if (json_is_integer(v))
			value = xasprintf("%lld", (long long)json_integer_value(v));
		else {
			nj_perr(p, kpath, "is %s (expected a string)", nj_json_type_name(v));
			continue;
		}
		GROW(n->env, n->cap_env, n->n_env + 1);
		n->env[n->n_env].key = xstrdup(key);
		n->env[n->n_env].value = value;
		n->n_env++;
	}
}

static void parse_startup(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	json_t *v;
	size_t i;

	if (!nj_want(p, path, j, JSON_ARRAY, "an array of commands"))
		return;
	json_array_foreach(j, i, v) {
		_cleanup_free_ char *ipath = xasprintf("%s[%zu]", path, i);

		if (!nj_want(p, ipath, v, JSON_STRING, "a command string"))
			continue;
		if (!json_string_value(v)[0]) {
			nj_perr(p, ipath, "is empty (expected a command)");
			continue;
		}
		GROW(n->startup, n->cap_startup, n->n_startup + 1);
		n->startup[n->n_startup++] = nj_subst(p, n, json_string_value(v));
	}
}

void nj_parse_node_keys(struct parse *p, const char *path, struct topo_node *n, json_t *j,
			const struct nj_node_key *keys, size_t n_keys)
{
	for (size_t i = 0; i < n_keys; i++) {
		json_t *v = json_object_get(j, keys[i].key);

		if (v) {
			_cleanup_free_ char *kpath = xasprintf("%s.%s", path, keys[i].key);

			keys[i].fn(p, kpath, n, v);
		}
	}
}

void nj_parse_node_run(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	static const struct nj_node_key keys[] = {
		{"files", parse_files},		{"env", parse_env},
		{"startup", parse_startup},	{"shutdown", parse_shutdown},
		{"after", parse_after},		{"image", parse_image},
		{"shell", parse_shell},		{"labels", parse_labels},
		{"startup_on_error", parse_on_error},
		{"host", parse_host},
	};

	nj_parse_node_keys(p, path, n, j, keys, ARRAY_SIZE(keys));
}
