/* SPDX-License-Identifier: MIT */
/*
 * The controller of a lab over several machines: every host's share through
 * its "exec" prefix (ssh NAME, or nsenter into a simulated host), all hosts at
 * once, and the record of the lab that the other verbs read.
 */
#include "hosts.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "labinfo.h"
#include "log.h"
#include "ns.h"
#include "topo_parse.h"
#include "util.h"

void hosts_results_free(struct hosts_result *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		free(r[i].host);
		free(r[i].output);
	}
	free(r);
}

char **hosts_argv(const struct state_host *h, char *const args[], size_t *ret_n)
{
	_cleanup_free_ char *exec = xstrdup(h->exec);
	char **v = NULL, *save = NULL;
	size_t n = 0, cap = 0;

	/* the prefix is split at blanks, as a command line without quotes ("ssh -p 2222 root@a") */
	for (char *w = strtok_r(exec, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		GROW(v, cap, n + 2);
		v[n++] = xstrdup(w);
	}
	GROW(v, cap, n + 2);
	v[n++] = xstrdup(h->netlab);
	for (size_t i = 0; args[i]; i++) {
		GROW(v, cap, n + 2);
		v[n++] = xstrdup(args[i]);
	}
	v[n] = NULL;
	*ret_n = n;
	return v;
}

/* One command running on a host: its pid, its output pipe, the input still to send. */
struct job {
	pid_t pid;
	int out;             /* its stdout and stderr */
	int in;              /* its stdin, until text is sent */
	const char *text;    /* what goes to its stdin */
	size_t sent, len;
	char *buf;
	size_t n, cap;
};

static int start_job(const struct state_host *h, char *const args[], const char *text,
		     struct job *j, struct lab_err **err)
{
	size_t argc;
	char **argv = hosts_argv(h, args, &argc);
	int in[2] = {-1, -1}, out[2] = {-1, -1};

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		strv_free(argv, argc);
		return err_make(err, errno, "making a pipe");
	}
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0) {
		strv_free(argv, argc);
		return err_make(err, errno, "forking");
	}
	if (j->pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(127);
		/* a host's share must not go when the controller is interrupted */
		setsid();
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run '%s' (the exec of host '%s'): %s\n", argv[0], h->name,
			strerror(errno));
		_exit(127);
	}
	strv_free(argv, argc);
	close(in[0]);
	close(out[1]);
	j->out = out[0];
	j->in = in[1];
	j->text = text ? text : "";
	j->len = strlen(j->text);
	/* one loop feeds and drains every host: neither end may block it */
	fcntl(j->in, F_SETFL, O_NONBLOCK);
	fcntl(j->out, F_SETFL, O_NONBLOCK);
	if (j->len == 0) {
		close(j->in);
		j->in = -1;
	}
	return 0;
}

/* Feed and drain every job until all outputs end, then reap them into res. */
static void wait_jobs(struct job *jobs, size_t n, const struct state *rec, const size_t *host,
		      struct hosts_result *res)
{
	_cleanup_free_ struct pollfd *pl = xcalloc(2 * n + 1, sizeof(*pl));

	for (;;) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			if (jobs[i].out >= 0)
				pl[k++] = (struct pollfd){.fd = jobs[i].out, .events = POLLIN};
			if (jobs[i].in >= 0)
				pl[k++] = (struct pollfd){.fd = jobs[i].in, .events = POLLOUT};
		}
		if (k == 0)
			break;
		if (poll(pl, k, -1) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < n; i++) {
			struct job *j = &jobs[i];
			ssize_t r;

			if (j->in >= 0) {
				r = write(j->in, j->text + j->sent, j->len - j->sent);
				if (r > 0)
					j->sent += r;
				if ((r < 0 && errno != EAGAIN && errno != EINTR) || j->sent == j->len) {
					close(j->in);
					j->in = -1;
				}
			}
			if (j->out < 0)
				continue;
			GROW(j->buf, j->cap, j->n + 4097);
			r = read(j->out, j->buf + j->n, 4096);
			if (r > 0)
				j->n += r;
			else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(j->out);
				j->out = -1;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		int st = 0;

		while (waitpid(jobs[i].pid, &st, 0) < 0 && errno == EINTR)
			;
		res[i].host = xstrdup(rec->hosts[host[i]].name);
		res[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		GROW(jobs[i].buf, jobs[i].cap, jobs[i].n + 1);
		jobs[i].buf[jobs[i].n] = '\0';
		res[i].output = jobs[i].buf;
	}
}

