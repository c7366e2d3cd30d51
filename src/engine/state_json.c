/* SPDX-License-Identifier: MIT */
/* The state's two JSON files (state.json, wiring.json) written and read back, and status --json. */
#include "state.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "labinfo.h"
#include "state_impl.h"
#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

static json_t *routes_json(const struct state_node *n)
{
	json_t *routes = json_array();
	char buf[PREFIX_STRLEN];

	for (size_t k = 0; k < n->n_routes; k++) {
		const struct state_route *rt = &n->routes[k];
		json_t *jr = json_pack("{s:s}", "to", prefix_format(&rt->to, buf));

		if (rt->has_via)
			json_object_set_new(jr, "via", json_string(addr_format(&rt->via, buf)));
		if (rt->dev[0])
			json_object_set_new(jr, "dev", json_string(rt->dev));
		if (rt->metric)
			json_object_set_new(jr, "metric", json_integer(rt->metric));
		json_array_append_new(routes, jr);
	}
	return routes;
}

static json_t *addrs_json(const struct state_node *n)
{
	json_t *addrs = json_array();
	char buf[PREFIX_STRLEN];

	for (size_t k = 0; k < n->n_addrs; k++)
		json_array_append_new(addrs, json_pack("[s,s]", n->addrs[k].dev,
						       prefix_format(&n->addrs[k].prefix, buf)));
	return addrs;
}

static json_t *links_json(const struct state *s)
{
	json_t *links = json_array();

	for (size_t i = 0; i < s->n_links; i++) {
		const struct state_vxlan *vx = &s->links[i].vxlan;
		char abuf[ADDR_STRLEN];
		json_t *jl;

		if (s->links[i].remote)
			continue; /* another host's */
		char e0[TOPO_END_MAX], e1[TOPO_END_MAX];

		jl = json_pack("{s:[s,s], s:b}", "endpoints", topo_end_format(&s->links[i].ends[0], e0),
			       topo_end_format(&s->links[i].ends[1], e1), "up", s->links[i].up);
		if (vx->on)
			json_object_set_new(jl, "vxlan",
					    json_pack("{s:i, s:I, s:i, s:s}", "side", vx->side, "vni",
						      (json_int_t)vx->vni, "port", (int)vx->port, "remote",
						      addr_format(&vx->remote, abuf)));

		if (s->links[i].wire[0] || s->links[i].wire[1])
			json_object_set_new(jl, "wire", json_pack("[i,i]", s->links[i].wire[0],
								  s->links[i].wire[1]));
		if (s->links[i].plain)
			json_object_set_new(jl, "cable", json_false());

		for (int k = 0; k < 2; k++) {
			const struct topo_impair *im = &s->links[i].impair[k];

			if (!im->set)
				continue;
			json_object_set_new(jl, k ? "impair1" : "impair0",
					    json_pack("{s:I, s:I, s:f, s:I}", "delay_ns", (json_int_t)im->delay_ns,
						      "jitter_ns", (json_int_t)im->jitter_ns, "loss", im->loss,
						      "rate_bps", (json_int_t)im->rate_bps));
		}
		json_array_append_new(links, jl);
	}
	return links;
}

