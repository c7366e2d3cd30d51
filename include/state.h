/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "startup_log.h"
#include "topo.h"

/*
 * Lab state under /run/netlab/<lab>/: state.json (written to .tmp, fsynced,
 * renamed), the lock, and ns/ with the pins of each node's other namespaces.
 * The state is written before anything is created, listing everything the
 * lab may own, so that an interrupted `up` can always be taken down.
 */

/*
 * A route netlab installed, to install again when a link comes back up: kept
 * by labs made before links were wired through the wire namespace, whose
 * `link down` takes both ends down (newer labs keep them: see plan_link).
 */
struct state_route {
	struct prefix to;
	bool has_via;
	struct addr via;
	char dev[16];
	uint32_t metric;
};

/* An address netlab put on a device, to put back when its link comes up again (as state_route). */
struct state_addr {
	char dev[16];
	struct prefix prefix;
};

struct state_node {
	char *name;
	char *kind;
	char *hostname;
	char *netns; /* name under /run/netns */
	bool pid, mount, ipc, cgroup; /* namespaces pinned at ns/<name>.{pid,mnt,ipc,cgroup} */
	bool has_cgroup;              /* a cgroup netlab/<lab>/<name> */
	uint64_t memory;              /* limits, 0: none */
	double cpu;
	uint32_t pids;
	int init_pid;                 /* with pid: the init, and its start time */
	unsigned long long init_start;
	char **env;                   /* "K=V" */
	size_t n_env;
	char **shutdown;              /* commands run at down, before anything is removed */
	size_t n_shutdown;
	char *shell;                  /* netlab shell's shell, NULL: the caller's */
	struct state_route *routes;
	size_t n_routes;
	struct state_addr *addrs;
	size_t n_addrs;
	bool remote; /* another host's node in a share's plan: not written to the state */
};

/* The end here of a link to another host: a VXLAN device in the node (plan.h plan_vxlan). */
struct state_vxlan {
	bool on;        /* the link is one */
	int side;       /* which of ends[] is here */
	uint32_t vni;
	uint16_t port;
	struct addr remote; /* the other host's address; a pulled cable takes it off the device */
};

struct state_link {
	struct topo_end ends[2];
	bool up;
	/*
	 * Each end's wire end: its veth peer's index in the lab's wire namespace
	 * (plan.h plan_link); 0 in a lab made before netlab wired links so,
	 * whose two ends are one veth pair.
	 */
	int wire[2];
	bool plain; /* "cables": false: one veth pair, no cable to pull (nor ends to take down) */
	struct topo_impair impair[2]; /* what leaves each end */
	struct state_vxlan vxlan;     /* one end on another host */
	bool remote; /* neither end here (another host's): not written to the state */
};

/*
 * A host of a lab over several machines, in the controller's record of it
 * (the machine that ran `up`): how to reach it and which nodes it builds.
 */
struct state_host {
	char *name;
	char *exec;   /* the command prefix that runs a command there */
	char *netlab; /* netlab's path there */
	char **nodes;
	size_t n_nodes;
	/* while `up` runs there: the local process running it (its exec), and its start time */
	int pid;
	unsigned long long pid_start;
};

struct state {
	int version;    /* of the state read (STATE_VERSION when written) */
	char *lab;
	char *status;   /* "creating" while up runs, then "up" */
	char *topology; /* absolute path of the topology file */
	long long created;
	char *user;      /* who started the lab: $SUDO_USER or the uid's name (labinfo_user) */
	char **meta;     /* the topology's "meta" (Kathara's LAB_*): key, value, key, value ... */
	size_t n_meta;   /* pairs */
	int creator_pid; /* the `up` that is building the lab, and its start time */
	unsigned long long creator_start;
	struct state_node *nodes;
	size_t n_nodes;
	struct state_link *links;
	size_t n_links;
	/* the controller's record of a lab over several machines: its hosts (no nodes of its own) */
	struct state_host *hosts;
	size_t n_hosts;
};

/* A new lab's state, started by the calling user ($SUDO_USER or the uid; see labinfo_user). */
struct state *state_new(const char *lab);
/* Free; accepts NULL and half-filled states. Return: NULL. */
struct state *state_free(struct state *s);
static inline void state_freep(struct state **s)
{
	state_free(*s);
}

/* Paths; the caller frees them. */
char *state_lab_dir(const char *lab);
char *state_uts_path(const char *lab, const char *node);
char *state_file_path(const char *lab);
char *state_pin_prefix(const char *lab, const char *node); /* .../ns/<node> */
char *state_log_path(const char *lab, const char *node);
/* Where up notes why a node's startup failed: beside its log. */
char *state_failed_path(const char *lab, const char *node);

