/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pool.h"
#include "topo_parse.h"
#include "util.h"

static struct topo *parse(const char *json, struct topo_diags *d)
{
	struct topo *t = topo_parse_string(json, strlen(json), "t.json", d);

	assert_non_null(t);
	assert_int_equal(d->n_errors, 0);
	pool_assign(t, d);
	return t;
}

static const struct topo_iface *iface(const struct topo *t, const char *node, const char *ifname)
{
	ssize_t n = topo_find_node(t, node), i;

	assert_true(n >= 0);
	i = topo_find_iface(&t->nodes[n], ifname);
	assert_true(i >= 0);
	return &t->nodes[n].ifaces[i];
}

static const struct prefix *addr_of(const struct topo *t, const char *node, const char *ifname, int family)
{
	const struct topo_iface *f = iface(t, node, ifname);

	for (size_t i = 0; i < f->n_addrs; i++)
		if (f->addrs[i].addr.family == family)
			return &f->addrs[i];
	return NULL;
}

static const char *fmt(const struct prefix *p)
{
	static char buf[4][PREFIX_STRLEN];
	static int k;

	assert_non_null(p);
	k = (k + 1) % 4;
	return prefix_format(p, buf[k]);
}

#define POOLS "\"addressing\": {\"p2p\": \"10.255.0.0/16\", \"lan\": \"10.0.0.0/16\", " \
	      "\"loopback\": \"10.254.0.0/24\", \"ipv6\": \"2001:db8::/48\"}"

static void test_p2p_gets_a_30_and_a_64(void **state)
{
	struct topo_diags d = {0};
	struct topo *t = parse("{\"name\": \"x\", " POOLS ", \"nodes\": {\"a\": \"router\", \"b\": \"router\"},"
			       " \"links\": [\"a -- b\"]}", &d);
	const struct prefix *a4 = addr_of(t, "a", "eth0", AF_INET), *b4 = addr_of(t, "b", "eth0", AF_INET);
	const struct prefix *a6 = addr_of(t, "a", "eth0", AF_INET6), *b6 = addr_of(t, "b", "eth0", AF_INET6);
	struct prefix net;

	(void)state;
	assert_int_equal(a4->len, 30);
	assert_int_equal(b4->len, 30);
	net = prefix_network(a4);
	assert_true(prefix_contains(&net, &b4->addr));
	assert_false(addr_equal(&a4->addr, &b4->addr));
	assert_false(prefix_is_reserved_host(a4));
	assert_false(prefix_is_reserved_host(b4));
	assert_int_equal(a6->len, 64);
	assert_true(prefix_contains(a6, &b6->addr));
	/* inside the pools */
	assert_true(prefix_contains(&t->pool_p2p.prefix, &a4->addr));
	assert_true(prefix_contains(&t->pool_ipv6.prefix, &a6->addr));
	/* the endpoint named first gets .1, the other .2 */
	assert_int_equal(a4->addr.bytes[3] & 3, 1);
	assert_int_equal(b4->addr.bytes[3] & 3, 2);
	topo_free(t);
	topo_diags_free(&d);
}

static void test_lan_and_loopbacks(void **state)
{
	struct topo_diags d = {0};
	struct topo *t = parse("{\"name\": \"x\", " POOLS ", \"nodes\": {\"r\": \"router\", \"sw\": \"switch\","
			       " \"h1\": \"host\", \"h2\": \"host\"},"
			       " \"links\": [\"h2 -- sw\", \"h1 -- sw\", \"r -- sw\"]}", &d);
	const struct prefix *r = addr_of(t, "r", "eth0", AF_INET);
	const struct prefix *h1 = addr_of(t, "h1", "eth0", AF_INET), *h2 = addr_of(t, "h2", "eth0", AF_INET);
	const struct prefix *lo = addr_of(t, "r", "lo", AF_INET), *lo6 = addr_of(t, "r", "lo", AF_INET6);

	(void)state;
	assert_int_equal(r->len, 24);
	assert_true(prefix_contains(r, &h1->addr));
	assert_true(prefix_contains(r, &h2->addr));
	/* routers first, then hosts in link order */
	assert_int_equal(r->addr.bytes[3], 1);
	assert_int_equal(h2->addr.bytes[3], 2);
	assert_int_equal(h1->addr.bytes[3], 3);
	assert_true(prefix_contains(&t->pool_lan.prefix, &r->addr));
	/* a /32 and a /128 loopback for the router, none for hosts */
	assert_int_equal(lo->len, 32);
	assert_true(prefix_contains(&t->pool_loopback.prefix, &lo->addr));
	assert_int_equal(lo6->len, 128);
	assert_true(topo_find_iface(&t->nodes[topo_find_node(t, "h1")], "lo") < 0);
	/* switch ports get nothing */
	assert_int_equal(iface(t, "sw", "eth0")->n_addrs, 0);
	topo_free(t);
	topo_diags_free(&d);
}

