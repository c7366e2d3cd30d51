/* SPDX-License-Identifier: MIT */
#pragma once

#include "util.h"

enum log_level {
	LOG_LEVEL_ERROR = 0, /* -q */
	LOG_LEVEL_WARN = 1,  /* default */
	LOG_LEVEL_INFO = 2,  /* -v */
	LOG_LEVEL_DEBUG = 3, /* -vv: each netlink request */
};

extern int log_level;

void log_msg(enum log_level level, const char *fmt, ...) _printf_(2, 3);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
