/* SPDX-License-Identifier: MIT */
#include "topo.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

#include "util.h"

void topo_diag_add(struct topo_diags *d, enum topo_severity sev, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	GROW(d->v, d->cap, d->n + 1);
	d->v[d->n].severity = sev;
	d->v[d->n].text = s;
	d->n++;
	if (sev == TOPO_ERROR)
		d->n_errors++;
}

void topo_diags_free(struct topo_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	*d = (struct topo_diags){0};
}

struct topo *topo_new(void)
{
	struct topo *t = xcalloc(1, sizeof(struct topo));

	t->vxlan_port = TOPO_VXLAN_PORT;
	return t;
}

static void node_free(struct topo_node *n)
{
	free(n->name);
	free(n->hostname);
	for (size_t i = 0; i < n->n_ifaces; i++) {
		free(n->ifaces[i].addrs);
		free(n->ifaces[i].addr_pos);
	}
	free(n->ifaces);
	for (size_t i = 0; i < n->n_routes; i++)
		free(n->routes[i].extra_via);
	free(n->routes);
	for (size_t i = 0; i < n->n_sysctls; i++) {
		free(n->sysctls[i].key);
		free(n->sysctls[i].value);
	}
	free(n->sysctls);
	for (size_t i = 0; i < n->n_files; i++) {
		free(n->files[i].key);
		free(n->files[i].value);
		if (n->files_host)
			free(n->files_host[i]);
	}
	free(n->files);
	free(n->files_host);
	free(n->files_ro);
	free(n->files_rw);
	for (size_t i = 0; i < n->n_shutdown; i++)
		free(n->shutdown[i]);
	free(n->shutdown);
	for (size_t i = 0; i < n->n_after; i++)
		free(n->after[i]);
	free(n->after);
	free(n->image);
	for (size_t i = 0; i < n->n_labels; i++) {
		free(n->labels[i].key);
		free(n->labels[i].value);
	}
	free(n->labels);
	free(n->shell);
	for (size_t i = 0; i < n->n_env; i++) {
		free(n->env[i].key);
		free(n->env[i].value);
	}
	free(n->env);
	for (size_t i = 0; i < n->n_startup; i++)
		free(n->startup[i]);
	free(n->startup);
	free(n->if_index);
	free(n->host_name);
}

struct topo *topo_free(struct topo *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n_nodes; i++)
		node_free(&t->nodes[i]);
	free(t->nodes);
	free(t->links);
	for (size_t i = 0; i < t->n_expects; i++) {
		struct topo_expect *e = &t->expects[i];

		free(e->from);
		free(e->to);
		free(e->node);
		free(e->text);
		for (size_t k = 0; k < e->n_path; k++)
			free(e->path[k]);
		free(e->path);
	}
	free(t->expects);
	free(t->index);
	free(t->name);
	for (size_t i = 0; i < t->n_meta; i++) {
		free(t->meta[i].key);
		free(t->meta[i].value);
	}
	free(t->meta);
	free(t->shared);
	for (size_t i = 0; i < t->n_hosts; i++) {
		free(t->hosts[i].name);
		free(t->hosts[i].exec);
		free(t->hosts[i].netlab);
	}
	free(t->hosts);
	free(t->file);
	free(t->dir);
	free(t);
	return NULL;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

#define EMPTY ((size_t)-1)

static void index_insert(struct topo *t, size_t node)
{
	size_t mask = t->index_cap - 1;
	size_t i = hash_str(t->nodes[node].name) & mask;

	while (t->index[i] != EMPTY)
		i = (i + 1) & mask;
	t->index[i] = node;
}

static void index_grow(struct topo *t)
{
	size_t cap = t->index_cap ? t->index_cap * 2 : 64;

	free(t->index);
	t->index = xmalloc(cap * sizeof(size_t));
	memset(t->index, 0xff, cap * sizeof(size_t));
	t->index_cap = cap;
	for (size_t i = 0; i < t->n_nodes; i++)
		index_insert(t, i);
}

