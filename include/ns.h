/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

/* Network namespaces are pinned on a tmpfs per lab, STATE/.netns/LAB/NODE (layout.h; a lab name has no '.') */

/* The calling thread's namespaces, to come back to. */
struct ns_saved {
	int net;
	int uts;
};

/*
 * Make /run/netns a shared mount as iproute2 does, so that `ip netns` sees the
 * nodes, and the pin root one too. Return: 0 or -errno.
 */
int ns_prepare_netns_dir(struct lab_err **err);

/* Remember the calling thread's network and UTS namespaces. Return: 0 or -errno. */
int ns_save(struct ns_saved *s, struct lab_err **err);
/* Go back to them (and close them when close_after). Return: 0 or -errno. */
int ns_restore(struct ns_saved *s, bool close_after, struct lab_err **err);

/*
 * Move the calling thread into new network and UTS namespaces, set the host
 * name, pin both by bind mounts at net_path and uts_path, and name the network
 * namespace by a symlink link_path (/run/netns/LAB.NODE) to its pin. The
 * thread stays inside them; the caller restores. Return: 0 or -errno.
 */
int ns_new(const char *link_path, const char *net_path, const char *uts_path,
	   const char *hostname, struct lab_err **err);

/*
 * A lab's wire namespace, where the far end of every link's veths is (see
 * plan.h): pinned beside the nodes' at the pin root/LAB/NS_WIRE_NAME, a name no
 * node can have ('+' is not allowed in node names), and with no /run/netns name.
 */
#define NS_WIRE_NAME "+wire"

/*
 * Move the calling thread into a new network namespace and pin it at
 * net_path; nothing names it in /run/netns. The thread stays inside; the
 * caller restores. Return: 0 or -errno.
 */
int ns_new_net(const char *net_path, struct lab_err **err);
/* the pin root/LAB/NS_WIRE_NAME; the caller frees it. */
char *ns_wire_path(const char *lab);
/* the pin root/LAB and the pin root/LAB/NODE; the caller frees them. */
char *ns_pin_dir(const char *lab);
char *ns_pin_path(const char *lab, const char *node);
/* Mount the lab's pin tmpfs, unless it is one already. Return: 0 or -errno. */
int ns_pins_mount(const char *lab, struct lab_err **err);
/* Whether the lab pins its network namespaces under the pin root (netlab 0.x pinned them in /run/netns). */
bool ns_pins_mounted(const char *lab);
/* Detach every pin of the lab's at once, and remove its directory. */
void ns_pins_unmount(const char *lab);
/* The path to open a node's network namespace by: its pin, or /run/netns/NETNS for netlab 0.x's labs. */
char *ns_node_netns(const char *lab, const char *node, const char *netns);
/* The inode of the namespace pinned at pin, or 0 when nothing is mounted there. */
ino_t ns_pin_inode(const char *pin);

/*
 * The pins of a lab whose directory under /run/netlab is gone (removed by
 * hand, or by a netlab from before the pins moved): end the processes in those
 * namespaces, remove their /run/netns symlinks, detach the pins.
 * Return: 1 when there was such a lab, 0 when not.
 */
int ns_remove_orphan(const char *lab);
/* The names (to free) of the labs with pins under the pin root. Return: how many. */
size_t ns_pinned_labs(char ***ret);

/* What /run/netns/LAB.NODE is. */
enum ns_entry {
	NS_ENTRY_NONE,    /* nothing */
	NS_ENTRY_LINK,    /* netlab's symlink to the node's pin */
	NS_ENTRY_FOREIGN, /* a symlink elsewhere: not netlab's */
	NS_ENTRY_PIN,     /* a file: a pin made in /run/netns (ip netns add, or netlab 0.x) */
};
enum ns_entry ns_netns_entry(const char *link_path, const char *pin_path);
/*
 * A socket in the network namespace netns_fd, made by a short-lived thread:
 * the calling process never enters the namespace, so a `down` that ends the
 * processes of a lab's namespaces never takes it for one of them.
 * Return: the socket or -errno.
 */
int ns_socket_in(int netns_fd, int domain, int type, int protocol);
/* Open a pinned namespace. Return: fd or -errno. */
int ns_open(const char *path, struct lab_err **err);
/*
 * Sysctl writes through a procfs instance of netlab's own, so that their cost
 * does not grow with the number of namespaces on the machine (see ns.c).
 */
struct ns_sysctl {
	int proc;      /* a detached procfs mount, or -EBADF */
	unsigned uses; /* writes through it */
	bool fallback; /* no such mount could be made: /proc */
};
#define NS_SYSCTL_INIT {.proc = -EBADF}
/*
 * Write a sysctl (net.x.y or net/x/y) in the calling thread's network
 * namespace, through sc (NULL: /proc). Return: 0 or -errno.
 */
