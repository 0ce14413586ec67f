/*
 * callbacks.c -- the milter: libmilter description and callbacks
 *
 * SYNOPSIS
 *	See callbacks.h.
 *
 * DESCRIPTION
 *	Thin glue: each callback reads the macros of its stage into the
 *	connection context, calls the transaction logic (txn.h) or the
 *	end-of-message changes (eom.h), and turns the result into a libmilter
 *	status. Negotiation asks for the least the current policy needs.
 *
 *	Macro lists per stage (smfi_setsymlist replaces the MTA's list for
 *	that stage, so each list names everything read there):
 *	connect: host name for the header, MTA version, listener and port
 *	(read here and kept: at end of message Postfix's cleanup would send
 *	its own {daemon_name}), client address and name. HELO and MAIL: the
 *	TLS macros, at MAIL too because a client may send MAIL right after
 *	STARTTLS without a new EHLO. MAIL also the queue id and AUTH user.
 *	RCPT and end of message: the queue id.
 */
#include "config.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "context.h"
#include "eom.h"
#include "metrics.h"
#include "msg.h"
#include "reply.h"
#include "txn.h"
#include "when.h"

#define TLS_MACROS "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer} {verify}"

static const struct {
	int stage;
	const char *macros;
} macro_lists[] = {
    {SMFIM_CONNECT, "j v {daemon_name} {daemon_port} {client_addr} {client_name}"},
    {SMFIM_HELO, TLS_MACROS},
    {SMFIM_ENVFROM, "i {auth_authen} " TLS_MACROS},
    {SMFIM_ENVRCPT, "i"},
    {SMFIM_EOM, "i"},
};

/* Actions we may take; requested only where the MTA offers them. */
#define WANTED_ACTIONS                                                                             \
	(SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_ADDRCPT | SMFIF_ADDRCPT_PAR |    \
	 SMFIF_DELRCPT)

static atomic_flag symlist_warned = ATOMIC_FLAG_INIT;

static struct conn_ctx *
conn_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

static const char *
macro(SMFICTX *ctx, const char *name)
{
	return smfi_getsymval(ctx, (char *)name);
}

/* Protocol steps for one connection, from the policy it was negotiated with. */
static unsigned long
wanted_steps(const struct snapshot *snap)
{
	unsigned long steps = 0;

	steps |= SMFIP_NR_CONN;   /* connect is never answered: only read */
	steps |= SMFIP_NR_HELO;   /* HELO is never answered (421 there loses the reply) */
	/*
	 * DATA is not skipped although nothing happens there: its reply keeps
	 * the milter connection from stalling on Nagle and delayed ACKs before
	 * end of message (measured: tagging over TCP 0.65 -> 0.79 of no filter).
	 */
	steps |= SMFIP_NOEOH;     /* nothing to do at end of headers */
	steps |= SMFIP_NOBODY;    /* the body is never looked at */
	steps |= SMFIP_NOUNKNOWN; /* unknown SMTP commands do not matter */
	if (!policy_has_recipient_rules(snap->policy))
		steps |= SMFIP_NR_RCPT; /* RCPT only counted, never answered */
	if (policy_needs_headers(snap->policy))
		steps |= SMFIP_NR_HDR; /* headers only read (ours to strip, Subject) */
	else
		steps |= SMFIP_NOHDRS; /* no header to strip, no Subject to prefix */
	return steps;
}

static void
negotiate_macros(SMFICTX *ctx, struct conn_ctx *conn, unsigned long offered)
{
	size_t i;

	if (!(offered & SMFIF_SETSYMLIST)) {
		if (!atomic_flag_test_and_set(&symlist_warned))
			msg_warn(
			    "the MTA does not offer smfi_setsymlist; configure its milter macro "
			    "lists as milter-tlspolicy(8) shows");
		return;
	}
	conn->symlist = 1;
	conn->actions |= SMFIF_SETSYMLIST;
	for (i = 0; i < sizeof(macro_lists) / sizeof(macro_lists[0]); i++)
		if (smfi_setsymlist(ctx, macro_lists[i].stage, (char *)macro_lists[i].macros) !=
		    MI_SUCCESS)
			msg_warn("smfi_setsymlist failed for stage %d", macro_lists[i].stage);
}

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2, unsigned long f3,
             unsigned long *pf0, unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct conn_ctx *conn;

	if ((conn = conn_new()) == NULL) {
		txn_note_internal_failure();
		msg_error("out of memory for a new connection");
		return SMFIS_TEMPFAIL;
	}
	smfi_setpriv(ctx, conn);
	if ((conn->snap = snapshot_acquire()) == NULL) {
		txn_note_internal_failure();
		msg_error("no policy loaded");
		return SMFIS_TEMPFAIL;
	}
	conn->actions = WANTED_ACTIONS & f0;
	negotiate_macros(ctx, conn, f0);
	conn->steps = wanted_steps(conn->snap) & f1;
	*pf0 = conn->actions;
	*pf1 = conn->steps;
	*pf2 = 0;
	*pf3 = 0;
	msg_debug("negotiated actions=0x%lx steps=0x%lx (offered 0x%lx 0x%lx)", conn->actions,
	          conn->steps, f0, f1);
	return SMFIS_CONTINUE;
}

