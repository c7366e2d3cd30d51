/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of state.h that touch nothing under /run: the paths of a lab's
 * state, the in-memory objects, and the JSON of `status --json`, read back
 * with jansson and checked field by field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

/* --- paths --- */

static void test_paths(void **state)
{
	_cleanup_free_ char *dir = state_lab_dir("demo");
	_cleanup_free_ char *uts = state_uts_path("demo", "r1");
	_cleanup_free_ char *file = state_file_path("demo");
	_cleanup_free_ char *pin = state_pin_prefix("demo", "r1");
	_cleanup_free_ char *log = state_log_path("demo", "r1");

	(void)state;
	assert_string_equal(dir, "/run/netlab/demo");
	assert_string_equal(uts, "/run/netlab/demo/ns/r1.uts");
	assert_string_equal(file, "/run/netlab/demo/state.json");
	assert_string_equal(pin, "/run/netlab/demo/ns/r1");
	assert_string_equal(log, "/run/netlab/demo/logs/r1.log");
}

static void test_paths_are_inside_the_lab(void **state)
{
	char lab[TOPO_LAB_NAME_MAX + 1], node[TOPO_NODE_NAME_MAX + 1];
	_cleanup_free_ char *dir = NULL, *uts = NULL, *file = NULL, *want = NULL;

	(void)state;
	memset(lab, 'L', TOPO_LAB_NAME_MAX);
	lab[TOPO_LAB_NAME_MAX] = '\0';
	memset(node, 'n', TOPO_NODE_NAME_MAX);
	node[TOPO_NODE_NAME_MAX] = '\0';
	dir = state_lab_dir(lab);
	uts = state_uts_path(lab, node);
	file = state_file_path(lab);
	/* the longest names are kept whole */
	want = xasprintf("/run/netlab/%s/ns/%s.uts", lab, node);
	assert_string_equal(uts, want);
	assert_true(str_has_prefix(uts, dir));
	assert_true(str_has_prefix(file, dir));
	assert_int_equal(uts[strlen(dir)], '/');
	assert_int_equal(file[strlen(dir)], '/');
	/* a node named like a file of the lab stays under ns/ */
	free(uts);
	uts = state_uts_path("demo", "..");
	assert_string_equal(uts, "/run/netlab/demo/ns/...uts");
}

/* --- objects --- */

static void test_state_new_free(void **state)
{
	struct state *s = state_new("lab1");
	char name[] = "lab2";
	struct state *t = state_new(name);

	(void)state;
	assert_string_equal(s->lab, "lab1");
	assert_null(s->status);
	assert_int_equal(s->n_nodes, 0);
	assert_int_equal(s->n_links, 0);
	/* the name is copied */
	name[0] = 'X';
	assert_string_equal(t->lab, "lab2");
	assert_null(state_free(s));
	assert_null(state_free(t));
	assert_null(state_free(NULL));
}

static void test_state_free_half_filled(void **state)
{
	struct state *s = state_new("lab");

	(void)state;
	/* as state_read leaves it when a node turns out incomplete */
	s->status = xstrdup("up");
	s->nodes = xcalloc(3, sizeof(*s->nodes));
	s->n_nodes = 2;
	s->nodes[0].name = xstrdup("r1");
	s->nodes[0].env = xcalloc(2, sizeof(char *));
	s->nodes[0].env[0] = xstrdup("A=b");
	s->nodes[0].n_env = 1;
	s->nodes[0].routes = xcalloc(1, sizeof(*s->nodes[0].routes));
	s->nodes[0].addrs = xcalloc(1, sizeof(*s->nodes[0].addrs));
	s->nodes[1].kind = xstrdup("host");
	s->links = xcalloc(1, sizeof(*s->links));
	s->n_links = 1;
	topo_end_parse("r1:eth0", &s->links[0].ends[0]);
	assert_int_equal(s->n_nodes, 2);
	/* valgrind and ASan check that everything goes */
	assert_null(state_free(s));
}

static void test_state_node_clear(void **state)
{
	struct state_node n = {0};

	(void)state;
	state_node_clear(&n);
	n.name = xstrdup("r1");
	n.netns = xstrdup("lab.r1");
	n.env = xcalloc(3, sizeof(char *));
	n.env[0] = xstrdup("A=1");
	n.env[1] = xstrdup("B=2");
	n.n_env = 2;
	n.pid = true;
	state_node_clear(&n);
	assert_null(n.name);
	assert_null(n.env);
	assert_int_equal(n.n_env, 0);
	assert_false(n.pid);
}

