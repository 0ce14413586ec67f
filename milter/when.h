/*
 * when.h -- the date and random draw a decision is made with
 *
 * SYNOPSIS
 *	void when_now(struct decide_context *when);
 *	int when_parse_date(const char *text, int *yyyymmdd);
 *
 * DESCRIPTION
 *	when_now() fills in today's civil date in local time (YYYYMMDD) and a
 *	fresh random number from a per-thread xorshift generator seeded from
 *	getrandom(), so that deciding takes no lock.
 *
 *	when_parse_date() reads "YYYY-MM-DD" (or "YYYYMMDD") for "-t date=";
 *	it returns 0, or -1 if the text is not such a date.
 */
#ifndef WHEN_H
#define WHEN_H

#include "policy.h"

void when_now(struct decide_context *when);
int when_parse_date(const char *text, int *yyyymmdd);

#endif
