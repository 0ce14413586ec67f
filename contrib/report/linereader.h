/*
 * linereader.h -- read log lines from plain or gzip files, or stdin
 *
 * SYNOPSIS
 *	int linereader_open(struct linereader *lr, const char *path);
 *	char *linereader_next(struct linereader *lr, size_t *len);
 *	int linereader_close(struct linereader *lr);
 *
 * DESCRIPTION
 *	linereader_open() opens path ("-" for standard input) through zlib,
 *	which reads gzip-compressed and plain files alike, and records the
 *	file's modification time (the reference for year-less syslog
 *	stamps; for standard input the current time). It returns 0, or -1
 *	with errno set.
 *
 *	linereader_next() returns the next line, without its newline (and
 *	without a CR before it), or NULL at the end of the input or on a read
 *	error. The line lives in the reader's buffer until the next call; the
 *	caller may modify it, and line[len] is writable too. lr->lineno is its
 *	line number. A line longer than LINEREADER_MAX is returned cut at that
 *	size and the rest of it is skipped, so memory stays bounded.
 *
 *	linereader_close() releases the reader and returns 0, or -1 when the
 *	input could not be read to its end (lr->error then says why).
 */
#ifndef REPORT_LINEREADER_H
#define REPORT_LINEREADER_H

#include <stddef.h>
#include <time.h>
#include <zlib.h>

#define LINEREADER_MAX (1024 * 1024)

struct linereader {
	const char *name; /* path, or "(stdin)" */
	gzFile gz;
	char *buf;      /* LINEREADER_MAX + 1 bytes */
	size_t start;   /* first byte not yet returned */
	size_t fill;    /* bytes in buf */
	size_t scanned; /* bytes from start known to hold no newline */
	int eof;
	int skipping; /* discarding the rest of an overlong line */
	unsigned long lineno;
	time_t mtime;
	const char *error; /* NULL, or why reading failed */
};

int linereader_open(struct linereader *lr, const char *path);
char *linereader_next(struct linereader *lr, size_t *len);
int linereader_close(struct linereader *lr);

#endif
