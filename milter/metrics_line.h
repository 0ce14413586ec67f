/*
 * metrics_line.h -- values of chosen keys in a transaction log line
 *
 * SYNOPSIS
 *	size_t metrics_line_values(const char *line, const char *const *keys,
 *	    size_t count, char (*values)[METRICS_LINE_VALUE_MAX]);
 *
 * DESCRIPTION
 *	metrics_line_values() reads the body of a transaction log line as
 *	txn_log.c writes it ("QID: key=value key=\"quoted \\\"value\\\"\" ...")
 *	and copies the value of each of the count keys into values[i], with
 *	quoting undone; a key that is not in the line gets "-". A value is cut
 *	at METRICS_LINE_VALUE_MAX - 1 bytes. Quoted values are skipped whole,
 *	so text inside a value (a HELO of "x rule=y") is never taken for a
 *	key. It returns how many of the keys were found.
 */
#ifndef METRICS_LINE_H
#define METRICS_LINE_H

#include <stddef.h>

#define METRICS_LINE_VALUE_MAX 256 /* a logged value is at most 255 bytes */

size_t metrics_line_values(const char *line, const char *const *keys, size_t count,
                           char (*values)[METRICS_LINE_VALUE_MAX]);

#endif
