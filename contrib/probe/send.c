/*
 * NAME
 *	send.c -- tlspolicy-probe send: one SMTP session with a forced TLS
 *	version (see send.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gnutls/gnutls.h>

#include "endpoint.h"
#include "json_out.h"
#include "message.h"
#include "outcome.h"
#include "send.h"
#include "smtp_session.h"
#include "tls_session.h"
#include "transaction.h"
#include "transcript.h"

#define DEFAULT_RCPT "postmaster"

struct send_ctx {
	const struct probe_opts *o;
	struct endpoint ep;
	struct transcript tr;
	struct session s;
	gnutls_certificate_credentials_t creds;
	char *body;                     /* --body-file contents, or NULL */
	char from[512];                 /* envelope sender */
	const char *to[PROBE_MAX_LIST]; /* envelope recipients */
	int nto;
	bool tls_up; /* the handshake succeeded */
	struct tls_facts tf;
	struct cert_facts cf;
	int accepted;       /* messages accepted */
	struct outcome out; /* the last outcome */
};

/* Everything that can fail before connecting; 0, or -1 after a message. */
static int
send_prepare(struct send_ctx *x)
{
	const struct probe_opts *o = x->o;
	char err[600];
	int i;

	if (endpoint_parse(o->target, &x->ep, err, sizeof(err)) < 0)
		goto bad;
	if (o->body_file != NULL &&
	    (x->body = message_load_body(o->body_file, err, sizeof(err))) == NULL)
		goto bad;
	if (o->tls_version != TLS_VER_NONE &&
	    (x->creds = tls_creds_new(o->cafile, o->client_cert,
	                              o->client_key ? o->client_key : o->client_cert, err,
	                              sizeof(err))) == NULL)
		goto bad;
	snprintf(x->from, sizeof(x->from), "%s", o->from ? o->from : "");
	if (o->from == NULL)
		snprintf(x->from, sizeof(x->from), "tlspolicy-probe@%s", session_helo_name(o));
	for (i = 0; i < o->nto; i++)
		x->to[x->nto++] = o->to[i];
	if (x->nto == 0)
		x->to[x->nto++] = DEFAULT_RCPT;
	return 0;
bad:
	fprintf(stderr, "tlspolicy-probe: %s\n", err);
	return -1;
}

/* What the handshake gave, in the transcript. */
static void
log_tls(struct send_ctx *x)
{
	transcript_add(&x->tr, TR_INFO, "TLS %s with cipher %s (%d bits)", x->tf.version,
	               x->tf.cipher, x->tf.bits);
	transcript_add(&x->tr, TR_INFO, "GnuTLS %s, key exchange %s%s%s", x->tf.cipher_gnutls,
	               x->tf.kx, x->tf.group[0] ? " " : "", x->tf.group);
	if (x->cf.present)
		transcript_add(&x->tr, TR_INFO, "certificate %s, expires %s, chain %s",
		               x->cf.subject, x->cf.not_after,
		               x->cf.verified ? "verified" : "not verified");
}

/* Connect, greet, STARTTLS, EHLO again, AUTH; false with x->out set when it stops. */
static bool
send_session(struct send_ctx *x)
{
	const struct probe_opts *o = x->o;
	char priority[512];
	int rc;

	if ((rc = session_open(&x->s, &x->ep, o, &x->tr)) == STEP_OK)
		rc = session_ehlo(&x->s);
	if (rc == STEP_OK && o->tls_version != TLS_VER_NONE) {
		tls_priority(o->tls_version, o->cipher, priority, sizeof(priority));
		transcript_add(&x->tr, TR_INFO, "TLS priority %s", priority);
		if ((rc = session_starttls(&x->s, x->creds, priority)) == STEP_OK) {
			x->tls_up = true;
			tls_describe(x->s.conn.tls, &x->tf);
			tls_peer_cert(x->s.conn.tls, x->ep.host, &x->cf);
			log_tls(x);
			if (o->ehlo_after_tls)
				rc = session_ehlo(&x->s);
		}
	}
	if (rc == STEP_OK && o->auth != NULL)
		rc = session_auth(&x->s, o->auth);
	if (rc == STEP_OK)
		return true;
	session_outcome(&x->s, rc, &x->out);
	return false;
}

