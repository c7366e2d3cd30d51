/* SPDX-License-Identifier: MIT */
/*
 * `up`: a lab from its plan. The state first lists everything the lab may own;
 * then phases 1-3 (build.c), isolation (4) and startups (5, startup.c). A
 * failure or a signal rolls back what was made.
 */
#include "lab.h"
#include "engine_impl.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "layout.h"
#include "lab_node.h"
#include "log.h"
#include "ns.h"
#include "rootless.h"
#include "topo_parse.h"
#include "util.h"

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
	struct state *s = state_new(p->lab);
	char *abs = realpath(p->file, NULL);

	s->status = xstrdup("creating");
	s->topology = abs ? abs : xstrdup(p->file);
	s->meta = xcalloc(2 * p->n_meta + 1, sizeof(char *));
	for (size_t i = 0; i < p->n_meta; i++) {
		s->meta[2 * i] = xstrdup(p->meta[i].key);
		s->meta[2 * i + 1] = xstrdup(p->meta[i].value);
	}
	s->n_meta = p->n_meta;
	s->created = time(NULL);
	s->creator_pid = getpid();
	s->creator_start = ns_start_time(getpid());
	s->nodes = xcalloc(p->n_nodes, sizeof(*s->nodes));
	for (size_t i = 0; i < p->n_nodes; i++) {
		const struct plan_run *n = &p->nodes[i].run;

		s->nodes[i] = (struct state_node){
			.name = xstrdup(n->name),
			.kind = xstrdup(n->kind),
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
			.env = xcalloc(n->n_env + 1, sizeof(char *)),
			.n_env = n->n_env,
			.shutdown = xcalloc(n->n_shutdown + 1, sizeof(char *)),
			.n_shutdown = n->n_shutdown,
			.shell = n->shell ? xstrdup(n->shell) : NULL,
			.remote = !p->nodes[i].local,
		};
		for (size_t k = 0; k < n->n_env; k++)
			s->nodes[i].env[k] = xstrdup(n->env[k]);
		for (size_t k = 0; k < n->n_shutdown; k++)
			s->nodes[i].shutdown[k] = xstrdup(n->shutdown[k]);
	}
	s->n_nodes = p->n_nodes;
	s->links = xcalloc(p->n_links + 1, sizeof(*s->links));
	for (size_t i = 0; i < p->n_links; i++) {
		const struct plan_link *l = &p->links[i];

		for (int k = 0; k < 2; k++) {
			strscpy(s->links[i].ends[k].node, p->nodes[l->end[k].node].run.name,
				sizeof(s->links[i].ends[k].node));
			strscpy(s->links[i].ends[k].ifname, l->end[k].ifname, sizeof(s->links[i].ends[k].ifname));
		}
		s->links[i].up = l->up;
		s->links[i].wire[0] = l->wire[0].ifindex;
		s->links[i].wire[1] = l->wire[1].ifindex;
		s->links[i].plain = !p->wired;
		s->links[i].impair[0] = l->impair[0];
		s->links[i].impair[1] = l->impair[1];
		s->links[i].remote = l->share == PLAN_LINK_REMOTE;
		if (l->share == PLAN_LINK_VXLAN) {
			const struct plan_vxlan *vx = &p->vxlans[l->vxlan];

			s->links[i].vxlan = (struct state_vxlan){true, vx->side, vx->vni, vx->port, vx->remote};
		}
	}
	s->n_links = p->n_links;
	return s;
}

struct cgroup_ctx {
	const char *lab, *node;
};

static int join_cgroup(void *data, pid_t pid, struct lab_err **err)
{
	const struct cgroup_ctx *c = data;

	return cgroup_attach(c->lab, c->node, pid, err);
}

/*
 * Phase 4, one node: PID, mount, IPC and cgroup namespaces, limits, files.
 * Return: its init's pid, 0, or -errno.
 */
