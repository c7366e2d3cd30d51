/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of read_clab.h: containerlab topologies (tests/fixtures/clab/
 * and YAML written here) through clab_read(), the JSON they give checked
 * key by key and against tests/fixtures/clab/lab.expected.json, the
 * diagnostics word for word, and the JSON fed to netlab's own parser,
 * validator and file check, which must accept it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoroute.h"
#include "plan.h"
#include "pool.h"
#include "read_clab.h"
#include "topo.h"
#include "topo_parse.h"
#include "topo_validate.h"
#include "util.h"
#include "ydoc.h"

#define FIXDIR "tests/fixtures/clab"
#define FIX(name) FIXDIR "/" name
/* YAML written here is read as if it were a file beside the fixtures. */
#define INLINE FIX("inline.clab.yml")

struct ctx {
	json_t *j;
	struct topo_diags d;
};

static struct ctx ctx;

static int teardown(void **state)
{
	(void)state;
	json_decref(ctx.j);
	topo_diags_free(&ctx.d);
	ctx = (struct ctx){0};
	return 0;
}

static void print_diags(const struct topo_diags *d)
{
	print_message("diagnostics (%zu, %zu errors):\n", d->n, d->n_errors);
	for (size_t i = 0; i < d->n; i++)
		print_message("  %s %s\n", d->v[i].severity == TOPO_ERROR ? "error:" : "warning:",
			      d->v[i].text);
}

static struct ctx *read_text(const char *yaml)
{
	teardown(NULL);
	ctx.j = clab_read_string(yaml, strlen(yaml), INLINE, &ctx.d);
	return &ctx;
}

static struct ctx *read_fixture(const char *file)
{
	teardown(NULL);
	ctx.j = clab_read(file, &ctx.d);
	return &ctx;
}

/* Fail unless d holds exactly text with severity sev. */
static void expect_diag(enum topo_severity sev, const char *text)
{
	for (size_t i = 0; i < ctx.d.n; i++)
		if (ctx.d.v[i].severity == sev && strcmp(ctx.d.v[i].text, text) == 0)
			return;
	print_diags(&ctx.d);
	fail_msg("missing %s: %s", sev == TOPO_ERROR ? "error" : "warning", text);
}

#define expect_error(text) expect_diag(TOPO_ERROR, (text))
#define expect_warning(text) expect_diag(TOPO_WARNING, (text))

/* Fail unless there are exactly n errors and w warnings. */
static void expect_counts(size_t n, size_t w)
{
	if (ctx.d.n_errors != n || ctx.d.n - ctx.d.n_errors != w) {
		print_diags(&ctx.d);
		fail_msg("expected %zu errors and %zu warnings", n, w);
	}
	if (n)
		assert_null(ctx.j);
	else
		assert_non_null(ctx.j);
}

/* The value at a path of keys (NULL-terminated); a key "#N" is item N of an array. */
static json_t *jget(json_t *j, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, j);
	while (j && (k = va_arg(ap, const char *)))
		j = k[0] == '#' ? json_array_get(j, atoi(k + 1)) : json_object_get(j, k);
	va_end(ap);
	return j;
}

#define jstr(...) json_string_value(jget(__VA_ARGS__, NULL))
#define jnode(name, ...) jget(ctx.j, "nodes", (name), __VA_ARGS__, NULL)

static void assert_json(json_t *got, const char *want)
{
	json_error_t e;
	json_t *w = json_loads(want, 0, &e);

	if (!w)
		fail_msg("bad expected JSON: %s: %s", e.text, want);
	if (!json_equal(got, w)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER);

		print_message("got:      %s\nexpected: %s\n", g, want);
		free(g);
		json_decref(w);
		fail();
	}
	json_decref(w);
}

/*
 * The JSON as netlab itself takes it (the proposed keys stripped): parsed,
 * pooled, routed, validated and its files checked without a problem.
 * Return: the model, to free.
 */
static struct topo *netlab_parse(json_t *j, const char *file)
{
	json_t *copy = json_deep_copy(j);
	struct topo_diags d = {0};
	struct topo *t;
	char *text;

	clab_strip_proposed(copy);
	text = json_dumps(copy, JSON_COMPACT | JSON_PRESERVE_ORDER);
	t = topo_parse_string(text, strlen(text), file, &d);
	assert_non_null(t);
	if (d.n_errors == 0) {
		pool_assign(t, &d);
		autoroute_compute(t);
	}
	topo_validate(t, &d);
	topo_check_files(t, false, &d);
	if (d.n) {
		print_diags(&d);
		fail_msg("netlab's parser does not take the JSON: %s", text);
	}
	free(text);
	json_decref(copy);
	topo_diags_free(&d);
	return t;
}

static struct topo_node *model_node(struct topo *t, const char *name)
{
	ssize_t i = topo_find_node(t, name);

	assert_true(i >= 0);
	return &t->nodes[i];
}

/* --- the fixture: defaults, kinds, groups, binds, exec, env, a bridge, FRR --- */

