/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "err.h"

/*
 * ICMP echo probes from inside network namespaces, many in flight at once:
 * one raw socket per family per source namespace, sent a few at a time per
 * socket with the answers read in between, replies matched by identifier and
 * sequence. A probe with a TTL finds the router that drops it
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

/**
 * probe_run() - send every probe and gather the answers
 * @p: the probes; their results are filled in
 * @n: how many
 * @timeout_ms: how long each send waits for its answer
 * @tries: sends per probe at most: a plain echo is sent again until a reply
 *         comes (an error answer may be a neighbour not yet resolved), a
 *         probe with a TTL until anything answers
 * @err: the error, on failure
 *
 * Return: 0 or -errno.
 */
int probe_run(struct probe *p, size_t n, int timeout_ms, int tries, struct lab_err **err);
