/* SPDX-License-Identifier: MIT */
/* `down`: a lab's shutdown commands, then its processes, pins, cgroups and state. */
#include "lab.h"
#include "engine_impl.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "hosts.h"
#include "lab_node.h"
#include "layout.h"
#include "log.h"
#include "rootless.h"
#include "topo_parse.h"
#include "util.h"

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
void engine_remove_nodes(const char *lab, const struct state_node *nodes, size_t n,
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
	/* a user's lab has cgroups only under a delegated subtree: root's tree is root's */
	if (!rootless_user() || cgroup_has_base())
		cgroup_remove_lab(lab);
	/*
	 * The network namespaces last: once they go, the kernel's freeing of them
	 * holds up RCU grace periods, which any later unmount would wait for
	 * (4,096 nodes: 0.1 s).
	 */
	ns_pins_unmount(lab);
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

/* The one share "LAB@HOST" on this machine of lab (NULL: none, or several). */
static char *share_of(const char *lab)
{
	char **labs = NULL, *found = NULL;
	size_t n = 0, matches = 0, len = strlen(lab);

	if (strchr(lab, '@'))
		return NULL;
	state_list_labs(&labs, &n);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(labs[i], lab, len) && labs[i][len] == '@' && !topo_lab_key_problem(labs[i])) {
			matches++;
			free(found);
			found = xstrdup(labs[i]);
		}
	strv_free(labs, n);
	if (matches != 1)
		found = mfree(found);
	return found;
}

struct down_job {
	const char *lab;
	bool force;
};

static int down_in_lab(void *data, struct lab_err **err)
{
	const struct down_job *j = data;

	return lab_down(j->lab, j->force, err);
}

int lab_down(const char *lab, bool force, struct lab_err **err)
{
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_close_ int lock = -EBADF;
	const char *problem = topo_lab_key_problem(lab);
	int r;

	if (problem)
		return err_make_kind(err, ERR_USAGE, EINVAL, "lab name '%s' %s", lab, problem);
	/* a user's lab: from inside it, in a child (down --all goes through several) */
	if (rootless_outside())
		return rootless_run_in(lab, down_in_lab, &(struct down_job){lab, force}, err);
	lock = state_lock(lab, false, err);
	if (lock == -ENOENT) {
		/* a host's own share of a lab over several machines: `down LAB` there */
		_cleanup_free_ char *share = share_of(lab);

		if (share)
			return lab_down(share, force, err);
		return ns_remove_orphan(lab); /* no directory: at most pins left behind */
	}
	if (lock < 0)
		return lock;
	r = state_read(lab, STATE_NODES, &s, err);
	if (r == 0 && s->n_hosts) {
		/* the controller's record: every host takes its share down */
		return hosts_down(s, force, err);
	}
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
			s->nodes[i].has_cgroup = !rootless_user() || cgroup_has_base(); /* removing a missing one is fine */
	}
	if (r == 0)
		engine_run_shutdowns(lab, s);
	log_info("lab '%s': removing %zu nodes", lab, s->n_nodes);
	/* where the pins are: the state says; without one, the lab's pin directory does */
	engine_remove_nodes(lab, s->nodes, s->n_nodes, NULL,
		     r == 0 ? s->version < 3 : !ns_pins_mounted(lab));
	rootless_end(lab); /* a user's lab: its holder last, with whatever still runs in it */
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
		if (topo_lab_key_problem(labs[i]))
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
			if (!topo_lab_key_problem(labs[i]) && !lab_dir_exists(labs[i]))
				count += ns_remove_orphan(labs[i]);
		strv_free(labs, n);
	}
	if (r >= 0 && (!rootless_user() || cgroup_has_base())) {
		/* cgroups of labs whose directory is gone: netlab/ holds only netlab's (root's) */
		char **cg = NULL;
		size_t ncg = 0;

		cgroup_list_labs(&cg, &ncg);
		for (size_t i = 0; i < ncg; i++) {
			if (topo_lab_key_problem(cg[i]))
				continue;
			cgroup_remove_all(cg[i]);
		}
		strv_free(cg, ncg);
	}
	return r < 0 ? r : count;
}
