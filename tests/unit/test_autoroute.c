/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

#include "autoroute.h"
#include "topo_parse.h"
#include "util.h"

/* Topologies with explicit addresses, so that next hops are known in advance. */
static struct topo *parse(const char *json)
{
	struct topo_diags d = {0};
	struct topo *t = topo_parse_string(json, strlen(json), "t.json", &d);

	assert_non_null(t);
	assert_int_equal(d.n_errors, 0);
	topo_diags_free(&d);
	autoroute_compute(t);
	return t;
}

/* The gateway of node's route to dst ("default" for the default), or NULL. */
static const char *via(const struct topo *t, const char *node, const char *dst)
{
	static char buf[ADDR_STRLEN];
	const struct topo_node *n = &t->nodes[topo_find_node(t, node)];
	struct prefix want = {0};
	bool def = !strcmp(dst, "default") || !strcmp(dst, "default6");

	if (!def)
		assert_int_equal(prefix_parse(dst, &want), 0);
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct topo_route *r = &n->routes[i];

		if (def ? (r->is_default && r->to.addr.family == (strcmp(dst, "default6") ? AF_INET : AF_INET6)) :
			  (r->to.len == want.len && addr_equal(&r->to.addr, &want.addr)))
			return addr_format(&r->via, buf);
	}
	return NULL;
}

/* a line r1 - r2 - r3 - r4, /24 per link: 10.0.12.0/24 between r1 and r2, and so on */
#define LINE                                                                                       \
	"{\"name\": \"l\", \"routing\": \"static\", \"nodes\": {"                                    \
	"\"r1\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.12.1/24\", \"fd00:12::1/64\"]}}},"\
	"\"r2\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.12.2/24\", \"fd00:12::2/64\"]},"\
	"                                               \"eth1\": {\"addresses\": [\"10.0.23.2/24\"]}}},"   \
	"\"r3\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.23.3/24\"]},"   \
	"                                               \"eth1\": {\"addresses\": [\"10.0.34.3/24\"]}}},"   \
	"\"r4\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.34.4/24\"]},"   \
	"                                               \"lo\": {\"addresses\": [\"10.255.0.4/32\"]}}}}," \
	"\"links\": [\"r1:eth0 -- r2:eth0\", \"r2:eth1 -- r3:eth0\", \"r3:eth1 -- r4:eth0\"]}"

static void test_line(void **state)
{
	struct topo *t = parse(LINE);

	(void)state;
	assert_string_equal(via(t, "r1", "10.0.23.0/24"), "10.0.12.2");
	assert_string_equal(via(t, "r1", "10.0.34.0/24"), "10.0.12.2");
	assert_string_equal(via(t, "r1", "10.255.0.4/32"), "10.0.12.2");
	assert_string_equal(via(t, "r2", "10.255.0.4/32"), "10.0.23.3");
	assert_string_equal(via(t, "r4", "10.0.12.0/24"), "10.0.34.3");
	assert_string_equal(via(t, "r3", "10.0.12.0/24"), "10.0.23.2");
	/* no route to a subnet the router is on */
	assert_null(via(t, "r1", "10.0.12.0/24"));
	/* IPv6 only where IPv6 is: r2 has no other IPv6 subnet to reach */
	assert_null(via(t, "r1", "fd00:12::/64"));
	topo_free(t);
}

/* a ring of four: r1 reaches the opposite r3 over two equal paths, and picks the same one always */
#define RING                                                                                       \
	"{\"name\": \"r\", \"routing\": \"static\", \"nodes\": {"                                    \
	"\"r1\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.1.2.1/24\"]}, \"eth1\": {\"addresses\": [\"10.1.4.1/24\"]}}}," \
	"\"r2\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.1.2.2/24\"]}, \"eth1\": {\"addresses\": [\"10.2.3.2/24\"]}}}," \
	"\"r3\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.2.3.3/24\"]}, \"eth1\": {\"addresses\": [\"10.3.4.3/24\"]}," \
	"                                               \"lo\": {\"addresses\": [\"10.255.0.3/32\"]}}}," \
	"\"r4\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.3.4.4/24\"]}, \"eth1\": {\"addresses\": [\"10.1.4.4/24\"]}}}}," \
	"\"links\": [\"r1:eth0 -- r2:eth0\", \"r2:eth1 -- r3:eth0\", \"r3:eth1 -- r4:eth0\", \"r4:eth1 -- r1:eth1\"]}"

