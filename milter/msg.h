/*
 * msg.h -- diagnostics of the daemon itself
 *
 * SYNOPSIS
 *	void msg_init(int to_stderr, int debug);
 *	void msg_to_syslog(void);
 *	void msg_info(const char *fmt, ...);
 *	void msg_warn(const char *fmt, ...);
 *	void msg_error(const char *fmt, ...);
 *	void msg_debug(const char *fmt, ...);
 *
 * DESCRIPTION
 *	These report on the daemon (start, reload, failures), as opposed to
 *	the per-transaction log line (txn_log.h). They go to stderr as
 *	"milter-tlspolicy: warning: text" while to_stderr is set (-f, -d, and
 *	always until the daemon detaches from the terminal), else to syslog
 *	(facility mail, ident milter-tlspolicy, with the pid). msg_debug()
 *	prints only when debug is set (-d). msg_init() opens syslog.
 *	msg_to_syslog() switches to syslog once the terminal is gone.
 *	Every call formats into a local buffer and writes once: safe from any
 *	thread.
 */
#ifndef MSG_H
#define MSG_H

void msg_init(int to_stderr, int debug);
void msg_to_syslog(void);
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
