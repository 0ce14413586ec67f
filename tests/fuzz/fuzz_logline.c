/*
 * fuzz_logline.c -- libFuzzer target: the report's line reader and parser
 *
 * DESCRIPTION
 *	The first input byte chooses how the rest is stored in a file:
 *	bit 0 gzip-compressed (as rotated logs are), bit 1 then cut short
 *	(a truncated .gz; bits 2-3 say where: at 1/5, 1/2, 4/5 of the file
 *	or its last byte), and all of bits 4-7 set: repeated to 1.5 MiB, past
 *	the reader's line limit. linereader reads the file back and every line goes through
 *	logline_parse().
 *
 *	The reader must return exactly the lines of the file: split at LF,
 *	a CR before the LF dropped, a line over LINEREADER_MAX cut at that
 *	size, a last line without LF counted, line numbers counting up; a
 *	truncated .gz may end early (the lines it gives are the file's) but
 *	must then say so at close.
 *
 *	The parser must classify every line, give a reason for a malformed
 *	one, and for a transaction line leave every field NUL-terminated
 *	inside the line, with an action and a TLS version in range.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz_input.h"
#include "linereader.h"
#include "logline.h"

/* The key names: from policy/log_keys.def where the report has it, else logline.c's table. */
#ifdef LOG_KEYS_H
#define KEY_NAME(k) log_key_names[k]
#else
#define KEY_NAME(k) logline_key_names[k]
#endif

static char *dir;
static char path[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	dir = fuzz_private_dir("fuzz_logline");
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	return 0;
}

/* Write data to path through zlib's gzip writer; returns the file size. */
static size_t
write_gzip(const uint8_t *data, size_t size)
{
	gzFile gz = gzopen(path, "wb");
	FILE *f;
	long end;

	if (gz == NULL || (size > 0 && gzwrite(gz, data, (unsigned)size) != (int)size) ||
	    gzclose(gz) != Z_OK)
		abort();
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 || (end = ftell(f)) < 0)
		abort();
	fclose(f);
	return (size_t)end;
}

static int
inside(const struct logfield *f, const char *line, size_t len)
{
	return f->s != NULL && f->s >= line && f->s + f->len <= line + len && f->s[f->len] == '\0';
}

static void
check_parse(char *line, size_t len)
{
	static struct logtime_ref ref;
	struct logrec rec;
	const char *why = NULL;
	enum logline_kind kind;

	if (ref.now == 0)
		logtime_ref_init(&ref, 1764000000); /* 2025-11-24 */
	memset(&rec, 0, sizeof(rec));
	kind = logline_parse(line, len, &ref, &rec, &why);
	fuzz_check((unsigned)kind <= LOGLINE_MALFORMED, "unknown line kind", NULL);
	if (kind == LOGLINE_MALFORMED)
		fuzz_check(why != NULL && *why != '\0', "malformed without a reason", NULL);
	if (kind != LOGLINE_RECORD)
		return;
	fuzz_check(inside(&rec.host, line, len), "host outside the line", NULL);
	fuzz_check(inside(&rec.queue_id, line, len), "queue id outside the line", NULL);
	fuzz_check(rec.queue_id.len > 0, "empty queue id", NULL);
	fuzz_check(inside(&rec.client_name, line, len) || rec.client_name.s == rec.v[LK_CLIENT].s,
	           "client name outside the line", NULL);
	fuzz_check(inside(&rec.client_addr, line, len) || rec.client_addr.s == rec.v[LK_CLIENT].s,
	           "client address outside the line", NULL);
	for (int k = 0; k < LK_COUNT; k++)
		fuzz_check(inside(&rec.v[k], line, len) ||
		               (rec.v[k].len == 1 && strcmp(rec.v[k].s, "-") == 0),
		           "a value outside the line and not \"-\"", KEY_NAME(k));
	fuzz_check((unsigned)rec.action < ACTION_COUNT, "action out of range", NULL);
	fuzz_check((unsigned)rec.tls < TLS_VERSION_COUNT, "TLS version out of range", NULL);
}

/* The next line of the file as the reader must give it; NULL after the last. */
static const uint8_t *
expected_line(const uint8_t **pos, const uint8_t *end, size_t *len)
{
	const uint8_t *start = *pos, *nl;
	size_t n;

	if (start >= end)
		return NULL;
	nl = memchr(start, '\n', (size_t)(end - start));
	n = nl != NULL ? (size_t)(nl - start) : (size_t)(end - start);
	*pos = nl != NULL ? nl + 1 : end;
	if (n > LINEREADER_MAX)
		n = LINEREADER_MAX;
	if (n > 0 && start[n - 1] == '\r')
		n--;
	*len = n;
	return start;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *big;
	struct linereader lr;
	const uint8_t *content, *pos, *end, *want;
	size_t clen, len, wlen;
	unsigned mode, lines = 0;
	int cut = 0;
	char *line;

	if (size == 0)
		return 0;
	mode = data[0];
	content = data + 1;
	clen = size - 1;
	if ((mode & 0xf0) == 0xf0 && clen > 0) {
		/* Repeat the content past the line limit (one 1.5 MiB file). */
		size_t total = LINEREADER_MAX + LINEREADER_MAX / 2;

		if (big == NULL)
			big = malloc(total);
		for (size_t i = 0; i < total; i += clen)
			memcpy(big + i, content, clen < total - i ? clen : total - i);
		content = big;
		clen = total;
	}
	if (mode & 1) {
		size_t zsize = write_gzip(content, clen);

		if (mode & 2) {
			size_t at[4] = {zsize / 5, zsize / 2, zsize * 4 / 5, zsize - 1};

			if (truncate(path, (off_t)at[(mode >> 2) & 3]) != 0)
				abort();
			cut = 1;
		}
	} else {
		fuzz_write_file(dir, "mail.log", content, clen);
	}

	fuzz_check(linereader_open(&lr, path) == 0, "cannot open", path);
	pos = content;
	end = content + clen;
	while ((line = linereader_next(&lr, &len)) != NULL) {
		lines++;
		fuzz_check(lr.lineno == lines, "line numbers do not count up", NULL);
		fuzz_check(len <= LINEREADER_MAX, "line over the limit", NULL);
		want = expected_line(&pos, end, &wlen);
		fuzz_check(want != NULL, "more lines than in the file", NULL);
		if (cut)
			fuzz_check(len <= wlen && memcmp(line, want, len) == 0,
			           "a line of a cut file is not the file's", NULL);
		else
			fuzz_check(len == wlen && memcmp(line, want, len) == 0,
			           "a line differs from the file's", NULL);
		check_parse(line, len);
	}
	if (!cut)
		fuzz_check(expected_line(&pos, end, &wlen) == NULL, "lines of the file were lost",
		           NULL);
	fuzz_check(linereader_close(&lr) == (cut ? -1 : 0),
	           cut ? "a cut .gz file read without an error" : "read error on a whole file",
	           NULL);
	return 0;
}
