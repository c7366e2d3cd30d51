/* SPDX-License-Identifier: MIT */
#include "netlink.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ethtool.h>
#include <linux/ip.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/veth.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "util.h"

/* Requests are sent when the batch reaches this size; ACKs are small (NETLINK_CAP_ACK). */
#define BATCH_SIZE (64 * 1024)
#define DESC_SIZE 112
#define RECV_SIZE 32768 /* RECV_SIZE, which libmnl 1.0.4 lacks */

struct pending {
	uint32_t seq;
	char desc[DESC_SIZE];
	enum netlink_qdisc qdisc; /* the qdisc it adds, if it adds one */
};

struct netlink {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char *buf;  /* batch being filled */
	size_t len; /* bytes used in buf */
	struct pending *pending;
	size_t n_pending, cap_pending;
	char *rbuf;
	size_t n_gets; /* queued requests with a reply of their own (RTM_GETLINK) */
	size_t max_pending; /* requests a batch may hold: their acks must fit the receive buffer */
};

/* What the kernel charges the receive buffer for one ack (an skb of its own), about. */
#define ACK_TRUESIZE 1024

/* The batch and receive buffers, made when first needed and dropped by netlink_trim(). */
static char *batch_buf(struct netlink *nl)
{
	if (!nl->buf)
		nl->buf = xmalloc(BATCH_SIZE + MNL_SOCKET_BUFFER_SIZE);
	return nl->buf;
}

static char *recv_buf(struct netlink *nl)
{
	if (!nl->rbuf)
		nl->rbuf = xmalloc(RECV_SIZE);
	return nl->rbuf;
}

int netlink_socket(struct lab_err **err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return err_make(err, errno, "opening a route netlink socket");
	return fd;
}

int netlink_open(struct netlink **ret, struct lab_err **err)
{
	int fd = netlink_socket(err);

	if (fd < 0)
		return fd;
	return netlink_adopt(fd, ret, err);
}

int netlink_adopt(int fd, struct netlink **ret, struct lab_err **err)
{
	struct netlink *nl = xcalloc(1, sizeof(*nl));
	int one = 1, rcvbuf = 4 << 20;

	nl->sock = mnl_socket_fdopen(fd);
	if (!nl->sock) {
		int r = -errno;

		close(fd);
		free(nl);
		return err_make(err, r, "opening a route netlink socket");
	}
	/* Best effort: older kernels lack some of these, and all only improve messages. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	/*
	 * Room for a whole batch of acks. FORCE needs CAP_NET_ADMIN over the
	 * host (not a user's own namespace): else as much as net.core.rmem_max
	 * allows, or a large batch overflows and fails with ENOBUFS.
	 */
	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	{
		int got = 0;
		socklen_t len = sizeof(got);

		nl->max_pending = SIZE_MAX;
		if (getsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &got, &len) == 0 &&
		    got > 0)
			nl->max_pending = (size_t)got / ACK_TRUESIZE < 64 ? 64 : (size_t)got / ACK_TRUESIZE;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		mnl_socket_close(nl->sock);
		free(nl);
		return err_make(err, r, "binding a route netlink socket");
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 0; /* the first request gets 1 */
	*ret = nl;
	return 0;
}

struct netlink *netlink_close(struct netlink *nl)
{
	if (!nl)
		return NULL;
	mnl_socket_close(nl->sock);
	free(nl->buf);
	free(nl->rbuf);
	free(nl->pending);
	free(nl);
	return NULL;
}

