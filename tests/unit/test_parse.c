/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of topo_parse.h and topo_validate.h: topologies given as JSON
 * text go through topo_parse_string() and topo_validate(), and the
 * diagnostics ("FILE: PATH: what is wrong (expected ...)") are checked word
 * for word. JSON is written with ' for " to stay readable; load() swaps them.
 */
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
#include "topo_parse.h"
#include "topo_validate.h"
#include "util.h"

#define FILE_NAME "t.json"

struct ctx {
	struct topo *t;
	struct topo_diags d;
};

static int setup(void **state)
{
	*state = xcalloc(1, sizeof(struct ctx));
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	topo_free(c->t);
	topo_diags_free(&c->d);
	free(c);
	return 0;
}

/* Parse text as file (already real JSON) and validate what parsed. */
static struct ctx *load_raw_as(void **state, const char *file, const char *text)
{
	struct ctx *c = *state;

	c->t = topo_free(c->t);
	topo_diags_free(&c->d);
	c->t = topo_parse_string(text, strlen(text), file, &c->d);
	if (c->t)
		topo_validate(c->t, &c->d);
	return c;
}

/* The same with ' turned into ". */
static struct ctx *load_as(void **state, const char *file, const char *text)
{
	_cleanup_free_ char *json = xstrdup(text);

	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	return load_raw_as(state, file, json);
}

static struct ctx *load(void **state, const char *text)
{
	return load_as(state, FILE_NAME, text);
}

static void print_diags(const struct topo_diags *d)
{
	print_message("diagnostics (%zu, %zu errors):\n", d->n, d->n_errors);
	for (size_t i = 0; i < d->n; i++)
		print_message("  %s %s\n", d->v[i].severity == TOPO_ERROR ? "error:" : "warning:",
			      d->v[i].text);
}

/* Fail unless d holds exactly text with severity sev. */
static void expect_diag(const struct topo_diags *d, enum topo_severity sev, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].severity == sev && strcmp(d->v[i].text, text) == 0)
			return;
	print_diags(d);
	fail_msg("missing %s: %s", sev == TOPO_ERROR ? "error" : "warning", text);
}

#define expect_error(c, text) expect_diag(&(c)->d, TOPO_ERROR, (text))
#define expect_warning(c, text) expect_diag(&(c)->d, TOPO_WARNING, (text))

/* Fail unless an error starts with prefix and contains part. */
static void expect_error_like(const struct ctx *c, const char *prefix, const char *part)
{
	for (size_t i = 0; i < c->d.n; i++)
		if (c->d.v[i].severity == TOPO_ERROR && str_has_prefix(c->d.v[i].text, prefix) &&
		    strstr(c->d.v[i].text, part))
			return;
	print_diags(&c->d);
	fail_msg("missing an error starting \"%s\" with \"%s\"", prefix, part);
}

/* Fail unless there are exactly n errors and w warnings. */
static void expect_counts(const struct ctx *c, size_t n, size_t w)
{
	if (c->d.n_errors != n || c->d.n - c->d.n_errors != w) {
		print_diags(&c->d);
		fail_msg("expected %zu errors and %zu warnings", n, w);
	}
}

static void expect_clean(const struct ctx *c)
{
	assert_non_null(c->t);
	expect_counts(c, 0, 0);
}

/* The node called name, which must exist. */
static struct topo_node *node(const struct ctx *c, const char *name)
{
	ssize_t i = topo_find_node(c->t, name);

	if (i < 0)
		fail_msg("no node '%s'", name);
	return &c->t->nodes[i];
}

static struct topo_iface *iface(const struct ctx *c, const char *nname, const char *ifname)
{
	struct topo_node *n = node(c, nname);
	ssize_t i = topo_find_iface(n, ifname);

	if (i < 0)
		fail_msg("node '%s' has no interface '%s'", nname, ifname);
	return &n->ifaces[i];
}

static const char *sysctl(const struct topo_node *n, const char *key)
{
	for (size_t i = 0; i < n->n_sysctls; i++)
		if (strcmp(n->sysctls[i].key, key) == 0)
			return n->sysctls[i].value;
	return NULL;
}

/* "node:ifname" of each end of link i. */
static void assert_link(const struct ctx *c, size_t i, const char *a, const char *b)
{
	const struct topo_link *l;
	char buf[2][TOPO_NODE_NAME_MAX + TOPO_IFNAMSIZ + 2];

	assert_true(i < c->t->n_links);
	l = &c->t->links[i];
	for (int s = 0; s < 2; s++) {
		const struct topo_node *n = &c->t->nodes[l->ep[s].node];

		snprintf(buf[s], sizeof(buf[s]), "%s:%s", n->name, n->ifaces[l->ep[s].iface].name);
		/* and the interface points back at its link */
		assert_int_equal(n->ifaces[l->ep[s].iface].link, (ssize_t)i);
		assert_int_equal(n->ifaces[l->ep[s].iface].side, s);
	}
	assert_string_equal(buf[0], a);
	assert_string_equal(buf[1], b);
}

/* --- whole files --- */

static void test_minimal(void **state)
{
	struct ctx *c = load(state, "{'name': 'lab1', 'nodes': {'h1': {}}}");

	expect_clean(c);
	assert_string_equal(c->t->name, "lab1");
	assert_string_equal(c->t->file, FILE_NAME);
	assert_int_equal(c->t->n_nodes, 1);
	assert_int_equal(c->t->n_links, 0);
	assert_string_equal(node(c, "h1")->name, "h1");
	assert_int_equal(node(c, "h1")->kind, TOPO_HOST);
	/* the host name defaults to the node name */
	assert_string_equal(node(c, "h1")->hostname, "h1");
}

/* "cables": false: links are plain veth pairs; a link cannot then start as a pulled cable. */
static void test_cables(void **state)
{
	struct ctx *c = load(state, "{'name': 'x', 'cables': false, 'nodes': {'a': {}, 'b': {}}, "
				    "'links': ['a -- b']}");
	_cleanup_free_ char *dump = NULL;

	expect_clean(c);
	assert_true(c->t->plain_links);
	dump = topo_dump_json(c->t);
	assert_non_null(strstr(dump, "\"cables\": false"));
	free(dump);
	c = load(state, "{'name': 'x', 'cables': true, 'nodes': {'a': {}, 'b': {}}, 'links': ['a -- b']}");
	expect_clean(c);
	assert_false(c->t->plain_links);
	dump = topo_dump_json(c->t);
	assert_null(strstr(dump, "cables"));
	c = load(state, "{'name': 'x', 'cables': 'no', 'nodes': {'a': {}}}");
	expect_error_like(c, "t.json: cables: ", "(expected true or false)");
	c = load(state, "{'name': 'x', 'cables': false, 'nodes': {'a': {}, 'b': {}}, "
			"'links': [{'endpoints': ['a', 'b'], 'state': 'down'}]}");
	expect_error_like(c, "t.json: links[0].state: \"down\" is a pulled cable", "\"cables\": false");
}

/* files: a host path (a writable copy), or {"path": ..., "ro": true} (a read-only bind). */
static void test_files_ro(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'files': {'/etc/x': 'x.conf',"
				    " '/etc/y': {'path': 'y.conf', 'ro': true}}},"
				    " 'b': {'files': {'/etc/z': {'ro': true}, '/etc/w': {'path': 'w', 'rw': 1},"
				    " '/etc/v': {'path': 'v', 'ro': true, 'rw': true}, '/etc/u': {'path': 'u', 'mode': 1}}}}}");

	expect_error(c, "t.json: nodes.b.files./etc/z.path: is missing (expected a host file path)");
	expect_error(c, "t.json: nodes.b.files./etc/w.rw: is an integer (expected true or false)");
	expect_error(c, "t.json: nodes.b.files./etc/v: is both \"ro\" and \"rw\" (expected one: a read-only or a read-write bind)");
	expect_error(c, "t.json: nodes.b.files./etc/u: unknown key 'mode' (expected one of: path, ro, rw)");
	assert_int_equal(node(c, "a")->n_files, 2);
	assert_string_equal(node(c, "a")->files[0].value, "x.conf");
	assert_false(node(c, "a")->files_ro[0]);
	assert_string_equal(node(c, "a")->files[1].value, "y.conf");
	assert_true(node(c, "a")->files_ro[1]);
}

/* A node is a host: its own mounts and processes unless the topology opts out. */
static void test_isolation_defaults(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'h': {}, 'r': 'router',"
				    " 'light': {'isolation': {'mount': false}},"
				    " 'nopid': {'isolation': {'pid': false}},"
				    " 'both': {'isolation': {'mount': false, 'pid': true}}}}");

	expect_clean(c);
	assert_true(node(c, "h")->iso.pid && node(c, "h")->iso.mount);
	assert_true(node(c, "r")->iso.pid && node(c, "r")->iso.mount);
	assert_false(node(c, "h")->iso.ipc || node(c, "h")->iso.cgroup);
	/* "mount": false alone is the light mode: no PID namespace either */
	assert_false(node(c, "light")->iso.pid || node(c, "light")->iso.mount);
	assert_false(node(c, "nopid")->iso.pid);
	assert_true(node(c, "nopid")->iso.mount);
	/* a PID namespace needs its own /proc: pid wins over mount */
	assert_true(node(c, "both")->iso.pid && node(c, "both")->iso.mount);
}

static const char readme_example[] =
	"{\n"
	"  'name': 'demo',\n"
	"  'defaults': { 'sysctls': { 'net.ipv4.conf.all.rp_filter': '0' } },\n"
	"  'nodes': {\n"
	"    'h1': { 'interfaces': { 'eth0': { 'addresses': ['10.1.0.10/24', '2001:db8:1::10/64'] } },\n"
	"            'routes': [ { 'to': 'default', 'via': '10.1.0.1' } ] },\n"
	"    'sw1': { 'kind': 'switch' },\n"
	"    'r1': { 'kind': 'router',\n"
	"            'interfaces': { 'lo': { 'addresses': ['10.255.0.1/32'] },\n"
	"                            'eth0': { 'addresses': ['10.1.0.1/24'], 'mtu': 1500 } } }\n"
	"  },\n"
	"  'links': [\n"
	"    { 'endpoints': ['h1:eth0', 'sw1'] },\n"
	"    'r1:eth0 -- sw1'\n"
	"  ]\n"
	"}\n";

static void test_readme_example(void **state)
{
	struct ctx *c = load(state, readme_example);
	const struct topo_route *r;

	expect_clean(c);
	assert_string_equal(c->t->name, "demo");
	assert_int_equal(c->t->n_nodes, 3);
	assert_int_equal(node(c, "sw1")->kind, TOPO_SWITCH);
	assert_int_equal(node(c, "r1")->kind, TOPO_ROUTER);
	assert_int_equal(iface(c, "r1", "eth0")->mtu, 1500);
	assert_int_equal(iface(c, "r1", "lo")->n_addrs, 1);
	assert_int_equal(iface(c, "r1", "lo")->link, -1);
	assert_int_equal(iface(c, "h1", "eth0")->n_addrs, 2);
	assert_int_equal(iface(c, "h1", "eth0")->addrs[1].addr.family, AF_INET6);
	assert_link(c, 0, "h1:eth0", "sw1:eth0");
	assert_link(c, 1, "r1:eth0", "sw1:eth1");
	assert_true(c->t->links[0].up);
	r = &node(c, "h1")->routes[0];
	assert_true(r->is_default);
	assert_true(r->has_via);
	assert_int_equal(r->to.addr.family, AF_INET);
	/* defaults reach every node */
	assert_string_equal(sysctl(node(c, "sw1"), "net.ipv4.conf.all.rp_filter"), "0");
	assert_string_equal(sysctl(node(c, "r1"), "net.ipv4.conf.all.rp_filter"), "0");
}

