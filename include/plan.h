/* SPDX-License-Identifier: MIT */
#pragma once

#include "topo.h"

/*
 * A plan: the kernel objects a lab is made of, in the order the engine creates
 * them, with every name and interface index fixed in advance. Pure data.
 *
 * Interface indexes are chosen by netlab (they are per network namespace):
 * lo is 1, a switch's bridge PLAN_IFINDEX_BRIDGE, a link's two ends
 * PLAN_IFINDEX_BASE + 2 * the link's index in topo.links + the side (0 for
 * the first endpoint, 1 for the second): unique within the lab, so that
 * `ip link` shows every peer unambiguously (eth0@if105). A link end's veth
 * peer, its wire end in the lab's wire namespace (see plan_link), has the
 * index of the link's other end: eth0@if105 names the device at the far end
 * of the cable. Knowing them up front lets addresses and routes be sent
 * without asking the kernel first. The two ends of a veth never share an
 * index: the kernel's link watch deems a veth's carrier change urgent only
 * when its index differs from its peer's (net/core/link_watch.c
 * linkwatch_urgent_event), and otherwise may leave a bridge port disabled for
 * seconds after both ends are up.
 */
#define PLAN_IFINDEX_LO 1
#define PLAN_IFINDEX_BRIDGE 100
#define PLAN_IFINDEX_BASE 101
#define PLAN_NETNS_MAX TOPO_NETNS_MAX
/* A wire end's MTU, the most a veth takes: the node ends' own MTUs alone decide what passes. */
#define PLAN_WIRE_MTU 65535

struct plan_sysctl {
	const char *key; /* net.ipv4.ip_forward or net/ipv4/ip_forward */
	const char *value;
};

/* A file a node sees at path: the host's source, copied in, or bound read-only or read-write. */
struct plan_file {
	const char *path;
	const char *source; /* absolute once checked */
	bool ro, rw;
};

/*
 * What a node is given and runs (plan_run.c): the engine reads these, not the
 * topology. Strings are the topology's, which outlives the plan; env is the plan's.
 */
struct plan_run {
	const char *name;
	const char *hostname;
	const char *kind;  /* "host", "router", "switch" */
	const char *shell; /* NULL: the caller's $SHELL */
	struct topo_isolation iso;
	struct topo_limits limits;
	struct plan_file *files;
	size_t n_files;
	char **env; /* "KEY=value" */
	size_t n_env;
	char *const *startup;
	size_t n_startup;
	bool startup_continue; /* a failing command is logged and the next runs */
	char *const *shutdown;
	size_t n_shutdown;
	unsigned wave; /* startups run by wave, side by side within one: after those of its "after" */
};

struct plan_node {
	const struct topo_node *node; /* the plan's own input: only plan/ reads it */
	struct plan_run run;
	/* on the host whose share the plan is (always, for a lab without "hosts"): built here */
	bool local;
	char netns[PLAN_NETNS_MAX]; /* "<lab>.<node>": /run/netns/<netns> */
	/*
	 * Written right after the namespace is made, before any interface
	 * exists: netlab's (a router's forwarding), then the user's that name no
	 * interface, so that conf.default ones apply to every interface as on a
	 * host whose sysctls are set at boot.
	 */
	struct plan_sysctl *early;
	size_t n_early;
	/* the user's that name an interface (net.ipv6.conf.eth0.*), once it exists and before it is up */
	struct plan_sysctl *late;
	size_t n_late;
	ssize_t bridge; /* index in plan.bridges, -1: none */
};

struct plan_end {
	size_t node; /* index in plan.nodes */
	const char *ifname;
	int ifindex;
	int mtu;            /* 0: default */
	uint8_t mac[6];     /* the declared one, or plan_mac()'s */
	int master;         /* bridge ifindex, 0: none */
};

/*
 * A link, as a cable that can be pulled and put back. Each of its ends is a
 * veth whose peer, its wire end, is in the lab's wire namespace (ns.h
 * NS_WIRE_NAME), where tc passes every frame that arrives on one wire end out
 * of the other (netlink_add_redirect): to the nodes the two ends are joined as
 * by a cable. A veth's carrier is its peer's admin state: with both wire ends
 * down (`netlab link X down`, or "state": "down") both node ends stay up but
 * lose their carrier, as when a cable is pulled, keeping their addresses and
 * routes (marked linkdown), and back up nothing needs adding again. A wire
 * end is its veth request's own device, made up at once when the cable is in
 * (the kernel cannot bring a peer up at creation: ENOTCONN); each node end, the
 * peer, comes up (and a switch's joins its bridge) by a plan_set from inside
 * its node. What a node does to its own end (ip link set eth0 down) reaches
 * its wire end as a carrier change only: the other end keeps its carrier.
 * With "cables": false (plan.wired false) a link is one veth pair, end[0]
 * the request's own device and end[1] its peer, and has no wire ends.
 */
