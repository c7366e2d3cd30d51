/* SPDX-License-Identifier: MIT */
/*
 * bench/baseline.c: the kernel work of a netlab lab and nothing else, as fast
 * as this program can ask for it. It is the limit `make bench` measures netlab
 * against: no validation, no state, no checks, no rollback, no logging.
 *
 *   baseline [-d DIR] [-l PINDIR] [-t THREADS] [-u UTSDIR] [-s [-p]] [-j] [-4] [-P [-L]] up|down PREFIX EXPLAIN.json
 *
 * EXPLAIN.json is the output of `netlab validate --explain FILE` (every node,
 * interface and address spelled out). Reading it is not timed: the program
 * prints on stdout the seconds its kernel work took (clock_gettime around it),
 * and on stderr the time of each phase.
 *
 * up, in three phases:
 *  1. namespaces: for each node, unshare(CLONE_NEWNET) in a thread of ours
 *     (as netlab, one per CPU up to 4 from 64 nodes on; -t N sets how many),
 *     bind-mount /proc/thread-self/ns/net on /run/netns/PREFIXNODE (an empty
 *     file made first), keep an fd of it, open the node's netlink socket while
 *     inside (so no later setns is needed), setns back.
 *  2. links, from one socket in our namespace, batched (many requests per
 *     sendmsg, each with NLM_F_ACK, acks read after each batch): a bridge br0
 *     in each switch node; as netlab wires a link (a cable that can be
 *     pulled): a wire namespace made first (IPv6 off there), and for each end
 *     of a link one RTM_NEWLINK of a veth created in place with IFLA_NET_NS_FD
 *     on the request and inside VETH_INFO_PEER, its own device a wire end in
 *     the wire namespace (up at once) and its peer the node's end; then in the
 *     wire namespace, for each wire end, an ingress qdisc and a u32 filter
 *     whose mirred action passes every frame out of the link's other wire end.
 *     (-P: one veth pair a link instead, node end to node end, a switch end
 *     the request's own device with IFLA_MASTER: the kernel enslaves only
 *     that one.) Then each end's attributes are asked for from its node's
 *     socket: the kernel acts on the carrier change a new device leaves
 *     pending (see drain_links).
 *  3. nodes, one batch per node on its own socket: lo up, every interface up
 *     (routers: IPv4 forwarding on it; all: the kernel's IPv6 link-local
 *     generation off), a switch's far ends of switch-to-switch links
 *     enslaved, the addresses, and like netlab an IPv6 link-local address
 *     (no DAD) on every linked interface of a host or router that has none:
 *     both programs build the same lab. Then, as netlab does, every end's
 *     link state is read once (ETHTOOL_GLINK), wire ends too, so that the
 *     kernel has acted on every carrier change when the program ends.
 *
 * down: umount2(MNT_DETACH) and unlink every pin (with -l: unlink every
 * symlink, then one umount2 of the tmpfs with all the pins). The kernel frees
 * the namespaces afterwards, asynchronously.
 *
 *   baseline settle [TIMEOUT_S]
 *
 * waits until the kernel has finished freeing every namespace dropped so far,
 * and prints the seconds it waited. The kernel frees namespaces in batches,
 * one at a time, in the order they were dropped (net/core/net_namespace.c:
 * cleanup_net() takes the whole list, on an ordered work queue). A sentinel
 * namespace is made, given an id in ours (RTM_NEWNSID) and dropped; its
 * RTM_DELNSID comes when its batch starts, behind everything dropped before
 * it. A second sentinel, dropped then, is in the next batch: its RTM_DELNSID
 * means the batch with ours has finished. Unlike counting namespaces, this is
 * not fooled by other work on the machine making and dropping its own.
 *
 * Options that add netlab's extra work, to price it (bench/run.sh "anatomy"):
 *   -d DIR  pin the network namespaces in DIR instead of /run/netns (to price
 *           the file system the pins are made on)
 *   -l DIR  netlab's layout: the network namespace pins on a tmpfs mounted
 *           on DIR (made if missing), each named by a symlink in /run/netns;
 *           down unlinks the symlinks and detaches all pins in one unmount.
 *           Without it, the pins are bind mounts in /run/netns itself, one
 *           unmount each, as `ip netns` makes them
 *   -u DIR  a UTS namespace per node too, its host name set, pinned at
 *           DIR/NODE.uts on a tmpfs mounted on DIR at up and detached at
 *           down in one unmount (as netlab does)
 *   -s      write net.ipv6.conf.all.forwarding=1 in each router (a /proc/sys
 *           write per router)
 *   -p      with -s: write it as netlab does, through a detached procfs
 *           instance of our own, replaced every 32 writes (the dentries of
 *           /proc/sys/net/ipv6 of all namespaces share one hash chain per
 *           procfs instance: through /proc each lookup walks all of them)
 *   -j      open each node's socket in phase 3 with a setns pair (as netlab
 *           does) instead of while creating the namespace
 *   -4      no link-local addresses of our own: IPv4 addresses only
 *   -P      plain veth pairs, one a link between its two nodes, as netlab
 *           wired links before they could be pulled (to price the wire), and
 *           as it does for a topology with "cables": false (which implies -P)
 *   -L      the literal recipe (with -P): veth main ends and bridges created up
 *           (IFF_UP on the request), peers brought up from inside, IPv6
 *           link-local generation left on (a different lab from netlab's)
 *
 * Build: gcc -O2 -o baseline baseline.c $(pkg-config --cflags --libs libmnl jansson)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/if_ether.h>
#include <linux/net_namespace.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IFINDEX_LO 1
#define IFINDEX_BR 2
#define IFINDEX_FIRST 3
#define BATCH_BYTES (64 * 1024) /* flushed beyond this; well under the send buffer */