static void test_explicit_addresses_win_and_are_not_handed_out(void **state)
{
	struct topo_diags d = {0};
	/* a's side is explicit: b gets a free host of the same subnet; the pool skips that subnet */
	struct topo *t = parse("{\"name\": \"x\", \"addressing\": {\"p2p\": \"10.9.0.0/29\"},"
			       " \"nodes\": {\"a\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.1/30\"]}}},"
			       " \"b\": \"host\", \"c\": \"host\", \"e\": \"host\"},"
			       " \"links\": [\"a:eth0 -- b\", \"c -- e\"]}", &d);

	(void)state;
	assert_string_equal(fmt(addr_of(t, "a", "eth0", AF_INET)), "10.9.0.1/30");
	assert_string_equal(fmt(addr_of(t, "b", "eth0", AF_INET)), "10.9.0.2/30");
	/* the only other /30 of the /29 */
	assert_string_equal(fmt(addr_of(t, "c", "eth0", AF_INET)), "10.9.0.5/30");
	assert_string_equal(fmt(addr_of(t, "e", "eth0", AF_INET)), "10.9.0.6/30");
	topo_free(t);
	topo_diags_free(&d);
}

static void test_exhausted_pool_names_the_pool(void **state)
{
	const char *json = "{\"name\": \"x\", \"addressing\": {\"p2p\": \"10.9.0.0/30\"},"
			   " \"nodes\": {\"a\": \"router\", \"b\": \"router\", \"c\": \"router\"},"
			   " \"links\": [\"a -- b\", \"b -- c\"]}";
	struct topo_diags d = {0};
	struct topo *t = topo_parse_string(json, strlen(json), "t.json", &d);

	(void)state;
	assert_int_equal(d.n_errors, 0);
	assert_true(pool_assign(t, &d) > 0);
	assert_non_null(strstr(d.v[d.n - 1].text, "addressing.p2p"));
	assert_non_null(strstr(d.v[d.n - 1].text, "10.9.0.0/30 is exhausted"));
	topo_free(t);
	topo_diags_free(&d);
}

/* The addresses a teacher can work out by hand: subnets in link order, hosts 1, 2, ... */
static void test_link_order(void **state)
{
	struct topo_diags d = {0};
	struct topo *t = parse("{\"name\": \"x\", " POOLS ", \"nodes\": {\"r1\": \"router\", \"r2\": \"router\","
			       " \"sw\": \"switch\", \"h1\": \"host\", \"h2\": \"host\", \"h3\": \"host\"},"
			       " \"links\": [\"r2 -- r1\", \"h1 -- sw\", \"r1 -- sw\", \"h3 -- r2\", \"h2 -- sw\"]}", &d);

	(void)state;
	/* the first link: the pool's first /30 and the first /64 after the loopbacks' */
	assert_string_equal(fmt(addr_of(t, "r2", "eth0", AF_INET)), "10.255.0.1/30");
	assert_string_equal(fmt(addr_of(t, "r1", "eth0", AF_INET)), "10.255.0.2/30");
	assert_string_equal(fmt(addr_of(t, "r2", "eth0", AF_INET6)), "2001:db8:0:1::1/64");
	/* the LAN comes at its first link (the second): the first /24, the router first */
	assert_string_equal(fmt(addr_of(t, "r1", "eth1", AF_INET)), "10.0.0.1/24");
	assert_string_equal(fmt(addr_of(t, "h1", "eth0", AF_INET)), "10.0.0.2/24");
	assert_string_equal(fmt(addr_of(t, "h2", "eth0", AF_INET)), "10.0.0.3/24");
	assert_string_equal(fmt(addr_of(t, "h1", "eth0", AF_INET6)), "2001:db8:0:2::2/64");
	/* the next point-to-point link: the next /30 */
	assert_string_equal(fmt(addr_of(t, "r2", "eth1", AF_INET)), "10.255.0.5/30");
	assert_string_equal(fmt(addr_of(t, "h3", "eth0", AF_INET)), "10.255.0.6/30");
	assert_string_equal(fmt(addr_of(t, "h3", "eth0", AF_INET6)), "2001:db8:0:3::2/64");
	/* loopbacks in node order */
	assert_string_equal(fmt(addr_of(t, "r1", "lo", AF_INET)), "10.254.0.1/32");
	assert_string_equal(fmt(addr_of(t, "r2", "lo", AF_INET)), "10.254.0.2/32");
	assert_string_equal(fmt(addr_of(t, "r1", "lo", AF_INET6)), "2001:db8::1/128");
	assert_string_equal(fmt(addr_of(t, "r2", "lo", AF_INET6)), "2001:db8::2/128");
	topo_free(t);
	topo_diags_free(&d);
}

