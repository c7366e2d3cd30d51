/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of labinfo.h and of the state's "user": who started a lab, when,
 * the summary of `list --json`, LAB.NODE names, the answer to down --all's
 * question.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labinfo.h"
#include "state.h"
#include "util.h"

static void test_user_from_sudo(void **state)
{
	_cleanup_free_ char *a = labinfo_user("alice", 0);

	(void)state;
	assert_string_equal(a, "alice");
}

static void test_user_from_uid(void **state)
{
	_cleanup_free_ char *root = labinfo_user(NULL, 0);
	_cleanup_free_ char *empty = labinfo_user("", 0);
	/* a uid without a name (not looked up: NSS modules would stay loaded under valgrind) */
	_cleanup_free_ char *none = labinfo_user_from(NULL, NULL, 4000000001u);
	_cleanup_free_ char *odd = labinfo_user_from("", "a b", 7);
	_cleanup_free_ char *named = labinfo_user_from(NULL, "carol", 7);

	(void)state;
	assert_string_equal(root, "root");
	assert_string_equal(empty, "root");
	assert_string_equal(none, "uid 4000000001");
	assert_string_equal(odd, "uid 7");
	assert_string_equal(named, "carol");
}

static void test_user_refuses_odd_names(void **state)
{
	/* terminal escapes, spaces, non-ASCII and overlong names are not shown as given */
	const char *bad[] = {"a\033[2Jb", "two words", "caf\xc3\xa9", "x\n",
			     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *u = labinfo_user(bad[i], 0);

		assert_string_equal(u, "root");
	}
}

static void test_time(void **state)
{
	char buf[32];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(labinfo_time(86400 + 3600 + 120, buf, sizeof(buf)), "1970-01-02 01:02");
	assert_string_equal(labinfo_time(0, buf, sizeof(buf)), "unknown");
	assert_string_equal(labinfo_time(-5, buf, sizeof(buf)), "unknown");
	assert_string_equal(labinfo_time(86400, buf, 5), "unkn");
}

static void test_split_netns(void **state)
{
	char *lab = NULL, *node = NULL;

	(void)state;
	assert_int_equal(labinfo_split_netns("demo.h1", &lab, &node), 0);
	assert_string_equal(lab, "demo");
	assert_string_equal(node, "h1");
	free(lab);
	free(node);
	/* node names may have dots, lab names may not: the lab ends at the first */
	assert_int_equal(labinfo_split_netns("lab-1.core.r1", &lab, &node), 0);
	assert_string_equal(lab, "lab-1");
	assert_string_equal(node, "core.r1");
	free(lab);
	free(node);
	assert_int_equal(labinfo_split_netns("h1", &lab, &node), -EINVAL);
	assert_int_equal(labinfo_split_netns(".h1", &lab, &node), -EINVAL);
	assert_int_equal(labinfo_split_netns("demo.", &lab, &node), -EINVAL);
	assert_int_equal(labinfo_split_netns("demo...", &lab, &node), -EINVAL);
	assert_int_equal(labinfo_split_netns("a/b.h1", &lab, &node), -EINVAL);
}

static void test_join_and_yes(void **state)
{
	char *v[] = {"a", "bb", "c"};
	_cleanup_free_ char *three = labinfo_join(v, 3);
	_cleanup_free_ char *none = labinfo_join(v, 0);

	(void)state;
	assert_string_equal(three, "a, bb, c");
	assert_string_equal(none, "");
	assert_true(labinfo_is_yes("y\n"));
	assert_true(labinfo_is_yes("YES\r\n"));
	assert_true(labinfo_is_yes("Y"));
	assert_false(labinfo_is_yes("\n"));
	assert_false(labinfo_is_yes("n\n"));
	assert_false(labinfo_is_yes("yess\n"));
	assert_false(labinfo_is_yes(""));
}

static void test_list_json_is_a_summary(void **state)
{
	struct status_node nodes[2] = {{.name = "h1"}, {.name = "h2"}};
	struct status_lab labs[2] = {
		{.name = "a", .status = "up", .topology = "/t/a.json", .user = "alice",
		 .created = 1700000000, .nodes = nodes, .n_nodes = 2, .n_links = 1},
		{.name = "b", .status = "broken", .topology = "", .user = ""},
	};
	_cleanup_free_ char *s = labinfo_list_json(labs, 2);
	json_error_t jerr;
	json_t *root = json_loads(s, 0, &jerr), *l;

	(void)state;
	assert_non_null(root);
	assert_int_equal(json_array_size(json_object_get(root, "labs")), 2);
	l = json_array_get(json_object_get(root, "labs"), 0);
	assert_string_equal(json_string_value(json_object_get(l, "name")), "a");
	assert_string_equal(json_string_value(json_object_get(l, "status")), "up");
	assert_int_equal(json_integer_value(json_object_get(l, "nodes")), 2);
	assert_int_equal(json_integer_value(json_object_get(l, "links")), 1);
	assert_string_equal(json_string_value(json_object_get(l, "topology")), "/t/a.json");
	assert_string_equal(json_string_value(json_object_get(l, "user")), "alice");
	assert_int_equal(json_integer_value(json_object_get(l, "created")), 1700000000);
	assert_int_equal(json_object_size(l), 7); /* no node details */
	l = json_array_get(json_object_get(root, "labs"), 1);
	assert_true(json_is_null(json_object_get(l, "user")));
	assert_int_equal(json_integer_value(json_object_get(l, "nodes")), 0);
	json_decref(root);
}

static void test_state_keeps_the_user(void **state)
{
	struct state *s = state_new("lab1");
	struct state *back = state_new("lab1");
	struct state *old = state_new("lab1");
	struct lab_err *e = NULL;
	char *text;
	const char *v2 = "{\"version\": 2, \"lab\": \"lab1\", \"status\": \"up\", \"nodes\": []}";

	(void)state;
	setenv("SUDO_USER", "bob", 1);
	state_free(s);
	s = state_new("lab1");
	unsetenv("SUDO_USER");
	assert_string_equal(s->user, "bob");
	s->status = xstrdup("up");
	text = state_encode(s, STATE_NODES);
	assert_int_equal(state_decode(back, STATE_NODES, text, strlen(text), "state.json", &e), 0);
	assert_string_equal(back->user, "bob");
	/* a state written before netlab recorded the user says nothing of it */
	assert_int_equal(state_decode(old, STATE_NODES, v2, strlen(v2), "state.json", &e), 0);
	assert_null(old->user);
	free(text);
	state_free(s);
	state_free(back);
	state_free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_from_sudo),
		cmocka_unit_test(test_user_from_uid),
		cmocka_unit_test(test_user_refuses_odd_names),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_split_netns),
		cmocka_unit_test(test_join_and_yes),
		cmocka_unit_test(test_list_json_is_a_summary),
		cmocka_unit_test(test_state_keeps_the_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