enum kind { HOST, ROUTER, SWITCH };

struct iface {
	char name[IFNAMSIZ];
	int ifindex;
	int master; /* 0, or the bridge to join from inside (far end of a switch-switch link) */
	bool main_end; /* the device of its veth request (not the peer) */
};

struct node {
	const char *name;
	enum kind kind;
	struct iface *ifs;
	int n_ifs;
	int netns_fd;
	struct mnl_socket *nl;
};

struct end {
	int node, iface;
};

struct link {
	struct end e[2]; /* e[0]: the request's own device */
};

struct addr {
	int node, ifindex, family, plen;
	unsigned char a[16];
};

static struct node *nodes;
static int n_nodes;
static struct link *links;
static int n_links;
static struct addr *addrs;
static int n_addrs;

static bool opt_uts, opt_sysctl, opt_private_proc, opt_join_late, opt_literal, opt_v4only, opt_plain;
/* the wire namespace (without -P) */
static int wire_fd = -1;
static struct mnl_socket *wire_nl;
static int opt_threads = -1; /* -t N; -1: as netlab, one per CPU up to 4 from 64 nodes */
static __thread int proc_fd = -1;
static __thread unsigned proc_uses;
static _Noreturn void die(const char *fmt, ...);

/* a procfs instance of our own, not attached anywhere (fsopen/fsmount, Linux 5.2) */
static int private_proc(void)
{
	int fs = fsopen("proc", FSOPEN_CLOEXEC), m;

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		die("making a procfs instance");
	m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		die("mounting a procfs instance");
	close(fs);
	return m;
}
static const char *uts_dir;
static const char *pin_dir; /* -l: the pins on a tmpfs here, symlinks in netns_dir */
static const char *netns_dir = "/run/netns";

static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fputs("baseline: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	exit(1);
}

