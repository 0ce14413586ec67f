/*
 * logtime.c -- log timestamps for tlspolicy-report (see logtime.h)
 *
 * ISO stamps are converted with integer date arithmetic; classic stamps
 * need the local zone, so they go through mktime() once per hour of log
 * and are cached. Nothing here allocates.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logtime.h"

#define DAY_SECONDS 86400L

static const char month_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static const unsigned char month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* days_from_civil - days since 1970-01-01 (H. Hinnant's algorithm) */
long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void
civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

/* digits - read exactly n decimal digits */
static const char *
digits(const char *s, const char *end, int n, int *val)
{
	int v = 0;

	if (end - s < n)
		return NULL;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return NULL;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return s + n;
}

static int
valid_date(int y, int mon, int mday)
{
	if (mon < 1 || mon > 12 || mday < 1 || mday > month_days[mon - 1])
		return 0;
	if (mon == 2 && mday == 29)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return 1;
}

static int
valid_clock(int h, int min, int sec)
{
	return h < 24 && min < 60 && sec <= 60;
}

/* zone - Z, +HH:MM, +HHMM or +HH; offset east of UTC in seconds */
static const char *
zone(const char *s, const char *end, long *offset)
{
	int sign, h, m = 0;

	if (s < end && (*s == 'Z' || *s == 'z')) {
		*offset = 0;
		return s + 1;
	}
	if (s >= end || (*s != '+' && *s != '-'))
		return NULL;
	sign = *s == '-' ? -1 : 1;
	if ((s = digits(s + 1, end, 2, &h)) == NULL)
		return NULL;
	if (s < end && *s == ':')
		s++;
	if (s < end && *s >= '0' && *s <= '9' && (s = digits(s, end, 2, &m)) == NULL)
		return NULL;
	if (h > 23 || m > 59)
		return NULL;
	*offset = sign * (h * 3600L + m * 60L);
	return s;
}

/* clock - HH:MM:SS with optional fraction; with optional_sec, HH:MM is enough */
static const char *
clock_time(const char *s, const char *end, int optional_sec, long *secs)
{
	int h, m, sec = 0;

	if ((s = digits(s, end, 2, &h)) == NULL || s >= end || *s != ':')
		return NULL;
	if ((s = digits(s + 1, end, 2, &m)) == NULL)
		return NULL;
	if (s < end && *s == ':') {
		if ((s = digits(s + 1, end, 2, &sec)) == NULL)
			return NULL;
		if (s < end && (*s == '.' || *s == ',')) {
			const char *f = ++s;

			while (s < end && *s >= '0' && *s <= '9')
				s++;
			if (s == f)
				return NULL;
		}
	} else if (!optional_sec) {
		return NULL;
	}
	if (!valid_clock(h, m, sec))
		return NULL;
	*secs = h * 3600L + m * 60L + sec;
	return s;
}

/* iso_date - YYYY-MM-DD as a day number */
static const char *
iso_date(const char *s, const char *end, long *day)
{
	int y, mon, mday;

	if ((s = digits(s, end, 4, &y)) == NULL || s >= end || *s != '-')
		return NULL;
	if ((s = digits(s + 1, end, 2, &mon)) == NULL || s >= end || *s != '-')
		return NULL;
	if ((s = digits(s + 1, end, 2, &mday)) == NULL || !valid_date(y, mon, mday))
		return NULL;
	*day = days_from_civil(y, (unsigned)mon, (unsigned)mday);
	return s;
}

static const char *
iso_stamp(const char *s, const char *end, time_t *when)
{
	long day, secs, offset;

	if ((s = iso_date(s, end, &day)) == NULL || s >= end || *s != 'T')
		return NULL;
	if ((s = clock_time(s + 1, end, 0, &secs)) == NULL)
		return NULL;
	if ((s = zone(s, end, &offset)) == NULL)
		return NULL;
	*when = (time_t)(day * DAY_SECONDS + secs - offset);
	return s;
}

static int
month_number(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (memcmp(month_names + 3 * i, s, 3) == 0)
			return i + 1;
	return 0;
}

/* local_hour_start - epoch of local YYYY-MM-DD HH:00:00 */
static time_t
local_hour_start(int year, int mon, int mday, int hour)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/*
 * classic_hour_start - the start of a local hour of a year-less stamp: in
 * the reference year, or the year before when that would put it more than
 * a day after the reference time. The last answer is cached.
 */
static time_t
classic_hour_start(struct logtime_ref *ref, int mon, int mday, int hour)
{
	int year = ref->now_year;
	time_t t = 0;

	if (ref->c_mon == mon && ref->c_mday == mday && ref->c_hour == hour)
		return ref->c_start;
	if (valid_date(year, mon, mday))
		t = local_hour_start(year, mon, mday, hour);
	if (!valid_date(year, mon, mday) || t > ref->now + DAY_SECONDS)
		t = local_hour_start(year - 1, mon, mday, hour);
	ref->c_mon = mon;
	ref->c_mday = mday;
	ref->c_hour = hour;
	ref->c_start = t;
	return t;
}

