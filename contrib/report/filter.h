/*
 * filter.h -- which log records a report counts
 *
 * SYNOPSIS
 *	void filter_init(struct filter *f);
 *	void filter_add_listener(struct filter *f, const char *name);
 *	void filter_add_host(struct filter *f, const char *name);
 *	int filter_match(const struct filter *f, const struct logrec *rec);
 *	void filter_describe(const struct filter *f, struct strbuf *out);
 *	void filter_free(struct filter *f);
 *
 * DESCRIPTION
 *	A record passes when its time is within [since, until], when it
 *	is TLS below 1.2 if legacy_only is set, without TLS if
 *	plaintext_only is set (either, if both are), and when its
 *	listener and syslog host are among those given (if any were given;
 *	--listener and --host may be repeated). filter_describe() appends
 *	the active filters in words, for report headers.
 */
#ifndef REPORT_FILTER_H
#define REPORT_FILTER_H

#include <time.h>

#include "logline.h"
#include "table.h"

struct filter {
	int has_since, has_until;
	time_t since;
	time_t until;
	int legacy_only;    /* --legacy-only: TLS below 1.2 */
	int plaintext_only; /* --plaintext-only: without TLS; both: either */
	const char **listeners;
	size_t nlisteners;
	const char **hosts;
	size_t nhosts;
};

void filter_init(struct filter *f);
void filter_add_listener(struct filter *f, const char *name);
void filter_add_host(struct filter *f, const char *name);
int filter_match(const struct filter *f, const struct logrec *rec);
void filter_describe(const struct filter *f, struct strbuf *out);
void filter_free(struct filter *f);

#endif
