/* SPDX-License-Identifier: MIT */
/*
 * The containerlab reader's inheritance: a node's settings from the node,
 * its group, its kind and the defaults, as containerlab merges each.
 */
#include "read_clab_impl.h"

/* Items of one level's list, or pairs of one level's mapping, at most. */
#define CLAB_MAX_ITEMS 4096

/* A scalar setting of one mapping: NULL when unset or empty (containerlab's "not set"). */
yaml_node_t *clab_get_set(struct clab *c, yaml_node_t *map, const char *mpath, const char *key)
{
	yaml_node_t *v = ydoc_get(&c->y, map, key);
	_cleanup_free_ char *path = NULL;

	if (ydoc_is_null(v))
		return NULL;
	path = xasprintf("%s.%s", mpath, key);
	if (!clab_want_str(c, v, path, "a string") || !ydoc_str(v)[0])
		return NULL;
	return v;
}

/* The most specific level that sets key. Return: its value, *ret_level its index. */
yaml_node_t *clab_levels_scalar(struct clab *c, const struct clab_levels *lv, const char *key,
				  int *ret_level)
{
	for (int i = 0; i < 4; i++) {
		yaml_node_t *v = lv->map[i] ? clab_get_set(c, lv->map[i], lv->path[i], key) : NULL;

		if (v) {
			if (ret_level)
				*ret_level = i;
			return v;
		}
	}
	return NULL;
}

void clab_items_free(struct clab_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* The sequence of key at level l, or NULL (a wrong type or size reported). */
static yaml_node_t *level_seq(struct clab *c, const struct clab_levels *lv, int l,
			      const char *key, char **ret_path)
{
	yaml_node_t *v = lv->map[l] ? ydoc_get(&c->y, lv->map[l], key) : NULL;

	if (ydoc_is_null(v))
		return NULL;
	*ret_path = xasprintf("%s.%s", lv->path[l], key);
	if (v->type != YAML_SEQUENCE_NODE)
		clab_err(c, v, *ret_path, "is %s (expected a sequence of strings)", ydoc_type(v));
	else if (ydoc_len(v) > CLAB_MAX_ITEMS)
		clab_err(c, v, *ret_path, "has %zu items (expected at most %d)", ydoc_len(v),
			 CLAB_MAX_ITEMS);
	else
		return v;
	*ret_path = mfree(*ret_path);
	return NULL;
}

size_t clab_levels_list(struct clab *c, const struct clab_levels *lv, const char *key,
			struct clab_item **ret)
{
	_cleanup_(json_decrefp) json_t *seen = json_object(); /* the items so far, as a set */
	struct clab_item *v = NULL;
	size_t n = 0, cap = 0;

	for (int l = 3; l >= 0; l--) {
		_cleanup_free_ char *path = NULL;
		yaml_node_t *seq = level_seq(c, lv, l, key, &path);

		for (size_t i = 0; seq && i < ydoc_len(seq); i++) {
			yaml_node_t *it = ydoc_item(&c->y, seq, i);
			_cleanup_free_ char *ipath = xasprintf("%s[%zu]", path, i);

			if (!it || !ydoc_spend(&c->y, CLAB_ITEM_COST) ||
			    !clab_want_str(c, it, ipath, "a string") ||
			    json_object_get(seen, ydoc_str(it)))
				continue;
			json_object_set_new(seen, ydoc_str(it), json_true());
			GROW(v, cap, n + 1);
			v[n++] = (struct clab_item){.v = it, .path = TAKE_PTR(ipath)};
		}
	}
	*ret = v;
	return n;
}

void clab_entries_free(struct clab_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* The mapping of key at every level merged, the more specific level's value winning. */
size_t clab_levels_map(struct clab *c, const struct clab_levels *lv, const char *key,
			 struct clab_entry **ret)
{
	_cleanup_(json_decrefp) json_t *index = json_object(); /* key -> its entry */
	struct clab_entry *v = NULL;
	size_t n = 0, cap = 0;

	for (int l = 3; l >= 0; l--) {
		yaml_node_t *m = lv->map[l] ? ydoc_get(&c->y, lv->map[l], key) : NULL;
		_cleanup_free_ char *path = NULL;
		_cleanup_free_ struct ydoc_pair *pairs = NULL;
		size_t np;

		if (ydoc_is_null(m))
			continue;
		path = xasprintf("%s.%s", lv->path[l], key);
		if (m->type != YAML_MAPPING_NODE) {
			clab_err(c, m, path, "is %s (expected a mapping of names to values)",
				 ydoc_type(m));
			continue;
		}
		np = ydoc_pairs(&c->y, m, &pairs);
		if (np > CLAB_MAX_ITEMS) {
			clab_err(c, m, path, "has %zu keys (expected at most %d)", np, CLAB_MAX_ITEMS);
			continue;
		}
		for (size_t i = 0; i < np && ydoc_spend(&c->y, CLAB_ITEM_COST); i++) {
			json_t *at = pairs[i].key ? json_object_get(index, pairs[i].key) : NULL;
			size_t k = at ? (size_t)json_integer_value(at) : n;

			if (!pairs[i].key) {
				clab_err(c, pairs[i].knode, path, "a key is %s (expected a name)",
					 ydoc_type(pairs[i].knode));
				continue;
			}
			if (k == n) {
				GROW(v, cap, n + 1);
				json_object_set_new(index, pairs[i].key, json_integer(n));
				n++;
			} else
				free(v[k].path);
			v[k] = (struct clab_entry){.key = pairs[i].key, .knode = pairs[i].knode,
					      .v = pairs[i].value,
					      .path = xasprintf("%s.%s", path, pairs[i].key)};
		}
	}
	*ret = v;
	return n;
}

/* A mapping's value as text: a scalar (null as ""), else an error. Return: NULL on error. */
const char *clab_entry_text(struct clab *c, const struct clab_entry *e)
{
	if (ydoc_is_null(e->v))
		return "";
	return clab_want_str(c, e->v, e->path, "a string, number or boolean");
}

