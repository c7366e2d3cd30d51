/* SPDX-License-Identifier: MIT */
/* Unit tests of layout.h: every runtime path from one place, under roots that can move. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "layout.h"
#include "util.h"

static void check(const char *got_alloc, const char *want)
{
	_cleanup_free_ char *got = (char *)got_alloc;

	assert_string_equal(got, want);
}

static void test_default_roots(_unused_ void **state)
{
	assert_string_equal(layout_state_root(), "/run/netlab");
	assert_string_equal(layout_netns_dir(), "/run/netns");
	check(layout_pin_root(), "/run/netlab/.netns");
	check(layout_netns_pin_dir("demo"), "/run/netlab/.netns/demo");
	check(layout_netns_pin("demo", "r1"), "/run/netlab/.netns/demo/r1");
	check(layout_netns_link("demo.r1"), "/run/netns/demo.r1");
	check(layout_lab_dir("demo"), "/run/netlab/demo");
	check(layout_lab_file("demo", "state.json"), "/run/netlab/demo/state.json");
	check(layout_ns_dir("demo"), "/run/netlab/demo/ns");
	check(layout_ns_pin("demo", "r1", "mnt"), "/run/netlab/demo/ns/r1.mnt");
	check(layout_ns_pin("demo", "r1", NULL), "/run/netlab/demo/ns/r1");
	check(layout_template_pin("demo"), "/run/netlab/demo/ns/+template.mnt");
	check(layout_hosts_file("demo"), "/run/netlab/demo/ns/+hosts");
	check(layout_logs_dir("demo"), "/run/netlab/demo/logs");
	check(layout_log("demo", "r1"), "/run/netlab/demo/logs/r1.log");
	check(layout_failed("demo", "r1"), "/run/netlab/demo/logs/r1.failed");
	check(layout_holder_file("demo"), "/run/netlab/demo/holder");
}

/* a second root (a simulated host, a user's own): every path follows it */
static void test_other_roots(_unused_ void **state)
{
	layout_set_roots("/tmp/h1/netlab", NULL);
	check(layout_lab_dir("demo"), "/tmp/h1/netlab/demo");
	check(layout_netns_pin("demo", "r1"), "/tmp/h1/netlab/.netns/demo/r1");
	check(layout_log("demo", "r1"), "/tmp/h1/netlab/demo/logs/r1.log");
	assert_string_equal(layout_netns_dir(), "/run/netns");
	layout_set_roots(NULL, "/tmp/h1/netns");
	check(layout_netns_link("demo.r1"), "/tmp/h1/netns/demo.r1");
	layout_set_roots(LAYOUT_STATE_ROOT, LAYOUT_NETNS_DIR);
	check(layout_lab_dir("demo"), "/run/netlab/demo");
}

static void roots(uid_t euid, const char *xdg, bool xdg_ok, int want_user, const char *want_state,
		  const char *want_netns)
{
	_cleanup_free_ char *state = NULL, *netns = NULL;

	assert_int_equal(layout_roots_for(euid, xdg, xdg_ok, &state, &netns), want_user);
	assert_string_equal(state, want_state);
	assert_string_equal(netns, want_netns);
}

/* root keeps /run; a user never gets it: $XDG_RUNTIME_DIR/netlab when it is the user's, else /tmp/netlab-UID */
static void test_roots_for(_unused_ void **state)
{
	roots(0, "/run/user/0", true, 0, "/run/netlab", "/run/netns");
	roots(0, NULL, false, 0, "/run/netlab", "/run/netns");
	roots(1000, "/run/user/1000", true, 1, "/run/user/1000/netlab", "/run/user/1000/netlab/.names");
	roots(1000, "/run/user/1000/", true, 1, "/run/user/1000/netlab", "/run/user/1000/netlab/.names");
	roots(1000, "/run/user/0", false, 1, "/tmp/netlab-1000", "/tmp/netlab-1000/.names");
	roots(1000, "relative", true, 1, "/tmp/netlab-1000", "/tmp/netlab-1000/.names");
	roots(1000, "", true, 1, "/tmp/netlab-1000", "/tmp/netlab-1000/.names");
	roots(1000, NULL, false, 1, "/tmp/netlab-1000", "/tmp/netlab-1000/.names");
}

static void root_refused(const char *dir, uid_t euid, const char *want)
{
	_cleanup_err_ struct lab_err *e = NULL;

	assert_true(layout_user_root_check(dir, euid, &e) < 0);
	assert_non_null(e);
	if (!strstr(e->msg, want))
		fail_msg("'%s' does not contain '%s'", e->msg, want);
}

/* a user's root is made 0700 and refused when it is a symlink, someone else's, or open to others */
static void test_user_root_check(_unused_ void **state)
{
	char tmp[] = "/tmp/netlab-unit-root.XXXXXX";
	_cleanup_free_ char *dir = NULL, *link = NULL, *cmd = NULL;
	_cleanup_err_ struct lab_err *e = NULL;
	uid_t me = geteuid();
	struct stat st;

	assert_non_null(mkdtemp(tmp));
	dir = xasprintf("%s/netlab", tmp);
	link = xasprintf("%s/link", tmp);
	assert_int_equal(layout_user_root_check(dir, me, &e), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(layout_user_root_check(dir, me, &e), 0); /* again: it exists */
	root_refused(dir, me + 1, "belongs to uid");
	assert_int_equal(chmod(dir, 0755), 0);
	root_refused(dir, me, "open to others (mode 0755)");
	assert_int_equal(symlink(dir, link), 0);
	root_refused(link, me, "not a directory (a symlink?)");
	cmd = xasprintf("rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_roots),
		cmocka_unit_test(test_other_roots),
		cmocka_unit_test(test_roots_for),
		cmocka_unit_test(test_user_root_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
