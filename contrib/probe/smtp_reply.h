/*
 * NAME
 *	smtp_reply.h -- parse SMTP replies, single- and multi-line
 *
 * SYNOPSIS
 *	#include "smtp_reply.h"
 *
 *	void	smtp_reply_reset(struct smtp_reply *r);
 *	int	smtp_reply_add_line(struct smtp_reply *r, const char *line);
 *	void	smtp_reply_summary(const struct smtp_reply *r, char *buf,
 *			    size_t size);
 *	bool	smtp_reply_ehlo_keyword(const struct smtp_reply *r,
 *			    const char *keyword, char *args, size_t size);
 *
 * DESCRIPTION
 *	A reply is one or more lines "DDD-text" ending with "DDD text" or
 *	"DDD". smtp_reply_add_line() takes one line (without CR LF) and
 *	returns 1 while more lines must follow, 0 when the reply is complete.
 *	The reply keeps the code of its first line, the RFC 3463 enhanced
 *	status code of its first line (xcode, "" when absent) and the texts
 *	of all lines, one per line.
 *
 *	smtp_reply_summary() joins the texts with spaces and drops repeated
 *	enhanced status codes: "TLS 1.0 and 1.1 are not supported. ...".
 *
 *	smtp_reply_ehlo_keyword() looks for an EHLO keyword (case does not
 *	matter) in lines after the first and copies its parameters to args.
 *
 * DIAGNOSTICS
 *	smtp_reply_add_line() returns -1 for a line that is not a reply line.
 *	Texts longer than SMTP_REPLY_MAX are cut short.
 */
#ifndef SMTP_REPLY_H
#define SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#define SMTP_REPLY_MAX 8192

struct smtp_reply {
	int code;                  /* 0 until the first line */
	char xcode[16];            /* "4.7.66", or "" */
	char text[SMTP_REPLY_MAX]; /* line texts, '\n' between lines */
	size_t len;
	int nlines;
};

void smtp_reply_reset(struct smtp_reply *r);
int smtp_reply_add_line(struct smtp_reply *r, const char *line);
void smtp_reply_summary(const struct smtp_reply *r, char *buf, size_t size);
bool smtp_reply_ehlo_keyword(const struct smtp_reply *r, const char *keyword, char *args,
                             size_t size);

#endif
