/*
 * NAME
 *	smtp_session.c -- an SMTP session up to the mail transaction
 *	(see smtp_session.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gnutls/gnutls.h>

#include "smtp_session.h"
#include "tls_session.h"

#define HIDDEN "<credentials hidden>"

const char *
session_helo_name(const struct probe_opts *o)
{
	static char name[256];

	if (o->ehlo != NULL)
		return o->ehlo;
	if (name[0] == '\0' && (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0'))
		snprintf(name, sizeof(name), "localhost");
	return name;
}

/* A step failed without a usable reply: keep the connection's reason. */
static int
step_failed(struct session *s, const char *reason)
{
	snprintf(s->err, sizeof(s->err), "%s", reason);
	return STEP_FAILED;
}

/* Send a command; STEP_OK when the reply code is the expected one. */
static int
step_command(struct session *s, int expect, const char *line, const char *shown)
{
	if (smtp_command(&s->conn, &s->reply, line, shown) < 0)
		return step_failed(s, s->conn.err);
	return s->reply.code == expect ? STEP_OK : STEP_REPLY;
}

int
session_open(struct session *s, const struct endpoint *ep, const struct probe_opts *o,
             struct transcript *tr)
{
	char err[512], summary[900];
	int fd;

	memset(s, 0, sizeof(*s));
	s->opts = o;
	s->ep = ep;
	s->stage = "CONNECT";
	smtp_conn_init(&s->conn, -1, o->timeout, tr);
	if ((fd = endpoint_connect(ep, o->source, o->timeout, err, sizeof(err))) < 0)
		return step_failed(s, err);
	s->conn.fd = fd;
	s->connected = true;
	transcript_add(tr, TR_INFO, "connected to %s port %s%s%s", ep->host, ep->port,
	               o->source ? " from " : "", o->source ? o->source : "");
	if (smtp_read_reply(&s->conn, &s->reply) < 0)
		return step_failed(s, s->conn.err);
	smtp_reply_summary(&s->reply, summary, sizeof(summary));
	snprintf(s->banner, sizeof(s->banner), "%d %s", s->reply.code, summary);
	return s->reply.code == 220 ? STEP_OK : STEP_REPLY;
}

int
session_ehlo(struct session *s)
{
	char line[300];
	int rc;

	s->stage = "EHLO";
	snprintf(line, sizeof(line), "EHLO %s", session_helo_name(s->opts));
	rc = step_command(s, 250, line, NULL);
	if (rc == STEP_OK) {
		s->ehlo = s->reply;
		s->ehlo_valid = true;
	}
	return rc;
}

int
session_starttls(struct session *s, gnutls_certificate_credentials_t creds, const char *priority)
{
	gnutls_session_t tls;
	char err[512];
	int rc;

	s->stage = "STARTTLS";
	if (!smtp_reply_ehlo_keyword(&s->ehlo, "STARTTLS", NULL, 0))
		return step_failed(s, "server does not offer STARTTLS");
	if ((rc = step_command(s, 220, "STARTTLS", NULL)) != STEP_OK)
		return rc;
	s->stage = "TLS";
	s->ehlo_valid = false;
	if ((tls = tls_session_new(creds, priority, s->ep->host, err, sizeof(err))) == NULL)
		return step_failed(s, err);
	if (smtp_start_tls(&s->conn, tls, err, sizeof(err)) < 0)
		return step_failed(s, err);
	return STEP_OK;
}

/* Base64 of len bytes, into buf. */
static void
base64(const char *data, size_t len, char *buf, size_t size)
{
	gnutls_datum_t in = {(unsigned char *)data, (unsigned int)len}, out;

	buf[0] = '\0';
	if (gnutls_base64_encode2(&in, &out) == 0) {
		snprintf(buf, size, "%.*s", (int)out.size, (const char *)out.data);
		gnutls_free(out.data);
	}
}

static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static int
auth_plain(struct session *s, const char *user, const char *pass)
{
	char raw[600], enc[900], line[1000];
	int n;

	n = snprintf(raw, sizeof(raw), "%c%s%c%s", 0, user, 0, pass);
	base64(raw, (size_t)n, enc, sizeof(enc));
	explicit_bzero(raw, sizeof(raw));
	snprintf(line, sizeof(line), "AUTH PLAIN %s", enc);
	n = step_command(s, 235, line, "AUTH PLAIN " HIDDEN);
	explicit_bzero(line, sizeof(line));
	explicit_bzero(enc, sizeof(enc));
	return n;
}

static int
auth_login(struct session *s, const char *user, const char *pass)
{
	char enc[900];
	int rc;

	if ((rc = step_command(s, 334, "AUTH LOGIN", NULL)) != STEP_OK)
		return rc;
	base64(user, strlen(user), enc, sizeof(enc));
	if ((rc = step_command(s, 334, enc, HIDDEN)) != STEP_OK)
		return rc;
	base64(pass, strlen(pass), enc, sizeof(enc));
	rc = step_command(s, 235, enc, HIDDEN);
	explicit_bzero(enc, sizeof(enc));
	return rc;
}

int
session_auth(struct session *s, const char *user_pass)
{
	char user[256], mechs[256] = "";
	const char *colon = strchr(user_pass, ':');
	bool offered = false;

	s->stage = "AUTH";
	snprintf(user, sizeof(user), "%.*s", (int)(colon - user_pass), user_pass);
	if (s->ehlo_valid &&
	    !(offered = smtp_reply_ehlo_keyword(&s->ehlo, "AUTH", mechs, sizeof(mechs))))
		return step_failed(s, "server does not offer AUTH on this connection");
	if (!offered || has_word(mechs, "PLAIN"))
		return auth_plain(s, user, colon + 1);
	if (has_word(mechs, "LOGIN"))
		return auth_login(s, user, colon + 1);
	snprintf(s->err, sizeof(s->err), "server offers neither PLAIN nor LOGIN (AUTH %s)", mechs);
	return STEP_FAILED;
}

void
session_close(struct session *s, bool quit)
{
	struct smtp_reply r;

	if (quit && s->connected && !s->conn.eof && smtp_send_line(&s->conn, "QUIT", NULL) == 0)
		(void)smtp_read_reply(&s->conn, &r);
	smtp_conn_close(&s->conn);
	s->connected = false;
}

void
session_outcome(const struct session *s, int status, struct outcome *out)
{
	if (status == STEP_REPLY)
		outcome_from_reply(out, s->stage, &s->reply);
	else
		outcome_failed(out, s->stage, s->err);
}
