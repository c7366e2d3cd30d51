/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "autoroute.h"
#include "gen.h"
#include "pool.h"
#include "topo_parse.h"
#include "topo_validate.h"
#include "util.h"

/* Generate, parse, assign, route and validate: counts of nodes and links, no errors. */
static void check(struct gen_opts o, size_t nodes, size_t links, const char *name)
{
	struct topo_diags d = {0};
	const char *problem = NULL;
	char *text = NULL;
	struct topo *t;

	assert_int_equal(gen_topology(&o, &text, &problem), 0);
	t = topo_parse_string(text, strlen(text), "gen.json", &d);
	assert_non_null(t);
	pool_assign(t, &d);
	autoroute_compute(t);
	topo_validate(t, &d);
	if (d.n_errors)
		fail_msg("%s", d.v[0].text);
	assert_int_equal(t->n_nodes, nodes);
	assert_int_equal(t->n_links, links);
	assert_string_equal(t->name, name);
	/* every linked interface got an address from the pools (switch ports aside) */
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t k = 0; k < t->nodes[i].n_ifaces; k++)
			if (t->nodes[i].kind != TOPO_SWITCH && t->nodes[i].ifaces[k].link >= 0)
				assert_true(t->nodes[i].ifaces[k].n_addrs > 0);
	topo_free(t);
	topo_diags_free(&d);
	free(text);
}

static void test_shapes(void **state)
{
	(void)state;
	check((struct gen_opts){.shape = GEN_LINE, .n = 10, .node_kind = -1}, 10, 9, "line10");
	check((struct gen_opts){.shape = GEN_RING, .n = 5, .node_kind = -1}, 5, 5, "ring5");
	check((struct gen_opts){.shape = GEN_STAR, .n = 7, .node_kind = -1}, 8, 7, "star7");
	check((struct gen_opts){.shape = GEN_FULL, .n = 5, .node_kind = -1}, 5, 10, "full5");
	check((struct gen_opts){.shape = GEN_GRID, .rows = 3, .cols = 4, .node_kind = -1}, 12, 17, "grid3x4");
	/* depth 3, fanout 2: 1 + 2 + 4 routers, 8 hosts */
	check((struct gen_opts){.shape = GEN_TREE, .depth = 3, .fanout = 2, .node_kind = -1}, 15, 14, "tree3x2");
	/* k = 4: 4 core, 8 aggregation, 8 edge, 16 hosts; 16 + 16 + 16 links */
	check((struct gen_opts){.shape = GEN_FATTREE, .n = 4, .node_kind = -1}, 36, 48, "fattree4");
	/* 2 spines, 3 leaves, 2 hosts each: 11 nodes; 6 fabric links and 6 host links */
	check((struct gen_opts){.shape = GEN_CLOS, .spines = 2, .leaves = 3, .hosts_per_leaf = 2,
				.node_kind = -1}, 11, 12, "clos2x3");
	check((struct gen_opts){.shape = GEN_LINE, .n = 6, .node_kind = -1, .routing_static = true,
				.ipv6 = true, .name = "mine"},
	      6, 5, "mine");
}

static void test_routing_static_reaches_every_loopback(void **state)
{
	struct gen_opts o = {.shape = GEN_GRID, .rows = 4, .cols = 4, .node_kind = -1, .routing_static = true};
	struct topo_diags d = {0};
	const char *problem = NULL;
	char *text = NULL;
	struct topo *t;

	(void)state;
	assert_int_equal(gen_topology(&o, &text, &problem), 0);
	assert_non_null(strstr(text, "\"routing\": \"static\""));
	t = topo_parse_string(text, strlen(text), "gen.json", &d);
	pool_assign(t, &d);
	autoroute_compute(t);
	/* 24 link subnets + 16 loopbacks: each router routes to all it is not on */
	for (size_t i = 0; i < t->n_nodes; i++) {
		size_t own = 0;

		for (size_t k = 0; k < t->nodes[i].n_ifaces; k++)
			own += t->nodes[i].ifaces[k].n_addrs;
		assert_int_equal(t->nodes[i].n_routes, 40 - own);
	}
	topo_free(t);
	topo_diags_free(&d);
	free(text);
}

static void test_bad_options(void **state)
{
	const char *problem = NULL;
	char *text = NULL;
	enum gen_shape s;

	(void)state;
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_LINE, .n = 1, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_non_null(strstr(problem, "at least 2"));
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_RING, .n = 2, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_FATTREE, .n = 3, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_non_null(strstr(problem, "even"));
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_TREE, .depth = 0, .fanout = 2, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_GRID, .rows = 1000, .cols = 1000, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_non_null(strstr(problem, "100000"));
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_FULL, .n = 65, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_CLOS, .spines = 0, .leaves = 2, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_non_null(strstr(problem, "--spines"));
	assert_int_equal(gen_topology(&(struct gen_opts){.shape = GEN_CLOS, .spines = 1, .leaves = 1000, .hosts_per_leaf = 100, .node_kind = -1}, &text, &problem), -EINVAL);
	assert_null(text);
	assert_int_equal(gen_shape_parse("grid", &s), 0);
	assert_int_equal(s, GEN_GRID);
	assert_int_equal(gen_shape_parse("blob", &s), -EINVAL);
	assert_int_equal(gen_shape_parse("clos", &s), 0);
	assert_int_equal(s, GEN_CLOS);
}

/* A leaf-spine fabric with routing: static: every leaf reaches the other leaves' hosts over every spine. */
static void test_clos_multipath(void **state)
{
	struct gen_opts o = {.shape = GEN_CLOS, .spines = 4, .leaves = 3, .hosts_per_leaf = 2,
			     .node_kind = -1, .routing_static = true, .ipv6 = true};
	struct topo_diags d = {0};
	const char *problem = NULL;
	char *text = NULL;
	struct topo *t;
	size_t multipath = 0;

	(void)state;
	assert_int_equal(gen_topology(&o, &text, &problem), 0);
	t = topo_parse_string(text, strlen(text), "gen.json", &d);
	assert_non_null(t);
	pool_assign(t, &d);
	autoroute_compute(t);
	assert_int_equal(topo_validate(t, &d), 0);
	assert_int_equal(t->nodes[topo_find_node(t, "spine1")].kind, TOPO_ROUTER);
	assert_int_equal(t->nodes[topo_find_node(t, "leaf3")].kind, TOPO_ROUTER);
	assert_int_equal(t->nodes[topo_find_node(t, "h3-2")].kind, TOPO_HOST);
	/* leaf1 -> the subnets of the 4 hosts of leaf2 and leaf3, and their loopbacks: 4 nexthops each */
	for (size_t i = 0; i < t->nodes[topo_find_node(t, "leaf1")].n_routes; i++) {
		const struct topo_route *r = &t->nodes[topo_find_node(t, "leaf1")].routes[i];

		if (r->n_extra_via) {
			assert_int_equal(r->n_extra_via, 3);
			multipath++;
		}
	}
	/* per family: 4 host subnets, and in IPv4 the 2 other leaves' loopbacks, in IPv6 theirs too */
	assert_int_equal(multipath, 2 * (4 + 2));
	topo_free(t);
	topo_diags_free(&d);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_routing_static_reaches_every_loopback),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_clos_multipath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
