/*
 * txn.c -- deciding one mail transaction
 *
 * SYNOPSIS
 *	See txn.h.
 *
 * DESCRIPTION
 *	This is the daemon's logic between the MTA events and the policy
 *	engine. It knows nothing of libmilter, so that it can be tested
 *	with a policy file and made-up sessions.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "sanitize.h"
#include "txn.h"
#include "txn_log.h"

static atomic_ulong internal_failures;

void
txn_strip_brackets(char *dst, size_t size, const char *address)
{
	size_t len;

	if (address == NULL)
		address = "";
	address += strspn(address, " \t");
	if (*address == '<')
		address++;
	len = strcspn(address, ">");
	if (len > size - 1)
		len = size - 1;
	memcpy(dst, address, len);
	dst[len] = '\0';
}

enum reroute_method
txn_reroute_method(const struct conn_ctx *conn)
{
	enum reroute_method m = conn->snap->settings->reroute_method;

	if (m != REROUTE_AUTO)
		return m;
	return conn->mta == MTA_SENDMAIL ? REROUTE_RECIPIENT_SUFFIX : REROUTE_HEADER;
}

/* Write one log line for the transaction as it stands. */
static void
txn_write_line(const struct conn_ctx *conn, const struct decision *d, const char *reply,
               int aborted)
{
	const struct msg_ctx *m = &conn->msg;
	struct txn_record r;

	memset(&r, 0, sizeof(r));
	r.queue_id = ctx_value_get(&m->queue_id);
	r.client_name = ctx_value_get(&conn->client_name);
	r.client_addr = ctx_value_get(&conn->client_addr);
	r.helo = ctx_value_get(&conn->helo);
	r.listener = ctx_value_get(&conn->listener);
	r.port = ctx_value_get(&conn->port);
	r.auth = ctx_value_get(&conn->auth_user);
	r.tls = tls_version_name(tls_version_parse(ctx_value_get(&conn->tls_version)));
	r.cipher = ctx_value_get(&conn->cipher);
	r.bits = ctx_value_get(&conn->bits);
	r.verify = ctx_value_get(&conn->verify);
	r.sender = m->sender;
	r.have_sender = m->have_sender;
	r.nrcpt = m->nrcpt;
	r.decision = d;
	r.reply = reply;
	r.aborted = aborted;
	txn_log_write(&r);
}

const struct decision *
txn_final(const struct conn_ctx *conn)
{
	const struct msg_ctx *m = &conn->msg;

	if (m->have_best)
		return &m->best;
	return m->have_decision ? &m->decision : NULL;
}

int
txn_audit_wanted(const struct conn_ctx *conn, const struct decision *d)
{
	switch (conn->snap->settings->audit) {
	case AUDIT_ALL:
		return 1;
	case AUDIT_MATCHED:
		return (size_t)d->rule_index < policy_rule_count(conn->snap->policy);
	case AUDIT_NONE:
		break;
	}
	return 0;
}

/* Is there anything left to do at end of message? */
static int
txn_needs_eom(const struct conn_ctx *conn, const struct decision *d)
{
	if (conn->snap->settings->strip_foreign_headers || txn_audit_wanted(conn, d))
		return 1;
	if (!d->enforced)
		return 0;
	return d->action == ACTION_REROUTE || d->action == ACTION_HOLD ||
	       (d->action == ACTION_TAG && d->subject_prefix != NULL);
}

/* Log the transaction unless done; aborted: it did not complete. */
static void
txn_finish(struct conn_ctx *conn, const char *reply, int aborted)
{
	struct msg_ctx *m = &conn->msg;

	/* A transaction whose every recipient was refused was logged with them. */
	if (m->active && !m->logged && !(m->nrcpt == 0 && m->refusals > 0))
		txn_write_line(conn, txn_final(conn), reply, aborted);
	msg_reset(m);
}

void
txn_end(struct conn_ctx *conn, const char *reply)
{
	txn_finish(conn, reply, 0);
}

