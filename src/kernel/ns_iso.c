/* SPDX-License-Identifier: MIT */
/* Isolation (PID, mount, IPC, cgroup namespaces: ns_isolate), entering a node (ns_join_exec), the init. */
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "layout.h"
#include "log.h"
#include "ns_node.h"
#include "util.h"

_Noreturn void ns_child_fail(int fd, struct lab_err *e)
{
	struct ns_report rep = {.status = -e->code, .kind = e->kind, .from_init = getpid() == 1};

	strscpy(rep.msg, e->msg, sizeof(rep.msg));
	if (write(fd, &rep, sizeof(rep)) < 0)
		_exit(1);
	_exit(1);
}

#ifdef NETLAB_EMBEDDED_INIT
extern const char _binary_netlab_init_start[], _binary_netlab_init_end[];
#endif

void ns_exec_init(void)
{
	static char *const argv[] = {"netlab-init", NULL};
	static char *const envp[] = {NULL};

#ifdef NETLAB_EMBEDDED_INIT
	{
		/* the embedded init: a few KiB resident instead of netlab's libraries */
		size_t len = _binary_netlab_init_end - _binary_netlab_init_start;
		int fd = memfd_create("netlab-init", MFD_CLOEXEC);

		if (fd >= 0 && write(fd, _binary_netlab_init_start, len) == (ssize_t)len)
			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		if (fd >= 0)
			close(fd);
	}
#endif
	execve("/proc/self/exe", argv, envp);
}

static _Noreturn void isolate_child(const struct ns_isolation *iso, int rep_fd, int go_fd)
{
	struct lab_err *e = NULL;
	struct ns_node_fs fs = {iso->hostname, iso->hosts, iso->files, iso->n_files, iso->pid,
				iso->service, NULL};
	int flags = 0;
	char c;

	if (iso->mount && ns_node_service_open(&fs, &e) < 0)
		ns_child_fail(rep_fd, e);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setns(iso->net_fd, CLONE_NEWNET) < 0 || setns(iso->uts_fd, CLONE_NEWUTS) < 0) {
		err_make(&e, errno, "entering the node's namespaces");
		ns_child_fail(rep_fd, e);
	}
	if (iso->cgroup && iso->join_cgroup && iso->join_cgroup(iso->data, getpid(), &e) < 0)
		ns_child_fail(rep_fd, e);
	/* a copy of the lab's small template, not of our mount table with every pin in it */
	if (iso->mount && iso->tmpl_fd >= 0 && setns(iso->tmpl_fd, CLONE_NEWNS) < 0) {
		err_make(&e, errno, "entering the lab's template mount namespace");
		ns_child_fail(rep_fd, e);
	}
	flags |= iso->mount ? CLONE_NEWNS : 0;
	flags |= iso->ipc ? CLONE_NEWIPC : 0;
	flags |= iso->cgroup ? CLONE_NEWCGROUP : 0;
	flags |= iso->pid ? CLONE_NEWPID : 0;
	if (unshare(flags) < 0) {
		err_make(&e, errno, "creating the node's namespaces");
		ns_child_fail(rep_fd, e);
	}
	/* no template: a copy of our mounts, made private and cleaned as a template is */
	if (iso->mount && iso->tmpl_fd < 0 && ns_template_clean() < 0) {
		err_make(&e, errno, "making the node's mounts private");
		ns_child_fail(rep_fd, e);
	}
	if (iso->pid) {
		/* the first child in the new PID namespace is its PID 1: netlab's init */
		pid_t init = fork();

		if (init < 0) {
			err_make(&e, errno, "starting the node's init");
			ns_child_fail(rep_fd, e);
		}
		if (init == 0) {
			if (iso->mount && ns_node_mounts(&fs, &e) < 0)
				ns_child_fail(rep_fd, e);
			{
				struct ns_report rep = {.from_init = 1};

				/* the parent learns our pid from the intermediate child */
				if (write(rep_fd, &rep, sizeof(rep)) < 0)
					_exit(1);
			}
			close(rep_fd);
			ns_detach_init();
			ns_exec_init();
			_exit(127);
		}
		{
			struct ns_report rep = {.pid = init};

			/* the intermediate: tell netlab the init's pid, then leave */
			if (write(rep_fd, &rep, sizeof(rep)) < 0)
				_exit(1);
			_exit(0);
		}
	}
	fs.proc = false;
	if (iso->mount && ns_node_mounts(&fs, &e) < 0)
		ns_child_fail(rep_fd, e);
	{
		struct ns_report rep = {.pid = getpid()};

		if (write(rep_fd, &rep, sizeof(rep)) < 0)
			_exit(1);
	}
	/* stay until netlab has pinned our namespaces */
	if (read(go_fd, &c, 1) < 0)
		_exit(1);
	_exit(0);
}

