/* SPDX-License-Identifier: MIT */
/* The verbs about nodes and links of a running lab: exec, shell, restart, logs, link, impair, capture, ping-all. */
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
#include "lab.h"
#include "labinfo.h"
#include "log.h"
#include "state.h"
#include "topo_parse.h"
#include "util.h"

int verb_exec(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL, *node = NULL;
	struct lab_err *e = NULL;
	int r = cli_parse_opts("exec", argc, argv, "la");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "exec", NULL}) : 2;
	if (arg_all) {
		_cleanup_free_ char *found = NULL;

		if (argc - optind < 1)
			return cli_usage_error("exec", "expected a command after --all");
		r = cli_lab_one(arg_lab, &found, &e);
		if (r < 0)
			return cli_fail(e);
		r = lab_exec_all(found, argv + optind, &e);
		return r < 0 ? cli_fail(e) : r;
	}
	if (argc - optind < 2)
		return cli_usage_error("exec", "expected a node and a command");
	cli_node_arg(argv[optind], &lab, &node);
	r = cli_remote("exec", lab, node, node, argv + optind + 1);
	if (r >= 0)
		return r;
	r = lab_exec(lab, node, argv + optind + 1, &e);
	/* a command that cannot be run: 127 or 126 (ERR_EXEC), as a shell */
	return cli_fail(e);
}

int verb_shell(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL, *node = NULL, *own = NULL;
	struct lab_err *e = NULL;
	const char *sh = getenv("SHELL");
	char *args[2];
	int r = cli_parse_opts("shell", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "shell", NULL}) : 2;
	if (argc - optind != 1)
		return cli_usage_error("shell", "expected a node");
	cli_node_arg(argv[optind], &lab, &node);
	r = cli_remote("shell", lab, node, node, NULL);
	if (r >= 0)
		return r;
	/* the node's own shell (a Kathara lab's shell key), else the caller's */
	own = lab_node_shell(lab, node);
	if (own)
		sh = own;
	if (!sh || !*sh)
		sh = access("/bin/bash", X_OK) == 0 ? "/bin/bash" : "/bin/sh";
	args[0] = (char *)sh;
	args[1] = NULL;
	lab_exec(lab, node, args, &e);
	return cli_fail(e);
}

int verb_restart(int argc, char **argv)
{
	_cleanup_free_ char *lab = NULL, *node = NULL;
	struct lab_err *e = NULL;
	int r = cli_parse_opts("restart", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "restart", NULL}) : 2;
	if (argc - optind != 1)
		return cli_usage_error("restart", "expected a node");
	cli_node_arg(argv[optind], &lab, &node);
	r = cli_remote("restart", lab, node, node, NULL);
	if (r >= 0)
		return r;
	if (lab_restart(lab, node, &e) < 0)
		return cli_fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("node '%s' restarted\n", node);
	return 0;
}

int verb_logs(int argc, char **argv)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	struct lab_err *e = NULL;
	size_t len = 0;
	int r = cli_parse_opts("logs", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "logs", NULL}) : 2;
	if (argc - optind != 1)
		return cli_usage_error("logs", "expected a node");
	r = cli_remote("logs", arg_lab, argv[optind], argv[optind], NULL);
	if (r >= 0)
		return r;
	if (lab_log_path(arg_lab, argv[optind], &path, &e) < 0)
		return cli_fail(e);
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

int verb_link(int argc, char **argv)
{
	struct lab_err *e = NULL;
	int r = cli_parse_opts("link", argc, argv, "l");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "link", NULL}) : 2;
	if (argc - optind != 2 || (strcmp(argv[optind + 1], "up") && strcmp(argv[optind + 1], "down")))
		return cli_usage_error("link", "expected NODE:IFNAME up|down");
	r = cli_remote_link("link", arg_lab, argv[optind], NULL, (char *[]){argv[optind + 1], NULL}, true);
	if (r >= 0)
		return r;
	if (lab_link_set(arg_lab, argv[optind], strcmp(argv[optind + 1], "up") == 0, &e) < 0)
		return cli_fail(e);
	if (log_level >= LOG_LEVEL_WARN)
		printf("link of %s is %s\n", argv[optind], argv[optind + 1]);
	return 0;
}

int verb_impair(int argc, char **argv)
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
			return cli_usage_error("impair", "unknown option '%s'", argv[optind - 1]);
		}
		if (r < 0)
			return cli_usage_error("impair", "'%s' is not a valid value for --%s (expected e.g. 20ms, 1%%, 10mbit)",
					   optarg, c == 'd' ? "delay" : c == 'j' ? "jitter" : c == 'p' ? "loss" : "rate");
	}
	if (argc - optind != 1)
		return cli_usage_error("impair", "expected one NODE:IFNAME");
	if (clear == any)
		return cli_usage_error("impair", "expected --delay, --jitter, --loss or --rate, or --clear");
	if (im.jitter_ns && !im.delay_ns)
		return cli_usage_error("impair", "--jitter needs --delay");
	if (clear)
		im = (struct topo_impair){0};
	{
		/* a lab over several machines: the same options on each end's host */
		_cleanup_free_ char **fwd = cli_forward_opts(argc, argv, "--both");
		r = cli_remote_link("impair", arg_lab, argv[optind], fwd, NULL, both || clear);
		if (r >= 0)
			return r;
	}
	if (lab_impair(arg_lab, argv[optind], &im, both || clear, &e) < 0)
		return cli_fail(e);
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