/* state.json: the lab and what each node is */
static json_t *nodes_doc(const struct state *s)
{
	json_t *root = json_object(), *nodes = json_array();

	json_object_set_new(root, "version", json_integer(STATE_VERSION));
	json_object_set_new(root, "lab", json_string(s->lab));
	json_object_set_new(root, "status", json_string(s->status ? s->status : "creating"));
	json_object_set_new(root, "topology", json_string(s->topology ? s->topology : ""));
	json_object_set_new(root, "created", json_integer(s->created));
	if (s->user)
		json_object_set_new(root, "user", json_string(s->user));
	if (s->n_meta) {
		json_t *m = json_object();

		for (size_t i = 0; i < s->n_meta; i++)
			json_object_set_new(m, s->meta[2 * i], json_string(s->meta[2 * i + 1]));
		json_object_set_new(root, "meta", m);
	}
	if (s->n_hosts) {
		json_t *hosts = json_array();

		for (size_t i = 0; i < s->n_hosts; i++) {
			const struct state_host *h = &s->hosts[i];
			json_t *names = json_array();

			for (size_t k = 0; k < h->n_nodes; k++)
				json_array_append_new(names, json_string(h->nodes[k]));
			json_t *jh = json_pack("{s:s, s:s, s:s, s:o}", "name", h->name, "exec", h->exec,
					       "netlab", h->netlab, "nodes", names);

			if (h->pid)
				json_object_set_new(jh, "running", json_pack("{s:i, s:I}", "pid", h->pid, "start",
									     (json_int_t)h->pid_start));
			json_array_append_new(hosts, jh);
		}
		json_object_set_new(root, "hosts", hosts);
	}
	if (s->creator_pid)
		json_object_set_new(root, "creator", json_pack("{s:i, s:I}", "pid", s->creator_pid, "start",
								(json_int_t)s->creator_start));
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct state_node *n = &s->nodes[i];
		_cleanup_free_ char *netns = NULL;
		json_t *jn;

		if (n->remote)
			continue; /* another host's */
		netns = state_default_netns(s->lab, n->name);
		jn = json_pack("{s:s, s:s}", "name", n->name, "kind", n->kind);

		/* what most nodes have goes unsaid: down parses less */
		if (strcmp(n->hostname, n->name))
			json_object_set_new(jn, "hostname", json_string(n->hostname));
		if (strcmp(n->netns, netns))
			json_object_set_new(jn, "netns", json_string(n->netns));

		if (n->pid || n->mount || n->ipc || n->cgroup)
			json_object_set_new(jn, "isolation",
					    json_pack("{s:b, s:b, s:b, s:b}", "pid", n->pid, "mount",
						      n->mount, "ipc", n->ipc, "cgroup", n->cgroup));
		if (n->has_cgroup)
			json_object_set_new(jn, "limits",
					    json_pack("{s:I, s:f, s:I}", "memory", (json_int_t)n->memory,
						      "cpu", n->cpu, "pids", (json_int_t)n->pids));
		if (n->init_pid)
			json_object_set_new(jn, "init", json_pack("{s:i, s:I}", "pid", n->init_pid, "start",
								  (json_int_t)n->init_start));
		if (n->n_env) {
			json_t *env = json_array();

			for (size_t k = 0; k < n->n_env; k++)
				json_array_append_new(env, json_string(n->env[k]));
			json_object_set_new(jn, "env", env);
		}
		if (n->n_shutdown) {
			json_t *sd = json_array();

			for (size_t k = 0; k < n->n_shutdown; k++)
				json_array_append_new(sd, json_string(n->shutdown[k]));
			json_object_set_new(jn, "shutdown", sd);
		}
		if (n->shell)
			json_object_set_new(jn, "shell", json_string(n->shell));
		json_array_append_new(nodes, jn);
	}
	json_object_set_new(root, "nodes", nodes);
	return root;
}

/* wiring.json: the links, and what `link up` puts back in a lab from before wire ends (addresses, routes by node) */
static json_t *wiring_doc(const struct state *s)
{
	json_t *root = json_object(), *nodes = json_object();

	json_object_set_new(root, "version", json_integer(STATE_VERSION));
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct state_node *n = &s->nodes[i];
		json_t *jn;

		if (n->remote || (!n->n_routes && !n->n_addrs))
			continue;
		jn = json_object();
		if (n->n_routes)
			json_object_set_new(jn, "routes", routes_json(n));
		if (n->n_addrs)
			json_object_set_new(jn, "addresses", addrs_json(n));
		json_object_set_new(nodes, n->name, jn);
	}
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "links", links_json(s));
	return root;
}

char *state_encode(const struct state *s, enum state_part part)
{
	_cleanup_json_ json_t *root = part == STATE_NODES ? nodes_doc(s) : wiring_doc(s);

	return json_dumps(root, JSON_COMPACT);
}

static char *dup_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* A node's routes and addresses from its wiring object. */
static void decode_node_wiring(json_t *v, struct state_node *n)
{
	json_t *routes = json_object_get(v, "routes");
	json_t *addrs = json_object_get(v, "addresses");
	json_t *e;
	size_t k;

	free(n->routes);
	free(n->addrs);
	n->n_routes = n->n_addrs = 0;
	n->routes = xcalloc(json_array_size(routes) + 1, sizeof(*n->routes));
	json_array_foreach(routes, k, e) {
		struct state_route *r = &n->routes[n->n_routes];
		const char *to = json_string_value(json_object_get(e, "to"));
		const char *via = json_string_value(json_object_get(e, "via"));
		const char *dev = json_string_value(json_object_get(e, "dev"));

		if (!to || prefix_parse(to, &r->to) < 0)
			continue;
		if (via && addr_parse(via, &r->via) == 0)
			r->has_via = true;
		if (dev)
			strscpy(r->dev, dev, sizeof(r->dev));
		r->metric = json_integer_value(json_object_get(e, "metric"));
		n->n_routes++;
	}
	n->addrs = xcalloc(json_array_size(addrs) + 1, sizeof(*n->addrs));
	json_array_foreach(addrs, k, e) {
		const char *dev = json_string_value(json_array_get(e, 0));
		const char *cidr = json_string_value(json_array_get(e, 1));
		struct state_addr *a = &n->addrs[n->n_addrs];

		if (!dev || !cidr || prefix_parse(cidr, &a->prefix) < 0)
			continue;
		strscpy(a->dev, dev, sizeof(a->dev));
		n->n_addrs++;
	}
}

