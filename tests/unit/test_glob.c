/*
 * NAME
 *	test_glob -- CUnit tests for glob_match()
 *
 * DESCRIPTION
 *	A table of patterns and texts with the exact outcome; pathological
 *	patterns against long texts, which must finish at once; and a random
 *	cross-check against fnmatch(3) with FNM_CASEFOLD on patterns without
 *	brackets or backslashes (fixed seed).
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* FNM_CASEFOLD */
#endif
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "glob.h"

struct glob_case {
	const char *pattern;
	const char *text;
	int want;
};

static const struct glob_case glob_cases[] = {
    {"", "", 1},
    {"", "a", 0},
    {"a", "", 0},
    {"*", "", 1},
    {"**", "", 1},
    {"*", "anything at all", 1},
    {"?", "", 0},
    {"?", "a", 1},
    {"?", "ab", 0},
    {"??", "ab", 1},
    {"abc", "abc", 1},
    {"abc", "ABC", 1},
    {"AbC", "aBc", 1},
    {"abc", "abd", 0},
    {"abc", "abcd", 0},
    {"abcd", "abc", 0},
    {"a*", "a", 1},
    {"a*", "abc", 1},
    {"a*", "ba", 0},
    {"*a", "bca", 1},
    {"*a", "bcab", 0},
    {"a*c", "ac", 1},
    {"a*c", "abbbc", 1},
    {"a*c", "abbbcd", 0},
    {"a*b*c", "axxbyyc", 1},
    {"a*b*c", "axxcyyb", 0},
    {"a*b*c*", "abcabc", 1},
    {"*ab*ab*", "xabyab", 1},
    {"*ab*ab*", "xabyb", 0},
    {"a?c", "abc", 1},
    {"a?c", "ac", 0},
    {"*?", "", 0},
    {"*?", "x", 1},
    {"?*?", "x", 0},
    {"?*?", "xy", 1},
    {"*.example.com", "printer7.example.com", 1},
    {"*.example.com", "a.b.EXAMPLE.COM", 1},
    {"*.example.com", "example.com", 0},
    {"*.example.com", "xexample.com", 0},
    {"*.example.com", "printer7.example.com.evil", 0},
    {"printer?.example.com", "printer7.example.com", 1},
    {"printer?.example.com", "printer17.example.com", 0},
    {"@example.com", "@EXAMPLE.com", 1},
    {"*@example.com", "alice@example.com", 1},
    {"*@example.com", "alice@sub.example.com", 0},
    {"*@*.example.com", "alice@sub.example.com", 1},
    {"ECDHE-*-GCM-*", "ECDHE-RSA-AES256-GCM-SHA384", 1},
    {"ecdhe-*", "ECDHE-RSA-AES256-SHA", 1},
    {"*-CBC3-*", "DES-CBC3-SHA", 1},
    {"*-CBC3-*", "DES-CBC3", 0},
    {"*CBC3*", "DES-CBC3-SHA", 1},
    /* escapes */
    {"\\*", "*", 1},
    {"\\*", "a", 0},
    {"\\?", "?", 1},
    {"\\?", "a", 0},
    {"a\\*b", "a*b", 1},
    {"a\\*b", "axb", 0},
    {"\\\\", "\\", 1},
    {"\\a", "a", 1},
    {"\\a", "A", 1},
    {"*\\*", "abc*", 1},
    {"*\\*", "abc", 0},
    {"*\\**", "a*b", 1},
    {"\\", "\\", 1},
    {"a\\", "a\\", 1},
    {"a\\", "a", 0},
    /* brackets are ordinary characters */
    {"[ab]", "a", 0},
    {"[ab]", "[ab]", 1},
    /* case folding is ASCII only */
    {"\xc3\xa9", "\xc3\x89", 0},
    {"\xc3\xa9", "\xc3\xa9", 1},
    {"?", "\xc3", 1},
    {"[", "[", 1},
    {"@", "`", 0},
    {"[", "{", 0},
    {NULL, "a", 0},
    {"a", NULL, 0},
    {"*", NULL, 0},
    {NULL, NULL, 0},
};

