/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"

/*
 * The topology model: what a lab is made of, once parsed and validated.
 * No I/O here; topo_parse.c builds it from JSON, topo_validate.c checks it.
 */

#define TOPO_IFNAMSIZ 16 /* IFNAMSIZ: 15 bytes and the NUL */
#define TOPO_LAB_NAME_MAX 32
#define TOPO_NODE_NAME_MAX 64
/* A node's network namespace, as /run/netns names it: "<lab>.<node>" */
#define TOPO_NETNS_MAX (TOPO_LAB_NAME_MAX + 1 + TOPO_NODE_NAME_MAX + 1)
#define TOPO_BRIDGE_NAME "br0"
/* Most nexthops of one multipath route (the kernel takes more; a fabric needs fewer). */
#define TOPO_MAX_NEXTHOPS 64
/*
 * A lab over several machines ("hosts"): what VXLAN adds to each frame on
 * the underlay, outer Ethernet not counted (the underlay's MTU is an IP MTU):
 * IPv4 20 + UDP 8 + VXLAN 8 + the inner Ethernet header 14, IPv6 40 + 30.
 */
#define TOPO_VXLAN_PORT 4789
#define TOPO_VXLAN_OVERHEAD4 50
#define TOPO_VXLAN_OVERHEAD6 70
#define TOPO_VNI_MAX 16777215u /* 24 bits */
#define TOPO_HOST_MTU 1500

enum topo_kind {
	TOPO_HOST = 0,
	TOPO_ROUTER,
	TOPO_SWITCH,
};

struct topo_iface {
	char name[TOPO_IFNAMSIZ];
	struct prefix *addrs;
	size_t n_addrs, cap_addrs;
	int *addr_pos;       /* index of each address in the file's array, -1: from a pool */
	int mtu;             /* 0: the link's or the kernel's default */
	bool has_mac;
	uint8_t mac[6];
	ssize_t link;        /* index in topo.links, -1 when linked nowhere */
	int side;            /* which endpoint of that link */
	bool declared;       /* written under "interfaces" (not only named by a link) */
	bool generated_name; /* named by netlab (endpoint without ":ifname") */
	bool named_by_link;  /* a link endpoint names it explicitly */
};

struct topo_route {
	bool is_default;
	struct prefix to;    /* family set also for default */
	bool has_via;
	struct addr via;
	char dev[TOPO_IFNAMSIZ];
	uint32_t metric;
	/* equal-cost multipath: more gateways besides via, one route with every nexthop */
	struct addr *extra_via;
	size_t n_extra_via;
	bool automatic;      /* computed by routing: static */
	int pos;             /* index in the file's "routes" array */
};

struct topo_kv {
	char *key;
	char *value;
};

struct topo_isolation {
	bool pid;    /* own PID namespace with a netlab init as PID 1 (implies mount) */
	bool mount;  /* private mount namespace: own /proc, /tmp, /run, /etc overlay, files */
	bool ipc;    /* own System V IPC and POSIX message queues */
	bool cgroup; /* own cgroup (namespace: the node's cgroup is its root) */
};

struct topo_limits {
	uint64_t memory; /* bytes, 0: none */
	double cpu;      /* CPUs, 0: none */
	uint32_t pids;   /* 0: none */
};

enum topo_routing {
	TOPO_ROUTING_NONE = 0,
	TOPO_ROUTING_STATIC,
};

struct topo_node {
	char *name;
	enum topo_kind kind;
	char *hostname;
	bool stp;
	bool hub; /* a switch that floods every frame to every port (bridge ageing time 0) */
	struct topo_iface *ifaces;
	size_t n_ifaces, cap_ifaces;
	struct topo_route *routes;
	size_t n_routes, cap_routes;
	struct topo_kv *sysctls;
	size_t n_sysctls, cap_sysctls;
	struct topo_isolation iso;
	struct topo_limits limits;
	enum topo_routing routing; /* static: routes computed for this node */
	/* path in the node -> host path (as written; absolute once checked) */
	struct topo_kv *files;
	size_t n_files, cap_files;
	char **files_host; /* the checked, absolute host paths (NULL until checked) */
	bool *files_ro;    /* files[i] is bound read-only, not copied */
	bool *files_rw;    /* files[i] is bound read-write: writes reach the host (a lab's shared/) */
	struct topo_kv *env;
	size_t n_env, cap_env;
	char **startup;
	size_t n_startup, cap_startup;
	char **shutdown;   /* run at down, before anything is removed */
	size_t n_shutdown, cap_shutdown;
	char **after;      /* nodes whose startups finish before this one's begins (Kathara's lab.dep) */
	size_t n_after, cap_after;
	char *image;       /* the image a Kathara or containerlab lab named: informational */
	char *shell;       /* the shell of `netlab shell` (NULL: the caller's $SHELL, else /bin/sh) */
	bool startup_continue; /* a failing startup command is logged and the next runs (containerlab's exec) */
	struct topo_kv *labels; /* containerlab's labels: informational */
	size_t n_labels, cap_labels;
	/* interface name -> index, open addressing (a switch may have thousands of ports) */
	size_t *if_index;
	size_t if_index_cap;
	char *host_name; /* "host" as written (NULL: the default) */
	ssize_t host;    /* index in topo.hosts; -1: no hosts, the lab is all local */
};

