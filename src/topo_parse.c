/* SPDX-License-Identifier: MIT */
#include "topo_parse.h"

#include <ctype.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>

#include "autoroute.h"
#include "pool.h"
#include "topo_hint.h"
#include "topo_validate.h"
#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

#define TOPO_MAX_FILE (64u << 20)

struct parse {
	const char *file;
	struct topo_diags *d;
	struct topo *t;
};

static void perr(struct parse *p, const char *path, const char *fmt, ...) _printf_(3, 4);
static void perr(struct parse *p, const char *path, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	topo_diag_add(p->d, TOPO_ERROR, "%s: %s: %s", p->file, path, msg);
}

static const char *json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

/* Check j's type; report "is X (expected Y)" otherwise. */
static bool want(struct parse *p, const char *path, const json_t *j, json_type type,
		 const char *expected)
{
	if (json_typeof(j) == type || (type == JSON_TRUE && json_is_boolean(j)))
		return true;
	perr(p, path, "is %s (expected %s)", json_type_name(j), expected);
	return false;
}

/*
 * Keys of an object: known ones pass, reserved ones (later features) are "not
 * supported yet", anything else is unknown.
 */
static bool check_keys(struct parse *p, const char *path, json_t *obj, const char *const *known,
		       const char *const *reserved)
{
	const char *key;
	json_t *v;
	bool ok = true;

	json_object_foreach(obj, key, v) {
		bool found = false;

		for (const char *const *k = known; *k && !found; k++)
			found = strcmp(*k, key) == 0;
		if (found)
			continue;
		ok = false;
		for (const char *const *k = reserved; k && *k && !found; k++)
			found = strcmp(*k, key) == 0;
		if (found) {
			perr(p, path, "'%s' is not supported yet", key);
			continue;
		}
		{
			char list[512] = "";
			size_t n_known = 0;
			_cleanup_free_ char *hint = NULL;

			for (const char *const *k = known; *k; k++, n_known++) {
				if (strcmp(*k, "$schema") == 0)
					continue;
				strncat(list, list[0] ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, *k, sizeof(list) - strlen(list) - 1);
			}
			hint = topo_did_you_mean(topo_suggest(key, known, n_known));
			perr(p, path, "unknown key '%s'%s (expected one of: %s)", key, hint, list);
		}
	}
	return ok;
}

static bool get_int(struct parse *p, const char *path, json_t *j, long long min, long long max,
		    long long *ret)
{
	if (!json_is_integer(j)) {
		perr(p, path, "is %s (expected an integer from %lld to %lld)", json_type_name(j),
		     min, max);
		return false;
	}
	if (json_integer_value(j) < min || json_integer_value(j) > max) {
		perr(p, path, "%lld is out of range (expected %lld to %lld)",
		     (long long)json_integer_value(j), min, max);
		return false;
	}
	*ret = json_integer_value(j);
	return true;
}