/*
 * Run on every host with args[h], each given text on stdin. track: the record
 * to write each running job's pid into while it runs (a `down` after the
 * controller was killed waits for them).
 */
static int run_all(const struct state *rec, char ***args, const char *text, struct state *track,
		   struct hosts_result **ret, size_t *ret_n, struct lab_err **err)
{
	_cleanup_free_ struct job *jobs = xcalloc(rec->n_hosts + 1, sizeof(*jobs));
	_cleanup_free_ size_t *host = xcalloc(rec->n_hosts + 1, sizeof(size_t));
	struct hosts_result *res = xcalloc(rec->n_hosts + 1, sizeof(*res));
	size_t n = 0;
	int r = 0;
	/* a host whose exec fails at once closes its stdin before reading it: EPIPE, not SIGPIPE */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;

	sigaction(SIGPIPE, &ign, &old);
	for (size_t h = 0; h < rec->n_hosts && r >= 0; h++) {
		if (!args[h])
			continue;
		r = start_job(&rec->hosts[h], args[h], text, &jobs[n], err);
		if (r >= 0)
			host[n++] = h;
	}
	for (size_t i = 0; track && i < n; i++) {
		track->hosts[host[i]].pid = jobs[i].pid;
		track->hosts[host[i]].pid_start = ns_start_time(jobs[i].pid);
	}
	if (track && r >= 0)
		r = state_write(track, STATE_NODES, err);
	wait_jobs(jobs, n, rec, host, res);
	sigaction(SIGPIPE, &old, NULL);
	for (size_t i = 0; track && i < n; i++)
		track->hosts[host[i]].pid = 0;
	if (r < 0) {
		hosts_results_free(res, n);
		return r;
	}
	*ret = res;
	*ret_n = n;
	return 0;
}

int hosts_run_all(const struct state *rec, char ***args, struct hosts_result **ret,
		  struct lab_err **err)
{
	size_t n;

	return run_all(rec, args, NULL, NULL, ret, &n, err);
}

int hosts_run_all_text(const struct state *rec, char ***args, const char *text,
		       struct hosts_result **ret, struct lab_err **err)
{
	size_t n;

	return run_all(rec, args, text, NULL, ret, &n, err);
}

/* The last lines of a host's output, indented, for a message. */
static char *tail_of(const char *out)
{
	size_t len = strlen(out);
	const char *p;
	int lines = 0;

	while (len && out[len - 1] == '\n')
		len--;
	for (p = out + len; p > out; p--)
		if (p[-1] == '\n' && ++lines == 6)
			break;
	return len ? xasprintf("%.*s", (int)(out + len - p), p) : xstrdup("(no output)");
}

/* Print what each host said, each line after its host's name. */
static void show(const struct hosts_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *line = res[i].output;

		while (*line) {
			size_t len = strcspn(line, "\n");

			if (log_level >= LOG_LEVEL_WARN || res[i].status)
				fprintf(stderr, "netlab: host '%s': %.*s\n", res[i].host, (int)len, line);
			line += len + (line[len] == '\n');
		}
	}
}

/* The record of a lab over several machines, as hosts_up writes it. */
static struct state *record_of(const struct topo *t)
{
	struct state *s = state_new(t->name);
	char *abs = realpath(t->file, NULL);

	s->status = xstrdup("creating");
	s->topology = abs ? abs : xstrdup(t->file);
	s->created = time(NULL);
	s->creator_pid = getpid();
	s->creator_start = ns_start_time(getpid());
	s->hosts = xcalloc(t->n_hosts + 1, sizeof(*s->hosts));
	for (size_t h = 0; h < t->n_hosts; h++) {
		struct state_host *sh = &s->hosts[s->n_hosts++];

		sh->name = xstrdup(t->hosts[h].name);
		sh->exec = xstrdup(t->hosts[h].exec);
		sh->netlab = xstrdup(t->hosts[h].netlab);
		sh->nodes = xcalloc(t->n_nodes + 1, sizeof(char *));
		for (size_t i = 0; i < t->n_nodes; i++)
			if (t->nodes[i].host == (ssize_t)h)
				sh->nodes[sh->n_nodes++] = xstrdup(t->nodes[i].name);
	}
	return s;
}

