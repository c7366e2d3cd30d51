/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the parts of ns.h that need no privilege and touch nothing
 * under /run: the pin paths, what a /run/netns entry is (symlinks in a
 * temporary directory), what counts as a pin, and the inode sets `down`
 * matches processes against.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ns.h"
#include "util.h"

static void test_pin_paths(void **state)
{
	_cleanup_free_ char *dir = ns_pin_dir("demo");
	_cleanup_free_ char *pin = ns_pin_path("demo", "r1");

	(void)state;
	assert_string_equal(dir, "/run/netlab/.netns/demo");
	assert_string_equal(pin, "/run/netlab/.netns/demo/r1");
	/* a lab name has no '.', so no lab's directory is the pin root */
	assert_true(str_has_prefix(pin, dir));
}

/* A temporary directory, removed with what the test made in it. */
struct tmp {
	char dir[64];
};

static int tmp_setup(void **state)
{
	struct tmp *t = xcalloc(1, sizeof(*t));

	strscpy(t->dir, "/tmp/netlab-test-ns.XXXXXX", sizeof(t->dir));
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	static const char *const names[] = {"pin", "link", "other", "file", "dangling"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", t->dir, names[i]);

		unlink(p);
	}
	rmdir(t->dir);
	free(t);
	return 0;
}

static void test_netns_entry(void **state)
{
	struct tmp *t = *state;
	_cleanup_free_ char *pin = xasprintf("%s/pin", t->dir);
	_cleanup_free_ char *link = xasprintf("%s/link", t->dir);
	_cleanup_free_ char *other = xasprintf("%s/other", t->dir);
	_cleanup_free_ char *file = xasprintf("%s/file", t->dir);
	_cleanup_free_ char *dangling = xasprintf("%s/dangling", t->dir);
	int fd;

	fd = open(pin, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlink(pin, link), 0);
	assert_int_equal(symlink(file, other), 0);
	assert_int_equal(symlink("/nonexistent/pin", dangling), 0);

	/* netlab's own: a symlink to exactly the node's pin */
	assert_int_equal(ns_netns_entry(link, pin), NS_ENTRY_LINK);
	/* a symlink elsewhere is someone else's, also a dangling one */
	assert_int_equal(ns_netns_entry(other, pin), NS_ENTRY_FOREIGN);
	assert_int_equal(ns_netns_entry(dangling, pin), NS_ENTRY_FOREIGN);
	/* a file: a pin as ip netns add makes them (or netlab 0.x) */
	assert_int_equal(ns_netns_entry(file, pin), NS_ENTRY_PIN);
	/* nothing */
	assert_int_equal(ns_netns_entry("/nonexistent/x", pin), NS_ENTRY_NONE);
	/* a plain file is not a pin: nothing is mounted on it */
	assert_int_equal(ns_pin_inode(pin), 0);
	assert_int_equal(ns_pin_inode("/nonexistent/pin"), 0);
	assert_int_equal(ns_pin_inode("no-slash"), 0);
	/* a namespace file is: /proc/self/ns/net is on nsfs, its directory on procfs */
	assert_true(ns_pin_inode("/proc/self/ns/net") > 0);
}

static void test_inode_sets(void **state)
{
	ino_t v[] = {9, 3, 7, 3, 1, 9, 9};
	ino_t one[] = {5};
	size_t n;

	(void)state;
	n = ns_sort_inodes(v, ARRAY_SIZE(v));
	assert_int_equal(n, 4);
	assert_true(v[0] == 1 && v[1] == 3 && v[2] == 7 && v[3] == 9);
	for (size_t i = 0; i < n; i++)
		assert_true(ns_inode_in(v[i], v, n));
	assert_false(ns_inode_in(2, v, n));
	assert_false(ns_inode_in(10, v, n));
	assert_false(ns_inode_in(0, v, n));
	assert_false(ns_inode_in(1, v, 0));
	assert_int_equal(ns_sort_inodes(one, 1), 1);
	assert_true(ns_inode_in(5, one, 1));
	assert_int_equal(ns_sort_inodes(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_paths),
		cmocka_unit_test_setup_teardown(test_netns_entry, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_inode_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