static _Noreturn void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("baseline: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- reading the description (not timed) --- */

static json_t *node_index; /* name -> index */

static int iface_find(struct node *n, const char *ifname)
{
	for (int i = 0; i < n->n_ifs; i++)
		if (!strcmp(n->ifs[i].name, ifname))
			return i;
	return -1;
}

/*
 * As netlab numbers them: 2 * position + the side of the link, so that the two
 * ends of a veth never share an index (the kernel's link watch deems a veth's
 * carrier change urgent only then).
 */
static int iface_add(struct node *n, const char *ifname, int side)
{
	struct iface *f;

	if (strlen(ifname) >= IFNAMSIZ)
		fail("interface name '%s' too long", ifname);
	n->ifs = realloc(n->ifs, sizeof(*n->ifs) * (n->n_ifs + 1));
	if (!n->ifs)
		fail("out of memory");
	f = &n->ifs[n->n_ifs];
	memset(f, 0, sizeof(*f));
	strcpy(f->name, ifname);
	f->ifindex = IFINDEX_FIRST + 2 * n->n_ifs + side;
	return n->n_ifs++;
}

static struct end parse_end(const char *s, int side)
{
	char name[256];
	const char *colon = strrchr(s, ':');
	json_t *ix;
	struct end e;

	if (!colon || (size_t)(colon - s) >= sizeof(name))
		fail("endpoint '%s' is not NODE:IF", s);
	memcpy(name, s, colon - s);
	name[colon - s] = '\0';
	ix = json_object_get(node_index, name);
	if (!ix)
		fail("endpoint '%s': no node '%s'", s, name);
	e.node = (int)json_integer_value(ix);
	e.iface = iface_find(&nodes[e.node], colon + 1);
	if (e.iface < 0)
		e.iface = iface_add(&nodes[e.node], colon + 1, side);
	return e;
}

static void read_description(const char *file)
{
	json_error_t jerr;
	json_t *root = json_load_file(file, 0, &jerr), *jnodes, *jlinks, *v;
	const char *name;
	size_t i;

	if (!root)
		fail("%s:%d: %s", file, jerr.line, jerr.text);
	jnodes = json_object_get(root, "nodes");
	jlinks = json_object_get(root, "links");
	/* a lab of plain veth pairs, as netlab makes them then */
	if (json_is_false(json_object_get(root, "cables")))
		opt_plain = true;
	if (!json_is_object(jnodes))
		fail("%s: no \"nodes\" object (give the output of netlab validate --explain)", file);
	node_index = json_object();
	nodes = calloc(json_object_size(jnodes) + 1, sizeof(*nodes));
	json_object_foreach(jnodes, name, v) {
		const char *kind = json_string_value(json_object_get(v, "kind"));
		struct node *n = &nodes[n_nodes];

		n->name = strdup(name);
		n->kind = !kind || !strcmp(kind, "host") ? HOST : !strcmp(kind, "router") ? ROUTER : SWITCH;
		n->netns_fd = -1;
		json_object_set_new(node_index, name, json_integer(n_nodes));
		n_nodes++;
	}
	links = calloc(json_array_size(jlinks) + 1, sizeof(*links));
	json_array_foreach(jlinks, i, v) {
		json_t *eps = json_object_get(v, "endpoints");
		struct link *l = &links[n_links++];

		if (json_array_size(eps) != 2)
			fail("%s: links[%zu]: expected two endpoints", file, i);
		l->e[0] = parse_end(json_string_value(json_array_get(eps, 0)), 0);
		l->e[1] = parse_end(json_string_value(json_array_get(eps, 1)), 1);
		/* wired: both node ends are veth peers, a switch's joins its bridge from inside */
		for (int k = 0; !opt_plain && k < 2; k++)
			if (nodes[l->e[k].node].kind == SWITCH)
				nodes[l->e[k].node].ifs[l->e[k].iface].master = IFINDEX_BR;
		if (!opt_plain)
			continue;
		/* the kernel enslaves only the request's own device: a switch end goes there */
		if (nodes[l->e[1].node].kind == SWITCH && nodes[l->e[0].node].kind != SWITCH) {
			struct end t = l->e[0];

			l->e[0] = l->e[1];
			l->e[1] = t;
		}
		if (nodes[l->e[1].node].kind == SWITCH)
			nodes[l->e[1].node].ifs[l->e[1].iface].master = IFINDEX_BR;
		nodes[l->e[0].node].ifs[l->e[0].iface].main_end = true;
	}
	/* addresses, after the links so that every interface has its index */
	for (int k = 0; k < n_nodes; k++) {
		size_t first = n_addrs;

		json_t *ifs = json_object_get(json_object_get(jnodes, nodes[k].name), "interfaces"), *ifc;
		const char *ifname;

		json_object_foreach(ifs, ifname, ifc) {
			json_t *list = json_object_get(ifc, "addresses"), *a;
			int ifindex;

			if (!strcmp(ifname, "lo"))
				ifindex = IFINDEX_LO;
			else if (nodes[k].kind == SWITCH && !strcmp(ifname, "br0"))
				ifindex = IFINDEX_BR;
			else if (iface_find(&nodes[k], ifname) >= 0)
				ifindex = nodes[k].ifs[iface_find(&nodes[k], ifname)].ifindex;
			else
				continue; /* not linked: netlab makes no device for it either */
			json_array_foreach(list, i, a) {
				char buf[64], *slash;
				struct addr *ad;

				snprintf(buf, sizeof(buf), "%s", json_string_value(a));
				slash = strchr(buf, '/');
				if (!slash)
					fail("%s: address '%s' has no prefix length", file, buf);
				*slash = '\0';
				addrs = realloc(addrs, sizeof(*addrs) * (n_addrs + 1));
				ad = &addrs[n_addrs++];
				memset(ad, 0, sizeof(*ad));
				ad->node = k;
				ad->ifindex = ifindex;
				ad->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
				ad->plen = atoi(slash + 1);
				if (inet_pton(ad->family, buf, ad->a) != 1)
					fail("%s: bad address '%s'", file, buf);
			}
		}
		if (opt_v4only || opt_literal || nodes[k].kind == SWITCH)
			continue;
		/* fe80::NODE+1:0:IF+1/64 where the description has no link-local address */
		for (int f = 0; f < nodes[k].n_ifs; f++) {
			bool has_ll = false;
			struct addr *ad;

			for (size_t j = first; j < (size_t)n_addrs; j++)
				has_ll |= addrs[j].ifindex == nodes[k].ifs[f].ifindex &&
					  addrs[j].family == AF_INET6 && addrs[j].a[0] == 0xfe &&
					  (addrs[j].a[1] & 0xc0) == 0x80;
			if (has_ll)
				continue;
			addrs = realloc(addrs, sizeof(*addrs) * (n_addrs + 1));
			ad = &addrs[n_addrs++];
			memset(ad, 0, sizeof(*ad));
			ad->node = k;
			ad->ifindex = nodes[k].ifs[f].ifindex;
			ad->family = AF_INET6;
			ad->plen = 64;
			ad->a[0] = 0xfe;
			ad->a[1] = 0x80;
			ad->a[8] = (unsigned char)((k + 1) >> 24);
			ad->a[9] = (unsigned char)((k + 1) >> 16);
			ad->a[10] = (unsigned char)((k + 1) >> 8);
			ad->a[11] = (unsigned char)(k + 1);
			ad->a[14] = (unsigned char)((f + 1) >> 8);
			ad->a[15] = (unsigned char)(f + 1);
		}
	}
	json_decref(root);
}

/* --- netlink batches --- */

struct batch {
	struct mnl_socket *nl;
	char *buf;
	size_t len;
	unsigned seq, pending;
};

static char batch_buf[BATCH_BYTES + 8192];
static char recv_buf[1 << 16];

static struct mnl_socket *open_socket(int rcvbuf)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int one = 1;

	if (!nl)
		die("opening a netlink socket");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("binding a netlink socket");
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	/* every ack is an skb of its own: room for a whole batch of them */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	return nl;
}

static void flush(struct batch *b)
{
	if (!b->len)
		return;
	if (mnl_socket_sendto(b->nl, b->buf, b->len) < 0)
		die("sending %u netlink requests", b->pending);
	while (b->pending) {
		ssize_t n = mnl_socket_recvfrom(b->nl, recv_buf, sizeof(recv_buf));
		int left = (int)n;
		struct nlmsghdr *h = (struct nlmsghdr *)recv_buf;

		if (n < 0)
			die("reading netlink acks");
		for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			struct nlmsgerr *e;

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(h);
			if (e->error) {
				errno = -e->error;
				die("netlink request %u (type %u)", e->msg.nlmsg_seq, e->msg.nlmsg_type);
			}
			b->pending--;
		}
	}
	b->len = 0;
}

