/* SPDX-License-Identifier: MIT */
/* Unit tests of plan.h: parsed topologies turned into ordered kernel objects. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "topo.h"
#include "topo_parse.h"
#include "topo_validate.h"
#include "util.h"

struct ctx {
	struct topo *t;
	struct plan *p;
};

static int setup(void **state)
{
	*state = xcalloc(1, sizeof(struct ctx));
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	plan_free(c->p);
	topo_free(c->t);
	free(c);
	return 0;
}

/* Parse text (' for "), which must be a valid topology, and plan it. */
static struct ctx *build(void **state, const char *text)
{
	struct ctx *c = *state;
	_cleanup_free_ char *json = xstrdup(text);
	struct topo_diags d = {0};

	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	c->p = plan_free(c->p);
	c->t = topo_free(c->t);
	c->t = topo_parse_string(json, strlen(json), "lab.json", &d);
	if (c->t)
		topo_validate(c->t, &d);
	if (!c->t || d.n_errors) {
		for (size_t i = 0; i < d.n; i++)
			print_message("%s\n", d.v[i].text);
		topo_diags_free(&d);
		fail_msg("the topology does not validate");
	}
	topo_diags_free(&d);
	c->p = plan_build(c->t);
	assert_non_null(c->p);
	return c;
}

static size_t node_index(const struct ctx *c, const char *name)
{
	ssize_t i = topo_find_node(c->t, name);

	if (i < 0)
		fail_msg("no node '%s'", name);
	return i;
}

static const char *node_name(const struct ctx *c, size_t i)
{
	return c->p->nodes[i].node->name;
}

static const char *find_sysctl(const struct plan_sysctl *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].value;
	return NULL;
}

static const struct plan_link *link_of(const struct ctx *c, size_t link)
{
	for (size_t i = 0; i < c->p->n_links; i++)
		if (c->p->links[i].link == link)
			return &c->p->links[i];
	fail_msg("no plan link for links[%zu]", link);
	return NULL;
}

/* The set for (node, ifindex), or NULL. */
static const struct plan_set *find_set(const struct ctx *c, const char *node, int ifindex)
{
	size_t n = node_index(c, node);

	for (size_t i = 0; i < c->p->n_sets; i++)
		if (c->p->sets[i].node == n && c->p->sets[i].ifindex == ifindex)
			return &c->p->sets[i];
	return NULL;
}

static void assert_end(const struct ctx *c, const struct plan_end *e, const char *node,
		       const char *ifname, int ifindex, int master)
{
	assert_string_equal(node_name(c, e->node), node);
	assert_string_equal(e->ifname, ifname);
	assert_int_equal(e->ifindex, ifindex);
	assert_int_equal(e->master, master);
}

static const char two_hosts[] = "{'name': 'lab', 'nodes': {"
				"'h1': {'interfaces': {'eth0': {'addresses': ['10.0.0.1/24']}}}, "
				"'h2': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/24']}}}}, "
				"'links': ['h1:eth0 -- h2:eth0']}";

static void test_netns_names(void **state)
{
	struct ctx *c = build(state, "{'name': 'demo', 'nodes': {'r1': 'router', 'h.1': {}, 'sw-2': 'switch'}}");

	assert_int_equal(c->p->n_nodes, 3);
	assert_string_equal(c->p->nodes[node_index(c, "r1")].netns, "demo.r1");
	assert_string_equal(c->p->nodes[node_index(c, "h.1")].netns, "demo.h.1");
	assert_string_equal(c->p->nodes[node_index(c, "sw-2")].netns, "demo.sw-2");
	for (size_t i = 0; i < c->p->n_nodes; i++)
		assert_ptr_equal(c->p->nodes[i].node, &c->t->nodes[i]);
	assert_ptr_equal(c->p->topo, c->t);
}

static void test_netns_name_longest(void **state)
{
	char lab[TOPO_LAB_NAME_MAX + 1], node[TOPO_NODE_NAME_MAX + 1], want[PLAN_NETNS_MAX + 8];
	char buf[PLAN_NETNS_MAX];

	(void)state;
	memset(lab, 'l', TOPO_LAB_NAME_MAX);
	lab[TOPO_LAB_NAME_MAX] = '\0';
	memset(node, 'n', TOPO_NODE_NAME_MAX);
	node[TOPO_NODE_NAME_MAX] = '\0';
	snprintf(want, sizeof(want), "%s.%s", lab, node);
	/* the longest lab and node names fit whole */
	topo_netns_name(lab, node, buf);
	assert_string_equal(buf, want);
	assert_int_equal(strlen(buf), TOPO_LAB_NAME_MAX + 1 + TOPO_NODE_NAME_MAX);
}