static void decode_links(json_t *links, struct state *s)
{
	json_t *v;
	size_t i;

	s->links = xcalloc(json_array_size(links) + 1, sizeof(*s->links));
	json_array_foreach(links, i, v) {
		struct state_link *l = &s->links[s->n_links++];
		json_t *e = json_object_get(v, "endpoints");

		for (int k = 0; k < 2; k++) {
			const char *end = json_string_value(json_array_get(e, k));

			if (!end || topo_end_parse(end, &l->ends[k]) < 0)
				topo_end_parse("?", &l->ends[k]);
		}
		l->up = json_is_true(json_object_get(v, "up"));
		for (int k = 0; k < 2; k++)
			l->wire[k] = json_integer_value(json_array_get(json_object_get(v, "wire"), k));
		l->plain = json_is_false(json_object_get(v, "cable"));
		{
			json_t *vx = json_object_get(v, "vxlan");
			const char *remote = json_string_value(json_object_get(vx, "remote"));

			if (vx && remote && addr_parse(remote, &l->vxlan.remote) == 0) {
				l->vxlan.on = true;
				l->vxlan.side = json_integer_value(json_object_get(vx, "side")) ? 1 : 0;
				l->vxlan.vni = json_integer_value(json_object_get(vx, "vni"));
				l->vxlan.port = json_integer_value(json_object_get(vx, "port"));
			}
		}
		for (int k = 0; k < 2; k++) {
			json_t *im = json_object_get(v, k ? "impair1" : "impair0");

			if (!im)
				continue;
			l->impair[k].set = true;
			l->impair[k].delay_ns = json_integer_value(json_object_get(im, "delay_ns"));
			l->impair[k].jitter_ns = json_integer_value(json_object_get(im, "jitter_ns"));
			l->impair[k].loss = json_number_value(json_object_get(im, "loss"));
			l->impair[k].rate_bps = json_integer_value(json_object_get(im, "rate_bps"));
		}
	}
}

/* The controller's record of a lab over several machines: its hosts. */
static int decode_hosts(json_t *hosts, struct state *s, const char *what, struct lab_err **err)
{
	json_t *h;
	size_t k;

	s->hosts = xcalloc(json_array_size(hosts) + 1, sizeof(*s->hosts));
	json_array_foreach(hosts, k, h) {
		struct state_host *sh = &s->hosts[s->n_hosts++];
		json_t *names = json_object_get(h, "nodes"), *nm;
		size_t j;

		sh->name = dup_str(h, "name");
		sh->exec = dup_str(h, "exec");
		sh->netlab = dup_str(h, "netlab");
		sh->pid = json_integer_value(json_object_get(json_object_get(h, "running"), "pid"));
		sh->pid_start = json_integer_value(json_object_get(json_object_get(h, "running"), "start"));
		if (!sh->name || !sh->exec || !sh->netlab)
			return state_corrupt(err, s->lab, what, "hosts[%zu] lacks its name, exec or netlab", k);
		sh->nodes = xcalloc(json_array_size(names) + 1, sizeof(char *));
		json_array_foreach(names, j, nm)
			if (json_is_string(nm))
				sh->nodes[sh->n_nodes++] = xstrdup(json_string_value(nm));
	}
	return 0;
}