static void test_deterministic_and_stable(void **state)
{
	const char *one = "{\"name\": \"x\", " POOLS ", \"nodes\": {\"a\": \"router\", \"b\": \"router\","
			  " \"c\": \"router\"}, \"links\": [\"a -- b\", \"b -- c\"]}";
	/* a node and a link added at the end */
	const char *two = "{\"name\": \"x\", " POOLS ", \"nodes\": {\"a\": \"router\","
			  " \"b\": \"router\", \"c\": \"router\", \"z\": \"router\"}, \"links\": [\"a -- b\", \"b -- c\", \"z -- c\"]}";
	struct topo_diags d = {0};
	struct topo *t1 = parse(one, &d), *t1b = parse(one, &d), *t2 = parse(two, &d);
	const char *nodes[] = {"a", "b", "c"};

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_string_equal(fmt(addr_of(t1, nodes[i], "eth0", AF_INET)),
				    fmt(addr_of(t1b, nodes[i], "eth0", AF_INET)));
		assert_string_equal(fmt(addr_of(t1, nodes[i], "eth0", AF_INET)),
				    fmt(addr_of(t2, nodes[i], "eth0", AF_INET)));
		assert_string_equal(fmt(addr_of(t1, nodes[i], "eth0", AF_INET6)),
				    fmt(addr_of(t2, nodes[i], "eth0", AF_INET6)));
		assert_string_equal(fmt(addr_of(t1, nodes[i], "lo", AF_INET)),
				    fmt(addr_of(t2, nodes[i], "lo", AF_INET)));
		assert_string_equal(fmt(addr_of(t1, nodes[i], "lo", AF_INET6)),
				    fmt(addr_of(t2, nodes[i], "lo", AF_INET6)));
	}
	assert_string_equal(fmt(addr_of(t1, "b", "eth1", AF_INET)), fmt(addr_of(t2, "b", "eth1", AF_INET)));
	/* the new link takes the next subnet */
	assert_string_equal(fmt(addr_of(t2, "z", "eth0", AF_INET)), "10.255.0.9/30");
	topo_free(t1);
	topo_free(t1b);
	topo_free(t2);
	topo_diags_free(&d);
}

static void test_switches_joined_form_one_lan(void **state)
{
	struct topo_diags d = {0};
	struct topo *t = parse("{\"name\": \"x\", " POOLS ", \"nodes\": {\"s1\": \"switch\", \"s2\": \"switch\","
			       " \"h1\": \"host\", \"h2\": \"host\"},"
			       " \"links\": [\"s1 -- s2\", \"h1 -- s1\", \"h2 -- s2\"]}", &d);
	const struct prefix *h1 = addr_of(t, "h1", "eth0", AF_INET), *h2 = addr_of(t, "h2", "eth0", AF_INET);

	(void)state;
	assert_true(prefix_contains(h1, &h2->addr));
	topo_free(t);
	topo_diags_free(&d);
}

static void test_big_lan_gets_a_bigger_prefix(void **state)
{
	_cleanup_free_ char *json = NULL;
	char *nodes = xstrdup(""), *links = xstrdup("");
	struct topo_diags d = {0};
	struct topo *t;

	(void)state;
	for (int i = 0; i < 300; i++) {
		char *n = xasprintf("%s, \"h%d\": \"host\"", nodes, i);
		char *l = xasprintf("%s%s\"h%d -- sw\"", links, i ? ", " : "", i);

		free(nodes);
		free(links);
		nodes = n;
		links = l;
	}
	json = xasprintf("{\"name\": \"x\", " POOLS ", \"nodes\": {\"sw\": \"switch\"%s}, \"links\": [%s]}",
			 nodes, links);
	free(nodes);
	free(links);
	t = parse(json, &d);
	assert_int_equal(addr_of(t, "h0", "eth0", AF_INET)->len, 23);
	assert_int_equal(d.n_errors, 0);
	topo_free(t);
	topo_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p2p_gets_a_30_and_a_64),
		cmocka_unit_test(test_lan_and_loopbacks),
		cmocka_unit_test(test_explicit_addresses_win_and_are_not_handed_out),
		cmocka_unit_test(test_exhausted_pool_names_the_pool),
		cmocka_unit_test(test_link_order),
		cmocka_unit_test(test_deterministic_and_stable),
		cmocka_unit_test(test_switches_joined_form_one_lan),
		cmocka_unit_test(test_big_lan_gets_a_bigger_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
