/*
 * civil_date.h -- calendar dates as YYYYMMDD integers
 *
 * SYNOPSIS
 *	int civil_date_parse(const char *text, int *date);
 *	int civil_date_today(void);
 *
 * DESCRIPTION
 *	Policies name days ("until: 2027-06-30", rollout steps), never times,
 *	so dates are kept as YYYYMMDD integers, which compare in calendar
 *	order. civil_date_parse() accepts exactly "YYYY-MM-DD" for a real
 *	day (leap years included) between 1970 and 9999 and returns 0, or -1
 *	for anything else. civil_date_today() is the host's local date; the
 *	decision itself takes the date as an input so tests control it.
 */
#ifndef CIVIL_DATE_H
#define CIVIL_DATE_H

int civil_date_parse(const char *text, int *date);
int civil_date_today(void);

#endif
