/*
 * txn.h -- deciding one mail transaction
 *
 * SYNOPSIS
 *	enum txn_result txn_mail(struct conn_ctx *conn, const char *sender,
 *	    const char *queue_id, const struct decide_context *when, struct reply *reply);
 *	enum txn_result txn_rcpt(struct conn_ctx *conn, const char *rcpt,
 *	    const char *const *params, const struct decide_context *when,
 *	    struct reply *reply);
 *	void txn_header(struct conn_ctx *conn, const char *name, const char *value);
 *	const struct decision *txn_final(const struct conn_ctx *conn);
 *	int txn_audit_wanted(const struct conn_ctx *conn, const struct decision *decision);
 *	void txn_fail(struct conn_ctx *conn, struct reply *reply);
 *	void txn_end(struct conn_ctx *conn, const char *reply);
void txn_abort(struct conn_ctx *conn);
void txn_note_internal_failure(void);
unsigned long txn_internal_failures(void);
 *	void txn_abort(struct conn_ctx *conn);
 *	void txn_note_internal_failure(void);
 *	unsigned long txn_internal_failures(void);
 *	enum reroute_method txn_reroute_method(const struct conn_ctx *conn);
 *	const char *txn_reroute_rcpt(const struct conn_ctx *conn, size_t index,
 *	    char *rcpt, size_t rcpt_size, char *params, size_t params_size);
 *	void txn_strip_brackets(char *dst, size_t size, const char *address);
 *
 * DESCRIPTION
 *	The milter-independent part of a transaction, driven by the
 *	callbacks. A TXN_REFUSE result comes with the reply to send; the
 *	caller passes it to the MTA as is. Every function writes the log
 *	line(s) the transaction needs (txn_log.h).
 *
 *	txn_mail() starts a transaction (sender as given in MAIL FROM, queue
 *	id or NULL) and decides it. A defer or reject
 *	that is carried out refuses MAIL and ends the transaction. When a
 *	recipient rule could still decide (decision.needs_recipient), nothing
 *	is enforced and the decision waits for RCPT. When nothing is left
 *	for end-of-message (no audit header, no foreign headers to strip, no
 *	reroute/hold/subject), the transaction is logged and TXN_ACCEPT tells
 *	the MTA to skip the rest of it.
 *
 *	txn_rcpt() counts the recipient and, when MAIL waited, decides for
 *	it. params are the ESMTP parameters of the RCPT command (the
 *	callback's argv after the address; NULL-terminated, or NULL). When
 *	the connection reroutes by recipient suffix, each accepted recipient
 *	is kept with its parameters: those of printable ASCII without spaces,
 *	in order, up to CTX_PARAMS_MAX - 1 bytes in all; any other is dropped
 *	with a warning. A refusal by a recipient rule answers only that recipient (and
 *	is logged on its own line); a refusal by any other rule is the
 *	transaction's and is given to this and every later RCPT. Among the
 *	accepted recipients, the earliest deciding rule sets the message's
 *	action. Running out of memory here marks the transaction failed: it
 *	is answered with a tempfail at end of message (RCPT may be one-way).
 *
 *	txn_header() notes client copies of the audit and reroute headers
 *	and the Subject. txn_final() is the message's decision at end of
 *	message; txn_audit_wanted() says whether it gets an audit header.
 *
 *	txn_fail() is for internal failures: it fills in the 451 reply,
 *	logs the transaction with it and ends it. txn_end() logs the
 *	transaction unless already done (reply is the reply sent, or NULL)
 *	and resets it: the transaction completed (end of message, or the
 *	fast path at MAIL).
 *
 *	txn_abort() is for the MTA's abort and close callbacks: a
 *	transaction still open there did not complete (RSET, QUIT or a
 *	dropped connection after MAIL, or the MTA gave up, e.g. after a
 *	milter timeout). It is logged with action=abort, its other keys as
 *	they stand (rule: the rule that had decided so far, or "-"); a
 *	transaction already logged (refused at MAIL or RCPT, or ended) is
 *	not logged again.
 *
 *	txn_internal_failures() counts the tempfails after an internal
 *	failure: each txn_fail(), and each txn_note_internal_failure() (a
 *	callback without a connection context).
 *
 *	txn_reroute_method() resolves the "auto" reroute method for the MTA
 *	of the connection: the reroute header on Postfix (and unknown MTAs),
 *	recipient rewriting on Sendmail.
 *
 *	txn_reroute_rcpt() prepares kept recipient number index for the
 *	recipient-suffix reroute: rcpt gets "<user@domain" SUFFIX ">", params
 *	the client's parameters of that recipient plus
 *	"ORCPT=rfc822;user@domain" (xtext) when the client gave no ORCPT, so
 *	that the legacy relay and DSNs see the original address. A recipient
 *	without a domain ("<postmaster>") is first qualified with the MTA's
 *	j macro (user@j). The result is NULL, or why the recipient cannot be
 *	rerouted (no domain and no j macro, or too long); the caller then
 *	leaves it as it is and logs the reason.
 *
 *	txn_strip_brackets() copies an envelope address without spaces and
 *	angle brackets.
 */
#ifndef TXN_H
#define TXN_H

#include "context.h"
#include "reply.h"

/* Room for txn_reroute_rcpt()'s results: user@j plus the suffix; the parameters plus ORCPT. */
#define TXN_RCPT_MAX   (CTX_ADDR_MAX + CTX_VALUE_MAX + 256)
#define TXN_PARAMS_MAX (CTX_PARAMS_MAX + 16 + 3 * (CTX_ADDR_MAX + CTX_VALUE_MAX))

enum txn_result { TXN_CONTINUE, TXN_ACCEPT, TXN_REFUSE };

enum txn_result txn_mail(struct conn_ctx *conn, const char *sender, const char *queue_id,
                         const struct decide_context *when, struct reply *reply);
enum txn_result txn_rcpt(struct conn_ctx *conn, const char *rcpt, const char *const *params,
                         const struct decide_context *when, struct reply *reply);
void txn_header(struct conn_ctx *conn, const char *name, const char *value);
const struct decision *txn_final(const struct conn_ctx *conn);
int txn_audit_wanted(const struct conn_ctx *conn, const struct decision *decision);
void txn_fail(struct conn_ctx *conn, struct reply *reply);
void txn_end(struct conn_ctx *conn, const char *reply);
void txn_abort(struct conn_ctx *conn);
void txn_note_internal_failure(void);
unsigned long txn_internal_failures(void);
enum reroute_method txn_reroute_method(const struct conn_ctx *conn);
const char *txn_reroute_rcpt(const struct conn_ctx *conn, size_t index, char *rcpt,
                             size_t rcpt_size, char *params, size_t params_size);
void txn_strip_brackets(char *dst, size_t size, const char *address);

#endif
