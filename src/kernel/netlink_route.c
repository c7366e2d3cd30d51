/* SPDX-License-Identifier: MIT */
/* Route netlink: addresses and routes, and their lists. */
#include "netlink_impl.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

#include "util.h"

int netlink_add_addr(struct netlink *nl, int ifindex, const struct prefix *p, const char *desc,
		     struct lab_err **err)
{
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, desc, err);
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
	netlink_req_end(nl, nlh);
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
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_NEWROUTE,
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
	netlink_req_end(nl, nlh);
	return 0;
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
	ai = netlink_list_add(data);
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
	return netlink_dump_list(nl, RTM_GETADDR, family, sizeof(struct ifaddrmsg), on_addr,
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
	ri = netlink_list_add(data);
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
	return netlink_dump_list(nl, RTM_GETROUTE, family, sizeof(struct rtmsg), on_route, sizeof(**ret),
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

