/*
 * NAME
 *	message.c -- the test message that send transmits after DATA
 *	(see message.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "message.h"
#include "xalloc.h"

#define BODY_MAX (64 * 1024 * 1024)

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

static void
buf_add(struct buf *b, const char *data, size_t len)
{
	while (b->len + len + 1 > b->cap) {
		b->cap = b->cap ? 2 * b->cap : 4096;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* Add text as SMTP data lines: CR LF line ends, a leading dot doubled. */
static void
buf_add_lines(struct buf *b, const char *text)
{
	const char *nl;
	size_t len;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		len = nl != NULL ? (size_t)(nl - text) : strlen(text);
		if (len > 0 && text[len - 1] == '\r')
			len--;
		if (text[0] == '.')
			buf_add(b, ".", 1);
		buf_add(b, text, len);
		buf_add(b, "\r\n", 2);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

static void buf_printf_line(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf_line(struct buf *b, const char *fmt, ...)
{
	char line[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_add_lines(b, line);
}

char *
message_load_body(const char *path, char *err, size_t errlen)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct buf b = {NULL, 0, 0};
	char chunk[8192];
	size_t n;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len <= BODY_MAX)
		buf_add(&b, chunk, n);
	if (ferror(fp) || b.len > BODY_MAX) {
		snprintf(err, errlen, "%s: %s", path,
		         ferror(fp) ? strerror(errno) : "larger than 64 MB");
		free(b.data);
		b.data = NULL;
	}
	if (fp != stdin)
		fclose(fp);
	return b.data;
}

static void
add_to_header(struct buf *b, const struct message_spec *m)
{
	int i;

	buf_add(b, "To: ", 4);
	for (i = 0; i < m->nto; i++) {
		if (i > 0)
			buf_add(b, ",\r\n ", 4);
		buf_add(b, m->to[i], strlen(m->to[i]));
	}
	buf_add(b, "\r\n", 2);
}

static void
add_headers(struct buf *b, const struct message_spec *m)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	buf_printf_line(b, "Date: %s", date);
	buf_printf_line(b, "From: <%s>", m->from);
	add_to_header(b, m);
	if (m->subject != NULL)
		buf_printf_line(b, "Subject: %s", m->subject);
	else
		buf_printf_line(b, "Subject: tlspolicy-probe test message %d (TLS %s)", m->seq,
		                m->tls_label);
	buf_printf_line(b, "Message-ID: <%lld.%ld.%d.tlspolicy-probe@%s>", (long long)now,
	                (long)getpid(), m->seq, m->helo);
	for (i = 0; i < m->nheader; i++)
		buf_printf_line(b, "%s", m->header[i]);
	buf_add(b, "\r\n", 2);
}

char *
message_build(const struct message_spec *m, size_t *len)
{
	struct buf b = {NULL, 0, 0};

	add_headers(&b, m);
	if (m->body != NULL)
		buf_add_lines(&b, m->body);
	else
		buf_printf_line(&b,
		                "This is test message %d from tlspolicy-probe.\n"
		                "It was sent with TLS: %s.\n",
		                m->seq, m->tls);
	buf_add(&b, ".\r\n", 3);
	*len = b.len;
	return b.data;
}