/* --- the state files: encoded, decoded, split in two --- */

/* A lab of two nodes: r1 isolated with limits, env, a route and two addresses; h1 plain. */
static struct state *sample_state(void)
{
	struct state *s = state_new("lab");
	struct state_node *r1, *h1;

	s->status = xstrdup("up");
	s->topology = xstrdup("/tmp/lab.json");
	s->created = 1796000000;
	s->creator_pid = 4242;
	s->creator_start = 123456789012ULL;
	s->nodes = xcalloc(2, sizeof(*s->nodes));
	s->n_nodes = 2;
	r1 = &s->nodes[0];
	h1 = &s->nodes[1];
	r1->name = xstrdup("r1");
	r1->kind = xstrdup("router");
	r1->hostname = xstrdup("core-1");
	r1->netns = xstrdup("lab.r1");
	r1->pid = r1->mount = r1->cgroup = true;
	r1->has_cgroup = true;
	r1->memory = 256u << 20;
	r1->cpu = 0.5;
	r1->pids = 64;
	r1->init_pid = 77;
	r1->init_start = 999;
	r1->env = xcalloc(2, sizeof(char *));
	r1->env[0] = xstrdup("A=b c");
	r1->n_env = 1;
	r1->routes = xcalloc(1, sizeof(*r1->routes));
	r1->n_routes = 1;
	assert_int_equal(prefix_parse("10.9.0.0/16", &r1->routes[0].to), 0);
	assert_int_equal(addr_parse("10.0.0.2", &r1->routes[0].via), 0);
	r1->routes[0].has_via = true;
	strscpy(r1->routes[0].dev, "eth0", sizeof(r1->routes[0].dev));
	r1->routes[0].metric = 20;
	r1->addrs = xcalloc(2, sizeof(*r1->addrs));
	r1->n_addrs = 2;
	strscpy(r1->addrs[0].dev, "eth0", sizeof(r1->addrs[0].dev));
	assert_int_equal(prefix_parse("10.0.0.1/30", &r1->addrs[0].prefix), 0);
	strscpy(r1->addrs[1].dev, "lo", sizeof(r1->addrs[1].dev));
	assert_int_equal(prefix_parse("2001:db8::1/128", &r1->addrs[1].prefix), 0);
	h1->name = xstrdup("h1");
	h1->kind = xstrdup("host");
	h1->hostname = xstrdup("h1");
	h1->netns = xstrdup("lab.h1");
	s->links = xcalloc(2, sizeof(*s->links));
	s->n_links = 2;
	topo_end_parse("r1:eth0", &s->links[0].ends[0]);
	topo_end_parse("h1:eth0", &s->links[0].ends[1]);
	s->links[0].up = true;
	s->links[0].wire[0] = 103;
	s->links[0].wire[1] = 104;
	topo_end_parse("r1:eth1", &s->links[1].ends[0]);
	topo_end_parse("h1:eth1", &s->links[1].ends[1]);
	s->links[1].up = true;
	s->links[1].plain = true;
	s->links[0].impair[1] = (struct topo_impair){.set = true, .delay_ns = 20000000, .loss = 1.5,
						    .rate_bps = 10000000};
	return s;
}

static struct state *decode_parts(const char *nodes, const char *wiring)
{
	struct state *s = state_new("lab");
	_cleanup_err_ struct lab_err *e = NULL;

	assert_int_equal(state_decode(s, STATE_NODES, nodes, strlen(nodes), "state.json", &e), 0);
	if (wiring)
		assert_int_equal(state_decode(s, STATE_WIRING, wiring, strlen(wiring), "wiring.json", &e), 0);
	assert_null(e);
	return s;
}

