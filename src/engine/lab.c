/* SPDX-License-Identifier: MIT */
#include "lab.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "labinfo.h"
#include "layout.h"
#include "log.h"
#include "dad.h"
#include "netlink.h"
#include "lab_node.h"
#include "node_env.h"
#include "ns.h"
#include "ns_node.h"
#include "plan.h"
#include "topo_parse.h"
#include "util.h"


/* The name of a node's interface by its planned index. */
static const char *ifname_of(const struct topo_node *n, int ifindex)
{
	if (ifindex == PLAN_IFINDEX_LO)
		return "lo";
	if (ifindex == PLAN_IFINDEX_BRIDGE)
		return TOPO_BRIDGE_NAME;
	ssize_t pos = plan_iface_pos(n, ifindex);

	return pos >= 0 ? n->ifaces[pos].name : "?";
}

/*
 * A progress line on a terminal for labs of more than 50 nodes: off with -q,
 * -v (the steps are printed instead) or when stderr is not a terminal.
 */
static bool progress_on;

static void progress(const char *lab, const char *phase, size_t done, size_t total)
{
	static unsigned last = 101;
	unsigned pct;

	if (!progress_on || total == 0)
		return;
	pct = done * 100 / total;
	if (pct == last && done != total)
		return;
	last = pct;
	fprintf(stderr, "\rnetlab: %s: %-24s %3u%% (%zu/%zu)%s", lab, phase, pct, done, total,
		done == total ? "\033[K" : "");
	if (done == total && !strcmp(phase, "configuring nodes"))
		fputs("\r\033[K", stderr);
}

/* A SIGINT, SIGTERM or SIGHUP during `up`: finish the current step, then roll back. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

static int check_interrupt(struct lab_err **err)
{
	if (!interrupted)
		return 0;
	return err_make_kind(err, ERR_RUNTIME, EINTR, "interrupted by signal %d (%s)", (int)interrupted,
			     strsignal(interrupted));
}

/* Namespaces hold file descriptors while a lab is built: allow as many as the hard limit. */
static void raise_nofile(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need + 64)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need + 64) {
		rl.rlim_max = need + 64;
		rl.rlim_cur = need + 64;
	}
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_warn("cannot raise the open files limit to %zu: %s", need + 64, strerror(errno));
}

static struct state *state_from_plan(const struct plan *p)
{
	const struct topo *t = p->topo;
	struct state *s = state_new(t->name);
	char *abs = realpath(t->file, NULL);

	s->status = xstrdup("creating");
	s->topology = abs ? abs : xstrdup(t->file);
	s->meta = xcalloc(2 * t->n_meta + 1, sizeof(char *));
	for (size_t i = 0; i < t->n_meta; i++) {
		s->meta[2 * i] = xstrdup(t->meta[i].key);
		s->meta[2 * i + 1] = xstrdup(t->meta[i].value);
	}
	s->n_meta = t->n_meta;
	s->created = time(NULL);
	s->creator_pid = getpid();
	s->creator_start = ns_start_time(getpid());
	s->nodes = xcalloc(p->n_nodes, sizeof(*s->nodes));
	for (size_t i = 0; i < p->n_nodes; i++) {
		const struct topo_node *n = p->nodes[i].node;

		s->nodes[i] = (struct state_node){
			.name = xstrdup(n->name),
			.kind = xstrdup(topo_kind_name(n->kind)),
			.hostname = xstrdup(n->hostname),
			.netns = xstrdup(p->nodes[i].netns),
			.pid = n->iso.pid,
			.mount = n->iso.mount,
			.ipc = n->iso.ipc,
			.cgroup = n->iso.cgroup,
			.has_cgroup = n->iso.cgroup,
			.memory = n->limits.memory,
			.cpu = n->limits.cpu,
			.pids = n->limits.pids,
		};
		s->nodes[i].env = xcalloc(n->n_env + 1, sizeof(char *));
		for (size_t k = 0; k < n->n_env; k++)
			s->nodes[i].env[k] = xasprintf("%s=%s", n->env[k].key, n->env[k].value);
		s->nodes[i].n_env = n->n_env;
		s->nodes[i].shutdown = xcalloc(n->n_shutdown + 1, sizeof(char *));
		for (size_t k = 0; k < n->n_shutdown; k++)
			s->nodes[i].shutdown[k] = xstrdup(n->shutdown[k]);
		s->nodes[i].n_shutdown = n->n_shutdown;
		s->nodes[i].shell = n->shell ? xstrdup(n->shell) : NULL;
	}
	s->n_nodes = p->n_nodes;
	s->links = xcalloc(t->n_links, sizeof(*s->links));
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];

		for (int k = 0; k < 2; k++) {
			const struct topo_node *n = &t->nodes[l->ep[k].node];

			s->links[i].ends[k] = xasprintf("%s:%s", n->name, n->ifaces[l->ep[k].iface].name);
		}
		s->links[i].up = l->up;
		s->links[i].wire[0] = p->links[i].wire[0].ifindex;
		s->links[i].wire[1] = p->links[i].wire[1].ifindex;
		s->links[i].plain = !p->wired;
		s->links[i].impair[0] = l->impair[0];
		s->links[i].impair[1] = l->impair[1];
	}
	s->n_links = t->n_links;
	return s;
}

/*
 * Remove what a lab's nodes own (only those with only[i] set, when only is
 * given): processes, then pins. Errors are warnings: go on.
 *
 * A lab's network namespace pins all sit on one tmpfs, detached at once and
 * last: one unmount, one RCU grace period, instead of one per node. Each unmount waits
 * for a grace period, which the kernel's freeing of the namespaces let go so
 * far holds up (net/core/net_namespace.c cleanup_net walks every namespace on
 * the machine for each one it frees without yielding, and a big bridged LAN's
 * MLD floods keep the CPUs in softirq): unpinned one by one, 4,096 nodes took
 * 2 s to go down, and a 1,000-host switch 1.5 s.
 */
static void remove_nodes(const char *lab, const struct state_node *nodes, size_t n,
			 const bool *only, bool old_layout)
{
	ino_t *inodes = xcalloc(n ? n : 1, sizeof(*inodes)), *busy = NULL;
	enum ns_entry *entry = xcalloc(n ? n : 1, sizeof(*entry));
	/* the namespaces with processes: only when there are any, the lab's need looking at */
	size_t n_busy = ns_process_netns(&busy), k = 0;
	int killed;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *link = NULL, *pin = NULL;
		ino_t ino;

		if (only && !only[i])
			continue;
		link = layout_netns_link(nodes[i].netns);
		pin = ns_pin_path(lab, nodes[i].name);
		entry[i] = ns_netns_entry(link, pin);
		/* a lab of netlab 0.x pinned in /run/netns; since, a pin there is not netlab's */
		if (entry[i] == NS_ENTRY_PIN && !old_layout)
			entry[i] = NS_ENTRY_FOREIGN;
		if (!n_busy)
			continue;
		/* the processes of netlab's own pin, whatever /run/netns now says */
		if (!old_layout)
			ino = ns_pin_inode(pin);
		else
			ino = entry[i] == NS_ENTRY_PIN ? ns_pinned_inode(link) : 0;
		if (!ino) {
			/* the pin is gone (ip netns del): the node's init still knows its namespace */
			int init = lab_node_init_pid(lab, nodes[i].name, &nodes[i]);
			_cleanup_free_ char *np = init > 0 ? xasprintf("/proc/%d/ns/net", init) : NULL;
			struct stat st;

			if (np && stat(np, &st) == 0)
				ino = st.st_ino;
		}
		if (ino && ns_inode_in(ino, busy, n_busy))
			inodes[k++] = ino;
	}
	free(busy);
	killed = ns_kill_processes(inodes, k);
	if (killed)
		log_info("lab '%s': ended %d process%s", lab, killed, killed == 1 ? "" : "es");
	free(inodes);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = NULL;
		_cleanup_err_ struct lab_err *e = NULL;

		if (only && !only[i])
			continue;
		p = layout_netns_link(nodes[i].netns);
		if (entry[i] == NS_ENTRY_LINK && unlink(p) < 0 && errno != ENOENT)
			log_warn("node '%s': removing '%s': %s, ignoring", nodes[i].name, p, strerror(errno));
		if (entry[i] == NS_ENTRY_PIN && ns_unpin(p, &e) < 0)
			log_warn("node '%s': %s, ignoring", nodes[i].name, e->msg);
		if (nodes[i].has_cgroup && cgroup_remove(lab, nodes[i].name, &e) < 0)
			log_warn("node '%s': %s, ignoring", nodes[i].name, e->msg);
	}
	free(entry);
	/* the UTS and isolation pins: all on the lab's own tmpfs */
	state_unpin_all(lab);
	cgroup_remove_lab(lab);
	/*
	 * The network namespaces last: once they go, the kernel's freeing of them
	 * holds up RCU grace periods, which any later unmount would wait for
	 * (4,096 nodes: 0.1 s).
	 */
	ns_pins_unmount(lab);
}

/* Back to netlab's own namespaces; a thread that cannot tell where it is must stop. */
static void restore_or_die(struct ns_saved *saved, bool close_after)
{
	_cleanup_err_ struct lab_err *e = NULL;

	if (ns_restore(saved, close_after, &e) < 0) {
		log_error("%s", e->msg);
		abort();
	}
}

/* Phase 1: a network and UTS namespace per node, pinned, early sysctls written. */
struct ns_worker {
	const struct plan *p;
	int *fds;
	struct netlink **nls;
	bool *made;            /* made[i]: node i's pins exist (rollback removes only those) */
	size_t first, step;    /* this worker's nodes: first, first + step, ... */
	atomic_size_t *done;
	atomic_bool *stop;     /* a worker failed: the others stop too */
	struct lab_err *err;
	int r;
};

