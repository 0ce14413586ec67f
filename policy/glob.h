/*
 * glob.h -- case-insensitive shell-style wildcard matching
 *
 * SYNOPSIS
 *	int glob_match(const char *pattern, const char *text);
 *
 * DESCRIPTION
 *	glob_match() returns 1 when text matches pattern, else 0. "*" matches
 *	any run of characters (also none), "?" exactly one, "\\" quotes the
 *	next character; everything else compares ASCII case-insensitively.
 *	Worst-case time is O(len(pattern) * len(text)); no recursion, no
 *	allocation. A NULL text never matches.
 */
#ifndef GLOB_H
#define GLOB_H

int glob_match(const char *pattern, const char *text);

#endif
