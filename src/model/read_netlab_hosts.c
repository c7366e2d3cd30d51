/* SPDX-License-Identifier: MIT */
/* The netlab JSON reader: "hosts" (a lab over several machines), "vxlan", and each node's host. */
#include "read_netlab.h"

#include "topo_hint.h"

/* Whether an address can be a tunnel's end: not unspecified, multicast or link-local. */
static const char *underlay_problem(const struct addr *a)
{
	static const uint8_t zero[16];

	if (!memcmp(a->bytes, zero, addr_size(a->family)))
		return "is the unspecified address";
	if ((a->family == AF_INET && (a->bytes[0] & 0xf0) == 0xe0) ||
	    (a->family == AF_INET6 && a->bytes[0] == 0xff))
		return "is a multicast address";
	if (addr_is_link_local(a))
		return "is a link-local address (a tunnel's end needs a routable one)";
	return NULL;
}

static void parse_host(struct parse *p, const char *name, json_t *j, int pos)
{
	static const char *const keys[] = {"address", "exec", "netlab", "mtu", NULL};
	_cleanup_free_ char *path = xasprintf("hosts.%s", name);
	const char *problem = topo_node_name_problem(name);
	struct topo_host h = {.mtu = TOPO_HOST_MTU, .pos = pos};
	json_t *v;

	if (problem) {
		nj_perr(p, "hosts", "host name '%s' %s", name, problem);
		return;
	}
	/* "a": "192.0.2.1" is short for "a": {"address": "192.0.2.1"} */
	if (json_is_string(j)) {
		_cleanup_json_ json_t *obj = json_pack("{s:O}", "address", j);

		parse_host(p, name, obj, pos);
		return;
	}
	if (!nj_want(p, path, j, JSON_OBJECT, "an object with address, exec, netlab, mtu"))
		return;
	nj_check_keys(p, path, j, keys, NULL);
	v = json_object_get(j, "address");
	if (!v) {
		nj_perr(p, path, "missing 'address' (expected the host's IPv4 or IPv6 address on the underlay)");
		return;
	} else {
		_cleanup_free_ char *apath = xasprintf("%s.address", path);

		if (!nj_want(p, apath, v, JSON_STRING, "an IPv4 or IPv6 address"))
			return;
		if (addr_parse(json_string_value(v), &h.addr) < 0) {
			nj_perr(p, apath, "\"%s\" is not an IP address (expected a.b.c.d or x:y::z, without a length)",
				json_string_value(v));
			return;
		}
		problem = underlay_problem(&h.addr);
		if (problem) {
			nj_perr(p, apath, "\"%s\" %s (expected the host's unicast address on the underlay)",
				json_string_value(v), problem);
			return;
		}
	}
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "netlab" : "exec";
		_cleanup_free_ char *kpath = xasprintf("%s.%s", path, key);

		v = json_object_get(j, key);
		if (!v)
			continue;
		if (!nj_want(p, kpath, v, JSON_STRING, k ? "netlab's path on the host" :
							      "a command prefix, such as \"ssh root@a\""))
			goto fail;
		if (!json_string_value(v)[0] || strchr(json_string_value(v), '\n')) {
			nj_perr(p, kpath, "is %s (expected %s)", json_string_value(v)[0] ? "several lines" : "empty",
				k ? "netlab's path on the host" : "a command prefix, such as \"ssh root@a\"");
			goto fail;
		}
		if (k)
			h.netlab = xstrdup(json_string_value(v));
		else
			h.exec = xstrdup(json_string_value(v));
	}
	v = json_object_get(j, "mtu");
	if (v) {
		_cleanup_free_ char *mpath = xasprintf("%s.mtu", path);
		long long mtu;

		if (nj_get_int(p, mpath, v, 576, 65535, &mtu))
			h.mtu = mtu;
	}
	h.name = xstrdup(name);
	if (!h.exec)
		h.exec = xasprintf("ssh %s", name);
	if (!h.netlab)
		h.netlab = xstrdup("netlab");
	GROW(p->t->hosts, p->t->cap_hosts, p->t->n_hosts + 1);
	p->t->hosts[p->t->n_hosts++] = h;
	return;
fail:
	free(h.exec);
}

void nj_parse_hosts(struct parse *p, json_t *v)
{
	const char *name;
	json_t *j;
	int pos = 0;

	if (!nj_want(p, "hosts", v, JSON_OBJECT, "an object of machines by name, each with an address"))
		return;
	json_object_foreach(v, name, j)
		parse_host(p, name, j, pos++);
	if (!json_object_size(v))
		nj_perr(p, "hosts", "is empty (expected at least one machine, or no \"hosts\" for a lab on this one)");
}

void nj_parse_vxlan(struct parse *p, json_t *v)
{
	static const char *const keys[] = {"port", "vni_base", NULL};
	long long n;
	json_t *k;

	if (!nj_want(p, "vxlan", v, JSON_OBJECT, "an object with port and vni_base"))
		return;
	nj_check_keys(p, "vxlan", v, keys, NULL);
	k = json_object_get(v, "port");
	if (k && nj_get_int(p, "vxlan.port", k, 1, 65535, &n))
		p->t->vxlan_port = n;
	k = json_object_get(v, "vni_base");
	if (k && nj_get_int(p, "vxlan.vni_base", k, 1, TOPO_VNI_MAX, &n)) {
		p->t->vni_base = n;
		p->t->vni_base_set = true;
	}
}

/* Each node's "host" to an index: the first host when it names none. */
void nj_resolve_hosts(struct parse *p, bool declared)
{
	_cleanup_free_ const char **names = xcalloc(p->t->n_hosts + 1, sizeof(char *));

	for (size_t i = 0; i < p->t->n_hosts; i++)
		names[i] = p->t->hosts[i].name;
	for (size_t i = 0; i < p->t->n_nodes; i++) {
		struct topo_node *n = &p->t->nodes[i];
		ssize_t h;

		if (!n->host_name) {
			n->host = p->t->n_hosts ? 0 : -1;
			continue;
		}
		h = topo_find_host(p->t, n->host_name);
		if (h >= 0) {
			n->host = h;
			continue;
		}
		_cleanup_free_ char *path = xasprintf("nodes.%s.host", n->name);
		_cleanup_free_ char *hint = topo_did_you_mean(
			topo_suggest(n->host_name, names, p->t->n_hosts));

		if (declared)
			nj_perr(p, path, "unknown host '%s'%s (expected one of the names under \"hosts\")",
				n->host_name, hint);
		else
			nj_perr(p, path, "names host '%s', but the lab has no \"hosts\" (expected a \"hosts\" object with it)",
				n->host_name);
	}
}
