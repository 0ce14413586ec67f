/*
 * sanitize.h -- bounded, printable copies of untrusted values
 *
 * SYNOPSIS
 *	size_t sanitize(char *dst, size_t size, const char *src, unsigned flags);
 *
 * DESCRIPTION
 *	sanitize() copies src (client- or MTA-supplied text) into dst for use
 *	in a header, a log line or a terminal. Control characters (below 0x20
 *	and 0x7f) become '?'. The copy is cut at SANITIZE_MAX bytes, and at
 *	size - 1, at a UTF-8 character boundary. Flags add more replacements:
 *
 *	SANITIZE_ASCII		bytes above 0x7f become '?' (header values)
 *	SANITIZE_SEMICOLON	';' becomes '?' (values inside the audit header)
 *	SANITIZE_SPACE		' ' becomes '?' (single tokens: queue ids, relays)
 *
 *	dst is always NUL-terminated (size must be at least 1). A NULL src
 *	gives the empty string. The result is the length of dst.
 */
#ifndef SANITIZE_H
#define SANITIZE_H

#include <stddef.h>

#define SANITIZE_MAX       255 /* bytes kept of any one value */
#define SANITIZE_ASCII     0x01u
#define SANITIZE_SEMICOLON 0x02u
#define SANITIZE_SPACE     0x04u

size_t sanitize(char *dst, size_t size, const char *src, unsigned flags);

#endif
