/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of startup_log.h: the failing lines of a Kathará node's last
 * startup run, parsed from its log as read_kathara_lower.c's ERR trap writes
 * them; lines of another shape and earlier runs are not failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "startup_log.h"

static void test_parse(void **state)
{
	static const char log[] =
		"netlab: startup of pc\n"
		"+ ip address add 10.0.0.2/24 dev eth0\n"
		"+ ip route add 10.1.0.0/16 via 10.0.0.99 dev eth1\n"
		"Cannot find device \"eth1\"\n"
		"netlab: pc.startup line 3: exit status 1: ip route add 10.1.0.0/16 via 10.0.0.99 dev eth1\n"
		"netlab: cannot run the command\n"               /* another netlab line */
		"netlab: pc.startup line x: exit status 1: y\n"   /* not a line number */
		"netlab: pc.startup line 4: exit status : y\n"    /* no status */
		"netlab: line 4: exit status 1: y\n"              /* no script */
		"netlab: pc.startup line 4: exit status 1:y\n"    /* no ': ' before the command */
		"  netlab: pc.startup line 4: exit status 1: y\n" /* not at the line's start */
		"netlab: my script line 2 line 12: exit status 127: nosuch arg: 'a b'\n"
		"netlab: pc[exec] line 1: exit status 2: ip route add 10.9.9.0/24 via 192.0.2.1";
	struct startup_failure *v;
	size_t n;

	(void)state;
	assert_int_equal(startup_log_parse(log, &v, &n), 3);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].where, "pc.startup");
	assert_int_equal(v[0].line, 3);
	assert_int_equal(v[0].status, 1);
	assert_string_equal(v[0].command, "ip route add 10.1.0.0/16 via 10.0.0.99 dev eth1");
	/* the last " line " ends the script's name; the command keeps its ': ' */
	assert_string_equal(v[1].where, "my script line 2");
	assert_int_equal(v[1].line, 12);
	assert_int_equal(v[1].status, 127);
	assert_string_equal(v[1].command, "nosuch arg: 'a b'");
	/* the last line, without a newline */
	assert_string_equal(v[2].where, "pc[exec]");
	assert_int_equal(v[2].line, 1);
	assert_int_equal(v[2].status, 2);
	assert_string_equal(v[2].command, "ip route add 10.9.9.0/24 via 192.0.2.1");
	assert_null(startup_failures_free(v, n));
}

/* Only the last run counts (netlab restart appends to the log); a log without a marker counts whole. */
static void test_runs(void **state)
{
	struct startup_failure *v;
	size_t n;

	(void)state;
	assert_int_equal(startup_log_parse("netlab: startup of r1\n"
					   "netlab: r1.startup line 1: exit status 2: ip a add 10.0.0.1/24 dev eth0\n"
					   "netlab: r1.startup line 2: exit status 1: false\n"
					   "netlab: startup of r1\n"
					   "+ true\n"
					   "netlab: r1.startup line 2: exit status 1: false\n",
					   &v, &n),
			 1);
	assert_int_equal(v[0].line, 2);
	startup_failures_free(v, n);
	assert_int_equal(startup_log_parse("netlab: startup of r1\nnetlab: r1.startup line 1: exit status 1: x\nnetlab: startup of r1\n",
					   &v, &n),
			 0);
	assert_null(v);
	assert_int_equal(startup_log_parse("netlab: shared.startup line 1: exit status 1: x\n", &v, &n), 1);
	assert_string_equal(v[0].where, "shared.startup");
	startup_failures_free(v, n);
	assert_int_equal(startup_log_parse("", &v, &n), 0);
	assert_int_equal(startup_log_parse("netlab: a line 99999999999: exit status 1: x\n", &v, &n), 0);
	assert_null(startup_failures_free(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
