/* SPDX-License-Identifier: MIT */
/* Route netlink: qdiscs (impairments) and the wire's redirect (ingress, u32, mirred). */
#include "netlink_impl.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <stdio.h>

#include "util.h"

static struct nlmsghdr *qdisc_start(struct netlink *nl, uint16_t type, uint16_t flags, int ifindex,
				    const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = netlink_req_start(nl, type, flags, desc, err);
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
	netlink_req_pending(nl)->qdisc = netlink_impair_qdisc(im);
	if (netlink_req_pending(nl)->qdisc != NETLINK_QDISC_NETEM) {
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
	netlink_req_end(nl, nlh);
	return 0;
}

int netlink_clear_impair(struct netlink *nl, int ifindex, const char *desc, struct lab_err **err)
{
	struct nlmsghdr *nlh = qdisc_start(nl, RTM_DELQDISC, 0, ifindex, desc, err);

	if (!nlh)
		return -(*err)->code;
	netlink_req_end(nl, nlh);
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

	nlh = netlink_req_start(nl, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, desc, err);
	if (!nlh)
		return -(*err)->code;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_INGRESS;
	tcm->tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0); /* ffff: */
	mnl_attr_put_strz(nlh, TCA_KIND, "ingress");
	netlink_req_end(nl, nlh);

	nlh = netlink_req_start(nl, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, desc, err);
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
	netlink_req_end(nl, nlh);
	return 0;
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
		r = netlink_dump(nl, RTM_GETQDISC, AF_UNSPEC, sizeof(struct tcmsg), on_qdisc, &q,
			 "the qdiscs", err);
	if (r < 0)
		return r == -EAGAIN ? err_make(err, EAGAIN, "reading the qdiscs: they kept changing") : r;
	*ret_handle = q.handle;
	return q.found;
}

