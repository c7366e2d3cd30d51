/* SPDX-License-Identifier: MIT */
#include "cli.h"
#include "cli_impl.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "draw.h"
#include "err.h"
#include "gen.h"
#include "lab.h"
#include "labinfo.h"
#include "log.h"
#include "rootless.h"
#include "state.h"
#include "topo_parse.h"
#include "util.h"

#define NETLAB_VERSION "0.1.0"

const char *arg_lab;
bool arg_json;
bool arg_all;
bool arg_force;
bool arg_explain;
bool arg_allow_host_paths;
const char *arg_name;
const char *arg_host;
bool arg_peers;
const char *arg_dir;
bool arg_wire_only;
bool arg_start;
bool arg_yes;
enum topo_format arg_format;
bool arg_strict; /* --strict: warnings fail validate and up; a failing startup rolls up back */

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *help;
	bool needs_root;
};

/* Colour only on a terminal, and never with NO_COLOR (no-color.org) or TERM=dumb. */
bool cli_colour(void)
{
	static int on = -1;

	if (on < 0) {
		const char *term = getenv("TERM");

		on = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
	}
	return on;
}

const char *cli_paint(const char *text, const char *code)
{
	static char buf[4][64];
	static int k;

	if (!cli_colour())
		return text;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "\033[%sm%s\033[0m", code, text);
	return buf[k];
}


int cli_usage_error(const char *verb, const char *fmt, ...) _printf_(2, 3);
int cli_usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netlab: %s%s", verb ? verb : "", verb ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'netlab %s%s--help'\n", verb ? verb : "", verb ? " " : "");
	return 2;
}

int cli_fail(struct lab_err *e)
{
	int code = err_exit_code(e);

	log_error("%s", e->msg);
	err_free(e);
	return code;
}

void cli_print_diags(const struct topo_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].severity == TOPO_ERROR)
			fprintf(stderr, "netlab: error: %s\n", d->v[i].text);
		else if (log_level >= LOG_LEVEL_WARN)
			fprintf(stderr, "netlab: warning: %s\n", d->v[i].text);
	}
}

/* Load and validate, printing every problem. Return: 0, 2 (invalid) or 1 (unreadable). */
int cli_load(const char *file, struct topo **ret)
{
	struct topo_diags d = {0};
	struct topo_load_opts o = {
		.allow_host_paths = arg_allow_host_paths, .name = arg_name, .format = arg_format};
	int r = topo_load_opts(file, &o, ret, &d);

	/* --strict: every warning counts as an error */
	for (size_t i = 0; arg_strict && i < d.n; i++)
		if (d.v[i].severity == TOPO_WARNING) {
			d.v[i].severity = TOPO_ERROR;
			d.n_errors++;
			if (r == 0) {
				*ret = topo_free(*ret);
				r = -EINVAL;
			}
		}
	cli_print_diags(&d);
	if (r < 0 && d.n_errors)
		fprintf(stderr, "netlab: %s: %zu error%s\n", file, d.n_errors,
			d.n_errors == 1 ? "" : "s");
	topo_diags_free(&d);
	if (r == -EINVAL)
		return 2;
	return r < 0 ? 2 : 0;
}

/*
 * Parse a verb's options: -l LAB, --json, --all, --force, --explain, --name LAB,
 * --yes as the verb allows.
 */
