/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "ns.h"

/*
 * A node's own file system view and process table, as a stock host has them.
 *
 * Mount and PID namespaces are made when something first runs in the node
 * (a startup command or `netlab exec`), not at `up`: a lab of 1,000 nodes
 * costs no mount table and no process per node until it is used. Each node's
 * mount namespace is copied from the lab's template, a mount namespace with
 * none of the machine's namespace pins in it, so that making one costs the
 * same whatever the number of labs and nodes (copying the host's table, which
 * holds every pin, would cost O(N) a node).
 */


/* What a node's file system view is made of. */
struct ns_node_fs {
	const char *hostname;
	const char *hosts;           /* /etc/hosts content */
	const struct ns_file *files; /* the topology's files, bound read-only */
	size_t n_files;
	bool proc;                   /* mount a /proc for the caller's PID namespace */
	const char *service;         /* netlab-service, bound over systemctl, service, ... (NULL: none) */
	char *service_text;          /* its content, read while it is in view (ns_node_service_open) */
};

/* Read fs->service into fs->service_text while it is in view (NULL without one). Return: 0 or -errno. */
int ns_node_service_open(struct ns_node_fs *fs, struct lab_err **err);

/*
 * A mount namespace's pin the kernel refused (EINVAL: its loop check, when
 * netlab runs in a mount namespace of its own and the new namespace's id came
 * out lower than ours, as a CPU's batch of ids can) is tried again with the
 * child on the next CPU: ns_run_on_cpu(attempt) in the child, up to
 * ns_pin_attempts() times.
 */
void ns_run_on_cpu(int attempt);

/* In a node's init-to-be: a session of its own, stdin, stdout and stderr on /dev/null. */
void ns_detach_init(void);
int ns_pin_attempts(void);

/* Where a node gets netlab-service (src/node/netlab-service): it acts as the name it is run as. */
extern const char *const ns_service_paths[];

/*
 * In a new mount namespace: make every mount private and detach /run/netlab,
 * /run/netns and every namespace pin, as the template has them. Return: 0 or -errno.
 */
int ns_template_clean(void);

/*
 * Make a lab's template mount namespace (a copy of ours, slave to it, without
 * /run/netlab and /run/netns) and pin it at path. Return: 0 or -errno.
 */
int ns_template_pin(const char *path, struct lab_err **err);

/*
 * In a new mount namespace of the caller's, inside the node's network
 * namespace: set up the node's view: /sys of its network namespace, /etc and
 * /var as copy-on-write overlays of the host's, private empty /run (with
 * /run/lock), /tmp, /dev/shm and /root, generated /etc/hostname, /etc/hosts
 * and /etc/resolv.conf (the node's own resolver, 127.0.0.1, so that a lookup
 * of an unknown name fails at once), the files bound read-only, and with
 * fs->proc a /proc. Return: 0 or -errno.
 */
int ns_node_mounts(const struct ns_node_fs *fs, struct lab_err **err);

/*
 * Make a node's mount namespace from the template tmpl_fd (-EBADF: from ours,
 * cleaned as a template is), inside the node's
 * network and UTS namespaces, set up by ns_node_mounts (without /proc), and
 * pin it at pin_path. Return: 0 or -errno.
 */
int ns_mount_create(int tmpl_fd, int net_fd, int uts_fd, const struct ns_node_fs *fs,
		    const char *pin_path, struct lab_err **err);

/*
 * Make a node's PID namespace with netlab's init as its PID 1, in the node's
 * network, UTS and mount namespaces (mnt_fd: /proc is mounted there for the
 * new PID namespace), and pin it at pin_path. The init is no child of ours.
 * Return: the init's pid, or -errno.
 */
int ns_pid_create(int net_fd, int uts_fd, int mnt_fd, const char *pin_path,
		  struct lab_err **err);
