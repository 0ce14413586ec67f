/*
 * NAME
 *	transaction.c -- one mail transaction in an open SMTP session
 *	(see transaction.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include "transaction.h"

/* One command of the transaction; false with out set unless the reply is expect. */
static bool
transaction_step(struct session *s, struct outcome *out, const char *stage, const char *line,
                 int expect)
{
	s->stage = stage;
	if (smtp_command(&s->conn, &s->reply, line, NULL) < 0) {
		outcome_failed(out, stage, s->conn.err);
		return false;
	}
	if (s->reply.code / 100 == expect / 100)
		return true;
	outcome_from_reply(out, stage, &s->reply);
	return false;
}

bool
transaction_envelope(struct session *s, const struct message_spec *m, struct outcome *out)
{
	struct smtp_reply decisive;
	char line[600];
	int i, ok = 0;

	snprintf(line, sizeof(line), "MAIL FROM:<%s>", m->from);
	if (!transaction_step(s, out, "MAIL", line, 250))
		return false;
	decisive.code = 0;
	for (i = 0; i < m->nto; i++) {
		snprintf(line, sizeof(line), "RCPT TO:<%s>", m->to[i]);
		if (transaction_step(s, out, "RCPT", line, 250)) {
			ok++;
			continue;
		}
		if (out->kind == OUTCOME_FAILED || s->reply.code == 421)
			return false;
		/* The first 4xx decides; without one, the last 5xx. */
		if (decisive.code == 0 || decisive.code >= 500)
			decisive = s->reply;
	}
	if (ok > 0)
		return true;
	outcome_from_reply(out, "RCPT", &decisive);
	return false;
}

bool
transaction_content(struct session *s, const struct message_spec *m, struct outcome *out)
{
	char *text;
	size_t len;

	if (!transaction_step(s, out, "DATA", "DATA", 354))
		return false;
	text = message_build(m, &len);
	transcript_add(s->conn.tr, s->conn.tls != NULL ? TR_SEND_TLS : TR_SEND,
	               "<message %d: %zu bytes>", m->seq, len);
	s->stage = "EOM";
	if (smtp_send_data(&s->conn, text, len) < 0 && s->conn.timed_out)
		outcome_failed(out, "EOM", s->conn.err);
	else if (smtp_read_reply(&s->conn, &s->reply) < 0)
		outcome_failed(out, "EOM", s->conn.err);
	else
		outcome_from_reply(out, "EOM", &s->reply);
	free(text);
	return out->kind == OUTCOME_ACCEPTED;
}
