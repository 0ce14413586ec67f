/*
 * notice_mail.h -- RFC 5322 messages for tlspolicy-report notices
 *
 * SYNOPSIS
 *	int mail_address_valid(const char *addr);
 *	void mail_text(struct strbuf *out, const char *s, size_t len);
 *	void mail_header(struct strbuf *out, const char *name, const char *value);
 *	void mail_date(char *buf, size_t size, time_t when);
 *	const char *mail_body(struct strbuf *out, const char *text);
 *
 * DESCRIPTION
 *	mail_address_valid() accepts only a plain ASCII addr-spec
 *	local@domain: a dot-atom local part (letters, digits and
 *	!#$%&'*+-/=?^_`{|}~, dots between atoms), a domain of letters,
 *	digits and hyphens in dot-separated labels, at most 254 bytes. Any
 *	other text (quotes, spaces, CR, LF, commas, angle brackets) is
 *	refused, so an address taken from a log can never add a header or a
 *	recipient.
 *
 *	mail_text() appends a value taken from a log as text that is safe in
 *	a message body: control characters (CR and LF included) and bytes
 *	that are not valid UTF-8 become '?'.
 *
 *	mail_header() appends "Name: value" and a newline. The value is
 *	first made safe as by mail_text(); when it is not pure ASCII it is
 *	written as RFC 2047 encoded words (UTF-8, base64, each at most 75
 *	characters, split between characters); the header is folded at
 *	blanks so that lines stay within 78 characters where a blank allows.
 *
 *	mail_date() writes an RFC 5322 date in UTC ("Sun, 06 Dec 2026
 *	18:12:57 +0000"), independent of the locale.
 *
 *	mail_body() appends text as the body and returns the
 *	Content-Transfer-Encoding it used: "8bit" when every line has at
 *	most 998 bytes, else "quoted-printable" (RFC 2045, soft line breaks
 *	at 76 characters). Lines end in "\n" (sendmail -i and mail files
 *	take them so).
 */
#ifndef REPORT_NOTICE_MAIL_H
#define REPORT_NOTICE_MAIL_H

#include <stddef.h>
#include <time.h>

#include "table.h"

int mail_address_valid(const char *addr);
void mail_text(struct strbuf *out, const char *s, size_t len);
void mail_header(struct strbuf *out, const char *name, const char *value);
void mail_date(char *buf, size_t size, time_t when);
const char *mail_body(struct strbuf *out, const char *text);

#endif
