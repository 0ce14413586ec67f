/*
 * reload_ctl.c -- reloads that report their result (status file, systemd)
 *
 * SYNOPSIS
 *	See reload_ctl.h.
 *
 * DESCRIPTION
 *	One mutex serializes record updates: reload_ctl_started() runs in the
 *	main thread, reloads in the signal worker. Policy loads run outside
 *	it, so a reload stuck on a slow file system never delays a stop.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "policy.h"
#include "reload_ctl.h"
#include "reload_status.h"
#include "service_notify.h"
#include "snapshot.h"

static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static int status_fd = -1;
static char status_path[4096];
static char policy_file[4096];
static unsigned long attempts;
static int stopping;

int
reload_ctl_open(const char *pidfile, const char *policy_path)
{
	snprintf(policy_file, sizeof(policy_file), "%s", policy_path);
	if (pidfile == NULL)
		return 0;
	if (reload_status_path(pidfile, status_path, sizeof(status_path)) != 0) {
		msg_warn("%s: pid file name too long for a reload status file", pidfile);
		return -1;
	}
	/* No O_TRUNC: a second instance that fails to start must not blank the first's record. */
	status_fd = open(status_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (status_fd < 0) {
		/* A missing directory is the pid file's error, reported when it is written. */
		if (errno != ENOENT)
			msg_warn("cannot create reload status file %s: %s; milter-tlspolicy -R "
			         "will get no answer",
			         status_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The policy in force: generation and rule count. */
static void
policy_in_force(struct reload_status *s)
{
	struct snapshot *snap = snapshot_acquire();

	if (snap != NULL) {
		s->generation = snap->generation;
		s->rules = policy_rule_count(snap->policy);
	}
	snapshot_release(snap);
}

/* Write the record; s (may be NULL) receives it. */
static void
record(unsigned long attempt, enum reload_state state, const char *reason,
       struct reload_status *out)
{
	char buf[RELOAD_STATUS_SIZE];
	struct reload_status s;

	memset(&s, 0, sizeof(s));
	s.pid = (long)getpid();
	s.attempt = attempt;
	s.state = state;
	s.time = (long long)time(NULL);
	snprintf(s.reason, sizeof(s.reason), "%s", reason);
	policy_in_force(&s);
	if (out != NULL)
		*out = s;
	if (status_fd < 0)
		return;
	reload_status_encode(&s, buf);
	if (pwrite(status_fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) ||
	    ftruncate(status_fd, sizeof(buf)) != 0)
		msg_warn("cannot write reload status file %s: %s", status_path, strerror(errno));
}

/* Load the policy as this process is now; 0, or -1 with the first error in reason. */
static int
policy_check(char *reason, size_t len)
{
	struct policy_errors errors;
	struct policy *p;

	policy_errors_init(&errors);
	if ((p = policy_load(policy_file, &errors)) != NULL) {
		policy_free(p);
		policy_errors_free(&errors);
		return 0;
	}
	if (errors.count == 0)
		snprintf(reason, len, "%.200s: cannot load the policy", policy_file);
	else if (errors.count == 1)
		snprintf(reason, len, "%s", errors.lines[0]);
	else
		snprintf(reason, len, "%s (and %zu more errors)", errors.lines[0],
		         errors.count - 1);
	policy_errors_free(&errors);
	return -1;
}

static void
notify(const char *message)
{
	if (service_notify("%s", message) != 0)
		msg_warn("cannot notify the service manager ($NOTIFY_SOCKET): %s", strerror(errno));
}

void
reload_ctl_started(void)
{
	char reason[RELOAD_REASON_MAX + 1] = "";
	char message[RELOAD_REASON_MAX + 128];
	int readable;

	pthread_mutex_lock(&ctl_lock);
	record(0, RELOAD_OK, "", NULL);
	snprintf(message, sizeof(message), "READY=1\nMAINPID=%ld\nSTATUS=running", (long)getpid());
	notify(message);
	pthread_mutex_unlock(&ctl_lock);

	/* Outside the lock: a slow file system must not hold up a stop. */
	readable = policy_check(reason, sizeof(reason)) == 0;
	if (readable)
		return;
	msg_warn("the policy was loaded as root, but this process (uid %ld) cannot load it: "
	         "%s; every reload will fail until this is fixed",
	         (long)geteuid(), reason);
	pthread_mutex_lock(&ctl_lock);
	if (!stopping && attempts == 0) {
		record(0, RELOAD_FAILED, reason, NULL);
		snprintf(message, sizeof(message), "STATUS=running; WARNING: reloads will fail: %s",
		         reason);
		notify(message);
	}
	pthread_mutex_unlock(&ctl_lock);
}

int
reload_ctl_reload(void)
{
	char reason[RELOAD_REASON_MAX + 1] = "";
	char status[RELOAD_REASON_MAX + 64];
	char reloading[128];
	struct reload_status now;
	unsigned long attempt;
	int result;

	pthread_mutex_lock(&ctl_lock);
	if (stopping) {
		pthread_mutex_unlock(&ctl_lock);
		return snapshot_reload();
	}
	attempt = ++attempts;
	snprintf(reloading, sizeof(reloading),
	         "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading the policy",
	         service_notify_monotonic_usec());
	notify(reloading);
	record(attempt, RELOAD_RUNNING, "", NULL);
	pthread_mutex_unlock(&ctl_lock);

	result = snapshot_reload();
	if (result != 0 && policy_check(reason, sizeof(reason)) == 0)
		snprintf(reason, sizeof(reason), "%.200s: reload failed (see the log)",
		         policy_file);

	pthread_mutex_lock(&ctl_lock);
	record(attempt, result == 0 ? RELOAD_OK : RELOAD_FAILED, reason, &now);
	if (result == 0)
		snprintf(status, sizeof(status),
		         "READY=1\nSTATUS=policy reloaded: generation %lu, %lu rules",
		         now.generation, now.rules);
	else
		snprintf(status, sizeof(status),
		         "READY=1\nSTATUS=reload FAILED: %s; old policy kept", reason);
	notify(status);
	pthread_mutex_unlock(&ctl_lock);
	return result;
}

void
reload_ctl_stopping(void)
{
	pthread_mutex_lock(&ctl_lock);
	stopping = 1;
	notify("STOPPING=1\nSTATUS=stopping");
	if (status_fd >= 0) {
		(void)unlink(status_path); /* fails quietly in a directory owned by root */
		close(status_fd);
		status_fd = -1;
	}
	pthread_mutex_unlock(&ctl_lock);
}
