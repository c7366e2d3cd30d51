/* SPDX-License-Identifier: MIT */
/*
 * The containerlab reader's links: the brief form (endpoints "a:eth1"
 * strings) and the extended veth form (endpoints {node, interface, mac}),
 * each a netlab link with containerlab's MTU; the other link types reach
 * outside the lab and are refused.
 */
#include "read_clab_impl.h"


static const struct clab_key brief_keys[] = {
	{"endpoints", NULL}, {"mtu", NULL},
	{"type", NULL},	     {"labels", NULL},
	{"vars", NULL},	     {"ipv4", NULL},
	{"ipv6", NULL},
};

static const struct clab_key endpoint_keys[] = {
	{"node", NULL}, {"interface", NULL}, {"mac", NULL},
	{"ipv4", NULL}, {"ipv6", NULL},	     {"vars", NULL},
};

/* One end of a link, once read. */
struct end {
	ssize_t node; /* index in c->nodes, -1: none (reported) */
	const char *ifname;
	yaml_node_t *at; /* where the end is written */
	char *path;
	yaml_node_t *mac; /* NULL: none */
	char *mac_path;
};

static void end_free(struct end *e)
{
	free(e->path);
	free(e->mac_path);
}

/* Link types that reach the host, its management network or another machine. */
static const char *const outside_types[] = {"host", "mgmt-net", "macvlan", "vxlan", "vxlan-stitch",
					    "dummy"};

/*
 * The node and interface of an end: a known node, a usable name; each
 * error at nat/npath and iat/ipath. Return: false when reported.
 */
static bool check_end(struct clab *c, struct end *e, const char *node, yaml_node_t *nat,
		      const char *npath, const char *ifname, yaml_node_t *iat, const char *ipath)
{
	const char *problem = topo_ifname_problem(ifname);

	e->node = clab_find_node(c, node);
	if (e->node < 0) {
		const char **names = xcalloc(c->n_nodes + 1, sizeof(char *));
		_cleanup_free_ char *hint = NULL;

		for (size_t i = 0; i < c->n_nodes; i++)
			names[i] = c->nodes[i].name;
		hint = clab_hint(c, node, names, c->n_nodes);
		free(names);
		clab_err(c, nat, npath, "unknown node '%s'%s (expected one of the names under topology.nodes)",
			 node, hint);
		return false;
	}
	if (c->nodes[e->node].role == CLAB_REFUSED)
		return false; /* the node's own error says why */
	if (problem) {
		clab_err(c, iat, ipath, "interface name '%s' %s", ifname, problem);
		return false;
	}
	if (!strcmp(ifname, "lo")) {
		clab_err(c, iat, ipath, "'lo' cannot be linked (expected another interface name)");
		return false;
	}
	if (c->nodes[e->node].role == CLAB_SWITCH && !strcmp(ifname, TOPO_BRIDGE_NAME)) {
		clab_err(c, iat, ipath, "'%s' is the bridge of switch '%s' in netlab (expected another port name)",
			 TOPO_BRIDGE_NAME, node);
		return false;
	}
	e->ifname = ifname;
	return true;
}

/* "node:interface" of the brief form. */
static bool brief_end(struct clab *c, yaml_node_t *v, struct end *e)
{
	const char *s = clab_want_str(c, v, e->path, "a \"node:interface\" string"), *colon;
	_cleanup_free_ char *node = NULL;

	if (!s)
		return false;
	colon = strchr(s, ':');
	if (!colon || colon == s || !colon[1]) {
		clab_err(c, v, e->path, "\"%s\" is not an endpoint (expected \"node:interface\")", s);
		return false;
	}
	node = strndup(s, colon - s);
	if (!node)
		abort();
	/* as containerlab: these names mean a link type, not a node */
	if (!strcmp(node, "host") || !strcmp(node, "mgmt-net") || !strcmp(node, "macvlan")) {
		clab_err(c, v, e->path, "\"%s\" is a link of type %s, which netlab cannot make (expected two nodes of the lab)",
			 s, node);
		return false;
	}
	return check_end(c, e, node, v, e->path, colon + 1, v, e->path);
}