static void test_fixture(void **state)
{
	json_t *expected;
	json_error_t e;

	(void)state;
	read_fixture(FIX("lab.clab.yml"));
	expect_counts(0, 2);
	expect_warning(FIX("lab.clab.yml") ":3: name: \"fixture.lab\" may only contain letters, digits, '-' and '_': the lab is named \"fixture-lab\"");
	expect_warning(FIX("lab.clab.yml") ":4: prefix: is ignored: node namespaces are always LAB.NODE");
	expected = json_load_file(FIX("lab.expected.json"), 0, &e);
	assert_non_null(expected);
	if (!json_equal(ctx.j, expected)) {
		char *s = json_dumps(ctx.j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		print_message("%s\n", s);
		free(s);
		json_decref(expected);
		fail_msg("the JSON differs from " FIX("lab.expected.json"));
	}
	json_decref(expected);
	/* the nodes in the file's order */
	{
		const char *order[] = {"r1", "r2", "h1", "h2", "sw1"}, *key;
		json_t *v;
		size_t i = 0;

		json_object_foreach(json_object_get(ctx.j, "nodes"), key, v)
			assert_string_equal(key, order[i++]);
		assert_int_equal(i, 5);
	}
}

/* What each level gives, as containerlab merges it. */
static void test_fixture_inheritance(void **state)
{
	(void)state;
	read_fixture(FIX("lab.clab.yml"));
	assert_non_null(ctx.j);
	/* image: the group's over the kind's; a group image of FRR's makes a router */
	assert_string_equal(jstr(ctx.j, "nodes", "r1", "image"), "quay.io/frrouting/frr:10.5.1");
	assert_string_equal(jstr(ctx.j, "nodes", "r1", "kind"), "router");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "image"), "alpine:3");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "kind"), "host");
	/* env: the node's over the kind's over the env-file's over the defaults' */
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "LEVEL"), "node");
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "env", "LEVEL"), "kind");
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "env", "LAB"), "fixture");
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "env", "GREETING"), "hello world");
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "env", "QUOTED"), "a # b");
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "env", "BARE"), "value");
	assert_null(jnode("r1", "env", "GREETING"));
	/* labels: informational, and the variables containerlab makes of them */
	assert_string_equal(jstr(ctx.j, "nodes", "r1", "labels", "role"), "core.router");
	assert_string_equal(jstr(ctx.j, "nodes", "r1", "env", "CLAB_LABEL_ROLE"), "core.router");
	/* binds: the kind's and the node's, ro as a read-only bind, the rest copies */
	assert_json(jnode("r1", "files"),
		    "{\"/etc/frr/daemons\": {\"path\": \"r1/daemons\", \"ro\": true},"
		    " \"/etc/frr/frr.conf\": \"r1/frr.conf\","
		    " \"/etc/motd\": {\"path\": \"shared/motd\", \"ro\": true}}");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "files", "/root/notes.txt"),
			    "clab-fixture.lab/h1/notes.txt");
	/* exec: the defaults' first, magic variables expanded; FRR before them on a router */
	assert_json(jnode("r1", "startup"), "[\"/usr/lib/frr/frrinit.sh start\", \"echo up on r1\"]");
	assert_json(jnode("r2", "startup"),
		    "[\"rm -f /etc/frr/frr.conf\", \"/usr/lib/frr/frrinit.sh start\","
		    " \"echo up on r2\", \"vtysh -c \\\"show version\\\"\"]");
	/* user: every command as that user */
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "startup", "#1"),
			    "runuser -u nobody -- /bin/sh -c 'sh -c '\\''id -un > /tmp/me'\\'''");
	/* sysctls: merged; a host forwards IPv4 as in Docker unless it says otherwise */
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "sysctls", "net.ipv4.ip_forward"), "1");
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "sysctls", "net.ipv4.ip_forward"), "0");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "sysctls", "net.ipv4.conf.all.rp_filter"), "0");
	assert_null(jnode("r1", "sysctls", "net.ipv4.ip_forward"));
	/* limits from the group, 256MiB in bytes */
	assert_json(jnode("h1", "limits"), "{\"memory\": 268435456, \"cpu\": 0.5}");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "hostname"), "host-one");
	/* a bridge: a switch and nothing else; its ports are link ends */
	assert_json(jnode("sw1", NULL), "{\"kind\": \"switch\"}");
	assert_json(json_object_get(ctx.j, "links"),
		    "[{\"endpoints\": [\"r1:eth1\", \"r2:eth1\"], \"mtu\": 9500},"
		    " {\"endpoints\": [\"r1:eth2\", \"sw1:p1\"], \"mtu\": 1500},"
		    " {\"endpoints\": [\"h1:eth1\", \"sw1:p2\"], \"mtu\": 9500},"
		    " {\"endpoints\": [\"h2:eth1\", \"r2:eth2\"], \"mtu\": 9500}]");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "interfaces", "eth1", "mac"),
			    "02:00:00:00:01:01");
}

/* netlab's parser, validator and file check take the fixture's JSON as it is. */
static void test_fixture_netlab_parses(void **state)
{
	struct topo *t;
	struct topo_node *n;
	ssize_t i;

	(void)state;
	read_fixture(FIX("lab.clab.yml"));
	assert_non_null(ctx.j);
	t = netlab_parse(ctx.j, FIX("lab.clab.yml"));
	assert_string_equal(t->name, "fixture-lab");
	assert_int_equal(t->n_nodes, 5);
	assert_int_equal(t->n_links, 4);
	assert_int_equal(model_node(t, "r1")->kind, TOPO_ROUTER);
	assert_int_equal(model_node(t, "h1")->kind, TOPO_HOST);
	assert_int_equal(model_node(t, "sw1")->kind, TOPO_SWITCH);
	n = model_node(t, "h1");
	i = topo_find_iface(n, "eth1");
	assert_true(i >= 0 && n->ifaces[i].has_mac);
	assert_int_equal(n->limits.memory, 268435456);
	assert_true(n->iso.mount && n->iso.pid);
	n = model_node(t, "r1");
	/* the image, informational, reaches the model */
	assert_string_equal(n->image, "quay.io/frrouting/frr:10.5.1");
	assert_int_equal(n->n_files, 3);
	assert_true(n->files_ro[0]);
	assert_false(n->files_ro[1]);
	assert_int_equal(t->links[0].mtu, 9500);
	assert_int_equal(t->links[1].mtu, 1500);
	{
		struct plan *p = plan_build(t);

		assert_non_null(p);
		plan_free(p);
	}
	topo_free(t);
}

/* --- the bad fixtures: every error with file:line, YAML path, problem, expectation --- */

static void test_bad_syntax(void **state)
{
	(void)state;
	read_fixture(FIX("bad-syntax.clab.yml"));
	expect_counts(1, 0);
	expect_error(FIX("bad-syntax.clab.yml") ":6:6: did not find expected key while parsing a block mapping (expected valid YAML)\n"
					       "       image: alpine:3\n"
					       "       ^");
}

static void test_bad_kind(void **state)
{
	(void)state;
	read_fixture(FIX("bad-kind.clab.yml"));
	expect_counts(1, 0);
	expect_error(FIX("bad-kind.clab.yml") ":5: topology.nodes.h1.kind: node 'h1': 'lnux' is not a containerlab kind, did you mean 'linux'? (expected linux or bridge)");
}

static void test_bad_vendor(void **state)
{
	(void)state;
	read_fixture(FIX("bad-vendor.clab.yml"));
	/* one error for the node; its link is left out without another */
	expect_counts(1, 0);
	expect_error(FIX("bad-vendor.clab.yml") ":7: topology.defaults.kind: node 'srl1' is of kind 'nokia_srlinux', which needs its vendor's image (expected linux or bridge: netlab runs the host's software)");
}

static void test_bad_bind(void **state)
{
	(void)state;
	read_fixture(FIX("bad-bind.clab.yml"));
	expect_counts(2, 0);
	expect_error(FIX("bad-bind.clab.yml") ":6: topology.defaults.binds[0]: host path 'clab-bad-bind/r1/frr.conf' does not exist (expected a file or directory; a relative path starts at the topology file's directory)");
	expect_error(FIX("bad-bind.clab.yml") ":10: topology.nodes.r1.binds[0]: host path 'missing/daemons' does not exist (expected a file or directory; a relative path starts at the topology file's directory)");
}

static void test_bad_endpoint(void **state)
{
	(void)state;
	read_fixture(FIX("bad-endpoint.clab.yml"));
	expect_counts(2, 0);
	expect_error(FIX("bad-endpoint.clab.yml") ":9: topology.links[0].endpoints[1]: unknown node 'r3', did you mean 'r1'? (expected one of the names under topology.nodes)");
	expect_error(FIX("bad-endpoint.clab.yml") ":14: topology.links[1].endpoints[1].node: unknown node 'r22', did you mean 'r2'? (expected one of the names under topology.nodes)");
}

static void test_bad_mac(void **state)
{
	(void)state;
	read_fixture(FIX("bad-mac.clab.yml"));
	expect_counts(2, 0);
	expect_error(FIX("bad-mac.clab.yml") ":13: topology.links[0].endpoints[0].mac: \"02:00:00:00:00:zz\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)");
	/* a multicast MAC, though it parses */
	expect_error(FIX("bad-mac.clab.yml") ":16: topology.links[0].endpoints[1].mac: \"01:00:5e:00:00:01\" is not a unicast MAC address (expected aa:bb:cc:dd:ee:ff)");
}

