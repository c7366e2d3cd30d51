/* SPDX-License-Identifier: MIT */
#include "cli.h"

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
#include "state.h"
#include "topo_parse.h"
#include "util.h"

#define NETLAB_VERSION "0.1.0"

static const char *arg_lab;
static bool arg_json;
static bool arg_all;
static bool arg_force;
static bool arg_explain;
static bool arg_allow_host_paths;
static const char *arg_name;
static bool arg_yes;
static bool arg_strict; /* --strict: warnings fail validate and up; a failing startup rolls up back */

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *help;
	bool needs_root;
};

/* Colour only on a terminal, and never with NO_COLOR (no-color.org) or TERM=dumb. */
static bool colour(void)
{
	static int on = -1;

	if (on < 0) {
		const char *term = getenv("TERM");

		on = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
	}
	return on;
}

static const char *paint(const char *text, const char *code)
{
	static char buf[4][64];
	static int k;

	if (!colour())
		return text;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "\033[%sm%s\033[0m", code, text);
	return buf[k];
}

#define GREEN "32"
#define RED "31;1"

static int usage_error(const char *verb, const char *fmt, ...) _printf_(2, 3);
static int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "netlab: %s%s", verb ? verb : "", verb ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'netlab %s%s--help'\n", verb ? verb : "", verb ? " " : "");
	return 2;
}

static int fail(struct lab_err *e)
{
	int code = err_exit_code(e);

	log_error("%s", e->msg);
	err_free(e);
	return code;
}

static void print_diags(const struct topo_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].severity == TOPO_ERROR)
			fprintf(stderr, "netlab: error: %s\n", d->v[i].text);
		else if (log_level >= LOG_LEVEL_WARN)
			fprintf(stderr, "netlab: warning: %s\n", d->v[i].text);
	}
}

/* Load and validate, printing every problem. Return: 0, 2 (invalid) or 1 (unreadable). */
static int load(const char *file, struct topo **ret)
{
	struct topo_diags d = {0};
	struct topo_load_opts o = {.allow_host_paths = arg_allow_host_paths, .name = arg_name};
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
	print_diags(&d);
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
static int parse_opts(const char *verb, int argc, char **argv, const char *allowed)
{
	static const struct option opts[] = {
		{"lab", required_argument, NULL, 'l'}, {"json", no_argument, NULL, 'j'},
		{"all", no_argument, NULL, 'a'},       {"force", no_argument, NULL, 'f'},
		{"explain", no_argument, NULL, 'e'},   {"help", no_argument, NULL, 'h'},
		{"verbose", no_argument, NULL, 'v'},   {"quiet", no_argument, NULL, 'q'},
		{"allow-host-paths", no_argument, NULL, 'A'},
		{"name", required_argument, NULL, 'n'}, {"yes", no_argument, NULL, 'y'},
		{"strict", no_argument, NULL, 'S'},
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
				return usage_error(verb, "option '-l' needs a lab name"), -2;
			if (c == '?' && optopt == 'n' && strchr(allowed, 'n'))
				return usage_error(verb, "option '--name' needs a lab name"), -2;
			return usage_error(verb, "unknown option '%s'", argv[optind - 1]), -2;
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
				return usage_error(verb, "--name: lab name '%s' %s", optarg,
						   topo_lab_name_problem(optarg)), -2;
			arg_name = optarg;
			break;
		case 'y':
			arg_yes = true;
			break;
		case 'S':
			arg_strict = true;
			break;
		}
	}
	return 0;
}

/* --name LAB: the lab is LAB, whatever the topology's "name" says (namespaces LAB.NODE). */
static void apply_name(struct topo *t)
{
	if (!arg_name)
		return;
	free(t->name);
	t->name = xstrdup(arg_name);
}

static int verb_help(int argc, char **argv);

static int verb_validate(int argc, char **argv)
{
	_cleanup_(topo_freep) struct topo *t = NULL;
	int r = parse_opts("validate", argc, argv, "eAS");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "validate", NULL}) : 2;
	if (optind != argc - 1)
		return usage_error("validate", "expected one topology file");
	r = load(argv[optind], &t);
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