static struct nlmsghdr *req(struct batch *b, int type, int flags)
{
	struct nlmsghdr *h;

	if (b->len > BATCH_BYTES)
		flush(b);
	h = mnl_nlmsg_put_header(b->buf + b->len);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++b->seq;
	b->pending++;
	return h;
}

static void req_end(struct batch *b, struct nlmsghdr *h)
{
	b->len += NLMSG_ALIGN(h->nlmsg_len);
}

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *h, int ifindex, bool up)
{
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(h, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (up)
		ifm->ifi_flags = ifm->ifi_change = IFF_UP;
	return ifm;
}

/*
 * lo, a bridge or a veth end, up from inside its node. The settings go first,
 * in a request of their own: do_setlink() applies IFF_UP before IFLA_AF_SPEC,
 * so in one request the end that comes up second (carrier on at once) gets
 * the kernel's link-local address before the generation is turned off.
 */
static void set_up(struct batch *b, int ifindex, int master, bool forward, bool no_ll)
{
	struct nlmsghdr *h;

	if (forward || no_ll) {
		struct nlattr *spec;

		h = req(b, RTM_NEWLINK, 0);
		put_ifinfo(h, ifindex, false);
		spec = mnl_attr_nest_start(h, IFLA_AF_SPEC);
		if (forward) {
			struct nlattr *inet = mnl_attr_nest_start(h, AF_INET);
			struct nlattr *conf = mnl_attr_nest_start(h, IFLA_INET_CONF);

			mnl_attr_put_u32(h, IPV4_DEVCONF_FORWARDING, 1);
			mnl_attr_nest_end(h, conf);
			mnl_attr_nest_end(h, inet);
		}
		if (no_ll) {
			struct nlattr *inet6 = mnl_attr_nest_start(h, AF_INET6);

			mnl_attr_put_u8(h, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
			mnl_attr_nest_end(h, inet6);
		}
		mnl_attr_nest_end(h, spec);
		req_end(b, h);
	}
	h = req(b, RTM_NEWLINK, 0);
	put_ifinfo(h, ifindex, true);
	if (master)
		mnl_attr_put_u32(h, IFLA_MASTER, master);
	req_end(b, h);
}

/* --- up --- */

static void pin(const char *src, const char *path)
{
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);

	if (fd < 0)
		die("creating %s", path);
	close(fd);
	if (mount(src, path, "none", MS_BIND, NULL) < 0)
		die("bind-mounting %s on %s", src, path);
}

static void make_netns_dir(void)
{
	/* as `ip netns add` does: a shared mount, so that pins propagate and unmount everywhere */
	mkdir(netns_dir, 0755);
	if (mount("", netns_dir, "none", MS_SHARED | MS_REC, NULL) == 0)
		return;
	if (errno != EINVAL)
		die("making %s a shared mount", netns_dir);
	if (mount(netns_dir, netns_dir, "none", MS_BIND | MS_REC, NULL) < 0)
		die("bind-mounting %s on itself", netns_dir);
	if (mount("", netns_dir, "none", MS_SHARED | MS_REC, NULL) < 0)
		die("making %s a shared mount", netns_dir);
}

struct ns_job {
	const char *prefix;
	int first, step;
};

/* One thread's share of the namespaces: nodes first, first + step, ... */
static void *make_namespaces(void *arg)
{
	const struct ns_job *job = arg;
	const char *prefix = job->prefix;
	int self_net = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int self_uts = open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC);
	char path[512];
	int flags = CLONE_NEWNET | (opt_uts ? CLONE_NEWUTS : 0);

	if (self_net < 0 || self_uts < 0)
		die("opening our namespaces");
	for (int i = job->first; i < n_nodes; i += job->step) {
		struct node *n = &nodes[i];

		if (unshare(flags) < 0)
			die("unshare (node %s)", n->name);
		if (opt_uts) {
			if (sethostname(n->name, strlen(n->name)) < 0)
				die("sethostname");
			snprintf(path, sizeof(path), "%s/%s.uts", uts_dir, n->name);
			pin("/proc/thread-self/ns/uts", path);
		}
		snprintf(path, sizeof(path), "%s/%s%s", netns_dir, prefix, n->name);
		if (pin_dir) {
			char pinned[512];

			/* netlab's layout: the pin on the tmpfs, a symlink to it names it */
			snprintf(pinned, sizeof(pinned), "%s/%s", pin_dir, n->name);
			pin("/proc/thread-self/ns/net", pinned);
			if (symlink(pinned, path) < 0)
				die("symlink %s", path);
		} else {
			pin("/proc/thread-self/ns/net", path);
		}
		n->netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (n->netns_fd < 0)
			die("opening the namespace of %s", n->name);
		if (opt_sysctl && n->kind == ROUTER) {
			int fd;

			if (opt_private_proc) {
				/* netlab's way: a detached procfs of our own, new every 32 writes */
				if (proc_uses++ % 32 == 0) {
					if (proc_fd >= 0)
						close(proc_fd);
					proc_fd = private_proc();
				}
				fd = openat(proc_fd, "sys/net/ipv6/conf/all/forwarding", O_WRONLY | O_CLOEXEC);
			} else {
				fd = open("/proc/sys/net/ipv6/conf/all/forwarding", O_WRONLY | O_CLOEXEC);
			}
			if (fd < 0 || write(fd, "1", 1) != 1)
				die("writing net.ipv6.conf.all.forwarding");
			close(fd);
		}
		if (!opt_join_late)
			n->nl = open_socket(4 << 20);
		if (setns(self_net, CLONE_NEWNET) < 0)
			die("returning to our network namespace");
		if (opt_uts && setns(self_uts, CLONE_NEWUTS) < 0)
			die("returning to our UTS namespace");
	}
	if (proc_fd >= 0)
		close(proc_fd);
	close(self_net);
	close(self_uts);
	return NULL;
}