static const char *const node_keys[] = {"kind",	  "hostname", "interfaces", "routes",
					"sysctls", "stp",      "hub",        "isolation",
					"limits",  "files",    "env",        "startup",
					NULL};
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
		perr(p, path, "interface name '%s' %s", ifname, problem);
		return;
	}
	if (!want(p, path, j, JSON_OBJECT, "an object with addresses, mtu, mac"))
		return;
	check_keys(p, path, j, keys, NULL);
	ii = topo_add_iface(n, ifname);
	ifc = &n->ifaces[ii];
	ifc->declared = true;

	v = json_object_get(j, "addresses");
	if (v) {
		_cleanup_free_ char *apath = xasprintf("%s.addresses", path);
		size_t i;
		json_t *a;

		if (want(p, apath, v, JSON_ARRAY, "an array of CIDR strings")) {
			json_array_foreach(v, i, a) {
				_cleanup_free_ char *ipath = xasprintf("%s[%zu]", apath, i);
				struct prefix pfx;

				if (!want(p, ipath, a, JSON_STRING, "a CIDR string"))
					continue;
				if (prefix_parse(json_string_value(a), &pfx) < 0) {
					perr(p, ipath,
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

		if (get_int(p, mpath, v, 68, 65535, &mtu))
			ifc->mtu = mtu;
	}
	v = json_object_get(j, "mac");
	if (v) {
		_cleanup_free_ char *mpath = xasprintf("%s.mac", path);

		if (want(p, mpath, v, JSON_STRING, "a MAC address string")) {
			if (topo_mac_parse(json_string_value(v), ifc->mac) < 0)
				perr(p, mpath,
				     "\"%s\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)",
				     json_string_value(v));
			else
				ifc->has_mac = true;
		}
	}
}

/* One gateway of a route into *ret. Return: false when reported. */
static bool parse_gateway(struct parse *p, const char *vpath, json_t *v, struct addr *ret)
{
	if (!want(p, vpath, v, JSON_STRING, "an address string"))
		return false;
	if (addr_parse(json_string_value(v), ret) < 0) {
		perr(p, vpath, "\"%s\" is not an IP address (expected a.b.c.d or x:y::z)",
		     json_string_value(v));
		return false;
	}
	return true;
}

/* "via": a gateway, or an array of them for one multipath route. Return: false when reported. */
static bool parse_via(struct parse *p, const char *path, json_t *via, struct topo_route *r)
{
	_cleanup_free_ char *vpath = xasprintf("%s.via", path);
	size_t n = json_array_size(via);
	bool ok = true;

	if (!json_is_array(via)) {
		r->has_via = parse_gateway(p, vpath, via, &r->via);
		return r->has_via;
	}
	if (n < 1 || n > TOPO_MAX_NEXTHOPS) {
		perr(p, vpath, "has %zu gateways (expected 1 to %d)", n, TOPO_MAX_NEXTHOPS);
		return false;
	}
	_cleanup_free_ struct addr *all = xcalloc(n, sizeof(struct addr));
	_cleanup_free_ bool *good = xcalloc(n, sizeof(bool));

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *ipath = xasprintf("%s[%zu]", vpath, i);

		good[i] = parse_gateway(p, ipath, json_array_get(via, i), &all[i]);
		ok = ok && good[i];
		for (size_t k = 0; k < i && good[i]; k++)
			if (good[k] && addr_equal(&all[k], &all[i])) {
				perr(p, ipath, "repeats gateway %s (expected each gateway once)",
				     json_string_value(json_array_get(via, i)));
				ok = false;
				break;
			}
	}
	if (!ok)
		return false;
	r->via = all[0];
	r->n_extra_via = n - 1;
	r->extra_via = n > 1 ? xcalloc(n - 1, sizeof(struct addr)) : NULL;
	for (size_t i = 1; i < n; i++)
		r->extra_via[i - 1] = all[i];
	r->has_via = true;
	return true;
}

static void parse_route(struct parse *p, const char *path, struct topo_node *n, json_t *j, int pos)
{
	static const char *const keys[] = {"to", "via", "dev", "metric", NULL};
	struct topo_route r = {.pos = pos};
	json_t *to, *via, *dev, *metric;
	bool ok = true;

	if (!want(p, path, j, JSON_OBJECT, "an object with to, via, dev, metric"))
		return;
	if (!check_keys(p, path, j, keys, NULL))
		ok = false;
	to = json_object_get(j, "to");
	via = json_object_get(j, "via");
	dev = json_object_get(j, "dev");
	metric = json_object_get(j, "metric");

	if (via && !parse_via(p, path, via, &r))
		ok = false;
	if (!to) {
		perr(p, path, "missing 'to' (expected a CIDR or \"default\")");
		ok = false;
	} else {
		_cleanup_free_ char *tpath = xasprintf("%s.to", path);

		if (!want(p, tpath, to, JSON_STRING, "a CIDR string or \"default\""))
			ok = false;
		else if (strcmp(json_string_value(to), "default") == 0) {
			r.is_default = true;
			r.to.addr.family = r.has_via ? r.via.family : AF_INET;
			r.to.len = 0;
		} else if (prefix_parse(json_string_value(to), &r.to) < 0) {
			perr(p, tpath, "\"%s\" is not a CIDR (expected a.b.c.d/len, x:y::z/len or \"default\")",
			     json_string_value(to));
			ok = false;
		} else {
			struct prefix net = prefix_network(&r.to);

			if (!addr_equal(&net.addr, &r.to.addr)) {
				char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

				perr(p, tpath, "\"%s\" has host bits set (expected the network %s)",
				     prefix_format(&r.to, a), prefix_format(&net, b));
				ok = false;
			}
			r.is_default = r.to.len == 0;
		}
	}
	for (size_t i = 0; to && r.has_via && json_is_string(to) && r.to.addr.family &&
			   i <= r.n_extra_via; i++) {
		const struct addr *gw = i ? &r.extra_via[i - 1] : &r.via;
		_cleanup_free_ char *vpath = json_is_array(via) ? xasprintf("%s.via[%zu]", path, i) :
								   xasprintf("%s.via", path);

		if (r.to.addr.family == gw->family)
			continue;
		perr(p, vpath, "gateway family differs from the destination's (expected an %s address)",
		     r.to.addr.family == AF_INET ? "IPv4" : "IPv6");
		ok = false;
	}
	if (dev) {
		_cleanup_free_ char *dpath = xasprintf("%s.dev", path);

		if (!want(p, dpath, dev, JSON_STRING, "an interface name"))
			ok = false;
		else if (topo_ifname_problem(json_string_value(dev))) {
			perr(p, dpath, "interface name '%s' %s", json_string_value(dev),
			     topo_ifname_problem(json_string_value(dev)));
			ok = false;
		} else
			strscpy(r.dev, json_string_value(dev), sizeof(r.dev));
	}
	if (!via && !dev && to) {
		perr(p, path, "needs 'via' or 'dev' (expected a gateway address or an interface)");
		ok = false;
	}
	if (r.has_via && addr_is_link_local(&r.via) && !r.dev[0] && dev == NULL) {
		perr(p, path, "a link-local gateway needs 'dev' (expected the interface it is on)");
		ok = false;
	}
	if (metric) {
		_cleanup_free_ char *mpath = xasprintf("%s.metric", path);
		long long m;

		if (get_int(p, mpath, metric, 0, UINT32_MAX, &m))
			r.metric = m;
		else
			ok = false;
	}
	if (!ok) {
		free(r.extra_via);
		return;
	}
	GROW(n->routes, n->cap_routes, n->n_routes + 1);
	n->routes[n->n_routes++] = r;
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

	if (!want(p, path, j, JSON_OBJECT, "an object of sysctl names to values"))
		return;
	json_object_foreach(j, key, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);
		char *value;

		if (!sysctl_key_ok(key)) {
			perr(p, kpath,
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
			perr(p, kpath, "is %s (expected a string, integer or boolean)",
			     json_type_name(v));
			continue;
		}
		if (strchr(value, '\n')) {
			perr(p, kpath, "value contains a newline (expected one line)");
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

	if (!want(p, path, j, JSON_OBJECT, "an object with pid, mount, ipc, cgroup"))
		return;
	check_keys(p, path, j, keys, NULL);
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(j, keys[i]);
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, keys[i]);

		if (v && want(p, kpath, v, JSON_TRUE, "true or false"))
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

	if (!want(p, path, j, JSON_OBJECT, "an object with memory, cpu, pids"))
		return;
	check_keys(p, path, j, keys, NULL);
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
				perr(p, kpath, "\"%s\" is not a memory size of at least 4M (expected a number with K, M, G or T, such as \"256M\")",
				     json_string_value(v));
			else
				perr(p, kpath, "is %s (expected a size such as \"256M\")", json_type_name(v));
		} else
			n->limits.memory = bytes;
	}
	v = json_object_get(j, "cpu");
	if (v) {
		_cleanup_free_ char *kpath = xasprintf("%s.cpu", path);

		if (!json_is_number(v) || json_number_value(v) < 0.01 || json_number_value(v) > 1024)
			perr(p, kpath, "is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 0.5)");
		else
			n->limits.cpu = json_number_value(v);
	}
	v = json_object_get(j, "pids");
	if (v) {
		_cleanup_free_ char *kpath = xasprintf("%s.pids", path);
		long long pids;

		if (get_int(p, kpath, v, 1, 4194304, &pids))
			n->limits.pids = pids;
	}
	if (n->limits.memory || n->limits.cpu > 0 || n->limits.pids)
		n->iso.cgroup = true;
}

static bool node_path_ok(const char *s)
{
	static const char *const refused[] = {"/proc", "/sys", "/dev", NULL};

	if (s[0] != '/' || strlen(s) < 2 || strlen(s) > 4095 || s[strlen(s) - 1] == '/')
		return false;
	if (strstr(s, "/../") || strstr(s, "/./") || strstr(s, "//") ||
	    (strlen(s) >= 3 && (!strcmp(s + strlen(s) - 3, "/..") || !strcmp(s + strlen(s) - 2, "/."))))
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	for (const char *const *r = refused; *r; r++)
		if (!strcmp(s, *r) || (str_has_prefix(s, *r) && s[strlen(*r)] == '/'))
			return false;
	return true;
}

static void parse_files(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	const char *key;
	json_t *v;

	if (!want(p, path, j, JSON_OBJECT, "an object of node paths to host files"))
		return;
	json_object_foreach(j, key, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);

		if (!node_path_ok(key)) {
			perr(p, kpath, "'%s' is not a usable path in the node (expected an absolute path without '..', outside /proc, /sys and /dev)",
			     key);
			continue;
		}
		bool ro = false;

		/* "host/path", or {"path": "host/path", "ro": true} for a read-only bind */
		if (json_is_object(v)) {
			static const char *const fkeys[] = {"path", "ro", NULL};
			json_t *rv = json_object_get(v, "ro");
			_cleanup_free_ char *rpath = xasprintf("%s.ro", kpath);

			check_keys(p, kpath, v, fkeys, NULL);
			if (rv && want(p, rpath, rv, JSON_TRUE, "true or false"))
				ro = json_is_true(rv);
			v = json_object_get(v, "path");
			free(kpath);
			kpath = xasprintf("%s.%s.path", path, key);
			if (!v) {
				perr(p, kpath, "is missing (expected a host file path)");
				continue;
			}
		}
		if (!want(p, kpath, v, JSON_STRING, "a host file path, or {\"path\": ..., \"ro\": true}"))
			continue;
		if (!json_string_value(v)[0] || strchr(json_string_value(v), '\n')) {
			perr(p, kpath, "is not a host file path (expected a path relative to the topology file)");
			continue;
		}
		GROW(n->files, n->cap_files, n->n_files + 1);
		n->files_ro = xrealloc(n->files_ro, (n->n_files + 1) * sizeof(*n->files_ro));
		n->files_ro[n->n_files] = ro;
		n->files[n->n_files].key = xstrdup(key);
		n->files[n->n_files].value = xstrdup(json_string_value(v));
		n->n_files++;
	}
	if (n->n_files)
		n->iso.mount = true;
}

