/*
 * fd_watch.h -- descriptors: capacity at start-up, exhaustion while running
 *
 * SYNOPSIS
 *	unsigned long fd_watch_capacity(void);
 *	void fd_watch_check_capacity(void);
 *	int fd_watch_find_listener(void);
 *	int fd_watch_start(int listen_fd, void (*wake)(void));
 *	void fd_watch_stop(void);
 *	int fd_watch_close_listener(void);
 *	unsigned long fd_watch_exhaustions(void);
 *
 * DESCRIPTION
 *	Each MTA session holds one descriptor. fd_watch_capacity() is the
 *	number of concurrent sessions RLIMIT_NOFILE allows: the soft limit
 *	minus FD_WATCH_RESERVED descriptors for everything else (standard
 *	streams, syslog, the log file, the listening socket, the files of a
 *	reload, the metrics listener, this module's two). fd_watch_check_capacity()
 *	warns at start-up when that is below FD_WATCH_MIN_SESSIONS (1,000:
 *	a soft limit of at least 1,024; the systemd unit sets 65,536).
 *
 *	When every descriptor is taken, libmilter's accept loop does not
 *	wait: poll() says the listening socket is readable, accept() fails
 *	with EMFILE, and it tries again at once, burning a CPU core until a
 *	session ends. fd_watch_start() starts a watchdog thread that checks
 *	ten times a second whether one more descriptor can be had (dup()).
 *	When it cannot, the process is at its limit: the watchdog logs (at
 *	most once a minute) "out of descriptors: N sessions open, limit L;
 *	new MTA connections wait", counts it (fd_watch_exhaustions()), and
 *	stops the spin from outside libmilter: it puts an idle non-blocking
 *	listening socket (AF_UNIX, never connected to) in the listening
 *	descriptor's place (dup2(); a duplicate of the real socket is kept
 *	from the start, so this needs no free descriptor), and libmilter's
 *	poll() waits quietly (5 s at a time). New MTA connections wait in
 *	the real socket's backlog. As soon as a descriptor is free again
 *	(checked every 50 ms), the real socket is put back, libmilter's
 *	thread is woken (wake) and the waiting connections are accepted;
 *	that is logged too, after a pause that was logged. The watchdog
 *	holds two descriptors (the idle socket and the duplicate).
 *
 *	listen_fd is libmilter's listening descriptor:
 *	fd_watch_find_listener() returns the first listening socket of the
 *	process (call it right after libmilter opened its socket, before any
 *	other listener exists), or -1. fd_watch_stop() puts
 *	the real socket back and ends the thread; call it before stopping
 *	libmilter. fd_watch_start() returns 0, or -1 (with a warning) when
 *	it cannot watch; the daemon then runs as before.
 */
#ifndef FD_WATCH_H
#define FD_WATCH_H

#define FD_WATCH_RESERVED     24
#define FD_WATCH_MIN_SESSIONS 1000

unsigned long fd_watch_capacity(void);
void fd_watch_check_capacity(void);
int fd_watch_find_listener(void);
int fd_watch_start(int listen_fd, void (*wake)(void));
void fd_watch_stop(void);
int fd_watch_close_listener(void);
unsigned long fd_watch_exhaustions(void);

#endif
