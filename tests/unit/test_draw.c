/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "draw.h"
#include "pool.h"
#include "topo_parse.h"
#include "util.h"

static struct topo *parse(const char *json)
{
	struct topo_diags d = {0};
	struct topo *t = topo_parse_string(json, strlen(json), "t.json", &d);

	assert_non_null(t);
	assert_int_equal(d.n_errors, 0);
	pool_assign(t, &d);
	topo_diags_free(&d);
	return t;
}

#define SMALL                                                                                      \
	"{\"name\": \"lab\", \"nodes\": {\"r.1\": \"router\", \"h-1\": {\"hostname\": \"web\"}, \"s1\": \"switch\"," \
	" \"h2\": \"host\"}, \"addressing\": {\"p2p\": \"10.9.0.0/24\", \"lan\": \"10.8.0.0/16\"}," \
	" \"links\": [\"r.1:eth0 -- h-1:eth0\", {\"endpoints\": [\"r.1:eth1\", \"s1\"], \"state\": \"down\"}, \"h2 -- s1\"]}"

static void test_dot(void **state)
{
	struct topo *t = parse("{\"name\": \"lab\", \"nodes\": {\"r.1\": \"router\", \"h-1\": {\"hostname\": \"web\"}, \"s1\": \"switch\","
			       " \"h2\": \"host\"}, \"addressing\": {\"p2p\": \"10.9.0.0/24\", \"lan\": \"10.8.0.0/16\"},"
			       " \"links\": [\"r.1:eth0 -- h-1:eth0\", {\"endpoints\": [\"r.1:eth1\", \"s1\"], \"state\": \"down\"}, \"h2 -- s1\"]}");
	char *dot = draw_dot(t);

	(void)state;
	assert_true(str_has_prefix(dot, "graph \"lab\" {"));
	/* shapes by kind, names quoted */
	assert_non_null(strstr(dot, "\"r.1\" [shape=ellipse"));
	assert_non_null(strstr(dot, "\"h2\" [shape=box"));
	assert_non_null(strstr(dot, "\"s1\" [shape=hexagon"));
	/* a hostname that differs from the name shows */
	assert_non_null(strstr(dot, "label=\"h-1\n(web)\""));
	/* links: interface names at the ends, the subnet in the middle */
	assert_non_null(strstr(dot, "\"r.1\" -- \"h-1\" [taillabel=\"eth0\", headlabel=\"eth0\", label=\"10.9.0."));
	assert_non_null(strstr(dot, "/30\""));
	/* a LAN link carries the LAN's subnet, upper tier first; a link that is down is dashed */
	assert_non_null(strstr(dot, "\"s1\" -- \"h2\" [taillabel=\"eth1\", headlabel=\"eth0\", label=\"10.8."));
	assert_non_null(strstr(dot, "style=dashed"));
	assert_true(dot[strlen(dot) - 2] == '}');
	free(dot);
	topo_free(t);
}

static void test_dot_escapes(void **state)
{
	struct topo *t = parse("{\"name\": \"lab\", \"nodes\": {\"a\": {\"hostname\": \"x\"}}}");
	char *dot;

	(void)state;
	free(t->name);
	t->name = xstrdup("we\"ird\\name");
	dot = draw_dot(t);
	assert_true(str_has_prefix(dot, "graph \"we\\\"ird\\\\name\" {"));
	free(dot);
	topo_free(t);
}

static void test_mermaid(void **state)
{
	struct topo *t = parse(SMALL);
	char *m = draw_mermaid(t), *again = draw_mermaid(t);

	(void)state;
	/* hosts and what is above them: top down */
	assert_true(str_has_prefix(m, "graph TB\n"));
	/* ids are sanitised, the text keeps the name; shapes by kind */
	assert_non_null(strstr(m, "n_r_2e1((\"r.1\"))"));
	assert_non_null(strstr(m, "n_h_2d1[\"h-1\"]"));
	assert_non_null(strstr(m, "n_s1{{\"s1\"}}"));
	assert_non_null(strstr(m, "n_r_2e1 ---|\"eth0 - eth0<br/>10.9.0."));
	/* a link that is down is dotted */
	assert_non_null(strstr(m, "n_r_2e1 -.-|\"eth1 - eth0"));
	assert_non_null(strstr(m, "class n_r_2e1 router"));
	/* deterministic */
	assert_string_equal(m, again);
	free(m);
	free(again);
	topo_free(t);
}

