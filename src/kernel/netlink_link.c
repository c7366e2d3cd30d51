/* SPDX-License-Identifier: MIT */
/* Route netlink: devices (veth pairs, bridges, VXLAN tunnels), their changes and their list. */
#include "netlink_impl.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <sys/ioctl.h>

#include "util.h"

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
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, desc, err);
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
	netlink_req_end(nl, nlh);
	return 0;
}

int netlink_add_bridge(struct netlink *nl, const struct netlink_dev *br, bool stp, bool hub,
		       const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, desc, err);
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
	netlink_req_end(nl, nlh);
	return 0;
}

int netlink_add_vxlan(struct netlink *nl, const struct netlink_dev *dev,
		      const struct netlink_vxlan *vx, const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, desc, err);
	struct netlink_dev down = *dev;
	struct nlattr *linkinfo, *data;
	bool v6 = vx->local.family == AF_INET6;

	if (!nlh)
		return -(*err)->code;
	netlink_req_pending(nl)->link_kind = "vxlan";
	down.up = false;
	put_ifinfo(nlh, &down);
	put_dev_attrs(nlh, &down);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vx->vni);
	mnl_attr_put(nlh, v6 ? IFLA_VXLAN_LOCAL6 : IFLA_VXLAN_LOCAL, addr_size(vx->local.family),
		     vx->local.bytes);
	/* a unicast "group" is the one remote: the kernel makes it the default destination */
	mnl_attr_put(nlh, v6 ? IFLA_VXLAN_GROUP6 : IFLA_VXLAN_GROUP, addr_size(vx->remote.family),
		     vx->remote.bytes);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(vx->port));
	/* one remote for every frame: nothing to learn, no address of the other side kept */
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	netlink_req_end(nl, nlh);
	return 0;
}

int netlink_vxlan_remote(struct netlink *nl, int ifindex, const struct addr *remote, bool on,
			 const char *desc, struct lab_err **err)
{
	static const uint8_t all_zeros[6];
	struct nlmsghdr *nlh = netlink_req_start(nl, on ? RTM_NEWNEIGH : RTM_DELNEIGH,
						 on ? NLM_F_CREATE | NLM_F_APPEND : 0, desc, err);
	struct ndmsg *ndm;

	if (!nlh)
		return -(*err)->code;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NOARP | NUD_PERMANENT;
	ndm->ndm_flags = NTF_SELF; /* the VXLAN device's own table, not a bridge's */
	mnl_attr_put(nlh, NDA_LLADDR, sizeof(all_zeros), all_zeros);
	mnl_attr_put(nlh, NDA_DST, addr_size(remote->family), remote->bytes);
	netlink_req_end(nl, nlh);
	return 0;
}

int netlink_del_link(struct netlink *nl, int ifindex, const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_DELLINK, 0, desc, err);
	struct ifinfomsg *ifm;

	if (!nlh)
		return -(*err)->code;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	netlink_req_end(nl, nlh);
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
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_NEWLINK, 0, desc, err);
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
	netlink_req_end(nl, nlh);
	return 0;
}

int netlink_set_link_name(struct netlink *nl, const char *ifname, int up, const char *desc,
			  struct lab_err **err)
{
	struct nlmsghdr *nlh = netlink_req_start(nl, RTM_NEWLINK, 0, desc, err);
	struct ifinfomsg *ifm;

	if (!nlh)
		return -(*err)->code;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_flags = up ? IFF_UP : 0;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	netlink_req_end(nl, nlh);
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
	nlh = netlink_req_start(nl, RTM_GETLINK, 0, desc, err);
	if (!nlh)
		return -(*err)->code;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	netlink_req_end(nl, nlh);
	nl->n_gets++;
	return 0;
}

int netlink_sync_link(struct netlink *nl, const char *ifname)
{
	int fd = netlink_fd(nl);
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
	int fd = netlink_fd(nl);
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
	li = netlink_list_add(data);
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
	return netlink_dump_list(nl, RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg), on_link,
			 sizeof(**ret), "the list of interfaces", (void **)ret, ret_n, err);
}

