/*
 * escape.c -- quoting for JSON, CSV and HTML output (see escape.h)
 */
#include "config.h"

#include <string.h>

#include "escape.h"

/* utf8_valid_prefix - length of the valid UTF-8 sequence at s, or 0 */
size_t
utf8_valid_prefix(const unsigned char *s, size_t len)
{
	size_t n;
	unsigned c = s[0], min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000;
	else
		return 0;
	if (len < n)
		return 0;
	c &= 0x3f >> (n - 1);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void
json_escape(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	strbuf_add(out, "\"", 1);
	while (p < end) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			strbuf_add(out, "\\", 1);
			strbuf_add(out, (const char *)p++, 1);
		} else if (*p < 0x20 || *p == 0x7f) {
			strbuf_printf(out, "\\u%04x", *p++);
		} else if ((n = utf8_valid_prefix(p, (size_t)(end - p))) == 0) {
			strbuf_puts(out, "\\ufffd");
			p++;
		} else {
			strbuf_add(out, (const char *)p, n);
			p += n;
		}
	}
	strbuf_add(out, "\"", 1);
}

static int
csv_needs_quotes(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (s[0] == ' ' || s[len - 1] == ' ')
		return 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

static int
csv_is_formula(const char *s, size_t len)
{
	return len > 1 && strchr("=+-@", s[0]) != NULL && s[0] != '\0';
}

void
csv_escape(struct strbuf *out, const char *s, size_t len)
{
	int formula = csv_is_formula(s, len);

	if (!formula && !csv_needs_quotes(s, len)) {
		strbuf_add(out, s, len);
		return;
	}
	strbuf_add(out, formula ? "\"'" : "\"", formula ? 2 : 1);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			strbuf_add(out, "\"", 1);
		strbuf_add(out, s + i, 1);
	}
	strbuf_add(out, "\"", 1);
}

void
html_escape(struct strbuf *out, const char *s, size_t len)
{
	static const struct {
		char c;
		const char *entity;
	} entities[] = {
	    {'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"},
	};
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		for (size_t e = 0; e < sizeof(entities) / sizeof(entities[0]); e++) {
			if (s[i] == entities[e].c) {
				strbuf_add(out, s + start, i - start);
				strbuf_puts(out, entities[e].entity);
				start = i + 1;
				break;
			}
		}
	}
	strbuf_add(out, s + start, len - start);
}
