/*
 * mta.c -- which MTA is talking to us, and its macro encodings
 *
 * SYNOPSIS
 *	See mta.h.
 *
 * DESCRIPTION
 *	The two MTAs differ in what a milter must do for some actions (the
 *	reroute method) and in how they encode certificate names and IPv6
 *	client addresses; everything else is the same milter protocol.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "mta.h"
#include "net_addr.h"
#include "sanitize.h"

enum mta_kind
mta_detect(const char *v_macro)
{
	if (v_macro == NULL)
		return MTA_UNKNOWN;
	if (strncmp(v_macro, "Postfix", 7) == 0)
		return MTA_POSTFIX;
	if (isdigit((unsigned char)v_macro[0]))
		return MTA_SENDMAIL;
	return MTA_UNKNOWN;
}

const char *
mta_kind_name(enum mta_kind kind)
{
	static const char *const names[] = {
	    [MTA_UNKNOWN] = "unknown",
	    [MTA_POSTFIX] = "postfix",
	    [MTA_SENDMAIL] = "sendmail",
	};

	return names[kind];
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Control characters (and NUL, which would cut the name short) stay
 * encoded, so that a crafted certificate cannot shorten its own subject.
 */
size_t
mta_xtext_decode(char *dst, size_t size, const char *src)
{
	size_t out = 0;
	int hi, lo;

	if (src == NULL) {
		dst[0] = '\0';
		return 0;
	}
	while (*src != '\0' && out + 1 < size) {
		if (src[0] == '+' && (hi = hex_value(src[1])) >= 0 &&
		    (lo = hex_value(src[2])) >= 0 && hi * 16 + lo >= 0x20) {
			dst[out++] = (char)(hi * 16 + lo);
			src += 3;
		} else {
			dst[out++] = *src++;
		}
	}
	dst[out] = '\0';
	return out;
}

size_t
mta_xtext_encode(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0;

	for (; s != NULL && *s != '\0'; s++) {
		if (*s >= '!' && *s <= '~' && *s != '+' && *s != '=') {
			if (out + 1 >= size)
				break;
			dst[out++] = (char)*s;
		} else {
			if (out + 3 >= size)
				break;
			dst[out++] = '+';
			dst[out++] = hex[*s >> 4];
			dst[out++] = hex[*s & 15];
		}
	}
	dst[out] = '\0';
	return out;
}

const char *
mta_client_addr(char *dst, size_t size, const char *raw)
{
	struct net_addr addr;
	char text[NET_ADDR_TEXT_MAX];

	if (raw == NULL)
		return NULL;
	if (net_addr_parse(raw, &addr) == 0) {
		net_addr_format(&addr, text, sizeof(text));
		sanitize(dst, size, text, 0);
	} else {
		/* ASCII only: a cut backing up to a UTF-8 boundary could leave an address. */
		sanitize(dst, size, raw, SANITIZE_SPACE | SANITIZE_ASCII);
	}
	return dst;
}
