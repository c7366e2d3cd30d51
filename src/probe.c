/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>

#include "ns.h"
#include "util.h"

#define PROBE_MAGIC 0x6e65746cu /* "netl" */

struct sock {
	int netns_fd;
	int family;
	int fd;
	uint16_t id;
	size_t *index; /* seq -> probe index */
	size_t n, cap;
};

struct payload {
	uint32_t magic;
	uint32_t index;
	double sent;
};

static uint16_t checksum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static int open_in(int netns_fd, int family, struct lab_err **err)
{
	int fd = ns_socket_in(netns_fd, family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			      family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);

	if (fd < 0)
		return err_make(err, -fd, "opening an ICMP socket in a node");
	if (family == AF_INET6) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	return fd;
}

static struct sock *sock_for(struct sock **socks, size_t *n, size_t *cap, int netns_fd, int family,
			     struct lab_err **err)
{
	struct sock *s;
	int fd;

	for (size_t i = 0; i < *n; i++)
		if ((*socks)[i].netns_fd == netns_fd && (*socks)[i].family == family)
			return &(*socks)[i];
	fd = open_in(netns_fd, family, err);
	if (fd < 0)
		return NULL;
	*socks = grow_array(*socks, cap, *n + 1, sizeof(**socks));
	s = &(*socks)[(*n)++];
	*s = (struct sock){.netns_fd = netns_fd, .family = family, .fd = fd,
			   .id = (uint16_t)(getpid() * 7 + *n * 131)};
	return s;
}

static void send_one(struct sock *s, struct probe *p, uint16_t seq, size_t index)
{
	uint8_t buf[sizeof(struct icmphdr) + sizeof(struct payload)] = {0};
	struct icmphdr *h = (struct icmphdr *)buf;
	struct payload pl = {PROBE_MAGIC, (uint32_t)index, now_sec()};
	int ttl = p->ttl ? p->ttl : 64;

	h->type = s->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	h->un.echo.id = htons(s->id);
	h->un.echo.sequence = htons(seq);
	memcpy(buf + sizeof(*h), &pl, sizeof(pl));
	if (s->family == AF_INET) {
		struct sockaddr_in sa = {.sin_family = AF_INET};

		h->checksum = checksum(buf, sizeof(buf));
		memcpy(&sa.sin_addr, p->dst.bytes, 4);
		setsockopt(s->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
		sendto(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa));
	} else {
		struct sockaddr_in6 sa = {.sin6_family = AF_INET6};

		/* the kernel computes ICMPv6 checksums of raw sockets */
		memcpy(&sa.sin6_addr, p->dst.bytes, 16);
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
		sendto(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa));
	}
}

/* Match an answer to a probe of this socket: the echo header of ours is at icmp. */
static void match(struct sock *s, struct probe *probes, const uint8_t *echo, size_t len, int type,
		  bool reply, const struct addr *from)
{
	const struct icmphdr *h = (const struct icmphdr *)echo;
	uint16_t seq;
	size_t idx;

	if (len < sizeof(*h) || ntohs(h->un.echo.id) != s->id)
		return;
	seq = ntohs(h->un.echo.sequence);
	if (seq >= s->n)
		return;
	idx = s->index[seq];
	if (reply && !addr_equal(from, &probes[idx].dst))
		return;
	if (probes[idx].answered && !reply)
		return;
	probes[idx].answered = true;
	probes[idx].replied = reply;
	probes[idx].from = *from;
	probes[idx].icmp_type = type;
	if (len >= sizeof(*h) + sizeof(struct payload)) {
		struct payload pl;

		memcpy(&pl, echo + sizeof(*h), sizeof(pl));
		if (pl.magic == PROBE_MAGIC)
			probes[idx].rtt_ms = (now_sec() - pl.sent) * 1000;
	}
}

