/*
 * NAME
 *	json_out.c -- write one JSON document, indented (see json_out.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json_out.h"

void
json_init(struct json_out *j, FILE *fp)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not valid. */
static size_t
utf8_length(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static void
write_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	putc('"', fp);
	while (*s != '\0') {
		n = utf8_length(s);
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(fp, "\\u%04x", *s);
		else if (n == 0)
			fputs("\\ufffd", fp);
		else
			fwrite(s, 1, n, fp);
		s += n ? n : 1;
	}
	putc('"', fp);
}

/* Comma, newline, indentation and key before a new member. */
static void
member(struct json_out *j, const char *key)
{
	if (j->depth > 0) {
		fputs(j->has_members[j->depth] ? ",\n" : "\n", j->fp);
		j->has_members[j->depth] = true;
		fprintf(j->fp, "%*s", 2 * j->depth, "");
	}
	if (key != NULL) {
		write_string(j->fp, key);
		fputs(": ", j->fp);
	}
}

static void
open_container(struct json_out *j, const char *key, char bracket)
{
	member(j, key);
	putc(bracket, j->fp);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->has_members[j->depth] = false;
}

static void
close_container(struct json_out *j, char bracket)
{
	bool had = j->has_members[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		fprintf(j->fp, "\n%*s", 2 * j->depth, "");
	putc(bracket, j->fp);
	if (j->depth == 0)
		putc('\n', j->fp);
}

void
json_begin_object(struct json_out *j, const char *key)
{
	open_container(j, key, '{');
}

void
json_end_object(struct json_out *j)
{
	close_container(j, '}');
}

void
json_begin_array(struct json_out *j, const char *key)
{
	open_container(j, key, '[');
}

void
json_end_array(struct json_out *j)
{
	close_container(j, ']');
}

void
json_string(struct json_out *j, const char *key, const char *value)
{
	member(j, key);
	if (value == NULL)
		fputs("null", j->fp);
	else
		write_string(j->fp, value);
}

void
json_int(struct json_out *j, const char *key, long value)
{
	member(j, key);
	fprintf(j->fp, "%ld", value);
}

void
json_bool(struct json_out *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->fp);
}
