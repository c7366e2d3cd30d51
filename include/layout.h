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
 * Both roots are parameters (layout_set_roots): several simulated hosts on one
 * machine, or a user's own root, each get a tree of their own.
 * Every function returning char * returns a new string, to free.
 */

#define LAYOUT_STATE_ROOT "/run/netlab"
#define LAYOUT_NETNS_DIR "/run/netns"
#define LAYOUT_TEMPLATE_PIN "+template.mnt"

/* Use other roots (NULL keeps one). The strings must outlive their use. */
void layout_set_roots(const char *state_root, const char *netns_dir);
const char *layout_state_root(void);
const char *layout_netns_dir(void);

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