static int verb_up(int argc, char **argv)
{
	_cleanup_(topo_freep) struct topo *t = NULL;
	struct lab_err *e = NULL;
	struct lab_up_result res;
	int r = parse_opts("up", argc, argv, "AnS");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "up", NULL}) : 2;
	if (optind != argc - 1)
		return usage_error("up", "expected one topology file");
	r = load(argv[optind], &t);
	if (r)
		return r;
	apply_name(t);
	t->strict |= arg_strict;
	if (lab_up(t, &res, &e) < 0)
		return fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("lab '%s' is up: %zu nodes, %zu links in %.2f s\n", t->name, res.nodes,
		       res.links, res.seconds);
	if (res.failed) {
		log_error("lab '%s' is up, but the startup of %zu node%s failed (see 'netlab status %s' and 'netlab logs'; --strict rolls back instead)",
			  t->name, res.failed, res.failed == 1 ? "" : "s", t->name);
		return 1;
	}
	return 0;
}

/* A lab name, or the name inside a topology file (or --name's with a file). */
static int lab_arg(const char *arg, char **ret)
{
	struct stat st;

	if (strchr(arg, '/') || (strlen(arg) > 5 && !strcmp(arg + strlen(arg) - 5, ".json")) ||
	    (stat(arg, &st) == 0 && S_ISREG(st.st_mode))) {
		_cleanup_(topo_freep) struct topo *t = NULL;
		_cleanup_free_ char *text = NULL;
		struct topo_diags d = {0};
		size_t len;
		int r = read_file(arg, 64u << 20, &text, &len);

		if (r < 0) {
			log_error("%s: cannot read the topology: %s", arg, strerror(-r));
			return 2;
		}
		t = topo_parse_string(text, len, arg, &d);
		if (!t || !t->name) {
			print_diags(&d);
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
	if (topo_lab_name_problem(arg)) {
		log_error("lab name '%s' %s", arg, topo_lab_name_problem(arg));
		return 2;
	}
	*ret = xstrdup(arg);
	return 0;
}

/* The labs under /run/netlab (names netlab could have made), "a, b" or "none". */
static char *running_labs(char ***ret, size_t *ret_n)
{
	char **labs = NULL;
	size_t n = 0, k = 0;

	state_list_labs(&labs, &n);
	for (size_t i = 0; i < n; i++) {
		if (topo_lab_name_problem(labs[i]))
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
		return fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("%d lab%s taken down\n", r, r == 1 ? "" : "s");
	return 0;
}

static int verb_down(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL;
	struct lab_err *e = NULL;
	int r = parse_opts("down", argc, argv, "afny");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "down", NULL}) : 2;
	if (arg_all) {
		if (optind != argc || arg_name)
			return usage_error("down", "--all takes no lab");
		return down_all();
	}
	if (arg_yes)
		return usage_error("down", "--yes goes with --all");
	if (optind != argc - 1)
		return usage_error("down", "expected a lab name or a topology file (or --all)");
	r = lab_arg(argv[optind], &lab);
	if (r)
		return r;
	r = lab_down(lab, arg_force, &e);
	if (r < 0)
		return fail(e);
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

/*
 * A node argument: NODE (of the -l lab, or of the only running lab with it), or
 * LAB.NODE as `ip netns` names it, when that lab runs and has that node.
 */
static void node_arg(const char *arg, char **ret_lab, char **ret_node)
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
static int lab_one(const char *lab, char **ret, struct lab_err **err)
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

static int verb_exec(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL, *node = NULL;
	struct lab_err *e = NULL;
	int r = parse_opts("exec", argc, argv, "la");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "exec", NULL}) : 2;
	if (arg_all) {
		_cleanup_free_ char *found = NULL;

		if (argc - optind < 1)
			return usage_error("exec", "expected a command after --all");
		r = lab_one(arg_lab, &found, &e);
		if (r < 0)
			return fail(e);
		r = lab_exec_all(found, argv + optind, &e);
		return r < 0 ? fail(e) : r;
	}
	if (argc - optind < 2)
		return usage_error("exec", "expected a node and a command");
	node_arg(argv[optind], &lab, &node);
	r = lab_exec(lab, node, argv + optind + 1, &e);
	/* a command that cannot be run: 127 or 126 (ERR_EXEC), as a shell */
	return fail(e);
}

