/*
 * NAME
 *	outcome.h -- how one SMTP transaction ended, and its exit status
 *
 * SYNOPSIS
 *	#include "outcome.h"
 *
 *	void	outcome_from_reply(struct outcome *out, const char *stage,
 *			    const struct smtp_reply *r);
 *	void	outcome_failed(struct outcome *out, const char *stage,
 *			    const char *reason);
 *	const char *outcome_word(const struct outcome *out);
 *	int	outcome_exit(const struct outcome *out);
 *	void	outcome_line(const struct outcome *out, char *buf, size_t size);
 *
 * DESCRIPTION
 *	An outcome is accepted, deferred (a 4xx reply), rejected (a 5xx
 *	reply) or failed (no usable reply: connection, TLS or protocol
 *	failure), with the stage it happened at (CONNECT, EHLO, STARTTLS, TLS,
 *	AUTH, MAIL, RCPT, DATA, EOM).
 *
 *	outcome_from_reply() classifies a reply by its code;
 *	outcome_failed() records a failure and its reason.
 *
 *	outcome_word() is "accepted", "deferred", "rejected" or "failed";
 *	outcome_exit() is the exit status: 0, 4, 5 or 2.
 *
 *	outcome_line() is the last line of the text output:
 *	"deferred 421 4.7.66 TLS 1.0 and 1.1 are not supported. ..." or
 *	"failed connect: Connection refused".
 */
#ifndef OUTCOME_H
#define OUTCOME_H

#include <stddef.h>

#include "smtp_reply.h"

enum outcome_kind { OUTCOME_ACCEPTED, OUTCOME_DEFERRED, OUTCOME_REJECTED, OUTCOME_FAILED };

struct outcome {
	enum outcome_kind kind;
	const char *stage; /* "MAIL", "TLS", ... */
	int code;          /* reply code, 0 when failed */
	char xcode[16];    /* enhanced status code, or "" */
	char text[1024];   /* reply text, or why it failed */
};

void outcome_from_reply(struct outcome *out, const char *stage, const struct smtp_reply *r);
void outcome_failed(struct outcome *out, const char *stage, const char *reason);
const char *outcome_word(const struct outcome *out);
int outcome_exit(const struct outcome *out);
void outcome_line(const struct outcome *out, char *buf, size_t size);

#endif
