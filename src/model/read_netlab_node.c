/* SPDX-License-Identifier: MIT */
/* The netlab JSON reader: nodes, their interfaces and options, and the defaults. */
#include "read_netlab.h"

#include <ctype.h>
#include <limits.h>

#include "topo_hint.h"

static const char *const node_keys[] = {"kind",	  "hostname", "interfaces", "routes",
					"sysctls", "stp",      "hub",        "isolation",
					"limits",  "files",    "env",        "startup",
					"routing", "shutdown", "after", "image", "shell",
					"labels", "startup_on_error", "host", NULL};
static const char *const node_reserved[] = {NULL};

static void parse_iface(struct parse *p, const char *path, struct topo_node *n, const char *ifname,
			json_t *j)
{
	static const char *const keys[] = {"addresses", "mtu", "mac", NULL};
	const char *problem = topo_ifname_problem(ifname);
	struct topo_iface *ifc;
	size_t ii;
	json_t *v;

	if (problem) {
		nj_perr(p, path, "interface name '%s' %s", ifname, problem);
		return;
	}
	if (!nj_want(p, path, j, JSON_OBJECT, "an object with addresses, mtu, mac"))
		return;
	nj_check_keys(p, path, j, keys, NULL);
	ii = topo_add_iface(n, ifname);
	ifc = &n->ifaces[ii];
	ifc->declared = true;

	v = json_object_get(j, "addresses");
	if (v) {
		_cleanup_free_ char *apath = xasprintf("%s.addresses", path);
		size_t i;
		json_t *a;

		if (nj_want(p, apath, v, JSON_ARRAY, "an array of CIDR strings")) {
			json_array_foreach(v, i, a) {
				_cleanup_free_ char *ipath = xasprintf("%s[%zu]", apath, i);
				struct prefix pfx;

				if (!nj_want(p, ipath, a, JSON_STRING, "a CIDR string"))
					continue;
				if (prefix_parse(json_string_value(a), &pfx) < 0) {
					nj_perr(p, ipath,
					     "\"%s\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)",
					     json_string_value(a));
					continue;
				}
				topo_iface_add_addr(ifc, &pfx, (int)i);
			}
		}
	}
	v = json_object_get(j, "mtu");
	if (v) {
		_cleanup_free_ char *mpath = xasprintf("%s.mtu", path);
		long long mtu;

		if (nj_get_int(p, mpath, v, 68, 65535, &mtu))
			ifc->mtu = mtu;
	}
	v = json_object_get(j, "mac");
	if (v) {
		_cleanup_free_ char *mpath = xasprintf("%s.mac", path);

		if (nj_want(p, mpath, v, JSON_STRING, "a MAC address string")) {
			if (topo_mac_parse(json_string_value(v), ifc->mac) < 0)
				nj_perr(p, mpath,
				     "\"%s\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)",
				     json_string_value(v));
			else
				ifc->has_mac = true;
		}
	}
}

static const char *hostname_problem(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 64)
		return "must be 1 to 64 characters";
	if (s[0] == '-' || s[0] == '.')
		return "may not start with '-' or '.'";
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' || *c == '_'))
			return "may only contain letters, digits, '-', '_' and '.'";
	return NULL;
}

static bool sysctl_key_ok(const char *k)
{
	if (!str_has_prefix(k, "net.") && !str_has_prefix(k, "net/"))
		return false;
	if (strstr(k, "..") || strstr(k, "//") || strstr(k, "/.") || strstr(k, "./"))
		return false;
	for (const char *c = k; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("._-/", *c)))
			return false;
	return k[strlen(k) - 1] != '.' && k[strlen(k) - 1] != '/';
}