static int verb_shell(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL, *node = NULL;
	struct lab_err *e = NULL;
	const char *sh = getenv("SHELL");
	char *args[2];
	int r = parse_opts("shell", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "shell", NULL}) : 2;
	if (argc - optind != 1)
		return usage_error("shell", "expected a node");
	if (!sh || !*sh)
		sh = access("/bin/bash", X_OK) == 0 ? "/bin/bash" : "/bin/sh";
	args[0] = (char *)sh;
	args[1] = NULL;
	node_arg(argv[optind], &lab, &node);
	lab_exec(lab, node, args, &e);
	return fail(e);
}

static int verb_restart(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL, *node = NULL;
	struct lab_err *e = NULL;
	int r = parse_opts("restart", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "restart", NULL}) : 2;
	if (argc - optind != 1)
		return usage_error("restart", "expected a node");
	node_arg(argv[optind], &lab, &node);
	if (lab_restart(lab, node, &e) < 0)
		return fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("node '%s' restarted\n", node);
	return 0;
}

static int verb_logs(int argc, char **argv)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	struct lab_err *e = NULL;
	size_t len = 0;
	int r = parse_opts("logs", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "logs", NULL}) : 2;
	if (argc - optind != 1)
		return usage_error("logs", "expected a node");
	if (lab_log_path(arg_lab, argv[optind], &path, &e) < 0)
		return fail(e);
	r = read_file(path, 256u << 20, &text, &len);
	if (r == -ENOENT) {
		log_warn("node '%s' has no startup log (it has no startup commands)", argv[optind]);
		return 0;
	}
	if (r < 0) {
		log_error("reading '%s': %s", path, strerror(-r));
		return 1;
	}
	fwrite(text, 1, len, stdout);
	return 0;
}

static int verb_link(int argc, char **argv)
{
	struct lab_err *e = NULL;
	int r = parse_opts("link", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "link", NULL}) : 2;
	if (argc - optind != 2 || (strcmp(argv[optind + 1], "up") && strcmp(argv[optind + 1], "down")))
		return usage_error("link", "expected NODE:IFNAME up|down");
	if (lab_link_set(arg_lab, argv[optind], strcmp(argv[optind + 1], "up") == 0, &e) < 0)
		return fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("link of %s is %s\n", argv[optind], argv[optind + 1]);
	return 0;
}

static int verb_impair(int argc, char **argv)
{
	static const struct option opts[] = {
		{"lab", required_argument, NULL, 'l'},   {"delay", required_argument, NULL, 'd'},
		{"jitter", required_argument, NULL, 'j'}, {"loss", required_argument, NULL, 'p'},
		{"rate", required_argument, NULL, 'r'},   {"clear", no_argument, NULL, 'c'},
		{"both", no_argument, NULL, 'b'},         {"help", no_argument, NULL, 'h'},
		{},
	};
	struct topo_impair im = {.set = true};
	struct lab_err *e = NULL;
	bool clear = false, both = false, any = false;
	int c, r = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			arg_lab = optarg;
			break;
		case 'd':
			r = topo_time_parse(optarg, &im.delay_ns);
			any = true;
			break;
		case 'j':
			r = topo_time_parse(optarg, &im.jitter_ns);
			any = true;
			break;
		case 'p':
			r = topo_percent_parse(optarg, &im.loss);
			any = true;
			break;
		case 'r':
			r = topo_rate_parse(optarg, &im.rate_bps);
			any = true;
			break;
		case 'c':
			clear = true;
			break;
		case 'b':
			both = true;
			break;
		case 'h':
			return verb_help(2, (char *[]){"help", "impair", NULL});
		default:
			return usage_error("impair", "unknown option '%s'", argv[optind - 1]);
		}
		if (r < 0)
			return usage_error("impair", "'%s' is not a valid value for --%s (expected e.g. 20ms, 1%%, 10mbit)",
					   optarg, c == 'd' ? "delay" : c == 'j' ? "jitter" : c == 'p' ? "loss" : "rate");
	}
	if (argc - optind != 1)
		return usage_error("impair", "expected one NODE:IFNAME");
	if (clear == any)
		return usage_error("impair", "expected --delay, --jitter, --loss or --rate, or --clear");
	if (im.jitter_ns && !im.delay_ns)
		return usage_error("impair", "--jitter needs --delay");
	if (clear)
		im = (struct topo_impair){0};
	if (lab_impair(arg_lab, argv[optind], &im, both || clear, &e) < 0)
		return fail(e);
	if (log_level >= LOG_LEVEL_WARN) {
		char what[96];

		if (clear)
			printf("impairments of the link of %s cleared\n", argv[optind]);
		else
			printf("%s%s: %s\n", argv[optind], both ? " and its peer" : "",
			       topo_impair_format(&im, what, sizeof(what)));
	}
	return 0;
}

