/* SPDX-License-Identifier: MIT */
/*
 * status of a user's lab from outside it (list, status of every lab): the
 * nodes' status is made in a child that joined the lab, and sent back through
 * a pipe (a process can join one lab only, and never leave it).
 */
#include "rootless.h"
#include "rootless_impl.h"

#include <stdint.h>

#include "util.h"

struct node_status_job {
	const char *lab;
	const struct state *s;
	struct status_node *out;
	int (*fn)(const char *lab, const struct state_node *sn, struct status_node *out,
		  struct lab_err **err);
};

static const char *const iface_states[] = {"up", "down", "no-carrier"};

static int put(int fd, const void *p, size_t len)
{
	return rootless_write_all(fd, p, len);
}

static int put_str(int fd, const char *s)
{
	uint32_t len = s ? strlen(s) : UINT32_MAX;
	int r = put(fd, &len, sizeof(len));

	return r < 0 || !s ? r : put(fd, s, len);
}

static int get_str(int fd, char **ret)
{
	uint32_t len;
	int r = rootless_read_all(fd, &len, sizeof(len));

	*ret = NULL;
	if (r < 0 || len == UINT32_MAX)
		return r;
	if (len > (1u << 20))
		return -EPROTO;
	*ret = xcalloc(len + 1, 1);
	return rootless_read_all(fd, *ret, len);
}

static int run_nodes(void *data, struct lab_err **err)
{
	struct node_status_job *j = data;
	int r = 0;

	for (size_t i = 0; i < j->s->n_nodes && r >= 0; i++)
		r = j->fn(j->lab, &j->s->nodes[i], &j->out[i], err);
	return r;
}

/* One interface: the plain fields, then its state by index, master and addresses. */
static int send_iface(int fd, const struct status_iface *f)
{
	uint32_t st = 0, n = f->n_addrs;
	int r;

	for (uint32_t k = 0; k < ARRAY_SIZE(iface_states); k++)
		if (f->state && !strcmp(f->state, iface_states[k]))
			st = k;
	r = put(fd, f->name, sizeof(f->name));
	if (r >= 0)
		r = put(fd, &f->mtu, sizeof(f->mtu));
	if (r >= 0)
		r = put(fd, f->mac, sizeof(f->mac));
	if (r >= 0)
		r = put(fd, &st, sizeof(st));
	if (r >= 0)
		r = put_str(fd, f->master);
	if (r >= 0)
		r = put(fd, &n, sizeof(n));
	for (uint32_t a = 0; a < n && r >= 0; a++)
		r = put_str(fd, f->addrs[a]);
	return r;
}

static int recv_iface(int fd, struct status_iface *f)
{
	uint32_t st, n;
	int r = rootless_read_all(fd, f->name, sizeof(f->name));

	if (r >= 0)
		r = rootless_read_all(fd, &f->mtu, sizeof(f->mtu));
	if (r >= 0)
		r = rootless_read_all(fd, f->mac, sizeof(f->mac));
	if (r >= 0)
		r = rootless_read_all(fd, &st, sizeof(st));
	if (r >= 0)
		r = get_str(fd, &f->master);
	if (r >= 0)
		r = rootless_read_all(fd, &n, sizeof(n));
	if (r < 0 || n > 4096)
		return r < 0 ? r : -EPROTO;
	f->name[sizeof(f->name) - 1] = '\0';
	f->mac[sizeof(f->mac) - 1] = '\0';
	f->state = iface_states[st < ARRAY_SIZE(iface_states) ? st : 1];
	f->addrs = xcalloc(n + 1, sizeof(char *));
	for (; f->n_addrs < n && r >= 0; f->n_addrs++)
		r = get_str(fd, &f->addrs[f->n_addrs]);
	return r;
}

/* What node_status() found in the kernel: the rest the parent has from the state. */
struct node_fixed {
	uint8_t present;
	int32_t init_pid;
	uint64_t processes, routes4, routes6;
	uint32_t n_ifaces;
};

static int send_nodes(void *data, int fd)
{
	struct node_status_job *j = data;
	int r = 0;

	for (size_t i = 0; i < j->s->n_nodes && r >= 0; i++) {
		const struct status_node *o = &j->out[i];
		struct node_fixed x = {o->present, o->init_pid, o->processes, o->routes4, o->routes6,
				       o->n_ifaces};

		r = put(fd, &x, sizeof(x));
		if (r >= 0)
			r = put_str(fd, o->failed);
		for (size_t k = 0; k < o->n_ifaces && r >= 0; k++)
			r = send_iface(fd, &o->ifaces[k]);
	}
	return r;
}

static int recv_nodes(void *data, int fd, struct lab_err **err)
{
	struct node_status_job *j = data;
	int r = 0;

	for (size_t i = 0; i < j->s->n_nodes && r >= 0; i++) {
		struct status_node *o = &j->out[i];
		const struct state_node *sn = &j->s->nodes[i];
		struct node_fixed x;

		r = rootless_read_all(fd, &x, sizeof(x));
		if (r >= 0 && x.n_ifaces > 65536)
			r = -EPROTO;
		if (r < 0)
			break;
		*o = (struct status_node){
			.present = x.present, .pid = sn->pid, .mount = sn->mount, .ipc = sn->ipc,
			.cgroup = sn->cgroup, .memory = sn->memory, .cpu = sn->cpu, .pids = sn->pids,
			.init_pid = x.init_pid, .processes = x.processes, .routes4 = x.routes4,
			.routes6 = x.routes6,
		};
		r = get_str(fd, &o->failed);
		o->ifaces = xcalloc(x.n_ifaces + 1, sizeof(*o->ifaces));
		for (; o->n_ifaces < x.n_ifaces && r >= 0; o->n_ifaces++)
			r = recv_iface(fd, &o->ifaces[o->n_ifaces]);
	}
	if (r < 0)
		return err_make(err, -r, "reading the status of lab '%s' from inside it", j->lab);
	return 0;
}

int rootless_node_status(const char *lab, const struct state *s, struct status_node *out,
			 int (*fn)(const char *lab, const struct state_node *sn,
				   struct status_node *out, struct lab_err **err),
			 struct lab_err **err)
{
	struct node_status_job j = {lab, s, out, fn};

	if (!rootless_outside())
		return run_nodes(&j, err);
	return rootless_node_status_forked(lab, s, out, fn, err);
}

int rootless_node_status_forked(const char *lab, const struct state *s, struct status_node *out,
				int (*fn)(const char *lab, const struct state_node *sn,
					  struct status_node *out, struct lab_err **err),
				struct lab_err **err)
{
	struct node_status_job j = {lab, s, out, fn};

	return rootless_fork_in(lab, run_nodes, send_nodes, recv_nodes, &j, err);
}