static void test_ring_equal_cost_is_deterministic(void **state)
{
	struct topo *t1 = parse(RING), *t2 = parse(RING);

	(void)state;
	/* one hop away: direct neighbours */
	assert_string_equal(via(t1, "r1", "10.2.3.0/24"), "10.1.2.2");
	assert_string_equal(via(t1, "r1", "10.3.4.0/24"), "10.1.4.4");
	/* two equal paths to r3's loopback: the neighbour met first (first interface) wins */
	assert_string_equal(via(t1, "r1", "10.255.0.3/32"), "10.1.2.2");
	assert_string_equal(via(t2, "r1", "10.255.0.3/32"), via(t1, "r1", "10.255.0.3/32"));
	topo_free(t1);
	topo_free(t2);
}

static void test_grid_shortest_paths(void **state)
{
	/* a 3x3 grid from the generator, addressed by pools: every router reaches every subnet */
	const char *json =
		"{\"name\": \"g\", \"routing\": \"static\", \"addressing\": {\"p2p\": \"10.128.0.0/16\","
		" \"loopback\": \"10.0.0.0/24\"}, \"nodes\": {\"a1\": \"router\", \"a2\": \"router\", \"a3\": \"router\","
		" \"b1\": \"router\", \"b2\": \"router\", \"b3\": \"router\", \"c1\": \"router\", \"c2\": \"router\", \"c3\": \"router\"},"
		" \"links\": [\"a1 -- a2\", \"a2 -- a3\", \"b1 -- b2\", \"b2 -- b3\", \"c1 -- c2\", \"c2 -- c3\","
		" \"a1 -- b1\", \"b1 -- c1\", \"a2 -- b2\", \"b2 -- c2\", \"a3 -- b3\", \"b3 -- c3\"]}";
	struct topo_diags d = {0};
	struct topo *t = NULL;
	char *path = NULL;
	FILE *f;

	(void)state;
	/* through topo_load, which assigns pools before computing routes */
	path = xstrdup("/tmp/netlab-test-grid-XXXXXX");
	{
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		fputs(json, f);
		fclose(f);
	}
	assert_int_equal(topo_load(path, &t, &d), 0);
	unlink(path);
	free(path);
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		/* 12 link subnets + 9 loopbacks, minus the ones on the node itself */
		size_t own = 0;

		for (size_t k = 0; k < n->n_ifaces; k++)
			own += n->ifaces[k].n_addrs;
		assert_int_equal(n->n_routes, 21 - own);
	}
	/* a1's route to c3's loopback leaves towards a2 or b1, its neighbours */
	{
		const struct topo_node *c3 = &t->nodes[topo_find_node(t, "c3")];
		const struct topo_iface *lo = &c3->ifaces[topo_find_iface(c3, "lo")];
		char buf[PREFIX_STRLEN];
		const char *g = via(t, "a1", prefix_format(&lo->addrs[0], buf));
		const struct topo_node *a2 = &t->nodes[topo_find_node(t, "a2")];
		const struct topo_node *b1 = &t->nodes[topo_find_node(t, "b1")];
		struct addr ga;
		bool neighbour = false;

		assert_non_null(g);
		assert_int_equal(addr_parse(g, &ga), 0);
		for (size_t k = 0; k < a2->n_ifaces; k++)
			for (size_t a = 0; a < a2->ifaces[k].n_addrs; a++)
				neighbour |= addr_equal(&a2->ifaces[k].addrs[a].addr, &ga);
		for (size_t k = 0; k < b1->n_ifaces; k++)
			for (size_t a = 0; a < b1->ifaces[k].n_addrs; a++)
				neighbour |= addr_equal(&b1->ifaces[k].addrs[a].addr, &ga);
		assert_true(neighbour);
	}
	topo_free(t);
	topo_diags_free(&d);
}

