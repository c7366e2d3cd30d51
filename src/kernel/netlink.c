/* SPDX-License-Identifier: MIT */
/* Route netlink: the socket, its batch of requests, their ACKs and errors, and dumps. */
#include "netlink_impl.h"

#include <linux/rtnetlink.h>
#include <stdio.h>
#include <sys/socket.h>

#include "log.h"
#include "util.h"

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

struct nlmsghdr *netlink_req_start(struct netlink *nl, uint16_t type, uint16_t flags,
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
	nl->pending[nl->n_pending].link_kind = NULL;
	strscpy(nl->pending[nl->n_pending].desc, desc, DESC_SIZE);
	nl->n_pending++;
	log_debug("netlink: %s (seq %u)", desc, nlh->nlmsg_seq);
	return nlh;
}

void netlink_req_end(struct netlink *nl, struct nlmsghdr *nlh)
{
	nl->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

struct pending *netlink_req_pending(struct netlink *nl)
{
	return &nl->pending[nl->n_pending - 1];
}

int netlink_fd(const struct netlink *nl)
{
	return mnl_socket_get_fd(nl->sock);
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
		/* a kind of device the kernel has no module for: "Unknown device type" */
		if (code == EOPNOTSUPP && pd && pd->link_kind) {
			r = err_make_kind(err, ERR_KERNEL, EOPNOTSUPP,
					  "%s: the kernel lacks %s devices (CONFIG_%s, the '%s' module): %s",
					  d, pd->link_kind, !strcmp(pd->link_kind, "vxlan") ? "VXLAN" : pd->link_kind,
					  pd->link_kind,
					  !strcmp(pd->link_kind, "vxlan") ?
						  "links between hosts cannot be made on this machine (modprobe vxlan, or a kernel with it)" :
						  "they cannot be made on this machine");
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

int netlink_dump(struct netlink *nl, uint16_t type, int family, size_t hdrlen, netlink_dump_cb cb,
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

void *netlink_list_add(struct dump_list *l)
{
	l->v = grow_array(l->v, &l->cap, l->n + 1, l->size);
	return (char *)l->v + l->size * l->n++;
}

int netlink_dump_list(struct netlink *nl, uint16_t type, int family, size_t hdrlen,
		      netlink_dump_cb cb, size_t size, const char *what, void **ret, size_t *ret_n,
		      struct lab_err **err)
{
	struct dump_list l = {.size = size};
	int r = -EAGAIN;

	/* a dump the kernel marks interrupted is taken again, a few times */
	for (int tries = 0; r == -EAGAIN && tries < 5; tries++) {
		l.n = 0;
		r = netlink_dump(nl, type, family, hdrlen, cb, &l, what, err);
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