struct plan_wire {
	int ifindex; /* the other end's: wire[0] has end[1]'s, wire[1] end[0]'s; 0: not wired */
	char ifname[16]; /* "l<link>a" (endpoints[0]'s), "l<link>b" */
};

/* What a host builds of a link (plan_build_host). */
enum plan_link_share {
	PLAN_LINK_LOCAL = 0, /* both ends here: a veth pair, through the wire namespace if wired */
	PLAN_LINK_VXLAN,     /* one end here: a VXLAN device for it, plan.vxlans[plan_link.vxlan] */
	PLAN_LINK_REMOTE,    /* neither end here: another host's, nothing to build */
};

struct plan_link {
	struct plan_end end[2];   /* endpoints[0] and [1], as written */
	struct plan_wire wire[2]; /* each end's peer in the wire namespace (LOCAL links only) */
	bool up;                  /* the cable is in: both wire ends up */
	size_t link;              /* index in topo.links */
	struct topo_impair impair[2]; /* each end's, as the topology sets it */
	enum plan_link_share share;
	ssize_t vxlan;            /* index in plan.vxlans for a VXLAN link, else -1 */
};

/*
 * The end, on this host, of a link whose other end is on another host: a
 * VXLAN device made in the host's own network namespace (where its UDP socket
 * stays, on the underlay) and put at once into the node's namespace with the
 * end's name, index, MAC and MTU (IFLA_NET_NS_FD on the creating request: no
 * temporary name anywhere). Its frames go to one remote, the other host's
 * address, without learning. Brought up, and a switch's put in its bridge,
 * by the end's plan_set from inside the node, as a veth end is.
 *
 * The VNI is topo_link_vni(): the topology's vxlan.vni_base (by default a
 * block chosen by a hash of the lab's name) plus the link's index, so both
 * hosts compute the same one from the same file without talking.
 * The MTU is the end's declared one, else topo_vxlan_mtu() of the two hosts:
 * the underlay's less 50 (IPv4) or 70 (IPv6), so nothing fragments.
 */
struct plan_vxlan {
	size_t link;          /* index in topo.links and plan.links */
	int side;             /* which end of the link is here */
	struct plan_end end;  /* that end: node, ifname, ifindex, (inner) mtu, mac, master */
	size_t remote_node;   /* the other end's node (index in plan.nodes) */
	size_t local_host;    /* indexes in topo.hosts */
	size_t remote_host;
	struct addr local;    /* this host's address: the tunnel's source */
	struct addr remote;   /* the other host's: its destination */
	uint16_t port;        /* UDP, both ends */
	uint32_t vni;
	bool up;              /* the cable is in ("state" not "down") */
};

/*
 * A switch's bridge, made down and brought up after its ports (a bridge up
 * without any port would come up alone, with no carrier, first).
 */
