/* SPDX-License-Identifier: MIT */
/* Unit tests of topo.h: name rules, MAC addresses, the node index, interface names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"
#include "util.h"

/* A string of n copies of c; the caller frees it. */
static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_lab_name_valid(_unused_ void **state)
{
	static const char *const ok[] = {
		"a", "demo", "lab-1", "lab_2", "ABC", "0", "-", "_x_",
	};
	_cleanup_free_ char *max = repeat('x', TOPO_LAB_NAME_MAX);

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (topo_lab_name_problem(ok[i]))
			fail_msg("lab name '%s' refused: %s", ok[i], topo_lab_name_problem(ok[i]));
	assert_int_equal(strlen(max), 32);
	assert_null(topo_lab_name_problem(max));
}

static void test_lab_name_invalid(_unused_ void **state)
{
	static const char *const chars[] = {
		"a.b", "..", ".", "a/b", "a b", "a:b", "a\tb", "a\nb", "\x01", "caf\xc3\xa9",
		"lab\x7f", "a,b", "a*", "a@b", "$HOME",
	};
	_cleanup_free_ char *too_long = repeat('x', TOPO_LAB_NAME_MAX + 1);
	_cleanup_free_ char *very_long = repeat('x', 10000);

	assert_string_equal(topo_lab_name_problem(""), "is empty");
	assert_string_equal(topo_lab_name_problem(too_long), "is longer than 32 characters");
	assert_string_equal(topo_lab_name_problem(very_long), "is longer than 32 characters");
	for (size_t i = 0; i < ARRAY_SIZE(chars); i++) {
		const char *problem = topo_lab_name_problem(chars[i]);

		if (!problem)
			fail_msg("lab name '%s' accepted", chars[i]);
		assert_string_equal(problem, "may only contain letters, digits, '-' and '_'");
	}
}

static void test_node_name_valid(_unused_ void **state)
{
	static const char *const ok[] = {
		"r1", "host-1", "h_2", "a.b", "...", "a..b", ".x", "x.",
	};
	_cleanup_free_ char *max = repeat('n', TOPO_NODE_NAME_MAX);

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (topo_node_name_problem(ok[i]))
			fail_msg("node name '%s' refused: %s", ok[i], topo_node_name_problem(ok[i]));
	assert_null(topo_node_name_problem(max));
}

static void test_node_name_invalid(_unused_ void **state)
{
	static const char *const chars[] = {
		"a/b", "/", "a b", " ", "a:b", "a\tb", "a\nb", "\x1b[31m", "r\xc3\xa9", "\xff",
		"a\\b", "a\"b",
	};
	_cleanup_free_ char *too_long = repeat('n', TOPO_NODE_NAME_MAX + 1);
	_cleanup_free_ char *very_long = repeat('n', 100000);

	assert_string_equal(topo_node_name_problem(""), "is empty");
	assert_string_equal(topo_node_name_problem("."), "may not be '.' or '..'");
	assert_string_equal(topo_node_name_problem(".."), "may not be '.' or '..'");
	assert_string_equal(topo_node_name_problem(too_long), "is longer than 64 characters");
	assert_string_equal(topo_node_name_problem(very_long), "is longer than 64 characters");
	for (size_t i = 0; i < ARRAY_SIZE(chars); i++) {
		const char *problem = topo_node_name_problem(chars[i]);

		if (!problem)
			fail_msg("node name '%s' accepted", chars[i]);
		assert_string_equal(problem, "may only contain letters, digits, '-', '_' and '.'");
	}
}

