/* SPDX-License-Identifier: MIT */
/* The processes in namespaces: found by their network namespace, counted, ended; their start times. */
#include "ns.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "layout.h"
#include "log.h"
#include "util.h"

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

bool ns_inode_in(ino_t ino, const ino_t *sorted, size_t n)
{
	return n && bsearch(&ino, sorted, n, sizeof(*sorted), cmp_ino);
}

size_t ns_sort_inodes(ino_t *inodes, size_t n)
{
	size_t k = 0;

	if (n)
		qsort(inodes, n, sizeof(*inodes), cmp_ino);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || inodes[k - 1] != inodes[i])
			inodes[k++] = inodes[i];
	return k;
}

/* Call fn for every process of the machine but ours, with the inode of its network namespace. */
static void each_process_netns(void (*fn)(pid_t pid, ino_t netns, const char *path, void *data),
			       void *data)
{
	_cleanup_(closedirp_) DIR *d = opendir("/proc");
	pid_t self = getpid();
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[64];
		struct stat st;
		pid_t pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = atoi(de->d_name);
		if (pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &st) == 0)
			fn(pid, st.st_ino, path, data);
	}
}

struct inode_list {
	ino_t *v;
	size_t n, cap;
	ino_t skip;
};

static void add_netns(pid_t pid, ino_t netns, const char *path, void *data)
{
	struct inode_list *l = data;

	(void)pid;
	(void)path;
	if (netns == l->skip)
		return;
	GROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = netns;
}

size_t ns_process_netns(ino_t **ret)
{
	struct inode_list l = {0};
	struct stat self;

	if (stat("/proc/self/ns/net", &self) == 0)
		l.skip = self.st_ino;
	each_process_netns(add_netns, &l);
	*ret = l.v;
	return ns_sort_inodes(l.v, l.n);
}

struct pidfds {
	const ino_t *inodes; /* sorted */
	size_t n_inodes;
	int *fds;
	size_t n, cap;
};

static void add_pidfd(pid_t pid, ino_t netns, const char *path, void *data)
{
	struct pidfds *p = data;
	struct stat st;
	int fd;

	if (!ns_inode_in(netns, p->inodes, p->n_inodes))
		return;
	fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return;
	/* the pid may have been reused between stat and pidfd_open: look again */
	if (stat(path, &st) < 0 || !ns_inode_in(st.st_ino, p->inodes, p->n_inodes)) {
		close(fd);
		return;
	}
	GROW(p->fds, p->cap, p->n + 1);
	p->fds[p->n++] = fd;
}

/* Open pidfds of the processes in the namespaces (inodes sorted). */
static size_t find_processes(const ino_t *inodes, size_t n, int **ret)
{
	struct pidfds p = {.inodes = inodes, .n_inodes = n};

	each_process_netns(add_pidfd, &p);
	*ret = p.fds;
	return p.n;
}

static bool all_exited(int *fds, size_t n, int timeout_ms)
{
	double end = now_sec() + timeout_ms / 1000.0;

	for (size_t i = 0; i < n; i++) {
		struct pollfd p = {.fd = fds[i], .events = POLLIN};
		int left = (int)((end - now_sec()) * 1000);

		/* a pidfd becomes readable when its process exits */
		if (poll(&p, 1, left > 0 ? left : 0) <= 0)
			return false;
	}
	return true;
}

struct counts {
	const ino_t *inodes;
	size_t n;
	size_t *counts;
};

static void count_netns(pid_t pid, ino_t netns, const char *path, void *data)
{
	struct counts *c = data;

	(void)pid;
	(void)path;
	for (size_t i = 0; i < c->n; i++)
		if (c->inodes[i] == netns)
			c->counts[i]++;
}

void ns_count_processes(const ino_t *inodes, size_t n, size_t *counts)
{
	struct counts c = {inodes, n, counts};

	memset(counts, 0, n * sizeof(*counts));
	each_process_netns(count_netns, &c);
}

int ns_kill_processes(const ino_t *inodes, size_t n)
{
	int *fds = NULL;
	size_t nfds;

	if (n == 0)
		return 0;
	_cleanup_free_ ino_t *sorted = xmalloc(n * sizeof(*sorted));
	memcpy(sorted, inodes, n * sizeof(*sorted));
	n = ns_sort_inodes(sorted, n);
	nfds = find_processes(sorted, n, &fds);
	for (size_t i = 0; i < nfds; i++)
		syscall(SYS_pidfd_send_signal, fds[i], SIGTERM, NULL, 0);
	if (nfds && !all_exited(fds, nfds, 1000))
		for (size_t i = 0; i < nfds; i++)
			syscall(SYS_pidfd_send_signal, fds[i], SIGKILL, NULL, 0);
	if (nfds)
		all_exited(fds, nfds, 2000);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	free(fds);
	return nfds;
}


unsigned long long ns_start_time(pid_t pid)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/stat", (int)pid);
	_cleanup_free_ char *text = NULL;
	unsigned long long start = 0;
	const char *p;

	if (read_file(path, 4096, &text, NULL) < 0)
		return 0;
	/* field 22, counted after the command name, which may hold spaces */
	p = strrchr(text, ')');
	if (!p)
		return 0;
	p++;
	for (int field = 3; field <= 22 && p; field++) {
		p = strchr(p + 1, ' ');
		if (field == 21 && p)
			start = strtoull(p + 1, NULL, 10);
	}
	return start;
}

