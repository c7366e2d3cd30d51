/* SPDX-License-Identifier: MIT */
/* Unit tests of layout.h: every runtime path from one place, under roots that can move. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_roots),
		cmocka_unit_test(test_other_roots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