static void test_schema_key_allowed(void **state)
{
	struct ctx *c = load(state, "{'$schema': 'https://example.org/netlab.json', 'nodes': {}}");

	expect_clean(c);
}

/* --- JSON itself --- */

static void test_bad_json(void **state)
{
	struct ctx *c = load(state, "{\n  'nodes': {\n    'a': {}\n    'b': {}\n  }\n}");

	assert_null(c->t);
	expect_counts(c, 1, 0);
	assert_true(str_has_prefix(c->d.v[0].text, "t.json:4:7: "));
	assert_true(strstr(c->d.v[0].text, " (expected valid JSON)") != NULL);

	c = load(state, "{'nodes': {,}}");
	assert_null(c->t);
	expect_counts(c, 1, 0);
	assert_true(str_has_prefix(c->d.v[0].text, "t.json:1:12: "));
}

/* Unknown names get the closest existing one, when it is close enough to be a typo. */
static void test_did_you_mean(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'spine1': 'router', 'leaf1': {'kind': 'routr', 'hostnme': 'x'}, 'h': {}}, "
				    "'links': ['spine1 -- laef1', 'spine1 -- core9'], "
				    "'expect': [{'from': 'spine', 'to': 'h', 'reach': true}]}");

	expect_error(c, "t.json: nodes.leaf1.kind: \"routr\" is not a node kind, did you mean 'router'? (expected \"host\", \"router\" or \"switch\")");
	expect_error(c, "t.json: nodes.leaf1: unknown key 'hostnme', did you mean 'hostname'? (expected one of: kind, hostname, interfaces, routes, sysctls, stp, hub, isolation, limits, files, env, startup, routing, shutdown, after, image, shell, labels, startup_on_error, host)");
	expect_error(c, "t.json: links[0]: unknown node 'laef1', did you mean 'leaf1'? (expected one of the names under \"nodes\")");
	/* nothing close: no guess */
	expect_error(c, "t.json: links[1]: unknown node 'core9' (expected one of the names under \"nodes\")");
	expect_error(c, "t.json: expect[0].from: 'spine' is not a node of this lab, did you mean 'spine1'? (expected a node name)");
	expect_counts(c, 5, 0);
}

/* A JSON syntax error shows file:line:column, the line, and a caret under the column. */
static void test_bad_json_excerpt(void **state)
{
	struct ctx *c = load(state, "{\n  'nodes': {\n    'a': {}\n    'b': {}\n  }\n}");

	assert_null(c->t);
	expect_counts(c, 1, 0);
	assert_true(str_has_prefix(c->d.v[0].text, "t.json:4:7: "));
	assert_non_null(strstr(c->d.v[0].text, " (expected valid JSON)\n      \"b\": {}\n        ^"));
	/* the last line of the message is the caret */
	assert_string_equal(strrchr(c->d.v[0].text, '\n'), "\n        ^");
}

static void test_bad_json_truncated_and_empty(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}");

	assert_null(c->t);
	expect_counts(c, 1, 0);
	assert_true(str_has_prefix(c->d.v[0].text, "t.json:1:"));

	c = load(state, "");
	assert_null(c->t);
	expect_counts(c, 1, 0);
	assert_true(str_has_prefix(c->d.v[0].text, "t.json:"));
	assert_true(strstr(c->d.v[0].text, "(expected valid JSON)") != NULL);

	/* a NUL inside a string is refused by the JSON reader */
	c = load_raw_as(state, FILE_NAME, "{\"nodes\": {\"a\\u0000b\": {}}}");
	assert_null(c->t);
	expect_counts(c, 1, 0);
}

static void test_duplicate_keys(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'a': {}}}");

	assert_null(c->t);
	expect_counts(c, 1, 0);
	assert_true(str_has_prefix(c->d.v[0].text, "t.json:1:"));
	assert_true(strstr(c->d.v[0].text, "duplicate object key") != NULL);

	/* at any depth */
	c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'mtu': 1500, 'mtu': 1400}}}}}");
	assert_null(c->t);
	assert_true(strstr(c->d.v[0].text, "duplicate object key") != NULL);
	c = load(state, "{'name': 'x', 'nodes': {}, 'name': 'y'}");
	assert_null(c->t);
	assert_true(strstr(c->d.v[0].text, "duplicate object key") != NULL);
}

static void test_top_level_not_object(void **state)
{
	struct ctx *c = load(state, "[]");

	expect_error(c, "t.json: the top level is an array (expected an object with nodes and links)");
	expect_counts(c, 1, 0);
	/* a bare string or number is not even read as a document */
	c = load(state, "'nodes'");
	assert_null(c->t);
	expect_counts(c, 1, 0);
	assert_true(str_has_prefix(c->d.v[0].text, "t.json:1:"));
	c = load(state, "42");
	assert_null(c->t);
	expect_counts(c, 1, 0);
}

static void test_missing_nodes(void **state)
{
	struct ctx *c = load(state, "{'name': 'x'}");

	expect_error(c, "t.json: nodes: is missing (expected an object of nodes)");
	expect_counts(c, 1, 0);
}

/* --- types --- */

static void test_wrong_types_top_level(void **state)
{
	struct ctx *c = load(state, "{'name': 7, 'nodes': [], 'links': {}, 'defaults': 'router'}");

	expect_error(c, "t.json: name: is an integer (expected a lab name)");
	expect_error(c, "t.json: nodes: is an array (expected an object of nodes)");
	expect_error(c, "t.json: links: is an object (expected an array of links)");
	expect_error(c, "t.json: defaults: is a string (expected an object of node options)");
	expect_counts(c, 4, 0);
}

static void test_wrong_types_node(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': 5, 'b': null, 'c': [], 'd': true, 'e': 1.5}}");

	expect_error(c, "t.json: nodes.a: is an integer (expected an object, or a kind such as \"router\")");
	expect_error(c, "t.json: nodes.b: is null (expected an object, or a kind such as \"router\")");
	expect_error(c, "t.json: nodes.c: is an array (expected an object, or a kind such as \"router\")");
	expect_error(c, "t.json: nodes.d: is a boolean (expected an object, or a kind such as \"router\")");
	expect_error(c, "t.json: nodes.e: is a number (expected an object, or a kind such as \"router\")");
	expect_counts(c, 5, 0);
}

static void test_hub(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'lan': {'kind': 'switch', 'hub': true}, "
				    "'sw': {'kind': 'switch', 'hub': false}, 'sw2': 'switch'}}");

	expect_counts(c, 0, 0);
	assert_true(node(c, "lan")->hub);
	assert_false(node(c, "sw")->hub);
	assert_false(node(c, "sw2")->hub);
}

static void test_wrong_types_node_keys(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'kind': 3, 'hostname': [], 'stp': 'yes', 'hub': 1, "
				    "'interfaces': [], 'routes': {}, 'sysctls': ['net.x']}}}");

	expect_error(c, "t.json: nodes.a.kind: is an integer (expected \"host\", \"router\" or \"switch\")");
	expect_error(c, "t.json: nodes.a.hostname: is an array (expected a host name)");
	expect_error(c, "t.json: nodes.a.stp: is a string (expected true or false)");
	expect_error(c, "t.json: nodes.a.hub: is an integer (expected true or false)");
	expect_error(c, "t.json: nodes.a.interfaces: is an array (expected an object of interface names)");
	expect_error(c, "t.json: nodes.a.routes: is an object (expected an array of routes)");
	expect_error(c, "t.json: nodes.a.sysctls: is an array (expected an object of sysctl names to values)");
	expect_counts(c, 7, 0);
}

static void test_wrong_types_interface(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {"
				    "'eth0': {'addresses': '10.0.0.1/24', 'mtu': '1500', 'mac': 2}, "
				    "'eth1': {'addresses': [10, null], 'mtu': 1500.0}, "
				    "'eth2': 'up'}}}}");

	expect_error(c, "t.json: nodes.a.interfaces.eth0.addresses: is a string (expected an array of CIDR strings)");
	expect_error(c, "t.json: nodes.a.interfaces.eth0.mtu: is a string (expected an integer from 68 to 65535)");
	expect_error(c, "t.json: nodes.a.interfaces.eth0.mac: is an integer (expected a MAC address string)");
	expect_error(c, "t.json: nodes.a.interfaces.eth1.addresses[0]: is an integer (expected a CIDR string)");
	expect_error(c, "t.json: nodes.a.interfaces.eth1.addresses[1]: is null (expected a CIDR string)");
	expect_error(c, "t.json: nodes.a.interfaces.eth1.mtu: is a number (expected an integer from 68 to 65535)");
	expect_error(c, "t.json: nodes.a.interfaces.eth2: is a string (expected an object with addresses, mtu, mac)");
	/* and eth0, eth1 are linked nowhere */
	expect_counts(c, 7, 2);
}

static void test_wrong_types_route(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'routes': ['default', "
				    "{'to': 10, 'via': '10.0.0.1'}, {'to': 'default', 'via': 1}, "
				    "{'to': 'default', 'dev': 5}, {'to': 'default', 'dev': 'lo', 'metric': '1'}]}}}");

	expect_error(c, "t.json: nodes.a.routes[0]: is a string (expected an object with to, via, dev, metric)");
	expect_error(c, "t.json: nodes.a.routes[1].to: is an integer (expected a CIDR string or \"default\")");
	expect_error(c, "t.json: nodes.a.routes[2].via: is an integer (expected an address string)");
	expect_error(c, "t.json: nodes.a.routes[3].dev: is an integer (expected an interface name)");
	expect_error(c, "t.json: nodes.a.routes[4].metric: is a string (expected an integer from 0 to 4294967295)");
	/* none of them is kept */
	assert_int_equal(node(c, "a")->n_routes, 0);
}

static void test_wrong_types_link(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, 'links': [5, "
				    "{'endpoints': 'a -- b'}, {'endpoints': ['a', 3]}, "
				    "{'endpoints': ['a', 'b'], 'mtu': '9000'}, {'endpoints': ['a', 'b'], 'state': false}]}");

	expect_error(c, "t.json: links[0]: is an integer (expected an object with endpoints, or a string \"node:ifname -- node:ifname\")");
	expect_error(c, "t.json: links[1].endpoints: is a string (expected an array of two \"node:ifname\" strings)");
	expect_error(c, "t.json: links[2].endpoints[1]: is an integer (expected a \"node:ifname\" string)");
	expect_error(c, "t.json: links[3].mtu: is a string (expected an integer from 68 to 65535)");
	expect_error(c, "t.json: links[4].state: is a boolean (expected \"up\" or \"down\")");
	expect_counts(c, 5, 0);
	assert_int_equal(c->t->n_links, 0);
}

/* --- keys --- */

static void test_unknown_key_top_level(void **state)
{
	struct ctx *c = load(state, "{'nodes': {}, 'node': {}, 'version': 2}");

	expect_error(c, "t.json: (top level): unknown key 'node', did you mean 'nodes'? (expected one of: name, defaults, nodes, links, addressing, routing, expect, strict, meta, shared, cables, hosts, vxlan)");
	expect_error(c, "t.json: (top level): unknown key 'version' (expected one of: name, defaults, nodes, links, addressing, routing, expect, strict, meta, shared, cables, hosts, vxlan)");
	expect_counts(c, 2, 0);
}

