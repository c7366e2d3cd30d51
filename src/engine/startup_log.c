/* SPDX-License-Identifier: MIT */
/* A Kathará node's failing startup lines, from its log (see startup_log.h). */
#include "startup_log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_kathara.h"
#include "state.h"
#include "util.h"

#define LOG_TAIL (4u << 20)

/* Digits only, at most 9 of them. Return: the value, or -1. */
static long parse_num(const char *s, size_t len)
{
	long v = 0;

	if (len == 0 || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* One line (len bytes, no newline): a failure when it has the shape. Return: whether it has. */
static bool parse_failure(const char *s, size_t len, struct startup_failure *out)
{
	const char *end = s + len, *st, *num, *p;
	long line, status;
	size_t where_len;

	if (len < strlen(KATHARA_FAIL_PREFIX) || memcmp(s, KATHARA_FAIL_PREFIX, strlen(KATHARA_FAIL_PREFIX)))
		return false;
	s += strlen(KATHARA_FAIL_PREFIX);
	st = memmem(s, end - s, KATHARA_FAIL_STATUS, strlen(KATHARA_FAIL_STATUS));
	if (!st)
		return false;
	/* the last " line " before it ends WHERE */
	num = NULL;
	for (p = s; (p = memmem(p, st - p, " line ", 6)); p++)
		num = p;
	if (!num || num == s)
		return false;
	where_len = num - s;
	line = parse_num(num + 6, st - (num + 6));
	st += strlen(KATHARA_FAIL_STATUS);
	p = memchr(st, ':', end - st);
	if (line < 0 || !p || p + 1 >= end || p[1] != ' ')
		return false;
	status = parse_num(st, p - st);
	if (status < 0)
		return false;
	*out = (struct startup_failure){
		.where = strndup(s, where_len),
		.line = line,
		.status = status,
		.command = strndup(p + 2, end - (p + 2)),
	};
	if (!out->where || !out->command)
		abort();
	return true;
}

size_t startup_log_parse(const char *text, struct startup_failure **ret, size_t *ret_n)
{
	struct startup_failure *v = NULL, f;
	size_t n = 0, cap = 0;

	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		if (len >= strlen(KATHARA_RUN_PREFIX) && !memcmp(s, KATHARA_RUN_PREFIX, strlen(KATHARA_RUN_PREFIX))) {
			/* a new run: what the one before said is over */
			startup_failures_free(v, n);
			v = NULL;
			n = cap = 0;
		} else if (parse_failure(s, len, &f)) {
			GROW(v, cap, n + 1);
			v[n++] = f;
		}
		s += len + (nl ? 1 : 0);
	}
	*ret = v;
	*ret_n = n;
	return n;
}

struct startup_failure *startup_failures_free(struct startup_failure *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].where);
		free(v[i].command);
	}
	free(v);
	return NULL;
}

int startup_log_read(const char *lab, const char *node, struct startup_failure **ret, size_t *ret_n)
{
	_cleanup_free_ char *path = state_log_path(lab, node), *text = NULL;
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	const char *start;
	size_t want, got = 0;
	off_t from;

	*ret = NULL;
	*ret_n = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	from = st.st_size > (off_t)LOG_TAIL ? st.st_size - (off_t)LOG_TAIL : 0;
	want = st.st_size - from;
	text = xmalloc(want + 1);
	while (got < want) {
		ssize_t k = pread(fd, text + got, want - got, from + got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		got += k;
	}
	text[got] = '\0';
	/* a NUL in the log ends what is read; a tail's first line is partial: no failure's */
	start = text;
	if (from)
		start = strchr(text, '\n') ? strchr(text, '\n') + 1 : "";
	startup_log_parse(start, ret, ret_n);
	return 0;
}