static void parse_env(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	const char *key;
	json_t *v;

	if (!want(p, path, j, JSON_OBJECT, "an object of variable names to values"))
		return;
	json_object_foreach(j, key, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);
		bool ok = key[0] && !isdigit((unsigned char)key[0]);
		char *value;

		for (const char *c = key; *c && ok; c++)
			ok = isascii((unsigned char)*c) && (isalnum((unsigned char)*c) || *c == '_');
		if (!ok) {
			perr(p, kpath, "'%s' is not a variable name (expected letters, digits and '_')", key);
			continue;
		}
		if (json_is_string(v))
			value = xstrdup(json_string_value(v));
		else if (json_is_integer(v))
			value = xasprintf("%lld", (long long)json_integer_value(v));
		else {
			perr(p, kpath, "is %s (expected a string)", json_type_name(v));
			continue;
		}
		GROW(n->env, n->cap_env, n->n_env + 1);
		n->env[n->n_env].key = xstrdup(key);
		n->env[n->n_env].value = value;
		n->n_env++;
	}
}

static void parse_startup(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	json_t *v;
	size_t i;

	if (!want(p, path, j, JSON_ARRAY, "an array of commands"))
		return;
	json_array_foreach(j, i, v) {
		_cleanup_free_ char *ipath = xasprintf("%s[%zu]", path, i);

		if (!want(p, ipath, v, JSON_STRING, "a command string"))
			continue;
		if (!json_string_value(v)[0]) {
			perr(p, ipath, "is empty (expected a command)");
			continue;
		}
		GROW(n->startup, n->cap_startup, n->n_startup + 1);
		n->startup[n->n_startup++] = xstrdup(json_string_value(v));
	}
}

/* Fill node n from its JSON object (defaults already merged in). */
static void parse_node_body(struct parse *p, const char *path, struct topo_node *n, json_t *j)
{
	json_t *v;

	check_keys(p, path, j, node_keys, node_reserved);
	v = json_object_get(j, "hostname");
	if (v) {
		_cleanup_free_ char *hpath = xasprintf("%s.hostname", path);

		if (want(p, hpath, v, JSON_STRING, "a host name")) {
			const char *problem = hostname_problem(json_string_value(v));

			if (problem)
				perr(p, hpath, "\"%s\" %s", json_string_value(v), problem);
			else {
				free(n->hostname);
				n->hostname = xstrdup(json_string_value(v));
			}
		}
	}
	v = json_object_get(j, "stp");
	if (v) {
		_cleanup_free_ char *spath = xasprintf("%s.stp", path);

		if (want(p, spath, v, JSON_TRUE, "true or false"))
			n->stp = json_is_true(v);
	}
	v = json_object_get(j, "hub");
	if (v) {
		_cleanup_free_ char *hpath = xasprintf("%s.hub", path);

		if (want(p, hpath, v, JSON_TRUE, "true or false"))
			n->hub = json_is_true(v);
	}
	v = json_object_get(j, "interfaces");
	if (v) {
		_cleanup_free_ char *ipath = xasprintf("%s.interfaces", path);
		const char *ifname;
		json_t *ifj;

		if (want(p, ipath, v, JSON_OBJECT, "an object of interface names")) {
			json_object_foreach(v, ifname, ifj) {
				_cleanup_free_ char *fpath = xasprintf("%s.%s", ipath, ifname);

				parse_iface(p, fpath, n, ifname, ifj);
			}
		}
	}
	v = json_object_get(j, "routes");
	if (v) {
		_cleanup_free_ char *rpath = xasprintf("%s.routes", path);
		json_t *r;
		size_t i;

		if (want(p, rpath, v, JSON_ARRAY, "an array of routes")) {
			json_array_foreach(v, i, r) {
				_cleanup_free_ char *ipath = xasprintf("%s[%zu]", rpath, i);

				parse_route(p, ipath, n, r, (int)i);
			}
		}
	}
	v = json_object_get(j, "sysctls");
	if (v) {
		_cleanup_free_ char *spath = xasprintf("%s.sysctls", path);

		parse_sysctls(p, spath, n, v);
	}
	/* a node is a host: its own mounts and processes unless the topology opts out */
	n->iso.pid = n->iso.mount = true;
	{
		static const struct {
			const char *key;
			void (*fn)(struct parse *, const char *, struct topo_node *, json_t *);
		} more[] = {
			{"isolation", parse_isolation}, {"limits", parse_limits},
			{"files", parse_files},		{"env", parse_env},
			{"startup", parse_startup},
		};

		for (size_t i = 0; i < ARRAY_SIZE(more); i++) {
			v = json_object_get(j, more[i].key);
			if (v) {
				_cleanup_free_ char *kpath = xasprintf("%s.%s", path, more[i].key);

				more[i].fn(p, kpath, n, v);
			}
		}
	}
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
	if (!want(p, kpath, v, JSON_STRING, "\"host\", \"router\" or \"switch\""))
		return -EINVAL;
	k = topo_kind_parse(json_string_value(v));
	if (k < 0) {
		static const char *const kinds[] = {"host", "router", "switch"};
		_cleanup_free_ char *hint =
			topo_did_you_mean(topo_suggest(json_string_value(v), kinds, ARRAY_SIZE(kinds)));

		perr(p, kpath, "\"%s\" is not a node kind%s (expected \"host\", \"router\" or \"switch\")",
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

static void parse_nodes(struct parse *p, json_t *nodes, json_t *defaults)
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
			perr(p, "nodes", "node name '%s' %s", name, problem);
			continue;
		}
		/* "r1": "router" is short for "r1": {"kind": "router"} */
		if (json_is_string(j)) {
			obj = json_pack("{s:O}", "kind", j);
		} else if (json_is_object(j)) {
			obj = json_incref(j);
		} else {
			perr(p, path, "is %s (expected an object, or a kind such as \"router\")",
			     json_type_name(j));
			continue;
		}
		merged = merge_defaults(defaults, obj);
		kind = node_kind(p, path, merged);
		idx = topo_add_node(p->t, name, kind < 0 ? TOPO_HOST : kind);
		if (idx < 0)
			continue; /* duplicate keys are rejected by the JSON loader */
		p->t->nodes[idx].hostname = xstrdup(name);
		parse_node_body(p, path, &p->t->nodes[idx], merged);
	}
}

