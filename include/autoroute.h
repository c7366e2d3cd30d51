/* SPDX-License-Identifier: MIT */
#pragma once

#include "topo.h"

/*
 * routing: "static". For each family, every router gets a route to every
 * subnet of the lab it is not on, through the first hop of a shortest path
 * (in router hops) over the routers that share subnets. Where several
 * shortest paths leave through different neighbours, the route is one
 * multipath route through all of them (equal-cost multipath, at most
 * TOPO_MAX_NEXTHOPS): via is the first in interface order, then name order,
 * extra_via the others in that order, so the result is deterministic. Every
 * host gets a default route via the first
 * router on its first interface that has one. Explicit routes win: no route is
 * added for a destination the node already routes. Link-local subnets and
 * subnets with no router on them are not routed.
 * Return: the number of routes added.
 */
size_t autoroute_compute(struct topo *t);