/* Start a request in the batch (flushing first when it is full). */
static struct nlmsghdr *req_start(struct netlink *nl, uint16_t type, uint16_t flags,
				  const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh;
	int r;

	if (nl->len >= BATCH_SIZE || nl->n_pending >= nl->max_pending) {
		r = netlink_flush(nl, err);
		if (r < 0)
			return NULL;
	}
	nlh = mnl_nlmsg_put_header(batch_buf(nl) + nl->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	GROW(nl->pending, nl->cap_pending, nl->n_pending + 1);
	nl->pending[nl->n_pending].seq = nlh->nlmsg_seq;
	nl->pending[nl->n_pending].qdisc = NETLINK_QDISC_NONE;
	strscpy(nl->pending[nl->n_pending].desc, desc, DESC_SIZE);
	nl->n_pending++;
	log_debug("netlink: %s (seq %u)", desc, nlh->nlmsg_seq);
	return nlh;
}

static void req_end(struct netlink *nl, struct nlmsghdr *nlh)
{
	nl->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_dev_attrs(struct nlmsghdr *nlh, const struct netlink_dev *d)
{
	mnl_attr_put_strz(nlh, IFLA_IFNAME, d->ifname);
	if (d->netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, d->netns_fd);
	if (d->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, d->mtu);
	if (d->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, d->mac);
}

static void put_ifinfo(struct nlmsghdr *nlh, const struct netlink_dev *d)
{
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = d->ifindex;
	if (d->up) {
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
}

int netlink_add_veth(struct netlink *nl, const struct netlink_dev *a, const struct netlink_dev *b,
		     const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = req_start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, desc, err);
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifm;

	if (!nlh)
		return -(*err)->code;
	put_ifinfo(nlh, a);
	put_dev_attrs(nlh, a);
	if (a->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, a->master);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* the peer's attributes follow its own ifinfomsg inside the nest */
	pifm = (struct ifinfomsg *)((char *)nlh + nlh->nlmsg_len);
	memset(pifm, 0, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	pifm->ifi_index = b->ifindex;
	if (b->up) {
		pifm->ifi_flags = IFF_UP;
		pifm->ifi_change = IFF_UP;
	}
	nlh->nlmsg_len += NLMSG_ALIGN(sizeof(*pifm));
	put_dev_attrs(nlh, b);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	req_end(nl, nlh);
	return 0;
}

int netlink_add_bridge(struct netlink *nl, const struct netlink_dev *br, bool stp, bool hub,
		       const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = req_start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, desc, err);
	struct nlattr *linkinfo, *data;

	if (!nlh)
		return -(*err)->code;
	put_ifinfo(nlh, br);
	put_dev_attrs(nlh, br);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, stp ? 1 : 0);
	/* with STP, ports listen and learn for 2 x forward_delay: keep it at the minimum (2 s) */
	if (stp)
		mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 200);
	else
		mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
	if (hub) {
		/*
		 * Kathara's LAN: no address is ever learnt, so every frame floods to
		 * every port, and link-local groups (LLDP, 802.1X...) pass too, all
		 * but the pause and bonding ones the kernel never lets through.
		 */
		mnl_attr_put_u32(nlh, IFLA_BR_AGEING_TIME, 0);
		mnl_attr_put_u16(nlh, IFLA_BR_GROUP_FWD_MASK, 0xfff8);
	}
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	req_end(nl, nlh);
	return 0;
}

int netlink_set_link(struct netlink *nl, int ifindex, int up, int master, const char *desc,
		     struct lab_err **err)
{
	return netlink_set_link_ex(nl, ifindex, up, master, false, desc, err);
}