static void test_unknown_key_node(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interface': {}, 'Kind': 'router'}}}");

	expect_error(c, "t.json: nodes.a: unknown key 'interface', did you mean 'interfaces'? (expected one of: kind, hostname, interfaces, routes, sysctls, stp, hub, isolation, limits, files, env, startup, routing, shutdown, after, image, shell, labels, startup_on_error, host)");
	expect_error(c, "t.json: nodes.a: unknown key 'Kind', did you mean 'kind'? (expected one of: kind, hostname, interfaces, routes, sysctls, stp, hub, isolation, limits, files, env, startup, routing, shutdown, after, image, shell, labels, startup_on_error, host)");
	expect_counts(c, 2, 0);
	/* the misspelt kind is not taken */
	assert_int_equal(node(c, "a")->kind, TOPO_HOST);
}

static void test_unknown_key_interface(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'address': ['10.0.0.1/24']}}}, 'b': {}}, "
				    "'links': ['a:eth0 -- b']}");

	expect_error(c, "t.json: nodes.a.interfaces.eth0: unknown key 'address', did you mean 'addresses'? (expected one of: addresses, mtu, mac)");
	expect_counts(c, 1, 0);
}

static void test_unknown_key_route(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'routes': [{'to': 'default', 'gateway': '10.0.0.1', 'dev': 'lo'}]}}}");

	expect_error(c, "t.json: nodes.a.routes[0]: unknown key 'gateway' (expected one of: to, via, dev, metric)");
	expect_counts(c, 1, 0);
	assert_int_equal(node(c, "a")->n_routes, 0);
}

static void test_unknown_key_link(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, 'links': [{'endpoints': ['a', 'b'], 'speed': '1g'}, "
				    "{'endpoint': ['a', 'b']}]}");

	expect_error(c, "t.json: links[0]: unknown key 'speed' (expected one of: endpoints, mtu, state, impair)");
	expect_error(c, "t.json: links[1]: unknown key 'endpoint', did you mean 'endpoints'? (expected one of: endpoints, mtu, state, impair)");
	expect_error(c, "t.json: links[1]: missing 'endpoints' (expected two \"node:ifname\" strings)");
	expect_counts(c, 3, 0);
	/* a link with an unknown key is not made */
	assert_int_equal(c->t->n_links, 0);
}

/*
 * The keys the first version reserved ("not supported yet") are implemented
 * now: they are accepted and reach the model, never reported as unsupported.
 */
static void test_formerly_reserved_node_keys(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'isolation': {'pid': true, 'ipc': true}, "
				    "'limits': {'memory': '64M', 'cpu': 0.5, 'pids': 100}, "
				    "'files': {'/etc/motd': 'motd.txt'}, 'env': {'A': 'b', 'N': 3}, "
				    "'startup': ['sleep 1', 'echo hi']}}}");
	const struct topo_node *n;

	expect_clean(c);
	n = node(c, "a");
	assert_true(n->iso.pid);
	assert_true(n->iso.mount); /* a PID namespace brings its own mounts */
	assert_true(n->iso.ipc);
	assert_true(n->iso.cgroup); /* limits need a cgroup */
	assert_int_equal(n->limits.memory, 64 << 20);
	assert_int_equal(n->limits.pids, 100);
	assert_true(n->limits.cpu > 0.49 && n->limits.cpu < 0.51);
	assert_int_equal(n->n_files, 1);
	assert_string_equal(n->files[0].key, "/etc/motd");
	assert_string_equal(n->files[0].value, "motd.txt");
	assert_int_equal(n->n_env, 2);
	assert_string_equal(n->env[1].key, "N");
	assert_string_equal(n->env[1].value, "3");
	assert_int_equal(n->n_startup, 2);
	assert_string_equal(n->startup[1], "echo hi");
}

static void test_formerly_reserved_top_level_keys(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, "
				    "'links': [{'endpoints': ['a', 'b'], 'impair': {'delay': '20ms', 'loss': '1%'}}], "
				    "'addressing': {'p2p': '10.255.0.0/16', 'ipv6': 'fd00::/48'}, 'routing': 'static', "
				    "'expect': [{'from': 'a', 'to': 'b', 'reach': true}]}");

	/* two hosts: static routing has nothing to do */
	expect_warning(c, "t.json: routing: \"static\" has nothing to route (expected routers between subnets, or hosts behind a router)");
	expect_counts(c, 0, 1);
	assert_true(c->t->pool_p2p.set);
	assert_true(c->t->pool_ipv6.set);
	assert_false(c->t->pool_lan.set);
	assert_int_equal(c->t->routing, TOPO_ROUTING_STATIC);
	assert_int_equal(c->t->n_expects, 1);
	assert_int_equal(c->t->expects[0].kind, TOPO_EXPECT_REACH);
	assert_true(c->t->expects[0].reach);
	assert_true(c->t->links[0].impair[0].set);
	assert_true(c->t->links[0].impair[1].set);
	assert_int_equal(c->t->links[0].impair[0].delay_ns, 20000000);
	for (size_t i = 0; i < c->d.n; i++)
		assert_null(strstr(c->d.v[i].text, "not supported"));
}

static void test_errors_in_new_keys(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'isolation': {'pid': 'yes'}, 'limits': {'memory': '1M'}, "
				    "'files': {'/proc/x': 'x'}, 'env': {'1A': 'b'}, 'startup': ['']}, 'b': {}}, "
				    "'links': [{'endpoints': ['a', 'b'], 'impair': {'jitter': '5ms'}}], "
				    "'addressing': {'p2p': '10.0.0.0/8', 'lan': '10.1.0.0/16'}, 'routing': 'ospf', "
				    "'expect': [{'from': 'a', 'to': 'zz', 'reach': true}]}");

	expect_error(c, "t.json: nodes.a.isolation.pid: is a string (expected true or false)");
	expect_error(c, "t.json: nodes.a.limits.memory: \"1M\" is not a memory size of at least 4M (expected a number with K, M, G or T, such as \"256M\")");
	expect_error(c, "t.json: nodes.a.files./proc/x: '/proc/x' is not a usable path in the node (expected an absolute path without '..', outside /proc, /sys and /dev)");
	expect_error(c, "t.json: nodes.a.env.1A: '1A' is not a variable name (expected letters, digits and '_')");
	expect_error(c, "t.json: nodes.a.startup[0]: is empty (expected a command)");
	expect_error(c, "t.json: links[0].impair: has jitter without delay (expected a delay too)");
	expect_error(c, "t.json: addressing: pools 'p2p' and 'lan' overlap (expected separate prefixes)");
	expect_error(c, "t.json: routing: \"ospf\" is not a routing mode (expected \"static\" or \"none\")");
	expect_error(c, "t.json: expect[0].to: 'zz' is not a node of this lab nor an IP address (expected a node name or an address)");
	expect_counts(c, 9, 0);
}

static void test_impair_loss_message(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, "
				    "'links': [{'endpoints': ['a', 'b'], 'impair': {'loss': '200%'}}]}");

	/* a literal percent sign, as the other messages print it */
	expect_error(c, "t.json: links[0].impair.loss: \"200%\" is not a percentage (expected 0% to 100%, such as \"1%\")");
	expect_counts(c, 1, 0);
}

static void test_large_lab(void **state)
{
	struct ctx *c;
	const size_t n = 2000;
	size_t cap = 64 * n, len = 0;
	_cleanup_free_ char *json = xmalloc(cap);

	len += snprintf(json + len, cap - len, "{\"name\": \"big\", \"nodes\": {");
	for (size_t i = 0; i < n; i++)
		len += snprintf(json + len, cap - len, "%s\"r%zu\": \"router\"", i ? ", " : "", i);
	len += snprintf(json + len, cap - len, "}, \"links\": [");
	for (size_t i = 0; i + 1 < n; i++)
		len += snprintf(json + len, cap - len, "%s\"r%zu -- r%zu\"", i ? ", " : "", i, i + 1);
	len += snprintf(json + len, cap - len, "]}");
	assert_true(len < cap);

	c = load_raw_as(state, FILE_NAME, json);
	expect_clean(c);
	assert_int_equal(c->t->n_nodes, n);
	assert_int_equal(c->t->n_links, n - 1);
	assert_int_equal(topo_find_node(c->t, "r1999"), 1999);
	assert_int_equal(node(c, "r0")->n_ifaces, 1);
	assert_int_equal(node(c, "r1000")->n_ifaces, 2);
	assert_link(c, 999, "r999:eth1", "r1000:eth0");
}

static void test_impair_per_end(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, "
				    "'links': [{'endpoints': ['a', 'b'], 'impair': {'a': {'delay': '10ms', 'jitter': '1ms'}, "
				    "'b:eth0': {'loss': '1%', 'rate': '10mbit'}}}, "
				    "{'endpoints': ['a', 'b'], 'impair': {'a': {'delay': '1ms'}, 'zz': {'delay': '1ms'}}}, "
				    "{'endpoints': ['a', 'b'], 'impair': {'delay': 5, 'speed': '1'}}]}");
	const struct topo_link *l;

	expect_error(c, "t.json: links[1].impair.zz: 'zz' is not an endpoint of this link (expected \"node:ifname\" of one of its ends)");
	expect_error(c, "t.json: links[2].impair: unknown key 'speed' (expected one of: delay, jitter, loss, rate)");
	expect_error(c, "t.json: links[2].impair.delay: is an integer (expected a time such as \"20ms\")");
	expect_counts(c, 3, 0);
	l = &c->t->links[0];
	/* what leaves a, and what leaves b */
	assert_true(l->impair[0].set);
	assert_int_equal(l->impair[0].delay_ns, 10000000);
	assert_int_equal(l->impair[0].jitter_ns, 1000000);
	assert_true(l->impair[1].set);
	assert_int_equal(l->impair[1].delay_ns, 0);
	assert_int_equal(l->impair[1].rate_bps, 10000000);
	assert_true(l->impair[1].loss > 0.99 && l->impair[1].loss < 1.01);
}

/* --- links and endpoints --- */

static void test_unknown_node_in_endpoint(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}}, 'links': [{'endpoints': ['a:eth0', 'r9:eth0']}]}");

	expect_error(c, "t.json: links[0].endpoints[1]: unknown node 'r9' (expected one of the names under \"nodes\")");
	expect_counts(c, 1, 0);
	assert_int_equal(c->t->n_links, 0);
	/* nothing was attached to a */
	assert_int_equal(topo_find_iface(node(c, "a"), "eth0"), -ENOENT);
}

static void test_unknown_node_in_string_link(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}}, 'links': ['a:eth0 -- r9:eth0']}");

	/* a string link has no elements: the path is the link itself */
	expect_error_like(c, "t.json: links[0]: ", "unknown node 'r9'");
	expect_counts(c, 1, 0);
}

static void test_interface_in_two_links(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}, 'c': {}}, "
				    "'links': [{'endpoints': ['a:eth0', 'b:eth0']}, {'endpoints': ['a:eth0', 'c:eth0']}]}");

	expect_error(c, "t.json: links[1].endpoints[0]: interface 'a:eth0' is already used by links[0] (expected each interface in one link)");
	expect_counts(c, 1, 0);
	/* the first link keeps the interface */
	assert_int_equal(iface(c, "a", "eth0")->link, 0);
}

static void test_interface_in_two_links_second_end(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}, 'c': {}}, "
				    "'links': [{'endpoints': ['a:eth0', 'b:eth0']}, {'endpoints': ['c:eth0', 'b:eth0']}]}");

	expect_error(c, "t.json: links[1].endpoints[1]: interface 'b:eth0' is already used by links[0] (expected each interface in one link)");
	expect_counts(c, 1, 0);
}

static void test_link_to_itself(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, "
				    "'links': [{'endpoints': ['a:eth0', 'a:eth1']}, 'b -- b']}");

	expect_error(c, "t.json: links[0]: links node 'a' to itself (expected two different nodes)");
	expect_error(c, "t.json: links[1]: links node 'b' to itself (expected two different nodes)");
	expect_counts(c, 2, 0);
	assert_int_equal(c->t->n_links, 0);
}