/*
 * As netlab does: the namespaces made by up to 4 threads (one per CPU) from 64
 * nodes on, since the kernel sets a namespace up mostly outside its RTNL lock.
 */
static void phase_namespaces(const char *prefix)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int t = opt_threads > 0 ? opt_threads : n_nodes >= 64 && cpus > 1 ? (cpus < 4 ? (int)cpus : 4) : 1;
	pthread_t threads[16];
	struct ns_job jobs[16];

	if (t > 16)
		t = 16;
	for (int k = 0; k < t; k++)
		jobs[k] = (struct ns_job){prefix, k, t};
	for (int k = 1; k < t; k++)
		if (pthread_create(&threads[k], NULL, make_namespaces, &jobs[k]) != 0)
			die("starting a thread");
	make_namespaces(&jobs[0]);
	for (int k = 1; k < t; k++)
		pthread_join(threads[k], NULL);
}

/*
 * A wire end's index, unique in the wire namespace and never its peer's (of
 * the other parity than any node end's), so that its carrier changes are urgent.
 */
static int wire_ifindex(int link, int side)
{
	return IFINDEX_FIRST + 2 * link + !side;
}

/* As netlink_add_redirect(): an ingress qdisc, a u32 filter matching all, mirred out of to. */
static void redirect(struct batch *b, int ifindex, int to)
{
	struct {
		struct tc_u32_sel sel;
		struct tc_u32_key key;
	} sel = {.sel = {.flags = TC_U32_TERMINAL, .nkeys = 1}};
	struct tc_mirred m = {.action = TC_ACT_STOLEN, .eaction = TCA_EGRESS_REDIR, .ifindex = to};
	struct nlattr *opts, *acts, *act, *aopts;
	struct nlmsghdr *h = req(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL);
	struct tcmsg *t = mnl_nlmsg_put_extra_header(h, sizeof(*t));

	t->tcm_ifindex = ifindex;
	t->tcm_parent = TC_H_INGRESS;
	t->tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0);
	mnl_attr_put_strz(h, TCA_KIND, "ingress");
	req_end(b, h);
	h = req(b, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL);
	t = mnl_nlmsg_put_extra_header(h, sizeof(*t));
	t->tcm_ifindex = ifindex;
	t->tcm_parent = TC_H_MAKE(TC_H_INGRESS, 0);
	t->tcm_info = TC_H_MAKE(1u << 16, htons(ETH_P_ALL));
	mnl_attr_put_strz(h, TCA_KIND, "u32");
	opts = mnl_attr_nest_start(h, TCA_OPTIONS);
	mnl_attr_put(h, TCA_U32_SEL, sizeof(sel), &sel);
	acts = mnl_attr_nest_start(h, TCA_U32_ACT);
	act = mnl_attr_nest_start(h, 1);
	mnl_attr_put_strz(h, TCA_ACT_KIND, "mirred");
	aopts = mnl_attr_nest_start(h, TCA_ACT_OPTIONS);
	mnl_attr_put(h, TCA_MIRRED_PARMS, sizeof(m), &m);
	mnl_attr_nest_end(h, aopts);
	mnl_attr_nest_end(h, act);
	mnl_attr_nest_end(h, acts);
	mnl_attr_nest_end(h, opts);
	req_end(b, h);
}

/* where the wire namespace is pinned: beside the nodes' pins, under a name no check counts */
static void wire_path(char *buf, size_t size, const char *prefix)
{
	if (pin_dir)
		snprintf(buf, size, "%s/+wire", pin_dir);
	else
		snprintf(buf, size, "%s/.%s+wire", netns_dir, prefix);
}

/* As netlab: the wire namespace, IPv6 off before any device, a socket inside. */
static void make_wire(const char *prefix, int self_net)
{
	static const char *const off[] = {"/proc/sys/net/ipv6/conf/all/disable_ipv6",
					  "/proc/sys/net/ipv6/conf/default/disable_ipv6"};
	char path[512];

	if (unshare(CLONE_NEWNET) < 0)
		die("unshare (the wire namespace)");
	wire_path(path, sizeof(path), prefix);
	pin("/proc/thread-self/ns/net", path);
	for (size_t k = 0; k < sizeof(off) / sizeof(off[0]); k++) {
		int fd = open(off[k], O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "1", 1) != 1)
			die("writing %s", off[k]);
		close(fd);
	}
	wire_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (wire_fd < 0)
		die("opening the wire namespace");
	wire_nl = open_socket(16 << 20);
	if (setns(self_net, CLONE_NEWNET) < 0)
		die("returning to our network namespace");
}

