/*
 * NAME
 *	glob -- case-insensitive shell-style wildcard matching
 *
 * SYNOPSIS
 *	#include "glob.h"
 *
 *	int glob_match(const char *pattern, const char *text);
 *
 * DESCRIPTION
 *	glob_match() returns 1 when text matches pattern, else 0. "*" matches
 *	any run of characters, "?" exactly one, "\" makes the next character
 *	literal (a "\" at the very end of the pattern is a literal "\").
 *	Letters compare ASCII case-insensitively; other bytes exactly.
 *
 *	The matcher is iterative. It remembers only the most recent "*" and
 *	the text position it was tried at; on a mismatch it lets that star
 *	swallow one more character and resumes. Earlier stars never need to
 *	be revisited, because the most recent star can absorb anything they
 *	could. The worst case is O(len(pattern) * len(text)), with no
 *	recursion and no allocation.
 *
 *	A NULL pattern or text never matches.
 *
 * DIAGNOSTICS
 *	None.
 */
#include <stddef.h>

#include "ascii.h"
#include "glob.h"

/*
 * Matches the literal or "?" at *pp against c. On success advances *pp past
 * the pattern element (one or two bytes) and returns 1.
 */
static int
match_one(const char **pp, int c)
{
	const char *p = *pp;
	int want;

	if (*p == '?') {
		*pp = p + 1;
		return 1;
	}
	if (*p == '\\' && p[1] != '\0')
		p++;
	want = (unsigned char)*p;
	if (ascii_lower(want) != ascii_lower(c))
		return 0;
	*pp = p + 1;
	return 1;
}

int
glob_match(const char *pattern, const char *text)
{
	const char *p = pattern, *t = text;
	const char *star_p = NULL, *star_t = NULL;

	if (pattern == NULL || text == NULL)
		return 0;
	for (;;) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return 1; /* a trailing star matches any rest */
			star_p = p;
			star_t = t;
			continue;
		}
		if (*t == '\0')
			return *p == '\0';
		if (*p != '\0' && match_one(&p, (unsigned char)*t)) {
			t++;
			continue;
		}
		if (star_p == NULL)
			return 0;
		/* Let the last star swallow one more character, and retry. */
		p = star_p;
		t = ++star_t;
	}
}