static void test_endpoint_count(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}, 'c': {}}, "
				    "'links': [{'endpoints': ['a', 'b', 'c']}, {'endpoints': ['a']}, {'endpoints': []}]}");

	expect_error(c, "t.json: links[0].endpoints: has 3 endpoints (expected exactly two \"node:ifname\" strings)");
	expect_error(c, "t.json: links[1].endpoints: has 1 endpoints (expected exactly two \"node:ifname\" strings)");
	expect_error(c, "t.json: links[2].endpoints: has 0 endpoints (expected exactly two \"node:ifname\" strings)");
	expect_counts(c, 3, 0);
}

static void test_endpoint_syntax(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, "
				    "'links': [{'endpoints': ['a:', 'b']}, {'endpoints': ['a:x:y', 'b']}, "
				    "{'endpoints': ['a:lo', 'b']}, {'endpoints': ['a:eth/0', 'b']}]}");

	expect_error(c, "t.json: links[0].endpoints[0]: \"a:\" has an empty interface name (expected \"node:ifname\" or \"node\")");
	expect_error(c, "t.json: links[1].endpoints[0]: \"a:x:y\" has more than one ':' (expected \"node:ifname\")");
	expect_error(c, "t.json: links[2].endpoints[0]: 'lo' cannot be linked (expected another interface name)");
	expect_error(c, "t.json: links[3].endpoints[0]: interface name 'eth/0' may not contain '/', ':', white space or non-ASCII bytes");
	expect_counts(c, 4, 0);
}

static void test_switch_bridge_not_linkable(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'sw': 'switch', 'h': {}}, 'links': [{'endpoints': ['h', 'sw:br0']}]}");

	expect_error(c, "t.json: links[0].endpoints[1]: 'br0' is the bridge of switch 'sw' (expected a port name, or none)");
	expect_counts(c, 1, 0);
}

static void test_link_state(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}, 'c': {}}, 'links': ["
				    "{'endpoints': ['a', 'b'], 'state': 'down'}, "
				    "{'endpoints': ['a', 'c'], 'state': 'up'}, 'b -- c']}");

	expect_clean(c);
	assert_int_equal(c->t->n_links, 3);
	assert_false(c->t->links[0].up);
	assert_true(c->t->links[1].up);
	assert_true(c->t->links[2].up);

	c = load(state, "{'nodes': {'a': {}, 'b': {}}, 'links': [{'endpoints': ['a', 'b'], 'state': 'off'}]}");
	expect_error(c, "t.json: links[0].state: \"off\" is not a link state (expected \"up\" or \"down\")");
	expect_counts(c, 1, 0);
}

/* --- interfaces and addresses --- */

static void test_addresses_linked_nowhere(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {"
				    "'lo': {'addresses': ['10.255.0.1/32', '2001:db8:ff::1/128']}, "
				    "'eth0': {'addresses': ['10.0.0.1/24']}, "
				    "'eth1': {'addresses': ['10.0.1.1/24']}}}, 'b': {}}, "
				    "'links': ['a:eth0 -- b']}");

	expect_error(c, "t.json: nodes.a.interfaces.eth1: has addresses but is linked nowhere (expected a link with endpoint \"a:eth1\")");
	/* lo needs no link */
	expect_counts(c, 1, 0);
}

static void test_declared_unlinked_without_addresses(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth3': {'mtu': 9000}, 'lo': {}}}}}");

	expect_warning(c, "t.json: nodes.a.interfaces.eth3: is linked nowhere and will not be created");
	expect_counts(c, 0, 1);
}

static void test_invalid_cidr_path(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'r1': {'interfaces': {'eth0': {'addresses': "
				    "['10.0.0.1/24', '10.0.0.300/24', '1.2.3.4/33', '10.0.0.2', 'fe80::1/129', 'x']}}}, "
				    "'r2': {}}, 'links': ['r1:eth0 -- r2']}");

	expect_error(c, "t.json: nodes.r1.interfaces.eth0.addresses[1]: \"10.0.0.300/24\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)");
	expect_error(c, "t.json: nodes.r1.interfaces.eth0.addresses[2]: \"1.2.3.4/33\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)");
	expect_error(c, "t.json: nodes.r1.interfaces.eth0.addresses[3]: \"10.0.0.2\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)");
	expect_error(c, "t.json: nodes.r1.interfaces.eth0.addresses[4]: \"fe80::1/129\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)");
	expect_error(c, "t.json: nodes.r1.interfaces.eth0.addresses[5]: \"x\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)");
	expect_counts(c, 5, 0);
	/* the good one is kept */
	assert_int_equal(iface(c, "r1", "eth0")->n_addrs, 1);
}

static void test_same_address_twice(void **state)
{
	struct ctx *c = load(state, "{'nodes': {"
				    "'a': {'interfaces': {'eth0': {'addresses': ['10.0.0.1/24', '2001:db8::1/64']}}}, "
				    "'b': {'interfaces': {'eth0': {'addresses': ['10.0.0.1/24', '2001:db8::2/64']}}}}, "
				    "'links': ['a:eth0 -- b:eth0']}");

	expect_error(c, "t.json: nodes.b.interfaces.eth0.addresses[0]: 10.0.0.1 is already used by nodes.a.interfaces.eth0 (expected each address once in the lab)");
	expect_counts(c, 1, 0);
}

static void test_same_address_other_length_and_family(void **state)
{
	struct ctx *c = load(state, "{'nodes': {"
				    "'a': {'interfaces': {'eth0': {'addresses': ['10.0.0.1/24', '10.0.0.1/16']}, "
				    "'lo': {'addresses': ['2001:db8::1/128']}}}, "
				    "'b': {'interfaces': {'eth0': {'addresses': ['2001:db8::1/64', '::ffff:10.0.0.1/120']}}}}, "
				    "'links': ['a:eth0 -- b:eth0']}");

	/* the address counts, not its length; an IPv4-mapped IPv6 address is another address */
	expect_error(c, "t.json: nodes.a.interfaces.eth0.addresses[1]: 10.0.0.1 is already used by nodes.a.interfaces.eth0 (expected each address once in the lab)");
	expect_error(c, "t.json: nodes.b.interfaces.eth0.addresses[0]: 2001:db8::1 is already used by nodes.a.interfaces.lo (expected each address once in the lab)");
	expect_counts(c, 2, 0);
}

static void test_network_or_broadcast_address(void **state)
{
	struct ctx *c = load(state, "{'nodes': {"
				    "'a': {'interfaces': {'eth0': {'addresses': ['10.0.0.0/24', '10.0.1.0/31']}}}, "
				    "'b': {'interfaces': {'eth0': {'addresses': ['10.0.0.255/24', '10.0.1.1/31']}}}}, "
				    "'links': ['a:eth0 -- b:eth0']}");

	expect_error(c, "t.json: nodes.a.interfaces.eth0.addresses[0]: \"10.0.0.0/24\" is the network or broadcast address of its subnet (expected a host address)");
	expect_error(c, "t.json: nodes.b.interfaces.eth0.addresses[0]: \"10.0.0.255/24\" is the network or broadcast address of its subnet (expected a host address)");
	/* /31 has neither */
	expect_counts(c, 2, 0);
}

static void test_mtu_range(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'mtu': 67}, 'eth1': {'mtu': 65536}, "
				    "'eth2': {'mtu': 68}, 'eth3': {'mtu': 65535}, 'eth4': {'mtu': -1}}}, 'b': {}}, "
				    "'links': ['a:eth0 -- b', 'a:eth1 -- b', 'a:eth2 -- b', 'a:eth3 -- b', 'a:eth4 -- b', "
				    "{'endpoints': ['a:eth5', 'b'], 'mtu': 0}, {'endpoints': ['a:eth6', 'b'], 'mtu': 100000}, "
				    "{'endpoints': ['a:eth7', 'b'], 'mtu': 9000}]}");

	expect_error(c, "t.json: nodes.a.interfaces.eth0.mtu: 67 is out of range (expected 68 to 65535)");
	expect_error(c, "t.json: nodes.a.interfaces.eth1.mtu: 65536 is out of range (expected 68 to 65535)");
	expect_error(c, "t.json: nodes.a.interfaces.eth4.mtu: -1 is out of range (expected 68 to 65535)");
	expect_error(c, "t.json: links[5].mtu: 0 is out of range (expected 68 to 65535)");
	expect_error(c, "t.json: links[6].mtu: 100000 is out of range (expected 68 to 65535)");
	expect_counts(c, 5, 0);
	assert_int_equal(iface(c, "a", "eth2")->mtu, 68);
	assert_int_equal(iface(c, "a", "eth3")->mtu, 65535);
	assert_int_equal(c->t->links[c->t->n_links - 1].mtu, 9000);
}

static void test_mac(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'mac': '02:00:00:00:00:0a'}, "
				    "'eth1': {'mac': '01:00:5e:00:00:01'}, 'eth2': {'mac': '00:00:00:00:00:00'}, "
				    "'eth3': {'mac': '02-00-00-00-00-01'}}}, 'b': {}}, "
				    "'links': ['a:eth0 -- b', 'a:eth1 -- b', 'a:eth2 -- b', 'a:eth3 -- b']}");

	expect_error(c, "t.json: nodes.a.interfaces.eth1.mac: \"01:00:5e:00:00:01\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)");
	expect_error(c, "t.json: nodes.a.interfaces.eth2.mac: \"00:00:00:00:00:00\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)");
	expect_error(c, "t.json: nodes.a.interfaces.eth3.mac: \"02-00-00-00-00-01\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)");
	expect_counts(c, 3, 0);
	assert_true(iface(c, "a", "eth0")->has_mac);
	assert_int_equal(iface(c, "a", "eth0")->mac[5], 0x0a);
	assert_false(iface(c, "a", "eth1")->has_mac);
}

static void test_lo_only_addresses(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'lo': {'mtu': 1500, 'addresses': ['10.9.9.9/32']}}}}}");

	expect_error(c, "t.json: nodes.a.interfaces.lo: only addresses can be set on lo (expected no mtu or mac)");
	expect_counts(c, 1, 0);
}

