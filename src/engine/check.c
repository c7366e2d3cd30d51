/* SPDX-License-Identifier: MIT */
#include "check.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>

#include "engine_impl.h"
#include "lab.h"
#include "netlink.h"
#include "ns.h"
#include "probe.h"
#include "rootless.h"
#include "util.h"

/* Addresses worth probing: not loopback, not link-local. */
static bool probe_worthy_net(const char *cidr, struct prefix *ret)
{
	struct prefix p;

	if (prefix_parse(cidr, &p) < 0 || addr_is_link_local(&p.addr))
		return false;
	if (p.addr.family == AF_INET && p.addr.bytes[0] == 127)
		return false;
	if (p.addr.family == AF_INET6) {
		static const uint8_t lo6[16] = {[15] = 1};

		if (!memcmp(p.addr.bytes, lo6, 16))
			return false;
	}
	*ret = p;
	return true;
}

static bool probe_worthy(const char *cidr, struct addr *ret)
{
	struct prefix p;

	if (!probe_worthy_net(cidr, &p))
		return false;
	*ret = p.addr;
	return true;
}

static int open_netns(const char *lab, const struct status_node *n, struct lab_err **err)
{
	_cleanup_free_ char *path = ns_node_netns(lab, n->name, n->netns);

	return ns_open(path, err);
}

static bool routable(const struct status_node *n)
{
	return strcmp(n->kind, "switch") != 0 && n->present;
}

/* A --from or --to pattern must name at least one node that can ping. */
static int check_filter(const struct status_lab *l, const char *opt, const char *patterns,
			struct lab_err **err)
{
	if (!patterns)
		return 0;
	for (size_t i = 0; i < l->n_nodes; i++)
		if (routable(&l->nodes[i]) && pingall_match(patterns, l->nodes[i].name))
			return 0;
	return err_make_kind(err, ERR_USAGE, EINVAL, "%s '%s' matches no running node of lab '%s'", opt,
			     patterns, l->name);
}

/* Every pair the filters select: source node i, an address of another node. */
static void list_pairs(const struct status_lab *l, const struct check_ping_opts *o,
		       struct check_matrix *m, size_t **ret_src)
{
	size_t cap = 0, scap = 0;

	for (size_t i = 0; i < l->n_nodes; i++) {
		if (!routable(&l->nodes[i]) || !pingall_match(o->from, l->nodes[i].name))
			continue;
		m->nodes = xreallocarray(m->nodes, m->n_nodes + 1, sizeof(char *));
		m->nodes[m->n_nodes++] = xstrdup(l->nodes[i].name);
		for (size_t j = 0; j < l->n_nodes + o->n_peers; j++) {
			const struct status_node *d = j < l->n_nodes ? &l->nodes[j] : &o->peers[j - l->n_nodes];

			if (j == i || !routable(d) || !pingall_match(o->to, d->name))
				continue;
			for (size_t k = 0; k < d->n_ifaces; k++)
				for (size_t a = 0; a < d->ifaces[k].n_addrs; a++) {
					struct prefix p;
					struct check_pair *cp;

					if (!probe_worthy_net(d->ifaces[k].addrs[a], &p))
						continue;
					m->pairs = grow_array(m->pairs, &cap, m->n_pairs + 1, sizeof(*m->pairs));
					*ret_src = grow_array(*ret_src, &scap, m->n_pairs + 1, sizeof(size_t));
					(*ret_src)[m->n_pairs] = i;
					cp = &m->pairs[m->n_pairs++];
					*cp = (struct check_pair){.from = xstrdup(l->nodes[i].name),
								  .to = xstrdup(d->name),
								  .net = prefix_network(&p)};
					addr_format(&p.addr, cp->address);
				}
		}
	}
	m->n_all = m->n_pairs;
}

