/* SPDX-License-Identifier: MIT */
#include "pingall.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const struct check_pair *sort_pairs;

/* Destination prefix first, then address, then the pair's own position. */
static int by_net(const void *a, const void *b)
{
	const struct check_pair *x = &sort_pairs[*(const size_t *)a], *y = &sort_pairs[*(const size_t *)b];
	int c = addr_cmp(&x->net.addr, &y->net.addr);

	if (c)
		return c;
	if (x->net.len != y->net.len)
		return x->net.len < y->net.len ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void add_to(struct pingall_group *g, const char *to)
{
	for (size_t i = 0; i < g->n_to; i++)
		if (!strcmp(g->to[i], to))
			return;
	g->to = xreallocarray(g->to, g->n_to + 1, sizeof(*g->to));
	g->to[g->n_to++] = to;
}

static bool same_net(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

/* The groups of one source's pairs, idx[0..n) sorted by prefix, appended to *g. */
static void group_run(const struct check_pair *pairs, const size_t *idx, size_t n,
		      struct pingall_group **g, size_t *ng, size_t *cap)
{
	for (size_t i = 0; i < n;) {
		struct pingall_group cur = {.from = pairs[idx[i]].from, .net = pairs[idx[i]].net};
		size_t j = i;

		for (; j < n && same_net(&pairs[idx[j]].net, &cur.net); j++) {
			const struct check_pair *p = &pairs[idx[j]];

			cur.probed++;
			if (p->ok)
				continue;
			cur.failed++;
			cur.errors += p->answered;
			add_to(&cur, p->to);
		}
		i = j;
		if (!cur.failed)
			continue;
		*g = grow_array(*g, cap, *ng + 1, sizeof(**g));
		(*g)[(*ng)++] = cur;
	}
}

size_t pingall_group(const struct check_pair *pairs, size_t n, struct pingall_group **ret,
		     size_t *ret_n)
{
	_cleanup_free_ size_t *idx = xcalloc(n ? n : 1, sizeof(size_t));
	struct pingall_group *g = NULL;
	size_t ng = 0, cap = 0;

	for (size_t start = 0, end; start < n; start = end) {
		bool failed = false;

		for (end = start; end < n && !strcmp(pairs[end].from, pairs[start].from); end++)
			failed |= !pairs[end].ok;
		if (!failed)
			continue;
		for (size_t i = start; i < end; i++)
			idx[i - start] = i;
		sort_pairs = pairs;
		qsort(idx, end - start, sizeof(size_t), by_net);
		group_run(pairs, idx, end - start, &g, &ng, &cap);
	}
	*ret = g;
	*ret_n = ng;
	return ng;
}

void pingall_groups_free(struct pingall_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].to);
	free(g);
}

/* splitmix64: small, and good enough to pick a sample */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int by_value(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t pingall_sample(size_t n, size_t k, uint64_t seed, size_t *ret)
{
	uint64_t state = seed;

	if (k >= n) {
		for (size_t i = 0; i < n; i++)
			ret[i] = i;
		return n;
	}
	/* reservoir sampling (Algorithm R): every k-subset equally likely, O(k) memory */
	for (size_t i = 0; i < k; i++)
		ret[i] = i;
	for (size_t i = k; i < n; i++) {
		size_t j = next_random(&state) % (i + 1);

		if (j < k)
			ret[j] = i;
	}
	qsort(ret, k, sizeof(size_t), by_value);
	return k;
}

bool pingall_match(const char *patterns, const char *name)
{
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (!patterns)
		return true;
	copy = xstrdup(patterns);
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (fnmatch(p, name, 0) == 0)
			return true;
	return false;
}

void pingall_print_text(FILE *f, const char *fail, const struct check_pair *pairs, size_t n,
			size_t n_all, uint64_t seed, const struct pingall_group *g, size_t ng)
{
	size_t failed = 0;

	for (size_t i = 0; i < n; i++)
		failed += !pairs[i].ok;
	for (size_t i = 0; i < ng && i < PINGALL_SHOWN; i++) {
		char buf[PREFIX_STRLEN];

		fprintf(f, "%s %s -> %s (", fail, g[i].from, prefix_format(&g[i].net, buf));
		for (size_t k = 0; k < g[i].n_to; k++)
			fprintf(f, "%s%s", k ? ", " : "", g[i].to[k]);
		fprintf(f, "): %zu of %zu address%s no reply", g[i].failed, g[i].probed,
			g[i].probed == 1 ? "" : "es");
		if (g[i].errors)
			fprintf(f, " (%zu unreachable)", g[i].errors);
		fputc('\n', f);
	}
	if (ng > PINGALL_SHOWN)
		fprintf(f, "... and %zu more groups (--json lists every pair)\n", ng - PINGALL_SHOWN);
	fprintf(f, "ping-all: %zu passed, %zu failed", n - failed, failed);
	if (failed)
		fprintf(f, " in %zu group%s (source, destination prefix)", ng, ng == 1 ? "" : "s");
	if (n < n_all)
		fprintf(f, "; a sample of %zu of %zu pairs (--seed %" PRIu64 ")", n, n_all, seed);
	fputc('\n', f);
}

static json_t *group_json(const struct pingall_group *g)
{
	char buf[PREFIX_STRLEN];
	json_t *to = json_array();

	for (size_t k = 0; k < g->n_to; k++)
		json_array_append_new(to, json_string(g->to[k]));
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "from", g->from, "prefix",
			 prefix_format(&g->net, buf), "failed", (json_int_t)g->failed, "probed",
			 (json_int_t)g->probed, "unreachable", (json_int_t)g->errors, "to", to);
}

int pingall_print_json(FILE *f, const char *lab, const struct check_pair *pairs, size_t n,
		       size_t n_all, const struct pingall_group *g, size_t ng)
{
	json_t *groups = json_array(), *results = json_array(), *o;
	size_t failed = 0;
	int r;

	for (size_t i = 0; i < ng; i++)
		json_array_append_new(groups, group_json(&g[i]));
	for (size_t i = 0; i < n; i++) {
		failed += !pairs[i].ok;
		json_array_append_new(results, json_pack("{s:s, s:s, s:s, s:b}", "from", pairs[i].from,
							 "to", pairs[i].to, "address", pairs[i].address,
							 "ok", pairs[i].ok));
	}
	o = json_pack("{s:s, s:I, s:I, s:I, s:o, s:o}", "lab", lab, "passed", (json_int_t)(n - failed),
		      "failed", (json_int_t)failed, "selected", (json_int_t)n_all, "groups", groups,
		      "results", results);
	if (!o)
		return -ENOMEM;
	r = json_dumpf(o, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
	return r < 0 ? -EIO : 0;
}