static void parse_sysctls(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	const char *key;
	json_t *v;

	if (!nj_want(p, path, j, JSON_OBJECT, "an object of sysctl names to values"))
		return;
	json_object_foreach(j, key, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);
		char *value;

		if (!sysctl_key_ok(key)) {
			nj_perr(p, kpath,
			     "'%s' is not a network sysctl (expected a name under net., such as net.ipv4.ip_forward)",
			     key);
			continue;
		}
		if (json_is_string(v))
			value = xstrdup(json_string_value(v));
		else if (json_is_integer(v))
			value = xasprintf("%lld", (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			value = xstrdup(json_is_true(v) ? "1" : "0");
		else {
			nj_perr(p, kpath, "is %s (expected a string, integer or boolean)",
			     nj_json_type_name(v));
			continue;
		}
		if (strchr(value, '\n')) {
			nj_perr(p, kpath, "value contains a newline (expected one line)");
			free(value);
			continue;
		}
		GROW(n->sysctls, n->cap_sysctls, n->n_sysctls + 1);
		n->sysctls[n->n_sysctls].key = xstrdup(key);
		n->sysctls[n->n_sysctls].value = value;
		n->n_sysctls++;
	}
}

static void parse_isolation(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	static const char *const keys[] = {"pid", "mount", "ipc", "cgroup", NULL};
	bool *flags[] = {&n->iso.pid, &n->iso.mount, &n->iso.ipc, &n->iso.cgroup};

	if (!nj_want(p, path, j, JSON_OBJECT, "an object with pid, mount, ipc, cgroup"))
		return;
	nj_check_keys(p, path, j, keys, NULL);
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(j, keys[i]);
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, keys[i]);

		if (v && nj_want(p, kpath, v, JSON_TRUE, "true or false"))
			*flags[i] = json_is_true(v);
	}
	/* "mount": false alone is the light mode: the host's files and process table */
	if (!n->iso.mount && !json_object_get(j, "pid"))
		n->iso.pid = false;
}

static void parse_limits(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	static const char *const keys[] = {"memory", "cpu", "pids", NULL};
	json_t *v;

	if (!nj_want(p, path, j, JSON_OBJECT, "an object with memory, cpu, pids"))
		return;
	nj_check_keys(p, path, j, keys, NULL);
	v = json_object_get(j, "memory");
	if (v) {
		_cleanup_free_ char *kpath = xasprintf("%s.memory", path);
		uint64_t bytes = 0;
		bool ok = false;

		if (json_is_integer(v) && json_integer_value(v) > 0) {
			bytes = json_integer_value(v);
			ok = true;
		} else if (json_is_string(v))
			ok = topo_size_parse(json_string_value(v), &bytes) == 0;
		if (!ok || bytes < (4u << 20)) {
			if (json_is_string(v))
				nj_perr(p, kpath, "\"%s\" is not a memory size of at least 4M (expected a number with K, M, G or T, such as \"256M\")",
				     json_string_value(v));
			else
				nj_perr(p, kpath, "is %s (expected a size such as \"256M\")", nj_json_type_name(v));
		} else
			n->limits.memory = bytes;
	}
	v = json_object_get(j, "cpu");
	if (v) {
		_cleanup_free_ char *kpath = xasprintf("%s.cpu", path);

		if (!json_is_number(v) || json_number_value(v) < 0.01 || json_number_value(v) > 1024)
			nj_perr(p, kpath, "is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 0.5)");
		else
			n->limits.cpu = json_number_value(v);
	}
	v = json_object_get(j, "pids");
	if (v) {
		_cleanup_free_ char *kpath = xasprintf("%s.pids", path);
		long long pids;

		if (nj_get_int(p, kpath, v, 1, 4194304, &pids))
			n->limits.pids = pids;
	}
	if (n->limits.memory || n->limits.cpu > 0 || n->limits.pids)
		n->iso.cgroup = true;
}

/* "static" or "none" at path. Return: the mode, or -EINVAL (reported). */
static int routing_mode(struct parse *p, const char *path, json_t *v)
{
	if (json_is_string(v) && strcmp(json_string_value(v), "static") == 0)
		return TOPO_ROUTING_STATIC;
	if (json_is_string(v) && strcmp(json_string_value(v), "none") == 0)
		return TOPO_ROUTING_NONE;
	if (json_is_string(v))
		nj_perr(p, path, "\"%s\" is not a routing mode (expected \"static\" or \"none\")",
		     json_string_value(v));
	else
		nj_perr(p, path, "is %s (expected \"static\" or \"none\")", nj_json_type_name(v));
	return -EINVAL;
}

