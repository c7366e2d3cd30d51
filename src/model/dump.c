/* SPDX-License-Identifier: MIT */
/* The expanded model as netlab JSON in the long form (validate --explain). */
#include "topo_parse.h"

#include <jansson.h>

#include "util.h"

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

static json_t *dump_iface(const struct topo_iface *ifc)
{
	json_t *ji = json_object();
	char buf[PREFIX_STRLEN];

	if (ifc->n_addrs) {
		json_t *addrs = json_array();

		for (size_t a = 0; a < ifc->n_addrs; a++)
			json_array_append_new(addrs, json_string(prefix_format(&ifc->addrs[a], buf)));
		json_object_set_new(ji, "addresses", addrs);
	}
	if (ifc->mtu)
		json_object_set_new(ji, "mtu", json_integer(ifc->mtu));
	if (ifc->has_mac) {
		char mac[18];

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", ifc->mac[0], ifc->mac[1],
			 ifc->mac[2], ifc->mac[3], ifc->mac[4], ifc->mac[5]);
		json_object_set_new(ji, "mac", json_string(mac));
	}
	return ji;
}

static json_t *dump_route(const struct topo_route *r)
{
	json_t *jr = json_object();
	char buf[PREFIX_STRLEN];

	json_object_set_new(jr, "to", json_string(r->is_default && r->has_via ? "default" :
							  prefix_format(&r->to, buf)));
	if (r->has_via)
		json_object_set_new(jr, "via", via_json(r));
	if (r->dev[0])
		json_object_set_new(jr, "dev", json_string(r->dev));
	if (r->metric)
		json_object_set_new(jr, "metric", json_integer(r->metric));
	return jr;
}

/* key -> value pairs as an object, set on jn under key unless there are none */
static void dump_kv(json_t *jn, const char *key, const struct topo_kv *kv, size_t n)
{
	json_t *o;

	if (!n)
		return;
	o = json_object();
	for (size_t k = 0; k < n; k++)
		json_object_set_new(o, kv[k].key, json_string(kv[k].value));
	json_object_set_new(jn, key, o);
}

/* isolation, limits, files, env, startup */
static void dump_node_options(const struct topo_node *n, json_t *jn)
{
	if (topo_node_isolated(n))
		json_object_set_new(jn, "isolation",
				    json_pack("{s:b, s:b, s:b, s:b}", "pid", n->iso.pid, "mount", n->iso.mount,
					      "ipc", n->iso.ipc, "cgroup", n->iso.cgroup));
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
	dump_kv(jn, "env", n->env, n->n_env);
	if (n->n_startup) {
		json_t *f = json_array();

		for (size_t k = 0; k < n->n_startup; k++)
			json_array_append_new(f, json_string(n->startup[k]));
		json_object_set_new(jn, "startup", f);
	}
}

static json_t *dump_node(const struct topo *t, const struct topo_node *n)
{
	json_t *jn = json_object(), *ifaces = json_object();

	json_object_set_new(jn, "kind", json_string(topo_kind_name(n->kind)));
	if (n->host >= 0)
		json_object_set_new(jn, "host", json_string(t->hosts[n->host].name));
	if (strcmp(n->hostname, n->name))
		json_object_set_new(jn, "hostname", json_string(n->hostname));
	if (n->stp)
		json_object_set_new(jn, "stp", json_true());
	if (n->hub)
		json_object_set_new(jn, "hub", json_true());
	for (size_t k = 0; k < n->n_ifaces; k++)
		if (n->ifaces[k].link >= 0 || n->ifaces[k].n_addrs)
			json_object_set_new(ifaces, n->ifaces[k].name, dump_iface(&n->ifaces[k]));
	if (json_object_size(ifaces))
		json_object_set_new(jn, "interfaces", ifaces);
	else
		json_decref(ifaces);
	if (n->n_routes) {
		json_t *routes = json_array();

		for (size_t k = 0; k < n->n_routes; k++)
			json_array_append_new(routes, dump_route(&n->routes[k]));
		json_object_set_new(jn, "routes", routes);
	}
	dump_node_options(n, jn);
	dump_kv(jn, "sysctls", n->sysctls, n->n_sysctls);
	return jn;
}

static json_t *dump_impair(const struct topo_impair *im)
{
	json_t *one = json_object();
	char v[32];

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
	return one;
}

static json_t *dump_link(const struct topo *t, const struct topo_link *l)
{
	json_t *jl = json_object(), *ends = json_array();
	char key[TOPO_NODE_NAME_MAX + TOPO_IFNAMSIZ + 2];

	for (int k = 0; k < 2; k++) {
		const struct topo_node *n = &t->nodes[l->ep[k].node];

		snprintf(key, sizeof(key), "%s:%s", n->name, n->ifaces[l->ep[k].iface].name);
		json_array_append_new(ends, json_string(key));
	}
	json_object_set_new(jl, "endpoints", ends);
	if (l->mtu)
		json_object_set_new(jl, "mtu", json_integer(l->mtu));
	if (!l->up)
		json_object_set_new(jl, "state", json_string("down"));
	if (l->impair[0].set || l->impair[1].set) {
		json_t *imp = json_object();

		for (int k = 0; k < 2; k++) {
			const struct topo_node *n = &t->nodes[l->ep[k].node];

			if (!l->impair[k].set)
				continue;
			snprintf(key, sizeof(key), "%s:%s", n->name, n->ifaces[l->ep[k].iface].name);
			json_object_set_new(imp, key, dump_impair(&l->impair[k]));
		}
		json_object_set_new(jl, "impair", imp);
	}
	return jl;
}

char *topo_dump_json(const struct topo *t)
{
	_cleanup_(json_decrefp) json_t *root = json_object();
	json_t *nodes = json_object(), *links = json_array();

	json_object_set_new(root, "name", json_string(t->name));
	if (t->strict)
		json_object_set_new(root, "strict", json_true());
	if (t->plain_links)
		json_object_set_new(root, "cables", json_false());
	if (t->n_hosts) {
		json_t *hosts = json_object();

		for (size_t i = 0; i < t->n_hosts; i++) {
			const struct topo_host *h = &t->hosts[i];
			char buf[ADDR_STRLEN];

			json_object_set_new(hosts, h->name,
					    json_pack("{s:s, s:s, s:s, s:i}", "address", addr_format(&h->addr, buf),
						      "exec", h->exec, "netlab", h->netlab, "mtu", h->mtu));
		}
		json_object_set_new(root, "hosts", hosts);
		json_object_set_new(root, "vxlan", json_pack("{s:i, s:i}", "port", t->vxlan_port,
							     "vni_base", (json_int_t)topo_vni_base(t)));
	}
	for (size_t i = 0; i < t->n_nodes; i++)
		json_object_set_new(nodes, t->nodes[i].name, dump_node(t, &t->nodes[i]));
	for (size_t i = 0; i < t->n_links; i++)
		json_array_append_new(links, dump_link(t, &t->links[i]));
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
