/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of a lab over several machines: "hosts", "vxlan" and each
 * node's "host" as parsed and validated (topo.h), and each host's share of
 * the plan (plan_build_host): which nodes and links are local, and the VXLAN
 * end of every link to another host with its addresses, port, VNI and MTU.
 * JSON is written with ' for " to stay readable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
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
	struct topo_diags d;
};

static int setup(void **state)
{
	*state = xcalloc(1, sizeof(struct ctx));
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	topo_free(c->t);
	topo_diags_free(&c->d);
	free(c);
	return 0;
}

static struct ctx *load(void **state, const char *text)
{
	struct ctx *c = *state;
	_cleanup_free_ char *json = xstrdup(text);

	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	c->t = topo_free(c->t);
	topo_diags_free(&c->d);
	c->t = topo_parse_string(json, strlen(json), "t.json", &c->d);
	if (c->t && !c->d.n_errors)
		topo_validate(c->t, &c->d);
	return c;
}

static void print_diags(const struct topo_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  %s %s\n", d->v[i].severity == TOPO_ERROR ? "error:" : "warning:",
			      d->v[i].text);
}

static void expect_diag(const struct ctx *c, enum topo_severity sev, const char *text)
{
	for (size_t i = 0; i < c->d.n; i++)
		if (c->d.v[i].severity == sev && strcmp(c->d.v[i].text, text) == 0)
			return;
	print_diags(&c->d);
	fail_msg("missing %s: %s", sev == TOPO_ERROR ? "error" : "warning", text);
}

static void expect_counts(const struct ctx *c, size_t n, size_t w)
{
	if (c->d.n_errors != n || c->d.n - c->d.n_errors != w) {
		print_diags(&c->d);
		fail_msg("expected %zu errors and %zu warnings", n, w);
	}
}

static ssize_t host(const struct ctx *c, const char *name)
{
	ssize_t h = topo_find_host(c->t, name);

	assert_true(h >= 0);
	return h;
}

static size_t node(const struct ctx *c, const char *name)
{
	ssize_t n = topo_find_node(c->t, name);

	assert_true(n >= 0);
	return n;
}

/* Two routers and a host on a, a switch with a host on b; links 0 and 2, 4 cross. */
static const char *const TWO =
	"{'name': 'mh', 'hosts': {'a': {'address': '192.0.2.1', 'exec': 'nsenter --net=/run/netns/a'},"
	"                         'b': {'address': '192.0.2.2', 'mtu': 9000}},"
	" 'vxlan': {'vni_base': 5000},"
	" 'nodes': {'r1': {'kind': 'router'}, 'r2': {'kind': 'router', 'host': 'b'},"
	"           'h1': {'host': 'a'}, 'sw': {'kind': 'switch', 'host': 'b'}, 'h2': {'host': 'b'}},"
	" 'links': ['r1:eth0 -- r2:eth0', 'h1 -- r1', 'r2 -- sw', 'h2 -- sw',"
	"           {'endpoints': ['r1:eth9', 'sw:p9'], 'mtu': 1400}]}";

static void test_hosts_parse(void **state)
{
	struct ctx *c = load(state, TWO);
	const struct topo_host *a, *b;
	char buf[ADDR_STRLEN];

	expect_counts(c, 0, 0);
	assert_int_equal(c->t->n_hosts, 2);
	a = &c->t->hosts[host(c, "a")];
	b = &c->t->hosts[host(c, "b")];
	assert_string_equal(addr_format(&a->addr, buf), "192.0.2.1");
	assert_string_equal(a->exec, "nsenter --net=/run/netns/a");
	assert_string_equal(b->exec, "ssh b"); /* the defaults */
	assert_string_equal(a->netlab, "netlab");
	assert_int_equal(a->mtu, 1500);
	assert_int_equal(b->mtu, 9000);
	assert_int_equal(c->t->vxlan_port, 4789);
	assert_int_equal(topo_vni_base(c->t), 5000);
	/* r1 names none: the first host */
	assert_int_equal(c->t->nodes[node(c, "r1")].host, host(c, "a"));
	assert_int_equal(c->t->nodes[node(c, "sw")].host, host(c, "b"));
	assert_true(topo_link_crosses(c->t, 0));
	assert_false(topo_link_crosses(c->t, 1));
	assert_int_equal(topo_link_vni(c->t, 4), 5004);
}