static void test_state_round_trip(void **state)
{
	_cleanup_(state_freep) struct state *s = sample_state();
	_cleanup_(state_freep) struct state *t = NULL;
	_cleanup_free_ char *nodes = state_encode(s, STATE_NODES);
	_cleanup_free_ char *wiring = state_encode(s, STATE_WIRING);
	char buf[PREFIX_STRLEN];
	const struct state_node *r1;

	(void)state;
	t = decode_parts(nodes, wiring);
	assert_string_equal(t->status, "up");
	assert_string_equal(t->topology, "/tmp/lab.json");
	assert_int_equal(t->created, 1796000000);
	assert_int_equal(t->creator_pid, 4242);
	assert_true(t->creator_start == 123456789012ULL);
	assert_int_equal(t->n_nodes, 2);
	r1 = &t->nodes[0];
	assert_string_equal(r1->name, "r1");
	assert_string_equal(r1->kind, "router");
	assert_string_equal(r1->hostname, "core-1");
	assert_string_equal(r1->netns, "lab.r1");
	assert_true(r1->pid && r1->mount && r1->cgroup && !r1->ipc && r1->has_cgroup);
	assert_true(r1->memory == 256u << 20);
	assert_true(r1->cpu == 0.5);
	assert_int_equal(r1->pids, 64);
	assert_int_equal(r1->init_pid, 77);
	assert_int_equal(r1->n_env, 1);
	assert_string_equal(r1->env[0], "A=b c");
	assert_int_equal(r1->n_routes, 1);
	assert_string_equal(prefix_format(&r1->routes[0].to, buf), "10.9.0.0/16");
	assert_true(r1->routes[0].has_via);
	assert_string_equal(addr_format(&r1->routes[0].via, buf), "10.0.0.2");
	assert_string_equal(r1->routes[0].dev, "eth0");
	assert_int_equal(r1->routes[0].metric, 20);
	assert_int_equal(r1->n_addrs, 2);
	assert_string_equal(r1->addrs[1].dev, "lo");
	assert_string_equal(prefix_format(&r1->addrs[1].prefix, buf), "2001:db8::1/128");
	assert_int_equal(t->nodes[1].n_routes + t->nodes[1].n_addrs + t->nodes[1].n_env, 0);
	assert_false(t->nodes[1].has_cgroup || t->nodes[1].pid);
	assert_int_equal(t->n_links, 2);
	assert_string_equal(t->links[0].ends[0].node, "r1");
	assert_string_equal(t->links[0].ends[0].ifname, "eth0");
	assert_string_equal(t->links[0].ends[1].node, "h1");
	assert_string_equal(t->links[0].ends[1].ifname, "eth0");
	assert_true(t->links[0].up);
	assert_int_equal(t->links[0].wire[0], 103);
	assert_int_equal(t->links[0].wire[1], 104);
	assert_false(t->links[0].plain);
	/* "cables": false: one veth pair, no wire ends */
	assert_true(t->links[1].plain);
	assert_int_equal(t->links[1].wire[0] + t->links[1].wire[1], 0);
	assert_false(t->links[0].impair[0].set);
	assert_true(t->links[0].impair[1].set);
	assert_true(t->links[0].impair[1].delay_ns == 20000000);
	assert_true(t->links[0].impair[1].loss == 1.5);
	assert_true(t->links[0].impair[1].rate_bps == 10000000);
}

static void test_state_parts_are_apart(void **state)
{
	_cleanup_(state_freep) struct state *s = sample_state();
	_cleanup_(state_freep) struct state *t = NULL;
	_cleanup_free_ char *nodes = state_encode(s, STATE_NODES);
	_cleanup_free_ char *wiring = state_encode(s, STATE_WIRING);

	(void)state;
	/* what down reads holds no wiring, and the wiring nothing of the nodes' identity */
	assert_null(strstr(nodes, "10.0.0.1/30"));
	assert_null(strstr(nodes, "endpoints"));
	assert_null(strstr(wiring, "core-1"));
	assert_null(strstr(wiring, "\"status\""));
	assert_non_null(strstr(nodes, "\"version\":3"));
	assert_non_null(strstr(wiring, "\"version\":3"));
	assert_non_null(strstr(wiring, "\"wire\":[103,104]"));
	/* defaults go unsaid: h1's host name is its name, and both netns are LAB.NODE */
	assert_non_null(strstr(nodes, "\"hostname\":\"core-1\""));
	assert_null(strstr(nodes, "\"hostname\":\"h1\""));
	assert_null(strstr(nodes, "\"netns\""));
	/* state.json alone: nodes whole, no wiring */
	t = decode_parts(nodes, NULL);
	assert_int_equal(t->n_nodes, 2);
	assert_string_equal(t->nodes[1].hostname, "h1");
	assert_string_equal(t->nodes[1].netns, "lab.h1");
	assert_int_equal(t->nodes[0].init_pid, 77);
	assert_int_equal(t->nodes[0].n_addrs + t->nodes[0].n_routes, 0);
	assert_int_equal(t->n_links, 0);
}