int cli_parse_opts(const char *verb, int argc, char **argv, const char *allowed)
{
	static const struct option opts[] = {
		{"lab", required_argument, NULL, 'l'}, {"json", no_argument, NULL, 'j'},
		{"all", no_argument, NULL, 'a'},       {"force", no_argument, NULL, 'f'},
		{"explain", no_argument, NULL, 'e'},   {"help", no_argument, NULL, 'h'},
		{"verbose", no_argument, NULL, 'v'},   {"quiet", no_argument, NULL, 'q'},
		{"allow-host-paths", no_argument, NULL, 'A'},
		{"name", required_argument, NULL, 'n'}, {"yes", no_argument, NULL, 'y'},
		{"strict", no_argument, NULL, 'S'},    {"format", required_argument, NULL, 'F'},
		{"host", required_argument, NULL, 'H'}, {"dir", required_argument, NULL, 'C'},
		{"wire-only", no_argument, NULL, 'W'}, {"start", no_argument, NULL, 'T'},
		{},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+l:hvq", opts, NULL)) != -1) {
		if (c == 'h')
			return 'h';
		if (c == 'v') {
			log_level++;
			continue;
		}
		if (c == 'q') {
			log_level = LOG_LEVEL_ERROR;
			continue;
		}
		if (c == '?' || c == ':' || !strchr(allowed, c)) {
			if (c == ':' || (c == '?' && optopt == 'l'))
				return cli_usage_error(verb, "option '-l' needs a lab name"), -2;
			if (c == '?' && optopt == 'n' && strchr(allowed, 'n'))
				return cli_usage_error(verb, "option '--name' needs a lab name"), -2;
			return cli_usage_error(verb, "unknown option '%s'", argv[optind - 1]), -2;
		}
		switch (c) {
		case 'l':
			arg_lab = optarg;
			break;
		case 'j':
			arg_json = true;
			break;
		case 'a':
			arg_all = true;
			break;
		case 'f':
			arg_force = true;
			break;
		case 'e':
			arg_explain = true;
			break;
		case 'A':
			arg_allow_host_paths = true;
			break;
		case 'n':
			if (topo_lab_name_problem(optarg))
				return cli_usage_error(verb, "--name: lab name '%s' %s", optarg,
						   topo_lab_name_problem(optarg)), -2;
			arg_name = optarg;
			break;
		case 'y':
			arg_yes = true;
			break;
		case 'S':
			arg_strict = true;
			break;
		case 'F':
			if (cli_set_format(verb, optarg))
				return -2;
			break;
		case 'H':
			if (topo_lab_name_problem(optarg))
				return cli_usage_error(verb, "--host: host name '%s' %s", optarg,
						   topo_lab_name_problem(optarg)), -2;
			arg_host = optarg;
			break;
		case 'C':
			arg_dir = optarg;
			break;
		case 'W':
			arg_wire_only = true;
			break;
		case 'T':
			arg_start = true;
			break;
		}
	}
	return 0;
}

int cli_put_output(const char *out, const char *text)
{
	int r;

	if (!out) {
		fputs(text, stdout);
		return 0;
	}
	r = write_file_atomic(out, text, strlen(text), 0644);
	if (r < 0) {
		log_error("writing '%s': %s", out, strerror(-r));
		return 1;
	}
	return 0;
}

int cli_set_format(const char *verb, const char *value)
{
	int f = topo_format_parse(value);

	if (f < 0)
		return cli_usage_error(verb, "--format takes 'netlab', 'kathara' or 'clab', not '%s'", value);
	arg_format = f;
	return 0;
}

/* --name LAB: the lab is LAB, whatever the topology's "name" says (namespaces LAB.NODE). */
void cli_apply_name(struct topo *t)
{
	if (!arg_name)
		return;
	free(t->name);
	t->name = xstrdup(arg_name);
}

int verb_help(int argc, char **argv);

/* A lab name, or the name inside a topology file (or --name's with a file). */
int cli_lab_arg(const char *arg, char **ret)
{
	struct stat st;

	if (strchr(arg, '/') || (strlen(arg) > 5 && !strcmp(arg + strlen(arg) - 5, ".json")) ||
	    (stat(arg, &st) == 0 && (S_ISREG(st.st_mode) || topo_format_detect(arg) == TOPO_FORMAT_KATHARA))) {
		_cleanup_(topo_freep) struct topo *t = NULL;
		_cleanup_free_ char *text = NULL, *as = NULL;
		struct topo_diags d = {0};
		/* any format: a Kathara lab directory, a containerlab file, netlab JSON */
		int r = topo_read_json(arg, arg_format, &text, &as, &d);

		if (r < 0) {
			cli_print_diags(&d);
			topo_diags_free(&d);
			return 2;
		}
		t = topo_parse_string(text, strlen(text), as, &d);
		if (!t || !t->name) {
			cli_print_diags(&d);
			topo_diags_free(&d);
			log_error("%s: cannot tell the lab's name", arg);
			return 2;
		}
		topo_diags_free(&d);
		*ret = xstrdup(arg_name ? arg_name : t->name);
		return 0;
	}
	if (arg_name) {
		log_error("--name goes with a topology file, not with the lab name '%s'", arg);
		return 2;
	}
	if (topo_lab_key_problem(arg)) {
		log_error("lab name '%s' %s", arg, topo_lab_key_problem(arg));
		return 2;
	}
	*ret = xstrdup(arg);
	return 0;
}

