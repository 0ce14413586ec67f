/*
 * linereader.c -- read log lines from plain or gzip files, or stdin
 * (see linereader.h)
 *
 * One fixed buffer per reader; lines are found with memchr() and handed
 * out in place, so reading costs no allocation per line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linereader.h"
#include "xalloc.h"

#define ZLIB_BUFFER (256 * 1024)

int
linereader_open(struct linereader *lr, const char *path)
{
	struct stat st;
	int fd;

	memset(lr, 0, sizeof(*lr));
	if (strcmp(path, "-") == 0) {
		lr->name = "(stdin)";
		fd = dup(0);
	} else {
		lr->name = path;
		fd = open(path, O_RDONLY);
	}
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		int saved = S_ISDIR(st.st_mode) ? EISDIR : errno;

		close(fd);
		errno = saved;
		return -1;
	}
	lr->mtime = S_ISREG(st.st_mode) && strcmp(path, "-") != 0 ? st.st_mtime : time(NULL);
	if ((lr->gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	gzbuffer(lr->gz, ZLIB_BUFFER);
	lr->buf = xmalloc(LINEREADER_MAX + 1);
	return 0;
}

/* fill_buffer - move the partial line to the front and read more */
static int
fill_buffer(struct linereader *lr)
{
	int n, errnum;

	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->fill - lr->start);
		lr->fill -= lr->start;
		lr->start = 0;
	}
	n = gzread(lr->gz, lr->buf + lr->fill, (unsigned)(LINEREADER_MAX - lr->fill));
	if (n < 0) {
		lr->error = gzerror(lr->gz, &errnum);
		if (errnum == Z_ERRNO)
			lr->error = strerror(errno);
		lr->eof = 1;
		return 0;
	}
	if (n == 0) {
		/* A truncated .gz file reads as a short file: say so. */
		const char *msg = gzerror(lr->gz, &errnum);

		if (errnum != Z_OK && errnum != Z_BUF_ERROR)
			lr->error = msg;
		else if (errnum == Z_BUF_ERROR)
			lr->error = "unexpected end of compressed file";
		lr->eof = 1;
		return 0;
	}
	lr->fill += (size_t)n;
	return n;
}

/* take_line - hand out buf[start..nl) as a line */
static char *
take_line(struct linereader *lr, size_t nl, size_t next, size_t *len)
{
	char *line = lr->buf + lr->start;

	*len = nl - lr->start;
	if (*len > 0 && line[*len - 1] == '\r')
		(*len)--;
	lr->start = next;
	lr->scanned = 0;
	lr->lineno++;
	return line;
}

char *
linereader_next(struct linereader *lr, size_t *len)
{
	for (;;) {
		char *from = lr->buf + lr->start + lr->scanned;
		char *nl = memchr(from, '\n', lr->fill - lr->start - lr->scanned);

		if (nl != NULL) {
			size_t at = (size_t)(nl - lr->buf);

			if (lr->skipping) {
				lr->skipping = 0;
				lr->start = at + 1;
				lr->scanned = 0;
				continue;
			}
			return take_line(lr, at, at + 1, len);
		}
		lr->scanned = lr->fill - lr->start;
		if (lr->start == 0 && lr->fill == LINEREADER_MAX) {
			/* An overlong line: give its first part, skip the rest. */
			int was_skipping = lr->skipping;

			lr->skipping = 1;
			lr->start = lr->fill;
			if (!was_skipping) {
				lr->start = 0;
				return take_line(lr, lr->fill, lr->fill, len);
			}
		}
		if (lr->eof || fill_buffer(lr) == 0) {
			lr->eof = 1;
			if (lr->fill > lr->start && !lr->skipping)
				return take_line(lr, lr->fill, lr->fill, len);
			return NULL;
		}
	}
}

int
linereader_close(struct linereader *lr)
{
	if (lr->gz != NULL)
		gzclose(lr->gz);
	free(lr->buf);
	lr->gz = NULL;
	lr->buf = NULL;
	return lr->error != NULL ? -1 : 0;
}