static int pin_from(pid_t pid, const char *ns, const char *prefix, struct lab_err **err)
{
	_cleanup_free_ char *src = xasprintf("/proc/%d/ns/%s", (int)pid, ns);
	_cleanup_free_ char *dst = xasprintf("%s.%s", prefix, ns);

	return ns_pin(src, dst, err);
}

int ns_read_report(int fd, struct ns_report *rep, struct lab_err **err)
{
	ssize_t n;

	do
		n = read(fd, rep, sizeof(*rep));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*rep))
		return err_make(err, EPROTO, "the node's setup ended without a report");
	if (rep->status < 0)
		return err_make_kind(err, rep->kind, -rep->status, "%s", rep->msg);
	return 0;
}

static int isolate_once(const struct ns_isolation *iso, int attempt, struct lab_err **err)
{
	static const char *const names[] = {"mnt", "ipc", "cgroup", "pid"};
	bool want[] = {iso->mount, iso->ipc, iso->cgroup, iso->pid};
	int rep[2] = {-1, -1}, go[2] = {-1, -1};
	struct ns_report first, second;
	pid_t child, target = 0;
	int r = 0, status;

	if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		return err_make(err, errno, "creating a pipe");
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child < 0) {
		r = err_make(err, errno, "forking");
		goto out;
	}
	if (child == 0) {
		close(rep[0]);
		close(go[1]);
		ns_run_on_cpu(attempt);
		isolate_child(iso, rep[1], go[0]);
	}
	close(rep[1]);
	rep[1] = -1;
	close(go[0]);
	go[0] = -1;
	r = ns_read_report(rep[0], &first, err);
	if (r >= 0 && iso->pid) {
		/* the intermediate sends the init's pid; the init reports once its mounts are made */
		r = ns_read_report(rep[0], &second, err);
		target = first.from_init ? second.pid : first.pid;
	} else if (r >= 0)
		target = first.pid;
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(names); i++)
		if (want[i])
			r = pin_from(target, names[i], iso->pin_prefix, err);
	/* without pid isolation the child leaves now; the init stays */
	close(go[1]);
	go[1] = -1;
	waitpid(child, &status, 0);
	if (r < 0 && iso->pid && target > 0)
		kill(target, SIGKILL);
	if (r < 0)
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			_cleanup_free_ char *p = xasprintf("%s.%s", iso->pin_prefix, names[i]);

			ns_unpin(p, NULL);
		}