static void *create_namespaces_worker(void *data)
{
	struct ns_worker *w = data;
	const struct plan *p = w->p;
	_cleanup_(ns_sysctl_close) struct ns_sysctl sc = NS_SYSCTL_INIT;
	struct ns_saved saved = {-EBADF, -EBADF};
	int r;

	r = ns_save(&saved, &w->err);
	for (size_t i = w->first; r >= 0 && i < p->n_nodes; i += w->step) {
		const struct plan_node *pn = &p->nodes[i];
		_cleanup_free_ char *np = layout_netns_link(pn->netns);
		_cleanup_free_ char *pin = ns_pin_path(p->topo->name, pn->node->name);
		_cleanup_free_ char *up = state_uts_path(p->topo->name, pn->node->name);
		size_t done;

		if (atomic_load(w->stop))
			break;
		r = ns_new(np, pin, up, pn->node->hostname, &w->err);
		if (r >= 0)
			w->made[i] = true;
		for (size_t k = 0; r >= 0 && k < pn->n_early; k++)
			r = ns_sysctl_write(&sc, pn->early[k].key, pn->early[k].value, &w->err);
		if (r >= 0) {
			w->fds[i] = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
			if (w->fds[i] < 0)
				r = err_make(&w->err, errno, "opening the network namespace");
		}
		/* the node's netlink socket, made while inside: phases 2 and 3 need no setns */
		if (r >= 0)
			r = netlink_open(&w->nls[i], &w->err);
		restore_or_die(&saved, false);
		done = atomic_fetch_add(w->done, 1) + 1;
		if (w->first == 0)
			progress(p->topo->name, "creating namespaces", done, p->n_nodes);
		if (r >= 0)
			r = check_interrupt(&w->err);
		if (r < 0) {
			err_wrap(&w->err, "node '%s'", pn->node->name);
			atomic_store(w->stop, true);
		}
	}
	if (saved.net >= 0)
		restore_or_die(&saved, true);
	w->r = r;
	return NULL;
}

/*
 * Namespaces are made by up to 4 threads (one per CPU) at once: the kernel sets
 * a new network namespace up mostly outside the RTNL lock, so they overlap
 * (1,000 nodes: 0.22 s alone, 0.14 s with two threads on two CPUs).
 */
static int create_namespaces(const struct plan *p, int *fds, struct netlink **nls, bool *made,
			     struct lab_err **err)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = p->n_nodes >= 64 && cpus > 1 ? (size_t)(cpus < 4 ? cpus : 4) : 1;
	struct ns_worker w[4];
	pthread_t threads[4];
	bool started[4] = {false};
	atomic_size_t done = 0;
	atomic_bool stop = false;
	int r = 0;

	for (size_t k = 0; k < n; k++)
		w[k] = (struct ns_worker){p, fds, nls, made, k, n, &done, &stop, NULL, 0};
	for (size_t k = 1; k < n; k++)
		started[k] = pthread_create(&threads[k], NULL, create_namespaces_worker, &w[k]) == 0;
	for (size_t k = 1; k < n; k++)
		if (!started[k])
			create_namespaces_worker(&w[k]); /* no thread: do its share here */
	create_namespaces_worker(&w[0]);
	for (size_t k = 0; k < n; k++) {
		if (started[k])
			pthread_join(threads[k], NULL);
		if (w[k].r < 0 && r >= 0) {
			r = w[k].r;
			*err = TAKE_PTR(w[k].err);
		}
		err_free(w[k].err);
	}
	return r;
}

/*
 * The lab's wire namespace (plan.h plan_link), pinned beside the nodes', with
 * a netlink socket inside. IPv6 is off there before any device exists, so that
 * the wire ends send nothing of their own (link-local address, router
 * solicitations, MLD reports) onto the lab's links; with no IPv4 address
 * either, they only pass on what the nodes send.
 */
static int create_wire(const struct plan *p, struct ns_sysctl *sc, int *ret_fd,
		       struct netlink **ret_nl, struct lab_err **err)
{
	static const char *const off[] = {"net.ipv6.conf.all.disable_ipv6",
					  "net.ipv6.conf.default.disable_ipv6"};
	_cleanup_free_ char *pin = ns_wire_path(p->topo->name);
	struct ns_saved saved = {-EBADF, -EBADF};
	int r;

	r = ns_save(&saved, err);
	if (r < 0)
		return r;
	r = ns_new_net(pin, err);
	for (size_t k = 0; r >= 0 && k < ARRAY_SIZE(off); k++)
		r = ns_sysctl_write(sc, off[k], "1", err);
	if (r >= 0) {
		*ret_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (*ret_fd < 0)
			r = err_make(err, errno, "opening the network namespace");
	}
	if (r >= 0)
		r = netlink_open(ret_nl, err);
	restore_or_die(&saved, true);
	if (r < 0)
		return err_wrap(err, "the lab's wire namespace");
	return 0;
}

/*
 * Phase 2: bridges, and for each link a veth from each end, made directly in
 * its node, to its wire end in the wire namespace (up when the cable is in);
 * then, there, each wire end passing on what it receives out of the other.
 */
static int create_links(const struct plan *p, const int *fds, int wire_fd, struct netlink *wire,
			struct lab_err **err)
{
	_cleanup_(netlink_closep) struct netlink *nl = NULL;
	const struct topo *t = p->topo;
	char desc[112];
	int r;

