/*
 * arena.c -- one allocation pool per compiled policy (see arena.h)
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "xalloc.h"

#define ARENA_BLOCK_SIZE 16384

struct arena_block {
	struct arena_block *next;
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *arena)
{
	arena->head = NULL;
	arena->used = 0;
	arena->size = 0;
}

/* Start a new block big enough for n bytes; large requests get their own. */
static void
arena_grow(struct arena *arena, size_t n)
{
	size_t size = n > ARENA_BLOCK_SIZE ? n : ARENA_BLOCK_SIZE;
	struct arena_block *block = xmalloc(sizeof(*block) + size);

	block->next = arena->head;
	arena->head = block;
	arena->used = 0;
	arena->size = size;
}

void *
arena_alloc(struct arena *arena, size_t n)
{
	const size_t align = alignof(max_align_t);
	void *p;

	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (arena->head == NULL || arena->size - arena->used < n)
		arena_grow(arena, n);
	p = arena->head->data + arena->used;
	arena->used += n;
	memset(p, 0, n);
	return p;
}

void *
arena_memdup(struct arena *arena, const void *p, size_t n)
{
	void *q = arena_alloc(arena, n);

	if (n > 0)
		memcpy(q, p, n);
	return q;
}

char *
arena_strdup(struct arena *arena, const char *s)
{
	return arena_memdup(arena, s, strlen(s) + 1);
}

void
arena_free(struct arena *arena)
{
	struct arena_block *block, *next;

	for (block = arena->head; block != NULL; block = next) {
		next = block->next;
		free(block);
	}
	arena_init(arena);
}