static const char *
classic_stamp(const char *s, const char *end, struct logtime_ref *ref, time_t *when)
{
	int mon, mday;
	long secs;

	if (end - s < 15 || s[3] != ' ' || (mon = month_number(s)) == 0)
		return NULL;
	if (s[4] != ' ' && (s[4] < '0' || s[4] > '9'))
		return NULL;
	if (s[5] < '0' || s[5] > '9' || s[6] != ' ')
		return NULL;
	mday = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + s[5] - '0';
	if ((s = clock_time(s + 7, end, 0, &secs)) == NULL)
		return NULL;
	if (!valid_date(2000, mon, mday)) /* a leap year: Feb 29 is allowed */
		return NULL;
	*when = classic_hour_start(ref, mon, mday, (int)(secs / 3600)) + secs % 3600;
	return s;
}

void
logtime_ref_init(struct logtime_ref *ref, time_t now)
{
	struct tm tm;

	memset(ref, 0, sizeof(*ref));
	ref->now = now;
	localtime_r(&now, &tm);
	ref->now_year = tm.tm_year + 1900;
	ref->c_mon = -1;
}

const char *
logtime_parse(const char *s, const char *end, struct logtime_ref *ref, time_t *when)
{
	const char *p;

	if (s < end && *s >= '0' && *s <= '9')
		p = iso_stamp(s, end, when);
	else
		p = classic_stamp(s, end, ref, when);
	if (p != NULL && p < end && *p != ' ')
		return NULL;
	return p;
}

/* relative_arg - today, yesterday, now, Nd, Nh, Nw (before now); 1 if it was one */
static int
relative_arg(const char *text, int until, time_t now, time_t *when)
{
	static const struct {
		const char *word;
		int days_back; /* -1: now itself */
	} words[] = {{"today", 0}, {"yesterday", 1}, {"now", -1}};
	static const struct {
		char unit;
		long seconds;
	} units[] = {{'h', 3600}, {'d', DAY_SECONDS}, {'w', 7 * DAY_SECONDS}};
	long today = logtime_day(now);
	char *end;
	unsigned long n;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(text, words[i].word) != 0)
			continue;
		if (words[i].days_back < 0)
			*when = now;
		else
			*when = (time_t)((today - words[i].days_back) * DAY_SECONDS +
			                 (until ? DAY_SECONDS - 1 : 0));
		return 1;
	}
	if (text[0] < '0' || text[0] > '9')
		return 0;
	n = strtoul(text, &end, 10);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].unit && end[1] == '\0' && n <= 100000UL) {
			*when = now - (time_t)(n * (unsigned long)units[i].seconds);
			return 1;
		}
	return 0;
}

int
logtime_parse_arg(const char *text, int until, time_t *when)
{
	return logtime_parse_arg_at(text, until, time(NULL), when);
}

int
logtime_parse_arg_at(const char *text, int until, time_t now, time_t *when)
{
	const char *s = text, *end = text + strlen(text);
	long day, secs, offset = 0;

	if (relative_arg(text, until, now, when))
		return 0;
	if ((s = iso_date(s, end, &day)) == NULL)
		return -1;
	if (s == end) {
		*when = (time_t)(day * DAY_SECONDS + (until ? DAY_SECONDS - 1 : 0));
		return 0;
	}
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	if ((s = clock_time(s + 1, end, 1, &secs)) == NULL)
		return -1;
	if (s < end && (s = zone(s, end, &offset)) == NULL)
		return -1;
	if (s != end)
		return -1;
	*when = (time_t)(day * DAY_SECONDS + secs - offset);
	return 0;
}

long
logtime_day(time_t when)
{
	long t = (long)when;

	return t >= 0 ? t / DAY_SECONDS : -((-t + DAY_SECONDS - 1) / DAY_SECONDS);
}

char *
logtime_format_day(long day, char *buf)
{
	long y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, LOGTIME_BUFSIZE, "%04ld-%02u-%02u", y, m, d);
	return buf;
}

char *
logtime_format(time_t when, char *buf)
{
	long day = logtime_day(when);
	long secs = (long)when - day * DAY_SECONDS;
	const int parts[3] = {(int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60)};
	char *p = logtime_format_day(day, buf) + 10;

	for (int i = 0; i < 3; i++) {
		*p++ = i == 0 ? 'T' : ':';
		*p++ = (char)('0' + parts[i] / 10);
		*p++ = (char)('0' + parts[i] % 10);
	}
	*p++ = 'Z';
	*p = '\0';
	return buf;
}
