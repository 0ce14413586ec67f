/*
 * fuzz_input.h -- small helpers shared by the libFuzzer targets
 *
 * SYNOPSIS
 *	void fuzz_fields_init(struct fuzz_fields *f, const uint8_t *data, size_t size);
 *	const char *fuzz_field(struct fuzz_fields *f);
 *	unsigned fuzz_byte(struct fuzz_fields *f);
 *	void fuzz_check(int cond, const char *what, const char *detail);
void fuzz_context(const char *text);
 *	void fuzz_context(const char *text);
 *	int fuzz_has_control(const char *s);
 *	char *fuzz_write_file(const char *dir, const char *name, const void *data, size_t size);
 *	char *fuzz_private_dir(const char *tag);
 *
 * DESCRIPTION
 *	Targets that need several strings read the input as NUL-separated
 *	fields (a C string cannot hold a NUL anyway): fuzz_field() returns
 *	the next field, copied (cut at FUZZ_FIELD_MAX - 1 bytes) and
 *	NUL-terminated in the reader's own buffer, which holds the last
 *	FUZZ_FIELD_SLOTS fields; NULL after the last one. fuzz_byte() takes the first byte of the
 *	next field as a number (0 when none is left) for choices.
 *
 *	fuzz_check() is the targets' assertion: when cond is false it prints
 *	what failed and the offending value (escaped) to stderr and aborts,
 *	which libFuzzer reports as a crash with the input saved. When
 *	fuzz_context() has named a text (e.g. the whole line written), that
 *	is printed too; fuzz_context(NULL) forgets it.
 *
 *	fuzz_has_control() says whether s has a byte below 0x20 or 0x7f.
 *
 *	fuzz_private_dir() makes a private directory under TMPDIR (or /tmp)
 *	that is removed at exit; fuzz_write_file() writes a file into it and
 *	returns its path (static buffer).
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_FIELD_MAX   1024 /* a field is cut at FUZZ_FIELD_MAX - 1 bytes */
#define FUZZ_FIELD_SLOTS 64   /* fields alive at once */

struct fuzz_fields {
	const uint8_t *data;
	size_t size;
	size_t pos;
	int done;
	char buf[FUZZ_FIELD_SLOTS][FUZZ_FIELD_MAX]; /* one per field, reused round-robin */
	unsigned slot;
};

void fuzz_fields_init(struct fuzz_fields *f, const uint8_t *data, size_t size);
const char *fuzz_field(struct fuzz_fields *f);
unsigned fuzz_byte(struct fuzz_fields *f);
void fuzz_check(int cond, const char *what, const char *detail);
void fuzz_context(const char *text);
int fuzz_has_control(const char *s);
char *fuzz_private_dir(const char *tag);
char *fuzz_write_file(const char *dir, const char *name, const void *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