static void test_switch_port_with_addresses(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'sw': {'kind': 'switch', 'interfaces': {"
				    "'eth0': {'addresses': ['10.0.0.1/24']}, 'br0': {'addresses': ['10.0.0.2/24']}}}, "
				    "'h': {'interfaces': {'eth0': {'addresses': ['10.0.0.3/24']}}}}, "
				    "'links': ['h:eth0 -- sw:eth0']}");

	expect_error(c, "t.json: nodes.sw.interfaces.eth0.addresses: a switch port cannot carry addresses (expected them on the bridge, 'br0')");
	/* the bridge may carry addresses without a link */
	expect_counts(c, 1, 0);
}

static void test_switch_generated_port_with_addresses(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'sw': {'kind': 'switch', 'interfaces': {"
				    "'eth0': {'addresses': ['10.0.0.1/24']}}}, 'h': {}}, 'links': ['h -- sw']}");

	/* the generated port takes the declared eth0, addresses and all */
	expect_error(c, "t.json: nodes.sw.interfaces.eth0.addresses: a switch port cannot carry addresses (expected them on the bridge, 'br0')");
	expect_counts(c, 1, 0);
}

/* --- names --- */

static void test_node_names(void **state)
{
	char json[512];
	char long_name[TOPO_NODE_NAME_MAX + 2];
	_cleanup_free_ char *want = NULL;
	struct ctx *c;

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	snprintf(json, sizeof(json), "{'nodes': {'%s': {}, 'a/b': {}, 'a b': {}, '..': {}, "
		 "'r\\u00e9': {}, 'x\\u0001': {}, '': {}, '%.64s': {}}}", long_name, long_name);
	c = load(state, json);
	want = xasprintf("t.json: nodes: node name '%s' is longer than 64 characters", long_name);
	expect_error(c, want);
	expect_error(c, "t.json: nodes: node name 'a/b' may only contain letters, digits, '-', '_' and '.'");
	expect_error(c, "t.json: nodes: node name 'a b' may only contain letters, digits, '-', '_' and '.'");
	expect_error(c, "t.json: nodes: node name '..' may not be '.' or '..'");
	expect_error(c, "t.json: nodes: node name 'r\xc3\xa9' may only contain letters, digits, '-', '_' and '.'");
	expect_error(c, "t.json: nodes: node name 'x\x01' may only contain letters, digits, '-', '_' and '.'");
	expect_error(c, "t.json: nodes: node name '' is empty");
	expect_counts(c, 7, 0);
	/* only the 64-character one is a node */
	assert_int_equal(c->t->n_nodes, 1);
	assert_int_equal(strlen(c->t->nodes[0].name), 64);
}

static void test_interface_names(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'abcdefghijklmnop': {}, 'abcdefghijklmno': {}, "
				    "'eth:0': {}, 'eth 0': {}, '..': {}, 'eth\\u00e9': {}, 'eth\\t': {}}}, 'b': {}}, "
				    "'links': ['a:abcdefghijklmno -- b:ponmlkjihgfedcba']}");

	expect_error(c, "t.json: nodes.a.interfaces.abcdefghijklmnop: interface name 'abcdefghijklmnop' is longer than 15 bytes (the kernel's IFNAMSIZ)");
	expect_error(c, "t.json: nodes.a.interfaces.eth:0: interface name 'eth:0' may not contain '/', ':', white space or non-ASCII bytes");
	expect_error(c, "t.json: nodes.a.interfaces.eth 0: interface name 'eth 0' may not contain '/', ':', white space or non-ASCII bytes");
	expect_error(c, "t.json: nodes.a.interfaces...: interface name '..' may not be '.' or '..'");
	expect_error(c, "t.json: nodes.a.interfaces.eth\xc3\xa9: interface name 'eth\xc3\xa9' may not contain '/', ':', white space or non-ASCII bytes");
	expect_error(c, "t.json: nodes.a.interfaces.eth\t: interface name 'eth\t' may not contain '/', ':', white space or non-ASCII bytes");
	expect_error_like(c, "t.json: links[0]", "interface name 'ponmlkjihgfedcba' is longer than 15 bytes (the kernel's IFNAMSIZ)");
	/* the link failed, so the one valid interface is linked nowhere */
	expect_warning(c, "t.json: nodes.a.interfaces.abcdefghijklmno: is linked nowhere and will not be created");
	expect_counts(c, 7, 1);
}

static void test_lab_name(void **state)
{
	struct ctx *c = load(state, "{'name': 'my lab', 'nodes': {}}");

	expect_error(c, "t.json: name: \"my lab\" may only contain letters, digits, '-' and '_'");
	expect_counts(c, 1, 0);
	c = load(state, "{'name': 'abcdefghijklmnopqrstuvwxyz0123456', 'nodes': {}}");
	expect_error(c, "t.json: name: \"abcdefghijklmnopqrstuvwxyz0123456\" is longer than 32 characters");
	c = load(state, "{'name': '', 'nodes': {}}");
	expect_error(c, "t.json: name: \"\" is empty");
	c = load(state, "{'name': '../etc', 'nodes': {}}");
	expect_error(c, "t.json: name: \"../etc\" may only contain letters, digits, '-' and '_'");
	c = load(state, "{'name': 'abcdefghijklmnopqrstuvwxyz012345', 'nodes': {}}");
	expect_clean(c);
}

static void test_lab_name_from_file(void **state)
{
	struct ctx *c = load_as(state, "labs/my-lab.json", "{'nodes': {}}");

	expect_clean(c);
	assert_string_equal(c->t->name, "my-lab");
	c = load_as(state, "/srv/x.d/core_1.topo", "{'nodes': {}}");
	expect_clean(c);
	assert_string_equal(c->t->name, "core_1");
	c = load_as(state, "lab", "{'nodes': {}}");
	expect_clean(c);
	assert_string_equal(c->t->name, "lab");
	/* the "name" key wins over the file name */
	c = load_as(state, "labs/my-lab.json", "{'name': 'other', 'nodes': {}}");
	expect_clean(c);
	assert_string_equal(c->t->name, "other");
}

static void test_lab_name_from_bad_file_name(void **state)
{
	struct ctx *c = load_as(state, "dir/my lab.json", "{'nodes': {}}");

	expect_error(c, "dir/my lab.json: name: the lab name taken from the file name, \"my lab\", may only contain letters, digits, '-' and '_' (expected a \"name\" key)");
	expect_counts(c, 1, 0);
	c = load_as(state, "a.b.json", "{'nodes': {}}");
	expect_error(c, "a.b.json: name: the lab name taken from the file name, \"a.b\", may only contain letters, digits, '-' and '_' (expected a \"name\" key)");
	c = load_as(state, "abcdefghijklmnopqrstuvwxyz0123456.json", "{'nodes': {}}");
	expect_error(c, "abcdefghijklmnopqrstuvwxyz0123456.json: name: the lab name taken from the file name, \"abcdefghijklmnopqrstuvwxyz0123456\", is longer than 32 characters (expected a \"name\" key)");
}

static void test_hostname(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'hostname': 'web-1.example'}, 'b': {'hostname': '-x'}, "
				    "'c': {'hostname': 'a b'}, 'd': {'hostname': ''}}}");

	expect_error(c, "t.json: nodes.b.hostname: \"-x\" may not start with '-' or '.'");
	expect_error(c, "t.json: nodes.c.hostname: \"a b\" may only contain letters, digits, '-', '_' and '.'");
	expect_error(c, "t.json: nodes.d.hostname: \"\" must be 1 to 64 characters");
	expect_counts(c, 3, 0);
	assert_string_equal(node(c, "a")->hostname, "web-1.example");
}

/* --- routes --- */

static void test_route_host_bits(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'routes': [{'to': '10.1.0.1/24', 'dev': 'lo'}, "
				    "{'to': '2001:db8::1/64', 'dev': 'lo'}, {'to': '10.2.0.0/24', 'dev': 'lo'}]}}}");

	expect_error(c, "t.json: nodes.a.routes[0].to: \"10.1.0.1/24\" has host bits set (expected the network 10.1.0.0/24)");
	expect_error(c, "t.json: nodes.a.routes[1].to: \"2001:db8::1/64\" has host bits set (expected the network 2001:db8::/64)");
	expect_counts(c, 2, 0);
	assert_int_equal(node(c, "a")->n_routes, 1);
}

static void test_route_family_mismatch(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/24', '2001:db8::2/64']}}, "
				    "'routes': [{'to': '10.1.0.0/16', 'via': '2001:db8::1'}, {'to': '2001:db8:1::/48', 'via': '10.0.0.1'}]}, "
				    "'b': {}}, 'links': ['a:eth0 -- b']}");

	expect_error(c, "t.json: nodes.a.routes[0].via: gateway family differs from the destination's (expected an IPv4 address)");
	expect_error(c, "t.json: nodes.a.routes[1].via: gateway family differs from the destination's (expected an IPv6 address)");
	expect_counts(c, 2, 0);
	assert_int_equal(node(c, "a")->n_routes, 0);
}

static void test_route_default_family(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/24', '2001:db8::2/64']}}, "
				    "'routes': [{'to': 'default', 'via': '2001:db8::1'}, {'to': 'default', 'via': '10.0.0.1', 'metric': 7}, "
				    "{'to': '::/0', 'dev': 'eth0', 'metric': 5}]}, 'b': {}}, 'links': ['a:eth0 -- b']}");
	const struct topo_node *n;

	expect_clean(c);
	n = node(c, "a");
	assert_int_equal(n->n_routes, 3);
	/* "default" takes the gateway's family */
	assert_true(n->routes[0].is_default);
	assert_int_equal(n->routes[0].to.addr.family, AF_INET6);
	assert_int_equal(n->routes[1].to.addr.family, AF_INET);
	assert_int_equal(n->routes[1].metric, 7);
	assert_true(n->routes[2].is_default);
	assert_false(n->routes[2].has_via);
	assert_string_equal(n->routes[2].dev, "eth0");
}

static void test_route_required_parts(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'routes': [{'via': '10.0.0.1'}, {'to': '10.1.0.0/16'}, "
				    "{'to': '10.2.0.0/16', 'via': 'gw'}, {'to': '2001:db8::/32', 'via': 'fe80::1'}, "
				    "{'to': '10.3.0.0/16', 'dev': 'lo', 'metric': -1}, {'to': '10.4.0.0/33', 'dev': 'lo'}]}}}");

	expect_error(c, "t.json: nodes.a.routes[0]: missing 'to' (expected a CIDR or \"default\")");
	expect_error(c, "t.json: nodes.a.routes[1]: needs 'via' or 'dev' (expected a gateway address or an interface)");
	expect_error(c, "t.json: nodes.a.routes[2].via: \"gw\" is not an IP address (expected a.b.c.d or x:y::z)");
	expect_error(c, "t.json: nodes.a.routes[3]: a link-local gateway needs 'dev' (expected the interface it is on)");
	expect_error(c, "t.json: nodes.a.routes[4].metric: -1 is out of range (expected 0 to 4294967295)");
	expect_error(c, "t.json: nodes.a.routes[5].to: \"10.4.0.0/33\" is not a CIDR (expected a.b.c.d/len, x:y::z/len or \"default\")");
	expect_counts(c, 6, 0);
}

static void test_route_unknown_dev(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'routes': [{'to': '10.1.0.0/16', 'dev': 'eth9'}, "
				    "{'to': '10.2.0.0/16', 'dev': 'lo'}]}, "
				    "'sw': {'kind': 'switch', 'routes': [{'to': '10.3.0.0/16', 'dev': 'br0'}]}}}");

	expect_error(c, "t.json: nodes.a.routes[0].dev: node 'a' has no interface 'eth9' (expected one of its interfaces)");
	/* lo always exists, and br0 on a switch */
	expect_counts(c, 1, 0);
}

/* "via" as an array: one multipath route; each gateway is checked */
static void test_route_multipath(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'r': {'interfaces': {'eth0': {'addresses': ['10.0.1.1/24']}, 'eth1': {'addresses': ['10.0.2.1/24']}}, "
				    "'routes': [{'to': '10.9.0.0/24', 'via': ['10.0.1.2', '10.0.2.2']}]}, 'a': {}, 'b': {}}, "
				    "'links': ['r:eth0 -- a', 'r:eth1 -- b']}");
	const struct topo_route *r;
	char buf[ADDR_STRLEN];

	expect_clean(c);
	r = &node(c, "r")->routes[0];
	assert_true(r->has_via);
	assert_string_equal(addr_format(&r->via, buf), "10.0.1.2");
	assert_int_equal(r->n_extra_via, 1);
	assert_string_equal(addr_format(&r->extra_via[0], buf), "10.0.2.2");

	c = load(state, "{'nodes': {'r': {'interfaces': {'eth0': {'addresses': ['10.0.1.1/24']}}, "
			"'routes': [{'to': '10.9.0.0/24', 'via': ['10.0.1.2', 'x', '10.0.1.2', 'fd00::1']}, "
			"{'to': '10.8.0.0/24', 'via': []}, {'to': '10.7.0.0/24', 'via': ['10.0.1.2', '10.5.0.1']}]}, 'a': {}}, "
			"'links': ['r:eth0 -- a']}");
	expect_error(c, "t.json: nodes.r.routes[0].via[1]: \"x\" is not an IP address (expected a.b.c.d or x:y::z)");
	expect_error(c, "t.json: nodes.r.routes[0].via[2]: repeats gateway 10.0.1.2 (expected each gateway once)");
	expect_error(c, "t.json: nodes.r.routes[1].via: has 0 gateways (expected 1 to 64)");
	expect_error(c, "t.json: nodes.r.routes[2].via[1]: gateway 10.5.0.1 is in no subnet of node 'r' (expected an address on a subnet of its interfaces)");
	expect_counts(c, 4, 0);
}

