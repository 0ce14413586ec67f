/*
 * NAME
 *	test_report_parse -- CUnit tests for tlspolicy-report's log parser
 *
 * DESCRIPTION
 *	logline_parse(): every key of doc/log-format.md, quoting, keys out
 *	of order and unknown keys, malformed lines of ours, lines of other
 *	programs. logtime_parse(): RFC 3339 and short-iso stamps with their
 *	zones, classic syslog stamps in a fixed TZ, and the year of a classic
 *	stamp around New Year with an injected reference time. The
 *	--since/--until argument parser and the ISO formatter. The gzip and
 *	plain line reader.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "linereader.h"
#include "logline.h"
#include "logtime.h"

#define FULL_LINE                                                                                  \
	"2026-11-25T10:15:02+01:00 mx1 milter-tlspolicy[812]: 4Bq1c2Yz: "                          \
	"client=printer7.example.com[192.0.2.7] helo=scan7 listener=smtpd port=587 "               \
	"auth=alice tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA bits=256 verify=- "                      \
	"from=<scan@example.com> nrcpt=1 rule=auth-legacy action=defer mode=enforce "              \
	"selected=yes percent=25 skipped=- reply=\"421 4.7.66\" relay=-"

#define KEYS_TAIL                                                                                  \
	" port=25 auth=- tls=TLSv1.2 cipher=X bits=128 verify=- from=<> nrcpt=0 rule=r "           \
	"action=accept mode=enforce selected=- percent=- skipped=- reply=- relay=-"

static struct logtime_ref ref;
static struct logrec rec;
static char line[8192];
static const char *why;

/* parse - parse a copy of text (the parser writes into its line) */
static enum logline_kind
parse(const char *text)
{
	snprintf(line, sizeof(line), "%s", text);
	memset(&rec, 0, sizeof(rec));
	why = NULL;
	return logline_parse(line, strlen(line), &ref, &rec, &why);
}

static int
field_eq(const struct logfield *f, const char *s)
{
	return f->s != NULL && f->len == strlen(s) && strcmp(f->s, s) == 0;
}

static time_t
utc(int y, int mon, int d, int h, int min, int s)
{
	return (time_t)(days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400L + h * 3600L +
	                min * 60L + s);
}

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Every key of the documented example line. */
static void
test_every_field(void)
{
	static const struct {
		enum log_key key;
		const char *value;
	} want[] = {
	    {LK_HELO, "scan7"},   {LK_LISTENER, "smtpd"},   {LK_PORT, "587"},
	    {LK_AUTH, "alice"},   {LK_TLS, "TLSv1"},        {LK_CIPHER, "ECDHE-RSA-AES256-SHA"},
	    {LK_BITS, "256"},     {LK_VERIFY, "-"},         {LK_FROM, "<scan@example.com>"},
	    {LK_NRCPT, "1"},      {LK_RULE, "auth-legacy"}, {LK_ACTION, "defer"},
	    {LK_MODE, "enforce"}, {LK_SELECTED, "yes"},     {LK_PERCENT, "25"},
	    {LK_SKIPPED, "-"},    {LK_REPLY, "421 4.7.66"}, {LK_RELAY, "-"},
	};

	CU_ASSERT_EQUAL_FATAL(parse(FULL_LINE), LOGLINE_RECORD);
	CU_ASSERT_EQUAL(rec.time, utc(2026, 11, 25, 9, 15, 2));
	CU_ASSERT(field_eq(&rec.host, "mx1"));
	CU_ASSERT(field_eq(&rec.queue_id, "4Bq1c2Yz"));
	CU_ASSERT(field_eq(&rec.client_name, "printer7.example.com"));
	CU_ASSERT(field_eq(&rec.client_addr, "192.0.2.7"));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT(field_eq(&rec.v[want[i].key], want[i].value));
	CU_ASSERT_EQUAL(rec.tls, TLS_VERSION_1_0);
	CU_ASSERT_EQUAL(rec.action, ACTION_DEFER);
	CU_ASSERT_EQUAL(rec.report_only, 0);
}