ssize_t topo_find_node(const struct topo *t, const char *name)
{
	size_t mask, i;

	if (!t->index_cap)
		return -ENOENT;
	mask = t->index_cap - 1;
	for (i = hash_str(name) & mask; t->index[i] != EMPTY; i = (i + 1) & mask)
		if (strcmp(t->nodes[t->index[i]].name, name) == 0)
			return t->index[i];
	return -ENOENT;
}

ssize_t topo_add_node(struct topo *t, const char *name, enum topo_kind kind)
{
	struct topo_node *n;

	if (topo_find_node(t, name) >= 0)
		return -EEXIST;
	GROW(t->nodes, t->cap_nodes, t->n_nodes + 1);
	n = &t->nodes[t->n_nodes];
	*n = (struct topo_node){0};
	n->name = xstrdup(name);
	n->kind = kind;
	n->host = -1;
	t->n_nodes++;
	if ((t->n_nodes + 1) * 2 > t->index_cap)
		index_grow(t);
	else
		index_insert(t, t->n_nodes - 1);
	return t->n_nodes - 1;
}

static void if_index_insert(struct topo_node *n, size_t idx)
{
	size_t mask = n->if_index_cap - 1;
	size_t i = hash_str(n->ifaces[idx].name) & mask;

	while (n->if_index[i] != EMPTY)
		i = (i + 1) & mask;
	n->if_index[i] = idx;
}

ssize_t topo_find_iface(const struct topo_node *n, const char *ifname)
{
	size_t mask, i;

	if (!n->if_index_cap) {
		for (size_t k = 0; k < n->n_ifaces; k++)
			if (strcmp(n->ifaces[k].name, ifname) == 0)
				return k;
		return -ENOENT;
	}
	mask = n->if_index_cap - 1;
	for (i = hash_str(ifname) & mask; n->if_index[i] != EMPTY; i = (i + 1) & mask)
		if (strcmp(n->ifaces[n->if_index[i]].name, ifname) == 0)
			return n->if_index[i];
	return -ENOENT;
}

void topo_iface_add_addr(struct topo_iface *ifc, const struct prefix *p, int pos)
{
	size_t cap = ifc->cap_addrs;

	GROW(ifc->addrs, ifc->cap_addrs, ifc->n_addrs + 1);
	if (ifc->cap_addrs != cap || !ifc->addr_pos)
		ifc->addr_pos = xreallocarray(ifc->addr_pos, ifc->cap_addrs, sizeof(int));
	ifc->addrs[ifc->n_addrs] = *p;
	ifc->addr_pos[ifc->n_addrs] = pos;
	ifc->n_addrs++;
}

size_t topo_add_iface(struct topo_node *n, const char *ifname)
{
	struct topo_iface *i;

	GROW(n->ifaces, n->cap_ifaces, n->n_ifaces + 1);
	i = &n->ifaces[n->n_ifaces];
	*i = (struct topo_iface){0};
	strscpy(i->name, ifname, sizeof(i->name));
	i->link = -1;
	n->n_ifaces++;
	/* a hash index once a node has many interfaces */
	if (n->n_ifaces > 16 && n->n_ifaces * 2 > n->if_index_cap) {
		size_t cap = n->if_index_cap ? n->if_index_cap * 2 : 64;

		free(n->if_index);
		n->if_index = xmalloc(cap * sizeof(size_t));
		memset(n->if_index, 0xff, cap * sizeof(size_t));
		n->if_index_cap = cap;
		for (size_t k = 0; k < n->n_ifaces; k++)
			if_index_insert(n, k);
	} else if (n->if_index_cap)
		if_index_insert(n, n->n_ifaces - 1);
	return n->n_ifaces - 1;
}

void topo_next_ifname(const struct topo_node *n, char buf[TOPO_IFNAMSIZ])
{
	unsigned start = 0;

	topo_next_ifname_from(n, &start, buf);
}