/*
 * A machine of "hosts": it builds its share of the lab (its nodes, the links
 * among them, a VXLAN device for each link to a node on another machine).
 */
struct topo_host {
	char *name;
	struct addr addr; /* its underlay address: the VXLAN tunnels' ends */
	char *exec;       /* how the controller runs a command there ("ssh NAME") */
	char *netlab;     /* netlab's path there ("netlab") */
	int mtu;          /* the underlay's IP MTU (1500) */
	int pos;          /* index in the file's "hosts", for messages */
};

struct topo_endpoint {
	size_t node;
	size_t iface;
};

/* Impairment of one direction: the egress of one end of a link. */
struct topo_impair {
	bool set;
	uint64_t delay_ns;
	uint64_t jitter_ns;
	double loss;       /* percent */
	uint64_t rate_bps; /* bits per second, 0: unlimited */
};

struct topo_link {
	struct topo_endpoint ep[2];
	int mtu; /* 0: default */
	bool up;
	struct topo_impair impair[2]; /* per end: what leaves that end */
};

enum topo_expect_kind {
	TOPO_EXPECT_REACH,
	TOPO_EXPECT_PATH,
	TOPO_EXPECT_ROUTE,
};

/* A check of `netlab test`. */
struct topo_expect {
	enum topo_expect_kind kind;
	char *from;   /* reach, path: a node */
	char *to;     /* reach, path: a node or an address */
	bool reach;
	char **path;  /* path: routers crossed, in order */
	size_t n_path;
	char *node;   /* route */
	struct prefix route;
	bool has_via;
	struct addr via;
	uint64_t within_ms; /* 0: check once */
	char *text;   /* as written, for reports */
};

/* An address pool of the "addressing" key. */
struct topo_pool {
	bool set;
	struct prefix prefix;
};

struct topo {
	char *name;
	char *file; /* as given on the command line */
	char *dir;  /* directory of the file, for relative paths */
	struct topo_node *nodes;
	size_t n_nodes, cap_nodes;
	struct topo_link *links;
	size_t n_links, cap_links;
	struct topo_expect *expects;
	size_t n_expects, cap_expects;
	struct topo_pool pool_p2p, pool_lan, pool_loopback, pool_ipv6;
	enum topo_routing routing; /* static when any node's routing is */
	bool strict; /* a failing startup fails `up` (rolled back) instead of marking its node */
	struct topo_kv *meta; /* the lab's description, author ... (Kathara's LAB_*) */
	size_t n_meta, cap_meta;
	char *shared;         /* a host directory bound read-write at /shared in every node */
	/*
	 * "cables": false: every link is one veth pair, end to end, with no wire
	 * namespace between: quicker to make, but no cable to pull (plan.h plan_link)
	 */
	bool plain_links;
	/* "hosts": the machines of a lab over several; none: one machine, everything local */
	struct topo_host *hosts;
	size_t n_hosts, cap_hosts;
	/* "vxlan": the UDP port and first VNI of the links between hosts (topo_link_vni) */
	uint16_t vxlan_port;
	uint32_t vni_base; /* as written (topo_vni_base: the one used) */
	bool vni_base_set; /* written; otherwise derived from the lab's name */
	/* node name -> index, open addressing */
	size_t *index;
	size_t index_cap;
};

/* Diagnostics gathered by the parser and validator: all of them, not only the first. */
enum topo_severity {
	TOPO_ERROR,
	TOPO_WARNING,
};

struct topo_diag {
	enum topo_severity severity;
	char *text; /* "path: what is wrong (expected ...)" */
};

struct topo_diags {
	struct topo_diag *v;
	size_t n, cap;
	size_t n_errors;
};

