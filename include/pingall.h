/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

/* One probed pair of ping-all: a source node and an address of another node. */
struct check_pair {
	char *from, *to;   /* node names */
	char address[ADDR_STRLEN];
	struct prefix net; /* the destination's prefix: the subnet of its address */
	bool ok;
	bool answered;     /* no reply, but an ICMP error (unreachable, time exceeded) */
};

/* The failures of one source into one destination prefix. */
struct pingall_group {
	const char *from;  /* borrowed from the pairs */
	struct prefix net;
	size_t failed;     /* pairs of this source into net that failed */
	size_t probed;     /* pairs of this source into net */
	size_t errors;     /* of the failed: how many got an ICMP error instead of nothing */
	const char **to;   /* the nodes behind the failed addresses, each once (borrowed) */
	size_t n_to;
};

/**
 * pingall_group() - group the failed pairs by source and destination prefix
 * @pairs: the probed pairs; those of one source must be next to each other
 * @n: how many
 * @ret: the groups, in the sources' order, prefixes in address order; free with
 *       pingall_groups_free()
 * @ret_n: how many groups
 *
 * Return: the number of groups (0 when nothing failed).
 */
size_t pingall_group(const struct check_pair *pairs, size_t n, struct pingall_group **ret,
		     size_t *ret_n);
void pingall_groups_free(struct pingall_group *g, size_t n);

/**
 * pingall_sample() - choose k of n items, uniformly
 * @n: the items, 0 to n - 1
 * @k: how many to keep (all when k >= n)
 * @seed: the choice's seed: the same seed gives the same sample
 * @ret: k indices (at least min(k, n) entries), increasing
 *
 * Return: how many were chosen, min(k, n).
 */
size_t pingall_sample(size_t n, size_t k, uint64_t seed, size_t *ret);

/**
 * pingall_match() - whether a node name passes a --from/--to filter
 * @patterns: comma-separated shell patterns ("r1-*,h?"), or NULL for every node
 * @name: the node's name
 *
 * Return: true when a pattern matches the whole name.
 */
bool pingall_match(const char *patterns, const char *name);

/* Groups the text output shows; the JSON output has them all. */
#define PINGALL_SHOWN 50

/**
 * pingall_print_text() - the failures, one line per group, and the summary line
 * @f: where to
 * @fail: the word that starts a failure's line ("FAIL", perhaps coloured)
 * @pairs: the probed pairs
 * @n: how many
 * @n_all: the pairs there were to choose from (n, or more when sampled)
 * @seed: the sample's seed, shown when n < n_all
 * @g: pingall_group() of the pairs
 * @ng: how many
 */
void pingall_print_text(FILE *f, const char *fail, const struct check_pair *pairs, size_t n,
			size_t n_all, uint64_t seed, const struct pingall_group *g, size_t ng);

/**
 * pingall_print_json() - the result as one JSON object
 * @f: where to
 * @lab: the lab's name
 * @pairs: the probed pairs, listed as "results"
 * @n: how many
 * @n_all: the pairs there were to choose from ("selected")
 * @g: pingall_group() of the pairs, listed as "groups"
 * @ng: how many
 *
 * Return: 0 or -errno.
 */
int pingall_print_json(FILE *f, const char *lab, const struct check_pair *pairs, size_t n,
		       size_t n_all, const struct pingall_group *g, size_t ng);