static void test_unreadable(void **state)
{
	(void)state;
	read_fixture(FIX("no-such.clab.yml"));
	expect_counts(1, 0);
	expect_error(FIX("no-such.clab.yml") ": cannot read the topology: No such file or directory");
}

/* --- YAML: anchors, aliases, merge keys, repeats, errors --- */

static void test_anchors_and_merge_keys(void **state)
{
	(void)state;
	read_text("name: merge\n"
		  "x-base: &base\n"
		  "  kind: linux\n"
		  "  env: {A: one, B: two}\n"
		  "topology:\n"
		  "  defaults: *base\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      <<: *base\n"
		  "      env: {B: mine}\n"
		  "    h2:\n"
		  "      <<: [{image: debian}, {image: alpine, user: bob}]\n");
	/* x-base: containerlab's strict loader refuses unknown keys, so does this reader */
	expect_counts(1, 0);
	expect_error(INLINE ":2: unknown key 'x-base' (expected one of: name, topology)");
	read_text("name: merge\n"
		  "topology:\n"
		  "  defaults: &base\n"
		  "    kind: linux\n"
		  "    env: {A: one, B: two}\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      <<: *base\n"
		  "      env: {B: mine}\n"
		  "    h2:\n"
		  "      <<: [{image: debian}, {image: alpine, user: bob}]\n"
		  "    h3: *base\n");
	expect_counts(0, 0);
	/* the node's own env replaces the merged one whole; inheritance then merges the defaults' */
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "B"), "mine");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "A"), "one");
	/* an earlier merge wins */
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "image"), "debian");
	assert_null(jnode("h2", "startup"));
	assert_string_equal(jstr(ctx.j, "nodes", "h3", "env", "B"), "two");
}

static void test_repeated_key(void **state)
{
	(void)state;
	read_text("name: rep\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1: {kind: linux}\n"
		  "    h1: {kind: bridge}\n");
	expect_counts(1, 0);
	expect_error(INLINE ":5: topology.nodes: key 'h1' is repeated (first on line 4; expected each key once)");
}

static void test_top_level(void **state)
{
	(void)state;
	read_text("- a\n- b\n");
	expect_counts(1, 0);
	expect_error(INLINE ":1: the top level is a sequence (expected a mapping with name and topology)");
	read_text("");
	expect_counts(1, 0);
	expect_error(INLINE ": the top level is null (expected a mapping with name and topology)");
	read_text("name: x\n");
	expect_counts(1, 0);
	expect_error(INLINE ":1: topology: is missing (expected a mapping with nodes and links)");
	read_text("name: x\ntopology: {links: []}\n");
	expect_counts(1, 0);
	expect_error(INLINE ":2: topology.nodes: is missing (expected a mapping of nodes)");
	{
		static const char nul[] = "name: x\0\n";

		teardown(NULL);
		ctx.j = clab_read_string(nul, sizeof(nul) - 1, INLINE, &ctx.d);
		expect_counts(1, 0);
		expect_error(INLINE ": contains a NUL byte (expected YAML text)");
	}
}

/* The environment's variables, as containerlab's envsubst expands them before the YAML is read. */
static void test_env_expansion(void **state)
{
	(void)state;
	setenv("CLAB_TEST_IMAGE", "alpine:3.19", 1);
	setenv("CLAB_TEST_EMPTY", "", 1);
	unsetenv("CLAB_TEST_UNSET");
	read_text("name: envsubst\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      kind: linux\n"
		  "      image: ${CLAB_TEST_IMAGE}\n"
		  "      env:\n"
		  "        A: ${CLAB_TEST_UNSET:=debian}\n"
		  "        B: ${CLAB_TEST_EMPTY:-was empty}\n"
		  "        C: \"${CLAB_TEST_EMPTY-kept empty}\"\n"
		  "        D: ${CLAB_TEST_IMAGE:+set}/${CLAB_TEST_UNSET:+not set}\n"
		  "        E: ${CLAB_TEST_UNSET}\n"
		  "        F: ${CLAB_TEST_UNSET:-${CLAB_TEST_IMAGE}}\n"
		  "      exec:\n"
		  "        - ash -c 'echo $$HOME $1 ${1} $CLAB_TEST_UNSET $CLAB_TEST_IMAGE'\n");
	expect_counts(0, 0);
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "image"), "alpine:3.19");
	assert_json(jnode("h1", "env"), "{\"A\": \"debian\", \"B\": \"was empty\", \"C\": \"\","
					" \"D\": \"set/\", \"E\": \"${CLAB_TEST_UNSET}\","
					" \"F\": \"alpine:3.19\"}");
	/* $$ is the escape of a $: the node's shell expands $HOME, not the topology's reader */
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "startup", "#0"),
			    "ash -c 'echo $HOME $1 ${1} $CLAB_TEST_UNSET alpine:3.19'");
	read_text("name: envsubst\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1: {kind: linux, image: ${CLAB_TEST_IMAGE\n"
		  "}}\n");
	expect_counts(1, 0);
	expect_error(INLINE ":4: \"${CLAB_TEST_IMAGE\" is not an environment variable (expected ${NAME}, ${NAME:-default} or $NAME, on one line)");
	read_text("name: x\ntopology: {nodes: {h1: {kind: linux, image: '${CLAB_TEST_IMAGE%x}'}}}\n");
	expect_counts(1, 0);
	expect_error(INLINE ":2: \"${CLAB_TEST_IMAGE%x}\" is not an environment variable (expected ${NAME}, ${NAME:-default} or $NAME, on one line)");
	unsetenv("CLAB_TEST_IMAGE");
	unsetenv("CLAB_TEST_EMPTY");
}

/* What netlab's parser substitutes (${node}, ${lab}, $${) is escaped: the node gets containerlab's text. */
static void test_netlab_substitution(void **state)
{
	struct topo *t;
	struct topo_node *n;

	(void)state;
	unsetenv("lab");
	unsetenv("node");
	read_text("name: subst\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      kind: linux\n"
		  "      env: {A: \"$${node}\", B: \"${HOME_NOT_SET_HERE}\"}\n"
		  "      exec:\n"
		  "        - echo $${node} ${lab} x\n"
		  "        - echo ${HOME_NOT_SET_HERE}\n");
	expect_counts(0, 0);
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "startup", "#0"), "echo $${node} $${lab} x");
	/* nothing netlab acts on: as it is */
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "startup", "#1"), "echo ${HOME_NOT_SET_HERE}");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "A"), "$${node}");
	t = netlab_parse(ctx.j, INLINE);
	n = model_node(t, "h1");
	assert_string_equal(n->startup[0], "echo ${node} ${lab} x");
	assert_string_equal(n->startup[1], "echo ${HOME_NOT_SET_HERE}");
	assert_string_equal(n->env[0].value, "${node}");
	topo_free(t);
}

/* --- the name --- */

