/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "topo.h"

/* One probed pair of ping-all. */
struct check_pair {
	char *from, *to;   /* node names */
	char address[46];
	bool ok;
};

struct check_matrix {
	char *lab;
	char **nodes; /* sources and targets, in the lab's order */
	size_t n_nodes;
	struct check_pair *pairs;
	size_t n_pairs;
	size_t failed;
};

/*
 * Every node (switches aside) pings every address of every other node, both
 * families, all at once. Return: 0 with *ret filled, or -errno.
 */
int check_ping_all(const char *lab, struct check_matrix *ret, struct lab_err **err);
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