static void test_no_hosts_all_local(void **state)
{
	struct ctx *c = load(state, "{'name': 'one', 'nodes': {'a': {}, 'b': {}}, 'links': ['a -- b']}");
	_cleanup_(plan_freep) struct plan *p = NULL;

	expect_counts(c, 0, 0);
	assert_int_equal(c->t->nodes[0].host, -1);
	assert_false(topo_link_crosses(c->t, 0));
	p = plan_build(c->t);
	assert_int_equal(p->host, -1);
	assert_true(p->nodes[0].local && p->nodes[1].local);
	assert_int_equal(p->links[0].share, PLAN_LINK_LOCAL);
	assert_int_equal(p->links[0].vxlan, -1);
	assert_int_equal(p->n_vxlans, 0);
	assert_true(p->wired);
	assert_int_equal(p->n_sets, 2);
}

static void test_hosts_errors(void **state)
{
	struct ctx *c = load(state,
		"{'name': 'mh', 'hosts': {'a': {'address': '192.0.2.1/24'}, 'b': {'mtu': 9000},"
		"  'c': {'address': '224.0.0.1'}, 'd': {'address': 'x', 'exec': ''}, 'e': 7},"
		" 'vxlan': {'port': 0, 'vni_base': 16777216, 'vni': 1},"
		" 'nodes': {'r1': {'host': 'aa'}, 'r2': {'host': 7}}, 'links': []}");

	expect_diag(c, TOPO_ERROR, "t.json: hosts.a.address: \"192.0.2.1/24\" is not an IP address (expected a.b.c.d or x:y::z, without a length)");
	expect_diag(c, TOPO_ERROR, "t.json: hosts.b: missing 'address' (expected the host's IPv4 or IPv6 address on the underlay)");
	expect_diag(c, TOPO_ERROR, "t.json: hosts.c.address: \"224.0.0.1\" is a multicast address (expected the host's unicast address on the underlay)");
	expect_diag(c, TOPO_ERROR, "t.json: hosts.d.address: \"x\" is not an IP address (expected a.b.c.d or x:y::z, without a length)");
	expect_diag(c, TOPO_ERROR, "t.json: hosts.e: is an integer (expected an object with address, exec, netlab, mtu)");
	expect_diag(c, TOPO_ERROR, "t.json: vxlan: unknown key 'vni' (expected one of: port, vni_base)");
	expect_diag(c, TOPO_ERROR, "t.json: vxlan.port: 0 is out of range (expected 1 to 65535)");
	expect_diag(c, TOPO_ERROR, "t.json: vxlan.vni_base: 16777216 is out of range (expected 1 to 16777215)");
	expect_diag(c, TOPO_ERROR, "t.json: nodes.r1.host: unknown host 'aa' (expected one of the names under \"hosts\")");
	expect_diag(c, TOPO_ERROR, "t.json: nodes.r2.host: is an integer (expected a host name of \"hosts\")");
	expect_counts(c, 10, 0);

	/* a bad netlab after a good exec: reported, nothing kept (valgrind sees no leak) */
	c = load(state, "{'name': 'mh', 'hosts': {'a': {'address': '192.0.2.1', 'exec': 'ssh a', 'netlab': ''}}, 'nodes': {}, 'links': []}");
	expect_diag(c, TOPO_ERROR, "t.json: hosts.a.netlab: is empty (expected netlab's path on the host)");
	c = load(state, "{'name': 'mh', 'nodes': {'r1': {'host': 'a'}}, 'links': []}");
	expect_diag(c, TOPO_ERROR, "t.json: nodes.r1.host: names host 'a', but the lab has no \"hosts\" (expected a \"hosts\" object with it)");
	c = load(state, "{'name': 'mh', 'hosts': {'alpha': '192.0.2.1'}, 'nodes': {'r1': {'host': 'alpah'}}, 'links': []}");
	expect_diag(c, TOPO_ERROR, "t.json: nodes.r1.host: unknown host 'alpah', did you mean 'alpha'? (expected one of the names under \"hosts\")");
	c = load(state, "{'name': 'mh', 'hosts': {}, 'nodes': {}, 'links': []}");
	expect_diag(c, TOPO_ERROR, "t.json: hosts: is empty (expected at least one machine, or no \"hosts\" for a lab on this one)");
	c = load(state, "{'name': 'mh', 'hosts': {'a': '192.0.2.1'}, 'defaults': {'router': {'host': 'a'}}, 'nodes': {}, 'links': []}");
	expect_diag(c, TOPO_ERROR, "t.json: defaults.router: has a \"host\" (expected it on each node: a node with none is on the first host)");
}