static void test_mermaid_distinct_ids_and_escapes(void **state)
{
	/* names that differ only in '.', '-' and '_'; interface names with Mermaid's specials */
	struct topo *t = parse("{\"name\": \"lab\", \"nodes\": {\"a.b\": \"router\", \"a-b\": \"router\", \"a_b\": \"host\"},"
			       " \"links\": [\"a.b:e\\\"x -- a-b:e<y>\", \"a_b:p#1&2 -- a.b\"]}");
	char *m = draw_mermaid(t);

	(void)state;
	assert_non_null(strstr(m, "  n_a_2eb((\"a.b\"))\n"));
	assert_non_null(strstr(m, "  n_a_2db((\"a-b\"))\n"));
	assert_non_null(strstr(m, "  n_a_5fb[\"a_b\"]\n"));
	/* the link between two of them is not a loop (each written upper tier first) */
	assert_non_null(strstr(m, "  n_a_2db ---|\"e#lt;y#gt; - e#quot;x\"| n_a_2eb\n"));
	assert_non_null(strstr(m, "  n_a_2eb ---|\"eth0 - p#35;1#amp;2\"| n_a_5fb\n"));
	free(m);
	topo_free(t);
}

static void test_demo_golden(void **state)
{
	_cleanup_free_ char *golden = NULL;
	struct topo_diags d = {0};
	struct topo *t = NULL;
	char *m;

	(void)state;
	assert_int_equal(topo_load("topologies/demo.json", &t, &d), 0);
	assert_int_equal(read_file("tests/golden/demo.mmd", 1 << 20, &golden, NULL), 0);
	m = draw_mermaid(t);
	assert_string_equal(m, golden);
	free(m);
	topo_free(t);
	topo_diags_free(&d);
}

/* a fabric by tier: one rank per tier, spines first; each link written upper end first */
static void test_dot_tiers(_unused_ void **state)
{
	struct topo *t = parse("{\"name\": \"f\", \"nodes\": {\"s1\": \"router\", \"l1\": \"router\", \"l2\": \"router\","
			       " \"h1\": {}, \"h2\": {}}, \"addressing\": {\"p2p\": \"10.9.0.0/24\"},"
			       " \"links\": [\"l1 -- s1\", \"l2 -- s1\", \"h1 -- l1\", \"l2 -- h2\"]}");
	char *dot = draw_dot(t);
	char *mm = draw_mermaid(t);
	const char *r2 = strstr(dot, "{rank=same; \"s1\";}"), *r1 = strstr(dot, "{rank=same; \"l1\"; \"l2\";}"),
		   *r0 = strstr(dot, "{rank=same; \"h1\"; \"h2\";}");

	assert_non_null(r2);
	assert_non_null(r1);
	assert_non_null(r0);
	assert_true(r2 < r1 && r1 < r0);
	assert_non_null(strstr(dot, "\"s1\" -- \"l1\""));
	assert_non_null(strstr(dot, "\"s1\" -- \"l2\""));
	assert_non_null(strstr(dot, "\"l1\" -- \"h1\""));
	assert_non_null(strstr(dot, "\"l2\" -- \"h2\""));
	assert_true(str_has_prefix(mm, "graph TB\n"));
	free(mm);
	free(dot);
	topo_free(t);
	/* no host: no tiers, as written */
	t = parse("{\"name\": \"r\", \"nodes\": {\"a\": \"router\", \"b\": \"router\"}, \"links\": [\"a -- b\"]}");
	dot = draw_dot(t);
	assert_null(strstr(dot, "rank=same"));
	free(dot);
	topo_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dot),
		cmocka_unit_test(test_dot_tiers),
		cmocka_unit_test(test_dot_escapes),
		cmocka_unit_test(test_mermaid),
		cmocka_unit_test(test_mermaid_distinct_ids_and_escapes),
		cmocka_unit_test(test_demo_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
