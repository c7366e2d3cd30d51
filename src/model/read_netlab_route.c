/* SPDX-License-Identifier: MIT */
/* The netlab JSON reader: a node's routes. */
#include "read_netlab.h"

/* One gateway of a route into *ret. Return: false when reported. */
static bool parse_gateway(struct parse *p, const char *vpath, json_t *v, struct addr *ret)
{
	if (!nj_want(p, vpath, v, JSON_STRING, "an address string"))
		return false;
	if (addr_parse(json_string_value(v), ret) < 0) {
		nj_perr(p, vpath, "\"%s\" is not an IP address (expected a.b.c.d or x:y::z)",
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
		nj_perr(p, vpath, "has %zu gateways (expected 1 to %d)", n, TOPO_MAX_NEXTHOPS);
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
				nj_perr(p, ipath, "repeats gateway %s (expected each gateway once)",
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

void nj_parse_route(struct parse *p, const char *path, struct topo_node *n, json_t *j, int pos)
{
	static const char *const keys[] = {"to", "via", "dev", "metric", NULL};
	struct topo_route r = {.pos = pos};
	json_t *to, *via, *dev, *metric;
	bool ok = true;

	if (!nj_want(p, path, j, JSON_OBJECT, "an object with to, via, dev, metric"))
		return;
	if (!nj_check_keys(p, path, j, keys, NULL))
		ok = false;
	to = json_object_get(j, "to");
	via = json_object_get(j, "via");
	dev = json_object_get(j, "dev");
	metric = json_object_get(j, "metric");

	if (via && !parse_via(p, path, via, &r))
		ok = false;
	if (!to) {
		nj_perr(p, path, "missing 'to' (expected a CIDR or \"default\")");
		ok = false;
	} else {
		_cleanup_free_ char *tpath = xasprintf("%s.to", path);

		if (!nj_want(p, tpath, to, JSON_STRING, "a CIDR string or \"default\""))
			ok = false;
		else if (strcmp(json_string_value(to), "default") == 0) {
			r.is_default = true;
			r.to.addr.family = r.has_via ? r.via.family : AF_INET;
			r.to.len = 0;
		} else if (prefix_parse(json_string_value(to), &r.to) < 0) {
			nj_perr(p, tpath, "\"%s\" is not a CIDR (expected a.b.c.d/len, x:y::z/len or \"default\")",
			     json_string_value(to));
			ok = false;
		} else {
			struct prefix net = prefix_network(&r.to);

			if (!addr_equal(&net.addr, &r.to.addr)) {
				char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

				nj_perr(p, tpath, "\"%s\" has host bits set (expected the network %s)",
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
		nj_perr(p, vpath, "gateway family differs from the destination's (expected an %s address)",
		     r.to.addr.family == AF_INET ? "IPv4" : "IPv6");
		ok = false;
	}
	if (dev) {
		_cleanup_free_ char *dpath = xasprintf("%s.dev", path);

		if (!nj_want(p, dpath, dev, JSON_STRING, "an interface name"))
			ok = false;
		else if (topo_ifname_problem(json_string_value(dev))) {
			nj_perr(p, dpath, "interface name '%s' %s", json_string_value(dev),
			     topo_ifname_problem(json_string_value(dev)));
			ok = false;
		} else
			strscpy(r.dev, json_string_value(dev), sizeof(r.dev));
	}
	if (!via && !dev && to) {
		nj_perr(p, path, "needs 'via' or 'dev' (expected a gateway address or an interface)");
		ok = false;
	}
	if (r.has_via && addr_is_link_local(&r.via) && !r.dev[0] && dev == NULL) {
		nj_perr(p, path, "a link-local gateway needs 'dev' (expected the interface it is on)");
		ok = false;
	}
	if (metric) {
		_cleanup_free_ char *mpath = xasprintf("%s.metric", path);
		long long m;

		if (nj_get_int(p, mpath, metric, 0, UINT32_MAX, &m))
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