/* The two ends of a link in different subnets: a warning naming both ends, per family. */
static void test_link_ends_in_different_subnets(void **state)
{
	struct ctx *c = load(state, "{'nodes': {"
				    "'a': {'interfaces': {'eth0': {'addresses': ['10.0.1.1/24', 'fd00:1::1/64']}, 'eth1': {'addresses': ['10.0.3.1/30']}}}, "
				    "'b': {'interfaces': {'eth0': {'addresses': ['10.0.2.1/24', 'fd00:1::2/64']}, 'eth1': {'addresses': ['10.0.3.2/24']}}}, "
				    "'c': {'interfaces': {'eth0': {'addresses': ['fe80::1/64']}}}, 'd': {}}, "
				    "'links': ['a:eth0 -- b:eth0', 'a:eth1 -- b:eth1', 'c:eth0 -- d']}");

	expect_warning(c, "t.json: links[0]: its ends a:eth0 (10.0.1.1/24) and b:eth0 (10.0.2.1/24) are in different subnets (expected both on one subnet, or they cannot talk)");
	/* IPv6 agrees on links[0]; a /30 inside the other end's /24 talks; an end without addresses says nothing */
	expect_counts(c, 0, 1);
}

/* routing: "static" on a lab where it adds nothing */
static void test_routing_static_with_nothing_to_route(void **state)
{
	struct ctx *c = load(state, "{'routing': 'static', 'nodes': {'a': {'interfaces': {'eth0': {'addresses': ['10.0.1.1/24']}}}, "
				    "'b': {'interfaces': {'eth0': {'addresses': ['10.0.1.2/24']}}}}, 'links': ['a:eth0 -- b:eth0']}");

	expect_warning(c, "t.json: routing: \"static\" has nothing to route (expected routers between subnets, or hosts behind a router)");
	expect_counts(c, 0, 1);
	/* routing: "none" says nothing */
	c = load(state, "{'routing': 'none', 'nodes': {'a': {}}}");
	expect_clean(c);
}

static void test_route_duplicate(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'routes': [{'to': 'default', 'dev': 'lo'}, "
				    "{'to': '0.0.0.0/0', 'dev': 'lo'}, {'to': '10.0.0.0/8', 'dev': 'lo'}, "
				    "{'to': '10.0.0.0/8', 'dev': 'lo', 'metric': 10}, {'to': '10.0.0.0/8', 'dev': 'lo', 'metric': 10}]}}}");

	expect_error(c, "t.json: nodes.a.routes[1].to: default is already routed by routes[0] with the same metric (expected one route per destination and metric)");
	expect_error(c, "t.json: nodes.a.routes[4].to: 10.0.0.0/8 is already routed by routes[3] with the same metric (expected one route per destination and metric)");
	expect_counts(c, 2, 0);
}

static void test_gateway_unreachable_is_error(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'h1': {'interfaces': {'eth0': {'addresses': ['10.1.0.10/24']}}, "
				    "'routes': [{'to': 'default', 'via': '10.9.0.1'}, {'to': '10.2.0.0/16', 'via': '10.1.0.1'}]}, "
				    "'h2': {}}, 'links': ['h1:eth0 -- h2']}");

	/* an error at validate: the kernel would refuse the route halfway through up */
	expect_error(c, "t.json: nodes.h1.routes[0].via: gateway 10.9.0.1 is in no subnet of node 'h1' (expected an address on a subnet of its interfaces)");
	/* the reachable gateway says nothing */
	expect_counts(c, 1, 0);
	assert_int_equal(node(c, "h1")->n_routes, 2);
}

static void test_gateway_reachable_cases(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'r': {'interfaces': {"
				    "'eth0': {'addresses': ['10.1.0.1/24']}, 'eth1': {'addresses': ['2001:db8:1::1/64']}}, "
				    "'routes': [{'to': '10.2.0.0/16', 'via': '10.1.0.254', 'dev': 'eth0'}, "
				    "{'to': '10.3.0.0/16', 'via': '10.1.0.254', 'dev': 'eth1'}, "
				    "{'to': '2001:db8:2::/48', 'via': 'fe80::2', 'dev': 'eth1'}, "
				    "{'to': '2001:db8:3::/48', 'via': '2001:db8:1::ffff'}]}, "
				    "'x': {}, 'y': {}}, 'links': ['r:eth0 -- x', 'r:eth1 -- y']}");

	/* with dev, the gateway must be on that interface; link-local is always fine */
	expect_error(c, "t.json: nodes.r.routes[1].via: gateway 10.1.0.254 is in no subnet of node 'r' (expected an address on a subnet of that interface)");
	expect_counts(c, 1, 0);
}

/* --- sysctls --- */

static void test_sysctls(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'sysctls': {'net.ipv4.ip_forward': 1, "
				    "'net.ipv6.conf.all.forwarding': true, 'net/ipv4/conf/all/rp_filter': '2', "
				    "'net.core.somaxconn': false}}}}");
	const struct topo_node *n;

	expect_clean(c);
	n = node(c, "a");
	assert_int_equal(n->n_sysctls, 4);
	assert_string_equal(sysctl(n, "net.ipv4.ip_forward"), "1");
	assert_string_equal(sysctl(n, "net.ipv6.conf.all.forwarding"), "1");
	assert_string_equal(sysctl(n, "net/ipv4/conf/all/rp_filter"), "2");
	assert_string_equal(sysctl(n, "net.core.somaxconn"), "0");
}

static void test_sysctls_outside_net(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'sysctls': {'kernel.hostname': 'x', 'vm.swappiness': 1, "
				    "'net': '1', 'net.': '1', 'net/../kernel/x': '1', 'net.ipv4..x': '1', 'netx.y': '1', "
				    "'net.ipv4.a b': '1', 'net.ipv4.ok': [1], 'net.ipv4.nl': 'a\\nb'}}}}");
	static const char *const refused[] = {"kernel.hostname", "vm.swappiness", "net", "net.",
					      "net/../kernel/x", "net.ipv4..x", "netx.y",
					      "net.ipv4.a b"};

	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		_cleanup_free_ char *want = xasprintf(
			"t.json: nodes.a.sysctls.%s: '%s' is not a network sysctl (expected a name under net., such as net.ipv4.ip_forward)",
			refused[i], refused[i]);

		expect_error(c, want);
	}
	expect_error(c, "t.json: nodes.a.sysctls.net.ipv4.ok: is an array (expected a string, integer or boolean)");
	expect_error(c, "t.json: nodes.a.sysctls.net.ipv4.nl: value contains a newline (expected one line)");
	expect_counts(c, ARRAY_SIZE(refused) + 2, 0);
	assert_int_equal(node(c, "a")->n_sysctls, 0);
}

/* --- defaults --- */

static void test_defaults_merge(void **state)
{
	struct ctx *c = load(state, "{'defaults': {'kind': 'router', 'hostname': 'box', "
				    "'sysctls': {'net.a': '1', 'net.b': '2'}}, "
				    "'nodes': {'r1': {}, 'h1': {'kind': 'host', 'sysctls': {'net.b': '3', 'net.c': '4'}}, "
				    "'h2': 'host', 's1': {'kind': 'switch', 'hostname': 'sw'}}}");
	const struct topo_node *n;

	expect_clean(c);
	assert_int_equal(node(c, "r1")->kind, TOPO_ROUTER);
	assert_string_equal(node(c, "r1")->hostname, "box");
	/* the node's own keys win */
	n = node(c, "h1");
	assert_int_equal(n->kind, TOPO_HOST);
	assert_int_equal(node(c, "h2")->kind, TOPO_HOST);
	assert_int_equal(node(c, "s1")->kind, TOPO_SWITCH);
	assert_string_equal(node(c, "s1")->hostname, "sw");
	/* objects merge key by key */
	assert_int_equal(n->n_sysctls, 3);
	assert_string_equal(sysctl(n, "net.a"), "1");
	assert_string_equal(sysctl(n, "net.b"), "3");
	assert_string_equal(sysctl(n, "net.c"), "4");
	assert_int_equal(node(c, "r1")->n_sysctls, 2);
	assert_string_equal(sysctl(node(c, "r1"), "net.b"), "2");
}

static void test_defaults_errors_once(void **state)
{
	struct ctx *c = load(state, "{'defaults': {'color': 'red', 'sysctls': {'kernel.x': '1'}, 'stp': 1}, "
				    "'nodes': {'a': {}, 'b': {}, 'c': 'router', 'd': {}}}");

	expect_error(c, "t.json: defaults: unknown key 'color' (expected one of: kind, hostname, interfaces, routes, sysctls, stp, hub, isolation, limits, files, env, startup, routing, shutdown, after, image, shell, labels, startup_on_error, host)");
	expect_error(c, "t.json: defaults.sysctls.kernel.x: 'kernel.x' is not a network sysctl (expected a name under net., such as net.ipv4.ip_forward)");
	expect_error(c, "t.json: defaults.stp: is an integer (expected true or false)");
	/* once, under "defaults", not once per node */
	expect_counts(c, 3, 0);
	for (size_t i = 0; i < c->d.n; i++)
		assert_true(str_has_prefix(c->d.v[i].text, "t.json: defaults"));
	assert_int_equal(c->t->n_nodes, 4);
}

static void test_defaults_bad_kind(void **state)
{
	struct ctx *c = load(state, "{'defaults': {'kind': 'hub'}, 'nodes': {'a': {}, 'b': {}}}");

	expect_error(c, "t.json: defaults.kind: \"hub\" is not a node kind (expected \"host\", \"router\" or \"switch\")");
	expect_counts(c, 1, 0);
}

static void test_defaults_interfaces_merge_per_name(void **state)
{
	struct ctx *c = load(state, "{'defaults': {'interfaces': {'eth0': {'mtu': 9000}}}, "
				    "'nodes': {'a': {}, 'b': {'interfaces': {'eth1': {'mtu': 1400}}}}, "
				    "'links': ['a:eth0 -- b:eth0', 'a:eth1 -- b:eth1']}");

	expect_clean(c);
	assert_int_equal(iface(c, "a", "eth0")->mtu, 9000);
	assert_int_equal(iface(c, "b", "eth0")->mtu, 9000);
	assert_int_equal(iface(c, "b", "eth1")->mtu, 1400);
	assert_int_equal(iface(c, "a", "eth1")->mtu, 0);
}

/* --- compact syntax --- */

static void test_compact_node(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'r1': 'router', 'sw': 'switch', 'h': 'host', 'x': 'hub'}}");

	expect_error(c, "t.json: nodes.x.kind: \"hub\" is not a node kind (expected \"host\", \"router\" or \"switch\")");
	expect_counts(c, 1, 0);
	assert_int_equal(node(c, "r1")->kind, TOPO_ROUTER);
	assert_int_equal(node(c, "sw")->kind, TOPO_SWITCH);
	assert_int_equal(node(c, "h")->kind, TOPO_HOST);
	assert_string_equal(node(c, "r1")->hostname, "r1");
}

