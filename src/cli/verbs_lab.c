/* SPDX-License-Identifier: MIT */
/* The verbs about whole labs: validate, up, down, status, list, test. */
#include "cli_impl.h"

#include <getopt.h>
#include <inttypes.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "draw.h"
#include "err.h"
#include "gen.h"
#include "hosts.h"
#include "lab.h"
#include "labinfo.h"
#include "log.h"
#include "read.h"
#include "state.h"
#include "topo_parse.h"
#include "util.h"

#include <jansson.h>

int verb_validate(int argc, char **argv)
{
	_cleanup_(topo_freep) struct topo *t = NULL;
	int r = cli_parse_opts("validate", argc, argv, "eASF");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "validate", NULL}) : 2;
	if (optind != argc - 1)
		return cli_usage_error("validate", "expected one topology file");
	r = cli_load(argv[optind], &t);
	if (r)
		return r;
	if (arg_explain) {
		_cleanup_free_ char *s = topo_dump_json(t);

		printf("%s\n", s);
		return 0;
	}
	printf("%s: valid: lab '%s', %zu nodes, %zu links\n", argv[optind], t->name, t->n_nodes,
	       t->n_links);
	return 0;
}

/* A lab over several machines: every host's share from here. */
static int up_hosts(const struct topo *t, const char *file)
{
	_cleanup_free_ char *dir = NULL, *source = NULL;
	struct lab_err *e = NULL;
	double start = now_sec();
	int r;

	if (strcmp(file, "-")) {
		char *abs = realpath(file, NULL), *slash = abs ? strrchr(abs, '/') : NULL;
		struct stat st;

		/* a Kathara lab's directory is itself the base */
		if (abs && slash && !(stat(abs, &st) == 0 && S_ISDIR(st.st_mode)))
			*slash = '\0';
		dir = abs;
	}
	if (!dir)
		dir = get_current_dir_name();
	/* the reader's netlab JSON: small (pools, not their addresses), and every host expands it alike */
	if (strcmp(file, "-")) {
		struct topo_diags d = {0};
		_cleanup_free_ char *as = NULL;

		if (topo_read_json(file, arg_format, &source, &as, &d) < 0)
			source = mfree(source);
		topo_diags_free(&d);
	}
	r = hosts_up(t, &(struct hosts_up_opts){source, dir ? dir : ".", arg_strict, arg_allow_host_paths}, &e);
	if (r < 0)
		return cli_fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("lab '%s' is up on %zu hosts: %zu nodes, %zu links in %.2f s\n", t->name,
		       t->n_hosts, t->n_nodes, t->n_links, now_sec() - start);
	if (r) {
		log_error("lab '%s' is up, but the startups failed on %d host%s (see 'netlab status %s')",
			  t->name, r, r == 1 ? "" : "s", t->name);
		return 1;
	}
	return 0;
}

int verb_up(int argc, char **argv)
{
	_cleanup_(topo_freep) struct topo *t = NULL;
	struct lab_err *e = NULL;
	struct lab_up_result res;
	int r = cli_parse_opts("up", argc, argv, "AnSFHCWT");
	struct lab_up_opts o;

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "up", NULL}) : 2;
	if (optind != argc - 1)
		return cli_usage_error("up", "expected one topology file");
	if ((arg_wire_only || arg_start) && !arg_host)
		return cli_usage_error("up", "--wire-only and --start go with --host");
	if (arg_dir && chdir(arg_dir) < 0) {
		log_error("--dir: cannot enter '%s': %s", arg_dir, strerror(errno));
		return 2;
	}
	r = cli_load(argv[optind], &t);
	if (r)
		return r;
	cli_apply_name(t);
	t->strict |= arg_strict;
	if (t->n_hosts && !arg_host)
		return up_hosts(t, argv[optind]);
	if (arg_host && !t->n_hosts)
		return cli_usage_error("up", "--host: lab '%s' has no \"hosts\"", t->name);
	if (arg_start) {
		r = lab_start(t, arg_host, &e);
		if (r < 0)
			return cli_fail(e);
		return r ? 1 : 0;
	}
	o = (struct lab_up_opts){.host = arg_host, .wire_only = arg_wire_only};
	if (lab_up(t, &o, &res, &e) < 0)
		return cli_fail(e);
	if (log_level >= LOG_LEVEL_WARN && arg_host)
		printf("lab '%s' share of host '%s' is %s: %zu nodes in %.2f s\n", t->name, arg_host,
		       arg_wire_only ? "wired" : "up", res.nodes, res.seconds);
	else if (log_level >= LOG_LEVEL_WARN)
		printf("lab '%s' is up: %zu nodes, %zu links in %.2f s\n", t->name, res.nodes,
		       res.links, res.seconds);
	/* a Kathara script's failing lines leave the lab up, as on Kathara: say where they are */
	for (size_t i = 0; i < t->n_nodes && !arg_wire_only; i++) {
		_cleanup_free_ char *key = arg_host ? lab_share_name(t->name, arg_host) : xstrdup(t->name);
		struct startup_failure *sf = NULL;
		size_t n = 0;

		if (startup_log_read(key, t->nodes[i].name, &sf, &n) == 0 && n)
			log_warn("node '%s': %zu startup line%s failed, first %s line %u: %s (exit status %d); see 'netlab status %s'",
				 t->nodes[i].name, n, n == 1 ? "" : "s", sf[0].where, sf[0].line,
				 sf[0].command, sf[0].status, t->name);
		startup_failures_free(sf, n);
	}
	if (res.failed) {
		log_error("lab '%s' is up, but the startup of %zu node%s failed (see 'netlab status %s' and 'netlab logs'; --strict rolls back instead)",
			  t->name, res.failed, res.failed == 1 ? "" : "s", t->name);
		return 1;
	}
	return 0;
}

