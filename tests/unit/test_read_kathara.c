/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of read_kathara.h: the labs under tests/fixtures/kathara/ are
 * read with kathara_read() and compared with the JSON beside them (@LAB@
 * standing for the lab's absolute directory); smaller cases go through
 * kathara_parse() as text. Diagnostics are checked word for word, with their
 * file and line. Every good lab, its new keys taken out, must be a valid
 * netlab topology.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_kathara.h"
#include "topo_parse.h"
#include "topo_validate.h"
#include "util.h"

#define FIXTURES "tests/fixtures/kathara"

static void print_diags(const struct topo_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  %s %s\n", d->v[i].severity == TOPO_ERROR ? "error:" : "warning:",
			      d->v[i].text);
}

/* The diagnostics are exactly these, in this order; each "E text" or "W text". */
static void expect_diags(const struct topo_diags *d, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	if (d->n != n)
		print_diags(d);
	assert_int_equal(d->n, n);
	for (size_t i = 0; i < n; i++) {
		enum topo_severity sev = want[i][0] == 'E' ? TOPO_ERROR : TOPO_WARNING;

		if (d->v[i].severity != sev || strcmp(d->v[i].text, want[i] + 2)) {
			print_diags(d);
			fail_msg("diagnostic %zu: wanted \"%s\"", i, want[i]);
		}
	}
}

#define EXPECT(d, ...) expect_diags(d, (const char *const[]){__VA_ARGS__, NULL})

/* Parse lab.conf text (and lab.dep text, when not NULL) of a lab in /lab with these entries. */
static json_t *parse_entries(struct topo_diags *d, const char *conf, const char *dep,
			     const struct kathara_entry *entries, size_t n_entries)
{
	struct kathara_input in = {
		.dir = "/lab",
		.lab_name = "lab",
		.conf_file = "lab.conf",
		.conf = conf,
		.conf_len = strlen(conf),
		.dep_file = "lab.dep",
		.dep = dep,
		.dep_len = dep ? strlen(dep) : 0,
		.entries = entries,
		.n_entries = n_entries,
	};

	topo_diags_free(d);
	return kathara_parse(&in, d);
}

static json_t *parse(struct topo_diags *d, const char *conf, const char *dep)
{
	return parse_entries(d, conf, dep, NULL, 0);
}

/* got equals want (which is released). */
static void assert_json(const json_t *got, json_t *want)
{
	if (!json_equal(got, want)) {
		_cleanup_free_ char *g = json_dumps(got, JSON_ENCODE_ANY);
		_cleanup_free_ char *w = json_dumps(want, JSON_ENCODE_ANY);

		json_decref(want);
		fail_msg("got %s, wanted %s", g ? g : "nothing", w);
	}
	json_decref(want);
}

static const char *node_str(json_t *j, const char *node, const char *key)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(j, "nodes"), node), key));
}

/* j without the keys netlab's format lacks yet, through netlab's parser and validator: no error. */
static void assert_netlab_accepts(json_t *j)
{
	_cleanup_(json_decrefp) json_t *copy = json_deep_copy(j);
	struct topo_diags d = {0};
	_cleanup_free_ char *text = NULL;
	const char *name;
	json_t *node;
	struct topo *t;

	for (const char *const *k = kathara_new_top_keys; *k; k++)
		json_object_del(copy, *k);
	json_object_foreach(json_object_get(copy, "nodes"), name, node)
		for (const char *const *k = kathara_new_node_keys; *k; k++)
			json_object_del(node, *k);
	text = json_dumps(copy, 0);
	t = topo_parse_string(text, strlen(text), "converted.json", &d);
	assert_non_null(t);
	topo_validate(t, &d);
	if (d.n_errors)
		print_diags(&d);
	assert_int_equal(d.n_errors, 0);
	topo_free(t);
	topo_diags_free(&d);
}