/* Split "node:ifname" / "node". Return: false on a malformed endpoint (reported). */
static bool split_endpoint(struct parse *p, const char *path, const char *s, char **ret_node,
			   char **ret_if)
{
	const char *colon = strchr(s, ':');

	if (colon && strchr(colon + 1, ':')) {
		perr(p, path, "\"%s\" has more than one ':' (expected \"node:ifname\")", s);
		return false;
	}
	if (colon && colon[1] == '\0') {
		perr(p, path, "\"%s\" has an empty interface name (expected \"node:ifname\" or \"node\")", s);
		return false;
	}
	*ret_node = colon ? strndup(s, colon - s) : xstrdup(s);
	*ret_if = colon ? xstrdup(colon + 1) : NULL;
	if (!*ret_node)
		abort();
	return true;
}

struct pending_ep {
	char *path;
	ssize_t node; /* -1 when unknown */
	char *ifname; /* NULL: generate */
};

struct pending_link {
	struct pending_ep ep[2];
	int mtu;
	bool up;
	bool ok;
	json_t *impair; /* resolved once the endpoints have names */
	char *impair_path;
};

static void parse_link_endpoints(struct parse *p, const char *path, json_t *eps,
				 struct pending_link *pl, bool indexed)
{
	json_t *e;
	size_t i;

	pl->ok = false;
	if (!want(p, path, eps, JSON_ARRAY, "an array of two \"node:ifname\" strings"))
		return;
	if (json_array_size(eps) != 2) {
		perr(p, path, "has %zu endpoints (expected exactly two \"node:ifname\" strings)",
		     json_array_size(eps));
		return;
	}
	pl->ok = true;
	json_array_foreach(eps, i, e) {
		/* a string link has no elements: its endpoints are reported at the link itself */
		_cleanup_free_ char *epath = indexed ? xasprintf("%s[%zu]", path, i) : xstrdup(path);
		_cleanup_free_ char *node = NULL;

		pl->ep[i].node = -1;
		pl->ep[i].path = xstrdup(epath);
		if (!want(p, epath, e, JSON_STRING, "a \"node:ifname\" string")) {
			pl->ok = false;
			continue;
		}
		if (!split_endpoint(p, epath, json_string_value(e), &node, &pl->ep[i].ifname)) {
			pl->ok = false;
			continue;
		}
		pl->ep[i].node = topo_find_node(p->t, node);
		if (pl->ep[i].node < 0) {
			_cleanup_free_ char *hint = topo_did_you_mean(topo_suggest_node(p->t, node));

			perr(p, epath, "unknown node '%s'%s (expected one of the names under \"nodes\")",
			     node, hint);
			pl->ok = false;
			continue;
		}
		if (pl->ep[i].ifname && topo_ifname_problem(pl->ep[i].ifname)) {
			perr(p, epath, "interface name '%s' %s", pl->ep[i].ifname,
			     topo_ifname_problem(pl->ep[i].ifname));
			pl->ok = false;
		}
	}
}

/* "a:eth0 -- b:eth1" */
static void parse_link_string(struct parse *p, const char *path, const char *s,
			      struct pending_link *pl)
{
	_cleanup_json_ json_t *eps = NULL;
	const char *sep = strstr(s, "--");
	_cleanup_free_ char *a = NULL, *b = NULL;

	if (!sep || strstr(sep + 2, "--")) {
		perr(p, path, "\"%s\" is not a link (expected \"node:ifname -- node:ifname\")", s);
		return;
	}
	a = strndup(s, sep - s);
	b = xstrdup(sep + 2);
	if (!a)
		abort();
	/* trim spaces around both ends */
	for (char *x = a + strlen(a); x > a && (x[-1] == ' ' || x[-1] == '\t'); x--)
		x[-1] = '\0';
	for (char *x = b + strlen(b); x > b && (x[-1] == ' ' || x[-1] == '\t'); x--)
		x[-1] = '\0';
	{
		const char *bs = b;
		const char *as = a;

		while (*bs == ' ' || *bs == '\t')
			bs++;
		while (*as == ' ' || *as == '\t')
			as++;
		eps = json_pack("[ss]", as, bs);
	}
	for (size_t i = 0; i < 2; i++) {
		const char *v = json_string_value(json_array_get(eps, i));

		if (!*v || strpbrk(v, " \t")) {
			perr(p, path, "\"%s\" is not a link (expected \"node:ifname -- node:ifname\")",
			     s);
			return;
		}
	}
	parse_link_endpoints(p, path, eps, pl, false);
}

static void parse_link(struct parse *p, const char *path, json_t *j, struct pending_link *pl)
{
	static const char *const keys[] = {"endpoints", "mtu", "state", "impair", NULL};
	static const char *const reserved[] = {NULL};
	json_t *v;

	pl->up = true;
	if (json_is_string(j)) {
		parse_link_string(p, path, json_string_value(j), pl);
		return;
	}
	if (!want(p, path, j, JSON_OBJECT,
		  "an object with endpoints, or a string \"node:ifname -- node:ifname\""))
		return;
	pl->ok = check_keys(p, path, j, keys, reserved);
	v = json_object_get(j, "endpoints");
	if (!v) {
		perr(p, path, "missing 'endpoints' (expected two \"node:ifname\" strings)");
		pl->ok = false;
		return;
	}
	{
		_cleanup_free_ char *epath = xasprintf("%s.endpoints", path);
		bool keys_ok = pl->ok;

		parse_link_endpoints(p, epath, v, pl, true);
		pl->ok = pl->ok && keys_ok;
	}
	v = json_object_get(j, "mtu");
	if (v) {
		_cleanup_free_ char *mpath = xasprintf("%s.mtu", path);
		long long mtu;

		if (get_int(p, mpath, v, 68, 65535, &mtu))
			pl->mtu = mtu;
		else
			pl->ok = false;
	}
	v = json_object_get(j, "impair");
	if (v) {
		pl->impair = v;
		pl->impair_path = xasprintf("%s.impair", path);
	}
	v = json_object_get(j, "state");
	if (v) {
		_cleanup_free_ char *spath = xasprintf("%s.state", path);

		if (!json_is_string(v) || (strcmp(json_string_value(v), "up") &&
					   strcmp(json_string_value(v), "down"))) {
			if (json_is_string(v))
				perr(p, spath, "\"%s\" is not a link state (expected \"up\" or \"down\")",
				     json_string_value(v));
			else
				perr(p, spath, "is %s (expected \"up\" or \"down\")", json_type_name(v));
			pl->ok = false;
		} else
			pl->up = strcmp(json_string_value(v), "up") == 0;
	}
}

