/* SPDX-License-Identifier: MIT */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Owning locals (systemd cleanup-fundamental.h). */
static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))

#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -EBADF;                                                                     \
		_fd;                                                                               \
	})

/* Turn a -1/errno return into -errno (systemd RET_NERRNO). */
static inline int ret_nerrno(int r)
{
	return r < 0 ? -errno : r;
}
#define RET_NERRNO(expr) ret_nerrno(expr)

/* Allocation failure is not recoverable for a command-line tool: abort with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* Grow *array (of *cap elements of size) so that it holds at least need elements. */
void *grow_array(void *array, size_t *cap, size_t need, size_t size);
#define GROW(arr, cap, need) ((arr) = grow_array((arr), &(cap), (need), sizeof(*(arr))))

bool str_has_prefix(const char *s, const char *prefix);
/* s quoted for /bin/sh: '...' with each ' as '\''. Return: a string to free. */
char *str_sh_quote(const char *s);
/* free(p). Return: NULL, to assign back. */
static inline void *mfree(void *p)
{
	free(p);
	return NULL;
}
/* Copy at most size-1 bytes and always terminate. Return: length of src. */
size_t strscpy(char *dst, const char *src, size_t size);

/* Read a whole small file (at most max bytes). Return: 0 or negative errno. */
int read_file(const char *path, size_t max, char **ret, size_t *ret_len);
/* Write a string to a file that exists (sysctl, cgroup knob). Return: 0 or negative errno. */
int write_file(const char *path, const char *value);
/* The same, path relative to the directory fd dir (or AT_FDCWD). */
int write_file_at(int dir, const char *path, const char *value);
/* Write data to path atomically: path.tmp, fsync, rename. Return: 0 or negative errno. */
int write_file_atomic(const char *path, const char *data, size_t len, int mode);
/* mkdir -p, each created directory with mode. Return: 0 or negative errno. */
int mkdir_p(const char *path, int mode);
/*
 * Mount a tmpfs (mode 0700) on the directory dir unless it is a mount already.
 * Return: 1 mounted now, 0 a mount already, -ENOTDIR when dir is no directory
 * (a symlink planted there is refused), or -errno.
 */
int tmpfs_mount_once(const char *dir);
/* Detach every mount stacked on dir (a missing one is fine). */
void umount_all(const char *dir);
/* The names of dir's subdirectories but the hidden ones, sorted, in *ret (strv_free). Return: how many. */
size_t list_subdirs(const char *dir, char ***ret);
void strv_free(char **v, size_t n);

/* Monotonic clock in seconds. */
double now_sec(void);

#include <dirent.h>
static inline void closedirp_(DIR **d)
{
	if (*d)
		closedir(*d);
}