/* FIXTURES/name.json with @LAB@ made the lab's absolute directory. */
static json_t *expected(const char *name)
{
	_cleanup_free_ char *path = xasprintf(FIXTURES "/%s.json", name);
	_cleanup_free_ char *dir = xasprintf(FIXTURES "/%s", name);
	_cleanup_free_ char *abs = realpath(dir, NULL), *text = NULL, *out = NULL;
	size_t len, n = 0;
	json_error_t err;
	json_t *j;

	assert_non_null(abs);
	assert_int_equal(read_file(path, 1 << 20, &text, &len), 0);
	out = xcalloc(len * (strlen(abs) + 1) / 5 + len + 1, 1);
	for (const char *s = text; *s;) {
		if (str_has_prefix(s, "@LAB@")) {
			strcpy(out + n, abs);
			n += strlen(abs);
			s += 5;
		} else
			out[n++] = *s++;
	}
	j = json_loads(out, 0, &err);
	if (!j)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	return j;
}

static void check_fixture(const char *name, const char *const *warnings)
{
	_cleanup_free_ char *dir = xasprintf(FIXTURES "/%s", name);
	_cleanup_free_ char *conf = xasprintf("%s/lab.conf", dir);
	_cleanup_(json_decrefp) json_t *want = expected(name);
	struct topo_diags d = {0};
	json_t *j = kathara_read(dir, &d);

	expect_diags(&d, warnings);
	assert_non_null(j);
	if (!json_equal(j, want)) {
		_cleanup_free_ char *got = json_dumps(j, JSON_INDENT(2));

		fail_msg("%s differs from %s.json:\n%s", dir, name, got);
	}
	assert_netlab_accepts(j);
	json_decref(j);
	/* the same lab through its lab.conf */
	topo_diags_free(&d);
	j = kathara_read(conf, &d);
	assert_non_null(j);
	assert_true(json_equal(j, want));
	json_decref(j);
	topo_diags_free(&d);
}

static void test_two_nodes(void **state)
{
	(void)state;
	check_fixture("two-nodes", (const char *const[]){NULL});
}

static void test_frr(void **state)
{
	(void)state;
	check_fixture("frr", (const char *const[]){
		"W " FIXTURES "/frr/lab.conf:21: r2[bridged]=\"true\" is ignored: netlab gives nodes no NAT interface to the host's network",
		"W " FIXTURES "/frr/lab.conf:22: r2[port]=\"8080:80/tcp\" is ignored: netlab forwards no host port into a node",
		NULL});
}

static void test_quagga(void **state)
{
	(void)state;
	check_fixture("quagga-rip", (const char *const[]){NULL});
}

/* Kathará's sysctls first, the lab's after them (a key of both moved to the end), so they win. */
static void test_sysctl_order(void **state)
{
	static const char *const r1[] = {
		"net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
		"net.ipv4.conf.lo.rp_filter", "net.ipv6.conf.default.disable_ipv6",
		"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.forwarding",
		"net.ipv6.conf.all.forwarding", "net.ipv4.conf.eth0.rp_filter",
		"net.ipv6.conf.eth0.disable_ipv6", "net.ipv4.conf.eth1.rp_filter",
		"net.ipv6.conf.eth1.disable_ipv6", "net.ipv4.conf.all.send_redirects",
		"net.ipv4.icmp_ratelimit",
	};
	struct topo_diags d = {0};
	json_t *j = kathara_read(FIXTURES "/frr", &d);
	json_t *sc = json_object_get(json_object_get(json_object_get(j, "nodes"), "r1"), "sysctls");
	const char *key;
	json_t *v;
	size_t i = 0;

	(void)state;
	json_object_foreach(sc, key, v) {
		assert_true(i < ARRAY_SIZE(r1));
		assert_string_equal(key, r1[i]);
		i++;
	}
	assert_int_equal(i, ARRAY_SIZE(r1));
	assert_string_equal(json_string_value(json_object_get(sc, "net.ipv4.icmp_ratelimit")), "1000");
	json_decref(j);
	topo_diags_free(&d);
}

static void check_bad(const char *name, const char *const *errors)
{
	_cleanup_free_ char *dir = xasprintf(FIXTURES "/%s", name);
	struct topo_diags d = {0};

	assert_null(kathara_read(dir, &d));
	expect_diags(&d, errors);
	topo_diags_free(&d);
}

#define BAD(name, ...) check_bad(name, (const char *const[]){__VA_ARGS__, NULL})

