/* SPDX-License-Identifier: MIT */
#include "gen.h"

#include <stdarg.h>
#include <stdio.h>

#include "topo.h"
#include "util.h"

/* Limits that keep a generated file within what netlab is built for. */
#define GEN_MAX_NODES 100000u

struct buf {
	char *s;
	size_t len, cap;
	bool first;
};

static void put(struct buf *b, const char *fmt, ...) _printf_(2, 3);
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < b->cap - b->len)
			break;
		b->cap = (b->cap + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	b->len += n;
}

/* Names are made of letters, digits and '-': no JSON escaping is needed. */
static void add_node(struct buf *b, const char *name, const char *kind)
{
	put(b, "%s\n    \"%s\": \"%s\"", b->first ? "" : ",", name, kind);
	b->first = false;
}

static void switch_node(struct buf *b, const char *name, bool stp)
{
	if (stp)
		put(b, "%s\n    \"%s\": { \"kind\": \"switch\", \"stp\": true }", b->first ? "" : ",", name);
	else
		put(b, "%s\n    \"%s\": \"switch\"", b->first ? "" : ",", name);
	b->first = false;
}

static void add_link(struct buf *b, const char *x, const char *y)
{
	put(b, "%s\n    \"%s -- %s\"", b->first ? "" : ",", x, y);
	b->first = false;
}

