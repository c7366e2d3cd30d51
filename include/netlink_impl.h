/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Inside the netlink module (src/kernel/netlink*.c), the only files that
 * include libmnl: the socket with its batch of pending requests, and the
 * helpers that queue one request and run a dump. Not for other modules.
 *
 *   netlink.c        the socket, the batch, ACKs and errors, dumps
 *   netlink_link.c   devices: veth, bridge, VXLAN, their changes and list
 *   netlink_route.c  addresses and routes, and their lists
 *   netlink_tc.c     qdiscs: impairments, the wire's redirect
 */
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "netlink.h"

/* Requests are sent when the batch reaches this size; ACKs are small (NETLINK_CAP_ACK). */
#define BATCH_SIZE (64 * 1024)
#define DESC_SIZE 112
#define RECV_SIZE 32768 /* RECV_SIZE, which libmnl 1.0.4 lacks */

/* A request sent and not yet acknowledged: how to name it, and what it needs of the kernel. */
struct pending {
	uint32_t seq;
	char desc[DESC_SIZE];
	enum netlink_qdisc qdisc; /* the qdisc it adds, if it adds one */
	const char *link_kind;    /* the kind of device it makes, when a module may lack ("vxlan") */
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

/*
 * Start a request in the batch (flushing first when it is full): header,
 * NLM_F_REQUEST | NLM_F_ACK | flags, the next sequence number, desc kept for
 * its error. Return: the message to fill, or NULL with *err set.
 */
struct nlmsghdr *netlink_req_start(struct netlink *nl, uint16_t type, uint16_t flags,
				   const char *desc, struct lab_err **err);
/* End a request started by netlink_req_start: it joins the batch. */
void netlink_req_end(struct netlink *nl, struct nlmsghdr *nlh);
/* The pending entry of the request being built (the last one started). */
struct pending *netlink_req_pending(struct netlink *nl);
/* The socket's file descriptor (for its ioctls). */
int netlink_fd(const struct netlink *nl);

typedef int (*netlink_dump_cb)(const struct nlmsghdr *nlh, void *data);
/* Run a dump, each message to cb. Return: 0, -EAGAIN when interrupted (retry), or -errno. */
int netlink_dump(struct netlink *nl, uint16_t type, int family, size_t hdrlen, netlink_dump_cb cb,
		 void *data, const char *what, struct lab_err **err);

/* What a dump collects: an array of elements of one size. */
struct dump_list {
	void *v;
	size_t n, cap, size;
};
/* A new zeroed element at the end of the list. */
void *netlink_list_add(struct dump_list *l);
/* Dump into a list of elements of size (retried when interrupted), handing the array out. */
int netlink_dump_list(struct netlink *nl, uint16_t type, int family, size_t hdrlen,
		      netlink_dump_cb cb, size_t size, const char *what, void **ret, size_t *ret_n,
		      struct lab_err **err);