/*
 * -w and -c after NODE:IF too: they are netlab's, in the caller's view, never
 * tcpdump's; what is left is the filter, from optind on. Return: 0 or an exit code.
 */
static int capture_late_opts(int argc, char **argv, const char **out, const char **count)
{
	int i = optind + 1;

	while (i + 1 < argc && (!strcmp(argv[i], "-w") || !strcmp(argv[i], "-c"))) {
		if (argv[i][1] == 'w')
			*out = argv[i + 1];
		else if (!is_count(argv[i + 1]))
			return cli_usage_error("capture", "-c takes a number of packets");
		else
			*count = argv[i + 1];
		i += 2;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	/* what is left is the filter */
	argv[i - 1] = argv[optind];
	optind = i - 1;
	return 0;
}

int verb_capture(int argc, char **argv)
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
	int c, r;

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
				return cli_usage_error("capture", "-c takes a number of packets");
			break;
		case 'h':
			return verb_help(2, (char *[]){"help", "capture", NULL});
		default:
			return cli_usage_error("capture", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 1 || !strchr(argv[optind], ':'))
		return cli_usage_error("capture", "expected NODE:IFNAME [FILTER...]");
	if (access("/usr/bin/tcpdump", X_OK) < 0 && access("/usr/sbin/tcpdump", X_OK) < 0) {
		log_error("capture needs tcpdump (Debian package 'tcpdump': apt-get install tcpdump)");
		return 1;
	}
	node = strndup(argv[optind], strchr(argv[optind], ':') - argv[optind]);
	r = capture_late_opts(argc, argv, &out, &count);
	if (r)
		return r;
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
	{
		/* a lab over several machines: capture on the node's host, to this stdout */
		int rr = cli_remote("exec", arg_lab, node, node, args);

		if (rr >= 0)
			return rr;
	}
	lab_exec(arg_lab, node, args, &e);
	free(args);
	return cli_fail(e);
}

/* ping-all's options into o. Return: 0, 'h' for --help, or an exit code. */
static int ping_all_opts(int argc, char **argv, struct check_ping_opts *o)
{
	static const struct option opts[] = {
		{"lab", required_argument, NULL, 'l'},	   {"json", no_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'}, {"sample", required_argument, NULL, 's'},
		{"seed", required_argument, NULL, 'S'},	   {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 'T'},	   {"help", no_argument, NULL, 'h'},
		{"peers", no_argument, NULL, 'P'},
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
				return cli_usage_error("ping-all", "--timeout takes a time from 1ms to 600s (500ms, 2s), not '%s'", optarg);
			o->timeout_ms = (int)(ns / 1000000);
			break;
		case 's':
		case 'S':
			errno = 0;
			if (!*optarg || strspn(optarg, "0123456789") != strlen(optarg) ||
			    (c == 's' && !strcmp(optarg, "0")))
				return cli_usage_error("ping-all", "--%s takes a %snumber, not '%s'",
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
		case 'P':
			arg_peers = true;
			break;
		case 'h':
			return 'h';
		default:
			if (optopt && strchr("ltsSfT", optopt))
				return cli_usage_error("ping-all", "option '%s' needs a value", argv[optind - 1]);
			return cli_usage_error("ping-all", "unknown option '%s'", argv[optind - 1]);
		}
	}
	return 0;
}

int verb_ping_all(int argc, char **argv)
{
	struct check_ping_opts o = {0};
	struct check_matrix m = {0};
	struct pingall_group *g = NULL;
	struct status_node *peers = NULL;
	size_t n_peers = 0;
	_cleanup_free_ char *lab = NULL;
	struct lab_err *e = NULL;
	size_t ng = 0;
	int r = ping_all_opts(argc, argv, &o);

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "ping-all", NULL}) : r;
	r = cli_pick_lab("ping-all", argc, argv, &lab);
	if (r)
		return r;
	if (!arg_peers) {
		/* a lab over several machines: every host's share, with the others' nodes */
		_cleanup_free_ char **fwd = cli_forward_opts(argc, argv, "--json");
		r = cli_remote_ping_all(lab, fwd);
		if (r >= 0)
			return r;
	} else if (cli_peers_read(lab, &peers, &n_peers))
		return 2;
	o.peers = peers;
	o.n_peers = n_peers;
	if (o.sample && !o.seed)
		o.seed = (uint64_t)(now_sec() * 1e6) ^ (uint64_t)getpid() << 32;
	r = check_ping_all(lab, &o, &m, &e);
	cli_peers_free(peers, n_peers);
	if (r < 0)
		return cli_fail(e);
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
		pingall_print_text(stdout, cli_paint("FAIL", RED), m.pairs, m.n_pairs, m.n_all, o.seed, g, ng);
	r = m.failed ? 1 : 0;
	pingall_groups_free(g, ng);
	check_matrix_free(&m);
	return r;
}