/* {node, interface, mac, ipv4, ipv6, vars} of the extended form. */
static bool extended_end(struct clab *c, yaml_node_t *v, struct end *e)
{
	yaml_node_t *node, *ifn;
	_cleanup_free_ char *npath = xasprintf("%s.node", e->path),
			    *ipath = xasprintf("%s.interface", e->path);
	const char *ns, *is;

	if (ydoc_is_null(v) || v->type != YAML_MAPPING_NODE) {
		clab_err(c, v, e->path, "is %s (expected a mapping with node and interface)",
			 ydoc_type(v));
		return false;
	}
	clab_check_keys(c, v, e->path, endpoint_keys, ARRAY_SIZE(endpoint_keys));
	node = ydoc_get(&c->y, v, "node");
	ifn = ydoc_get(&c->y, v, "interface");
	if (ydoc_is_null(node) || ydoc_is_null(ifn)) {
		clab_err(c, v, e->path, "has no %s (expected a mapping with node and interface)",
			 ydoc_is_null(node) ? "node" : "interface");
		return false;
	}
	ns = clab_want_str(c, node, npath, "a node name");
	is = clab_want_str(c, ifn, ipath, "an interface name");
	if (!ns || !is)
		return false;
	e->mac = ydoc_get(&c->y, v, "mac");
	e->mac_path = xasprintf("%s.mac", e->path);
	return check_end(c, e, ns, node, npath, is, ifn, ipath);
}

/* ipv4/ipv6: containerlab sets them on a few vendor kinds only, never on linux. */
static void warn_addresses(struct clab *c, yaml_node_t *map, const char *path)
{
	static const char *const keys[] = {"ipv4", "ipv6"};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		yaml_node_t *v = ydoc_get(&c->y, map, keys[i]);
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, keys[i]);

		if (!ydoc_is_null(v))
			clab_warn(c, v, kpath, "is ignored: containerlab sets addresses on srl, ceos, vyos and iol nodes only (expected exec commands, as for kind linux)");
	}
}

/* Whether an end's MAC, if any, is a unicast MAC (reported when not). */
static bool mac_ok(struct clab *c, const struct end *e)
{
	const char *s;
	uint8_t mac[6];

	if (ydoc_is_null(e->mac))
		return true;
	s = clab_want_str(c, e->mac, e->mac_path, "a MAC address");
	if (!s)
		return false;
	if (topo_mac_parse(s, mac) < 0) {
		clab_err(c, e->mac, e->mac_path, "\"%s\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)",
			 s);
		return false;
	}
	return true;
}

/* The end's MAC on its interface in the node's JSON. */
static void set_mac(struct clab *c, const struct end *e)
{
	json_t *jn = c->nodes[e->node].j, *ifs;

	if (ydoc_is_null(e->mac))
		return;
	ifs = json_object_get(jn, "interfaces");
	if (!ifs) {
		ifs = json_object();
		json_object_set_new(jn, "interfaces", ifs);
	}
	json_object_set_new(ifs, e->ifname, json_pack("{s:s}", "mac", ydoc_str(e->mac)));
}

/* The MTU of a link: its own, else containerlab's 9500. Return: 0 when reported. */
static long read_mtu(struct clab *c, yaml_node_t *l, const char *path)
{
	yaml_node_t *v = ydoc_get(&c->y, l, "mtu");
	_cleanup_free_ char *mpath = xasprintf("%s.mtu", path);
	const char *s;
	char *end;
	long mtu;

	if (ydoc_is_null(v))
		return CLAB_DEFAULT_MTU;
	s = clab_want_str(c, v, mpath, "an MTU");
	if (!s)
		return 0;
	errno = 0;
	mtu = strtol(s, &end, 10);
	if (end == s || *end || errno || mtu < 68 || mtu > 65535) {
		clab_err(c, v, mpath, "\"%s\" is not an MTU (expected 68 to 65535)", s);
		return 0;
	}
	return mtu;
}