/* The labs under /run/netlab (names netlab could have made), "a, b" or "none". */
static char *running_labs(char ***ret, size_t *ret_n)
{
	char **labs = NULL;
	size_t n = 0, k = 0;

	state_list_labs(&labs, &n);
	for (size_t i = 0; i < n; i++) {
		if (topo_lab_key_problem(labs[i]))
			free(labs[i]);
		else
			labs[k++] = labs[i];
	}
	*ret = labs;
	*ret_n = k;
	return k ? labinfo_join(labs, k) : xstrdup("none");
}

/*
 * On a terminal, down --all shows what it will take down (who started each lab,
 * when) and asks. Return: true to go on, with the labs shown in *ret (strv_free).
 */
static bool confirm_down_all(char ***ret, size_t *ret_n)
{
	_cleanup_free_ char *list = running_labs(ret, ret_n);
	char line[64];

	if (*ret_n == 0)
		return true;
	fprintf(stderr, "netlab down --all takes down %zu lab%s:\n", *ret_n, *ret_n == 1 ? "" : "s");
	for (size_t i = 0; i < *ret_n; i++) {
		_cleanup_(state_freep) struct state *s = NULL;
		struct lab_err *e = NULL;
		char when[32];

		if (state_read((*ret)[i], STATE_NODES, &s, &e) < 0) {
			fprintf(stderr, "  %-20s (its state cannot be read)\n", (*ret)[i]);
			err_free(e);
			continue;
		}
		fprintf(stderr, "  %-20s %zu node%s, started by %s at %s\n", (*ret)[i], s->n_nodes,
			s->n_nodes == 1 ? "" : "s", s->user ? s->user : "unknown",
			labinfo_time(s->created, when, sizeof(when)));
	}
	fprintf(stderr, "Take %s down? [y/N] ", *ret_n == 1 ? "it" : "them all");
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) && labinfo_is_yes(line))
		return true;
	fprintf(stderr, "netlab: nothing taken down\n");
	return false;
}

static int down_all(void)
{
	char **labs = NULL;
	size_t n = 0;
	struct lab_err *e = NULL;
	bool ask = !arg_yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	int r;

	if (ask && !confirm_down_all(&labs, &n)) {
		strv_free(labs, n);
		return 1;
	}
	r = lab_down_all(arg_force, ask ? labs : NULL, n, &e);
	strv_free(labs, n);
	if (r < 0)
		return cli_fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("%d lab%s taken down\n", r, r == 1 ? "" : "s");
	return 0;
}

int verb_down(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL;
	struct lab_err *e = NULL;
	int r = cli_parse_opts("down", argc, argv, "afnyF");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "down", NULL}) : 2;
	if (arg_all) {
		if (optind != argc || arg_name)
			return cli_usage_error("down", "--all takes no lab");
		return down_all();
	}
	if (arg_yes)
		return cli_usage_error("down", "--yes goes with --all");
	if (optind != argc - 1)
		return cli_usage_error("down", "expected a lab name or a topology file (or --all)");
	r = cli_lab_arg(argv[optind], &lab);
	if (r)
		return r;
	r = lab_down(lab, arg_force, &e);
	if (r < 0)
		return cli_fail(e);
	if (r == 0 && log_level >= LOG_LEVEL_WARN) {
		char **labs = NULL;
		size_t n = 0;
		_cleanup_free_ char *list = running_labs(&labs, &n);

		strv_free(labs, n);
		fprintf(stderr, "netlab: lab '%s' is not running: nothing to do (labs running: %s)\n",
			lab, list);
	} else if (log_level >= LOG_LEVEL_WARN)
		printf("lab '%s' is down\n", lab);
	return 0;
}