static void test_hosts_validate(void **state)
{
	struct ctx *c = load(state,
		"{'name': 'mh', 'hosts': {'a': '192.0.2.1', 'b': '192.0.2.1', 'c': '2001:db8::3'},"
		" 'vxlan': {'vni_base': 16777215},"
		" 'nodes': {'r1': {}, 'r2': {'host': 'b'}, 'r3': {'host': 'c'}, 'r4': {}},"
		" 'links': ['r1 -- r4', 'r1 -- r2', 'r2 -- r3']}");

	expect_diag(c, TOPO_ERROR, "t.json: hosts.b.address: 192.0.2.1 is already the address of host 'a' (expected each host's own address)");
	expect_diag(c, TOPO_ERROR, "t.json: links[2]: joins host 'b' (IPv4) and host 'c' (IPv6), whose addresses are of different families (expected both IPv4 or both IPv6 for a VXLAN tunnel)");
	/* links[0] is local and needs no VNI; links[2] would be 16777217 */
	expect_diag(c, TOPO_ERROR, "t.json: vxlan.vni_base: 16777215 leaves no VNI for links[2] (16777217 is past 16777215; expected a vni_base of at most 16777213)");
	expect_counts(c, 3, 0);
}

static void test_hosts_mtu_warnings(void **state)
{
	struct ctx *c = load(state,
		"{'name': 'mh', 'hosts': {'a': '192.0.2.1', 'b': {'address': '192.0.2.2', 'mtu': 9000},"
		"                         'c': {'address': '2001:db8::3'}, 'd': {'address': '2001:db8::4'}},"
		" 'nodes': {'r1': {'interfaces': {'eth1': {'mtu': 1451}}}, 'r2': {'host': 'b'},"
		"           'r3': {'host': 'c'}, 'r4': {'host': 'd', 'interfaces': {'eth0': {'mtu': 1430}}}},"
		" 'links': [{'endpoints': ['r1:eth0', 'r2:eth0'], 'mtu': 1500}, 'r1:eth1 -- r2:eth1',"
		"           {'endpoints': ['r1:eth2', 'r2:eth2'], 'mtu': 1450},"
		"           {'endpoints': ['r3:eth0', 'r4:eth0'], 'mtu': 1450}]}");

	/* the smaller underlay (a's 1500) less 50; the link's MTU said once */
	expect_diag(c, TOPO_WARNING, "t.json: links[0].mtu: 1500 cannot cross from host 'a' to host 'b' whole: VXLAN over IPv4 takes 50 bytes of the underlay's 1500 (expected at most 1450, or the outer packets fragment)");
	expect_diag(c, TOPO_WARNING, "t.json: nodes.r1.interfaces.eth1.mtu: 1451 cannot cross from host 'a' to host 'b' whole: VXLAN over IPv4 takes 50 bytes of the underlay's 1500 (expected at most 1450, or the outer packets fragment)");
	/* IPv6: 70; r4's own 1430 fits, r3's (the link's 1450) does not */
	expect_diag(c, TOPO_WARNING, "t.json: links[3].mtu: 1450 cannot cross from host 'c' to host 'd' whole: VXLAN over IPv6 takes 70 bytes of the underlay's 1500 (expected at most 1430, or the outer packets fragment)");
	expect_counts(c, 0, 3);
}

/* The first VNI by default: a block of 4096 from a hash of the lab's name, the same every time. */
static void test_default_vni_base(void **state)
{
	uint32_t a = topo_default_vni_base("mh"), b = topo_default_vni_base("other");
	struct ctx *c;

	assert_int_equal(a, topo_default_vni_base("mh"));
	assert_int_not_equal(a, b);
	for (const char *const *n = (const char *const[]){"mh", "other", "", "x", "lab-1", NULL}; *n; n++) {
		uint32_t v = topo_default_vni_base(*n);

		assert_int_equal((v - 1) % TOPO_VNI_BLOCK, 0);
		assert_true(v >= 1 && v + TOPO_VNI_BLOCK - 1 <= TOPO_VNI_MAX);
	}
	c = load(state, "{'name': 'mh', 'hosts': {'a': '192.0.2.1', 'b': '192.0.2.2'},"
			" 'nodes': {'r1': {}, 'r2': {'host': 'b'}}, 'links': ['r1 -- r2']}");
	expect_counts(c, 0, 0);
	assert_false(c->t->vni_base_set);
	assert_int_equal(topo_link_vni(c->t, 0), a);
	/* a renamed lab (--name) derives its VNIs from its new name */
	free(c->t->name);
	c->t->name = xstrdup("other");
	assert_int_equal(topo_link_vni(c->t, 0), b);
}

