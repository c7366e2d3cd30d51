/* SPDX-License-Identifier: MIT */
#include "draw.h"

#include <stdarg.h>
#include <stdio.h>

#include "util.h"

struct out {
	char *s;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) _printf_(2, 3);
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < o->cap - o->len)
			break;
		o->cap = (o->cap + n + 1) * 2;
		o->s = xrealloc(o->s, o->cap);
	}
	o->len += n;
}

static struct out out_new(void)
{
	struct out o = {.cap = 1024};

	o.s = xmalloc(o.cap);
	o.s[0] = '\0';
	return o;
}

/* The subnets of a link: the networks of its non-switch ends' addresses, once each. */
static void link_subnets(const struct topo *t, const struct topo_link *l, char *buf, size_t size,
			 const char *sep)
{
	struct prefix seen[16];
	size_t n = 0, len = 0;

	buf[0] = '\0';
	for (int k = 0; k < 2; k++) {
		const struct topo_node *nd = &t->nodes[l->ep[k].node];
		const struct topo_iface *f = &nd->ifaces[l->ep[k].iface];

		if (nd->kind == TOPO_SWITCH)
			continue;
		for (size_t a = 0; a < f->n_addrs && n < ARRAY_SIZE(seen); a++) {
			struct prefix net = prefix_network(&f->addrs[a]);
			char p[PREFIX_STRLEN];
			bool dup = false;

			if (addr_is_link_local(&net.addr))
				continue;
			for (size_t i = 0; i < n && !dup; i++)
				dup = net.len == seen[i].len && addr_equal(&net.addr, &seen[i].addr);
			if (dup)
				continue;
			seen[n++] = net;
			len += snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? sep : "",
					prefix_format(&net, p));
			if (len >= size)
				return;
		}
	}
}

/* A DOT string literal: quotes and backslashes escaped. */
/*
 * Each node's tier: hops from the nearest host (hosts are 0, the leaves above
 * them 1, the spines 2), -1 for a node no host reaches. Return: the highest
 * tier, or -1 when the lab has no host (nothing to lay out by tier).
 */
static int node_tiers(const struct topo *t, int *tier)
{
	size_t nn = t->n_nodes, head = 0, tail = 0;
	_cleanup_free_ size_t *first = xcalloc(nn + 1, sizeof(size_t));
	_cleanup_free_ size_t *adj = xcalloc(2 * t->n_links + 1, sizeof(size_t));
	_cleanup_free_ size_t *fill = xcalloc(nn + 1, sizeof(size_t));
	_cleanup_free_ size_t *queue = xcalloc(nn + 1, sizeof(size_t));
	int top = -1;

	/* neighbours of each node, packed: adj[first[i] .. first[i + 1]) */
	for (size_t i = 0; i < t->n_links; i++)
		for (int k = 0; k < 2; k++)
			first[t->links[i].ep[k].node + 1]++;
	for (size_t i = 0; i < nn; i++)
		first[i + 1] += first[i];
	for (size_t i = 0; i < t->n_links; i++)
		for (int k = 0; k < 2; k++) {
			size_t a = t->links[i].ep[k].node;

			adj[first[a] + fill[a]++] = t->links[i].ep[!k].node;
		}
	for (size_t i = 0; i < nn; i++) {
		tier[i] = t->nodes[i].kind == TOPO_HOST ? 0 : -1;
		if (tier[i] == 0)
			queue[tail++] = i;
	}
	while (head < tail) {
		size_t a = queue[head++];

		if (tier[a] > top)
			top = tier[a];
		for (size_t e = first[a]; e < first[a + 1]; e++)
			if (tier[adj[e]] < 0) {
				tier[adj[e]] = tier[a] + 1;
				queue[tail++] = adj[e];
			}
	}
	return top;
}

/* The ends of l, the upper tier first (Graphviz and Mermaid draw a link's first end above). */
static void upper_first(const struct topo_link *l, const int *tier, bool tiered,
			const struct topo_endpoint **ea, const struct topo_endpoint **eb)
{
	int up = tiered && tier[l->ep[1].node] > tier[l->ep[0].node];

	*ea = &l->ep[up];
	*eb = &l->ep[!up];
}

/* Above this many links, subnets go to the links' tooltips: the picture keeps short labels. */
#define DRAW_LABELLED_LINKS 24

static void dot_str(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s; s++)
		put(o, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	put(o, "\"");
}