int netlink_set_link_ex(struct netlink *nl, int ifindex, int up, int master, bool no_ll,
			const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = req_start(nl, RTM_NEWLINK, 0, desc, err);
	struct ifinfomsg *ifm;

	if (!nlh)
		return -(*err)->code;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (up >= 0) {
		ifm->ifi_flags = up ? IFF_UP : 0;
		ifm->ifi_change = IFF_UP;
	}
	if (master >= 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	if (no_ll) {
		struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
		struct nlattr *inet6 = mnl_attr_nest_start(nlh, AF_INET6);

		mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
		mnl_attr_nest_end(nlh, inet6);
		mnl_attr_nest_end(nlh, spec);
	}
	req_end(nl, nlh);
	return 0;
}

int netlink_set_link_name(struct netlink *nl, const char *ifname, int up, const char *desc,
			  struct lab_err **err)
{
	struct nlmsghdr *nlh = req_start(nl, RTM_NEWLINK, 0, desc, err);
	struct ifinfomsg *ifm;

	if (!nlh)
		return -(*err)->code;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_flags = up ? IFF_UP : 0;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	req_end(nl, nlh);
	return 0;
}

static struct nlmsghdr *qdisc_start(struct netlink *nl, uint16_t type, uint16_t flags, int ifindex,
				    const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = req_start(nl, type, flags, desc, err);
	struct tcmsg *tcm;

	if (!nlh)
		return NULL;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_ROOT;
	tcm->tcm_handle = type == RTM_NEWQDISC ? 0x10000 : 0; /* 1: */
	return nlh;
}

enum netlink_qdisc netlink_impair_qdisc(const struct netlink_impair *im)
{
	if (im->delay_ns || im->jitter_ns || im->loss > 0)
		return NETLINK_QDISC_NETEM;
	return im->rate_bps ? NETLINK_QDISC_TBF : NETLINK_QDISC_NONE;
}

const char *netlink_qdisc_name(enum netlink_qdisc q)
{
	static const char *const names[] = {"none", "netem", "tbf"};

	return (size_t)q < ARRAY_SIZE(names) ? names[q] : "?";
}

int netlink_set_impair(struct netlink *nl, int ifindex, const struct netlink_impair *im,
		       const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = qdisc_start(nl, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, ifindex,
					   desc, err);
	uint64_t rate = im->rate_bps / 8; /* the kernel counts bytes */
	struct nlattr *opts;

	if (!nlh)
		return -(*err)->code;
	nl->pending[nl->n_pending - 1].qdisc = netlink_impair_qdisc(im);
	if (nl->pending[nl->n_pending - 1].qdisc != NETLINK_QDISC_NETEM) {
		struct tc_tbf_qopt q = {0};
		/* a burst of 10 ms of traffic (at least 3 full frames), a queue of 50 ms */
		uint32_t burst = rate / 100 > 4500 ? rate / 100 : 4500;
		uint64_t limit = rate / 20 + burst;

		q.rate.rate = rate > UINT32_MAX ? UINT32_MAX : rate;
		q.rate.linklayer = TC_LINKLAYER_ETHERNET;
		q.limit = limit > UINT32_MAX ? UINT32_MAX : limit;
		mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
		opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
		mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
		if (rate > UINT32_MAX)
			mnl_attr_put_u64(nlh, TCA_TBF_RATE64, rate);
		mnl_attr_put_u32(nlh, TCA_TBF_BURST, burst);
		mnl_attr_nest_end(nlh, opts);
	} else {
		struct tc_netem_qopt q = {0};
		void *payload;

		q.limit = 10000;
		q.loss = (uint32_t)(im->loss / 100.0 * UINT32_MAX);
		mnl_attr_put_strz(nlh, TCA_KIND, "netem");
		/* netem's options are its struct followed by attributes, not a nest */
		opts = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
		opts->nla_type = TCA_OPTIONS;
		nlh->nlmsg_len += MNL_ALIGN(sizeof(struct nlattr));
		payload = (char *)nlh + nlh->nlmsg_len;
		memcpy(payload, &q, sizeof(q));
		nlh->nlmsg_len += MNL_ALIGN(sizeof(q));
		if (im->delay_ns)
			mnl_attr_put_u64(nlh, TCA_NETEM_LATENCY64, im->delay_ns);
		if (im->jitter_ns)
			mnl_attr_put_u64(nlh, TCA_NETEM_JITTER64, im->jitter_ns);
		if (rate) {
			struct tc_netem_rate nr = {.rate = rate > UINT32_MAX ? UINT32_MAX : rate};

			mnl_attr_put(nlh, TCA_NETEM_RATE, sizeof(nr), &nr);
			if (rate > UINT32_MAX)
				mnl_attr_put_u64(nlh, TCA_NETEM_RATE64, rate);
		}
		opts->nla_len = (char *)nlh + nlh->nlmsg_len - (char *)opts;
	}
	req_end(nl, nlh);
	return 0;
}

int netlink_clear_impair(struct netlink *nl, int ifindex, const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = qdisc_start(nl, RTM_DELQDISC, 0, ifindex, desc, err);

	if (!nlh)
		return -(*err)->code;
	req_end(nl, nlh);
	return 0;
}

int netlink_add_redirect(struct netlink *nl, int ifindex, int to_ifindex, const char *desc,
			 struct lab_err **err)
{
	struct {
		struct tc_u32_sel sel;
		struct tc_u32_key key; /* the one key sel.keys[] holds */
	} sel = {
		/* one key that every frame matches (mask 0), and no other filter after it */
		.sel = {.flags = TC_U32_TERMINAL, .nkeys = 1},
	};
	struct tc_mirred mirred = {
		.action = TC_ACT_STOLEN, /* the frame leaves through to_ifindex, nothing else sees it */
		.eaction = TCA_EGRESS_REDIR,
		.ifindex = to_ifindex,
	};
	struct nlattr *opts, *acts, *act, *aopts;
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	nlh = req_start(nl, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, desc, err);
	if (!nlh)
		return -(*err)->code;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_INGRESS;
	tcm->tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0); /* ffff: */
	mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
	req_end(nl, nlh);

	nlh = req_start(nl, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, desc, err);
	if (!nlh)
		return -(*err)->code;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_MAKE(TC_H_INGRESS, 0);
	/* priority 1, every protocol */
	tcm->tcm_info = TC_H_MAKE(1u << 16, htons(ETH_P_ALL));
	mnl_attr_put_strz(nlh, TCA_KIND, "u32");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_U32_SEL, sizeof(sel), &sel);
	acts = mnl_attr_nest_start(nlh, TCA_U32_ACT);
	act = mnl_attr_nest_start(nlh, 1); /* the first action */
	mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
	aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
	mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof(mirred), &mirred);
	mnl_attr_nest_end(nlh, aopts);
	mnl_attr_nest_end(nlh, act);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_nest_end(nlh, opts);
	req_end(nl, nlh);
	return 0;
}