static void phase_links(void)
{
	struct batch b = {.nl = open_socket(16 << 20), .buf = batch_buf};

	for (int i = 0; i < n_nodes; i++) {
		struct nlmsghdr *h;
		struct nlattr *li;

		if (nodes[i].kind != SWITCH)
			continue;
		h = req(&b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		put_ifinfo(h, IFINDEX_BR, opt_literal);
		mnl_attr_put_strz(h, IFLA_IFNAME, "br0");
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, nodes[i].netns_fd);
		li = mnl_attr_nest_start(h, IFLA_LINKINFO);
		mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
		mnl_attr_nest_end(h, li);
		req_end(&b, h);
	}
	for (int i = 0; i < n_links && !opt_plain; i++)
		for (int k = 0; k < 2; k++) {
			const struct node *n = &nodes[links[i].e[k].node];
			const struct iface *f = &n->ifs[links[i].e[k].iface];
			struct nlmsghdr *h = req(&b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
			struct nlattr *li, *data, *peer;
			struct ifinfomsg *pm;
			char wname[IFNAMSIZ];

			/* the wire end: the request's own device, so that it comes up at once */
			snprintf(wname, sizeof(wname), "l%d%c", i, "ab"[k]);
			put_ifinfo(h, wire_ifindex(i, k), true);
			mnl_attr_put_strz(h, IFLA_IFNAME, wname);
			mnl_attr_put_u32(h, IFLA_NET_NS_FD, wire_fd);
			mnl_attr_put_u32(h, IFLA_MTU, 65535);
			li = mnl_attr_nest_start(h, IFLA_LINKINFO);
			mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
			data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
			peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
			pm = (struct ifinfomsg *)((char *)h + h->nlmsg_len);
			memset(pm, 0, sizeof(*pm));
			pm->ifi_index = f->ifindex;
			h->nlmsg_len += NLMSG_ALIGN(sizeof(*pm));
			mnl_attr_put_strz(h, IFLA_IFNAME, f->name);
			mnl_attr_put_u32(h, IFLA_NET_NS_FD, n->netns_fd);
			mnl_attr_nest_end(h, peer);
			mnl_attr_nest_end(h, data);
			mnl_attr_nest_end(h, li);
			req_end(&b, h);
		}
	for (int i = 0; i < n_links && opt_plain; i++) {
		const struct link *l = &links[i];
		const struct node *na = &nodes[l->e[0].node], *nb = &nodes[l->e[1].node];
		const struct iface *fa = &na->ifs[l->e[0].iface], *fb = &nb->ifs[l->e[1].iface];
		struct nlmsghdr *h = req(&b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		struct nlattr *li, *data, *peer;
		struct ifinfomsg *pm;

		put_ifinfo(h, fa->ifindex, opt_literal);
		mnl_attr_put_strz(h, IFLA_IFNAME, fa->name);
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, na->netns_fd);
		if (na->kind == SWITCH)
			mnl_attr_put_u32(h, IFLA_MASTER, IFINDEX_BR);
		li = mnl_attr_nest_start(h, IFLA_LINKINFO);
		mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
		data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
		peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
		pm = (struct ifinfomsg *)((char *)h + h->nlmsg_len);
		memset(pm, 0, sizeof(*pm));
		pm->ifi_index = fb->ifindex; /* no IFF_UP: the kernel refuses it (ENOTCONN) */
		h->nlmsg_len += NLMSG_ALIGN(sizeof(*pm));
		mnl_attr_put_strz(h, IFLA_IFNAME, fb->name);
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, nb->netns_fd);
		mnl_attr_nest_end(h, peer);
		mnl_attr_nest_end(h, data);
		mnl_attr_nest_end(h, li);
		req_end(&b, h);
	}
	flush(&b);
	mnl_socket_close(b.nl);
	if (opt_plain)
		return;
	/* in the wire namespace: each wire end passes what it receives out of the other */
	b = (struct batch){.nl = wire_nl, .buf = batch_buf};
	for (int i = 0; i < n_links; i++)
		for (int k = 0; k < 2; k++)
			redirect(&b, wire_ifindex(i, k), wire_ifindex(i, !k));
	flush(&b);
}