/* Keep a random sample of the pairs (in their order). */
static void sample_pairs(struct check_matrix *m, size_t *src, size_t k, uint64_t seed)
{
	_cleanup_free_ size_t *keep = NULL;
	size_t n, next = 0;

	if (!k || k >= m->n_pairs)
		return;
	keep = xcalloc(k, sizeof(size_t));
	n = pingall_sample(m->n_pairs, k, seed, keep);
	for (size_t i = 0, w = 0; i < m->n_pairs; i++) {
		if (next < n && keep[next] == i) {
			m->pairs[w] = m->pairs[i];
			src[w++] = src[i];
			next++;
			continue;
		}
		free(m->pairs[i].from);
		free(m->pairs[i].to);
	}
	m->n_pairs = n;
}

/* Probe the listed pairs from their sources' namespaces. */
static int probe_pairs(const struct status_lab *l, struct check_matrix *m, const size_t *src,
		       const struct check_ping_opts *o, struct lab_err **err)
{
	_cleanup_free_ struct probe *probes = xcalloc(m->n_pairs ? m->n_pairs : 1, sizeof(*probes));
	_cleanup_free_ int *fds = xcalloc(l->n_nodes ? l->n_nodes : 1, sizeof(int));
	int r = 0;

	for (size_t i = 0; i < l->n_nodes; i++)
		fds[i] = -1;
	for (size_t i = 0; i < m->n_pairs && r >= 0; i++) {
		if (fds[src[i]] < 0) {
			fds[src[i]] = open_netns(l->name, &l->nodes[src[i]], err);
			r = fds[src[i]];
		}
		probes[i] = (struct probe){.netns_fd = fds[src[i]]};
		addr_parse(m->pairs[i].address, &probes[i].dst);
	}
	if (r >= 0)
		r = probe_run(probes, m->n_pairs, o->timeout_ms > 0 ? o->timeout_ms : 1000,
			      o->tries > 0 ? o->tries : 3, err);
	for (size_t i = 0; i < m->n_pairs && r >= 0; i++) {
		m->pairs[i].ok = probes[i].replied;
		m->pairs[i].answered = probes[i].answered && !probes[i].replied;
		m->failed += !probes[i].replied;
	}
	for (size_t i = 0; i < l->n_nodes; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

int check_ping_all(const char *lab, const struct check_ping_opts *o, struct check_matrix *ret,
		   struct lab_err **err)
{
	static const struct check_ping_opts defaults = {0};
	struct status_lab *labs = NULL;
	struct check_matrix m = {0};
	_cleanup_free_ size_t *src = NULL;
	size_t nl = 0;
	int r;

	if (!o)
		o = &defaults;
	/* a user's lab: the probes' sockets are made inside it */
	r = lab ? rootless_join(lab, err) : 0;
	if (r < 0)
		return r;
	r = lab_status(lab, &labs, &nl, err);
	if (r < 0)
		return r;
	if (nl != 1) {
		lab_status_free(labs, nl);
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", lab);
	}
	r = check_filter(&labs[0], "--from", o->from, err);
	if (r >= 0)
		r = check_filter(&labs[0], "--to", o->to, err);
	if (r >= 0) {
		m.lab = xstrdup(labs[0].name);
		list_pairs(&labs[0], o, &m, &src);
		sample_pairs(&m, src, o->sample, o->seed);
		r = probe_pairs(&labs[0], &m, src, o, err);
	}
	if (r >= 0) {
		*ret = m;
		m = (struct check_matrix){0};
	}
	check_matrix_free(&m);
	lab_status_free(labs, nl);
	return r < 0 ? r : 0;
}

void check_matrix_free(struct check_matrix *m)
{
	for (size_t i = 0; i < m->n_nodes; i++)
		free(m->nodes[i]);
	for (size_t i = 0; i < m->n_pairs; i++) {
		free(m->pairs[i].from);
		free(m->pairs[i].to);
	}
	free(m->nodes);
	free(m->pairs);
	free(m->lab);
	*m = (struct check_matrix){0};
}

static const struct status_node *find(const struct status_lab *l, const char *name)
{
	for (size_t i = 0; i < l->n_nodes; i++)
		if (!strcmp(l->nodes[i].name, name))
			return &l->nodes[i];
	return NULL;
}

/* The node that owns an address in the running lab, or NULL. */
static const char *owner(const struct status_lab *l, const struct addr *a)
{
	for (size_t i = 0; i < l->n_nodes; i++)
		for (size_t k = 0; k < l->nodes[i].n_ifaces; k++)
			for (size_t j = 0; j < l->nodes[i].ifaces[k].n_addrs; j++) {
				struct prefix p;

				if (prefix_parse(l->nodes[i].ifaces[k].addrs[j], &p) == 0 &&
				    addr_equal(&p.addr, a))
					return l->nodes[i].name;
			}
	return NULL;
}

/* Addresses of a target: a node's (both families), or the address itself. */
static size_t targets(const struct status_lab *l, const char *to, struct addr *out, size_t max)
{
	const struct status_node *n = find(l, to);
	size_t k = 0;

	if (!n) {
		if (addr_parse(to, &out[0]) == 0)
			return 1;
		return 0;
	}
	for (size_t i = 0; i < n->n_ifaces; i++)
		for (size_t a = 0; a < n->ifaces[i].n_addrs && k < max; a++)
			if (probe_worthy(n->ifaces[i].addrs[a], &out[k]))
				k++;
	return k;
}

static bool check_reach(const struct topo_expect *e, const struct status_lab *l, int fd,
			char **detail, struct lab_err **err)
{
	struct addr addrs[64];
	struct probe probes[64];
	size_t n = targets(l, e->to, addrs, 64), ok = 0;
	char buf[ADDR_STRLEN];

	if (n == 0) {
		*detail = xasprintf("'%s' has no address to probe", e->to);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		probes[i] = (struct probe){.netns_fd = fd, .dst = addrs[i]};
	if (probe_run(probes, n, 1000, 2, err) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		ok += probes[i].replied;
	if (e->reach && ok == n) {
		*detail = xasprintf("%s reaches %s (%zu address%s)", e->from, e->to, n, n == 1 ? "" : "es");
		return true;
	}
	if (!e->reach && ok == 0) {
		*detail = xasprintf("%s does not reach %s, as expected", e->from, e->to);
		return true;
	}
	for (size_t i = 0; i < n; i++)
		if (probes[i].replied != e->reach) {
			*detail = xasprintf(e->reach ? "%s does not reach %s: no reply from %s (%zu of %zu addresses answered)" :
						       "%s reaches %s: %s answered (expected no reply)",
					    e->from, e->to, addr_format(&addrs[i], buf), ok, n);
			break;
		}
	return false;
}

#define MAX_HOPS 16

static bool check_path(const struct topo_expect *e, const struct status_lab *l, int fd,
		       char **detail, struct lab_err **err)
{
	struct addr addrs[64], dst;
	struct probe probes[MAX_HOPS];
	size_t n = targets(l, e->to, addrs, 64), hops = 0;
	char *seen[MAX_HOPS];
	_cleanup_free_ char *got = NULL, *want = NULL;
	bool reached = false, same;

	if (n == 0) {
		*detail = xasprintf("'%s' has no address to trace to", e->to);
		return false;
	}
	dst = addrs[0];
	for (size_t i = 0; i < n; i++)
		if (addrs[i].family == AF_INET) {
			dst = addrs[i];
			break;
		}
	for (int t = 0; t < MAX_HOPS; t++)
		probes[t] = (struct probe){.netns_fd = fd, .dst = dst, .ttl = t + 1};
	if (probe_run(probes, MAX_HOPS, 1000, 2, err) < 0)
		return false;
	for (int t = 0; t < MAX_HOPS && !reached; t++) {
		const char *who;

		if (probes[t].replied) {
			reached = true;
			break;
		}
		who = probes[t].answered ? owner(l, &probes[t].from) : NULL;
		seen[hops++] = (char *)(who ? who : "*");
	}
	got = xstrdup("");
	for (size_t i = 0; i < hops; i++) {
		char *s = xasprintf("%s%s%s", got, i ? " " : "", seen[i]);

		free(got);
		got = s;
	}
	want = xstrdup("");
	for (size_t i = 0; i < e->n_path; i++) {
		char *s = xasprintf("%s%s%s", want, i ? " " : "", e->path[i]);

		free(want);
		want = s;
	}
	same = reached && !strcmp(got, want);
	if (!reached)
		*detail = xasprintf("%s -> %s: no reply within %d hops (seen: %s)", e->from, e->to,
				    MAX_HOPS, got[0] ? got : "nothing");
	else
		*detail = xasprintf("%s -> %s crosses [%s]%s%s%s", e->from, e->to, got,
				    same ? "" : " (expected [", same ? "" : want, same ? "" : "])");
	return same;
}

static bool check_route(const struct topo_expect *e, const struct status_lab *l, char **detail,
			struct lab_err **err)
{
	const struct status_node *n = find(l, e->node);
	_cleanup_(netlink_closep) struct netlink *nl = NULL;
	_cleanup_free_ struct netlink_route_info *routes = NULL;
	_cleanup_free_ char *path = NULL;
	size_t nr = 0;
	char buf[PREFIX_STRLEN], vbuf[ADDR_STRLEN];
	int r;

	if (!n || !n->present) {
		*detail = xasprintf("node '%s' is not running", e->node);
		return false;
	}
	path = ns_node_netns(l->name, n->name, n->netns);
	r = engine_netlink_at(path, &nl, err);
	if (r < 0 || netlink_list_routes(nl, e->route.addr.family, &routes, &nr, err) < 0)
		return false;
	for (size_t i = 0; i < nr; i++) {
		if (routes[i].to.len != e->route.len || !addr_equal(&routes[i].to.addr, &e->route.addr))
			continue;
		if (!e->has_via) {
			*detail = xasprintf("%s has a route to %s", e->node, prefix_format(&e->route, buf));
			return true;
		}
		for (int v = 0; v < routes[i].n_vias; v++)
			if (addr_equal(&routes[i].vias[v], &e->via)) {
				*detail = xasprintf("%s routes %s via %s", e->node,
						    prefix_format(&e->route, buf), addr_format(&e->via, vbuf));
				return true;
			}
		*detail = xasprintf("%s routes %s, but not via %s", e->node, prefix_format(&e->route, buf),
				    addr_format(&e->via, vbuf));
		return false;
	}
	*detail = xasprintf("%s has no route to %s", e->node, prefix_format(&e->route, buf));
	return false;
}

int check_expectations(const struct topo *t, struct check_result *results, struct lab_err **err)
{
	struct status_lab *labs = NULL;
	size_t nl = 0;
	int failed = 0, r;

	/* a user's lab: the checks' sockets are made inside it */
	r = rootless_join(t->name, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n_expects; i++) {
		const struct topo_expect *e = &t->expects[i];
		double end = now_sec() + e->within_ms / 1000.0;
		bool pass = false;
		char *detail = NULL;

		for (;;) {
			const struct status_node *from;
			_cleanup_close_ int fd = -EBADF;

			r = lab_status(t->name, &labs, &nl, err);
			if (r < 0)
				return r;
			free(detail);
			detail = NULL;
			from = e->from ? find(&labs[0], e->from) : NULL;
			if (e->kind == TOPO_EXPECT_ROUTE)
				pass = check_route(e, &labs[0], &detail, err);
			else if (!from || !from->present)
				detail = xasprintf("node '%s' is not running", e->from ? e->from : "?");
			else {
				fd = open_netns(labs[0].name, from, err);
				if (fd >= 0)
					pass = e->kind == TOPO_EXPECT_REACH ?
						       check_reach(e, &labs[0], fd, &detail, err) :
						       check_path(e, &labs[0], fd, &detail, err);
			}
			lab_status_free(labs, nl);
			labs = NULL;
			if (*err) {
				free(detail);
				return -(*err)->code;
			}
			if (pass || now_sec() >= end)
				break;
			nanosleep(&(struct timespec){0, 500 * 1000 * 1000}, NULL);
		}
		results[i].pass = pass;
		results[i].detail = detail ? detail : xstrdup("");
		failed += !pass;
	}
	return failed;
}
