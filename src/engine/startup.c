/* SPDX-License-Identifier: MIT */
/*
 * Commands run in a node: its startup commands at up (by waves of "after", the
 * nodes of a wave side by side), and
 * its shutdown commands at down, each through /bin/sh with its output in the
 * node's log.
 */
#include "engine_impl.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "lab_node.h"
#include "layout.h"
#include "log.h"
#include "node_env.h"
#include "util.h"

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
int engine_run_command(const char *lab, const struct state_node *n, const char *cmd,
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

int engine_logs_dir(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *dir = layout_logs_dir(lab);

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating '%s'", dir);
	return 0;
}

/* One node's startup commands. Return: 1 when it is marked failed, 0, or -errno. */
static int run_node_startups(const struct plan *p, size_t i, const struct state_node *sn,
			     struct lab_err **err)
{
	const struct plan_run *n = &p->nodes[i].run;
	_cleanup_free_ char *log_path = state_log_path(p->lab, n->name);
	int r;

	for (size_t k = 0; k < n->n_startup; k++) {
		log_info("node '%s': running '%s'", n->name, n->startup[k]);
		r = engine_run_command(p->lab, sn, n->startup[k], log_path, err);
		if (r < 0 && n->startup_continue && (*err)->kind == ERR_RUNTIME && !engine_interrupted) {
			/* containerlab's exec: every command runs, a failing one is logged */
			log_warn("node '%s': %s; running the next (startup_on_error: continue)", n->name,
				 (*err)->msg);
			*err = err_free(*err);
			continue;
		}
		if (r < 0 && !p->strict && (*err)->kind == ERR_RUNTIME && !engine_interrupted) {
			/* a typo in one router's config must not take the whole lab down */
			r = mark_failed(p->lab, n->name, (*err)->msg, err);
			return r < 0 ? r : 1;
		}
		if (r >= 0)
			r = engine_check_interrupt(err);
		if (r < 0)
			return err_wrap(err, "node '%s'", n->name);
	}
	return 0;
}

/* At most this many nodes run their startups at once. */
#define STARTUP_PARALLEL 8

struct runner {
	size_t node;
	pid_t pid;
	int fd; /* the child's error, as "kind code message" */
};

/*
 * One node's startups in a child process, so that the nodes of a wave run side
 * by side: exit 0 (done), 1 (marked failed) or 2 (an error, written to fd).
 */
static int start_runner(const struct plan *p, size_t i, const struct state_node *sn,
			struct runner *ret, struct lab_err **err)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_make(err, errno, "making a pipe");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_make(err, errno, "forking");
	}
	if (pid == 0) {
		struct lab_err *e = NULL;
		int r = run_node_startups(p, i, sn, &e);

		if (r < 0) {
			dprintf(fds[1], "%d %d %s", (int)e->kind, e->code, e->msg);
			_exit(2);
		}
		_exit(r);
	}
	close(fds[1]);
	*ret = (struct runner){i, pid, fds[0]};
	return 0;
}

/* Wait for a runner. Return: 1 when its node was marked failed, 0, or -errno. */
static int finish_runner(struct runner *rn, struct lab_err **err)
{
	_cleanup_close_ int fd = rn->fd;
	char buf[4096];
	ssize_t len = 0, k;
	int status = 0, kind = ERR_RUNTIME, code = EIO, at = 0;

	while (len < (ssize_t)sizeof(buf) - 1 && ((k = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0 ||
						   (k < 0 && errno == EINTR)))
		len += k > 0 ? k : 0;
	buf[len] = '\0';
	while (waitpid(rn->pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_make(err, errno, "waiting for the startups of a node");
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 1)
		return WEXITSTATUS(status);
	if (WIFEXITED(status) && sscanf(buf, "%d %d %n", &kind, &code, &at) >= 2 && at > 0)
		return err_make_kind(err, (enum err_kind)kind, code, "%s", buf + at);
	return err_make(err, EIO, "the process running a node's startups ended without saying why");
}

int engine_run_startups(const struct plan *p, const struct state *s, struct lab_err **err)
{
	struct runner run[STARTUP_PARALLEL];
	size_t o = 0, n_run = 0;
	int failed = 0, r = 0;

	if (!p->any_startup)
		return 0;
	r = engine_logs_dir(p->lab, err);
	while (r >= 0 && o < p->n_nodes) {
		unsigned wave = p->nodes[p->startup_order[o]].run.wave;
		size_t end = o, busy = 0;

		for (; end < p->n_nodes && p->nodes[p->startup_order[end]].run.wave == wave; end++) {
			const struct plan_node *pn = &p->nodes[p->startup_order[end]];

			busy += pn->local && pn->run.n_startup > 0;
		}
		for (; o < end; o++) {
			size_t i = p->startup_order[o];

			if (!p->nodes[i].local || !p->nodes[i].run.n_startup)
				continue;
			if (busy == 1) { /* the one node of its wave: no process of its own */
				r = run_node_startups(p, i, &s->nodes[i], err);
				if (r < 0)
					break;
				failed += r;
				continue;
			}
			if (n_run == STARTUP_PARALLEL) {
				r = finish_runner(&run[0], err);
				memmove(run, run + 1, --n_run * sizeof(*run));
				if (r < 0)
					break;
				failed += r;
			}
			r = start_runner(p, i, &s->nodes[i], &run[n_run], err);
			if (r < 0)
				break;
			n_run++;
		}
		/* the wave done before the next begins; the first error is the one told */
		for (size_t k = 0; k < n_run; k++) {
			_cleanup_err_ struct lab_err *e = NULL;
			int rk = finish_runner(&run[k], r < 0 ? &e : err);

			if (rk < 0 && r >= 0)
				r = rk;
			failed += rk > 0 ? rk : 0;
		}
		n_run = 0;
	}
	return r < 0 ? r : failed;
}

/*
 * Each node's shutdown commands, before anything of the lab is removed. A
 * failing one is logged and down goes on: the lab goes either way.
 */
void engine_run_shutdowns(const char *lab, const struct state *s)
{
	for (size_t i = 0; i < s->n_nodes; i++) {
		_cleanup_free_ char *log_path = state_log_path(lab, s->nodes[i].name);

		for (size_t k = 0; k < s->nodes[i].n_shutdown; k++) {
			_cleanup_err_ struct lab_err *e = NULL;

			log_info("node '%s': running '%s'", s->nodes[i].name, s->nodes[i].shutdown[k]);
			if (engine_run_command(lab, &s->nodes[i], s->nodes[i].shutdown[k], log_path, &e) < 0)
				log_warn("node '%s': shutdown: %s (the lab is removed all the same)",
					 s->nodes[i].name, e->msg);
		}
	}
}