void
txn_abort(struct conn_ctx *conn)
{
	txn_finish(conn, NULL, 1);
}

void
txn_note_internal_failure(void)
{
	atomic_fetch_add_explicit(&internal_failures, 1, memory_order_relaxed);
}

unsigned long
txn_internal_failures(void)
{
	return atomic_load_explicit(&internal_failures, memory_order_relaxed);
}

void
txn_fail(struct conn_ctx *conn, struct reply *reply)
{
	reply_internal_failure(reply);
	txn_note_internal_failure();
	conn->msg.active = 1;
	txn_write_line(conn, NULL, reply->logged, 0);
	msg_reset(&conn->msg);
}

enum txn_result
txn_mail(struct conn_ctx *conn, const char *sender, const char *queue_id,
         const struct decide_context *when, struct reply *reply)
{
	struct msg_ctx *m = &conn->msg;
	struct session_facts facts;

	msg_reset(m);
	m->active = 1;
	ctx_value_set(&m->queue_id, queue_id);
	m->have_sender = sender != NULL;
	txn_strip_brackets(m->sender, sizeof(m->sender), sender);
	if (conn->snap == NULL) {
		txn_fail(conn, reply);
		return TXN_REFUSE;
	}
	conn_facts(conn, &facts);
	policy_decide(conn->snap->policy, &facts, when, &m->decision);
	m->have_decision = 1;
	if (m->decision.needs_recipient) {
		m->pending = 1;
		return TXN_CONTINUE;
	}
	reply_from_decision(&m->decision, reply);
	if (reply->verdict != REPLY_NONE) {
		txn_end(conn, reply->logged);
		return TXN_REFUSE;
	}
	if (!txn_needs_eom(conn, &m->decision)) {
		txn_end(conn, NULL);
		return TXN_ACCEPT;
	}
	return TXN_CONTINUE;
}

/* Is this ESMTP parameter printable ASCII without spaces? */
static int
param_clean(const char *param)
{
	const unsigned char *p;

	for (p = (const unsigned char *)param; *p != '\0'; p++)
		if (*p < '!' || *p > '~')
			return 0;
	return param[0] != '\0';
}

/* The client's RCPT parameters as one bounded, space-separated string. */
static void
txn_join_params(char *dst, size_t size, const char *const *params)
{
	char shown[SANITIZE_MAX + 1];
	size_t len = 0, plen;

	dst[0] = '\0';
	for (; params != NULL && *params != NULL; params++) {
		plen = strlen(*params);
		if (!param_clean(*params) || len + (len > 0) + plen >= size) {
			sanitize(shown, sizeof(shown), *params, 0);
			msg_warn("RCPT parameter \"%s\" not kept for rerouting (%s)", shown,
			         param_clean(*params) ? "too long" : "not printable ASCII");
			continue;
		}
		if (len > 0)
			dst[len++] = ' ';
		memcpy(dst + len, *params, plen + 1);
		len += plen;
	}
}

/* Keep the recipient for rewriting when this connection reroutes that way. */
static int
txn_keep_rcpt(struct conn_ctx *conn, const char *rcpt, const char *const *params)
{
	char joined[CTX_PARAMS_MAX];

	if (txn_reroute_method(conn) != REROUTE_RECIPIENT_SUFFIX)
		return 0;
	txn_join_params(joined, sizeof(joined), params);
	return msg_add_rcpt(&conn->msg, rcpt, joined);
}