static bool parse_impair_one(struct parse *p, const char *path, json_t *j, struct topo_impair *out)
{
	static const char *const keys[] = {"delay", "jitter", "loss", "rate", NULL};
	struct topo_impair im = {.set = true};
	bool ok = true;
	json_t *v;

	if (!want(p, path, j, JSON_OBJECT, "an object with delay, jitter, loss, rate"))
		return false;
	if (!check_keys(p, path, j, keys, NULL))
		ok = false;
	for (size_t i = 0; keys[i]; i++) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, keys[i]);
		const char *str;
		int r;

		v = json_object_get(j, keys[i]);
		if (!v)
			continue;
		if (!want(p, kpath, v, JSON_STRING, i == 2 ? "a percentage such as \"1%\"" :
						   i == 3 ? "a rate such as \"10mbit\"" :
							    "a time such as \"20ms\"")) {
			ok = false;
			continue;
		}
		str = json_string_value(v);
		if (i == 0)
			r = topo_time_parse(str, &im.delay_ns);
		else if (i == 1)
			r = topo_time_parse(str, &im.jitter_ns);
		else if (i == 2)
			r = topo_percent_parse(str, &im.loss);
		else
			r = topo_rate_parse(str, &im.rate_bps);
		if (r < 0) {
			perr(p, kpath, "\"%s\" is not %s", str,
			     i == 2 ? "a percentage (expected 0% to 100%, such as \"1%\")" :
			     i == 3 ? "a rate (expected a number with bit, kbit, mbit, gbit, bps, kbps, mbps or gbps, such as \"10mbit\")" :
				      "a time (expected a number with ns, us, ms or s, such as \"20ms\")");
			ok = false;
		}
	}
	if (im.jitter_ns && !im.delay_ns) {
		perr(p, path, "has jitter without delay (expected a delay too)");
		ok = false;
	}
	if (ok)
		*out = im;
	return ok;
}

/* "impair" of a link: the same both ways, or keyed by endpoint for one direction each. */
static void parse_impair(struct parse *p, struct pending_link *pl, struct topo_link *l)
{
	const char *key;
	json_t *v;
	bool per_end = false;

	if (!want(p, pl->impair_path, pl->impair, JSON_OBJECT,
		  "an object with delay, jitter, loss, rate, or one per endpoint"))
		return;
	json_object_foreach(pl->impair, key, v)
		per_end = per_end || json_is_object(v);
	if (!per_end) {
		struct topo_impair im;

		if (parse_impair_one(p, pl->impair_path, pl->impair, &im))
			l->impair[0] = l->impair[1] = im;
		return;
	}
	json_object_foreach(pl->impair, key, v) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", pl->impair_path, key);
		int side = -1;

		for (int s2 = 0; s2 < 2; s2++) {
			const struct topo_node *n = &p->t->nodes[l->ep[s2].node];
			_cleanup_free_ char *full = xasprintf("%s:%s", n->name, n->ifaces[l->ep[s2].iface].name);

			if (!strcmp(key, full) || !strcmp(key, n->name))
				side = s2;
		}
		if (side < 0) {
			perr(p, kpath, "'%s' is not an endpoint of this link (expected \"node:ifname\" of one of its ends)", key);
			continue;
		}
		parse_impair_one(p, kpath, v, &l->impair[side]);
	}
}

/* Attach endpoint e of link li to its interface, creating it when only the link names it. */
static bool attach(struct parse *p, size_t li, int side, struct pending_ep *e)
{
	struct topo_node *n = &p->t->nodes[e->node];
	struct topo_iface *ifc;
	ssize_t ii = topo_find_iface(n, e->ifname);

	if (ii < 0)
		ii = topo_add_iface(n, e->ifname);
	ifc = &n->ifaces[ii];
	if (ifc->link >= 0) {
		perr(p, e->path, "interface '%s:%s' is already used by links[%zd] (expected each interface in one link)",
		     n->name, e->ifname, ifc->link);
		return false;
	}
	ifc->link = li;
	ifc->side = side;
	p->t->links[li].ep[side].node = e->node;
	p->t->links[li].ep[side].iface = ii;
	return true;
}

static void parse_links(struct parse *p, json_t *links)
{
	size_t n = json_array_size(links), i;
	struct pending_link *pl = xcalloc(n, sizeof(*pl));
	_cleanup_free_ unsigned *next_eth = NULL;
	json_t *j;

	json_array_foreach(links, i, j) {
		_cleanup_free_ char *path = xasprintf("links[%zu]", i);

		parse_link(p, path, j, &pl[i]);
		if (pl[i].ok && pl[i].ep[0].node == pl[i].ep[1].node) {
			perr(p, path, "links node '%s' to itself (expected two different nodes)",
			     p->t->nodes[pl[i].ep[0].node].name);
			pl[i].ok = false;
		}
		for (int s = 0; s < 2 && pl[i].ok; s++) {
			const char *ifn = pl[i].ep[s].ifname;
			struct topo_node *nd = &p->t->nodes[pl[i].ep[s].node];

			if (ifn && strcmp(ifn, "lo") == 0) {
				perr(p, pl[i].ep[s].path, "'lo' cannot be linked (expected another interface name)");
				pl[i].ok = false;
			} else if (ifn && nd->kind == TOPO_SWITCH && strcmp(ifn, TOPO_BRIDGE_NAME) == 0) {
				perr(p, pl[i].ep[s].path,
				     "'%s' is the bridge of switch '%s' (expected a port name, or none)",
				     TOPO_BRIDGE_NAME, nd->name);
				pl[i].ok = false;
			}
		}
	}
	/* Explicit names first, so that generated ones never take a name written elsewhere. */
	for (i = 0; i < n; i++) {
		if (!pl[i].ok)
			continue;
		for (int s = 0; s < 2; s++) {
			struct pending_ep *e = &pl[i].ep[s];

			struct topo_node *nd = &p->t->nodes[e->node];
			ssize_t ii;

			if (!e->ifname)
				continue;
			ii = topo_find_iface(nd, e->ifname);
			if (ii < 0)
				ii = topo_add_iface(nd, e->ifname);
			nd->ifaces[ii].named_by_link = true;
		}
	}
	next_eth = xcalloc(p->t->n_nodes + 1, sizeof(unsigned));
	for (i = 0; i < n; i++) {
		if (!pl[i].ok)
			continue;
		GROW(p->t->links, p->t->cap_links, p->t->n_links + 1);
		p->t->links[p->t->n_links] = (struct topo_link){.mtu = pl[i].mtu, .up = pl[i].up};
		bool attached[2] = {false, false};

		for (int s = 0; s < 2; s++) {
			struct pending_ep *e = &pl[i].ep[s];
			bool generated = !e->ifname;

			if (generated) {
				char name[TOPO_IFNAMSIZ];

				topo_next_ifname_from(&p->t->nodes[e->node], &next_eth[e->node], name);
				e->ifname = xstrdup(name);
				if (topo_find_iface(&p->t->nodes[e->node], name) < 0)
					topo_add_iface(&p->t->nodes[e->node], name);
			}
			attached[s] = attach(p, p->t->n_links, s, e);
			if (generated && attached[s]) {
				struct topo_node *nd = &p->t->nodes[e->node];

				nd->ifaces[topo_find_iface(nd, e->ifname)].generated_name = true;
			}
		}
		if (!attached[0] || !attached[1]) {
			/* a link that cannot be attached is dropped whole, as other refused links */
			for (int s = 0; s < 2; s++)
				if (attached[s]) {
					const struct topo_endpoint *ep = &p->t->links[p->t->n_links].ep[s];

					p->t->nodes[ep->node].ifaces[ep->iface].link = -1;
				}
			continue;
		}
		if (pl[i].impair)
			parse_impair(p, &pl[i], &p->t->links[p->t->n_links]);
		p->t->n_links++;
	}
	for (i = 0; i < n; i++) {
		for (int s = 0; s < 2; s++) {
			free(pl[i].ep[s].path);
			free(pl[i].ep[s].ifname);
		}
		free(pl[i].impair_path);
	}
	free(pl);
}