static int isolate_node(const struct plan *p, size_t i, int net_fd, int tmpl,
			const char *service, struct lab_err **err)
{
	const struct plan_run *n = &p->nodes[i].run;
	_cleanup_free_ char *prefix = state_pin_prefix(p->lab, n->name);
	_cleanup_free_ char *uts = state_uts_path(p->lab, n->name);
	_cleanup_free_ struct ns_file *files = xcalloc(n->n_files + 1, sizeof(*files));
	_cleanup_close_ int uts_fd = -EBADF;
	struct cgroup_ctx cg = {p->lab, n->name};
	struct ns_isolation iso;
	int r;

	if (n->iso.cgroup) {
		r = cgroup_create(p->lab, n->name, n->limits.memory, n->limits.cpu, n->limits.pids, err);
		if (r < 0)
			return r;
	}
	uts_fd = ns_open(uts, err);
	if (uts_fd < 0)
		return uts_fd;
	for (size_t k = 0; k < n->n_files; k++)
		files[k] = (struct ns_file){n->files[k].path, n->files[k].source, n->files[k].ro,
					    n->files[k].rw};
	iso = (struct ns_isolation){
		.net_fd = net_fd,
		.uts_fd = uts_fd,
		.tmpl_fd = tmpl,
		.pid = n->iso.pid,
		.mount = n->iso.mount,
		.ipc = n->iso.ipc,
		.cgroup = n->iso.cgroup,
		.pin_prefix = prefix,
		.hostname = n->hostname,
		.hosts = p->hosts,
		.files = files,
		.n_files = n->n_files,
		.service = service,
		.join_cgroup = join_cgroup,
		.data = &cg,
	};
	log_info("node '%s': isolating (pid %s, mount %s, ipc %s, cgroup %s)", n->name,
		 n->iso.pid ? "yes" : "no", n->iso.mount ? "yes" : "no", n->iso.ipc ? "yes" : "no",
		 n->iso.cgroup ? "yes" : "no");
	r = ns_isolate(&iso, err);
	if (r >= 0 && engine_check_interrupt(err) < 0)
		r = -EINTR;
	return r;
}

/*
 * Phase 4: each node's environment file, and its isolation. Mount and PID
 * namespaces alone are made when something first runs in the node
 * (lab_node_realize): no process per node, no mount table per node, until it
 * is used. IPC, cgroups and files are made now, so that their errors fail `up`.
 */
static int isolate_nodes(const struct plan *p, const int *fds, struct state *s,
			 struct lab_err **err)
{
	_cleanup_free_ char *tp = layout_template_pin(p->lab), *service = layout_service_file(p->lab);
	_cleanup_close_ int tmpl = open(tp, O_RDONLY | O_CLOEXEC); /* none: see lab_node_prepare */
	int r;

