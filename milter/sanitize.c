/*
 * sanitize.c -- bounded, printable copies of untrusted values
 *
 * SYNOPSIS
 *	See sanitize.h.
 *
 * DESCRIPTION
 *	One place that decides what an untrusted byte may become, used by the
 *	audit header, the log line, SMTP reply texts and "-t" output, so that
 *	no client can inject CR/LF into a header or a fake key into a log line.
 */
#include "config.h"

#include "sanitize.h"

/* Replace one byte as the flags say; returns the byte to write. */
static unsigned char
sanitize_byte(unsigned char c, unsigned flags)
{
	if (c < 0x20 || c == 0x7f)
		return '?';
	if ((flags & SANITIZE_ASCII) && c > 0x7f)
		return '?';
	if ((flags & SANITIZE_SEMICOLON) && c == ';')
		return '?';
	if ((flags & SANITIZE_SPACE) && c == ' ')
		return '?';
	return c;
}

/* Back up from a cut at len so that no UTF-8 sequence is split. */
static size_t
utf8_boundary(const unsigned char *s, size_t len)
{
	size_t start = len;

	/* The byte at len starts the cut-off part: is it a continuation? */
	while (start > 0 && (s[start] & 0xc0) == 0x80)
		start--;
	return start;
}

size_t
sanitize(char *dst, size_t size, const char *src, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t max = size - 1;
	size_t len;

	if (max > SANITIZE_MAX)
		max = SANITIZE_MAX;
	if (s == NULL) {
		dst[0] = '\0';
		return 0;
	}
	for (len = 0; len < max && s[len] != '\0'; len++)
		dst[len] = (char)sanitize_byte(s[len], flags);
	if (s[len] != '\0' && !(flags & SANITIZE_ASCII))
		len = utf8_boundary(s, len);
	dst[len] = '\0';
	return len;
}
