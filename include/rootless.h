/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Labs without root (docs/rootless.md): the engine's side of userns.h. A
 * user's lab lives in the user namespace of its holder; every verb that
 * touches a lab's namespaces joins it first (once: a process cannot leave),
 * and verbs over several labs (status, list, down --all) work on each in a
 * child that joins it. For root every call here does nothing.
 *
 *   rootless.c         the verbs' entry, up's probes, the holder, joining, forking into a lab
 *   rootless_status.c  a lab's node status made in a child inside it, sent back by a pipe
 */
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "plan.h"
#include "state.h"

/*
 * Every verb first: the roots of the caller (layout_use_caller_roots), and
 * whether it is a user. Return: 1 a user, 0 root, or -errno.
 */
int rootless_init(struct lab_err **err);
/* Whether netlab runs as a user (rootless_init said so). */
bool rootless_user(void);
/* The caller's uid on the host (getuid() before any lab was joined: 0 in a user's lab). */
uid_t rootless_uid(void);
/* A user's netlab that has joined no lab yet: work on a lab's namespaces needs a child or a join. */
bool rootless_outside(void);

/*
 * Before anything of p is built, as a user: what the user cannot have
 * (user namespaces, cgroup limits without delegation, host paths the user
 * cannot read, FRR without a subordinate id range) is an error of exit 2
 * naming the privilege and the fix. Return: 0 or -errno.
 */
int rootless_probe_up(const struct plan *p, struct lab_err **err);
/*
 * up, as a user, before anything is made: the probes, then a holder for the
 * lab, joined. Nothing is recorded yet (rootless_record, once the lab's lock
 * is taken). Root: nothing. Return: 0 or -errno.
 */
int rootless_begin_up(const struct plan *p, struct lab_err **err);
/*
 * The holder rootless_begin_up() started, recorded in STATE/LAB/holder, and
 * the lab's copy of /etc (rootless_etc). On failure the lab's directory is
 * removed. Return: 0 or -errno.
 */
int rootless_record(const char *lab, struct lab_err **err);
/*
 * A user's lab: a copy of the host's /etc (what the user can read) bound over
 * /etc in the lab's mount namespace, the lower layer of the nodes' /etc
 * overlays (rootless_etc.c). Root: nothing. Return: 0 or -errno.
 */
int rootless_etc(const char *lab, struct lab_err **err);
/* up failed: end the holder rootless_begin_up() started (and what runs in it), if any. */
void rootless_abort_up(void);

/*
 * Join lab's holder before opening any of its pins (exec, shell, link,
 * impair, capture, ping-all, restart). Joining the lab we are in already does
 * nothing. Return: 0, or -errno with an error saying the holder is gone
 * ('netlab down' cleans) or the lab is not the user's.
 */
int rootless_join(const char *lab, struct lab_err **err);
/*
 * The end of a user's lab, from inside it (down, last but the state): the
 * holder stopped (with whatever still runs in the lab), its file removed.
 */
void rootless_end(const char *lab);
/*
 * Run fn(data) in a child that has joined lab (a lab whose holder is gone:
 * not joined), returning its result and error: for verbs over several of a
 * user's labs. Return: what fn returned, or -errno.
 */
int rootless_run_in(const char *lab, int (*fn)(void *data, struct lab_err **err), void *data,
		    struct lab_err **err);

/*
 * status, from outside a user's lab: fn(lab, &s->nodes[i], &out[i], err) for
 * each node, run in a child inside the lab, out[] filled from what it sends
 * back. Return: 0 or -errno.
 */
int rootless_node_status(const char *lab, const struct state *s, struct status_node *out,
			 int (*fn)(const char *lab, const struct state_node *sn,
				   struct status_node *out, struct lab_err **err),
			 struct lab_err **err);
