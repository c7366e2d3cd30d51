/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of rootless.h: what a child inside a lab sends back through its
 * pipe (the nodes' status, an error with its kind), run here as whoever runs
 * the tests (the child joins nothing for root).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rootless.h"
#include "rootless_impl.h"
#include "util.h"

/* What status.c's node_status would find: two interfaces, addresses, a failed startup. */
static int fake_status(const char *lab, const struct state_node *sn, struct status_node *out,
		       struct lab_err **err)
{
	(void)lab;
	(void)err;
	out->present = !strcmp(sn->name, "r1");
	out->init_pid = 42;
	out->processes = 3;
	out->routes4 = 7;
	out->routes6 = 2;
	out->failed = !strcmp(sn->name, "h1") ? xstrdup("exit 1: no such file") : NULL;
	if (!out->present)
		return 0;
	out->ifaces = xcalloc(2, sizeof(*out->ifaces));
	out->n_ifaces = 2;
	strscpy(out->ifaces[0].name, "lo", sizeof(out->ifaces[0].name));
	out->ifaces[0].state = "up";
	out->ifaces[0].mtu = 65536;
	strscpy(out->ifaces[1].name, "eth0", sizeof(out->ifaces[1].name));
	out->ifaces[1].state = "no-carrier";
	out->ifaces[1].mtu = 1500;
	strscpy(out->ifaces[1].mac, "02:00:00:00:00:01", sizeof(out->ifaces[1].mac));
	out->ifaces[1].master = xstrdup("br0");
	out->ifaces[1].addrs = xcalloc(2, sizeof(char *));
	out->ifaces[1].addrs[0] = xstrdup("10.0.0.1/24");
	out->ifaces[1].addrs[1] = xstrdup("2001:db8::1/64");
	out->ifaces[1].n_addrs = 2;
	return 0;
}

static int fake_fail(const char *lab, const struct state_node *sn, struct status_node *out,
		     struct lab_err **err)
{
	(void)out;
	return err_make_kind(err, ERR_USAGE, EPERM, "lab '%s' node '%s': refused", lab, sn->name);
}

static void free_nodes(struct status_node *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < o[i].n_ifaces; k++) {
			for (size_t a = 0; a < o[i].ifaces[k].n_addrs; a++)
				free(o[i].ifaces[k].addrs[a]);
			free(o[i].ifaces[k].addrs);
			free(o[i].ifaces[k].master);
		}
		free(o[i].ifaces);
		free(o[i].failed);
	}
}

static void test_status_through_pipe(_unused_ void **state)
{
	struct state_node nodes[2] = {{.name = "r1", .pid = true, .memory = 1 << 20},
				      {.name = "h1", .mount = true}};
	struct state s = {.lab = "lab1", .nodes = nodes, .n_nodes = 2};
	struct status_node out[2] = {0};
	struct lab_err *e = NULL;

	assert_int_equal(rootless_node_status_forked("lab1", &s, out, fake_status, &e), 0);
	assert_null(e);
	assert_true(out[0].present);
	assert_false(out[1].present);
	assert_true(out[0].pid); /* from the state, not the pipe */
	assert_int_equal(out[0].memory, 1 << 20);
	assert_true(out[1].mount);
	assert_int_equal(out[0].init_pid, 42);
	assert_int_equal(out[0].processes, 3);
	assert_int_equal(out[0].routes4, 7);
	assert_int_equal(out[0].routes6, 2);
	assert_null(out[0].failed);
	assert_string_equal(out[1].failed, "exit 1: no such file");
	assert_int_equal(out[0].n_ifaces, 2);
	assert_int_equal(out[1].n_ifaces, 0);
	assert_string_equal(out[0].ifaces[0].name, "lo");
	assert_string_equal(out[0].ifaces[0].state, "up");
	assert_null(out[0].ifaces[0].master);
	assert_int_equal(out[0].ifaces[0].n_addrs, 0);
	assert_string_equal(out[0].ifaces[1].state, "no-carrier");
	assert_int_equal(out[0].ifaces[1].mtu, 1500);
	assert_string_equal(out[0].ifaces[1].mac, "02:00:00:00:00:01");
	assert_string_equal(out[0].ifaces[1].master, "br0");
	assert_int_equal(out[0].ifaces[1].n_addrs, 2);
	assert_string_equal(out[0].ifaces[1].addrs[1], "2001:db8::1/64");
	free_nodes(out, 2);
}

static void test_error_through_pipe(_unused_ void **state)
{
	struct state_node nodes[1] = {{.name = "r1"}};
	struct state s = {.lab = "lab1", .nodes = nodes, .n_nodes = 1};
	struct status_node out[1] = {0};
	struct lab_err *e = NULL;

	assert_int_equal(rootless_node_status_forked("lab1", &s, out, fake_fail, &e), -EPERM);
	assert_non_null(e);
	assert_int_equal(e->kind, ERR_USAGE);
	assert_int_equal(e->code, EPERM);
	assert_string_equal(e->msg, "lab 'lab1' node 'r1': refused");
	err_free(e);
}

static void test_root_is_not_rootless(_unused_ void **state)
{
	assert_false(rootless_outside()); /* before rootless_init: root's paths, nothing to join */
	assert_int_equal(rootless_join("lab1", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_through_pipe),
		cmocka_unit_test(test_error_through_pipe),
		cmocka_unit_test(test_root_is_not_rootless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