/*
 * A node argument: NODE (of the -l lab, or of the only running lab with it), or
 * LAB.NODE as `ip netns` names it, when that lab runs and has that node.
 */
void cli_node_arg(const char *arg, char **ret_lab, char **ret_node)
{
	_cleanup_free_ char *lab = NULL, *node = NULL, *found = NULL;
	struct lab_err *e = NULL;

	if (!arg_lab && labinfo_split_netns(arg, &lab, &node) == 0) {
		if (lab_find_node(lab, node, &found, &e) == 0) {
			*ret_lab = TAKE_PTR(lab);
			*ret_node = TAKE_PTR(node);
			return;
		}
		err_free(e);
	}
	*ret_lab = arg_lab ? xstrdup(arg_lab) : NULL;
	*ret_node = xstrdup(arg);
}

/* The lab of a verb that acts on a whole lab: lab when given (and running), else the only one. */
int cli_lab_one(const char *lab, char **ret, struct lab_err **err)
{
	char **labs = NULL;
	size_t n = 0;
	int r = 0;

	state_list_labs(&labs, &n);
	if (lab) {
		bool found = false;

		for (size_t i = 0; i < n; i++)
			found |= !strcmp(labs[i], lab);
		if (!found)
			r = err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", lab);
		else
			*ret = xstrdup(lab);
	} else if (n == 1)
		*ret = xstrdup(labs[0]);
	else if (n == 0)
		r = err_make_kind(err, ERR_RUNTIME, ENOENT, "no lab is running");
	else
		r = err_make_kind(err, ERR_USAGE, ENOTUNIQ,
				  "%zu labs are running: choose one with -l LAB (see 'netlab list')", n);
	strv_free(labs, n);
	return r;
}

/* A JSON string literal of s (for the few results cli.c prints as JSON itself). */
void cli_put_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Which lab a verb means: the argument, -l, or the only one running. Return: 0 or an exit code. */
int cli_pick_lab(const char *verb, int argc, char **argv, char **ret)
{
	char **labs = NULL;
	size_t n = 0;

	if (argc - optind > 1)
		return cli_usage_error(verb, "expected at most one lab");
	if (argc - optind == 1)
		return cli_lab_arg(argv[optind], ret);
	if (arg_lab) {
		*ret = xstrdup(arg_lab);
		return 0;
	}
	state_list_labs(&labs, &n);
	if (n != 1) {
		strv_free(labs, n);
		return cli_usage_error(verb, n ? "several labs are running: name one" : "no lab is running");
	}
	*ret = xstrdup(labs[0]);
	strv_free(labs, n);
	return 0;
}