static void test_name(void **state)
{
	(void)state;
	read_text("name: lab_1-ok\ntopology: {nodes: {}}\n");
	expect_counts(0, 0);
	assert_string_equal(jstr(ctx.j, "name"), "lab_1-ok");
	read_text("name: a lab with spaces and much more than 32 characters\ntopology: {nodes: {}}\n");
	expect_counts(0, 1);
	expect_warning(INLINE ":1: name: \"a lab with spaces and much more than 32 characters\" is longer than 32 characters: the lab is named \"a-lab-with-spaces-and-much-more-\"");
	assert_string_equal(jstr(ctx.j, "name"), "a-lab-with-spaces-and-much-more-");
	read_text("topology: {nodes: {}}\n");
	expect_counts(0, 1);
	expect_warning(INLINE ":1: name: is missing: the lab is named after the file (expected a lab name)");
	assert_string_equal(jstr(ctx.j, "name"), "inline");
	read_text("name: [a]\ntopology: {nodes: {}}\n");
	expect_counts(1, 0);
	expect_error(INLINE ":1: name: is a sequence (expected a lab name)");
}

/* --- nodes: kinds, inheritance, keys --- */

static void test_kinds(void **state)
{
	(void)state;
	read_text("name: k\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    a: {kind: ceos}\n"
		  "    b: {kind: vr-sros}\n"
		  "    c: {kind: host}\n"
		  "    d: {kind: ext-container}\n"
		  "    e: {}\n"
		  "    f:\n"
		  "    g: {kind: ovs-bridge}\n"
		  "    h: {kind: brige}\n"
		  "    \"i j\": {kind: linux}\n"
		  "    k: linux\n");
	expect_counts(9, 0);
	expect_error(INLINE ":4: topology.nodes.a.kind: node 'a' is of kind 'ceos', which needs its vendor's image (expected linux or bridge: netlab runs the host's software)");
	expect_error(INLINE ":5: topology.nodes.b.kind: node 'b' is of kind 'vr-sros', which needs its vendor's image (expected linux or bridge: netlab runs the host's software)");
	expect_error(INLINE ":6: topology.nodes.c.kind: node 'c' is of kind 'host', the containerlab host's own namespace (expected linux or bridge: netlab makes every node of a lab)");
	expect_error(INLINE ":7: topology.nodes.d.kind: node 'd' is of kind 'ext-container', a container made outside the lab (expected linux or bridge: netlab makes every node of a lab)");
	expect_error(INLINE ":8: topology.nodes.e: has no kind (expected kind: linux or bridge, on the node, its group or topology.defaults)");
	expect_error(INLINE ":9: topology.nodes.f: has no kind (expected kind: linux or bridge, on the node, its group or topology.defaults)");
	expect_error(INLINE ":11: topology.nodes.h.kind: node 'h': 'brige' is not a containerlab kind, did you mean 'bridge'? (expected linux or bridge)");
	expect_error(INLINE ":12: topology.nodes: node name 'i j' may only contain letters, digits, '-', '_' and '.'");
	expect_error(INLINE ":13: topology.nodes.k: is a string (expected a mapping of node settings)");
}

/* containerlab's resolution: the kind of node, group, defaults' group, defaults; the group of node, kind, defaults. */
static void test_inheritance(void **state)
{
	(void)state;
	read_text("name: inh\n"
		  "topology:\n"
		  "  defaults:\n"
		  "    kind: bridge\n"
		  "    image: from-defaults\n"
		  "    exec: [echo d, echo shared]\n"
		  "    binds: [shared/motd:/etc/motd]\n"
		  "  kinds:\n"
		  "    linux:\n"
		  "      group: linuxes\n"
		  "      image: from-kind\n"
		  "      exec: [echo k, echo shared]\n"
		  "  groups:\n"
		  "    linuxes:\n"
		  "      env: {G: linuxes}\n"
		  "    hosts:\n"
		  "      kind: linux\n"
		  "      image: from-group\n"
		  "      exec: [echo g]\n"
		  "      binds: ['shared/motd:/etc/motd:ro']\n"
		  "  nodes:\n"
		  "    sw: {}\n"
		  "    h1: {group: hosts, exec: [echo n, echo d]}\n"
		  "    h2: {kind: linux}\n"
		  "    h3: {kind: linux, image: from-node, group: nogroup}\n");
	expect_counts(0, 0);
	assert_string_equal(jstr(ctx.j, "nodes", "sw", "kind"), "switch");
	/* the group's kind, its image over the kind's */
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "kind"), "host");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "image"), "from-group");
	/* exec from defaults to node, a repeated command once */
	assert_json(jnode("h1", "startup"), "[\"echo d\", \"echo shared\", \"echo k\", \"echo g\", \"echo n\"]");
	/* the group's bind replaces the defaults' to the same path */
	assert_json(jnode("h1", "files"), "{\"/etc/motd\": {\"path\": \"shared/motd\", \"ro\": true}}");
	assert_json(jnode("h2", "files"), "{\"/etc/motd\": \"shared/motd\"}");
	/* the kind's group */
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "env", "G"), "linuxes");
	assert_string_equal(jstr(ctx.j, "nodes", "h2", "image"), "from-kind");
	/* a group no definition has: fine (containerlab sorts its graph by it) */
	assert_string_equal(jstr(ctx.j, "nodes", "h3", "image"), "from-node");
	assert_null(jnode("h3", "env"));
}

static void test_node_keys(void **state)
{
	(void)state;
	read_text("name: keys\n"
		  "topology:\n"
		  "  groups:\n"
		  "    g: {kind: linux, imagee: alpine}\n"
		  "    typo: {}\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      group: g\n"
		  "      ports: [8080:80]\n"
		  "      cmd: sleep infinity\n"
		  "      startup-config: h1.cfg\n"
		  "      network-mode: host\n"
		  "    h2: {group: typp, kind: linux}\n");
	expect_counts(1, 5);
	expect_error(INLINE ":4: topology.groups.g: unknown key 'imagee', did you mean 'image'? (expected one of: kind, group, image, hostname, binds, exec, env, env-files, labels, sysctls, user, memory, cpu)");
	expect_warning(INLINE ":9: topology.nodes.h1.ports: is ignored: netlab makes no management network");
	expect_warning(INLINE ":10: topology.nodes.h1.cmd: is ignored: netlab runs the host's software, not an image");
	expect_warning(INLINE ":11: topology.nodes.h1.startup-config: is ignored: a setting of vendor kinds");
	expect_warning(INLINE ":12: topology.nodes.h1.network-mode: is ignored: every node has a network namespace of its own");
	expect_warning(INLINE ":13: topology.nodes.h2: group 'typp' is not under topology.groups, did you mean 'typo'? (its settings reach no node)");
}

static void test_top_keys(void **state)
{
	(void)state;
	read_text("name: top\n"
		  "prefix: \"\"\n"
		  "mgmt: {network: custom}\n"
		  "topology: {nodes: {}, linkss: []}\n");
	expect_counts(1, 2);
	expect_warning(INLINE ":2: prefix: is ignored: node namespaces are always LAB.NODE");
	expect_warning(INLINE ":3: mgmt: is ignored: netlab makes no management network (eth0 stays free)");
	expect_error(INLINE ":4: topology: unknown key 'linkss', did you mean 'links'? (expected one of: nodes, links, defaults, kinds, groups)");
}