void topo_next_ifname_from(const struct topo_node *n, unsigned *start, char buf[TOPO_IFNAMSIZ])
{
	for (unsigned k = *start;; k++) {
		ssize_t i;

		snprintf(buf, TOPO_IFNAMSIZ, "eth%u", k);
		i = topo_find_iface(n, buf);
		if (i < 0 || (n->ifaces[i].link < 0 && !n->ifaces[i].named_by_link)) {
			*start = k + 1;
			return;
		}
	}
}

static const char *const kind_names[] = {
	[TOPO_HOST] = "host",
	[TOPO_ROUTER] = "router",
	[TOPO_SWITCH] = "switch",
};

const char *topo_kind_name(enum topo_kind k)
{
	return (size_t)k < ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

int topo_kind_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -EINVAL;
}

char *topo_subst(const char *s, const char *node, const char *lab)
{
	static const struct {
		const char *var;
		size_t len;
	} vars[] = {{"${node}", 7}, {"${lab}", 6}};
	const char *val[] = {node, lab};
	size_t cap = strlen(s) + 1, n = 0;
	char *out = xmalloc(cap);

	while (*s) {
		const char *put = s;
		size_t put_len = 1, skip = 1;

		if (strncmp(s, "$${", 3) == 0) {
			put = "${";
			put_len = 2;
			skip = 3;
		} else {
			for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
				if (strncmp(s, vars[i].var, vars[i].len) == 0) {
					put = val[i];
					put_len = strlen(val[i]);
					skip = vars[i].len;
					break;
				}
		}
		if (n + put_len + 1 > cap) {
			cap = (n + put_len + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + n, put, put_len);
		n += put_len;
		s += skip;
	}
	out[n] = '\0';
	return out;
}

const char *topo_lab_name_problem(const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return "is empty";
	if (len > TOPO_LAB_NAME_MAX)
		return "is longer than 32 characters";
	for (const char *p = s; *p; p++)
		if (!isascii((unsigned char)*p) ||
		    !(isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
			return "may only contain letters, digits, '-' and '_'";
	return NULL;
}

int topo_end_parse(const char *s, struct topo_end *ret)
{
	const char *colon = strrchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);

	*ret = (struct topo_end){0};
	if (len == 0 || len > TOPO_NODE_NAME_MAX || (colon && (!colon[1] || strlen(colon + 1) >= TOPO_IFNAMSIZ)))
		return -EINVAL;
	memcpy(ret->node, s, len);
	if (colon)
		strscpy(ret->ifname, colon + 1, sizeof(ret->ifname));
	return 0;
}

const char *topo_end_format(const struct topo_end *e, char buf[TOPO_END_MAX])
{
	snprintf(buf, TOPO_END_MAX, "%s%s%s", e->node, e->ifname[0] ? ":" : "", e->ifname);
	return buf;
}

bool topo_end_matches(const struct topo_end *e, const struct topo_end *end)
{
	return !strcmp(e->node, end->node) && (!end->ifname[0] || !strcmp(e->ifname, end->ifname));
}

const char *topo_lab_key_problem(const char *s)
{
	const char *at = strchr(s, '@');
	_cleanup_free_ char *lab = NULL;

	if (!at)
		return topo_lab_name_problem(s);
	lab = strndup(s, at - s);
	if (!lab)
		abort();
	if (topo_lab_name_problem(lab) || topo_lab_name_problem(at + 1))
		return "is not a lab name, nor LAB@HOST (a host's share of a lab)";
	return NULL;
}

const char *topo_node_name_problem(const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return "is empty";
	if (len > TOPO_NODE_NAME_MAX)
		return "is longer than 64 characters";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "may not be '.' or '..'";
	for (const char *p = s; *p; p++)
		if (!isascii((unsigned char)*p) ||
		    !(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.'))
			return "may only contain letters, digits, '-', '_' and '.'";
	return NULL;
}

const char *topo_ifname_problem(const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return "is empty";
	if (len >= TOPO_IFNAMSIZ)
		return "is longer than 15 bytes (the kernel's IFNAMSIZ)";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "may not be '.' or '..'";
	for (const char *p = s; *p; p++)
		if (!isascii((unsigned char)*p) || !isgraph((unsigned char)*p) || *p == '/' ||
		    *p == ':')
			return "may not contain '/', ':', white space or non-ASCII bytes";
	return NULL;
}

int topo_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
				      &v[4], &v[5], &end) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) || !isxdigit((unsigned char)s[i * 3 + 1]))
			return -EINVAL;
		mac[i] = v[i];
	}
	if (mac[0] & 1) /* multicast */
		return -EINVAL;
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EINVAL;
	return 0;
}

