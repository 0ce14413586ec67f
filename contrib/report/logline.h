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
 *	It returns LOGLINE_RECORD for a transaction line, LOGLINE_OTHER for
 *	a line of another program, or one of the daemon's lines that is not a
 *	transaction (start-up, warnings), LOGLINE_FAILURE for the line of a
 *	transaction the daemon tempfailed after an internal failure (no
 *	decision: rule=- action=-), and LOGLINE_MALFORMED for a
 *	transaction line that cannot be read (a required key missing, bad
 *	quoting, an unknown action or TLS spelling, a bad timestamp); then
 *	*why says what was wrong.
 *
 *	logline_key_index() maps a key name to its LK_* index, or -1.
 */
#ifndef REPORT_LOGLINE_H
#define REPORT_LOGLINE_H

#include <stddef.h>
#include <time.h>

#include "logtime.h"
#include "policy.h"
#include "tls_version.h"

/* The keys of the log line, in the order the daemon writes them. */
enum logline_key {
	LK_CLIENT,
	LK_HELO,
	LK_LISTENER,
	LK_PORT,
	LK_AUTH,
	LK_TLS,
	LK_CIPHER,
	LK_BITS,
	LK_VERIFY,
	LK_FROM,
	LK_NRCPT,
	LK_RULE,
	LK_ACTION,
	LK_MODE,
	LK_SELECTED,
	LK_PERCENT,
	LK_SKIPPED,
	LK_REPLY,
	LK_RELAY,
	LK_COUNT
};

enum logline_kind { LOGLINE_RECORD, LOGLINE_OTHER, LOGLINE_FAILURE, LOGLINE_MALFORMED };

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
};

extern const char *const logline_key_names[LK_COUNT];

enum logline_kind logline_parse(char *line, size_t len, struct logtime_ref *ref, struct logrec *rec,
                                const char **why);
int logline_key_index(const char *key, size_t len);
int action_index(const char *name, size_t len);

/* tls_is_legacy - below TLS 1.2, or no TLS at all */
static inline int
tls_is_legacy(enum tls_version v)
{
	return v < TLS_VERSION_1_2;
}

#endif