static void test_hosts_default_and_explicit_wins(void **state)
{
	const char *json =
		"{\"name\": \"h\", \"routing\": \"static\", \"nodes\": {"
		"\"sw\": \"switch\","
		"\"h1\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.5.0.10/24\", \"fd00:5::10/64\"]}}},"
		"\"h2\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.5.0.11/24\"]}},"
		"        \"routes\": [{\"to\": \"default\", \"via\": \"10.5.0.99\"}]},"
		"\"r1\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.5.0.1/24\", \"fd00:5::1/64\"]},"
		"        \"eth1\": {\"addresses\": [\"10.6.0.1/24\"]}},"
		"        \"routes\": [{\"to\": \"10.7.0.0/24\", \"via\": \"10.6.0.2\"}]},"
		"\"r2\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.6.0.2/24\"]},"
		"        \"eth1\": {\"addresses\": [\"10.7.0.1/24\"]}}},"
		"\"h3\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.7.0.10/24\"]}}}},"
		"\"links\": [\"h1:eth0 -- sw\", \"h2:eth0 -- sw\", \"r1:eth0 -- sw\", \"r1:eth1 -- r2:eth0\", \"r2:eth1 -- h3:eth0\"]}";
	struct topo *t = parse(json);
	const struct topo_node *r1 = &t->nodes[topo_find_node(t, "r1")];
	size_t to7 = 0;

	(void)state;
	assert_string_equal(via(t, "h1", "default"), "10.5.0.1");
	assert_string_equal(via(t, "h1", "default6"), "fd00:5::1");
	/* the explicit default of h2 stays the only one */
	assert_string_equal(via(t, "h2", "default"), "10.5.0.99");
	assert_string_equal(via(t, "h3", "default"), "10.7.0.1");
	/* r1 already routes 10.7.0.0/24 itself: no second route */
	for (size_t i = 0; i < r1->n_routes; i++)
		to7 += r1->routes[i].to.addr.bytes[1] == 7 && r1->routes[i].to.addr.family == AF_INET;
	assert_int_equal(to7, 1);
	assert_string_equal(via(t, "r2", "10.5.0.0/24"), "10.6.0.1");
	topo_free(t);
}

static void test_none_adds_nothing(void **state)
{
	const char *json = "{\"name\": \"n\", \"nodes\": {\"a\": \"router\"}}";
	struct topo_diags d = {0};
	struct topo *t = topo_parse_string(json, strlen(json), "t.json", &d);

	(void)state;
	assert_int_equal(autoroute_compute(t), 0);
	assert_int_equal(t->nodes[0].n_routes, 0);
	topo_free(t);
	topo_diags_free(&d);
}

/* The gateways of node's route to dst, "a b c" (via, then extra_via), into a static buffer. */
static const char *vias(const struct topo *t, const char *node, const char *dst)
{
	static char out[512];
	const struct topo_node *n = &t->nodes[topo_find_node(t, node)];
	struct prefix want = {0};

	assert_int_equal(prefix_parse(dst, &want), 0);
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct topo_route *r = &n->routes[i];
		char buf[ADDR_STRLEN];

		if (r->to.len != want.len || !addr_equal(&r->to.addr, &want.addr))
			continue;
		snprintf(out, sizeof(out), "%s", addr_format(&r->via, buf));
		for (size_t k = 0; k < r->n_extra_via; k++)
			snprintf(out + strlen(out), sizeof(out) - strlen(out), " %s",
				 addr_format(&r->extra_via[k], buf));
		return out;
	}
	return NULL;
}

/*
 * Two leaves l1, l2 and three spines s1..s3, every leaf on every spine; l2 has a
 * LAN 10.9.0.0/24 (and fd09::/64). 10.S.L.0/24 joins spine S and leaf L.
 */
