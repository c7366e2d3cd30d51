/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "state.h"
#include "topo.h"

struct lab_up_result {
	size_t nodes, links;
	double seconds;
	size_t failed; /* nodes whose startup failed (the lab is up all the same) */
};

/*
 * Bring a validated topology up: namespaces, bridges, veths, addresses,
 * routes, sysctls. On failure everything created so far is removed again and
 * the lab's state is gone. Return: 0 or -errno.
 */
/* How `up` builds (NULL: all of the lab, startups included). */
struct lab_up_opts {
	/*
	 * One host's share of a lab over several machines (docs/multihost.md):
	 * its nodes and links, a VXLAN end for each link to another host. Its state
	 * is the lab's share, "LAB@HOST", so that several live on one machine.
	 */
	const char *host;
	/* Wire only: status "wired", no startups yet (the controller runs them once every share is wired). */
	bool wire_only;
};

int lab_up(const struct topo *t, const struct lab_up_opts *o, struct lab_up_result *ret,
	   struct lab_err **err);
/* The startups of a share `up` left wired (wire_only), then status "up". Return: failed nodes or -errno. */
int lab_start(const struct topo *t, const char *host, struct lab_err **err);
/* A share's name on disk: "LAB@HOST" (to free). */
char *lab_share_name(const char *lab, const char *host);
/*
 * Take a lab down: its processes, namespaces and state. force: proceed when
 * the state file is corrupt, from what the lab's directory still shows.
 * Return: 1 when something was removed, 0 when the lab was not there, or -errno.
 */
int lab_down(const char *lab, bool force, struct lab_err **err);
/*
 * Every lab under /run/netlab, or only those of only (n_only of them: the
 * labs a user was shown and agreed to), and the pins and cgroups of labs
 * whose directory is gone. Return: how many were taken down, or -errno.
 */
int lab_down_all(bool force, char *const *only, size_t n_only, struct lab_err **err);
/*
 * The lab a node belongs to: lab if given (checked), else the only running lab
 * with that node. Return: 0 with *ret_lab set, or -errno (ENOENT, or
 * ENOTUNIQ listing the candidates).
 */
int lab_find_node(const char *lab, const char *node, char **ret_lab, struct lab_err **err);
/*
 * Run argv on every node of lab, one after the other, each output line
 * prefixed by the node's name. Return: 0 when it succeeded everywhere, else
 * the first failing node's exit status; or -errno.
 */
int lab_exec_all(const char *lab, char *const argv[], struct lab_err **err);
/* The shell the topology gives the node for `netlab shell` (to free), or NULL. */
char *lab_node_shell(const char *lab, const char *node);
/* Replace this process with argv inside the node. Return: only on failure. */
int lab_exec(const char *lab, const char *node, char *const argv[], struct lab_err **err);
/* Set both ends of the link with end "node:ifname" up or down (routes come back with it). */
int lab_link_set(const char *lab, const char *end, bool up, struct lab_err **err);
/*
 * Impair the egress of a link end (both ends with both), or clear it when
 * !im->set. On failure nothing is changed. Return: 0 or -errno.
 */
int lab_impair(const char *lab, const char *end, const struct topo_impair *im, bool both,
	       struct lab_err **err);
/*
 * Restart a node, as Kathara's lrestart or containerlab's redeploy of one node:
 * end its processes (and its PID namespace), then run its startup commands
 * again, as the lab's topology file says now. Its files and addresses stay.
 * Return: 0, or -errno (a failing command marks the node failed, as at up).
 */
int lab_restart(const char *lab, const char *node, struct lab_err **err);
/* The startup log of a node. Return: 0 with *ret set (to free), or -errno. */
int lab_log_path(const char *lab, const char *node, char **ret, struct lab_err **err);
/* Status of one lab (lab set) or of every lab. */
int lab_status(const char *lab, struct status_lab **ret, size_t *ret_n, struct lab_err **err);
void lab_status_free(struct status_lab *labs, size_t n);
