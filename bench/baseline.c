/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own pace for a lab: only the work, no parsing worth the name,
 * no state, no checks. Namespaces pinned by bind mounts, veth pairs created in
 * place, bridges and ports, addresses, links up, with batched netlink.
 *
 *   baseline up PREFIX < description      baseline down PREFIX < description
 *
 * The description, one item a line:
 *   node NAME SWITCH(0|1)
 *   link A IFA B IFB            (node indexes; the switch end first)
 *   addr NODE IFNAME CIDR       (IPv4)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct node { char name[64]; int sw; int fd; int next_index; };
struct link { int a, b; char ia[16], ib[16]; int xa, xb; };
struct addr { int node; char ifname[16]; char cidr[64]; };

static struct node *nodes; static int n_nodes;
static struct link *links; static int n_links;
static struct addr *addrs; static int n_addrs;

static void die(const char *what) { perror(what); exit(1); }

static char buf[1 << 20];
static size_t len;
static unsigned seq, pending;

static void flush(struct mnl_socket *nl)
{
	char rbuf[1 << 16];

	if (!len)
		return;
	if (mnl_socket_sendto(nl, buf, len) < 0)
		die("sendto");
	while (pending) {
		int n = (int)mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		struct nlmsghdr *h = (struct nlmsghdr *)rbuf;

		if (n < 0)
			die("recvfrom");
		for (; mnl_nlmsg_ok(h, n); h = mnl_nlmsg_next(h, &n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

				if (e->error) {
					errno = -e->error;
					die("netlink");
				}
				pending--;
			}
		}
	}
	len = 0;
}

static struct nlmsghdr *start(struct mnl_socket *nl, int type, int flags)
{
	struct nlmsghdr *h;

	if (len > 60 * 1024) /* one send must fit the socket buffer */
		flush(nl);
	h = mnl_nlmsg_put_header(buf + len);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++seq;
	pending++;
	return h;
}

static void end(struct nlmsghdr *h) { len += NLMSG_ALIGN(h->nlmsg_len); }

static struct mnl_socket *open_nl(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int one = 1, big = 8 << 20;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	return nl;
}

static int ifindex_of(int node, const char *ifname)
{
	if (!strcmp(ifname, "lo"))
		return 1;
	for (int i = 0; i < n_links; i++) {
		if (links[i].a == node && !strcmp(links[i].ia, ifname))
			return links[i].xa;
		if (links[i].b == node && !strcmp(links[i].ib, ifname))
			return links[i].xb;
	}
	return 0;
}

