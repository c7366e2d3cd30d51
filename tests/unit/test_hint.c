/* SPDX-License-Identifier: MIT */
/* Unit tests of topo_hint.h: suggestions among names, and JSON error excerpts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "topo_hint.h"
#include "util.h"

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(topo_edit_distance("", ""), 0);
	assert_int_equal(topo_edit_distance("abc", ""), 3);
	assert_int_equal(topo_edit_distance("router", "router"), 0);
	assert_int_equal(topo_edit_distance("routr", "router"), 1);
	assert_int_equal(topo_edit_distance("ruoter", "router"), 1); /* a transposition is one edit */
	assert_int_equal(topo_edit_distance("kitten", "sitting"), 3);
}

static void test_suggest(void **state)
{
	static const char *const keys[] = {"kind", "hostname", "interfaces", "routes", "sysctls"};
	static const char *const nodes[] = {"r1", "r2", "spine1", "leaf1"};

	(void)state;
	assert_string_equal(topo_suggest("hostnme", keys, 5), "hostname");
	assert_string_equal(topo_suggest("interface", keys, 5), "interfaces");
	assert_string_equal(topo_suggest("Kind", keys, 5), "kind");
	assert_null(topo_suggest("colour", keys, 5));
	/* ties go to the first name */
	assert_string_equal(topo_suggest("r9", nodes, 4), "r1");
	assert_string_equal(topo_suggest("spine", nodes, 4), "spine1");
	assert_string_equal(topo_suggest("laef1", nodes, 4), "leaf1");
	assert_null(topo_suggest("x", nodes, 4));
	assert_null(topo_suggest("core", nodes, 4));
	/* a one-letter word is never "corrected" into another one-letter word */
	assert_null(topo_suggest("a", (const char *const[]){"b"}, 1));
}

static void test_did_you_mean(void **state)
{
	_cleanup_free_ char *a = topo_did_you_mean("r1");
	_cleanup_free_ char *b = topo_did_you_mean(NULL);

	(void)state;
	assert_string_equal(a, ", did you mean 'r1'?");
	assert_string_equal(b, "");
}

static void test_excerpt(void **state)
{
	const char *text = "{\n  \"nodes\": {\n    \"a\": {}\n    \"b\": {}\n  }\n}";
	_cleanup_free_ char *e = topo_json_excerpt(text, strlen(text), 4, 7);
	_cleanup_free_ char *tab = NULL, *utf = NULL, *none = NULL, *longl = NULL;
	char big[400];

	(void)state;
	assert_string_equal(e, "\n      \"b\": {}\n        ^");
	tab = topo_json_excerpt("{\n\t\"a\" 1}", 9, 2, 6);
	assert_string_equal(tab, "\n  \t\"a\" 1}\n  \t    ^");
	/* columns count characters, not bytes */
	utf = topo_json_excerpt("{\"\xc3\xa9\xc3\xa9\" x}", 10, 1, 7);
	assert_string_equal(utf, "\n  {\"\xc3\xa9\xc3\xa9\" x}\n        ^");
	none = topo_json_excerpt("{}", 2, 3, 1);
	assert_null(none);
	/* a long line is cut around the column */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[200] = ',';
	longl = topo_json_excerpt(big, strlen(big), 1, 201);
	assert_non_null(strstr(longl, "...x"));
	assert_true(strlen(longl) < 300);
	assert_non_null(strstr(longl, ",xxx"));
	assert_int_equal(strlen(strrchr(longl, '\n') + 1), 2 + 3 + 60 + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_excerpt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
