/*
 * signals.h -- reload, log reopen and stop, without libmilter's help
 *
 * SYNOPSIS
 *	int signals_block(void);
 *	int signals_start_worker(void);
 *	enum signals_exit signals_wait(void);
 *	void signals_milter_ended(void);
 *	void signals_stop_worker(void);
int signals_libmilter_parked(void);
 *	int signals_libmilter_parked(void);
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
 *	signals_start_worker() must run in the main thread (after a fork).
 *	signals_stop_worker() ends the worker thread after its current job.
 */
#ifndef SIGNALS_H
#define SIGNALS_H

enum signals_exit {
	SIGNALS_STOP,        /* SIGTERM or SIGINT */
	SIGNALS_MILTER_ENDED /* smfi_main() returned by itself */
};

int signals_block(void);
int signals_start_worker(void);
enum signals_exit signals_wait(void);
void signals_milter_ended(void);
void signals_stop_worker(void);
int signals_libmilter_parked(void);

#endif
