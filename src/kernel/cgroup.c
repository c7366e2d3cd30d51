/* SPDX-License-Identifier: MIT */
#include "cgroup.h"

#include <dirent.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_PATH_MAX 512

static const char *const v1_controllers[] = {"memory", "cpu", "pids"};

/* A user's delegated cgroup v2 subtree, under which netlab/ goes instead of the root's. */
static char *cg_base;

void cgroup_set_base(const char *dir)
{
	free(cg_base);
	cg_base = dir ? xstrdup(dir) : NULL;
}

bool cgroup_has_base(void)
{
	return cg_base != NULL;
}

bool cgroup_is_v2(void)
{
	struct statfs fs;

	return cg_base || (statfs(CGROUP_ROOT, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC);
}

/* The hierarchies to use: a delegated subtree, the v2 root, or each v1 controller mounted. */
static size_t hierarchies(char roots[3][CGROUP_PATH_MAX])
{
	size_t n = 0;

	if (cg_base) {
		snprintf(roots[n++], CGROUP_PATH_MAX, "%s", cg_base);
		return n;
	}
	if (cgroup_is_v2()) {
		snprintf(roots[n++], CGROUP_PATH_MAX, CGROUP_ROOT);
		return n;
	}
	for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++) {
		char probe[128];

		snprintf(probe, sizeof(probe), CGROUP_ROOT "/%s/cgroup.procs", v1_controllers[i]);
		if (access(probe, F_OK) == 0)
			snprintf(roots[n++], CGROUP_PATH_MAX, CGROUP_ROOT "/%s", v1_controllers[i]);
	}
	return n;
}

static int knob(const char *dir, const char *name, const char *value, struct lab_err **err)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
	int r = write_file(p, value);

	if (r == -ENOENT)
		return err_make_kind(err, ERR_KERNEL, ENOENT,
				     "the cgroup file '%s' is missing: the kernel lacks this cgroup controller",
				     p);
	if (r < 0)
		return err_make(err, r, "writing '%s' to '%s'", value, p);
	return 0;
}

/* On v2, controllers must be enabled in every parent's subtree_control. */
static void v2_enable(const char *dir)
{
	_cleanup_free_ char *p = xasprintf("%s/cgroup.subtree_control", dir);

	write_file(p, "+memory");
	write_file(p, "+cpu");
	write_file(p, "+pids");
}

