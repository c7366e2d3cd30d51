/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <stdarg.h>

int log_level = LOG_LEVEL_WARN;

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {"", "warning: ", "", ""};
	va_list ap;

	if ((int)level > log_level)
		return;
	fprintf(stderr, "netlab: %s", prefix[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
