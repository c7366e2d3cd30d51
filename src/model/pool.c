/* SPDX-License-Identifier: MIT */
#include "pool.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* A member of a segment: one interface of a node. */
struct member {
	size_t node, iface;
	size_t order; /* the member's place in link order */
	bool router;
};

struct segment {
	char *key; /* "a:eth0--b:eth0" or the LAN's first switch name, for messages */
	bool lan;
	size_t first_link; /* the first link of the segment: placement order */
	struct member *m;
	size_t n, cap;
};

/* Subnets taken: explicit ones (any length) and those handed out. */
struct taken {
	struct prefix *v;
	size_t n, cap;
};

static bool is_taken(const struct taken *tk, const struct prefix *p)
{
	for (size_t i = 0; i < tk->n; i++)
		if (prefix_overlaps(&tk->v[i], p))
			return true;
	return false;
}

static void take(struct taken *tk, const struct prefix *p)
{
	GROW(tk->v, tk->cap, tk->n + 1);
	tk->v[tk->n++] = prefix_network(p);
}

/* A set of used slot numbers (open addressing), for pools handing out one length. */
struct slots {
	uint64_t *v; /* slot + 1; 0 is empty */
	size_t cap, n;
};

static bool slots_has(const struct slots *s, uint64_t slot)
{
	if (!s->cap)
		return false;
	for (size_t i = (slot * 11400714819323198485ull) & (s->cap - 1); s->v[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->v[i] == slot + 1)
			return true;
	return false;
}

static void slots_add(struct slots *s, uint64_t slot)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct slots bigger = {.cap = s->cap ? s->cap * 2 : 64};

		bigger.v = xcalloc(bigger.cap, sizeof(uint64_t));
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				slots_add(&bigger, s->v[i] - 1);
		free(s->v);
		*s = bigger;
	}
	for (size_t i = (slot * 11400714819323198485ull) & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (!s->v[i]) {
			s->v[i] = slot + 1;
			s->n++;
			return;
		}
}

#define POOL_MAX_PROBES (1u << 20)

struct pool {
	const char *name; /* for messages: "addressing.p2p" */
	const struct topo_pool *cfg;
	struct slots used;
	uint64_t reserved_slot0; /* the IPv6 pool keeps its first /64 for loopbacks */
	/* LANs come in several lengths: their subnets also go to the taken list */
	bool mixed_lengths;
	/* per prefix length: the first slot not yet looked at */
	uint64_t next[129];
};

/*
 * The first free subnet of length len in the pool, after those handed out
 * before: in the order of the calls, from the pool's start.
 * Return: 0, or -ENOSPC when the pool has no free subnet of that length.
 */
static int pool_take(struct pool *pl, int len, struct taken *tk, struct prefix *ret)
{
	const struct prefix *pp = &pl->cfg->prefix;
	int width = len - pp->len;
	uint64_t nslots = width >= 64 ? UINT64_MAX : (1ull << width);
	uint64_t slot, tries;
	struct prefix cand;

	if (width < 0)
		return -ENOSPC;
	/* an explicit prefix as large as the pool leaves nothing to hand out */
	for (size_t i = 0; i < tk->n; i++)
		if (tk->v[i].len <= pp->len && prefix_overlaps(&tk->v[i], pp))
			return -ENOSPC;
	slot = pl->next[len];
	/* bounded: past a million taken or blocked places the pool is as good as full */
	for (tries = 0; slot < nslots && tries < POOL_MAX_PROBES; tries++, slot++) {
		if (pl->reserved_slot0 && slot == 0)
			continue;
		if (slots_has(&pl->used, slot))
			continue;
		if (prefix_subnet(pp, len, slot, &cand) < 0)
			continue;
		if (is_taken(tk, &cand))
			continue;
		slots_add(&pl->used, slot);
		if (pl->mixed_lengths)
			take(tk, &cand);
		pl->next[len] = slot + 1;
		*ret = cand;
		return 0;
	}
	pl->next[len] = slot;
	return -ENOSPC;
}

static bool has_family(const struct topo_iface *ifc, int family)
{
	for (size_t i = 0; i < ifc->n_addrs; i++)
		if (ifc->addrs[i].addr.family == family)
			return true;
	return false;
}

