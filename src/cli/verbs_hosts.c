/* SPDX-License-Identifier: MIT */
/*
 * The verbs on a lab over several machines, from the controller (the machine
 * that ran `up`): each goes to the host of the node it names, through the
 * host's exec, as `netlab VERB -l LAB@HOST ...` there.
 */
#include "cli_impl.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"
#include "lab.h"
#include "log.h"
#include "state.h"
#include "topo_parse.h"
#include "util.h"

char **cli_forward_opts(int argc, char **argv, const char *drop)
{
	char **fwd = xcalloc(argc + 1, sizeof(char *));
	size_t k = 0;

	for (int i = 1; i < optind; i++) {
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "--lab")) {
			i++; /* and its value */
			continue;
		}
		if (!strcmp(argv[i], drop) || !strncmp(argv[i], "--lab=", 6) || !strncmp(argv[i], "-l", 2))
			continue;
		fwd[k++] = argv[i];
	}
	return fwd;
}

int cli_remote(const char *verb, const char *lab, const char *node, const char *first,
	       char *const rest[])
{
	_cleanup_(state_freep) struct state *rec = NULL;
	_cleanup_free_ char *share = NULL;
	struct lab_err *e = NULL;
	size_t h, n = 0;
	char **args;
	int r = hosts_find_node(lab, node, &rec, &h, &e);

	if (r <= 0)
		return r < 0 ? cli_fail(e) : -1;
	share = lab_share_name(rec->lab, rec->hosts[h].name);
	for (size_t i = 0; rest && rest[i]; i++)
		n++;
	args = xcalloc(n + 6, sizeof(char *));
	args[0] = (char *)verb;
	args[1] = "-l";
	args[2] = share;
	args[3] = (char *)first;
	for (size_t i = 0; i < n; i++)
		args[4 + i] = rest[i];
	hosts_exec(rec, h, args, &e);
	free(args);
	return cli_fail(e);
}

/* The record of lab (a lab over several machines), or NULL. */
static struct state *record(const char *lab)
{
	struct state *s = NULL;
	struct lab_err *e = NULL;

	if (!lab || topo_lab_name_problem(lab) || state_read(lab, STATE_NODES, &s, &e) < 0) {
		err_free(e);
		return NULL;
	}
	if (!s->n_hosts)
		s = state_free(s);
	return s;
}

/* The host of a node in rec, or -1. */
static ssize_t host_of(const struct state *rec, const char *node)
{
	for (size_t h = 0; h < rec->n_hosts; h++)
		for (size_t k = 0; k < rec->hosts[h].n_nodes; k++)
			if (!strcmp(rec->hosts[h].nodes[k], node))
				return h;
	return -1;
}

/*
 * `link` and `impair` from the controller: the link's two ends, each on its
 * host (one command, when both are on one), args holding the verb's options
 * before the end. Return: an exit code, or -1 when end is no node of a record.
 */