/* A count of packets: decimal digits only. */
static bool is_count(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int verb_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{"lab", required_argument, NULL, 'l'}, {"write", required_argument, NULL, 'w'},
		{"count", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
		{},
	};
	const char *out = NULL, *count = NULL;
	_cleanup_free_ char *node = NULL;
	struct lab_err *e = NULL;
	char **args;
	size_t n = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+l:w:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			arg_lab = optarg;
			break;
		case 'w':
			out = optarg;
			break;
		case 'c':
			count = optarg;
			if (!is_count(optarg))
				return usage_error("capture", "-c takes a number of packets");
			break;
		case 'h':
			return verb_help(2, (char *[]){"help", "capture", NULL});
		default:
			return usage_error("capture", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 1 || !strchr(argv[optind], ':'))
		return usage_error("capture", "expected NODE:IFNAME [FILTER...]");
	if (access("/usr/bin/tcpdump", X_OK) < 0 && access("/usr/sbin/tcpdump", X_OK) < 0) {
		log_error("capture needs tcpdump (Debian package 'tcpdump': apt-get install tcpdump)");
		return 1;
	}
	node = strndup(argv[optind], strchr(argv[optind], ':') - argv[optind]);
	/* -w and -c after NODE:IF too: they are netlab's, in the caller's view, never tcpdump's */
	{
		int i = optind + 1;

		while (i + 1 < argc && (!strcmp(argv[i], "-w") || !strcmp(argv[i], "-c"))) {
			if (argv[i][1] == 'w')
				out = argv[i + 1];
			else if (!is_count(argv[i + 1]))
				return usage_error("capture", "-c takes a number of packets");
			else
				count = argv[i + 1];
			i += 2;
		}
		if (i < argc && !strcmp(argv[i], "--"))
			i++;
		/* what is left is the filter */
		argv[i - 1] = argv[optind];
		optind = i - 1;
	}
	if (out) {
		/* the file is the host's, wherever the node's own files are */
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0) {
			log_error("opening '%s': %s", out, strerror(errno));
			return 1;
		}
		if (dup2(fd, STDOUT_FILENO) < 0)
			return 1;
		close(fd);
	}
	args = xcalloc(argc + 12, sizeof(char *));
	args[n++] = "tcpdump";
	args[n++] = "-n";
	args[n++] = "-i";
	args[n++] = strchr(argv[optind], ':') + 1;
	if (out) {
		args[n++] = "-U";
		args[n++] = "-w";
		args[n++] = "-";
	} else
		args[n++] = "-l";
	if (count) {
		args[n++] = "-c";
		args[n++] = (char *)count;
	}
	for (int i = optind + 1; i < argc; i++)
		args[n++] = argv[i];
	lab_exec(arg_lab, node, args, &e);
	free(args);
	return fail(e);
}

/* A JSON string literal of s (for the few results cli.c prints as JSON itself). */
static void put_json_str(const char *s)
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
static int pick_lab(const char *verb, int argc, char **argv, char **ret)
{
	char **labs = NULL;
	size_t n = 0;

	if (argc - optind > 1)
		return usage_error(verb, "expected at most one lab");
	if (argc - optind == 1)
		return lab_arg(argv[optind], ret);
	if (arg_lab) {
		*ret = xstrdup(arg_lab);
		return 0;
	}
	state_list_labs(&labs, &n);
	if (n != 1) {
		strv_free(labs, n);
		return usage_error(verb, n ? "several labs are running: name one" : "no lab is running");
	}
	*ret = xstrdup(labs[0]);
	strv_free(labs, n);
	return 0;
}