	r = netlink_open(&nl, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_bridges; i++) {
		const struct plan_bridge *b = &p->bridges[i];
		struct netlink_dev d = {
			.ifname = TOPO_BRIDGE_NAME,
			.ifindex = b->ifindex,
			.netns_fd = fds[b->node],
			.up = false, /* after its ports (configure_node) */
		};

		snprintf(desc, sizeof(desc), "node '%s': creating bridge '%s'",
			 t->nodes[b->node].name, TOPO_BRIDGE_NAME);
		r = netlink_add_bridge(nl, &d, b->stp, b->hub, desc, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; !p->wired && i < p->n_links; i++) {
		const struct plan_link *v = &p->links[i];
		struct netlink_dev d[2];

		/* "cables": false: one veth pair, both ends up from inside their nodes (plan_set) */
		for (int k = 0; k < 2; k++)
			d[k] = (struct netlink_dev){
				.ifname = v->end[k].ifname,
				.ifindex = v->end[k].ifindex,
				.netns_fd = fds[v->end[k].node],
				.mtu = v->end[k].mtu,
				.mac = v->end[k].mac,
				.up = false,
			};
		snprintf(desc, sizeof(desc), "links[%zu]: creating veth %s:%s -- %s:%s", v->link,
			 t->nodes[v->end[0].node].name, v->end[0].ifname,
			 t->nodes[v->end[1].node].name, v->end[1].ifname);
		r = netlink_add_veth(nl, &d[0], &d[1], desc, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; p->wired && i < p->n_links; i++) {
		const struct plan_link *v = &p->links[i];

		for (int k = 0; k < 2; k++) {
			const struct plan_end *e = &v->end[k];
			/* the request's own device, so that it can come up at once (a peer cannot) */
			struct netlink_dev w = {
				.ifname = v->wire[k].ifname,
				.ifindex = v->wire[k].ifindex,
				.netns_fd = wire_fd,
				.mtu = PLAN_WIRE_MTU,
				.up = v->up,
			};
			struct netlink_dev d = {
				.ifname = e->ifname,
				.ifindex = e->ifindex,
				.netns_fd = fds[e->node],
				.mtu = e->mtu,
				.mac = e->mac,
				/* up (and a switch's enslaved) from inside its node (plan_set), after its sysctls */
				.up = false,
			};

			snprintf(desc, sizeof(desc), "links[%zu]: creating veth %s:%s -- wire %s", v->link,
				 t->nodes[e->node].name, e->ifname, v->wire[k].ifname);
			r = netlink_add_veth(nl, &w, &d, desc, err);
			if (r < 0)
				return r;
		}
	}
	r = netlink_flush(nl, err);
	for (size_t i = 0; r >= 0 && p->wired && i < p->n_links; i++) {
		const struct plan_link *v = &p->links[i];

		for (int k = 0; r >= 0 && k < 2; k++) {
			snprintf(desc, sizeof(desc), "links[%zu]: wiring %s to %s", v->link,
				 v->wire[k].ifname, v->wire[!k].ifname);
			r = netlink_add_redirect(wire, v->wire[k].ifindex, v->wire[!k].ifindex, desc, err);
		}
	}
	if (r >= 0 && p->wired)
		r = netlink_flush(wire, err);
	netlink_trim(wire);
	return r;
}

/*
 * Phase 3, a node's devices: lo up, its bridge's IPv6 off unless it has
 * addresses, every veth end up (a switch's as a port with no IPv6) with its
 * transmit checksum offload off, then the bridge up after its ports.
 */
static int configure_devices(const struct plan *p, size_t ni, struct netlink *nl, size_t *pi,
			     struct lab_err **err)
{
	const struct plan_node *pn = &p->nodes[ni];
	const struct plan_bridge *br = pn->bridge >= 0 ? &p->bridges[pn->bridge] : NULL;
	const struct topo_node *n = pn->node;
	char desc[112];
	int r;

	snprintf(desc, sizeof(desc), "setting 'lo' up");
	r = netlink_set_link(nl, PLAN_IFINDEX_LO, 1, -1, desc, err);
	if (r >= 0 && br && br->no_ll) {
		snprintf(desc, sizeof(desc), "turning IPv6 link-local addresses off on '%s'", TOPO_BRIDGE_NAME);
		r = netlink_set_link_ex(nl, br->ifindex, -1, -1, true, desc, err);
	}
	for (; r >= 0 && *pi < p->n_sets && p->sets[*pi].node == ni; (*pi)++) {
		const struct plan_set *ps = &p->sets[*pi];
		const char *ifname = ifname_of(n, ps->ifindex);

		/*
		 * A veth fills in no checksum (it passes CHECKSUM_PARTIAL on), so
		 * a capture inside the lab shows each one "incorrect": off, the
		 * kernel computes it before the packet leaves (as containerlab does).
		 */
		r = netlink_set_tx_csum(nl, ifname, false);
		if (r < 0)
			return err_make(err, -r, "turning the transmit checksum offload of '%s' off", ifname);
		snprintf(desc, sizeof(desc), "setting '%s'%s%s", ifname, ps->up > 0 ? " up" : "",
			 ps->master > 0 ? " as a port of br0" : "");
		r = netlink_set_link_ex(nl, ps->ifindex, ps->up, ps->master, ps->no_ll, desc, err);
	}
	if (r >= 0 && br) {
		snprintf(desc, sizeof(desc), "setting '%s' up", TOPO_BRIDGE_NAME);
		r = netlink_set_link(nl, br->ifindex, 1, -1, desc, err);
	}
	return r;
}

/* Phase 3, one node: late sysctls, devices, addresses, routes, impairments. */
static int configure_node(const struct plan *p, struct ns_sysctl *sc, size_t ni, int fd,
			  struct netlink *nl, size_t *ai, size_t *ri, size_t *pi, size_t *ii,
			  struct lab_err **err)
{
	const struct plan_node *pn = &p->nodes[ni];
	const struct topo_node *n = pn->node;
	char desc[112], buf[PREFIX_STRLEN], vbuf[ADDR_STRLEN];
	int r;

	if (pn->n_late) {
		struct ns_saved saved = {-EBADF, -EBADF};

		r = ns_save(&saved, err);
		if (r < 0)
			return r;
		if (setns(fd, CLONE_NEWNET) < 0)
			r = err_make(err, errno, "entering the network namespace");
		for (size_t k = 0; r >= 0 && k < pn->n_late; k++)
			r = ns_sysctl_write(sc, pn->late[k].key, pn->late[k].value, err);
		restore_or_die(&saved, true);
		if (r < 0)
			return r;
	}

	r = configure_devices(p, ni, nl, pi, err);
	for (; r >= 0 && *ai < p->n_addrs && p->addrs[*ai].node == ni; (*ai)++) {
		const struct plan_addr *a = &p->addrs[*ai];

		snprintf(desc, sizeof(desc), "adding address %s to '%s'",
			 prefix_format(&a->prefix, buf), ifname_of(n, a->ifindex));
		r = netlink_add_addr(nl, a->ifindex, &a->prefix, desc, err);
	}
	for (; r >= 0 && *ri < p->n_routes && p->routes[*ri].node == ni; (*ri)++) {
		const struct plan_route *rt = &p->routes[*ri];
		struct netlink_route nr = {rt->to, rt->has_via, rt->via, rt->oif, rt->metric,
					   rt->extra_via, rt->n_extra_via};
		int len = 0;

		len = snprintf(desc, sizeof(desc), "adding route %s",
			       rt->to.len ? prefix_format(&rt->to, buf) : "default");
		if (rt->has_via)
			len += snprintf(desc + len, sizeof(desc) - len, " via %s",
					addr_format(&rt->via, vbuf));
		if (rt->oif)
			snprintf(desc + len, sizeof(desc) - len, " dev %s", ifname_of(n, rt->oif));
		r = netlink_add_route(nl, &nr, false, desc, err);
	}
	for (; r >= 0 && *ii < p->n_impairs && p->impairs[*ii].node == ni; (*ii)++) {
		const struct plan_impair *im = &p->impairs[*ii];
		struct netlink_impair ni2 = {im->impair->delay_ns, im->impair->jitter_ns,
					     im->impair->loss, im->impair->rate_bps};
		char what[96];

		snprintf(desc, sizeof(desc), "impairing '%s' (%s, %s)", ifname_of(n, im->ifindex),
			 topo_impair_format(im->impair, what, sizeof(what)),
			 netlink_qdisc_name(netlink_impair_qdisc(&ni2)));
		r = netlink_set_impair(nl, im->ifindex, &ni2, desc, err);
	}
	if (r >= 0)
		r = netlink_flush(nl, err);
	netlink_trim(nl);
	return r;
}

/*
 * Have the kernel act on the carrier changes of the veth ends now, not when
 * its link watch (net/core/link_watch.c) gets to them: it handles at most 100
 * changes it deems not urgent a second, and every urgent run walks all those
 * pending. Each new veth leaves two, so up to phase 3 a lab of N links (two
 * veths each, node end to wire end) keeps 4N pending and every end brought up
 * walks them all: a 4,096-node line of one veth a link spent 2.5 s of its
 * configuration in those walks, holding the RTNL lock.
 *  - drain_links, after phase 2: a request for each node end's attributes (and
 *    a pulled cable's wire ends') makes the kernel act on its pending change
 *    (those ends are down: ETHTOOL_GLINK would skip them);
 *  - sync_links, once every end is up: ETHTOOL_GLINK on each, so that bridge
 *    ports forward, wire ends pass frames on and every interface is "up" when
 *    `up` returns (see netlink_sync_link).
 */
static int drain_links(const struct plan *p, struct netlink **nls, struct netlink *wire,
		       struct lab_err **err)
{
	char desc[112];
	int r = 0;

	/*
	 * The wire ends of a pulled cable, down; those up at creation the link watch
	 * deems urgent (up, with an index other than their peer's): it has acted already.
	 */
	for (size_t i = 0; r >= 0 && p->wired && i < p->n_links; i++)
		for (int k = 0; r >= 0 && !p->links[i].up && k < 2; k++) {
			snprintf(desc, sizeof(desc), "reading wire %s", p->links[i].wire[k].ifname);
			r = netlink_get_link(wire, p->links[i].wire[k].ifindex, desc, err);
		}
	if (r >= 0 && p->wired)
		r = netlink_flush(wire, err);
	netlink_trim(wire);
	if (r < 0)
		return err_wrap(err, "the lab's wire namespace");
	for (size_t i = 0; r >= 0 && i < p->n_sets; i++) {
		const struct plan_set *ps = &p->sets[i];

		snprintf(desc, sizeof(desc), "reading '%s'", ifname_of(p->nodes[ps->node].node, ps->ifindex));
		r = netlink_get_link(nls[ps->node], ps->ifindex, desc, err);
		/* the sets are by node: a node's requests go at once */
		if (r >= 0 && (i + 1 == p->n_sets || p->sets[i + 1].node != ps->node)) {
			r = netlink_flush(nls[ps->node], err);
			netlink_trim(nls[ps->node]);
		}
		if (r < 0)
			err_wrap(err, "node '%s'", p->nodes[ps->node].node->name);
	}
	return r;
}

static int sync_links(const struct plan *p, struct netlink **nls, struct netlink *wire,
		      struct lab_err **err)
{
	/*
	 * A wire end's qdisc is attached only when the kernel acts on its carrier
	 * (dev_activate): until then what tc passes out of it is dropped.
	 */
	for (size_t i = 0; p->wired && i < p->n_links; i++)
		for (int k = 0; p->links[i].up && k < 2; k++) {
			int r = netlink_sync_link(wire, p->links[i].wire[k].ifname);

			if (r < 0)
				return err_make(err, -r, "reading the link state of wire '%s'",
						p->links[i].wire[k].ifname);
		}
	for (size_t i = 0; i < p->n_sets; i++) {
		const struct plan_set *ps = &p->sets[i];
		const struct topo_node *n = p->nodes[ps->node].node;
		int r;

		if (ps->up <= 0)
			continue;
		r = netlink_sync_link(nls[ps->node], ifname_of(n, ps->ifindex));
		if (r < 0)
			return err_make(err, -r, "node '%s': reading the link state of '%s'", n->name,
					ifname_of(n, ps->ifindex));
	}
	/* a bridge's carrier follows its ports': its own change is pending now */
	for (size_t i = 0; i < p->n_bridges; i++) {
		const struct topo_node *n = p->nodes[p->bridges[i].node].node;
		int r = netlink_sync_link(nls[p->bridges[i].node], TOPO_BRIDGE_NAME);

		if (r < 0)
			return err_make(err, -r, "node '%s': reading the link state of '%s'", n->name,
					TOPO_BRIDGE_NAME);
	}
	return 0;
}

struct cgroup_ctx {
	const char *lab, *node;
};

static int join_cgroup(void *data, pid_t pid, struct lab_err **err)
{
	const struct cgroup_ctx *c = data;

	return cgroup_attach(c->lab, c->node, pid, err);
}

/* Phase 4: PID, mount, IPC and cgroup namespaces, limits, files. */
static int isolate_nodes(const struct plan *p, const int *fds, struct state *s,
			 struct lab_err **err)
{
	const struct topo *t = p->topo;
	_cleanup_free_ char *hosts = NULL, *tp = NULL, *service = NULL;
	_cleanup_close_ int tmpl = -EBADF;
	int r;

	tp = layout_template_pin(t->name);
	tmpl = open(tp, O_RDONLY | O_CLOEXEC); /* none: see lab_node_prepare */
	for (size_t i = 0; i < p->n_nodes; i++) {
		if (s->nodes[i].n_env) {
			r = state_write_env(t->name, s->nodes[i].name, s->nodes[i].env, s->nodes[i].n_env, err);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < p->n_nodes; i++) {
		const struct topo_node *n = p->nodes[i].node;
		_cleanup_free_ char *prefix = NULL, *uts = NULL;
		_cleanup_free_ struct ns_file *files = NULL;
		_cleanup_close_ int uts_fd = -EBADF;
		struct cgroup_ctx cg = {t->name, n->name};
		struct ns_isolation iso;

		if (!topo_node_isolated(n))
			continue;
		if (!service)
			service = layout_service_file(t->name);
		/*
		 * Mount and PID namespaces alone are made when something first
		 * runs in the node (lab_node_realize): no process per node, no
		 * mount table per node, until it is used. IPC, cgroups and files
		 * are made now, so that their errors fail `up`.
		 */
		if (!n->iso.ipc && !n->iso.cgroup && !n->n_files) {
			r = lab_node_defer(t->name, n->name, n->iso.mount, n->iso.pid, err);
			if (r < 0)
				return err_wrap(err, "node '%s'", n->name);
			continue;
		}
		if (!hosts)
			hosts = plan_hosts_file(t);
		if (n->iso.cgroup) {
			r = cgroup_create(t->name, n->name, n->limits.memory, n->limits.cpu,
					  n->limits.pids, err);
			if (r < 0)
				return err_wrap(err, "node '%s'", n->name);
		}
		prefix = state_pin_prefix(t->name, n->name);
		uts = state_uts_path(t->name, n->name);
		uts_fd = ns_open(uts, err);
		if (uts_fd < 0)
			return err_wrap(err, "node '%s'", n->name);
		files = xcalloc(n->n_files ? n->n_files : 1, sizeof(*files));
		for (size_t k = 0; k < n->n_files; k++)
			files[k] = (struct ns_file){n->files[k].key,
						    n->files_host && n->files_host[k] ? n->files_host[k] : n->files[k].value,
						    n->files_ro && n->files_ro[k],
						    n->files_rw && n->files_rw[k]};
		iso = (struct ns_isolation){
			.net_fd = fds[i],
			.uts_fd = uts_fd,
			.tmpl_fd = tmpl,
			.pid = n->iso.pid,
			.mount = n->iso.mount,
			.ipc = n->iso.ipc,
			.cgroup = n->iso.cgroup,
			.pin_prefix = prefix,
			.hostname = n->hostname,
			.hosts = hosts,
			.files = files,
			.n_files = n->n_files,
			.service = service,
			.join_cgroup = join_cgroup,
			.data = &cg,
		};
		log_info("node '%s': isolating (pid %s, mount %s, ipc %s, cgroup %s)", n->name,
			 n->iso.pid ? "yes" : "no", n->iso.mount ? "yes" : "no",
			 n->iso.ipc ? "yes" : "no", n->iso.cgroup ? "yes" : "no");
		r = ns_isolate(&iso, err);
		if (r >= 0 && check_interrupt(err) < 0)
			r = -EINTR;
		if (r < 0)
			return err_wrap(err, "node '%s'", n->name);
		if (r > 0) {
			s->nodes[i].init_pid = r;
			s->nodes[i].init_start = ns_start_time(r);
		}
	}
	return 0;
}

/* The last lines of a log, for an error message. */
static char *log_tail(const char *path, int lines)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	const char *p;
	int seen = 0;

	if (read_file(path, 16 << 20, &text, &len) < 0 || len == 0)
		return xstrdup("(no output)");
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	for (p = text + len; p > text; p--)
		if (p[-1] == '\n' && ++seen == lines)
			break;
	return xstrdup(p);
}

/* Which Debian package has the program a "not found" message names. */
static const char *package_hint(const char *output)
{
	static const struct {
		const char *program, *hint;
	} known[] = {
		{"vtysh", " (Debian package 'frr')"},	  {"zebra", " (Debian package 'frr')"},
		{"ospfd", " (Debian package 'frr')"},	  {"bgpd", " (Debian package 'frr')"},
		{"ripd", " (Debian package 'frr')"},	  {"bird", " (Debian package 'bird2')"},
		{"tcpdump", " (Debian package 'tcpdump')"}, {"iperf3", " (Debian package 'iperf3')"},
		{"ping", " (Debian package 'iputils-ping')"}, {"radvd", " (Debian package 'radvd')"},
		{"dnsmasq", " (Debian package 'dnsmasq')"}, {"python3", " (Debian package 'python3')"},
		{"nc", " (Debian package 'netcat-openbsd')"}, {"ip", " (Debian package 'iproute2')"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		char pat[64];

		snprintf(pat, sizeof(pat), "%s: not found", known[i].program);
		if (strstr(output, pat))
			return known[i].hint;
		snprintf(pat, sizeof(pat), "/%s: not found", known[i].program);
		if (strstr(output, pat))
			return known[i].hint;
	}
	return "";
}

#define STARTUP_TIMEOUT 120

/* poll() one fd until deadline (seconds, now_sec's clock), a signal not restarting the wait. */
static int poll_until(struct pollfd *pl, double deadline)
{
	for (;;) {
		double left = deadline - now_sec();
		int r = poll(pl, 1, left > 0 ? (int)(left * 1000) + 1 : 0);

		if (r >= 0 || errno != EINTR)
			return r;
	}
}

/* Run one startup command inside the node; its output goes to the node's log. */
static int run_startup(const char *lab, const struct state_node *n, const char *cmd,
		       const char *log_path, struct lab_err **err)
{
	struct lab_node_join nj;
	pid_t child;
	int status = 0, pfd, r;
	struct pollfd pl;

	r = lab_node_realize(lab, n->name, n->mount, n->pid, err);
	if (r < 0)
		return r;
	lab_node_join(lab, n, &nj);
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		lab_node_join_clear(&nj);
		return err_make(err, errno, "forking");
	}
	if (child == 0) {
		struct lab_err *e = NULL;
		char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
		char **env = node_env_build(environ, lab, n->name, n->env, n->n_env, false);
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(125);
		setsid();
		if (n->has_cgroup && cgroup_attach(lab, n->name, getpid(), &e) < 0) {
			fprintf(stderr, "netlab: %s\n", e->msg);
			_exit(125);
		}
		ns_join_exec(&nj.j, argv, env, &e);
		fprintf(stderr, "netlab: %s\n", e ? e->msg : "cannot run the command");
		_exit(127);
	}
	lab_node_join_clear(&nj);
	pfd = syscall(SYS_pidfd_open, child, 0);
	pl = (struct pollfd){.fd = pfd, .events = POLLIN};
	if (pfd >= 0 && poll_until(&pl, now_sec() + STARTUP_TIMEOUT) == 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		close(pfd);
		return err_make_kind(err, ERR_RUNTIME, ETIMEDOUT,
				     "startup command '%s' did not return within %d s (a daemon must background itself, e.g. with -d or '&'); its output is in %s",
				     cmd, STARTUP_TIMEOUT, log_path);
	}
	if (pfd >= 0)
		close(pfd);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return err_make(err, errno, "waiting for startup command '%s'", cmd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	{
		_cleanup_free_ char *tail = log_tail(log_path, 10);

		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			return err_make_kind(err, ERR_RUNTIME, ENOENT,
					     "startup command '%s' failed with exit code 127: a program it runs is not installed%s; last lines of %s:\n%s",
					     cmd, package_hint(tail), log_path, tail);
		if (WIFSIGNALED(status))
			return err_make_kind(err, ERR_RUNTIME, ECHILD,
					     "startup command '%s' was killed by signal %d; last lines of %s:\n%s",
					     cmd, WTERMSIG(status), log_path, tail);
		return err_make_kind(err, ERR_RUNTIME, ECHILD,
				     "startup command '%s' failed with exit code %d; last lines of %s:\n%s",
				     cmd, WEXITSTATUS(status), log_path, tail);
	}
}

/* Note a node whose startup failed (status shows it), and say so now. Return: 0 or -errno. */
static int mark_failed(const char *lab, const char *node, const char *msg, struct lab_err **err)
{
	_cleanup_free_ char *path = state_failed_path(lab, node);
	int r = write_file_atomic(path, msg, strlen(msg), 0600);

	log_error("node '%s': %s", node, msg);
	*err = err_free(*err);
	if (r < 0)
		return err_make(err, -r, "writing '%s'", path);
	return 0;
}

/*
 * Phase 5: startup commands, node by node, in order. A node whose command fails
 * runs no more of its commands and is marked failed; the lab stays up
 * (t->strict: the failure fails `up`, which rolls back). Return: how many nodes
 * failed, or -errno.
 */
/*
 * The order the nodes' startups run in: the plan's, except that a node comes
 * after the nodes of its "after" (Kathara's lab.dep; validate refused cycles).
 */
static void startup_order(const struct plan *p, size_t *order)
{
	_cleanup_free_ bool *done = xcalloc(p->n_nodes + 1, sizeof(bool));
	size_t n = 0;
	bool any = false;

	for (size_t i = 0; i < p->n_nodes; i++)
		any = any || p->nodes[i].node->n_after;
	for (size_t i = 0; !any && i < p->n_nodes; i++)
		order[i] = i;
	while (any && n < p->n_nodes) {
		size_t before = n;

		for (size_t i = 0; i < p->n_nodes; i++) {
			const struct topo_node *tn = p->nodes[i].node;
			bool ready = !done[i];

			for (size_t k = 0; ready && k < tn->n_after; k++)
				for (size_t j = 0; j < p->n_nodes; j++)
					if (!strcmp(p->nodes[j].node->name, tn->after[k]) && !done[j])
						ready = false;
			if (ready) {
				done[i] = true;
				order[n++] = i;
			}
		}
		if (n == before) /* a cycle validate missed: the rest in plan order */
			for (size_t i = 0; i < p->n_nodes; i++)
				if (!done[i]) {
					done[i] = true;
					order[n++] = i;
				}
	}
}

static int run_startups(const struct plan *p, const struct state *s, struct lab_err **err)
{
	_cleanup_free_ size_t *order = NULL;
	const struct topo *t = p->topo;
	bool any = false;
	int failed = 0;
	int r;

	for (size_t i = 0; i < p->n_nodes && !any; i++)
		any = p->nodes[i].node->n_startup > 0;
	if (!any)
		return 0;
	{
		_cleanup_free_ char *dir = layout_logs_dir(t->name);

		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating '%s'", dir);
	}
	order = xcalloc(p->n_nodes + 1, sizeof(size_t));
	startup_order(p, order);
	for (size_t o = 0; o < p->n_nodes; o++) {
		size_t i = order[o];
		const struct topo_node *n = p->nodes[i].node;
		_cleanup_free_ char *log_path = state_log_path(t->name, n->name);

		for (size_t k = 0; k < n->n_startup; k++) {
			log_info("node '%s': running '%s'", n->name, n->startup[k]);
			r = run_startup(t->name, &s->nodes[i], n->startup[k], log_path, err);
			if (r < 0 && n->startup_continue && (*err)->kind == ERR_RUNTIME && !interrupted) {
				/* containerlab's exec: every command runs, a failing one is logged */
				log_warn("node '%s': %s; running the next (startup_on_error: continue)",
					 n->name, (*err)->msg);
				*err = err_free(*err);
				continue;
			}
			if (r < 0 && !t->strict && (*err)->kind == ERR_RUNTIME && !interrupted) {
				/* a typo in one router's config must not take the whole lab down */
				r = mark_failed(t->name, n->name, (*err)->msg, err);
				if (r < 0)
					return r;
				failed++;
				break;
			}
			if (r >= 0)
				r = check_interrupt(err);
			if (r < 0)
				return err_wrap(err, "node '%s'", n->name);
		}
	}
	return failed;
}

/*
 * Whether anything of the lab is already there: a state, or a namespace by its
 * name. Pins a lab of that name left without its state (see ns_remove_orphan)
 * are removed first.
 */
static int check_absent(const struct plan *p, struct lab_err **err)
{
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_err_ struct lab_err *e = NULL;
	int r = state_read(p->topo->name, STATE_NODES, &s, &e);

	if (r == 0 || r == -EBADMSG)
		return err_make_kind(err, ERR_RUNTIME, EEXIST,
				     "lab '%s' is already up (see 'netlab status %s'; 'netlab down %s' removes it)",
				     p->topo->name, p->topo->name, p->topo->name);
	if (r == -ENOENT && ns_remove_orphan(p->topo->name))
		log_warn("lab '%s': removed the namespaces a lab of that name had left behind",
			 p->topo->name);
	for (size_t i = 0; i < p->n_nodes; i++) {
		_cleanup_free_ char *np = layout_netns_link(p->nodes[i].netns);

		if (faccessat(AT_FDCWD, np, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return err_make_kind(err, ERR_RUNTIME, EEXIST,
					     "network namespace '%s' exists already and is not part of a netlab lab: remove it or rename the lab",
					     p->nodes[i].netns);
	}
	return 0;
}

static int up(const struct topo *t, struct lab_up_result *ret, struct lab_err **err);

/* The neighbour tables' limits are the host's: warn when the lab outgrows them (see plan.h). */
static void check_neighbour_limits(const struct plan *p)
{
	static const char *const fams[] = {"ipv4", "ipv6"};

	for (size_t i = 0; i < ARRAY_SIZE(fams); i++) {
		_cleanup_free_ char *path = xasprintf("/proc/sys/net/%s/neigh/default/gc_thresh3", fams[i]);
		_cleanup_free_ char *v = NULL, *advice = NULL;

		if (read_file(path, 64, &v, NULL) < 0)
			continue;
		advice = plan_neighbour_advice(p, fams[i], strtoul(v, NULL, 10));
		if (advice)
			log_warn("%s", advice);
	}
}

int lab_up(const struct topo *t, struct lab_up_result *ret, struct lab_err **err)
{
	struct sigaction sa = {.sa_handler = on_interrupt}, old[3];
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	int r;

	interrupted = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	r = up(t, ret, err);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	return r;
}

static int up(const struct topo *t, struct lab_up_result *ret, struct lab_err **err)
{
	_cleanup_(plan_freep) struct plan *p = NULL;
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_(ns_sysctl_close) struct ns_sysctl sysctl = NS_SYSCTL_INIT;
	_cleanup_close_ int lock = -EBADF;
	double start = now_sec();
	size_t ai = 0, ri = 0, pi = 0, ii = 0, failed = 0;
	_cleanup_free_ bool *made = NULL;
	int *fds = NULL;
	struct netlink **nls = NULL;
	_cleanup_close_ int wire_fd = -EBADF;
	_cleanup_(netlink_closep) struct netlink *wire = NULL;
	int r;

	progress_on = t->n_nodes > 50 && isatty(STDERR_FILENO) && log_level == LOG_LEVEL_WARN;
	r = state_prepare_root(err);
	if (r < 0)
		return r;
	r = ns_prepare_netns_dir(err);
	if (r < 0)
		return r;
	lock = state_lock(t->name, true, err);
	if (lock < 0)
		return lock;
	p = plan_build(t);
	r = check_absent(p, err);
	if (r < 0) {
		/* leave an existing lab alone; drop only the empty directory we just made */
		_cleanup_(state_freep) struct state *other = NULL;
		_cleanup_free_ char *nsdir = layout_ns_dir(t->name);
		_cleanup_(closedirp_) DIR *d = NULL;
		struct dirent *de;
		bool empty = true;

		d = opendir(nsdir);
		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.')
				empty = false;
		if (empty && state_read(t->name, STATE_NODES, &other, NULL) == -ENOENT)
			state_remove(t->name, NULL);
		return r;
	}
	/* The state lists everything the lab may own before any of it exists. */
	s = state_from_plan(p);
	r = state_write(s, STATE_ALL, err);
	if (r >= 0)
		r = state_mount_pins(t->name, err);
	if (r >= 0)
		r = ns_pins_mount(t->name, err);
	if (r >= 0) {
		_cleanup_free_ char *hosts = plan_hosts_file(t);

		r = lab_node_prepare(t->name, hosts, err);
	}
	if (r < 0)
		goto fail;
	raise_nofile(2 * p->n_nodes);
	check_neighbour_limits(p);
	made = xcalloc(p->n_nodes ? p->n_nodes : 1, sizeof(bool));
	fds = xcalloc(p->n_nodes ? p->n_nodes : 1, sizeof(int));
	nls = xcalloc(p->n_nodes ? p->n_nodes : 1, sizeof(*nls));
	for (size_t i = 0; i < p->n_nodes; i++)
		fds[i] = -EBADF;

	log_info("lab '%s': creating %zu namespaces", t->name, p->n_nodes + p->wired);
	r = p->wired ? create_wire(p, &sysctl, &wire_fd, &wire, err) : 0;
	if (r >= 0)
		r = create_namespaces(p, fds, nls, made, err);
	if (r < 0)
		goto fail;
	log_info("lab '%s': %.3f s: creating %zu bridges and %zu links", t->name, now_sec() - start,
		 p->n_bridges, p->n_links);
	r = create_links(p, fds, wire_fd, wire, err);
	if (r >= 0)
		r = drain_links(p, nls, wire, err);
	if (r >= 0)
		r = check_interrupt(err);
	if (r < 0)
		goto fail;
	log_info("lab '%s': %.3f s: configuring %zu addresses and %zu routes", t->name,
		 now_sec() - start, p->n_addrs, p->n_routes);
	for (size_t i = 0; i < p->n_nodes; i++) {
		r = configure_node(p, &sysctl, i, fds[i], nls[i], &ai, &ri, &pi, &ii, err);
		progress(t->name, "configuring nodes", i + 1, p->n_nodes);
		if (r >= 0)
			r = check_interrupt(err);
		if (r < 0) {
			err_wrap(err, "node '%s'", p->nodes[i].node->name);
			goto fail;
		}
	}
	r = sync_links(p, nls, wire, err);
	if (r >= 0)
		r = dad_wait(p, nls, &interrupted, err);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < p->n_nodes; i++)
		nls[i] = netlink_close(nls[i]);
	wire = netlink_close(wire);
	log_info("lab '%s': %.3f s: isolating nodes", t->name, now_sec() - start);
	r = isolate_nodes(p, fds, s, err);
	if (r < 0)
		goto fail;
	/* the state knows the inits before any command runs */
	r = state_write(s, STATE_NODES, err);
	if (r < 0)
		goto fail;
	r = run_startups(p, s, err);
	if (r < 0)
		goto fail;
	failed = r;
	free(s->status);
	s->status = xstrdup("up");
	r = state_write(s, STATE_NODES, err);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < p->n_nodes; i++)
		close(fds[i]);
	free(fds);
	free(nls);
	if (ret)
		*ret = (struct lab_up_result){p->n_nodes, t->n_links, now_sec() - start, failed};
	return 0;

fail:
	if (progress_on)
		fputs("\r\033[K", stderr);
	log_info("lab '%s': rolling back", t->name);
	if (fds)
		for (size_t i = 0; i < p->n_nodes; i++) {
			if (fds[i] >= 0)
				close(fds[i]);
			netlink_close(nls[i]);
		}
	free(fds);
	free(nls);
	remove_nodes(t->name, s->nodes, made ? p->n_nodes : 0, made, false);
	{
		_cleanup_err_ struct lab_err *e = NULL;

		if (state_remove(t->name, &e) < 0)
			log_warn("%s, ignoring", e->msg);
	}
	return err_wrap(err, "lab '%s' could not be brought up, and was rolled back", t->name);
}

/* The nodes of a lab whose state is gone or corrupt: its ns/ directory has a pin per node. */
static int nodes_from_dir(const char *lab, struct state *s)
{
	_cleanup_free_ char *dir = layout_ns_dir(lab);
	_cleanup_(closedirp_) DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char netns[PLAN_NETNS_MAX];

		if (len < 5 || strcmp(de->d_name + len - 4, ".uts"))
			continue;
		GROW(s->nodes, cap, s->n_nodes + 1);
		s->nodes[s->n_nodes].name = strndup(de->d_name, len - 4);
		topo_netns_name(lab, s->nodes[s->n_nodes].name, netns);
		s->nodes[s->n_nodes].netns = xstrdup(netns);
		s->n_nodes++;
	}
	return 0;
}

/*
 * Each node's shutdown commands, before anything of the lab is removed. A
 * failing one is logged and down goes on: the lab goes either way.
 */
static void run_shutdowns(const char *lab, const struct state *s)
{
	for (size_t i = 0; i < s->n_nodes; i++) {
		_cleanup_free_ char *log_path = state_log_path(lab, s->nodes[i].name);

		for (size_t k = 0; k < s->nodes[i].n_shutdown; k++) {
			_cleanup_err_ struct lab_err *e = NULL;

			log_info("node '%s': running '%s'", s->nodes[i].name, s->nodes[i].shutdown[k]);
			if (run_startup(lab, &s->nodes[i], s->nodes[i].shutdown[k], log_path, &e) < 0)
				log_warn("node '%s': shutdown: %s (the lab is removed all the same)",
					 s->nodes[i].name, e->msg);
		}
	}
}

int lab_down(const char *lab, bool force, struct lab_err **err)
{
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_close_ int lock = -EBADF;
	const char *problem = topo_lab_name_problem(lab);
	int r;

	if (problem)
		return err_make_kind(err, ERR_USAGE, EINVAL, "lab name '%s' %s", lab, problem);
	lock = state_lock(lab, false, err);
	if (lock == -ENOENT)
		return ns_remove_orphan(lab); /* no directory: at most pins left behind */
	if (lock < 0)
		return lock;
	r = state_read(lab, STATE_NODES, &s, err);
	if (r == -EBADMSG && !force)
		return r;
	if (r < 0 && r != -ENOENT && r != -EBADMSG)
		return r;
	if (r < 0) {
		/* no usable state: what the lab's directory shows is what it owns */
		if (*err) {
			log_warn("%s; removing what the lab's directory shows", (*err)->msg);
			*err = err_free(*err);
		}
		s = state_new(lab);
		nodes_from_dir(lab, s);
		for (size_t i = 0; i < s->n_nodes; i++)
			s->nodes[i].has_cgroup = true; /* removing a missing cgroup is fine */
	}
	if (r == 0)
		run_shutdowns(lab, s);
	log_info("lab '%s': removing %zu nodes", lab, s->n_nodes);
	/* where the pins are: the state says; without one, the lab's pin directory does */
	remove_nodes(lab, s->nodes, s->n_nodes, NULL,
		     r == 0 ? s->version < 3 : !ns_pins_mounted(lab));
	r = state_remove(lab, err);
	if (r < 0)
		return r;
	return 1;
}

static bool lab_dir_exists(const char *lab)
{
	_cleanup_free_ char *dir = state_lab_dir(lab);

	return access(dir, F_OK) == 0;
}

int lab_down_all(bool force, char *const *only, size_t n_only, struct lab_err **err)
{
	char **labs = NULL;
	size_t n = 0;
	int count = 0, r = 0;

	if (only) {
		labs = xcalloc(n_only + 1, sizeof(char *));
		for (; n < n_only; n++)
			labs[n] = xstrdup(only[n]);
	} else
		state_list_labs(&labs, &n);
	for (size_t i = 0; i < n; i++) {
		if (topo_lab_name_problem(labs[i]))
			continue; /* not a directory netlab made */
		r = lab_down(labs[i], force, err);
		if (r < 0)
			break;
		count += r;
	}
	strv_free(labs, n);
	if (r >= 0) {
		/* pins of labs whose directory is gone */
		n = ns_pinned_labs(&labs);
		for (size_t i = 0; i < n; i++)
			if (!topo_lab_name_problem(labs[i]) && !lab_dir_exists(labs[i]))
				count += ns_remove_orphan(labs[i]);
		strv_free(labs, n);
	}
	if (r >= 0) {
		/* cgroups of labs whose directory is gone: netlab/ holds only netlab's */
		char **cg = NULL;
		size_t ncg = 0;

		cgroup_list_labs(&cg, &ncg);
		for (size_t i = 0; i < ncg; i++) {
			if (topo_lab_name_problem(cg[i]))
				continue;
			cgroup_remove_all(cg[i]);
		}
		strv_free(cg, ncg);
	}
	return r < 0 ? r : count;
}

/* Whether a lab has a node: its UTS pin, the mark of every node netlab made. */
static bool lab_has_node(const char *lab, const char *node)
{
	_cleanup_free_ char *pin = state_uts_path(lab, node);

	return access(pin, F_OK) == 0;
}

/* The names of a lab's nodes, "h1, h2, r1", for messages ("none known" without a state). */
static char *lab_node_names(const char *lab)
{
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_err_ struct lab_err *e = NULL;
	_cleanup_free_ char **names = NULL;

	if (state_read(lab, STATE_NODES, &s, &e) < 0 || s->n_nodes == 0)
		return xstrdup("none known");
	names = xcalloc(s->n_nodes, sizeof(char *));
	for (size_t i = 0; i < s->n_nodes; i++)
		names[i] = s->nodes[i].name;
	return labinfo_join(names, s->n_nodes);
}

int lab_find_node(const char *lab, const char *node, char **ret_lab, struct lab_err **err)
{
	char **labs = NULL;
	size_t n = 0;
	_cleanup_free_ char *found = NULL;
	_cleanup_free_ char *list = NULL;
	size_t matches = 0, running = 0;

	if (topo_node_name_problem(node))
		return err_make_kind(err, ERR_USAGE, EINVAL, "node name '%s' %s", node,
				     topo_node_name_problem(node));
	if (lab) {
		_cleanup_free_ char *dir = NULL;

		if (topo_lab_name_problem(lab))
			return err_make_kind(err, ERR_USAGE, EINVAL, "lab name '%s' %s", lab,
					     topo_lab_name_problem(lab));
		dir = state_lab_dir(lab);
		if (access(dir, F_OK) < 0)
			return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", lab);
		if (!lab_has_node(lab, node)) {
			_cleanup_free_ char *names = lab_node_names(lab);

			return err_make_kind(err, ERR_RUNTIME, ENOENT,
					     "lab '%s' has no node '%s' (its nodes: %s)", lab, node, names);
		}
		*ret_lab = xstrdup(lab);
		return 0;
	}
	state_list_labs(&labs, &n);
	for (size_t i = 0; i < n; i++) {
		if (topo_lab_name_problem(labs[i]))
			continue;
		running++;
		if (!lab_has_node(labs[i], node))
			continue;
		matches++;
		if (!found)
			found = xstrdup(labs[i]);
		{
			char *l = xasprintf("%s%s'%s'", list ? list : "", list ? ", " : "", labs[i]);

			free(list);
			list = l;
		}
	}
	if (matches == 0) {
		_cleanup_free_ char **valid = xcalloc(n + 1, sizeof(char *));
		_cleanup_free_ char *names = NULL;
		size_t k = 0;

		/* the one lab running: its nodes; several: the labs */
		for (size_t i = 0; i < n; i++)
			if (!topo_lab_name_problem(labs[i]))
				valid[k++] = labs[i];
		names = k == 1 ? lab_node_names(valid[0]) : labinfo_join(valid, k);
		strv_free(labs, n);
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "no running lab has a node '%s' (%s%s)",
				     node, running == 0 ? "no lab is running" :
				     running == 1 ? "the lab running has the nodes: " : "the labs running: ",
				     names);
	}
	strv_free(labs, n);
	if (matches > 1)
		return err_make_kind(err, ERR_USAGE, ENOTUNIQ,
				     "node '%s' is in several labs: %s (choose one with -l LAB)", node,
				     list);
	*ret_lab = TAKE_PTR(found);
	return 0;
}

char *lab_node_shell(const char *lab, const char *node)
{
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_free_ char *found = NULL;
	_cleanup_err_ struct lab_err *e = NULL;

	if (lab_find_node(lab, node, &found, &e) < 0 || state_read(found, STATE_NODES, &s, &e) < 0)
		return NULL; /* exec says what is wrong */
	for (size_t i = 0; i < s->n_nodes; i++)
		if (!strcmp(s->nodes[i].name, node) && s->nodes[i].shell)
			return xstrdup(s->nodes[i].shell);
	return NULL;
}

int lab_exec(const char *lab, const char *node, char *const argv[], struct lab_err **err)
{
	_cleanup_free_ char *found = NULL;
	struct state_node n;
	struct lab_node_join nj;
	char **env;
	int r;

	r = lab_find_node(lab, node, &found, err);
	if (r < 0)
		return r;
	/* only what entering needs: the pins and the environment, not the whole state */
	if (state_read_node(found, node, &n) < 0)
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' has no node '%s'", found, node);
	{
		bool m, p;

		lab_node_deferred(found, node, &m, &p);
		n.mount |= m;
		n.pid |= p;
	}
	r = lab_node_realize(found, node, n.mount, n.pid, err);
	if (r >= 0 && n.has_cgroup)
		r = cgroup_attach(found, node, getpid(), err);
	if (r < 0) {
		state_node_clear(&n);
		return err_wrap(err, "node '%s'", node);
	}
	env = node_env_build(environ, found, node, n.env, n.n_env,
			     isatty(STDIN_FILENO) || isatty(STDOUT_FILENO));
	lab_node_join(found, &n, &nj);
	ns_join_exec(&nj.j, argv, env, err);
	lab_node_join_clear(&nj);
	node_env_free(env);
	state_node_clear(&n);
	return err_wrap(err, "node '%s'", node);
}

/* End every process of a node (its init too: the PID namespace goes with it, made anew on next entry). */
static int stop_node(const char *lab, const struct state_node *n, struct lab_err **err)
{
	_cleanup_free_ char *pin = ns_pin_path(lab, n->name), *prefix = state_pin_prefix(lab, n->name);
	_cleanup_free_ char *pidpin = xasprintf("%s.pid", prefix), *init = xasprintf("%s.init", prefix);
	ino_t ino = ns_pin_inode(pin);

	if (ino)
		ns_kill_processes(&ino, 1);
	if (!n->pid)
		return 0;
	if (ns_unpin(pidpin, err) < 0)
		return err_wrap(err, "node '%s'", n->name);
	unlink(init);
	/* whether it was made at up or on first entry, the next command makes it again */
	return lab_node_defer(lab, n->name, n->mount, true, err);
}

int lab_restart(const char *lab, const char *node, struct lab_err **err)
{
	_cleanup_free_ char *found = NULL, *log_path = NULL, *failed = NULL;
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_(topo_freep) struct topo *t = NULL;
	_cleanup_close_ int lock = -EBADF;
	const struct topo_node *tn = NULL;
	struct state_node *sn = NULL;
	struct topo_diags d = {0};
	int r;

	r = lab_find_node(lab, node, &found, err);
	if (r < 0)
		return r;
	lock = state_lock(found, false, err);
	if (lock < 0)
		return lock;
	r = state_read(found, STATE_NODES, &s, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_nodes && !sn; i++)
		if (!strcmp(s->nodes[i].name, node))
			sn = &s->nodes[i];
	if (!sn)
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' has no node '%s'", found, node);
	/* the startup commands as the topology says now (Kathara's lrestart reads the lab again) */
	r = topo_load_opts(s->topology, &(struct topo_load_opts){.allow_host_paths = true, .name = found},
			   &t, &d);
	topo_diags_free(&d);
	if (r < 0 || !t)
		return err_make_kind(err, ERR_TOPOLOGY, EINVAL,
				     "the topology '%s' of lab '%s' does not load: run 'netlab validate %s'",
				     s->topology, found, s->topology);
	for (size_t i = 0; i < t->n_nodes && !tn; i++)
		if (!strcmp(t->nodes[i].name, node))
			tn = &t->nodes[i];
	if (!tn)
		return err_make_kind(err, ERR_TOPOLOGY, ENOENT, "the topology '%s' has no node '%s' any more",
				     s->topology, node);
	r = stop_node(found, sn, err);
	if (r < 0)
		return r;
	failed = state_failed_path(found, node);
	unlink(failed);
	log_path = state_log_path(found, node);
	{
		_cleanup_free_ char *dir = layout_logs_dir(found);

		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating '%s'", dir);
	}
	for (size_t k = 0; k < tn->n_startup; k++) {
		log_info("node '%s': running '%s'", node, tn->startup[k]);
		r = run_startup(found, sn, tn->startup[k], log_path, err);
		if (r < 0) {
			/* as at up: the node is marked failed, and says why */
			if (write_file_atomic(failed, (*err)->msg, strlen((*err)->msg), 0600) < 0)
				log_warn("writing '%s': %s, ignoring", failed, strerror(errno));
			return err_wrap(err, "node '%s'", node);
		}
	}
	return 0;
}

int lab_log_path(const char *lab, const char *node, char **ret, struct lab_err **err)
{
	_cleanup_free_ char *found = NULL;
	int r = lab_find_node(lab, node, &found, err);

	if (r < 0)
		return r;
	*ret = state_log_path(found, node);
	return 0;
}

/* A netlink socket inside a node's network namespace. */
static int node_netlink(const char *lab, const struct state_node *n, struct netlink **ret,
			struct lab_err **err)
{
	_cleanup_free_ char *np = ns_node_netns(lab, n->name, n->netns);
	_cleanup_close_ int fd = ns_open(np, err);
	int sock;