/* args of `up --host H` for every host, in one block: [h][k]. */
static char ***up_args(const struct state *rec, const struct hosts_up_opts *o, const char *phase)
{
	char ***args = xcalloc(rec->n_hosts + 1, sizeof(char **));

	for (size_t h = 0; h < rec->n_hosts; h++) {
		char **a = xcalloc(14, sizeof(char *));
		size_t k = 0;

		a[k++] = xstrdup("up");
		a[k++] = xstrdup("--host");
		a[k++] = xstrdup(rec->hosts[h].name);
		a[k++] = xstrdup("--name");
		a[k++] = xstrdup(rec->lab);
		a[k++] = xstrdup("--dir");
		a[k++] = xstrdup(o->dir);
		a[k++] = xstrdup(phase);
		if (o->strict)
			a[k++] = xstrdup("--strict");
		if (o->allow_host_paths)
			a[k++] = xstrdup("--allow-host-paths");
		a[k++] = xstrdup("-");
		args[h] = a;
	}
	return args;
}

void hosts_args_free(char ***args, size_t n)
{
	for (size_t h = 0; h < n; h++) {
		for (size_t k = 0; args[h] && args[h][k]; k++)
			free(args[h][k]);
		free(args[h]);
	}
	free(args);
}

/*
 * Every host (only those with only[h] set, when only is given) takes its share
 * down: after a failed up, or for down. Return: how many failed.
 */
static size_t down_all(const struct state *rec, const bool *only, struct hosts_result **ret,
		       size_t *ret_n, struct lab_err **err)
{
	char ***args = xcalloc(rec->n_hosts + 1, sizeof(char **));
	size_t failed = 0;

	for (size_t h = 0; h < rec->n_hosts; h++) {
		char **a;

		if (only && !only[h])
			continue;
		a = xcalloc(4, sizeof(char *));

		a[0] = xstrdup("down");
		a[1] = lab_share_name(rec->lab, rec->hosts[h].name);
		args[h] = a;
	}
	if (run_all(rec, args, NULL, NULL, ret, ret_n, err) < 0)
		failed = rec->n_hosts;
	for (size_t i = 0; failed < rec->n_hosts && i < *ret_n; i++)
		failed += (*ret)[i].status != 0;
	if (failed == rec->n_hosts && !*ret_n)
		*ret = xcalloc(1, sizeof(**ret));
	hosts_args_free(args, rec->n_hosts);
	return failed;
}

/* The first host that failed, and what it said, as the error. */
static int blame(const struct hosts_result *res, size_t n, const char *what, struct lab_err **err)
{
	for (size_t i = 0; i < n; i++)
		if (res[i].status) {
			_cleanup_free_ char *tail = tail_of(res[i].output);

			return err_make_kind(err, ERR_RUNTIME, EHOSTUNREACH,
					     "host '%s' %s (exit status %d):\n%s", res[i].host, what,
					     res[i].status, tail);
		}
	return 0;
}

int hosts_up(const struct topo *t, const struct hosts_up_opts *o, struct lab_err **err)
{
	_cleanup_(state_freep) struct state *rec = record_of(t);
	/* what the file says, each host expanding it as this one did; else the expanded model */
	_cleanup_free_ char *text = o->source ? xstrdup(o->source) : topo_dump_json(t);
	_cleanup_close_ int lock = -EBADF;
	_cleanup_free_ bool *wired = xcalloc(rec->n_hosts + 1, sizeof(bool));
	struct hosts_result *res = NULL;
	char ***args = NULL;
	size_t n = 0, failed = 0;
	int r;

	r = state_prepare_root(err);
	if (r < 0)
		return r;
	lock = state_lock(t->name, true, err);
	if (lock < 0)
		return lock;
	{
		_cleanup_(state_freep) struct state *old = NULL;
		_cleanup_err_ struct lab_err *e = NULL;

		if (state_read(t->name, STATE_NODES, &old, &e) != -ENOENT)
			return err_make_kind(err, ERR_RUNTIME, EEXIST,
					     "lab '%s' is already up (see 'netlab status %s'; 'netlab down %s' removes it)",
					     t->name, t->name, t->name);
	}
	/* the record first: a controller killed from here on leaves what `down` needs */
	r = state_write(rec, STATE_ALL, err);
	if (r < 0)
		return r;
	log_info("lab '%s': wiring %zu hosts", t->name, rec->n_hosts);
	args = up_args(rec, o, "--wire-only");
	r = run_all(rec, args, text, rec, &res, &n, err);
	hosts_args_free(args, rec->n_hosts);
	show(res, n);
	if (r >= 0)
		r = blame(res, n, "could not wire its share", err);
	/* a host whose up failed rolled its share back (or never began it): the others go */
	for (size_t i = 0; i < n; i++)
		wired[i] = res[i].status == 0;
	hosts_results_free(res, n);
	if (r < 0) {
		_cleanup_err_ struct lab_err *e = NULL;

		log_info("lab '%s': taking the shares of the other hosts down", t->name);
		if (down_all(rec, wired, &res, &n, &e)) {
			show(res, n);
			log_warn("some hosts could not take their share of lab '%s' down: 'netlab down %s' tries again",
				 t->name, t->name);
		} else if (state_remove(t->name, &e) < 0)
			log_warn("%s, ignoring", e->msg);
		hosts_results_free(res, n);
		return err_wrap(err, "lab '%s' could not be brought up, and every host's share was taken down",
				t->name);
	}
	/* every share wired: now the daemons, whose first hellos cross the hosts */
	log_info("lab '%s': running the startups on %zu hosts", t->name, rec->n_hosts);
	args = up_args(rec, o, "--start");
	r = run_all(rec, args, text, rec, &res, &n, err);
	hosts_args_free(args, rec->n_hosts);
	show(res, n);
	for (size_t i = 0; r >= 0 && i < n; i++)
		failed += res[i].status != 0;
	hosts_results_free(res, n);
	if (r < 0)
		return r;
	free(rec->status);
	rec->status = xstrdup("up");
	r = state_write(rec, STATE_NODES, err);
	return r < 0 ? r : (int)failed;
}