static void test_ifname_length(_unused_ void **state)
{
	_cleanup_free_ char *fifteen = repeat('e', 15);
	_cleanup_free_ char *sixteen = repeat('e', 16);
	_cleanup_free_ char *very_long = repeat('e', 4096);

	assert_null(topo_ifname_problem(fifteen));
	assert_string_equal(topo_ifname_problem(sixteen),
			    "is longer than 15 bytes (the kernel's IFNAMSIZ)");
	assert_string_equal(topo_ifname_problem(very_long),
			    "is longer than 15 bytes (the kernel's IFNAMSIZ)");
	assert_string_equal(topo_ifname_problem(""), "is empty");
	/* bytes, not characters: 8 two-byte characters are 16 bytes */
	assert_non_null(topo_ifname_problem("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					    "\xc3\xa9"));
}

static void test_ifname_valid(_unused_ void **state)
{
	static const char *const ok[] = {
		"eth0", "lo", "br0", "veth-a.1", "e", "eth0.100", "wan@x", "a+b", "x..y", "...",
		"UPPER",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (topo_ifname_problem(ok[i]))
			fail_msg("interface name '%s' refused: %s", ok[i],
				 topo_ifname_problem(ok[i]));
}

static void test_ifname_invalid(_unused_ void **state)
{
	static const char *const chars[] = {
		"eth/0", "/", "eth:0", ":", "eth 0", " eth0", "eth0 ", "eth\t0", "eth\n", "eth\x01",
		"\x7f", "eth\xc3\xa9", "\xff", "eth\r",
	};

	assert_string_equal(topo_ifname_problem("."), "may not be '.' or '..'");
	assert_string_equal(topo_ifname_problem(".."), "may not be '.' or '..'");
	for (size_t i = 0; i < ARRAY_SIZE(chars); i++) {
		const char *problem = topo_ifname_problem(chars[i]);

		if (!problem)
			fail_msg("interface name '%s' accepted", chars[i]);
		assert_string_equal(problem,
				    "may not contain '/', ':', white space or non-ASCII bytes");
	}
}

static void test_mac_parse(_unused_ void **state)
{
	uint8_t mac[6];
	const uint8_t want[6] = {0x02, 0x00, 0x5e, 0x10, 0xab, 0xcd};
	const uint8_t upper[6] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

	assert_int_equal(topo_mac_parse("02:00:5e:10:ab:cd", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(topo_mac_parse("AA:BB:CC:DD:EE:FF", mac), 0);
	assert_memory_equal(mac, upper, 6);
	/* the lowest unicast bit pattern that is not all zero */
	assert_int_equal(topo_mac_parse("00:00:00:00:00:01", mac), 0);
	assert_int_equal(mac[5], 1);
}

static void test_mac_refuses_multicast_and_zero(_unused_ void **state)
{
	uint8_t mac[6];

	assert_int_equal(topo_mac_parse("01:00:5e:00:00:01", mac), -EINVAL);
	assert_int_equal(topo_mac_parse("33:33:00:00:00:01", mac), -EINVAL);
	assert_int_equal(topo_mac_parse("ff:ff:ff:ff:ff:ff", mac), -EINVAL);
	assert_int_equal(topo_mac_parse("03:00:00:00:00:00", mac), -EINVAL);
	assert_int_equal(topo_mac_parse("00:00:00:00:00:00", mac), -EINVAL);
}

static void test_mac_refuses_bad_syntax(_unused_ void **state)
{
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:1", "02:00:00:00:00:01:", "02:00:00:00:00:0g",
		"02-00-00-00-00-01", "0200.0000.0001", "02:00:00:00:00:001", "2:0:0:0:0:1",
		" 02:00:00:00:00:1", "02: 0:00:00:00:01", "+2:00:00:00:00:01", "02:00:00:00:00:01 ",
		"02:00:00:00:00:01x", "0x:00:00:00:00:01", "02:00:00:00:00:-1", "020000000001",
		"02:00:00:00:00:01:02",
	};
	uint8_t mac[6];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (topo_mac_parse(bad[i], mac) != -EINVAL)
			fail_msg("MAC \"%s\" accepted", bad[i]);
}

static void test_kind_parse(_unused_ void **state)
{
	assert_int_equal(topo_kind_parse("host"), TOPO_HOST);
	assert_int_equal(topo_kind_parse("router"), TOPO_ROUTER);
	assert_int_equal(topo_kind_parse("switch"), TOPO_SWITCH);
	assert_int_equal(topo_kind_parse("Router"), -EINVAL);
	assert_int_equal(topo_kind_parse("bridge"), -EINVAL);
	assert_int_equal(topo_kind_parse(""), -EINVAL);
	assert_int_equal(topo_kind_parse("host "), -EINVAL);
	assert_int_equal(topo_kind_parse("hos"), -EINVAL);
}

static void test_kind_name(_unused_ void **state)
{
	assert_string_equal(topo_kind_name(TOPO_HOST), "host");
	assert_string_equal(topo_kind_name(TOPO_ROUTER), "router");
	assert_string_equal(topo_kind_name(TOPO_SWITCH), "switch");
	assert_string_equal(topo_kind_name((enum topo_kind)42), "?");
	/* parse and name are inverses */
	for (int k = TOPO_HOST; k <= TOPO_SWITCH; k++)
		assert_int_equal(topo_kind_parse(topo_kind_name(k)), k);
}

static void test_add_find_node(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();

	assert_int_equal(topo_find_node(t, "r1"), -ENOENT);
	assert_int_equal(topo_add_node(t, "r1", TOPO_ROUTER), 0);
	assert_int_equal(topo_add_node(t, "h1", TOPO_HOST), 1);
	assert_int_equal(topo_add_node(t, "sw", TOPO_SWITCH), 2);
	assert_int_equal(topo_add_node(t, "r1", TOPO_HOST), -EEXIST);
	assert_int_equal(t->n_nodes, 3);
	assert_int_equal(topo_find_node(t, "r1"), 0);
	assert_int_equal(topo_find_node(t, "h1"), 1);
	assert_int_equal(topo_find_node(t, "sw"), 2);
	assert_int_equal(topo_find_node(t, "r2"), -ENOENT);
	assert_int_equal(topo_find_node(t, ""), -ENOENT);
	/* the duplicate did not change the first */
	assert_int_equal(t->nodes[0].kind, TOPO_ROUTER);
	assert_string_equal(t->nodes[2].name, "sw");
}

static void test_add_node_copies_name(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();
	char name[] = "node";

	assert_int_equal(topo_add_node(t, name, TOPO_HOST), 0);
	name[0] = 'X';
	assert_string_equal(t->nodes[0].name, "node");
	assert_int_equal(topo_find_node(t, "node"), 0);
	assert_int_equal(topo_find_node(t, "Xode"), -ENOENT);
}

static void test_many_nodes(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();
	const size_t n = 20000;
	char name[32];

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "n%zu", i);
		assert_int_equal(topo_add_node(t, name, i % 3), (ssize_t)i);
	}
	assert_int_equal(t->n_nodes, n);
	/* the index is a power of two and at most half full */
	assert_int_equal(t->index_cap & (t->index_cap - 1), 0);
	assert_true(t->index_cap >= 2 * n);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "n%zu", i);
		if (topo_find_node(t, name) != (ssize_t)i)
			fail_msg("'%s' found at %zd", name, topo_find_node(t, name));
	}
	for (size_t i = 0; i < n; i += 97) {
		snprintf(name, sizeof(name), "n%zu", i);
		assert_int_equal(topo_add_node(t, name, TOPO_HOST), -EEXIST);
		snprintf(name, sizeof(name), "m%zu", i);
		assert_int_equal(topo_find_node(t, name), -ENOENT);
		snprintf(name, sizeof(name), "n%zu", i + n);
		assert_int_equal(topo_find_node(t, name), -ENOENT);
	}
	assert_int_equal(t->n_nodes, n);
	assert_int_equal(t->nodes[n - 1].kind, (n - 1) % 3);
}