static void receive(struct sock *s, struct probe *probes)
{
	uint8_t buf[2048];

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		ssize_t n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);
		struct addr from = {.family = s->family};

		if (n <= 0)
			return;
		if (s->family == AF_INET) {
			const struct iphdr *ip = (const struct iphdr *)buf;
			size_t ihl = ip->ihl * 4;
			const struct icmphdr *h;

			if ((size_t)n < ihl + 8)
				continue;
			memcpy(from.bytes, &ip->saddr, 4);
			h = (const struct icmphdr *)(buf + ihl);
			if (h->type == ICMP_ECHOREPLY) {
				match(s, probes, buf + ihl, n - ihl, h->type, true, &from);
			} else if (h->type == ICMP_TIME_EXCEEDED || h->type == ICMP_DEST_UNREACH) {
				const struct iphdr *inner = (const struct iphdr *)(buf + ihl + 8);
				size_t off = ihl + 8;

				if ((size_t)n < off + sizeof(*inner) || inner->protocol != IPPROTO_ICMP)
					continue;
				off += inner->ihl * 4;
				if ((size_t)n >= off + 8)
					match(s, probes, buf + off, n - off, h->type, false, &from);
			}
		} else {
			const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *)&ss;
			const struct icmp6_hdr *h = (const struct icmp6_hdr *)buf;

			if (n < 8)
				continue;
			memcpy(from.bytes, &sa->sin6_addr, 16);
			if (h->icmp6_type == ICMP6_ECHO_REPLY) {
				match(s, probes, buf, n, h->icmp6_type, true, &from);
			} else {
				const struct ip6_hdr *inner = (const struct ip6_hdr *)(buf + 8);
				size_t off = 8 + sizeof(*inner);

				if ((size_t)n < off + 8 || inner->ip6_nxt != IPPROTO_ICMPV6)
					continue;
				match(s, probes, buf + off, n - off, h->icmp6_type, false, &from);
			}
		}
	}
}

int probe_run(struct probe *p, size_t n, int round_ms, int tries, struct lab_err **err)
{
	struct sock *socks = NULL;
	size_t n_socks = 0, cap = 0;
	struct pollfd *pfds = NULL;
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		struct sock *s = sock_for(&socks, &n_socks, &cap, p[i].netns_fd, p[i].dst.family, err);

		if (!s) {
			r = -(*err)->code;
			goto out;
		}
		if (s->n >= 65535) {
			r = err_make(err, E2BIG, "more than 65535 probes from one node");
			goto out;
		}
		s->index = grow_array(s->index, &s->cap, s->n + 1, sizeof(size_t));
		s->index[s->n++] = i;
	}
	pfds = xcalloc(n_socks ? n_socks : 1, sizeof(*pfds));
	for (size_t k = 0; k < n_socks; k++)
		pfds[k] = (struct pollfd){.fd = socks[k].fd, .events = POLLIN};
	for (int round = 0; round < tries; round++) {
		bool pending = false;
		double end;

		for (size_t k = 0; k < n_socks; k++)
			for (size_t q = 0; q < socks[k].n; q++)
				if (!p[socks[k].index[q]].answered) {
					send_one(&socks[k], &p[socks[k].index[q]], q, socks[k].index[q]);
					pending = true;
				}
		if (!pending)
			break;
		end = now_sec() + round_ms / 1000.0;
		for (;;) {
			int left = (int)((end - now_sec()) * 1000);
			bool all = true;

			if (left <= 0)
				break;
			if (poll(pfds, n_socks, left) < 0 && errno != EINTR)
				break;
			for (size_t k = 0; k < n_socks; k++)
				if (pfds[k].revents & POLLIN)
					receive(&socks[k], p);
			for (size_t i = 0; i < n && all; i++)
				all = p[i].answered;
			if (all)
				break;
		}
	}
out:
	for (size_t k = 0; k < n_socks; k++) {
		close(socks[k].fd);
		free(socks[k].index);
	}
	free(socks);
	free(pfds);
	return r;
}
