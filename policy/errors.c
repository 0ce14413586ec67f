/*
 * errors.c -- the list of "FILE:LINE:COL: message" errors a load produced
 *
 * DESCRIPTION
 *	The loader reports every problem it finds rather than stopping at
 *	the first, so that an admin fixes a policy in one round. The list is
 *	capped at POLICY_ERRORS_MAX entries (a hostile file could otherwise
 *	produce millions); the last entry then says that more were dropped.
 *
 *	Every entry is one line of printable text: control characters that a
 *	file name or a quoted value brings in are written as C escapes
 *	(newline as \n, tab as \t, carriage return as \r, others as \xHH),
 *	so that a rule name with a newline cannot split its error in two or
 *	send escape sequences to a terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "xalloc.h"

#define POLICY_ERRORS_MAX 100

void
policy_errors_init(struct policy_errors *errors)
{
	errors->lines = NULL;
	errors->count = 0;
	errors->alloc = 0;
}

/* A copy of text with its control characters escaped. */
static char *
escape_controls(const char *text)
{
	static const char hex[] = "0123456789abcdef";
	char *out = xmalloc(4 * strlen(text) + 1), *o = out;
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p >= ' ' && *p != 0x7f) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '\\';
		if (*p == '\n')
			*o++ = 'n';
		else if (*p == '\t')
			*o++ = 't';
		else if (*p == '\r')
			*o++ = 'r';
		else {
			*o++ = 'x';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

static void
policy_errors_push(struct policy_errors *errors, char *line)
{
	if (errors->count == errors->alloc) {
		errors->alloc = errors->alloc ? 2 * errors->alloc : 8;
		errors->lines = xrealloc(errors->lines, errors->alloc * sizeof(*errors->lines));
	}
	errors->lines[errors->count++] = line;
}

void
policy_errors_add(struct policy_errors *errors, const char *file, size_t line, size_t col,
                  const char *fmt, ...)
{
	char msg[1024], text[5200];
	va_list ap;

	if (errors->count > POLICY_ERRORS_MAX)
		return;
	if (errors->count == POLICY_ERRORS_MAX) {
		snprintf(text, sizeof(text), "%s: too many errors; giving up", file);
		policy_errors_push(errors, escape_controls(text));
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(text, sizeof(text), "%s:%zu:%zu: %s", file, line, col, msg);
	else
		snprintf(text, sizeof(text), "%s: %s", file, msg);
	policy_errors_push(errors, escape_controls(text));
}

void
policy_errors_free(struct policy_errors *errors)
{
	size_t i;

	for (i = 0; i < errors->count; i++)
		free(errors->lines[i]);
	free(errors->lines);
	policy_errors_init(errors);
}
