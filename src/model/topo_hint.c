/* SPDX-License-Identifier: MIT */
#include "topo_hint.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Names longer than this are never compared (a typo of a 1 KiB name helps no one). */
#define HINT_MAX_LEN 128

size_t topo_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *prev2, *prev, *cur, r;

	if (la > HINT_MAX_LEN || lb > HINT_MAX_LEN)
		return la > lb ? la : lb;
	prev2 = xcalloc(lb + 1, sizeof(size_t));
	prev = xcalloc(lb + 1, sizeof(size_t));
	cur = xcalloc(lb + 1, sizeof(size_t));
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = prev[j - 1] + cost;

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	r = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return r;
}

static size_t max_edits(const char *word)
{
	size_t len = strlen(word);

	if (len <= 4)
		return 1;
	return len / 3 > 2 ? len / 3 : 2;
}

const char *topo_suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = max_edits(word) + 1;

	for (size_t i = 0; i < n; i++) {
		size_t d;

		if (!names[i] || !strcmp(names[i], word))
			continue;
		if (!strcasecmp(names[i], word))
			return names[i];
		/* far apart in length: never within reach, skip the table */
		if ((size_t)labs((long)strlen(names[i]) - (long)strlen(word)) >= best_d)
			continue;
		d = topo_edit_distance(word, names[i]);
		if (d < best_d && d < strlen(word)) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

const char *topo_suggest_node(const struct topo *t, const char *word)
{
	_cleanup_free_ const char **names = xcalloc(t->n_nodes + 1, sizeof(char *));

	for (size_t i = 0; i < t->n_nodes; i++)
		names[i] = t->nodes[i].name;
	return topo_suggest(word, names, t->n_nodes);
}

const char *topo_suggest_iface(const struct topo_node *n, const char *word)
{
	_cleanup_free_ const char **names = xcalloc(n->n_ifaces + 1, sizeof(char *));

	for (size_t i = 0; i < n->n_ifaces; i++)
		names[i] = n->ifaces[i].name;
	return topo_suggest(word, names, n->n_ifaces);
}

char *topo_did_you_mean(const char *suggestion)
{
	return suggestion ? xasprintf(", did you mean '%s'?", suggestion) : xstrdup("");
}

/* How many characters of a line are shown on each side of the column. */
#define EXCERPT_HALF 60

char *topo_json_excerpt(const char *text, size_t len, int line, int column)
{
	const char *p = text, *end = text + len, *eol, *from, *caret;
	_cleanup_free_ char *pad = NULL;
	int col = 1;
	size_t k = 0;

	if (line < 1 || column < 1)
		return NULL;
	for (int l = 1; l < line; l++) {
		p = memchr(p, '\n', end - p);
		if (!p)
			return NULL;
		p++;
	}
	eol = memchr(p, '\n', end - p);
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	/* the byte where the column's character starts (UTF-8: skip continuation bytes) */
	caret = p;
	while (caret < eol && col < column) {
		caret++;
		while (caret < eol && ((unsigned char)*caret & 0xc0) == 0x80)
			caret++;
		col++;
	}
	from = caret - p > EXCERPT_HALF ? caret - EXCERPT_HALF : p;
	while (from > p && ((unsigned char)*from & 0xc0) == 0x80)
		from--;
	if (eol - caret > EXCERPT_HALF)
		eol = caret + EXCERPT_HALF;
	while (eol > caret && eol < end && ((unsigned char)*eol & 0xc0) == 0x80)
		eol--;
	pad = xcalloc(caret - from + 1, 1);
	for (const char *q = from; q < caret; q++) {
		if (((unsigned char)*q & 0xc0) == 0x80)
			continue;
		/* a tab stays a tab, so that the caret lines up however tabs are shown */
		pad[k++] = *q == '\t' ? '\t' : ' ';
	}
	{
		_cleanup_free_ char *shown = xcalloc(eol - from + 1, 1);

		/* control characters would move the terminal's cursor: shown as spaces */
		for (const char *q = from; q < eol; q++)
			shown[q - from] = (unsigned char)*q < 0x20 && *q != '\t' ? ' ' : *q;
		return xasprintf("\n  %s%s%s\n  %s%s^", from > p ? "..." : "", shown,
				 eol < end && *eol != '\n' && *eol != '\r' ? "..." : "",
				 from > p ? "   " : "", pad);
	}
}