static void test_ifindexes(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'r1': {'kind': 'router', 'interfaces': {'lo': {'addresses': ['10.255.0.1/32']}, "
				     "'eth0': {'addresses': ['10.0.0.1/30']}, 'eth1': {'addresses': ['10.0.1.1/24']}}}, "
				     "'r2': {'kind': 'router', 'interfaces': {'eth0': {'addresses': ['10.0.0.2/30']}}}, "
				     "'sw': {'kind': 'switch', 'interfaces': {'br0': {'addresses': ['10.0.1.2/24']}}}}, "
				     "'links': ['r1:eth0 -- r2:eth0', 'r1:eth1 -- sw']}");
	const struct topo_node *r1 = &c->t->nodes[node_index(c, "r1")];
	const struct topo_node *sw = &c->t->nodes[node_index(c, "sw")];

	const struct topo_node *r2 = &c->t->nodes[node_index(c, "r2")];

	assert_int_equal(plan_ifindex(r1, "lo"), PLAN_IFINDEX_LO);
	assert_int_equal(PLAN_IFINDEX_LO, 1);
	/*
	 * a link's ends: 101 + 2 * the link's index + the side, whatever their
	 * place in the node (lo is declared first here)
	 */
	assert_int_equal(plan_ifindex(r1, "eth0"), 101);
	assert_int_equal(plan_ifindex(r2, "eth0"), 102); /* the second end of r1:eth0 -- r2:eth0 */
	assert_int_equal(plan_ifindex(r1, "eth1"), 103);
	assert_int_equal(plan_ifindex(r1, "eth9"), -ENOENT);
	/* br0 is the bridge only on a switch */
	assert_int_equal(plan_ifindex(sw, "br0"), PLAN_IFINDEX_BRIDGE);
	assert_int_equal(PLAN_IFINDEX_BRIDGE, 100);
	assert_int_equal(plan_ifindex(r1, "br0"), -ENOENT);
	assert_int_equal(plan_ifindex(sw, "eth0"), 104);
	/* the two ends of a veth never share an index (the kernel's link watch needs it) */
	for (size_t i = 0; i < c->p->n_links; i++)
		assert_int_not_equal(c->p->links[i].end[0].ifindex, c->p->links[i].end[1].ifindex);
	/* and back from an index to the interface */
	for (size_t n = 0; n < c->t->n_nodes; n++) {
		const struct topo_node *nd = &c->t->nodes[n];

		for (size_t k = 0; k < nd->n_ifaces; k++) {
			if (nd->ifaces[k].link < 0) {
				/* lo, in no link: none of plan_iface_index's (plan_ifindex has it) */
				assert_int_equal(plan_iface_index(nd, k), -ENOENT);
				continue;
			}
			assert_int_equal(plan_iface_pos(nd, plan_iface_index(nd, k)), k);
		}
	}
	assert_int_equal(plan_iface_pos(r1, 102), -ENOENT); /* eth0's link, the other side */
	assert_int_equal(plan_iface_pos(r1, PLAN_IFINDEX_BRIDGE), -ENOENT);
	assert_int_equal(plan_iface_pos(r1, 101 + 2 * 2), -ENOENT);   /* past the last link */
}

static void test_bridges(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'sw1': {'kind': 'switch', 'stp': true}, "
				     "'h': {}, 'sw2': 'switch'}}");

	assert_int_equal(c->p->n_bridges, 2);
	assert_string_equal(node_name(c, c->p->bridges[0].node), "sw1");
	assert_true(c->p->bridges[0].stp);
	assert_int_equal(c->p->bridges[0].ifindex, PLAN_IFINDEX_BRIDGE);
	assert_string_equal(node_name(c, c->p->bridges[1].node), "sw2");
	assert_false(c->p->bridges[1].stp);
	assert_int_equal(c->p->bridges[1].ifindex, PLAN_IFINDEX_BRIDGE);
}

static void test_link_host_host(void **state)
{
	struct ctx *c = build(state, two_hosts);
	const struct plan_link *v;
	const struct plan_set *s;

	assert_int_equal(c->p->n_links, 1);
	v = &c->p->links[0];
	assert_int_equal(v->link, 0);
	assert_true(v->up);
	assert_end(c, &v->end[0], "h1", "eth0", 101, 0);
	assert_end(c, &v->end[1], "h2", "eth0", 102, 0);
	assert_int_equal(v->end[0].mtu, 0);
	/* each end's peer in the wire namespace: with the far end's index, named for the link */
	assert_int_equal(v->wire[0].ifindex, 102);
	assert_int_equal(v->wire[1].ifindex, 101);
	assert_string_equal(v->wire[0].ifname, "l0a");
	assert_string_equal(v->wire[1].ifname, "l0b");
	/* both ends come up from inside their nodes, with the kernel's link-local address */
	assert_int_equal(c->p->n_sets, 2);
	s = find_set(c, "h2", 102);
	assert_non_null(s);
	assert_int_equal(s->up, 1);
	assert_int_equal(s->master, -1);
	assert_false(s->no_ll);
	assert_true(s->carrier);
	s = find_set(c, "h1", 101);
	assert_non_null(s);
	assert_int_equal(s->up, 1);
	assert_int_equal(s->master, -1);
	assert_false(s->no_ll);
	assert_true(s->carrier);
}

static void test_link_switch_ends(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'sw': 'switch', "
				     "'h1': {'interfaces': {'eth0': {'addresses': ['10.0.0.1/24']}}}, "
				     "'h2': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/24']}}}}, "
				     "'links': [{'endpoints': ['h1:eth0', 'sw']}, 'sw -- h2:eth0']}");
	const struct plan_link *v;
	const struct plan_set *s;

	/* the ends as written, whichever is a switch's */
	v = link_of(c, 0);
	assert_end(c, &v->end[0], "h1", "eth0", 101, 0);
	assert_end(c, &v->end[1], "sw", "eth0", 102, PLAN_IFINDEX_BRIDGE);
	v = link_of(c, 1);
	assert_end(c, &v->end[0], "sw", "eth1", 103, PLAN_IFINDEX_BRIDGE);
	assert_end(c, &v->end[1], "h2", "eth0", 104, 0);
	assert_int_equal(v->wire[0].ifindex, 104);
	assert_int_equal(v->wire[1].ifindex, 103);
	assert_string_equal(v->wire[1].ifname, "l1b");
	/* every end is brought up afterwards, a switch's as a port: node ends are veth peers */
	assert_int_equal(c->p->n_sets, 4);
	s = find_set(c, "h1", 101);
	assert_non_null(s);
	assert_int_equal(s->up, 1);
	assert_int_equal(s->master, -1);
	s = find_set(c, "h2", 104);
	assert_non_null(s);
	assert_int_equal(s->up, 1);
	assert_int_equal(s->master, -1);
	assert_false(s->no_ll);
	s = find_set(c, "sw", 102);
	assert_non_null(s);
	assert_int_equal(s->up, 1);
	assert_int_equal(s->master, PLAN_IFINDEX_BRIDGE);
	/* a switch is no IPv6 host: its ports get no link-local address */
	assert_true(s->no_ll);
	assert_true(find_set(c, "sw", 103)->no_ll);
	assert_int_equal(find_set(c, "sw", 103)->master, PLAN_IFINDEX_BRIDGE);
}

static void test_link_switch_to_switch(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'sw1': 'switch', 'sw2': 'switch'}, "
				     "'links': ['sw1 -- sw2']}");
	const struct plan_link *v = link_of(c, 0);
	const struct plan_set *s;

	/* both join their bridges by a set */
	assert_end(c, &v->end[0], "sw1", "eth0", 101, PLAN_IFINDEX_BRIDGE);
	assert_end(c, &v->end[1], "sw2", "eth0", 102, PLAN_IFINDEX_BRIDGE);
	assert_int_equal(c->p->n_sets, 2);
	s = find_set(c, "sw2", 102);
	assert_non_null(s);
	assert_int_equal(s->up, 1);
	assert_int_equal(s->master, PLAN_IFINDEX_BRIDGE);
	s = find_set(c, "sw1", 101);
	assert_non_null(s);
	assert_int_equal(s->up, 1);
	assert_int_equal(s->master, PLAN_IFINDEX_BRIDGE);
}