/* kind linux with FRR's image: a router that starts FRR as the image does. */
static void test_frr(void **state)
{
	(void)state;
	read_text("name: frr\n"
		  "topology:\n"
		  "  defaults: {kind: linux}\n"
		  "  nodes:\n"
		  "    a: {image: frrouting/frr:v8.4.1}\n"
		  "    b: {image: docker.io/frrouting/frr}\n"
		  "    c: {image: quay.io/frrouting/frr:10.5.1, binds: ['r1:/etc/frr']}\n"
		  "    d: {image: alpine/frrouting}\n"
		  "    e: {image: myregistry.example/frrouting/frr}\n");
	expect_counts(0, 0);
	assert_string_equal(jstr(ctx.j, "nodes", "a", "kind"), "router");
	assert_string_equal(jstr(ctx.j, "nodes", "b", "kind"), "router");
	assert_json(jnode("a", "startup"), "[\"rm -f /etc/frr/frr.conf\", \"/usr/lib/frr/frrinit.sh start\"]");
	/* the whole of /etc/frr bound: its frr.conf, if any, is the lab's */
	assert_json(jnode("c", "startup"), "[\"/usr/lib/frr/frrinit.sh start\"]");
	assert_string_equal(jstr(ctx.j, "nodes", "d", "kind"), "host");
	assert_string_equal(jstr(ctx.j, "nodes", "e", "kind"), "host");
	/* a router forwards already: no sysctl for it */
	assert_null(jnode("a", "sysctls"));
	topo_free(netlab_parse(ctx.j, INLINE));
}

static void test_bridge(void **state)
{
	(void)state;
	read_text("name: br\n"
		  "topology:\n"
		  "  defaults: {exec: [echo hi], env: {A: b}}\n"
		  "  nodes:\n"
		  "    sw: {kind: bridge, exec: [ip link], labels: {rack: r1}}\n"
		  "    h1: {kind: linux}\n"
		  "    h2: {kind: linux}\n"
		  "  links:\n"
		  "    - endpoints: [h1:eth1, sw:h1port]\n"
		  "    - endpoints: [h2:eth1, sw:br0]\n");
	expect_counts(1, 1);
	expect_warning(INLINE ":5: topology.nodes.sw.exec: is ignored: a bridge is no container");
	expect_error(INLINE ":10: topology.links[1].endpoints[1]: 'br0' is the bridge of switch 'sw' in netlab (expected another port name)");
}

/* --- binds and env-files --- */

static void test_binds(void **state)
{
	(void)state;
	read_text("name: binds\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      kind: linux\n"
		  "      binds:\n"
		  "        - /lib/modules:/lib/modules:ro\n"
		  "        - /dev/net/tun:/dev/net/tun\n"
		  "        - shared/motd:/proc/motd\n"
		  "        - shared/motd:/etc/a/../motd\n"
		  "        - shared/motd:/etc/motd:ro,z\n"
		  "        - shared/motd:/etc/motd2:rw\n"
		  "        - shared/motd:/etc/motd3:bogus\n"
		  "        - shared/none:/etc/none\n"
		  "        - /var/run/docker.sock\n"
		  "        - a:b:c:d\n"
		  "        - __clabDir__/topology-data.json:/data.json:ro\n"
		  "        - __clabDir__/.tls/ca:/etc/ca:ro\n"
		  "        - /tmp:/tmp\n"
		  "        - shared:/srv/shared\n");
	expect_counts(8, 3);
	expect_warning(INLINE ":7: topology.nodes.h1.binds[0]: is left out: a node sees the host's /lib/modules already");
	expect_warning(INLINE ":8: topology.nodes.h1.binds[1]: is left out: a node sees the host's /dev/net/tun already");
	expect_error(INLINE ":9: topology.nodes.h1.binds[2]: '/proc/motd' is not a path netlab can bind in a node (expected an absolute path without '.' and '..', outside /proc, /sys and /dev)");
	expect_error(INLINE ":10: topology.nodes.h1.binds[3]: '/etc/a/../motd' is not a path netlab can bind in a node (expected an absolute path without '.' and '..', outside /proc, /sys and /dev)");
	expect_warning(INLINE ":11: topology.nodes.h1.binds[4]: option 'z' is ignored: a node's files are no Docker volume");
	expect_error(INLINE ":13: topology.nodes.h1.binds[6]: 'bogus' is not a bind option (expected ro or rw)");
	expect_error(INLINE ":14: topology.nodes.h1.binds[7]: host path 'shared/none' does not exist (expected a file or directory; a relative path starts at the topology file's directory)");
	expect_error(INLINE ":15: topology.nodes.h1.binds[8]: \"/var/run/docker.sock\" is not a bind (expected host-path:container-path, with :ro or :rw)");
	expect_error(INLINE ":16: topology.nodes.h1.binds[9]: \"a:b:c:d\" is not a bind (expected host-path:container-path, with :ro or :rw)");
	expect_error(INLINE ":17: topology.nodes.h1.binds[10]: 'clab-binds/topology-data.json' is made by containerlab when it deploys a lab (expected a file of the lab's: netlab makes no such file)");
	expect_error(INLINE ":18: topology.nodes.h1.binds[11]: 'clab-binds/.tls/ca' is made by containerlab when it deploys a lab (expected a file of the lab's: netlab makes no such file)");
	/* /tmp is the node's own: binding the host's there is a real bind */
	read_text("name: binds\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      kind: linux\n"
		  "      binds: [shared/motd:/etc/motd:ro, 'shared/motd:/etc/motd2:rw', shared:/srv/shared]\n");
	expect_counts(0, 0);
	assert_json(jnode("h1", "files"), "{\"/etc/motd\": {\"path\": \"shared/motd\", \"ro\": true},"
					  " \"/etc/motd2\": \"shared/motd\", \"/srv/shared\": \"shared\"}");
	topo_free(netlab_parse(ctx.j, INLINE));
}

static void test_bind_home(void **state)
{
	_cleanup_free_ char *home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	_cleanup_free_ char *abs = realpath(FIXDIR, NULL);
	_cleanup_free_ char *want = xasprintf("%s/shared/motd", abs);

	(void)state;
	assert_non_null(abs);
	setenv("HOME", abs, 1);
	read_text("name: home\ntopology: {nodes: {h1: {kind: linux, binds: ['~/shared/motd:/etc/motd']}}}\n");
	expect_counts(0, 0);
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "files", "/etc/motd"), want);
	unsetenv("HOME");
	read_text("name: home\ntopology: {nodes: {h1: {kind: linux, binds: ['~/shared/motd:/etc/motd']}}}\n");
	expect_counts(1, 0);
	expect_error(INLINE ":2: topology.nodes.h1.binds[0]: '~' needs $HOME (expected it set, or a path without '~')");
	if (home)
		setenv("HOME", home, 1);
}

static void test_env_files(void **state)
{
	(void)state;
	read_text("name: envf\n"
		  "topology:\n"
		  "  defaults: {kind: linux, env-files: [hosts.env]}\n"
		  "  nodes:\n"
		  "    h1: {env: {GREETING: node}}\n"
		  "    h2: {env-files: [missing.env, shared, bad.env]}\n");
	expect_counts(4, 0);
	expect_error(INLINE ":6: topology.nodes.h2.env-files[0]: env-file 'missing.env' does not exist (expected a file of NAME=value lines; a relative path starts at the topology file's directory)");
	expect_error(INLINE ":6: topology.nodes.h2.env-files[1]: 'shared' is no regular file (expected a file of NAME=value lines)");
	expect_error(INLINE ":6: topology.nodes.h2.env-files[2]: bad.env:2: \"9LIVES=cat\" is not a variable (expected NAME=value, NAME of letters, digits and '_')");
	expect_error(INLINE ":6: topology.nodes.h2.env-files[2]: bad.env:4: a quote is not closed (expected \"value\" or 'value' on one line)");
}