int netlink_get_link(struct netlink *nl, int ifindex, const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	/* each reply is a couple of KiB: a batch's replies stay well inside the receive buffer */
	if (nl->n_gets >= 256) {
		int r = netlink_flush(nl, err);

		if (r < 0)
			return r;
	}
	nlh = req_start(nl, RTM_GETLINK, 0, desc, err);
	if (!nlh)
		return -(*err)->code;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	req_end(nl, nlh);
	nl->n_gets++;
	return 0;
}

int netlink_sync_link(struct netlink *nl, const char *ifname)
{
	int fd = mnl_socket_get_fd(nl->sock);
	struct ethtool_value ev = {.cmd = ETHTOOL_GLINK};
	struct ifreq ifr = {.ifr_data = (void *)&ev};

	strscpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	/* a netlink socket has no ioctls of its own: the kernel hands this one to the device */
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	return ev.data ? 1 : 0;
}

int netlink_set_tx_csum(struct netlink *nl, const char *ifname, bool on)
{
	int fd = mnl_socket_get_fd(nl->sock);
	struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = on};
	struct ifreq ifr = {.ifr_data = (void *)&ev};

	strscpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	return 0;
}

int netlink_ifindex(struct netlink *nl, const char *ifname, struct lab_err **err)
{
	_cleanup_free_ struct netlink_link_info *links = NULL;
	size_t n = 0;
	int r = netlink_list_links(nl, &links, &n, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (strcmp(links[i].name, ifname) == 0)
			return links[i].ifindex;
	return err_make_kind(err, ERR_RUNTIME, ENODEV, "no interface '%s'", ifname);
}

int netlink_add_addr(struct netlink *nl, int ifindex, const struct prefix *p, const char *desc,
		     struct lab_err **err)
{
	struct nlmsghdr *nlh = req_start(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, desc, err);
	struct ifaddrmsg *ifa;
	int size = addr_size(p->addr.family);

	if (!nlh)
		return -(*err)->code;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = p->addr.family;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_index = ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (p->addr.family == AF_INET6 && addr_is_link_local(&p->addr))
		ifa->ifa_scope = RT_SCOPE_LINK;
	mnl_attr_put(nlh, IFA_LOCAL, size, p->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, size, p->addr.bytes);
	if (p->addr.family == AF_INET && p->len < 31) {
		struct prefix n = prefix_network(p);
		uint8_t bcast[4];

		for (int i = 0; i < 4; i++) {
			int bits = p->len - i * 8;
			uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

			bcast[i] = n.addr.bytes[i] | (uint8_t)~mask;
		}
		mnl_attr_put(nlh, IFA_BROADCAST, 4, bcast);
	}
	/* IPv6 ones go through duplicate address detection, as on any host (no IFA_F_NODAD) */
	req_end(nl, nlh);
	return 0;
}

/*
 * RTA_MULTIPATH: one struct rtnexthop per gateway, each followed by its
 * RTA_GATEWAY, weight 1 (rtnh_hops 0), on rt->oif or the device the kernel
 * finds for the gateway. The kernel spreads flows over them by hash and skips
 * a nexthop whose device is down (or has no carrier, with
 * ignore_routes_with_linkdown).
 */
static void put_multipath(struct nlmsghdr *nlh, const struct netlink_route *rt)
{
	int family = rt->to.addr.family;
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

	for (size_t i = 0; i <= rt->n_extra_via; i++) {
		const struct addr *gw = i ? &rt->extra_via[i - 1] : &rt->via;
		struct rtnexthop *nh = (struct rtnexthop *)mnl_nlmsg_get_payload_tail(nlh);

		nlh->nlmsg_len += RTNH_ALIGN(sizeof(*nh));
		*nh = (struct rtnexthop){.rtnh_ifindex = rt->oif};
		mnl_attr_put(nlh, RTA_GATEWAY, addr_size(family), gw->bytes);
		nh->rtnh_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nh;
	}
	mnl_attr_nest_end(nlh, mp);
}

int netlink_add_route(struct netlink *nl, const struct netlink_route *rt, bool replace,
		      const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = req_start(nl, RTM_NEWROUTE,
					 NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL), desc,
					 err);
	int family = rt->to.addr.family;
	struct rtmsg *rtm;

	if (!nlh)
		return -(*err)->code;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = rt->to.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = rt->has_via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (rt->to.len)
		mnl_attr_put(nlh, RTA_DST, addr_size(family), rt->to.addr.bytes);
	if (rt->has_via && rt->n_extra_via)
		put_multipath(nlh, rt);
	else if (rt->has_via)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_size(family), rt->via.bytes);
	if (rt->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, rt->oif);
	if (rt->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->metric);
	req_end(nl, nlh);
	return 0;
}