static void test_share_a(void **state)
{
	struct ctx *c = load(state, TWO);
	_cleanup_(plan_freep) struct plan *p = NULL;
	const struct plan_vxlan *vx;
	char l[ADDR_STRLEN], r[ADDR_STRLEN];
	size_t n_local = 0;

	expect_counts(c, 0, 0);
	p = plan_build_host(c->t, host(c, "a"));
	assert_int_equal(p->host, host(c, "a"));
	for (size_t i = 0; i < p->n_nodes; i++)
		n_local += p->nodes[i].local;
	assert_int_equal(n_local, 2);
	assert_true(p->nodes[node(c, "r1")].local);
	assert_true(p->nodes[node(c, "h1")].local);
	assert_false(p->nodes[node(c, "sw")].local);
	assert_int_equal(p->nodes[node(c, "sw")].bridge, -1);
	assert_int_equal(p->n_bridges, 0); /* the switch is b's */
	assert_int_equal(p->links[0].share, PLAN_LINK_VXLAN);
	assert_int_equal(p->links[1].share, PLAN_LINK_LOCAL);
	assert_int_equal(p->links[2].share, PLAN_LINK_REMOTE);
	assert_int_equal(p->links[3].share, PLAN_LINK_REMOTE);
	assert_int_equal(p->links[4].share, PLAN_LINK_VXLAN);
	assert_true(p->wired); /* h1 -- r1 */
	assert_int_equal(p->links[0].wire[0].ifindex, 0); /* no wire end for a tunnel */
	assert_int_equal(p->n_vxlans, 2);
	vx = &p->vxlans[p->links[0].vxlan];
	assert_int_equal(vx->link, 0);
	assert_int_equal(vx->side, 0);
	assert_int_equal(vx->end.node, node(c, "r1"));
	assert_string_equal(vx->end.ifname, "eth0");
	assert_int_equal(vx->end.ifindex, PLAN_IFINDEX_BASE);
	assert_int_equal(vx->end.master, 0);
	assert_int_equal(vx->remote_node, node(c, "r2"));
	assert_int_equal(vx->local_host, host(c, "a"));
	assert_int_equal(vx->remote_host, host(c, "b"));
	assert_string_equal(addr_format(&vx->local, l), "192.0.2.1");
	assert_string_equal(addr_format(&vx->remote, r), "192.0.2.2");
	assert_int_equal(vx->port, 4789);
	assert_int_equal(vx->vni, 5000);
	assert_int_equal(vx->end.mtu, 1450); /* min(1500, 9000) - 50 */
	assert_int_equal(p->links[0].end[0].mtu, 1450);
	assert_true(vx->up);
	vx = &p->vxlans[p->links[4].vxlan];
	assert_int_equal(vx->vni, 5004);
	assert_int_equal(vx->end.mtu, 1400); /* the link's own, smaller */
	assert_string_equal(vx->end.ifname, "eth9");
	/* sets, addresses and impairments only for the local nodes */
	for (size_t i = 0; i < p->n_sets; i++)
		assert_true(p->nodes[p->sets[i].node].local);
	assert_int_equal(p->n_sets, 4); /* r1's eth0, eth9 and its end to h1, h1's */
}

static void test_share_b(void **state)
{
	struct ctx *c = load(state, TWO);
	_cleanup_(plan_freep) struct plan *p = NULL;
	const struct plan_vxlan *vx;
	char l[ADDR_STRLEN], r[ADDR_STRLEN];

	p = plan_build_host(c->t, host(c, "b"));
	assert_int_equal(p->n_bridges, 1);
	assert_int_equal(p->bridges[0].node, node(c, "sw"));
	assert_int_equal(p->links[0].share, PLAN_LINK_VXLAN);
	assert_int_equal(p->links[1].share, PLAN_LINK_REMOTE);
	assert_int_equal(p->links[2].share, PLAN_LINK_LOCAL);
	assert_int_equal(p->n_vxlans, 2);
	/* the other end of the same tunnel: addresses swapped, the same VNI and MTU */
	vx = &p->vxlans[p->links[0].vxlan];
	assert_int_equal(vx->side, 1);
	assert_int_equal(vx->end.node, node(c, "r2"));
	assert_int_equal(vx->end.ifindex, PLAN_IFINDEX_BASE + 1);
	assert_string_equal(addr_format(&vx->local, l), "192.0.2.2");
	assert_string_equal(addr_format(&vx->remote, r), "192.0.2.1");
	assert_int_equal(vx->vni, 5000);
	assert_int_equal(vx->end.mtu, 1450);
	/* a switch's port across: enslaved to its bridge */
	vx = &p->vxlans[p->links[4].vxlan];
	assert_int_equal(vx->end.node, node(c, "sw"));
	assert_string_equal(vx->end.ifname, "p9");
	assert_int_equal(vx->end.master, PLAN_IFINDEX_BRIDGE);
	assert_int_equal(vx->vni, 5004);
	for (size_t i = 0; i < p->n_sets; i++)
		if (p->sets[i].node == node(c, "sw") && p->sets[i].ifindex == vx->end.ifindex)
			assert_int_equal(p->sets[i].master, PLAN_IFINDEX_BRIDGE);
}

