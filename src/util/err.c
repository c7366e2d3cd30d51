/* SPDX-License-Identifier: MIT */
#include "err.h"

#include <stdarg.h>

static int make(struct lab_err **err, enum err_kind kind, int code, bool with_errno,
		const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = NULL;
	struct lab_err *e;

	if (code < 0)
		code = -code;
	if (code == 0)
		code = EIO;
	if (!err)
		return -code;
	if (*err) /* the first error wins; later ones are consequences */
		return -code;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	e = xcalloc(1, sizeof(*e));
	e->code = code;
	e->kind = kind;
	e->msg = with_errno ? xasprintf("%s: %s", msg, strerror(code)) : TAKE_PTR(msg);
	*err = e;
	return -code;
}

int err_make(struct lab_err **err, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = make(err, ERR_RUNTIME, code, true, fmt, ap);
	va_end(ap);
	return r;
}

int err_make_kind(struct lab_err **err, enum err_kind kind, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = make(err, kind, code, false, fmt, ap);
	va_end(ap);
	return r;
}

int err_wrap(struct lab_err **err, const char *fmt, ...)
{
	_cleanup_free_ char *ctx = NULL;
	va_list ap;
	char *msg;

	if (!err || !*err)
		return -EIO;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		abort();
	va_end(ap);
	msg = xasprintf("%s: %s", ctx, (*err)->msg);
	free((*err)->msg);
	(*err)->msg = msg;
	return -(*err)->code;
}

struct lab_err *err_free(struct lab_err *err)
{
	if (err) {
		free(err->msg);
		free(err);
	}
	return NULL;
}

int err_exit_code(const struct lab_err *err)
{
	if (!err)
		return 0;
	if (err->kind == ERR_EXEC)
		return err->code == ENOENT ? 127 : 126; /* as a shell says it */
	return err->kind == ERR_USAGE || err->kind == ERR_TOPOLOGY ? 2 : 1;
}