struct ack_state {
	struct netlink *nl;
	size_t acked;
	int error;          /* first error, negative */
	uint32_t error_seq;
	char ext_msg[256];
	struct lab_err **err;
};

static int ext_ack_attr(const struct nlattr *a, void *data)
{
	struct ack_state *st = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		strscpy(st->ext_msg, mnl_attr_get_str(a), sizeof(st->ext_msg));
	return MNL_CB_OK;
}

static int on_error_msg(const struct nlmsghdr *nlh, void *data)
{
	struct ack_state *st = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_ERROR;
	st->acked++;
	if (e->error && !st->error) {
		st->error = e->error;
		st->error_seq = nlh->nlmsg_seq;
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
			unsigned off = sizeof(*e);

			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
			mnl_attr_parse(nlh, off, ext_ack_attr, st);
		}
	}
	return MNL_CB_OK;
}

static const struct pending *pending_of(struct netlink *nl, uint32_t seq)
{
	for (size_t i = 0; i < nl->n_pending; i++)
		if (nl->pending[i].seq == seq)
			return &nl->pending[i];
	return NULL;
}

static const char *pending_desc(struct netlink *nl, uint32_t seq)
{
	const struct pending *pd = pending_of(nl, seq);

	return pd ? pd->desc : "netlink request";
}

/* Explain the errnos a lab commonly meets. */
static const char *advice(int code)
{
	switch (code) {
	case EEXIST:
		return " (it exists already)";
	case ENETUNREACH:
		return " (the gateway is in no subnet of the node's interfaces)";
	case EOPNOTSUPP:
		return " (the kernel lacks this feature)";
	case EPERM:
		return " (netlab needs root: CAP_NET_ADMIN and CAP_SYS_ADMIN)";
	default:
		return "";
	}
}

const void *netlink_queued(const struct netlink *nl, size_t *ret_len)
{
	*ret_len = nl->len;
	return nl->buf ? nl->buf : ""; /* nothing queued yet: no buffer either */
}

