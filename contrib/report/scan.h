/*
 * scan.h -- read log files into an aggregate (shared by the views and notices)
 *
 * SYNOPSIS
 *	void scan_init(struct scan *sc);
 *	void scan_file(struct scan *sc, struct aggregate *agg,
 *	    const struct filter *f, const char *path);
 *	void scan_summary(const struct scan *sc, FILE *err);
 *
 * DESCRIPTION
 *	scan_file() reads one input ("-" for standard input; gzip or plain,
 *	see linereader.h), parses each line (logline.h), decides it again
 *	with sc->replay when set (replay.h), and counts the transaction
 *	lines that pass the filter into agg. For each of them it calls
 *	sc->on_record (when set) with the client's tally and the record, so
 *	that a caller can keep more than the aggregate does (the notices keep
 *	one sample of each client's session facts).
 *
 *	It counts the lines read, the daemon's own messages, the lines of
 *	transactions tempfailed after an internal failure, and the malformed
 *	lines of ours, remembering FILE:LINE (and why) of the first of the
 *	last two. scan_summary() says on err how many lines were malformed
 *	or internal failures, with the first of each.
 *
 * DIAGNOSTICS
 *	An input that cannot be opened or read to its end is reported on
 *	stderr and sets sc->status to 2; the other inputs are still read.
 */
#ifndef REPORT_SCAN_H
#define REPORT_SCAN_H

#include <stdio.h>

#include "aggregate.h"
#include "filter.h"
#include "replay.h"

struct scan {
	struct replay *replay; /* --policy, else NULL */
	void (*on_record)(void *arg, struct tally *t, const struct logrec *rec);
	void *arg;
	unsigned long lines;
	unsigned long daemon;    /* the daemon's own messages */
	unsigned long malformed; /* lines of ours that are not readable transactions */
	unsigned long failures;  /* transactions the daemon tempfailed itself */
	unsigned long filtered;
	char first_bad[512];     /* FILE:LINE: why, of the first malformed line */
	char first_failure[512]; /* FILE:LINE: of the first failure line */
	int status;
};

void scan_init(struct scan *sc);
void scan_file(struct scan *sc, struct aggregate *agg, const struct filter *f, const char *path);
void scan_summary(const struct scan *sc, FILE *err);

#endif
