/* SPDX-License-Identifier: MIT */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "topo.h"

/*
 * The Kathará lab reader: a lab directory (lab.conf, lab.dep, NODE/,
 * NODE.startup, shared/ ...) as a netlab topology in netlab's own JSON
 * format, the text `netlab convert` prints and `netlab up` parses like any
 * netlab file. read_kathara.c says which keys it emits and what each means.
 */

/* One entry of the lab directory, as the reader needs it. */
struct kathara_entry {
	const char *name; /* "r1", "r1.startup", "shared" */
	bool is_dir;      /* a directory (symlinks followed); otherwise a regular file */
};

/* A lab as text and names: everything kathara_parse() looks at. */
struct kathara_input {
	const char *dir;       /* the lab directory, absolute: host paths in the JSON start with it */
	const char *lab_name;  /* the lab's name before sanitising (the directory's name) */
	const char *conf_file; /* lab.conf as it is to be named in messages */
	const char *conf;
	size_t conf_len;
	const char *dep_file;  /* lab.dep as it is to be named in messages */
	const char *dep;       /* NULL: the lab has no lab.dep */
	size_t dep_len;
	const struct kathara_entry *entries; /* the lab directory's entries, any order */
	size_t n_entries;
};

/*
 * Turn a lab given as text into a netlab topology. Pure: touches no file.
 * Every problem goes to d, each error as "lab.conf:12: what is wrong
 * (expected ...)", all of them, not only the first; warnings for what netlab
 * cannot give (a key such as bridged or port, an image it does not have).
 * Return: the topology (a new reference), or NULL when d holds errors.
 */
json_t *kathara_parse(const struct kathara_input *in, struct topo_diags *d);

/*
 * Read the lab at path, a directory holding lab.conf or a lab.conf file
 * itself (any name: the directory is the file's), and parse it as above.
 * Reads lab.conf, lab.dep and the directory's entries, nothing else.
 * Return: the topology (a new reference), or NULL when d holds errors.
 */
json_t *kathara_read(const char *path, struct topo_diags *d);

/* Return: whether path is a Kathará lab: a directory holding lab.conf, or a file named lab.conf. */
bool kathara_detect(const char *path);

/*
 * The keys the reader emits that netlab's JSON format does not have yet
 * (read_kathara.c gives their meaning): at the top level and in a node.
 * NULL-terminated.
 */
extern const char *const kathara_new_top_keys[];
extern const char *const kathara_new_node_keys[];

/*
 * The lines a Kathará node's startup writes into `netlab logs` of its own:
 * KATHARA_RUN_PREFIX "NODE" where a run of its startup begins, and for each
 * line of a script that fails (bash only: its ERR trap)
 * KATHARA_FAIL_PREFIX "WHERE line N: exit status S: COMMAND", WHERE being
 * the script's name (r1.startup, shared.startup) or NODE[exec] for an exec
 * line of lab.conf. startup_log.h reads them back for `status`.
 */
#define KATHARA_RUN_PREFIX "netlab: startup of "
#define KATHARA_FAIL_PREFIX "netlab: "
#define KATHARA_FAIL_STATUS ": exit status "

/*
 * Lower the reader's own node keys (overlay, startup_scripts,
 * shutdown_scripts) in root, a topology kathara_read() made, to netlab's
 * (files, startup, shutdown): the node's directory as files copied over its
 * /, then /var/www opened and /etc/frr, /etc/quagga handed to frr, then each
 * script run traced as Kathará runs it (read_kathara_lower.c says how).
 * Reads the node directories' listings.
 */
void kathara_lower(json_t *root);
