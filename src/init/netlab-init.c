/* SPDX-License-Identifier: MIT */
/*
 * netlab's PID 1 for nodes with their own PID namespace: reap orphans, keep
 * the namespace alive, leave on SIGTERM or SIGINT (the kernel then ends every
 * process of the namespace). No libc: a few KiB resident instead of a megabyte
 * of shared libraries. netlab embeds this binary and runs it from a memfd.
 */
#include <asm/unistd.h>
#include <linux/signal.h>

#define WNOHANG 1

static long sys4(long n, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static void on_signal(int sig)
{
	(void)sig;
}

static void restorer(void)
{
	sys4(__NR_rt_sigreturn, 0, 0, 0, 0);
}

void _start(void) __attribute__((noreturn, used));
void _start(void)
{
	unsigned long set = 1UL << (SIGTERM - 1) | 1UL << (SIGINT - 1) | 1UL << (SIGCHLD - 1);
	/* PID 1 gets signals from outside its namespace only when it handles them */
	struct ksigaction sa = {on_signal, 0x04000000 /* SA_RESTORER */, restorer, 0};

	sys4(__NR_prctl, 15 /* PR_SET_NAME */, (long)"netlab-init", 0, 0);
	sys4(__NR_rt_sigaction, SIGTERM, (long)&sa, 0, 8);
	sys4(__NR_rt_sigaction, SIGINT, (long)&sa, 0, 8);
	sys4(__NR_rt_sigaction, SIGCHLD, (long)&sa, 0, 8);
	sys4(__NR_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 8);
	sys4(__NR_close_range, 3, ~0U, 0, 0);
	sys4(__NR_chdir, (long)"/", 0, 0, 0);
	for (;;) {
		long sig = sys4(__NR_rt_sigtimedwait, (long)&set, 0, 0, 8);

		if (sig == SIGTERM || sig == SIGINT)
			sys4(__NR_exit_group, 0, 0, 0, 0);
		while (sys4(__NR_wait4, -1, 0, WNOHANG, 0) > 0)
			;
	}
}