static void test_many_nodes_similar_names(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();
	char name[TOPO_NODE_NAME_MAX + 1];
	const size_t n = 3000;

	/* long shared prefixes: only the tail tells them apart */
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%060zu", i);
		assert_int_equal(topo_add_node(t, name, TOPO_HOST), (ssize_t)i);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%060zu", i);
		assert_int_equal(topo_find_node(t, name), (ssize_t)i);
		/* a prefix of a name is not the name */
		name[59] = '\0';
		assert_int_equal(topo_find_node(t, name), -ENOENT);
	}
}

static void test_find_iface(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();
	struct topo_node *n;

	topo_add_node(t, "h", TOPO_HOST);
	n = &t->nodes[0];
	assert_int_equal(topo_find_iface(n, "eth0"), -ENOENT);
	assert_int_equal(topo_add_iface(n, "eth0"), 0);
	assert_int_equal(topo_add_iface(n, "lo"), 1);
	assert_int_equal(topo_find_iface(n, "eth0"), 0);
	assert_int_equal(topo_find_iface(n, "lo"), 1);
	assert_int_equal(topo_find_iface(n, "eth"), -ENOENT);
	/* a new interface is linked nowhere and has nothing set */
	assert_int_equal(n->ifaces[0].link, -1);
	assert_int_equal(n->ifaces[0].n_addrs, 0);
	assert_int_equal(n->ifaces[0].mtu, 0);
	assert_false(n->ifaces[0].has_mac);
}

static void test_add_iface_truncates(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();

	topo_add_node(t, "h", TOPO_HOST);
	topo_add_iface(&t->nodes[0], "abcdefghijklmnopqrstuvwxyz");
	/* never more than IFNAMSIZ - 1 bytes, always terminated */
	assert_string_equal(t->nodes[0].ifaces[0].name, "abcdefghijklmno");
}