static void
describe_tls(const struct send_ctx *x, char *buf, size_t size)
{
	if (x->tls_up)
		snprintf(buf, size, "%s with cipher %s (%d bits)", x->tf.version, x->tf.cipher,
		         x->tf.bits);
	else
		snprintf(buf, size, "none");
}

/* One transaction: MAIL, RCPT..., DATA, message; the result goes to x->out. */
static void
send_message(struct send_ctx *x, int seq)
{
	struct message_spec m;
	char tls[200];

	describe_tls(x, tls, sizeof(tls));
	memset(&m, 0, sizeof(m));
	m.from = x->from;
	m.to = x->to;
	m.nto = x->nto;
	m.header = x->o->header;
	m.nheader = x->o->nheader;
	m.subject = x->o->subject;
	m.body = x->body;
	m.helo = session_helo_name(x->o);
	m.tls = tls;
	m.tls_label = tls_version_label(x->o->tls_version);
	m.seq = seq;
	if (transaction_envelope(&x->s, &m, &x->out) && transaction_content(&x->s, &m, &x->out))
		x->accepted++;
}

static void
json_tls(struct json_out *j, const struct send_ctx *x)
{
	if (!x->tls_up) {
		json_string(j, "tls", NULL);
		return;
	}
	json_begin_object(j, "tls");
	json_string(j, "version", x->tf.version);
	json_string(j, "cipher", x->tf.cipher);
	json_string(j, "cipher_gnutls", x->tf.cipher_gnutls);
	json_string(j, "cipher_iana", x->tf.cipher_iana);
	json_int(j, "bits", x->tf.bits);
	json_string(j, "kx", x->tf.kx);
	json_string(j, "group", x->tf.group);
	json_string(j, "description", x->tf.description);
	json_end_object(j);
}

static void
send_report_json(const struct send_ctx *x)
{
	struct json_out j;
	size_t i;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "outcome", outcome_word(&x->out));
	if (x->out.code != 0)
		json_int(&j, "code", x->out.code);
	else
		json_string(&j, "code", NULL);
	json_string(&j, "xcode", x->out.xcode[0] ? x->out.xcode : NULL);
	json_string(&j, "text", x->out.text);
	json_string(&j, "stage", x->out.stage);
	json_tls(&j, x);
	json_int(&j, "messages", x->o->count);
	json_int(&j, "accepted", x->accepted);
	json_begin_array(&j, "transcript");
	for (i = 0; i < x->tr.nline; i++)
		json_string(&j, NULL, x->tr.line[i]);
	json_end_array(&j);
	json_end_object(&j);
}

int
send_run(const struct probe_opts *o)
{
	struct send_ctx x;
	char line[1200];
	int seq;

	memset(&x, 0, sizeof(x));
	x.o = o;
	if (send_prepare(&x) < 0) {
		free(x.body);
		return 1;
	}
	transcript_init(&x.tr, o->json || o->quiet ? NULL : stdout, o->json);
	if (send_session(&x)) {
		for (seq = 1; seq <= o->count; seq++) {
			send_message(&x, seq);
			outcome_line(&x.out, line, sizeof(line));
			if (o->count > 1)
				transcript_add(&x.tr, TR_INFO, "message %d: %s", seq, line);
			if (x.out.kind != OUTCOME_ACCEPTED)
				break;
		}
	}
	/* No QUIT after a failure (the server may be mid-handshake) or a 421. */
	session_close(&x.s, x.out.kind != OUTCOME_FAILED && x.out.code != 421);
	if (o->json) {
		send_report_json(&x);
	} else {
		outcome_line(&x.out, line, sizeof(line));
		printf("%s\n", line);
	}
	transcript_free(&x.tr);
	if (x.creds != NULL)
		gnutls_certificate_free_credentials(x.creds);
	free(x.body);
	return outcome_exit(&x.out);
}