static void
test_glob_table(void)
{
	size_t i;
	int got;
	const struct glob_case *c;

	for (i = 0; i < sizeof(glob_cases) / sizeof(glob_cases[0]); i++) {
		c = &glob_cases[i];
		got = glob_match(c->pattern, c->text);
		if (got != c->want)
			printf("\n  glob_match(\"%s\", \"%s\") = %d, want %d\n",
			       c->pattern ? c->pattern : "(null)", c->text ? c->text : "(null)",
			       got, c->want);
		CU_ASSERT_EQUAL(got, c->want);
	}
}

static char *
repeat(int c, size_t n, const char *tail)
{
	char *s = malloc(n + strlen(tail) + 1);

	if (s == NULL)
		abort();
	memset(s, c, n);
	strcpy(s + n, tail);
	return s;
}

/* Backtracking blow-ups: each must finish in far under a second. */
static void
test_glob_pathological(void)
{
	char *a = repeat('a', 10000, ""), *ab = repeat('a', 10000, "b");
	char *stars = repeat('*', 10000, "b"), *star_a = malloc(2 * 64 + 2);
	clock_t start = clock();
	double seconds;
	int i;

	CU_ASSERT_FATAL(star_a != NULL);
	for (i = 0; i < 64; i++)
		memcpy(star_a + 2 * i, "*a", 2);
	strcpy(star_a + 128, "b");
	CU_ASSERT_EQUAL(glob_match("a*a*a*a*a*b", a), 0);
	CU_ASSERT_EQUAL(glob_match("a*a*a*a*a*b", ab), 1);
	CU_ASSERT_EQUAL(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", a), 0);
	CU_ASSERT_EQUAL(glob_match(star_a, a), 0);
	CU_ASSERT_EQUAL(glob_match(star_a, ab), 1);
	CU_ASSERT_EQUAL(glob_match(stars, a), 0);
	CU_ASSERT_EQUAL(glob_match(stars, ab), 1);
	CU_ASSERT_EQUAL(glob_match("*?*?*?*?*?*?*?*?*?*?b", a), 0);
	CU_ASSERT_EQUAL(glob_match(a, a), 1);
	CU_ASSERT_EQUAL(glob_match(ab, a), 0);
	seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
	printf("\n  pathological patterns: %.4f s\n", seconds);
	CU_ASSERT(seconds < 1.0);
	free(a);
	free(ab);
	free(stars);
	free(star_a);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static void
random_string(char *buf, size_t max, const char *alphabet)
{
	size_t n = rng() % max, i, k = strlen(alphabet);

	for (i = 0; i < n; i++)
		buf[i] = alphabet[rng() % k];
	buf[n] = '\0';
}

static void
test_glob_fnmatch(void)
{
	char pattern[16], text[16];
	int i, got, want, matches = 0;

	for (i = 0; i < 200000; i++) {
		random_string(pattern, 10, "abAB*?.");
		random_string(text, 12, "abAB.");
		got = glob_match(pattern, text);
		want = fnmatch(pattern, text, FNM_CASEFOLD) == 0;
		if (got != want)
			printf("\n  glob_match(\"%s\", \"%s\") = %d, fnmatch says %d\n", pattern,
			       text, got, want);
		CU_ASSERT_EQUAL(got, want);
		matches += got;
	}
	printf("\n  fnmatch cross-check: %d of 200000 matched\n", matches);
	CU_ASSERT(matches > 1000);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"glob table", test_glob_table},
	    {"pathological patterns", test_glob_pathological},
	    {"random cross-check with fnmatch", test_glob_fnmatch},
	    {NULL, NULL},
	};

	return fixture_run("glob", tests);
}