static void test_next_ifname(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();
	char buf[TOPO_IFNAMSIZ];
	struct topo_node *n;
	size_t i;

	topo_add_node(t, "h", TOPO_HOST);
	n = &t->nodes[0];
	topo_next_ifname(n, buf);
	assert_string_equal(buf, "eth0");

	/* linked: taken */
	i = topo_add_iface(n, "eth0");
	n->ifaces[i].link = 0;
	topo_next_ifname(n, buf);
	assert_string_equal(buf, "eth1");

	/* named by a link (not attached yet): taken too */
	i = topo_add_iface(n, "eth1");
	n->ifaces[i].named_by_link = true;
	topo_next_ifname(n, buf);
	assert_string_equal(buf, "eth2");

	/* declared with addresses but linked nowhere: free, so a link can use it */
	i = topo_add_iface(n, "eth2");
	n->ifaces[i].declared = true;
	topo_next_ifname(n, buf);
	assert_string_equal(buf, "eth2");
	n->ifaces[i].link = 1;

	/* other names do not matter, gaps are filled */
	topo_add_iface(n, "lo");
	i = topo_add_iface(n, "eth4");
	n->ifaces[i].link = 2;
	topo_next_ifname(n, buf);
	assert_string_equal(buf, "eth3");
	i = topo_add_iface(n, "eth3");
	n->ifaces[i].link = 3;
	topo_next_ifname(n, buf);
	assert_string_equal(buf, "eth5");
}

static void test_next_ifname_many(_unused_ void **state)
{
	_cleanup_(topo_freep) struct topo *t = topo_new();
	char buf[TOPO_IFNAMSIZ], want[TOPO_IFNAMSIZ];
	struct topo_node *n;

	topo_add_node(t, "sw", TOPO_SWITCH);
	n = &t->nodes[0];
	for (int k = 0; k < 300; k++) {
		size_t i;

		topo_next_ifname(n, buf);
		snprintf(want, sizeof(want), "eth%d", k);
		assert_string_equal(buf, want);
		i = topo_add_iface(n, buf);
		n->ifaces[i].link = k;
	}
}

static void test_free_null_and_half_built(_unused_ void **state)
{
	struct topo *t = topo_new();
	struct topo_node *n;

	assert_null(topo_free(NULL));
	topo_add_node(t, "a", TOPO_HOST);
	n = &t->nodes[0];
	topo_add_iface(n, "eth0");
	GROW(n->ifaces[0].addrs, n->ifaces[0].cap_addrs, 1);
	n->ifaces[0].n_addrs = 0; /* allocated, not yet filled */
	assert_null(topo_free(t));
}

static void test_diags(_unused_ void **state)
{
	struct topo_diags d = {0};

	topo_diag_add(&d, TOPO_ERROR, "%s: %s: %d", "t.json", "nodes", 1);
	topo_diag_add(&d, TOPO_WARNING, "w");
	topo_diag_add(&d, TOPO_ERROR, "e");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.n_errors, 2);
	assert_string_equal(d.v[0].text, "t.json: nodes: 1");
	assert_int_equal(d.v[0].severity, TOPO_ERROR);
	assert_int_equal(d.v[1].severity, TOPO_WARNING);
	topo_diags_free(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.n_errors, 0);
	assert_null(d.v);
	/* freeing twice is harmless */
	topo_diags_free(&d);
}

