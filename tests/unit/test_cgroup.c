/* SPDX-License-Identifier: MIT */
/* Unit tests of cgroup.h under a delegated base: where a user's limits go, and what is written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

static char *contents(const char *dir, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	char *text = NULL;

	if (read_file(p, 4096, &text, NULL) < 0)
		return xstrdup("(missing)");
	return text;
}

static void touch(const char *dir, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fclose(f);
}

/*
 * A delegated cgroup v2 subtree as the base (a fake one: the kernel's files
 * made beforehand, as cgroupfs has them): netlab/LAB/NODE under it, with the
 * v2 limits written there.
 */
static void test_delegated_base(void **state)
{
	char tmpl[] = "/tmp/netlab-cgroup-test.XXXXXX";
	char *base = mkdtemp(tmpl);
	_cleanup_free_ char *node = NULL, *v = NULL;
	struct lab_err *e = NULL;

	(void)state;
	assert_non_null(base);
	node = xasprintf("%s/netlab/lab/n1", base);
	assert_int_equal(mkdir_p(node, 0755), 0);
	touch(node, "memory.max");
	touch(node, "cpu.max");
	touch(node, "pids.max");
	cgroup_set_base(base);
	assert_true(cgroup_is_v2());
	assert_int_equal(cgroup_create("lab", "n1", 256ull << 20, 0.5, 64, &e), 0);
	v = contents(node, "memory.max");
	assert_string_equal(v, "268435456");
	free(v);
	v = contents(node, "cpu.max");
	assert_string_equal(v, "50000 100000");
	free(v);
	v = contents(node, "pids.max");
	assert_string_equal(v, "64");
	free(v);
	v = cgroup_describe("lab", "n1");
	assert_non_null(strstr(v, base));
	cgroup_set_base(NULL);
	{
		_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", base);

		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delegated_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