#define CLOS_LINK(s, l) "\"s" #s ":eth" #l " -- l" #l ":eth" #s "\""
#define CLOS                                                                                        \
	"{\"name\": \"c\", \"routing\": \"static\", \"nodes\": {"                                      \
	"\"s1\": {\"kind\": \"router\", \"interfaces\": {\"eth1\": {\"addresses\": [\"10.1.1.1/24\", \"fd01:1::1/64\"]}, \"eth2\": {\"addresses\": [\"10.1.2.1/24\", \"fd01:2::1/64\"]}}}," \
	"\"s2\": {\"kind\": \"router\", \"interfaces\": {\"eth1\": {\"addresses\": [\"10.2.1.1/24\", \"fd02:1::1/64\"]}, \"eth2\": {\"addresses\": [\"10.2.2.1/24\", \"fd02:2::1/64\"]}}}," \
	"\"s3\": {\"kind\": \"router\", \"interfaces\": {\"eth1\": {\"addresses\": [\"10.3.1.1/24\", \"fd03:1::1/64\"]}, \"eth2\": {\"addresses\": [\"10.3.2.1/24\", \"fd03:2::1/64\"]}}}," \
	"\"l1\": {\"kind\": \"router\", \"interfaces\": {\"eth1\": {\"addresses\": [\"10.1.1.2/24\", \"fd01:1::2/64\"]}, \"eth2\": {\"addresses\": [\"10.2.1.2/24\", \"fd02:1::2/64\"]}, \"eth3\": {\"addresses\": [\"10.3.1.2/24\", \"fd03:1::2/64\"]}}}," \
	"\"l2\": {\"kind\": \"router\", \"interfaces\": {\"eth1\": {\"addresses\": [\"10.1.2.2/24\", \"fd01:2::2/64\"]}, \"eth2\": {\"addresses\": [\"10.2.2.2/24\", \"fd02:2::2/64\"]}, \"eth3\": {\"addresses\": [\"10.3.2.2/24\", \"fd03:2::2/64\"]}, \"eth9\": {\"addresses\": [\"10.9.0.1/24\", \"fd09::1/64\"]}}}," \
	"\"h\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.10/24\", \"fd09::10/64\"]}}}}," \
	"\"links\": [" CLOS_LINK(1, 1) ", " CLOS_LINK(1, 2) ", " CLOS_LINK(2, 1) ", " CLOS_LINK(2, 2) ", " \
	CLOS_LINK(3, 1) ", " CLOS_LINK(3, 2) ", \"l2:eth9 -- h:eth0\"]}"

/* Several shortest paths through different neighbours: one route through all of them. */
static void test_equal_cost_multipath(void **state)
{
	struct topo *t = parse(CLOS), *t2 = parse(CLOS);

	(void)state;
	/* a nexthop per spine, in interface order, both families */
	assert_string_equal(vias(t, "l1", "10.9.0.0/24"), "10.1.1.1 10.2.1.1 10.3.1.1");
	assert_string_equal(vias(t, "l1", "fd09::/64"), "fd01:1::1 fd02:1::1 fd03:1::1");
	assert_string_equal(vias(t2, "l1", "10.9.0.0/24"), vias(t, "l1", "10.9.0.0/24"));
	/* one shortest path: one gateway */
	assert_string_equal(vias(t, "l1", "10.1.2.0/24"), "10.1.1.1");
	assert_string_equal(vias(t, "s1", "10.9.0.0/24"), "10.1.2.2");
	/* a spine reaches the other spines' far subnets through the leaf it shares with them */
	assert_string_equal(vias(t, "s1", "10.2.1.0/24"), "10.1.1.2");
	assert_string_equal(vias(t, "s1", "10.2.2.0/24"), "10.1.2.2");
	/* the host: one default route */
	assert_string_equal(via(t, "h", "default"), "10.9.0.1");
	topo_free(t);
	topo_free(t2);
}

/* hosts static, routers left to their daemons: only the hosts get routes */
static void test_routing_per_kind(_unused_ void **state)
{
	static const char json[] =
		"{\"name\": \"k\", \"routing\": {\"host\": \"static\", \"router\": \"none\"}, \"nodes\": {"
		"\"h1\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.1.10/24\"]}}},"
		"\"r1\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.1.1/24\"]},"
		"         \"eth1\": {\"addresses\": [\"10.0.12.1/24\"]}}},"
		"\"r2\": {\"kind\": \"router\", \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.12.2/24\"]},"
		"         \"eth1\": {\"addresses\": [\"10.0.2.1/24\"]}}},"
		"\"h2\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.2.10/24\"]}}}},"
		"\"links\": [\"h1:eth0 -- r1:eth0\", \"r1:eth1 -- r2:eth0\", \"r2:eth1 -- h2:eth0\"]}";
	struct topo *t = parse(json);

	assert_string_equal(via(t, "h1", "default"), "10.0.1.1");
	assert_string_equal(via(t, "h2", "default"), "10.0.2.1");
	assert_int_equal(t->nodes[topo_find_node(t, "r1")].n_routes, 0);
	assert_int_equal(t->nodes[topo_find_node(t, "r2")].n_routes, 0);
	topo_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_routing_per_kind),
		cmocka_unit_test(test_ring_equal_cost_is_deterministic),
		cmocka_unit_test(test_grid_shortest_paths),
		cmocka_unit_test(test_hosts_default_and_explicit_wins),
		cmocka_unit_test(test_none_adds_nothing),
		cmocka_unit_test(test_equal_cost_multipath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