static void test_env_file_values(void **state)
{
	(void)state;
	read_text("name: envf\n"
		  "topology:\n"
		  "  defaults: {kind: linux, env-files: [hosts.env]}\n"
		  "  nodes:\n"
		  "    h1: {env: {GREETING: node}}\n");
	expect_counts(0, 0);
	/* the topology's env wins over the env-file's */
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "GREETING"), "node");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "LEVEL"), "env-file");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "QUOTED"), "a # b");
	assert_string_equal(jstr(ctx.j, "nodes", "h1", "env", "BARE"), "value");
}

/* --- env, labels, sysctls, limits, user, exec --- */

static void test_env_and_labels(void **state)
{
	(void)state;
	read_text("name: env\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      kind: linux\n"
		  "      env: {NUM: 3, YES: true, EMPTY: , __IMPORT_ENVS: true, 9bad: x, LIST: [a]}\n"
		  "      labels: {clab.io/role-x: edge, plain: '1'}\n");
	expect_counts(2, 1);
	expect_warning(INLINE ":6: topology.nodes.h1.env.__IMPORT_ENVS: is ignored: netlab gives a node no variables of the caller's");
	expect_error(INLINE ":6: topology.nodes.h1.env.9bad: '9bad' is not a variable name (expected letters, digits and '_', not starting with a digit)");
	expect_error(INLINE ":6: topology.nodes.h1.env.LIST: is a sequence (expected a string, number or boolean)");
	read_text("name: env\n"
		  "topology:\n"
		  "  nodes:\n"
		  "    h1:\n"
		  "      kind: linux\n"
		  "      env: {NUM: 3, YES: true, EMPTY: }\n"
		  "      labels: {clab.io/role-x: edge, plain: '1'}\n");
	expect_counts(0, 0);
	assert_json(jnode("h1", "env"), "{\"NUM\": \"3\", \"YES\": \"true\", \"EMPTY\": \"\","
					" \"CLAB_LABEL_CLAB_IO_ROLE_X\": \"edge\", \"CLAB_LABEL_PLAIN\": \"1\"}");
	assert_json(jnode("h1", "labels"), "{\"clab.io/role-x\": \"edge\", \"plain\": \"1\"}");
	topo_free(netlab_parse(ctx.j, INLINE));
}

static void test_sysctls(void **state)
{
	(void)state;
	read_text("name: sc\n"
		  "topology:\n"
		  "  defaults: {kind: linux, sysctls: {net.ipv6.conf.all.disable_ipv6: 1}}\n"
		  "  nodes:\n"
		  "    h1: {sysctls: {kernel.shmmax: 1, net.ipv4..x: 1, net/ipv4/conf/all/forwarding: 0}}\n");
	expect_counts(1, 1);
	expect_warning(INLINE ":5: topology.nodes.h1.sysctls.kernel.shmmax: is ignored: only net.* sysctls are a node's own (the others are the host's)");
	expect_error(INLINE ":5: topology.nodes.h1.sysctls.net.ipv4..x: 'net.ipv4..x' is not a sysctl name (expected one such as net.ipv4.ip_forward)");
	read_text("name: sc\n"
		  "topology:\n"
		  "  defaults: {kind: linux, sysctls: {net.ipv6.conf.all.disable_ipv6: 1}}\n"
		  "  nodes:\n"
		  "    h1: {sysctls: {net/ipv4/conf/all/forwarding: 0}}\n");
	expect_counts(0, 0);
	/* forwarding named another way: no ip_forward added */
	assert_json(jnode("h1", "sysctls"), "{\"net.ipv6.conf.all.disable_ipv6\": \"1\", \"net/ipv4/conf/all/forwarding\": \"0\"}");
}

static void test_limits(void **state)
{
	static const struct {
		const char *memory;
		long long bytes;
	} ok[] = {
		{"1Gb", 1000000000},	{"512MiB", 512ll << 20}, {"1.5 GB", 1500000000},
		{"4194304", 4194304},	{"2gib", 2ll << 30},	 {"8m", 8000000},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		_cleanup_free_ char *y = xasprintf("name: m\ntopology: {nodes: {h1: {kind: linux, memory: '%s'}}}\n",
						   ok[i].memory);

		read_text(y);
		expect_counts(0, 0);
		assert_int_equal(json_integer_value(jnode("h1", "limits", "memory")), ok[i].bytes);
	}
	read_text("name: m\n"
		  "topology:\n"
		  "  defaults: {kind: linux, memory: lots}\n"
		  "  nodes:\n"
		  "    h1: {cpu: 0}\n"
		  "    h2: {memory: 1mb, cpu: many}\n"
		  "    h3: {cpu: 1.5}\n");
	expect_counts(4, 0);
	expect_error(INLINE ":3: topology.defaults.memory: \"lots\" is not a memory size of at least 4MiB (expected a number with kb, mb, gb, kib, mib or gib, such as 512mb)");
	expect_error(INLINE ":5: topology.nodes.h1.cpu: \"0\" is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 1.5)");
	expect_error(INLINE ":6: topology.nodes.h2.memory: \"1mb\" is not a memory size of at least 4MiB (expected a number with kb, mb, gb, kib, mib or gib, such as 512mb)");
	expect_error(INLINE ":6: topology.nodes.h2.cpu: \"many\" is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 1.5)");
}

static void test_user_and_exec(void **state)
{
	(void)state;
	read_text("name: u\n"
		  "topology:\n"
		  "  defaults: {kind: linux, exec: ['echo \"__clabNodeName__ in __clabLabName__\" > /tmp/x']}\n"
		  "  nodes:\n"
		  "    a: {user: '1000'}\n"
		  "    b: {user: '1000:100'}\n"
		  "    c: {user: 'alice:staff'}\n"
		  "    d: {user: root}\n"
		  "    e: {exec: ['cat __clabNodeDir__/x __clabDir__/y']}\n");
	expect_counts(0, 0);
	assert_string_equal(jstr(ctx.j, "nodes", "a", "startup", "#0"),
			    "setpriv --reuid=1000 --regid=1000 --clear-groups -- /bin/sh -c 'echo \"a in clab-u\" > /tmp/x'");
	assert_string_equal(jstr(ctx.j, "nodes", "b", "startup", "#0"),
			    "setpriv --reuid=1000 --regid=100 --clear-groups -- /bin/sh -c 'echo \"b in clab-u\" > /tmp/x'");
	assert_string_equal(jstr(ctx.j, "nodes", "c", "startup", "#0"),
			    "runuser -u alice -g staff -- /bin/sh -c 'echo \"c in clab-u\" > /tmp/x'");
	assert_string_equal(jstr(ctx.j, "nodes", "d", "startup", "#0"), "echo \"d in clab-u\" > /tmp/x");
	{
		_cleanup_free_ char *abs = realpath(FIXDIR, NULL);
		_cleanup_free_ char *want = xasprintf("cat %s/clab-u/e/x %s/clab-u/y", abs, abs);

		/* in a command, the lab's directory is absolute: a node's commands start in / */
		assert_string_equal(jstr(ctx.j, "nodes", "e", "startup", "#1"), want);
	}
	read_text("name: u\ntopology: {nodes: {a: {kind: linux, user: 'a b', exec: [' ', [x]]}}}\n");
	expect_counts(3, 0);
	expect_error(INLINE ":2: topology.nodes.a.user: \"a b\" is not a user (expected a name or a uid, with :group or :gid)");
	expect_error(INLINE ":2: topology.nodes.a.exec[0]: is empty (expected a command)");
	expect_error(INLINE ":2: topology.nodes.a.exec[1]: is a sequence (expected a string)");
}

