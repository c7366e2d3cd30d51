/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "addr.h"
#include "err.h"

/*
 * Route netlink through libmnl. Requests are queued into a batch and sent
 * together; every request asks for an ACK and netlink_flush() waits for all
 * of them, so many objects cost one round trip. The first failing request is
 * reported with its description and the kernel's extended-ack text.
 * A socket belongs to the network namespace it was opened in.
 */
struct netlink;

/* Open a route netlink socket in the calling thread's network namespace. Return: 0 or -errno. */
int netlink_open(struct netlink **ret, struct lab_err **err);
/*
 * A bare route netlink socket in the calling thread's network namespace, to
 * adopt later from anywhere (a socket stays in the namespace it was made in).
 * Return: the fd or -errno.
 */
int netlink_socket(struct lab_err **err);
/* Make fd (from netlink_socket) a struct netlink; fd is taken, also on failure. */
int netlink_adopt(int fd, struct netlink **ret, struct lab_err **err);
/* Close; accepts NULL. Pending requests are dropped. Return: NULL. */
struct netlink *netlink_close(struct netlink *nl);
static inline void netlink_closep(struct netlink **nl)
{
	netlink_close(*nl);
}

/* One device of a creation request: its name, index and namespace. */
struct netlink_dev {
	const char *ifname;
	int ifindex;        /* 0: the kernel picks */
	int netns_fd;       /* -1: the socket's namespace */
	int mtu;            /* 0: default */
	const uint8_t *mac; /* NULL: random */
	int master;         /* bridge ifindex in the device's namespace, 0: none */
	bool up;
};

/* Queue the creation of a veth pair, each end directly in its namespace. */
int netlink_add_veth(struct netlink *nl, const struct netlink_dev *a, const struct netlink_dev *b,
		     const char *desc, struct lab_err **err);
/*
 * Queue the creation of a bridge: spanning tree (forward delay 2 s) or none
 * (forward delay 0); a hub learns no address (ageing time 0, every frame
 * floods) and forwards link-local groups (group_fwd_mask 0xfff8).
 */
int netlink_add_bridge(struct netlink *nl, const struct netlink_dev *br, bool stp, bool hub,
		       const char *desc, struct lab_err **err);
/* One end of a VXLAN tunnel: frames go to one remote host, nothing is learnt. */
struct netlink_vxlan {
	uint32_t vni;       /* 24 bits */
	struct addr local;  /* the outer packets' source: this host's underlay address */
	struct addr remote; /* their destination: the other host's (same family) */
	uint16_t port;      /* UDP destination port, host order (4789) */
};
/**
 * netlink_add_vxlan() - queue the creation of a VXLAN device
 * @nl: a socket in the namespace that carries the tunnel (the host's, on the
 *      underlay): the device's UDP socket is made there and stays there
 * @dev: the device: name, index, namespace (netns_fd: made directly in the
 *       node's, under its own name, as IFLA_NET_NS_FD does for a veth), mtu
 *       (the inner one), mac; not brought up (up and master are ignored:
 *       the node's plan_set does both from inside the node)
 * @vx: VNI, local and remote addresses, port; no learning, the remote as the
 *      default destination (IFLA_VXLAN_GROUP with a unicast address, as `ip
 *      link add ... type vxlan remote R` sends)
 * @desc: what it is, for errors
 * @err: the error, on failure
 *
 * A kernel without VXLAN fails netlink_flush() with an ERR_KERNEL error that
 * names it (CONFIG_VXLAN). Return: 0 or -errno.
 */
int netlink_add_vxlan(struct netlink *nl, const struct netlink_dev *dev,
		      const struct netlink_vxlan *vx, const char *desc, struct lab_err **err);
/**
 * netlink_vxlan_remote() - queue adding or removing a VXLAN device's remote
 * @nl: a socket in the device's namespace (the node's)
 * @ifindex: the device
 * @remote: the other host's address
 * @on: true adds it back (`bridge fdb append 00:00:00:00:00:00 dev X dst R`),
 *      false removes it (`bridge fdb del ...`): with none, every frame is
 *      dropped, the device keeping its carrier and addresses (a cut beyond
 *      the node's port, which a pulled cable between hosts is)
 * @desc: what it is, for errors
 * @err: the error, on failure
 *
 * Return: 0 or -errno.
 */
