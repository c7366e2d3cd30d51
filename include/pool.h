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
 * Subnets are handed out in link order: the segment of the first link gets
 * the pool's first free subnet, the next segment the next one (10.255.0.0/30,
 * 10.255.0.4/30, ...), skipping explicit ones; a LAN comes at its first link.
 * Within a segment, routers come first, then the other members, each in link
 * order: host numbers 1, 2, ... Loopbacks go to routers in node order, from
 * the pool's second address (and ::1 of the IPv6 pool's first /64). Adding a
 * link or a router at the end moves no address.
 *
 * Problems (an exhausted pool) go to d, naming the pool. Return: errors added.
 */
size_t pool_assign(struct topo *t, struct topo_diags *d);