	if (fd < 0)
		return fd;
	sock = ns_socket_in(fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return err_make(err, -sock, "opening a route netlink socket in '%s'", np);
	return netlink_adopt(sock, ret, err);
}

/* The link of a lab with an end "node:ifname" (or "node" when it has one link). */
static int find_link(struct state *s, const char *end, size_t *ret_link, int *ret_side,
		     struct lab_err **err)
{
	size_t found = 0;

	for (size_t i = 0; i < s->n_links; i++)
		for (int k = 0; k < 2; k++) {
			const char *e = s->links[i].ends[k];
			size_t len = strlen(end);

			if (strcmp(e, end) == 0 || (!strchr(end, ':') && !strncmp(e, end, len) && e[len] == ':')) {
				*ret_link = i;
				*ret_side = k;
				found++;
			}
		}
	if (found == 1)
		return 0;
	if (found > 1)
		return err_make_kind(err, ERR_USAGE, ENOTUNIQ,
				     "node '%s' has several links (expected \"node:ifname\")", end);
	return err_make_kind(err, ERR_USAGE, ENOENT, "lab '%s' has no link with end '%s'", s->lab, end);
}

static const struct state_node *state_node_of(const struct state *s, const char *end)
{
	size_t len = strcspn(end, ":");

	for (size_t i = 0; i < s->n_nodes; i++)
		if (strlen(s->nodes[i].name) == len && !strncmp(s->nodes[i].name, end, len))
			return &s->nodes[i];
	return NULL;
}

/* Open a lab for a change: resolve it from a "node:ifname" end, lock it, read its state. */
static int open_lab(const char *lab, const char *end, char **ret_lab, int *ret_lock,
		    struct state **ret_state, struct lab_err **err)
{
	_cleanup_free_ char *node = strndup(end, strcspn(end, ":"));
	_cleanup_free_ char *found = NULL;
	_cleanup_close_ int lock = -EBADF;
	int r;

