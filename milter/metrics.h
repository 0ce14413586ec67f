/*
 * metrics.h -- the daemon's counters and their Prometheus exposition text
 *
 * SYNOPSIS
 *	void metrics_enable(void);
 *
 *	void metrics_count_transaction(const char *line);
 *	void metrics_count_session(const char *listener, const char *tls_version);
 *	void metrics_count_reload(int ok);
 *	void metrics_policy_loaded(void);
 *
 *	char *metrics_render(const struct policy *policy, int today,
 *	    unsigned connections, size_t *len);
 *
 *	size_t metrics_escape_label(char *dst, size_t size, const char *value);
 *	void metrics_reset(void);
 *
 * DESCRIPTION
 *	The metrics of interface section 5. Counting is off until
 *	metrics_enable() (the daemon calls it for -M); until then the two
 *	hooks on the decision path, metrics_count_transaction() and
 *	metrics_count_session(), return at once.
 *
 *	metrics_count_transaction() takes the body of one transaction log
 *	line exactly as txn_log.c wrote it (from the queue id on) and counts
 *	it under its listener, tls, rule, action and mode values, so that the
 *	counters agree with the log line by line, whatever the line says.
 *	metrics_count_session() counts one ended MTA connection; its values
 *	are sanitised the way the log line sanitises them.
 *
 *	Label sets stay bounded: at most METRICS_LISTENERS_MAX distinct
 *	listener values (later ones are counted as listener="other", with
 *	one warning), tls always one of tls_version_name()'s names, rule
 *	names as the policy's rules give them, and at most
 *	METRICS_SERIES_MAX label combinations per metric (beyond that the
 *	increment goes to milter_tlspolicy_metrics_series_dropped_total,
 *	with one warning). Counters never go backwards: the series of a rule
 *	that a reload removed stay.
 *
 *	Counting costs a walk over the line, a hash and one relaxed atomic
 *	increment; a lock is taken only the first time a label combination
 *	is seen.
 *
 *	metrics_count_reload() counts a reload (ok: success, and the policy
 *	load time is now); metrics_policy_loaded() records the first load.
 *	The counts of lost log lines and of internal failures are read from
 *	the daemon's own counters (txn_log_write_errors(),
 *	txn_internal_failures()) when the text is rendered.
 *
 *	metrics_render() returns the exposition text (format 0.0.4) in
 *	malloc()ed memory, or NULL when out of memory. The rollout gauge
 *	lists every rule of policy with a rollout and its percentage in
 *	force on today (YYYYMMDD); policy may be NULL.
 *
 *	metrics_escape_label() writes value escaped for a label value
 *	('\\', '"' and newline as \\, \" and \n), cut to fit size.
 *	metrics_reset() forgets every series and count (unit tests).
 */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>

#include "policy.h"

#define METRICS_LISTENERS_MAX 64
#define METRICS_SERIES_MAX    3072 /* per labelled metric */

void metrics_enable(void);

void metrics_count_transaction(const char *line);
void metrics_count_session(const char *listener, const char *tls_version);
void metrics_count_reload(int ok);
void metrics_policy_loaded(void);

char *metrics_render(const struct policy *policy, int today, unsigned connections, size_t *len);

size_t metrics_escape_label(char *dst, size_t size, const char *value);
void metrics_reset(void);

#endif
