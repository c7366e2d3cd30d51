/* SPDX-License-Identifier: MIT */
#pragma once

#include <signal.h>

#include "err.h"
#include "netlink.h"
#include "plan.h"

/**
 * dad_wait() - wait until a lab's IPv6 addresses are usable
 * @p: the lab's plan
 * @nls: a netlink socket inside each node, in plan order
 * @stop: set by a signal handler: stop waiting
 * @err: the error, on failure
 *
 * A new IPv6 address is tentative while the kernel checks that no other host
 * on the link has it (RFC 4862: a random delay of up to rtr_solicit_delay,
 * 1 s, then a probe and retrans_time, 1 s), and a tentative address neither
 * answers nor serves as a source. Every node's addresses are read every 20 ms
 * until no interface that is up has a tentative one; all nodes detect at
 * once, so this costs about 2 s whatever the lab's size. A duplicate
 * (dadfailed) is reported and not waited for; after 30 s netlab warns and
 * stops waiting. A lab without IPv6 addresses does not wait (plan.wait_dad).
 *
 * Return: 0, or a negative errno.
 */
int dad_wait(const struct plan *p, struct netlink **nls, volatile sig_atomic_t *stop,
	     struct lab_err **err);

/**
 * dad_wait_dev() - wait until a device's IPv6 addresses are usable
 * @nl: a netlink socket in the device's namespace
 * @ifindex: the device
 * @err: the error, on failure
 *
 * As dad_wait() for one device (`link ... up`, which puts its addresses
 * back): when one of its addresses other than a link-local one is
 * tentative, wait until none is, link-local ones included; at most 30 s.
 *
 * Return: 0, or a negative errno.
 */
int dad_wait_dev(struct netlink *nl, int ifindex, struct lab_err **err);