static void parse_hostname(struct parse *p, const char *path, struct topo_node *n, json_t *v)
{
	const char *problem;

	if (!nj_want(p, path, v, JSON_STRING, "a host name"))
		return;
	problem = hostname_problem(json_string_value(v));
	if (problem) {
		nj_perr(p, path, "\"%s\" %s", json_string_value(v), problem);
		return;
	}
	free(n->hostname);
	n->hostname = xstrdup(json_string_value(v));
}

static void parse_stp(struct parse *p, const char *path, struct topo_node *n, json_t *v)
{
	if (nj_want(p, path, v, JSON_TRUE, "true or false"))
		n->stp = json_is_true(v);
}

static void parse_hub(struct parse *p, const char *path, struct topo_node *n, json_t *v)
{
	if (nj_want(p, path, v, JSON_TRUE, "true or false"))
		n->hub = json_is_true(v);
}

static void parse_interfaces(struct parse *p, const char *path, struct topo_node *n, json_t *v)
{
	const char *ifname;
	json_t *ifj;

	if (!nj_want(p, path, v, JSON_OBJECT, "an object of interface names"))
		return;
	json_object_foreach(v, ifname, ifj) {
		_cleanup_free_ char *fpath = xasprintf("%s.%s", path, ifname);

		parse_iface(p, fpath, n, ifname, ifj);
	}
}

static void parse_routes(struct parse *p, const char *path, struct topo_node *n, json_t *v)
{
	json_t *r;
	size_t i;

	if (!nj_want(p, path, v, JSON_ARRAY, "an array of routes"))
		return;
	json_array_foreach(v, i, r) {
		_cleanup_free_ char *ipath = xasprintf("%s[%zu]", path, i);

		nj_parse_route(p, ipath, n, r, (int)i);
	}
}

static void parse_routing(struct parse *p, const char *path, struct topo_node *n, json_t *v)
{
	int mode = routing_mode(p, path, v);

	if (mode >= 0)
		n->routing = mode;
}

/* Fill node n from its JSON object (defaults already merged in). */
static void parse_node_body(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	static const struct nj_node_key keys[] = {
		{"hostname", parse_hostname}, {"stp", parse_stp},	    {"hub", parse_hub},
		{"interfaces", parse_interfaces}, {"routes", parse_routes}, {"sysctls", parse_sysctls},
		{"routing", parse_routing},   {"isolation", parse_isolation}, {"limits", parse_limits},
	};

	nj_check_keys(p, path, j, node_keys, node_reserved);
	/* a node is a host: its own mounts and processes unless the topology opts out */
	n->iso.pid = n->iso.mount = true;
	nj_parse_node_keys(p, path, n, j, keys, ARRAY_SIZE(keys));
	nj_parse_node_run(p, path, n, j);
	/* a PID namespace needs its own /proc, hence its own mounts */
	if (n->iso.pid)
		n->iso.mount = true;
}

/* The kind of a node object, reporting a bad one. Return: kind or -EINVAL. */
static int node_kind(struct parse *p, const char *path, json_t *j)
{
	json_t *v = json_object_get(j, "kind");
	_cleanup_free_ char *kpath = xasprintf("%s.kind", path);
	int k;

	if (!v)
		return TOPO_HOST;
	if (!nj_want(p, kpath, v, JSON_STRING, "\"host\", \"router\" or \"switch\""))
		return -EINVAL;
	k = topo_kind_parse(json_string_value(v));
	if (k < 0) {
		static const char *const kinds[] = {"host", "router", "switch"};
		_cleanup_free_ char *hint =
			topo_did_you_mean(topo_suggest(json_string_value(v), kinds, ARRAY_SIZE(kinds)));

		nj_perr(p, kpath, "\"%s\" is not a node kind%s (expected \"host\", \"router\" or \"switch\")",
		     json_string_value(v), hint);
	}
	return k;
}

