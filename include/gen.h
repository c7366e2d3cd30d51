/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Topology generators: the classic shapes of networking courses and scale
 * tests, written in the compact syntax with address pools.
 */
enum gen_shape {
	GEN_LINE,
	GEN_RING,
	GEN_STAR,
	GEN_TREE,
	GEN_GRID,
	GEN_FATTREE,
	GEN_FULL,
	GEN_CLOS,
};

struct gen_opts {
	enum gen_shape shape;
	unsigned n;             /* line, ring, star, full: nodes; fattree: k */
	unsigned rows, cols;    /* grid */
	unsigned depth, fanout; /* tree */
	unsigned spines, leaves, hosts_per_leaf; /* clos */
	int node_kind;          /* -1: the shape's default; else TOPO_HOST / TOPO_ROUTER */
	bool switches;          /* tree, fattree: inner nodes are switches */
	bool routing_static;
	bool ipv6;
	const char *name;       /* NULL: derived from the shape */
};

/* Return: 0 with the shape, or -EINVAL. */
int gen_shape_parse(const char *s, enum gen_shape *ret);
/*
 * Write the topology as JSON text. Return: 0 with *ret (to free), or -EINVAL
 * with *ret_problem set to what is wrong with the options (static string).
 */
int gen_topology(const struct gen_opts *o, char **ret, const char **ret_problem);
