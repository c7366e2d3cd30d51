/* SPDX-License-Identifier: MIT */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "topo.h"

/*
 * The containerlab reader: a topology file (*.clab.yml, *.clab.yaml) as a
 * netlab JSON topology, the object `netlab convert` prints and `netlab up`
 * parses like any netlab file (with the host paths of "files" relative to
 * the containerlab file's directory, so the JSON belongs beside it).
 * It builds nothing and runs nothing; it reads the YAML, the env-files and
 * checks that every bound host file exists. What it understood is in the
 * header comment of src/model/read_clab.c.
 */

/*
 * Keys of the JSON that netlab's parser does not know yet (proposed; see
 * src/model/read_clab.c): node "labels" (containerlab's labels,
 * informational) and node "startup_on_error" ("continue": a failing startup
 * command does not stop the ones after it).
 */
extern const char *const clab_proposed_node_keys[];

/*
 * Read a containerlab topology file. Every problem goes into d, all of
 * them, each "FILE:LINE: YAML.PATH: what is wrong (expected ...)";
 * warnings for what netlab cannot do as containerlab does.
 * Return: a new JSON object (json_decref), or NULL when d holds errors.
 */
json_t *clab_read(const char *file, struct topo_diags *d);

/*
 * The same from text already read; file names it in messages, gives the
 * default lab name, and its directory is the base of relative paths.
 * Return: as clab_read.
 */
json_t *clab_read_string(const char *text, size_t len, const char *file, struct topo_diags *d);

/*
 * Whether path is a containerlab topology: named *.clab.yml or *.clab.yaml,
 * or a YAML mapping with topology.nodes. Reports nothing.
 * Return: true or false.
 */
bool clab_detect(const char *path);

/*
 * Remove the proposed keys (clab_proposed_node_keys) from a topology made
 * by clab_read, for a parser that does not know them yet.
 */
void clab_strip_proposed(json_t *topo);
