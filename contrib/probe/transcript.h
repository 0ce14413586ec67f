/*
 * NAME
 *	transcript.h -- the SMTP dialogue as the user sees it
 *
 * SYNOPSIS
 *	#include "transcript.h"
 *
 *	void	transcript_init(struct transcript *tr, FILE *stream, bool keep);
 *	void	transcript_add(struct transcript *tr, const char *tag,
 *			    const char *fmt, ...);
 *	void	transcript_free(struct transcript *tr);
 *
 * DESCRIPTION
 *	Each line is a tag and a text: TR_RECV/TR_SEND in plaintext,
 *	TR_RECV_TLS/TR_SEND_TLS inside TLS, TR_INFO for notes from the probe.
 *
 *	transcript_init() prints each line to stream as it is added (NULL:
 *	print nothing) and, with keep, also stores it for later (JSON).
 *
 *	transcript_add() formats one line. Control characters (CR included)
 *	become '?', so the output never carries what the peer smuggled in.
 *
 *	transcript_free() releases the stored lines.
 */
#ifndef TRANSCRIPT_H
#define TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TR_RECV     "<-"
#define TR_SEND     "->"
#define TR_RECV_TLS "<~"
#define TR_SEND_TLS "~>"
#define TR_INFO     "**"

struct transcript {
	FILE *stream; /* live output, or NULL */
	bool keep;    /* store lines for the JSON output */
	char **line;  /* "tag text" */
	size_t nline;
	size_t cap;
};

void transcript_init(struct transcript *tr, FILE *stream, bool keep);
void transcript_add(struct transcript *tr, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void transcript_free(struct transcript *tr);

#endif
