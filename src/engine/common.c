/* SPDX-License-Identifier: MIT */
/* What the engine's verbs share: interface names, progress, signals, netlink sockets in nodes. */
#include "engine_impl.h"

#include <linux/netlink.h>
#include <sys/socket.h>

#include "log.h"
#include "ns.h"
#include "util.h"

/*
 * A progress line on a terminal for labs of more than 50 nodes: off with -q,
 * -v (the steps are printed instead) or when stderr is not a terminal.
 */
bool engine_progress_on;

void engine_progress(const char *lab, const char *phase, size_t done, size_t total)
{
	static unsigned last = 101;
	unsigned pct;

	if (!engine_progress_on || total == 0)
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
volatile sig_atomic_t engine_interrupted;

int engine_check_interrupt(struct lab_err **err)
{
	if (!engine_interrupted)
		return 0;
	return err_make_kind(err, ERR_RUNTIME, EINTR, "interrupted by signal %d (%s)",
			     (int)engine_interrupted, strsignal(engine_interrupted));
}

/* Back to netlab's own namespaces; a thread that cannot tell where it is must stop. */
void engine_restore_or_die(struct ns_saved *saved, bool close_after)
{
	_cleanup_err_ struct lab_err *e = NULL;

	if (ns_restore(saved, close_after, &e) < 0) {
		log_error("%s", e->msg);
		abort();
	}
}

/* A route netlink socket inside the network namespace pinned at path. */
int engine_netlink_at(const char *path, struct netlink **ret, struct lab_err **err)
{
	_cleanup_close_ int fd = ns_open(path, err);
	int sock;

	if (fd < 0)
		return fd;
	sock = ns_socket_in(fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return err_make(err, -sock, "opening a route netlink socket in '%s'", path);
	return netlink_adopt(sock, ret, err);
}

int engine_node_netlink(const char *lab, const struct state_node *n, struct netlink **ret,
			struct lab_err **err)
{
	_cleanup_free_ char *np = ns_node_netns(lab, n->name, n->netns);

	return engine_netlink_at(np, ret, err);
}

int engine_wire_netlink(const char *lab, struct netlink **ret, struct lab_err **err)
{
	_cleanup_free_ char *pin = ns_wire_path(lab);
	int r = engine_netlink_at(pin, ret, err);

	return r < 0 ? err_wrap(err, "the lab's wire namespace") : r;
}