int gen_shape_parse(const char *s, enum gen_shape *ret)
{
	static const char *const names[] = {"line", "ring", "star", "tree", "grid", "fattree", "full", "clos"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

static unsigned upow(unsigned b, unsigned e)
{
	unsigned long long r = 1;

	while (e--) {
		r *= b;
		if (r > GEN_MAX_NODES)
			return GEN_MAX_NODES + 1;
	}
	return r;
}

static int check(const struct gen_opts *o, const char **problem)
{
	unsigned long long total = 0;

	switch (o->shape) {
	case GEN_LINE:
	case GEN_STAR:
	case GEN_FULL:
		if (o->n < 2)
			return *problem = "needs at least 2 nodes", -EINVAL;
		total = o->n;
		if (o->shape == GEN_FULL && o->n > 64)
			return *problem = "a full mesh is limited to 64 nodes (each node has an interface to every other)", -EINVAL;
		break;
	case GEN_RING:
		if (o->n < 3)
			return *problem = "needs at least 3 nodes", -EINVAL;
		total = o->n;
		break;
	case GEN_GRID:
		if (o->rows < 1 || o->cols < 1 || o->rows * (unsigned long long)o->cols < 2)
			return *problem = "needs ROWSxCOLS with at least 2 nodes, such as 4x4", -EINVAL;
		total = o->rows * (unsigned long long)o->cols;
		break;
	case GEN_TREE:
		if (o->depth < 1 || o->fanout < 1)
			return *problem = "needs --depth and --fanout of at least 1", -EINVAL;
		total = upow(o->fanout, o->depth) * 2ull;
		break;
	case GEN_FATTREE:
		if (o->n < 2 || o->n % 2)
			return *problem = "needs an even k of at least 2", -EINVAL;
		total = o->n * (unsigned long long)o->n * o->n / 4 * 2;
		break;
	case GEN_CLOS:
		if (o->spines < 1 || o->leaves < 1)
			return *problem = "needs --spines and --leaves of at least 1", -EINVAL;
		total = o->spines + (unsigned long long)o->leaves * (1 + o->hosts_per_leaf);
		if (total < 2)
			return *problem = "needs at least 2 nodes", -EINVAL;
		break;
	}
	if (total > GEN_MAX_NODES)
		return *problem = "is larger than 100000 nodes", -EINVAL;
	return 0;
}

/*
 * Leaf-spine: every leaf linked to every spine (the links in leaf order, then
 * spine order), then each leaf's hosts. Spines and leaves are routers.
 */
static void gen_clos(struct buf *b, const struct gen_opts *o)
{
	char x[64], y[64];

	for (unsigned s = 1; s <= o->spines; s++) {
		snprintf(x, sizeof(x), "spine%u", s);
		add_node(b, x, "router");
	}
	for (unsigned l = 1; l <= o->leaves; l++) {
		snprintf(x, sizeof(x), "leaf%u", l);
		add_node(b, x, "router");
	}
	for (unsigned l = 1; l <= o->leaves; l++)
		for (unsigned h = 1; h <= o->hosts_per_leaf; h++) {
			snprintf(x, sizeof(x), "h%u-%u", l, h);
			add_node(b, x, "host");
		}
	put(b, "\n  },\n  \"links\": [");
	b->first = true;
	for (unsigned l = 1; l <= o->leaves; l++)
		for (unsigned s = 1; s <= o->spines; s++) {
			snprintf(x, sizeof(x), "leaf%u", l);
			snprintf(y, sizeof(y), "spine%u", s);
			add_link(b, x, y);
		}
	for (unsigned l = 1; l <= o->leaves; l++)
		for (unsigned h = 1; h <= o->hosts_per_leaf; h++) {
			snprintf(x, sizeof(x), "h%u-%u", l, h);
			snprintf(y, sizeof(y), "leaf%u", l);
			add_link(b, x, y);
		}
}

/* line, ring and full mesh: n nodes, linked in a row, a ring or all pairs */
static void gen_chain(struct buf *b, const struct gen_opts *o, const char *kind)
{
	char x[64], y[64];

	for (unsigned i = 1; i <= o->n; i++) {
		snprintf(x, sizeof(x), "%c%u", kind[0], i);
		add_node(b, x, kind);
	}
	put(b, "\n  },\n  \"links\": [");
	b->first = true;
	for (unsigned i = 1; i <= o->n; i++)
		for (unsigned j = i + 1; j <= o->n; j++) {
			bool edge = o->shape == GEN_FULL || j == i + 1 ||
				    (o->shape == GEN_RING && i == 1 && j == o->n);

			if (!edge)
				continue;
			snprintf(x, sizeof(x), "%c%u", kind[0], i);
			snprintf(y, sizeof(y), "%c%u", kind[0], j);
			add_link(b, x, y);
		}
}

/* n nodes on one switch */
static void gen_star(struct buf *b, const struct gen_opts *o, const char *kind)
{
	char x[64];

	switch_node(b, "sw", false);
	for (unsigned i = 1; i <= o->n; i++) {
		snprintf(x, sizeof(x), "%c%u", kind[0], i);
		add_node(b, x, kind);
	}
	put(b, "\n  },\n  \"links\": [");
	b->first = true;
	for (unsigned i = 1; i <= o->n; i++) {
		snprintf(x, sizeof(x), "%c%u", kind[0], i);
		add_link(b, x, "sw");
	}
}

/* rows x cols nodes, each linked to its right and lower neighbours */
static void gen_grid(struct buf *b, const struct gen_opts *o, const char *kind)
{
	char x[64], y[64];

	for (unsigned i = 1; i <= o->rows; i++)
		for (unsigned j = 1; j <= o->cols; j++) {
			snprintf(x, sizeof(x), "%c%u-%u", kind[0], i, j);
			add_node(b, x, kind);
		}
	put(b, "\n  },\n  \"links\": [");
	b->first = true;
	for (unsigned i = 1; i <= o->rows; i++)
		for (unsigned j = 1; j <= o->cols; j++) {
			snprintf(x, sizeof(x), "%c%u-%u", kind[0], i, j);
			if (j < o->cols) {
				snprintf(y, sizeof(y), "%c%u-%u", kind[0], i, j + 1);
				add_link(b, x, y);
			}
			if (i < o->rows) {
				snprintf(y, sizeof(y), "%c%u-%u", kind[0], i + 1, j);
				add_link(b, x, y);
			}
		}
}

/* inner nodes 1..N numbered breadth first; the last level gets fanout hosts each */
static void gen_tree(struct buf *b, const struct gen_opts *o, const char *kind)
{
	char x[64], y[64];
	(void)kind;

	unsigned inner = 0, leaves = upow(o->fanout, o->depth);
	const char *ik = o->switches ? "switch" : "router";
	char p = o->switches ? 's' : 'r';

	for (unsigned l = 0; l < o->depth; l++)
		inner += upow(o->fanout, l);
	for (unsigned i = 1; i <= inner; i++) {
		snprintf(x, sizeof(x), "%c%u", p, i);
		if (o->switches)
			switch_node(b, x, false);
		else
			add_node(b, x, ik);
	}
	for (unsigned i = 1; i <= leaves; i++) {
		snprintf(x, sizeof(x), "h%u", i);
		add_node(b, x, "host");
	}
	put(b, "\n  },\n  \"links\": [");
	b->first = true;
	for (unsigned i = 2; i <= inner; i++) {
		snprintf(x, sizeof(x), "%c%u", p, (i - 2) / o->fanout + 1);
		snprintf(y, sizeof(y), "%c%u", p, i);
		add_link(b, x, y);
	}
	for (unsigned i = 1; i <= leaves; i++) {
		snprintf(x, sizeof(x), "%c%u", p, inner - leaves / o->fanout + (i - 1) / o->fanout + 1);
		snprintf(y, sizeof(y), "h%u", i);
		add_link(b, x, y);
	}
}

/* k pods of k/2 aggregation and k/2 edge nodes, (k/2)^2 cores, k/2 hosts per edge */
static void gen_fattree(struct buf *b, const struct gen_opts *o, const char *kind)
{
	char x[64], y[64];

	unsigned k = o->n, h = k / 2;
	bool sw = !(o->node_kind == TOPO_ROUTER);
	const char *ik = sw ? "switch" : "router";

	(void)kind; /* a fat tree is of switches or routers, with hosts */

	for (unsigned c = 1; c <= h * h; c++) {
		snprintf(x, sizeof(x), "c%u", c);
		sw ? switch_node(b, x, true) : add_node(b, x, ik);
	}
	for (unsigned pd = 1; pd <= k; pd++)
		for (unsigned i = 1; i <= h; i++) {
			snprintf(x, sizeof(x), "a%u-%u", pd, i);
			sw ? switch_node(b, x, true) : add_node(b, x, ik);
			snprintf(x, sizeof(x), "e%u-%u", pd, i);
			sw ? switch_node(b, x, true) : add_node(b, x, ik);
			for (unsigned j = 1; j <= h; j++) {
				snprintf(x, sizeof(x), "h%u-%u-%u", pd, i, j);
				add_node(b, x, "host");
			}
		}
	put(b, "\n  },\n  \"links\": [");
	b->first = true;
	for (unsigned pd = 1; pd <= k; pd++)
		for (unsigned i = 1; i <= h; i++) {
			snprintf(x, sizeof(x), "a%u-%u", pd, i);
			for (unsigned j = 1; j <= h; j++) {
				snprintf(y, sizeof(y), "c%u", (i - 1) * h + j);
				add_link(b, x, y);
				snprintf(y, sizeof(y), "e%u-%u", pd, j);
				add_link(b, x, y);
			}
			snprintf(x, sizeof(x), "e%u-%u", pd, i);
			for (unsigned j = 1; j <= h; j++) {
				snprintf(y, sizeof(y), "h%u-%u-%u", pd, i, j);
				add_link(b, x, y);
			}
		}
}

int gen_topology(const struct gen_opts *o, char **ret, const char **ret_problem)
{
	struct buf b = {.cap = 4096};
	const char *kind;
	int r;

	r = check(o, ret_problem);
	if (r < 0)
		return r;
	if (o->node_kind >= 0)
		kind = topo_kind_name(o->node_kind);
	else
		kind = o->shape == GEN_STAR ? "host" : "router";
	b.s = xmalloc(b.cap);
	b.s[0] = '\0';

	put(&b, "{\n  \"name\": \"");
	if (o->name)
		put(&b, "%s", o->name);
	else
		switch (o->shape) {
		case GEN_GRID:
			put(&b, "grid%ux%u", o->rows, o->cols);
			break;
		case GEN_TREE:
			put(&b, "tree%ux%u", o->depth, o->fanout);
			break;
		case GEN_FATTREE:
			put(&b, "fattree%u", o->n);
			break;
		case GEN_CLOS:
			put(&b, "clos%ux%u", o->spines, o->leaves);
			break;
		default: {
			static const char *const names[] = {"line", "ring", "star", "tree", "grid", "fattree", "full", "clos"};

			put(&b, "%s%u", names[o->shape], o->n);
		}
		}
	put(&b, "\",\n  \"addressing\": { \"p2p\": \"10.128.0.0/9\", \"lan\": \"10.64.0.0/10\", \"loopback\": \"10.0.0.0/16\"%s },\n",
	    o->ipv6 ? ", \"ipv6\": \"2001:db8::/32\"" : "");
	if (o->routing_static)
		put(&b, "  \"routing\": \"static\",\n");
	put(&b, "  \"nodes\": {");
	b.first = true;

	switch (o->shape) {
	case GEN_LINE:
	case GEN_RING:
	case GEN_FULL:
		gen_chain(&b, o, kind);
		break;
	case GEN_STAR:
		gen_star(&b, o, kind);
		break;
	case GEN_GRID:
		gen_grid(&b, o, kind);
		break;
	case GEN_TREE:
		gen_tree(&b, o, kind);
		break;
	case GEN_CLOS:
		gen_clos(&b, o);
		break;
	case GEN_FATTREE:
		gen_fattree(&b, o, kind);
		break;
	}
	put(&b, "\n  ]\n}\n");
	*ret = b.s;
	return 0;
}