static void test_size_parse(_unused_ void **state)
{
	uint64_t v;

	assert_int_equal(topo_size_parse("1234", &v), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(topo_size_parse("64K", &v), 0);
	assert_int_equal(v, 64 << 10);
	assert_int_equal(topo_size_parse("256M", &v), 0);
	assert_int_equal(v, 256 << 20);
	assert_int_equal(topo_size_parse("1G", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(topo_size_parse("2T", &v), 0);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(topo_size_parse("", &v), -EINVAL);
	assert_int_equal(topo_size_parse("M", &v), -EINVAL);
	assert_int_equal(topo_size_parse("-1", &v), -EINVAL);
	assert_int_equal(topo_size_parse("12X", &v), -EINVAL);
	assert_int_equal(topo_size_parse("99999999999T", &v), -EINVAL);
}

static void test_time_rate_percent(_unused_ void **state)
{
	uint64_t v;
	double d;

	assert_int_equal(topo_time_parse("20ms", &v), 0);
	assert_int_equal(v, 20000000);
	assert_int_equal(topo_time_parse("1.5s", &v), 0);
	assert_int_equal(v, 1500000000);
	assert_int_equal(topo_time_parse("500us", &v), 0);
	assert_int_equal(v, 500000);
	assert_int_equal(topo_time_parse("7", &v), 0);
	assert_int_equal(v, 7000000);
	assert_int_equal(topo_time_parse("5m", &v), -EINVAL);
	assert_int_equal(topo_time_parse("-1ms", &v), -EINVAL);

	assert_int_equal(topo_rate_parse("10mbit", &v), 0);
	assert_int_equal(v, 10000000);
	assert_int_equal(topo_rate_parse("1mbps", &v), 0);
	assert_int_equal(v, 8000000);
	assert_int_equal(topo_rate_parse("10", &v), -EINVAL);
	assert_int_equal(topo_rate_parse("10 mbit", &v), -EINVAL);

	assert_int_equal(topo_percent_parse("0.5%", &d), 0);
	assert_true(d > 0.49 && d < 0.51);
	assert_int_equal(topo_percent_parse("100%", &d), 0);
	assert_int_equal(topo_percent_parse("101%", &d), -EINVAL);
	assert_int_equal(topo_percent_parse("5", &d), -EINVAL);
}

static void test_subst(_unused_ void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"vtysh -b", "vtysh -b"},
		{"/labs/${lab}/${node}.conf", "/labs/ospf/r1.conf"},
		{"${node}${node}", "r1r1"},
		/* other variables are the shell's */
		{"echo ${HOME} $node ${nodes} ${node", "echo ${HOME} $node ${nodes} ${node"},
		/* $${ is a literal ${ */
		{"echo $${node} is ${node}", "echo ${node} is r1"},
		{"$", "$"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *s = topo_subst(cases[i].in, "r1", "ospf");

		assert_string_equal(s, cases[i].out);
	}
}

/* A link end, "node:ifname" or "node", parsed once and carried as such. */
static void test_end(void **state)
{
	struct topo_end e, f;
	char buf[TOPO_END_MAX];

	(void)state;
	assert_int_equal(topo_end_parse("r1:eth0", &e), 0);
	assert_string_equal(e.node, "r1");
	assert_string_equal(e.ifname, "eth0");
	assert_string_equal(topo_end_format(&e, buf), "r1:eth0");
	assert_int_equal(topo_end_parse("r1", &f), 0);
	assert_string_equal(f.ifname, "");
	assert_string_equal(topo_end_format(&f, buf), "r1");
	assert_true(topo_end_matches(&e, &f));  /* "r1": r1's only link */
	assert_true(topo_end_matches(&e, &e));
	assert_int_equal(topo_end_parse("r2:eth0", &f), 0);
	assert_false(topo_end_matches(&e, &f));
	assert_int_equal(topo_end_parse("r1:eth1", &f), 0);
	assert_false(topo_end_matches(&e, &f));
	assert_int_equal(topo_end_parse("", &f), -EINVAL);
	assert_int_equal(topo_end_parse(":eth0", &f), -EINVAL);
	assert_int_equal(topo_end_parse("r1:", &f), -EINVAL);
	assert_int_equal(topo_end_parse("r1:abcdefghijklmnop", &f), -EINVAL); /* 16 > IFNAMSIZ - 1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_name_valid),
		cmocka_unit_test(test_lab_name_invalid),
		cmocka_unit_test(test_node_name_valid),
		cmocka_unit_test(test_node_name_invalid),
		cmocka_unit_test(test_ifname_length),
		cmocka_unit_test(test_ifname_valid),
		cmocka_unit_test(test_ifname_invalid),
		cmocka_unit_test(test_mac_parse),
		cmocka_unit_test(test_mac_refuses_multicast_and_zero),
		cmocka_unit_test(test_mac_refuses_bad_syntax),
		cmocka_unit_test(test_subst),
		cmocka_unit_test(test_kind_parse),
		cmocka_unit_test(test_kind_name),
		cmocka_unit_test(test_add_find_node),
		cmocka_unit_test(test_add_node_copies_name),
		cmocka_unit_test(test_many_nodes),
		cmocka_unit_test(test_many_nodes_similar_names),
		cmocka_unit_test(test_find_iface),
		cmocka_unit_test(test_add_iface_truncates),
		cmocka_unit_test(test_next_ifname),
		cmocka_unit_test(test_next_ifname_many),
		cmocka_unit_test(test_free_null_and_half_built),
		cmocka_unit_test(test_diags),
		cmocka_unit_test(test_size_parse),
		cmocka_unit_test(test_time_rate_percent),
		cmocka_unit_test(test_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
