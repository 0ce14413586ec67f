/*
 * NAME
 *	test_cipher_class -- CUnit tests for cipher_classify() and class names
 *
 * DESCRIPTION
 *	1. A fixed table of suite names with their exact class masks, from
 *	   the table and from the component fallback.
 *	2. An oracle: "openssl ciphers -v 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'"
 *	   is run at test time; for every suite it lists the expected classes
 *	   are derived from OpenSSL's own Kx=, Enc= and Mac= columns, and
 *	   cipher_classify() must agree. Every listed suite must also be in
 *	   the static table, and its lower-case spelling (which misses the
 *	   case-sensitive table) must get the same classes from the fallback.
 *	   The oracle fails when openssl lists 50 suites or fewer. Without an
 *	   openssl command (a minimal build chroot) the oracle is left out,
 *	   the other tests run, and the program exits 77 (automake: SKIP).
 *	3. cipher_class_parse() and cipher_class_name().
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise, 77 when every
 *	assertion held but openssl was missing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "cipher_class.h"

#define C3DES CIPHER_CLASS_3DES
#define RC4   CIPHER_CLASS_RC4
#define DES   CIPHER_CLASS_DES
#define NUL   CIPHER_CLASS_NULL
#define EXP   CIPHER_CLASS_EXPORT
#define CBC   CIPHER_CLASS_CBC
#define AEAD  CIPHER_CLASS_AEAD
#define NOPFS CIPHER_CLASS_NO_PFS
#define SHA1  CIPHER_CLASS_SHA1_MAC

#define OPENSSL_COMMAND "openssl ciphers -v 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' 2>/dev/null"

struct classify_case {
	const char *name;
	unsigned want;
	int known; /* in the static table */
};

