/* SPDX-License-Identifier: MIT */
#pragma once

/* What the files of the containerlab reader share; not for other modules. */

#include <jansson.h>
#include <sys/types.h>

#include "read_clab.h"
#include "util.h"
#include "ydoc.h"

/* Diagnostics of one file beyond this many are summed up in one line. */
#define CLAB_MAX_DIAGS 100
/*
 * What the reader's own work takes from the document's budget (ydoc.h):
 * a diagnostic, repeated or not, and an inherited item or entry (a path,
 * JSON). Each about as long as looking through 16 or 8 pairs.
 */
#define CLAB_DIAG_COST 16
#define CLAB_ITEM_COST 8
/* A diagnostic longer than this is cut (a value may be a whole file's worth). */
#define CLAB_DIAG_MAX 1024
/* Host files checked and env-files read, in all (aliases could multiply them). */
#define CLAB_MAX_FILE_OPS 100000
/* containerlab's veth MTU when a link names none (DefaultLinkMTU). */
#define CLAB_DEFAULT_MTU 9500

enum clab_role {
	CLAB_REFUSED = 0, /* reported; links to it are left out quietly */
	CLAB_HOST,
	CLAB_ROUTER,
	CLAB_SWITCH,
};

struct clab_node {
	const char *name; /* the YAML's */
	enum clab_role role;
	json_t *j; /* its object under "nodes" (borrowed), NULL when refused */
};

struct clab {
	struct ydoc y;
	const char *file;
	char *dir;       /* the file's directory: relative host paths start there */
	char *abs_dir;   /* the same, absolute, for __clabDir__ in commands */
	char *clab_name; /* the name as written: the lab directory is clab-NAME */
	char *expanded;  /* the text with the environment's variables, or NULL */
	struct topo_diags *d;
	size_t first_diag; /* d->n before this file: duplicates are dropped after it */
	size_t first_errors;
	size_t file_ops;
	bool too_many; /* CLAB_MAX_DIAGS reached and said */
	yaml_node_t *defaults, *kinds, *groups;
	struct clab_node *nodes;
	size_t n_nodes;
	json_t *out, *jnodes, *jlinks;
};

/* A growing string: p is NULL or NUL-terminated. */
struct clab_buf {
	char *p;
	size_t n, cap;
};

static inline void clab_buf_add(struct clab_buf *b, const char *s, size_t n)
{
	GROW(b->p, b->cap, b->n + n + 1);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/*
 * "FILE:LINE: PATH: message" (no ":LINE" without a node, no "PATH: " for
 * an empty path), dropped when the same text was reported already.
 */
void clab_diag(struct clab *c, enum topo_severity sev, const yaml_node_t *at, const char *path,
	       const char *fmt, ...) _printf_(5, 6);
#define clab_err(c, at, path, ...) clab_diag((c), TOPO_ERROR, (at), (path), __VA_ARGS__)
#define clab_warn(c, at, path, ...) clab_diag((c), TOPO_WARNING, (at), (path), __VA_ARGS__)

/* One key a mapping may have; a reason makes it known to containerlab but ignored here. */
struct clab_key {
	const char *name;
	const char *ignored; /* NULL: understood */
};

/*
 * Check the keys of map: a key of keys without a reason passes, one with a
 * reason gets a warning ("... is ignored: REASON"), any other is an error
 * naming the known ones. Return: false when an error was reported.
 */
bool clab_check_keys(struct clab *c, yaml_node_t *map, const char *path,
		     const struct clab_key *keys, size_t n_keys);

/*
 * s as a JSON string that netlab's parser reads back as s: where s holds
 * ${node}, ${lab} or $${ (which topo_subst acts on), every ${ as $${.
 * Return: a new JSON string.
 */
json_t *clab_json_text(const char *s);

/* ", did you mean 'NAME'?" for a word close to one of names, else "". Return: a string to free. */
char *clab_hint(struct clab *c, const char *word, const char *const *names, size_t n);

/* v as a string, or an error "is X (expected EXPECTED)". Return: the string or NULL. */
const char *clab_want_str(struct clab *c, yaml_node_t *v, const char *path, const char *expected);

/* Return: the index of the node called name, or -1. */
ssize_t clab_find_node(const struct clab *c, const char *name);

/* Whether one more host file may be checked or read (reports once when not). */
bool clab_file_op(struct clab *c, yaml_node_t *at, const char *path);

/* topology.nodes.NAME into c->nodes[i] and c->jnodes (read_clab_node.c). */
void clab_read_node(struct clab *c, size_t i, yaml_node_t *knode, yaml_node_t *def);

/* Where a node's settings come from: the node, its group, its kind, the defaults (or NULL). */
struct clab_levels {
	yaml_node_t *map[4];
	char *path[4];
};

/*
 * binds into jn's "files"; env-files into env, an object of variables, a
 * later file's winning (read_clab_files.c).
 */
void clab_read_binds(struct clab *c, const char *node, const struct clab_levels *lv, json_t *jn);
void clab_read_env_files(struct clab *c, const struct clab_levels *lv, json_t *env);

/* containerlab's magic variables in s for node (NULL: none). Return: a string to free. */
char *clab_magic(const struct clab *c, const char *s, const char *node, bool absolute);

/*
 * Inheritance (read_clab_levels.c). A scalar setting of one mapping: NULL
 * when unset or empty (containerlab's "not set"), an error when no scalar.
 */
yaml_node_t *clab_get_set(struct clab *c, yaml_node_t *map, const char *mpath, const char *key);
/* The most specific level that sets key. Return: its value, *ret_level its index. */
yaml_node_t *clab_levels_scalar(struct clab *c, const struct clab_levels *lv, const char *key,
				int *ret_level);

/* The list of key at every level, defaults first, a repeated item once. */
struct clab_item {
	yaml_node_t *v; /* a scalar */
	char *path;
};
size_t clab_levels_list(struct clab *c, const struct clab_levels *lv, const char *key,
			struct clab_item **ret);
void clab_items_free(struct clab_item *v, size_t n);

/* The mapping of key at every level merged, the more specific level's value winning. */
struct clab_entry {
	const char *key;
	yaml_node_t *knode, *v;
	char *path;
};
size_t clab_levels_map(struct clab *c, const struct clab_levels *lv, const char *key,
		       struct clab_entry **ret);
void clab_entries_free(struct clab_entry *v, size_t n);
/* An entry's value as text: a scalar (null as ""), else an error. Return: NULL on error. */
const char *clab_entry_text(struct clab *c, const struct clab_entry *e);

/* topology.links into c->jlinks (read_clab_link.c). */
void clab_read_links(struct clab *c, yaml_node_t *links);