/* The type of a link. Return: true for a veth (brief or extended), *ret_brief which. */
static bool link_type(struct clab *c, yaml_node_t *l, const char *path, bool *ret_brief)
{
	static const char *const types[] = {"veth", "veth-stitch", "host", "mgmt-net",
					    "macvlan", "vxlan", "vxlan-stitch", "dummy"};
	yaml_node_t *v = ydoc_get(&c->y, l, "type");
	_cleanup_free_ char *tpath = xasprintf("%s.type", path), *hint = NULL;
	const char *t;

	*ret_brief = ydoc_is_null(v);
	if (*ret_brief)
		return true;
	t = clab_want_str(c, v, tpath, "a link type");
	if (!t)
		return false;
	if (!strcmp(t, "veth") || !strcmp(t, "veth-stitch"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(outside_types); i++)
		if (!strcmp(t, outside_types[i])) {
			clab_err(c, v, tpath, "a link of type %s reaches outside the lab, which netlab cannot make (expected veth)",
				 t);
			return false;
		}
	hint = clab_hint(c, t, types, ARRAY_SIZE(types));
	clab_err(c, v, tpath, "'%s' is not a link type%s (expected veth, or no type with endpoints \"node:interface\")",
		 t, hint);
	return false;
}

/* Whether two ends are usable together, each interface in one link only. */
static bool ends_ok(struct clab *c, yaml_node_t *l, const char *path, struct end *e,
		    json_t *used)
{
	if (e[0].node == e[1].node) {
		clab_err(c, l, path, "links node '%s' to itself (expected two different nodes)",
			 c->nodes[e[0].node].name);
		return false;
	}
	for (int s = 0; s < 2; s++) {
		_cleanup_free_ char *key = xasprintf("%s:%s", c->nodes[e[s].node].name, e[s].ifname);
		json_t *first = json_object_get(used, key);

		if (first) {
			clab_err(c, e[s].at, e[s].path, "interface '%s' is already used by %s (expected each interface in one link)",
				 key, json_string_value(first));
			return false;
		}
		json_object_set_new(used, key, json_string(path));
	}
	return true;
}

static void read_link(struct clab *c, yaml_node_t *l, const char *path, json_t *used)
{
	_cleanup_free_ char *epath = xasprintf("%s.endpoints", path);
	struct end e[2] = {{.node = -1}, {.node = -1}};
	yaml_node_t *eps;
	bool brief, ok = true;
	long mtu;

	if (ydoc_is_null(l) || l->type != YAML_MAPPING_NODE) {
		clab_err(c, l, path, "is %s (expected a mapping with endpoints)", ydoc_type(l));
		return;
	}
	if (!link_type(c, l, path, &brief))
		return;
	clab_check_keys(c, l, path, brief_keys, ARRAY_SIZE(brief_keys));
	warn_addresses(c, l, path);
	eps = ydoc_get(&c->y, l, "endpoints");
	if (ydoc_is_null(eps) || eps->type != YAML_SEQUENCE_NODE) {
		clab_err(c, eps ? eps : l, epath, "is %s (expected a sequence of two endpoints)",
			 ydoc_is_null(eps) ? "missing" : ydoc_type(eps));
		return;
	}
	if (ydoc_len(eps) != 2) {
		clab_err(c, eps, epath, "has %zu endpoints (expected two)", ydoc_len(eps));
		return;
	}
	for (int s = 0; s < 2; s++) {
		yaml_node_t *v = ydoc_item(&c->y, eps, s);

		e[s].path = xasprintf("%s[%d]", epath, s);
		e[s].at = v;
		if (!v || !(brief ? brief_end(c, v, &e[s]) : extended_end(c, v, &e[s])))
			ok = false;
		else if (!brief)
			warn_addresses(c, v, e[s].path);
	}
	mtu = read_mtu(c, l, path);
	/* every problem reported: both MACs even when an end is bad */
	ok = mac_ok(c, &e[0]) & mac_ok(c, &e[1]) & ok;
	if (ok && mtu && ends_ok(c, l, path, e, used)) {
		_cleanup_free_ char *a = xasprintf("%s:%s", c->nodes[e[0].node].name, e[0].ifname);
		_cleanup_free_ char *b = xasprintf("%s:%s", c->nodes[e[1].node].name, e[1].ifname);

		set_mac(c, &e[0]);
		set_mac(c, &e[1]);
		json_array_append_new(c->jlinks, json_pack("{s:[ss], s:i}", "endpoints", a, b, "mtu",
							   (int)mtu));
	}
	end_free(&e[0]);
	end_free(&e[1]);
}

void clab_read_links(struct clab *c, yaml_node_t *links)
{
	json_t *used = json_object(); /* "node:ifname" -> the link that uses it */

	for (size_t i = 0; i < ydoc_len(links); i++) {
		_cleanup_free_ char *path = xasprintf("topology.links[%zu]", i);
		yaml_node_t *l = ydoc_item(&c->y, links, i);

		if (!l)
			break;
		read_link(c, l, path, used);
	}
	json_decref(used);
}