static void test_state_version1(void **state)
{
	/* a lab brought up by netlab 0.x: one state.json with the wiring inside */
	static const char v1[] =
		"{\"version\":1,\"lab\":\"lab\",\"status\":\"up\",\"topology\":\"/t.json\",\"created\":5,"
		"\"nodes\":[{\"name\":\"r1\",\"kind\":\"router\",\"hostname\":\"r1\",\"netns\":\"lab.r1\","
		"\"routes\":[{\"to\":\"0.0.0.0/0\",\"via\":\"10.0.0.2\"}],"
		"\"addresses\":[[\"eth0\",\"10.0.0.1/30\"]]}],"
		"\"links\":[{\"endpoints\":[\"r1:eth0\",\"h1:eth0\"],\"up\":false}]}";
	/* and once `link` or `impair` wrote a wiring.json beside it: the wiring there wins */
	static const char wiring[] =
		"{\"version\":3,\"nodes\":{\"r1\":{\"addresses\":[[\"eth0\",\"10.0.0.5/30\"],"
		"[\"lo\",\"10.9.9.9/32\"]]}},"
		"\"links\":[{\"endpoints\":[\"r1:eth0\",\"h1:eth0\"],\"up\":true}]}";
	_cleanup_(state_freep) struct state *t = decode_parts(v1, NULL);
	_cleanup_(state_freep) struct state *u = decode_parts(v1, wiring);
	char buf[PREFIX_STRLEN];

	(void)state;
	assert_int_equal(t->version, 1);
	assert_int_equal(t->n_nodes, 1);
	assert_string_equal(t->nodes[0].hostname, "r1");
	assert_string_equal(t->nodes[0].netns, "lab.r1");
	assert_int_equal(t->nodes[0].n_routes, 1);
	assert_true(t->nodes[0].routes[0].has_via);
	assert_string_equal(addr_format(&t->nodes[0].routes[0].via, buf), "10.0.0.2");
	assert_int_equal(t->nodes[0].n_addrs, 1);
	assert_int_equal(t->n_links, 1);
	assert_false(t->links[0].up);
	/* from before wire ends: one veth pair, `link` takes its ends down and up */
	assert_int_equal(t->links[0].wire[0] + t->links[0].wire[1], 0);
	assert_int_equal(u->nodes[0].n_addrs, 2);
	assert_string_equal(prefix_format(&u->nodes[0].addrs[1].prefix, buf), "10.9.9.9/32");
	assert_int_equal(u->nodes[0].n_routes, 0);
	assert_int_equal(u->n_links, 1);
	assert_true(u->links[0].up);
}

static void test_state_corrupt(void **state)
{
	static const char *bad_nodes[] = {
		"{\"lab\": \"trunc",                          /* cut short */
		"[1, 2]",                                      /* not an object */
		"{\"status\": \"up\"}",                        /* no nodes */
		"{\"nodes\": []}",                             /* no status */
		"{\"status\": \"up\", \"nodes\": [{\"name\": \"r1\"}]}", /* a node without its kind */
		"{\"version\": 99, \"status\": \"up\", \"nodes\": []}",  /* a newer netlab's */
		"{\"status\": \"up\", \"status\": \"up\", \"nodes\": []}", /* a duplicate key */
	};
	static const char *bad_wiring[] = {"{\"nodes\": {}}", "{\"links\": []}", "{"};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_nodes); i++) {
		_cleanup_(state_freep) struct state *s = state_new("lab");
		_cleanup_err_ struct lab_err *e = NULL;

		assert_int_equal(state_decode(s, STATE_NODES, bad_nodes[i], strlen(bad_nodes[i]),
					      "/run/netlab/lab/state.json", &e), -EBADMSG);
		assert_non_null(e);
		assert_non_null(strstr(e->msg, "the state of lab 'lab' (/run/netlab/lab/state.json) is corrupt"));
		assert_non_null(strstr(e->msg, "netlab down --force lab"));
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_wiring); i++) {
		_cleanup_(state_freep) struct state *s = state_new("lab");
		_cleanup_err_ struct lab_err *e = NULL;

		assert_int_equal(state_decode(s, STATE_WIRING, bad_wiring[i], strlen(bad_wiring[i]),
					      "wiring.json", &e), -EBADMSG);
		assert_non_null(strstr(e->msg, "(wiring.json) is corrupt"));
	}
}

