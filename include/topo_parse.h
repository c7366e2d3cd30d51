/* SPDX-License-Identifier: MIT */
#pragma once

#include "read.h"
#include "topo.h"

/*
 * Build a model from JSON text. Every problem found goes into d (all of them,
 * each "FILE: PATH: what is wrong (expected ...)"). file names the source in
 * messages and gives the default lab name and the base directory.
 * Return: the model (check d->n_errors before using it), or NULL when the text
 * is not JSON at all.
 */
struct topo *topo_parse_string(const char *text, size_t len, const char *file,
			       struct topo_diags *d);

/* How a topology is loaded, beyond its file. */
struct topo_load_opts {
	bool allow_host_paths; /* the host files of "files" anywhere (--allow-host-paths) */
	const char *name;      /* the lab's name instead of the file's (--name), for ${lab} too */
	enum topo_format format; /* the file's format (--format); AUTO: by name and content */
};

/* topo_parse_string with options (NULL: none). */
struct topo *topo_parse_string_opts(const char *text, size_t len, const char *file,
				    const struct topo_load_opts *o, struct topo_diags *d);

/*
 * Read, parse and validate a topology file.
 * Return: 0 with *ret set, -EINVAL when d holds errors, or -errno when the file
 * cannot be read (also reported in d).
 */
int topo_load(const char *file, struct topo **ret, struct topo_diags *d);
/* The same, with options. */
int topo_load_opts(const char *file, const struct topo_load_opts *o, struct topo **ret,
		   struct topo_diags *d);

/* The expanded topology (pool addresses, automatic routes, generated names) in the long form. Return: JSON text to free. */
char *topo_dump_json(const struct topo *t);
