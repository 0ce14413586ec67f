/*
 * intern.c -- interned strings for tlspolicy-report (see intern.h)
 *
 * The table is a power-of-two array of chains that doubles when it holds
 * more strings than slots. Strings are carved from 64 KiB blocks, so the
 * memory used grows with the number of distinct strings only.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cipher_class.h"
#include "intern.h"
#include "xalloc.h"

#define BLOCK_SIZE (64 * 1024)

struct block {
	struct block *next;
	size_t used;
	size_t size;
	char data[];
};

static struct block *blocks;
static struct istr **slots;
static size_t nslots;
static size_t nstrings;

/* intern_hash - FNV-1a over a byte range */
unsigned
intern_hash(const char *s, size_t len, unsigned seed)
{
	uint32_t h = 2166136261u ^ seed;

	while (len-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static void *
block_alloc(size_t n)
{
	struct block *b = blocks;

	n = (n + 7) & ~(size_t)7;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;

		b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->used = 0;
		b->next = blocks;
		blocks = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void
table_grow(void)
{
	size_t n = nslots ? nslots * 2 : 1024;
	struct istr **s = xcalloc(n, sizeof(*s));

	for (size_t i = 0; i < nslots; i++) {
		struct istr *is, *next;

		for (is = slots[i]; is != NULL; is = next) {
			next = is->next;
			is->next = s[is->hash & (n - 1)];
			s[is->hash & (n - 1)] = is;
		}
	}
	free(slots);
	slots = s;
	nslots = n;
}

const struct istr *
intern(const char *s, size_t len)
{
	unsigned h = intern_hash(s, len, 0);
	struct istr *is;

	if (nslots == 0)
		table_grow();
	for (is = slots[h & (nslots - 1)]; is != NULL; is = is->next)
		if (is->hash == h && istr_eq(is, s, len))
			return is;
	if (nstrings >= nslots)
		table_grow();
	is = block_alloc(sizeof(*is) + len + 1);
	is->hash = h;
	is->classes = 0;
	is->len = len;
	memcpy(is->s, s, len);
	is->s[len] = '\0';
	is->next = slots[h & (nslots - 1)];
	slots[h & (nslots - 1)] = is;
	nstrings++;
	return is;
}

unsigned
istr_cipher_classes(const struct istr *is)
{
	struct istr *w = (struct istr *)is; /* only the cache changes */

	if (w->classes == 0)
		w->classes = cipher_classify(is->s) + 1;
	return w->classes - 1;
}

void
intern_free_all(void)
{
	struct block *b, *next;

	for (b = blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	blocks = NULL;
	free(slots);
	slots = NULL;
	nslots = nstrings = 0;
}