static void test_link_plain(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'cables': false, 'nodes': {'sw': 'switch', "
				     "'a': {}, 'b': {}}, 'links': ['a -- b', 'a -- sw']}");
	const struct plan_link *v = link_of(c, 1);

	/* one veth pair a link: no wire namespace, no wire ends */
	assert_false(c->p->wired);
	assert_int_equal(c->p->n_links, 2);
	assert_end(c, &v->end[0], "a", "eth1", 103, 0);
	assert_end(c, &v->end[1], "sw", "eth0", 104, PLAN_IFINDEX_BRIDGE);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(v->wire[k].ifindex, 0);
		assert_string_equal(v->wire[k].ifname, "");
	}
	/* the switch end joins its bridge by its set, as a wired one does */
	assert_int_equal(find_set(c, "sw", 104)->master, PLAN_IFINDEX_BRIDGE);
	assert_true(find_set(c, "a", 101)->carrier);
	/* wired by default; a lab without links has nothing to wire */
	c = build(state, two_hosts);
	assert_true(c->p->wired);
	c = build(state, "{'name': 'lab', 'nodes': {'a': {}}}");
	assert_false(c->p->wired);
}

static void test_neighbour_advice(void **state)
{
	/* 3 point-to-point links, IPv6 link-local addresses only: 6 IPv6 entries, no IPv4 ones */
	struct ctx *c = build(state, "{'name': 'big', 'nodes': {'a': {}, 'b': {}, 'c': {}, 'd': {}}, "
				     "'links': ['a -- b', 'b -- c', 'c -- d']}");
	_cleanup_free_ char *v6 = plan_neighbour_advice(c->p, "ipv6", 5);

	assert_int_equal(plan_neighbour_entries(c->p, AF_INET6), 6);
	assert_int_equal(plan_neighbour_entries(c->p, AF_INET), 0);
	/* within the limit, no limit known, or a family the lab does not use: nothing to say */
	assert_null(plan_neighbour_advice(c->p, "ipv6", 6));
	assert_null(plan_neighbour_advice(c->p, "ipv6", 0));
	assert_null(plan_neighbour_advice(c->p, "ipv4", 1));
	/* beyond it: what binds, and the command that lifts it */
	assert_non_null(v6);
	assert_string_equal(v6, "lab 'big' may need up to 6 IPv6 neighbour entries (both ends of each "
				"link, every pair on a switched LAN), more than "
				"net.ipv6.neigh.default.gc_thresh3 (5) allows on this machine: past it, "
				"traffic fails with 'neighbour table overflow'; to raise the limit: sysctl -w "
				"net.ipv6.neigh.default.gc_thresh1=6 net.ipv6.neigh.default.gc_thresh2=12 "
				"net.ipv6.neigh.default.gc_thresh3=24");

	/*
	 * A LAN of two switches: 3 hosts on sw1, 1 on sw2, sw2 with an address on br0 (IPv4
	 * too): 5 members, 20 entries; and a router behind h1 on a link of its own: 2 more.
	 */
	c = build(state, "{'name': 'lan', 'nodes': {'sw1': 'switch', "
			 "'sw2': {'kind': 'switch', 'interfaces': {'br0': {'addresses': ['10.0.0.9/24']}}}, "
			 "'h1': {'interfaces': {'eth0': {'addresses': ['10.0.0.1/24']}}}, "
			 "'h2': {}, 'h3': {}, 'h4': {}, 'r': 'router'}, "
			 "'links': ['h1:eth0 -- sw1', 'h2 -- sw1', 'h3 -- sw1', 'sw1 -- sw2', 'h4 -- sw2', 'h1 -- r']}");
	/* IPv6: the switches' br0 has no link-local address of netlab's, the 4 hosts make the LAN */
	assert_int_equal(plan_neighbour_entries(c->p, AF_INET6), 4 * 3 + 2);
	assert_int_equal(plan_neighbour_entries(c->p, AF_INET), 5 * 4 + 2);
}

static void test_link_down(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'a': {}, 'b': {}, 'sw': 'switch', "
				     "'sw2': 'switch'}, 'links': ["
				     "{'endpoints': ['a', 'b'], 'state': 'down'}, "
				     "{'endpoints': ['a', 'sw'], 'state': 'down'}, "
				     "{'endpoints': ['sw', 'sw2'], 'state': 'down'}, 'b -- sw']}");
	const struct plan_set *s;

	/* a pulled cable: its wire ends stay down */
	for (size_t i = 0; i < 3; i++)
		assert_false(link_of(c, i)->up);
	assert_true(link_of(c, 3)->up);
	/* every end comes up all the same, without a carrier but on the last link */
	assert_int_equal(c->p->n_sets, 8);
	for (size_t i = 0; i < c->p->n_sets; i++)
		assert_int_equal(c->p->sets[i].up, 1);
	assert_false(find_set(c, "b", 102)->carrier);
	assert_false(find_set(c, "a", 101)->carrier);
	assert_false(find_set(c, "a", 103)->carrier);
	assert_true(find_set(c, "b", 107)->carrier);
	assert_true(find_set(c, "sw", 108)->carrier);
	/* the second switch still joins its bridge */
	s = find_set(c, "sw2", 106);
	assert_non_null(s);
	assert_false(s->carrier);
	assert_int_equal(s->master, PLAN_IFINDEX_BRIDGE);
}

static void test_sets_sorted_by_node(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'a': {}, 'b': {}, 'c': {}, 'd': {}}, "
				     "'links': ['d -- c', 'c -- b', 'b -- a', 'd -- a', 'd -- b']}");

	assert_int_equal(c->p->n_sets, 10);
	for (size_t i = 1; i < c->p->n_sets; i++) {
		const struct plan_set *x = &c->p->sets[i - 1], *y = &c->p->sets[i];

		assert_true(x->node < y->node || (x->node == y->node && x->ifindex < y->ifindex));
	}
}

