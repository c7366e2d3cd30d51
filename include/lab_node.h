/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "err.h"
#include "ns.h"
#include "state.h"

/* How to enter a node: the paths of its pins, owned here. */
struct lab_node_join {
	char *paths[7];
	struct ns_join j;
};

/* Fill in how to enter node n of lab, from its state. */
void lab_node_join(const char *lab, const struct state_node *n, struct lab_node_join *ret);
/* Free the paths of a lab_node_join. */
void lab_node_join_clear(struct lab_node_join *j);

/*
 * Mark node's mount and PID namespaces (as wanted) to be made on first entry
 * (see ns_node.h). Return: 0 or -errno.
 */
int lab_node_defer(const char *lab, const char *node, bool mount, bool pid,
		   struct lab_err **err);
/* Whether the node has namespaces made on first entry, and which (state_read_node). */
void lab_node_deferred(const char *lab, const char *node, bool *ret_mount, bool *ret_pid);

/*
 * Make the node's mount and PID namespaces (as wanted: the state's, or
 * lab_node_deferred's) if they are not there yet
 * (under the node's lock, so that two commands entering at once make them
 * once): the mount namespace from the lab's template, then the PID namespace
 * with its init, whose pid and start time are recorded beside the pins.
 * Return: 0 or -errno.
 */
int lab_node_realize(const char *lab, const char *node, bool want_mnt, bool want_pid,
		     struct lab_err **err);

/* The node's init, when it has one: its pid, or 0. */
int lab_node_init_pid(const char *lab, const char *node, const struct state_node *n);

/* Write the lab's /etc/hosts and pin its template mount namespace (at `up`). Return: 0 or -errno. */
int lab_node_prepare(const char *lab, const char *hosts, struct lab_err **err);
