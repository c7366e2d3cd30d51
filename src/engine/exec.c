/* SPDX-License-Identifier: MIT */
/* Finding a node by name, running a command in it (exec), restarting it. */
#include "lab.h"
#include "engine_impl.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "lab_node.h"
#include "labinfo.h"
#include "layout.h"
#include "log.h"
#include "rootless.h"
#include "node_env.h"
#include "topo_parse.h"
#include "util.h"

/* Whether a lab has a node: its UTS pin, the mark of every node netlab made. */
static bool lab_has_node(const char *lab, const char *node)
{
	_cleanup_free_ char *pin = state_uts_path(lab, node);

	/* a user's lab has its pins inside its holder: its state lists the nodes */
	if (rootless_outside()) {
		_cleanup_(state_freep) struct state *s = NULL;
		_cleanup_err_ struct lab_err *e = NULL;

		if (state_read(lab, STATE_NODES, &s, &e) < 0)
			return false;
		for (size_t i = 0; i < s->n_nodes; i++)
			if (!strcmp(s->nodes[i].name, node))
				return true;
		return false;
	}
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

		if (topo_lab_key_problem(lab))
			return err_make_kind(err, ERR_USAGE, EINVAL, "lab name '%s' %s", lab,
					     topo_lab_key_problem(lab));
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
		if (topo_lab_key_problem(labs[i]))
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
			if (!topo_lab_key_problem(labs[i]))
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
	if (r >= 0)
		r = rootless_join(found, err);
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
	if (r >= 0)
		r = rootless_join(found, err);
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
	r = engine_logs_dir(found, err);
	if (r < 0)
		return r;
	for (size_t k = 0; k < tn->n_startup; k++) {
		log_info("node '%s': running '%s'", node, tn->startup[k]);
		r = engine_run_command(found, sn, tn->startup[k], log_path, err);
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
