/*
 * mta.h -- which MTA is talking to us, and its macro encodings
 *
 * SYNOPSIS
 *	enum mta_kind mta_detect(const char *v_macro);
 *	const char *mta_kind_name(enum mta_kind kind);
 *	size_t mta_xtext_decode(char *dst, size_t size, const char *src);
size_t mta_xtext_encode(char *dst, size_t size, const char *src);
 *	size_t mta_xtext_encode(char *dst, size_t size, const char *src);
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
 */
#ifndef MTA_H
#define MTA_H

#include <stddef.h>

enum mta_kind { MTA_UNKNOWN, MTA_POSTFIX, MTA_SENDMAIL };

enum mta_kind mta_detect(const char *v_macro);
const char *mta_kind_name(enum mta_kind kind);
size_t mta_xtext_decode(char *dst, size_t size, const char *src);
size_t mta_xtext_encode(char *dst, size_t size, const char *src);

#endif
