/*
 * fuzz_smtp_reply.c -- libFuzzer target: the probe's SMTP reply parser
 *
 * DESCRIPTION
 *	The input is what an SMTP server sends. It is parsed twice:
 *
 *	Line by line through smtp_reply_add_line() (split at LF, a CR before
 *	it dropped), as many replies as it holds. A line is refused exactly
 *	when it does not start with a code 1xx-5xx followed by the end, a
 *	space or a hyphen; a complete reply keeps the code of its first
 *	line, an enhanced code of the same class found at the start of its
 *	text (or none), its lines counted, its text bounded. The summary and
 *	the EHLO keyword look-up stay within their buffers, and the summary
 *	is one line.
 *
 *	Through the probe's own reader: the bytes come from a socket (the
 *	peer has closed after sending them), smtp_read_reply() is called
 *	until it fails, and every transcript line must be free of control
 *	characters; a failure must say why.
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "smtp_client.h"
#include "smtp_reply.h"
#include "transcript.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static int
is_reply_line(const char *l)
{
	return l[0] >= '1' && l[0] <= '5' && isdigit((unsigned char)l[1]) &&
	       isdigit((unsigned char)l[2]) && (l[3] == '\0' || l[3] == ' ' || l[3] == '-');
}

static void
check_reply(const struct smtp_reply *r, const char *first, int lines)
{
	static const char *const keywords[] = {"STARTTLS", "AUTH", "SIZE", "8BITMIME", ""};
	char summary[512], args[64];
	size_t xl = strlen(r->xcode);
	const char *text = first[3] == '\0' ? "" : first + 4;

	fuzz_check(r->code == atoi((char[4]){first[0], first[1], first[2], '\0'}),
	           "code is not the first line's", first);
	fuzz_check(r->nlines == lines, "lines not counted", first);
	fuzz_check(r->len == strlen(r->text) && r->len < SMTP_REPLY_MAX, "text length", r->text);
	if (xl > 0) {
		fuzz_check(r->xcode[0] - '0' == r->code / 100 && r->xcode[1] == '.',
		           "enhanced code of another class", r->xcode);
		fuzz_check(strncmp(text, r->xcode, xl) == 0,
		           "enhanced code not from the first line", r->xcode);
	}
	smtp_reply_summary(r, summary, sizeof(summary));
	fuzz_check(strlen(summary) < sizeof(summary) && strchr(summary, '\n') == NULL,
	           "summary not one bounded line", summary);
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (smtp_reply_ehlo_keyword(r, keywords[i], args, sizeof(args)))
			fuzz_check(strlen(args) < sizeof(args), "EHLO arguments over the buffer",
			           args);
		smtp_reply_ehlo_keyword(r, keywords[i], NULL, 0);
	}
}

/* Feed the input line by line to smtp_reply_add_line(). */
static void
parse_lines(const uint8_t *data, size_t size)
{
	static struct smtp_reply r;
	static char line[SMTP_LINE_MAX + 1], first[SMTP_LINE_MAX + 1];
	const uint8_t *p = data, *end = data + size, *nl;
	int lines = 0, more;
	size_t n;

	smtp_reply_reset(&r);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > SMTP_LINE_MAX)
			n = SMTP_LINE_MAX;
		memcpy(line, p, n);
		line[n > 0 && line[n - 1] == '\r' ? n - 1 : n] = '\0';
		p = nl != NULL ? nl + 1 : end;
		if (lines == 0)
			memcpy(first, line, strlen(line) + 1);
		more = smtp_reply_add_line(&r, line);
		fuzz_check((more < 0) == !is_reply_line(line), "line refused or taken wrongly",
		           line);
		if (more < 0) {
			smtp_reply_reset(&r);
			lines = 0;
			continue;
		}
		lines++;
		fuzz_check(more == (line[3] == '-'), "continuation not recognised", line);
		if (more == 0) {
			check_reply(&r, first, lines);
			smtp_reply_reset(&r);
			lines = 0;
		}
	}
}

/* Read the input through a socket with the probe's reader. */
static void
read_socket(const uint8_t *data, size_t size)
{
	struct transcript tr;
	struct smtp_conn c;
	struct smtp_reply r;
	int sv[2], replies = 0;
	size_t i, done = 0;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	while (done < size && (n = write(sv[1], data + done, size - done)) > 0)
		done += (size_t)n;
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	transcript_init(&tr, NULL, true);
	smtp_conn_init(&c, sv[0], 2, &tr);
	while (smtp_read_reply(&c, &r) == 0 && replies++ < 10000)
		fuzz_check(r.code >= 100 && r.code <= 599 && r.nlines >= 1, "reply read wrongly",
		           r.text);
	fuzz_check(c.err[0] != '\0', "reading stopped without saying why", NULL);
	fuzz_check(!c.timed_out, "timed out on a closed socket", c.err);
	for (i = 0; i < tr.nline; i++)
		fuzz_check(!fuzz_has_control(tr.line[i]), "control character in the transcript",
		           tr.line[i]);
	transcript_free(&tr);
	close(sv[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0; /* more than a socket buffer holds */
	parse_lines(data, size);
	read_socket(data, size);
	return 0;
}