	for (size_t i = 0; i < p->n_nodes; i++) {
		if (s->nodes[i].n_env) {
			r = state_write_env(p->lab, s->nodes[i].name, s->nodes[i].env, s->nodes[i].n_env, err);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; i < p->n_nodes; i++) {
		const struct plan_run *n = &p->nodes[i].run;

		if (!p->nodes[i].local || (!n->iso.pid && !n->iso.mount && !n->iso.ipc && !n->iso.cgroup))
			continue;
		if (!n->iso.ipc && !n->iso.cgroup && !n->n_files)
			r = lab_node_defer(p->lab, n->name, n->iso.mount, n->iso.pid, err);
		else
			r = isolate_node(p, i, fds[i], tmpl, service, err);
		if (r < 0)
			return err_wrap(err, "node '%s'", n->name);
		if (r > 0) {
			s->nodes[i].init_pid = r;
			s->nodes[i].init_start = ns_start_time(r);
		}
	}
	return 0;
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
	int r = state_read(p->lab, STATE_NODES, &s, &e);

	if (r == 0 || r == -EBADMSG)
		return err_make_kind(err, ERR_RUNTIME, EEXIST,
				     "lab '%s' is already up (see 'netlab status %s'; 'netlab down %s' removes it)",
				     p->lab, p->lab, p->lab);
	if (r == -ENOENT && ns_remove_orphan(p->lab))
		log_warn("lab '%s': removed the namespaces a lab of that name had left behind",
			 p->lab);
	for (size_t i = 0; i < p->n_nodes; i++) {
		_cleanup_free_ char *np = NULL;

		if (!p->nodes[i].local)
			continue; /* another host's */
		np = layout_netns_link(p->nodes[i].netns);

		if (faccessat(AT_FDCWD, np, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return err_make_kind(err, ERR_RUNTIME, EEXIST,
					     "network namespace '%s' exists already and is not part of a netlab lab: remove it or rename the lab",
					     p->nodes[i].netns);
	}
	return 0;
}

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

/*
 * Before anything is made: the lab's directory, locked, and nothing of a lab of
 * that name there. An existing lab is left alone; only the directory just made
 * for it goes.
 */
static int begin(const struct plan *p, int *ret_lock, struct lab_err **err)
{
	const char *lab = p->lab;
	_cleanup_(state_freep) struct state *other = NULL;
	_cleanup_free_ char *nsdir = NULL;
	_cleanup_(closedirp_) DIR *d = NULL;
	struct dirent *de;
	bool empty = true;
	int r;

	r = state_prepare_root(err);
	if (r >= 0)
		r = ns_prepare_netns_dir(err);
	if (r < 0)
		return r;
	*ret_lock = state_lock(lab, true, err);
	if (*ret_lock < 0)
		return *ret_lock;
	r = check_absent(p, err);
	if (r >= 0)
		return 0;
	nsdir = layout_ns_dir(lab);
	d = opendir(nsdir);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			empty = false;
	if (empty && state_read(lab, STATE_NODES, &other, NULL) == -ENOENT)
		state_remove(lab, NULL);
	return r;
}

/* The state, listing everything the lab may own before any of it exists; the pins' mounts. */
static int record(const struct plan *p, struct state **ret, struct lab_err **err)
{
	int r;

	*ret = state_from_plan(p);
	r = state_write(*ret, STATE_ALL, err);
	if (r >= 0)
		r = state_mount_pins(p->lab, err);
	if (r >= 0)
		r = ns_pins_mount(p->lab, err);
	if (r < 0)
		return r;
	return lab_node_prepare(p->lab, p->hosts, err);
}

/* Phases 4 and 5 on a wired lab: isolation, then startups, the state saying so. */
static int finish(const struct plan *p, const int *fds, struct state *s, double start,
		  bool wire_only, struct lab_err **err)
{
	int r, failed;

	log_info("lab '%s': %.3f s: isolating nodes", p->lab, now_sec() - start);
	r = isolate_nodes(p, fds, s, err);
	/* the state knows the inits before any command runs */
	if (r >= 0)
		r = state_write(s, STATE_NODES, err);
	if (r < 0)
		return r;
	if (wire_only) {
		free(s->status);
		s->status = xstrdup("wired");
		return state_write(s, STATE_NODES, err);
	}
	failed = engine_run_startups(p, s, err);
	if (failed < 0)
		return failed;
	free(s->status);
	s->status = xstrdup("up");
	r = state_write(s, STATE_NODES, err);
	return r < 0 ? r : failed;
}

char *lab_share_name(const char *lab, const char *host)
{
	return xasprintf("%s@%s", lab, host);
}

/* The plan of what this machine builds: the whole lab, or one host's share under its own name. */
static int plan_share(const struct topo *t, const char *host, char **ret_name, struct plan **ret,
		      struct lab_err **err)
{
	ssize_t h = -1;

	if (host) {
		h = topo_find_host(t, host);
		if (h < 0)
			return err_make_kind(err, ERR_USAGE, ENOENT, "--host: lab '%s' has no host '%s'",
					     t->name, host);
		*ret_name = lab_share_name(t->name, host);
	}
	*ret = plan_build_host(t, h);
	if (host)
		(*ret)->lab = *ret_name;
	return 0;
}

static int up(const struct topo *t, const struct lab_up_opts *o, struct lab_up_result *ret,
	      struct lab_err **err)
{
	_cleanup_(plan_freep) struct plan *p = NULL;
	_cleanup_free_ char *share = NULL;
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_close_ int lock = -EBADF;
	struct engine_build b = {.wire_fd = -EBADF, .sysctl = NS_SYSCTL_INIT};
	double start = now_sec();
	int r;

	r = plan_share(t, o ? o->host : NULL, &share, &p, err);
	if (r < 0)
		return r;
	engine_progress_on = p->n_nodes > 50 && isatty(STDERR_FILENO) && log_level == LOG_LEVEL_WARN;
	r = rootless_begin_up(p, err); /* a user's lab: probes, then its holder, joined */
	if (r < 0)
		return r;
	r = begin(p, &lock, err);
	if (r >= 0)
		r = rootless_record(p->lab, err);
	if (r < 0) {
		rootless_abort_up();
		return r;
	}
	r = record(p, &s, err);
	if (r >= 0) {
		raise_nofile(2 * p->n_nodes);
		check_neighbour_limits(p);
		r = engine_build(p, &b, start, err);
	}
	if (r >= 0)
		r = finish(p, b.fds, s, start, o && o->wire_only, err);
	if (r >= 0) {
		if (ret)
			*ret = (struct lab_up_result){0, 0, now_sec() - start, r};
		for (size_t i = 0; ret && i < p->n_nodes; i++)
			ret->nodes += p->nodes[i].local;
		for (size_t i = 0; ret && i < p->n_links; i++)
			ret->links += p->links[i].share != PLAN_LINK_REMOTE;
		engine_build_clear(&b);
		return 0;
	}

	if (engine_progress_on)
		fputs("\r\033[K", stderr);
	log_info("lab '%s': rolling back", p->lab);
	/* what the failed phase made: only the nodes whose pins exist (none before phase 1) */
	engine_remove_nodes(p->lab, s->nodes, b.made ? p->n_nodes : 0, b.made, false);
	engine_build_clear(&b);
	{
		_cleanup_err_ struct lab_err *e = NULL;

		rootless_end(p->lab);
		if (state_remove(p->lab, &e) < 0)
			log_warn("%s, ignoring", e->msg);
	}
	return err_wrap(err, "lab '%s' could not be brought up, and was rolled back", p->lab);
}

static void on_interrupt(int sig)
{
	engine_interrupted = sig;
}

int lab_up(const struct topo *t, const struct lab_up_opts *o, struct lab_up_result *ret,
	   struct lab_err **err)
{
	struct sigaction sa = {.sa_handler = on_interrupt}, old[3];
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	int r;

	engine_interrupted = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	r = up(t, o, ret, err);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	return r;
}

int lab_start(const struct topo *t, const char *host, struct lab_err **err)
{
	_cleanup_(plan_freep) struct plan *p = NULL;
	_cleanup_free_ char *share = NULL;
	_cleanup_(state_freep) struct state *s = NULL;
	_cleanup_close_ int lock = -EBADF;
	int r, failed;

	r = plan_share(t, host, &share, &p, err);
	if (r < 0)
		return r;
	lock = state_lock(p->lab, false, err);
	if (lock < 0)
		return lock == -ENOENT ? err_make_kind(err, ERR_RUNTIME, ENOENT, "lab '%s' is not up", p->lab)
				       : lock;
	r = state_read(p->lab, STATE_NODES, &s, err);
	if (r < 0)
		return r;
	if (strcmp(s->status, "wired"))
		return err_make_kind(err, ERR_RUNTIME, EALREADY, "lab '%s' is %s, not waiting for its startups",
				     p->lab, s->status);
	/* the state's nodes in the plan's order: a share's state lists only its own */
	{
		struct state_node *nodes = xcalloc(p->n_nodes + 1, sizeof(*nodes));

		for (size_t i = 0; i < p->n_nodes; i++) {
			for (size_t j = 0; j < s->n_nodes && p->nodes[i].local; j++)
				if (s->nodes[j].name && !strcmp(s->nodes[j].name, p->nodes[i].run.name)) {
					nodes[i] = s->nodes[j];
					s->nodes[j] = (struct state_node){0};
				}
			if (!p->nodes[i].local)
				nodes[i] = (struct state_node){.name = xstrdup(p->nodes[i].run.name), .remote = true};
		}
		for (size_t j = 0; j < s->n_nodes; j++)
			state_node_clear(&s->nodes[j]);
		free(s->nodes);
		s->nodes = nodes;
		s->n_nodes = p->n_nodes;
	}
	failed = engine_run_startups(p, s, err);
	if (failed < 0)
		return failed;
	free(s->status);
	s->status = xstrdup("up");
	r = state_write(s, STATE_NODES, err);
	return r < 0 ? r : failed;
}
