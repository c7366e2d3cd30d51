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

/*
 * A source's socket and its probes: todo is the queue of probes to send
 * (retries go to its end), flight those sent and not yet given up on, in the
 * order they were sent (so their deadlines are in order too).
 */
struct sock {
	int netns_fd;
	int family;
	int fd;
	uint16_t id;
	size_t *index; /* seq -> probe index */
	size_t n, cap;
	size_t *todo, todo_head, todo_tail;
	size_t *flight, flight_head, flight_tail;
	double *deadline; /* by seq */
	int *tries;       /* by seq: sends so far */
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

/* linux/icmp.h's, which clashes with netinet/ip_icmp.h: a mask of the ICMP types to drop */
#define PROBE_ICMP_FILTER 1
struct probe_icmp_filter {
	uint32_t data;
};

/*
 * Each source's socket gets a large receive buffer (our own socket's, with
 * CAP_NET_ADMIN, not the host's setting) and sees only the ICMP types a probe
 * can get back: a raw socket is otherwise handed every echo request its node
 * answers, which in a big lab fills the buffer before our replies come.
 */
#define PROBE_RCVBUF (4 << 20)

static int open_in(int netns_fd, int family, struct lab_err **err)
{
	int fd = ns_socket_in(netns_fd, family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			      family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	int size = PROBE_RCVBUF;

	if (fd < 0)
		return err_make(err, -fd, "opening an ICMP socket in a node");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (family == AF_INET) {
		struct probe_icmp_filter f = {
			~(1u << ICMP_ECHOREPLY | 1u << ICMP_DEST_UNREACH | 1u << ICMP_TIME_EXCEEDED)};

		setsockopt(fd, SOL_RAW, PROBE_ICMP_FILTER, &f, sizeof(f));
	} else {
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

/* A plain echo is retried until a reply comes, a TTL probe until anything answers. */
static bool wants_retry(const struct probe *p)
{
	return p->ttl ? !p->answered : !p->replied;
}

/*
 * Probes sent from one socket before its answers are read. A probe's whole
 * round trip through veths mostly runs inside sendto(), so its answer is
 * already queued when sendto() returns: sending all of a node's probes first
 * and reading afterwards overflowed the socket (ping-all's failures from 64
 * nodes on), sending a few and reading them keeps every queue short.
 */
#define PROBE_BATCH 16

/* Send up to PROBE_BATCH of the socket's queued probes. Return: how many. */
static size_t send_batch(struct sock *s, struct probe *p, int timeout_ms)
{
	size_t sent = 0;

	while (sent < PROBE_BATCH && s->todo_head < s->todo_tail) {
		size_t seq = s->todo[s->todo_head++];

		if (!wants_retry(&p[s->index[seq]]))
			continue;
		send_one(s, &p[s->index[seq]], (uint16_t)seq, s->index[seq]);
		s->tries[seq]++;
		s->deadline[seq] = now_sec() + timeout_ms / 1000.0;
		s->flight[s->flight_tail++] = seq;
		sent++;
	}
	return sent;
}

/*
 * Retire the socket's probes that are answered, or out of time (queued again
 * while tries are left). Return: the deadline of the oldest still in flight,
 * or 0 when none is.
 */
static double expire(struct sock *s, struct probe *p, int tries, double now)
{
	while (s->flight_head < s->flight_tail) {
		size_t seq = s->flight[s->flight_head];

		if (wants_retry(&p[s->index[seq]])) {
			if (s->deadline[seq] > now)
				return s->deadline[seq];
			if (s->tries[seq] < tries)
				s->todo[s->todo_tail++] = seq;
		}
		s->flight_head++;
	}
	return 0;
}

static int add_probes(struct probe *p, size_t n, int tries, struct sock **socks, size_t *n_socks,
		      struct lab_err **err)
{
	size_t cap = 0;

	for (size_t i = 0; i < n; i++) {
		struct sock *s = sock_for(socks, n_socks, &cap, p[i].netns_fd, p[i].dst.family, err);

		if (!s)
			return -(*err)->code;
		if (s->n >= 65535)
			return err_make(err, E2BIG, "more than 65535 probes from one node");
		s->index = grow_array(s->index, &s->cap, s->n + 1, sizeof(size_t));
		s->index[s->n++] = i;
	}
	for (size_t k = 0; k < *n_socks; k++) {
		struct sock *s = &(*socks)[k];

		s->todo = xcalloc(s->n * tries, sizeof(size_t));
		s->flight = xcalloc(s->n * tries, sizeof(size_t));
		s->deadline = xcalloc(s->n, sizeof(double));
		s->tries = xcalloc(s->n, sizeof(int));
		for (size_t q = 0; q < s->n; q++)
			s->todo[s->todo_tail++] = q;
	}
	return 0;
}

/* Read whatever answers are waiting, at most wait_ms for the first. */
static void collect(struct sock *socks, struct pollfd *pfds, size_t n_socks, struct probe *p,
		    int wait_ms)
{
	if (poll(pfds, n_socks, wait_ms) <= 0)
		return;
	for (size_t k = 0; k < n_socks; k++)
		if (pfds[k].revents & POLLIN)
			receive(&socks[k], p);
}

int probe_run(struct probe *p, size_t n, int timeout_ms, int tries, struct lab_err **err)
{
	struct sock *socks = NULL;
	size_t n_socks = 0;
	struct pollfd *pfds = NULL;
	int r;

	if (tries < 1)
		tries = 1;
	r = add_probes(p, n, tries, &socks, &n_socks, err);
	if (r < 0)
		goto out;
	pfds = xcalloc(n_socks ? n_socks : 1, sizeof(*pfds));
	for (size_t k = 0; k < n_socks; k++)
		pfds[k] = (struct pollfd){.fd = socks[k].fd, .events = POLLIN};
	for (;;) {
		bool queued = false;
		double next = 0, now;

		for (size_t k = 0; k < n_socks; k++) {
			if (send_batch(&socks[k], p, timeout_ms))
				receive(&socks[k], p);
			queued |= socks[k].todo_head < socks[k].todo_tail;
		}
		now = now_sec();
		for (size_t k = 0; k < n_socks; k++) {
			double d = expire(&socks[k], p, tries, now);

			if (d && (!next || d < next))
				next = d;
			queued |= socks[k].todo_head < socks[k].todo_tail;
		}
		if (!queued && !next)
			break;
		collect(socks, pfds, n_socks, p, queued ? 0 : (int)((next - now) * 1000) + 1);
	}
out:
	for (size_t k = 0; k < n_socks; k++) {
		close(socks[k].fd);
		free(socks[k].index);
		free(socks[k].todo);
		free(socks[k].flight);
		free(socks[k].deadline);
		free(socks[k].tries);
	}
	free(socks);
	free(pfds);
	return r;
}
