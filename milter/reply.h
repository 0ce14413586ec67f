/*
 * reply.h -- the one mapping from a policy decision to the SMTP reply
 *
 * SYNOPSIS
 *	void reply_from_decision(const struct decision *decision, struct reply *reply);
 *	void reply_internal_failure(struct reply *reply);
 *
 * DESCRIPTION
 *	reply_from_decision() says what the MTA must answer for a decision:
 *	nothing (REPLY_NONE: accept, tag, reroute, hold, or any action in
 *	report-only mode), a temporary failure (REPLY_TEMPFAIL: defer) or a
 *	rejection (REPLY_REJECT: reject). For the last two it fills in the
 *	reply code, the enhanced status code and the text.
 *
 *	The verdict follows the class of the reply code, not the action name,
 *	because libmilter silently drops a 4xx text returned with a reject
 *	(the client would see "550 5.7.1 Command rejected") and a 5xx text
 *	returned with a tempfail. A code that is not 4xx/5xx falls back to
 *	the action's default (421 4.7.66 for defer, 550 5.7.66 for reject);
 *	an enhanced code whose class differs from the reply code's is
 *	dropped rather than sent inconsistent.
 *
 *	The text is sanitised (no control characters, at most
 *	REPLY_TEXT_MAX bytes). reply->milter_text has every '%' doubled, as
 *	smfi_setreply() requires; reply->text is what the client reads.
 *	reply->logged is "421 4.7.66", the form the log line records.
 *
 *	reply_internal_failure() is the reply for the daemon's own failures
 *	(no policy, out of memory, a failed header change): 451 4.3.0.
 */
#ifndef REPLY_H
#define REPLY_H

#include "policy.h"

#define REPLY_TEXT_MAX 400 /* keeps "421 4.7.66 TEXT" inside one 512-byte SMTP line */

enum reply_verdict { REPLY_NONE, REPLY_TEMPFAIL, REPLY_REJECT };

struct reply {
	enum reply_verdict verdict;
	char code[4];                             /* "421" */
	char xcode[16];                           /* "4.7.66", or "" */
	char text[REPLY_TEXT_MAX + 1];            /* as the client reads it */
	char milter_text[2 * REPLY_TEXT_MAX + 1]; /* '%' doubled for smfi_setreply */
	char logged[24];                          /* "421 4.7.66" */
};

void reply_from_decision(const struct decision *decision, struct reply *reply);
void reply_internal_failure(struct reply *reply);

#endif