static void parse_pool(struct parse *p, json_t *obj, const char *key, int family,
		       int max_len, struct topo_pool *out)
{
	_cleanup_free_ char *path = xasprintf("addressing.%s", key);
	json_t *v = json_object_get(obj, key);
	struct prefix pfx;

	if (!v)
		return;
	if (!want(p, path, v, JSON_STRING, "a CIDR string"))
		return;
	if (prefix_parse(json_string_value(v), &pfx) < 0) {
		perr(p, path, "\"%s\" is not a CIDR (expected %s)", json_string_value(v),
		     family == AF_INET ? "a.b.c.d/len" : "x:y::/len");
		return;
	}
	if (pfx.addr.family != family) {
		perr(p, path, "\"%s\" is not an %s prefix (expected %s)", json_string_value(v),
		     family == AF_INET ? "IPv4" : "IPv6",
		     family == AF_INET ? "a.b.c.d/len" : "x:y::/len");
		return;
	}
	if (pfx.len > max_len) {
		perr(p, path, "\"%s\" is too small (expected a prefix of length %d or less)",
		     json_string_value(v), max_len);
		return;
	}
	out->set = true;
	out->prefix = prefix_network(&pfx);
}

static void parse_addressing(struct parse *p, json_t *v)
{
	static const char *const keys[] = {"p2p", "lan", "loopback", "ipv6", NULL};
	struct topo_pool *pools[] = {&p->t->pool_p2p, &p->t->pool_lan, &p->t->pool_loopback,
				     &p->t->pool_ipv6};

	if (!want(p, "addressing", v, JSON_OBJECT, "an object of address pools"))
		return;
	check_keys(p, "addressing", v, keys, NULL);
	parse_pool(p, v, "p2p", AF_INET, 30, &p->t->pool_p2p);
	parse_pool(p, v, "lan", AF_INET, 24, &p->t->pool_lan);
	parse_pool(p, v, "loopback", AF_INET, 32, &p->t->pool_loopback);
	parse_pool(p, v, "ipv6", AF_INET6, 63, &p->t->pool_ipv6);
	for (size_t i = 0; i < ARRAY_SIZE(pools); i++)
		for (size_t j = i + 1; j < ARRAY_SIZE(pools); j++)
			if (pools[i]->set && pools[j]->set &&
			    prefix_overlaps(&pools[i]->prefix, &pools[j]->prefix))
				perr(p, "addressing", "pools '%s' and '%s' overlap (expected separate prefixes)",
				     keys[i], keys[j]);
}

static char *node_ref(struct parse *p, const char *path, json_t *o, const char *key, bool addr_ok)
{
	_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);
	json_t *v = json_object_get(o, key);
	struct addr a;

	if (!v) {
		perr(p, path, "missing '%s' (expected a node name%s)", key, addr_ok ? " or an address" : "");
		return NULL;
	}
	if (!want(p, kpath, v, JSON_STRING, addr_ok ? "a node name or an address" : "a node name"))
		return NULL;
	if (topo_find_node(p->t, json_string_value(v)) >= 0 ||
	    (addr_ok && addr_parse(json_string_value(v), &a) == 0))
		return xstrdup(json_string_value(v));
	{
		_cleanup_free_ char *hint =
			topo_did_you_mean(topo_suggest_node(p->t, json_string_value(v)));

		perr(p, kpath, "'%s' is not a node of this lab%s%s (expected a node name%s)",
		     json_string_value(v), addr_ok ? " nor an IP address" : "", hint,
		     addr_ok ? " or an address" : "");
	}
	return NULL;
}

static void parse_expect(struct parse *p, json_t *arr)
{
	static const char *const keys[] = {"from", "to", "reach", "path", "node", "route", "via", "within", NULL};
	json_t *o;
	size_t i;

	if (!want(p, "expect", arr, JSON_ARRAY, "an array of checks"))
		return;
	json_array_foreach(arr, i, o) {
		_cleanup_free_ char *path = xasprintf("expect[%zu]", i);
		struct topo_expect e = {0};
		size_t errors = p->d->n_errors;
		json_t *v;

		if (!want(p, path, o, JSON_OBJECT, "an object such as {\"from\": \"h1\", \"to\": \"h2\", \"reach\": true}"))
			continue;
		check_keys(p, path, o, keys, NULL);
		if (json_object_get(o, "route")) {
			_cleanup_free_ char *rpath = xasprintf("%s.route", path);

			e.kind = TOPO_EXPECT_ROUTE;
			e.node = node_ref(p, path, o, "node", false);
			v = json_object_get(o, "route");
			if (!want(p, rpath, v, JSON_STRING, "a CIDR"))
				;
			else if (prefix_parse(json_string_value(v), &e.route) < 0)
				perr(p, rpath, "\"%s\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)", json_string_value(v));
			else
				e.route = prefix_network(&e.route);
			v = json_object_get(o, "via");
			if (v) {
				_cleanup_free_ char *vpath = xasprintf("%s.via", path);

				if (want(p, vpath, v, JSON_STRING, "an address")) {
					if (addr_parse(json_string_value(v), &e.via) < 0)
						perr(p, vpath, "\"%s\" is not an IP address", json_string_value(v));
					else
						e.has_via = true;
				}
			}
		} else if (json_object_get(o, "path")) {
			_cleanup_free_ char *ppath = xasprintf("%s.path", path);
			json_t *n;
			size_t k;

			e.kind = TOPO_EXPECT_PATH;
			e.from = node_ref(p, path, o, "from", false);
			e.to = node_ref(p, path, o, "to", true);
			v = json_object_get(o, "path");
			if (want(p, ppath, v, JSON_ARRAY, "an array of router names")) {
				e.path = xcalloc(json_array_size(v) + 1, sizeof(char *));
				json_array_foreach(v, k, n) {
					_cleanup_free_ char *npath = xasprintf("%s[%zu]", ppath, k);

					if (!want(p, npath, n, JSON_STRING, "a node name"))
						continue;
					if (topo_find_node(p->t, json_string_value(n)) < 0) {
						perr(p, npath, "'%s' is not a node of this lab (expected a node name)", json_string_value(n));
						continue;
					}
					e.path[e.n_path++] = xstrdup(json_string_value(n));
				}
			}
		} else {
			_cleanup_free_ char *rpath = xasprintf("%s.reach", path);

			e.kind = TOPO_EXPECT_REACH;
			e.from = node_ref(p, path, o, "from", false);
			e.to = node_ref(p, path, o, "to", true);
			v = json_object_get(o, "reach");
			if (!v)
				perr(p, path, "is not a check (expected \"reach\", \"path\" or \"route\")");
			else if (want(p, rpath, v, JSON_TRUE, "true or false"))
				e.reach = json_is_true(v);
		}
		v = json_object_get(o, "within");
		if (v) {
			_cleanup_free_ char *wpath = xasprintf("%s.within", path);
			uint64_t ns;

			if (want(p, wpath, v, JSON_STRING, "a time such as \"30s\"")) {
				if (topo_time_parse(json_string_value(v), &ns) < 0 || ns > 3600e9)
					perr(p, wpath, "\"%s\" is not a time (expected a number with ms or s, such as \"30s\")",
					     json_string_value(v));
				else
					e.within_ms = ns / 1000000;
			}
		}
		e.text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		GROW(p->t->expects, p->t->cap_expects, p->t->n_expects + 1);
		p->t->expects[p->t->n_expects++] = e;
		(void)errors;
	}
}