/* ping-all's options into o. Return: 0, 'h' for --help, or an exit code. */
static int ping_all_opts(int argc, char **argv, struct check_ping_opts *o)
{
	static const struct option opts[] = {
		{"lab", required_argument, NULL, 'l'},	   {"json", no_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'}, {"sample", required_argument, NULL, 's'},
		{"seed", required_argument, NULL, 'S'},	   {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 'T'},	   {"help", no_argument, NULL, 'h'},
		{},
	};
	uint64_t ns;
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			arg_lab = optarg;
			break;
		case 'j':
			arg_json = true;
			break;
		case 't':
			if (topo_time_parse(optarg, &ns) < 0 || ns < 1000000 || ns > 600000000000ull)
				return usage_error("ping-all", "--timeout takes a time from 1ms to 600s (500ms, 2s), not '%s'", optarg);
			o->timeout_ms = (int)(ns / 1000000);
			break;
		case 's':
		case 'S':
			errno = 0;
			if (!*optarg || strspn(optarg, "0123456789") != strlen(optarg) ||
			    (c == 's' && !strcmp(optarg, "0")))
				return usage_error("ping-all", "--%s takes a %snumber, not '%s'",
						   c == 's' ? "sample" : "seed", c == 's' ? "positive " : "", optarg);
			if (c == 's')
				o->sample = strtoull(optarg, &end, 10);
			else
				o->seed = strtoull(optarg, &end, 10);
			break;
		case 'f':
			o->from = optarg;
			break;
		case 'T':
			o->to = optarg;
			break;
		case 'h':
			return 'h';
		default:
			if (optopt && strchr("ltsSfT", optopt))
				return usage_error("ping-all", "option '%s' needs a value", argv[optind - 1]);
			return usage_error("ping-all", "unknown option '%s'", argv[optind - 1]);
		}
	}
	return 0;
}

static int verb_ping_all(int argc, char **argv)
{
	struct check_ping_opts o = {0};
	struct check_matrix m = {0};
	struct pingall_group *g = NULL;
	_cleanup_free_ char *lab = NULL;
	struct lab_err *e = NULL;
	size_t ng = 0;
	int r = ping_all_opts(argc, argv, &o);

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "ping-all", NULL}) : r;
	r = pick_lab("ping-all", argc, argv, &lab);
	if (r)
		return r;
	if (o.sample && !o.seed)
		o.seed = (uint64_t)(now_sec() * 1e6) ^ (uint64_t)getpid() << 32;
	if (check_ping_all(lab, &o, &m, &e) < 0)
		return fail(e);
	if (m.n_all == 0) {
		if (o.from || o.to)
			log_warn("lab '%s': no node selected by --from/--to has an address to ping", m.lab);
		else
			log_warn("lab '%s' has no addresses to ping (loopback and link-local ones aside): nothing was tested",
				 m.lab);
		check_matrix_free(&m);
		return 1;
	}
	pingall_group(m.pairs, m.n_pairs, &g, &ng);
	if (arg_json)
		pingall_print_json(stdout, m.lab, m.pairs, m.n_pairs, m.n_all, g, ng);
	else
		pingall_print_text(stdout, paint("FAIL", RED), m.pairs, m.n_pairs, m.n_all, o.seed, g, ng);
	r = m.failed ? 1 : 0;
	pingall_groups_free(g, ng);
	check_matrix_free(&m);
	return r;
}