int topo_size_parse(const char *s, uint64_t *ret)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1] && !((end[1] == 'B' || end[1] == 'b') && !end[2]) &&
	    !((end[1] == 'i') && (end[2] == 'B') && !end[3]))
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*ret = (uint64_t)v << shift;
	return 0;
}

bool topo_node_isolated(const struct topo_node *n)
{
	return n->iso.pid || n->iso.mount || n->iso.ipc || n->iso.cgroup;
}

/* A non-negative decimal number and what follows it. */
static int number_unit(const char *s, double *ret, const char **unit)
{
	char *end;
	double v;

	if (!*s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || v != v)
		return -EINVAL;
	*ret = v;
	*unit = end;
	return 0;
}

int topo_time_parse(const char *s, uint64_t *ret_ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"", 1e6}, {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
	const char *unit;
	double v;

	if (number_unit(s, &v, &unit) < 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(unit, units[i].unit) == 0) {
			if (v * units[i].ns > 3600e9)
				return -EINVAL;
			*ret_ns = (uint64_t)(v * units[i].ns + 0.5);
			return 0;
		}
	return -EINVAL;
}

int topo_rate_parse(const char *s, uint64_t *ret_bps)
{
	static const struct {
		const char *unit;
		double bps;
	} units[] = {{"bit", 1},       {"kbit", 1e3},	{"mbit", 1e6},	{"gbit", 1e9},
		     {"bps", 8},       {"kbps", 8e3},	{"mbps", 8e6},	{"gbps", 8e9}};
	const char *unit;
	char low[8];
	double v;
	size_t n;

	if (number_unit(s, &v, &unit) < 0)
		return -EINVAL;
	n = strlen(unit);
	if (n == 0 || n >= sizeof(low))
		return -EINVAL;
	for (size_t i = 0; i <= n; i++)
		low[i] = tolower((unsigned char)unit[i]);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(low, units[i].unit) == 0) {
			double bps = v * units[i].bps;

			if (bps < 8 || bps > 1e12)
				return -EINVAL;
			*ret_bps = (uint64_t)bps;
			return 0;
		}
	return -EINVAL;
}

int topo_percent_parse(const char *s, double *ret)
{
	const char *unit;
	double v;

	if (number_unit(s, &v, &unit) < 0 || strcmp(unit, "%") || v > 100)
		return -EINVAL;
	*ret = v;
	return 0;
}

char *topo_impair_format(const struct topo_impair *im, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (im->delay_ns)
		len += snprintf(buf + len, size - len, "%sdelay %.3gms", len ? " " : "",
				im->delay_ns / 1e6);
	if (im->jitter_ns && len < size)
		len += snprintf(buf + len, size - len, "%sjitter %.3gms", len ? " " : "",
				im->jitter_ns / 1e6);
	if (im->loss > 0 && len < size)
		len += snprintf(buf + len, size - len, "%sloss %.3g%%", len ? " " : "", im->loss);
	if (im->rate_bps && len < size)
		snprintf(buf + len, size - len, "%srate %.4gmbit", len ? " " : "", im->rate_bps / 1e6);
	return buf;
}

void topo_netns_name(const char *lab, const char *node, char *buf)
{
	snprintf(buf, TOPO_NETNS_MAX, "%s.%s", lab, node);
}
