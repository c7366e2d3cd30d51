/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/*
 * The failing lines of a Kathará node's startup, read back from its
 * `netlab logs`: its scripts run traced and never fail the lab, so that a
 * line that failed is named in the log (read_kathara.h says how) and here,
 * for `status`.
 */

struct startup_failure {
	char *where;   /* the script, "r1.startup" or "shared.startup", or "r1[exec]" */
	unsigned line; /* the line in it (an exec line: 1) */
	int status;    /* its exit status */
	char *command; /* the command as bash saw it, variables unexpanded */
};


/**
 * startup_log_parse() - the failing lines a startup log names
 * @text: the log (NUL-terminated)
 * @ret: the failing lines of the last run, in order (after the log's last
 *       "netlab: startup of NODE" line, or of the whole text when it has
 *       none); free with startup_failures_free()
 * @ret_n: how many
 *
 * Pure: reads only @text. A line that does not have the shape
 * "netlab: WHERE line N: exit status S: COMMAND" is not one.
 * Return: @ret_n's value.
 */
size_t startup_log_parse(const char *text, struct startup_failure **ret, size_t *ret_n);

/**
 * startup_log_read() - the failing lines of a node's last startup run
 * @lab: the lab
 * @node: its node
 * @ret: as startup_log_parse() gives them (NULL when none)
 * @ret_n: how many
 *
 * Reads the node's log (its last 4 MiB); a node without a log has none.
 * Return: 0, or -errno when the log is there but cannot be read.
 */
int startup_log_read(const char *lab, const char *node, struct startup_failure **ret, size_t *ret_n);

/* Free n failures and the array. Return: NULL. */
struct startup_failure *startup_failures_free(struct startup_failure *v, size_t n);

