/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of ydoc.h: YAML text through libyaml's loader, then merge
 * keys, nulls, lines, repeated keys and the work budget as readers see them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util.h"
#include "ydoc.h"

static struct ydoc y;

static yaml_node_t *load(const char *text)
{
	struct ydoc_error e;

	ydoc_free(&y);
	if (ydoc_load(&y, text, strlen(text), &e) < 0)
		fail_msg("%d:%d: %s", e.line, e.column, e.text);
	return ydoc_root(&y);
}

static int teardown(void **state)
{
	(void)state;
	ydoc_free(&y);
	return 0;
}

/* The value of a dotted path of keys from the root. */
static yaml_node_t *at(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	yaml_node_t *n = ydoc_root(&y);

	for (char *save = NULL, *k = strtok_r(copy, ".", &save); k && n; k = strtok_r(NULL, ".", &save))
		n = ydoc_get(&y, n, k);
	return n;
}

static void test_scalars_and_lines(void **state)
{
	(void)state;
	load("name: lab\n"
	     "empty:\n"
	     "tilde: ~\n"
	     "null_word: null\n"
	     "quoted: \"null\"\n"
	     "list:\n"
	     "  - a\n"
	     "  - 2\n");
	assert_string_equal(ydoc_str(at("name")), "lab");
	assert_int_equal(ydoc_line(at("name")), 1);
	assert_true(ydoc_is_null(at("empty")));
	assert_true(ydoc_is_null(at("tilde")));
	assert_true(ydoc_is_null(at("null_word")));
	assert_false(ydoc_is_null(at("quoted")));
	assert_true(ydoc_is_null(at("missing")));
	assert_string_equal(ydoc_type(at("list")), "a sequence");
	assert_string_equal(ydoc_type(ydoc_root(&y)), "a mapping");
	assert_string_equal(ydoc_type(at("tilde")), "null");
	assert_int_equal(ydoc_len(at("list")), 2);
	assert_string_equal(ydoc_str(ydoc_item(&y, at("list"), 1)), "2");
	assert_int_equal(ydoc_line(ydoc_item(&y, at("list"), 1)), 8);
	assert_null(ydoc_item(&y, at("list"), 2));
	assert_null(ydoc_str(at("list")));
}

static void test_syntax_error(void **state)
{
	static const char text[] = "a:\n  b: 1\n c: 2\n";
	struct ydoc_error e;

	(void)state;
	assert_int_equal(ydoc_load(&y, text, strlen(text), &e), -EINVAL);
	assert_int_equal(e.line, 3);
	assert_int_equal(e.column, 2);
	assert_string_equal(e.text, "did not find expected key while parsing a block mapping");
	assert_null(ydoc_root(&y));
	ydoc_free(&y);
}

static void test_empty(void **state)
{
	(void)state;
	assert_null(load(""));
	assert_null(load("# only a comment\n"));
}

/* Anchors and aliases are libyaml's; merge keys: own keys win, then earlier merges. */
static void test_merge_keys(void **state)
{
	struct ydoc_pair *p = NULL;
	size_t n;

	(void)state;
	load("base: &base {kind: linux, image: alpine, env: {A: 1}}\n"
	     "more: &more {image: debian, user: bob}\n"
	     "node:\n"
	     "  <<: [*base, *more]\n"
	     "  kind: bridge\n"
	     "alias: *base\n"
	     "nested:\n"
	     "  <<: {<<: *more, cpu: 1}\n"
	     "odd:\n"
	     "  <<: 3\n");
	assert_string_equal(ydoc_str(at("node.kind")), "bridge");
	assert_string_equal(ydoc_str(at("node.image")), "alpine");
	assert_string_equal(ydoc_str(at("node.user")), "bob");
	assert_string_equal(ydoc_str(at("node.env.A")), "1");
	assert_string_equal(ydoc_str(at("alias.image")), "alpine");
	assert_string_equal(ydoc_str(at("nested.user")), "bob");
	assert_string_equal(ydoc_str(at("nested.cpu")), "1");
	/* the line of a merged value is where it is written */
	assert_int_equal(ydoc_line(at("node.user")), 2);
	n = ydoc_pairs(&y, at("node"), &p);
	assert_int_equal(n, 4);
	assert_string_equal(p[0].key, "kind");
	assert_string_equal(p[1].key, "image");
	assert_string_equal(ydoc_str(p[1].value), "alpine");
	assert_string_equal(p[2].key, "env");
	assert_string_equal(p[3].key, "user");
	free(p);
	/* a "<<" of a scalar is an ordinary key (a reader calls it unknown) */
	n = ydoc_pairs(&y, at("odd"), &p);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].key, "<<");
	free(p);
}

/* An alias of a mapping inside itself: merges stop at YDOC_MERGE_DEPTH. */
static void test_merge_cycle(void **state)
{
	struct ydoc_pair *p = NULL;

	(void)state;
	load("a: &x\n  k: 1\n  <<: *x\n");
	assert_int_equal(ydoc_pairs(&y, at("a"), &p), 1);
	assert_string_equal(ydoc_str(at("a.k")), "1");
	free(p);
}

struct seen {
	char text[4][128];
	int n;
};

static void record(void *ctx, const char *path, const yaml_node_t *key, int first_line)
{
	struct seen *s = ctx;

	assert_true(s->n < 4);
	snprintf(s->text[s->n++], sizeof(s->text[0]), "%s %s %d %d", path[0] ? path : "-",
		 ydoc_str(key), ydoc_line(key), first_line);
}

static void test_repeats(void **state)
{
	struct seen s = {0};

	(void)state;
	load("a: 1\n"
	     "topology:\n"
	     "  nodes:\n"
	     "    r1: {}\n"
	     "    r2: {}\n"
	     "    r1: {kind: linux, kind: bridge}\n"
	     "a: 2\n");
	ydoc_check_repeats(&y, record, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.text[0], "- a 7 1");
	assert_string_equal(s.text[1], "topology.nodes r1 6 4");
	assert_string_equal(s.text[2], "topology.nodes.r1 kind 6 6");
	/* the first one counts */
	assert_int_equal(ydoc_line(at("topology.nodes.r1")), 4);
}

/* Aliases cannot make a small file cost unbounded work. */
static void test_budget(void **state)
{
	(void)state;
	load("big: &b {a: 1, b: 2, c: 3, d: 4}\nuse: [*b, *b]\n");
	y.budget = 3;
	assert_false(y.exhausted);
	/* one pair looked at for "big", two of its four for "d": the third is over budget */
	assert_null(at("big.d"));
	assert_true(y.exhausted);
	assert_null(ydoc_get(&y, ydoc_root(&y), "big"));
	assert_null(ydoc_item(&y, at("use"), 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_scalars_and_lines, teardown),
		cmocka_unit_test_teardown(test_syntax_error, teardown),
		cmocka_unit_test_teardown(test_empty, teardown),
		cmocka_unit_test_teardown(test_merge_keys, teardown),
		cmocka_unit_test_teardown(test_merge_cycle, teardown),
		cmocka_unit_test_teardown(test_repeats, teardown),
		cmocka_unit_test_teardown(test_budget, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