static void test_state_wiring_of_unknown_node(void **state)
{
	/* wiring of a node state.json does not have is ignored; a node without any has none */
	static const char nodes[] = "{\"status\":\"up\",\"nodes\":[{\"name\":\"a\",\"kind\":\"host\","
				    "\"hostname\":\"a\",\"netns\":\"l.a\"}]}";
	static const char wiring[] = "{\"nodes\":{\"zz\":{\"addresses\":[[\"eth0\",\"10.0.0.1/24\"]]}},"
				     "\"links\":[]}";
	_cleanup_(state_freep) struct state *t = decode_parts(nodes, wiring);

	(void)state;
	assert_int_equal(t->n_nodes, 1);
	assert_int_equal(t->nodes[0].n_addrs, 0);
	assert_int_equal(t->n_links, 0);
}

static void test_state_part_paths(void **state)
{
	_cleanup_free_ char *a = state_part_path("demo", STATE_NODES);
	_cleanup_free_ char *b = state_part_path("demo", STATE_WIRING);

	(void)state;
	assert_string_equal(a, "/run/netlab/demo/state.json");
	assert_string_equal(b, "/run/netlab/demo/wiring.json");
}

/* --- status --json --- */

/* What a status test owns, freed by teardown even when an assertion fails. */
struct ctx {
	char *text;
	json_t *j;
};

static int setup(void **state)
{
	*state = xcalloc(1, sizeof(struct ctx));
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	free(c->text);
	json_decref(c->j);
	free(c);
	return 0;
}

/* state_status_json() of labs, read back. */
static json_t *status(void **state, const struct status_lab *labs, size_t n)
{
	struct ctx *c = *state;
	json_error_t e;

	c->text = state_status_json(labs, n);
	assert_non_null(c->text);
	c->j = json_loads(c->text, JSON_REJECT_DUPLICATES, &e);
	if (!c->j)
		fail_msg("not JSON (%d:%d: %s):\n%s", e.line, e.column, e.text, c->text);
	return c->j;
}

static json_t *get(json_t *o, const char *key)
{
	json_t *v;

	assert_true(json_is_object(o));
	v = json_object_get(o, key);
	if (!v)
		fail_msg("no key '%s'", key);
	return v;
}

static void assert_json_str(json_t *o, const char *key, const char *want)
{
	json_t *v = get(o, key);

	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), want);
}

static void assert_json_int(json_t *o, const char *key, long long want)
{
	json_t *v = get(o, key);

	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), want);
}

static void assert_json_bool(json_t *o, const char *key, bool want)
{
	json_t *v = get(o, key);

	assert_true(json_is_boolean(v));
	assert_int_equal(json_is_true(v), want);
}

/* A lab with a router, a switch and two links, as status.c fills it. */
struct sample {
	char *r1_addrs[2], *lo_addrs[1];
	struct status_iface r1_ifaces[2], sw_ifaces[1];
	struct status_node nodes[2];
	struct status_link links[2];
	struct status_lab labs[2];
};

static void sample_init(struct sample *s)
{
	*s = (struct sample){0};
	s->lo_addrs[0] = "127.0.0.1/8";
	s->r1_addrs[0] = "10.0.0.1/24";
	s->r1_addrs[1] = "2001:db8::1/64";

	strcpy(s->r1_ifaces[0].name, "lo");
	s->r1_ifaces[0].state = "up";
	s->r1_ifaces[0].mtu = 65536;
	strcpy(s->r1_ifaces[0].mac, "00:00:00:00:00:00");
	s->r1_ifaces[0].addrs = s->lo_addrs;
	s->r1_ifaces[0].n_addrs = 1;
	strcpy(s->r1_ifaces[1].name, "eth0");
	s->r1_ifaces[1].state = "no-carrier";
	s->r1_ifaces[1].mtu = 1500;
	strcpy(s->r1_ifaces[1].mac, "02:00:00:00:00:0a");
	s->r1_ifaces[1].addrs = s->r1_addrs;
	s->r1_ifaces[1].n_addrs = 2;
	strcpy(s->sw_ifaces[0].name, "eth0");
	s->sw_ifaces[0].state = "down";
	s->sw_ifaces[0].mtu = 9000;
	strcpy(s->sw_ifaces[0].mac, "02:00:00:00:00:0b");
	s->sw_ifaces[0].master = "br0";

	s->nodes[0] = (struct status_node){
		.name = "r1", .kind = "router", .hostname = "core-1", .netns = "demo.r1",
		.present = true, .pid = true, .mount = true, .cgroup = true,
		.memory = 256ULL << 20, .cpu = 0.5, .pids = 100, .init_pid = 4242, .processes = 3,
		.ifaces = s->r1_ifaces, .n_ifaces = 2, .routes4 = 4, .routes6 = 2,
	};
	s->nodes[1] = (struct status_node){
		.name = "sw", .kind = "switch", .hostname = "sw", .netns = "demo.sw",
		.present = false, .ifaces = s->sw_ifaces, .n_ifaces = 1,
	};
	s->links[0] = (struct status_link){.ends = {"r1:eth0", "sw:eth0"}, .state = "down",
					   .impair = {"delay 20ms", NULL}};
	s->links[1] = (struct status_link){.ends = {"r1:eth1", "sw:eth1"}, .state = "unknown"};
	s->labs[0] = (struct status_lab){
		.name = "demo", .status = "up", .topology = "/srv/labs/demo.json",
		.created = 1700000000, .nodes = s->nodes, .n_nodes = 2, .links = s->links, .n_links = 2,
	};
	/* a lab whose state is corrupt: shown, with nothing in it */
	s->labs[1] = (struct status_lab){.name = "old", .status = "broken", .topology = ""};
}