static void test_bad_fixtures(void **state)
{
	(void)state;
	BAD("bad-gap", "E " FIXTURES "/bad-gap/lab.conf:2: r1[2]: 'r1' has no eth1 (expected interface numbers consecutive from 0)");
	BAD("bad-mac",
	    "E " FIXTURES "/bad-mac/lab.conf:1: pc1[0]: '00:11:22:33:44:zz' is not a MAC address (expected XX:XX:XX:XX:XX:XX, hexadecimal)",
	    "E " FIXTURES "/bad-mac/lab.conf:2: pc2[0]: '01:00:5e:00:00:01' is a multicast MAC address (expected a unicast one: an even first byte, such as 02:00:00:00:00:01)");
	BAD("bad-cd-space", "E " FIXTURES "/bad-cd-space/lab.conf:1: pc1[0]: collision domain 'my lan' contains a space (expected letters, digits and '_')");
	BAD("bad-unknown-key", "E " FIXTURES "/bad-unknown-key/lab.conf:2: r1[imgae]: unknown key 'imgae', did you mean 'image'? (expected an interface number or one of: image, sysctl, env, exec, ipv6, shell, mem, cpus, ulimit, num_terms, bridged, port, privileged, entrypoint, args, volume)");
	BAD("bad-sysctl", "E " FIXTURES "/bad-sysctl/lab.conf:3: r1[sysctl]: 'kernel.shmmax' is not a network sysctl (expected net.KEY=VALUE, such as net.ipv4.ip_forward=1: only net.* is per node)");
	BAD("bad-dep-cycle", "E " FIXTURES "/bad-dep-cycle/lab.dep:1: a dependency cycle: a -> b -> c -> a (each waits for the next; expected no device to wait for itself)");
	BAD("bad-dep-unknown", "E " FIXTURES "/bad-dep-unknown/lab.dep:2: unknown device 'r9', did you mean 'r1'? (expected a device of " FIXTURES "/bad-dep-unknown/lab.conf)");
	BAD("missing", "E " FIXTURES "/missing: cannot read it: No such file or directory (expected a Kathará lab: a directory holding lab.conf, or its lab.conf)");
}

static void test_detect(void **state)
{
	(void)state;
	assert_true(kathara_detect(FIXTURES "/frr"));
	assert_true(kathara_detect(FIXTURES "/frr/"));
	assert_true(kathara_detect(FIXTURES "/frr/lab.conf"));
	assert_false(kathara_detect(FIXTURES "/frr/lab.dep"));
	assert_false(kathara_detect(FIXTURES));
	assert_false(kathara_detect(FIXTURES "/missing"));
	assert_false(kathara_detect("topologies/demo.json"));
}

/* Quotes, comments, white space, a BOM and CR line ends, as Kathará reads them. */
static void test_values(void **state)
{
	struct topo_diags d = {0};
	json_t *j = parse(&d, "\xef\xbb\xbf# comment\r\n"
			      "  # indented comment\n"
			      "\n"
			      "a[0]=\"A\" # after a quoted value\r\n"
			      "a[exec]='echo \"quoted\"'\n"
			      "a[exec]=echo a#b # kept: no white space before the first #\n"
			      "a[exec]=ip link set eth0 up\n"
			      "b[0]='A'\n",
			  NULL);
	json_t *s = json_object_get(json_object_get(json_object_get(j, "nodes"), "a"), "startup_scripts");

	(void)state;
	EXPECT(&d, NULL);
	assert_int_equal(json_array_size(s), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 0), "command")), "echo \"quoted\"");
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 1), "command")), "echo a#b");
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 2), "command")), "ip link set eth0 up");
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 2), "shell")), "/bin/bash");
	assert_string_equal(json_string_value(json_object_get(j, "shared")), "/lab/shared");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "lab");
	json_decref(j);

	j = parse(&d, "a[0]=\"A\n"
		      "a[1]=\"B\"x\n"
		      "a[2]=\n"
		      "a[image]=\"kathara/base\"#x\n"
		      "a[ipv6]=maybe\n",
		  NULL);
	assert_null(j);
	EXPECT(&d, "E lab.conf:1: a[0]: the value has no closing quote (expected \"value\", 'value' or a bare word)",
	       "E lab.conf:2: a[1]: the value has text after its closing quote (expected a # comment after white space, or nothing) (expected \"value\", 'value' or a bare word)",
	       "E lab.conf:3: a[2]: the value is empty (expected \"value\", 'value' or a bare word)",
	       "E lab.conf:4: a[image]: the value has text after its closing quote (expected a # comment after white space, or nothing) (expected \"value\", 'value' or a bare word)",
	       "E lab.conf:5: a[ipv6]: 'maybe' is not a boolean (expected true or false)");
	assert_null(parse(&d, "# only a comment\nLAB_AUTHOR=me\n", NULL));
	EXPECT(&d, "E lab.conf: defines no device (expected lines such as pc1[0]=\"A\")");
	topo_diags_free(&d);
}

