/*
 * eom.c -- the changes made to a message at end of message
 *
 * SYNOPSIS
 *	See eom.h.
 *
 * DESCRIPTION
 *	Each change is one small function that returns 0 or -1; eom_apply()
 *	runs them in order and stops at the first failure.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "audit_header.h"
#include "eom.h"
#include "msg.h"
#include "sanitize.h"
#include "tls_version.h"
#include "txn.h"

#define QUARANTINE_REASON_MAX 200

/* Did the MTA grant every action bit asked for? Logged when not. */
static int
granted(const struct conn_ctx *conn, unsigned long action, const char *what)
{
	if ((conn->actions & action) == action)
		return 1;
	msg_warn("the MTA did not allow %s at negotiation", what);
	return 0;
}

static int
strip_copies(SMFICTX *ctx, struct conn_ctx *conn, const char *name, unsigned count)
{
	unsigned i;

	if (count > 0 && !granted(conn, SMFIF_CHGHDRS, "header changes"))
		return -1;
	for (i = count; i > 0; i--) {
		if (smfi_chgheader(ctx, (char *)name, (int)i, NULL) != MI_SUCCESS) {
			msg_warn("cannot delete header %s #%u", name, i);
			return -1;
		}
	}
	return 0;
}

static int
strip_foreign(SMFICTX *ctx, struct conn_ctx *conn)
{
	const struct policy_settings *s = conn->snap->settings;

	if (!s->strip_foreign_headers)
		return 0;
	if (strip_copies(ctx, conn, s->audit_header, conn->msg.foreign_audit) != 0)
		return -1;
	return strip_copies(ctx, conn, s->reroute_header, conn->msg.foreign_reroute);
}

static int
prefix_subject(SMFICTX *ctx, struct conn_ctx *conn, const char *prefix)
{
	const char *old = conn->msg.subject;
	char value[4096];
	size_t plen = strlen(prefix);

	if (old != NULL && strncmp(old, prefix, plen) == 0)
		return 0; /* already tagged (e.g. the message came through twice) */
	if (!granted(conn, SMFIF_CHGHDRS | SMFIF_ADDHDRS, "header changes"))
		return -1;
	if (old == NULL)
		return smfi_addheader(ctx, "Subject", (char *)prefix) == MI_SUCCESS ? 0 : -1;
	if ((size_t)snprintf(value, sizeof(value), "%s%s%s", prefix,
	                     plen > 0 && prefix[plen - 1] == ' ' ? "" : " ",
	                     old) >= sizeof(value)) {
		msg_warn("Subject too long to prefix; left as is");
		return 0;
	}
	return smfi_chgheader(ctx, "Subject", 1, value) == MI_SUCCESS ? 0 : -1;
}

static int
add_audit_header(SMFICTX *ctx, struct conn_ctx *conn, const struct decision *d)
{
	const char *name = conn->snap->settings->audit_header;
	struct audit_fields f;
	char value[AUDIT_HEADER_MAX];

	if (!txn_audit_wanted(conn, d))
		return 0;
	if (!granted(conn, SMFIF_ADDHDRS, "adding headers"))
		return -1;
	memset(&f, 0, sizeof(f));
	f.host = conn_host(conn);
	f.tls = tls_version_name(tls_version_parse(ctx_value_get(&conn->tls_version)));
	f.cipher = ctx_value_get(&conn->cipher);
	f.bits = ctx_value_get(&conn->bits);
	f.client_name = ctx_value_get(&conn->client_name);
	f.client_addr = ctx_value_get(&conn->client_addr);
	f.listener = ctx_value_get(&conn->listener);
	f.auth = ctx_value_get(&conn->auth_user);
	f.rule = d->rule_name;
	f.action = policy_action_name(d->action);
	f.legacy = d->action == ACTION_TAG && d->legacy;
	f.report_only = !d->enforced;
	audit_header_build(value, sizeof(value), strlen(name), &f);
	if (smfi_insheader(ctx, 0, (char *)name, value) != MI_SUCCESS) {
		msg_warn("cannot add the %s header", name);
		return -1;
	}
	return 0;
}

