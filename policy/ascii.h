/*
 * ascii.h -- locale-free ASCII case folding for the matchers
 *
 * SYNOPSIS
 *	int ascii_lower(int c);
 *
 * DESCRIPTION
 *	Host names, listener names and cipher names compare ASCII
 *	case-insensitively whatever the process locale; ascii_lower() folds
 *	one byte (passed as unsigned char) and leaves every other byte alone.
 */
#ifndef ASCII_H
#define ASCII_H

static inline int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

#endif