int netlink_flush(struct netlink *nl, struct lab_err **err)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {[NLMSG_ERROR] = on_error_msg};
	struct ack_state st = {.nl = nl, .err = err};
	ssize_t n;
	int r = 0;

	if (nl->n_pending == 0)
		return 0;
	n = mnl_socket_sendto(nl->sock, nl->buf, nl->len);
	if (n < 0) {
		r = err_make(err, errno, "sending %zu netlink requests", nl->n_pending);
		goto out;
	}
	while (st.acked < nl->n_pending) {
		n = mnl_socket_recvfrom(nl->sock, recv_buf(nl), RECV_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = err_make(err, errno, "reading netlink acknowledgements");
			goto out;
		}
		if (mnl_cb_run2(nl->rbuf, n, 0, nl->portid, NULL, &st, ctl, ARRAY_SIZE(ctl)) < 0 &&
		    errno != 0 && st.error == 0) {
			r = err_make(err, errno, "parsing netlink acknowledgements");
			goto out;
		}
	}
	if (st.error) {
		int code = -st.error;
		const struct pending *pd = pending_of(nl, st.error_seq);
		const char *d = pending_desc(nl, st.error_seq);

		/* a qdisc the kernel has no module for: it answers ENOENT (qdisc_lookup_ops) */
		if (code == ENOENT && pd && pd->qdisc != NETLINK_QDISC_NONE) {
			bool netem = pd->qdisc == NETLINK_QDISC_NETEM;

			r = err_make_kind(err, ERR_KERNEL, EOPNOTSUPP,
					  "%s: the kernel lacks the %s qdisc (CONFIG_NET_SCH_%s): %s impairments cannot be set on this machine",
					  d, netlink_qdisc_name(pd->qdisc), netem ? "NETEM" : "TBF",
					  netem ? "delay, jitter and loss" : "rate");
			goto out;
		}
		if (st.ext_msg[0])
			r = err_make_kind(err, code == EOPNOTSUPP ? ERR_KERNEL : ERR_RUNTIME, code,
					  "%s: %s (kernel: %s)%s", pending_desc(nl, st.error_seq),
					  strerror(code), st.ext_msg, advice(code));
		else
			r = err_make_kind(err, code == EOPNOTSUPP ? ERR_KERNEL : ERR_RUNTIME, code,
					  "%s: %s%s", pending_desc(nl, st.error_seq),
					  strerror(code), advice(code));
	}
out:
	nl->len = 0;
	nl->n_pending = 0;
	nl->n_gets = 0;
	return r;
}

void netlink_trim(struct netlink *nl)
{
	if (!nl || nl->n_pending)
		return;
	free(nl->buf);
	free(nl->rbuf);
	free(nl->pending);
	nl->buf = nl->rbuf = NULL;
	nl->pending = NULL;
	nl->cap_pending = 0;
}

/* --- dumps --- */

typedef int (*dump_cb)(const struct nlmsghdr *nlh, void *data);

static int dump(struct netlink *nl, uint16_t type, int family, size_t hdrlen, dump_cb cb,
		void *data, const char *what, struct lab_err **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	uint32_t seq = ++nl->seq;
	struct rtgenmsg *g;
	ssize_t n;
	int r;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	g->rtgen_family = family;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return err_make(err, errno, "asking the kernel for %s", what);
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, recv_buf(nl), RECV_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_make(err, errno, "reading %s", what);
		}
		r = mnl_cb_run(nl->rbuf, n, seq, nl->portid, cb, data);
		if (r < 0 && errno == EINTR) {
			/* NLM_F_DUMP_INTR: the table changed during the dump; drain it, the caller retries */
			for (;;) {
				const struct nlmsghdr *h = (const struct nlmsghdr *)nl->rbuf;
				int left = n;

				for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
					if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
						return -EAGAIN;
				n = mnl_socket_recvfrom(nl->sock, recv_buf(nl), RECV_SIZE);
				if (n < 0 && errno != EINTR)
					return err_make(err, errno, "reading %s", what);
				if (n < 0)
					n = 0;
			}
		}
		if (r < 0)
			return err_make(err, errno, "reading %s", what);
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* What a dump collects: an array of elements of one size. */
struct dump_list {
	void *v;
	size_t n, cap, size;
};

