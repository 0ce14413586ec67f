/*
 * NAME
 *	send.h -- tlspolicy-probe send: one SMTP session with a forced TLS version
 *
 * SYNOPSIS
 *	#include "send.h"
 *
 *	int	send_run(const struct probe_opts *o);
 *
 * DESCRIPTION
 *	send_run() connects, says EHLO, starts TLS restricted to the version
 *	in o->tls_version (or stays in plaintext for TLS_VER_NONE), says EHLO
 *	again unless told not to, logs in when o->auth is set, and sends
 *	o->count messages one after another in the same session. It prints
 *	the transcript and, as the last line, the outcome; or, with o->json,
 *	one JSON object.
 *
 *	Several recipients: the transaction goes on to DATA when at least one
 *	was accepted. When none was, the outcome is the first 4xx reply among
 *	them, or else the last 5xx reply. With o->count above 1, the session
 *	stops at the first message that is not accepted.
 *
 * DIAGNOSTICS
 *	Returns the exit status: 0 accepted, 4 deferred, 5 rejected, 2 failed
 *	(connection, TLS or protocol failure), 1 for a local problem (a body
 *	file that cannot be read, bad credentials files).
 */
#ifndef SEND_H
#define SEND_H

#include "probe.h"

int send_run(const struct probe_opts *o);

#endif
