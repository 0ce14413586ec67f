/*
 * main.c -- milter-tlspolicy: start-up, the run loop, exit codes
 *
 * SYNOPSIS
 *	milter-tlspolicy [-c FILE] [-p SOCKET] [-f] [-n] [-t SESSION]
 *	    [-u USER[:GROUP]] [-P FILE] [-m MODE] [-L DEST] [-d] [-V] [-h]
 *	milter-tlspolicy -R -P FILE
 *
 * DESCRIPTION
 *	The daemon of milter-tlspolicy(8). Start-up order: options, policy,
 *	transaction log (given to the run-as user), socket (as root),
 *	daemonize, pid file, privilege drop, then the threads: the main
 *	thread handles signals (signals.h), a second one runs libmilter's
 *	smfi_main(), a third watches the descriptors (fd_watch.h).
 *
 *	Stop (SIGTERM, SIGINT): the listening socket is closed (fd_watch.h;
 *	a unix socket's file removed), open sessions are served for up to
 *	STOP_GRACE_SECONDS until they end, then libmilter is told to stop
 *	and its listener woken at once (signals_wake()); the reload worker
 *	gets STOP_WORKER_SECONDS more (a reload stuck on a file that blocks
 *	does not keep the daemon from exiting); last the pid file goes.
 *
 * DIAGNOSTICS
 *	Exit status 0 on success and clean stop, 1 for a usage error or an
 *	invalid policy, 2 for a run-time failure (socket, log file, pid file,
 *	privileges, libmilter).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "context.h"
#include "explain.h"
#include "fd_watch.h"
#include "listen_socket.h"
#include "load_report.h"
#include "metrics_http.h"
#include "msg.h"
#include "options.h"
#include "process.h"
#include "reload_client.h"
#include "reload_ctl.h"
#include "signals.h"
#include "snapshot.h"
#include "txn_log.h"

#define EXIT_OK      0
#define EXIT_USAGE   1 /* usage error or invalid policy */
#define EXIT_RUNTIME 2 /* run-time failure */

#define STOP_GRACE_SECONDS  10 /* how long a stop waits for open sessions */
#define STOP_WORKER_SECONDS 3  /* ... and then for a reload still running */
#define STOP_WAKE_SECONDS   10 /* ... and for libmilter's listener to notice */

static int milter_status;
static atomic_int milter_returned;
static pthread_t milter;
static int listen_fd = -1;

/* -n: errors one per line on stderr, or "FILE: OK (N rules)". */
static int
check_policy(const char *path)
{
	struct policy *p;

	if ((p = policy_load_report(path, LOAD_REPORT_STDERR)) == NULL)
		return EXIT_USAGE;
	printf("%s: OK (%zu rule%s)\n", path, policy_rule_count(p),
	       policy_rule_count(p) == 1 ? "" : "s");
	policy_free(p);
	return EXIT_OK;
}

/* -t: print the decision for a described session. */
static int
explain(const char *path, const char *session)
{
	struct policy *p;
	int status;

	if ((p = policy_load_report(path, LOAD_REPORT_STDERR)) == NULL)
		return EXIT_USAGE;
	status = explain_session(p, session, stdout, stderr);
	policy_free(p);
	return status;
}

static void *
milter_thread(void *unused)
{
	milter_status = smfi_main();
	atomic_store(&milter_returned, 1);
	signals_milter_ended();
	return NULL;
}

/* Interrupt libmilter's listener in poll() (fd_watch.h, stop). */
static void
wake_milter(void)
{
	signals_wake(milter);
}

static void *
stopper_thread(void *unused)
{
	smfi_stop(); /* blocks until the listener lets go of its lock */
	return NULL;
}

/*
 * smfi_stop() sets libmilter's stop flag, then waits for the lock its
 * listener holds while it polls, 5 s at a time. Call it from a helper
 * thread and wake the listener until smfi_main() returns: a stop with no
 * session open takes milliseconds instead of up to 5 s.
 */
static void
stop_milter(void)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	pthread_t stopper;
	int i, have_stopper;

	have_stopper = pthread_create(&stopper, NULL, stopper_thread, NULL) == 0;
	if (!have_stopper)
		smfi_stop();
	for (i = 0; i < STOP_WAKE_SECONDS * 100 && !atomic_load(&milter_returned); i++) {
		wake_milter();
		nanosleep(&tick, NULL);
	}
	if (have_stopper)
		pthread_join(stopper, NULL);
}

/* libmilter's signal thread must be parked in our sigwait() (signals.h). */
static void
check_parked(void)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	int i;

	for (i = 0; i < 100 && !signals_libmilter_parked(); i++)
		nanosleep(&tick, NULL);
	if (!signals_libmilter_parked())
		msg_warn(
		    "libmilter's signal thread did not enter our sigwait(): SIGHUP, SIGTERM or "
		    "SIGINT may stop the milter without a reload");
	else
		msg_debug("libmilter's signal thread is parked; signals belong to the main thread");
}

/* Give the sessions that are still open a moment to finish. */
static void
wait_for_sessions(void)
{
	struct timespec tick = {0, 50 * 1000 * 1000};
	int i;

	for (i = 0; i < STOP_GRACE_SECONDS * 20 && conn_active() > 0; i++)
		nanosleep(&tick, NULL);
	if (conn_active() > 0)
		msg_warn("stopping with %u sessions still open", conn_active());
}

