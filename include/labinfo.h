/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "state.h"

/*
 * What the command line tells about labs on a shared machine: who started
 * a lab, the summary `list --json` prints, the LAB.NODE names of `ip netns`.
 */

/**
 * labinfo_user() - who is starting a lab
 * @sudo_user: $SUDO_USER (NULL or empty: not under sudo)
 * @uid: the real uid, when not under sudo
 *
 * A name made of printable ASCII is taken as it is; otherwise the uid's
 * user name, or "uid N" when it has none.
 * Return: a string to free.
 */
char *labinfo_user(const char *sudo_user, uid_t uid);
/* The same with the uid's user name given (NULL: it has none), without looking it up. */
char *labinfo_user_from(const char *sudo_user, const char *pw_name, uid_t uid);

/**
 * labinfo_time() - when a lab was started, "YYYY-MM-DD HH:MM" in local time
 * @created: seconds since the epoch (0: "unknown")
 * @buf: where to write
 * @size: its size
 *
 * Return: @buf.
 */
char *labinfo_time(long long created, char *buf, size_t size);

/**
 * labinfo_list_json() - the JSON of `list --json`: one summary object per lab
 * @labs: as lab_status() fills them
 * @n: how many
 *
 * Each object has name, status, nodes (a count), links (a count), topology,
 * created and user; `status --json` keeps the details.
 * Return: a string to free.
 */
char *labinfo_list_json(const struct status_lab *labs, size_t n);

/**
 * labinfo_split_netns() - split an `ip netns` name LAB.NODE
 * @s: the name
 * @ret_lab: the lab (to free)
 * @ret_node: the node (to free)
 *
 * Lab names have no '.', so the lab is what comes before the first one.
 * Return: 0, or -EINVAL when @s has no '.', or a part is no valid name.
 */
int labinfo_split_netns(const char *s, char **ret_lab, char **ret_node);

/**
 * labinfo_join() - names joined with ", " for messages
 * @v: the names
 * @n: how many
 *
 * Return: a string to free ("" when n is 0).
 */
char *labinfo_join(char *const *v, size_t n);

/**
 * labinfo_is_yes() - whether an answer to a question is yes ("y" or "yes", any case)
 * @answer: the line read (its newline included or not)
 */
bool labinfo_is_yes(const char *answer);