/* --- links --- */

static void test_links(void **state)
{
	(void)state;
	read_text("name: links\n"
		  "topology:\n"
		  "  defaults: {kind: linux}\n"
		  "  nodes: {a: {}, b: {}, c: {}}\n"
		  "  links:\n"
		  "    - endpoints: [a:eth1, b:eth1]\n"
		  "      mtu: 1400\n"
		  "      labels: {speed: 10G}\n"
		  "      vars: {x: [1]}\n"
		  "    - type: veth-stitch\n"
		  "      endpoints:\n"
		  "        - {node: a, interface: eth2, mac: '02:00:00:00:00:02'}\n"
		  "        - {node: c, interface: eth1, vars: {k: v}}\n"
		  "    - endpoints: [b:eth2, c:eth2]\n"
		  "      ipv4: [192.0.2.1/24, 192.0.2.2/24]\n");
	expect_counts(0, 1);
	expect_warning(INLINE ":15: topology.links[2].ipv4: is ignored: containerlab sets addresses on srl, ceos, vyos and iol nodes only (expected exec commands, as for kind linux)");
	assert_json(json_object_get(ctx.j, "links"),
		    "[{\"endpoints\": [\"a:eth1\", \"b:eth1\"], \"mtu\": 1400},"
		    " {\"endpoints\": [\"a:eth2\", \"c:eth1\"], \"mtu\": 9500},"
		    " {\"endpoints\": [\"b:eth2\", \"c:eth2\"], \"mtu\": 9500}]");
	assert_json(jnode("a", "interfaces"), "{\"eth2\": {\"mac\": \"02:00:00:00:00:02\"}}");
	topo_free(netlab_parse(ctx.j, INLINE));
}

static void test_bad_links(void **state)
{
	(void)state;
	read_text("name: links\n"
		  "topology:\n"
		  "  defaults: {kind: linux}\n"
		  "  nodes: {a: {}, b: {}, v: {kind: srl}}\n"
		  "  links:\n"
		  "    - endpoints: [a:eth1, host:veth-a]\n"
		  "    - type: macvlan\n"
		  "      endpoint: {node: a, interface: eth9}\n"
		  "      host-interface: enp0s3\n"
		  "    - type: vet\n"
		  "    - endpoints: [a:lo, b]\n"
		  "    - endpoints: [a:eth2, b:eth2]\n"
		  "      mtu: 70000\n"
		  "    - endpoints: [a:eth3, a:eth4]\n"
		  "    - endpoints: [a:eth5, b:eth5, b:eth6]\n"
		  "    - endpoints: [a:eth6, b:eth7]\n"
		  "    - endpoints: [b:eth7, a:eth7]\n"
		  "    - endpoints: [a:eth8, v:e1-1]\n"
		  "    - type: veth\n"
		  "      endpoints: [{node: a}, {interface: eth1}]\n"
		  "    - endpoints: [a:this-name-is-too-long, b:eth9]\n"
		  "    - [a:eth1, b:eth1]\n");
	expect_counts(14, 0);
	expect_error(INLINE ":4: topology.nodes.v.kind: node 'v' is of kind 'srl', which needs its vendor's image (expected linux or bridge: netlab runs the host's software)");
	expect_error(INLINE ":6: topology.links[0].endpoints[1]: \"host:veth-a\" is a link of type host, which netlab cannot make (expected two nodes of the lab)");
	expect_error(INLINE ":7: topology.links[1].type: a link of type macvlan reaches outside the lab, which netlab cannot make (expected veth)");
	expect_error(INLINE ":10: topology.links[2].type: 'vet' is not a link type, did you mean 'veth'? (expected veth, or no type with endpoints \"node:interface\")");
	expect_error(INLINE ":11: topology.links[3].endpoints[0]: 'lo' cannot be linked (expected another interface name)");
	expect_error(INLINE ":11: topology.links[3].endpoints[1]: \"b\" is not an endpoint (expected \"node:interface\")");
	expect_error(INLINE ":13: topology.links[4].mtu: \"70000\" is not an MTU (expected 68 to 65535)");
	expect_error(INLINE ":14: topology.links[5]: links node 'a' to itself (expected two different nodes)");
	expect_error(INLINE ":15: topology.links[6].endpoints: has 3 endpoints (expected two)");
	expect_error(INLINE ":17: topology.links[8].endpoints[0]: interface 'b:eth7' is already used by topology.links[7] (expected each interface in one link)");
	expect_error(INLINE ":20: topology.links[10].endpoints[0]: has no interface (expected a mapping with node and interface)");
	expect_error(INLINE ":20: topology.links[10].endpoints[1]: has no node (expected a mapping with node and interface)");
	expect_error(INLINE ":21: topology.links[11].endpoints[0]: interface name 'this-name-is-too-long' is longer than 15 bytes (the kernel's IFNAMSIZ)");
	expect_error(INLINE ":22: topology.links[12]: is a sequence (expected a mapping with endpoints)");
}

/* --- detection, the proposed keys, and what the fuzzer feeds --- */

static void test_detect(void **state)
{
	char dir[] = "/tmp/test_read_clab.XXXXXX";
	_cleanup_free_ char *yml = NULL, *other = NULL, *json = NULL;
	FILE *f;

	(void)state;
	assert_true(clab_detect(FIX("lab.clab.yml")));
	/* by name, even before it exists */
	assert_true(clab_detect("missing.clab.yaml"));
	assert_false(clab_detect("topologies/demo.json"));
	assert_false(clab_detect(FIXDIR));
	assert_false(clab_detect("missing.yml"));
	assert_non_null(mkdtemp(dir));
	yml = xasprintf("%s/topo.yml", dir);
	other = xasprintf("%s/other.yml", dir);
	json = xasprintf("%s/clab.json", dir);
	f = fopen(yml, "w");
	assert_non_null(f);
	fputs("name: x\ntopology:\n  nodes: {a: {kind: linux}}\n", f);
	fclose(f);
	f = fopen(other, "w");
	assert_non_null(f);
	fputs("name: x\nnodes:\n  a: {}\n", f);
	fclose(f);
	/* JSON is YAML: a containerlab topology written as JSON is one too */
	f = fopen(json, "w");
	assert_non_null(f);
	fputs("{\"name\": \"x\", \"topology\": {\"nodes\": {}}}", f);
	fclose(f);
	assert_true(clab_detect(yml));
	assert_false(clab_detect(other));
	assert_true(clab_detect(json));
	unlink(yml);
	unlink(other);
	unlink(json);
	rmdir(dir);
}