int verb_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'}, {"fresh", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'}, {"allow-host-paths", no_argument, NULL, 'A'},
		{"name", required_argument, NULL, 'n'}, {"format", required_argument, NULL, 'F'},
		{},
	};
	_cleanup_(topo_freep) struct topo *t = NULL;
	struct check_result *res = NULL;
	struct lab_err *e = NULL;
	bool fresh = false;
	int c, r, failed;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			arg_json = true;
		else if (c == 'f')
			fresh = true;
		else if (c == 'F' && cli_set_format("test", optarg))
			return 2;
		else if (c == 'F')
			continue;
		else if (c == 'A')
			arg_allow_host_paths = true;
		else if (c == 'n' && !topo_lab_name_problem(optarg))
			arg_name = optarg;
		else if (c == 'n')
			return cli_usage_error("test", "--name: lab name '%s' %s", optarg,
					   topo_lab_name_problem(optarg));
		else if (c == 'h')
			return verb_help(2, (char *[]){"help", "test", NULL});
		else
			return cli_usage_error("test", "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage_error("test", "expected one topology file");
	r = cli_load(argv[optind], &t);
	if (r)
		return r;
	cli_apply_name(t);
	if (t->n_expects == 0) {
		log_error("%s: has no \"expect\" checks", argv[optind]);
		return 2;
	}
	if (fresh) {
		struct lab_up_result res_up;

		if (lab_up(t, NULL, &res_up, &e) < 0)
			return cli_fail(e);
	}
	res = xcalloc(t->n_expects, sizeof(*res));
	failed = check_expectations(t, res, &e);
	if (fresh) {
		struct lab_err *e2 = NULL;

		if (lab_down(t->name, false, &e2) < 0)
			cli_fail(e2);
	}
	if (failed < 0) {
		for (size_t i = 0; i < t->n_expects; i++)
			free(res[i].detail);
		free(res);
		return cli_fail(e);
	}
	if (arg_json) {
		printf("{\"lab\": ");
		cli_put_json_str(t->name);
		printf(", \"passed\": %zu, \"failed\": %d, \"results\": [", t->n_expects - failed, failed);
		for (size_t i = 0; i < t->n_expects; i++) {
			printf("%s\n  {\"index\": %zu, \"check\": %s, \"pass\": %s, \"detail\": ", i ? "," : "", i,
			       t->expects[i].text, res[i].pass ? "true" : "false");
			cli_put_json_str(res[i].detail);
			printf("}");
		}
		printf("\n]}\n");
	} else {
		for (size_t i = 0; i < t->n_expects; i++)
			printf("%s expect[%zu] %s: %s\n", res[i].pass ? cli_paint("PASS", GREEN) : cli_paint("FAIL", RED), i, t->expects[i].text,
			       res[i].detail);
		printf("%zu passed, %d failed\n", t->n_expects - failed, failed);
	}
	for (size_t i = 0; i < t->n_expects; i++)
		free(res[i].detail);
	free(res);
	return failed ? 1 : 0;
}