/* Create /run/netlab (0700, root) and refuse it when it is a symlink or not ours. */
int state_prepare_root(struct lab_err **err);
/*
 * Take the lab's lock (creating the lab's directory when create is set).
 * Return: the lock fd; -ENOENT (no error set) when the lab has no directory
 * and create is false; or -errno.
 */
int state_lock(const char *lab, bool create, struct lab_err **err);
/*
 * Mount a tmpfs of the lab's own on its ns/ directory, where its UTS (and
 * isolation) pins go, unless it is one already: `down` then detaches all of
 * them with one unmount instead of one per pin. Return: 0 or -errno.
 */
int state_mount_pins(const char *lab, struct lab_err **err);
/* Detach and remove every pin in the lab's ns/ directory (a missing one is fine). */
void state_unpin_all(const char *lab);
/*
 * A lab's state is two files, so that what most commands need stays small:
 * state.json, the lab and what each node is (read by down, status, list), and
 * wiring.json, the links with their wire ends (and, in a lab made before
 * those, the addresses and routes `link up` puts back), read by link, impair,
 * status. `down` parses only the first.
 */
enum state_part {
	STATE_NODES = 1,  /* state.json */
	STATE_WIRING = 2, /* wiring.json */
	STATE_ALL = STATE_NODES | STATE_WIRING,
};

/*
 * 3: network namespaces pinned under the pin root (layout.h), named by symlinks in
 * /run/netns; 2: pinned in /run/netns, the state in two files; 1: one file.
 */
#define STATE_VERSION 3
#define STATE_MAX_BYTES (512u << 20)

char *state_part_path(const char *lab, enum state_part part);
/* The JSON of one part (STATE_NODES or STATE_WIRING). Return: a string to free. */
char *state_encode(const struct state *s, enum state_part part);
/*
 * Fill s (s->lab set) from the JSON text of one part; what names the file in
 * errors. The wiring goes onto nodes already there. Return: 0 or -EBADMSG.
 */
int state_decode(struct state *s, enum state_part part, const char *text, size_t len,
		 const char *what, struct lab_err **err);
/* Write the parts atomically, wiring.json first. Return: 0 or -errno. */
int state_write(const struct state *s, enum state_part parts, struct lab_err **err);
/*
 * Read the parts. Return: 0, -ENOENT (no error set) when the lab has no
 * state.json, or -errno / -EBADMSG if corrupt.
 */
int state_read(const char *lab, enum state_part parts, struct state **ret, struct lab_err **err);
/* Write a node's environment ("K=V" lines) beside its pins, for exec. Return: 0 or -errno. */
int state_write_env(const char *lab, const char *node, char *const *env, size_t n,
		    struct lab_err **err);
/*
 * What exec needs of a node, without reading the lab's whole state: its pins
 * tell its namespaces, the file beside them its environment.
 * Return: 0, or -ENOENT (no error set) when the lab has no such node.
 */
int state_read_node(const char *lab, const char *node, struct state_node *ret);
void state_node_clear(struct state_node *n);
/* Remove the lab's directory and what is in it (the lock last). */
int state_remove(const char *lab, struct lab_err **err);
/* The names of every lab with a directory under /run/netlab, sorted. */
int state_list_labs(char ***ret, size_t *ret_n);

/* A running lab as `status` shows it (filled by status.c from the kernel). */
struct status_iface {
	char name[16];
	const char *state; /* up, down, no-carrier */
	int mtu;
	char mac[18];
	char *master;
	char **addrs;
	size_t n_addrs;
};

struct status_node {
	char *name, *kind, *hostname, *netns;
	bool present; /* the namespace is still there */
	bool pid, mount, ipc, cgroup;
	uint64_t memory;
	double cpu;
	uint32_t pids;
	int init_pid; /* 0: none */
	char *failed; /* why its startup failed, or NULL */
	struct startup_failure *startup_errors; /* the lines of a Kathará script that failed */
	size_t n_startup_errors;
	size_t processes;
	struct status_iface *ifaces;
	size_t n_ifaces;
	size_t routes4, routes6;
};

struct status_link {
	char *ends[2];
	const char *state; /* up (both ends up with a carrier), down (an end is down or has none), or unknown */
	char *impair[2];   /* NULL: none */
};

struct status_lab {
	char *name, *status, *topology;
	char *user; /* who started the lab ("" when its state does not say) */
	char **meta; /* key, value, ... as in struct state */
	size_t n_meta;
	long long created;
	struct status_node *nodes;
	size_t n_nodes;
	struct status_link *links;
	size_t n_links;
};

/* The JSON of labs for `status --json`. Return: a string to free. */
char *state_status_json(const struct status_lab *labs, size_t n);
