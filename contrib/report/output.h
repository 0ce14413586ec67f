/*
 * output.h -- the output formats of tlspolicy-report
 *
 * SYNOPSIS
 *	void output_text(FILE *fp, const struct table *t,
 *	    const struct report_info *info);
 *	void output_csv(FILE *fp, const struct table *t,
 *	    const struct report_info *info);
 *	void output_json(FILE *fp, const struct table *t,
 *	    const struct report_info *info);
 *	void output_html(FILE *fp, const struct table *t,
 *	    const struct report_info *info);
 *	const struct output_format *output_format_find(const char *name);
 *
 * DESCRIPTION
 *	Each function writes one view's table (see table.h), showing the
 *	columns flagged for its format and at most info->top rows (0: all).
 *
 *	text: an aligned table no wider than 100 columns (long names are
 *	cut, with a '~' at the cut) and, under each row, indented KEY=VALUE
 *	lines with the details. csv: RFC 4180, a header line, CRLF line
 *	ends, maps as "key=count;key=count". json: one array of objects,
 *	one object per line. html: one self-contained page (inline CSS and
 *	SVG, no scripts, nothing fetched) with summary figures, charts and
 *	the tables of every view, the chosen view first; it needs
 *	info->agg.
 */
#ifndef REPORT_OUTPUT_H
#define REPORT_OUTPUT_H

#include <stdio.h>
#include <time.h>

#include "aggregate.h"
#include "table.h"

struct report_info {
	const char *view;      /* the chosen view */
	size_t top;            /* rows to show; 0: all */
	unsigned long lines;   /* lines read */
	unsigned long records; /* our transaction lines counted */
	unsigned long malformed;
	const char *first_bad;  /* FILE:LINE: why, of the first malformed line */
	unsigned long failures; /* transactions tempfailed by an internal failure */
	unsigned long filtered; /* our lines left out by filters */
	size_t nfiles;
	time_t generated;
	const char *filters; /* the filters in words, or "" */
	struct aggregate *agg;
};

struct output_format {
	const char *name;
	void (*write)(FILE *fp, const struct table *t, const struct report_info *info);
};

void output_text(FILE *fp, const struct table *t, const struct report_info *info);
void output_csv(FILE *fp, const struct table *t, const struct report_info *info);
void output_json(FILE *fp, const struct table *t, const struct report_info *info);
void output_html(FILE *fp, const struct table *t, const struct report_info *info);
const struct output_format *output_format_find(const char *name);

/* Rows to print: all, or the first info->top. */
static inline size_t
output_rows(const struct table *t, const struct report_info *info)
{
	return info->top > 0 && info->top < t->nrows ? info->top : t->nrows;
}

#endif