static void read_description(void)
{
	char line[512], a[64], b[16], c[64], d[16];
	int na = 0, la = 0, aa = 0;

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "node %63s %d", a, &na) == 2) {
			nodes = realloc(nodes, sizeof(*nodes) * (n_nodes + 1));
			memset(&nodes[n_nodes], 0, sizeof(*nodes));
			snprintf(nodes[n_nodes].name, sizeof(nodes[0].name), "%s", a);
			nodes[n_nodes].sw = na;
			nodes[n_nodes].next_index = 101;
			n_nodes++;
		} else if (sscanf(line, "link %63s %15s %63s %15s", a, b, c, d) == 4) {
			struct link *l;

			links = realloc(links, sizeof(*links) * (n_links + 1));
			l = &links[n_links++];
			l->a = atoi(a);
			l->b = atoi(c);
			snprintf(l->ia, sizeof(l->ia), "%s", b);
			snprintf(l->ib, sizeof(l->ib), "%s", d);
			l->xa = nodes[l->a].next_index++;
			l->xb = nodes[l->b].next_index++;
			la++;
		} else if (sscanf(line, "addr %63s %15s %63s", a, b, c) == 3) {
			addrs = realloc(addrs, sizeof(*addrs) * (n_addrs + 1));
			addrs[n_addrs].node = atoi(a);
			snprintf(addrs[n_addrs].ifname, sizeof(addrs[0].ifname), "%s", b);
			snprintf(addrs[n_addrs].cidr, sizeof(addrs[0].cidr), "%s", c);
			n_addrs++;
			aa++;
		}
	}
	(void)la;
	(void)aa;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void up(const char *prefix)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct mnl_socket *nl;
	char path[256];

	for (int i = 0; i < n_nodes; i++) {
		int fd;

		if (unshare(CLONE_NEWNET) < 0)
			die("unshare");
		snprintf(path, sizeof(path), "/run/netns/%s%s", prefix, nodes[i].name);
		fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
		if (fd < 0)
			die(path);
		close(fd);
		if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
			die("mount");
		nodes[i].fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (setns(self, CLONE_NEWNET) < 0)
			die("setns back");
	}
	nl = open_nl();
	for (int i = 0; i < n_nodes; i++) {
		struct nlmsghdr *h;
		struct ifinfomsg *ifm;
		struct nlattr *li;

		if (!nodes[i].sw)
			continue;
		h = start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		ifm = mnl_nlmsg_put_extra_header(h, sizeof(*ifm));
		ifm->ifi_index = 100;
		ifm->ifi_flags = ifm->ifi_change = IFF_UP;
		mnl_attr_put_strz(h, IFLA_IFNAME, "br0");
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, nodes[i].fd);
		li = mnl_attr_nest_start(h, IFLA_LINKINFO);
		mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
		mnl_attr_nest_end(h, li);
		end(h);
	}
	for (int i = 0; i < n_links; i++) {
		struct link *l = &links[i];
		struct nlmsghdr *h = start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(h, sizeof(*ifm)), *pm;
		struct nlattr *li, *data, *peer;

		ifm->ifi_index = l->xa;
		ifm->ifi_flags = ifm->ifi_change = IFF_UP;
		mnl_attr_put_strz(h, IFLA_IFNAME, l->ia);
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, nodes[l->a].fd);
		if (nodes[l->a].sw)
			mnl_attr_put_u32(h, IFLA_MASTER, 100);
		li = mnl_attr_nest_start(h, IFLA_LINKINFO);
		mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
		data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
		peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
		pm = (struct ifinfomsg *)((char *)h + h->nlmsg_len);
		memset(pm, 0, sizeof(*pm));
		pm->ifi_index = l->xb;
		h->nlmsg_len += NLMSG_ALIGN(sizeof(*pm));
		mnl_attr_put_strz(h, IFLA_IFNAME, l->ib);
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, nodes[l->b].fd);
		mnl_attr_nest_end(h, peer);
		mnl_attr_nest_end(h, data);
		mnl_attr_nest_end(h, li);
		end(h);
	}
	flush(nl);
	mnl_socket_close(nl);
	/* inside each node: lo and the peers up, addresses */
	for (int i = 0; i < n_nodes; i++) {
		if (setns(nodes[i].fd, CLONE_NEWNET) < 0)
			die("setns");
		nl = open_nl();
		if (setns(self, CLONE_NEWNET) < 0)
			die("setns back");
		for (int k = 0; k <= n_links; k++) {
			int idx = k == n_links ? 1 : links[k].b == i ? links[k].xb : 0;
			struct nlmsghdr *h;
			struct ifinfomsg *ifm;

			if (!idx)
				continue;
			h = start(nl, RTM_NEWLINK, 0);
			ifm = mnl_nlmsg_put_extra_header(h, sizeof(*ifm));
			ifm->ifi_index = idx;
			ifm->ifi_flags = ifm->ifi_change = IFF_UP;
			end(h);
		}
		for (int k = 0; k < n_addrs; k++) {
			struct nlmsghdr *h;
			struct ifaddrmsg *ifa;
			char a[64], *slash;
			struct in_addr in;

			if (addrs[k].node != i)
				continue;
			snprintf(a, sizeof(a), "%s", addrs[k].cidr);
			slash = strchr(a, '/');
			*slash = '\0';
			inet_pton(AF_INET, a, &in);
			h = start(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
			ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
			ifa->ifa_family = AF_INET;
			ifa->ifa_prefixlen = atoi(slash + 1);
			ifa->ifa_index = ifindex_of(i, addrs[k].ifname);
			mnl_attr_put(h, IFA_LOCAL, 4, &in);
			mnl_attr_put(h, IFA_ADDRESS, 4, &in);
			end(h);
		}
		flush(nl);
		mnl_socket_close(nl);
		close(nodes[i].fd);
	}
	close(self);
}

static void down(const char *prefix)
{
	char path[256];

	for (int i = 0; i < n_nodes; i++) {
		snprintf(path, sizeof(path), "/run/netns/%s%s", prefix, nodes[i].name);
		umount2(path, MNT_DETACH);
		unlink(path);
	}
}

int main(int argc, char **argv)
{
	struct rlimit rl = {1 << 16, 1 << 16};
	double t0, t1;

	if (argc != 3)
		return fprintf(stderr, "usage: baseline up|down PREFIX < description\n"), 2;
	setrlimit(RLIMIT_NOFILE, &rl);
	read_description();
	t0 = now();
	if (!strcmp(argv[1], "up"))
		up(argv[2]);
	else
		down(argv[2]);
	t1 = now();
	fprintf(stderr, "baseline %s: %d nodes, %d links in %.3f s\n", argv[1], n_nodes, n_links, t1 - t0);
	return 0;
}