int cgroup_create(const char *lab, const char *node, uint64_t memory, double cpu,
		  uint32_t pids, struct lab_err **err)
{
	char roots[3][CGROUP_PATH_MAX];
	size_t n = hierarchies(roots);
	bool v2 = cgroup_is_v2();
	int r;

	if (n == 0)
		return err_make_kind(err, ERR_KERNEL, ENOENT,
				     "no usable cgroup hierarchy under " CGROUP_ROOT
				     " (the kernel needs CONFIG_CGROUPS with the memory, cpu and pids controllers)");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *top = xasprintf("%s/netlab", roots[i]);
		_cleanup_free_ char *labdir = xasprintf("%s/%s", top, lab);
		_cleanup_free_ char *dir = xasprintf("%s/%s", labdir, node);
		const char *ctrl = v2 ? "" : strrchr(roots[i], '/') + 1;
		char val[64];

		if (v2)
			v2_enable(roots[i]);
		if (mkdir(top, 0755) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating the cgroup '%s'", top);
		if (v2)
			v2_enable(top);
		if (mkdir(labdir, 0755) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating the cgroup '%s'", labdir);
		if (v2)
			v2_enable(labdir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return err_make(err, errno, "creating the cgroup '%s'", dir);
		if (memory && (v2 || !strcmp(ctrl, "memory"))) {
			snprintf(val, sizeof(val), "%llu", (unsigned long long)memory);
			r = knob(dir, v2 ? "memory.max" : "memory.limit_in_bytes", val, err);
			if (r < 0)
				return r;
			if (v2) {
				_cleanup_free_ char *swap = xasprintf("%s/memory.swap.max", dir);

				write_file(swap, "0"); /* absent without swap accounting */
			}
		}
		if (cpu > 0 && (v2 || !strcmp(ctrl, "cpu"))) {
			long quota = (long)(cpu * 100000 + 0.5);

			if (v2) {
				snprintf(val, sizeof(val), "%ld 100000", quota);
				r = knob(dir, "cpu.max", val, err);
			} else {
				r = knob(dir, "cpu.cfs_period_us", "100000", err);
				snprintf(val, sizeof(val), "%ld", quota);
				if (r >= 0)
					r = knob(dir, "cpu.cfs_quota_us", val, err);
			}
			if (r < 0)
				return r;
		}
		if (pids && (v2 || !strcmp(ctrl, "pids"))) {
			snprintf(val, sizeof(val), "%u", pids);
			r = knob(dir, "pids.max", val, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int cgroup_attach(const char *lab, const char *node, pid_t pid, struct lab_err **err)
{
	char roots[3][CGROUP_PATH_MAX];
	size_t n = hierarchies(roots);
	char val[32];

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s/netlab/%s/%s", roots[i], lab, node);
		int r = knob(dir, "cgroup.procs", val, err);

		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_remove(const char *lab, const char *node, struct lab_err **err)
{
	char roots[3][CGROUP_PATH_MAX];
	size_t n = hierarchies(roots);

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s/netlab/%s/%s", roots[i], lab, node);
		double end = now_sec() + 2;

		/* the last processes may still be exiting */
		while (rmdir(dir) < 0) {
			if (errno == ENOENT)
				break;
			if (errno != EBUSY || now_sec() > end)
				return err_make(err, errno, "removing the cgroup '%s'", dir);
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		}
	}
	return 0;
}

void cgroup_remove_lab(const char *lab)
{
	char roots[3][CGROUP_PATH_MAX];
	size_t n = hierarchies(roots);

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s/netlab/%s", roots[i], lab);
		_cleanup_free_ char *top = xasprintf("%s/netlab", roots[i]);

		rmdir(dir);
		rmdir(top); /* fails while other labs have cgroups: fine */
	}
}

char *cgroup_describe(const char *lab, const char *node)
{
	char roots[3][CGROUP_PATH_MAX];
	size_t n = hierarchies(roots);
	char *out = NULL;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s/netlab/%s/%s", roots[i], lab, node);
		char *s;

		if (access(dir, F_OK) < 0)
			continue;
		s = xasprintf("%s%s%s", out ? out : "", out ? " " : "", dir);
		free(out);
		out = s;
	}
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cgroup_list_labs(char ***ret, size_t *ret_n)
{
	char roots[3][CGROUP_PATH_MAX];
	size_t n = hierarchies(roots), cnt = 0, cap = 0;
	char **v = NULL;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *top = xasprintf("%s/netlab", roots[i]);
		_cleanup_(closedirp_) DIR *d = opendir(top);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			bool dup = false;

			if (de->d_name[0] == '.' || de->d_type != DT_DIR)
				continue;
			for (size_t k = 0; k < cnt && !dup; k++)
				dup = !strcmp(v[k], de->d_name);
			if (dup)
				continue;
			GROW(v, cap, cnt + 1);
			v[cnt++] = xstrdup(de->d_name);
		}
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*ret = v;
	*ret_n = cnt;
	return 0;
}

void cgroup_remove_all(const char *lab)
{
	char roots[3][CGROUP_PATH_MAX];
	size_t n = hierarchies(roots);

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s/netlab/%s", roots[i], lab);
		_cleanup_(closedirp_) DIR *d = opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' || de->d_type != DT_DIR)
				continue;
			cgroup_remove(lab, de->d_name, NULL);
		}
	}
	cgroup_remove_lab(lab);
}
