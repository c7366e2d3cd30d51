/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The on-disk layout of netlab's runtime state, owned here and only here.
 *
 *   STATE/                  the state root (/run/netlab): a private mount
 *   STATE/.netns/LAB/NODE   a node's network namespace pin, named by
 *   NETNS/LAB.NODE          a symlink in the netns directory (/run/netns) for `ip netns`
 *   STATE/LAB/              a lab: state.json, wiring.json, lock
 *   STATE/LAB/ns/           its other pins: NODE.uts, .mnt, .pid, .ipc, .cgroup, NODE.env,
 *                           NODE.init, +template.mnt, +hosts
 *   STATE/LAB/logs/         NODE.log, NODE.failed
 *
 *   STATE/LAB/holder        a user's lab: its holder's "PID START" (userns.h)
 *
 * Both roots are parameters (layout_set_roots): several simulated hosts on one
 * machine, or a user's own root, each get a tree of their own. A user (euid
 * not 0) gets $XDG_RUNTIME_DIR/netlab, or /tmp/netlab-UID when that is unset
 * or not the user's, with the netns directory STATE/.names inside it: never
 * /run/netlab or /run/netns (layout_use_caller_roots).
 * Every function returning char * returns a new string, to free.
 */

#define LAYOUT_STATE_ROOT "/run/netlab"
#define LAYOUT_NETNS_DIR "/run/netns"
#define LAYOUT_TEMPLATE_PIN "+template.mnt"
#define LAYOUT_USER_SUBDIR "netlab"
#define LAYOUT_USER_NAMES ".names"

#include <sys/types.h>

#include "err.h"

/* Use other roots (NULL keeps one). The strings must outlive their use. */
void layout_set_roots(const char *state_root, const char *netns_dir);
const char *layout_state_root(void);
const char *layout_netns_dir(void);

/*
 * The roots for a caller of effective uid euid whose XDG_RUNTIME_DIR is xdg
 * (NULL: unset; only used when absolute and xdg_ok, i.e. the caller's own):
 * root gets LAYOUT_STATE_ROOT and LAYOUT_NETNS_DIR, a user XDG/netlab or
 * /tmp/netlab-UID and its .names. Pure. Return: 1 for a user's roots, 0 root's.
 */
int layout_roots_for(uid_t euid, const char *xdg, bool xdg_ok, char **ret_state,
		     char **ret_netns);
/*
 * Make a user's state root dir (mode 0700) unless it exists, and check that it
 * is a directory, no symlink, owned by euid and closed to others: a root made
 * by someone else in /tmp is refused. Return: 0 or -errno.
 */
int layout_user_root_check(const char *dir, uid_t euid, struct lab_err **err);
/*
 * Use the roots layout_roots_for() gives the calling process (geteuid(),
 * $XDG_RUNTIME_DIR), making and checking a user's. Return: 1 a user's, 0 root's, -errno.
 */
int layout_use_caller_roots(struct lab_err **err);

char *layout_pin_root(void);                                       /* STATE/.netns */
char *layout_netns_pin_dir(const char *lab);                        /* STATE/.netns/LAB */
char *layout_netns_pin(const char *lab, const char *node);          /* STATE/.netns/LAB/NODE */
char *layout_netns_link(const char *netns);                         /* NETNS/NETNS */
char *layout_lab_dir(const char *lab);                              /* STATE/LAB */
char *layout_lab_file(const char *lab, const char *name);           /* STATE/LAB/NAME */
char *layout_ns_dir(const char *lab);                               /* STATE/LAB/ns */
/* STATE/LAB/ns/NODE.WHAT, or STATE/LAB/ns/NODE when what is NULL (the prefix of them all) */
char *layout_ns_pin(const char *lab, const char *node, const char *what);
char *layout_template_pin(const char *lab);                         /* STATE/LAB/ns/+template.mnt */
char *layout_hosts_file(const char *lab);                           /* STATE/LAB/ns/+hosts */
char *layout_service_file(const char *lab);                         /* STATE/LAB/ns/+service */
char *layout_logs_dir(const char *lab);                             /* STATE/LAB/logs */
char *layout_log(const char *lab, const char *node);                /* STATE/LAB/logs/NODE.log */
char *layout_failed(const char *lab, const char *node);             /* STATE/LAB/logs/NODE.failed */
char *layout_holder_file(const char *lab);                          /* STATE/LAB/holder */