static const struct verb verbs[] = {
	{"validate", verb_validate, "validate [--explain] [--strict] [--allow-host-paths] [--format F] TOPOLOGY",
	 "Check a topology and print every problem found (file, JSON path, what is wrong,\n"
	 "what is expected). Exit 2 when it has errors. --explain prints the expanded\n"
	 "topology (pool addresses, automatic routes, interface names) in the long form.\n"
	 "--allow-host-paths lets \"files\" use host files outside the topology's directory.\n"
	 "--strict makes every warning an error (also for up).",
	 false},
	{"up", verb_up, "up [--strict] [--allow-host-paths] [--name LAB] [--format F] [--host H [--dir DIR]] TOPOLOGY",
	 "Validate the topology and build the lab: a network and UTS namespace per node,\n"
	 "veth links, bridges for switches, addresses, routes, sysctls. Any failure rolls\n"
	 "back everything created. Each node's network namespace is visible to `ip netns`\n"
	 "as LAB.NODE. --name LAB names the lab LAB instead of the topology's \"name\", so\n"
	 "that one file can run several times side by side. The lab records who started it.\n"
	 "TOPOLOGY is a netlab JSON file, a Kathara lab (its directory, or its lab.conf) or a\n"
	 "containerlab *.clab.yml, known by name and content (--format netlab|kathara|clab\n"
	 "forces one). A Kathara lab's failing startup lines never fail it: status names them.\n"
	 "A topology with \"hosts\" runs on several machines: up runs 'EXEC NETLAB up --host H -'\n"
	 "on each (--host H builds H's share only; TOPOLOGY may be '-', stdin; --dir DIR: its\n"
	 "relative paths start there; --wire-only/--start: the controller's two phases).",
	 true},
	{"down", verb_down, "down [--force] LAB | down [--force] [--name LAB] TOPOLOGY.json | down --all [--yes]",
	 "Remove a lab: its processes, namespaces, links and state. A lab that is not\n"
	 "running is a no-op (said on stderr, with the labs that are running). --all\n"
	 "removes every netlab lab and nothing else; on a terminal it first lists the labs,\n"
	 "who started them and when, and asks (--yes: do not ask). --force proceeds from\n"
	 "the lab's directory when its state file is corrupt.",
	 true},
	{"exec", verb_exec, "exec [-l LAB] NODE COMMAND [ARG...]",
	 "Run COMMAND inside NODE (its network and UTS namespaces), with stdin, stdout,\n"
	 "stderr and the terminal passed through; exit with COMMAND's exit code. The lab\n"
	 "may be left out when only one running lab has a node of that name; NODE may\n"
	 "also be LAB.NODE, the node's name in `ip netns`.",
	 true},
	{"shell", verb_shell, "shell [-l LAB] NODE", "Open an interactive shell ($SHELL) inside NODE (or LAB.NODE).",
	 true},
	{"status", verb_status, "status [--json] [LAB|TOPOLOGY.json]",
	 "Show running labs: who started them and when, nodes, interfaces with state and\n"
	 "addresses, route counts, why a node's startup failed and the lines of its Kathara\n"
	 "scripts that failed. --json prints the same as JSON for scripts.",
	 true},
	{"list", verb_list, "list [--json]",
	 "List running labs, one line each: status, nodes, who started it and when, the\n"
	 "topology. --json: one summary object per lab (status --json has the details).",
	 true},
	{"link", verb_link, "link [-l LAB] NODE:IFNAME up|down",
	 "Take a link down or up, both ends at once, as when a cable is pulled: each side\n"
	 "sees its carrier go. Routes netlab installed through the link come back with it.",
	 true},
	{"impair", verb_impair,
	 "impair [-l LAB] NODE:IFNAME [--delay T] [--jitter T] [--loss P%] [--rate R] [--both] | --clear",
	 "Impair what leaves NODE:IFNAME (--both: also its peer). Delay, jitter and loss use\n"
	 "the netem qdisc; a rate alone uses tbf. T: 20ms, 1s; R: 10mbit, 1gbit, 500kbit.\n"
	 "--clear removes the impairments of both ends. A kernel without the qdisc gives an\n"
	 "error naming it, and nothing is changed.",
	 true},
	{"capture", verb_capture, "capture [-l LAB] NODE:IFNAME [-w FILE.pcap] [-c N] [FILTER...]",
	 "Capture packets on a node's interface with tcpdump inside the node: printed, or\n"
	 "written to FILE.pcap (on the host) until Ctrl-C or N packets.",
	 true},
	{"ping-all", verb_ping_all,
	 "ping-all [--json] [--timeout T] [--sample K [--seed N]] [--from PATTERNS] [--to PATTERNS] [LAB]",
	 "Every node pings every address of every other node (IPv4 and IPv6), paced, each\n"
	 "pair without a reply tried 3 times; prints the failures grouped by source and\n"
	 "destination prefix, then 'N passed, M failed'. --timeout: each try's wait\n"
	 "(default 1s); --sample K: K pairs chosen at random (--seed repeats a choice);\n"
	 "--from/--to: only these sources/destinations (node names or shell patterns,\n"
	 "comma-separated: 'r1-*,h1'). Exit 1 when any pair fails, or with a warning when\n"
	 "the lab has no address to ping.",
	 true},
	{"test", verb_test, "test [--json] [--fresh] [--name LAB] TOPOLOGY",
	 "Check the topology's \"expect\" list against its running lab (--fresh: bring it up,\n"
	 "test, take it down): one PASS/FAIL line per check, then 'N passed, M failed'.\n"
	 "--name LAB: the lab runs as LAB (as with up --name).\n"
	 "Exit 1 when any check fails.",
	 true},
	{"restart", verb_restart, "restart [-l LAB] NODE",
	 "End a node's processes and run its startup commands again (Kathara's lrestart).", true},
	{"logs", verb_logs, "logs [-l LAB] NODE",
	 "Show the output of a node's startup commands (/run/netlab/LAB/logs/NODE.log).", true},
	{"gen", verb_gen,
	 "gen line|ring|star|full N | grid RxC | tree --depth D --fanout F | fattree K |\n"
	 "    clos --spines S --leaves L [--hosts-per-leaf H] [OPTIONS]",
	 "Write a topology in the compact syntax with address pools (to stdout, or -o FILE).\n"
	 "  line N, ring N, full N   N routers (--hosts: hosts) in a line, a ring, a full mesh\n"
	 "  star N                   a switch 'sw' with N hosts (--routers: routers)\n"
	 "  grid RxC                 R x C routers, each linked to its right and lower neighbour\n"
	 "  tree --depth D --fanout F  D levels of routers (--switches: switches), F children\n"
	 "                           each, F hosts under each router of the last level\n"
	 "  fattree K                k-ary fat tree: (K/2)^2 core, K pods of K/2 aggregation and\n"
	 "                           K/2 edge switches with spanning tree (--routers: routers),\n"
	 "                           K/2 hosts per edge\n"
	 "  clos --spines S --leaves L [--hosts-per-leaf H]  leaf-spine: every leaf router\n"
	 "                           linked to every spine router, H hosts (default 1) per leaf;\n"
	 "                           with --routing static, multipath routes over every spine\n"
	 "options: --routing static|none, --ipv6 (dual stack), --name NAME, -o FILE",
	 false},
	{"graph", verb_graph, "graph [--format dot|mermaid] [-o FILE] TOPOLOGY.json",
	 "Draw the topology: Graphviz DOT (default) or Mermaid, nodes shaped by kind, links\n"
	 "labelled with interface names and subnets. -o FILE.svg (.png, .pdf) renders through\n"
	 "Graphviz; another -o FILE gets the text.",
	 false},
	{"convert", verb_convert, "convert [--format netlab|kathara|clab] [--name LAB] TOPOLOGY",
	 "Print the netlab JSON topology netlab makes of TOPOLOGY (a Kathara lab directory\n"
	 "or its lab.conf, a containerlab *.clab.yml, or a netlab file), once it loads as\n"
	 "a whole: what netlab understood, and the migration path. `netlab up` takes the output and builds the same lab.\n"
	 "--format forces the format, otherwise known by name and content.",
	 false},
	{"help", verb_help, "help [VERB]", "Show help for netlab or one verb.", false},
};