/* Each TLS spelling and action, and report-only mode. */
static void
test_versions_actions(void)
{
	static const struct {
		const char *tls;
		enum tls_version want;
	} tls[] = {
	    {"none", TLS_VERSION_NONE},   {"SSLv3", TLS_VERSION_SSLV3},
	    {"TLSv1", TLS_VERSION_1_0},   {"TLSv1.0", TLS_VERSION_1_0},
	    {"TLSv1.1", TLS_VERSION_1_1}, {"TLSv1.2", TLS_VERSION_1_2},
	    {"TLSv1.3", TLS_VERSION_1_3}, {"unknown", TLS_VERSION_UNKNOWN},
	};
	char buf[1024];

	for (size_t i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
		snprintf(
		    buf, sizeof(buf),
		    "Nov 25 10:15:02 mx1 milter-tlspolicy[1]: NOQUEUE: client=a[1.2.3.4] helo=h "
		    "listener=l auth=- tls=%s cipher=- rule=r action=accept",
		    tls[i].tls);
		CU_ASSERT_EQUAL_FATAL(parse(buf), LOGLINE_RECORD);
		CU_ASSERT_EQUAL(rec.tls, tls[i].want);
		CU_ASSERT(field_eq(&rec.queue_id, "NOQUEUE"));
	}
	for (int a = 0; a < ACTION_COUNT; a++) {
		snprintf(buf, sizeof(buf),
		         "Nov 25 10:15:02 mx1 milter-tlspolicy[1]: Q: client=a[1.2.3.4] helo=h "
		         "listener=l auth=- tls=none cipher=- rule=r action=%s mode=report-only",
		         policy_action_name((enum policy_action)a));
		CU_ASSERT_EQUAL_FATAL(parse(buf), LOGLINE_RECORD);
		CU_ASSERT_EQUAL(rec.action, (enum policy_action)a);
		CU_ASSERT_EQUAL(rec.report_only, 1);
	}
}

static void
test_quoting(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("Nov 25 10:15:02 mx1 milter-tlspolicy[1]: Q: "
	                            "client=unknown[192.0.2.9] helo=\"two words\" listener=\"\" "
	                            "auth=\"a\\\"b\\\\c\" tls=none cipher=- rule=r action=accept"),
	                      LOGLINE_RECORD);
	CU_ASSERT(field_eq(&rec.v[LK_HELO], "two words"));
	CU_ASSERT(field_eq(&rec.v[LK_LISTENER], ""));
	CU_ASSERT(field_eq(&rec.v[LK_AUTH], "a\"b\\c"));
	CU_ASSERT(field_eq(&rec.v[LK_TLS], "none"));
	/* A quoted value at the very end of the line. */
	CU_ASSERT_EQUAL_FATAL(parse("Nov 25 10:15:02 mx1 milter-tlspolicy[1]: Q: "
	                            "client=a[b] helo=h listener=l auth=- tls=none cipher=- rule=r "
	                            "action=defer reply=\"421 4.7.66\""),
	                      LOGLINE_RECORD);
	CU_ASSERT(field_eq(&rec.v[LK_REPLY], "421 4.7.66"));
}