static void test_compact_link(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'r1': 'router', 'r2': 'router', 'r3': 'router'}, "
				    "'links': ['r1:eth0 -- r2:eth0', 'r2:eth1--r3:eth7', '  r3:eth0   --  r1:eth1']}");

	expect_clean(c);
	assert_int_equal(c->t->n_links, 3);
	assert_link(c, 0, "r1:eth0", "r2:eth0");
	assert_link(c, 1, "r2:eth1", "r3:eth7");
	assert_link(c, 2, "r3:eth0", "r1:eth1");
	assert_true(c->t->links[0].up);
	assert_int_equal(c->t->links[0].mtu, 0);
}

static void test_compact_link_trailing_space(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}}, 'links': ['a:eth0 -- b:eth0 ']}");

	/* white space around the string is ignored at its end as it is at its start */
	expect_clean(c);
	assert_link(c, 0, "a:eth0", "b:eth0");
}

static void test_compact_link_malformed(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}, 'c': {}}, "
				    "'links': ['a:eth0 - b:eth0', 'a -- b -- c', '--', 'a --', 'a b -- c', '']}");

	expect_error(c, "t.json: links[0]: \"a:eth0 - b:eth0\" is not a link (expected \"node:ifname -- node:ifname\")");
	expect_error(c, "t.json: links[1]: \"a -- b -- c\" is not a link (expected \"node:ifname -- node:ifname\")");
	expect_error(c, "t.json: links[2]: \"--\" is not a link (expected \"node:ifname -- node:ifname\")");
	expect_error(c, "t.json: links[3]: \"a --\" is not a link (expected \"node:ifname -- node:ifname\")");
	expect_error(c, "t.json: links[4]: \"a b -- c\" is not a link (expected \"node:ifname -- node:ifname\")");
	expect_error(c, "t.json: links[5]: \"\" is not a link (expected \"node:ifname -- node:ifname\")");
	expect_counts(c, 6, 0);
	assert_int_equal(c->t->n_links, 0);
}

static void test_generated_ifnames(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'sw': 'switch', 'h1': {}, 'h2': {}, 'h3': {}}, "
				    "'links': [{'endpoints': ['h1', 'sw']}, 'h2 -- sw', 'sw -- h3', 'h1 -- h2']}");

	expect_clean(c);
	assert_link(c, 0, "h1:eth0", "sw:eth0");
	assert_link(c, 1, "h2:eth0", "sw:eth1");
	assert_link(c, 2, "sw:eth2", "h3:eth0");
	assert_link(c, 3, "h1:eth1", "h2:eth1");
	assert_true(iface(c, "sw", "eth2")->generated_name);
	assert_true(iface(c, "h1", "eth1")->generated_name);
}

static void test_generated_ifnames_avoid_explicit(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {}, 'b': {}, 'c': {}, 'd': {}}, "
				    "'links': ['a -- b', 'a -- c', 'a:eth0 -- d:eth1', 'a:eth2 -- d']}");

	/* names written in any link are never generated, even for an earlier link */
	expect_clean(c);
	assert_link(c, 0, "a:eth1", "b:eth0");
	assert_link(c, 1, "a:eth3", "c:eth0");
	assert_link(c, 2, "a:eth0", "d:eth1");
	assert_link(c, 3, "a:eth2", "d:eth0");
	assert_false(iface(c, "a", "eth0")->generated_name);
	assert_true(iface(c, "a", "eth1")->generated_name);
	for (size_t i = 0; i < c->t->n_nodes; i++) {
		const struct topo_node *n = &c->t->nodes[i];

		for (size_t x = 0; x < n->n_ifaces; x++)
			for (size_t y = x + 1; y < n->n_ifaces; y++)
				assert_string_not_equal(n->ifaces[x].name, n->ifaces[y].name);
	}
}

static void test_generated_ifname_reuses_declared(void **state)
{
	struct ctx *c = load(state, "{'nodes': {"
				    "'r1': {'kind': 'router', 'interfaces': {'eth0': {'addresses': ['10.0.0.1/30']}, "
				    "'eth1': {'addresses': ['10.0.1.1/30']}}}, "
				    "'r2': {'kind': 'router', 'interfaces': {'eth0': {'addresses': ['10.0.0.2/30']}}}, "
				    "'r3': {'kind': 'router', 'interfaces': {'eth0': {'addresses': ['10.0.1.2/30']}}}}, "
				    "'links': ['r1 -- r2', 'r1 -- r3']}");

	/* declared interfaces waiting for a link are taken in order */
	expect_clean(c);
	assert_link(c, 0, "r1:eth0", "r2:eth0");
	assert_link(c, 1, "r1:eth1", "r3:eth0");
	assert_int_equal(node(c, "r1")->n_ifaces, 2);
}

/* --- everything at once --- */

static void test_all_errors_in_one_run(void **state)
{
	struct ctx *c = load(state, "{\n"
				    "  'nodes': {\n"
				    "    'r1': { 'kind': 'router', 'colour': 'blue',\n"
				    "            'interfaces': { 'eth0': { 'addresses': ['10.0.0.1/24', '10.0.0.300/24'], 'mtu': 50 } } },\n"
				    "    'r2': { 'interfaces': { 'eth0': { 'addresses': ['10.0.0.1/24'] } },\n"
				    "            'routes': [ { 'to': 'default', 'via': '10.7.0.1' }, { 'to': '10.5.0.1/16', 'via': '10.0.0.2' } ] },\n"
				    "    'bad/name': {}\n"
				    "  },\n"
				    "  'links': [ 'r1:eth0 -- r2:eth0', 'r1 -- r9', 'r2 -- r2' ],\n"
				    "  'impairments': {}\n"
				    "}\n");

	expect_error(c, "t.json: (top level): unknown key 'impairments' (expected one of: name, defaults, nodes, links, addressing, routing, expect, strict, meta, shared, cables, hosts, vxlan)");
	expect_error(c, "t.json: nodes.r1: unknown key 'colour' (expected one of: kind, hostname, interfaces, routes, sysctls, stp, hub, isolation, limits, files, env, startup, routing, shutdown, after, image, shell, labels, startup_on_error, host)");
	expect_error(c, "t.json: nodes.r1.interfaces.eth0.addresses[1]: \"10.0.0.300/24\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)");
	expect_error(c, "t.json: nodes.r1.interfaces.eth0.mtu: 50 is out of range (expected 68 to 65535)");
	expect_error(c, "t.json: nodes.r2.routes[1].to: \"10.5.0.1/16\" has host bits set (expected the network 10.5.0.0/16)");
	expect_error(c, "t.json: nodes: node name 'bad/name' may only contain letters, digits, '-', '_' and '.'");
	expect_error_like(c, "t.json: links[1]", "unknown node 'r9'");
	expect_error(c, "t.json: links[2]: links node 'r2' to itself (expected two different nodes)");
	expect_error(c, "t.json: nodes.r2.interfaces.eth0.addresses[0]: 10.0.0.1 is already used by nodes.r1.interfaces.eth0 (expected each address once in the lab)");
	expect_error(c, "t.json: nodes.r2.routes[0].via: gateway 10.7.0.1 is in no subnet of node 'r2' (expected an address on a subnet of its interfaces)");
	expect_counts(c, 10, 0);
}

static void test_every_diag_names_file(void **state)
{
	struct ctx *c = load_as(state, "dir/lab.json",
				"{'x': 1, 'nodes': {'a': {'interfaces': {'eth0': {'addresses': ['1.2.3.4/33']}}, "
				"'routes': [{'to': '1.0.0.0/8', 'via': '9.9.9.9'}]}, 'b': 5}, 'links': ['a -- zz']}");

	assert_true(c->d.n >= 5);
	for (size_t i = 0; i < c->d.n; i++) {
		const char *s = c->d.v[i].text;

		/* "FILE: PATH: what is wrong (...)" */
		if (!str_has_prefix(s, "dir/lab.json: ") || !strchr(s + strlen("dir/lab.json: "), ':'))
			fail_msg("diagnostic without file and path: %s", s);
	}
}

/*
 * The validator names elements by their place in the file: an element the
 * parser refused earlier in the same array does not shift the others.
 */
static void test_validate_address_paths_after_parse_error(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'addresses': "
				    "['x', '10.0.0.0/24', '10.0.0.1/24', '10.0.0.1/24']}}}, 'b': {}}, "
				    "'links': ['a:eth0 -- b']}");

	expect_error(c, "t.json: nodes.a.interfaces.eth0.addresses[0]: \"x\" is not a CIDR (expected a.b.c.d/len or x:y::z/len)");
	expect_error(c, "t.json: nodes.a.interfaces.eth0.addresses[1]: \"10.0.0.0/24\" is the network or broadcast address of its subnet (expected a host address)");
	expect_error(c, "t.json: nodes.a.interfaces.eth0.addresses[3]: 10.0.0.1 is already used by nodes.a.interfaces.eth0 (expected each address once in the lab)");
	expect_counts(c, 3, 0);
}

static void test_validate_route_paths_after_parse_error(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'a': {'interfaces': {'eth0': {'addresses': ['10.0.0.2/24']}}, "
				    "'routes': [{'to': '10.1.0.0/16', 'via': 'gw'}, {'to': '10.2.0.0/16', 'dev': 'eth7'}, "
				    "{'to': '10.3.0.0/16', 'via': '10.9.0.1'}, {'to': '10.2.0.0/16', 'dev': 'lo'}]}, "
				    "'b': {}}, 'links': ['a:eth0 -- b']}");

	expect_error(c, "t.json: nodes.a.routes[0].via: \"gw\" is not an IP address (expected a.b.c.d or x:y::z)");
	expect_error(c, "t.json: nodes.a.routes[1].dev: node 'a' has no interface 'eth7', did you mean 'eth0'? (expected one of its interfaces)");
	expect_error(c, "t.json: nodes.a.routes[2].via: gateway 10.9.0.1 is in no subnet of node 'a' (expected an address on a subnet of its interfaces)");
	expect_error(c, "t.json: nodes.a.routes[3].to: 10.2.0.0/16 is already routed by routes[1] with the same metric (expected one route per destination and metric)");
	expect_counts(c, 4, 0);
}

static void test_validate_returns_error_count(void **state)
{
	struct ctx *c = *state;
	const char *json = "{\"nodes\": {\"a\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/24\"]}, "
			   "\"eth1\": {\"addresses\": [\"10.0.0.1/24\"]}}, "
			   "\"routes\": [{\"to\": \"default\", \"via\": \"10.9.9.9\"}]}}}";

	c->t = topo_parse_string(json, strlen(json), FILE_NAME, &c->d);
	assert_non_null(c->t);
	expect_counts(c, 0, 0);
	/* two unlinked interfaces with addresses, one address twice, a gateway in no subnet: 4 errors */
	assert_int_equal(topo_validate(c->t, &c->d), 4);
	expect_counts(c, 4, 0);
}

static void test_parse_uses_length(void **state)
{
	struct ctx *c = *state;
	const char *text = "{\"nodes\": {\"a\": {}}} trailing garbage";

	/* only len bytes are read */
	c->t = topo_parse_string(text, strlen("{\"nodes\": {\"a\": {}}}"), FILE_NAME, &c->d);
	assert_non_null(c->t);
	expect_clean(c);
	assert_int_equal(c->t->n_nodes, 1);
}

/*
 * A link whose interface is already taken is reported and, like every other
 * refused link, leaves nothing half made: no link in the model points at an
 * interface that is not its own. (Its impairment used to be resolved against
 * the unset endpoint, node 0's interface 0, which node 0 does not have.)
 * Last in the list: the sanitizer build stops the whole binary on that bug.
 */
