/* SPDX-License-Identifier: MIT */
#pragma once

#include "util.h"

/*
 * An error travels up as a negative errno return plus this object, which
 * gathers context on the way (crun's libcrun_error_t): the lowest layer says
 * what failed, each caller prefixes what it was doing.  cli.c prints it once.
 */
enum err_kind {
	ERR_RUNTIME = 0,   /* exit 1 */
	ERR_USAGE,         /* exit 2 */
	ERR_TOPOLOGY,      /* exit 2 */
	ERR_KERNEL,        /* a missing kernel feature, exit 1 */
	ERR_EXEC,          /* a command could not be run: exit 127 when not found, else 126 */
};

struct lab_err {
	int code; /* positive errno */
	enum err_kind kind;
	char *msg;
};

/* Make *err (if none yet) with "msg: strerror(code)". Return: -code (or -EIO if code is 0). */
int err_make(struct lab_err **err, int code, const char *fmt, ...) _printf_(3, 4);
/* Make *err of a kind with just the message, no strerror. Return: -code. */
int err_make_kind(struct lab_err **err, enum err_kind kind, int code, const char *fmt, ...)
	_printf_(4, 5);
/* Prefix the message of *err with "context: ". Return: -(*err)->code. */
int err_wrap(struct lab_err **err, const char *fmt, ...) _printf_(2, 3);
/* Free; accepts NULL. Return: NULL. */
struct lab_err *err_free(struct lab_err *err);
/* Exit code for an error: 2 for usage and topology errors, 1 otherwise. */
int err_exit_code(const struct lab_err *err);

static inline void err_freep(struct lab_err **e)
{
	err_free(*e);
}
#define _cleanup_err_ _cleanup_(err_freep)