/* Keys in another order, unknown keys (quoted or not), absent optional keys. */
static void
test_order_unknown_keys(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("2026-01-02T03:04:05Z mx2 milter-tlspolicy[1]: Q: "
	                            "client=h.example[2001:db8::1] action=tag rule=printers "
	                            "new=\"x y\" cipher=DES-CBC3-SHA tls=TLSv1.1 auth=bob "
	                            "listener=legacy helo=h future=1"),
	                      LOGLINE_RECORD);
	CU_ASSERT(field_eq(&rec.client_addr, "2001:db8::1"));
	CU_ASSERT(field_eq(&rec.client_name, "h.example"));
	CU_ASSERT(field_eq(&rec.v[LK_RULE], "printers"));
	CU_ASSERT(field_eq(&rec.v[LK_HELO], "h"));
	CU_ASSERT(field_eq(&rec.v[LK_MODE], "-"));
	CU_ASSERT(field_eq(&rec.v[LK_RELAY], "-"));
	CU_ASSERT_EQUAL(rec.action, ACTION_TAG);
	CU_ASSERT_EQUAL(rec.tls, TLS_VERSION_1_1);
	/* client=- and an ident without a pid. */
	CU_ASSERT_EQUAL_FATAL(parse("2026-01-02T03:04:05Z mx2 milter-tlspolicy: Q: client=- "
	                            "helo=- listener=- auth=- tls=none cipher=- rule=default "
	                            "action=accept"),
	                      LOGLINE_RECORD);
	CU_ASSERT(field_eq(&rec.client_addr, "-"));
	CU_ASSERT(field_eq(&rec.client_name, "-"));
}

/* Lines of ours that cannot be read: counted as malformed, with a reason. */
static void
test_malformed(void)
{
	static const char *const bad[] = {
	    /* a required key missing, one by one */
	    "helo=h listener=l auth=- tls=none cipher=- rule=r action=accept",
	    "client=a[b] listener=l auth=- tls=none cipher=- rule=r action=accept",
	    "client=a[b] helo=h auth=- tls=none cipher=- rule=r action=accept",
	    "client=a[b] helo=h listener=l tls=none cipher=- rule=r action=accept",
	    "client=a[b] helo=h listener=l auth=- cipher=- rule=r action=accept",
	    "client=a[b] helo=h listener=l auth=- tls=none rule=r action=accept",
	    "client=a[b] helo=h listener=l auth=- tls=none cipher=- action=accept",
	    "client=a[b] helo=h listener=l auth=- tls=none cipher=- rule=r",
	    /* bad quoting */
	    "client=a[b] helo=\"unterminated listener=l auth=- tls=none cipher=- rule=r "
	    "action=accept",
	    "client=a[b] helo=\"x\"y listener=l auth=- tls=none cipher=- rule=r action=accept",
	    "client=a[b] helo=\"bad \\q\" listener=l auth=- tls=none cipher=- rule=r action=accept",
	    "client=a[b] helo=h listener=l auth=- tls=none cipher=- rule=r action=accept reply=\"",
	    /* a word without '=' */
	    "client=a[b] helo=h junk listener=l auth=- tls=none cipher=- rule=r action=accept",
	    /* bad values */
	    "client=noaddr helo=h listener=l auth=- tls=none cipher=- rule=r action=accept",
	    "client=a[] helo=h listener=l auth=- tls=none cipher=- rule=r action=accept",
	    "client=a[b] helo=h listener=l auth=- tls=TLSv1.4 cipher=- rule=r action=accept",
	    "client=a[b] helo=h listener=l auth=- tls=none cipher=- rule=r action=explode",
	};
	char buf[1024];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "Nov 25 10:15:02 mx1 milter-tlspolicy[9]: Q1: %s",
		         bad[i]);
		CU_ASSERT_EQUAL(parse(buf), LOGLINE_MALFORMED);
		CU_ASSERT_PTR_NOT_NULL(why);
	}
	/* Our ident, but a time stamp that cannot be read. */
	CU_ASSERT_EQUAL(parse("2026-13-45T99:00:00Z mx1 milter-tlspolicy[9]: Q1: client=a[b]"),
	                LOGLINE_MALFORMED);
	CU_ASSERT_STRING_EQUAL(why, "bad time stamp");
}

