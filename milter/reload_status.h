/*
 * reload_status.h -- the reload status record the daemon keeps for "-R"
 *
 * SYNOPSIS
 *	void reload_status_encode(const struct reload_status *status,
 *	    char record[RELOAD_STATUS_SIZE]);
 *	int reload_status_parse(const char *record, size_t len,
 *	    struct reload_status *status);
 *	int reload_status_path(const char *pidfile, char *path, size_t len);
 *	const char *reload_state_name(enum reload_state state);
 *
 * DESCRIPTION
 *	The daemon tells a "milter-tlspolicy -R" client (systemd's ExecReload)
 *	how each reload ended through a small text file next to its pid file:
 *	reload_status_path() maps "DIR/NAME.pid" (or any other name) to
 *	"DIR/NAME.reload".
 *
 *	The record is text, one "key value" per line, padded with newlines to
 *	exactly RELOAD_STATUS_SIZE bytes and rewritten in place with a single
 *	pwrite() (the daemon keeps the file open from before it dropped
 *	privileges, so its directory need not be writable by the daemon):
 *
 *	    milter-tlspolicy-reload-status 1
 *	    pid 4242            the daemon
 *	    attempt 3           reloads begun since the start (0: none yet)
 *	    state failed        reloading | ok | failed (of that attempt)
 *	    generation 2        the policy in force (snapshot.h)
 *	    rules 5             its rule count
 *	    time 1796558400     when the record was written (Unix time)
 *	    reason TEXT         why the attempt failed (one line)
 *	    check 1f3a...       FNV-1a 32 of every byte before this line
 *
 *	A reader may see a record half rewritten; the check line catches
 *	that, and the reader reads again.
 *
 *	reload_status_encode() fills all RELOAD_STATUS_SIZE bytes (the reason
 *	is cut to fit and control characters become spaces).
 *	reload_status_parse() returns 0, or -1 when the record is incomplete,
 *	torn or not a reload status.
 *	reload_status_path() returns 0, or -1 when the result does not fit.
 */
#ifndef RELOAD_STATUS_H
#define RELOAD_STATUS_H

#include <stddef.h>

#define RELOAD_STATUS_SIZE 512
#define RELOAD_REASON_MAX  300

enum reload_state { RELOAD_RUNNING, RELOAD_OK, RELOAD_FAILED };

struct reload_status {
	long pid;
	unsigned long attempt;
	enum reload_state state;
	unsigned long generation;
	unsigned long rules;
	long long time;
	char reason[RELOAD_REASON_MAX + 1];
};

void reload_status_encode(const struct reload_status *status, char record[RELOAD_STATUS_SIZE]);
int reload_status_parse(const char *record, size_t len, struct reload_status *status);
int reload_status_path(const char *pidfile, char *path, size_t len);
const char *reload_state_name(enum reload_state state);

#endif
