/*
 * msg.c -- diagnostics of the three programs: one module, one program name
 *
 * SYNOPSIS
 *	See msg.h.
 *
 * DESCRIPTION
 *	One table of levels (syslog priority, label); one function formats
 *	and writes. Standard error gets one write() per message, so that
 *	messages of concurrent threads never interleave.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "msg.h"

#define MSG_EXIT_FATAL 2

static const char *msg_name = "milter-tlspolicy";
static atomic_int msg_stderr = 1;
static int msg_syslog;
static int msg_debugging;

enum msg_level { LEVEL_INFO, LEVEL_WARN, LEVEL_ERROR, LEVEL_DEBUG, LEVEL_FATAL, LEVEL_PANIC };

static const struct {
	int priority;
	const char *label;
	int always_syslog; /* also to syslog while on stderr */
} msg_levels[] = {
    [LEVEL_INFO] = {LOG_INFO, "", 0},         [LEVEL_WARN] = {LOG_WARNING, "warning: ", 0},
    [LEVEL_ERROR] = {LOG_ERR, "error: ", 0},  [LEVEL_DEBUG] = {LOG_DEBUG, "debug: ", 0},
    [LEVEL_FATAL] = {LOG_CRIT, "fatal: ", 1}, [LEVEL_PANIC] = {LOG_CRIT, "panic: ", 1},
};

void
msg_init(const char *program)
{
	msg_name = program;
}

const char *
msg_program(void)
{
	return msg_name;
}

void
msg_syslog_init(int debug)
{
	msg_debugging = debug;
	msg_syslog = 1;
	openlog(msg_name, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
msg_to_syslog(void)
{
	atomic_store(&msg_stderr, 0);
}

static void msg_vlog(enum msg_level, const char *, va_list) __attribute__((format(printf, 2, 0)));

static void
msg_vlog(enum msg_level level, const char *fmt, va_list ap)
{
	char text[2048];
	char line[2300];
	int n, to_stderr = atomic_load(&msg_stderr);

	vsnprintf(text, sizeof(text), fmt, ap);
	if (msg_syslog && (!to_stderr || msg_levels[level].always_syslog))
		syslog(LOG_MAIL | msg_levels[level].priority, "%s%s", msg_levels[level].label,
		       text);
	if (!to_stderr)
		return;
	n = snprintf(line, sizeof(line), "%s: %s%s\n", msg_name, msg_levels[level].label, text);
	if (n > (int)sizeof(line) - 1) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

#define MSG_FUNCTION(name, level)                                                                  \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
                                                                                                   \
		va_start(ap, fmt);                                                                 \
		msg_vlog(level, fmt, ap);                                                          \
		va_end(ap);                                                                        \
	}

MSG_FUNCTION(msg_info, LEVEL_INFO)
MSG_FUNCTION(msg_warn, LEVEL_WARN)
MSG_FUNCTION(msg_error, LEVEL_ERROR)

void
msg_debug(const char *fmt, ...)
{
	va_list ap;

	if (!msg_debugging)
		return;
	va_start(ap, fmt);
	msg_vlog(LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

void
msg_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LEVEL_FATAL, fmt, ap);
	va_end(ap);
	_exit(MSG_EXIT_FATAL); /* no atexit handlers racing other threads */
}

void
msg_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LEVEL_PANIC, fmt, ap);
	va_end(ap);
	abort();
}
