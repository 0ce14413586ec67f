/*
 * NAME
 *	smtp_reply.c -- parse SMTP replies, single- and multi-line
 *	(see smtp_reply.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smtp_reply.h"

void
smtp_reply_reset(struct smtp_reply *r)
{
	r->code = 0;
	r->xcode[0] = '\0';
	r->text[0] = '\0';
	r->len = 0;
	r->nlines = 0;
}

/* Length of a run of 1-3 digits at s, or 0. */
static size_t
digits13(const char *s)
{
	size_t n = 0;

	while (n < 4 && isdigit((unsigned char)s[n]))
		n++;
	return n >= 1 && n <= 3 ? n : 0;
}

/*
 * Length of an RFC 3463 code "C.SSS.DDD" of class cls at the start of
 * text, followed by a space or the end; 0 when there is none.
 */
static size_t
xcode_length(const char *text, int cls)
{
	size_t n, m;

	if (text[0] != '0' + cls || text[1] != '.')
		return 0;
	if ((n = digits13(text + 2)) == 0 || text[2 + n] != '.')
		return 0;
	if ((m = digits13(text + 3 + n)) == 0)
		return 0;
	n += 3 + m;
	return text[n] == ' ' || text[n] == '\0' ? n : 0;
}

static void
append_text(struct smtp_reply *r, const char *text)
{
	int n;

	if (r->len >= sizeof(r->text) - 1)
		return;
	n = snprintf(r->text + r->len, sizeof(r->text) - r->len, "%s%s", r->nlines ? "\n" : "",
	             text);
	r->len += (size_t)n;
	if (r->len > sizeof(r->text) - 1)
		r->len = sizeof(r->text) - 1;
}

int
smtp_reply_add_line(struct smtp_reply *r, const char *line)
{
	const char *text;
	size_t n;
	char sep;

	if (line[0] < '1' || line[0] > '5' || !isdigit((unsigned char)line[1]) ||
	    !isdigit((unsigned char)line[2]))
		return -1;
	sep = line[3];
	if (sep != '\0' && sep != ' ' && sep != '-')
		return -1;
	text = sep == '\0' ? "" : line + 4;
	if (r->nlines == 0) {
		r->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		n = xcode_length(text, r->code / 100);
		if (n > 0 && n < sizeof(r->xcode)) {
			memcpy(r->xcode, text, n);
			r->xcode[n] = '\0';
		}
	}
	append_text(r, text);
	r->nlines++;
	return sep == '-' ? 1 : 0;
}

/* Append len bytes of text to buf, with a space before all but the first. */
static void
join_text(char *buf, size_t size, size_t *used, const char *text, size_t len)
{
	int n;

	if (len == 0 || *used >= size - 1)
		return;
	n = snprintf(buf + *used, size - *used, "%s%.*s", *used ? " " : "", (int)len, text);
	*used += (size_t)n;
	if (*used > size - 1)
		*used = size - 1;
}

void
smtp_reply_summary(const struct smtp_reply *r, char *buf, size_t size)
{
	const char *p, *nl;
	size_t xlen = strlen(r->xcode), used = 0, len;

	buf[0] = '\0';
	for (p = r->text;; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (xlen > 0 && len >= xlen && strncmp(p, r->xcode, xlen) == 0) {
			p += xlen;
			len -= xlen;
			for (; len > 0 && *p == ' '; len--)
				p++;
		}
		join_text(buf, size, &used, p, len);
		if (nl == NULL)
			break;
	}
}

bool
smtp_reply_ehlo_keyword(const struct smtp_reply *r, const char *keyword, char *args, size_t size)
{
	const char *p, *nl;
	size_t klen = strlen(keyword), len;

	if ((p = strchr(r->text, '\n')) == NULL)
		return false;
	for (p++; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len >= klen && strncasecmp(p, keyword, klen) == 0 &&
		    (len == klen || p[klen] == ' ')) {
			if (args != NULL)
				snprintf(args, size, "%.*s", (int)(len > klen ? len - klen - 1 : 0),
				         len > klen ? p + klen + 1 : "");
			return true;
		}
		if (nl == NULL)
			break;
	}
	return false;
}
