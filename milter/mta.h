/*
 * mta.h -- which MTA is talking to us, and its macro encodings
 *
 * SYNOPSIS
 *	enum mta_kind mta_detect(const char *v_macro);
 *	const char *mta_kind_name(enum mta_kind kind);
 *	size_t mta_xtext_decode(char *dst, size_t size, const char *src);
 *	size_t mta_xtext_encode(char *dst, size_t size, const char *src);
 *	const char *mta_client_addr(char *dst, size_t size, const char *raw);
 *
 * DESCRIPTION
 *	mta_detect() looks at the "v" macro sent at connect: Postfix sends
 *	"Postfix 3.7.11", Sendmail its bare version "8.17.1.9". Anything else
 *	(or no macro) is MTA_UNKNOWN, which the daemon treats like Postfix.
 *
 *	mta_xtext_decode() decodes RFC 3461 xtext ("+20" is a space), which
 *	Sendmail uses for {cert_subject} and {cert_issuer}. A "+" not
 *	followed by two hex digits, or encoding a control
 *	character, is kept as is. The output is cut at
 *	size - 1 bytes and NUL-terminated; the result is its length. NULL
 *	gives the empty string.
 *
 *	mta_xtext_encode() is the inverse, for ORCPT parameters: bytes
 *	outside "!".."~", and "+" and "=", become "+XX". It never cuts an
 *	escape in half.
 *
 *	mta_client_addr() puts the {client_addr} macro in one form for both
 *	MTAs: Sendmail sends IPv6 clients as "IPv6:0:0:0:0:0:0:0:1", Postfix
 *	as "::1". An address that parses (net_addr.h) is written in its
 *	canonical inet_ntop() text ("::1"; an IPv4-mapped address as plain
 *	IPv4); anything else is kept, sanitised (no control characters,
 *	spaces or non-ASCII bytes). The result is dst, or NULL when raw is
 *	NULL. size should be at least MTA_ADDR_TEXT_MAX.
 */
#ifndef MTA_H
#define MTA_H

#include <stddef.h>

#define MTA_ADDR_TEXT_MAX 256 /* a raw value is cut there */

enum mta_kind { MTA_UNKNOWN, MTA_POSTFIX, MTA_SENDMAIL };

enum mta_kind mta_detect(const char *v_macro);
const char *mta_kind_name(enum mta_kind kind);
size_t mta_xtext_decode(char *dst, size_t size, const char *src);
size_t mta_xtext_encode(char *dst, size_t size, const char *src);
const char *mta_client_addr(char *dst, size_t size, const char *raw);

#endif