static int verb_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'}, {"fresh", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'}, {"allow-host-paths", no_argument, NULL, 'A'},
		{"name", required_argument, NULL, 'n'},
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
		else if (c == 'A')
			arg_allow_host_paths = true;
		else if (c == 'n' && !topo_lab_name_problem(optarg))
			arg_name = optarg;
		else if (c == 'n')
			return usage_error("test", "--name: lab name '%s' %s", optarg,
					   topo_lab_name_problem(optarg));
		else if (c == 'h')
			return verb_help(2, (char *[]){"help", "test", NULL});
		else
			return usage_error("test", "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return usage_error("test", "expected one topology file");
	r = load(argv[optind], &t);
	if (r)
		return r;
	apply_name(t);
	if (t->n_expects == 0) {
		log_error("%s: has no \"expect\" checks", argv[optind]);
		return 2;
	}
	if (fresh) {
		struct lab_up_result res_up;

		if (lab_up(t, &res_up, &e) < 0)
			return fail(e);
	}
	res = xcalloc(t->n_expects, sizeof(*res));
	failed = check_expectations(t, res, &e);
	if (fresh) {
		struct lab_err *e2 = NULL;

		if (lab_down(t->name, false, &e2) < 0)
			fail(e2);
	}
	if (failed < 0) {
		for (size_t i = 0; i < t->n_expects; i++)
			free(res[i].detail);
		free(res);
		return fail(e);
	}
	if (arg_json) {
		printf("{\"lab\": ");
		put_json_str(t->name);
		printf(", \"passed\": %zu, \"failed\": %d, \"results\": [", t->n_expects - failed, failed);
		for (size_t i = 0; i < t->n_expects; i++) {
			printf("%s\n  {\"index\": %zu, \"check\": %s, \"pass\": %s, \"detail\": ", i ? "," : "", i,
			       t->expects[i].text, res[i].pass ? "true" : "false");
			put_json_str(res[i].detail);
			printf("}");
		}
		printf("\n]}\n");
	} else {
		for (size_t i = 0; i < t->n_expects; i++)
			printf("%s expect[%zu] %s: %s\n", res[i].pass ? paint("PASS", GREEN) : paint("FAIL", RED), i, t->expects[i].text,
			       res[i].detail);
		printf("%zu passed, %d failed\n", t->n_expects - failed, failed);
	}
	for (size_t i = 0; i < t->n_expects; i++)
		free(res[i].detail);
	free(res);
	return failed ? 1 : 0;
}

static int verb_graph(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'}, {"allow-host-paths", no_argument, NULL, 'A'},
		{},
	};
	_cleanup_(topo_freep) struct topo *t = NULL;
	_cleanup_free_ char *text = NULL;
	const char *format = NULL, *out = NULL;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'A')
			arg_allow_host_paths = true;
		else if (c == 'h')
			return verb_help(2, (char *[]){"help", "graph", NULL});
		else
			return usage_error("graph", "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return usage_error("graph", "expected one topology file");
	if (format && strcmp(format, "dot") && strcmp(format, "mermaid"))
		return usage_error("graph", "--format takes 'dot' or 'mermaid'");
	r = load(argv[optind], &t);
	if (r)
		return r;
	/* -o FILE.svg (or .png, .pdf) renders through Graphviz; other files get the text */
	if (out) {
		const char *ext = strrchr(out, '.');

		if (ext && (!strcmp(ext, ".svg") || !strcmp(ext, ".png") || !strcmp(ext, ".pdf")) &&
		    (!format || !strcmp(format, "dot"))) {
			int pipefd[2], status;
			pid_t pid;

			if (access("/usr/bin/dot", X_OK) < 0) {
				log_error("rendering %s needs Graphviz (Debian package 'graphviz'); --format dot prints the text",
					  out);
				return 1;
			}
			text = draw_dot(t);
			/* Graphviz reads the DOT on its stdin; the file name is an argument, no shell */
			if (pipe2(pipefd, O_CLOEXEC) < 0)
				return 1;
			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				char fmt[16];

				snprintf(fmt, sizeof(fmt), "-T%s", ext + 1);
				dup2(pipefd[0], STDIN_FILENO);
				execl("/usr/bin/dot", "dot", fmt, "-o", out, (char *)NULL);
				_exit(127);
			}
			close(pipefd[0]);
			if (pid < 0 || write(pipefd[1], text, strlen(text)) != (ssize_t)strlen(text)) {
				close(pipefd[1]);
				log_error("rendering %s: %s", out, strerror(errno));
				return 1;
			}
			close(pipefd[1]);
			if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
				log_error("Graphviz could not render %s", out);
				return 1;
			}
			return 0;
		}
	}
	text = format && !strcmp(format, "mermaid") ? draw_mermaid(t) : draw_dot(t);
	if (out) {
		r = write_file_atomic(out, text, strlen(text), 0644);
		if (r < 0) {
			log_error("writing '%s': %s", out, strerror(-r));
			return 1;
		}
		return 0;
	}
	fputs(text, stdout);
	return 0;
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
				printf("    %s: %s\n", paint("startup failed", RED), nd->failed);
			for (size_t k = 0; k < nd->n_ifaces; k++) {
				const struct status_iface *f = &nd->ifaces[k];

				printf("    %-15s %s%*s", f->name,
				       paint(f->state, strcmp(f->state, "up") ? RED : GREEN),
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

static int verb_status(int argc, char **argv)
{
	struct status_lab *labs = NULL;
	struct lab_err *e = NULL;
	size_t n = 0;
	int r = parse_opts("status", argc, argv, "jl");
	_cleanup_free_ char *lab = NULL;

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "status", NULL}) : 2;
	if (argc - optind > 1)
		return usage_error("status", "expected at most one lab");
	if (argc - optind == 1) {
		r = lab_arg(argv[optind], &lab);
		if (r)
			return r;
	} else if (arg_lab)
		lab = xstrdup(arg_lab);
	if (lab_status(lab, &labs, &n, &e) < 0)
		return fail(e);
	if (arg_json) {
		_cleanup_free_ char *s = state_status_json(labs, n);

		printf("%s\n", s);
	} else
		print_status(labs, n);
	lab_status_free(labs, n);
	return 0;
}

