/* SPDX-License-Identifier: MIT */
/* `status`: what the state says a lab is, and what its nodes' namespaces show. */
#include "lab.h"
#include "engine_impl.h"

#include <linux/if.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab_node.h"
#include "layout.h"
#include "log.h"
#include "rootless.h"
#include "util.h"

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
	/* the failing lines of a Kathara script (which leave the node up), from its log */
	if (startup_log_read(lab, sn->name, &out->startup_errors, &out->n_startup_errors) < 0)
		out->n_startup_errors = 0;
	if (access(np, F_OK) < 0)
		return 0;
	{
		ino_t ino = ns_pinned_inode(np);

		ns_count_processes(&ino, 1, &out->processes);
	}
	{
		_cleanup_err_ struct lab_err *e = NULL;

		/* a pin that an `up` or `down` is making or removing right now cannot be entered */
		if (engine_node_netlink(lab, sn, &nl, &e) < 0)
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

/* Each link's ends, impairments, and state: up when both ends have a carrier. */
static void status_links(struct status_lab *sl, const struct state *s)
{
	sl->links = xcalloc(s->n_links + 1, sizeof(*sl->links));
	sl->n_links = s->n_links;
	for (size_t j = 0; j < s->n_links; j++) {
		struct status_link *lk = &sl->links[j];
		int ups = 0, known = 0;

		for (int e = 0; e < 2; e++) {
			const struct topo_end *end = &s->links[j].ends[e];
			char what[96], buf[TOPO_END_MAX];

			lk->ends[e] = xstrdup(topo_end_format(end, buf));
			if (s->links[j].impair[e].set)
				lk->impair[e] = xstrdup(topo_impair_format(&s->links[j].impair[e], what, sizeof(what)));
			for (size_t q = 0; q < sl->n_nodes; q++) {
				if (strcmp(sl->nodes[q].name, end->node))
					continue;
				for (size_t f = 0; f < sl->nodes[q].n_ifaces; f++)
					if (!strcmp(sl->nodes[q].ifaces[f].name, end->ifname)) {
						known++;
						/* with a carrier: a pulled cable leaves both ends up without */
						ups += strcmp(sl->nodes[q].ifaces[f].state, "up") == 0;
					}
			}
		}
		lk->state = known < 2 ? "unknown" : ups == 2 ? "up" : "down";
		/* a link to another host: this end's carrier and the tunnel's remote (a cut keeps the carrier) */
		if (s->links[j].vxlan.on)
			lk->state = known < 1 ? "unknown" : ups == 1 && s->links[j].up ? "up (to another host)"
									      : "down (to another host)";
	}
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
		/* a user's lab from outside it: in a child that joins it */
		r = rootless_node_status(s->lab, s, sl->nodes, node_status, err);
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
		status_links(sl, s);
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
			startup_failures_free(nd->startup_errors, nd->n_startup_errors);
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
