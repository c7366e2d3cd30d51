/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

#define NS_NETNS_DIR "/run/netns"

/* The calling thread's namespaces, to come back to. */
struct ns_saved {
	int net;
	int uts;
};

/* Make /run/netns a shared mount as iproute2 does, so that `ip netns` sees the nodes. */
int ns_prepare_netns_dir(struct lab_err **err);

/* Remember the calling thread's network and UTS namespaces. Return: 0 or -errno. */
int ns_save(struct ns_saved *s, struct lab_err **err);
/* Go back to them (and close them when close_after). Return: 0 or -errno. */
int ns_restore(struct ns_saved *s, bool close_after, struct lab_err **err);

/*
 * Move the calling thread into new network and UTS namespaces, set the host
 * name, and pin both by bind mounts at net_path and uts_path. The thread stays
 * inside them; the caller restores. Return: 0 or -errno.
 */
int ns_new(const char *net_path, const char *uts_path, const char *hostname,
	   struct lab_err **err);
/* Enter the network namespace pinned at path (thread only). Return: 0 or -errno. */
int ns_enter_net_path(const char *path, struct lab_err **err);
/* Open a pinned namespace. Return: fd or -errno. */
int ns_open(const char *path, struct lab_err **err);
/* Write a sysctl (net.x.y or net/x/y) in the calling thread's network namespace. */
int ns_write_sysctl(const char *key, const char *value, struct lab_err **err);
/* Unpin: detach the bind mount and remove the file. A missing one is fine. Return: 0 or -errno. */
int ns_unpin(const char *path, struct lab_err **err);
/* Inode of a pinned namespace (0 when not pinned). */
ino_t ns_pinned_inode(const char *path);
/*
 * End every process whose network namespace is one of inodes: SIGTERM, a short
 * wait, then SIGKILL. Processes are addressed through pidfds after the check,
 * so a reused pid is never signalled. Return: number of processes ended.
 */
int ns_kill_processes(const ino_t *inodes, size_t n);
/*
 * Replace this process by argv inside the pinned namespaces, with a private
 * mount namespace where /sys shows the node's devices (as `ip netns exec`).
 * Return: only on failure, -errno (ENOENT: no such command -> 127).
 */
int ns_exec(const char *net_path, const char *uts_path, char *const argv[],
	    struct lab_err **err);