static void test_lines(void **state)
{
	struct topo_diags d = {0};

	(void)state;
	assert_null(parse(&d, "R1[0]=A\n"
			      "shared[0]=A\n"
			      "this is not a lab.conf line\n"
			      "a [0]=A\n"
			      "a[0] = A\n"
			      "a[]=A\n"
			      "a[0]=A\n"
			      "a[0]=B\n"
			      "a[1]=A\n"
			      "a[1234567]=C\n"
			      "b[1]=A\n"
			      "b[4]=B\n"
			      "c[0]=" "ab123456789012345678901234567890123456789012345678901234567890\n",
			  NULL));
	EXPECT(&d, "E lab.conf:1: device name 'R1' may only contain a-z, 0-9 and '_' (expected 1 to 30 of a-z, 0-9 and '_')",
	       "E lab.conf:2: device name 'shared' is reserved by Kathará (expected 1 to 30 of a-z, 0-9 and '_')",
	       "E lab.conf:3: 'this is not a lab.conf line' is not a lab.conf line (expected device[key]=value, LAB_KEY=value or a # comment)",
	       "E lab.conf:4: device name 'a ' may only contain a-z, 0-9 and '_' (expected 1 to 30 of a-z, 0-9 and '_')",
	       "E lab.conf:5: 'a[0] = A' is not a lab.conf line (expected device[key]=value, LAB_KEY=value or a # comment)",
	       "E lab.conf:6: a[]: no key (expected an interface number or a key such as image)",
	       "E lab.conf:8: a[0]: interface eth0 of 'a' is already set at line 7 (expected each interface number once)",
	       "E lab.conf:9: a[1]: 'a' is already on collision domain 'A' by eth0 at line 7 (expected one interface per device on a collision domain)",
	       "E lab.conf:10: a[1234567]: interface number 1234567 is too large (expected 0 to 999999)",
	       "E lab.conf:13: c[0]: collision domain 'ab123456789012345678901234567890123456789012345678901234567890' is longer than 61 characters (expected letters, digits and '_')",
	       "E lab.conf:11: b[1]: 'b' has no eth0 (expected interface numbers consecutive from 0)");
	assert_null(parse(&d, "b[0]=A\nb[3]=B\n", NULL));
	EXPECT(&d, "E lab.conf:2: b[3]: 'b' has no eth1 to eth2 (expected interface numbers consecutive from 0)");
	{
		static const char nul[] = "a[0]=A\0B\n";
		struct kathara_input in = {.dir = "/lab", .conf_file = "lab.conf", .conf = nul,
					   .conf_len = sizeof(nul) - 1};

		topo_diags_free(&d);
		assert_null(kathara_parse(&in, &d));
		EXPECT(&d, "E lab.conf: contains a NUL byte (expected text)");
	}
	topo_diags_free(&d);
}

