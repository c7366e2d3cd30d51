/* SPDX-License-Identifier: MIT */
#pragma once

#include "topo.h"

/*
 * A plan: the kernel objects a lab is made of, in the order lab.c creates
 * them, with every name and interface index fixed in advance. Pure data.
 *
 * Interface indexes are chosen by netlab (they are per network namespace):
 * lo is 1, a switch's bridge PLAN_IFINDEX_BRIDGE, the node's interfaces
 * PLAN_IFINDEX_BASE + 2 * their position + the side of their link (0 for the
 * first endpoint, 1 for the second). Knowing them up front lets addresses
 * and routes be sent without asking the kernel first. The two ends of a veth
 * never share an index: the kernel's link watch deems a veth's carrier change
 * urgent only when its index differs from its peer's
 * (net/core/link_watch.c linkwatch_urgent_event), and otherwise may leave a
 * bridge port disabled for seconds after both ends are up.
 */
#define PLAN_IFINDEX_LO 1
#define PLAN_IFINDEX_BRIDGE 100
#define PLAN_IFINDEX_BASE 101
#define PLAN_NETNS_MAX TOPO_NETNS_MAX

struct plan_sysctl {
	const char *key; /* net.ipv4.ip_forward or net/ipv4/ip_forward */
	const char *value;
};

struct plan_node {
	const struct topo_node *node;
	char netns[PLAN_NETNS_MAX]; /* "<lab>.<node>": /run/netns/<netns> */
	/* written right after the namespace is made, before any interface exists */
	struct plan_sysctl *early;
	size_t n_early;
	/* the user's, written once the interfaces exist */
	struct plan_sysctl *late;
	size_t n_late;
};

struct plan_end {
	size_t node; /* index in plan.nodes */
	const char *ifname;
	int ifindex;
	int mtu;            /* 0: default */
	const uint8_t *mac; /* NULL: random */
	int master;         /* bridge ifindex, 0: none */
};

struct plan_veth {
	/* end[0] is created with the request's own attributes, end[1] as the peer;
	 * the kernel only enslaves the first to a bridge at creation */
	struct plan_end end[2];
	bool up;
	size_t link; /* index in topo.links */
};

struct plan_bridge {
	size_t node;
	int ifindex;
	bool stp;
};

struct plan_addr {
	size_t node;
	int ifindex;
	struct prefix prefix;
};

struct plan_route {
	size_t node;
	struct prefix to;
	bool has_via;
	struct addr via;
	int oif; /* 0: let the kernel find it from via */
	uint32_t metric;
	/* more gateways of a multipath route (the topology's, which outlives the plan) */
	const struct addr *extra_via;
	size_t n_extra_via;
};

/*
 * A change to a device after creation, sent from inside its node: the kernel
 * brings up and enslaves only the request's own end of a new veth, not its peer.
 */
struct plan_set {
	size_t node;
	int ifindex;
	int up;     /* 1, or -1: unchanged */
	int master; /* bridge ifindex, or -1: unchanged */
	bool forward; /* a router's interface: IPv4 forwarding on */
	/*
	 * No link-local address from the kernel: its duplicate address detection
	 * would leave it tentative for a second or two after `up`; netlab adds
	 * one of its own without DAD instead.
	 */
	bool no_ll;
};

/* An impairment on the egress of one end of a link. */
struct plan_impair {
	size_t node;
	int ifindex;
	const struct topo_impair *impair;
};

struct plan {
	const struct topo *topo;
	struct plan_node *nodes;
	size_t n_nodes;
	struct plan_bridge *bridges;
	size_t n_bridges, cap_bridges;
	struct plan_veth *veths;
	size_t n_veths;
	/* sets, addrs, routes and impairs are grouped by node, in node order */
	struct plan_set *sets;
	size_t n_sets, cap_sets;
	struct plan_addr *addrs;
	size_t n_addrs, cap_addrs;
	struct plan_route *routes;
	size_t n_routes, cap_routes;
	struct plan_impair *impairs;
	size_t n_impairs, cap_impairs;
};

/* Build the plan of a validated topology. Return: the plan (never NULL). */
struct plan *plan_build(const struct topo *t);
/* Free; accepts NULL. Return: NULL. */
struct plan *plan_free(struct plan *p);
static inline void plan_freep(struct plan **p)
{
	plan_free(*p);
}

/* The link-local address netlab gives an interface: fe80:: and 64 bits of hash of node and name. */
struct prefix plan_link_local(const char *node, const char *ifname);
/* The /etc/hosts of a lab: localhost, then every address of every node with its name. */
char *plan_hosts_file(const struct topo *t);
/*
 * The kernel's neighbour tables are one per family for all namespaces, each
 * capped by the host's gc_thresh3 (netlab leaves it alone). Each end of a
 * point-to-point link resolves the other, and on a switched LAN of m members
 * every one may resolve every other: 2 entries per link, m(m-1) per LAN, for
 * each family the lab has addresses of (IPv6 always: every interface has a
 * link-local address). Debian's default of 1024 binds from 512 links on, and
 * traffic then fails with "neighbour table overflow".
 * family: AF_INET or AF_INET6. Return: the entries the lab may need.
 */
size_t plan_neighbour_entries(const struct plan *p, int family);
/* family: "ipv4" or "ipv6". Return: advice to print (to free) when the lab outgrows gc_thresh3, or NULL. */
char *plan_neighbour_advice(const struct plan *p, const char *family, unsigned long gc_thresh3);
/* The interface index of a node's interface (by name): lo, br0, or its own. Return: index or -ENOENT. */
int plan_ifindex(const struct topo_node *n, const char *ifname);
/* The index of the interface at pos of n->ifaces, and back. Return of the latter: pos or -ENOENT. */
int plan_iface_index(const struct topo_node *n, size_t pos);
ssize_t plan_iface_pos(const struct topo_node *n, int ifindex);