/* A new zeroed element at the end of the list. */
static void *list_add(struct dump_list *l)
{
	l->v = grow_array(l->v, &l->cap, l->n + 1, l->size);
	return (char *)l->v + l->size * l->n++;
}

/* Dump into a list of elements of size, handing the array out. */
static int dump_list(struct netlink *nl, uint16_t type, int family, size_t hdrlen, dump_cb cb,
		     size_t size, const char *what, void **ret, size_t *ret_n, struct lab_err **err)
{
	struct dump_list l = {.size = size};
	int r = -EAGAIN;

	/* a dump the kernel marks interrupted is taken again, a few times */
	for (int tries = 0; r == -EAGAIN && tries < 5; tries++) {
		l.n = 0;
		r = dump(nl, type, family, hdrlen, cb, &l, what, err);
	}
	if (r == -EAGAIN)
		r = err_make(err, EAGAIN, "reading %s: it kept changing", what);
	if (r < 0) {
		free(l.v);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

static int link_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) >= 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int linkinfo_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_INFO_MAX) >= 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = {0};
	struct netlink_link_info *li;

	mnl_attr_parse(nlh, sizeof(*ifm), link_attr, tb);
	li = list_add(data);
	*li = (struct netlink_link_info){.ifindex = ifm->ifi_index, .flags = ifm->ifi_flags};
	if (tb[IFLA_IFNAME])
		strscpy(li->name, mnl_attr_get_str(tb[IFLA_IFNAME]), sizeof(li->name));
	if (tb[IFLA_MTU])
		li->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_MASTER])
		li->master = mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_OPERSTATE])
		li->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(li->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		li->has_mac = true;
	}
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *info[IFLA_INFO_MAX + 1] = {0};

		mnl_attr_parse_nested(tb[IFLA_LINKINFO], linkinfo_attr, info);
		if (info[IFLA_INFO_KIND])
			strscpy(li->kind, mnl_attr_get_str(info[IFLA_INFO_KIND]), sizeof(li->kind));
	}
	return MNL_CB_OK;
}

int netlink_list_links(struct netlink *nl, struct netlink_link_info **ret, size_t *ret_n,
		       struct lab_err **err)
{
	return dump_list(nl, RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg), on_link,
			 sizeof(**ret), "the list of interfaces", (void **)ret, ret_n, err);
}

static int addr_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, IFA_MAX) >= 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = {0};
	const struct nlattr *a;
	struct netlink_addr_info *ai;
	uint32_t flags = ifa->ifa_flags;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, tb);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != (uint16_t)addr_size(ifa->ifa_family))
		return MNL_CB_OK;
	if (tb[IFA_FLAGS])
		flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	ai = list_add(data);
	ai->ifindex = ifa->ifa_index;
	ai->prefix.addr.family = ifa->ifa_family;
	ai->prefix.len = ifa->ifa_prefixlen;
	memcpy(ai->prefix.addr.bytes, mnl_attr_get_payload(a), addr_size(ifa->ifa_family));
	ai->tentative = flags & IFA_F_TENTATIVE;
	ai->dadfailed = flags & IFA_F_DADFAILED;
	return MNL_CB_OK;
}

int netlink_list_addrs(struct netlink *nl, struct netlink_addr_info **ret, size_t *ret_n,
		       struct lab_err **err)
{
	return netlink_list_addrs_family(nl, AF_UNSPEC, ret, ret_n, err);
}

int netlink_list_addrs_family(struct netlink *nl, int family, struct netlink_addr_info **ret,
			      size_t *ret_n, struct lab_err **err)
{
	return dump_list(nl, RTM_GETADDR, family, sizeof(struct ifaddrmsg), on_addr,
			 sizeof(**ret), "the list of addresses", (void **)ret, ret_n, err);
}