static int decode_nodes(json_t *root, struct state *s, const char *what, struct lab_err **err)
{
	json_t *nodes = json_object_get(root, "nodes"), *links = json_object_get(root, "links");
	json_t *v;
	size_t i;
	int r;

	s->version = json_is_integer(json_object_get(root, "version")) ?
			     (int)json_integer_value(json_object_get(root, "version")) : 1;
	if (s->version > STATE_VERSION || s->version < 1)
		return state_corrupt(err, s->lab, what,
			       "version %d, which this netlab (version %d) does not know: a newer netlab made it",
			       s->version, STATE_VERSION);
	s->status = dup_str(root, "status");
	s->topology = dup_str(root, "topology");
	s->created = json_integer_value(json_object_get(root, "created"));
	free(s->user);
	s->user = dup_str(root, "user"); /* NULL: a lab started before netlab recorded it */
	{
		json_t *m = json_object_get(root, "meta"), *mv;
		const char *mk;

		s->meta = xcalloc(2 * json_object_size(m) + 1, sizeof(char *));
		json_object_foreach(m, mk, mv)
			if (json_is_string(mv)) {
				s->meta[2 * s->n_meta] = xstrdup(mk);
				s->meta[2 * s->n_meta + 1] = xstrdup(json_string_value(mv));
				s->n_meta++;
			}
	}
	r = decode_hosts(json_object_get(root, "hosts"), s, what, err);
	if (r < 0)
		return r;
	s->creator_pid = json_integer_value(json_object_get(json_object_get(root, "creator"), "pid"));
	s->creator_start = json_integer_value(json_object_get(json_object_get(root, "creator"), "start"));
	/* version 1 kept the links here (and each node's wiring in it) */
	if (!json_is_array(nodes) || !s->status || (links && !json_is_array(links)))
		return state_corrupt(err, s->lab, what, "missing nodes or status");
	s->nodes = xcalloc(json_array_size(nodes) + 1, sizeof(*s->nodes));
	json_array_foreach(nodes, i, v) {
		struct state_node *n = &s->nodes[s->n_nodes++];
		json_t *iso = json_object_get(v, "isolation");
		json_t *lim = json_object_get(v, "limits");
		json_t *init = json_object_get(v, "init");
		json_t *env = json_object_get(v, "env"), *e;
		size_t k;

		n->name = dup_str(v, "name");
		n->kind = dup_str(v, "kind");
		n->hostname = dup_str(v, "hostname");
		n->netns = dup_str(v, "netns");
		if (n->name && !n->hostname)
			n->hostname = xstrdup(n->name);
		if (n->name && !n->netns)
			n->netns = state_default_netns(s->lab, n->name);
		n->pid = json_is_true(json_object_get(iso, "pid"));
		n->mount = json_is_true(json_object_get(iso, "mount"));
		n->ipc = json_is_true(json_object_get(iso, "ipc"));
		n->cgroup = json_is_true(json_object_get(iso, "cgroup"));
		n->has_cgroup = lim != NULL;
		n->memory = json_integer_value(json_object_get(lim, "memory"));
		n->cpu = json_number_value(json_object_get(lim, "cpu"));
		n->pids = json_integer_value(json_object_get(lim, "pids"));
		n->init_pid = json_integer_value(json_object_get(init, "pid"));
		n->init_start = json_integer_value(json_object_get(init, "start"));
		decode_node_wiring(v, n);
		n->env = xcalloc(json_array_size(env) + 1, sizeof(char *));
		json_array_foreach(env, k, e)
			if (json_is_string(e))
				n->env[n->n_env++] = xstrdup(json_string_value(e));
		{
			json_t *sd = json_object_get(v, "shutdown");

			n->shutdown = xcalloc(json_array_size(sd) + 1, sizeof(char *));
			json_array_foreach(sd, k, e)
				if (json_is_string(e))
					n->shutdown[n->n_shutdown++] = xstrdup(json_string_value(e));
			n->shell = dup_str(v, "shell");
		}
		if (!n->name || !n->kind || !n->hostname || !n->netns)
			return state_corrupt(err, s->lab, what, "nodes[%zu] is incomplete", i);
	}
	if (links)
		decode_links(links, s);
	return 0;
}

static int decode_wiring(json_t *root, struct state *s, const char *what, struct lab_err **err)
{
	json_t *nodes = json_object_get(root, "nodes"), *links = json_object_get(root, "links");

	if (!json_is_object(nodes) || !json_is_array(links))
		return state_corrupt(err, s->lab, what, "missing nodes or links");
	for (size_t i = 0; i < s->n_nodes; i++)
		decode_node_wiring(json_object_get(nodes, s->nodes[i].name), &s->nodes[i]);
	free(s->links);
	s->links = NULL;
	s->n_links = 0;
	decode_links(links, s);
	return 0;
}

int state_decode(struct state *s, enum state_part part, const char *text, size_t len,
		 const char *what, struct lab_err **err)
{
	_cleanup_json_ json_t *root = NULL;
	json_error_t jerr;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return state_corrupt(err, s->lab, what, "%s (line %d)", jerr.text, jerr.line);
	if (!json_is_object(root))
		return state_corrupt(err, s->lab, what, "not a JSON object");
	return part == STATE_NODES ? decode_nodes(root, s, what, err) : decode_wiring(root, s, what, err);
}