/* Each key: set, repeated, ignored, or with a bad value. */
static void test_keys(void **state)
{
	struct topo_diags d = {0};
	json_t *j, *a;

	(void)state;
	j = parse(&d, "a[0]=A\n"
		      "a[image]=kathara/base\n"
		      "a[image]=docker.io/kathara/frr:9.1\n"
		      "a[ipv6]=Yes\n"
		      "a[sysctl]=net.ipv4.tcp_syncookies=0\n"
		      "a[sysctl]=net.ipv4.tcp_syncookies = 1\n"
		      "a[env]=A=1\n"
		      "a[env]=A=2\n"
		      "a[env]=B=x=y\n"
		      "a[mem]=512\n"
		      "a[cpus]=1.5\n"
		      "a[ulimit]=memlock=-1:-1\n"
		      "a[num_terms]=2\n"
		      "a[privileged]=true\n"
		      "a[entrypoint]=/sbin/init\n"
		      "a[args]=-v\n"
		      "a[volume]=/tmp|/data|rw\n"
		      "b[0]=A\n"
		      "b[image]=kathara/p4\n"
		      "b[mem]=4194304b\n"
		      "c[image]=example/thing:1\n"
		      "c[mem]=1G\n"
		      "d[image]=kathara/bind:9.11\n",
		  NULL);
	EXPECT(&d, "W lab.conf:3: a[image] is set again (first at line 2); the value of line 3 wins",
	       "W lab.conf:6: a[sysctl]: 'net.ipv4.tcp_syncookies' is set again (first at line 5); the value of line 6 wins",
	       "W lab.conf:8: a[env]: 'A' is set again (first at line 7); the value of line 8 wins",
	       "W lab.conf:12: a[ulimit]=\"memlock=-1:-1\" is ignored: netlab sets no per-node ulimits",
	       "W lab.conf:13: a[num_terms]=\"2\" is ignored: netlab opens no terminals (use netlab shell NODE)",
	       "W lab.conf:14: a[privileged]=\"true\" is ignored: a netlab node runs as root with every capability already",
	       "W lab.conf:15: a[entrypoint]=\"/sbin/init\" is ignored: a netlab node runs no image entrypoint",
	       "W lab.conf:16: a[args]=\"-v\" is ignored: a netlab node runs no image entrypoint",
	       "W lab.conf:17: a[volume]=\"/tmp|/data|rw\" is ignored: netlab mounts no host directory for this key (a netlab topology's \"files\" can)",
	       "W lab.conf:19: b[image]: netlab has no image 'kathara/p4' (a P4 software switch, BMv2, and its compiler): 'b' runs as a plain node with the host's software",
	       "W lab.conf:21: c[image]: netlab has no image 'example/thing:1' (what it provides is not known to netlab): 'c' runs as a plain node with the host's software");
	a = json_object_get(json_object_get(j, "nodes"), "a");
	assert_string_equal(node_str(j, "a", "image"), "docker.io/kathara/frr:9.1");
	assert_string_equal(node_str(j, "a", "kind"), "router"); /* FRR with one interface */
	assert_string_equal(node_str(j, "b", "kind"), "host");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "sysctls"), "net.ipv4.tcp_syncookies")), "1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "sysctls"), "net.ipv6.conf.all.disable_ipv6")), "0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "env"), "A")), "2");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "env"), "B")), "x=y");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "limits"), "memory")), "512M");
	assert_true(json_real_value(json_object_get(json_object_get(a, "limits"), "cpu")) == 1.5);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(json_object_get(j, "nodes"), "b"), "limits"), "memory")), "4194304");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(json_object_get(j, "nodes"), "c"), "limits"), "memory")), "1G");
	assert_netlab_accepts(j);
	json_decref(j);

	assert_null(parse(&d, "a[0]=A\n"
			      "a[sysctl]=net.ipv4.ip_forward\n"
			      "a[sysctl]=net.ipv4.ip_forward=\n"
			      "a[sysctl]=net.ip_forward=1\n"
			      "a[sysctl]=net..ipv4.x=1\n"
			      "a[sysctl]=net.ipv4.x=1=2\n"
			      "a[env]=1A=x\n"
			      "a[env]=A-B=x\n"
			      "a[mem]=3m\n"
			      "a[mem]=lots\n"
			      "a[mem]=12x\n"
			      "a[cpus]=0\n"
			      "a[cpus]=one\n"
			      "a[mem]=1025g\n"
			      "a[exec]=echo \xe0 la carte\n",
			  NULL));
	EXPECT(&d, "E lab.conf:2: a[sysctl]: 'net.ipv4.ip_forward' has no '=' (expected net.KEY=VALUE, such as net.ipv4.ip_forward=1)",
	       "E lab.conf:3: a[sysctl]: 'net.ipv4.ip_forward' has no value (expected net.KEY=VALUE, such as net.ipv4.ip_forward=1)",
	       "E lab.conf:4: a[sysctl]: 'net.ip_forward' is not a network sysctl (expected net.KEY=VALUE, such as net.ipv4.ip_forward=1: only net.* is per node)",
	       "E lab.conf:5: a[sysctl]: 'net..ipv4.x' is not a network sysctl (expected net.KEY=VALUE, such as net.ipv4.ip_forward=1: only net.* is per node)",
	       "E lab.conf:6: a[sysctl]: 'net.ipv4.x' has more than one '=' (expected net.KEY=VALUE, such as net.ipv4.ip_forward=1)",
	       "E lab.conf:7: a[env]: '1A' is not a variable name (expected NAME=VALUE, such as MODE=lab: letters, digits and '_', not first a digit)",
	       "E lab.conf:8: a[env]: 'A-B' is not a variable name (expected NAME=VALUE, such as MODE=lab: letters, digits and '_', not first a digit)",
	       "E lab.conf:9: a[mem]: '3m' is not a memory size from 4m to 1024g (expected a number with b, k, m or g, such as 128m)",
	       "W lab.conf:10: a[mem] is set again (first at line 9); the value of line 10 wins",
	       "E lab.conf:10: a[mem]: 'lots' is not a memory size from 4m to 1024g (expected a number with b, k, m or g, such as 128m)",
	       "W lab.conf:11: a[mem] is set again (first at line 10); the value of line 11 wins",
	       "E lab.conf:11: a[mem]: '12x' is not a memory size from 4m to 1024g (expected a number with b, k, m or g, such as 128m)",
	       "E lab.conf:12: a[cpus]: '0' is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 0.5)",
	       "W lab.conf:13: a[cpus] is set again (first at line 12); the value of line 13 wins",
	       "E lab.conf:13: a[cpus]: 'one' is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 0.5)",
	       "W lab.conf:14: a[mem] is set again (first at line 11); the value of line 14 wins",
	       "E lab.conf:14: a[mem]: '1025g' is not a memory size from 4m to 1024g (expected a number with b, k, m or g, such as 128m)",
	       "E lab.conf:15: is not UTF-8 text (expected UTF-8, as Kathará reads it)");
	topo_diags_free(&d);
}

