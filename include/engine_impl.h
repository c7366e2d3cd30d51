/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Inside the engine (src/engine/): what its verbs share. Not for other
 * modules, which call lab.h.
 *
 *   up.c       lab_up: the state from the plan, then build, isolate, startups
 *   build.c    up's phases 1-3: namespaces, links, addresses, routes (engine_build)
 *   startup.c  commands run in a node at up, restart and down
 *   down.c     lab_down, lab_down_all; removing a lab's nodes (also up's rollback)
 *   exec.c     finding a node, lab_exec, lab_restart
 *   runtime.c  changes to a running lab: lab_link_set, lab_impair
 *   status.c   lab_status
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "netlink.h"
#include "ns.h"
#include "plan.h"
#include "state.h"

/* A progress line on a terminal (set by up for labs of more than 50 nodes). */
extern bool engine_progress_on;
void engine_progress(const char *lab, const char *phase, size_t done, size_t total);

/* The signal that interrupted `up` (0: none); up finishes its step, then rolls back. */
extern volatile sig_atomic_t engine_interrupted;
/* -EINTR with the signal named when `up` was interrupted, else 0. */
int engine_check_interrupt(struct lab_err **err);

/* Back to netlab's own namespaces; a thread that cannot tell where it is aborts. */
void engine_restore_or_die(struct ns_saved *saved, bool close_after);

/* A route netlink socket inside a pinned network namespace, a node's, or the lab's wire one. */
int engine_netlink_at(const char *path, struct netlink **ret, struct lab_err **err);
int engine_node_netlink(const char *lab, const struct state_node *n, struct netlink **ret,
			struct lab_err **err);
int engine_wire_netlink(const char *lab, struct netlink **ret, struct lab_err **err);

/* What phases 1-3 of `up` hold while they run, and leave to the later ones. */
struct engine_build {
	size_t n;             /* nodes */
	int *fds;             /* each node's network namespace (isolation needs them) */
	struct netlink **nls; /* a socket inside each (closed once the phases are done) */
	bool *made;           /* made[i]: node i's pins exist (rollback removes only those) */
	int wire_fd;          /* the lab's wire namespace, and a socket inside */
	struct netlink *wire;
	struct ns_sysctl sysctl;
};

/*
 * engine_build() - phases 1-3 of `up`: each node's namespaces, the wire
 * namespace, bridges and links, then each node's sysctls, devices, addresses,
 * routes and impairments; returns when the links are up and IPv6 addresses
 * usable. start is up's start time, for the log. On failure b still says what
 * was made. Return: 0 or -errno.
 */
int engine_build(const struct plan *p, struct engine_build *b, double start, struct lab_err **err);
/* Close what b holds and free it. */
void engine_build_clear(struct engine_build *b);

/*
 * Run one command in a node through /bin/sh -c, its output appended to
 * log_path, within the startup timeout. Return: 0, or -errno with err saying
 * how it failed (exit code, signal, timeout) and the log's last lines.
 */
int engine_run_command(const char *lab, const struct state_node *n, const char *cmd,
		       const char *log_path, struct lab_err **err);
/*
 * Phase 5: every node's startup commands, nodes in their "after" order. A node
 * whose command fails runs no more of its commands and is marked failed; the
 * lab stays up (strict: the failure fails `up`). Return: how many nodes failed,
 * or -errno.
 */
int engine_run_startups(const struct plan *p, const struct state *s, struct lab_err **err);
/* The lab's logs directory, made when missing. Return: 0 or -errno. */
int engine_logs_dir(const char *lab, struct lab_err **err);
/* Each node's shutdown commands; a failing one is logged, down goes on. */
void engine_run_shutdowns(const char *lab, const struct state *s);

/*
 * Remove what a lab's nodes own (only those with only[i] set, when only is
 * given): processes, pins, cgroups. Errors are warnings. old_layout: a lab of
 * netlab 0.x, pinned in /run/netns.
 */
void engine_remove_nodes(const char *lab, const struct state_node *nodes, size_t n,
			 const bool *only, bool old_layout);