static void test_mtu_and_mac(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'a': {'interfaces': {'eth0': {'mtu': 1400, 'mac': '02:00:00:00:00:0a'}}}, 'b': {}}, "
				     "'links': [{'endpoints': ['a:eth0', 'b:eth0'], 'mtu': 9000}, "
				     "{'endpoints': ['a:eth1', 'b:eth1']}]}");
	const struct plan_link *v = link_of(c, 0);
	const uint8_t mac[6] = {2, 0, 0, 0, 0, 0x0a};

	/* the interface's own MTU wins over the link's */
	assert_int_equal(v->end[0].mtu, 1400);
	assert_int_equal(v->end[1].mtu, 9000);
	uint8_t want[6];

	assert_memory_equal(v->end[0].mac, mac, 6);
	/* undeclared: netlab's own, from the names */
	plan_mac("lab", "b", "eth0", want);
	assert_memory_equal(v->end[1].mac, want, 6);
	v = link_of(c, 1);
	assert_int_equal(v->end[0].mtu, 0);
	assert_int_equal(v->end[1].mtu, 0);
}

static void test_router_sysctls(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'r': 'router', 'h': 'host', 's': 'switch'}}");
	const struct plan_node *r = &c->p->nodes[node_index(c, "r")];
	const struct plan_node *h = &c->p->nodes[node_index(c, "h")];
	const struct plan_node *s = &c->p->nodes[node_index(c, "s")];

	/*
	 * forwarding of both families by sysctl, before any interface exists:
	 * ip_forward sets IPv4's conf.all and conf.default, IPv6's conf.all sets its
	 * conf.default, so interfaces made later inside the router forward too
	 */
	assert_int_equal(r->n_early, 2);
	assert_string_equal(r->early[0].key, "net.ipv4.ip_forward");
	assert_string_equal(r->early[0].value, "1");
	assert_string_equal(r->early[1].key, "net.ipv6.conf.all.forwarding");
	assert_string_equal(r->early[1].value, "1");
	/* forwarding only on routers */
	assert_int_equal(h->n_early, 0);
	assert_int_equal(s->n_early, 0);
	assert_null(find_sysctl(h->early, h->n_early, "net.ipv6.conf.all.forwarding"));
	assert_null(find_sysctl(s->early, s->n_early, "net.ipv6.conf.all.forwarding"));
	for (size_t i = 0; i < r->n_early; i++)
		assert_true(str_has_prefix(r->early[i].key, "net."));
	assert_int_equal(r->n_late, 0);
}

/* A router with a multipath route skips nexthops without carrier; the others write nothing more. */
static void test_multipath_sysctls(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'r': {'kind': 'router', 'interfaces': {'eth0': {'addresses': ['10.0.1.1/24']}, 'eth1': {'addresses': ['10.0.2.1/24']}},"
				     " 'routes': [{'to': '10.9.0.0/24', 'via': ['10.0.1.2', '10.0.2.2']}]},"
				     "'a': 'router', 'b': 'router', 'q': 'router'},"
				     "'links': ['r:eth0 -- a', 'r:eth1 -- b']}");
	const struct plan_node *r = &c->p->nodes[node_index(c, "r")];
	const struct plan_node *q = &c->p->nodes[node_index(c, "q")];

	assert_string_equal(find_sysctl(r->early, r->n_early, "net.ipv4.conf.default.ignore_routes_with_linkdown"), "1");
	assert_string_equal(find_sysctl(r->early, r->n_early, "net.ipv6.conf.default.ignore_routes_with_linkdown"), "1");
	assert_int_equal(q->n_early, 2); /* a router's forwarding switches only */
	assert_null(find_sysctl(q->early, q->n_early, "net.ipv4.conf.default.ignore_routes_with_linkdown"));
	/* the route keeps every gateway */
	for (size_t i = 0; i < c->p->n_routes; i++)
		if (c->p->routes[i].node == node_index(c, "r")) {
			char buf[ADDR_STRLEN];

			assert_int_equal(c->p->routes[i].n_extra_via, 1);
			assert_string_equal(addr_format(&c->p->routes[i].via, buf), "10.0.1.2");
			assert_string_equal(addr_format(&c->p->routes[i].extra_via[0], buf), "10.0.2.2");
		}
}

static void test_user_sysctls(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'defaults': {'sysctls': {'net.ipv4.conf.all.rp_filter': '0'}}, "
				     "'nodes': {'r': {'kind': 'router', 'sysctls': {'net.ipv4.ip_forward': 0, "
				     "'net.ipv6.conf.default.accept_dad': 0, 'net.ipv6.conf.eth0.addr_gen_mode': 1, "
				     "'net/ipv4/neigh/eth0/ucast_solicit': 4, 'net.core.somaxconn': 64}}, 'h': {}}, "
				     "'links': ['r:eth0 -- h']}");
	const struct plan_node *r = &c->p->nodes[node_index(c, "r")];
	const struct plan_node *h = &c->p->nodes[node_index(c, "h")];

	/* those naming no interface: early, after netlab's, so the user's value wins */
	assert_int_equal(r->n_early, 2 + 4);
	assert_string_equal(r->early[0].key, "net.ipv4.ip_forward");
	assert_string_equal(r->early[0].value, "1");
	for (size_t i = 2; i < r->n_early; i++)
		assert_false(plan_sysctl_per_iface(r->early[i].key));
	assert_string_equal(find_sysctl(r->early + 2, r->n_early - 2, "net.ipv4.ip_forward"), "0");
	assert_string_equal(find_sysctl(r->early, r->n_early, "net.ipv4.conf.all.rp_filter"), "0");
	assert_string_equal(find_sysctl(r->early, r->n_early, "net.ipv6.conf.default.accept_dad"), "0");
	assert_string_equal(find_sysctl(r->early, r->n_early, "net.core.somaxconn"), "64");
	/* those naming an interface: once it exists, before it is up */
	assert_int_equal(r->n_late, 2);
	assert_string_equal(find_sysctl(r->late, r->n_late, "net.ipv6.conf.eth0.addr_gen_mode"), "1");
	assert_string_equal(find_sysctl(r->late, r->n_late, "net/ipv4/neigh/eth0/ucast_solicit"), "4");
	assert_int_equal(h->n_early, 1);
	assert_string_equal(find_sysctl(h->early, h->n_early, "net.ipv4.conf.all.rp_filter"), "0");
	assert_int_equal(h->n_late, 0);
}