int cli_remote_link(const char *verb, const char *lab, const char *end, char *const opts[],
		    char *const after[], bool both)
{
	_cleanup_(state_freep) struct state *rec = NULL;
	_cleanup_(topo_freep) struct topo *t = NULL;
	_cleanup_free_ char *node = strndup(end, strcspn(end, ":"));
	struct topo_diags d = {0};
	struct hosts_result *res = NULL;
	struct lab_err *e = NULL;
	char ***args;
	const char *ends[2] = {end, NULL};
	char *other = NULL;
	size_t h, n = 0;
	int r, failed = 0;

	if (!node)
		abort();
	r = hosts_find_node(lab, node, &rec, &h, &e);
	if (r <= 0)
		return r < 0 ? cli_fail(e) : -1;
	/* the far end: from the topology, as the record names it */
	r = topo_load_opts(rec->topology, &(struct topo_load_opts){.allow_host_paths = true, .name = rec->lab},
			   &t, &d);
	topo_diags_free(&d);
	if (r < 0 || !t) {
		log_error("the topology '%s' of lab '%s' does not load: run 'netlab validate %s'",
			  rec->topology, rec->lab, rec->topology);
		return 2;
	}
	for (size_t i = 0; i < t->n_links && !other; i++)
		for (int k = 0; k < 2 && !other; k++) {
			const struct topo_node *a = &t->nodes[t->links[i].ep[k].node];
			const struct topo_node *b = &t->nodes[t->links[i].ep[!k].node];
			_cleanup_free_ char *me = xasprintf("%s:%s", a->name, a->ifaces[t->links[i].ep[k].iface].name);

			if (!strcmp(me, end) || (!strchr(end, ':') && !strcmp(a->name, end)))
				other = xasprintf("%s:%s", b->name, b->ifaces[t->links[i].ep[!k].iface].name);
		}
	if (!other) {
		log_error("lab '%s' has no link with end '%s'", rec->lab, end);
		return 2;
	}
	ends[1] = other;
	args = xcalloc(rec->n_hosts + 1, sizeof(char **));
	for (int k = 0; k < (both ? 2 : 1); k++) {
		_cleanup_free_ char *nd = strndup(ends[k], strcspn(ends[k], ":"));
		ssize_t hk = host_of(rec, nd);
		size_t m = 0, i = 0;

		if (hk < 0 || args[hk])
			continue; /* both ends on one host: that host does both */
		while (opts && opts[m])
			m++;
		args[hk] = xcalloc(m + 8, sizeof(char *));
		args[hk][i++] = xstrdup(verb);
		args[hk][i++] = xstrdup("-l");
		args[hk][i++] = lab_share_name(rec->lab, rec->hosts[hk].name);
		for (size_t j = 0; j < m; j++)
			args[hk][i++] = xstrdup(opts[j]);
		/* impair on one host: --both reaches the other end there; across hosts each does its own */
		if (both && !after && host_of(rec, node) == host_of(rec, strndupa(other, strcspn(other, ":"))))
			args[hk][i++] = xstrdup("--both");
		args[hk][i++] = xstrdup(ends[k]);
		for (size_t j = 0; after && after[j]; j++)
			args[hk][i++] = xstrdup(after[j]);
	}
	r = hosts_run_all(rec, args, &res, &e);
	hosts_args_free(args, rec->n_hosts);
	free(other);
	if (r < 0)
		return cli_fail(e);
	for (size_t i = 0; i < rec->n_hosts && res[i].host; i++, n++) {
		fputs(res[i].output, res[i].status ? stderr : stdout);
		failed = failed ? failed : res[i].status;
	}
	hosts_results_free(res, n);
	return failed;
}

/* Run status (--json) of every host's share. */
static int share_status(const struct state *rec, bool json, struct hosts_result **res)
{
	struct lab_err *e = NULL;
	char ***args = xcalloc(rec->n_hosts + 1, sizeof(char **));
	int r;

	for (size_t h = 0; h < rec->n_hosts; h++) {
		size_t k = 0;

		args[h] = xcalloc(5, sizeof(char *));
		args[h][k++] = xstrdup("status");
		if (json)
			args[h][k++] = xstrdup("--json");
		args[h][k++] = lab_share_name(rec->lab, rec->hosts[h].name);
	}
	r = hosts_run_all(rec, args, res, &e);
	hosts_args_free(args, rec->n_hosts);
	return r < 0 ? cli_fail(e) : 0;
}

/* The lab's status --json: its record, and each host with its share's status. */
static char *merged_json(const struct state *rec, const struct hosts_result *res)
{
	json_t *hosts = json_array(), *root;
	char *text;

	for (size_t h = 0; h < rec->n_hosts; h++) {
		json_t *share = json_loads(res[h].output, 0, NULL);
		json_t *labs = json_object_get(share, "labs");

		json_array_append_new(hosts, json_pack("{s:s, s:s, s:i, s:O}", "name", res[h].host, "exec",
						       rec->hosts[h].exec, "status", res[h].status, "share",
						       json_array_size(labs) ? json_array_get(labs, 0) : json_null()));
		json_decref(share);
	}
	root = json_pack("{s:[{s:s, s:s, s:s, s:o}]}", "labs", "name", rec->lab, "status", rec->status,
			 "topology", rec->topology, "hosts", hosts);
	text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	return text;
}

/* `status LAB` of a lab over several machines: each host's share, by host. */
int cli_remote_status(const char *lab, bool json)
{
	_cleanup_(state_freep) struct state *rec = record(lab);
	struct hosts_result *res = NULL;
	int r, failed = 0;

	if (!rec)
		return -1;
	r = share_status(rec, json, &res);
	if (r)
		return r;
	for (size_t h = 0; h < rec->n_hosts; h++) {
		failed = failed || res[h].status;
		if (!json)
			printf("host %s (%s):\n%s", res[h].host, rec->hosts[h].exec, res[h].output);
	}
	if (json) {
		_cleanup_free_ char *text = merged_json(rec, res);

		printf("%s\n", text);
	}
	hosts_results_free(res, rec->n_hosts);
	return failed ? 1 : 0;
}

/* Free the peers cli_peers_read made. */
void cli_peers_free(struct status_node *peers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < peers[i].n_ifaces; k++) {
			strv_free(peers[i].ifaces[k].addrs, peers[i].ifaces[k].n_addrs);
			free(peers[i].ifaces[k].master);
		}
		free(peers[i].ifaces);
		free(peers[i].name);
		free(peers[i].kind);
	}
	free(peers);
}

