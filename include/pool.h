/* SPDX-License-Identifier: MIT */
#pragma once

#include "topo.h"

/*
 * Give every linked interface without an address of a family one from the
 * topology's "addressing" pools: a /30 and a /64 per point-to-point link, a
 * /24 (larger when needed) and a /64 per switched LAN (switches joined by links
 * form one LAN), a /32 (and a /128 from the first /64 of the IPv6 pool) on lo
 * per router. Explicit addresses win, and their subnets are never handed out.
 *
 * Subnets are placed by a hash of the segment's name (probing past taken
 * ones), so the result is deterministic and does not move when unrelated
 * parts of the file change. Within a segment, routers come first, then the
 * other members, each in name order.
 *
 * Problems (an exhausted pool) go to d, naming the pool. Return: errors added.
 */
size_t pool_assign(struct topo *t, struct topo_diags *d);

/* FNV-1a of a string: the stable hash behind placement. */
uint64_t pool_hash(const char *s);