static void test_sysctl_per_iface(void **state)
{
	(void)state;
	assert_true(plan_sysctl_per_iface("net.ipv6.conf.eth0.disable_ipv6"));
	assert_true(plan_sysctl_per_iface("net/ipv4/conf/eth1/rp_filter"));
	assert_true(plan_sysctl_per_iface("net.ipv4.neigh.eth0.gc_stale_time"));
	assert_true(plan_sysctl_per_iface("net.ipv6.conf.lo.disable_ipv6"));
	assert_false(plan_sysctl_per_iface("net.ipv6.conf.all.disable_ipv6"));
	assert_false(plan_sysctl_per_iface("net/ipv6/conf/default/accept_dad"));
	assert_false(plan_sysctl_per_iface("net.ipv4.neigh.default.gc_thresh1"));
	assert_false(plan_sysctl_per_iface("net.ipv4.ip_forward"));
	assert_false(plan_sysctl_per_iface("net.core.somaxconn"));
}

static void test_addresses(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'sw': {'kind': 'switch', 'interfaces': {'br0': {'addresses': ['10.0.1.254/24']}}}, "
				     "'r': {'kind': 'router', 'interfaces': {'eth1': {'addresses': ['10.0.1.1/24', '2001:db8::1/64']}, "
				     "'lo': {'addresses': ['10.255.0.1/32']}, 'eth0': {'addresses': ['10.0.0.1/30']}}}, "
				     "'h': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/30']}}}}, "
				     "'links': ['h:eth0 -- r:eth0', 'r:eth1 -- sw']}");
	char buf[PREFIX_STRLEN];
	size_t sw = node_index(c, "sw"), r = node_index(c, "r"), h = node_index(c, "h");
	size_t n_r = 0;

	/* the 6 written; link-local ones are the kernel's */
	assert_int_equal(c->p->n_addrs, 6);
	/* sorted by node */
	for (size_t i = 1; i < c->p->n_addrs; i++)
		assert_true(c->p->addrs[i - 1].node <= c->p->addrs[i].node);
	assert_int_equal(c->p->addrs[0].node, sw);
	assert_int_equal(c->p->addrs[0].ifindex, PLAN_IFINDEX_BRIDGE);
	assert_string_equal(prefix_format(&c->p->addrs[0].prefix, buf), "10.0.1.254/24");
	assert_int_equal(c->p->addrs[5].node, h);
	assert_int_equal(c->p->addrs[5].ifindex, 101);
	assert_string_equal(prefix_format(&c->p->addrs[5].prefix, buf), "10.0.0.2/30");
	for (size_t i = 0; i < c->p->n_addrs; i++)
		assert_false(addr_is_link_local(&c->p->addrs[i].prefix.addr));
	/* r has an IPv6 address: `up` waits for duplicate address detection */
	assert_true(c->p->wait_dad);
	for (size_t i = 0; i < c->p->n_addrs; i++) {
		const struct plan_addr *a = &c->p->addrs[i];
		const struct topo_node *n = &c->t->nodes[a->node];

		if (a->node != r)
			continue;
		n_r++;
		prefix_format(&a->prefix, buf);
		if (strcmp(buf, "10.255.0.1/32") == 0)
			assert_int_equal(a->ifindex, PLAN_IFINDEX_LO);
		else if (strcmp(buf, "10.0.0.1/30") == 0)
			assert_int_equal(a->ifindex, plan_ifindex(n, "eth0"));
		else if (strcmp(buf, "10.0.1.1/24") == 0 || strcmp(buf, "2001:db8::1/64") == 0)
			assert_int_equal(a->ifindex, plan_ifindex(n, "eth1"));
		else
			fail_msg("unexpected address %s", buf);
	}
	assert_int_equal(n_r, 4);
}

static void test_routes(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'b': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/24', '2001:db8::2/64']}}, "
				     "'routes': [{'to': 'default', 'via': '10.0.0.1'}, "
				     "{'to': '2001:db8:5::/48', 'via': 'fe80::1', 'dev': 'eth0', 'metric': 20}, "
				     "{'to': '10.9.0.0/16', 'dev': 'eth0'}, {'to': '10.8.0.0/16', 'dev': 'lo'}]}, "
				     "'a': {'kind': 'router', 'interfaces': {'eth0': {'addresses': ['10.0.0.1/24']}}, "
				     "'routes': [{'to': '10.7.0.0/16', 'via': '10.0.0.2'}]}}, "
				     "'links': ['a:eth0 -- b:eth0']}");
	const struct plan_route *r = c->p->routes;
	size_t a = node_index(c, "a"), b = node_index(c, "b");
	char buf[PREFIX_STRLEN];

	assert_int_equal(c->p->n_routes, 5);
	/* sorted by node, in the order written */
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(r[i].node, b);
	assert_int_equal(r[4].node, a);

	assert_string_equal(prefix_format(&r[0].to, buf), "0.0.0.0/0");
	assert_true(r[0].has_via);
	assert_string_equal(addr_format(&r[0].via, buf), "10.0.0.1");
	assert_int_equal(r[0].oif, 0);
	assert_int_equal(r[0].metric, 0);

	assert_string_equal(prefix_format(&r[1].to, buf), "2001:db8:5::/48");
	assert_string_equal(addr_format(&r[1].via, buf), "fe80::1");
	assert_int_equal(r[1].oif, 102); /* b:eth0, the second end of its link */
	assert_int_equal(r[1].metric, 20);

	assert_false(r[2].has_via);
	assert_int_equal(r[2].oif, 102);
	assert_int_equal(r[3].oif, PLAN_IFINDEX_LO);

	assert_string_equal(prefix_format(&r[4].to, buf), "10.7.0.0/16");
	assert_string_equal(addr_format(&r[4].via, buf), "10.0.0.2");
}

static void test_default_route_v6(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'h': {'interfaces': {'eth0': {'addresses': ['2001:db8::2/64']}}, "
				     "'routes': [{'to': 'default', 'via': '2001:db8::1'}]}, 'r': 'router'}, "
				     "'links': ['h:eth0 -- r']}");
	char buf[PREFIX_STRLEN];

	assert_int_equal(c->p->n_routes, 1);
	assert_int_equal(c->p->routes[0].to.addr.family, AF_INET6);
	assert_string_equal(prefix_format(&c->p->routes[0].to, buf), "::/0");
}