static void test_status_json_empty(void **state)
{
	json_t *j = status(state, NULL, 0), *labs;

	labs = get(j, "labs");
	assert_true(json_is_array(labs));
	assert_int_equal(json_array_size(labs), 0);
	assert_int_equal(json_object_size(j), 1);
}

static void test_status_json_labs(void **state)
{
	struct sample s;
	json_t *j, *labs, *lab;

	sample_init(&s);
	j = status(state, s.labs, 2);
	labs = get(j, "labs");
	assert_int_equal(json_array_size(labs), 2);

	lab = json_array_get(labs, 0);
	assert_json_str(lab, "name", "demo");
	assert_json_str(lab, "status", "up");
	assert_json_str(lab, "topology", "/srv/labs/demo.json");
	assert_json_int(lab, "created", 1700000000);
	assert_int_equal(json_array_size(get(lab, "nodes")), 2);
	assert_int_equal(json_array_size(get(lab, "links")), 2);

	lab = json_array_get(labs, 1);
	assert_json_str(lab, "name", "old");
	assert_json_str(lab, "status", "broken");
	assert_json_str(lab, "topology", "");
	assert_json_int(lab, "created", 0);
	assert_int_equal(json_array_size(get(lab, "nodes")), 0);
	assert_int_equal(json_array_size(get(lab, "links")), 0);
}

static void test_status_json_node(void **state)
{
	struct sample s;
	json_t *j, *n, *iso, *lim, *routes;

	sample_init(&s);
	j = status(state, s.labs, 1);
	n = json_array_get(get(json_array_get(get(j, "labs"), 0), "nodes"), 0);
	assert_json_str(n, "name", "r1");
	assert_json_str(n, "kind", "router");
	assert_json_str(n, "hostname", "core-1");
	assert_json_str(n, "netns", "demo.r1");
	assert_json_bool(n, "present", true);
	assert_json_int(n, "processes", 3);
	assert_json_int(n, "init_pid", 4242);
	routes = get(n, "routes");
	assert_json_int(routes, "ipv4", 4);
	assert_json_int(routes, "ipv6", 2);
	iso = get(n, "isolation");
	assert_json_bool(iso, "pid", true);
	assert_json_bool(iso, "mount", true);
	assert_json_bool(iso, "ipc", false);
	assert_json_bool(iso, "cgroup", true);
	lim = get(n, "limits");
	assert_json_int(lim, "memory", 256LL << 20);
	assert_json_int(lim, "pids", 100);
	assert_true(json_is_real(get(lim, "cpu")));
	assert_true(json_real_value(get(lim, "cpu")) == 0.5);
}

static void test_status_json_node_optional_fields(void **state)
{
	struct sample s;
	json_t *j, *n, *iso;

	sample_init(&s);
	j = status(state, s.labs, 1);
	n = json_array_get(get(json_array_get(get(j, "labs"), 0), "nodes"), 1);
	assert_json_str(n, "name", "sw");
	assert_json_str(n, "kind", "switch");
	/* a node whose namespace is gone */
	assert_json_bool(n, "present", false);
	assert_json_int(n, "processes", 0);
	/* no limits, no init: the keys are left out */
	assert_null(json_object_get(n, "limits"));
	assert_null(json_object_get(n, "init_pid"));
	/* isolation is always there */
	iso = get(n, "isolation");
	assert_json_bool(iso, "pid", false);
	assert_json_bool(iso, "cgroup", false);
	assert_json_int(get(n, "routes"), "ipv4", 0);
}

