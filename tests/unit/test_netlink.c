/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of netlink.h: requests are queued, never sent (no root, no
 * kernel objects), and the batch is walked with libmnl as the kernel would
 * read it (iproute2 testsuite/tools/generate_nlmsg.c does the same).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/veth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "util.h"

#define MAX_MSGS 1024
#define MAX_ATTR 128

struct ctx {
	struct netlink *nl;
	const struct nlmsghdr *msg[MAX_MSGS];
	size_t n;
};

static int setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));
	struct lab_err *err = NULL;
	int r;

	r = netlink_open(&c->nl, &err);
	if (r < 0) {
		/* only a kernel without route netlink gets here */
		print_message("netlink_open: %s\n", err ? err->msg : strerror(-r));
		err_free(err);
		free(c);
		return -1;
	}
	assert_null(err);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	/* never flushed: queued requests are dropped */
	assert_null(netlink_close(c->nl));
	free(c);
	return 0;
}

/* Walk the queued batch into c->msg; every byte must belong to a message. */
static size_t walk(struct ctx *c)
{
	size_t len, total = 0;
	const struct nlmsghdr *nlh = netlink_queued(c->nl, &len);
	int rem = len;

	c->n = 0;
	while (mnl_nlmsg_ok(nlh, rem)) {
		assert_true(c->n < MAX_MSGS);
		c->msg[c->n++] = nlh;
		total += NLMSG_ALIGN(nlh->nlmsg_len);
		nlh = mnl_nlmsg_next(nlh, &rem);
	}
	assert_int_equal(rem, 0);
	assert_int_equal(total, len);
	return c->n;
}

/* Attributes by type; duplicates are counted (none is expected). */
struct attrs {
	const struct nlattr *tb[MAX_ATTR];
	int n, dups;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	uint16_t type = mnl_attr_get_type(a);

	assert_true(type < MAX_ATTR);
	if (t->tb[type])
		t->dups++;
	t->tb[type] = a;
	t->n++;
	return MNL_CB_OK;
}

static void parse_msg(const struct nlmsghdr *nlh, size_t hdrlen, struct attrs *t)
{
	*t = (struct attrs){0};
	assert_int_equal(mnl_attr_parse(nlh, hdrlen, attr_cb, t), MNL_CB_OK);
	assert_int_equal(t->dups, 0);
}

static void parse_nested(const struct nlattr *nest, struct attrs *t)
{
	assert_non_null(nest);
	*t = (struct attrs){0};
	assert_int_equal(mnl_attr_parse_nested(nest, attr_cb, t), MNL_CB_OK);
	assert_int_equal(t->dups, 0);
}

static void assert_str_attr(const struct nlattr *a, const char *want)
{
	assert_non_null(a);
	assert_int_equal(mnl_attr_validate(a, MNL_TYPE_NUL_STRING), 0);
	assert_string_equal(mnl_attr_get_str(a), want);
}

static void assert_u32_attr(const struct nlattr *a, uint32_t want)
{
	assert_non_null(a);
	assert_int_equal(mnl_attr_validate(a, MNL_TYPE_U32), 0);
	assert_int_equal(mnl_attr_get_u32(a), want);
}

static void assert_bytes_attr(const struct nlattr *a, const void *want, size_t len)
{
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_payload_len(a), len);
	assert_memory_equal(mnl_attr_get_payload(a), want, len);
}

static void assert_addr_attr(const struct nlattr *a, const char *want)
{
	struct addr x;

	assert_int_equal(addr_parse(want, &x), 0);
	assert_bytes_attr(a, x.bytes, addr_size(x.family));
}

static void assert_header(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags, uint32_t seq)
{
	assert_int_equal(nlh->nlmsg_type, type);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | flags);
	assert_int_equal(nlh->nlmsg_seq, seq);
}

static struct prefix P(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p) < 0)
		fail_msg("\"%s\" did not parse", s);
	return p;
}

/* --- sockets --- */

static void test_open_close(void **state)
{
	struct ctx *c = *state;
	struct netlink *nl2 = NULL;
	struct lab_err *err = NULL;
	size_t len = 99;

	assert_non_null(c->nl);
	assert_non_null(netlink_queued(c->nl, &len));
	assert_int_equal(len, 0);
	/* a second socket is independent */
	assert_int_equal(netlink_open(&nl2, &err), 0);
	assert_null(err);
	assert_non_null(nl2);
	assert_ptr_not_equal(nl2, c->nl);
	assert_null(netlink_close(nl2));
	assert_null(netlink_close(NULL));
}

/* --- links --- */