/* The line of a transaction tempfailed by an internal failure: counted apart, not malformed. */
static void
test_internal_failure(void)
{
	static const char head[] = "2026-11-25T10:15:02+01:00 mx1 milter-tlspolicy[9]: Q1: "
	                           "client=unknown[-] helo=- listener=mx port=25 auth=- tls=none "
	                           "cipher=- bits=- verify=- from=<a@b> nrcpt=0 ";
	char buf[1024];

	snprintf(buf, sizeof(buf),
	         "%srule=- action=- mode=- selected=- percent=- skipped=- "
	         "reply=\"451 4.3.0\" relay=-",
	         head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_FAILURE);
	/* only both dashes: a decision's line with one of them is still malformed */
	snprintf(buf, sizeof(buf), "%srule=r action=- mode=- reply=-", head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_MALFORMED);
	snprintf(buf, sizeof(buf), "%srule=- action=accept mode=enforce reply=-", head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_RECORD);
	/* lacking the rule/action keys is malformed, not an internal failure (issue 13) */
	snprintf(buf, sizeof(buf), "%smode=- reply=\"451 4.3.0\" relay=-", head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_MALFORMED);
	CU_ASSERT_STRING_EQUAL(why, "missing rule=");
	snprintf(buf, sizeof(buf), "%srule=- mode=- relay=-", head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_MALFORMED);
	CU_ASSERT_STRING_EQUAL(why, "missing action=");
}

/* action=abort: a record, flagged aborted, whatever rule had decided so far. */
static void
test_aborted(void)
{
	static const char head[] =
	    "2026-11-25T10:15:02+01:00 mx1 milter-tlspolicy[9]: NOQUEUE: "
	    "client=a.example[192.0.2.1] helo=h listener=mx port=25 auth=- "
	    "tls=TLSv1 cipher=AES128-SHA bits=128 verify=- from=<a@b> nrcpt=1 ";
	char buf[1024];

	snprintf(buf, sizeof(buf),
	         "%srule=legacy action=abort mode=enforce selected=- "
	         "percent=- skipped=- reply=- relay=-",
	         head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_RECORD);
	CU_ASSERT_EQUAL(rec.aborted, 1);
	CU_ASSERT(field_eq(&rec.v[LK_RULE], "legacy"));
	snprintf(buf, sizeof(buf),
	         "%srule=- action=abort mode=- selected=- percent=- "
	         "skipped=- reply=- relay=-",
	         head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_RECORD);
	CU_ASSERT_EQUAL(rec.aborted, 1);
	snprintf(buf, sizeof(buf), "%srule=r action=accept mode=enforce", head);
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_RECORD);
	CU_ASSERT_EQUAL(rec.aborted, 0);
}

/* Values the writer may produce that the reader used to drop (issue 11 item 5). */
static void
test_hostile_ids(void)
{
	char buf[1024];

	/* a ':' in the queue id */
	snprintf(buf, sizeof(buf),
	         "Nov 25 10:15:02 mx1 milter-tlspolicy[9]: 4B:q1: "
	         "client=n[192.0.2.1] helo=h listener=l auth=- tls=none cipher=- rule=r "
	         "action=accept");
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_RECORD);
	CU_ASSERT(field_eq(&rec.queue_id, "4B:q1"));
	/* a '[' and a ']' in the address: the first '[' opens it */
	snprintf(buf, sizeof(buf),
	         "Nov 25 10:15:02 mx1 milter-tlspolicy[9]: Q1: "
	         "client=n[a[b]c] helo=h listener=l auth=- tls=none cipher=- rule=r "
	         "action=accept");
	CU_ASSERT_EQUAL(parse(buf), LOGLINE_RECORD);
	CU_ASSERT(field_eq(&rec.client_name, "n"));
	CU_ASSERT(field_eq(&rec.client_addr, "a[b]c"));
}

/* A line tagged milter-tlspolicy that is neither a transaction nor a known message. */
static void
test_unknown_daemon_lines(void)
{
	static const char *const bad[] = {
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: something else entirely",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: Q1 client=a[b] helo=h",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: Q1:client=a[b] helo=h",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(parse(bad[i]), LOGLINE_MALFORMED);
		CU_ASSERT_PTR_NOT_NULL(why);
	}
	CU_ASSERT_EQUAL(parse("2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: warning: x"),
	                LOGLINE_DAEMON);
}

