/*
 * NAME
 *	transaction.h -- one mail transaction in an open SMTP session
 *
 * SYNOPSIS
 *	#include "transaction.h"
 *
 *	bool	transaction_envelope(struct session *s,
 *			    const struct message_spec *m, struct outcome *out);
 *	bool	transaction_content(struct session *s,
 *			    const struct message_spec *m, struct outcome *out);
 *
 * DESCRIPTION
 *	The two halves of a transaction, shared by send and load (load may
 *	hold a session between them).
 *
 *	transaction_envelope() sends MAIL FROM with m->from and RCPT TO for
 *	each of m->to. It goes on when at least one recipient was accepted;
 *	when none was, the outcome is the first 4xx reply among them, or else
 *	the last 5xx reply. A 421 stops it at once.
 *
 *	transaction_content() sends DATA, then the message that
 *	message_build() makes of m, and reads the reply to its end.
 *
 * DIAGNOSTICS
 *	Both return true when the server accepted the step; otherwise false,
 *	with out describing the reply or the failure. After a successful
 *	transaction_content(), out is the accepted outcome.
 */
#ifndef TRANSACTION_H
#define TRANSACTION_H

#include <stdbool.h>

#include "message.h"
#include "outcome.h"
#include "smtp_session.h"

bool transaction_envelope(struct session *s, const struct message_spec *m, struct outcome *out);
bool transaction_content(struct session *s, const struct message_spec *m, struct outcome *out);

#endif
