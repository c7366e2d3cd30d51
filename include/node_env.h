/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The PATH of a command run in a node, as a stock Debian root shell has it. */
#define NODE_ENV_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * The environment of a command run in a node (exec, shell, startup): not the
 * caller's, but what a login on a stock host gives root: PATH, HOME=/root,
 * the caller's TERM when terminal is set, the caller's LANG, LANGUAGE and
 * LC_*, NETLAB_LAB and NETLAB_NODE, then the node's own "K=V" entries, which
 * replace any of those. caller is the caller's environment (NULL-terminated).
 * Return: a NULL-terminated array of strings, to free with node_env_free().
 */
char **node_env_build(char *const *caller, const char *lab, const char *node,
		      char *const *node_env, size_t n_node_env, bool terminal);
/* Free what node_env_build() returned. Return: NULL. */
char **node_env_free(char **env);
