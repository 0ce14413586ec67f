/*
 * context.h -- per-connection and per-transaction state
 *
 * SYNOPSIS
 *	struct conn_ctx *conn_new(void);
 *	void conn_free(struct conn_ctx *conn);
 *	unsigned conn_active(void);
 *
 *	void ctx_value_set(struct ctx_value *value, const char *text);
 *	const char *ctx_value_get(const struct ctx_value *value);
 *
 *	void conn_facts(const struct conn_ctx *conn, struct session_facts *facts);
 *	const char *conn_host(const struct conn_ctx *conn);
 *
 *	int msg_add_rcpt(struct msg_ctx *msg, const char *rcpt, const char *params);
 *	int msg_set_subject(struct msg_ctx *msg, const char *subject);
 *	void msg_reset(struct msg_ctx *msg);
 *
 * DESCRIPTION
 *	A conn_ctx lives from the milter negotiation to the close of one MTA
 *	session: the policy snapshot it was negotiated with, what was
 *	negotiated, the MTA kind, and the session facts read from macros
 *	(client, listener and port read at connect, HELO name, TLS, AUTH).
 *	Its msg_ctx is one mail transaction (MAIL FROM to end of message or
 *	abort) and is reset by msg_reset() between transactions.
 *
 *	Values are kept as bounded raw copies (struct ctx_value, at most
 *	CTX_VALUE_MAX - 1 bytes, "set" telling absent from empty), so that the
 *	whole context is one allocation and a callback has no allocation that
 *	can fail. They are sanitised only where they are written out.
 *	Only the optional parts allocate: the Subject (for subject_prefix)
 *	and the recipient list (for recipient-suffix rerouting: each address
 *	as given in RCPT TO, with its ESMTP parameters, already cleaned up by
 *	the caller); those functions return -1 when memory runs out.
 *
 *	conn_new() returns NULL when memory runs out. conn_active() is the
 *	number of live connections (for a clean stop).
 *
 *	conn_facts() fills policy facts with pointers into conn (no copy);
 *	the sender comes from the transaction, the recipient is left NULL.
 *	conn_host() is the host name for the audit header: the policy's
 *	"hostname" setting, else the MTA's "j" macro, else this host's name.
 */
#ifndef CONTEXT_H
#define CONTEXT_H

#include <stddef.h>

#include "mta.h"
#include "policy.h"
#include "snapshot.h"

#define CTX_VALUE_MAX  256 /* 255 bytes, as logged */
#define CTX_ADDR_MAX   520 /* an RFC 5321 path (256) with room to spare */
#define CTX_PARAMS_MAX 512 /* one recipient's ESMTP parameters, as kept */

struct ctx_value {
	int set;
	char text[CTX_VALUE_MAX];
};

struct rcpt_copy {
	char *address; /* as given in RCPT TO, with the angle brackets */
	char *params;  /* its ESMTP parameters, space-separated; "" for none */
};

struct msg_ctx {
	int active; /* between MAIL and the end of the transaction */
	int logged; /* the transaction's line is written */
	int failed; /* an internal failure: tempfail */
	struct ctx_value queue_id;
	int have_sender;
	char sender[CTX_ADDR_MAX]; /* without <>; "" is the null sender */
	unsigned nrcpt;            /* accepted recipients */
	unsigned refusals;         /* recipients refused by a recipient rule */
	struct decision decision;  /* the transaction's decision */
	int have_decision;
	int pending;          /* MAIL deferred the decision to RCPT */
	int have_best;        /* a recipient decision took over the message */
	struct decision best; /* ... the earliest rule among accepted recipients */
	int refused;          /* the transaction was refused at RCPT */
	char refusal_reply[24];
	unsigned foreign_audit;   /* client copies of the audit header */
	unsigned foreign_reroute; /* ... and of the reroute header */
	char *subject;            /* first Subject value, when needed */
	int have_subject;
	struct rcpt_copy *rcpts; /* recipients as given, when needed */
	size_t rcpt_count;
	size_t rcpt_alloc;
};

struct conn_ctx {
	struct snapshot *snap; /* policy negotiated with; a reference */
	unsigned long actions; /* SMFIF_* granted */
	unsigned long steps;   /* SMFIP_* requested */
	int symlist;           /* the MTA honours smfi_setsymlist */
	enum mta_kind mta;
	struct ctx_value host;        /* j */
	struct ctx_value client_addr; /* {client_addr} */
	struct ctx_value client_name; /* {client_name} or the connect host name */
	struct ctx_value listener;    /* {daemon_name}, read at connect */
	struct ctx_value port;        /* {daemon_port}, read at connect */
	struct ctx_value helo;
	struct ctx_value tls_version;
	struct ctx_value cipher;
	struct ctx_value bits;
	struct ctx_value cert_subject;
	struct ctx_value cert_issuer;
	struct ctx_value verify;
	struct ctx_value auth_user; /* {auth_authen} */
	struct msg_ctx msg;
};

struct conn_ctx *conn_new(void);
void conn_free(struct conn_ctx *conn);
unsigned conn_active(void);

void ctx_value_set(struct ctx_value *value, const char *text);
const char *ctx_value_get(const struct ctx_value *value);

void conn_facts(const struct conn_ctx *conn, struct session_facts *facts);
const char *conn_host(const struct conn_ctx *conn);

int msg_add_rcpt(struct msg_ctx *msg, const char *rcpt, const char *params);
int msg_set_subject(struct msg_ctx *msg, const char *subject);
void msg_reset(struct msg_ctx *msg);

#endif
