/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

/*
 * A YAML document as a reader walks it: libyaml's document (which resolves
 * anchors and aliases), merge keys ("<<": a mapping or a sequence of them)
 * resolved here, every node's line for messages, and a bound on the work a
 * document may cause (aliases let a small file name one big mapping a
 * million times). Pure: no I/O, no diagnostics of its own.
 */

/*
 * Units of work a document may cost in all: an item or pair handed out or
 * looked through is one, a reader adds what its own work on one costs
 * (ydoc_spend). A 4,096-node lab takes some 3 million, a few hundred
 * aliases of one big mapping many more.
 */
#define YDOC_BUDGET (1u << 23)
/* Merge keys nested deeper than this are ignored (they may form a cycle). */
#define YDOC_MERGE_DEPTH 16

struct ydoc {
	yaml_document_t doc;
	bool loaded;
	size_t budget;  /* items and pairs still to hand out */
	bool exhausted; /* the budget ran out: accessors return nothing since */
};

/* A syntax error: where and what. */
struct ydoc_error {
	int line;   /* 1-based */
	int column; /* 1-based, in characters */
	char text[256];
};

struct ydoc_pair {
	const char *key;    /* NULL when the key is not a scalar */
	yaml_node_t *knode; /* the key */
	yaml_node_t *value;
};

/*
 * Load the first document of text.
 * Return: 0, or -EINVAL with *ret_err filled (the problem and the
 * context libyaml gives, such as "did not find expected key while
 * parsing a block mapping").
 */
int ydoc_load(struct ydoc *y, const char *text, size_t len, struct ydoc_error *ret_err);
void ydoc_free(struct ydoc *y);

/* Return: the root node, or NULL for an empty document. */
yaml_node_t *ydoc_root(struct ydoc *y);

/* Return: n's 1-based line. */
int ydoc_line(const yaml_node_t *n);

/* Whether n is absent or a null: a plain "", "~" or "null". */
bool ydoc_is_null(const yaml_node_t *n);

/* Return: n's text when n is a scalar (null included), else NULL. */
const char *ydoc_str(const yaml_node_t *n);

/* Return: "a mapping", "a sequence", "null" or "a string", for messages. */
const char *ydoc_type(const yaml_node_t *n);

/*
 * Take n units from the budget, for a reader's work on an item.
 * Return: false (and exhausted set) once it is spent.
 */
bool ydoc_spend(struct ydoc *y, size_t n);

/* Return: the number of items of a sequence (0 for anything else). */
size_t ydoc_len(const yaml_node_t *seq);

/* Return: item i of a sequence, or NULL once the budget is spent. */
yaml_node_t *ydoc_item(struct ydoc *y, const yaml_node_t *seq, size_t i);

/*
 * The pairs of a mapping, merge keys resolved: its own keys in order (a
 * repeated key once, its first), then those its merges add, an earlier
 * merge winning over a later one. A "<<" whose value is neither a mapping
 * nor a sequence of them stays an ordinary pair.
 * Return: how many, *ret to free (NULL for none or a non-mapping).
 */
size_t ydoc_pairs(struct ydoc *y, yaml_node_t *map, struct ydoc_pair **ret);

/* Return: the value of key in map (merge keys resolved), or NULL. */
yaml_node_t *ydoc_get(struct ydoc *y, yaml_node_t *map, const char *key);

/*
 * Call report for every key repeated within a mapping, with the path of
 * the mapping ("topology.nodes"; "" for the top level), the repeated key
 * node and the line of its first occurrence. Each mapping is visited once
 * (through aliases too); one nested deeper than 64 levels is not.
 */
void ydoc_check_repeats(struct ydoc *y,
			void (*report)(void *ctx, const char *path, const yaml_node_t *key,
				       int first_line),
			void *ctx);
