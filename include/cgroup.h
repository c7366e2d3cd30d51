/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/*
 * A cgroup per node, at netlab/<lab>/<node> under the cgroup v2 root, or on
 * v1 and hybrid hosts under each of the memory, cpu and pids hierarchies.
 */

/* Whether cgroup v2 holds the controllers here (else v1). */
bool cgroup_is_v2(void);
/*
 * Put netlab's cgroups under dir, a user's delegated cgroup v2 subtree
 * (userns_probe_cgroup), instead of the machine's root. NULL: the root again.
 */
void cgroup_set_base(const char *dir);
/* Whether cgroup_set_base() gave one (a user's cgroups are then under it, not root's). */
bool cgroup_has_base(void);
/* Create the node's cgroup with its limits (0: none). Return: 0 or -errno. */
int cgroup_create(const char *lab, const char *node, uint64_t memory, double cpu,
		  uint32_t pids, struct lab_err **err);
/* Move pid into the node's cgroup (in every hierarchy). Return: 0 or -errno. */
int cgroup_attach(const char *lab, const char *node, pid_t pid, struct lab_err **err);
/* Remove the node's cgroup; a missing one is fine. Waits briefly for it to empty. */
int cgroup_remove(const char *lab, const char *node, struct lab_err **err);
/* Remove netlab/<lab> (and netlab/ when empty). Failures are ignored. */
void cgroup_remove_lab(const char *lab);
/* Labs with a cgroup under netlab/ (in any hierarchy), sorted, unique. */
int cgroup_list_labs(char ***ret, size_t *ret_n);
/* Remove every node cgroup of a lab, then the lab's. Failures are ignored. */
void cgroup_remove_all(const char *lab);
/* The node's cgroup directories that exist, as "path\n..." (for status); NULL if none. */
char *cgroup_describe(const char *lab, const char *node);