static void test_strip_proposed(void **state)
{
	(void)state;
	read_fixture(FIX("lab.clab.yml"));
	assert_non_null(jnode("r1", "labels"));
	assert_string_equal(jstr(ctx.j, "nodes", "r1", "startup_on_error"), "continue");
	/* a switch runs no commands */
	assert_null(jnode("sw1", "startup_on_error"));
	clab_strip_proposed(ctx.j);
	for (const char *const *k = clab_proposed_node_keys; *k; k++)
		assert_null(jnode("r1", *k));
	/* netlab's own keys stay, image among them */
	assert_string_equal(jstr(ctx.j, "nodes", "r1", "image"), "quay.io/frrouting/frr:10.5.1");
	assert_non_null(jnode("r1", "kind"));
	assert_non_null(jnode("r1", "env", "CLAB_LABEL_ROLE"));
}

/* A file through the fuzz target's path: the reader, then netlab's parser and the rest. */
static void fuzz_path(const char *path, const char *text, size_t len)
{
	struct topo_diags d = {0};
	json_t *j = clab_read_string(text, len, path, &d);

	/* every error is counted among the diagnostics, each with its file name */
	assert_true(d.n_errors <= d.n);
	for (size_t i = 0; i < d.n; i++)
		assert_non_null(strstr(d.v[i].text, path));
	assert_true(!j == !!d.n_errors);
	if (j) {
		struct topo_diags d2 = {0};
		char *s;
		struct topo *t;

		clab_strip_proposed(j);
		s = json_dumps(j, JSON_COMPACT);
		t = topo_parse_string(s, strlen(s), path, &d2);
		if (t)
			topo_validate(t, &d2);
		topo_free(t);
		topo_diags_free(&d2);
		free(s);
	}
	json_decref(j);
	topo_diags_free(&d);
}

static size_t replay_dir(const char *dir)
{
	_cleanup_(closedirp_) DIR *dd = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!dd)
		return 0;
	while ((de = readdir(dd))) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		size_t len;

		if (de->d_name[0] == '.' || !strstr(de->d_name, ".y"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
		fuzz_path(path, text, len);
		n++;
	}
	return n;
}

/* The fixtures, the fuzzer's seeds and every input it found a problem with. */
static void test_fuzz_replay(void **state)
{
	(void)state;
	assert_true(replay_dir(FIXDIR) >= 7);
	replay_dir("tests/fuzz/seeds-clab");
	replay_dir("tests/fuzz/regressions-clab");
}

/* Aliases of aliases: bounded work and one error, not minutes. */
static void test_alias_bomb(void **state)
{
	_cleanup_free_ char *y = xstrdup("name: bomb\ntopology:\n  defaults:\n    kind: linux\n"
					 "    exec: &e0 [a, b, c, d, e, f, g, h]\n");

	(void)state;
	for (int i = 1; i < 10; i++) {
		char *n = xasprintf("%s    x%d: &e%d [*e%d, *e%d, *e%d, *e%d, *e%d, *e%d, *e%d, *e%d]\n",
				    y, i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);

		free(y);
		y = n;
	}
	{
		char *n = xasprintf("%s  nodes: {h1: {}}\n", y);

		free(y);
		y = n;
	}
	read_text(y);
	/* the keys x1.. are unknown, and nothing walks their expansion (8^10 items) */
	expect_counts(9, 0);
	expect_error(INLINE ":6: topology.defaults: unknown key 'x1' (expected one of: kind, group, image, hostname, binds, exec, env, env-files, labels, sysctls, user, memory, cpu)");
}

/*
 * One mapping of 4,000 keys named by 2,000 nodes: the budget ends it
 * within a second or two. That is the point, and under valgrind's 30-fold
 * slowdown a minute: the memory it touches is that of the tests above.
 */
static void test_many_nodes_one_big_alias(void **state)
{
	_cleanup_free_ char *y = NULL;

	(void)state;
	/* skip() jumps out of the function: before anything is allocated */
	if (getenv("VALGRIND"))
		skip();
	y = xstrdup("name: wide\ntopology:\n  kinds:\n    linux:\n      env: &env {");
	for (int i = 0; i < 4000; i++) {
		char *n = xasprintf("%sV%d: x, ", y, i);

		free(y);
		y = n;
	}
	{
		char *n = xasprintf("%sZ: z}\n  nodes:\n", y);

		free(y);
		y = n;
	}
	for (int i = 0; i < 2000; i++) {
		char *n = xasprintf("%s    n%d: {kind: linux, labels: *env}\n", y, i);

		free(y);
		y = n;
	}
	read_text(y);
	expect_counts(1, 0);
	{
		_cleanup_free_ char *want = xasprintf(INLINE ": names more than %u items and keys once its aliases are followed (expected a smaller document)",
						      YDOC_BUDGET);

		expect_error(want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_fixture, teardown),
		cmocka_unit_test_teardown(test_fixture_inheritance, teardown),
		cmocka_unit_test_teardown(test_fixture_netlab_parses, teardown),
		cmocka_unit_test_teardown(test_bad_syntax, teardown),
		cmocka_unit_test_teardown(test_bad_kind, teardown),
		cmocka_unit_test_teardown(test_bad_vendor, teardown),
		cmocka_unit_test_teardown(test_bad_bind, teardown),
		cmocka_unit_test_teardown(test_bad_endpoint, teardown),
		cmocka_unit_test_teardown(test_bad_mac, teardown),
		cmocka_unit_test_teardown(test_unreadable, teardown),
		cmocka_unit_test_teardown(test_anchors_and_merge_keys, teardown),
		cmocka_unit_test_teardown(test_repeated_key, teardown),
		cmocka_unit_test_teardown(test_top_level, teardown),
		cmocka_unit_test_teardown(test_env_expansion, teardown),
		cmocka_unit_test_teardown(test_netlab_substitution, teardown),
		cmocka_unit_test_teardown(test_name, teardown),
		cmocka_unit_test_teardown(test_kinds, teardown),
		cmocka_unit_test_teardown(test_inheritance, teardown),
		cmocka_unit_test_teardown(test_node_keys, teardown),
		cmocka_unit_test_teardown(test_top_keys, teardown),
		cmocka_unit_test_teardown(test_frr, teardown),
		cmocka_unit_test_teardown(test_bridge, teardown),
		cmocka_unit_test_teardown(test_binds, teardown),
		cmocka_unit_test_teardown(test_bind_home, teardown),
		cmocka_unit_test_teardown(test_env_files, teardown),
		cmocka_unit_test_teardown(test_env_file_values, teardown),
		cmocka_unit_test_teardown(test_env_and_labels, teardown),
		cmocka_unit_test_teardown(test_sysctls, teardown),
		cmocka_unit_test_teardown(test_limits, teardown),
		cmocka_unit_test_teardown(test_user_and_exec, teardown),
		cmocka_unit_test_teardown(test_links, teardown),
		cmocka_unit_test_teardown(test_bad_links, teardown),
		cmocka_unit_test_teardown(test_detect, teardown),
		cmocka_unit_test_teardown(test_strip_proposed, teardown),
		cmocka_unit_test_teardown(test_fuzz_replay, teardown),
		cmocka_unit_test_teardown(test_alias_bomb, teardown),
		cmocka_unit_test_teardown(test_many_nodes_one_big_alias, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