static const struct prefix *first_of_family(const struct topo_iface *ifc, int family)
{
	for (size_t i = 0; i < ifc->n_addrs; i++)
		if (ifc->addrs[i].addr.family == family)
			return &ifc->addrs[i];
	return NULL;
}

static void add_addr(struct topo_iface *ifc, const struct prefix *p)
{
	topo_iface_add_addr(ifc, p, -1);
}

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->router != y->router)
		return x->router ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static int cmp_segment(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	return (x->first_link > y->first_link) - (x->first_link < y->first_link);
}

static size_t uf_find(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void add_member(struct segment *s, const struct topo *t, size_t link, size_t node,
		       size_t iface)
{
	if (link < s->first_link)
		s->first_link = link;
	GROW(s->m, s->cap, s->n + 1);
	s->m[s->n] = (struct member){node, iface, s->n, t->nodes[node].kind == TOPO_ROUTER};
	s->n++;
}

/*
 * Point-to-point links and switched LANs, in the order of their first link;
 * in each, routers first, then the other members, each in link order.
 */
static struct segment *find_segments(const struct topo *t, size_t *ret_n)
{
	size_t *parent = xcalloc(t->n_nodes ? t->n_nodes : 1, sizeof(size_t));
	size_t *lan_of = xcalloc(t->n_nodes ? t->n_nodes : 1, sizeof(size_t));
	struct segment *segs = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		parent[i] = i;
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		size_t a = l->ep[0].node, b = l->ep[1].node;

		if (t->nodes[a].kind == TOPO_SWITCH && t->nodes[b].kind == TOPO_SWITCH)
			parent[uf_find(parent, a)] = uf_find(parent, b);
	}
	/* one LAN per component of switches, keyed by its first switch name */
	for (size_t i = 0; i < t->n_nodes; i++)
		lan_of[i] = (size_t)-1;
	for (size_t i = 0; i < t->n_nodes; i++) {
		size_t root;

		if (t->nodes[i].kind != TOPO_SWITCH)
			continue;
		root = uf_find(parent, i);
		if (lan_of[root] == (size_t)-1) {
			GROW(segs, cap, n + 1);
			segs[n] = (struct segment){.key = xstrdup(t->nodes[i].name), .lan = true,
						   .first_link = SIZE_MAX};
			lan_of[root] = n++;
		} else if (strcmp(t->nodes[i].name, segs[lan_of[root]].key) < 0) {
			free(segs[lan_of[root]].key);
			segs[lan_of[root]].key = xstrdup(t->nodes[i].name);
		}
	}
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_endpoint *a = &l->ep[0], *b = &l->ep[1];
		bool sa = t->nodes[a->node].kind == TOPO_SWITCH;
		bool sb = t->nodes[b->node].kind == TOPO_SWITCH;

		if (sa && sb)
			continue;
		if (sa || sb) {
			const struct topo_endpoint *host = sa ? b : a, *sw = sa ? a : b;

			add_member(&segs[lan_of[uf_find(parent, sw->node)]], t, i, host->node,
				   host->iface);
			continue;
		}
		{
			const char *na = t->nodes[a->node].name, *nb = t->nodes[b->node].name;
			const char *ia = t->nodes[a->node].ifaces[a->iface].name;
			const char *ib = t->nodes[b->node].ifaces[b->iface].name;
			bool swap = strcmp(na, nb) > 0;

			GROW(segs, cap, n + 1);
			segs[n] = (struct segment){.first_link = SIZE_MAX};
			segs[n].key = swap ? xasprintf("%s:%s--%s:%s", nb, ib, na, ia) :
					     xasprintf("%s:%s--%s:%s", na, ia, nb, ib);
			add_member(&segs[n], t, i, a->node, a->iface);
			add_member(&segs[n], t, i, b->node, b->iface);
			n++;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (segs[i].n)
			qsort(segs[i].m, segs[i].n, sizeof(*segs[i].m), cmp_member);
	if (n)
		qsort(segs, n, sizeof(*segs), cmp_segment);
	free(parent);
	free(lan_of);
	*ret_n = n;
	return segs;
}

/* Smallest IPv4 LAN prefix length (at most /24) holding members plus network and broadcast. */
static int lan_len(size_t members)
{
	int len = 24;

	while (len > 8 && ((1ull << (32 - len)) - 2) < members)
		len--;
	return len;
}

/* Give members lacking a family an address in net, skipping used host numbers. */
static int fill_hosts(struct topo *t, struct segment *s, const struct prefix *net, int family)
{
	uint64_t next = 1;

	for (size_t i = 0; i < s->n; i++) {
		struct topo_iface *ifc = &t->nodes[s->m[i].node].ifaces[s->m[i].iface];
		struct prefix p;

		if (has_family(ifc, family))
			continue;
		for (;;) {
			bool used = false;

			if (prefix_host(net, next, &p) < 0 || prefix_is_reserved_host(&p))
				return -ENOSPC;
			/* a host number an explicit address of the segment holds is skipped */
			for (size_t j = 0; j < s->n && !used; j++) {
				const struct topo_iface *o =
					&t->nodes[s->m[j].node].ifaces[s->m[j].iface];

				for (size_t k = 0; k < o->n_addrs && !used; k++)
					used = addr_equal(&o->addrs[k].addr, &p.addr);
			}
			next++;
			if (!used)
				break;
		}
		add_addr(ifc, &p);
	}
	return 0;
}

static void exhausted(struct topo_diags *d, const struct topo *t, const struct pool *pl,
		      const char *what, int len)
{
	char buf[PREFIX_STRLEN];

	topo_diag_add(d, TOPO_ERROR,
		      "%s: %s: pool %s is exhausted: no free /%d left for %s (expected a larger prefix)",
		      t->file, pl->name, prefix_format(&pl->cfg->prefix, buf), len, what);
}

static void assign_segments(struct topo *t, struct segment *segs, size_t n, int family,
			    struct taken *tk, struct topo_diags *d)
{
	struct pool p2p = {.name = "addressing.p2p", .cfg = &t->pool_p2p};
	struct pool lan = {.name = "addressing.lan", .cfg = &t->pool_lan, .mixed_lengths = true};
	struct pool v6 = {.name = "addressing.ipv6", .cfg = &t->pool_ipv6, .reserved_slot0 = 1};

	for (size_t i = 0; i < n; i++) {
		struct segment *s = &segs[i];
		const struct prefix *explicit = NULL;
		struct pool *pl;
		struct prefix net;
		int len;

		if (s->n == 0)
			continue;
		for (size_t k = 0; k < s->n && !explicit; k++)
			explicit = first_of_family(&t->nodes[s->m[k].node].ifaces[s->m[k].iface],
						   family);
		if (explicit) {
			net = prefix_network(explicit);
		} else {
			pl = family == AF_INET6 ? &v6 : s->lan ? &lan : &p2p;
			len = family == AF_INET6 ? 64 : s->lan ? lan_len(s->n) : 30;
			if (!pl->cfg->set)
				continue;
			if (pool_take(pl, len, tk, &net) < 0) {
				_cleanup_free_ char *what = xasprintf(
					"%s '%s'", s->lan ? "the LAN of switch" : "link", s->key);

				exhausted(d, t, pl, what, len);
				break;
			}
		}
		if (fill_hosts(t, s, &net, family) < 0) {
			char buf[PREFIX_STRLEN];

			topo_diag_add(d, TOPO_ERROR,
				      "%s: %s '%s': subnet %s has no free address for every member (expected a larger subnet)",
				      t->file, s->lan ? "LAN of switch" : "link", s->key,
				      prefix_format(&net, buf));
		}
	}
	free(p2p.used.v);
	free(lan.used.v);
	free(v6.used.v);
}

/* An IPv4 address as a number, for the set of loopbacks taken. */
static uint64_t v4_number(const struct addr *a)
{
	return (uint64_t)a->bytes[0] << 24 | (uint64_t)a->bytes[1] << 16 |
	       (uint64_t)a->bytes[2] << 8 | a->bytes[3];
}

/* The low 64 bits of an IPv6 address: its host number in a /64. */
static uint64_t v6_host(const struct addr *a)
{
	uint64_t h = 0;

	for (int i = 8; i < 16; i++)
		h = h << 8 | a->bytes[i];
	return h;
}

/* Explicit loopback addresses inside the pools: never handed out. */
static void loopbacks_taken(const struct topo *t, const struct prefix *v6net,
			    struct slots *used4, struct slots *used6)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		ssize_t lo = n->kind == TOPO_ROUTER ? topo_find_iface(n, "lo") : -1;

		for (size_t a = 0; lo >= 0 && a < n->ifaces[lo].n_addrs; a++) {
			const struct prefix *p = &n->ifaces[lo].addrs[a];

			if (p->addr.family == AF_INET && t->pool_loopback.set &&
			    prefix_contains(&t->pool_loopback.prefix, &p->addr))
				slots_add(used4, v4_number(&p->addr));
			if (p->addr.family == AF_INET6 && t->pool_ipv6.set &&
			    prefix_contains(v6net, &p->addr))
				slots_add(used6, v6_host(&p->addr));
		}
	}
}