/* The file's base name without its extension. */
static char *default_lab_name(const char *file)
{
	_cleanup_free_ char *copy = xstrdup(file);
	char *base = xstrdup(basename(copy));
	char *dot = strrchr(base, '.');

	if (dot && dot != base)
		*dot = '\0';
	return base;
}

static char *file_dir(const char *file)
{
	_cleanup_free_ char *copy = xstrdup(file);

	return xstrdup(dirname(copy));
}

struct topo *topo_parse_string(const char *text, size_t len, const char *file,
			       struct topo_diags *d)
{
	static const char *const top_keys[] = {"$schema", "name",   "defaults", "nodes",  "links",
					       "addressing", "routing", "expect", "strict", "cables", NULL};
	static const char *const top_reserved[] = {NULL};
	_cleanup_json_ json_t *root = NULL;
	json_t *v, *defaults = NULL;
	json_error_t jerr;
	struct parse p = {.file = file, .d = d};

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		_cleanup_free_ char *excerpt = topo_json_excerpt(text, len, jerr.line, jerr.column);

		topo_diag_add(d, TOPO_ERROR, "%s:%d:%d: %s (expected valid JSON)%s", file, jerr.line,
			      jerr.column, jerr.text, excerpt ? excerpt : "");
		return NULL;
	}
	p.t = topo_new();
	p.t->file = xstrdup(file);
	p.t->dir = file_dir(file);
	if (!json_is_object(root)) {
		topo_diag_add(d, TOPO_ERROR,
			      "%s: the top level is %s (expected an object with nodes and links)",
			      file, json_type_name(root));
		return p.t;
	}
	check_keys(&p, "(top level)", root, top_keys, top_reserved);

	v = json_object_get(root, "name");
	if (v) {
		if (want(&p, "name", v, JSON_STRING, "a lab name")) {
			const char *problem = topo_lab_name_problem(json_string_value(v));

			if (problem)
				perr(&p, "name", "\"%s\" %s", json_string_value(v), problem);
			else
				p.t->name = xstrdup(json_string_value(v));
		}
	} else {
		_cleanup_free_ char *name = default_lab_name(file);
		const char *problem = topo_lab_name_problem(name);

		if (problem)
			perr(&p, "name",
			     "the lab name taken from the file name, \"%s\", %s (expected a \"name\" key)",
			     name, problem);
		else
			p.t->name = TAKE_PTR(name);
	}

	v = json_object_get(root, "defaults");
	if (v && want(&p, "defaults", v, JSON_OBJECT, "an object of node options")) {
		struct topo_diags scratch = {0};
		struct parse dp = {.file = file, .d = &scratch, .t = topo_new()};
		ssize_t idx = topo_add_node(dp.t, "defaults", TOPO_HOST);

		/* Check the defaults once, under their own path, before merging them. */
		node_kind(&dp, "defaults", v);
		parse_node_body(&dp, "defaults", &dp.t->nodes[idx], v);
		for (size_t i = 0; i < scratch.n; i++)
			topo_diag_add(d, scratch.v[i].severity, "%s", scratch.v[i].text);
		if (scratch.n_errors == 0)
			defaults = v;
		topo_diags_free(&scratch);
		topo_free(dp.t);
	}

	v = json_object_get(root, "addressing");
	if (v)
		parse_addressing(&p, v);
	v = json_object_get(root, "routing");
	if (v) {
		if (json_is_string(v) && strcmp(json_string_value(v), "static") == 0)
			p.t->routing = TOPO_ROUTING_STATIC;
		else if (json_is_string(v) && strcmp(json_string_value(v), "none") == 0)
			p.t->routing = TOPO_ROUTING_NONE;
		else if (json_is_string(v))
			perr(&p, "routing", "\"%s\" is not a routing mode (expected \"static\" or \"none\")",
			     json_string_value(v));
		else
			perr(&p, "routing", "is %s (expected \"static\" or \"none\")", json_type_name(v));
	}

	v = json_object_get(root, "strict");
	if (v && want(&p, "strict", v, JSON_TRUE, "true or false"))
		p.t->strict = json_is_true(v);
	v = json_object_get(root, "cables");
	if (v && want(&p, "cables", v, JSON_TRUE, "true or false"))
		p.t->plain_links = !json_is_true(v);

	v = json_object_get(root, "nodes");
	if (!v)
		perr(&p, "nodes", "is missing (expected an object of nodes)");
	else if (want(&p, "nodes", v, JSON_OBJECT, "an object of nodes"))
		parse_nodes(&p, v, defaults);

	v = json_object_get(root, "links");
	if (v && want(&p, "links", v, JSON_ARRAY, "an array of links"))
		parse_links(&p, v);
	v = json_object_get(root, "expect");
	if (v)
		parse_expect(&p, v);
	return p.t;
}

int topo_load(const char *file, struct topo **ret, struct topo_diags *d)
{
	return topo_load_ex(file, false, ret, d);
}

int topo_load_ex(const char *file, bool allow_host_paths, struct topo **ret, struct topo_diags *d)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_(topo_freep) struct topo *t = NULL;
	size_t len;
	int r;

	r = read_file(file, TOPO_MAX_FILE, &text, &len);
	if (r < 0) {
		topo_diag_add(d, TOPO_ERROR, "%s: cannot read the topology: %s", file,
			      r == -EFBIG ? "larger than 64 MiB" : strerror(-r));
		return r;
	}
	if (memchr(text, '\0', len)) {
		topo_diag_add(d, TOPO_ERROR, "%s: contains a NUL byte (expected JSON text)", file);
		return -EINVAL;
	}
	t = topo_parse_string(text, len, file, d);
	if (t && d->n_errors == 0) {
		/* fill in what the file leaves to netlab, then check the whole */
		pool_assign(t, d);
		autoroute_compute(t);
	}
	if (t) {
		topo_validate(t, d);
		topo_check_files(t, allow_host_paths, d);
	}
	if (!t || d->n_errors)
		return -EINVAL;
	*ret = TAKE_PTR(t);
	return 0;
}

/* A route's gateway, or the array of all of them for a multipath route. */
static json_t *via_json(const struct topo_route *r)
{
	char buf[ADDR_STRLEN];
	json_t *a;

	if (!r->n_extra_via)
		return json_string(addr_format(&r->via, buf));
	a = json_array();
	json_array_append_new(a, json_string(addr_format(&r->via, buf)));
	for (size_t i = 0; i < r->n_extra_via; i++)
		json_array_append_new(a, json_string(addr_format(&r->extra_via[i], buf)));
	return a;
}

