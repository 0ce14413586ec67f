/*
 * reply.c -- the one mapping from a policy decision to the SMTP reply
 *
 * SYNOPSIS
 *	See reply.h.
 *
 * DESCRIPTION
 *	Every SMTP reply the daemon causes is built here; the callbacks only
 *	hand the result to smfi_setreply() and return the matching status.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "reply.h"
#include "sanitize.h"

/* Per refusing action: the reply when the rule gave none (or a bad one). */
static const struct {
	enum policy_action action;
	int code;
	const char *xcode;
	const char *text;
} reply_defaults[] = {
    {ACTION_DEFER, 421, "4.7.66",
     "TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2."},
    {ACTION_REJECT, 550, "5.7.66",
     "TLS policy: this connection does not meet the TLS requirements"},
};

#define INTERNAL_XCODE "4.3.0"
#define INTERNAL_TEXT  "TLS policy temporarily unavailable, please try again later"

static int
default_index(enum policy_action action)
{
	size_t i;

	for (i = 0; i < sizeof(reply_defaults) / sizeof(reply_defaults[0]); i++)
		if (reply_defaults[i].action == action)
			return (int)i;
	return -1;
}

/* An RFC 3463 enhanced status code "C.S.D" whose class is cls. */
static int
xcode_valid(const char *x, char cls)
{
	int dots = 0, digits = 0;

	if (x == NULL || x[0] != cls || x[1] != '.')
		return 0;
	for (x += 2; *x != '\0'; x++) {
		if (*x == '.') {
			if (digits == 0 || ++dots > 1)
				return 0;
			digits = 0;
		} else if (isdigit((unsigned char)*x) && ++digits <= 3) {
			continue;
		} else {
			return 0;
		}
	}
	return dots == 1 && digits > 0;
}

/* Double every '%' (smfi_setreply treats the text as a format). */
static void
escape_percent(char *dst, size_t size, const char *src)
{
	size_t out = 0;

	for (; *src != '\0' && out + 2 < size; src++) {
		if (*src == '%')
			dst[out++] = '%';
		dst[out++] = *src;
	}
	dst[out] = '\0';
}

static void
reply_fill(struct reply *reply, int code, const char *xcode, const char *text)
{
	char cls = (char)('0' + code / 100);

	reply->verdict = cls == '4' ? REPLY_TEMPFAIL : REPLY_REJECT;
	snprintf(reply->code, sizeof(reply->code), "%03d", code);
	if (xcode_valid(xcode, cls))
		snprintf(reply->xcode, sizeof(reply->xcode), "%s", xcode);
	else
		reply->xcode[0] = '\0';
	sanitize(reply->text, sizeof(reply->text), text, 0);
	escape_percent(reply->milter_text, sizeof(reply->milter_text), reply->text);
	snprintf(reply->logged, sizeof(reply->logged), "%s%s%s", reply->code,
	         reply->xcode[0] ? " " : "", reply->xcode);
}

void
reply_from_decision(const struct decision *d, struct reply *reply)
{
	int i;
	int code;
	const char *xcode, *text;

	memset(reply, 0, sizeof(*reply));
	reply->verdict = REPLY_NONE;
	if (!d->enforced || (i = default_index(d->action)) < 0)
		return;
	code = d->reply_code;
	xcode = d->reply_xcode;
	text = d->reply_text;
	if (code < 400 || code > 599) {
		code = reply_defaults[i].code;
		xcode = reply_defaults[i].xcode;
	}
	if (xcode == NULL)
		xcode = code / 100 == reply_defaults[i].code / 100 ? reply_defaults[i].xcode : NULL;
	if (text == NULL || *text == '\0')
		text = reply_defaults[i].text;
	reply_fill(reply, code, xcode, text);
}

void
reply_internal_failure(struct reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	reply_fill(reply, 451, INTERNAL_XCODE, INTERNAL_TEXT);
}
