/*
 * txn_log.h -- the one writer of the per-transaction log line
 *
 * SYNOPSIS
 *	int txn_log_open(const char *dest, char *err, size_t errlen);
 *	int txn_log_reopen(void);
 *	int txn_log_chown(uid_t uid, gid_t gid, char *err, size_t errlen);
 *	unsigned long txn_log_write_errors(void);
 *	unsigned long txn_log_reopen_failures(void);
 *	void txn_log_close(void);
 *	void txn_log_write(const struct txn_record *record);
 *
 *	size_t txn_log_format(char *buf, size_t size, const struct txn_record *record);
 *	size_t txn_log_stamp(char *buf, size_t size, time_t when, const char *host,
 *	    long pid);
 *
 * DESCRIPTION
 *	The log line is an interface (doc/log-format.md; tlspolicy-report
 *	reads it): the queue id or NOQUEUE, then every key, always in the
 *	same order, a missing value written as "-", values with a space, '"'
 *	or '\' (or empty) in double quotes with '"' and '\' escaped, control
 *	characters replaced by '?' and each value cut at 255 bytes.
 *
 *	txn_log_open() chooses the destination: "syslog" (facility mail,
 *	ident milter-tlspolicy; the default), "stderr", or a file path opened
 *	for appending. For stderr and files each line starts with an ISO 8601
 *	timestamp with a numeric zone, the host name and "milter-tlspolicy[PID]:",
 *	as "journalctl -o short-iso" prints syslog lines. On failure it returns
 *	-1 with a message in err.
 *
 *	txn_log_reopen() reopens a file destination (log rotation, SIGUSR2).
 *	The new file replaces the old descriptor atomically (dup2), so a
 *	writer in another thread never sees a closed descriptor. It logs
 *	the outcome (msg.h); on failure the old file stays in use, the
 *	failure is counted (txn_log_reopen_failures()) and -1 is returned.
 *
 *	txn_log_chown() gives a log file that root owns (it was just
 *	created by the daemon before it dropped privileges) to the run-as
 *	user and group, mode 0640, so that the user can reopen it after a
 *	rotation that renamed it away and created a new one (logrotate's
 *	"create 0640 USER GROUP"). Files of other owners stay as they are.
 *
 *	txn_log_write() formats one record and writes it with one write()
 *	(or one syslog() call), so that lines from concurrent threads never
 *	interleave. A line that cannot be written whole is lost whole: a
 *	partial line left by a short write is cut off again (ftruncate()),
 *	so the file never holds a torn line. Lost lines are counted
 *	(txn_log_write_errors()) and reported with msg_warn() at most once a
 *	minute with the number lost since the last warning; the first line
 *	written after an outage is preceded by "writing ... works again
 *	after N lost lines". With syslog as the destination write errors
 *	cannot be seen (syslog(3) returns nothing).
 *
 *	txn_log_format() writes the line body (queue id onward, no newline);
 *	txn_log_stamp() the prefix for file and stderr destinations. Both
 *	are pure and return the length written.
 */
#ifndef TXN_LOG_H
#define TXN_LOG_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "policy.h"

#define TXN_LOG_LINE_MAX 16384 /* 19 values of at most 255 bytes, escaped */

struct txn_record {
	const char *queue_id;    /* NULL or "": NOQUEUE */
	const char *client_name; /* NULL: "unknown" */
	const char *client_addr;
	const char *helo;
	const char *listener;
	const char *port;
	const char *auth;
	const char *tls; /* canonical name */
	const char *cipher;
	const char *bits;
	const char *verify;
	const char *sender; /* without <>; "" is the null sender */
	int have_sender;    /* 0: "from=-" */
	unsigned nrcpt;
	const struct decision *decision; /* NULL: no decision (internal failure) */
	const char *reply;               /* "421 4.7.66" when one was sent */
	int aborted;                     /* the transaction did not complete: action=abort */
};

int txn_log_open(const char *dest, char *err, size_t errlen);
int txn_log_reopen(void);
int txn_log_chown(uid_t uid, gid_t gid, char *err, size_t errlen);
unsigned long txn_log_write_errors(void);
unsigned long txn_log_reopen_failures(void);
void txn_log_close(void);
void txn_log_write(const struct txn_record *record);

size_t txn_log_format(char *buf, size_t size, const struct txn_record *record);
size_t txn_log_stamp(char *buf, size_t size, time_t when, const char *host, long pid);

#endif
