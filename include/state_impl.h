/* SPDX-License-Identifier: MIT */
#pragma once

/* Inside the state module (state.c: files, locks, pins; state_json.c: the JSON). */
#include "err.h"
#include "util.h"

/* A node's network namespace unless the state says otherwise: "LAB.NODE". */
char *state_default_netns(const char *lab, const char *node);
/* -EBADMSG, with err saying the lab's state (what: which file) is corrupt and how to remove the lab. */
int state_corrupt(struct lab_err **err, const char *lab, const char *what, const char *fmt, ...)
	_printf_(4, 5);