/* The status for a step that may be one-way. */
static sfsistat
done(const struct conn_ctx *conn, unsigned long no_reply_step)
{
	return conn != NULL && (conn->steps & no_reply_step) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/*
 * The client address from {client_addr}, else from the connect sockaddr,
 * in canonical form: Sendmail's "IPv6:0:0:0:0:0:0:0:1" becomes "::1", as
 * Postfix sends it.
 */
static void
read_client_addr(SMFICTX *ctx, struct conn_ctx *conn, const struct sockaddr *sa)
{
	char from_sa[INET6_ADDRSTRLEN], text[MTA_ADDR_TEXT_MAX];
	const char *raw = macro(ctx, "{client_addr}");

	if (raw == NULL && sa != NULL && sa->sa_family == AF_INET)
		raw = inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		                from_sa, sizeof(from_sa));
	else if (raw == NULL && sa != NULL && sa->sa_family == AF_INET6)
		raw =
		    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		              from_sa, sizeof(from_sa));
	ctx_value_set(&conn->client_addr, mta_client_addr(text, sizeof(text), raw));
}

static sfsistat
cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct conn_ctx *conn = conn_of(ctx);
	const char *name;

	if (conn == NULL)
		return SMFIS_TEMPFAIL;
	ctx_value_set(&conn->host, macro(ctx, "j"));
	conn->mta = mta_detect(macro(ctx, "v"));
	ctx_value_set(&conn->listener, macro(ctx, "{daemon_name}"));
	ctx_value_set(&conn->port, macro(ctx, "{daemon_port}"));
	read_client_addr(ctx, conn, hostaddr);
	/* Sendmail passes "[192.0.2.7]" as the host name when there is no PTR. */
	if ((name = macro(ctx, "{client_name}")) == NULL)
		name = hostname;
	if (name != NULL && name[0] == '[')
		name = "unknown";
	ctx_value_set(&conn->client_name, name);
	return done(conn, SMFIP_NR_CONN);
}

/* The TLS macros; Sendmail sends certificate names xtext-encoded. */
static void
read_tls(SMFICTX *ctx, struct conn_ctx *conn)
{
	char decoded[CTX_VALUE_MAX];
	static const char *const cert_macros[] = {"{cert_subject}", "{cert_issuer}"};
	struct ctx_value *cert_values[] = {&conn->cert_subject, &conn->cert_issuer};
	const char *v;
	size_t i;

	ctx_value_set(&conn->tls_version, macro(ctx, "{tls_version}"));
	ctx_value_set(&conn->cipher, macro(ctx, "{cipher}"));
	ctx_value_set(&conn->bits, macro(ctx, "{cipher_bits}"));
	ctx_value_set(&conn->verify, macro(ctx, "{verify}"));
	for (i = 0; i < 2; i++) {
		v = macro(ctx, cert_macros[i]);
		if (v != NULL && conn->mta == MTA_SENDMAIL) {
			mta_xtext_decode(decoded, sizeof(decoded), v);
			v = decoded;
		}
		ctx_value_set(cert_values[i], v);
	}
}

static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	struct conn_ctx *conn = conn_of(ctx);

	if (conn == NULL)
		return SMFIS_CONTINUE;
	ctx_value_set(&conn->helo, helo);
	read_tls(ctx, conn);
	return done(conn, SMFIP_NR_HELO);
}

