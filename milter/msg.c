/*
 * msg.c -- diagnostics of the daemon itself
 *
 * SYNOPSIS
 *	See msg.h.
 *
 * DESCRIPTION
 *	Three levels as in Postfix (info, warning, error) plus debug. There
 *	is no msg_fatal(): only main() decides to exit.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "msg.h"

#define MSG_IDENT "milter-tlspolicy"

static int msg_stderr = 1;
static int msg_debugging;

static const struct {
	int priority;
	const char *label;
} msg_levels[] = {
    {LOG_INFO, ""},
    {LOG_WARNING, "warning: "},
    {LOG_ERR, "error: "},
    {LOG_DEBUG, "debug: "},
};

enum msg_level { LEVEL_INFO, LEVEL_WARN, LEVEL_ERROR, LEVEL_DEBUG };

void
msg_init(int to_stderr, int debug)
{
	msg_stderr = to_stderr;
	msg_debugging = debug;
	openlog(MSG_IDENT, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
msg_to_syslog(void)
{
	msg_stderr = 0;
}

static void msg_vlog(enum msg_level, const char *, va_list) __attribute__((format(printf, 2, 0)));

static void
msg_vlog(enum msg_level level, const char *fmt, va_list ap)
{
	char text[2048];
	char line[2200];
	int n;

	vsnprintf(text, sizeof(text), fmt, ap);
	if (!msg_stderr) {
		syslog(LOG_MAIL | msg_levels[level].priority, "%s%s", msg_levels[level].label,
		       text);
		return;
	}
	n = snprintf(line, sizeof(line), MSG_IDENT ": %s%s\n", msg_levels[level].label, text);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void
msg_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LEVEL_ERROR, fmt, ap);
	va_end(ap);
}

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