/* A JSON string of s; bytes that are not UTF-8 are written as "\\xNN" (names may hold any byte). */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	char *out, *o;

	if (j)
		return j;
	out = o = xmalloc(strlen(s) * 4 + 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x80)
			*o++ = *c;
		else
			o += sprintf(o, "\\x%02X", *c);
	}
	*o = '\0';
	j = json_string(out);
	free(out);
	return j;
}

char *state_status_json(const struct status_lab *labs, size_t n)
{
	_cleanup_json_ json_t *root = json_object();
	json_t *jlabs = json_array();

	for (size_t l = 0; l < n; l++) {
		const struct status_lab *lab = &labs[l];
		json_t *nodes = json_array();

		for (size_t i = 0; i < lab->n_nodes; i++) {
			const struct status_node *nd = &lab->nodes[i];
			json_t *ifaces = json_array();

			for (size_t k = 0; k < nd->n_ifaces; k++) {
				const struct status_iface *f = &nd->ifaces[k];
				json_t *addrs = json_array();
				json_t *jf;

				for (size_t a = 0; a < f->n_addrs; a++)
					json_array_append_new(addrs, jstr(f->addrs[a]));
				jf = json_pack("{s:o, s:s, s:i, s:s, s:o}", "name", jstr(f->name), "state",
					       f->state, "mtu", f->mtu, "mac", f->mac, "addresses",
					       addrs);
				if (f->master)
					json_object_set_new(jf, "master", jstr(f->master));
				json_array_append_new(ifaces, jf);
			}
			{
				json_t *jn = json_pack(
					"{s:o, s:s, s:o, s:o, s:b, s:o, s:{s:I, s:I}, s:{s:b, s:b, s:b, s:b}, s:I}",
					"name", jstr(nd->name), "kind", nd->kind, "hostname", jstr(nd->hostname),
					"netns", jstr(nd->netns), "present", nd->present, "interfaces", ifaces,
					"routes", "ipv4", (json_int_t)nd->routes4, "ipv6",
					(json_int_t)nd->routes6, "isolation", "pid", nd->pid, "mount",
					nd->mount, "ipc", nd->ipc, "cgroup", nd->cgroup, "processes",
					(json_int_t)nd->processes);

				if (nd->memory || nd->cpu > 0 || nd->pids)
					json_object_set_new(jn, "limits",
							    json_pack("{s:I, s:f, s:I}", "memory",
								      (json_int_t)nd->memory, "cpu", nd->cpu,
								      "pids", (json_int_t)nd->pids));
				if (nd->init_pid)
					json_object_set_new(jn, "init_pid", json_integer(nd->init_pid));
				if (nd->failed)
					json_object_set_new(jn, "startup_failed", jstr(nd->failed));
				if (nd->n_startup_errors) {
					json_t *ja = json_array();

					for (size_t k = 0; k < nd->n_startup_errors; k++) {
						const struct startup_failure *sf = &nd->startup_errors[k];

						json_array_append_new(
							ja, json_pack("{s:o, s:i, s:i, s:o}", "script",
								      jstr(sf->where), "line", (int)sf->line,
								      "status", sf->status, "command",
								      jstr(sf->command)));
					}
					json_object_set_new(jn, "startup_errors", ja);
				}
				json_array_append_new(nodes, jn);
			}
		}
		{
			json_t *links = json_array();

			for (size_t i = 0; i < lab->n_links; i++) {
				const struct status_link *sl = &lab->links[i];
				json_t *jl = json_pack("{s:[o,o], s:s}", "endpoints", jstr(sl->ends[0]),
						       jstr(sl->ends[1]), "state", sl->state);
				json_t *imp = json_object();

				for (int k = 0; k < 2; k++)
					if (sl->impair[k])
						json_object_set_new(imp, sl->ends[k], jstr(sl->impair[k]));
				json_object_set_new(jl, "impair", imp);
				json_array_append_new(links, jl);
			}
			json_t *meta = json_object();

			for (size_t m = 0; m < lab->n_meta; m++)
				json_object_set_new(meta, lab->meta[2 * m], jstr(lab->meta[2 * m + 1]));
			json_array_append_new(jlabs, json_pack("{s:o, s:s, s:o, s:I, s:o, s:o, s:o, s:o}", "name",
							       jstr(lab->name), "status", lab->status,
							       "topology", jstr(lab->topology), "created",
							       (json_int_t)lab->created, "user",
							       lab->user && *lab->user ? jstr(lab->user) : json_null(),
							       "meta", meta, "nodes", nodes, "links", links));
		}
	}
	json_object_set_new(root, "labs", jlabs);
	return json_dumps(root, JSON_INDENT(2));
}

