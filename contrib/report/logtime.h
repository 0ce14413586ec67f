/*
 * logtime.h -- log timestamps for tlspolicy-report
 *
 * SYNOPSIS
 *	void logtime_ref_init(struct logtime_ref *ref, time_t now);
 *	const char *logtime_parse(const char *s, const char *end,
 *	    struct logtime_ref *ref, time_t *when);
 *	int logtime_parse_arg(const char *text, int until, time_t *when);
 *	int logtime_parse_arg_at(const char *text, int until, time_t now,
 *	    time_t *when);
int logtime_parse_arg_at(const char *text, int until, time_t now, time_t *when);
 *	char *logtime_format(time_t when, char buf[LOGTIME_BUFSIZE]);
 *	char *logtime_format_day(long day, char buf[LOGTIME_BUFSIZE]);
 *	long logtime_day(time_t when);
 *	long days_from_civil(long y, unsigned m, unsigned d);
 *
 * DESCRIPTION
 *	logtime_parse() reads the timestamp at the start of a log line and
 *	stores it as seconds since the epoch (UTC). It accepts
 *	    RFC 3339 / ISO 8601:  2026-11-25T10:15:02+01:00, with an optional
 *	        fraction (rsyslog's high-precision form), Z, or a zone written
 *	        +0100 (journalctl -o short-iso);
 *	    classic syslog:       Nov 25 10:15:02 (day padded with a space or
 *	        a zero), which has no year and no zone: it is local time (TZ),
 *	        and the year is the one that puts the stamp no later than one
 *	        day after ref's reference time (a December line read in
 *	        January belongs to the previous year).
 *	It returns a pointer just past the timestamp (at the blank that
 *	follows), or NULL when s does not start with one. The reference
 *	holds the reference time (a file's mtime, or now) and a cache that
 *	makes classic stamps cost one mktime() per hour of log.
 *
 *	logtime_parse_arg() reads a --since/--until argument: YYYY-MM-DD (a
 *	UTC day: its first second, or with until set its last), or a full
 *	timestamp as above, "T" or a blank between date and time, seconds
 *	optional, UTC when no zone is given; or a date relative to now:
 *	"today" and "yesterday" (that UTC day: its first second, or with
 *	until set its last), "now", and "Nh", "Nd", "Nw" (N hours, days or
 *	weeks before now, N at most 100000). It returns 0 or -1.
 *	logtime_parse_arg_at() does the same with a given now (tests).
 *
 *	logtime_format() writes "2026-11-25T09:15:02Z" (UTC);
 *	logtime_format_day() writes "2026-11-25" for a day number from
 *	logtime_day() (days since 1970-01-01, UTC). days_from_civil() is the
 *	proleptic Gregorian day number of a date.
 */
#ifndef REPORT_LOGTIME_H
#define REPORT_LOGTIME_H

#include <time.h>

#define LOGTIME_BUFSIZE 32

struct logtime_ref {
	time_t now;   /* reference for the year of classic stamps */
	int now_year; /* local year of now */
	/* Cache: local start of one hour, for classic stamps. */
	int c_mon, c_mday, c_hour;
	time_t c_start;
};

void logtime_ref_init(struct logtime_ref *ref, time_t now);
const char *logtime_parse(const char *s, const char *end, struct logtime_ref *ref, time_t *when);
int logtime_parse_arg(const char *text, int until, time_t *when);
int logtime_parse_arg_at(const char *text, int until, time_t now, time_t *when);
char *logtime_format(time_t when, char *buf);
char *logtime_format_day(long day, char *buf);
long logtime_day(time_t when);
long days_from_civil(long y, unsigned m, unsigned d);

#endif
