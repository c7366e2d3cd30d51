/* SPDX-License-Identifier: MIT */
#pragma once

#include "topo.h"

/*
 * Check a parsed model as a whole: interfaces with addresses linked nowhere,
 * addresses used twice, switch ports with addresses, unknown route devices,
 * gateways outside every subnet of their node (a warning), duplicate routes.
 * Every problem goes to d. Return: the number of errors found.
 */
size_t topo_validate(const struct topo *t, struct topo_diags *d);
