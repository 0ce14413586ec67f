/*
 * signals.h -- reload, log reopen and stop, without libmilter's help
 *
 * SYNOPSIS
 *	int signals_block(void);
 *	int signals_start_worker(void);
 *	enum signals_exit signals_wait(void);
 *	void signals_milter_ended(void);
 *	int signals_stop_worker(unsigned seconds);
 *	int signals_libmilter_parked(void);
 *	void signals_wake(pthread_t thread);
 *
 * DESCRIPTION
 *	libmilter's smfi_main() starts a thread that calls sigwait() for
 *	SIGHUP, SIGTERM and SIGINT and stops the milter on any of them: it
 *	treats SIGHUP as "stop", not "reload". Which of several threads
 *	waiting for a process-directed signal gets it is up to the kernel
 *	(measured: with two waiting threads, bursts of SIGHUP reach both), so
 *	a second waiter of our own would not make reload reliable. Instead:
 *
 *	- the main thread is the only thread that takes SIGHUP, SIGUSR1,
 *	  SIGUSR2, SIGTERM and SIGINT: signals_block() blocks them before any
 *	  thread exists, so every thread (libmilter's too) inherits the mask,
 *	  and signals_wait() waits for them with sigwaitinfo();
 *	- this file defines sigwait(), which takes precedence over the C
 *	  library's for libmilter (ELF symbol interposition, as malloc
 *	  replacements do). It waits as asked except for those five signals,
 *	  so libmilter's signal thread waits for nothing and never stops the
 *	  milter. signals_libmilter_parked() says whether libmilter's thread
 *	  has entered it (checked at start-up, and by the tests).
 *
 *	signals_wait() hands the work to a worker thread
 *	(signals_start_worker()): SIGHUP and SIGUSR1 reload the policy,
 *	SIGUSR2 reopens the log file. It returns on SIGTERM or SIGINT
 *	(SIGNALS_STOP) or when signals_milter_ended() reports that
 *	smfi_main() returned (SIGNALS_MILTER_ENDED).
 *
 *	signals_wake() interrupts a blocking call (poll(), accept()) of one
 *	thread with SIGURG, for which signals_block() installs a handler that
 *	does nothing. libmilter's listener polls its socket for 5 s at a
 *	time, holding a lock that smfi_stop() needs: without a wake-up a
 *	stop takes up to 5 s even when no session is open.
 *
 *	signals_start_worker() must run in the main thread (after a fork).
 *	signals_stop_worker() ends the worker thread after its current job,
 *	waiting at most seconds for it: a reload that hangs (a policy or
 *	list file that blocks on open or read) must not keep the daemon from
 *	stopping. It returns 0 when the worker ended, else -1 after a
 *	warning; the caller then exits without touching what the worker may
 *	still use (the policy snapshot, the log destination).
 */
#ifndef SIGNALS_H
#define SIGNALS_H

#include <pthread.h>

enum signals_exit {
	SIGNALS_STOP,        /* SIGTERM or SIGINT */
	SIGNALS_MILTER_ENDED /* smfi_main() returned by itself */
};

int signals_block(void);
int signals_start_worker(void);
enum signals_exit signals_wait(void);
void signals_milter_ended(void);
int signals_stop_worker(unsigned seconds);
int signals_libmilter_parked(void);
void signals_wake(pthread_t thread);

#endif