static void print_usage(FILE *f)
{
	fprintf(f, "usage: netlab [-v|-vv|-q] VERB [OPTIONS] [ARGS]\n\n"
		   "Build network labs from a JSON topology with Linux namespaces.\n\nverbs:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(f, "  netlab %s\n", verbs[i].synopsis);
	fprintf(f, "\noptions:\n"
		   "  -v, --verbose   explain each step (-vv: each netlink request)\n"
		   "  -q, --quiet     print errors only\n"
		   "  -h, --help      this help ('netlab help VERB' for one verb)\n"
		   "  --version       print the version\n\n"
		   "exit codes: 0 ok, 1 runtime failure, 2 usage error or invalid topology\n");
}

int verb_help(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verbs[i].name, argv[1]) == 0) {
			printf("usage: netlab %s\n\n%s\n", verbs[i].synopsis, verbs[i].help);
			return 0;
		}
	return cli_usage_error("help", "unknown verb '%s'", argv[1]);
}

static void close_stdout(void)
{
	/* a result that could not be written is a failure (util-linux close_stdout) */
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE) {
			fprintf(stderr, "netlab: writing to standard output: %s\n", strerror(errno));
			_exit(1);
		}
	}
}

int cli_main(int argc, char **argv)
{
	int i = 1;

	atexit(close_stdout);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			log_level = log_level < LOG_LEVEL_INFO ? LOG_LEVEL_INFO : log_level + 1;
		else if (!strcmp(argv[i], "-vv"))
			log_level = LOG_LEVEL_DEBUG;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			log_level = LOG_LEVEL_ERROR;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("netlab %s\n", NETLAB_VERSION);
			return 0;
		} else
			return cli_usage_error(NULL, "unknown option '%s'", argv[i]);
	}
	if (i == argc) {
		print_usage(stderr);
		return 2;
	}
	for (size_t k = 0; k < ARRAY_SIZE(verbs); k++) {
		if (strcmp(verbs[k].name, argv[i]))
			continue;
		if (verbs[k].needs_root) {
			/* root's labs under /run, a user's under its own root (docs/rootless.md) */
			struct lab_err *e = NULL;

			if (rootless_init(&e) < 0)
				return cli_fail(e);
		}
		return verbs[k].run(argc - i, argv + i);
	}
	return cli_usage_error(NULL, "unknown verb '%s'", argv[i]);
}