/* Every link is built exactly once: LOCAL on one host, or VXLAN on both of its hosts. */
static void test_shares_cover_the_lab(void **state)
{
	struct ctx *c = load(state, TWO);
	size_t local[8] = {0}, tunnel[8] = {0}, nodes[8] = {0};

	for (size_t h = 0; h < c->t->n_hosts; h++) {
		_cleanup_(plan_freep) struct plan *p = plan_build_host(c->t, h);

		for (size_t i = 0; i < p->n_links; i++) {
			local[i] += p->links[i].share == PLAN_LINK_LOCAL;
			tunnel[i] += p->links[i].share == PLAN_LINK_VXLAN;
		}
		for (size_t i = 0; i < p->n_nodes; i++)
			nodes[i] += p->nodes[i].local;
	}
	for (size_t i = 0; i < c->t->n_links; i++)
		assert_true((local[i] == 1 && tunnel[i] == 0) || (local[i] == 0 && tunnel[i] == 2));
	for (size_t i = 0; i < c->t->n_nodes; i++)
		assert_int_equal(nodes[i], 1);
}

static void test_share_ipv6_and_down(void **state)
{
	struct ctx *c = load(state,
		"{'name': 'v6', 'hosts': {'a': '2001:db8::1', 'b': {'address': '2001:db8::2', 'mtu': 9000}},"
		" 'vxlan': {'port': 8472, 'vni_base': 100},"
		" 'nodes': {'r1': {}, 'r2': {'host': 'b', 'interfaces': {'eth0': {'mtu': 1280}}}},"
		" 'links': [{'endpoints': ['r1:eth0', 'r2:eth0'], 'state': 'down'}]}");
	_cleanup_(plan_freep) struct plan *pa = NULL, *pb = NULL;

	expect_counts(c, 0, 0);
	pa = plan_build_host(c->t, 0);
	pb = plan_build_host(c->t, 1);
	assert_int_equal(pa->n_vxlans, 1);
	assert_int_equal(pa->vxlans[0].end.mtu, 1430); /* 1500 - 70 */
	assert_int_equal(pb->vxlans[0].end.mtu, 1280); /* its own */
	assert_int_equal(pa->vxlans[0].port, 8472);
	assert_int_equal(pa->vxlans[0].vni, 100);
	assert_int_equal(pa->vxlans[0].local.family, AF_INET6);
	assert_false(pa->vxlans[0].up);
	assert_false(pa->wired); /* nothing local to wire */
}

static void test_dump_round_trip(void **state)
{
	struct ctx *c = load(state, TWO);
	_cleanup_free_ char *once = topo_dump_json(c->t), *twice = NULL;
	struct topo_diags d = {0};
	struct topo *t2 = topo_parse_string(once, strlen(once), "t.json", &d);

	assert_non_null(t2);
	assert_int_equal(d.n_errors, 0);
	assert_non_null(strstr(once, "\"vni_base\": 5000"));
	assert_non_null(strstr(once, "\"host\": \"b\""));
	assert_int_equal(t2->n_hosts, 2);
	assert_int_equal(t2->nodes[topo_find_node(t2, "sw")].host, topo_find_host(t2, "b"));
	twice = topo_dump_json(t2);
	assert_string_equal(once, twice);
	topo_free(t2);
	topo_diags_free(&d);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_hosts_parse),
		T(test_no_hosts_all_local),
		T(test_hosts_errors),
		T(test_hosts_validate),
		T(test_hosts_mtu_warnings),
		T(test_default_vni_base),
		T(test_share_a),
		T(test_share_b),
		T(test_shares_cover_the_lab),
		T(test_share_ipv6_and_down),
		T(test_dump_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
