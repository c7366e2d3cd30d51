/* SPDX-License-Identifier: MIT */
/* The run half of a plan: what each node is given (files, environment) and runs, and when. */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void run_init(struct plan_run *r, const struct topo_node *n)
{
	*r = (struct plan_run){
		.name = n->name,
		.hostname = n->hostname,
		.kind = topo_kind_name(n->kind),
		.shell = n->shell,
		.iso = n->iso,
		.limits = n->limits,
		.startup = n->startup,
		.n_startup = n->n_startup,
		.startup_continue = n->startup_continue,
		.shutdown = n->shutdown,
		.n_shutdown = n->n_shutdown,
	};
	r->files = xcalloc(n->n_files + 1, sizeof(*r->files));
	for (size_t k = 0; k < n->n_files; k++)
		r->files[k] = (struct plan_file){
			.path = n->files[k].key,
			.source = n->files_host && n->files_host[k] ? n->files_host[k] : n->files[k].value,
			.ro = n->files_ro && n->files_ro[k],
			.rw = n->files_rw && n->files_rw[k],
		};
	r->n_files = n->n_files;
	r->env = xcalloc(n->n_env + 1, sizeof(char *));
	for (size_t k = 0; k < n->n_env; k++)
		r->env[k] = xasprintf("%s=%s", n->env[k].key, n->env[k].value);
	r->n_env = n->n_env;
}

static ssize_t node_index(const struct topo *t, const char *name)
{
	for (size_t j = 0; j < t->n_nodes; j++)
		if (!strcmp(t->nodes[j].name, name))
			return j;
	return -1;
}

/* Whether every node of n's "after" is done (a name that is no node is no wait). */
static bool ready(const struct topo *t, const struct topo_node *n, const bool *done)
{
	for (size_t k = 0; k < n->n_after; k++) {
		ssize_t j = node_index(t, n->after[k]);

		if (j >= 0 && !done[j])
			return false;
	}
	return true;
}

/*
 * Waves: a node's startups run in the wave after the last of its "after"
 * nodes'; the nodes of a wave run side by side. order lists the nodes by wave.
 */
static void startup_waves(const struct topo *t, size_t *order, unsigned *wave)
{
	_cleanup_free_ bool *done = xcalloc(t->n_nodes + 1, sizeof(bool));
	_cleanup_free_ bool *now = xcalloc(t->n_nodes + 1, sizeof(bool));
	size_t n = 0;

	for (unsigned w = 0; n < t->n_nodes; w++) {
		size_t before = n;
		bool any = false;

		for (size_t i = 0; i < t->n_nodes; i++) {
			now[i] = !done[i] && ready(t, &t->nodes[i], done);
			any = any || now[i];
		}
		/* none ready: a cycle validate missed, the rest in one wave */
		for (size_t i = 0; i < t->n_nodes; i++)
			if (!done[i] && (now[i] || !any)) {
				wave[i] = w;
				order[n++] = i;
			}
		for (size_t k = before; k < n; k++)
			done[order[k]] = true;
	}
}

void plan_run_build(struct plan *p)
{
	const struct topo *t = p->topo;

	p->lab = t->name;
	p->file = t->file;
	p->meta = t->meta;
	p->n_meta = t->n_meta;
	p->strict = t->strict;
	for (size_t i = 0; i < p->n_nodes; i++) {
		run_init(&p->nodes[i].run, &t->nodes[i]);
		p->any_startup = p->any_startup || (p->nodes[i].local && t->nodes[i].n_startup);
	}
	p->hosts = plan_hosts_file(t);
	p->startup_order = xcalloc(p->n_nodes + 1, sizeof(size_t));
	{
		_cleanup_free_ unsigned *wave = xcalloc(p->n_nodes + 1, sizeof(unsigned));

		startup_waves(t, p->startup_order, wave);
		for (size_t i = 0; i < p->n_nodes; i++)
			p->nodes[i].run.wave = wave[i];
	}
}

void plan_run_free(struct plan *p)
{
	for (size_t i = 0; i < p->n_nodes; i++) {
		struct plan_run *r = &p->nodes[i].run;

		free(r->files);
		strv_free(r->env, r->n_env);
	}
	free(p->startup_order);
	free(p->hosts);
}
