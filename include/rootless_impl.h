/* SPDX-License-Identifier: MIT */
#pragma once

/* Inside rootless.c and rootless_status.c: a child working inside a user's lab, and its pipe. */
#include <stddef.h>

#include "err.h"
#include "state.h"

/* Write or read all of len bytes (a pipe). Return: 0 or -errno (-EPIPE: the other end closed). */
int rootless_write_all(int fd, const void *buf, size_t len);
int rootless_read_all(int fd, void *buf, size_t len);

/*
 * fn(data) in a child that joined lab (a lab whose holder is gone: not joined);
 * send(data, fd) then writes what the child made, which recv(data, fd) reads
 * in the parent. Return: what fn returned, or -errno with the child's error.
 */
int rootless_fork_in(const char *lab, int (*fn)(void *data, struct lab_err **err),
		     int (*send)(void *data, int fd), int (*recv)(void *data, int fd, struct lab_err **err),
		     void *data, struct lab_err **err);

/* rootless_node_status() in a child always (for root too: the unit test of what crosses the pipe). */
int rootless_node_status_forked(const char *lab, const struct state *s, struct status_node *out,
				int (*fn)(const char *lab, const struct state_node *sn,
					  struct status_node *out, struct lab_err **err),
				struct lab_err **err);
