/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Inside the netlab JSON reader (read_netlab*.c): the parse state and the
 * helpers that report a problem at a JSON path. Not for other modules.
 */
#include <jansson.h>

#include "topo.h"
#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

struct parse {
	const char *file;
	struct topo_diags *d;
	struct topo *t;
	const char *lab; /* the lab's name for ${lab} ("" when it has none) */
	/* the routing of a node of each kind that does not say (the "routing" key) */
	enum topo_routing routing[TOPO_SWITCH + 1];
};

/* s with the node's and the lab's names substituted; to free. */
char *nj_subst(const struct parse *p, const struct topo_node *n, const char *s);
/* Report "FILE: PATH: what" as an error. */
void nj_perr(struct parse *p, const char *path, const char *fmt, ...) _printf_(3, 4);
/* "a string", "an object", ... for messages. */
const char *nj_json_type_name(const json_t *j);
/* Whether j has the type (JSON_TRUE: a boolean); reports "is X (expected what)" if not. */
bool nj_want(struct parse *p, const char *path, const json_t *j, json_type type, const char *what);
/* Report the keys of obj that are neither known nor reserved (with a did-you-mean). */
bool nj_check_keys(struct parse *p, const char *path, json_t *obj, const char *const *known,
		const char *const *reserved);
/* An integer in [min, max] at path, reported if not. */
bool nj_get_int(struct parse *p, const char *path, json_t *j, long long min, long long max,
	     long long *ret);

/* read_netlab_route.c: one entry of a node's "routes". */
void nj_parse_route(struct parse *p, const char *path, struct topo_node *n, json_t *j, int pos);
/* read_netlab_node.c: the nodes with their defaults; a defaults object, checked once; "routing". */
/* A node key and the function that reads its value at path. */
struct nj_node_key {
	const char *key;
	void (*fn)(struct parse *p, const char *path, struct topo_node *n, json_t *v);
};
/* Each of keys[] that j has, read by its function, at PATH.KEY. */
void nj_parse_node_keys(struct parse *p, const char *path, struct topo_node *n, json_t *j,
			const struct nj_node_key *keys, size_t n_keys);
/* A node's files, env, startup, shutdown, after, image, shell, labels, host (read_netlab_run.c). */
void nj_parse_node_run(struct parse *p, const char *path, struct topo_node *n, json_t *j);
void nj_parse_nodes(struct parse *p, json_t *nodes, json_t *defaults,
		 json_t *const kind_defaults[TOPO_SWITCH + 1]);
bool nj_check_defaults(struct parse *p, const char *path, json_t *v);
void nj_parse_routing(struct parse *p, json_t *v);
/* read_netlab_hosts.c: "hosts", "vxlan"; then each node's host (after the nodes; declared: "hosts" was given). */
void nj_parse_hosts(struct parse *p, json_t *v);
void nj_parse_vxlan(struct parse *p, json_t *v);
void nj_resolve_hosts(struct parse *p, bool declared);
/* read_netlab_links.c: "links". */
void nj_parse_links(struct parse *p, json_t *links);