int ns_sysctl_write(struct ns_sysctl *sc, const char *key, const char *value,
		    struct lab_err **err);
/* Release sc's procfs instance. */
void ns_sysctl_close(struct ns_sysctl *sc);
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
 * The network namespaces processes are in, but netlab's own: their inodes,
 * sorted and distinct, in *ret (to free). Return: how many.
 */
size_t ns_process_netns(ino_t **ret);
/* Sort inodes and drop repeats. Return: how many are left. */
size_t ns_sort_inodes(ino_t *inodes, size_t n);
/* Whether ino is one of sorted (as ns_sort_inodes leaves them). */
bool ns_inode_in(ino_t ino, const ino_t *sorted, size_t n);
/* Count the processes in each network namespace of inodes into counts[]. */
void ns_count_processes(const ino_t *inodes, size_t n, size_t *counts);
/* Pin the namespace at src (/proc/PID/ns/X) by a bind mount on a new file path. Return: 0 or -errno. */
int ns_pin(const char *src, const char *path, struct lab_err **err);
/* A child's report to its parent through a pipe: a status, a pid, and an error text. */
struct ns_report {
	int status; /* 0 or -errno */
	int kind;
	int from_init; /* from the init itself (PID 1 of a new namespace) */
	pid_t pid;
	char msg[512];
};
/* Report e through fd and exit. */
_Noreturn void ns_child_fail(int fd, struct lab_err *e);
/* Read one report: its error, if any, into err. Return: 0 or -errno. */
int ns_read_report(int fd, struct ns_report *rep, struct lab_err **err);
/* Replace this process with netlab's init (the embedded one, else /proc/self/exe). Return: on failure. */
void ns_exec_init(void);

/* A node's extra isolation, as ns_isolate() builds it. */
struct ns_file {
	const char *path; /* in the node */
	const char *host; /* absolute host path */
	bool ro;          /* bound read-only; else the node gets a writable copy */
	bool rw;          /* bound read-write (made when missing): writes reach the host */
};

struct ns_isolation {
	int net_fd, uts_fd; /* the node's network and UTS namespaces */
	int tmpl_fd;        /* the lab's template mount namespace, or -EBADF */
	bool pid, mount, ipc, cgroup;
	const char *pin_prefix; /* pins at <pin_prefix>.{mnt,ipc,cgroup,pid} */
	/* with mount: */
	const char *hostname;
	const char *hosts;      /* /etc/hosts content */
	const struct ns_file *files;
	size_t n_files;
	const char *service;    /* netlab-service's host path, bound over systemctl ... */
	/* called in the child before it unshares, to join the node's cgroup */
	int (*join_cgroup)(void *data, pid_t pid, struct lab_err **err);
	void *data;
};

/*
 * Create a node's PID, mount, IPC and cgroup namespaces as asked, set up its
 * mounts (own /proc with pid, private /tmp and /run, /etc as an overlay with
 * its hosts and hostname files, "files" bound read-only, /sys for the node),
 * and pin each namespace at pin_prefix.X. With pid, the namespace's PID 1 is
 * netlab's init, which stays; otherwise no process is left.
 * Return: the init's pid (pid isolation), 0, or -errno.
 */
int ns_isolate(const struct ns_isolation *iso, struct lab_err **err);

/* The namespaces of a node, by pin path; NULL for those it does not have. */
struct ns_join {
	const char *net, *uts, *ipc, *cgroup, *pid, *mnt;
	const char *tmpl; /* without mnt: the lab's template mount namespace, if it has one */
};

/*
 * Join the namespaces (util-linux nsenter's order: cgroup, ipc, uts, net,
 * pid, mnt) and run argv in / with exactly the environment env ("K=V"; NULL:
 * ours). Without a mount namespace, a private one is made (from j->tmpl when
 * set) with /sys for the node. With a PID namespace, a child is forked inside
 * it and this process passes it the signals it is sent, waits for it, then
 * exits with its status (re-raising its signal). Return: only on failure.
 */
int ns_join_exec(const struct ns_join *j, char *const argv[], char *const env[],
		 struct lab_err **err);

/* Whether this process is netlab's init (PID 1 of a node, started as "netlab-init"). */
bool ns_is_init(const char *argv0);
/* netlab's init: reap orphans until SIGTERM. Return: never. */
_Noreturn void ns_init_main(void);
/* Start time of a process (clock ticks since boot), 0 if it is gone. */
unsigned long long ns_start_time(pid_t pid);