static int verb_list(int argc, char **argv)
{
	struct status_lab *labs = NULL;
	struct lab_err *e = NULL;
	size_t n = 0;
	int r = parse_opts("list", argc, argv, "j");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "list", NULL}) : 2;
	if (argc != optind)
		return usage_error("list", "takes no arguments");
	if (lab_status(NULL, &labs, &n, &e) < 0)
		return fail(e);
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

static int verb_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{"depth", required_argument, NULL, 'd'},   {"fanout", required_argument, NULL, 'f'},
		{"routers", no_argument, NULL, 'R'},       {"hosts", no_argument, NULL, 'H'},
		{"switches", no_argument, NULL, 'S'},      {"routing", required_argument, NULL, 'r'},
		{"ipv6", no_argument, NULL, '6'},          {"name", required_argument, NULL, 'n'},
		{"output", required_argument, NULL, 'o'},  {"help", no_argument, NULL, 'h'},
		{"spines", required_argument, NULL, 's'},  {"leaves", required_argument, NULL, 'L'},
		{"hosts-per-leaf", required_argument, NULL, 'P'},
		{},
	};
	struct gen_opts o = {.node_kind = -1, .hosts_per_leaf = 1};
	const char *out = NULL, *problem = NULL;
	_cleanup_free_ char *text = NULL;
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
		case 'f': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || v > 1000)
				return usage_error("gen", "--%s takes a number from 1 to 1000", c == 'd' ? "depth" : "fanout");
			if (c == 'd')
				o.depth = v;
			else
				o.fanout = v;
			break;
		}
		case 's':
		case 'L':
		case 'P': {
			static const char *const what[] = {"spines", "leaves", "hosts-per-leaf"};
			int k = c == 's' ? 0 : c == 'L' ? 1 : 2;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || v > 10000)
				return usage_error("gen", "--%s takes a number from %d to 10000", what[k], k == 2 ? 0 : 1);
			*(k == 0 ? &o.spines : k == 1 ? &o.leaves : &o.hosts_per_leaf) = v;
			break;
		}
		case 'R':
			o.node_kind = TOPO_ROUTER;
			break;
		case 'H':
			o.node_kind = TOPO_HOST;
			break;
		case 'S':
			o.switches = true;
			break;
		case 'r':
			if (strcmp(optarg, "static") && strcmp(optarg, "none"))
				return usage_error("gen", "--routing takes 'static' or 'none'");
			o.routing_static = strcmp(optarg, "static") == 0;
			break;
		case '6':
			o.ipv6 = true;
			break;
		case 'n':
			if (topo_lab_name_problem(optarg))
				return usage_error("gen", "lab name '%s' %s", optarg, topo_lab_name_problem(optarg));
			o.name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			return verb_help(2, (char *[]){"help", "gen", NULL});
		default:
			return usage_error("gen", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("gen", "expected a shape: line, ring, star, tree, grid, fattree, full or clos");
	if (gen_shape_parse(argv[optind], &o.shape) < 0)
		return usage_error("gen", "unknown shape '%s' (expected line, ring, star, tree, grid, fattree, full or clos)", argv[optind]);
	optind++;
	if (o.shape == GEN_TREE || o.shape == GEN_CLOS) {
		if (optind != argc)
			return usage_error("gen", o.shape == GEN_TREE ? "tree takes --depth D --fanout F, no size" :
					   "clos takes --spines S --leaves L [--hosts-per-leaf H], no size");
	} else {
		if (optind != argc - 1)
			return usage_error("gen", "%s takes one size, such as %s", argv[optind - 1],
					   o.shape == GEN_GRID ? "4x4" : o.shape == GEN_FATTREE ? "4" : "10");
		if (o.shape == GEN_GRID) {
			if (sscanf(argv[optind], "%ux%u%c", &o.rows, &o.cols, &(char){0}) != 2)
				return usage_error("gen", "grid takes ROWSxCOLS, such as 4x4");
		} else {
			unsigned long v = strtoul(argv[optind], &end, 10);

			if (*end || !*argv[optind] || v > 100000)
				return usage_error("gen", "'%s' is not a size (expected a number)", argv[optind]);
			o.n = v;
		}
	}
	if (gen_topology(&o, &text, &problem) < 0)
		return usage_error("gen", "%s %s",
				   argv[optind - (o.shape == GEN_TREE || o.shape == GEN_CLOS ? 1 : 2)], problem);
	if (out) {
		int r = write_file_atomic(out, text, strlen(text), 0644);

		if (r < 0) {
			log_error("writing '%s': %s", out, strerror(-r));
			return 1;
		}
		return 0;
	}
	fputs(text, stdout);
	return 0;
}

