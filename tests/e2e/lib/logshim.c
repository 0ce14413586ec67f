/*
 * logshim.c -- LD_PRELOAD library that sends a program's syslog() lines to a file
 *
 * SYNOPSIS
 *	cc -shared -fPIC -o logshim.so logshim.c
 *	LOGSHIM_FILE=/path/to/log LD_PRELOAD=/path/to/logshim.so program ...
 *
 * DESCRIPTION
 *	The end-to-end Sendmail harness (sendmail-harness.sh) runs the real
 *	Sendmail on a test machine without /dev/log and without a syslog
 *	daemon, and Sendmail cannot log to a file by itself. This library
 *	replaces openlog(), closelog(), syslog(), vsyslog() and glibc's
 *	fortified __syslog_chk() and __vsyslog_chk(); each call appends one
 *	line to the log file:
 *
 *	    2026-11-24T16:58:56 sm-mta[18040] <6>: 6ANGwujg018040: from=...
 *
 *	(local time, the openlog() identity, the pid, the priority level).
 *	Each line is written with a single write() to a file opened with
 *	O_APPEND, so the lines of concurrent processes never interleave.
 *
 *	The file name is read from LOGSHIM_FILE by a constructor, before
 *	main() runs: Sendmail empties its environment at start-up. Without
 *	LOGSHIM_FILE, the name compiled in with -DLOGSHIM_DEFAULT="..." is
 *	used, else the lines go to standard error.
 *
 * DIAGNOSTICS
 *	None: a line that cannot be written is lost, as with syslog.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#ifndef LOGSHIM_DEFAULT
#define LOGSHIM_DEFAULT ""
#endif

static char log_path[4096] = LOGSHIM_DEFAULT;
static char log_ident[64] = "syslog";

__attribute__((constructor)) static void
logshim_init(void)
{
	const char *p = getenv("LOGSHIM_FILE");

	if (p != NULL && *p != '\0' && strlen(p) < sizeof(log_path))
		strcpy(log_path, p);
	if ((p = getenv("LOGSHIM_IDENT")) != NULL && *p != '\0')
		snprintf(log_ident, sizeof(log_ident), "%s", p);
}

void
openlog(const char *ident, int option, int facility)
{
	(void)option;
	(void)facility;
	if (ident != NULL && *ident != '\0')
		snprintf(log_ident, sizeof(log_ident), "%s", ident);
}

void
closelog(void)
{
}

void
vsyslog(int priority, const char *format, va_list ap)
{
	char line[8192];
	struct tm tm;
	time_t now = time(NULL);
	size_t n;
	int fd, len;

	localtime_r(&now, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S ", &tm);
	len = snprintf(line + n, sizeof(line) - n, "%s[%d] <%d>: ", log_ident, (int)getpid(),
	               priority & LOG_PRIMASK);
	if (len > 0)
		n += (size_t)len;
	if (n < sizeof(line)) {
		len = vsnprintf(line + n, sizeof(line) - n, format, ap);
		if (len > 0)
			n += (size_t)len;
	}
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	while (n > 0 && line[n - 1] == '\n')
		n--;
	line[n++] = '\n';
	if (log_path[0] == '\0') {
		(void)!write(2, line, n);
		return;
	}
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, n);
		close(fd);
	}
}

void
syslog(int priority, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsyslog(priority, format, ap);
	va_end(ap);
}

void
__syslog_chk(int priority, int flag, const char *format, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, format);
	vsyslog(priority, format, ap);
	va_end(ap);
}

void
__vsyslog_chk(int priority, int flag, const char *format, va_list ap)
{
	(void)flag;
	vsyslog(priority, format, ap);
}
