/*
 * signals.c -- reload, log reopen and stop, without libmilter's help
 *
 * SYNOPSIS
 *	See signals.h.
 *
 * DESCRIPTION
 *	The main thread only turns signals into flags for the worker; the
 *	worker does the slow part (loading a policy, opening a file). The
 *	worker is never joined blindly: a reload stuck on a file that blocks
 *	must not keep the daemon from stopping.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "msg.h"
#include "reload_ctl.h"
#include "signals.h"
#include "snapshot.h"
#include "txn_log.h"

#define SIGNAL_WAKE SIGURG /* ignored by default, unused otherwise: sockets have no owner */

enum signal_job { JOB_RELOAD = 1, JOB_REOPEN = 2, JOB_QUIT = 4 };

static const struct {
	int signo;
	const char *name;
	int job; /* 0: stop */
} signal_table[] = {
    {SIGHUP, "SIGHUP", JOB_RELOAD},
    {SIGUSR1, "SIGUSR1", JOB_RELOAD},
    {SIGUSR2, "SIGUSR2", JOB_REOPEN},
    {SIGTERM, "SIGTERM", 0},
    {SIGINT, "SIGINT", 0},
};

#define SIGNAL_COUNT (sizeof(signal_table) / sizeof(signal_table[0]))

static sigset_t handled;
static pthread_t main_thread;
static atomic_int milter_ended;
static atomic_int libmilter_parked;

static pthread_t worker;
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int jobs;
static int worker_done;

/* SIGURG interrupts a blocking call in one thread (signals_wake()); nothing else. */
static void
on_wake(int signo)
{
	(void)signo;
}

void
signals_wake(pthread_t thread)
{
	pthread_kill(thread, SIGNAL_WAKE);
}

int
signals_block(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: poll() returns EINTR */
	if (sigaction(SIGNAL_WAKE, &sa, NULL) != 0)
		return -1;
	sigemptyset(&handled);
	for (i = 0; i < SIGNAL_COUNT; i++)
		sigaddset(&handled, signal_table[i].signo);
	main_thread = pthread_self();
	signal(SIGPIPE, SIG_IGN);
	return pthread_sigmask(SIG_BLOCK, &handled, NULL) == 0 ? 0 : -1;
}

static void
post_job(int job)
{
	pthread_mutex_lock(&job_lock);
	jobs |= job;
	pthread_cond_signal(&job_cond);
	pthread_mutex_unlock(&job_lock);
}

static void *
worker_main(void *unused)
{
	int todo;

	for (;;) {
		pthread_mutex_lock(&job_lock);
		while (jobs == 0)
			pthread_cond_wait(&job_cond, &job_lock);
		todo = jobs;
		jobs = 0;
		pthread_mutex_unlock(&job_lock);
		if (todo & JOB_QUIT)
			return NULL;
		if (todo & JOB_RELOAD)
			reload_ctl_reload(); /* snapshot_reload(), result to -R and systemd */
		if (todo & JOB_REOPEN)
			(void)txn_log_reopen(); /* logs and counts a failure itself */
	}
}

/* The worker's last act: tell signals_stop_worker() it has ended. */
static void *
worker_run(void *unused)
{
	worker_main(unused);
	pthread_mutex_lock(&job_lock);
	worker_done = 1;
	pthread_cond_broadcast(&done_cond);
	pthread_mutex_unlock(&job_lock);
	return NULL;
}

int
signals_start_worker(void)
{
	main_thread = pthread_self(); /* again: this may be the child of a fork */
	return pthread_create(&worker, NULL, worker_run, NULL) == 0 ? 0 : -1;
}

int
signals_stop_worker(unsigned seconds)
{
	struct timespec deadline;
	int done;

	post_job(JOB_QUIT);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += seconds;
	pthread_mutex_lock(&job_lock);
	while (!worker_done &&
	       pthread_cond_timedwait(&done_cond, &job_lock, &deadline) != ETIMEDOUT)
		;
	done = worker_done;
	pthread_mutex_unlock(&job_lock);
	if (!done) {
		msg_warn(
		    "a reload or log reopen is still running after %u s (a policy or list file "
		    "that blocks?); stopping without waiting for it",
		    seconds);
		return -1;
	}
	pthread_join(worker, NULL);
	return 0;
}

static size_t
signal_index(int signo)
{
	size_t i;

	for (i = 0; i < SIGNAL_COUNT; i++)
		if (signal_table[i].signo == signo)
			break;
	return i;
}

enum signals_exit
signals_wait(void)
{
	size_t i;
	int signo;

	for (;;) {
		if ((signo = sigwaitinfo(&handled, NULL)) < 0)
			continue;
		if (atomic_load(&milter_ended))
			return SIGNALS_MILTER_ENDED;
		if ((i = signal_index(signo)) == SIGNAL_COUNT)
			continue;
		if (signal_table[i].job == 0) {
			msg_info("%s: stopping", signal_table[i].name);
			return SIGNALS_STOP;
		}
		post_job(signal_table[i].job);
	}
}

void
signals_milter_ended(void)
{
	atomic_store(&milter_ended, 1);
	pthread_kill(main_thread, SIGTERM);
}

int
signals_libmilter_parked(void)
{
	return atomic_load(&libmilter_parked);
}

/*
 * The C library's sigwait(), minus the signals the main thread owns. The
 * only caller is libmilter's signal thread (this daemon itself uses
 * sigwaitinfo()); for it the remaining set is empty, so it waits for
 * nothing, harmlessly, until the process exits.
 */
int
sigwait(const sigset_t *restrict set, int *restrict sig)
{
	sigset_t others = *set;
	size_t i;
	int signo;

	for (i = 0; i < SIGNAL_COUNT; i++)
		sigdelset(&others, signal_table[i].signo);
	if (!pthread_equal(pthread_self(), main_thread))
		atomic_store(&libmilter_parked, 1);
	do
		signo = sigwaitinfo(&others, NULL);
	while (signo < 0 && errno == EINTR);
	if (signo < 0)
		return errno;
	*sig = signo;
	return 0;
}
