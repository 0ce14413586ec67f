/*
 * NAME
 *	transcript.c -- the SMTP dialogue as the user sees it (see transcript.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transcript.h"
#include "xalloc.h"

void
transcript_init(struct transcript *tr, FILE *stream, bool keep)
{
	memset(tr, 0, sizeof(*tr));
	tr->stream = stream;
	tr->keep = keep;
}

/* Replace control characters so that nothing the peer sent reaches a terminal. */
static void
blank_controls(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void
store(struct transcript *tr, char *line)
{
	if (tr->nline == tr->cap) {
		tr->cap = tr->cap ? 2 * tr->cap : 64;
		tr->line = xrealloc(tr->line, tr->cap * sizeof(*tr->line));
	}
	tr->line[tr->nline++] = line;
}

void
transcript_add(struct transcript *tr, const char *tag, const char *fmt, ...)
{
	char text[2048], *line;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	blank_controls(text);
	len = strlen(tag) + 1 + strlen(text) + 1;
	line = xmalloc(len);
	snprintf(line, len, "%s %s", tag, text);
	if (tr->stream != NULL) {
		fprintf(tr->stream, "%s\n", line);
		fflush(tr->stream);
	}
	if (tr->keep)
		store(tr, line);
	else
		free(line);
}

void
transcript_free(struct transcript *tr)
{
	size_t i;

	for (i = 0; i < tr->nline; i++)
		free(tr->line[i]);
	free(tr->line);
	memset(tr, 0, sizeof(*tr));
}
