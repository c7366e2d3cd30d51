/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The controller of a lab over several machines (docs/multihost.md): the
 * machine that runs `netlab up FILE` for a topology with "hosts" runs
 * `EXEC NETLAB up --host H -` on every host at once, and keeps a record of the
 * lab (its state, with the hosts and their nodes, no node of its own) from
 * which down, status, exec, link and impair reach each host the same way.
 * No process stays: each host's share runs without the controller.
 */
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "state.h"
#include "topo.h"

/* What one command on a host said. */
struct hosts_result {
	char *host;
	int status; /* exit status; 127: its exec could not be run; -1: killed */
	char *output; /* stdout and stderr, as they came */
};
void hosts_results_free(struct hosts_result *r, size_t n);

/* What the controller's `up` passes on to every host. */
struct hosts_up_opts {
	/* the netlab JSON the reader made of the file; each host expands it as this one
	 * did (NULL: the expanded model is sent) */
	const char *source;
	const char *dir;       /* where its relative paths start from (--dir there) */
	bool strict;           /* --strict */
	bool allow_host_paths; /* --allow-host-paths */
};

/*
 * hosts_up() - bring a lab with "hosts" up from here
 * @t: the loaded, validated topology (its name the lab's)
 * @o: what every host is given
 * @err: the error: which host failed and what it said
 *
 * Every share is wired first (`up --host H --wire-only`, all at once); if one
 * fails, every host takes its share down again and nothing is left. Then every
 * share's startups run (`up --host H --start`), so that a daemon's first hello
 * reaches its peer on another host. The record is written first, with the
 * local pids of the hosts' commands while they run.
 * Return: how many hosts had a failing startup, or -errno.
 */
int hosts_up(const struct topo *t, const struct hosts_up_opts *o, struct lab_err **err);
/* Take every host's share down and drop the record (force: also when a host fails). Return: 1, or -errno. */
int hosts_down(const struct state *rec, bool force, struct lab_err **err);
/*
 * Run `netlab ARGS...` on every host of rec whose args[h] is not NULL (all at
 * once); args[h] is a NULL-terminated vector. Return: 0 with *ret (one per host), or -errno.
 */
int hosts_run_all(const struct state *rec, char ***args, struct hosts_result **ret,
		  struct lab_err **err);
/* Free n NULL-terminated argument vectors of hosts_run_all() and the array. */
void hosts_args_free(char ***args, size_t n);
/* The same, each given text on its stdin. */
int hosts_run_all_text(const struct state *rec, char ***args, const char *text,
		       struct hosts_result **ret, struct lab_err **err);
/*
 * The record of the lab (lab NULL: any running one) whose hosts have node;
 * *ret_host its index in rec->hosts. Return: 1 when found, 0 when no record
 * has it, or -errno.
 */
int hosts_find_node(const char *lab, const char *node, struct state **ret, size_t *ret_host,
		    struct lab_err **err);
/*
 * Replace this process with `EXEC NETLAB ARGS...` on host h of rec: exec,
 * shell, capture pass the terminal and the exit status through. Return: -errno
 * when it cannot run.
 */
int hosts_exec(const struct state *rec, size_t h, char *const args[], struct lab_err **err);
/* The argv of `EXEC NETLAB` on host h followed by args (to strv_free with its count in *ret_n). */
char **hosts_argv(const struct state_host *h, char *const args[], size_t *ret_n);