	if (!node)
		abort();
	r = lab_find_node(lab, node, &found, err);
	if (r < 0)
		return r;
	lock = state_lock(found, false, err);
	if (lock == -ENOENT)
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", found);
	if (lock < 0)
		return lock;
	r = state_read(found, STATE_ALL, ret_state, err);
	if (r == -ENOENT)
		return err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", found);
	if (r < 0)
		return r;
	*ret_lock = TAKE_FD(lock);
	*ret_lab = TAKE_PTR(found);
	return 0;
}

/*
 * Put a device's addresses back: a device taken down loses its IPv6 ones
 * (netlab leaves net.ipv6.conf.*.keep_addr_on_down alone: one sysctl less per node).
 */
static void restore_addrs(struct netlink *nl, const struct state_node *n, const char *dev)
{
	_cleanup_err_ struct lab_err *e = NULL;
	int ifindex = netlink_ifindex(nl, dev, &e);

	if (ifindex < 0)
		return;
	for (size_t i = 0; i < n->n_addrs; i++) {
		_cleanup_err_ struct lab_err *e2 = NULL;

		if (strcmp(n->addrs[i].dev, dev))
			continue;
		/* an IPv4 address still there answers EEXIST: fine */
		if (netlink_add_addr(nl, ifindex, &n->addrs[i].prefix, "restoring an address", &e2) >= 0)
			netlink_flush(nl, &e2);
	}
}

/* Put a node's routes back (a link that went down took the routes through it along). */
static void restore_routes(struct netlink *nl, const struct state_node *n)
{
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct state_route *sr = &n->routes[i];
		struct netlink_route nr = {sr->to, sr->has_via, sr->via, 0, sr->metric, NULL, 0};
		_cleanup_err_ struct lab_err *e = NULL;

		if (sr->dev[0]) {
			nr.oif = netlink_ifindex(nl, sr->dev, &e);
			if (nr.oif < 0)
				continue;
		}
		/* a route through another link that is still down cannot come back yet */
		if (netlink_add_route(nl, &nr, true, "restoring a route", &e) >= 0)
			netlink_flush(nl, &e);
	}
}

/* Both ends' sockets of a link. */
static void netlink_close_pair(struct netlink *(*nl)[2])
{
	netlink_close((*nl)[0]);
	netlink_close((*nl)[1]);
}

/* A netlink socket inside the lab's wire namespace. */
static int wire_netlink(const char *lab, struct netlink **ret, struct lab_err **err)
{
	_cleanup_free_ char *pin = ns_wire_path(lab);
	_cleanup_close_ int fd = ns_open(pin, err);
	int sock;

	if (fd < 0)
		return err_wrap(err, "the lab's wire namespace");
	sock = ns_socket_in(fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return err_make(err, -sock, "opening a route netlink socket in '%s'", pin);
	return netlink_adopt(sock, ret, err);
}

/*
 * Pull a link's cable or put it back: both its wire ends down or up (plan.h
 * plan_link). The node ends keep their admin state and lose or regain their
 * carrier, with their addresses and routes. A request for each wire end's
 * attributes then has the kernel act on its carrier change at once, also for
 * one that is down (which ETHTOOL_GLINK skips); up, that attaches its qdisc,
 * without which what tc passes out of it is dropped.
 */
static int set_cable(const char *lab, const struct state_link *l, bool up, struct lab_err **err)
{
	_cleanup_(netlink_closep) struct netlink *wire = NULL;
	char desc[112];
	int r = wire_netlink(lab, &wire, err);

	for (int k = 0; r >= 0 && k < 2; k++) {
		snprintf(desc, sizeof(desc), "setting the wire end of '%s' %s", l->ends[k],
			 up ? "up" : "down");
		r = netlink_set_link(wire, l->wire[k], up, -1, desc, err);
	}
	for (int k = 0; r >= 0 && k < 2; k++) {
		snprintf(desc, sizeof(desc), "reading the wire end of '%s'", l->ends[k]);
		r = netlink_get_link(wire, l->wire[k], desc, err);
	}
	if (r >= 0)
		r = netlink_flush(wire, err);
	return r;
}

int lab_link_set(const char *lab, const char *end, bool up, struct lab_err **err)
{
	_cleanup_(netlink_close_pair) struct netlink *nl[2] = {NULL, NULL};
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_free_ char *found = NULL;
	_cleanup_close_ int lock = -EBADF;
	const struct state_node *n[2];
	struct state_link *l;
	bool cable;
	size_t li;
	int side, r;

	r = open_lab(lab, end, &found, &lock, &s, err);
	if (r < 0)
		return r;
	r = find_link(s, end, &li, &side, err);
	if (r < 0)
		return r;
	l = &s->links[li];
	if (l->plain)
		return err_make_kind(err, ERR_RUNTIME, EOPNOTSUPP,
				     "lab '%s' has no cable to pull: its topology says \"cables\": false, so '%s' -- '%s' is one veth pair (inside a node, 'ip link set IF down' takes one end down)",
				     s->lab, l->ends[0], l->ends[1]);
	cable = l->wire[0] > 0 && l->wire[1] > 0;
	for (int k = 0; k < 2; k++) {
		n[k] = state_node_of(s, l->ends[k]);
		if (!n[k])
			return err_make(err, ENOENT, "link end '%s'", l->ends[k]);
		r = node_netlink(s->lab, n[k], &nl[k], err);
		if (r < 0)
			return err_wrap(err, "node '%s'", n[k]->name);
	}
	/* a pulled cable: each side sees its carrier go, and come back with nothing to re-add */
	if (cable)
		r = set_cable(s->lab, l, up, err);
	/*
	 * A lab made before links had wire ends is one veth pair a link: both ends
	 * down or up, which takes the IPv6 addresses and the routes through them
	 * along: netlab puts back its own.
	 */
	for (int k = 0; r >= 0 && !cable && k < 2; k++) {
		const char *dev = strchr(l->ends[k], ':') + 1;
		char desc[112];

		snprintf(desc, sizeof(desc), "setting '%s' %s", l->ends[k], up ? "up" : "down");
		r = netlink_set_link_name(nl[k], dev, up, desc, err);
		if (r >= 0)
			r = netlink_flush(nl[k], err);
		if (r >= 0 && up) {
			restore_addrs(nl[k], n[k], dev);
			restore_routes(nl[k], n[k]);
		}
	}
	if (r < 0)
		return r;
	/* the carrier change of both ends acted on now (a bridge port forwards at once) */
	for (int k = 0; k < 2; k++)
		netlink_sync_link(nl[k], strchr(l->ends[k], ':') + 1);
	/* and, as after `up`, the addresses usable again (detection runs anew) when this returns */
	for (int k = 0; up && k < 2; k++) {
		_cleanup_err_ struct lab_err *e = NULL;
		int ifindex = netlink_ifindex(nl[k], strchr(l->ends[k], ':') + 1, &e);

		if (ifindex >= 0)
			r = dad_wait_dev(nl[k], ifindex, err);
		if (r < 0)
			return r;
	}
	l->up = up;
	return state_write(s, STATE_WIRING, err);
}

/*
 * The kernel refuses to turn a root qdisc 1: of another kind into ours
 * ("Invalid qdisc name"): say what is there and how to clear it.
 */
static int explain_qdisc(const char *lab, struct netlink *nl, int ifindex, const char *end,
			 struct lab_err **err)
{
	_cleanup_err_ struct lab_err *e2 = NULL;
	char kind[16];
	uint32_t handle;

	if (netlink_root_qdisc(nl, ifindex, kind, &handle, &e2) <= 0)
		return -(*err)->code;
	*err = err_free(*err);
	return err_make_kind(err, ERR_RUNTIME, EEXIST,
			     "'%s' already has a root qdisc netlab did not set (%s %x:); clear it with 'netlab impair -l %s %s --clear' (or 'tc qdisc del dev %s root' inside the node), then impair again",
			     end, kind, handle >> 16, lab, end, strchr(end, ':') + 1);
}

int lab_impair(const char *lab, const char *end, const struct topo_impair *im, bool both,
	       struct lab_err **err)
{
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_free_ char *found = NULL;
	_cleanup_close_ int lock = -EBADF;
	struct topo_impair before[2];
	size_t li;
	int side, r = 0, done = 0;

	r = open_lab(lab, end, &found, &lock, &s, err);
	if (r < 0)
		return r;
	r = find_link(s, end, &li, &side, err);
	if (r < 0)
		return r;
	before[0] = s->links[li].impair[0];
	before[1] = s->links[li].impair[1];
	for (int pass = 0; pass < 2 && r >= 0; pass++) {
		int k = pass == 0 ? side : !side;
		_cleanup_(netlink_closep) struct netlink *nl = NULL;
		const char *e = s->links[li].ends[k];
		const struct state_node *n = state_node_of(s, e);
		char desc[112], what[96];
		int ifindex;

		if (pass == 1 && !both)
			break;
		r = node_netlink(s->lab, n, &nl, err);
		if (r < 0)
			break;
		ifindex = netlink_ifindex(nl, strchr(e, ':') + 1, err);
		if (ifindex < 0) {
			r = ifindex;
			break;
		}
		if (!im->set) {
			snprintf(desc, sizeof(desc), "clearing the impairment of '%s'", e);
			netlink_clear_impair(nl, ifindex, desc, err);
			if (netlink_flush(nl, err) < 0) {
				if ((*err)->code != ENOENT && (*err)->code != EINVAL) {
					r = -(*err)->code;
					break;
				}
				/* the kernel's default qdisc there: nothing of ours to clear */
				*err = err_free(*err);
			}
		} else {
			struct netlink_impair ni = {im->delay_ns, im->jitter_ns, im->loss, im->rate_bps};

			snprintf(desc, sizeof(desc), "impairing '%s' (%s, %s)", e,
				 topo_impair_format(im, what, sizeof(what)),
				 netlink_qdisc_name(netlink_impair_qdisc(&ni)));
			r = netlink_set_impair(nl, ifindex, &ni, desc, err);
			if (r >= 0)
				r = netlink_flush(nl, err);
			if (r == -EINVAL)
				r = explain_qdisc(s->lab, nl, ifindex, e, err);
			if (r < 0)
				break;
		}
		s->links[li].impair[k] = *im;
		done++;
	}
	if (r < 0 && done) {
		/* the first end changed, the second failed: put the first back */
		_cleanup_(netlink_closep) struct netlink *nl = NULL;
		_cleanup_err_ struct lab_err *e2 = NULL;
		const char *e = s->links[li].ends[side];
		const struct state_node *n = state_node_of(s, e);

		if (node_netlink(s->lab, n, &nl, &e2) >= 0) {
			int ifindex = netlink_ifindex(nl, strchr(e, ':') + 1, &e2);
			struct netlink_impair ni = {before[side].delay_ns, before[side].jitter_ns,
						    before[side].loss, before[side].rate_bps};

			if (ifindex > 0 && before[side].set)
				netlink_set_impair(nl, ifindex, &ni, "restoring an impairment", &e2);
			else if (ifindex > 0)
				netlink_clear_impair(nl, ifindex, "restoring an impairment", &e2);
			netlink_flush(nl, &e2);
		}
		return r;
	}
	if (r < 0)
		return r;
	return state_write(s, STATE_WIRING, err);
}

static const char *oper_name(const struct netlink_link_info *l)
{
	if (!(l->flags & IFF_UP))
		return "down";
	if (!(l->flags & IFF_LOWER_UP))
		return "no-carrier";
	return "up";
}

static int node_status(const char *lab, const struct state_node *sn, struct status_node *out,
		       struct lab_err **err)
{
	_cleanup_(netlink_closep) struct netlink *nl = NULL;
	_cleanup_free_ char *np = layout_netns_link(sn->netns);
	_cleanup_free_ struct netlink_link_info *links = NULL;
	_cleanup_free_ struct netlink_addr_info *addrs = NULL;
	_cleanup_free_ struct netlink_route_info *routes = NULL;
	size_t nl_n = 0, na = 0, nr = 0;
	int r;

	out->pid = sn->pid;
	out->mount = sn->mount;
	out->ipc = sn->ipc;
	out->cgroup = sn->cgroup;
	out->memory = sn->memory;
	out->cpu = sn->cpu;
	out->pids = sn->pids;
	out->init_pid = lab_node_init_pid(lab, sn->name, sn);
	{
		_cleanup_free_ char *fp = state_failed_path(lab, sn->name);

		if (read_file(fp, 64 << 10, &out->failed, NULL) < 0)
			out->failed = NULL;
	}
	if (access(np, F_OK) < 0)
		return 0;
	{
		ino_t ino = ns_pinned_inode(np);

		ns_count_processes(&ino, 1, &out->processes);
	}
	{
		_cleanup_err_ struct lab_err *e = NULL;

		/* a pin that an `up` or `down` is making or removing right now cannot be entered */
		if (node_netlink(lab, sn, &nl, &e) < 0)
			return 0;
	}
	out->present = true;
	r = netlink_list_links(nl, &links, &nl_n, err);
	if (r >= 0)
		r = netlink_list_addrs(nl, &addrs, &na, err);
	if (r >= 0)
		r = netlink_list_routes(nl, AF_UNSPEC, &routes, &nr, err);
	if (r < 0)
		return r;
	out->ifaces = xcalloc(nl_n ? nl_n : 1, sizeof(*out->ifaces));
	for (size_t i = 0; i < nl_n; i++) {
		struct status_iface *f = &out->ifaces[out->n_ifaces++];

		strscpy(f->name, links[i].name, sizeof(f->name));
		f->state = oper_name(&links[i]);
		f->mtu = links[i].mtu;
		if (links[i].has_mac)
			snprintf(f->mac, sizeof(f->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
				 links[i].mac[0], links[i].mac[1], links[i].mac[2], links[i].mac[3],
				 links[i].mac[4], links[i].mac[5]);
		for (size_t k = 0; k < nl_n; k++)
			if (links[i].master && links[k].ifindex == links[i].master)
				f->master = xstrdup(links[k].name);
		for (size_t a = 0; a < na; a++) {
			char buf[PREFIX_STRLEN];

			if (addrs[a].ifindex != links[i].ifindex)
				continue;
			if (addr_is_link_local(&addrs[a].prefix.addr))
				continue;
			f->addrs = xreallocarray(f->addrs, f->n_addrs + 1, sizeof(char *));
			f->addrs[f->n_addrs++] = xstrdup(prefix_format(&addrs[a].prefix, buf));
		}
	}
	for (size_t i = 0; i < nr; i++) {
		if (routes[i].to.addr.family == AF_INET)
			out->routes4++;
		else if (!addr_is_link_local(&routes[i].to.addr) || routes[i].to.len != 64)
			out->routes6++;
	}
	return 0;
}

int lab_status(const char *lab, struct status_lab **ret, size_t *ret_n, struct lab_err **err)
{
	char **labs = NULL;
	size_t n = 0;
	struct status_lab *out;
	size_t k = 0;
	int r = 0;

	if (lab) {
		labs = xcalloc(1, sizeof(char *));
		labs[0] = xstrdup(lab);
		n = 1;
	} else
		state_list_labs(&labs, &n);
	out = xcalloc(n ? n : 1, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct state *s = NULL;
		struct status_lab *sl;

		r = state_read(labs[i], STATE_ALL, &s, err);
		if (r == -ENOENT && !lab) {
			/* being created or removed right now: not a lab to show (nor an error) */
			r = 0;
			continue;
		}
		if (r == -ENOENT) {
			r = err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not running", lab);
			break;
		}
		sl = &out[k++];
		sl->name = xstrdup(labs[i]);
		if (r < 0) {
			/* a lab with a corrupt state is shown as broken, not skipped */
			sl->status = xstrdup("broken");
			sl->topology = xstrdup("");
			if (!lab) {
				log_warn("%s", (*err)->msg);
				*err = err_free(*err);
				r = 0;
				continue;
			}
			break;
		}
		sl->topology = xstrdup(s->topology ? s->topology : "");
		sl->created = s->created;
		sl->user = xstrdup(s->user ? s->user : "");
		sl->meta = TAKE_PTR(s->meta);
		sl->n_meta = s->n_meta;
		s->n_meta = 0;
		sl->nodes = xcalloc(s->n_nodes ? s->n_nodes : 1, sizeof(*sl->nodes));
		sl->n_nodes = s->n_nodes;
		for (size_t j = 0; j < s->n_nodes && r >= 0; j++)
			r = node_status(s->lab, &s->nodes[j], &sl->nodes[j], err);
		/* the status owns the node strings from here on */
		for (size_t j = 0; j < s->n_nodes; j++) {
			sl->nodes[j].name = TAKE_PTR(s->nodes[j].name);
			sl->nodes[j].kind = TAKE_PTR(s->nodes[j].kind);
			sl->nodes[j].hostname = TAKE_PTR(s->nodes[j].hostname);
			sl->nodes[j].netns = TAKE_PTR(s->nodes[j].netns);
		}
		sl->status = xstrdup(s->status);
		/* an `up` that died (SIGKILL) leaves "creating" behind: that lab is broken */
		if (!strcmp(s->status, "creating") &&
		    (!s->creator_pid || ns_start_time(s->creator_pid) != s->creator_start)) {
			free(sl->status);
			sl->status = xstrdup("broken");
		}
		if (strcmp(s->status, "up") == 0)
			for (size_t j = 0; j < s->n_nodes; j++)
				if (!sl->nodes[j].present) {
					free(sl->status);
					sl->status = xstrdup("broken");
					break;
				}
		sl->links = xcalloc(s->n_links + 1, sizeof(*sl->links));
		sl->n_links = s->n_links;
		for (size_t j = 0; j < s->n_links; j++) {
			struct status_link *lk = &sl->links[j];
			int ups = 0, known = 0;

			for (int e = 0; e < 2; e++) {
				const char *end = s->links[j].ends[e];
				const char *ifn = strchr(end, ':');
				char what[96];

				lk->ends[e] = xstrdup(end);
				if (s->links[j].impair[e].set)
					lk->impair[e] = xstrdup(topo_impair_format(&s->links[j].impair[e], what, sizeof(what)));
				for (size_t q = 0; ifn && q < sl->n_nodes; q++) {
					if (strncmp(sl->nodes[q].name, end, ifn - end) || sl->nodes[q].name[ifn - end])
						continue;
					for (size_t f = 0; f < sl->nodes[q].n_ifaces; f++)
						if (!strcmp(sl->nodes[q].ifaces[f].name, ifn + 1)) {
							known++;
							/* with a carrier: a pulled cable leaves both ends up without */
							ups += strcmp(sl->nodes[q].ifaces[f].state, "up") == 0;
						}
				}
			}
			lk->state = known < 2 ? "unknown" : ups == 2 ? "up" : "down";
		}
		state_free(s);
		if (r < 0)
			break;
	}
	strv_free(labs, n);
	if (r < 0) {
		lab_status_free(out, k);
		return r;
	}
	*ret = out;
	*ret_n = k;
	return 0;
}

void lab_status_free(struct status_lab *labs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct status_lab *l = &labs[i];

		for (size_t j = 0; j < l->n_nodes; j++) {
			struct status_node *nd = &l->nodes[j];

			for (size_t k = 0; k < nd->n_ifaces; k++) {
				for (size_t a = 0; a < nd->ifaces[k].n_addrs; a++)
					free(nd->ifaces[k].addrs[a]);
				free(nd->ifaces[k].addrs);
				free(nd->ifaces[k].master);
			}
			free(nd->ifaces);
			free(nd->name);
			free(nd->kind);
			free(nd->hostname);
			free(nd->netns);
			free(nd->failed);
		}
		free(l->nodes);
		for (size_t j = 0; j < l->n_links; j++)
			for (int e = 0; e < 2; e++) {
				free(l->links[j].ends[e]);
				free(l->links[j].impair[e]);
			}
		free(l->links);
		free(l->name);
		free(l->status);
		free(l->topology);
		free(l->user);
		for (size_t m = 0; m < 2 * l->n_meta; m++)
			free(l->meta[m]);
		free(l->meta);
	}
	free(labs);
}
