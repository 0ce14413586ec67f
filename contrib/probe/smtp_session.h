/*
 * NAME
 *	smtp_session.h -- an SMTP session up to the mail transaction
 *
 * SYNOPSIS
 *	#include "smtp_session.h"
 *
 *	int	session_open(struct session *s, const struct endpoint *ep,
 *			    const struct probe_opts *o, struct transcript *tr);
 *	int	session_ehlo(struct session *s);
 *	int	session_starttls(struct session *s,
 *			    gnutls_certificate_credentials_t creds,
 *			    const char *priority);
 *	int	session_auth(struct session *s, const char *user_pass);
 *	void	session_close(struct session *s, bool quit);
 *	void	session_outcome(const struct session *s, int status,
 *			    struct outcome *out);
 *
 * DESCRIPTION
 *	The steps every use of the probe shares. session_open() connects
 *	and reads the greeting; session_ehlo() says EHLO with the configured
 *	name; session_starttls() checks that STARTTLS is offered, sends it
 *	and runs the handshake with the given GnuTLS priority string;
 *	session_auth() logs in with AUTH PLAIN (or LOGIN when only that is
 *	offered); session_close() sends QUIT when quit is true and the
 *	server has not closed, then closes the connection.
 *
 *	Each step returns STEP_OK, STEP_REPLY (the server answered with an
 *	unexpected reply, kept in s->reply) or STEP_FAILED (no usable reply;
 *	the reason is in s->err). s->stage names the step that was running.
 *	session_outcome() turns that into an outcome.
 *
 *	The secrets given to AUTH are never logged; the transcript shows
 *	"<credentials hidden>" in their place.
 */
#ifndef SMTP_SESSION_H
#define SMTP_SESSION_H

#include <stdbool.h>
#include <gnutls/gnutls.h>

#include "endpoint.h"
#include "outcome.h"
#include "probe.h"
#include "smtp_client.h"
#include "smtp_reply.h"
#include "transcript.h"

enum { STEP_OK, STEP_REPLY, STEP_FAILED };

struct session {
	struct smtp_conn conn;
	const struct probe_opts *opts;
	const struct endpoint *ep;
	const char *stage;       /* the step running or last run */
	struct smtp_reply reply; /* the last reply */
	struct smtp_reply ehlo;  /* the last EHLO reply */
	bool ehlo_valid;         /* ehlo describes the current TLS state */
	bool connected;
	char banner[1024]; /* the greeting, lines joined */
	char err[512];     /* why a step failed */
};

int session_open(struct session *s, const struct endpoint *ep, const struct probe_opts *o,
                 struct transcript *tr);
int session_ehlo(struct session *s);
int session_starttls(struct session *s, gnutls_certificate_credentials_t creds,
                     const char *priority);
int session_auth(struct session *s, const char *user_pass);
void session_close(struct session *s, bool quit);
void session_outcome(const struct session *s, int status, struct outcome *out);

/* The client's EHLO name: --ehlo, or the local host name. */
const char *session_helo_name(const struct probe_opts *o);

#endif