static int
quarantine(SMFICTX *ctx, struct conn_ctx *conn, const char *reason, const char *rule)
{
	char text[QUARANTINE_REASON_MAX + 1];
	char fallback[QUARANTINE_REASON_MAX + 1];

	if (!granted(conn, SMFIF_QUARANTINE, "quarantine"))
		return -1;
	if (reason == NULL || *reason == '\0') {
		snprintf(fallback, sizeof(fallback), "milter-tlspolicy rule %s", rule);
		reason = fallback;
	}
	sanitize(text, sizeof(text), reason, 0);
	if (smfi_quarantine(ctx, text) != MI_SUCCESS) {
		msg_warn("cannot quarantine the message");
		return -1;
	}
	return 0;
}

static int
reroute_header(SMFICTX *ctx, struct conn_ctx *conn, const char *relay)
{
	char value[SANITIZE_MAX + 1];

	if (!granted(conn, SMFIF_ADDHDRS, "adding headers"))
		return -1;
	/* One token, so that "/^X-TLS-Policy-Reroute:\s*(\S+)$/ FILTER $1" takes it whole. */
	sanitize(value, sizeof(value), relay, SANITIZE_ASCII | SANITIZE_SPACE);
	if (smfi_addheader(ctx, (char *)conn->snap->settings->reroute_header, value) !=
	    MI_SUCCESS) {
		msg_warn("cannot add the %s header", conn->snap->settings->reroute_header);
		return -1;
	}
	return 0;
}

/*
 * Sendmail: rcpt@dom becomes rcpt@dom.SUFFIX, which a .cf rule sends to the
 * legacy relay; the client's RCPT parameters go with it (txn_reroute_rcpt).
 */
static int
reroute_recipients(SMFICTX *ctx, struct conn_ctx *conn)
{
	char rcpt[TXN_RCPT_MAX], params[TXN_PARAMS_MAX], shown[SANITIZE_MAX + 1];
	char qid[SANITIZE_MAX + 1];
	const char *original, *why;
	size_t i;
	int par = (conn->actions & SMFIF_ADDRCPT_PAR) != 0;

	if (!granted(conn, SMFIF_DELRCPT, "deleting recipients") ||
	    !granted(conn, par ? SMFIF_ADDRCPT_PAR : SMFIF_ADDRCPT, "adding recipients"))
		return -1;
	for (i = 0; i < conn->msg.rcpt_count; i++) {
		original = conn->msg.rcpts[i].address;
		sanitize(shown, sizeof(shown), original, 0);
		if ((why = txn_reroute_rcpt(conn, i, rcpt, sizeof(rcpt), params, sizeof(params))) !=
		    NULL) {
			sanitize(qid, sizeof(qid), ctx_value_get(&conn->msg.queue_id),
			         SANITIZE_SPACE);
			msg_warn("%s: recipient %s not rerouted: %s", qid[0] ? qid : "NOQUEUE",
			         shown, why);
			continue;
		}
		if (smfi_delrcpt(ctx, (char *)original) != MI_SUCCESS ||
		    (par ? smfi_addrcpt_par(ctx, rcpt, params[0] != '\0' ? params : NULL)
		         : smfi_addrcpt(ctx, rcpt)) != MI_SUCCESS) {
			msg_warn("cannot rewrite recipient %s for rerouting", shown);
			return -1;
		}
	}
	return 0;
}

static int
reroute(SMFICTX *ctx, struct conn_ctx *conn, const struct decision *d)
{
	switch (txn_reroute_method(conn)) {
	case REROUTE_RECIPIENT_SUFFIX:
		return reroute_recipients(ctx, conn);
	case REROUTE_QUARANTINE:
		return quarantine(ctx, conn, conn->snap->settings->quarantine_reason, d->rule_name);
	case REROUTE_AUTO:
	case REROUTE_HEADER:
		break;
	}
	return reroute_header(ctx, conn, d->relay);
}

int
eom_apply(SMFICTX *ctx, struct conn_ctx *conn, const struct decision *d)
{
	if (strip_foreign(ctx, conn) != 0)
		return -1;
	if (d->enforced && d->action == ACTION_TAG && d->subject_prefix != NULL &&
	    prefix_subject(ctx, conn, d->subject_prefix) != 0)
		return -1;
	if (add_audit_header(ctx, conn, d) != 0)
		return -1;
	if (!d->enforced)
		return 0;
	if (d->action == ACTION_REROUTE)
		return reroute(ctx, conn, d);
	if (d->action == ACTION_HOLD)
		return quarantine(ctx, conn, d->reason, d->rule_name);
	return 0;
}