static void phase_nodes(int self_net)
{
	int ai = 0;

	for (int i = 0; i < n_nodes; i++) {
		struct node *n = &nodes[i];
		struct batch b = {.buf = batch_buf};
		bool router = n->kind == ROUTER;

		if (opt_join_late) {
			if (setns(n->netns_fd, CLONE_NEWNET) < 0)
				die("entering the namespace of %s", n->name);
			n->nl = open_socket(4 << 20);
			if (setns(self_net, CLONE_NEWNET) < 0)
				die("returning to our network namespace");
		}
		b.nl = n->nl;
		set_up(&b, IFINDEX_LO, 0, false, false);
		if (n->kind == SWITCH && !opt_literal)
			set_up(&b, IFINDEX_BR, 0, false, true);
		for (int k = 0; k < n->n_ifs; k++) {
			const struct iface *f = &n->ifs[k];

			if (opt_literal) {
				/* main ends are up already; a peer that is a switch port joins here */
				if (!f->main_end)
					set_up(&b, f->ifindex, f->master, false, false);
				continue;
			}
			set_up(&b, f->ifindex, f->master, router, true);
		}
		/* addresses are grouped by node, in node order */
		for (; ai < n_addrs && addrs[ai].node == i; ai++) {
			const struct addr *a = &addrs[ai];
			struct nlmsghdr *h = req(&b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
			struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
			int alen = a->family == AF_INET ? 4 : 16;

			ifa->ifa_family = a->family;
			ifa->ifa_prefixlen = a->plen;
			ifa->ifa_index = a->ifindex;
			if (a->family == AF_INET6)
				ifa->ifa_flags = IFA_F_NODAD;
			mnl_attr_put(h, IFA_LOCAL, alen, a->a);
			if (a->family == AF_INET)
				mnl_attr_put(h, IFA_ADDRESS, alen, a->a);
			req_end(&b, h);
		}
		flush(&b);
		close(n->netns_fd);
		n->netns_fd = -1;
	}
	/*
	 * Like netlab: once every end is up, each one's link state is read
	 * (ETHTOOL_GLINK), which makes the kernel act on a carrier change its link
	 * watch would defer by up to a second; until then a bridge drops what
	 * arrives on such a port. A lab is ready when this returns.
	 */
	for (int i = 0; i < n_nodes; i++) {
		struct node *n = &nodes[i];

		for (int k = 0; k < n->n_ifs && !opt_literal; k++) {
			struct ethtool_value ev = {.cmd = ETHTOOL_GLINK};
			struct ifreq ifr = {.ifr_data = (void *)&ev};

			snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", n->ifs[k].name);
			if (ioctl(mnl_socket_get_fd(n->nl), SIOCETHTOOL, &ifr) < 0)
				die("reading the link state of %s:%s", n->name, n->ifs[k].name);
		}
		mnl_socket_close(n->nl);
		n->nl = NULL;
	}
	for (int i = 0; i < n_links && !opt_plain; i++)
		for (int k = 0; k < 2; k++) {
			struct ethtool_value ev = {.cmd = ETHTOOL_GLINK};
			struct ifreq ifr = {.ifr_data = (void *)&ev};

			snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "l%d%c", i, "ab"[k]);
			if (ioctl(mnl_socket_get_fd(wire_nl), SIOCETHTOOL, &ifr) < 0)
				die("reading the link state of wire %s", ifr.ifr_name);
		}
	if (wire_nl) {
		mnl_socket_close(wire_nl);
		close(wire_fd);
		wire_nl = NULL;
	}
}

/*
 * As netlab does after creating the links: a request for each end's
 * attributes makes the kernel act on the carrier change each new device left
 * pending. Its link watch handles at most 100 such changes a second and every
 * urgent run walks all the pending ones: without this, bringing ends up in
 * phase 3 walks 2 per link for each end (4,096 nodes: 2.5 s more).
 */
static void drain_links(void)
{
	/* -L: the literal recipe; -j: no node sockets yet */
	for (int i = 0; i < n_nodes && !opt_literal && !opt_join_late; i++) {
		struct batch b = {.buf = batch_buf, .nl = nodes[i].nl};

		for (int k = 0; k < nodes[i].n_ifs; k++) {
			struct nlmsghdr *h = req(&b, RTM_GETLINK, 0);

			put_ifinfo(h, nodes[i].ifs[k].ifindex, false);
			mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
			req_end(&b, h);
			if (b.pending >= 256)
				flush(&b);
		}
		flush(&b);
	}
}

