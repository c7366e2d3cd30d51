/* SPDX-License-Identifier: MIT */
/* netlab exec --all: one command on every node of a lab, its output prefixed by node. */
#include "lab.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "rootless.h"
#include "util.h"

/* Run argv in node, its output through a pipe, each line prefixed. Return: its exit status. */
static int run_one(const char *lab, const char *node, char *const argv[], size_t width)
{
	_cleanup_free_ char *prefix = xasprintf("%s:", node);
	int pfd[2];
	pid_t pid;
	int status = 0;
	FILE *in;
	char *line = NULL;
	size_t cap = 0;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return 1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return 1;
	}
	if (pid == 0) {
		struct lab_err *e = NULL;
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(pfd[1], STDOUT_FILENO) < 0 ||
		    dup2(pfd[1], STDERR_FILENO) < 0)
			_exit(125);
		lab_exec(lab, node, argv, &e);
		fprintf(stderr, "netlab: %s\n", e ? e->msg : "cannot run the command");
		_exit(e && e->code == ENOENT ? 127 : 126);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && getline(&line, &cap, in) >= 0)
		printf("%-*s %s%s", (int)width + 1, prefix, line,
		       line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
	free(line);
	if (in)
		fclose(in);
	else
		close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	fflush(stdout);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int lab_exec_all(const char *lab, char *const argv[], struct lab_err **err)
{
	_cleanup_(state_freep) struct state *s = NULL;
	size_t width = 0, failed = 0;
	int r, worst = 0;

	r = state_read(lab, STATE_NODES, &s, err);
	if (r >= 0)
		r = rootless_join(lab, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_nodes; i++)
		if (strlen(s->nodes[i].name) > width)
			width = strlen(s->nodes[i].name);
	for (size_t i = 0; i < s->n_nodes; i++) {
		int st = run_one(lab, s->nodes[i].name, argv, width);

		if (st) {
			failed++;
			if (worst == 0)
				worst = st;
		}
	}
	if (failed)
		log_warn("'%s' failed on %zu of %zu nodes", argv[0], failed, s->n_nodes);
	return worst;
}
