/* SPDX-License-Identifier: MIT */
/*
 * Replays the fuzzers' seeds and every input they ever found a problem with
 * (tests/fuzz/regressions/ for fuzz_topo, tests/fuzz/regressions-kathara/ for
 * fuzz_kathara) through the same path as the fuzz targets, each within the
 * fuzzer's time bound: an input that once hung fails, not hangs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include "../fuzz/fuzz_kathara.h"
#include "autoroute.h"
#include "draw.h"
#include "plan.h"
#include "pool.h"
#include "topo_parse.h"
#include "topo_validate.h"
#include "util.h"

/* the fuzzer's -timeout (tests/fuzz/run.sh); valgrind runs some 20 times slower */
#define REPLAY_SECONDS 10u

static const char *replaying;

static void say(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0)
		return;
}

static void replay_timeout(int sig)
{
	(void)sig;
	/* async-signal-safe calls only: the replay may be inside malloc */
	say("FAIL: replaying took longer than the fuzzer's timeout: ");
	say(replaying);
	say("\n");
	_exit(1);
}

static size_t replay_dir(const char *dir)
{
	_cleanup_(closedirp_) DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		struct topo_diags diags = {0};
		struct topo *t;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
		replaying = path;
		signal(SIGALRM, replay_timeout);
		alarm(getenv("VALGRIND") ? 20 * REPLAY_SECONDS : REPLAY_SECONDS);
		t = topo_parse_string(text, len, path, &diags);
		if (t && diags.n_errors == 0) {
			pool_assign(t, &diags);
			autoroute_compute(t);
		}
		if (t) {
			topo_validate(t, &diags);
			if (diags.n_errors == 0) {
				struct plan *p = plan_build(t);

				free(plan_hosts_file(t));
				plan_free(p);
				free(topo_dump_json(t));
				free(draw_dot(t));
				free(draw_mermaid(t));
			}
		}
		alarm(0);
		/* every error is counted among the diagnostics, each with its file name */
		assert_true(diags.n_errors <= diags.n);
		for (size_t i = 0; i < diags.n; i++)
			assert_non_null(strstr(diags.v[i].text, path));
		topo_free(t);
		topo_diags_free(&diags);
		n++;
	}
	return n;
}

/* The same for the Kathará reader's inputs. Return: how many. */
static size_t replay_kathara_dir(const char *dir)
{
	_cleanup_(closedirp_) DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		struct topo_diags diags = {0};
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
		replaying = path;
		signal(SIGALRM, replay_timeout);
		alarm(getenv("VALGRIND") ? 20 * REPLAY_SECONDS : REPLAY_SECONDS);
		fuzz_kathara_one((const uint8_t *)text, len, &diags);
		alarm(0);
		/* every diagnostic names its file: lab.conf, lab.dep or a script or lab.ext of the lab */
		for (size_t i = 0; i < diags.n; i++) {
			const char *t = diags.v[i].text;

			if (!str_has_prefix(t, "lab.conf:") && !str_has_prefix(t, "lab.dep:") &&
			    !str_has_prefix(t, "lab.ext: ") && !strstr(t, ".startup: ") &&
			    !strstr(t, ".shutdown: "))
				fail_msg("%s: a diagnostic without its file: %s", path, t);
		}
		topo_diags_free(&diags);
		n++;
	}
	return n;
}

static void test_kathara_seeds(void **state)
{
	(void)state;
	assert_true(replay_kathara_dir("tests/fuzz/seeds-kathara") >= 10);
}

static void test_kathara_regressions(void **state)
{
	(void)state;
	replay_kathara_dir("tests/fuzz/regressions-kathara");
}

static void test_seeds(void **state)
{
	(void)state;
	assert_true(replay_dir("tests/fuzz/seeds") >= 9);
}

static void test_regressions(void **state)
{
	(void)state;
	replay_dir("tests/fuzz/regressions");
}

static void test_bad_seed_reports_every_problem(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct topo_diags d = {0};
	struct topo *t;
	size_t len;

	(void)state;
	assert_int_equal(read_file("tests/fuzz/seeds/bad.json", 1 << 20, &text, &len), 0);
	t = topo_parse_string(text, len, "bad.json", &d);
	assert_non_null(t);
	topo_validate(t, &d);
	/* the bad CIDR, "x", the number, the empty route, the node name, the kind, the self link,
	 * the unknown node, the one-endpoint link and the unknown key: all in one run */
	assert_true(d.n_errors >= 10);
	topo_free(t);
	topo_diags_free(&d);
}

/* the well-formed seeds stay valid, so the fuzzer starts from inputs that reach every stage */
static void test_valid_seeds_validate(void **state)
{
	static const char *const valid[] = {"compact.json", "pools-ipv6-static.json",
					    "routing-none-explicit.json"};

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		_cleanup_free_ char *path = xasprintf("tests/fuzz/seeds/%s", valid[i]), *text = NULL;
		struct topo_diags d = {0};
		struct topo *t;
		size_t len;

		assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
		t = topo_parse_string(text, len, path, &d);
		assert_non_null(t);
		assert_int_equal(d.n_errors, 0);
		pool_assign(t, &d);
		autoroute_compute(t);
		assert_int_equal(topo_validate(t, &d), 0);
		assert_int_equal(d.n_errors, 0);
		topo_free(t);
		topo_diags_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_regressions),
		cmocka_unit_test(test_kathara_seeds),
		cmocka_unit_test(test_kathara_regressions),
		cmocka_unit_test(test_bad_seed_reports_every_problem),
		cmocka_unit_test(test_valid_seeds_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