static const struct classify_case classify_cases[] = {
    /* TLS 1.3 */
    {"TLS_AES_256_GCM_SHA384", AEAD, 1},
    {"TLS_AES_128_GCM_SHA256", AEAD, 1},
    {"TLS_CHACHA20_POLY1305_SHA256", AEAD, 1},
    {"TLS_AES_128_CCM_8_SHA256", AEAD, 1},
    /* modern TLS 1.2 */
    {"ECDHE-RSA-AES256-GCM-SHA384", AEAD, 1},
    {"ECDHE-ECDSA-CHACHA20-POLY1305", AEAD, 1},
    {"DHE-RSA-AES128-GCM-SHA256", AEAD, 1},
    {"AES256-GCM-SHA384", AEAD | NOPFS, 1},
    {"AES128-CCM8", AEAD | NOPFS, 1},
    {"PSK-AES128-GCM-SHA256", AEAD | NOPFS, 1},
    {"RSA-PSK-CHACHA20-POLY1305", AEAD | NOPFS, 1},
    {"ECDHE-PSK-CHACHA20-POLY1305", AEAD, 1},
    /* CBC */
    {"ECDHE-RSA-AES256-SHA", CBC | SHA1, 1},
    {"ECDHE-RSA-AES128-SHA256", CBC, 1},
    {"DHE-RSA-CAMELLIA256-SHA", CBC | SHA1, 1},
    {"AES128-SHA", CBC | NOPFS | SHA1, 1},
    {"AES256-SHA256", CBC | NOPFS, 1},
    {"CAMELLIA128-SHA", CBC | NOPFS | SHA1, 1},
    {"SEED-SHA", CBC | NOPFS | SHA1, 1},
    {"IDEA-CBC-SHA", CBC | NOPFS | SHA1, 1},
    {"ADH-AES128-SHA", CBC | SHA1, 1},
    {"ECDH-RSA-AES128-SHA", CBC | NOPFS | SHA1, 1},
    {"DH-DSS-AES256-SHA256", CBC | NOPFS, 1},
    {"PSK-AES128-CBC-SHA", CBC | NOPFS | SHA1, 1},
    {"SRP-AES-128-CBC-SHA", CBC | SHA1, 1},
    /* 3DES */
    {"DES-CBC3-SHA", C3DES | CBC | NOPFS | SHA1, 1},
    {"EDH-RSA-DES-CBC3-SHA", C3DES | CBC | SHA1, 1},
    {"ECDHE-RSA-DES-CBC3-SHA", C3DES | CBC | SHA1, 1},
    {"DES-CBC3-MD5", C3DES | CBC | NOPFS | SHA1, 1},
    {"PSK-3DES-EDE-CBC-SHA", C3DES | CBC | NOPFS | SHA1, 1},
    /* RC4 */
    {"RC4-SHA", RC4 | NOPFS | SHA1, 1},
    {"RC4-MD5", RC4 | NOPFS | SHA1, 1},
    {"ECDHE-RSA-RC4-SHA", RC4 | SHA1, 1},
    {"ADH-RC4-MD5", RC4 | SHA1, 1},
    /* single DES and export */
    {"DES-CBC-SHA", DES | CBC | NOPFS | SHA1, 1},
    {"EDH-DSS-DES-CBC-SHA", DES | CBC | SHA1, 1},
    {"EXP-RC4-MD5", RC4 | EXP | NOPFS | SHA1, 1},
    {"EXP-DES-CBC-SHA", DES | CBC | EXP | NOPFS | SHA1, 1},
    {"EXP-EDH-RSA-DES-CBC-SHA", DES | CBC | EXP | SHA1, 1},
    {"EXP-RC2-CBC-MD5", CBC | EXP | NOPFS | SHA1, 1},
    {"EXP1024-RC4-SHA", RC4 | EXP | NOPFS | SHA1, 1},
    /* NULL encryption */
    {"NULL-SHA", NUL | NOPFS | SHA1, 1},
    {"NULL-MD5", NUL | NOPFS | SHA1, 1},
    {"NULL-SHA256", NUL | NOPFS, 1},
    {"ECDHE-RSA-NULL-SHA", NUL | SHA1, 1},
    {"AECDH-NULL-SHA", NUL | SHA1, 1},
    {"PSK-NULL-SHA384", NUL | NOPFS, 1},
    /* not in the table: the component fallback */
    {"des-cbc3-sha", C3DES | CBC | NOPFS | SHA1, 0},
    {"Ecdhe-Rsa-Aes256-Gcm-Sha384", AEAD, 0},
    {"FOO-DES-CBC3-SHA", C3DES | CBC | NOPFS | SHA1, 0},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", AEAD, 0},
    {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", C3DES | CBC | NOPFS | SHA1, 0},
    {"TLS_RSA_WITH_AES_128_CBC_SHA256", CBC | NOPFS, 0},
    {"TLS_DH_anon_WITH_RC4_128_MD5", RC4 | SHA1, 0},
    {"TLS_DH_RSA_WITH_AES_128_CBC_SHA", CBC | NOPFS | SHA1, 0},
    {"TLS_NULL_WITH_NULL_NULL", NUL | NOPFS, 0},
    {"TLS_RSA_EXPORT_WITH_RC4_40_MD5", RC4 | EXP | NOPFS | SHA1, 0},
    {"TLS_AES_128_CCM_SHA384", AEAD, 0},
    {"TLS13-AES128-GCM-SHA256", AEAD, 0},
    {"ECDHE_RSA_AES_256_GCM_SHA384", AEAD, 0},
    {"RSA_ARCFOUR_128_SHA1", RC4 | NOPFS | SHA1, 0},
    {"DHE_RSA_3DES_EDE_CBC_SHA1", C3DES | CBC | SHA1, 0},
    {"TLS1.2:ECDHE_RSA_AES_128_CBC_SHA1:128", CBC | SHA1, 0},
    {"ECDHE-RSA-AES256-SHA512", CBC, 0},
    {"EXP40-DES-CBC-SHA", DES | CBC | EXP | NOPFS | SHA1, 0},
    /* unknown */
    {NULL, 0, 0},
    {"", 0, 0},
    {"garbage", 0, 0},
    {"RSA", 0, 0},
    {"ECDHE-RSA-SHA", 0, 0},
    {"-", 0, 0},
    {"--__::", 0, 0},
    {"GOST2012-GOST8912-GOST8912", 0, 0},
};

static void
test_classify_table(void)
{
	size_t i;
	unsigned got;
	const struct classify_case *c;

	for (i = 0; i < sizeof(classify_cases) / sizeof(classify_cases[0]); i++) {
		c = &classify_cases[i];
		got = cipher_classify(c->name);
		if (got != c->want)
			printf("\n  cipher_classify(\"%s\") = %#x, want %#x\n",
			       c->name ? c->name : "(null)", got, c->want);
		CU_ASSERT_EQUAL(got, c->want);
		CU_ASSERT_EQUAL(cipher_class_known(c->name), c->known);
	}
}

/* One token of a "Key=Value(bits)" column, without the "(bits)". */
static void
column_value(const char *line, const char *key, char *buf, size_t len)
{
	const char *p = strstr(line, key);
	size_t n = 0;

	buf[0] = '\0';
	if (p == NULL)
		return;
	for (p += strlen(key); *p != '\0' && *p != '(' && !isspace((unsigned char)*p); p++)
		if (n + 1 < len)
			buf[n++] = *p;
	buf[n] = '\0';
}

static int
in_list(const char *word, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(word, *list) == 0)
			return 1;
	return 0;
}