/* A copy of node with every key of defaults it lacks; objects merge one level deeper. */
static json_t *merge_defaults(json_t *defaults, json_t *node)
{
	json_t *out = json_deep_copy(node);
	const char *key;
	json_t *v;

	if (!out)
		abort();
	if (!defaults)
		return out;
	json_object_foreach(defaults, key, v) {
		json_t *mine = json_object_get(out, key);

		if (topo_kind_parse(key) >= 0)
			continue; /* a section of defaults for one kind */
		if (!mine)
			json_object_set_new(out, key, json_deep_copy(v));
		else if (json_is_object(mine) && json_is_object(v)) {
			const char *k2;
			json_t *v2;

			json_object_foreach(v, k2, v2)
				if (!json_object_get(mine, k2))
					json_object_set_new(mine, k2, json_deep_copy(v2));
		}
	}
	return out;
}

/*
 * Every node, with its defaults: its own keys first, then those of its kind's
 * section (defaults.router ...), then the common defaults.
 */
void nj_parse_nodes(struct parse *p, json_t *nodes, json_t *defaults,
			json_t *const kind_defaults[TOPO_SWITCH + 1])
{
	const char *name;
	json_t *j;

	json_object_foreach(nodes, name, j) {
		_cleanup_free_ char *path = xasprintf("nodes.%s", name);
		_cleanup_json_ json_t *obj = NULL;
		_cleanup_json_ json_t *merged = NULL;
		const char *problem = topo_node_name_problem(name);
		ssize_t idx;
		int kind;

		if (problem) {
			nj_perr(p, "nodes", "node name '%s' %s", name, problem);
			continue;
		}
		/* "r1": "router" is short for "r1": {"kind": "router"} */
		if (json_is_string(j)) {
			obj = json_pack("{s:O}", "kind", j);
		} else if (json_is_object(j)) {
			obj = json_incref(j);
		} else {
			nj_perr(p, path, "is %s (expected an object, or a kind such as \"router\")",
			     nj_json_type_name(j));
			continue;
		}
		merged = merge_defaults(defaults, obj);
		kind = node_kind(p, path, merged);
		if (kind >= 0 && kind_defaults[kind]) {
			_cleanup_json_ json_t *own = merge_defaults(kind_defaults[kind], obj);

			json_decref(merged);
			merged = merge_defaults(defaults, own);
		}
		idx = topo_add_node(p->t, name, kind < 0 ? TOPO_HOST : kind);
		if (idx < 0)
			continue; /* duplicate keys are rejected by the JSON loader */
		p->t->nodes[idx].hostname = xstrdup(name);
		p->t->nodes[idx].routing = p->routing[kind < 0 ? TOPO_HOST : kind];
		parse_node_body(p, path, &p->t->nodes[idx], merged);
	}
}

/*
 * Check a defaults object once, under its own path, before it is merged into
 * nodes (its errors would otherwise repeat for each). Return: true when clean.
 */
bool nj_check_defaults(struct parse *p, const char *path, json_t *v)
{
	struct topo_diags scratch = {0};
	struct parse dp = {.file = p->file, .d = &scratch, .t = topo_new(), .lab = p->lab};
	ssize_t idx = topo_add_node(dp.t, "defaults", TOPO_HOST);
	bool ok;

	node_kind(&dp, path, v);
	parse_node_body(&dp, path, &dp.t->nodes[idx], v);
	for (size_t i = 0; i < scratch.n; i++)
		topo_diag_add(p->d, scratch.v[i].severity, "%s", scratch.v[i].text);
	ok = scratch.n_errors == 0;
	topo_diags_free(&scratch);
	topo_free(dp.t);
	return ok;
}

/* "routing": one mode for every node, or an object of modes by kind. */
void nj_parse_routing(struct parse *p, json_t *v)
{
	static const char *const keys[] = {"host", "router", NULL};
	const char *key;
	json_t *m;
	int mode;

	if (!json_is_object(v)) {
		mode = routing_mode(p, "routing", v);
		if (mode >= 0)
			p->routing[TOPO_HOST] = p->routing[TOPO_ROUTER] = mode;
		return;
	}
	nj_check_keys(p, "routing", v, keys, NULL);
	json_object_foreach(v, key, m) {
		_cleanup_free_ char *mpath = xasprintf("routing.%s", key);
		int k = topo_kind_parse(key);

		if (k != TOPO_HOST && k != TOPO_ROUTER)
			continue; /* reported by check_keys */
		mode = routing_mode(p, mpath, m);
		if (mode >= 0)
			p->routing[k] = mode;
	}
}