/* Other programs, and the daemon's lines that are not transactions. */
static void
test_other_lines(void)
{
	static const char *const other[] = {
	    "",
	    "Nov 25 10:15:02 mx1 postfix/smtpd[123]: connect from unknown[192.0.2.1]",
	    "Nov 25 10:15:02 mx1 postfix/cleanup[5]: 4Bq1c2Yz: milter-tlspolicy[1] client=a[b]",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicyd[1]: Q: client=a[b] helo=h",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: started: socket inet:1@h, "
	    "policy p, version 1",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: SIGTERM: stopping",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: /p.yaml: policy reloaded: 3 "
	    "rules, generation 2",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: error: x",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: log file /var/log/t.log reopened",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: descriptors available again (3 "
	    "sessions open); accepting MTA connections",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: metrics: serving /metrics on "
	    "inet:9495@127.0.0.1",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: warning: writing the transaction "
	    "log to /x works again after 3 lost lines",
	    "2026-11-25T10:15:02+0100 mx1 milter-tlspolicy[812]: warning: policy.yaml:3:1: x",
	    "-- Boot 6b2d8c0f2f0a4b3e9c1f0a9e8d7c6b5a --",
	    "-- No entries --",
	    "Nov 25 10:15:02 mx1 kernel: [ 1.0] milter-tlspolicy",
	    "random garbage without a stamp",
	};

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		CU_ASSERT(parse(other[i]) == LOGLINE_OTHER || parse(other[i]) == LOGLINE_DAEMON);
}

/* RFC 3339, short-iso and the -L file form, with their zones. */
static void
test_iso_stamps(void)
{
	static const struct {
		const char *stamp;
		time_t want;
	} cases[] = {
	    {"2026-11-25T10:15:02+01:00", 0},        {"2026-11-25T10:15:02+0100", 0},
	    {"2026-11-25T10:15:02.123456+01:00", 0}, {"2026-11-25T09:15:02Z", 0},
	    {"2026-11-25T04:15:02-05:00", 0},        {"2026-11-25T14:45:02+05:30", 0},
	    {"2026-11-25T09:15:02.5+00:00", 0},
	};
	const time_t want = utc(2026, 11, 25, 9, 15, 2);
	char buf[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		time_t t = 0;
		const char *end = cases[i].stamp + strlen(cases[i].stamp);

		CU_ASSERT_PTR_EQUAL(logtime_parse(cases[i].stamp, end, &ref, &t), end);
		CU_ASSERT_EQUAL(t, want);
		snprintf(buf, sizeof(buf),
		         "%s mx1 milter-tlspolicy[1]: Q: client=a[b] helo=h listener=l auth=- "
		         "tls=none cipher=- rule=r action=accept",
		         cases[i].stamp);
		CU_ASSERT_EQUAL(parse(buf), LOGLINE_RECORD);
		CU_ASSERT_EQUAL(rec.time, want);
	}
	/* Leap day, and dates and times that do not exist. */
	CU_ASSERT_EQUAL(parse("2028-02-29T00:00:00Z h milter-tlspolicy: Q: client=a[b] helo=h "
	                      "listener=l auth=- tls=none cipher=- rule=r action=accept"),
	                LOGLINE_RECORD);
	{
		static const char *const bad[] = {
		    "2027-02-29T00:00:00Z", "2026-04-31T00:00:00Z",       "2026-11-25T24:00:00Z",
		    "2026-11-25T10:60:00Z", "2026-11-25T10:15:02+25:00",  "2026-11-25T10:15:02",
		    "2026-11-25 10:15:02Z", "2026-11-25T10:15:02.+01:00", "2026-1-25T10:15:02Z",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			time_t t;

			CU_ASSERT_PTR_NULL(
			    logtime_parse(bad[i], bad[i] + strlen(bad[i]), &ref, &t));
		}
	}
}

/* Classic stamps are local time: winter and summer time in Berlin. */
static void
test_classic_zones(void)
{
	static const struct {
		const char *stamp;
		time_t want;
	} cases[] = {
	    {"Nov 25 10:15:02", 0},
	    {"Jul  4 12:00:00", 0},
	    {"Jul 04 12:00:00", 0},
	};
	time_t want[3];

	set_tz("Europe/Berlin");
	want[0] = utc(2026, 11, 25, 9, 15, 2);
	want[1] = want[2] = utc(2026, 7, 4, 10, 0, 0);
	logtime_ref_init(&ref, utc(2026, 12, 1, 0, 0, 0));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		time_t t = 0;
		const char *end = cases[i].stamp + strlen(cases[i].stamp);

		CU_ASSERT_PTR_EQUAL(logtime_parse(cases[i].stamp, end, &ref, &t), end);
		CU_ASSERT_EQUAL(t, want[i]);
	}
	set_tz("UTC");
	logtime_ref_init(&ref, utc(2026, 12, 1, 0, 0, 0));
	{
		static const char *const bad[] = {"Nov 31 10:15:02", "Foo 25 10:15:02",
		                                  "Nov 25 10:15",    "nov 25 10:15:02",
		                                  "Nov 2510:15:02",  "Nov  a 10:15:02"};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			time_t t;

			CU_ASSERT_PTR_NULL(
			    logtime_parse(bad[i], bad[i] + strlen(bad[i]), &ref, &t));
		}
	}
}

