/* SPDX-License-Identifier: MIT */
#pragma once

#include "topo.h"

/*
 * Check a parsed model as a whole: interfaces with addresses linked nowhere,
 * addresses used twice, switch ports with addresses, unknown route devices,
 * gateways outside every subnet of their node, duplicate routes; warnings for
 * the two ends of a link in different subnets and for routing: "static" with
 * nothing to route (run after pool_assign and autoroute_compute).
 * Every problem goes to d. Return: the number of errors found.
 */
size_t topo_validate(const struct topo *t, struct topo_diags *d);

/* Largest file a "files" entry may bind without --allow-host-paths. */
#define TOPO_FILE_MAX (16u << 20)

/*
 * Check the host side of every "files" entry and make it absolute: it must
 * exist and be a regular file or a directory (no device, FIFO or socket),
 * within the topology's directory (symlinks resolved) and at most 16 MiB,
 * unless allow_host_paths. Touches the file system. Return: errors added.
 */
size_t topo_check_files(struct topo *t, bool allow_host_paths, struct topo_diags *d);
