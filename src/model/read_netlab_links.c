/* SPDX-License-Identifier: MIT */
/* The netlab JSON reader: links, their ends and impairments. */
#include "read_netlab.h"

#include "topo_hint.h"

/* Split "node:ifname" / "node". Return: false on a malformed endpoint (reported). */
static bool split_endpoint(struct parse *p, const char *path, const char *s, char **ret_node,
			   char **ret_if)
{
	const char *colon = strchr(s, ':');

	if (colon && strchr(colon + 1, ':')) {
		nj_perr(p, path, "\"%s\" has more than one ':' (expected \"node:ifname\")", s);
		return false;
	}
	if (colon && colon[1] == '\0') {
		nj_perr(p, path, "\"%s\" has an empty interface name (expected \"node:ifname\" or \"node\")", s);
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
	if (!nj_want(p, path, eps, JSON_ARRAY, "an array of two \"node:ifname\" strings"))
		return;
	if (json_array_size(eps) != 2) {
		nj_perr(p, path, "has %zu endpoints (expected exactly two \"node:ifname\" strings)",
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
		if (!nj_want(p, epath, e, JSON_STRING, "a \"node:ifname\" string")) {
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

			nj_perr(p, epath, "unknown node '%s'%s (expected one of the names under \"nodes\")",
			     node, hint);
			pl->ok = false;
			continue;
		}
		if (pl->ep[i].ifname && topo_ifname_problem(pl->ep[i].ifname)) {
			nj_perr(p, epath, "interface name '%s' %s", pl->ep[i].ifname,
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
		nj_perr(p, path, "\"%s\" is not a link (expected \"node:ifname -- node:ifname\")", s);
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
			nj_perr(p, path, "\"%s\" is not a link (expected \"node:ifname -- node:ifname\")",
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
	if (!nj_want(p, path, j, JSON_OBJECT,
		  "an object with endpoints, or a string \"node:ifname -- node:ifname\""))
		return;
	pl->ok = nj_check_keys(p, path, j, keys, reserved);
	v = json_object_get(j, "endpoints");
	if (!v) {
		nj_perr(p, path, "missing 'endpoints' (expected two \"node:ifname\" strings)");
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

		if (nj_get_int(p, mpath, v, 68, 65535, &mtu))
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
				nj_perr(p, spath, "\"%s\" is not a link state (expected \"up\" or \"down\")",
				     json_string_value(v));
			else
				nj_perr(p, spath, "is %s (expected \"up\" or \"down\")", nj_json_type_name(v));
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

	if (!nj_want(p, path, j, JSON_OBJECT, "an object with delay, jitter, loss, rate"))
		return false;
	if (!nj_check_keys(p, path, j, keys, NULL))
		ok = false;
	for (size_t i = 0; keys[i]; i++) {
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, keys[i]);
		const char *str;
		int r;

		v = json_object_get(j, keys[i]);
		if (!v)
			continue;
		if (!nj_want(p, kpath, v, JSON_STRING, i == 2 ? "a percentage such as \"1%\"" :
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
			nj_perr(p, kpath, "\"%s\" is not %s", str,
			     i == 2 ? "a percentage (expected 0% to 100%, such as \"1%\")" :
			     i == 3 ? "a rate (expected a number with bit, kbit, mbit, gbit, bps, kbps, mbps or gbps, such as \"10mbit\")" :
				      "a time (expected a number with ns, us, ms or s, such as \"20ms\")");
			ok = false;
		}
	}
	if (im.jitter_ns && !im.delay_ns) {
		nj_perr(p, path, "has jitter without delay (expected a delay too)");
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

	if (!nj_want(p, pl->impair_path, pl->impair, JSON_OBJECT,
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
			nj_perr(p, kpath, "'%s' is not an endpoint of this link (expected \"node:ifname\" of one of its ends)", key);
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
		nj_perr(p, e->path, "interface '%s:%s' is already used by links[%zd] (expected each interface in one link)",
		     n->name, e->ifname, ifc->link);
		return false;
	}
	ifc->link = li;
	ifc->side = side;
	p->t->links[li].ep[side].node = e->node;
	p->t->links[li].ep[side].iface = ii;
	return true;
}

void nj_parse_links(struct parse *p, json_t *links)
{
	size_t n = json_array_size(links), i;
	struct pending_link *pl = xcalloc(n, sizeof(*pl));
	_cleanup_free_ unsigned *next_eth = NULL;
	json_t *j;

	json_array_foreach(links, i, j) {
		_cleanup_free_ char *path = xasprintf("links[%zu]", i);

		parse_link(p, path, j, &pl[i]);
		if (pl[i].ok && pl[i].ep[0].node == pl[i].ep[1].node) {
			nj_perr(p, path, "links node '%s' to itself (expected two different nodes)",
			     p->t->nodes[pl[i].ep[0].node].name);
			pl[i].ok = false;
		}
		for (int s = 0; s < 2 && pl[i].ok; s++) {
			const char *ifn = pl[i].ep[s].ifname;
			struct topo_node *nd = &p->t->nodes[pl[i].ep[s].node];

			if (ifn && strcmp(ifn, "lo") == 0) {
				nj_perr(p, pl[i].ep[s].path, "'lo' cannot be linked (expected another interface name)");
				pl[i].ok = false;
			} else if (ifn && nd->kind == TOPO_SWITCH && strcmp(ifn, TOPO_BRIDGE_NAME) == 0) {
				nj_perr(p, pl[i].ep[s].path,
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