static void do_up(const char *prefix)
{
	int self_net = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int self_uts = open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC);
	double t0, t1, t2, t3;

	if (self_net < 0 || self_uts < 0)
		die("opening our namespaces");
	t0 = now();
	make_netns_dir();
	if (pin_dir && (mkdir(pin_dir, 0700) < 0 && errno != EEXIST))
		die("creating %s", pin_dir);
	if (pin_dir && mount("tmpfs", pin_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		die("mounting a tmpfs on %s", pin_dir);
	if (opt_uts && mount("tmpfs", uts_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		die("mounting a tmpfs on %s", uts_dir);
	if (!opt_plain)
		make_wire(prefix, self_net);
	phase_namespaces(prefix);
	t1 = now();
	phase_links();
	drain_links();
	t2 = now();
	phase_nodes(self_net);
	t3 = now();
	close(self_net);
	close(self_uts);
	fprintf(stderr,
		"baseline up: %d nodes, %d links, %d addresses: namespaces %.3f s, links %.3f s, nodes %.3f s, total %.3f s\n",
		n_nodes, n_links, n_addrs, t1 - t0, t2 - t1, t3 - t2, t3 - t0);
	printf("%.4f\n", t3 - t0);
}

static void do_down(const char *prefix)
{
	char path[512];
	double t0 = now();

	for (int i = 0; i < n_nodes; i++) {
		snprintf(path, sizeof(path), "%s/%s%s", netns_dir, prefix, nodes[i].name);
		if (!pin_dir && umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
			die("unmounting %s", path);
		if (unlink(path) < 0 && errno != ENOENT)
			die("removing %s", path);
	}
	/* the wire namespace: on the tmpfs with -l, else a pin of its own */
	wire_path(path, sizeof(path), prefix);
	if (!pin_dir && umount2(path, MNT_DETACH) == 0 && unlink(path) < 0)
		die("removing %s", path);
	/* -l: every pin at once, with their tmpfs */
	if (pin_dir && (umount2(pin_dir, MNT_DETACH) < 0 || rmdir(pin_dir) < 0))
		die("unmounting %s", pin_dir);
	/* the UTS pins: all on the tmpfs on uts_dir, detached at once (as netlab does) */
	if (opt_uts && umount2(uts_dir, MNT_DETACH) < 0)
		die("unmounting %s", uts_dir);
	fprintf(stderr, "baseline down: %d nodes: %.3f s\n", n_nodes, now() - t0);
	printf("%.4f\n", now() - t0);
}

/* --- settle --- */

static int nsid_of(struct mnl_socket *nl, int fd, unsigned seq)
{
	char b[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(b);
	struct rtgenmsg *g;
	ssize_t n;

	h->nlmsg_type = RTM_GETNSID;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(h, NETNSA_FD, fd);
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		die("RTM_GETNSID");
	n = mnl_socket_recvfrom(nl, b, sizeof(b));
	if (n < 0)
		die("RTM_GETNSID reply");
	h = (struct nlmsghdr *)b;
	if (h->nlmsg_type == RTM_NEWNSID) {
		struct nlattr *a;

		mnl_attr_for_each(a, h, sizeof(struct rtgenmsg))
			if (mnl_attr_get_type(a) == NETNSA_NSID)
				return (int)mnl_attr_get_u32(a);
	}
	fail("no id for the sentinel namespace");
}

/* one sentinel: made, given an id, dropped; returns once its RTM_DELNSID came */
static void sentinel(struct mnl_socket *req_nl, struct mnl_socket *mon, double deadline)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd, id;
	struct batch b = {.nl = req_nl, .buf = batch_buf};
	struct nlmsghdr *h;
	struct rtgenmsg *g;

	if (self < 0 || unshare(CLONE_NEWNET) < 0)
		die("making a sentinel namespace");
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(self, CLONE_NEWNET) < 0)
		die("returning from the sentinel namespace");
	close(self);
	h = req(&b, RTM_NEWNSID, 0);
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(h, NETNSA_FD, fd);
	mnl_attr_put_u32(h, NETNSA_NSID, (uint32_t)NETNSA_NSID_NOT_ASSIGNED);
	req_end(&b, h);
	flush(&b);
	id = nsid_of(req_nl, fd, 1000);
	close(fd); /* the last reference: the kernel queues it for cleanup */
	for (;;) {
		struct pollfd p = {.fd = mnl_socket_get_fd(mon), .events = POLLIN};
		int left = (int)((deadline - now()) * 1000), n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			fail("the kernel has not freed the namespaces in time");
		n = (int)mnl_socket_recvfrom(mon, recv_buf, sizeof(recv_buf));
		if (n < 0) {
			if (errno == ENOBUFS)
				continue;
			die("reading namespace id events");
		}
		for (h = (struct nlmsghdr *)recv_buf; mnl_nlmsg_ok(h, n); h = mnl_nlmsg_next(h, &n)) {
			struct nlattr *a;

			if (h->nlmsg_type != RTM_DELNSID)
				continue;
			mnl_attr_for_each(a, h, sizeof(struct rtgenmsg))
				if (mnl_attr_get_type(a) == NETNSA_NSID && (int)mnl_attr_get_u32(a) == id)
					return;
		}
	}
}

static void do_settle(double timeout)
{
	struct mnl_socket *req_nl = open_socket(1 << 20), *mon = open_socket(4 << 20);
	unsigned group = RTNLGRP_NSID;
	double t0 = now();

	if (mnl_socket_setsockopt(mon, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		die("subscribing to namespace id events");
	sentinel(req_nl, mon, t0 + timeout);
	sentinel(req_nl, mon, t0 + timeout);
	printf("%.4f\n", now() - t0);
	mnl_socket_close(req_nl);
	mnl_socket_close(mon);
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int c;

	while ((c = getopt(argc, argv, "+d:l:t:u:spjL4P")) != -1) {
		switch (c) {
		case 't':
			opt_threads = atoi(optarg);
			break;
		case 'd':
			netns_dir = optarg;
			break;
		case 'l':
			pin_dir = optarg;
			break;
		case 'u':
			opt_uts = true;
			uts_dir = optarg;
			break;
		case 'p':
			opt_private_proc = true;
			break;
		case 's':
			opt_sysctl = true;
			break;
		case 'j':
			opt_join_late = true;
			break;
		case 'L':
			opt_literal = true;
			break;
		case 'P':
			opt_plain = true;
			break;
		case '4':
			opt_v4only = true;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "settle")) {
		do_settle(optind + 1 < argc ? atof(argv[optind + 1]) : 120);
		return 0;
	}
	if (argc - optind != 3 || (strcmp(argv[optind], "up") && strcmp(argv[optind], "down"))) {
		fprintf(stderr, "usage: baseline [-d DIR] [-l PINDIR] [-t THREADS] [-u UTSDIR] [-s [-p]] [-j] [-4] [-P [-L]] up|down PREFIX EXPLAIN.json\n"
				"       baseline settle [TIMEOUT_S]\n");
		return 2;
	}
	read_description(argv[optind + 2]);
	/* a namespace fd and a socket per node stay open during up */
	rl.rlim_cur = rl.rlim_max = 2 * (rlim_t)n_nodes + 256;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 2 * (rlim_t)n_nodes + 256) {
		rl.rlim_cur = 2 * (rlim_t)n_nodes + 256;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			die("raising the open file limit to %llu", (unsigned long long)rl.rlim_cur);
	}
	if (!strcmp(argv[optind], "up"))
		do_up(argv[optind + 1]);
	else
		do_down(argv[optind + 1]);
	return 0;
}
