/*
 * eom.h -- the changes made to a message at end of message
 *
 * SYNOPSIS
 *	int eom_apply(SMFICTX *ctx, struct conn_ctx *conn, const struct decision *decision);
 *
 * DESCRIPTION
 *	eom_apply() carries out the message-level part of a decision, in this
 *	order: delete the client's copies of the audit and reroute headers
 *	(strip_foreign_headers; last copy first, so that indices do not
 *	shift), prefix the Subject (tag with subject_prefix), insert the audit
 *	header at the top (audit: all, or matched when a rule decided), and,
 *	when enforced, reroute (the reroute header, recipient rewriting or
 *	quarantine, per reroute_method) or hold (quarantine; on Postfix the
 *	hold queue). It returns 0, or -1 after logging which change failed or
 *	which action the MTA did not grant at negotiation; the caller then
 *	answers with a tempfail.
 */
#ifndef EOM_H
#define EOM_H

#include <libmilter/mfapi.h>

#include "context.h"

int eom_apply(SMFICTX *ctx, struct conn_ctx *conn, const struct decision *decision);

#endif
