/*
 * NAME
 *	smtp_client.c -- SMTP line I/O and replies over plaintext or TLS
 *	(see smtp_client.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "smtp_client.h"
#include "tls_session.h"

#define MAX_REPLY_LINES 1000

void
smtp_conn_init(struct smtp_conn *c, int fd, int timeout, struct transcript *tr)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout = timeout;
	c->tr = tr;
}

static int fail(struct smtp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record why a call failed; returns -1 for the caller to pass on. */
static int
fail(struct smtp_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Wait for the socket; 0 when ready, -1 with c->err set. */
static int
wait_io(struct smtp_conn *c, const struct deadline *dl, short events)
{
	int rc = deadline_wait(dl, c->fd, events);

	if (rc > 0)
		return 0;
	if (rc == 0) {
		c->timed_out = true;
		return fail(c, "timeout after %d s", c->timeout);
	}
	return fail(c, "poll: %s", strerror(errno));
}

/* Read plaintext; bytes read, 0 at end of file, -1 on error. */
static ssize_t
plain_read(struct smtp_conn *c, char *buf, size_t size, const struct deadline *dl)
{
	ssize_t n;

	for (;;) {
		n = recv(c->fd, buf, size, 0);
		if (n >= 0)
			return n;
		if (errno == ECONNRESET)
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return fail(c, "read: %s", strerror(errno));
		if (wait_io(c, dl, POLLIN) < 0)
			return -1;
	}
}

/* Read through TLS; as plain_read(). A close without close_notify is an end of file. */
static ssize_t
tls_read(struct smtp_conn *c, char *buf, size_t size, const struct deadline *dl)
{
	ssize_t n;

	for (;;) {
		if (gnutls_record_check_pending(c->tls) == 0 && wait_io(c, dl, POLLIN) < 0)
			return -1;
		n = gnutls_record_recv(c->tls, buf, size);
		if (n >= 0)
			return n;
		if (n == GNUTLS_E_PREMATURE_TERMINATION)
			return 0;
		if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED &&
		    gnutls_error_is_fatal((int)n))
			return fail(c, "TLS read: %s", gnutls_strerror((int)n));
	}
}

/* Fill the input buffer with at least one more byte; -1 on error or end of file. */
static int
fill(struct smtp_conn *c, const struct deadline *dl)
{
	ssize_t n;

	if (c->eof)
		return fail(c, "%s", "connection closed by the server");
	if (c->tls != NULL)
		n = tls_read(c, c->in + c->inlen, sizeof(c->in) - c->inlen, dl);
	else
		n = plain_read(c, c->in + c->inlen, sizeof(c->in) - c->inlen, dl);
	if (n < 0)
		return -1;
	if (n == 0) {
		c->eof = true;
		return fail(c, "%s", "connection closed by the server");
	}
	c->inlen += (size_t)n;
	return 0;
}

/* Take one line (LF or CR LF) from the input; a last line without LF counts. */
static int
read_line(struct smtp_conn *c, char *line, size_t size, const struct deadline *dl)
{
	char *nl;
	size_t len;

	while ((nl = memchr(c->in, '\n', c->inlen)) == NULL) {
		if (c->inlen == sizeof(c->in))
			return fail(c, "%s", "reply line longer than 8 KB");
		if (fill(c, dl) < 0) {
			if (!c->eof || c->inlen == 0)
				return -1;
			nl = c->in + c->inlen;
			break;
		}
	}
	len = (size_t)(nl - c->in);
	if (len >= size)
		return fail(c, "%s", "reply line too long");
	memcpy(line, c->in, len);
	line[len > 0 && line[len - 1] == '\r' ? len - 1 : len] = '\0';
	len = nl < c->in + c->inlen ? len + 1 : len;
	memmove(c->in, c->in + len, c->inlen - len);
	c->inlen -= len;
	return 0;
}

int
smtp_read_reply(struct smtp_conn *c, struct smtp_reply *r)
{
	char line[SMTP_LINE_MAX];
	struct deadline dl;
	int more = 1;

	smtp_reply_reset(r);
	deadline_set(&dl, c->timeout);
	while (more == 1) {
		if (read_line(c, line, sizeof(line), &dl) < 0)
			return -1;
		transcript_add(c->tr, c->tls ? TR_RECV_TLS : TR_RECV, "%s", line);
		if ((more = smtp_reply_add_line(r, line)) < 0)
			return fail(c, "malformed reply line: %.200s", line);
		if (r->nlines > MAX_REPLY_LINES)
			return fail(c, "%s", "reply longer than 1000 lines");
	}
	return 0;
}

/* Write plaintext; 0 or -1. */
static int
plain_write(struct smtp_conn *c, const char *data, size_t len, const struct deadline *dl)
{
	ssize_t n;

	while (len > 0) {
		n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			return fail(c, "write: %s", strerror(errno));
		} else if (wait_io(c, dl, POLLOUT) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Write through TLS; after GNUTLS_E_AGAIN GnuTLS wants the same call again. */
static int
tls_write(struct smtp_conn *c, const char *data, size_t len, const struct deadline *dl)
{
	ssize_t n;

	while (len > 0) {
		n = gnutls_record_send(c->tls, data, len);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		} else if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED) {
			return fail(c, "TLS write: %s", gnutls_strerror((int)n));
		} else if (wait_io(c, dl, gnutls_record_get_direction(c->tls) ? POLLOUT : POLLIN) <
		           0) {
			return -1;
		}
	}
	return 0;
}

int
smtp_send_data(struct smtp_conn *c, const char *data, size_t len)
{
	struct deadline dl;

	deadline_set(&dl, c->timeout);
	if (c->tls != NULL)
		return tls_write(c, data, len, &dl);
	return plain_write(c, data, len, &dl);
}

int
smtp_send_line(struct smtp_conn *c, const char *line, const char *shown)
{
	char buf[SMTP_LINE_MAX];
	int n;

	transcript_add(c->tr, c->tls ? TR_SEND_TLS : TR_SEND, "%s", shown ? shown : line);
	n = snprintf(buf, sizeof(buf), "%s\r\n", line);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return fail(c, "%s", "command too long");
	return smtp_send_data(c, buf, (size_t)n);
}

int
smtp_command(struct smtp_conn *c, struct smtp_reply *r, const char *line, const char *shown)
{
	char why[sizeof(c->err)];

	c->timed_out = false;
	if (smtp_send_line(c, line, shown) == 0)
		return smtp_read_reply(c, r);
	if (c->timed_out)
		return -1;
	memcpy(why, c->err, sizeof(why));
	if (smtp_read_reply(c, r) == 0)
		return 0;
	if (!c->eof)
		memcpy(c->err, why, sizeof(why));
	return -1;
}

int
smtp_start_tls(struct smtp_conn *c, gnutls_session_t s, char *err, size_t errlen)
{
	if (c->inlen > 0)
		transcript_add(c->tr, TR_INFO, "discarding %zu bytes sent before the TLS handshake",
		               c->inlen);
	c->inlen = 0;
	if (tls_handshake(s, c->fd, c->timeout, err, errlen) < 0) {
		gnutls_deinit(s);
		return -1;
	}
	c->tls = s;
	return 0;
}

void
smtp_conn_close(struct smtp_conn *c)
{
	if (c->tls != NULL) {
		(void)gnutls_bye(c->tls, GNUTLS_SHUT_WR);
		gnutls_deinit(c->tls);
		c->tls = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