/*
 * What OpenSSL's columns say about a suite. OpenSSL 1.1+ writes Kx=ECDH
 * for ECDHE and Kx=DH for DHE; OpenSSL 1.0 wrote the static variants as
 * "ECDH/RSA", "DH/DSS" and so on, which the "/" tells apart.
 */
static unsigned
expected_classes(const char *line)
{
	static const char *const aead[] = {"AESGCM",  "AESCCM", "AESCCM8", "CHACHA20/POLY1305",
	                                   "ARIAGCM", NULL};
	static const char *const cbc[] = {"AES", "Camellia", "ARIA", "SEED", "IDEA", "RC2", NULL};
	static const char *const pfs[] = {"ECDH",   "DH",  "ECDHE", "DHE", "ECDHEPSK",
	                                  "DHEPSK", "SRP", "any",   NULL};
	char kx[32], enc[32], mac[32];
	unsigned want = 0;

	column_value(line, "Kx=", kx, sizeof(kx));
	column_value(line, "Enc=", enc, sizeof(enc));
	column_value(line, "Mac=", mac, sizeof(mac));
	if (in_list(enc, aead))
		want |= AEAD;
	else if (in_list(enc, cbc))
		want |= CBC;
	else if (strcmp(enc, "3DES") == 0)
		want |= C3DES | CBC;
	else if (strcmp(enc, "DES") == 0)
		want |= DES | CBC;
	else if (strcmp(enc, "RC4") == 0)
		want |= RC4;
	else if (strcmp(enc, "None") == 0)
		want |= NUL;
	else
		CU_FAIL("oracle: unknown Enc= column");
	if (strcmp(mac, "SHA1") == 0 || strcmp(mac, "MD5") == 0)
		want |= SHA1;
	if (!in_list(kx, pfs))
		want |= NOPFS;
	if (strstr(line, "export") != NULL)
		want |= EXP;
	return want;
}

