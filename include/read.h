/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "topo.h"

/*
 * The readers of the load pipeline, by format. Every reader turns its input
 * into netlab's own JSON topology (what `netlab convert` prints); the netlab
 * reader (topo_parse.h) then makes the model, and everything after that is
 * shared by every format.
 */
enum topo_format {
	TOPO_FORMAT_AUTO = 0, /* by name and content */
	TOPO_FORMAT_NETLAB,   /* a netlab JSON topology */
	TOPO_FORMAT_KATHARA,  /* a Kathará lab: its directory (holding lab.conf) or its lab.conf */
	TOPO_FORMAT_CLAB,     /* a containerlab topology: *.clab.yml, *.clab.yaml, or YAML with topology.nodes */
};

/* "netlab", "kathara", "clab". Return: the format, or -EINVAL. */
int topo_format_parse(const char *s);
const char *topo_format_name(enum topo_format f);
/* The format of path: Kathará for a lab directory or a lab.conf, containerlab by name or content, else netlab. */
enum topo_format topo_format_detect(const char *path);

/* What messages call a topology read from stdin ("-"); its relative paths start from the cwd. */
#define TOPO_STDIN_NAME "<stdin>"

/*
 * Read path as format f (AUTO: detected) into netlab JSON text; "-" reads
 * netlab JSON from stdin. *ret_file is the file to name in messages and whose
 * directory relative paths start from (a Kathará lab: its lab.conf). Problems go into d.
 * Return: 0 with *ret_text and *ret_file set (to free), or -errno.
 */
int topo_read_json(const char *path, enum topo_format f, char **ret_text, char **ret_file,
		   struct topo_diags *d);
