/*
 * logline.h -- parse one milter-tlspolicy log line, in place
 *
 * SYNOPSIS
 *	enum logline_kind logline_parse(char *line, size_t len,
 *	    struct logtime_ref *ref, struct logrec *rec, const char **why);
 *	int logline_key_index(const char *key, size_t len);
 *
 * DESCRIPTION
 *	logline_parse() reads one line (without its newline) of a syslog
 *	file, of journalctl -o short-iso output or of the daemon's -L file:
 *
 *	    STAMP HOST milter-tlspolicy[PID]: QUEUEID: client=NAME[ADDR] helo=...
 *
 *	(STAMP: see logtime.h) and fills rec with the time, the host and
 *	each key=value of doc/log-format.md. The line is modified: every
 *	value is NUL-terminated and unquoted where it stands, and rec points
 *	into it, so nothing is allocated or copied. Keys may come in any
 *	order; unknown keys are ignored; a missing optional key reads "-".
 *
 *	It returns LOGLINE_RECORD for a transaction line (with rec->aborted
 *	set for action=abort, a transaction that did not complete: RSET,
 *	QUIT or a drop after MAIL, or an MTA abort; rec->action is then
 *	ACCEPT and means nothing), LOGLINE_OTHER for a line of another
 *	program, LOGLINE_DAEMON for one of the daemon's own messages (a
 *	level label such as "warning: ", its start, stop, reload and reopen
 *	messages, libmilter's), LOGLINE_FAILURE for the line of a
 *	transaction the daemon tempfailed after an internal failure (no
 *	decision: rule=- action=-), and LOGLINE_MALFORMED for any other
 *	line tagged milter-tlspolicy: a transaction line that cannot be read
 *	(a required key missing, rule= or action= among them, bad quoting,
 *	an unknown action or TLS spelling, a bad timestamp) or a line that is
 *	neither a transaction line nor a known message; then *why says what
 *	was wrong.
 *
 *	logline_key_index() maps a key name of the log line to its LK_*
 *	index (log_keys.h, generated from policy/log_keys.def), or -1.
 */
#ifndef REPORT_LOGLINE_H
#define REPORT_LOGLINE_H

#include <stddef.h>
#include <time.h>

#include "logtime.h"
#include "policy.h"
#include "tls_version.h"

/* The keys of the log line (LK_*, LK_COUNT), in the order the daemon writes them. */
#include "log_keys.h"

enum logline_kind {
	LOGLINE_RECORD,
	LOGLINE_OTHER,
	LOGLINE_DAEMON,
	LOGLINE_FAILURE,
	LOGLINE_MALFORMED
};

struct logfield {
	const char *s; /* NUL-terminated, inside the line */
	size_t len;
};

struct logrec {
	time_t time;          /* UTC seconds */
	struct logfield host; /* syslog host field */
	struct logfield queue_id;
	struct logfield client_name; /* from client=NAME[ADDR] */
	struct logfield client_addr;
	struct logfield v[LK_COUNT]; /* raw values, "-" when absent */
	enum tls_version tls;
	enum policy_action action; /* what the policy said, as logged */
	int report_only;           /* mode=report-only */
	int aborted;               /* action=abort: the transaction did not complete */
};

enum logline_kind logline_parse(char *line, size_t len, struct logtime_ref *ref, struct logrec *rec,
                                const char **why);
int logline_key_index(const char *key, size_t len);
int action_index(const char *name, size_t len);

/* tls_is_legacy - TLS below 1.2 (SSLv3, TLS 1.0, TLS 1.1); plaintext is apart */
static inline int
tls_is_legacy(enum tls_version v)
{
	return v >= TLS_VERSION_SSLV3 && v < TLS_VERSION_1_2;
}

/* tls_is_plaintext - no TLS at all */
static inline int
tls_is_plaintext(enum tls_version v)
{
	return v == TLS_VERSION_NONE;
}

#endif
