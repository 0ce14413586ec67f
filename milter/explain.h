/*
 * explain.h -- "milter-tlspolicy -t": explain the decision for one session
 *
 * SYNOPSIS
 *	int explain_session(const struct policy *policy, const char *session,
 *	    FILE *out, FILE *err);
 *
 * DESCRIPTION
 *	explain_session() reads a described session, "key=value ..." with the
 *	keys of the log line (tls, cipher, bits, client, client_name, helo,
 *	listener, port, auth, from, rcpt, cert_subject, cert_issuer, verify;
 *	values quoted as in the log line), decides it with the policy, and
 *	prints the deciding rule, the action, whether it is enforced, the
 *	rollout, and the SMTP reply or the headers the daemon would produce.
 *	The log line's own output keys (nrcpt, rule, action, mode, selected,
 *	percent, skipped, reply, relay) are accepted and ignored, so that the
 *	keys of a logged line can be pasted. "date=YYYY-MM-DD" decides as of
 *	that day (default: today).
 *
 *	It returns the exit status: 0, or 1 for a bad session description
 *	(reported on err).
 */
#ifndef EXPLAIN_H
#define EXPLAIN_H

#include <stdio.h>

#include "policy.h"

int explain_session(const struct policy *policy, const char *session, FILE *out, FILE *err);

#endif
