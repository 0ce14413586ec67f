/*
 * audit_header.h -- the one builder of the audit header value
 *
 * SYNOPSIS
 *	size_t audit_header_build(char *buf, size_t size, size_t name_len,
 *	    const struct audit_fields *fields);
 *
 * DESCRIPTION
 *	audit_header_build() writes the value of the audit header (interface
 *	section 3), without the name:
 *
 *	HOST; tls=V; cipher=C; bits=B; client=NAME [ADDR]; listener=L;
 *		auth=U; rule=R; action=A[; legacy=yes][; mode=report-only]
 *
 *	A missing value is "-"; a missing client name is "unknown". Every
 *	value is sanitised: control characters, ';' and non-ASCII bytes
 *	become '?', and each is cut at 255 bytes. Items are separated by
 *	"; " and the value is folded with "\n\t" before an item that would
 *	take the line past AUDIT_HEADER_FOLD columns; name_len (the length of
 *	the header name) counts for the first line. "legacy=yes" is added
 *	for a tag, "mode=report-only" when the action was not carried out.
 *
 *	buf should have AUDIT_HEADER_MAX bytes, which holds the longest
 *	possible value; a smaller buffer truncates at an item boundary. The
 *	result is the length written.
 */
#ifndef AUDIT_HEADER_H
#define AUDIT_HEADER_H

#include <stddef.h>

#define AUDIT_HEADER_FOLD 78
#define AUDIT_HEADER_MAX  4096

struct audit_fields {
	const char *host; /* this MTA */
	const char *tls;  /* canonical version name, "none" */
	const char *cipher;
	const char *bits;
	const char *client_name;
	const char *client_addr;
	const char *listener;
	const char *auth;
	const char *rule;
	const char *action;
	int legacy;
	int report_only;
};

size_t audit_header_build(char *buf, size_t size, size_t name_len,
                          const struct audit_fields *fields);

#endif