char *topo_dump_json(const struct topo *t)
{
	_cleanup_(json_decrefp) json_t *root = json_object();
	json_t *nodes = json_object(), *links = json_array();
	char buf[PREFIX_STRLEN];

	json_object_set_new(root, "name", json_string(t->name));
	if (t->plain_links)
		json_object_set_new(root, "cables", json_false());
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		json_t *jn = json_object(), *ifaces = json_object(), *routes = json_array();

		json_object_set_new(jn, "kind", json_string(topo_kind_name(n->kind)));
		if (strcmp(n->hostname, n->name))
			json_object_set_new(jn, "hostname", json_string(n->hostname));
		if (n->stp)
			json_object_set_new(jn, "stp", json_true());
		if (n->hub)
			json_object_set_new(jn, "hub", json_true());
		for (size_t k = 0; k < n->n_ifaces; k++) {
			const struct topo_iface *ifc = &n->ifaces[k];
			json_t *ji, *addrs;

			if (ifc->link < 0 && !ifc->n_addrs)
				continue;
			ji = json_object();
			addrs = json_array();
			for (size_t a = 0; a < ifc->n_addrs; a++)
				json_array_append_new(addrs, json_string(prefix_format(&ifc->addrs[a], buf)));
			if (ifc->n_addrs)
				json_object_set_new(ji, "addresses", addrs);
			else
				json_decref(addrs);
			if (ifc->mtu)
				json_object_set_new(ji, "mtu", json_integer(ifc->mtu));
			if (ifc->has_mac) {
				char mac[18];

				snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", ifc->mac[0],
					 ifc->mac[1], ifc->mac[2], ifc->mac[3], ifc->mac[4], ifc->mac[5]);
				json_object_set_new(ji, "mac", json_string(mac));
			}
			json_object_set_new(ifaces, ifc->name, ji);
		}
		if (json_object_size(ifaces))
			json_object_set_new(jn, "interfaces", ifaces);
		else
			json_decref(ifaces);
		for (size_t k = 0; k < n->n_routes; k++) {
			const struct topo_route *r = &n->routes[k];
			json_t *jr = json_object();

			json_object_set_new(jr, "to", json_string(r->is_default && r->has_via ? "default" :
									  prefix_format(&r->to, buf)));
			if (r->has_via)
				json_object_set_new(jr, "via", via_json(r));
			if (r->dev[0])
				json_object_set_new(jr, "dev", json_string(r->dev));
			if (r->metric)
				json_object_set_new(jr, "metric", json_integer(r->metric));
			json_array_append_new(routes, jr);
		}
		if (n->n_routes)
			json_object_set_new(jn, "routes", routes);
		else
			json_decref(routes);
		if (topo_node_isolated(n))
			json_object_set_new(jn, "isolation",
					    json_pack("{s:b, s:b, s:b, s:b}", "pid", n->iso.pid, "mount",
						      n->iso.mount, "ipc", n->iso.ipc, "cgroup", n->iso.cgroup));
		if (n->limits.memory || n->limits.cpu > 0 || n->limits.pids) {
			json_t *lim = json_object();

			if (n->limits.memory)
				json_object_set_new(lim, "memory", json_integer(n->limits.memory));
			if (n->limits.cpu > 0)
				json_object_set_new(lim, "cpu", json_real(n->limits.cpu));
			if (n->limits.pids)
				json_object_set_new(lim, "pids", json_integer(n->limits.pids));
			json_object_set_new(jn, "limits", lim);
		}
		if (n->n_files) {
			json_t *f = json_object();

			for (size_t k = 0; k < n->n_files; k++)
				json_object_set_new(f, n->files[k].key,
						    n->files_ro && n->files_ro[k]
							    ? json_pack("{s:s, s:b}", "path", n->files[k].value, "ro", 1)
							    : json_string(n->files[k].value));
			json_object_set_new(jn, "files", f);
		}
		if (n->n_env) {
			json_t *f = json_object();

			for (size_t k = 0; k < n->n_env; k++)
				json_object_set_new(f, n->env[k].key, json_string(n->env[k].value));
			json_object_set_new(jn, "env", f);
		}
		if (n->n_startup) {
			json_t *f = json_array();

			for (size_t k = 0; k < n->n_startup; k++)
				json_array_append_new(f, json_string(n->startup[k]));
			json_object_set_new(jn, "startup", f);
		}
		if (n->n_sysctls) {
			json_t *sc = json_object();

			for (size_t k = 0; k < n->n_sysctls; k++)
				json_object_set_new(sc, n->sysctls[k].key, json_string(n->sysctls[k].value));
			json_object_set_new(jn, "sysctls", sc);
		}
		json_object_set_new(nodes, n->name, jn);
	}
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		json_t *jl = json_object();
		char *e0, *e1;

		e0 = xasprintf("%s:%s", t->nodes[l->ep[0].node].name,
			       t->nodes[l->ep[0].node].ifaces[l->ep[0].iface].name);
		e1 = xasprintf("%s:%s", t->nodes[l->ep[1].node].name,
			       t->nodes[l->ep[1].node].ifaces[l->ep[1].iface].name);
		json_object_set_new(jl, "endpoints", json_pack("[ss]", e0, e1));
		free(e0);
		free(e1);
		if (l->mtu)
			json_object_set_new(jl, "mtu", json_integer(l->mtu));
		if (!l->up)
			json_object_set_new(jl, "state", json_string("down"));
		if (l->impair[0].set || l->impair[1].set) {
			json_t *imp = json_object();

			for (int k = 0; k < 2; k++) {
				const struct topo_impair *im = &l->impair[k];
				const struct topo_node *n = &t->nodes[l->ep[k].node];
				char key[TOPO_NODE_NAME_MAX + TOPO_IFNAMSIZ + 2], v[32];
				json_t *one;

				if (!im->set)
					continue;
				one = json_object();
				if (im->delay_ns) {
					snprintf(v, sizeof(v), "%lluus", (unsigned long long)(im->delay_ns / 1000));
					json_object_set_new(one, "delay", json_string(v));
				}
				if (im->jitter_ns) {
					snprintf(v, sizeof(v), "%lluus", (unsigned long long)(im->jitter_ns / 1000));
					json_object_set_new(one, "jitter", json_string(v));
				}
				if (im->loss > 0) {
					snprintf(v, sizeof(v), "%g%%", im->loss);
					json_object_set_new(one, "loss", json_string(v));
				}
				if (im->rate_bps) {
					snprintf(v, sizeof(v), "%llubit", (unsigned long long)im->rate_bps);
					json_object_set_new(one, "rate", json_string(v));
				}
				snprintf(key, sizeof(key), "%s:%s", n->name, n->ifaces[l->ep[k].iface].name);
				json_object_set_new(imp, key, one);
			}
			json_object_set_new(jl, "impair", imp);
		}
		json_array_append_new(links, jl);
	}
	if (t->n_expects) {
		json_t *ex = json_array();

		for (size_t i = 0; i < t->n_expects; i++) {
			json_t *e = json_loads(t->expects[i].text, 0, NULL);

			if (e)
				json_array_append_new(ex, e);
		}
		json_object_set_new(root, "expect", ex);
	}
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "links", links);
	return json_dumps(root, JSON_INDENT(2));
}