static void print_status(const struct status_lab *labs, size_t n)
{
	if (n == 0) {
		printf("no labs are running\n");
		return;
	}
	for (size_t l = 0; l < n; l++) {
		const struct status_lab *lab = &labs[l];

		char when[32];

		printf("%slab %s: %s, %zu node%s%s%s%s\n", l ? "\n" : "", lab->name, lab->status,
		       lab->n_nodes, lab->n_nodes == 1 ? "" : "s", lab->topology[0] ? " (" : "",
		       lab->topology, lab->topology[0] ? ")" : "");
		printf("  started by %s at %s\n", lab->user && *lab->user ? lab->user : "unknown",
		       labinfo_time(lab->created, when, sizeof(when)));
		/* the lab's description, author ... (Kathara's LAB_*) */
		for (size_t m = 0; m < lab->n_meta; m++)
			printf("  %s: %s\n", lab->meta[2 * m], lab->meta[2 * m + 1]);
		for (size_t i = 0; i < lab->n_nodes; i++) {
			const struct status_node *nd = &lab->nodes[i];

			if (!nd->present) {
				printf("  %s (%s): MISSING (its namespace is gone)\n", nd->name,
				       nd->kind);
				continue;
			}
			printf("  %s (%s, hostname %s, netns %s): %zu IPv4 and %zu IPv6 routes, %zu process%s\n",
			       nd->name, nd->kind, nd->hostname, nd->netns, nd->routes4,
			       nd->routes6, nd->processes, nd->processes == 1 ? "" : "es");
			if (nd->pid || nd->mount || nd->ipc || nd->cgroup) {
				printf("    isolation:%s%s%s%s", nd->pid ? " pid" : "",
				       nd->mount ? " mount" : "", nd->ipc ? " ipc" : "",
				       nd->cgroup ? " cgroup" : "");
				if (nd->init_pid)
					printf(", init pid %d", nd->init_pid);
				if (nd->memory)
					printf(", memory %llu MiB", (unsigned long long)(nd->memory >> 20));
				if (nd->cpu > 0)
					printf(", cpu %.2f", nd->cpu);
				if (nd->pids)
					printf(", pids %u", nd->pids);
				printf("\n");
			}
			if (nd->failed)
				printf("    %s: %s\n", cli_paint("startup failed", RED), nd->failed);
			for (size_t k = 0; k < nd->n_startup_errors; k++) {
				const struct startup_failure *sf = &nd->startup_errors[k];

				printf("    %s: %s line %u: %s (exit status %d)\n",
				       cli_paint("startup line failed", RED), sf->where, sf->line,
				       sf->command, sf->status);
			}
			for (size_t k = 0; k < nd->n_ifaces; k++) {
				const struct status_iface *f = &nd->ifaces[k];

				printf("    %-15s %s%*s", f->name,
				       cli_paint(f->state, strcmp(f->state, "up") ? RED : GREEN),
				       (int)(10 - strlen(f->state)), "");
				if (f->master)
					printf(" port of %s", f->master);
				for (size_t a = 0; a < f->n_addrs; a++)
					printf(" %s", f->addrs[a]);
				printf("\n");
			}
		}
		if (lab->n_links)
			printf("  links:\n");
		for (size_t i = 0; i < lab->n_links; i++) {
			const struct status_link *sl = &lab->links[i];

			printf("    %s -- %s  %s", sl->ends[0], sl->ends[1], sl->state);
			for (int k = 0; k < 2; k++)
				if (sl->impair[k])
					printf("  [%s: %s]", sl->ends[k], sl->impair[k]);
			printf("\n");
		}
	}
}

int verb_status(int argc, char **argv)
{
	struct status_lab *labs = NULL;
	struct lab_err *e = NULL;
	size_t n = 0;
	int r = cli_parse_opts("status", argc, argv, "jl");
	_cleanup_free_ char *lab = NULL;

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "status", NULL}) : 2;
	if (argc - optind > 1)
		return cli_usage_error("status", "expected at most one lab");
	if (argc - optind == 1) {
		r = cli_lab_arg(argv[optind], &lab);
		if (r)
			return r;
	} else if (arg_lab)
		lab = xstrdup(arg_lab);
	r = cli_remote_status(lab, arg_json);
	if (r >= 0)
		return r;
	if (lab_status(lab, &labs, &n, &e) < 0)
		return cli_fail(e);
	if (arg_json) {
		_cleanup_free_ char *s = state_status_json(labs, n);

		printf("%s\n", s);
	} else
		print_status(labs, n);
	lab_status_free(labs, n);
	return 0;
}

int verb_list(int argc, char **argv)
{
	struct status_lab *labs = NULL;
	struct lab_err *e = NULL;
	size_t n = 0;
	int r = cli_parse_opts("list", argc, argv, "j");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "list", NULL}) : 2;
	if (argc != optind)
		return cli_usage_error("list", "takes no arguments");
	if (lab_status(NULL, &labs, &n, &e) < 0)
		return cli_fail(e);
	if (arg_json) {
		_cleanup_free_ char *s = labinfo_list_json(labs, n);

		printf("%s\n", s);
	} else {
		printf("%-20s %-9s %5s  %-12s %-16s  %s\n", "LAB", "STATUS", "NODES", "USER",
		       "STARTED", "TOPOLOGY");
		for (size_t i = 0; i < n; i++) {
			char when[32];

			printf("%-20s %-9s %5zu  %-12s %-16s  %s\n", labs[i].name, labs[i].status,
			       labs[i].n_nodes, labs[i].user && *labs[i].user ? labs[i].user : "-",
			       labs[i].created ? labinfo_time(labs[i].created, when, sizeof(when)) : "-",
			       labs[i].topology);
		}
	}
	lab_status_free(labs, n);
	return 0;
}