static void test_meta(void **state)
{
	struct topo_diags d = {0};
	json_t *j = parse(&d, "LAB_NAME=\"Example lab\"\n"
			      "LAB_DESCRIPTION='A lab: with = signs'\n"
			      "LAB_COURSE=networks # ours\n"
			      "LAB_WEB=\n"
			      "LAB_VERSION=1\n"
			      "LAB_VERSION=2\n"
			      "a[0]=A\n",
			  NULL);
	json_t *meta = json_object_get(j, "meta");

	(void)state;
	EXPECT(&d, "W lab.conf:6: LAB_VERSION is set again (first at line 5); the value of line 6 wins");
	assert_string_equal(json_string_value(json_object_get(meta, "name")), "Example lab");
	assert_string_equal(json_string_value(json_object_get(meta, "description")), "A lab: with = signs");
	assert_string_equal(json_string_value(json_object_get(meta, "course")), "networks");
	assert_string_equal(json_string_value(json_object_get(meta, "web")), "");
	assert_string_equal(json_string_value(json_object_get(meta, "version")), "2");
	json_decref(j);
	assert_null(parse(&d, "LAB_=x\nLAB_lower=x\nLAB_X=\"x\nLAB_Y[0]=A\n", NULL));
	EXPECT(&d, "E lab.conf:1: 'LAB_' names no key (expected such as LAB_DESCRIPTION=\"...\")",
	       "E lab.conf:2: 'LAB_lower' is not a LAB_ key (expected LAB_ and capitals, such as LAB_DESCRIPTION)",
	       "E lab.conf:3: the value of LAB_X has no closing quote",
	       "E lab.conf:4: device name 'LAB_Y' may only contain a-z, 0-9 and '_' (expected 1 to 30 of a-z, 0-9 and '_')");
	topo_diags_free(&d);
}

