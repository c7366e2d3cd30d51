/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Inside the command line (src/cli/): the options every verb shares, the
 * helpers that print and parse, and the verbs (verbs_lab.c, verbs_node.c),
 * dispatched by the table in cli.c. Not for other modules.
 */
#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "read.h"
#include "topo.h"

/* ANSI colours for cli_paint() */
#define GREEN "32"
#define RED "31;1"

extern const char *arg_lab;
extern bool arg_json;
extern bool arg_all;
extern bool arg_force;
extern bool arg_explain;
extern bool arg_allow_host_paths;
extern const char *arg_name;
extern bool arg_peers;       /* ping-all --peers: the other hosts' nodes on stdin */
extern const char *arg_host;  /* up --host H: H's share of a lab over several machines */
extern const char *arg_dir;   /* up --dir DIR: relative paths start from DIR (a topology on stdin) */
extern bool arg_wire_only;    /* up --wire-only: the share wired, its startups not yet run */
extern bool arg_start;        /* up --start: the startups of a share left wired */
extern bool arg_yes;
extern enum topo_format arg_format; /* --format: the topology's format */
extern bool arg_strict; /* --strict: warnings fail validate and up; a failing startup rolls up back */

bool cli_colour(void);
const char *cli_paint(const char *text, const char *code);
int cli_usage_error(const char *verb, const char *fmt, ...) _printf_(2, 3);
int cli_fail(struct lab_err *e);
void cli_print_diags(const struct topo_diags *d);
int cli_load(const char *file, struct topo **ret);
int cli_parse_opts(const char *verb, int argc, char **argv, const char *allowed);
void cli_apply_name(struct topo *t);
int verb_validate(int argc, char **argv);
int verb_up(int argc, char **argv);
int cli_lab_arg(const char *arg, char **ret);
int verb_down(int argc, char **argv);
void cli_node_arg(const char *arg, char **ret_lab, char **ret_node);
int cli_lab_one(const char *lab, char **ret, struct lab_err **err);
int verb_exec(int argc, char **argv);
int verb_shell(int argc, char **argv);
int verb_restart(int argc, char **argv);
int verb_logs(int argc, char **argv);
int verb_link(int argc, char **argv);
int verb_impair(int argc, char **argv);
int verb_capture(int argc, char **argv);
void cli_put_json_str(const char *s);
int cli_pick_lab(const char *verb, int argc, char **argv, char **ret);
int verb_ping_all(int argc, char **argv);
int verb_test(int argc, char **argv);
int verb_graph(int argc, char **argv);
int verb_status(int argc, char **argv);
int verb_list(int argc, char **argv);
int verb_gen(int argc, char **argv);
int verb_convert(int argc, char **argv);
/* --format VALUE for the topology's format: 0, or the exit status of a usage error. */
int cli_set_format(const char *verb, const char *value);
/* text into the file out (atomically), or on stdout without one. Return: the exit status. */
int cli_put_output(const char *out, const char *text);
int verb_help(int argc, char **argv);

/*
 * A lab over several machines, from the controller (verbs_hosts.c). Each
 * returns an exit code, or -1 when the lab or node is no such lab's: the verb
 * goes on as for a lab of this machine.
 */
/*
 * The options a verb parsed (argv[1] to optind), for the same verb on a host:
 * without -l/--lab and without drop (to free; the strings are argv's).
 */
char **cli_forward_opts(int argc, char **argv, const char *drop);
/* `netlab VERB -l LAB@HOST FIRST REST...` on node's host, in place of this process. */
int cli_remote(const char *verb, const char *lab, const char *node, const char *first,
	       char *const rest[]);
/* link or impair on each end's host (both) or end's: VERB -l SHARE OPTS... END AFTER... */
int cli_remote_link(const char *verb, const char *lab, const char *end, char *const opts[],
		    char *const after[], bool both);
/* status of each host's share, by host. */
int cli_remote_status(const char *lab, bool json);
/* ping-all over every host's share (opts: its options), and the sum. */
int cli_remote_ping_all(const char *lab, char *const opts[]);
/* A share's ping-all --peers: the other hosts' nodes, from the controller on stdin (cli_peers_free). */
struct status_node;
int cli_peers_read(const char *lab, struct status_node **ret, size_t *ret_n);
void cli_peers_free(struct status_node *peers, size_t n);