char *draw_dot(const struct topo *t)
{
	_cleanup_free_ int *tier = xcalloc(t->n_nodes + 1, sizeof(int));
	int top = node_tiers(t, tier);
	bool tiered = top >= 1, short_labels = t->n_links > DRAW_LABELLED_LINKS;
	struct out o = out_new();

	put(&o, "graph ");
	dot_str(&o, t->name);
	put(&o, " {\n\tgraph [overlap=false, splines=true, fontname=\"Helvetica\"];\n"
		"\tnode [fontname=\"Helvetica\", style=filled];\n"
		"\tedge [fontname=\"Helvetica\", fontsize=9];\n");
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		static const char *const shape[] = {
			[TOPO_HOST] = "shape=box, fillcolor=\"#e8f0fe\"",
			[TOPO_ROUTER] = "shape=ellipse, fillcolor=\"#fde7c8\"",
			[TOPO_SWITCH] = "shape=hexagon, fillcolor=\"#dff5e1\"",
		};

		put(&o, "\t");
		dot_str(&o, n->name);
		put(&o, " [%s, label=", shape[n->kind]);
		if (strcmp(n->hostname, n->name)) {
			_cleanup_free_ char *label = xasprintf("%s\n(%s)", n->name, n->hostname);

			dot_str(&o, label);
		} else
			dot_str(&o, n->name);
		put(&o, "];\n");
	}
	/* by tier, the highest (spines) on top: one rank per tier */
	for (int k = top; tiered && k >= 0; k--) {
		put(&o, "\t{rank=same;");
		for (size_t i = 0; i < t->n_nodes; i++)
			if (tier[i] == k) {
				put(&o, " ");
				dot_str(&o, t->nodes[i].name);
				put(&o, ";");
			}
		put(&o, "}\n");
	}
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_endpoint *ea, *eb;
		const struct topo_node *a, *b;
		char subnets[512];

		upper_first(l, tier, tiered, &ea, &eb);
		a = &t->nodes[ea->node];
		b = &t->nodes[eb->node];
		link_subnets(t, l, subnets, sizeof(subnets), "\n");
		put(&o, "\t");
		dot_str(&o, a->name);
		put(&o, " -- ");
		dot_str(&o, b->name);
		put(&o, " [taillabel=");
		dot_str(&o, a->ifaces[ea->iface].name);
		put(&o, ", headlabel=");
		dot_str(&o, b->ifaces[eb->iface].name);
		if (subnets[0]) {
			put(&o, short_labels ? ", tooltip=" : ", label=");
			dot_str(&o, subnets);
		}
		if (!l->up)
			put(&o, ", style=dashed");
		put(&o, "];\n");
	}
	put(&o, "}\n");
	return o.s;
}

/*
 * A Mermaid id: letters, digits and '_' only. "n_" and the name with letters
 * and digits kept and every other byte as "_" and two hex digits, so that
 * distinct names stay distinct ids: "a.b", "a-b" and "a_b" are n_a_2eb,
 * n_a_2db and n_a_5fb, not one node three times.
 */
static void mermaid_id(struct out *o, const char *name)
{
	put(o, "n_");
	for (; *name; name++) {
		unsigned char c = *name;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			put(o, "%c", c);
		else
			put(o, "_%02x", c);
	}
}

/*
 * Text inside a Mermaid "...": an interface name may hold '"', '#', '<', '>'
 * or '&', which would end the string, start an entity or open a tag; they go
 * as Mermaid's entity codes.
 */
static void mermaid_text(struct out *o, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '"':
			put(o, "#quot;");
			break;
		case '#':
			put(o, "#35;");
			break;
		case '<':
			put(o, "#lt;");
			break;
		case '>':
			put(o, "#gt;");
			break;
		case '&':
			put(o, "#amp;");
			break;
		default:
			put(o, "%c", *s);
		}
	}
}

char *draw_mermaid(const struct topo *t)
{
	_cleanup_free_ int *tier = xcalloc(t->n_nodes + 1, sizeof(int));
	bool tiered = node_tiers(t, tier) >= 1;
	struct out o = out_new();

	/* a fabric top to bottom, spines first; anything else left to right */
	put(&o, tiered ? "graph TB\n" : "graph LR\n");
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		static const char *const open[] = {[TOPO_HOST] = "[\"", [TOPO_ROUTER] = "((\"",
						   [TOPO_SWITCH] = "{{\""};
		static const char *const close[] = {[TOPO_HOST] = "\"]", [TOPO_ROUTER] = "\"))",
						    [TOPO_SWITCH] = "\"}}"};

		put(&o, "  ");
		mermaid_id(&o, n->name);
		put(&o, "%s", open[n->kind]);
		mermaid_text(&o, n->name);
		put(&o, "%s\n", close[n->kind]);
	}
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_endpoint *ea, *eb;
		const struct topo_node *a, *b;
		char subnets[512];

		upper_first(l, tier, tiered, &ea, &eb);
		a = &t->nodes[ea->node];
		b = &t->nodes[eb->node];
		link_subnets(t, l, subnets, sizeof(subnets), "<br/>");
		put(&o, "  ");
		mermaid_id(&o, a->name);
		put(&o, " %s|\"", l->up ? "---" : "-.-");
		mermaid_text(&o, a->ifaces[ea->iface].name);
		put(&o, " - ");
		mermaid_text(&o, b->ifaces[eb->iface].name);
		put(&o, "%s%s\"| ", subnets[0] ? "<br/>" : "", subnets);
		mermaid_id(&o, b->name);
		put(&o, "\n");
	}
	put(&o, "  classDef router fill:#fde7c8\n  classDef host fill:#e8f0fe\n  classDef switch fill:#dff5e1\n");
	for (int k = 0; k < 3; k++) {
		bool first = true;

		for (size_t i = 0; i < t->n_nodes; i++) {
			if ((int)t->nodes[i].kind != k)
				continue;
			put(&o, first ? "  class " : ",");
			mermaid_id(&o, t->nodes[i].name);
			first = false;
		}
		if (!first)
			put(&o, " %s\n", topo_kind_name(k));
	}
	return o.s;
}