struct plan_bridge {
	size_t node;
	int ifindex;
	bool stp;
	bool hub; /* ageing time 0: every frame floods to every port, as on a hub */
	/* no IPv6 link-local address (addr_gen_mode none): br0 is no IPv6 host unless given addresses */
	bool no_ll;
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
 * brings up and enslaves only the request's own end of a new veth, not its
 * peer, which every node end is.
 */
struct plan_set {
	size_t node;
	int ifindex;
	int up;     /* 1, or -1: unchanged */
	int master; /* bridge ifindex, or -1: unchanged */
	bool carrier; /* a link end whose cable is in (a pulled one's addresses stay tentative) */
	/* a switch's port: no IPv6 link-local address (addr_gen_mode none), a switch is no IPv6 host */
	bool no_ll;
};

/* An impairment on the egress of one end of a link. */
struct plan_impair {
	size_t node;
	int ifindex;
	const struct topo_impair *impair;
};

struct plan {
	const struct topo *topo; /* the plan's own input: only plan/ reads it */
	const char *lab;         /* the lab's name */
	const char *file;        /* the topology file, as given */
	const struct topo_kv *meta; /* the lab's description (Kathara's LAB_*) */
	size_t n_meta;
	bool strict;             /* a failing startup fails `up` */
	/* the nodes by startup wave (plan_run.wave), in node order within one */
	size_t *startup_order;
	bool any_startup;        /* some node has startup commands */
	char *hosts;             /* the lab's /etc/hosts (plan_hosts_file) */
	/*
	 * The host whose share this is (index in topo.hosts), -1: the whole lab
	 * on this machine. Nodes not local have no sets, addresses, routes,
	 * impairments or bridge in the plan; their links are REMOTE or VXLAN.
	 */
	ssize_t host;
	struct plan_node *nodes;
	size_t n_nodes;
	struct plan_bridge *bridges;
	size_t n_bridges, cap_bridges;
	struct plan_link *links;
	size_t n_links;
	bool wired; /* the local links go through a wire namespace (there are some, and not "cables": false) */
	struct plan_vxlan *vxlans; /* the ends here of links to other hosts, in link order */
	size_t n_vxlans, cap_vxlans;
	/* sets, addrs, routes and impairs are grouped by node, in node order */
	struct plan_set *sets;
	size_t n_sets, cap_sets;
	struct plan_addr *addrs;
	size_t n_addrs, cap_addrs;
	struct plan_route *routes;
	size_t n_routes, cap_routes;
	struct plan_impair *impairs;
	size_t n_impairs, cap_impairs;
	/*
	 * The lab has IPv6 addresses: `up` waits until no address of an
	 * interface that is up is tentative (duplicate address detection done),
	 * link-local ones included. An IPv4-only lab does not wait.
	 */
	bool wait_dad;
};

/* The name of node's interface by its planned index ("lo", "br0", or the topology's; "?"). */
const char *plan_ifname(const struct plan *p, size_t node, int ifindex);

/*
 * The run half of a plan (plan_run.c): each node's plan_run, and the order
 * startups run in: by waves, a node in the wave after the last of its
 * "after" nodes' (validate refused cycles; one it missed puts the rest in one wave).
 */
void plan_run_build(struct plan *p);
void plan_run_free(struct plan *p);

/* Build the plan of a validated topology, all of it on this machine. Return: the plan (never NULL). */
struct plan *plan_build(const struct topo *t);
/*
 * Build one host's share of a validated topology: its nodes, the links among
 * them, a plan_vxlan for each link to another host's node (a switch's port
 * included). host: an index in topo.hosts (topo_find_host), or -1 for all.
 * Pure: the same topology and host give the same plan on every machine.
 * Return: the plan (never NULL).
 */
struct plan *plan_build_host(const struct topo *t, ssize_t host);
/* Free; accepts NULL. Return: NULL. */
struct plan *plan_free(struct plan *p);
static inline void plan_freep(struct plan **p)
{
	plan_free(*p);
}

/*
 * The MAC address of an interface with none declared: 48 bits of a hash of
 * the lab's, the node's and the interface's names, locally administered and
 * unicast. The same file gives the same MACs on every `up`; a copy under
 * another lab name gives others.
 */
void plan_mac(const char *lab, const char *node, const char *ifname, uint8_t ret[6]);
/*
 * Whether a node's sysctls turn IPv6 off on an interface: its own
 * net.ipv6.conf.IF.disable_ipv6 if set, otherwise conf.all's, or for an
 * interface netlab creates conf.default's. Return: true when off.
 */
bool plan_ipv6_off(const struct topo_node *n, const char *ifname);
/* Whether a sysctl names an interface (net.ipv4.conf.eth0.x, net.ipv6.neigh.eth0.x). */
bool plan_sysctl_per_iface(const char *key);
/* The /etc/hosts of a lab: localhost, then every address of every node with its name. */
char *plan_hosts_file(const struct topo *t);
/*
 * The kernel's neighbour tables are one per family for all namespaces, each
 * capped by the host's gc_thresh3 (netlab leaves it alone). Each end of a
 * point-to-point link resolves the other, and on a switched LAN of m members
 * every one may resolve every other: 2 entries per link, m(m-1) per LAN, for
 * each family the lab has addresses of (IPv6 whenever a host or router is
 * linked: the kernel gives its interfaces link-local addresses). Debian's default of 1024 binds from 512 links on, and
 * traffic then fails with "neighbour table overflow".
 * family: AF_INET or AF_INET6. Return: the entries the lab may need.
 */
size_t plan_neighbour_entries(const struct plan *p, int family);
/* family: "ipv4" or "ipv6". Return: advice to print (to free) when the lab outgrows gc_thresh3, or NULL. */
char *plan_neighbour_advice(const struct plan *p, const char *family, unsigned long gc_thresh3);
/* The interface index of a node's interface (by name): lo, br0, or its own. Return: index or -ENOENT. */
int plan_ifindex(const struct topo_node *n, const char *ifname);
/*
 * The index of the interface at pos of n->ifaces (-ENOENT for one in no link:
 * never made), and back. Return of the latter: pos or -ENOENT.
 */
int plan_iface_index(const struct topo_node *n, size_t pos);
ssize_t plan_iface_pos(const struct topo_node *n, int ifindex);
