/*
 * signals.h -- reload, log reopen and stop, without libmilter's help
 *
 * SYNOPSIS
 *	int signals_block(void);
 *	int signals_start_worker(void);
 *	enum signals_exit signals_wait(void);
 *	void signals_milter_ended(void);
 *	void signals_stop_worker(void);
 *
 * DESCRIPTION
 *	libmilter's smfi_main() starts a thread that sigwait()s for SIGHUP,
 *	SIGTERM and SIGINT and stops the milter on any of them: it treats
 *	SIGHUP as "stop", not "reload". So the main thread of this daemon
 *	is the signal thread, and smfi_main() runs in another thread:
 *
 *	- signals_block() blocks SIGHUP, SIGUSR1, SIGUSR2, SIGTERM and SIGINT
 *	  in the main thread before any thread exists, so that every thread
 *	  (libmilter's too) inherits the mask;
 *	- signals_wait() runs in the main thread, which spends its whole life
 *	  in sigwait() for those signals and hands the work to a worker thread
 *	  (signals_start_worker()): SIGHUP and SIGUSR1 reload the policy,
 *	  SIGUSR2 reopens the log file. It returns on SIGTERM or SIGINT
 *	  (SIGNALS_STOP) or when signals_milter_ended() reports that smfi_main()
 *	  returned (SIGNALS_MILTER_ENDED).
 *
 *	The kernel delivers a process-directed signal to the thread-group
 *	leader (the main thread) whenever that thread is waiting for it, in
 *	preference to any other waiting thread; libmilter's thread would only
 *	be chosen while the main thread is not in sigwait(). Doing no work in
 *	the main thread keeps that window to a few instructions. See
 *	milter-tlspolicy(8) and tests/e2e for the proof under load.
 *
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

#endif