static time_t
classic(const char *stamp)
{
	time_t t = 0;

	CU_ASSERT_PTR_NOT_NULL(logtime_parse(stamp, stamp + strlen(stamp), &ref, &t));
	return t;
}

/* The year of a classic stamp, around New Year, with a fixed "now". */
static void
test_year_rollover(void)
{
	set_tz("UTC");
	/* Read in early January: December is last year, January this year. */
	logtime_ref_init(&ref, utc(2027, 1, 2, 8, 0, 0));
	CU_ASSERT_EQUAL(classic("Dec 31 23:59:59"), utc(2026, 12, 31, 23, 59, 59));
	CU_ASSERT_EQUAL(classic("Jan  1 00:00:01"), utc(2027, 1, 1, 0, 0, 1));
	CU_ASSERT_EQUAL(classic("Dec 30 10:00:00"), utc(2026, 12, 30, 10, 0, 0));
	CU_ASSERT_EQUAL(classic("Jan  2 07:00:00"), utc(2027, 1, 2, 7, 0, 0));
	/* Up to a day ahead of the reference (clock skew) stays this year. */
	CU_ASSERT_EQUAL(classic("Jan  3 07:00:00"), utc(2027, 1, 3, 7, 0, 0));
	/* More than a day ahead is last year. */
	CU_ASSERT_EQUAL(classic("Jan  5 07:00:00"), utc(2026, 1, 5, 7, 0, 0));
	/* Read in mid-year: a December line is from last December. */
	logtime_ref_init(&ref, utc(2026, 6, 1, 0, 0, 0));
	CU_ASSERT_EQUAL(classic("Dec 31 12:00:00"), utc(2025, 12, 31, 12, 0, 0));
	CU_ASSERT_EQUAL(classic("May 31 12:00:00"), utc(2026, 5, 31, 12, 0, 0));
	/* Feb 29 read in a year that has none belongs to the leap year before. */
	logtime_ref_init(&ref, utc(2029, 3, 1, 0, 0, 0));
	CU_ASSERT_EQUAL(classic("Feb 29 12:00:00"), utc(2028, 2, 29, 12, 0, 0));
	/* The same, in a zone east of UTC. */
	set_tz("Europe/Berlin");
	logtime_ref_init(&ref, utc(2027, 1, 1, 6, 0, 0));
	CU_ASSERT_EQUAL(classic("Dec 31 23:30:00"), utc(2026, 12, 31, 22, 30, 0));
	CU_ASSERT_EQUAL(classic("Jan  1 00:30:00"), utc(2026, 12, 31, 23, 30, 0));
	set_tz("UTC");
}