/*
 * A controller killed during `up` leaves its hosts' commands running: wait
 * for them (at most 120 s), so that no share comes up after its down.
 */
static void wait_running(const struct state *rec)
{
	double deadline = now_sec() + 120;

	for (size_t h = 0; h < rec->n_hosts; h++) {
		const struct state_host *sh = &rec->hosts[h];

		if (!sh->pid || ns_start_time(sh->pid) != sh->pid_start)
			continue;
		log_info("lab '%s': waiting for the up still running for host '%s' (pid %d)", rec->lab,
			 sh->name, sh->pid);
		while (ns_start_time(sh->pid) == sh->pid_start && now_sec() < deadline)
			usleep(50000);
	}
}

int hosts_down(const struct state *rec, bool force, struct lab_err **err)
{
	struct hosts_result *res = NULL;
	size_t n = 0;
	int r;

	wait_running(rec);
	if (down_all(rec, NULL, &res, &n, err)) {
		show(res, n);
		if (!*err)
			blame(res, n, "could not take its share down", err);
		hosts_results_free(res, n);
		res = NULL;
		n = 0;
		if (!force)
			return err_wrap(err, "lab '%s' stays recorded ('netlab down --force %s' forgets it, leaving that host's share to 'netlab down %s' there)",
					rec->lab, rec->lab, rec->lab);
		log_warn("%s; --force: forgetting lab '%s' all the same", (*err)->msg, rec->lab);
		*err = err_free(*err);
	}
	hosts_results_free(res, n);
	r = state_remove(rec->lab, err);
	return r < 0 ? r : 1;
}

int hosts_find_node(const char *lab, const char *node, struct state **ret, size_t *ret_host,
		    struct lab_err **err)
{
	char **labs = NULL;
	size_t n = 0;
	int found = 0;

	if (lab) {
		labs = xcalloc(2, sizeof(char *));
		labs[n++] = xstrdup(lab);
	} else
		state_list_labs(&labs, &n);
	for (size_t i = 0; i < n && !found; i++) {
		_cleanup_(state_freep) struct state *s = NULL;
		_cleanup_err_ struct lab_err *e = NULL;

		if (topo_lab_name_problem(labs[i]) || state_read(labs[i], STATE_NODES, &s, &e) < 0)
			continue;
		for (size_t h = 0; !found && h < s->n_hosts; h++)
			for (size_t k = 0; !found && k < s->hosts[h].n_nodes; k++)
				if (!strcmp(s->hosts[h].nodes[k], node)) {
					*ret_host = h;
					found = 1;
				}
		if (found)
			*ret = TAKE_PTR(s);
	}
	strv_free(labs, n);
	(void)err;
	return found;
}

int hosts_exec(const struct state *rec, size_t h, char *const args[], struct lab_err **err)
{
	size_t argc;
	char **argv = hosts_argv(&rec->hosts[h], args, &argc);

	fflush(stdout);
	fflush(stderr);
	execvp(argv[0], argv);
	err_make_kind(err, ERR_EXEC, errno, "cannot run '%s' (the exec of host '%s'): %s", argv[0],
		      rec->hosts[h].name, strerror(errno));
	strv_free(argv, argc);
	return -(*err)->code;
}
