/*
 * notice_mail.c -- RFC 5322 messages for tlspolicy-report notices
 * (see notice_mail.h)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "notice_mail.h"

#define LINE_SOFT 78  /* RFC 5322: should */
#define LINE_HARD 998 /* RFC 5322: must */
#define WORD_MAX  75  /* RFC 2047: an encoded word */

static const char atext_specials[] = "!#$%&'*+-/=?^_`{|}~";

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* dot_atoms - atoms of allowed characters separated by single dots */
static int
dot_atoms(const char *s, const char *end, int domain)
{
	int atom = 0;

	if (s == end)
		return 0;
	for (; s < end; s++) {
		if (*s == '.') {
			if (atom == 0)
				return 0;
			atom = 0;
		} else if (is_alnum((unsigned char)*s) ||
		           (domain ? *s == '-'
		                   : strchr(atext_specials, *s) != NULL && *s != '\0')) {
			atom++;
		} else {
			return 0;
		}
	}
	return atom > 0;
}

int
mail_address_valid(const char *addr)
{
	const char *at;
	size_t len;

	if (addr == NULL || (len = strlen(addr)) == 0 || len > 254 ||
	    (at = strrchr(addr, '@')) == NULL || at - addr > 64)
		return 0;
	return dot_atoms(addr, at, 0) && dot_atoms(at + 1, addr + len, 1) &&
	       strchr(at + 1, '.') != NULL;
}

/* utf8_len - length of the valid UTF-8 character at s, or 0 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min, cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void
mail_text(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		size_t n = utf8_len(p, (size_t)(end - p));

		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			strbuf_add(out, "?", 1);
			p++;
		} else {
			strbuf_add(out, (const char *)p, n);
			p += n;
		}
	}
}

static int
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* fold_ascii - "Name: value" folded at blanks within LINE_SOFT where possible */
static void
fold_ascii(struct strbuf *out, size_t col, const char *v)
{
	while (*v != '\0') {
		const char *word = v, *next;
		size_t wlen;

		while (*word == ' ')
			word++;
		next = word;
		while (*next != '\0' && *next != ' ')
			next++;
		wlen = (size_t)(next - v); /* the blanks before the word, and the word */
		if (col > 1 && col + wlen > LINE_SOFT && word > v) {
			strbuf_puts(out, "\n");
			col = 0;
		}
		strbuf_add(out, v, wlen);
		col += wlen;
		v = next;
	}
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64(struct strbuf *out, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
		             (i + 2 < n ? s[i + 2] : 0);
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
		             i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '='};

		strbuf_add(out, q, 4);
	}
}

/*
 * encoded_words - RFC 2047 B words of at most WORD_MAX characters, one per
 * line, the first starting at column col, all within LINE_SOFT.
 */
static void
encoded_words(struct strbuf *out, size_t col, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t left = strlen(v);
	int first = 1;

	while (left > 0) {
		/* "=?utf-8?B?" and "?=" take 12; 4 base64 characters carry 3 bytes */
		size_t room = LINE_SOFT - (first ? col : 1) - 12;
		size_t chunk, n = 0;

		if (room > WORD_MAX - 12)
			room = WORD_MAX - 12;
		chunk = room / 4 * 3;
		if (chunk < 6)
			chunk = 6; /* a name too long for a word on its line: never loop */
		while (n < left) {
			size_t c = utf8_len(p + n, left - n);

			if (c == 0)
				c = 1;
			if (n + c > chunk && n > 0)
				break;
			n += c;
		}
		strbuf_puts(out, first ? "=?utf-8?B?" : "\n =?utf-8?B?");
		base64(out, p, n);
		strbuf_puts(out, "?=");
		p += n;
		left -= n;
		first = 0;
	}
}

void
mail_header(struct strbuf *out, const char *name, const char *value)
{
	struct strbuf clean;

	strbuf_init(&clean);
	mail_text(&clean, value, strlen(value));
	strbuf_printf(out, "%s: ", name);
	if (is_ascii(clean.s))
		fold_ascii(out, strlen(name) + 2, clean.s);
	else
		encoded_words(out, strlen(name) + 2, clean.s);
	strbuf_puts(out, "\n");
	strbuf_free(&clean);
}

void
mail_date(char *buf, size_t size, time_t when)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&when, &tm);
	snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
	         months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* longest_line - bytes in the longest line of text */
static size_t
longest_line(const char *text)
{
	size_t max = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		if (n > max)
			max = n;
		text += n + (nl != NULL);
	}
	return max;
}

/* quoted_printable - RFC 2045 section 6.7 */
static void
quoted_printable(struct strbuf *out, const char *text)
{
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		char enc[4];
		size_t n;

		if (*p == '\n') {
			strbuf_puts(out, "\n");
			col = 0;
			continue;
		}
		if ((*p == ' ' || *p == '\t') && (p[1] == '\n' || p[1] == '\0'))
			n = (size_t)snprintf(enc, sizeof(enc), "=%02X", *p);
		else if (*p == '=' || *p >= 0x7f || (*p < 0x20 && *p != '\t'))
			n = (size_t)snprintf(enc, sizeof(enc), "=%02X", *p);
		else
			enc[0] = (char)*p, enc[1] = '\0', n = 1;
		if (col + n > 75) {
			strbuf_puts(out, "=\n");
			col = 0;
		}
		strbuf_add(out, enc, n);
		col += n;
	}
}

const char *
mail_body(struct strbuf *out, const char *text)
{
	if (longest_line(text) <= LINE_HARD) {
		strbuf_puts(out, text);
		return "8bit";
	}
	quoted_printable(out, text);
	return "quoted-printable";
}