static void test_impairs(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'b': {}, 'a': {}}, 'links': ["
				     "{'endpoints': ['a', 'b'], 'impair': {'delay': '10ms'}}, "
				     "{'endpoints': ['b', 'a'], 'impair': {'a': {'loss': '5%'}}}]}");
	size_t a = node_index(c, "a"), b = node_index(c, "b");

	assert_int_equal(c->p->n_impairs, 3);
	/* sorted by node, then interface */
	assert_int_equal(c->p->impairs[0].node, b);
	assert_int_equal(c->p->impairs[0].ifindex, 102);
	assert_int_equal(c->p->impairs[0].impair->delay_ns, 10000000);
	assert_int_equal(c->p->impairs[1].node, a);
	assert_int_equal(c->p->impairs[1].ifindex, 101);
	assert_int_equal(c->p->impairs[1].impair->delay_ns, 10000000);
	assert_int_equal(c->p->impairs[2].node, a);
	assert_int_equal(c->p->impairs[2].ifindex, 104);
	assert_true(c->p->impairs[2].impair->loss > 4.9);
}

static void test_hosts_file(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'h1': {'hostname': 'web', 'interfaces': {'eth0': {'addresses': ['10.0.0.1/24', 'fe80::1/64', '2001:db8::1/64']}}}, "
				     "'h2': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/24']}}}}, "
				     "'links': ['h1:eth0 -- h2:eth0']}");
	_cleanup_free_ char *hosts = plan_hosts_file(c->t);

	assert_string_equal(hosts, "127.0.0.1\tlocalhost\n"
				   "::1\tlocalhost ip6-localhost ip6-loopback\n"
				   "10.0.0.1\th1 web\n"
				   "2001:db8::1\th1 web\n"
				   "10.0.0.2\th2\n");
}

static void test_hosts_file_large(void **state)
{
	struct ctx *c = *state;
	_cleanup_free_ char *hosts = NULL;
	size_t lines = 0;

	/* many nodes: the buffer grows */
	c->t = topo_new();
	c->t->name = xstrdup("big");
	for (int i = 0; i < 500; i++) {
		char name[32];
		struct topo_iface *ifc;
		size_t k;

		snprintf(name, sizeof(name), "node%d", i);
		topo_add_node(c->t, name, TOPO_HOST);
		c->t->nodes[i].hostname = xstrdup(name);
		k = topo_add_iface(&c->t->nodes[i], "eth0");
		ifc = &c->t->nodes[i].ifaces[k];
		GROW(ifc->addrs, ifc->cap_addrs, 1);
		snprintf(name, sizeof(name), "10.1.%d.%d/16", i / 250, i % 250 + 1);
		assert_int_equal(prefix_parse(name, &ifc->addrs[0]), 0);
		ifc->n_addrs = 1;
	}
	hosts = plan_hosts_file(c->t);
	for (const char *p = hosts; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 502);
	assert_non_null(strstr(hosts, "\n10.1.1.250\tnode499\n"));
}

static void test_free_null(void **state)
{
	(void)state;
	assert_null(plan_free(NULL));
}

static void test_empty_lab(void **state)
{
	struct ctx *c = build(state, "{'name': 'empty', 'nodes': {}}");

	assert_int_equal(c->p->n_nodes, 0);
	assert_int_equal(c->p->n_links, 0);
	assert_int_equal(c->p->n_sets, 0);
	assert_int_equal(c->p->n_addrs, 0);
	assert_int_equal(c->p->n_routes, 0);
	assert_int_equal(c->p->n_bridges, 0);
}

static void test_demo_lab(void **state)
{
	struct ctx *c = build(state, "{'name': 'demo', 'nodes': {"
				     "'h1': {'interfaces': {'eth0': {'addresses': ['10.1.0.10/24']}}, 'routes': [{'to': 'default', 'via': '10.1.0.1'}]}, "
				     "'h2': {'interfaces': {'eth0': {'addresses': ['10.1.0.11/24']}}, 'routes': [{'to': 'default', 'via': '10.1.0.1'}]}, "
				     "'sw1': {'kind': 'switch'}, "
				     "'r1': {'kind': 'router', 'interfaces': {'lo': {'addresses': ['10.255.0.1/32']}, "
				     "'eth0': {'addresses': ['10.1.0.1/24']}, 'eth1': {'addresses': ['10.0.12.1/30']}}, "
				     "'routes': [{'to': '10.2.0.0/24', 'via': '10.0.12.2'}]}, "
				     "'r2': {'kind': 'router', 'interfaces': {'eth0': {'addresses': ['10.0.12.2/30']}, "
				     "'eth1': {'addresses': ['10.2.0.1/24']}}, 'routes': [{'to': '10.1.0.0/24', 'via': '10.0.12.1'}]}, "
				     "'h3': {'interfaces': {'eth0': {'addresses': ['10.2.0.10/24']}}, 'routes': [{'to': 'default', 'via': '10.2.0.1'}]}}, "
				     "'links': [{'endpoints': ['h1:eth0', 'sw1']}, {'endpoints': ['h2:eth0', 'sw1']}, "
				     "{'endpoints': ['r1:eth0', 'sw1']}, {'endpoints': ['r1:eth1', 'r2:eth0']}, "
				     "{'endpoints': ['r2:eth1', 'h3:eth0']}]}");
	size_t ports = 0, no_ll = 0;

	assert_int_equal(c->p->n_nodes, 6);
	assert_int_equal(c->p->n_bridges, 1);
	assert_int_equal(c->p->n_links, 5);
	/* the 8 written; IPv4 only: no wait for duplicate address detection */
	assert_int_equal(c->p->n_addrs, 8);
	assert_false(c->p->wait_dad);
	assert_int_equal(c->p->n_routes, 5);
	/* every switch end a port, as written (the switch second), the others not */
	for (size_t i = 0; i < c->p->n_links; i++) {
		const struct plan_link *v = &c->p->links[i];

		assert_int_equal(v->end[0].master, 0);
		if (c->t->nodes[v->end[1].node].kind == TOPO_SWITCH) {
			assert_int_equal(v->end[1].master, PLAN_IFINDEX_BRIDGE);
			ports++;
		} else
			assert_int_equal(v->end[1].master, 0);
	}
	assert_int_equal(ports, 3);
	/* each link end is brought up by one set, a switch's joining its bridge */
	for (size_t i = 0; i < c->p->n_links; i++)
		for (int k2 = 0; k2 < 2; k2++) {
			const struct plan_end *e = &c->p->links[i].end[k2];
			size_t n = 0;

			for (size_t k = 0; k < c->p->n_sets; k++)
				if (c->p->sets[k].node == e->node && c->p->sets[k].ifindex == e->ifindex) {
					assert_int_equal(c->p->sets[k].up, 1);
					n++;
				}
			assert_int_equal(n, 1);
		}
	for (size_t i = 0; i < c->p->n_sets; i++) {
		const struct plan_set *x = &c->p->sets[i];

		assert_int_equal(x->up, 1);
		assert_true(x->carrier);
		assert_int_equal(x->no_ll, c->t->nodes[x->node].kind == TOPO_SWITCH);
		assert_int_equal(x->master, x->no_ll ? PLAN_IFINDEX_BRIDGE : -1);
		no_ll += x->no_ll;
	}
	assert_int_equal(no_ll, 3);
}