/* The next free IPv4 loopback from *next on. Return: 0, or -ENOSPC. */
static int next_loopback4(const struct prefix *pool, struct slots *used, uint64_t *next,
			  struct prefix *ret)
{
	int width = 32 - pool->len;
	uint64_t nhosts = 1ull << width;

	for (; *next < nhosts; (*next)++) {
		/* skip the pool's first and last address: they look like network and broadcast */
		if (width >= 2 && (*next == 0 || *next == nhosts - 1))
			continue;
		if (prefix_host(pool, *next, ret) < 0 || slots_has(used, v4_number(&ret->addr)))
			continue;
		slots_add(used, v4_number(&ret->addr));
		ret->len = 32;
		(*next)++;
		return 0;
	}
	return -ENOSPC;
}

/*
 * A /32 from the loopback pool and a /128 from the IPv6 pool's first /64 on
 * lo of every router without one: host numbers 1, 2, ... in node order.
 */
static void assign_loopbacks(struct topo *t, struct topo_diags *d)
{
	struct pool lo4 = {.name = "addressing.loopback", .cfg = &t->pool_loopback};
	struct slots used6 = {0};
	struct prefix v6net = {0};
	uint64_t next4 = 0, next6 = 1;

	if (!lo4.cfg->set && !t->pool_ipv6.set)
		return;
	if (t->pool_ipv6.set)
		prefix_subnet(&t->pool_ipv6.prefix, 64, 0, &v6net);
	loopbacks_taken(t, &v6net, &lo4.used, &used6);
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct topo_node *n = &t->nodes[i];
		ssize_t lo;
		struct topo_iface *ifc;
		struct prefix p;

		if (n->kind != TOPO_ROUTER)
			continue;
		lo = topo_find_iface(n, "lo");
		if (lo < 0) {
			lo = topo_add_iface(n, "lo");
			n->ifaces[lo].declared = true;
		}
		ifc = &n->ifaces[lo];
		if (lo4.cfg->set && !has_family(ifc, AF_INET)) {
			if (next_loopback4(&lo4.cfg->prefix, &lo4.used, &next4, &p) < 0) {
				_cleanup_free_ char *what = xasprintf("the loopback of router '%s'", n->name);

				exhausted(d, t, &lo4, what, 32);
				break;
			}
			add_addr(ifc, &p);
		}
		if (t->pool_ipv6.set && !has_family(ifc, AF_INET6)) {
			while (slots_has(&used6, next6))
				next6++;
			slots_add(&used6, next6);
			prefix_host(&v6net, next6++, &p);
			p.len = 128;
			add_addr(ifc, &p);
		}
	}
	free(lo4.used.v);
	free(used6.v);
}

size_t pool_assign(struct topo *t, struct topo_diags *d)
{
	size_t before = d->n_errors, n = 0;
	struct taken tk = {0};
	struct segment *segs;

	if (!t->pool_p2p.set && !t->pool_lan.set && !t->pool_loopback.set && !t->pool_ipv6.set)
		return 0;
	/* every explicit subnet is taken before anything is handed out */
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t k = 0; k < t->nodes[i].n_ifaces; k++)
			for (size_t a = 0; a < t->nodes[i].ifaces[k].n_addrs; a++)
				take(&tk, &t->nodes[i].ifaces[k].addrs[a]);
	segs = find_segments(t, &n);
	assign_segments(t, segs, n, AF_INET, &tk, d);
	if (t->pool_ipv6.set)
		assign_segments(t, segs, n, AF_INET6, &tk, d);
	assign_loopbacks(t, d);
	for (size_t i = 0; i < n; i++) {
		free(segs[i].key);
		free(segs[i].m);
	}
	free(segs);
	free(tk.v);
	return d->n_errors - before;
}
