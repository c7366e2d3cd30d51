/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "err.h"

/*
 * ICMP echo probes from inside network namespaces, all in flight at once:
 * one raw socket per family per source namespace, replies matched by
 * identifier and sequence. A probe with a TTL finds the router that drops it
 * (time exceeded), which is how paths are traced.
 */
struct probe {
	int netns_fd;     /* source namespace */
	struct addr dst;
	int ttl;          /* 0: the default */
	/* results */
	bool replied;     /* an echo reply from dst */
	bool answered;    /* any answer: reply, time exceeded, unreachable */
	struct addr from; /* who answered */
	int icmp_type;
	double rtt_ms;
};

/*
 * Send every probe (again, up to tries rounds, for those without an answer)
 * and wait up to round_ms per round. Return: 0 or -errno.
 */
int probe_run(struct probe *p, size_t n, int round_ms, int tries, struct lab_err **err);
