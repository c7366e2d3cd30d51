/* SPDX-License-Identifier: MIT */
#include "ydoc.h"

#include <stdint.h>

#include "util.h"

int ydoc_load(struct ydoc *y, const char *text, size_t len, struct ydoc_error *ret_err)
{
	yaml_parser_t parser;
	int ok;

	*y = (struct ydoc){.budget = YDOC_BUDGET};
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	ok = yaml_parser_load(&parser, &y->doc);
	if (!ok) {
		/* the mark of the problem, else of its context (a reader error has only an offset) */
		const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.context_mark;

		*ret_err = (struct ydoc_error){.line = (int)m->line + 1, .column = (int)m->column + 1};
		if (parser.error == YAML_MEMORY_ERROR)
			abort();
		snprintf(ret_err->text, sizeof(ret_err->text), "%s%s%s",
			 parser.problem ? parser.problem : "malformed YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		/* libyaml has deleted the half-built document */
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	yaml_parser_delete(&parser);
	y->loaded = true;
	return 0;
}

void ydoc_free(struct ydoc *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

yaml_node_t *ydoc_root(struct ydoc *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

int ydoc_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

bool ydoc_is_null(const yaml_node_t *n)
{
	const char *v;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

const char *ydoc_str(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *ydoc_type(const yaml_node_t *n)
{
	if (ydoc_is_null(n))
		return "null";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a sequence";
	return "a string";
}

bool ydoc_spend(struct ydoc *y, size_t n)
{
	if (y->budget < n) {
		y->budget = 0;
		y->exhausted = true;
		return false;
	}
	y->budget -= n;
	return true;
}

static bool spend(struct ydoc *y)
{
	return ydoc_spend(y, 1);
}

size_t ydoc_len(const yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	return seq->data.sequence.items.top - seq->data.sequence.items.start;
}

yaml_node_t *ydoc_item(struct ydoc *y, const yaml_node_t *seq, size_t i)
{
	if (i >= ydoc_len(seq) || !spend(y))
		return NULL;
	return yaml_document_get_node(&y->doc, seq->data.sequence.items.start[i]);
}

/* The keys gathered so far, with a hash of them: a merge may bring thousands. */
struct acc {
	struct ydoc_pair *v;
	size_t n, cap;
	size_t *slot; /* index + 1 into v, 0 free; a power of two in size */
	size_t n_slots;
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static size_t *find_slot(struct acc *a, const char *key)
{
	size_t mask = a->n_slots - 1, i = hash_key(key) & mask;

	while (a->slot[i] && strcmp(a->v[a->slot[i] - 1].key, key))
		i = (i + 1) & mask;
	return &a->slot[i];
}

static void rehash(struct acc *a)
{
	free(a->slot);
	a->n_slots = a->n_slots ? a->n_slots * 2 : 16;
	a->slot = xcalloc(a->n_slots, sizeof(size_t));
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].key)
			*find_slot(a, a->v[i].key) = i + 1;
}

/* Add a pair unless its key is there already (keys that are no scalar always go in). */
static void acc_add(struct acc *a, yaml_node_t *k, yaml_node_t *v)
{
	const char *key = ydoc_str(k);
	size_t *s = NULL;

	if (key) {
		if (2 * (a->n + 1) > a->n_slots)
			rehash(a);
		s = find_slot(a, key);
		if (*s)
			return;
	}
	GROW(a->v, a->cap, a->n + 1);
	a->v[a->n] = (struct ydoc_pair){.key = key, .knode = k, .value = v};
	a->n++;
	if (s)
		*s = a->n;
}

static bool is_merge(struct ydoc *y, const yaml_node_pair_t *p, yaml_node_t **ret_value)
{
	yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
	yaml_node_t *v = yaml_document_get_node(&y->doc, p->value);

	if (!k || k->type != YAML_SCALAR_NODE || strcmp((const char *)k->data.scalar.value, "<<") ||
	    !v)
		return false;
	if (v->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *m = yaml_document_get_node(&y->doc, *it);

			if (!m || m->type != YAML_MAPPING_NODE)
				return false;
		}
	} else if (v->type != YAML_MAPPING_NODE)
		return false;
	*ret_value = v;
	return true;
}

/* Own keys first, then the merges in order, each of them the same way. */
static void gather(struct ydoc *y, yaml_node_t *map, int depth, struct acc *a)
{
	yaml_node_pair_t *p;
	yaml_node_t *mv;

	if (!map || map->type != YAML_MAPPING_NODE || depth > YDOC_MERGE_DEPTH)
		return;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		if (!spend(y))
			return;
		if (!is_merge(y, p, &mv))
			acc_add(a, yaml_document_get_node(&y->doc, p->key),
				yaml_document_get_node(&y->doc, p->value));
	}
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		if (!is_merge(y, p, &mv))
			continue;
		if (mv->type == YAML_MAPPING_NODE) {
			gather(y, mv, depth + 1, a);
			continue;
		}
		for (yaml_node_item_t *it = mv->data.sequence.items.start;
		     it < mv->data.sequence.items.top; it++)
			gather(y, yaml_document_get_node(&y->doc, *it), depth + 1, a);
	}
}

size_t ydoc_pairs(struct ydoc *y, yaml_node_t *map, struct ydoc_pair **ret)
{
	struct acc a = {0};

	gather(y, map, 0, &a);
	free(a.slot);
	*ret = a.v;
	return a.n;
}

yaml_node_t *ydoc_get(struct ydoc *y, yaml_node_t *map, const char *key)
{
	_cleanup_free_ struct ydoc_pair *pairs = NULL;
	size_t n;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	/* the common case, a mapping without merge keys: no allocation */
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *mv;

		if (!spend(y))
			return NULL;
		if (is_merge(y, p, &mv))
			goto merged;
		if (!strcmp(ydoc_str(yaml_document_get_node(&y->doc, p->key)) ?: "\x01", key))
			return yaml_document_get_node(&y->doc, p->value);
	}
	return NULL;
merged:
	n = ydoc_pairs(y, map, &pairs);
	for (size_t i = 0; i < n; i++)
		if (pairs[i].key && !strcmp(pairs[i].key, key))
			return pairs[i].value;
	return NULL;
}

struct repeat_walk {
	struct ydoc *y;
	bool *seen; /* by node index */
	void (*report)(void *ctx, const char *path, const yaml_node_t *key, int first_line);
	void *ctx;
};

static int cmp_pair_key(const void *a, const void *b)
{
	const struct ydoc_pair *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	/* ties in document order, so that the first occurrence comes first */
	if (r)
		return r;
	return x->knode->start_mark.index < y->knode->start_mark.index ? -1 : 1;
}

static void repeats_in(struct repeat_walk *w, yaml_node_t *map, const char *path)
{
	size_t n = map->data.mapping.pairs.top - map->data.mapping.pairs.start, k = 0;
	_cleanup_free_ struct ydoc_pair *v = xcalloc(n, sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		yaml_node_t *key = yaml_document_get_node(&w->y->doc,
							  map->data.mapping.pairs.start[i].key);

		if (ydoc_str(key) && strcmp(ydoc_str(key), "<<"))
			v[k++] = (struct ydoc_pair){.key = ydoc_str(key), .knode = key};
	}
	qsort(v, k, sizeof(*v), cmp_pair_key);
	for (size_t i = 1, first = 0; i < k; i++) {
		if (strcmp(v[first].key, v[i].key))
			first = i;
		else
			w->report(w->ctx, path, v[i].knode, ydoc_line(v[first].knode));
	}
}

static void walk_repeats(struct repeat_walk *w, int idx, const char *path, int depth)
{
	yaml_node_t *n = yaml_document_get_node(&w->y->doc, idx);

	if (!n || depth > 64 || w->seen[idx])
		return;
	w->seen[idx] = true;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			_cleanup_free_ char *p = xasprintf("%s[%td]", path,
							   it - n->data.sequence.items.start);

			walk_repeats(w, *it, p, depth + 1);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		repeats_in(w, n, path);
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			const char *key = ydoc_str(yaml_document_get_node(&w->y->doc, p->key));
			_cleanup_free_ char *sub = NULL;

			if (!key || !strcmp(key, "<<"))
				sub = xstrdup(path);
			else
				sub = path[0] ? xasprintf("%s.%s", path, key) : xstrdup(key);
			walk_repeats(w, p->value, sub, depth + 1);
		}
	}
}

void ydoc_check_repeats(struct ydoc *y,
			void (*report)(void *ctx, const char *path, const yaml_node_t *key,
				       int first_line),
			void *ctx)
{
	size_t n;

	if (!ydoc_root(y))
		return;
	n = y->doc.nodes.top - y->doc.nodes.start;
	_cleanup_free_ bool *seen = xcalloc(n + 1, sizeof(bool));
	struct repeat_walk w = {.y = y, .seen = seen, .report = report, .ctx = ctx};

	walk_repeats(&w, 1, "", 0);
}