/* The failing lines of a Kathará node's startup: startup_errors, left out when there are none. */
static void test_status_json_startup_errors(void **state)
{
	struct startup_failure f[] = {
		{.where = "r1.startup", .line = 3, .status = 1, .command = "ip route add 10.1.0.0/16 via \"x\""},
		{.where = "r1[exec]", .line = 1, .status = 127, .command = "nosuch"},
	};
	struct sample s;
	json_t *j, *nodes, *e;

	sample_init(&s);
	s.nodes[0].startup_errors = f;
	s.nodes[0].n_startup_errors = 2;
	j = status(state, s.labs, 1);
	nodes = get(json_array_get(get(j, "labs"), 0), "nodes");
	e = get(json_array_get(nodes, 0), "startup_errors");
	assert_int_equal(json_array_size(e), 2);
	assert_json_str(json_array_get(e, 0), "script", "r1.startup");
	assert_json_int(json_array_get(e, 0), "line", 3);
	assert_json_int(json_array_get(e, 0), "status", 1);
	assert_json_str(json_array_get(e, 0), "command", "ip route add 10.1.0.0/16 via \"x\"");
	assert_json_str(json_array_get(e, 1), "script", "r1[exec]");
	assert_json_int(json_array_get(e, 1), "status", 127);
	assert_null(json_object_get(json_array_get(nodes, 1), "startup_errors"));
}

static void test_status_json_interfaces(void **state)
{
	struct sample s;
	json_t *j, *nodes, *ifs, *f, *addrs;

	sample_init(&s);
	j = status(state, s.labs, 1);
	nodes = get(json_array_get(get(j, "labs"), 0), "nodes");
	ifs = get(json_array_get(nodes, 0), "interfaces");
	assert_int_equal(json_array_size(ifs), 2);

	f = json_array_get(ifs, 0);
	assert_json_str(f, "name", "lo");
	assert_json_str(f, "state", "up");
	assert_json_int(f, "mtu", 65536);
	assert_json_str(f, "mac", "00:00:00:00:00:00");
	addrs = get(f, "addresses");
	assert_int_equal(json_array_size(addrs), 1);
	assert_string_equal(json_string_value(json_array_get(addrs, 0)), "127.0.0.1/8");
	assert_null(json_object_get(f, "master"));

	f = json_array_get(ifs, 1);
	assert_json_str(f, "name", "eth0");
	assert_json_str(f, "state", "no-carrier");
	assert_json_int(f, "mtu", 1500);
	assert_json_str(f, "mac", "02:00:00:00:00:0a");
	addrs = get(f, "addresses");
	assert_int_equal(json_array_size(addrs), 2);
	assert_string_equal(json_string_value(json_array_get(addrs, 0)), "10.0.0.1/24");
	assert_string_equal(json_string_value(json_array_get(addrs, 1)), "2001:db8::1/64");

	/* a switch port names its bridge, and has no addresses */
	f = json_array_get(get(json_array_get(nodes, 1), "interfaces"), 0);
	assert_json_str(f, "master", "br0");
	assert_json_str(f, "state", "down");
	assert_true(json_is_array(get(f, "addresses")));
	assert_int_equal(json_array_size(get(f, "addresses")), 0);
}

static void test_status_json_links(void **state)
{
	struct sample s;
	json_t *j, *links, *l, *eps, *imp;

	sample_init(&s);
	j = status(state, s.labs, 1);
	links = get(json_array_get(get(j, "labs"), 0), "links");

	l = json_array_get(links, 0);
	eps = get(l, "endpoints");
	assert_int_equal(json_array_size(eps), 2);
	assert_string_equal(json_string_value(json_array_get(eps, 0)), "r1:eth0");
	assert_string_equal(json_string_value(json_array_get(eps, 1)), "sw:eth0");
	assert_json_str(l, "state", "down");
	/* impairments keyed by the end they leave */
	imp = get(l, "impair");
	assert_int_equal(json_object_size(imp), 1);
	assert_json_str(imp, "r1:eth0", "delay 20ms");

	l = json_array_get(links, 1);
	assert_json_str(l, "state", "unknown");
	assert_true(json_is_object(get(l, "impair")));
	assert_int_equal(json_object_size(get(l, "impair")), 0);
}

