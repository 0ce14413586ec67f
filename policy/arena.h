/*
 * arena.h -- one allocation pool per compiled policy
 *
 * SYNOPSIS
 *	void arena_init(struct arena *arena);
 *	void *arena_alloc(struct arena *arena, size_t n);
 *	void *arena_memdup(struct arena *arena, const void *p, size_t n);
 *	char *arena_strdup(struct arena *arena, const char *s);
 *	void arena_free(struct arena *arena);
 *
 * DESCRIPTION
 *	Everything a compiled policy owns (names, patterns, arrays) lives in
 *	its arena and is released at once by arena_free(), so that the
 *	loader need not track ownership of each piece while it reports
 *	errors and carries on. Memory is zeroed and aligned for any type.
 *	Allocation failure is fatal (xalloc.h).
 */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used;	/* bytes used in head */
	size_t size;	/* usable bytes in head */
};

void arena_init(struct arena *arena);
void *arena_alloc(struct arena *arena, size_t n);
void *arena_memdup(struct arena *arena, const void *p, size_t n);
char *arena_strdup(struct arena *arena, const char *s);
void arena_free(struct arena *arena);

#endif