/* Hand a refusal to the MTA: the one place smfi_setreply() is called. */
static sfsistat
send_reply(SMFICTX *ctx, const struct reply *reply)
{
	if (smfi_setreply(ctx, (char *)reply->code, reply->xcode[0] ? (char *)reply->xcode : NULL,
	                  (char *)reply->milter_text) != MI_SUCCESS)
		msg_warn("smfi_setreply refused \"%s %s\"; the MTA sends its default reply",
		         reply->logged, reply->text);
	return reply->verdict == REPLY_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

static sfsistat
result_status(SMFICTX *ctx, enum txn_result result, const struct reply *reply)
{
	switch (result) {
	case TXN_ACCEPT:
		return SMFIS_ACCEPT;
	case TXN_REFUSE:
		return send_reply(ctx, reply);
	case TXN_CONTINUE:
		break;
	}
	return SMFIS_CONTINUE;
}

/* A callback without a connection context: answer with the internal-failure reply. */
static sfsistat
no_context(SMFICTX *ctx)
{
	struct reply reply;

	reply_internal_failure(&reply);
	txn_note_internal_failure();
	msg_error("no connection context (negotiation failed); tempfail");
	return send_reply(ctx, &reply);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn_ctx *conn = conn_of(ctx);
	struct decide_context when;
	struct reply reply;
	enum txn_result result;

	if (conn == NULL)
		return no_context(ctx);
	read_tls(ctx, conn);
	ctx_value_set(&conn->auth_user, macro(ctx, "{auth_authen}"));
	when_now(&when);
	result = txn_mail(conn, argv[0], macro(ctx, "i"), &when, &reply);
	return result_status(ctx, result, &reply);
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn_ctx *conn = conn_of(ctx);
	struct decide_context when;
	struct reply reply;
	enum txn_result result;
	const char *qid;

	if (conn == NULL)
		return no_context(ctx);
	if ((qid = macro(ctx, "i")) != NULL)
		ctx_value_set(&conn->msg.queue_id, qid);
	when_now(&when);
	result = txn_rcpt(conn, argv[0], (const char *const *)argv + 1, &when, &reply);
	if (conn->steps & SMFIP_NR_RCPT)
		return SMFIS_NOREPLY; /* no recipient rules: nothing to answer */
	return result_status(ctx, result, &reply);
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn_ctx *conn = conn_of(ctx);

	if (conn != NULL)
		txn_header(conn, name, value);
	return done(conn, SMFIP_NR_HDR);
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct conn_ctx *conn = conn_of(ctx);
	const struct decision *d;
	struct reply reply;
	const char *qid;

	if (conn == NULL)
		return no_context(ctx);
	if ((qid = macro(ctx, "i")) != NULL)
		ctx_value_set(&conn->msg.queue_id, qid);
	if (!conn->msg.active || (d = txn_final(conn)) == NULL) {
		msg_reset(&conn->msg);
		return SMFIS_CONTINUE;
	}
	if (conn->msg.failed) {
		txn_fail(conn, &reply);
		return send_reply(ctx, &reply);
	}
	reply_from_decision(d, &reply);
	if (reply.verdict != REPLY_NONE) {
		txn_end(conn, reply.logged);
		return send_reply(ctx, &reply);
	}
	if (eom_apply(ctx, conn, d) != 0) {
		txn_fail(conn, &reply);
		return send_reply(ctx, &reply);
	}
	txn_end(conn, NULL);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct conn_ctx *conn = conn_of(ctx);

	if (conn != NULL)
		txn_abort(conn); /* a transaction still open did not complete */
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct conn_ctx *conn = conn_of(ctx);

	if (conn == NULL)
		return SMFIS_CONTINUE;
	txn_abort(conn);
	metrics_count_session(ctx_value_get(&conn->listener), ctx_value_get(&conn->tls_version));
	smfi_setpriv(ctx, NULL);
	conn_free(conn);
	return SMFIS_CONTINUE;
}

static struct smfiDesc filter = {
    .xxfi_name = "milter-tlspolicy",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = WANTED_ACTIONS | SMFIF_SETSYMLIST,
    .xxfi_connect = cb_connect,
    .xxfi_helo = cb_helo,
    .xxfi_envfrom = cb_envfrom,
    .xxfi_envrcpt = cb_envrcpt,
    .xxfi_header = cb_header,
    .xxfi_eoh = NULL,
    .xxfi_body = NULL,
    .xxfi_eom = cb_eom,
    .xxfi_abort = cb_abort,
    .xxfi_close = cb_close,
    .xxfi_unknown = NULL,
    .xxfi_data = NULL,
    .xxfi_negotiate = cb_negotiate,
};

int
callbacks_register(void)
{
	return smfi_register(filter) == MI_SUCCESS ? 0 : -1;
}