static void test_status_json_escaping(void **state)
{
	struct sample s;
	const char *topo = "/srv/\"labs\"/a\\b/\xc3\xa9t\xc3\xa9\n.json";
	json_t *j, *lab;

	sample_init(&s);
	s.labs[0].topology = (char *)topo;
	s.nodes[0].hostname = "quote\"d";
	/* one document, whatever the strings hold */
	j = status(state, s.labs, 1);
	lab = json_array_get(get(j, "labs"), 0);
	assert_json_str(lab, "topology", topo);
	assert_json_str(json_array_get(get(lab, "nodes"), 0), "hostname", "quote\"d");
}

static void test_status_json_large_numbers(void **state)
{
	struct sample s;
	json_t *j, *lab, *n;

	sample_init(&s);
	s.labs[0].created = 4102444800LL; /* past 2038 */
	s.nodes[0].memory = 1ULL << 40;
	s.nodes[0].pids = UINT32_MAX;
	s.nodes[0].routes4 = 1000000;
	s.nodes[0].ifaces[1].mtu = 65535;
	j = status(state, s.labs, 1);
	lab = json_array_get(get(j, "labs"), 0);
	assert_json_int(lab, "created", 4102444800LL);
	n = json_array_get(get(lab, "nodes"), 0);
	assert_json_int(get(n, "limits"), "memory", 1LL << 40);
	assert_json_int(get(n, "limits"), "pids", UINT32_MAX);
	assert_json_int(get(n, "routes"), "ipv4", 1000000);
	assert_json_int(json_array_get(get(n, "interfaces"), 1), "mtu", 65535);
}

static void test_status_json_cpu_only_limit(void **state)
{
	struct sample s;
	json_t *j, *n, *lim;

	sample_init(&s);
	s.nodes[0].memory = 0;
	s.nodes[0].pids = 0;
	s.nodes[0].cpu = 1.25;
	j = status(state, s.labs, 1);
	n = json_array_get(get(json_array_get(get(j, "labs"), 0), "nodes"), 0);
	/* any one limit shows them all */
	lim = get(n, "limits");
	assert_json_int(lim, "memory", 0);
	assert_json_int(lim, "pids", 0);
	assert_true(json_real_value(get(lim, "cpu")) == 1.25);
}

static void test_status_json_many_nodes(void **state)
{
	const size_t n = 300;
	struct status_node *nodes = xcalloc(n, sizeof(*nodes));
	char **names = xcalloc(n, sizeof(char *));
	struct status_lab lab = {.name = "big", .status = "creating", .topology = "/t.json",
				 .nodes = nodes, .n_nodes = n};
	json_t *j, *jn;

	for (size_t i = 0; i < n; i++) {
		names[i] = xasprintf("n%zu", i);
		nodes[i] = (struct status_node){.name = names[i], .kind = "host", .hostname = names[i],
						.netns = names[i], .present = true};
	}
	j = status(state, &lab, 1);
	jn = get(json_array_get(get(j, "labs"), 0), "nodes");
	assert_int_equal(json_array_size(jn), n);
	/* in order */
	for (size_t i = 0; i < n; i += 37)
		assert_json_str(json_array_get(jn, i), "name", names[i]);
	assert_json_str(json_array_get(get(j, "labs"), 0), "status", "creating");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(nodes);
}

/*
 * Interface names come from the kernel, which allows any byte but '/', ':'
 * and white space: one that is not UTF-8 must still be listed, not dropped.
 */
static void test_status_json_non_utf8_interface(void **state)
{
	struct sample s;
	json_t *j, *ifs;

	sample_init(&s);
	strcpy(s.r1_ifaces[1].name, "eth\xe9");
	j = status(state, s.labs, 1);
	ifs = get(json_array_get(get(json_array_get(get(j, "labs"), 0), "nodes"), 0), "interfaces");
	assert_int_equal(json_array_size(ifs), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_paths_are_inside_the_lab),
		cmocka_unit_test(test_state_new_free),
		cmocka_unit_test(test_state_free_half_filled),
		cmocka_unit_test(test_state_node_clear),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_parts_are_apart),
		cmocka_unit_test(test_state_version1),
		cmocka_unit_test(test_state_corrupt),
		cmocka_unit_test(test_state_wiring_of_unknown_node),
		cmocka_unit_test(test_state_part_paths),
		cmocka_unit_test_setup_teardown(test_status_json_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_labs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_node_optional_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_startup_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_interfaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_large_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_cpu_only_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_many_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_json_non_utf8_interface, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