static void test_veth_both_ends_in_namespaces(void **state)
{
	struct ctx *c = *state;
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x0a};
	const struct netlink_dev a = {.ifname = "eth0", .ifindex = 101, .netns_fd = 7, .mtu = 1400,
				      .mac = mac, .master = 100, .up = true};
	/* the peer's master is left to a later set: the kernel would ignore it */
	const struct netlink_dev b = {.ifname = "eth1", .ifindex = 102, .netns_fd = 8, .mtu = 9000};
	struct attrs top, info, data, peer;
	const struct ifinfomsg *ifm, *pifm;
	const struct nlattr *pa;
	struct lab_err *err = NULL;
	size_t plen;

	assert_int_equal(netlink_add_veth(c->nl, &a, &b, "veth r1:eth0 -- r2:eth1", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 1);
	assert_header(c->msg[0], RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 1);

	ifm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(ifm->ifi_family, AF_UNSPEC);
	assert_int_equal(ifm->ifi_index, 101);
	assert_int_equal(ifm->ifi_flags & IFF_UP, IFF_UP);
	assert_int_equal(ifm->ifi_change & IFF_UP, IFF_UP);

	parse_msg(c->msg[0], sizeof(*ifm), &top);
	assert_str_attr(top.tb[IFLA_IFNAME], "eth0");
	assert_u32_attr(top.tb[IFLA_NET_NS_FD], 7);
	assert_u32_attr(top.tb[IFLA_MTU], 1400);
	assert_u32_attr(top.tb[IFLA_MASTER], 100);
	assert_bytes_attr(top.tb[IFLA_ADDRESS], mac, 6);

	parse_nested(top.tb[IFLA_LINKINFO], &info);
	assert_str_attr(info.tb[IFLA_INFO_KIND], "veth");
	parse_nested(info.tb[IFLA_INFO_DATA], &data);
	assert_non_null(data.tb[VETH_INFO_PEER]);

	/* the peer: a struct ifinfomsg, then its own attributes */
	pa = data.tb[VETH_INFO_PEER];
	plen = mnl_attr_get_payload_len(pa);
	assert_true(plen >= NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	pifm = mnl_attr_get_payload(pa);
	assert_int_equal(pifm->ifi_family, AF_UNSPEC);
	assert_int_equal(pifm->ifi_index, 102);
	assert_int_equal(pifm->ifi_flags & IFF_UP, 0);
	peer = (struct attrs){0};
	assert_int_equal(mnl_attr_parse_payload((const char *)pifm + NLMSG_ALIGN(sizeof(*pifm)),
						plen - NLMSG_ALIGN(sizeof(*pifm)), attr_cb, &peer),
			 MNL_CB_OK);
	assert_int_equal(peer.dups, 0);
	assert_str_attr(peer.tb[IFLA_IFNAME], "eth1");
	/* the peer is created directly in its own namespace: no move, no temporary name */
	assert_u32_attr(peer.tb[IFLA_NET_NS_FD], 8);
	assert_u32_attr(peer.tb[IFLA_MTU], 9000);
	assert_null(peer.tb[IFLA_ADDRESS]);
}

static void test_veth_defaults(void **state)
{
	struct ctx *c = *state;
	const struct netlink_dev a = {.ifname = "a", .netns_fd = -1};
	const struct netlink_dev b = {.ifname = "b", .netns_fd = -1, .up = true};
	struct attrs top, info, data, peer;
	const struct ifinfomsg *ifm, *pifm;
	struct lab_err *err = NULL;

	assert_int_equal(netlink_add_veth(c->nl, &a, &b, "veth a -- b", &err), 0);
	assert_int_equal(walk(c), 1);
	ifm = mnl_nlmsg_get_payload(c->msg[0]);
	/* the kernel picks the index, nothing is brought up */
	assert_int_equal(ifm->ifi_index, 0);
	assert_int_equal(ifm->ifi_flags, 0);
	assert_int_equal(ifm->ifi_change, 0);
	parse_msg(c->msg[0], sizeof(*ifm), &top);
	assert_str_attr(top.tb[IFLA_IFNAME], "a");
	/* the socket's namespace, default MTU, random MAC, no master */
	assert_null(top.tb[IFLA_NET_NS_FD]);
	assert_null(top.tb[IFLA_MTU]);
	assert_null(top.tb[IFLA_ADDRESS]);
	assert_null(top.tb[IFLA_MASTER]);
	parse_nested(top.tb[IFLA_LINKINFO], &info);
	parse_nested(info.tb[IFLA_INFO_DATA], &data);
	pifm = mnl_attr_get_payload(data.tb[VETH_INFO_PEER]);
	assert_int_equal(pifm->ifi_flags & IFF_UP, IFF_UP);
	assert_int_equal(pifm->ifi_change & IFF_UP, IFF_UP);
	peer = (struct attrs){0};
	assert_int_equal(mnl_attr_parse_payload((const char *)pifm + NLMSG_ALIGN(sizeof(*pifm)),
						mnl_attr_get_payload_len(data.tb[VETH_INFO_PEER]) -
							NLMSG_ALIGN(sizeof(*pifm)),
						attr_cb, &peer),
			 MNL_CB_OK);
	assert_str_attr(peer.tb[IFLA_IFNAME], "b");
	assert_null(peer.tb[IFLA_NET_NS_FD]);
	assert_null(peer.tb[IFLA_MTU]);
}

static void test_veth_longest_names(void **state)
{
	struct ctx *c = *state;
	const struct netlink_dev a = {.ifname = "abcdefghijklmno", .netns_fd = 3};
	const struct netlink_dev b = {.ifname = "ABCDEFGHIJKLMNO", .netns_fd = 4};
	struct attrs top, info, data;
	struct lab_err *err = NULL;

	assert_int_equal(netlink_add_veth(c->nl, &a, &b, "veth", &err), 0);
	assert_int_equal(walk(c), 1);
	parse_msg(c->msg[0], sizeof(struct ifinfomsg), &top);
	/* 15 bytes and the NUL: IFNAMSIZ */
	assert_str_attr(top.tb[IFLA_IFNAME], "abcdefghijklmno");
	assert_int_equal(mnl_attr_get_payload_len(top.tb[IFLA_IFNAME]), 16);
	parse_nested(top.tb[IFLA_LINKINFO], &info);
	parse_nested(info.tb[IFLA_INFO_DATA], &data);
	assert_non_null(data.tb[VETH_INFO_PEER]);
}

static void test_bridge(void **state)
{
	struct ctx *c = *state;
	const struct netlink_dev br = {.ifname = "br0", .ifindex = 100, .netns_fd = 5, .up = true};
	struct attrs top, info, data;
	const struct ifinfomsg *ifm;
	struct lab_err *err = NULL;

	assert_int_equal(netlink_add_bridge(c->nl, &br, true, false, "bridge sw1", &err), 0);
	assert_int_equal(netlink_add_bridge(c->nl, &br, false, false, "bridge sw2", &err), 0);
	assert_int_equal(netlink_add_bridge(c->nl, &br, false, true, "hub sw3", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 3);
	for (size_t i = 0; i < 3; i++) {
		bool stp = i == 0, hub = i == 2;

		assert_header(c->msg[i], RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, i + 1);
		ifm = mnl_nlmsg_get_payload(c->msg[i]);
		assert_int_equal(ifm->ifi_index, 100);
		assert_int_equal(ifm->ifi_flags & IFF_UP, IFF_UP);
		parse_msg(c->msg[i], sizeof(*ifm), &top);
		assert_str_attr(top.tb[IFLA_IFNAME], "br0");
		assert_u32_attr(top.tb[IFLA_NET_NS_FD], 5);
		parse_nested(top.tb[IFLA_LINKINFO], &info);
		assert_str_attr(info.tb[IFLA_INFO_KIND], "bridge");
		parse_nested(info.tb[IFLA_INFO_DATA], &data);
		assert_u32_attr(data.tb[IFLA_BR_STP_STATE], stp ? 1 : 0);
		/* with STP the shortest forward delay (2 s), else none */
		assert_u32_attr(data.tb[IFLA_BR_FORWARD_DELAY], stp ? 200 : 0);
		/* a hub learns nothing (every frame floods) and passes link-local groups */
		if (hub) {
			assert_u32_attr(data.tb[IFLA_BR_AGEING_TIME], 0);
			assert_non_null(data.tb[IFLA_BR_GROUP_FWD_MASK]);
			assert_int_equal(mnl_attr_get_u16(data.tb[IFLA_BR_GROUP_FWD_MASK]), 0xfff8);
		} else {
			assert_null(data.tb[IFLA_BR_AGEING_TIME]);
			assert_null(data.tb[IFLA_BR_GROUP_FWD_MASK]);
		}
	}
}

static struct addr A(const char *s)
{
	struct addr a;

	if (addr_parse(s, &a) < 0)
		fail_msg("\"%s\" did not parse", s);
	return a;
}

/* A VXLAN end: made in the node's namespace (the socket's keeps its UDP socket), down, one remote. */
static void test_vxlan(void **state)
{
	struct ctx *c = *state;
	const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	const struct netlink_dev dev = {.ifname = "eth0", .ifindex = 101, .netns_fd = 7,
					.mtu = 1450, .mac = mac, .up = true, .master = 100};
	struct netlink_vxlan v4 = {.vni = 5000, .local = A("192.0.2.1"), .remote = A("192.0.2.2"),
				   .port = 4789};
	struct netlink_vxlan v6 = {.vni = 0xffffff, .local = A("2001:db8::1"),
				   .remote = A("2001:db8::2"), .port = 8472};
	struct attrs top, info, data;
	const struct ifinfomsg *ifm;
	struct lab_err *err = NULL;

	assert_int_equal(netlink_add_vxlan(c->nl, &dev, &v4, "vxlan r1:eth0", &err), 0);
	assert_int_equal(netlink_add_vxlan(c->nl, &dev, &v6, "vxlan r1:eth0", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 2);
	for (size_t i = 0; i < 2; i++) {
		bool six = i == 1;

		assert_header(c->msg[i], RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, i + 1);
		ifm = mnl_nlmsg_get_payload(c->msg[i]);
		assert_int_equal(ifm->ifi_family, AF_UNSPEC);
		assert_int_equal(ifm->ifi_index, 101);
		/* made down: the node brings it up (and into its bridge) itself */
		assert_int_equal(ifm->ifi_flags, 0);
		assert_int_equal(ifm->ifi_change, 0);
		parse_msg(c->msg[i], sizeof(*ifm), &top);
		assert_str_attr(top.tb[IFLA_IFNAME], "eth0");
		assert_u32_attr(top.tb[IFLA_NET_NS_FD], 7);
		assert_u32_attr(top.tb[IFLA_MTU], 1450);
		assert_bytes_attr(top.tb[IFLA_ADDRESS], mac, 6);
		assert_null(top.tb[IFLA_MASTER]);
		assert_int_equal(top.n, 5);
		parse_nested(top.tb[IFLA_LINKINFO], &info);
		assert_str_attr(info.tb[IFLA_INFO_KIND], "vxlan");
		parse_nested(info.tb[IFLA_INFO_DATA], &data);
		assert_u32_attr(data.tb[IFLA_VXLAN_ID], six ? 0xffffff : 5000);
		if (six) {
			assert_addr_attr(data.tb[IFLA_VXLAN_LOCAL6], "2001:db8::1");
			assert_addr_attr(data.tb[IFLA_VXLAN_GROUP6], "2001:db8::2");
			assert_null(data.tb[IFLA_VXLAN_LOCAL]);
			assert_null(data.tb[IFLA_VXLAN_GROUP]);
		} else {
			assert_addr_attr(data.tb[IFLA_VXLAN_LOCAL], "192.0.2.1");
			assert_addr_attr(data.tb[IFLA_VXLAN_GROUP], "192.0.2.2");
			assert_null(data.tb[IFLA_VXLAN_LOCAL6]);
			assert_null(data.tb[IFLA_VXLAN_GROUP6]);
		}
		/* the port in network order */
		assert_non_null(data.tb[IFLA_VXLAN_PORT]);
		assert_int_equal(mnl_attr_get_payload_len(data.tb[IFLA_VXLAN_PORT]), 2);
		assert_int_equal(ntohs(mnl_attr_get_u16(data.tb[IFLA_VXLAN_PORT])), six ? 8472 : 4789);
		assert_non_null(data.tb[IFLA_VXLAN_LEARNING]);
		assert_int_equal(mnl_attr_get_payload_len(data.tb[IFLA_VXLAN_LEARNING]), 1);
		assert_int_equal(mnl_attr_get_u8(data.tb[IFLA_VXLAN_LEARNING]), 0);
		assert_int_equal(data.n, 5);
	}
}

/* A tunnel's remote out and back: its all-zeros FDB entry on the device itself. */
static void test_vxlan_remote(void **state)
{
	struct ctx *c = *state;
	const uint8_t zeros[6] = {0};
	struct addr remote = A("192.0.2.2");
	struct lab_err *err = NULL;
	struct attrs top;

	assert_int_equal(netlink_vxlan_remote(c->nl, 101, &remote, false, "cut", &err), 0);
	assert_int_equal(netlink_vxlan_remote(c->nl, 101, &remote, true, "mend", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 2);
	assert_header(c->msg[0], RTM_DELNEIGH, 0, 1);
	assert_header(c->msg[1], RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct ndmsg *ndm = mnl_nlmsg_get_payload(c->msg[i]);

		assert_int_equal(ndm->ndm_family, AF_BRIDGE);
		assert_int_equal(ndm->ndm_ifindex, 101);
		assert_int_equal(ndm->ndm_flags, NTF_SELF);
		assert_int_equal(ndm->ndm_state, NUD_NOARP | NUD_PERMANENT);
		parse_msg(c->msg[i], sizeof(*ndm), &top);
		assert_bytes_attr(top.tb[NDA_LLADDR], zeros, 6);
		assert_addr_attr(top.tb[NDA_DST], "192.0.2.2");
		assert_int_equal(top.n, 2);
	}
}

static void test_del_link(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	const struct ifinfomsg *ifm;
	struct attrs top;

	assert_int_equal(netlink_del_link(c->nl, 103, "removing a1:eth0", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 1);
	assert_header(c->msg[0], RTM_DELLINK, 0, 1);
	ifm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(ifm->ifi_index, 103);
	parse_msg(c->msg[0], sizeof(*ifm), &top);
	assert_int_equal(top.n, 0);
}

static void test_set_link(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	const struct ifinfomsg *ifm;
	struct attrs t;

	assert_int_equal(netlink_set_link(c->nl, 101, 1, 100, "port up", &err), 0);
	assert_int_equal(netlink_set_link(c->nl, 102, -1, -1, "nothing", &err), 0);
	assert_int_equal(netlink_set_link(c->nl, 103, 0, 0, "down, no master", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 3);

	/* a change, not a creation */
	assert_header(c->msg[0], RTM_NEWLINK, 0, 1);
	ifm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(ifm->ifi_family, AF_UNSPEC);
	assert_int_equal(ifm->ifi_index, 101);
	assert_int_equal(ifm->ifi_flags, IFF_UP);
	assert_int_equal(ifm->ifi_change, IFF_UP);
	parse_msg(c->msg[0], sizeof(*ifm), &t);
	assert_u32_attr(t.tb[IFLA_MASTER], 100);
	assert_int_equal(t.n, 1);

	/* unchanged state: the kernel is told to change no flag */
	assert_header(c->msg[1], RTM_NEWLINK, 0, 2);
	ifm = mnl_nlmsg_get_payload(c->msg[1]);
	assert_int_equal(ifm->ifi_index, 102);
	assert_int_equal(ifm->ifi_change, 0);
	parse_msg(c->msg[1], sizeof(*ifm), &t);
	assert_null(t.tb[IFLA_MASTER]);

	/* down: IFF_UP cleared on purpose; master 0 releases the port */
	ifm = mnl_nlmsg_get_payload(c->msg[2]);
	assert_int_equal(ifm->ifi_flags & IFF_UP, 0);
	assert_int_equal(ifm->ifi_change, IFF_UP);
	parse_msg(c->msg[2], sizeof(*ifm), &t);
	assert_u32_attr(t.tb[IFLA_MASTER], 0);
}

static void test_get_link(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	const struct ifinfomsg *ifm;
	struct attrs t;

	assert_int_equal(netlink_get_link(c->nl, 101, "reading 'eth0'", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 1);
	/* a plain request for one device (not a dump), acknowledged, without statistics */
	assert_header(c->msg[0], RTM_GETLINK, 0, 1);
	ifm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(ifm->ifi_family, AF_UNSPEC);
	assert_int_equal(ifm->ifi_index, 101);
	assert_int_equal(ifm->ifi_change, 0);
	parse_msg(c->msg[0], sizeof(*ifm), &t);
	assert_u32_attr(t.tb[IFLA_EXT_MASK], RTEXT_FILTER_SKIP_STATS);
	assert_int_equal(t.n, 1);
}

static void test_trim(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	struct netlink *nl2 = NULL;
	const struct nlmsghdr *nlh;
	size_t len = 99;

	/* a batch not sent yet is kept */
	assert_int_equal(netlink_set_link(c->nl, 101, 1, -1, "up", &err), 0);
	netlink_trim(c->nl);
	assert_int_equal(walk(c), 1);
	/* an idle socket has no buffers to drop; they are made when a request comes */
	assert_int_equal(netlink_open(&nl2, &err), 0);
	netlink_trim(nl2);
	assert_non_null(netlink_queued(nl2, &len));
	assert_int_equal(len, 0);
	assert_int_equal(netlink_set_link(nl2, 102, 1, -1, "up", &err), 0);
	nlh = netlink_queued(nl2, &len);
	assert_int_equal(len, NLMSG_ALIGN(nlh->nlmsg_len));
	assert_int_equal(((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index, 102);
	assert_null(err);
	netlink_close(nl2);
	netlink_trim(NULL);
}

static void test_set_link_no_link_local(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	struct attrs t, spec, inet6;
	const struct nlattr *mode;

	assert_int_equal(netlink_set_link_ex(c->nl, 104, 1, -1, true, "switch port", &err), 0);
	assert_int_equal(netlink_set_link_ex(c->nl, 105, 1, -1, false, "host port", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 2);
	/* IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE = NONE } }, nothing for IPv4 */
	parse_msg(c->msg[0], sizeof(struct ifinfomsg), &t);
	parse_nested(t.tb[IFLA_AF_SPEC], &spec);
	assert_null(spec.tb[AF_INET]);
	parse_nested(spec.tb[AF_INET6], &inet6);
	mode = inet6.tb[IFLA_INET6_ADDR_GEN_MODE];
	assert_non_null(mode);
	assert_int_equal(mnl_attr_get_u8(mode), IN6_ADDR_GEN_MODE_NONE);
	/* a host's port: the kernel's own link-local address (no IFLA_AF_SPEC at all) */
	parse_msg(c->msg[1], sizeof(struct ifinfomsg), &t);
	assert_null(t.tb[IFLA_AF_SPEC]);
}

static void test_set_link_name(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	const struct ifinfomsg *ifm;
	struct attrs t;

	assert_int_equal(netlink_set_link_name(c->nl, "lo", 1, "lo up", &err), 0);
	assert_int_equal(walk(c), 1);
	assert_header(c->msg[0], RTM_NEWLINK, 0, 1);
	ifm = mnl_nlmsg_get_payload(c->msg[0]);
	/* found by name */
	assert_int_equal(ifm->ifi_index, 0);
	assert_int_equal(ifm->ifi_flags, IFF_UP);
	assert_int_equal(ifm->ifi_change, IFF_UP);
	parse_msg(c->msg[0], sizeof(*ifm), &t);
	assert_str_attr(t.tb[IFLA_IFNAME], "lo");
}

/* --- addresses --- */

static void test_addr_v4(void **state)
{
	struct ctx *c = *state;
	struct prefix p = P("10.0.0.1/24");
	struct lab_err *err = NULL;
	const struct ifaddrmsg *ifa;
	struct attrs t;

	assert_int_equal(netlink_add_addr(c->nl, 101, &p, "address 10.0.0.1/24", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 1);
	assert_header(c->msg[0], RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 1);
	ifa = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_index, 101);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	parse_msg(c->msg[0], sizeof(*ifa), &t);
	assert_addr_attr(t.tb[IFA_LOCAL], "10.0.0.1");
	assert_addr_attr(t.tb[IFA_ADDRESS], "10.0.0.1");
	assert_addr_attr(t.tb[IFA_BROADCAST], "10.0.0.255");
	/* duplicate address detection is IPv6 only */
	assert_null(t.tb[IFA_FLAGS]);
	assert_int_equal(ifa->ifa_flags & IFA_F_NODAD, 0);
}

static void test_addr_v4_broadcast(void **state)
{
	static const struct {
		const char *cidr, *bcast; /* NULL: none */
	} cases[] = {
		{"10.0.16.9/20", "10.0.31.255"}, {"192.168.1.77/25", "192.168.1.127"},
		{"172.16.5.4/12", "172.31.255.255"}, {"10.1.2.3/8", "10.255.255.255"},
		{"10.0.0.6/30", "10.0.0.7"},	 {"10.0.0.0/31", NULL},
		{"10.255.0.1/32", NULL},
	};
	struct ctx *c = *state;
	struct lab_err *err = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct prefix p = P(cases[i].cidr);

		assert_int_equal(netlink_add_addr(c->nl, 101, &p, cases[i].cidr, &err), 0);
	}
	assert_int_equal(walk(c), ARRAY_SIZE(cases));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct attrs t;

		parse_msg(c->msg[i], sizeof(struct ifaddrmsg), &t);
		if (cases[i].bcast)
			assert_addr_attr(t.tb[IFA_BROADCAST], cases[i].bcast);
		else if (t.tb[IFA_BROADCAST])
			fail_msg("%s has a broadcast address", cases[i].cidr);
	}
}

static void test_addr_v6_dad(void **state)
{
	struct ctx *c = *state;
	struct prefix p = P("2001:db8::1/64"), ll = P("fe80::1/64");
	struct lab_err *err = NULL;
	const struct ifaddrmsg *ifa;
	struct attrs t;

	assert_int_equal(netlink_add_addr(c->nl, 102, &p, "address 2001:db8::1/64", &err), 0);
	assert_int_equal(netlink_add_addr(c->nl, 102, &ll, "address fe80::1/64", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 2);

	assert_header(c->msg[0], RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 1);
	ifa = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 64);
	assert_int_equal(ifa->ifa_index, 102);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	/* duplicate address detection, as on any host: no IFA_F_NODAD */
	assert_int_equal(ifa->ifa_flags & IFA_F_NODAD, 0);
	parse_msg(c->msg[0], sizeof(*ifa), &t);
	assert_null(t.tb[IFA_FLAGS]);
	assert_addr_attr(t.tb[IFA_LOCAL], "2001:db8::1");
	assert_addr_attr(t.tb[IFA_ADDRESS], "2001:db8::1");
	assert_null(t.tb[IFA_BROADCAST]);

	ifa = mnl_nlmsg_get_payload(c->msg[1]);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_LINK);
	assert_int_equal(ifa->ifa_flags & IFA_F_NODAD, 0);
	parse_msg(c->msg[1], sizeof(*ifa), &t);
	assert_null(t.tb[IFA_FLAGS]);
	assert_addr_attr(t.tb[IFA_LOCAL], "fe80::1");
}

/* --- routes --- */

static void test_route_via(void **state)
{
	struct ctx *c = *state;
	struct netlink_route r = {.to = P("10.2.0.0/16"), .has_via = true, .oif = 103, .metric = 20};
	struct lab_err *err = NULL;
	const struct rtmsg *rtm;
	struct attrs t;

	assert_int_equal(addr_parse("10.0.0.2", &r.via), 0);
	assert_int_equal(netlink_add_route(c->nl, &r, false, "route 10.2.0.0/16", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 1);
	assert_header(c->msg[0], RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 1);
	rtm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 16);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_protocol, RTPROT_STATIC);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	parse_msg(c->msg[0], sizeof(*rtm), &t);
	assert_addr_attr(t.tb[RTA_DST], "10.2.0.0");
	assert_addr_attr(t.tb[RTA_GATEWAY], "10.0.0.2");
	assert_u32_attr(t.tb[RTA_OIF], 103);
	assert_u32_attr(t.tb[RTA_PRIORITY], 20);
}

static void test_route_default_on_link(void **state)
{
	struct ctx *c = *state;
	struct netlink_route r = {.to = P("0.0.0.0/0"), .oif = 101};
	struct lab_err *err = NULL;
	const struct rtmsg *rtm;
	struct attrs t;

	assert_int_equal(netlink_add_route(c->nl, &r, false, "default dev eth0", &err), 0);
	assert_int_equal(walk(c), 1);
	rtm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(rtm->rtm_dst_len, 0);
	/* no gateway: the destination is on the link */
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	parse_msg(c->msg[0], sizeof(*rtm), &t);
	assert_null(t.tb[RTA_DST]);
	assert_null(t.tb[RTA_GATEWAY]);
	assert_null(t.tb[RTA_PRIORITY]);
	assert_u32_attr(t.tb[RTA_OIF], 101);
}

static void test_route_v6_replace(void **state)
{
	struct ctx *c = *state;
	struct netlink_route r = {.to = P("2001:db8:5::/48"), .has_via = true};
	struct lab_err *err = NULL;
	const struct rtmsg *rtm;
	struct attrs t;

	assert_int_equal(addr_parse("fe80::1", &r.via), 0);
	assert_int_equal(netlink_add_route(c->nl, &r, true, "route again", &err), 0);
	assert_int_equal(walk(c), 1);
	/* replace: create or overwrite, never "exists already" */
	assert_header(c->msg[0], RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, 1);
	assert_int_equal(c->msg[0]->nlmsg_flags & NLM_F_EXCL, 0);
	rtm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_dst_len, 48);
	parse_msg(c->msg[0], sizeof(*rtm), &t);
	assert_addr_attr(t.tb[RTA_DST], "2001:db8:5::");
	assert_addr_attr(t.tb[RTA_GATEWAY], "fe80::1");
	/* the kernel finds the device from the gateway */
	assert_null(t.tb[RTA_OIF]);
}

/* One multipath route: RTA_MULTIPATH with an rtnexthop and its RTA_GATEWAY per gateway. */
static void test_route_multipath(void **state)
{
	struct ctx *c = *state;
	struct addr extra[2];
	struct netlink_route r = {.to = P("10.8.0.0/24"), .has_via = true, .extra_via = extra,
				  .n_extra_via = 2};
	static const char *const gw[] = {"10.0.0.2", "10.0.1.2", "10.0.2.2"};
	struct lab_err *err = NULL;
	const struct rtmsg *rtm;
	const struct rtnexthop *nh;
	struct attrs t;
	int left, k = 0;

	assert_int_equal(addr_parse(gw[0], &r.via), 0);
	assert_int_equal(addr_parse(gw[1], &extra[0]), 0);
	assert_int_equal(addr_parse(gw[2], &extra[1]), 0);
	assert_int_equal(netlink_add_route(c->nl, &r, false, "multipath", &err), 0);
	assert_int_equal(walk(c), 1);
	rtm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	parse_msg(c->msg[0], sizeof(*rtm), &t);
	assert_addr_attr(t.tb[RTA_DST], "10.8.0.0");
	/* the gateways are in the nexthops, not beside them */
	assert_null(t.tb[RTA_GATEWAY]);
	assert_non_null(t.tb[RTA_MULTIPATH]);
	nh = mnl_attr_get_payload(t.tb[RTA_MULTIPATH]);
	left = mnl_attr_get_payload_len(t.tb[RTA_MULTIPATH]);
	while (left >= (int)sizeof(*nh) && RTNH_OK(nh, left)) {
		const struct nlattr *a = (const struct nlattr *)RTNH_DATA(nh);

		assert_true(k < 3);
		assert_int_equal(nh->rtnh_ifindex, 0);
		assert_int_equal(nh->rtnh_hops, 0);
		assert_int_equal(nh->rtnh_len, RTNH_LENGTH(MNL_ATTR_HDRLEN + 4));
		assert_int_equal(mnl_attr_get_type(a), RTA_GATEWAY);
		assert_addr_attr(a, gw[k]);
		k++;
		left -= NLMSG_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
	assert_int_equal(k, 3);
	assert_int_equal(left, 0);
}

/* --- qdiscs --- */

static void test_impair_rate_tbf(void **state)
{
	struct ctx *c = *state;
	const struct netlink_impair im = {.rate_bps = 10000000};
	struct lab_err *err = NULL;
	const struct tc_tbf_qopt *q;
	const struct tcmsg *tcm;
	struct attrs t, opts;

	assert_int_equal(netlink_set_impair(c->nl, 101, &im, "rate 10mbit on eth0", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 1);
	assert_header(c->msg[0], RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, 1);
	tcm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(tcm->tcm_ifindex, 101);
	assert_int_equal(tcm->tcm_parent, TC_H_ROOT);
	assert_int_equal(tcm->tcm_handle, 0x10000);
	parse_msg(c->msg[0], sizeof(*tcm), &t);
	assert_str_attr(t.tb[TCA_KIND], "tbf");
	parse_nested(t.tb[TCA_OPTIONS], &opts);
	assert_non_null(opts.tb[TCA_TBF_PARMS]);
	assert_int_equal(mnl_attr_get_payload_len(opts.tb[TCA_TBF_PARMS]), sizeof(*q));
	q = mnl_attr_get_payload(opts.tb[TCA_TBF_PARMS]);
	/* bytes per second */
	assert_int_equal(q->rate.rate, 1250000);
	assert_true(q->limit > 0);
	assert_non_null(opts.tb[TCA_TBF_BURST]);
	assert_true(mnl_attr_get_u32(opts.tb[TCA_TBF_BURST]) >= 4500);
	assert_null(opts.tb[TCA_TBF_RATE64]);
}

static void test_impair_delay_netem(void **state)
{
	struct ctx *c = *state;
	const struct netlink_impair im = {.delay_ns = 20000000, .jitter_ns = 5000000, .loss = 50};
	struct lab_err *err = NULL;
	const struct tc_netem_qopt *q;
	const struct nlattr *o;
	struct attrs t, opts = {0};
	size_t qlen = NLA_ALIGN(sizeof(*q));

	assert_int_equal(netlink_set_impair(c->nl, 102, &im, "delay on eth1", &err), 0);
	assert_int_equal(walk(c), 1);
	parse_msg(c->msg[0], sizeof(struct tcmsg), &t);
	assert_str_attr(t.tb[TCA_KIND], "netem");
	/* netem's options: its struct, then attributes */
	o = t.tb[TCA_OPTIONS];
	assert_non_null(o);
	assert_true(mnl_attr_get_payload_len(o) >= qlen);
	q = mnl_attr_get_payload(o);
	assert_int_equal(q->limit, 10000);
	assert_true(q->loss > UINT32_MAX / 2 - 2 && q->loss < UINT32_MAX / 2 + 2);
	assert_int_equal(mnl_attr_parse_payload((const char *)q + qlen, mnl_attr_get_payload_len(o) - qlen,
						attr_cb, &opts),
			 MNL_CB_OK);
	assert_non_null(opts.tb[TCA_NETEM_LATENCY64]);
	assert_int_equal(mnl_attr_get_u64(opts.tb[TCA_NETEM_LATENCY64]), 20000000);
	assert_non_null(opts.tb[TCA_NETEM_JITTER64]);
	assert_int_equal(mnl_attr_get_u64(opts.tb[TCA_NETEM_JITTER64]), 5000000);
	assert_null(opts.tb[TCA_NETEM_RATE]);
}

static void test_clear_impair(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	const struct tcmsg *tcm;

	assert_int_equal(netlink_clear_impair(c->nl, 103, "clear eth2", &err), 0);
	assert_int_equal(walk(c), 1);
	assert_header(c->msg[0], RTM_DELQDISC, 0, 1);
	tcm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(tcm->tcm_ifindex, 103);
	assert_int_equal(tcm->tcm_parent, TC_H_ROOT);
}

static void test_redirect(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	const struct tc_u32_sel *sel;
	const struct tc_u32_key *key;
	const struct tc_mirred *m;
	const struct tcmsg *tcm;
	struct attrs t, opts, acts, act, aopts;

	assert_int_equal(netlink_add_redirect(c->nl, 2101, 2102, "wiring l0a to l0b", &err), 0);
	assert_null(err);
	/* an ingress qdisc, then its filter */
	assert_int_equal(walk(c), 2);
	assert_header(c->msg[0], RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, 1);
	tcm = mnl_nlmsg_get_payload(c->msg[0]);
	assert_int_equal(tcm->tcm_ifindex, 2101);
	assert_int_equal(tcm->tcm_parent, TC_H_INGRESS);
	assert_int_equal(tcm->tcm_handle, 0xffff0000);
	parse_msg(c->msg[0], sizeof(*tcm), &t);
	assert_str_attr(t.tb[TCA_KIND], "ingress");
	assert_int_equal(t.n, 1);

	assert_header(c->msg[1], RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, 2);
	tcm = mnl_nlmsg_get_payload(c->msg[1]);
	assert_int_equal(tcm->tcm_ifindex, 2101);
	assert_int_equal(tcm->tcm_parent, 0xffff0000);
	assert_int_equal(TC_H_MAJ(tcm->tcm_info) >> 16, 1);    /* priority */
	assert_int_equal(TC_H_MIN(tcm->tcm_info), htons(ETH_P_ALL)); /* protocol all */
	parse_msg(c->msg[1], sizeof(*tcm), &t);
	assert_str_attr(t.tb[TCA_KIND], "u32");
	parse_nested(t.tb[TCA_OPTIONS], &opts);
	/* one key with mask 0: every frame */
	assert_non_null(opts.tb[TCA_U32_SEL]);
	assert_int_equal(mnl_attr_get_payload_len(opts.tb[TCA_U32_SEL]), sizeof(*sel) + sizeof(*key));
	sel = mnl_attr_get_payload(opts.tb[TCA_U32_SEL]);
	assert_int_equal(sel->nkeys, 1);
	assert_int_equal(sel->flags, TC_U32_TERMINAL);
	key = (const struct tc_u32_key *)(sel + 1);
	assert_int_equal(key->mask, 0);
	assert_int_equal(key->val, 0);
	/* its one action: out of the other device */
	parse_nested(opts.tb[TCA_U32_ACT], &acts);
	assert_int_equal(acts.n, 1);
	parse_nested(acts.tb[1], &act);
	assert_str_attr(act.tb[TCA_ACT_KIND], "mirred");
	parse_nested(act.tb[TCA_ACT_OPTIONS], &aopts);
	assert_non_null(aopts.tb[TCA_MIRRED_PARMS]);
	assert_int_equal(mnl_attr_get_payload_len(aopts.tb[TCA_MIRRED_PARMS]), sizeof(*m));
	m = mnl_attr_get_payload(aopts.tb[TCA_MIRRED_PARMS]);
	assert_int_equal(m->eaction, TCA_EGRESS_REDIR);
	assert_int_equal(m->action, TC_ACT_STOLEN);
	assert_int_equal(m->ifindex, 2102);
}

/* --- the batch --- */

static void test_batch_sequence_and_flags(void **state)
{
	struct ctx *c = *state;
	const struct netlink_dev a = {.ifname = "eth0", .netns_fd = -1};
	const struct netlink_dev b = {.ifname = "eth1", .netns_fd = -1};
	const struct netlink_dev br = {.ifname = "br0", .ifindex = 100, .netns_fd = -1};
	struct netlink_route r = {.to = P("10.9.0.0/16"), .oif = 101};
	struct prefix p = P("10.0.0.1/24");
	struct lab_err *err = NULL;
	static const struct {
		uint16_t type, flags;
	} want[] = {
		{RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL}, {RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL},
		{RTM_NEWLINK, 0},			  {RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL},
		{RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL}, {RTM_NEWLINK, 0},
	};

	assert_int_equal(netlink_add_bridge(c->nl, &br, false, false, "bridge", &err), 0);
	assert_int_equal(netlink_add_veth(c->nl, &a, &b, "veth", &err), 0);
	assert_int_equal(netlink_set_link(c->nl, 101, 1, 100, "port", &err), 0);
	assert_int_equal(netlink_add_addr(c->nl, 101, &p, "address", &err), 0);
	assert_int_equal(netlink_add_route(c->nl, &r, false, "route", &err), 0);
	assert_int_equal(netlink_set_link_name(c->nl, "lo", 1, "lo", &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), ARRAY_SIZE(want));
	for (size_t i = 0; i < c->n; i++) {
		/* sequence numbers from 1, each request acknowledged */
		assert_int_equal(c->msg[i]->nlmsg_seq, i + 1);
		assert_int_equal(c->msg[i]->nlmsg_type, want[i].type);
		assert_int_equal(c->msg[i]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | want[i].flags);
		assert_true(c->msg[i]->nlmsg_flags & NLM_F_ACK);
		assert_int_equal(c->msg[i]->nlmsg_pid, 0);
		assert_int_equal(c->msg[i]->nlmsg_len % 4, 0);
	}
}

static void test_sequence_per_socket(void **state)
{
	struct ctx *c = *state;
	struct netlink *nl2 = NULL;
	struct lab_err *err = NULL;
	const struct nlmsghdr *nlh;
	size_t len;

	assert_int_equal(netlink_set_link(c->nl, 1, 1, -1, "x", &err), 0);
	assert_int_equal(netlink_set_link(c->nl, 1, 1, -1, "y", &err), 0);
	assert_int_equal(netlink_open(&nl2, &err), 0);
	assert_int_equal(netlink_set_link(nl2, 1, 1, -1, "z", &err), 0);
	/* a new socket counts from 1 again */
	nlh = netlink_queued(nl2, &len);
	assert_int_equal(len, NLMSG_ALIGN(nlh->nlmsg_len));
	assert_int_equal(nlh->nlmsg_seq, 1);
	netlink_close(nl2);
	assert_int_equal(walk(c), 2);
	assert_int_equal(c->msg[1]->nlmsg_seq, 2);
}

static void test_many_requests(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	const size_t n = 400;

	for (size_t i = 0; i < n; i++) {
		char cidr[32];
		struct prefix p;

		snprintf(cidr, sizeof(cidr), "10.%zu.%zu.1/24", i / 256, i % 256);
		p = P(cidr);
		assert_int_equal(netlink_add_addr(c->nl, 101, &p, cidr, &err), 0);
	}
	assert_null(err);
	assert_int_equal(walk(c), n);
	for (size_t i = 0; i < n; i++) {
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(c->msg[i]);
		struct attrs t;
		uint8_t want[4] = {10, i / 256, i % 256, 1};

		assert_int_equal(c->msg[i]->nlmsg_seq, i + 1);
		assert_int_equal(ifa->ifa_prefixlen, 24);
		parse_msg(c->msg[i], sizeof(*ifa), &t);
		assert_bytes_attr(t.tb[IFA_LOCAL], want, 4);
	}
}

static void test_long_description(void **state)
{
	struct ctx *c = *state;
	struct lab_err *err = NULL;
	char desc[600];

	/* a description longer than the one kept is cut, never overrun */
	memset(desc, 'd', sizeof(desc) - 1);
	desc[sizeof(desc) - 1] = '\0';
	assert_int_equal(netlink_set_link(c->nl, 7, 1, -1, desc, &err), 0);
	assert_null(err);
	assert_int_equal(walk(c), 1);
}

static void test_close_drops_queue(void **state)
{
	struct netlink *nl = NULL;
	struct lab_err *err = NULL;
	struct prefix p = P("10.0.0.1/24");
	size_t len;

	(void)state;
	assert_int_equal(netlink_open(&nl, &err), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(netlink_add_addr(nl, 101, &p, "address", &err), 0);
	netlink_queued(nl, &len);
	assert_true(len > 0);
	/* closing without a flush frees what was queued (valgrind checks) */
	assert_null(netlink_close(nl));
}

static void test_proto_name(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(netlink_proto_name(RTPROT_STATIC, buf), "static");
	assert_string_equal(netlink_proto_name(RTPROT_KERNEL, buf), "kernel");
	assert_string_equal(netlink_proto_name(188, buf), "ospf");
	assert_string_equal(netlink_proto_name(189, buf), "rip");
	assert_string_equal(netlink_proto_name(250, buf), "250");
	assert_ptr_equal(netlink_proto_name(0, buf), buf);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_close),
		T(test_veth_both_ends_in_namespaces),
		T(test_veth_defaults),
		T(test_veth_longest_names),
		T(test_bridge),
		T(test_vxlan),
		T(test_vxlan_remote),
		T(test_del_link),
		T(test_set_link),
		T(test_get_link),
		T(test_trim),
		T(test_set_link_no_link_local),
		T(test_set_link_name),
		T(test_addr_v4),
		T(test_addr_v4_broadcast),
		T(test_addr_v6_dad),
		T(test_route_via),
		T(test_route_default_on_link),
		T(test_route_v6_replace),
		T(test_route_multipath),
		T(test_impair_rate_tbf),
		T(test_impair_delay_netem),
		T(test_clear_impair),
		T(test_redirect),
		T(test_batch_sequence_and_flags),
		T(test_sequence_per_socket),
		T(test_many_requests),
		T(test_long_description),
		cmocka_unit_test(test_close_drops_queue),
		cmocka_unit_test(test_proto_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