static void test_dep(void **state)
{
	static const char conf[] = "a[0]=A\nb[0]=A\nc[0]=A\n";
	struct topo_diags d = {0};
	json_t *j;

	(void)state;
	j = parse(&d, conf, "# c waits\n\nc: a b a\nb:a\nb: a\n");
	EXPECT(&d, "W lab.dep:5: 'b' is listed again (first at line 4); line 5 wins, as in Kathará");
	assert_json(json_object_get(json_object_get(json_object_get(j, "nodes"), "c"), "after"),
		    json_pack("[ss]", "a", "b"));
	json_decref(j);
	assert_null(parse(&d, conf, "a: a\nb c\nc:\n: a\nb: x\n"));
	EXPECT(&d, "E lab.dep:2: 'b c' is not a lab.dep line (expected 'device: device1 device2 ...')",
	       "E lab.dep:3: 'c:' names no device to wait for (expected 'device: device1 device2 ...')",
	       "E lab.dep:4: no device before ':' (expected 'device: device1 device2 ...')",
	       "E lab.dep:5: unknown device 'x' (expected a device of lab.conf)",
	       "E lab.dep:1: a dependency cycle: a -> a (each waits for the next; expected no device to wait for itself)");
	topo_diags_free(&d);
}

/* Files and directories of the lab: scripts, node directories, shared/, a stray script, lab.ext. */
static void test_entries(void **state)
{
	static const struct kathara_entry e[] = {
		{"a", true},	      {"a.startup", false}, {"a.shutdown", false}, {"b", false},
		{"b.startup", true},  {"shared", true},	    {"shared.startup", false},
		{"z9.startup", false}, {"x.y.startup", false}, {"lab.ext", false},
	};
	struct topo_diags d = {0};
	json_t *j = parse_entries(&d, "a[0]=A\nb[0]=A\n", NULL, e, ARRAY_SIZE(e));
	json_t *nodes = json_object_get(j, "nodes");

	(void)state;
	EXPECT(&d, "W z9.startup: lab.conf has no device 'z9': the script is not run",
	       "W lab.ext: external collision domains (host interfaces in a lab) are not supported: the file is ignored");
	assert_string_equal(node_str(j, "a", "overlay"), "/lab/a");
	assert_null(json_object_get(json_object_get(nodes, "b"), "overlay")); /* a file, not a directory */
	assert_json(json_object_get(json_object_get(nodes, "a"), "startup_scripts"),
		    json_pack("[{s:s,s:s},{s:s,s:s}]", "file", "/lab/shared.startup", "shell",
			      "/bin/bash", "file", "/lab/a.startup", "shell", "/bin/bash"));
	assert_json(json_object_get(json_object_get(nodes, "b"), "startup_scripts"),
		    json_pack("[{s:s,s:s}]", "file", "/lab/shared.startup", "shell", "/bin/bash"));
	assert_json(json_object_get(json_object_get(nodes, "a"), "shutdown_scripts"),
		    json_pack("[{s:s,s:s}]", "file", "/lab/a.shutdown", "shell", "/bin/bash"));
	json_decref(j);
	topo_diags_free(&d);
}

static void test_lab_name(void **state)
{
	struct kathara_input in = {
		.dir = "/",
		.lab_name = "my lab.v2 (2024)",
		.conf_file = "lab.conf",
		.conf = "a[0]=A\n",
		.conf_len = 7,
	};
	struct topo_diags d = {0};
	json_t *j = kathara_parse(&in, &d);

	(void)state;
	EXPECT(&d, "W lab.conf: the lab's directory name 'my lab.v2 (2024)' is not a lab name (1 to 32 of letters, digits, '-' and '_'): the lab is 'my-lab-v2-2024' (up --name chooses another)");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "my-lab-v2-2024");
	assert_string_equal(json_string_value(json_object_get(j, "shared")), "/shared");
	json_decref(j);
	topo_diags_free(&d);
}

/* startup[i] of node in j contains each of the strings. */
static void assert_startup_has(json_t *j, const char *node, size_t i, const char *const *want)
{
	json_t *st = json_object_get(json_object_get(json_object_get(j, "nodes"), node), "startup");
	const char *c = json_string_value(json_array_get(st, i));

	assert_non_null(c);
	for (; *want; want++)
		if (!strstr(c, *want))
			fail_msg("%s's startup[%zu] has no \"%s\": %s", node, i, *want, c);
}

#define STARTUP_HAS(j, node, i, ...) assert_startup_has(j, node, i, (const char *const[]){__VA_ARGS__, NULL})

/*
 * kathara_lower(): a node's directory as files, then its scripts as startup
 * commands as Kathará runs them: the run marked first in the log, /var/www
 * and /etc/frr's modes, shared.startup into /var/log/shared.log, NODE.startup
 * into a fresh /var/log/startup.log, exec lines after it; under bash an ERR
 * trap names each failing line by script and line (or NODE[exec]).
 */