/*
 * The nodes of the other hosts of a lab, for a share's ping-all: from stdin,
 * the controller's status --json, its own (lab) left out. Return: 0 or 2.
 */
int cli_peers_read(const char *lab, struct status_node **ret, size_t *ret_n)
{
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	json_t *root, *hosts, *h;
	struct status_node *peers = NULL;
	size_t n = 0, cap = 0, i;

	if (read_file("/dev/stdin", 64 << 20, &text, NULL) < 0 ||
	    !(root = json_loads(text, 0, &jerr))) {
		log_error("ping-all --peers: stdin is not the status --json of a lab over several machines");
		return 2;
	}
	hosts = json_object_get(json_array_get(json_object_get(root, "labs"), 0), "hosts");
	json_array_foreach(hosts, i, h) {
		json_t *share = json_object_get(h, "share"), *nd;
		const char *name = json_string_value(json_object_get(share, "name"));
		size_t k;

		if (!name || !strcmp(name, lab))
			continue;
		json_array_foreach(json_object_get(share, "nodes"), k, nd) {
			struct status_node *sn;
			json_t *ifs = json_object_get(nd, "interfaces"), *f;
			size_t j;

			GROW(peers, cap, n + 1);
			sn = &peers[n++];
			*sn = (struct status_node){
				.name = xstrdup(json_string_value(json_object_get(nd, "name")) ?: "?"),
				.kind = xstrdup(json_string_value(json_object_get(nd, "kind")) ?: "host"),
				.present = json_is_true(json_object_get(nd, "present")),
			};
			sn->ifaces = xcalloc(json_array_size(ifs) + 1, sizeof(*sn->ifaces));
			json_array_foreach(ifs, j, f) {
				struct status_iface *si = &sn->ifaces[sn->n_ifaces++];
				json_t *as = json_object_get(f, "addresses"), *a;
				size_t q;

				si->addrs = xcalloc(json_array_size(as) + 1, sizeof(char *));
				json_array_foreach(as, q, a)
					if (json_is_string(a))
						si->addrs[si->n_addrs++] = xstrdup(json_string_value(a));
			}
		}
	}
	json_decref(root);
	*ret = peers;
	*ret_n = n;
	return 0;
}

/*
 * ping-all of a lab over several machines: every host's share pings its own
 * nodes and the other hosts' (their addresses from each share's status), all
 * hosts at once; each host's result, then the sum. opts: ping-all's options.
 */
int cli_remote_ping_all(const char *lab, char *const opts[])
{
	_cleanup_(state_freep) struct state *rec = record(lab);
	_cleanup_free_ char *peers = NULL;
	struct hosts_result *res = NULL;
	struct lab_err *e = NULL;
	size_t passed = 0, failed = 0, m = 0;
	char ***args;
	int r, worst = 0;

	if (!rec)
		return -1;
	r = share_status(rec, true, &res);
	if (r)
		return r;
	peers = merged_json(rec, res);
	hosts_results_free(res, rec->n_hosts);
	res = NULL;
	while (opts && opts[m])
		m++;
	args = xcalloc(rec->n_hosts + 1, sizeof(char **));
	for (size_t h = 0; h < rec->n_hosts; h++) {
		size_t k = 0;

		args[h] = xcalloc(m + 6, sizeof(char *));
		args[h][k++] = xstrdup("ping-all");
		for (size_t j = 0; j < m; j++)
			args[h][k++] = xstrdup(opts[j]);
		args[h][k++] = xstrdup("--peers");
		args[h][k++] = lab_share_name(rec->lab, rec->hosts[h].name);
	}
	r = hosts_run_all_text(rec, args, peers, &res, &e);
	hosts_args_free(args, rec->n_hosts);
	if (r < 0)
		return cli_fail(e);
	for (size_t h = 0; h < rec->n_hosts; h++) {
		const char *sum = strstr(res[h].output, "ping-all: ");
		size_t p = 0, f = 0;

		printf("host %s:\n%s", res[h].host, res[h].output);
		if (sum && sscanf(sum, "ping-all: %zu passed, %zu failed", &p, &f) == 2) {
			passed += p;
			failed += f;
		} else if (!worst)
			worst = res[h].status ? res[h].status : 1;
	}
	printf("ping-all over %zu hosts: %zu passed, %zu failed\n", rec->n_hosts, passed, failed);
	hosts_results_free(res, rec->n_hosts);
	return worst ? worst : failed ? 1 : 0;
}
