/*
 * errors.c -- the list of "FILE:LINE:COL: message" errors a load produced
 *
 * DESCRIPTION
 *	The loader reports every problem it finds rather than stopping at
 *	the first, so that an admin fixes a policy in one round. The list is
 *	capped at POLICY_ERRORS_MAX entries (a hostile file could otherwise
 *	produce millions); the last entry then says that more were dropped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
		policy_errors_push(errors, xstrdup(text));
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(text, sizeof(text), "%s:%zu:%zu: %s", file, line, col, msg);
	else
		snprintf(text, sizeof(text), "%s: %s", file, msg);
	policy_errors_push(errors, xstrdup(text));
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
