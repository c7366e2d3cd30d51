/* SPDX-License-Identifier: MIT */
/* The verbs on topology files that build nothing: graph, gen, convert. */
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
#include "state.h"
#include "topo_parse.h"
#include "util.h"

#include <jansson.h>

int verb_graph(int argc, char **argv)
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
			return cli_usage_error("graph", "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage_error("graph", "expected one topology file");
	/* --format: the drawing's (dot, mermaid) or the topology's (netlab, kathara) */
	if (format && topo_format_parse(format) >= 0) {
		arg_format = topo_format_parse(format);
		format = NULL;
	}
	if (format && strcmp(format, "dot") && strcmp(format, "mermaid"))
		return cli_usage_error("graph", "--format takes 'dot' or 'mermaid' (or the topology's: 'netlab', 'kathara', 'clab')");
	r = cli_load(argv[optind], &t);
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
	return cli_put_output(out, text);
}

/* gen's options into o and *out. Return: -1 to go on, or the exit status (usage error, help). */
static int gen_options(int argc, char **argv, struct gen_opts *o, const char **out)
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
				return cli_usage_error("gen", "--%s takes a number from 1 to 1000", c == 'd' ? "depth" : "fanout");
			if (c == 'd')
				o->depth = v;
			else
				o->fanout = v;
			break;
		}
		case 's':
		case 'L':
		case 'P': {
			static const char *const what[] = {"spines", "leaves", "hosts-per-leaf"};
			int k = c == 's' ? 0 : c == 'L' ? 1 : 2;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end || !*optarg || v > 10000)
				return cli_usage_error("gen", "--%s takes a number from %d to 10000", what[k], k == 2 ? 0 : 1);
			*(k == 0 ? &o->spines : k == 1 ? &o->leaves : &o->hosts_per_leaf) = v;
			break;
		}
		case 'R':
			o->node_kind = TOPO_ROUTER;
			break;
		case 'H':
			o->node_kind = TOPO_HOST;
			break;
		case 'S':
			o->switches = true;
			break;
		case 'r':
			if (strcmp(optarg, "static") && strcmp(optarg, "none"))
				return cli_usage_error("gen", "--routing takes 'static' or 'none'");
			o->routing_static = strcmp(optarg, "static") == 0;
			break;
		case '6':
			o->ipv6 = true;
			break;
		case 'n':
			if (topo_lab_name_problem(optarg))
				return cli_usage_error("gen", "lab name '%s' %s", optarg, topo_lab_name_problem(optarg));
			o->name = optarg;
			break;
		case 'o':
			*out = optarg;
			break;
		case 'h':
			return verb_help(2, (char *[]){"help", "gen", NULL});
		default:
			return cli_usage_error("gen", "unknown option '%s'", argv[optind - 1]);
		}
	}
	return -1;
}

int verb_gen(int argc, char **argv)
{
	struct gen_opts o = {.node_kind = -1, .hosts_per_leaf = 1};
	const char *out = NULL, *problem = NULL;
	_cleanup_free_ char *text = NULL;
	char *end;
	int r = gen_options(argc, argv, &o, &out);

	if (r >= 0)
		return r;
	if (optind >= argc)
		return cli_usage_error("gen", "expected a shape: line, ring, star, tree, grid, fattree, full or clos");
	if (gen_shape_parse(argv[optind], &o.shape) < 0)
		return cli_usage_error("gen", "unknown shape '%s' (expected line, ring, star, tree, grid, fattree, full or clos)", argv[optind]);
	optind++;
	if (o.shape == GEN_TREE || o.shape == GEN_CLOS) {
		if (optind != argc)
			return cli_usage_error("gen", o.shape == GEN_TREE ? "tree takes --depth D --fanout F, no size" :
					   "clos takes --spines S --leaves L [--hosts-per-leaf H], no size");
	} else {
		if (optind != argc - 1)
			return cli_usage_error("gen", "%s takes one size, such as %s", argv[optind - 1],
					   o.shape == GEN_GRID ? "4x4" : o.shape == GEN_FATTREE ? "4" : "10");
		if (o.shape == GEN_GRID) {
			if (sscanf(argv[optind], "%ux%u%c", &o.rows, &o.cols, &(char){0}) != 2)
				return cli_usage_error("gen", "grid takes ROWSxCOLS, such as 4x4");
		} else {
			unsigned long v = strtoul(argv[optind], &end, 10);

			if (*end || !*argv[optind] || v > 100000)
				return cli_usage_error("gen", "'%s' is not a size (expected a number)", argv[optind]);
			o.n = v;
		}
	}
	if (gen_topology(&o, &text, &problem) < 0)
		return cli_usage_error("gen", "%s %s",
				   argv[optind - (o.shape == GEN_TREE || o.shape == GEN_CLOS ? 1 : 2)], problem);
	return cli_put_output(out, text);
}

int verb_convert(int argc, char **argv)
{
	_cleanup_(topo_freep) struct topo *t = NULL;
	_cleanup_free_ char *text = NULL, *as = NULL;
	struct topo_diags d = {0};
	int r = cli_parse_opts("convert", argc, argv, "AnF");

	if (r)
		return r == 'h' ? verb_help(2, (char *[]){"help", "convert", NULL}) : 2;
	if (optind != argc - 1)
		return cli_usage_error("convert", "expected one topology (a Kathará lab directory, a lab.conf, or a netlab JSON file)");
	/* what netlab understood, once it loads as a whole */
	r = cli_load(argv[optind], &t);
	if (r)
		return r;
	r = topo_read_json(argv[optind], arg_format, &text, &as, &d);
	topo_diags_free(&d);
	if (r < 0)
		return 1;
	if (arg_name) {
		json_t *j = json_loads(text, 0, NULL);

		if (j) {
			json_object_set_new(j, "name", json_string(arg_name));
			free(text);
			text = json_dumps(j, JSON_INDENT(2));
			json_decref(j);
		}
	}
	printf("%s\n", text);
	return 0;
}