/* Does the parameter list have an ORCPT? */
static int
has_orcpt(const char *params)
{
	const char *p = params;

	while (*p != '\0') {
		if (strncasecmp(p, "ORCPT=", 6) == 0)
			return 1;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return 0;
}

const char *
txn_reroute_rcpt(const struct conn_ctx *conn, size_t index, char *rcpt, size_t rcpt_size,
                 char *params, size_t params_size)
{
	const struct rcpt_copy *r = &conn->msg.rcpts[index];
	const char *suffix = conn->snap->settings->reroute_suffix;
	const char *j = ctx_value_get(&conn->host);
	char address[CTX_ADDR_MAX + CTX_VALUE_MAX + 1];
	size_t len;

	txn_strip_brackets(address, CTX_ADDR_MAX, r->address);
	if (strchr(address, '@') == NULL) {
		if (j == NULL || *j == '\0')
			return "it has no domain, and the MTA sent no j macro to qualify it with";
		len = strlen(address);
		snprintf(address + len, sizeof(address) - len, "@%s", j);
	}
	if (suffix == NULL)
		suffix = "";
	if ((size_t)snprintf(rcpt, rcpt_size, "<%s%s>", address, suffix) >= rcpt_size)
		return "the rewritten address is too long";
	len = (size_t)snprintf(params, params_size, "%s", r->params);
	if (len >= params_size)
		return "its parameters are too long";
	if (!has_orcpt(r->params)) {
		if (len + 1 + 13 + 3 * strlen(address) >= params_size)
			return "its parameters are too long";
		len += (size_t)snprintf(params + len, params_size - len, "%sORCPT=rfc822;",
		                        len > 0 ? " " : "");
		mta_xtext_encode(params + len, params_size - len, address);
	}
	return NULL;
}

/* An accepted recipient: count it; its decision may set the message's. */
static enum txn_result
txn_rcpt_accept(struct conn_ctx *conn, const char *rcpt, const char *const *params,
                const struct decision *d)
{
	struct msg_ctx *m = &conn->msg;

	if (txn_keep_rcpt(conn, rcpt, params) != 0) {
		msg_warn("out of memory keeping a recipient; tempfail at end of message");
		m->failed = 1;
	}
	m->nrcpt++;
	if (d != NULL && (!m->have_best || d->rule_index < m->best.rule_index)) {
		m->best = *d;
		m->have_best = 1;
	}
	return TXN_CONTINUE;
}

enum txn_result
txn_rcpt(struct conn_ctx *conn, const char *rcpt, const char *const *params,
         const struct decide_context *when, struct reply *reply)
{
	struct msg_ctx *m = &conn->msg;
	struct session_facts facts;
	struct decision d;
	char address[CTX_ADDR_MAX];

	memset(reply, 0, sizeof(*reply));
	if (!m->active || conn->snap == NULL)
		return TXN_CONTINUE;
	if (m->refused) {
		reply_from_decision(&m->decision, reply);
		return TXN_REFUSE;
	}
	if (!m->pending)
		return txn_rcpt_accept(conn, rcpt, params, NULL);
	conn_facts(conn, &facts);
	txn_strip_brackets(address, sizeof(address), rcpt);
	facts.recipient = address;
	policy_decide(conn->snap->policy, &facts, when, &d);
	reply_from_decision(&d, reply);
	if (reply->verdict == REPLY_NONE)
		return txn_rcpt_accept(conn, rcpt, params, &d);
	if (d.by_recipient_rule) {
		/* This recipient only; the transaction goes on. */
		m->refusals++;
		txn_write_line(conn, &d, reply->logged, 0);
		return TXN_REFUSE;
	}
	/* The transaction's own decision, postponed from MAIL. */
	m->decision = d;
	m->refused = 1;
	m->logged = 1;
	txn_write_line(conn, &d, reply->logged, 0);
	return TXN_REFUSE;
}

void
txn_header(struct conn_ctx *conn, const char *name, const char *value)
{
	const struct policy_settings *s;
	struct msg_ctx *m = &conn->msg;

	if (!m->active || conn->snap == NULL)
		return;
	s = conn->snap->settings;
	if (s->audit_header != NULL && strcasecmp(name, s->audit_header) == 0)
		m->foreign_audit++;
	else if (s->reroute_header != NULL && strcasecmp(name, s->reroute_header) == 0)
		m->foreign_reroute++;
	else if (strcasecmp(name, "Subject") == 0 && msg_set_subject(m, value) != 0)
		msg_warn("out of memory keeping the Subject; no subject prefix for this message");
}
