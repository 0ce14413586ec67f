/*
 * fuzz_input.c -- small helpers shared by the libFuzzer targets
 * (see fuzz_input.h)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_input.h"

void
fuzz_fields_init(struct fuzz_fields *f, const uint8_t *data, size_t size)
{
	f->data = data;
	f->size = size;
	f->pos = 0;
	f->done = 0;
	f->slot = 0;
}

const char *
fuzz_field(struct fuzz_fields *f)
{
	const uint8_t *nul;
	size_t len, keep;
	char *out;

	if (f->done)
		return NULL;
	nul = memchr(f->data + f->pos, '\0', f->size - f->pos);
	len = nul != NULL ? (size_t)(nul - (f->data + f->pos)) : f->size - f->pos;
	keep = len < FUZZ_FIELD_MAX - 1 ? len : FUZZ_FIELD_MAX - 1;
	out = f->buf[f->slot++ % FUZZ_FIELD_SLOTS];
	memcpy(out, f->data + f->pos, keep);
	out[keep] = '\0';
	if (nul == NULL)
		f->done = 1;
	else
		f->pos += len + 1;
	return out;
}

unsigned
fuzz_byte(struct fuzz_fields *f)
{
	const char *s = fuzz_field(f);

	return s != NULL ? (unsigned char)s[0] : 0;
}

/* Print s with C escapes, at most 600 bytes of it. */
static void
print_escaped(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 4000; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\' || c == '"')
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	if (s[i] != '\0')
		fputs("...", stderr);
}

static const char *context;

void
fuzz_context(const char *text)
{
	context = text;
}

void
fuzz_check(int cond, const char *what, const char *detail)
{
	if (cond)
		return;
	fprintf(stderr, "\nINVARIANT FAILED: %s", what);
	if (detail != NULL) {
		fputs(": \"", stderr);
		print_escaped(detail);
		fputc('"', stderr);
	}
	fputc('\n', stderr);
	if (context != NULL) {
		fputs("in: \"", stderr);
		print_escaped(context);
		fputs("\"\n", stderr);
	}
	abort();
}

int
fuzz_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static char private_dir[PATH_MAX];

static void
remove_private_dir(void)
{
	char cmd[PATH_MAX + 16];

	if (private_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", private_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", private_dir);
}

char *
fuzz_private_dir(const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(private_dir, sizeof(private_dir), "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (mkdtemp(private_dir) == NULL) {
		perror(private_dir);
		exit(1);
	}
	atexit(remove_private_dir);
	return private_dir;
}

char *
fuzz_write_file(const char *dir, const char *name, const void *data, size_t size)
{
	static char path[PATH_MAX];
	size_t done = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		perror(path);
		exit(1);
	}
	while (done < size && (n = write(fd, (const char *)data + done, size - done)) > 0)
		done += (size_t)n;
	if (done < size || close(fd) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}