static void
lower_case(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void
test_openssl_oracle(void)
{
	FILE *fp;
	char line[512], name[128];
	unsigned want, got;
	int checked = 0, status;

	fp = popen(OPENSSL_COMMAND, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%127s", name) != 1)
			continue;
		want = expected_classes(line);
		got = cipher_classify(name);
		if (got != want || !cipher_class_known(name))
			printf("\n  %s: got %#x, want %#x, in table: %d\n", name, got, want,
			       cipher_class_known(name));
		CU_ASSERT_EQUAL(got, want);
		CU_ASSERT_TRUE(cipher_class_known(name));
		lower_case(name);
		got = cipher_classify(name);
		if (got != want)
			printf("\n  fallback %s: got %#x, want %#x\n", name, got, want);
		CU_ASSERT_EQUAL(got, want);
		CU_ASSERT_FALSE(cipher_class_known(name));
		checked++;
	}
	status = pclose(fp);
	printf("\n  oracle: %d suites from openssl checked\n", checked);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT(checked > 50);
}

/* The fixed cases that are in the table also come out the same from the fallback. */
static void
test_fallback_agrees(void)
{
	char name[128];
	size_t i;
	const struct classify_case *c;

	for (i = 0; i < sizeof(classify_cases) / sizeof(classify_cases[0]); i++) {
		c = &classify_cases[i];
		if (!c->known)
			continue;
		snprintf(name, sizeof(name), "%s", c->name);
		lower_case(name);
		if (cipher_classify(name) != c->want)
			printf("\n  fallback %s: got %#x, want %#x\n", name, cipher_classify(name),
			       c->want);
		CU_ASSERT_EQUAL(cipher_classify(name), c->want);
	}
}

struct class_name_case {
	const char *name;
	int rc;
	unsigned bit;
};

static const struct class_name_case class_name_cases[] = {
    {"3des", 0, C3DES},    {"rc4", 0, RC4},       {"des", 0, DES},      {"null", 0, NUL},
    {"export", 0, EXP},    {"cbc", 0, CBC},       {"aead", 0, AEAD},    {"no-pfs", 0, NOPFS},
    {"sha1-mac", 0, SHA1}, {"3DES", 0, C3DES},    {"No-PFS", 0, NOPFS}, {"", -1, 0},
    {NULL, -1, 0},         {"nopfs", -1, 0},      {"no_pfs", -1, 0},    {"sha1", -1, 0},
    {"3des ", -1, 0},      {"class:3des", -1, 0}, {"rc", -1, 0},        {"rc44", -1, 0},
};

static void
test_class_parse(void)
{
	size_t i;
	unsigned bit;
	int rc;

	for (i = 0; i < sizeof(class_name_cases) / sizeof(class_name_cases[0]); i++) {
		bit = 12345;
		rc = cipher_class_parse(class_name_cases[i].name, &bit);
		CU_ASSERT_EQUAL(rc, class_name_cases[i].rc);
		if (rc == 0) {
			CU_ASSERT_EQUAL(bit, class_name_cases[i].bit);
		} else {
			CU_ASSERT_EQUAL(bit, 12345);
		}
	}
}

static void
test_class_name_round_trip(void)
{
	unsigned i, bit;
	const char *name;

	for (i = 0; i < CIPHER_CLASS_COUNT; i++) {
		name = cipher_class_name(1u << i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT_EQUAL(cipher_class_parse(name, &bit), 0);
		CU_ASSERT_EQUAL(bit, 1u << i);
	}
	CU_ASSERT_PTR_NULL(cipher_class_name(0));
	CU_ASSERT_PTR_NULL(cipher_class_name(C3DES | RC4));
	CU_ASSERT_PTR_NULL(cipher_class_name(1u << CIPHER_CLASS_COUNT));
	CU_ASSERT_PTR_NULL(cipher_class_name(~0u));
	CU_ASSERT_STRING_EQUAL(cipher_class_name(NOPFS), "no-pfs");
	CU_ASSERT_STRING_EQUAL(cipher_class_name(SHA1), "sha1-mac");
}

/* Is there an openssl command to ask? */
static int
have_openssl(void)
{
	return system("openssl version >/dev/null 2>&1") == 0;
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"classify fixed table", test_classify_table},
	    {"fallback agrees with table", test_fallback_agrees},
	    {"class name parse", test_class_parse},
	    {"class name round trip", test_class_name_round_trip},
	    {"classify against openssl ciphers -v", test_openssl_oracle},
	    {NULL, NULL},
	};
	static struct fixture_test without_oracle[sizeof(tests) / sizeof(tests[0]) - 1];
	int status;

	if (have_openssl())
		return fixture_run("cipher_class", tests);
	memcpy(without_oracle, tests, sizeof(without_oracle) - sizeof(without_oracle[0]));
	printf("SKIP: no openssl command: the openssl oracle test is left out\n");
	status = fixture_run("cipher_class", without_oracle);
	return status == 0 ? 77 : status;
}