int netlink_vxlan_remote(struct netlink *nl, int ifindex, const struct addr *remote, bool on,
			 const char *desc, struct lab_err **err);
/*
 * Queue the removal of a device by index (a VXLAN end at down, before its
 * node's namespace goes: a namespace some process still holds would keep the
 * tunnel, and its VNI taken, on the host). A device already gone fails the
 * flush with ENODEV, which a caller that only wants it gone ignores.
 */
int netlink_del_link(struct netlink *nl, int ifindex, const char *desc, struct lab_err **err);
/* Queue a change of a device: up (1), down (0) or unchanged (-1); master ifindex or -1. */
int netlink_set_link(struct netlink *nl, int ifindex, int up, int master, const char *desc,
		     struct lab_err **err);
/* The same, and with no_ll the kernel makes no IPv6 link-local address (addr_gen_mode none). */
int netlink_set_link_ex(struct netlink *nl, int ifindex, int up, int master, bool no_ll,
			const char *desc, struct lab_err **err);
/* Queue a change of a device found by name: up (1) or down (0). */
int netlink_set_link_name(struct netlink *nl, const char *ifname, int up, const char *desc,
			  struct lab_err **err);

/* A root qdisc: tbf for a rate alone, netem for delay, jitter or loss (with its own rate). */
struct netlink_impair {
	uint64_t delay_ns, jitter_ns;
	double loss;       /* percent */
	uint64_t rate_bps; /* bits per second */
};
/* The qdisc an impairment needs: netem for delay, jitter or loss, tbf for a rate alone. */
enum netlink_qdisc {
	NETLINK_QDISC_NONE = 0,
	NETLINK_QDISC_NETEM,
	NETLINK_QDISC_TBF,
};
enum netlink_qdisc netlink_impair_qdisc(const struct netlink_impair *im);
/* "netem", "tbf" (or "none"). */
const char *netlink_qdisc_name(enum netlink_qdisc q);
/* Queue the replacement of a device's root qdisc. */
int netlink_set_impair(struct netlink *nl, int ifindex, const struct netlink_impair *im,
		       const char *desc, struct lab_err **err);
/* Queue the removal of a device's root qdisc (back to the default). */
int netlink_clear_impair(struct netlink *nl, int ifindex, const char *desc, struct lab_err **err);
/**
 * netlink_root_qdisc() - the qdisc at the root of a device
 * @nl: the device's namespace
 * @ifindex: the device
 * @kind: its kind ("htb", "netem"), at least 16 bytes
 * @ret_handle: its handle (0x10000 for 1:)
 * @err: the error, on failure
 *
 * Return: 1 when one is set, 0 when the device has the default, or -errno.
 */
int netlink_root_qdisc(struct netlink *nl, int ifindex, char *kind, uint32_t *ret_handle,
		       struct lab_err **err);
/*
 * Queue what makes a device pass every frame it receives on, out of another
 * (to_ifindex, in the same namespace), as if the two were joined by a wire:
 * an ingress qdisc and on it a u32 filter that matches every frame, with a
 * mirred action redirecting it to the egress of to_ifindex (`tc qdisc add dev
 * X ingress; tc filter add dev X parent ffff: protocol all u32 match u32 0 0
 * action mirred egress redirect dev Y`). Two requests, both with desc.
 */
int netlink_add_redirect(struct netlink *nl, int ifindex, int to_ifindex, const char *desc,
			 struct lab_err **err);
/*
 * Queue a request for a device's attributes, reply ignored: the kernel acts on
 * the device's pending carrier change first (rtnl_getlink: linkwatch_sync_dev),
 * also for a device that is down, which ETHTOOL_GLINK skips.
 */
