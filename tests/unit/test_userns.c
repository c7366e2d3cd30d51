/* SPDX-License-Identifier: MIT */
/* Unit tests of userns.h's pure parts: subordinate ranges, id maps, advice, cgroup delegation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "userns.h"
#include "util.h"

static const char subuid[] = "# comment: alice:1:2\n"
			     "bob:100000:65536\n"
			     "alice:165536:65536\n"
			     "alice:300000:10\n"
			     "1005:231072:65536\n"
			     "carol:5\n"
			     "dave:400000:0\n"
			     "eve:500000:65536";

static void test_subid_find(_unused_ void **state)
{
	unsigned long start = 0, count = 0;

	assert_int_equal(userns_subid_find(subuid, "alice", 1001, &start, &count), 1);
	assert_int_equal(start, 165536); /* the first of alice's, not the comment's */
	assert_int_equal(count, 65536);
	assert_int_equal(userns_subid_find(subuid, "nobody-here", 1005, &start, &count), 1);
	assert_int_equal(start, 231072); /* by number */
	assert_int_equal(userns_subid_find(subuid, "eve", 7, &start, &count), 1);
	assert_int_equal(start, 500000); /* the last line, without a newline */
	assert_int_equal(userns_subid_find(subuid, "carol", 7, &start, &count), 0); /* malformed */
	assert_int_equal(userns_subid_find(subuid, "dave", 7, &start, &count), 0);  /* empty range */
	assert_int_equal(userns_subid_find(subuid, "bo", 7, &start, &count), 0);    /* a prefix is no name */
	assert_int_equal(userns_subid_find(subuid, NULL, 100, &start, &count), 0);
	assert_int_equal(userns_subid_find("", "bob", 7, &start, &count), 0);
	assert_int_equal(userns_subid_find(NULL, "bob", 7, &start, &count), 0);
}

static void test_map_plan(_unused_ void **state)
{
	struct userns_map m;

	userns_map_plan(1001, 1002, "alice", subuid, "alice:70000:1000\n", true, &m);
	assert_int_equal(m.uid, 1001);
	assert_int_equal(m.gid, 1002);
	assert_int_equal(m.sub_uid, 165536);
	assert_int_equal(m.n_uid, 65536);
	assert_int_equal(m.sub_gid, 70000);
	assert_int_equal(m.n_gid, 1000);
	assert_string_equal(m.newuidmap, USERNS_NEWUIDMAP);
	assert_string_equal(m.newgidmap, USERNS_NEWGIDMAP);

	/* no helpers, no gid range, no file: the user's own ids only */
	userns_map_plan(1001, 1002, "alice", subuid, subuid, false, &m);
	assert_int_equal(m.n_uid, 0);
	assert_null(m.newuidmap);
	userns_map_plan(1001, 1002, "alice", subuid, "bob:1:2\n", true, &m);
	assert_int_equal(m.n_uid, 0);
	assert_int_equal(m.n_gid, 0);
	assert_int_equal(m.sub_uid, 0);
	userns_map_plan(1001, 1002, "alice", NULL, subuid, true, &m);
	assert_int_equal(m.n_uid, 0);
	assert_int_equal(m.uid, 1001);
}

static void check(char *got_alloc, const char *want)
{
	_cleanup_free_ char *got = got_alloc;

	assert_string_equal(got, want);
}

static void test_map_text(_unused_ void **state)
{
	check(userns_map_text(1001, 0, 0), "0 1001 1\n");
	check(userns_map_text(1001, 100000, 65536), "0 1001 1\n1 100000 65536\n");
}

static void contains(char *got_alloc, const char *want)
{
	_cleanup_free_ char *got = got_alloc;

	if (!strstr(got, want))
		fail_msg("'%s' does not contain '%s'", got, want);
}

static void test_map_describe(_unused_ void **state)
{
	struct userns_map m = {.uid = 1001, .sub_uid = 100000, .n_uid = 65536};

	contains(userns_map_describe(&m), "ids 1-65536 are the host's 100000-165535");
	m.n_uid = 0;
	contains(userns_map_describe(&m), "only uid 1001 is mapped");
	contains(userns_map_describe(&m), "usermod --add-subuids");
}