static void test_macs(void **state)
{
	static const char lab[] = "{'name': '%s', 'nodes': {'a': {}, 'b': {}, "
				  "'c': {'interfaces': {'eth0': {'mac': '00:00:00:00:00:b2'}}}}, "
				  "'links': ['a -- b', 'a -- c:eth0']}";
	_cleanup_free_ char *one = xasprintf(lab, "one");
	_cleanup_free_ char *two = xasprintf(lab, "two");
	const uint8_t declared[6] = {0, 0, 0, 0, 0, 0xb2};
	uint8_t first[3][6], m[6], m2[6];
	struct ctx *c = build(state, one);

	/* declared: exactly; undeclared: locally administered unicast, each its own */
	assert_memory_equal(link_of(c, 1)->end[1].mac, declared, 6);
	memcpy(first[0], link_of(c, 0)->end[0].mac, 6);
	memcpy(first[1], link_of(c, 0)->end[1].mac, 6);
	memcpy(first[2], link_of(c, 1)->end[0].mac, 6);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(first[i][0] & 0x03, 0x02);
		for (int k = 0; k < i; k++)
			assert_memory_not_equal(first[i], first[k], 6);
	}
	/* the same file: the same MACs */
	c = build(state, one);
	assert_memory_equal(link_of(c, 0)->end[0].mac, first[0], 6);
	assert_memory_equal(link_of(c, 0)->end[1].mac, first[1], 6);
	assert_memory_equal(link_of(c, 1)->end[0].mac, first[2], 6);
	/* a copy under another lab name: others, the declared one kept */
	c = build(state, two);
	for (int i = 0; i < 2; i++)
		assert_memory_not_equal(link_of(c, 0)->end[i].mac, first[i], 6);
	assert_memory_not_equal(link_of(c, 1)->end[0].mac, first[2], 6);
	assert_memory_equal(link_of(c, 1)->end[1].mac, declared, 6);
	/* names are not merely concatenated */
	plan_mac("ab", "c", "eth0", m);
	plan_mac("a", "bc", "eth0", m2);
	assert_memory_not_equal(m, m2, 6);
}

static void test_ifindexes_unique(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'r1': 'router', 'r2': 'router', "
				     "'r3': 'router', 'sw': 'switch', 'h': {}}, "
				     "'links': ['r1 -- r2', 'r2 -- r3', 'r3 -- r1', 'sw -- r1', 'h -- sw']}");

	/*
	 * every link end of the lab has an index of its own: eth0@if105 names one device;
	 * in the wire namespace each is a wire end's, the peer of the other end
	 */
	for (size_t i = 0; i < c->p->n_links; i++)
		for (int a = 0; a < 2; a++) {
			const struct plan_end *x = &c->p->links[i].end[a];

			assert_true(x->ifindex > PLAN_IFINDEX_BRIDGE);
			assert_int_equal(c->p->links[i].wire[!a].ifindex, x->ifindex);
			assert_int_not_equal(c->p->links[i].wire[a].ifindex, x->ifindex);
			for (size_t k = 0; k < c->p->n_links; k++)
				for (int b = 0; b < 2; b++)
					if (k != i || b != a)
						assert_int_not_equal(x->ifindex, c->p->links[k].end[b].ifindex);
		}
	/* r2 has eth0 (link 0, second end) and eth1 (link 1, first end) */
	assert_int_equal(plan_ifindex(&c->t->nodes[node_index(c, "r2")], "eth0"), 102);
	assert_int_equal(plan_ifindex(&c->t->nodes[node_index(c, "r2")], "eth1"), 103);
	assert_int_equal(plan_ifindex(&c->t->nodes[node_index(c, "h")], "eth0"), 109);
}