static void
test_since_until(void)
{
	time_t t;

	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25", 0, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 11, 25, 0, 0, 0));
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25", 1, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 11, 25, 23, 59, 59));
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25T10:15:02+01:00", 0, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 11, 25, 9, 15, 2));
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25T10:15:02Z", 1, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 11, 25, 10, 15, 2));
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25 10:15", 0, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 11, 25, 10, 15, 0));
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25T10:15:02", 0, &t), 0);
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-31", 0, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25X", 0, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25T10:15:02Zjunk", 0, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg("", 0, &t), -1);
}

/* --since yesterday, --since 7d, --until today: relative to now (UTC days). */
static void
test_relative_dates(void)
{
	time_t now = utc(2026, 12, 6, 18, 12, 57), t;

	CU_ASSERT_EQUAL(logtime_parse_arg_at("today", 0, now, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 12, 6, 0, 0, 0));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("today", 1, now, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 12, 6, 23, 59, 59));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("yesterday", 0, now, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 12, 5, 0, 0, 0));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("yesterday", 1, now, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 12, 5, 23, 59, 59));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("now", 1, now, &t), 0);
	CU_ASSERT_EQUAL(t, now);
	CU_ASSERT_EQUAL(logtime_parse_arg_at("7d", 0, now, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 11, 29, 18, 12, 57));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("24h", 0, now, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 12, 5, 18, 12, 57));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("2w", 0, now, &t), 0);
	CU_ASSERT_EQUAL(t, utc(2026, 11, 22, 18, 12, 57));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("2026-11-25", 0, now, &t), 0); /* ISO still */
	CU_ASSERT_EQUAL(t, utc(2026, 11, 25, 0, 0, 0));
	CU_ASSERT_EQUAL(logtime_parse_arg_at("7", 0, now, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg_at("7days", 0, now, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg_at("-7d", 0, now, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg_at("d", 0, now, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg_at("Yesterday", 0, now, &t), -1);
	CU_ASSERT_EQUAL(logtime_parse_arg_at("999999d", 0, now, &t), -1);
}

static void
test_format(void)
{
	char buf[LOGTIME_BUFSIZE];

	CU_ASSERT_STRING_EQUAL(logtime_format(utc(2026, 11, 25, 9, 15, 2), buf),
	                       "2026-11-25T09:15:02Z");
	CU_ASSERT_STRING_EQUAL(logtime_format(0, buf), "1970-01-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(logtime_format(utc(2028, 2, 29, 23, 59, 59), buf),
	                       "2028-02-29T23:59:59Z");
	CU_ASSERT_STRING_EQUAL(logtime_format_day(logtime_day(utc(2027, 1, 1, 0, 0, 0)), buf),
	                       "2027-01-01");
	CU_ASSERT_EQUAL(logtime_day(utc(2026, 11, 25, 23, 59, 59)), days_from_civil(2026, 11, 25));
}

static void
write_gz(const char *path, const char *data, size_t len)
{
	gzFile gz = gzopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(gz);
	CU_ASSERT_EQUAL(gzwrite(gz, data, (unsigned)len), (int)len);
	gzclose(gz);
}

static void
read_all(const char *path, const char *const *want, size_t n)
{
	struct linereader lr;
	size_t i = 0, len;
	char *l;

	CU_ASSERT_EQUAL_FATAL(linereader_open(&lr, path), 0);
	while ((l = linereader_next(&lr, &len)) != NULL) {
		CU_ASSERT_FATAL(i < n);
		CU_ASSERT_EQUAL(len, strlen(want[i]));
		CU_ASSERT(memcmp(l, want[i], len) == 0);
		CU_ASSERT_EQUAL(lr.lineno, i + 1);
		i++;
	}
	CU_ASSERT_EQUAL(i, n);
	CU_ASSERT_EQUAL(linereader_close(&lr), 0);
}

/* Plain and gzip files, CRLF, a last line without newline, an overlong line. */
static void
test_linereader(void)
{
	static const char data[] = "one\ntwo\r\n\nlast";
	static const char *const want[] = {"one", "two", "", "last"};
	char plain[] = "/tmp/test_report_XXXXXX";
	char gzpath[64];
	struct linereader lr;
	size_t len, big = LINEREADER_MAX + 100;
	char *buf, *l;
	int fd = mkstemp(plain);
	FILE *fp;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, data, sizeof(data) - 1), (ssize_t)(sizeof(data) - 1));
	close(fd);
	read_all(plain, want, 4);
	snprintf(gzpath, sizeof(gzpath), "%s.gz", plain);
	write_gz(gzpath, data, sizeof(data) - 1);
	read_all(gzpath, want, 4);

	/* An overlong line is cut, the rest skipped, the next line intact. */
	buf = malloc(big + 10);
	memset(buf, 'x', big);
	memcpy(buf + big, "\nnext\n", 6);
	fp = fopen(plain, "w");
	fwrite(buf, 1, big + 6, fp);
	fclose(fp);
	CU_ASSERT_EQUAL_FATAL(linereader_open(&lr, plain), 0);
	l = linereader_next(&lr, &len);
	CU_ASSERT_PTR_NOT_NULL(l);
	CU_ASSERT_EQUAL(len, LINEREADER_MAX);
	l = linereader_next(&lr, &len);
	CU_ASSERT(l != NULL && len == 4 && memcmp(l, "next", 4) == 0);
	CU_ASSERT_PTR_NULL(linereader_next(&lr, &len));
	CU_ASSERT_EQUAL(linereader_close(&lr), 0);
	free(buf);

	/* A truncated gzip file is an error, after its readable lines. */
	{
		gzFile gz = gzopen(gzpath, "wb");
		char *junk = malloc(200000);
		FILE *f;
		long size;

		for (int i = 0; i < 200000; i++)
			junk[i] = (char)(i % 10 == 9 ? '\n' : 'a' + (i * 7919) % 26);
		gzwrite(gz, junk, 200000);
		gzclose(gz);
		f = fopen(gzpath, "r+");
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		CU_ASSERT_EQUAL(ftruncate(fileno(f), size / 2), 0);
		fclose(f);
		CU_ASSERT_EQUAL_FATAL(linereader_open(&lr, gzpath), 0);
		while (linereader_next(&lr, &len) != NULL)
			;
		CU_ASSERT_EQUAL(linereader_close(&lr), -1);
		free(junk);
	}
	CU_ASSERT_EQUAL(linereader_open(&lr, "/nonexistent/file"), -1);
	unlink(plain);
	unlink(gzpath);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"every field", test_every_field},
	    {"versions and actions", test_versions_actions},
	    {"quoting", test_quoting},
	    {"key order and unknown keys", test_order_unknown_keys},
	    {"malformed lines", test_malformed},
	    {"internal failure lines", test_internal_failure},
	    {"aborted transactions", test_aborted},
	    {"':' in the queue id, '[' in the address", test_hostile_ids},
	    {"unknown lines of the daemon", test_unknown_daemon_lines},
	    {"other programs' lines", test_other_lines},
	    {"ISO time stamps and zones", test_iso_stamps},
	    {"classic stamps in local time", test_classic_zones},
	    {"year rollover", test_year_rollover},
	    {"--since/--until", test_since_until},
	    {"relative dates", test_relative_dates},
	    {"ISO formatting", test_format},
	    {"line reader", test_linereader},
	    {NULL, NULL},
	};
	int status;

	set_tz("UTC");
	logtime_ref_init(&ref, 1795000000); /* 2026-11-18: classic stamps are 2026 */
	status = fixture_run("report_parse", tests);
	return status;
}