static void test_advice(_unused_ void **state)
{
	contains(userns_advice(EPERM, "0", "1000", NULL),
		 "sysctl -w kernel.unprivileged_userns_clone=1");
	contains(userns_advice(ENOSPC, NULL, "0", NULL), "user.max_user_namespaces = 0");
	contains(userns_advice(EPERM, "1", "1000", "1"),
		 "kernel.apparmor_restrict_unprivileged_userns = 1");
	contains(userns_advice(ENOSPC, "1", "1000", NULL), "limit is reached");
	contains(userns_advice(EINVAL, NULL, NULL, NULL), "CONFIG_USER_NS");
	contains(userns_advice(EPERM, NULL, "1000", "0"), "run netlab as root");
	contains(userns_advice(EIO, NULL, NULL, NULL), strerror(EIO));
}

/* A fake cgroup v2 tree under a temporary root: dirs with the files of a delegated cgroup where asked. */
static char root[64];

static void mk(const char *rel, bool delegated, const char *controllers)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", root, rel);

	assert_int_equal(mkdir_p(dir, 0755), 0);
	if (delegated) {
		_cleanup_free_ char *p = xasprintf("%s/cgroup.procs", dir);
		_cleanup_free_ char *s = xasprintf("%s/cgroup.subtree_control", dir);

		assert_int_equal(write_file_atomic(p, "", 0, 0644), 0);
		assert_int_equal(write_file_atomic(s, "", 0, 0644), 0);
	}
	if (controllers) {
		_cleanup_free_ char *c = xasprintf("%s/cgroup.controllers", dir);

		assert_int_equal(write_file_atomic(c, controllers, strlen(controllers), 0644), 0);
	}
}

static int setup_tree(_unused_ void **state)
{
	snprintf(root, sizeof(root), "/tmp/netlab-unit-cg.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	return 0;
}

static int teardown_tree(_unused_ void **state)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", root);

	return system(cmd) == 0 ? 0 : -1;
}

static void expect_error(const char *self, uid_t uid, const char *want)
{
	_cleanup_err_ struct lab_err *e = NULL;
	_cleanup_free_ char *dir = NULL;

	assert_true(userns_cgroup_delegated(root, self, uid, &dir, &e) < 0);
	assert_null(dir);
	assert_non_null(e);
	if (!strstr(e->msg, want))
		fail_msg("'%s' does not contain '%s'", e->msg, want);
	assert_int_equal(e->kind, ERR_KERNEL);
}

static void test_cgroup_delegated(_unused_ void **state)
{
	static const char self[] = "1:name=systemd:/\n"
				   "0::/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope\n";
	_cleanup_err_ struct lab_err *e = NULL;
	_cleanup_free_ char *dir = NULL, *want = NULL;
	uid_t uid = getuid();

	/* not delegated: the slices above the user's manager */
	mk("/user.slice/user-1000.slice", false, "cpuset cpu io memory pids");
	mk("/user.slice/user-1000.slice/user@1000.service", true, "cpuset cpu memory pids");
	mk("/user.slice/user-1000.slice/user@1000.service/app.slice", true, "memory pids");
	mk("/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope", true, NULL);
	assert_int_equal(userns_cgroup_delegated(root, self, uid, &dir, &e), 0);
	want = xasprintf("%s/user.slice/user-1000.slice/user@1000.service", root);
	assert_string_equal(dir, want);

	/* v1 only, the root cgroup, someone else's tree, a controller missing ("cpuset" is not "cpu") */
	expect_error("4:memory:/x\n1:name=systemd:/\n", uid, "need a delegated cgroup v2");
	expect_error("0::/\n", uid, "owns no cgroup above its own ('/')");
	expect_error(self, uid + 1, "owns no cgroup");
	mk("/user.slice/user-1001.slice/user@1001.service", true, "cpuset memory pids");
	mk("/user.slice/user-1001.slice/user@1001.service/s.scope", true, "");
	expect_error("0::/user.slice/user-1001.slice/user@1001.service/s.scope", uid,
		     "lacks the cpu controller");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subid_find),
		cmocka_unit_test(test_map_plan),
		cmocka_unit_test(test_map_text),
		cmocka_unit_test(test_map_describe),
		cmocka_unit_test(test_advice),
		cmocka_unit_test_setup_teardown(test_cgroup_delegated, setup_tree, teardown_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