int netlink_get_link(struct netlink *nl, int ifindex, const char *desc, struct lab_err **err);
/* Free the buffers of an idle socket (they are made again when needed). */
void netlink_trim(struct netlink *nl);
/*
 * Have the kernel act now on a device's pending carrier change. Its link
 * watch (net/core/link_watch.c) runs a change it does not deem urgent at
 * most once a second: a veth end whose peer has the same ifindex, as netlab's
 * ends often have, can stay "down" for up to a second after both ends are up,
 * and a bridge keeps such a port disabled, dropping what arrives on it, until
 * then. ETHTOOL_GLINK makes the kernel process the device's pending change
 * first (linkwatch_sync_dev). nl: a socket in the device's network namespace.
 * Return: 1 carrier, 0 none, or -errno.
 */
int netlink_sync_link(struct netlink *nl, const char *ifname);
/*
 * Turn a device's transmit checksum offload on or off (ETHTOOL_STXCSUM, as
 * `ethtool -K IF tx off`). Off on a veth, the kernel computes every checksum
 * before a packet leaves, so captures show none unfilled ("incorrect" in
 * tcpdump -vv) and a packet that leaves the machine would be right.
 * nl: a socket in the device's network namespace. Return: 0 or -errno.
 */
int netlink_set_tx_csum(struct netlink *nl, const char *ifname, bool on);
/* The index of a device by name. Return: ifindex or -errno (ENODEV). */
int netlink_ifindex(struct netlink *nl, const char *ifname, struct lab_err **err);

/* Queue an address; IPv6 ones go through duplicate address detection (tentative at first). */
int netlink_add_addr(struct netlink *nl, int ifindex, const struct prefix *p, const char *desc,
		     struct lab_err **err);

struct netlink_route {
	struct prefix to;
	bool has_via;
	struct addr via;
	int oif;
	uint32_t metric;
	/* more gateways: one multipath route (RTA_MULTIPATH) through via and these */
	const struct addr *extra_via;
	size_t n_extra_via;
};
/*
 * Queue a route in the main table (create, or replace when replace is set);
 * with extra_via, one route whose nexthops are via and every extra_via.
 */
int netlink_add_route(struct netlink *nl, const struct netlink_route *r, bool replace,
		      const char *desc, struct lab_err **err);
/* The queued, unsent requests (for tests: they parse the batch). Return: the buffer. */
const void *netlink_queued(const struct netlink *nl, size_t *ret_len);
/* Send everything queued and wait for every ACK. Return: 0 or the first failure's -errno. */
int netlink_flush(struct netlink *nl, struct lab_err **err);

/* What status shows of a device. */
struct netlink_link_info {
	int ifindex;
	char name[16];
	char kind[16];
	unsigned flags;    /* IFF_* */
	uint8_t operstate; /* IF_OPER_* */
	int mtu;
	int master;
	uint8_t mac[6];
	bool has_mac;
};

struct netlink_addr_info {
	int ifindex;
	struct prefix prefix;
	bool tentative; /* IFA_F_TENTATIVE: detection of duplicates still running, or failed */
	bool dadfailed; /* IFA_F_DADFAILED: a duplicate */
};

#define NETLINK_MAX_VIAS 8

struct netlink_route_info {
	struct prefix to;
	bool has_via;
	struct addr via;
	struct addr vias[NETLINK_MAX_VIAS]; /* every gateway, multipath included */
	int n_vias;
	int oif;
	uint32_t metric;
	uint8_t protocol; /* RTPROT_* */
};

/* Dump the namespace's devices / addresses / main-table unicast routes (family 0: both). */
int netlink_list_links(struct netlink *nl, struct netlink_link_info **ret, size_t *ret_n,
		       struct lab_err **err);
int netlink_list_addrs(struct netlink *nl, struct netlink_addr_info **ret, size_t *ret_n,
		       struct lab_err **err);
/* The same, one family's (AF_INET, AF_INET6 or AF_UNSPEC for both). */
int netlink_list_addrs_family(struct netlink *nl, int family, struct netlink_addr_info **ret,
			      size_t *ret_n, struct lab_err **err);
int netlink_list_routes(struct netlink *nl, int family, struct netlink_route_info **ret,
			size_t *ret_n, struct lab_err **err);
/* The name of a route protocol (kernel, static, boot, zebra, ospf, bgp...) into buf[16]. */
const char *netlink_proto_name(uint8_t proto, char *buf);
