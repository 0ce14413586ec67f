/*
 * reload_client.c -- "milter-tlspolicy -R -P FILE": a synchronous reload
 *
 * SYNOPSIS
 *	See reload_client.h.
 *
 * DESCRIPTION
 *	Any reload that begins after the client has read the status file
 *	reads the policy as it is now, so its result answers the admin's
 *	question even when a concurrent SIGHUP merged with ours.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reload_client.h"
#include "reload_status.h"

#define POLL_MS 20

enum { CLIENT_OK = 0, CLIENT_KEPT = 1, CLIENT_NO_ANSWER = 2 };

static int no_answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
no_answer(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "milter-tlspolicy: -R: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLIENT_NO_ANSWER;
}

static long
read_pid(const char *pidfile)
{
	char text[32];
	long pid = -1;
	FILE *fp;

	if ((fp = fopen(pidfile, "re")) == NULL)
		return -1;
	if (fgets(text, sizeof(text), fp) != NULL)
		pid = strtol(text, NULL, 10);
	fclose(fp);
	return pid > 0 ? pid : -1;
}

/* Read a consistent record; -1 when the file is missing, empty or keeps being torn. */
static int
read_status(const char *path, struct reload_status *s)
{
	struct timespec tick = {0, 1000 * 1000};
	char buf[RELOAD_STATUS_SIZE];
	ssize_t n;
	int fd, tries;

	for (tries = 0; tries < 10; tries++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return -1;
		n = pread(fd, buf, sizeof(buf), 0);
		close(fd);
		if (n > 0 && reload_status_parse(buf, (size_t)n, s) == 0)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

static int
timeout_seconds(void)
{
	const char *text = getenv("MILTER_TLSPOLICY_RELOAD_TIMEOUT");
	long v;

	if (text == NULL || (v = strtol(text, NULL, 10)) < 1 || v > 3600)
		return RELOAD_CLIENT_TIMEOUT;
	return (int)v;
}

static int
report(const struct reload_status *s)
{
	if (s->state == RELOAD_OK) {
		printf("milter-tlspolicy: policy reloaded: generation %lu, %lu rules\n",
		       s->generation, s->rules);
		return CLIENT_OK;
	}
	fprintf(stderr, "milter-tlspolicy: reload FAILED, old policy (generation %lu) kept: %s\n",
	        s->generation, s->reason);
	return CLIENT_KEPT;
}

int
reload_client_run(const char *pidfile)
{
	struct timespec tick = {0, POLL_MS * 1000 * 1000};
	struct reload_status s;
	char path[4096];
	unsigned long before;
	long pid, waited_ms, limit_ms = timeout_seconds() * 1000L;

	if (reload_status_path(pidfile, path, sizeof(path)) != 0)
		return no_answer("%s: name too long", pidfile);
	if ((pid = read_pid(pidfile)) < 0)
		return no_answer("cannot read a pid from %s (is the daemon running?)", pidfile);
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return no_answer("the daemon named in %s is not running", pidfile);
	if (read_status(path, &s) != 0 || s.pid != pid)
		return no_answer("no reload status from the running daemon in %s "
		                 "(started without -P, or by an older version)",
		                 path);
	before = s.attempt;
	if (kill((pid_t)pid, SIGHUP) != 0)
		return no_answer("cannot signal the daemon: %s", strerror(errno));
	for (waited_ms = 0; waited_ms < limit_ms; waited_ms += POLL_MS) {
		nanosleep(&tick, NULL);
		if (read_status(path, &s) == 0 && s.pid == pid && s.attempt > before &&
		    s.state != RELOAD_RUNNING)
			return report(&s);
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			return no_answer("the daemon exited during the reload (%s)", pidfile);
	}
	fprintf(stderr, "milter-tlspolicy: -R: no reload result within %ld s (%s)\n",
	        limit_ms / 1000, path);
	return CLIENT_NO_ANSWER;
}