static void test_ipv6_off(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'a': {'sysctls': {'net.ipv6.conf.all.disable_ipv6': 1}, 'interfaces': {"
				     "'lo': {'addresses': ['2001:db8:ff::1/128']}, "
				     "'eth0': {'addresses': ['10.0.0.1/30', '2001:db8::1/64']}}, "
				     "'routes': [{'to': '2001:db8:9::/64', 'via': '2001:db8::2'}]}, "
				     "'b': {'sysctls': {'net.ipv6.conf.default.disable_ipv6': '1'}, 'interfaces': {"
				     "'lo': {'addresses': ['2001:db8:ff::2/128']}, "
				     "'eth0': {'addresses': ['10.0.0.2/30', '2001:db8::2/64']}}}, "
				     "'c': {'sysctls': {'net.ipv6.conf.all.disable_ipv6': 1, 'net.ipv6.conf.eth0.disable_ipv6': 0}, "
				     "'interfaces': {'eth0': {'addresses': ['2001:db8:1::3/64']}, "
				     "'eth1': {'addresses': ['2001:db8:2::3/64']}}}, "
				     "'d': {'interfaces': {'eth0': {'addresses': ['2001:db8:1::4/64']}, "
				     "'eth1': {'addresses': ['2001:db8:2::4/64']}}, "
				     "'sysctls': {'net/ipv6/conf/eth1/disable_ipv6': 1}}}, "
				     "'links': ['a:eth0 -- b:eth0', 'c:eth0 -- d:eth0', 'c:eth1 -- d:eth1']}");
	const struct topo_node *b = &c->t->nodes[node_index(c, "b")];
	const struct topo_node *d = &c->t->nodes[node_index(c, "d")];
	char buf[PREFIX_STRLEN];
	size_t v6 = 0;

	assert_true(plan_ipv6_off(&c->t->nodes[node_index(c, "a")], "lo"));
	/* conf.default reaches the interfaces made after it, not lo */
	assert_true(plan_ipv6_off(b, "eth0"));
	assert_false(plan_ipv6_off(b, "lo"));
	/* an interface's own setting wins */
	assert_false(plan_ipv6_off(&c->t->nodes[node_index(c, "c")], "eth0"));
	assert_true(plan_ipv6_off(&c->t->nodes[node_index(c, "c")], "eth1"));
	assert_true(plan_ipv6_off(d, "eth1"));
	assert_false(plan_ipv6_off(d, "eth0"));
	/* no IPv6 address (nor route) where IPv6 is off: the kernel would refuse them */
	for (size_t i = 0; i < c->p->n_addrs; i++) {
		const struct plan_addr *x = &c->p->addrs[i];

		if (x->prefix.addr.family != AF_INET6)
			continue;
		v6++;
		prefix_format(&x->prefix, buf);
		assert_true(strcmp(buf, "2001:db8:ff::2/128") == 0 || strcmp(buf, "2001:db8:1::3/64") == 0 ||
			    strcmp(buf, "2001:db8:1::4/64") == 0);
	}
	assert_int_equal(v6, 3);
	assert_int_equal(c->p->n_routes, 0);
	assert_true(c->p->wait_dad);
}

static void test_hub(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'hub': {'kind': 'switch', 'hub': true}, "
				     "'sw': 'switch', 'sw6': {'kind': 'switch', 'interfaces': {'br0': "
				     "{'addresses': ['2001:db8::9/64']}}}}}");
	const struct plan_bridge *b = c->p->bridges;

	assert_int_equal(c->p->n_bridges, 3);
	assert_true(b[0].hub);
	assert_false(b[1].hub);
	assert_false(b[2].hub);
	/* br0 is no IPv6 host unless given addresses */
	assert_true(b[0].no_ll);
	assert_true(b[1].no_ll);
	assert_false(b[2].no_ll);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(c->p->nodes[b[i].node].bridge, (ssize_t)i);
}


/* What each node runs and is given, in the plan: the engine reads nothing else. */
static void test_run(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {"
				     "'h1': {'env': {'A': '1', 'B': 'two'}, 'startup': ['echo a', 'echo b'],"
				     " 'shutdown': ['echo bye'], 'shell': '/bin/bash', 'isolation': {'pid': true}},"
				     " 'r1': {'kind': 'router'}}}");
	const struct plan_run *h1 = &c->p->nodes[node_index(c, "h1")].run;
	const struct plan_run *r1 = &c->p->nodes[node_index(c, "r1")].run;

	assert_string_equal(c->p->lab, "lab");
	assert_string_equal(c->p->file, "lab.json");
	assert_true(c->p->any_startup);
	assert_non_null(c->p->hosts);
	assert_string_equal(h1->name, "h1");
	assert_string_equal(h1->hostname, "h1");
	assert_string_equal(h1->kind, "host");
	assert_string_equal(r1->kind, "router");
	assert_string_equal(h1->shell, "/bin/bash");
	assert_null(r1->shell);
	assert_true(h1->iso.pid);
	assert_true(h1->iso.mount); /* pid implies mount */
	assert_int_equal(h1->n_env, 2);
	assert_string_equal(h1->env[0], "A=1");
	assert_string_equal(h1->env[1], "B=two");
	assert_int_equal(h1->n_startup, 2);
	assert_string_equal(h1->startup[1], "echo b");
	assert_int_equal(h1->n_shutdown, 1);
	assert_string_equal(h1->shutdown[0], "echo bye");
	assert_int_equal(r1->n_startup, 0);
	assert_int_equal(r1->n_env, 0);
}

static const char *order_of(const struct ctx *c)
{
	static char buf[64];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t o = 0; o < c->p->n_nodes; o++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s", o ? " " : "",
				node_name(c, c->p->startup_order[o]));
	return buf;
}

/* Startups in node order, except that a node waits for those of its "after" (lab.dep). */
static void test_startup_order(void **state)
{
	struct ctx *c = build(state, "{'name': 'lab', 'nodes': {'a': {}, 'b': {}, 'c': {}}}");

	assert_false(c->p->any_startup);
	assert_string_equal(order_of(c), "a b c");
	c = build(state, "{'name': 'lab', 'nodes': {'a': {'after': ['c']}, 'b': {}, 'c': {'after': ['b']}}}");
	assert_string_equal(order_of(c), "b c a");
	c = build(state, "{'name': 'lab', 'nodes': {'a': {'after': ['b', 'c']}, 'b': {}, 'c': {}, 'd': {}}}");
	assert_string_equal(order_of(c), "b c d a");
	/* waves: b, c and d side by side, then a */
	assert_int_equal(c->p->nodes[node_index(c, "b")].run.wave, 0);
	assert_int_equal(c->p->nodes[node_index(c, "d")].run.wave, 0);
	assert_int_equal(c->p->nodes[node_index(c, "a")].run.wave, 1);
	/* a chain: one wave each */
	c = build(state, "{'name': 'lab', 'nodes': {'a': {'after': ['c']}, 'b': {}, 'c': {'after': ['b']}}}");
	assert_int_equal(c->p->nodes[node_index(c, "b")].run.wave, 0);
	assert_int_equal(c->p->nodes[node_index(c, "c")].run.wave, 1);
	assert_int_equal(c->p->nodes[node_index(c, "a")].run.wave, 2);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_netns_names),
		T(test_netns_name_longest),
		T(test_ifindexes),
		T(test_bridges),
		T(test_link_host_host),
		T(test_link_switch_ends),
		T(test_link_switch_to_switch),
		T(test_link_down),
		T(test_link_plain),
		T(test_neighbour_advice),
		T(test_sets_sorted_by_node),
		T(test_mtu_and_mac),
		T(test_router_sysctls),
		T(test_user_sysctls),
		T(test_sysctl_per_iface),
		T(test_macs),
		T(test_ifindexes_unique),
		T(test_ipv6_off),
		T(test_hub),
		T(test_multipath_sysctls),
		T(test_addresses),
		T(test_routes),
		T(test_default_route_v6),
		T(test_impairs),
		T(test_hosts_file),
		T(test_hosts_file_large),
		T(test_free_null),
		T(test_empty_lab),
		T(test_demo_lab),
		T(test_run),
		T(test_startup_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
