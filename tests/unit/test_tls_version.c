/*
 * NAME
 *	test_tls_version -- CUnit tests for tls_version_parse() and tls_version_name()
 *
 * DESCRIPTION
 *	Table-driven: every spelling the header lists, case variants, NULL,
 *	the empty string, near misses and very long strings, then the
 *	canonical names and the name/parse round trip.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "tls_version.h"

struct parse_case {
	const char *text;
	enum tls_version want;
};

static const struct parse_case parse_cases[] = {
    {NULL, TLS_VERSION_NONE},
    {"SSLv3", TLS_VERSION_SSLV3},
    {"sslv3", TLS_VERSION_SSLV3},
    {"SSLV3", TLS_VERSION_SSLV3},
    {"TLSv1", TLS_VERSION_1_0},
    {"tlsv1", TLS_VERSION_1_0},
    {"TLSv1.0", TLS_VERSION_1_0},
    {"TLS1.0", TLS_VERSION_1_0},
    {"tls1.0", TLS_VERSION_1_0},
    {"TLSv1/SSLv3", TLS_VERSION_1_0},
    {"tlsv1/sslv3", TLS_VERSION_1_0},
    {"TLSv1.1", TLS_VERSION_1_1},
    {"TLSV1.1", TLS_VERSION_1_1},
    {"TLS1.1", TLS_VERSION_1_1},
    {"TLSv1.2", TLS_VERSION_1_2},
    {"tLsV1.2", TLS_VERSION_1_2},
    {"TLS1.2", TLS_VERSION_1_2},
    {"TLSv1.3", TLS_VERSION_1_3},
    {"tlsv1.3", TLS_VERSION_1_3},
    {"TLS1.3", TLS_VERSION_1_3},
    {"", TLS_VERSION_UNKNOWN},
    {"garbage", TLS_VERSION_UNKNOWN},
    {"TLSv1.4", TLS_VERSION_UNKNOWN},
    {"TLSv1.", TLS_VERSION_UNKNOWN},
    {"TLSv1.22", TLS_VERSION_UNKNOWN},
    {"TLSv", TLS_VERSION_UNKNOWN},
    {"TLS", TLS_VERSION_UNKNOWN},
    {"TLS1", TLS_VERSION_UNKNOWN},
    {"SSLv2", TLS_VERSION_UNKNOWN},
    {"SSLv3.0", TLS_VERSION_UNKNOWN},
    {"none", TLS_VERSION_UNKNOWN},
    {"unknown", TLS_VERSION_UNKNOWN},
    {" TLSv1.2", TLS_VERSION_UNKNOWN},
    {"TLSv1.2 ", TLS_VERSION_UNKNOWN},
    {"TLSv1.2\n", TLS_VERSION_UNKNOWN},
    {"TLSv1/SSLv", TLS_VERSION_UNKNOWN},
    {"TLSv1/SSLv3/", TLS_VERSION_UNKNOWN},
    {"TLSv1_2", TLS_VERSION_UNKNOWN},
    {"TLSv1.2\xff", TLS_VERSION_UNKNOWN},
};

static void
test_parse_table(void)
{
	size_t i;
	enum tls_version got;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		got = tls_version_parse(parse_cases[i].text);
		if (got != parse_cases[i].want)
			printf("\n  tls_version_parse(\"%s\") = %d, want %d\n",
			       parse_cases[i].text ? parse_cases[i].text : "(null)", got,
			       parse_cases[i].want);
		CU_ASSERT_EQUAL(got, parse_cases[i].want);
	}
}

static void
test_parse_long(void)
{
	static const char *const prefixes[] = {"", "TLSv1.2", "TLSv1/SSLv3", "tls1.3"};
	size_t n = 100000, i;
	char *text = malloc(n + 16);

	CU_ASSERT_FATAL(text != NULL);
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		strcpy(text, prefixes[i]);
		memset(text + strlen(prefixes[i]), 'A', n - strlen(prefixes[i]));
		text[n] = '\0';
		CU_ASSERT_EQUAL(tls_version_parse(text), TLS_VERSION_UNKNOWN);
	}
	free(text);
}

struct name_case {
	enum tls_version v;
	const char *want;
};

static const struct name_case name_cases[] = {
    {TLS_VERSION_NONE, "none"},          {TLS_VERSION_SSLV3, "SSLv3"},
    {TLS_VERSION_1_0, "TLSv1"},          {TLS_VERSION_1_1, "TLSv1.1"},
    {TLS_VERSION_1_2, "TLSv1.2"},        {TLS_VERSION_1_3, "TLSv1.3"},
    {TLS_VERSION_UNKNOWN, "unknown"},    {TLS_VERSION_COUNT, "unknown"},
    {(enum tls_version) - 1, "unknown"}, {(enum tls_version)1000, "unknown"},
};

static void
test_name_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++)
		CU_ASSERT_STRING_EQUAL(tls_version_name(name_cases[i].v), name_cases[i].want);
}

static void
test_round_trip(void)
{
	enum tls_version v;

	for (v = TLS_VERSION_SSLV3; v <= TLS_VERSION_1_3; v++)
		CU_ASSERT_EQUAL(tls_version_parse(tls_version_name(v)), v);
}

static void
test_order(void)
{
	CU_ASSERT(TLS_VERSION_SSLV3 < TLS_VERSION_1_0);
	CU_ASSERT(TLS_VERSION_1_0 < TLS_VERSION_1_1);
	CU_ASSERT(TLS_VERSION_1_1 < TLS_VERSION_1_2);
	CU_ASSERT(TLS_VERSION_1_2 < TLS_VERSION_1_3);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"parse table", test_parse_table},    {"parse long strings", test_parse_long},
	    {"canonical names", test_name_table}, {"name/parse round trip", test_round_trip},
	    {"protocol order", test_order},       {NULL, NULL},
	};

	return fixture_run("tls_version", tests);
}
