/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "topo.h"

#include "pingall.h"

struct check_matrix {
	char *lab;
	char **nodes; /* the sources, in the lab's order */
	size_t n_nodes;
	struct check_pair *pairs; /* those of one source next to each other */
	size_t n_pairs;
	size_t n_all;  /* pairs the filters select, before --sample */
	size_t failed;
};

/* What ping-all probes, and how long it waits. */
struct check_ping_opts {
	const char *from, *to; /* pingall_match() patterns of source and destination nodes; NULL: all */
	size_t sample;         /* probe this many pairs, chosen at random; 0: every pair */
	uint64_t seed;         /* of the sample */
	int timeout_ms;        /* each probe's wait for its reply; 0: 1000 */
	int tries;             /* sends per pair without a reply; 0: 3 */
	/* a host's share of a lab over several machines: the other hosts' nodes, targets only */
	const struct status_node *peers;
	size_t n_peers;
};

/**
 * check_ping_all() - every node pings every address of every other node
 * @lab: the running lab
 * @o: filters, sample and timeout; NULL for the defaults
 * @ret: the pairs and their results; free with check_matrix_free()
 * @err: the error, on failure
 *
 * Sources and targets are the lab's nodes but its switches; targets are
 * every address but loopback and link-local, both families. Probes are paced
 * and each pair without a reply is tried again, so a pair fails only when its
 * replies do not come (see probe_run()). A lab with nothing to probe is not an
 * error: *ret has no pairs. A --from or --to pattern matching no node is a
 * usage error.
 *
 * Return: 0 with *ret filled, or -errno.
 */
int check_ping_all(const char *lab, const struct check_ping_opts *o, struct check_matrix *ret,
		   struct lab_err **err);
void check_matrix_free(struct check_matrix *m);

struct check_result {
	bool pass;
	char *detail;
};

/*
 * Run the topology's expectations against its running lab, each polled until
 * it passes or its "within" runs out. results[] has t->n_expects entries.
 * Return: the number that failed, or -errno.
 */
int check_expectations(const struct topo *t, struct check_result *results, struct lab_err **err);