void topo_diag_add(struct topo_diags *d, enum topo_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void topo_diags_free(struct topo_diags *d);

struct topo *topo_new(void);
/* Free; accepts NULL and half-built models. Return: NULL. */
struct topo *topo_free(struct topo *t);
static inline void topo_freep(struct topo **t)
{
	topo_free(*t);
}

/* Add a node (name copied). Return: its index, or -EEXIST. */
ssize_t topo_add_node(struct topo *t, const char *name, enum topo_kind kind);
/* Return: the node's index, or -ENOENT. */
ssize_t topo_find_node(const struct topo *t, const char *name);
/* Return: the interface's index in node, or -ENOENT. */
ssize_t topo_find_iface(const struct topo_node *n, const char *ifname);
/* Append an address to an interface; pos is its index in the file, -1 when netlab chose it. */
void topo_iface_add_addr(struct topo_iface *ifc, const struct prefix *p, int pos);
/* Add an interface named ifname. Return: its index. */
size_t topo_add_iface(struct topo_node *n, const char *ifname);
/* The first "eth<N>" of a node that no link uses or names, into buf (it may be declared). */
void topo_next_ifname(const struct topo_node *n, char buf[TOPO_IFNAMSIZ]);
/*
 * The same, searching from *start (0 at first) and leaving it past the name
 * found: names below it are taken for good, so a switch with N generated
 * ports costs N lookups, not N squared.
 */
void topo_next_ifname_from(const struct topo_node *n, unsigned *start, char buf[TOPO_IFNAMSIZ]);

const char *topo_kind_name(enum topo_kind k);
/* Return: the kind, or -EINVAL. */
int topo_kind_parse(const char *s);

/*
 * A copy of s with ${node} and ${lab} replaced by node and lab, and $${ by ${
 * (a literal "${node}"). Any other ${...} is kept as it is, for the shell of a
 * startup. Return: the new string, to free.
 */
char *topo_subst(const char *s, const char *node, const char *lab);

/*
 * Name rules. A lab name: 1..32 of [A-Za-z0-9_-]. A node name: 1..64 of
 * [A-Za-z0-9_.-], not "." or "..". An interface name: 1..15 bytes, printable
 * ASCII, no '/', ':' or white space, not "." or "..".
 * Return: NULL when valid, else what is wrong (a static string).
 */
const char *topo_lab_name_problem(const char *s);
/*
 * A link's end as a user or a lab's state names it, "node:ifname", parsed: the
 * node and its interface ("" when only the node is named: its one link).
 */
struct topo_end {
	char node[TOPO_NODE_NAME_MAX + 1];
	char ifname[TOPO_IFNAMSIZ];
};
#define TOPO_END_MAX (TOPO_NODE_NAME_MAX + 1 + TOPO_IFNAMSIZ)
/* Parse "node:ifname" or "node". Return: 0, or -EINVAL (a name too long, or empty). */
int topo_end_parse(const char *s, struct topo_end *ret);
/* "node:ifname" of e, in buf. Return: buf. */
const char *topo_end_format(const struct topo_end *e, char buf[TOPO_END_MAX]);
/* Whether e names end (same node, and the same interface or none named). */
bool topo_end_matches(const struct topo_end *e, const struct topo_end *end);
/* The same for a lab's name on disk: a lab's, or "LAB@HOST", a host's share of a lab. */
const char *topo_lab_key_problem(const char *s);
const char *topo_node_name_problem(const char *s);
const char *topo_ifname_problem(const char *s);

/* Parse a size: 1234, 64K, 256M, 1G, 1T (binary multiples). Return: 0 or -EINVAL. */
int topo_size_parse(const char *s, uint64_t *ret);
/* "20ms", "1.5s", "500us", "100ns" (a bare number is milliseconds). Return: 0 or -EINVAL. */
int topo_time_parse(const char *s, uint64_t *ret_ns);
/* "10mbit", "1gbit", "512kbit", "100bit", "1mbps" (bytes per second, as tc). Return: 0 or -EINVAL. */
int topo_rate_parse(const char *s, uint64_t *ret_bps);
/* "1%", "0.5%" (0 to 100). Return: 0 or -EINVAL. */
int topo_percent_parse(const char *s, double *ret);
/* Human text of an impairment ("delay 20ms loss 1% rate 10mbit") into buf. */
char *topo_impair_format(const struct topo_impair *im, char *buf, size_t size);

/* Whether a node needs namespaces beyond network and UTS. */
bool topo_node_isolated(const struct topo_node *n);

/* Parse "aa:bb:cc:dd:ee:ff" (unicast). Return: 0 or -EINVAL. */
int topo_mac_parse(const char *s, uint8_t mac[6]);

/* Return: the index of a host in topo.hosts, or -ENOENT. */
ssize_t topo_find_host(const struct topo *t, const char *name);
/*
 * The first VNI when "vxlan" gives none: a block of TOPO_VNI_BLOCK VNIs
 * chosen by a hash of the lab's name (FNV-1a), so that two labs on the same
 * machines most likely use different VNIs: 1 + (hash % 4095) * 4096.
 */
#define TOPO_VNI_BLOCK 4096u
uint32_t topo_default_vni_base(const char *lab);
/* The first VNI: "vxlan"'s vni_base, or the default of the lab's current name. */
uint32_t topo_vni_base(const struct topo *t);
/*
 * The VNI of link li when its ends are on two hosts: topo_vni_base() + li (its index
 * in topo.links, the file's order). Both machines read the same file and so
 * agree without talking; topo_validate checks that the last fits in 24 bits.
 */
uint32_t topo_link_vni(const struct topo *t, size_t li);
/* Whether link li joins nodes on two different hosts. */
bool topo_link_crosses(const struct topo *t, size_t li);
/*
 * The MTU a link's end may have across the underlay between two hosts without
 * fragmenting: the smaller of their MTUs less TOPO_VXLAN_OVERHEAD4 (IPv4) or
 * TOPO_VXLAN_OVERHEAD6 (IPv6).
 */
int topo_vxlan_mtu(const struct topo_host *a, const struct topo_host *b);

/* The name of a node's network namespace, "<lab>.<node>", into buf of TOPO_NETNS_MAX. */
void topo_netns_name(const char *lab, const char *node, char *buf);
