/*
 * intern.h -- interned strings for tlspolicy-report
 *
 * SYNOPSIS
 *	const struct istr *intern(const char *s, size_t len);
 *	int istr_eq(const struct istr *is, const char *s, size_t len);
 *	unsigned istr_cipher_classes(const struct istr *is);
 *	void intern_free_all(void);
 *
 * DESCRIPTION
 *	Every distinct string the report keeps (addresses, names, ciphers,
 *	rules, hosts) is stored once, in large blocks, and lives until the
 *	program ends or intern_free_all() is called. intern() returns the one
 *	copy of the byte range s[0..len), adding it if new; two equal strings
 *	give the same pointer, so callers compare interned strings with ==.
 *
 *	istr_eq() compares an interned string with a byte range.
 *
 *	istr_cipher_classes() returns cipher_classify() of the string,
 *	computed once and cached.
 *
 * DIAGNOSTICS
 *	Allocation failures end the process (xalloc).
 */
#ifndef REPORT_INTERN_H
#define REPORT_INTERN_H

#include <stddef.h>
#include <string.h>

struct istr {
	struct istr *next; /* hash chain */
	unsigned hash;
	unsigned classes; /* cached cipher classes + 1; 0: not computed */
	size_t len;
	char s[]; /* NUL-terminated */
};

unsigned intern_hash(const char *s, size_t len, unsigned seed);
const struct istr *intern(const char *s, size_t len);
unsigned istr_cipher_classes(const struct istr *is);
void intern_free_all(void);

static inline int
istr_eq(const struct istr *is, const char *s, size_t len)
{
	/* Most values differ in length or first byte: skip the call then. */
	return is->len == len && (len == 0 || (is->s[0] == s[0] && memcmp(is->s, s, len) == 0));
}

#endif