static void test_lower(void **state)
{
	struct topo_diags d = {0};
	json_t *j = kathara_read(FIXTURES "/services", &d), *pc, *files;
	_cleanup_free_ char *abs = realpath(FIXTURES "/services", NULL);
	_cleanup_free_ char *resolv = xasprintf("%s/pc/etc/resolv.conf", abs);
	_cleanup_free_ char *script = xasprintf("%s/pc.startup", abs);

	(void)state;
	assert_non_null(j);
	assert_int_equal(d.n_errors, 0);
	kathara_lower(j);
	pc = json_object_get(json_object_get(j, "nodes"), "pc");
	for (const char *const *k = (const char *const[]){"overlay", "startup_scripts", "shutdown_scripts", NULL}; *k; k++)
		assert_null(json_object_get(pc, *k));
	files = json_object_get(pc, "files");
	assert_string_equal(json_string_value(json_object_get(files, "/etc/resolv.conf")), resolv);
	assert_json(json_object_get(files, "/run/kathara/pc.startup"),
		    json_pack("{s:s, s:b}", "path", script, "ro", 1));
	assert_int_equal(json_array_size(json_object_get(pc, "startup")), 4);
	STARTUP_HAS(j, "pc", 0, "echo 'netlab: startup of pc'; ", "chmod -R 777 /var/www/*",
		    "chown -R frr:frr $d");
	STARTUP_HAS(j, "pc", 1, "'/bin/bash' -c ", "netlab: shared.startup line %s: exit status %s: %s\\n",
		    "ERR; set -x; ", "'/run/kathara/shared.startup'", "cat \"$o\" > /var/log/shared.log",
		    "; true");
	STARTUP_HAS(j, "pc", 2, "netlab: pc.startup line %s: exit status %s: %s\\n", "\"$LINENO\" \"$?\"",
		    "cat \"$o\" > /var/log/startup.log");
	STARTUP_HAS(j, "pc", 3, "netlab: pc[exec] line", "printf '%s' 'ip route add 10.9.9.0/24 via 192.0.2.1'",
		    "cat \"$o\" >> /var/log/startup.log");
	assert_null(json_object_get(json_object_get(json_object_get(j, "nodes"), "cd-A"), "startup"));
	json_decref(j);
	topo_diags_free(&d);

	/* another shell: traced with -x, without the trap bash alone has; shutdowns untraced */
	{
		static const struct kathara_entry e[] = {{"a.startup", false}, {"a.shutdown", false}};

		j = parse_entries(&d, "a[0]=A\na[shell]=\"/bin/sh\"\nb[0]=A\n", NULL, e, ARRAY_SIZE(e));
		kathara_lower(j);
		/* without a directory of its own: the run's marker on its first script */
		STARTUP_HAS(j, "a", 0, "echo 'netlab: startup of a'; o=$(mktemp); '/bin/sh' -x -c \"$(sed ");
		assert_null(strstr(json_string_value(json_array_get(json_object_get(json_object_get(
					   json_object_get(j, "nodes"), "a"), "startup"), 0)), "trap"));
		assert_null(json_object_get(json_object_get(json_object_get(j, "nodes"), "b"), "startup"));
		{
			const char *down = json_string_value(json_array_get(json_object_get(
				json_object_get(json_object_get(j, "nodes"), "a"), "shutdown"), 0));

			assert_non_null(down);
			assert_non_null(strstr(down, "'/bin/sh' -c \"$(sed "));
			assert_null(strstr(down, "-x"));
			assert_null(strstr(down, "trap"));
		}
		json_decref(j);
		topo_diags_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_nodes),   cmocka_unit_test(test_frr),
		cmocka_unit_test(test_quagga),	    cmocka_unit_test(test_sysctl_order),
		cmocka_unit_test(test_bad_fixtures), cmocka_unit_test(test_detect),
		cmocka_unit_test(test_values),	    cmocka_unit_test(test_lines),
		cmocka_unit_test(test_keys),	    cmocka_unit_test(test_meta),
		cmocka_unit_test(test_dep),	    cmocka_unit_test(test_entries),
		cmocka_unit_test(test_lab_name),    cmocka_unit_test(test_lower),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
