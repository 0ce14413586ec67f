/*
 * civil_date.c -- calendar dates as YYYYMMDD integers (see civil_date.h)
 */
#include <ctype.h>
#include <time.h>

#include "civil_date.h"

static int
days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Read exactly n decimal digits. */
static int
read_digits(const char *p, int n, int *value)
{
	int i;

	*value = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		*value = *value * 10 + (p[i] - '0');
	}
	return 0;
}

int
civil_date_parse(const char *text, int *date)
{
	int year, month, day;

	if (read_digits(text, 4, &year) < 0 || text[4] != '-' ||
	    read_digits(text + 5, 2, &month) < 0 || text[7] != '-' ||
	    read_digits(text + 8, 2, &day) < 0 || text[10] != '\0')
		return -1;
	if (year < 1970 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month))
		return -1;
	*date = year * 10000 + month * 100 + day;
	return 0;
}

int
civil_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return 19700101;
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