static const struct verb verbs[] = {
	{"validate", verb_validate, "validate [--explain] [--strict] [--allow-host-paths] TOPOLOGY.json",
	 "Check a topology and print every problem found (file, JSON path, what is wrong,\n"
	 "what is expected). Exit 2 when it has errors. --explain prints the expanded\n"
	 "topology (pool addresses, automatic routes, interface names) in the long form.\n"
	 "--allow-host-paths lets \"files\" use host files outside the topology's directory.\n"
	 "--strict makes every warning an error (also for up).",
	 false},
	{"up", verb_up, "up [--strict] [--allow-host-paths] [--name LAB] TOPOLOGY.json",
	 "Validate the topology and build the lab: a network and UTS namespace per node,\n"
	 "veth links, bridges for switches, addresses, routes, sysctls. Any failure rolls\n"
	 "back everything created. Each node's network namespace is visible to `ip netns`\n"
	 "as LAB.NODE. --name LAB names the lab LAB instead of the topology's \"name\", so\n"
	 "that one file can run several times side by side. The lab records who started it.",
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
	 "addresses, route counts. --json prints the same as JSON for scripts.",
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
	{"test", verb_test, "test [--json] [--fresh] [--name LAB] TOPOLOGY.json",
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

static int verb_help(int argc, char **argv)
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
	return usage_error("help", "unknown verb '%s'", argv[1]);
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
			return usage_error(NULL, "unknown option '%s'", argv[i]);
	}
	if (i == argc) {
		print_usage(stderr);
		return 2;
	}
	for (size_t k = 0; k < ARRAY_SIZE(verbs); k++) {
		if (strcmp(verbs[k].name, argv[i]))
			continue;
		if (verbs[k].needs_root && geteuid() != 0 &&
		    !(argc > i + 1 && (!strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h")))) {
			log_error("'%s' needs root: namespaces and links need CAP_SYS_ADMIN and CAP_NET_ADMIN (try 'sudo netlab %s ...')",
				  verbs[k].name, verbs[k].name);
			return 1;
		}
		return verbs[k].run(argc - i, argv + i);
	}
	return usage_error(NULL, "unknown verb '%s'", argv[i]);
}