/* Everything that must be done as root, reported on the terminal. */
static int
prepare(const struct options *o, struct run_as *who, int *have_who)
{
	char err[512];

	if (snapshot_init(o->policy_path) != 0)
		return EXIT_USAGE;
	*have_who = o->user != NULL;
	if (*have_who && process_lookup_user(o->user, who, err, sizeof(err)) != 0)
		goto fail;
	if (txn_log_open(o->log_dest, err, sizeof(err)) != 0 ||
	    (*have_who && txn_log_chown(who->uid, process_log_group(who), err, sizeof(err)) != 0))
		goto fail;
	if (callbacks_register() != 0 || smfi_setconn((char *)o->socket) != MI_SUCCESS) {
		snprintf(err, sizeof(err), "cannot register with libmilter (socket %s)", o->socket);
		goto fail;
	}
	if (o->debug)
		smfi_setdbg(1);
	errno = 0;
	if (smfi_opensocket(true) != MI_SUCCESS) {
		snprintf(err, sizeof(err), "cannot open socket %s%s%s", o->socket,
		         errno ? ": " : "", errno ? strerror(errno) : "");
		goto fail;
	}
	process_note_socket(o->socket);
	listen_fd = fd_watch_find_listener(); /* before any other listener exists */
	if (listen_socket_setup(o->socket, o->socket_mode, *have_who ? who : NULL, err,
	                        sizeof(err)) != 0)
		goto fail;
	/* After the milter socket: fd_watch and listen_socket look for the only listener. */
	if (o->metrics != NULL && metrics_http_open(o->metrics, err, sizeof(err)) != 0)
		goto fail;
	return EXIT_OK;
fail:
	msg_error("%s", err);
	return EXIT_RUNTIME;
}

/* Detach, pid file, privileges; errors still reach the terminal. */
static int
become_daemon(const struct options *o, const struct run_as *who, int have_who)
{
	char err[512];
	int ready_fd = -1;

	if (!o->foreground) {
		if (strcmp(o->log_dest, "stderr") == 0)
			msg_warn("-L stderr without -f: the log lines go to /dev/null");
		if (process_daemonize(&ready_fd, err, sizeof(err)) != 0)
			goto fail;
	}
	if (o->pidfile != NULL &&
	    process_write_pidfile(o->pidfile, have_who ? who : NULL, err, sizeof(err)) != 0)
		goto fail;
	if (have_who && process_drop_privileges(who, err, sizeof(err)) != 0)
		goto fail;
	if (!have_who && geteuid() == 0)
		msg_warn("running as root; use -u to drop privileges");
	if (!o->foreground) {
		process_detached(ready_fd);
		msg_to_syslog(); /* stderr is /dev/null now, -d included */
	}
	return EXIT_OK;
fail:
	msg_error("%s", err);
	return EXIT_RUNTIME;
}

/* Returns the exit status; *worker_stuck when a reload was still running. */
static int
run(const struct options *o, int *worker_stuck)
{
	enum signals_exit why;

	if (signals_start_worker() != 0) {
		msg_error("cannot set up signal handling");
		return EXIT_RUNTIME;
	}
	if (metrics_http_start() != 0)
		return EXIT_RUNTIME;
	if (pthread_create(&milter, NULL, milter_thread, NULL) != 0) {
		msg_error("cannot start the milter thread");
		return EXIT_RUNTIME;
	}
	check_parked();
	(void)fd_watch_start(listen_fd, wake_milter);
	msg_info("started: socket %s, policy %s, version %s", o->socket, o->policy_path,
	         PACKAGE_VERSION);
	reload_ctl_started(); /* READY=1 */
	why = signals_wait();
	reload_ctl_stopping(); /* STOPPING=1 */
	fd_watch_stop(); /* the real listening socket back in place */
	if (why == SIGNALS_STOP) {
		/* No new sessions; the open ones are served until they end or the grace is up. */
		if (fd_watch_close_listener() == 0)
			process_remove_socket();
		wait_for_sessions();
		stop_milter();
	}
	pthread_join(milter, NULL);
	process_remove_socket();
	*worker_stuck = signals_stop_worker(STOP_WORKER_SECONDS) != 0;
	if (why == SIGNALS_MILTER_ENDED) {
		msg_error("libmilter stopped by itself (status %d)", milter_status);
		return EXIT_RUNTIME;
	}
	msg_info("stopped");
	return milter_status == MI_SUCCESS ? EXIT_OK : EXIT_RUNTIME;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct run_as who;
	int have_who = 0, status, worker_stuck = 0;
	char err[512];

	msg_init("milter-tlspolicy");
	if (options_parse(argc, argv, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "milter-tlspolicy: %s\n", err);
		options_usage(stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		return EXIT_OK;
	}
	if (o.version) {
		printf("milter-tlspolicy %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	tzset();
	if (o.check)
		return check_policy(o.policy_path);
	if (o.explain != NULL)
		return explain(o.policy_path, o.explain);
	if (o.reload)
		return reload_client_run(o.pidfile);
	msg_syslog_init(o.debug);
	/* From here on SIGHUP and friends wait for the main loop instead of killing us. */
	if (signals_block() != 0) {
		msg_error("cannot block signals");
		return EXIT_RUNTIME;
	}
	process_raise_fd_limit();
	fd_watch_check_capacity();
	(void)reload_ctl_open(o.pidfile, o.policy_path); /* as root: the fd outlives -u */
	if ((status = prepare(&o, &who, &have_who)) != EXIT_OK ||
	    (status = become_daemon(&o, &who, have_who)) != EXIT_OK)
		return status;
	status = run(&o, &worker_stuck);
	metrics_http_stop();
	if (!worker_stuck) { /* else the worker may still use them: exit() frees all */
		snapshot_shutdown();
		txn_log_close();
	}
	process_remove_pidfile(o.pidfile);
	return status;
}
