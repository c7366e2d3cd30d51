/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "pingall.h"

static struct check_pair pair(const char *from, const char *to, const char *cidr, bool ok)
{
	struct check_pair p = {.from = (char *)from, .to = (char *)to, .ok = ok};
	struct prefix x;

	assert_int_equal(prefix_parse(cidr, &x), 0);
	p.net = prefix_network(&x);
	addr_format(&x.addr, p.address);
	return p;
}

/* Failures group by (source, destination prefix), each node once, prefixes in address order. */
static void test_group(void **state)
{
	struct check_pair pairs[] = {
		pair("a", "c", "10.0.0.10/30", false), pair("a", "b", "10.0.0.2/30", false),
		pair("a", "c", "10.0.0.9/30", false),  pair("a", "b", "10.0.0.1/30", true),
		pair("a", "d", "10.9.0.1/32", true),   pair("b", "c", "10.0.0.10/30", false),
		pair("b", "c", "10.0.0.9/30", true),   pair("c", "a", "10.0.0.1/30", true),
	};
	struct pingall_group *g;
	size_t ng;

	(void)state;
	pairs[0].answered = true;
	assert_int_equal(pingall_group(pairs, 8, &g, &ng), 3);
	assert_int_equal(ng, 3);
	assert_string_equal(g[0].from, "a");
	assert_int_equal(g[0].net.len, 30);
	assert_int_equal(g[0].net.addr.bytes[3], 0);
	assert_int_equal(g[0].failed, 1);
	assert_int_equal(g[0].probed, 2);
	assert_int_equal(g[0].n_to, 1);
	assert_string_equal(g[0].to[0], "b");
	assert_int_equal(g[1].net.addr.bytes[3], 8);
	assert_int_equal(g[1].failed, 2);
	assert_int_equal(g[1].errors, 1);
	assert_int_equal(g[1].n_to, 1);
	assert_string_equal(g[1].to[0], "c");
	assert_string_equal(g[2].from, "b");
	assert_int_equal(g[2].failed, 1);
	assert_int_equal(g[2].probed, 2);
	pingall_groups_free(g, ng);
	assert_int_equal(pingall_group(pairs + 3, 2, &g, &ng), 0);
	assert_null(g);
	pingall_groups_free(g, ng);
}

static void test_sample(void **state)
{
	size_t a[1000], b[1000], seen[10] = {0};

	(void)state;
	assert_int_equal(pingall_sample(1000, 100, 42, a), 100);
	for (size_t i = 1; i < 100; i++)
		assert_true(a[i - 1] < a[i]);
	assert_true(a[99] < 1000);
	assert_int_equal(pingall_sample(1000, 100, 42, b), 100);
	assert_memory_equal(a, b, 100 * sizeof(size_t));
	assert_int_equal(pingall_sample(1000, 100, 43, b), 100);
	assert_memory_not_equal(a, b, 100 * sizeof(size_t));
	assert_int_equal(pingall_sample(5, 10, 1, a), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(a[i], i);
	/* every item can be chosen: 2000 draws of 1 of 10 reach them all */
	for (uint64_t s = 0; s < 2000; s++) {
		assert_int_equal(pingall_sample(10, 1, s, a), 1);
		seen[a[0]]++;
	}
	for (size_t i = 0; i < 10; i++)
		assert_true(seen[i] > 100);
}

static void test_match(void **state)
{
	(void)state;
	assert_true(pingall_match(NULL, "r1"));
	assert_true(pingall_match("r1", "r1"));
	assert_false(pingall_match("r1", "r10"));
	assert_true(pingall_match("r1-*", "r1-10"));
	assert_false(pingall_match("r1-*", "r2-1"));
	assert_true(pingall_match("h?,r2-*", "r2-1"));
	assert_true(pingall_match("h?,r2-*", "h3"));
	assert_false(pingall_match("h?,r2-*", "h30"));
}

static char *print(const struct check_pair *pairs, size_t n, size_t n_all, bool json)
{
	struct pingall_group *g;
	size_t ng, len;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	pingall_group(pairs, n, &g, &ng);
	if (json)
		assert_int_equal(pingall_print_json(f, "lab", pairs, n, n_all, g, ng), 0);
	else
		pingall_print_text(f, "FAIL", pairs, n, n_all, 7, g, ng);
	fclose(f);
	pingall_groups_free(g, ng);
	return text;
}

/* One line per group, not per pair; the summary names the groups and a sample. */
static void test_print(void **state)
{
	struct check_pair pairs[] = {
		pair("a", "b", "10.0.0.2/30", false), pair("a", "b", "10.0.0.1/30", false),
		pair("a", "c", "10.1.0.1/32", true),
	};
	char *t;

	(void)state;
	pairs[0].answered = true;
	t = print(pairs, 3, 3, false);
	assert_string_equal(t, "FAIL a -> 10.0.0.0/30 (b): 2 of 2 addresses no reply (1 unreachable)\n"
			       "ping-all: 1 passed, 2 failed in 1 group (source, destination prefix)\n");
	free(t);
	t = print(pairs + 2, 1, 40, false);
	assert_string_equal(t, "ping-all: 1 passed, 0 failed; a sample of 1 of 40 pairs (--seed 7)\n");
	free(t);
	t = print(pairs, 3, 3, true);
	assert_non_null(strstr(t, "\"passed\": 1"));
	assert_non_null(strstr(t, "\"failed\": 2"));
	assert_non_null(strstr(t, "\"prefix\": \"10.0.0.0/30\""));
	assert_non_null(strstr(t, "\"address\": \"10.1.0.1\""));
	free(t);
}

/* More groups than shown: the rest are counted. */
static void test_print_many(void **state)
{
	struct check_pair pairs[PINGALL_SHOWN + 5];
	char cidr[PINGALL_SHOWN + 5][32], *t;

	(void)state;
	for (size_t i = 0; i < PINGALL_SHOWN + 5; i++) {
		snprintf(cidr[i], sizeof(cidr[i]), "10.0.%zu.1/24", i);
		pairs[i] = pair("a", "b", cidr[i], false);
	}
	t = print(pairs, PINGALL_SHOWN + 5, PINGALL_SHOWN + 5, false);
	assert_non_null(strstr(t, "... and 5 more groups"));
	assert_non_null(strstr(t, "0 passed, 55 failed in 55 groups"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group),	   cmocka_unit_test(test_sample),
		cmocka_unit_test(test_match),	   cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