static int route_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, RTA_MAX) >= 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	struct netlink_route_info *ri;
	uint32_t table = rtm->rtm_table;
	int size = addr_size(rtm->rtm_family);

	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr, tb);
	if (tb[RTA_TABLE])
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	ri = list_add(data);
	ri->protocol = rtm->rtm_protocol;
	ri->to.addr.family = rtm->rtm_family;
	ri->to.len = rtm->rtm_dst_len;
	if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == size)
		memcpy(ri->to.addr.bytes, mnl_attr_get_payload(tb[RTA_DST]), size);
	if (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == size) {
		ri->has_via = true;
		ri->via.family = rtm->rtm_family;
		memcpy(ri->via.bytes, mnl_attr_get_payload(tb[RTA_GATEWAY]), size);
		ri->vias[ri->n_vias++] = ri->via;
	}
	if (tb[RTA_MULTIPATH]) {
		const struct rtnexthop *nh = mnl_attr_get_payload(tb[RTA_MULTIPATH]);
		int left = mnl_attr_get_payload_len(tb[RTA_MULTIPATH]);

		while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) && nh->rtnh_len <= left) {
			const struct nlattr *a = (const struct nlattr *)RTNH_DATA(nh);
			int alen = nh->rtnh_len - sizeof(*nh);

			while (alen >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= alen) {
				if ((a->nla_type & NLA_TYPE_MASK) == RTA_GATEWAY &&
				    mnl_attr_get_payload_len(a) == size && ri->n_vias < NETLINK_MAX_VIAS) {
					struct addr *v = &ri->vias[ri->n_vias++];

					v->family = rtm->rtm_family;
					memcpy(v->bytes, mnl_attr_get_payload(a), size);
					if (!ri->has_via) {
						ri->has_via = true;
						ri->via = *v;
					}
				}
				alen -= NLA_ALIGN(a->nla_len);
				a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
			}
			left -= RTNH_ALIGN(nh->rtnh_len);
			nh = RTNH_NEXT(nh);
		}
	}
	if (tb[RTA_OIF])
		ri->oif = mnl_attr_get_u32(tb[RTA_OIF]);
	if (tb[RTA_PRIORITY])
		ri->metric = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	return MNL_CB_OK;
}

int netlink_list_routes(struct netlink *nl, int family, struct netlink_route_info **ret,
			size_t *ret_n, struct lab_err **err)
{
	return dump_list(nl, RTM_GETROUTE, family, sizeof(struct rtmsg), on_route, sizeof(**ret),
			 "the routing table", (void **)ret, ret_n, err);
}

const char *netlink_proto_name(uint8_t proto, char *buf)
{
	static const struct {
		uint8_t p;
		const char *name;
	} names[] = {
		{RTPROT_KERNEL, "kernel"}, {RTPROT_BOOT, "boot"},   {RTPROT_STATIC, "static"},
		{RTPROT_RA, "ra"},         {RTPROT_ZEBRA, "zebra"}, {RTPROT_BIRD, "bird"},
		{186, "bgp"},              {187, "isis"},           {188, "ospf"},
		{189, "rip"},              {192, "eigrp"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].p == proto) {
			strcpy(buf, names[i].name);
			return buf;
		}
	snprintf(buf, 16, "%u", proto);
	return buf;
}

struct root_qdisc {
	int ifindex;
	char *kind;
	uint32_t handle;
	bool found;
};

static int on_qdisc(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct root_qdisc *q = data;
	const struct nlattr *a;

	if (tcm->tcm_ifindex != q->ifindex || tcm->tcm_parent != TC_H_ROOT)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*tcm))
		if (mnl_attr_get_type(a) == TCA_KIND && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(q->kind, 16, "%s", mnl_attr_get_str(a));
	q->handle = tcm->tcm_handle;
	q->found = true;
	return MNL_CB_OK;
}

int netlink_root_qdisc(struct netlink *nl, int ifindex, char *kind, uint32_t *ret_handle,
		       struct lab_err **err)
{
	struct root_qdisc q = {.ifindex = ifindex, .kind = kind};
	int r = -EAGAIN;

	strcpy(kind, "?");
	for (int tries = 0; r == -EAGAIN && tries < 5; tries++)
		r = dump(nl, RTM_GETQDISC, AF_UNSPEC, sizeof(struct tcmsg), on_qdisc, &q,
			 "the qdiscs", err);
	if (r < 0)
		return r == -EAGAIN ? err_make(err, EAGAIN, "reading the qdiscs: they kept changing") : r;
	*ret_handle = q.handle;
	return q.found;
}
