/*
 * NAME
 *	smtp_client.h -- SMTP line I/O and replies over plaintext or TLS
 *
 * SYNOPSIS
 *	#include "smtp_client.h"
 *
 *	void	smtp_conn_init(struct smtp_conn *c, int fd, int timeout,
 *			    struct transcript *tr);
 *	int	smtp_read_reply(struct smtp_conn *c, struct smtp_reply *r);
 *	int	smtp_send_line(struct smtp_conn *c, const char *line,
 *			    const char *shown);
 *	int	smtp_send_data(struct smtp_conn *c, const char *data,
 *			    size_t len);
 *	int	smtp_command(struct smtp_conn *c, struct smtp_reply *r,
 *			    const char *line, const char *shown);
 *	int	smtp_start_tls(struct smtp_conn *c, gnutls_session_t s,
 *			    char *err, size_t errlen);
 *	void	smtp_conn_close(struct smtp_conn *c);
 *
 * DESCRIPTION
 *	A connection wraps a connected non-blocking socket. Every step (one
 *	reply, one command, one block of message data) must finish within
 *	timeout seconds; waits use poll() and restart after EINTR.
 *
 *	smtp_read_reply() reads one complete reply, however the server
 *	splits it across packets, and adds its lines to the transcript.
 *
 *	smtp_send_line() sends one command line (CR LF is added) and logs it,
 *	or logs shown instead when it is not NULL (to hide passwords).
 *	smtp_send_data() sends message data without logging it.
 *
 *	smtp_command() sends a command line as smtp_send_line() does and
 *	reads the reply. When the send fails because the server has closed
 *	the connection, it still reads the reply the server may have sent
 *	before closing (a 421, typically).
 *
 *	smtp_start_tls() runs the TLS handshake with session s, which the
 *	connection then owns (on failure it is freed at once). Plaintext
 *	the server sent after its 220 reply to STARTTLS is discarded, never
 *	read as if it came through TLS.
 *
 *	smtp_conn_close() ends TLS, closes the socket and frees the session.
 *
 * DIAGNOSTICS
 *	Functions return 0 on success and -1 on failure, with the reason in
 *	c->err: "timeout after 30 s", "connection closed by the server",
 *	"malformed reply line: ...", or the system's or GnuTLS's message.
 */
#ifndef SMTP_CLIENT_H
#define SMTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <gnutls/gnutls.h>

#include "smtp_reply.h"
#include "transcript.h"

#define SMTP_LINE_MAX 8192

struct smtp_conn {
	int fd;                 /* connected socket */
	gnutls_session_t tls;   /* NULL until smtp_start_tls() */
	int timeout;            /* seconds per step */
	struct transcript *tr;  /* where lines are logged */
	char in[SMTP_LINE_MAX]; /* received, not yet used */
	size_t inlen;
	bool eof;       /* the server closed its side */
	bool timed_out; /* the last failure was a timeout */
	char err[512];  /* why the last call failed */
};

void smtp_conn_init(struct smtp_conn *c, int fd, int timeout, struct transcript *tr);
int smtp_read_reply(struct smtp_conn *c, struct smtp_reply *r);
int smtp_send_line(struct smtp_conn *c, const char *line, const char *shown);
int smtp_send_data(struct smtp_conn *c, const char *data, size_t len);
int smtp_command(struct smtp_conn *c, struct smtp_reply *r, const char *line, const char *shown);
int smtp_start_tls(struct smtp_conn *c, gnutls_session_t s, char *err, size_t errlen);
void smtp_conn_close(struct smtp_conn *c);

#endif
