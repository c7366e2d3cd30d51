/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

/*
 * Labs without root (docs/rootless.md). A user's lab lives in a user namespace
 * of its own, kept alive by one small process per lab, its holder, which also
 * has the lab's mount namespace (where the nodes' pins are mounted: nothing of
 * them shows on the host), a network namespace of its own (netlab's home while
 * it works on the lab: it can never go back to the host's) and a UTS one.
 * Every netlab process of the lab joins the holder first (userns_enter), then
 * works as root does, in namespaces the user owns.
 */

/* The holder of a lab: its pid and start time, checked before every use (a pid is reused). */
struct userns_holder {
	pid_t pid;
	unsigned long long start; /* clock ticks since boot (ns_start_time) */
};

/*
 * How ids are mapped into a lab's user namespace: the user's own uid and gid
 * to 0 (root in the lab), and where /etc/subuid and /etc/subgid give the user
 * a range, that range to 1... (so that FRR's frr user, and every other
 * system user, exists in the lab), written by newuidmap and newgidmap.
 */
struct userns_map {
	uid_t uid;
	gid_t gid;
	unsigned long sub_uid, n_uid; /* n_uid 0: no range, only the user's own uid */
	unsigned long sub_gid, n_gid;
	const char *newuidmap, *newgidmap; /* the helpers' paths, with a range */
};

#define USERNS_NEWUIDMAP "/usr/bin/newuidmap"
#define USERNS_NEWGIDMAP "/usr/bin/newgidmap"

/*
 * The first range of user (by name) or id (by number) in the text of
 * /etc/subuid or /etc/subgid ("NAME_OR_ID:START:COUNT" lines).
 * Return: 1 found (*ret_start, *ret_count set), 0 none.
 */
int userns_subid_find(const char *text, const char *user, unsigned long id,
		      unsigned long *ret_start, unsigned long *ret_count);

/*
 * The map for uid and gid (the user's name user) from the texts of
 * /etc/subuid and /etc/subgid (NULL: none), when the helpers exist: a range
 * only when both files have one and both helpers are there. Pure.
 */
void userns_map_plan(uid_t uid, gid_t gid, const char *user, const char *subuid,
		     const char *subgid, bool have_helpers, struct userns_map *ret);

/* The caller's map, from /etc/subuid, /etc/subgid and the helpers present. Return: 0 or -errno. */
int userns_map_load(struct userns_map *ret, struct lab_err **err);

/*
 * The text of a uid_map or gid_map (also newuidmap's arguments, one triple a
 * line): "0 ID 1\n", and "1 START COUNT\n" with a range. Return: a new string.
 */
char *userns_map_text(unsigned long id, unsigned long start, unsigned long count);

/* What the map gives the lab, for the user: one sentence, a new string. */
char *userns_map_describe(const struct userns_map *m);

/*
 * Start a lab's holder with map m: a process (nobody's child, in a session
 * of its own, without output) in a new user namespace with new mount, network
 * and UTS namespaces, which stays until userns_holder_stop().
 * Return: 0 (*ret filled) or -errno.
 */
int userns_holder_start(const struct userns_map *m, struct userns_holder *ret,
			struct lab_err **err);

/* Whether the holder still runs (its pid has its start time). */
bool userns_holder_alive(const struct userns_holder *h);

/*
 * End the holder and every other process of its user namespace (SIGTERM, a
 * short wait, SIGKILL): the lab's namespaces go with them. A holder that is
 * gone (or a pid now someone else's) is fine: stop is idempotent.
 * Return: 0 or -errno.
 */
int userns_holder_stop(const struct userns_holder *h, struct lab_err **err);

/*
 * End every process (but ours) of the user namespace of inode ino, which we
 * may see (our own): a lab whose holder was killed leaves its nodes' inits
 * and daemons running. Return: how many were signalled.
 */
int userns_end_members(unsigned long long ino);

/* Record the holder at path ("PID START\n", written atomically). Return: 0 or -errno. */
int userns_holder_write(const char *path, const struct userns_holder *h, struct lab_err **err);
/* Read what userns_holder_write() wrote. Return: 0, -ENOENT when there is none, or -errno. */
int userns_holder_read(const char *path, struct userns_holder *ret, struct lab_err **err);

/*
 * Join the holder's user, mount, network and UTS namespaces, for good: the
 * caller is then root of the lab (every capability in its namespaces) and
 * cannot come back. The caller must be single-threaded; its working
 * directory is kept. Joining a holder whose user namespace we are in already
 * does nothing. Return: 0 or -errno.
 */
int userns_enter(const struct userns_holder *h, struct lab_err **err);

/* Whether the calling process is in a user namespace other than the host's. */
bool userns_inside(void);

/*
 * Why the kernel refused an unprivileged user namespace (errno code), from
 * the values of the sysctls that can forbid one (NULL: not on this kernel):
 * kernel.unprivileged_userns_clone (Debian), user.max_user_namespaces,
 * kernel.apparmor_restrict_unprivileged_userns (Ubuntu). Pure.
 * Return: a new string naming the privilege and the fix.
 */
char *userns_advice(int code, const char *unprivileged_clone, const char *max_user,
		    const char *apparmor_restrict);

/* The ERR_KERNEL error for code from what (userns_advice() of this machine's sysctls). Return: -code. */
int userns_advice_error(int code, const char *what, struct lab_err **err);

/*
 * Before anything is built: can this user make a user namespace with mount
 * and network namespaces in it? The error (ERR_KERNEL) names the sysctl
 * that forbids it and how to allow it. Return: 0 or -errno.
 */
int userns_probe(struct lab_err **err);

/*
 * The cgroup a user's lab may put limits in: the topmost directory of the
 * cgroup v2 tree mounted at root containing self (the "0::PATH" line of
 * /proc/self/cgroup's text) that uid owns and may write, with the memory,
 * cpu and pids controllers available (systemd's delegation to a user).
 * Return: 0 (*ret_dir, to free) or -errno with an error naming the fix.
 */
int userns_cgroup_delegated(const char *root, const char *self, uid_t uid, char **ret_dir,
			    struct lab_err **err);
/* userns_cgroup_delegated() for this machine: /sys/fs/cgroup, which must be cgroup v2. */
int userns_probe_cgroup(char **ret_dir, struct lab_err **err);

/* Whether the caller (its own ids, before joining a lab) may read path. Return: 0 or -errno. */
int userns_probe_readable(const char *path, struct lab_err **err);
