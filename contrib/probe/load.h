/*
 * NAME
 *	load.h -- tlspolicy-probe load: many SMTP sessions at once, with a
 *	mix of TLS versions
 *
 * SYNOPSIS
 *	#include "load.h"
 *
 *	int	load_run(const struct probe_opts *o);
 *
 * DESCRIPTION
 *	load_run() sends o->total messages in sessions of
 *	o->per_session messages each (the last session may carry fewer),
 *	o->sessions sessions at a time, one thread per open session. The
 *	TLS version of each session comes from the mix o->tls_mix
 *	(tls_mix.h); every session says EHLO, STARTTLS with that version
 *	(none: stays in plaintext), EHLO again, AUTH when o->auth is set,
 *	then its messages. A session ends at its first message that is not
 *	accepted; its remaining messages count as not attempted.
 *
 *	With o->hold >= 0, the first transaction of each session stops
 *	after its recipients were accepted until o->sessions sessions are
 *	stopped there at once (or have ended before it), at most o->timeout
 *	seconds, then waits o->hold seconds more before DATA. When all are
 *	there, "tlspolicy-probe: holding N sessions" goes to standard error.
 *	This holds N concurrent transactions open through the MTA and its
 *	filters.
 *
 *	It prints totals and a line per TLS version: sessions, transactions
 *	(messages that got a final reply or failed), accepted, deferred,
 *	rejected, failed and not attempted, the time from the first
 *	connection to the end of the last session, the rates, the largest
 *	number of sessions held at once and the first few failures; or, with
 *	o->json, one JSON object with the same facts.
 *
 * DIAGNOSTICS
 *	Returns 0 when every session ended with replies from the server
 *	(accepted, deferred or rejected), 2 when any failed (connection, TLS,
 *	timeout, or no reply), 1 for a local problem.
 */
#ifndef LOAD_H
#define LOAD_H

#include "probe.h"

int load_run(const struct probe_opts *o);

#endif