out:
	for (int i = 0; i < 2; i++) {
		if (rep[i] >= 0)
			close(rep[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	if (r < 0)
		return r;
	return iso->pid ? target : 0;
}

int ns_isolate(const struct ns_isolation *iso, struct lab_err **err)
{
	int r = 0;

	/* a refused pin (EINVAL) again, the child on the next CPU (see ns_run_on_cpu) */
	for (int a = 0; a < ns_pin_attempts(); a++) {
		*err = err_free(*err);
		r = isolate_once(iso, a, err);
		if (r != -EINVAL)
			break;
	}
	return r;
}

static int join(const char *path, int type, const char *what, struct lab_err **err)
{
	_cleanup_close_ int fd = -EBADF;

	if (!path)
		return 0;
	fd = ns_open(path, err);
	if (fd < 0)
		return fd;
	if (setns(fd, type) < 0)
		return err_make(err, errno, "entering the node's %s namespace", what);
	return 0;
}

/* The command's pid, for the signal forwarder (one command per process). */
static volatile pid_t forward_to;

static void forward_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/*
	 * A terminal's signals (SI_KERNEL) reach the command in the same
	 * process group already; those sent to us (kill, a CI runner's
	 * SIGTERM) are passed on.
	 */
	if (forward_to > 0 && si->si_code != SI_KERNEL)
		kill(forward_to, sig);
}

/* Run argv in a child and pass its exit status on, as if we had run it. */
static _Noreturn void run_and_wait(char *const argv[])
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				   SIGWINCH, SIGCONT};
	struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "netlab: forking into the node's PID namespace: %s\n", strerror(errno));
		_exit(126);
	}
	if (pid == 0) {
		int e;

		execvp(argv[0], argv);
		e = errno;
		fprintf(stderr, "netlab: running '%s': %s\n", argv[0], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	forward_to = pid;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGTSTP, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		_exit(128 + WTERMSIG(status));
	}
	_exit(WEXITSTATUS(status));
}

/* A mount namespace of our own with /sys for the node: from the lab's template when it has one. */
static int private_mounts(const char *tmpl, struct lab_err **err)
{
	if (tmpl) {
		_cleanup_close_ int fd = open(tmpl, O_RDONLY | O_CLOEXEC);

		if (fd >= 0 && setns(fd, CLONE_NEWNS) < 0)
			return err_make(err, errno, "entering the lab's template mount namespace");
	}
	if (unshare(CLONE_NEWNS) < 0)
		return err_make(err, errno, "creating a mount namespace");
	if (!tmpl && mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return err_make(err, errno, "making our mounts private");
	/* /sys shows the devices of the namespace that mounted it: mount our own over it */
	if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
	    umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	return 0;
}

int ns_join_exec(const struct ns_join *j, char *const argv[], char *const env[],
		 struct lab_err **err)
{
	_cleanup_close_ int mnt = -EBADF;
	int r;

	/* open every namespace first, then join (util-linux nsenter) */
	if (j->mnt) {
		mnt = ns_open(j->mnt, err);
		if (mnt < 0)
			return mnt;
	}
	r = join(j->cgroup, CLONE_NEWCGROUP, "cgroup", err);
	if (r >= 0)
		r = join(j->ipc, CLONE_NEWIPC, "IPC", err);
	if (r >= 0)
		r = join(j->uts, CLONE_NEWUTS, "UTS", err);
	if (r >= 0)
		r = join(j->net, CLONE_NEWNET, "network", err);
	if (r >= 0)
		r = join(j->pid, CLONE_NEWPID, "PID", err);
	if (r < 0)
		return r;
	if (mnt >= 0) {
		if (setns(mnt, CLONE_NEWNS) < 0)
			return err_make(err, errno, "entering the node's mount namespace");
	} else {
		r = private_mounts(j->tmpl, err);
		if (r < 0)
			return r;
	}
	/* a command starts in /, as on a host, never in the caller's directory */
	if (chdir("/") < 0)
		return err_make(err, errno, "changing to the node's /");
	if (env) {
		clearenv();
		for (size_t i = 0; env[i]; i++)
			putenv(env[i]);
	}
	/* setns(CLONE_NEWPID) moves only children: run the command in one */
	if (j->pid)
		run_and_wait(argv);
	execvp(argv[0], argv);
	return err_make_kind(err, ERR_EXEC, errno, "running '%s': %s", argv[0], strerror(errno));
}

bool ns_is_init(const char *argv0)
{
	return argv0 && strcmp(argv0, "netlab-init") == 0 && getpid() == 1;
}

static void on_signal(int sig)
{
	(void)sig;
}

_Noreturn void ns_init_main(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t set;

	/*
	 * PID 1 gets signals from outside its namespace only when it handles
	 * them: handle TERM, INT and CHLD, block them, and wait for them.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	if (chdir("/") < 0)
		_exit(1);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGTERM || sig == SIGINT)
			_exit(0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