static void test_link_with_used_interface_not_half_made(void **state)
{
	struct ctx *c = load(state, "{'nodes': {'x': {}, 'a': {}, 'b': {}, 'c': {}}, "
				    "'links': ['a:eth0 -- b', {'endpoints': ['a:eth0', 'c'], "
				    "'impair': {'c': {'delay': '1ms'}}}]}");

	expect_error(c, "t.json: links[1].endpoints[0]: interface 'a:eth0' is already used by links[0] (expected each interface in one link)");
	expect_counts(c, 1, 0);
	for (size_t i = 0; i < c->t->n_links; i++)
		for (int s = 0; s < 2; s++) {
			const struct topo_endpoint *e = &c->t->links[i].ep[s];
			const struct topo_node *n;

			assert_true(e->node < c->t->n_nodes);
			n = &c->t->nodes[e->node];
			if (e->iface >= n->n_ifaces || n->ifaces[e->iface].link != (ssize_t)i)
				fail_msg("links[%zu] end %d is not attached", i, s);
		}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static void test_defaults_per_kind(void **state)
{
	struct ctx *c = load(state, "{'name': 'ospf', 'defaults': {'sysctls': {'net.a': '1', 'net.b': '1'}, "
				    "'router': {'sysctls': {'net.b': '2'}, 'startup': ['frr -c /etc/${lab}/${node}.conf'], "
				    "'env': {'ME': '${node}@${lab}'}}, "
				    "'host': {'startup': ['echo ${node}']}}, "
				    "'nodes': {'r1': 'router', 'r2': {'kind': 'router', 'startup': ['own']}, "
				    "'h1': {}, 's1': 'switch'}}");
	const struct topo_node *r1, *r2, *h1, *s1;

	expect_clean(c);
	r1 = node(c, "r1");
	r2 = node(c, "r2");
	h1 = node(c, "h1");
	s1 = node(c, "s1");
	/* the kind's section wins over the common defaults, objects key by key */
	assert_string_equal(sysctl(r1, "net.a"), "1");
	assert_string_equal(sysctl(r1, "net.b"), "2");
	assert_string_equal(sysctl(h1, "net.b"), "1");
	assert_string_equal(sysctl(s1, "net.b"), "1");
	/* names substituted per node */
	assert_int_equal(r1->n_startup, 1);
	assert_string_equal(r1->startup[0], "frr -c /etc/ospf/r1.conf");
	assert_string_equal(r1->env[0].value, "r1@ospf");
	/* the node's own keys win over its kind's */
	assert_int_equal(r2->n_startup, 1);
	assert_string_equal(r2->startup[0], "own");
	assert_string_equal(r2->env[0].value, "r2@ospf");
	assert_int_equal(h1->n_startup, 1);
	assert_string_equal(h1->startup[0], "echo h1");
	assert_int_equal(s1->n_startup, 0);
}

static void test_defaults_per_kind_errors(void **state)
{
	struct ctx *c = load(state, "{'defaults': {'router': {'kind': 'host'}, 'host': {'stp': 1}, 'switch': 3}, "
				    "'nodes': {'r1': 'router', 'h1': {}, 'h2': {}}}");

	expect_error(c, "t.json: defaults.router: has a \"kind\" (expected the options of a router; the section names the kind)");
	expect_error(c, "t.json: defaults.host.stp: is an integer (expected true or false)");
	expect_error(c, "t.json: defaults.switch: is an integer (expected an object of node options)");
	/* once, not once per node */
	expect_counts(c, 3, 0);
}

static void test_subst_files_and_name(void **state)
{
	struct ctx *c = *state;
	const char *text = "{\"name\": \"a\", \"defaults\": {\"router\": {\"files\": "
			   "{\"/etc/frr/frr.conf\": \"${lab}/${node}.conf\"}, \"startup\": [\"echo ${lab}\"]}}, "
			   "\"nodes\": {\"r1\": \"router\"}}";
	struct topo_load_opts o = {.name = "b"};

	c->t = topo_parse_string_opts(text, strlen(text), FILE_NAME, &o, &c->d);
	expect_clean(c);
	/* --name: ${lab} is the lab's name as run, not the file's */
	assert_string_equal(c->t->name, "b");
	assert_string_equal(node(c, "r1")->startup[0], "echo b");
	assert_string_equal(node(c, "r1")->files[0].key, "/etc/frr/frr.conf");
	assert_string_equal(node(c, "r1")->files[0].value, "b/r1.conf");
}

static void test_routing_per_kind(void **state)
{
	struct ctx *c = load(state, "{'routing': {'host': 'static', 'router': 'none'}, "
				    "'nodes': {'r1': {'kind': 'router', 'routing': 'static'}, 'r2': 'router', 'h1': {}}}");

	assert_int_equal(c->t->routing, TOPO_ROUTING_STATIC);
	assert_int_equal(node(c, "h1")->routing, TOPO_ROUTING_STATIC);
	assert_int_equal(node(c, "r2")->routing, TOPO_ROUTING_NONE);
	/* the node's own key wins */
	assert_int_equal(node(c, "r1")->routing, TOPO_ROUTING_STATIC);

	c = load(state, "{'routing': {'host': 'static', 'switch': 'none', 'router': 'ospf'}, 'nodes': {'r': {'routing': 1}}}");
	expect_error(c, "t.json: routing: unknown key 'switch' (expected one of: host, router)");
	expect_error(c, "t.json: routing.router: \"ospf\" is not a routing mode (expected \"static\" or \"none\")");
	expect_error(c, "t.json: nodes.r.routing: is an integer (expected \"static\" or \"none\")");

	c = load(state, "{'routing': 'static', 'nodes': {'r': 'router', 'h': {}}}");
	assert_int_equal(node(c, "r")->routing, TOPO_ROUTING_STATIC);
	assert_int_equal(node(c, "h")->routing, TOPO_ROUTING_STATIC);
	c = load(state, "{'nodes': {'r': 'router'}}");
	assert_int_equal(c->t->routing, TOPO_ROUTING_NONE);
	assert_int_equal(node(c, "r")->routing, TOPO_ROUTING_NONE);
}

static void test_after_shutdown_meta_shared(void **state)
{
	struct ctx *c = load(state, "{'name': 'k', 'meta': {'description': 'a lab', 'author': 'me'}, 'shared': '/tmp/k-shared',"
				    " 'nodes': {'a': {'after': ['b'], 'shutdown': ['echo bye ${node}'], 'image': 'kathara/frr',"
				    " 'shell': '/bin/bash'}, 'b': {}, 's': 'switch'}}");
	const struct topo_node *a;

	expect_clean(c);
	assert_int_equal(c->t->n_meta, 2);
	assert_string_equal(c->t->meta[0].key, "description");
	assert_string_equal(c->t->shared, "/tmp/k-shared");
	a = node(c, "a");
	assert_int_equal(a->n_after, 1);
	assert_string_equal(a->after[0], "b");
	assert_int_equal(a->n_shutdown, 1);
	assert_string_equal(a->shutdown[0], "echo bye a");
	assert_string_equal(a->image, "kathara/frr");
	assert_string_equal(a->shell, "/bin/bash");
	/* shared: a read-write bind at /shared in every node but switches */
	assert_int_equal(a->n_files, 1);
	assert_string_equal(a->files[0].key, "/shared");
	assert_true(a->files_rw[0]);
	assert_true(a->iso.mount);
	assert_int_equal(node(c, "b")->n_files, 1);
	assert_int_equal(node(c, "s")->n_files, 0);

	c = load(state, "{'nodes': {'a': {'after': ['b']}, 'b': {'after': ['c']}, 'c': {'after': ['a']},"
			" 'd': {'after': ['d', 'bb']}, 'e': {'shell': 'bash', 'after': [1]}}, 'meta': {'x': 1}}");
	expect_error(c, "t.json: nodes.c.after: a dependency cycle: a -> b -> c -> a (expected startups that can be ordered)");
	expect_error(c, "t.json: nodes.d.after[0]: a node cannot start after itself (expected another node)");
	expect_error(c, "t.json: nodes.d.after[1]: unknown node 'bb', did you mean 'b'? (expected a node of the lab)");
	expect_error(c, "t.json: nodes.e.shell: 'bash' is not an absolute path (expected a shell such as /bin/bash)");
	expect_error(c, "t.json: nodes.e.after[0]: is an integer (expected a string)");
	expect_error(c, "t.json: meta.x: is an integer (expected a string)");
	expect_counts(c, 6, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_minimal),
		T(test_cables),
		T(test_isolation_defaults),
		T(test_files_ro),
		T(test_readme_example),
		T(test_schema_key_allowed),
		T(test_bad_json),
		T(test_bad_json_excerpt),
		T(test_bad_json_truncated_and_empty),
		T(test_did_you_mean),
		T(test_duplicate_keys),
		T(test_top_level_not_object),
		T(test_missing_nodes),
		T(test_wrong_types_top_level),
		T(test_wrong_types_node),
		T(test_wrong_types_node_keys),
		T(test_hub),
		T(test_wrong_types_interface),
		T(test_wrong_types_route),
		T(test_wrong_types_link),
		T(test_unknown_key_top_level),
		T(test_unknown_key_node),
		T(test_unknown_key_interface),
		T(test_unknown_key_route),
		T(test_unknown_key_link),
		T(test_formerly_reserved_node_keys),
		T(test_formerly_reserved_top_level_keys),
		T(test_errors_in_new_keys),
		T(test_impair_loss_message),
		T(test_unknown_node_in_endpoint),
		T(test_unknown_node_in_string_link),
		T(test_interface_in_two_links),
		T(test_interface_in_two_links_second_end),
		T(test_link_to_itself),
		T(test_endpoint_count),
		T(test_endpoint_syntax),
		T(test_switch_bridge_not_linkable),
		T(test_link_state),
		T(test_addresses_linked_nowhere),
		T(test_declared_unlinked_without_addresses),
		T(test_invalid_cidr_path),
		T(test_same_address_twice),
		T(test_same_address_other_length_and_family),
		T(test_network_or_broadcast_address),
		T(test_mtu_range),
		T(test_mac),
		T(test_lo_only_addresses),
		T(test_switch_port_with_addresses),
		T(test_switch_generated_port_with_addresses),
		T(test_node_names),
		T(test_interface_names),
		T(test_lab_name),
		T(test_lab_name_from_file),
		T(test_lab_name_from_bad_file_name),
		T(test_hostname),
		T(test_route_host_bits),
		T(test_route_family_mismatch),
		T(test_route_default_family),
		T(test_route_required_parts),
		T(test_route_unknown_dev),
		T(test_route_duplicate),
		T(test_link_ends_in_different_subnets),
		T(test_routing_static_with_nothing_to_route),
		T(test_route_multipath),
		T(test_gateway_unreachable_is_error),
		T(test_gateway_reachable_cases),
		T(test_sysctls),
		T(test_sysctls_outside_net),
		T(test_defaults_merge),
		T(test_defaults_errors_once),
		T(test_defaults_bad_kind),
		T(test_defaults_interfaces_merge_per_name),
		T(test_defaults_per_kind),
		T(test_defaults_per_kind_errors),
		T(test_subst_files_and_name),
		T(test_routing_per_kind),
		T(test_after_shutdown_meta_shared),
		T(test_compact_node),
		T(test_compact_link),
		T(test_compact_link_trailing_space),
		T(test_compact_link_malformed),
		T(test_generated_ifnames),
		T(test_generated_ifnames_avoid_explicit),
		T(test_generated_ifname_reuses_declared),
		T(test_all_errors_in_one_run),
		T(test_every_diag_names_file),
		T(test_validate_address_paths_after_parse_error),
		T(test_validate_route_paths_after_parse_error),
		T(test_validate_returns_error_count),
		T(test_parse_uses_length),
		T(test_large_lab),
		T(test_impair_per_end),
		T(test_link_with_used_interface_not_half_made),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
