/*
 * msg.h -- diagnostics of the three programs: one module, one program name
 *
 * SYNOPSIS
 *	void msg_init(const char *program);
 *	void msg_syslog_init(int debug);
 *	void msg_to_syslog(void);
 *	const char *msg_program(void);
 *
 *	void msg_info(const char *fmt, ...);
 *	void msg_warn(const char *fmt, ...);
 *	void msg_error(const char *fmt, ...);
 *	void msg_debug(const char *fmt, ...);
 *	void msg_fatal(const char *fmt, ...);
 *	void msg_panic(const char *fmt, ...);
 *
 * DESCRIPTION
 *	Diagnostics about a program itself (start, reload, failures), as
 *	opposed to the daemon's per-transaction log line (txn_log.h). The
 *	daemon (milter-tlspolicy), tlspolicy-report and tlspolicy-probe all
 *	use this one module, so that every message carries the name of the
 *	program that wrote it and nothing dies without a word.
 *
 *	msg_init() sets the program name; call it first thing in main().
 *	Until then the name is "milter-tlspolicy". Messages go to standard
 *	error as "PROGRAM: warning: text".
 *
 *	msg_syslog_init() (the daemon only) opens syslog (facility mail,
 *	ident PROGRAM, with the pid) and enables msg_debug() when debug is
 *	set. msg_to_syslog() sends every later message to syslog only, once
 *	standard error is /dev/null (the daemon after detaching).
 *
 *	Levels as in Postfix: msg_info(), msg_warn() (recoverable),
 *	msg_error() (this operation failed; the caller decides what next),
 *	msg_debug() (only with debug), msg_fatal() (bad environment, e.g.
 *	out of memory: exits at once with status 2, without atexit
 *	handlers or flushing stdio) and msg_panic() (a broken
 *	internal contract: aborts, leaving a core). A fatal message or panic
 *	goes to syslog whenever msg_syslog_init() was called, and to
 *	standard error as well while that is still the terminal.
 *
 *	Every call formats into a local buffer (no allocation) and writes
 *	once: safe from any thread, and usable when memory has run out.
 *	Where the module lives: policy/ links into every program already
 *	(libpolicy.a; the probe compiles it in with xalloc.c), and xalloc.c
 *	needs it for its out-of-memory path. The policy engine itself never
 *	calls it; only xalloc.c does.
 */
#ifndef MSG_H
#define MSG_H

void msg_init(const char *program);
void msg_syslog_init(int debug);
void msg_to_syslog(void);
const char *msg_program(void);

void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
