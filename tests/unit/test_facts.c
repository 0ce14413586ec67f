/*
 * NAME
 *	test_facts -- CUnit tests for the session_facts helpers
 *
 * DESCRIPTION
 *	facts_init() defaults; tables for facts_set_tls(),
 *	facts_set_client_addr() and facts_set_verify(); and a table for
 *	facts_set_word() with every key, "-", and bad values. Each
 *	facts_set_word() case also checks that no other field changed.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "facts.h"

static void
test_init(void)
{
	struct session_facts f;

	memset(&f, 0x5a, sizeof(f));
	facts_init(&f);
	CU_ASSERT_EQUAL(f.tls, TLS_VERSION_NONE);
	CU_ASSERT_PTR_NULL(f.tls_text);
	CU_ASSERT_PTR_NULL(f.cipher);
	CU_ASSERT_EQUAL(f.cipher_classes, 0);
	CU_ASSERT_EQUAL(f.cipher_bits, -1);
	CU_ASSERT_EQUAL(f.client_addr.family, 0);
	CU_ASSERT_PTR_NULL(f.client_addr_text);
	CU_ASSERT_PTR_NULL(f.client_name);
	CU_ASSERT_PTR_NULL(f.helo);
	CU_ASSERT_PTR_NULL(f.listener);
	CU_ASSERT_EQUAL(f.port, -1);
	CU_ASSERT_PTR_NULL(f.auth_user);
	CU_ASSERT_PTR_NULL(f.sender);
	CU_ASSERT_PTR_NULL(f.recipient);
	CU_ASSERT_PTR_NULL(f.cert_subject);
	CU_ASSERT_PTR_NULL(f.cert_issuer);
	CU_ASSERT_EQUAL(f.cert_verified, -1);
}

struct tls_case {
	const char *version, *cipher, *bits;
	enum tls_version tls;
	unsigned classes;
	int cipher_bits;
};

static const struct tls_case tls_cases[] = {
    {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256", TLS_VERSION_1_3, CIPHER_CLASS_AEAD, 256},
    {"TLSv1", "ECDHE-RSA-AES256-SHA", "256", TLS_VERSION_1_0,
     CIPHER_CLASS_CBC | CIPHER_CLASS_SHA1_MAC, 256},
    {"TLSv1.2", "DES-CBC3-SHA", "168", TLS_VERSION_1_2,
     CIPHER_CLASS_3DES | CIPHER_CLASS_CBC | CIPHER_CLASS_NO_PFS | CIPHER_CLASS_SHA1_MAC, 168},
    {NULL, NULL, NULL, TLS_VERSION_NONE, 0, -1},
    {"TLSv1.4", NULL, NULL, TLS_VERSION_UNKNOWN, 0, -1},
    {"", "", "", TLS_VERSION_UNKNOWN, 0, -1},
    {NULL, "RC4-MD5", "128", TLS_VERSION_NONE,
     CIPHER_CLASS_RC4 | CIPHER_CLASS_NO_PFS | CIPHER_CLASS_SHA1_MAC, 128},
    {"TLSv1.2", "AES128-GCM-SHA256", "0", TLS_VERSION_1_2, CIPHER_CLASS_AEAD | CIPHER_CLASS_NO_PFS,
     0},
    {"TLSv1.2", "x", "100000", TLS_VERSION_1_2, 0, 100000},
    {"TLSv1.2", "x", "100001", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", "-1", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", "+128", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", " 128", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", "128 ", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", "12a", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", "0x80", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", "99999999999999999999", TLS_VERSION_1_2, 0, -1},
    {"TLSv1.2", "x", "00128", TLS_VERSION_1_2, 0, 128},
};

static void
test_set_tls(void)
{
	size_t i;
	struct session_facts f;
	const struct tls_case *c;

	for (i = 0; i < sizeof(tls_cases) / sizeof(tls_cases[0]); i++) {
		c = &tls_cases[i];
		facts_init(&f);
		facts_set_tls(&f, c->version, c->cipher, c->bits);
		CU_ASSERT_EQUAL(f.tls, c->tls);
		CU_ASSERT_PTR_EQUAL(f.tls_text, c->version);
		CU_ASSERT_PTR_EQUAL(f.cipher, c->cipher);
		CU_ASSERT_EQUAL(f.cipher_classes, c->classes);
		if (f.cipher_bits != c->cipher_bits)
			printf("\n  bits \"%s\": %d, want %d\n", c->bits ? c->bits : "(null)",
			       f.cipher_bits, c->cipher_bits);
		CU_ASSERT_EQUAL(f.cipher_bits, c->cipher_bits);
	}
}

struct addr_case {
	const char *text;
	int family;
	uint8_t first_byte;
};

static const struct addr_case addr_cases[] = {
    {"192.0.2.7", 4, 192},
    {"IPv6:2001:db8::7", 6, 0x20},
    {"::ffff:192.0.2.7", 4, 192},
    {"[2001:db8::7]", 6, 0x20},
    {"unknown", 0, 0},
    {"", 0, 0},
    {NULL, 0, 0},
    {"printer7.example.com[192.0.2.7]", 0, 0},
};

static void
test_set_client_addr(void)
{
	size_t i;
	struct session_facts f;

	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		facts_init(&f);
		facts_set_client_addr(&f, "10.0.0.1");
		facts_set_client_addr(&f, addr_cases[i].text);
		CU_ASSERT_PTR_EQUAL(f.client_addr_text, addr_cases[i].text);
		CU_ASSERT_EQUAL(f.client_addr.family, addr_cases[i].family);
		CU_ASSERT_EQUAL(f.client_addr.bytes[0], addr_cases[i].first_byte);
	}
}

struct verify_case {
	const char *text;
	int want;
};

static const struct verify_case verify_cases[] = {
    {"OK", 1}, {"ok", 1},  {NULL, -1},  {"NO", 0},   {"FAIL", 0},     {"NONE", 0},     {"NOT", 0},
    {"", 0},   {"OK ", 0}, {"OKAY", 0}, {"TEMP", 0}, {"PROTOCOL", 0}, {"SOFTWARE", 0},
};

static void
test_set_verify(void)
{
	size_t i;
	struct session_facts f;

	for (i = 0; i < sizeof(verify_cases) / sizeof(verify_cases[0]); i++) {
		facts_init(&f);
		facts_set_verify(&f, verify_cases[i].text);
		CU_ASSERT_EQUAL(f.cert_verified, verify_cases[i].want);
	}
}

/*
 * facts_set_word(). Each case names the fields it may change; everything
 * else must keep its facts_init() value.
 */
enum field {
	F_TLS = 1 << 0,    /* tls, tls_text */
	F_CIPHER = 1 << 1, /* cipher, cipher_classes */
	F_BITS = 1 << 2,
	F_CLIENT = 1 << 3, /* client_addr, client_addr_text */
	F_CLIENT_NAME = 1 << 4,
	F_HELO = 1 << 5,
	F_LISTENER = 1 << 6,
	F_PORT = 1 << 7,
	F_AUTH = 1 << 8,
	F_SENDER = 1 << 9,
	F_RECIPIENT = 1 << 10,
	F_SUBJECT = 1 << 11,
	F_ISSUER = 1 << 12,
	F_VERIFY = 1 << 13
};

struct word_case {
	const char *key;
	const char *value;
	int rc;
	unsigned fields;
	const char *str;  /* the string field, NULL for absent */
	int num;          /* tls enum, classes, bits, port, verify, family */
	const char *str2; /* client: the name */
};

static const struct word_case word_cases[] = {
    {"tls", "TLSv1", 0, F_TLS, "TLSv1", TLS_VERSION_1_0, NULL},
    {"tls", "TLSv1.3", 0, F_TLS, "TLSv1.3", TLS_VERSION_1_3, NULL},
    {"tls", "TLSv1.9", 0, F_TLS, "TLSv1.9", TLS_VERSION_UNKNOWN, NULL},
    {"tls", "none", 0, F_TLS, NULL, TLS_VERSION_NONE, NULL},
    {"tls", "-", 0, F_TLS, NULL, TLS_VERSION_NONE, NULL},
    {"cipher", "ECDHE-RSA-AES256-SHA", 0, F_CIPHER, "ECDHE-RSA-AES256-SHA",
     CIPHER_CLASS_CBC | CIPHER_CLASS_SHA1_MAC, NULL},
    {"cipher", "RC4-SHA", 0, F_CIPHER, "RC4-SHA",
     CIPHER_CLASS_RC4 | CIPHER_CLASS_NO_PFS | CIPHER_CLASS_SHA1_MAC, NULL},
    {"cipher", "-", 0, F_CIPHER, NULL, 0, NULL},
    {"cipher", "whatever", 0, F_CIPHER, "whatever", 0, NULL},
    {"bits", "256", 0, F_BITS, NULL, 256, NULL},
    {"bits", "0", 0, F_BITS, NULL, 0, NULL},
    {"bits", "100000", 0, F_BITS, NULL, 100000, NULL},
    {"bits", "-", 0, F_BITS, NULL, -1, NULL},
    {"bits", "100001", -1, F_BITS, NULL, -1, NULL},
    {"bits", "-1", -1, F_BITS, NULL, -1, NULL},
    {"bits", "", -1, F_BITS, NULL, -1, NULL},
    {"bits", "12x", -1, F_BITS, NULL, -1, NULL},
    {"client", "192.0.2.7", 0, F_CLIENT, "192.0.2.7", 4, NULL},
    {"client", "2001:db8::7", 0, F_CLIENT, "2001:db8::7", 6, NULL},
    {"client", "IPv6:2001:db8::7", 0, F_CLIENT, "IPv6:2001:db8::7", 6, NULL},
    {"client", "[192.0.2.7]", 0, F_CLIENT, "[192.0.2.7]", 4, NULL},
    {"client", "printer7.example.com[192.0.2.7]", 0, F_CLIENT | F_CLIENT_NAME, "192.0.2.7", 4,
     "printer7.example.com"},
    {"client", "unknown[192.0.2.7]", 0, F_CLIENT | F_CLIENT_NAME, "192.0.2.7", 4, "unknown"},
    {"client", "mx.example.net[2001:db8::25]", 0, F_CLIENT | F_CLIENT_NAME, "2001:db8::25", 6,
     "mx.example.net"},
    {"client", "mx.example.net[IPv6:2001:db8::25]", 0, F_CLIENT | F_CLIENT_NAME,
     "IPv6:2001:db8::25", 6, "mx.example.net"},
    {"client", "h[::ffff:192.0.2.7]", 0, F_CLIENT | F_CLIENT_NAME, "::ffff:192.0.2.7", 4, "h"},
    {"client", "-", 0, F_CLIENT, NULL, 0, NULL},
    {"client", "printer7.example.com", -1, F_CLIENT, "printer7.example.com", 0, NULL},
    {"client", "printer7[192.0.2.7", -1, F_CLIENT, "printer7[192.0.2.7", 0, NULL},
    {"client", "printer7[192.0.2]", -1, F_CLIENT, "printer7[192.0.2]", 0, NULL},
    {"client", "printer7[]", -1, F_CLIENT, "printer7[]", 0, NULL},
    {"client", "printer7[192.0.2.7]x", -1, F_CLIENT, "printer7[192.0.2.7]x", 0, NULL},
    {"client", "", -1, F_CLIENT, "", 0, NULL},
    {"client_name", "printer7.example.com", 0, F_CLIENT_NAME, "printer7.example.com", 0, NULL},
    {"client_name", "unknown", 0, F_CLIENT_NAME, "unknown", 0, NULL},
    {"client_name", "-", 0, F_CLIENT_NAME, NULL, 0, NULL},
    {"helo", "scan7", 0, F_HELO, "scan7", 0, NULL},
    {"helo", "-", 0, F_HELO, NULL, 0, NULL},
    {"listener", "legacy-in", 0, F_LISTENER, "legacy-in", 0, NULL},
    {"listener", "-", 0, F_LISTENER, NULL, 0, NULL},
    {"port", "587", 0, F_PORT, NULL, 587, NULL},
    {"port", "0", 0, F_PORT, NULL, 0, NULL},
    {"port", "65535", 0, F_PORT, NULL, 65535, NULL},
    {"port", "-", 0, F_PORT, NULL, -1, NULL},
    {"port", "65536", -1, F_PORT, NULL, -1, NULL},
    {"port", "-1", -1, F_PORT, NULL, -1, NULL},
    {"port", "", -1, F_PORT, NULL, -1, NULL},
    {"port", "25 ", -1, F_PORT, NULL, -1, NULL},
    {"port", "smtp", -1, F_PORT, NULL, -1, NULL},
    {"port", "99999999999999999999", -1, F_PORT, NULL, -1, NULL},
    {"auth", "alice", 0, F_AUTH, "alice", 0, NULL},
    {"auth", "-", 0, F_AUTH, NULL, 0, NULL},
    {"from", "alice@example.com", 0, F_SENDER, "alice@example.com", 0, NULL},
    {"from", "<alice@example.com>", 0, F_SENDER, "alice@example.com", 0, NULL},
    {"from", "<>", 0, F_SENDER, "", 0, NULL},
    {"from", "<", 0, F_SENDER, "<", 0, NULL},
    {"from", "<bob", 0, F_SENDER, "<bob", 0, NULL},
    {"from", "-", 0, F_SENDER, NULL, 0, NULL},
    {"rcpt", "bob@example.org", 0, F_RECIPIENT, "bob@example.org", 0, NULL},
    {"rcpt", "<bob@example.org>", 0, F_RECIPIENT, "bob@example.org", 0, NULL},
    {"rcpt", "-", 0, F_RECIPIENT, NULL, 0, NULL},
    {"cert_subject", "CN=printer7", 0, F_SUBJECT, "CN=printer7", 0, NULL},
    {"cert_subject", "-", 0, F_SUBJECT, NULL, 0, NULL},
    {"cert_issuer", "CN=Example CA", 0, F_ISSUER, "CN=Example CA", 0, NULL},
    {"cert_issuer", "-", 0, F_ISSUER, NULL, 0, NULL},
    {"verify", "OK", 0, F_VERIFY, NULL, 1, NULL},
    {"verify", "FAIL", 0, F_VERIFY, NULL, 0, NULL},
    {"verify", "NONE", 0, F_VERIFY, NULL, 0, NULL},
    {"verify", "-", 0, F_VERIFY, NULL, -1, NULL},
    /* unknown keys */
    {"TLS", "TLSv1", -1, 0, NULL, 0, NULL},
    {"", "x", -1, 0, NULL, 0, NULL},
    {"sender", "a@b", -1, 0, NULL, 0, NULL},
    {"rule", "modern", -1, 0, NULL, 0, NULL},
    {"client_addr", "192.0.2.7", -1, 0, NULL, 0, NULL},
    {NULL, "x", -1, 0, NULL, 0, NULL},
};

static void
check_string(const char *what, const char *got, const char *want)
{
	if (want == NULL) {
		CU_ASSERT_PTR_NULL(got);
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	if (strcmp(got, want) != 0)
		printf("\n  %s: \"%s\", want \"%s\"\n", what, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* Checks the fields the case changes, then puts them back to their defaults. */
static void
check_and_reset(struct session_facts *f, const struct word_case *c)
{
	if (c->fields & F_TLS) {
		CU_ASSERT_EQUAL(f->tls, (enum tls_version)c->num);
		check_string("tls_text", f->tls_text, c->str);
		f->tls = TLS_VERSION_NONE;
		f->tls_text = NULL;
	}
	if (c->fields & F_CIPHER) {
		check_string("cipher", f->cipher, c->str);
		CU_ASSERT_EQUAL(f->cipher_classes, (unsigned)c->num);
		f->cipher = NULL;
		f->cipher_classes = 0;
	}
	if (c->fields & F_BITS) {
		CU_ASSERT_EQUAL(f->cipher_bits, c->num);
		f->cipher_bits = -1;
	}
	if (c->fields & F_CLIENT) {
		check_string("client_addr_text", f->client_addr_text, c->str);
		CU_ASSERT_EQUAL(f->client_addr.family, c->num);
		f->client_addr_text = NULL;
		memset(&f->client_addr, 0, sizeof(f->client_addr));
	}
	if ((c->fields & F_CLIENT) && (c->fields & F_CLIENT_NAME)) {
		check_string("client_name", f->client_name, c->str2);
		f->client_name = NULL;
	} else if (c->fields & F_CLIENT_NAME) {
		check_string("client_name", f->client_name, c->str);
		f->client_name = NULL;
	}
	if (c->fields & F_PORT) {
		CU_ASSERT_EQUAL(f->port, c->num);
		f->port = -1;
	}
	if (c->fields & F_VERIFY) {
		CU_ASSERT_EQUAL(f->cert_verified, c->num);
		f->cert_verified = -1;
	}
}

struct string_field {
	unsigned field;
	size_t offset;
};

static const struct string_field string_fields[] = {
    {F_HELO, offsetof(struct session_facts, helo)},
    {F_LISTENER, offsetof(struct session_facts, listener)},
    {F_AUTH, offsetof(struct session_facts, auth_user)},
    {F_SENDER, offsetof(struct session_facts, sender)},
    {F_RECIPIENT, offsetof(struct session_facts, recipient)},
    {F_SUBJECT, offsetof(struct session_facts, cert_subject)},
    {F_ISSUER, offsetof(struct session_facts, cert_issuer)},
};

static void
check_and_reset_strings(struct session_facts *f, const struct word_case *c)
{
	size_t i;
	const char **p;

	for (i = 0; i < sizeof(string_fields) / sizeof(string_fields[0]); i++) {
		if (!(c->fields & string_fields[i].field))
			continue;
		p = (const char **)((char *)f + string_fields[i].offset);
		check_string(c->key, *p, c->str);
		*p = NULL;
	}
}

static void
test_set_word(void)
{
	size_t i;
	struct session_facts f, fresh;
	const struct word_case *c;
	char value[128];
	int rc;

	facts_init(&fresh);
	for (i = 0; i < sizeof(word_cases) / sizeof(word_cases[0]); i++) {
		c = &word_cases[i];
		snprintf(value, sizeof(value), "%s", c->value);
		facts_init(&f);
		rc = facts_set_word(&f, c->key, value);
		if (rc != c->rc)
			printf("\n  facts_set_word(%s, \"%s\") = %d, want %d\n",
			       c->key ? c->key : "(null)", c->value, rc, c->rc);
		CU_ASSERT_EQUAL(rc, c->rc);
		check_and_reset(&f, c);
		check_and_reset_strings(&f, c);
		if (memcmp(&f, &fresh, sizeof(f)) != 0)
			printf("\n  facts_set_word(%s, \"%s\") changed another field\n",
			       c->key ? c->key : "(null)", c->value);
		CU_ASSERT_EQUAL(memcmp(&f, &fresh, sizeof(f)), 0);
	}
}

/* A whole -t line, word by word, as the explain mode would feed it. */
static void
test_set_words_together(void)
{
	static const char *const words[][2] = {
	    {"client", "printer7.example.com[192.0.2.7]"},
	    {"helo", "scan7"},
	    {"listener", "smtpd"},
	    {"port", "587"},
	    {"auth", "alice"},
	    {"tls", "TLSv1"},
	    {"cipher", "ECDHE-RSA-AES256-SHA"},
	    {"bits", "256"},
	    {"verify", "OK"},
	};
	char buf[sizeof(words) / sizeof(words[0])][64];
	struct session_facts f;
	size_t i;

	facts_init(&f);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s", words[i][1]);
		CU_ASSERT_EQUAL(facts_set_word(&f, words[i][0], buf[i]), 0);
	}
	CU_ASSERT_STRING_EQUAL(f.client_name, "printer7.example.com");
	CU_ASSERT_STRING_EQUAL(f.client_addr_text, "192.0.2.7");
	CU_ASSERT_EQUAL(f.client_addr.family, 4);
	CU_ASSERT_EQUAL(memcmp(f.client_addr.bytes, "\xc0\x00\x02\x07", 4), 0);
	CU_ASSERT_STRING_EQUAL(f.helo, "scan7");
	CU_ASSERT_STRING_EQUAL(f.listener, "smtpd");
	CU_ASSERT_EQUAL(f.port, 587);
	CU_ASSERT_STRING_EQUAL(f.auth_user, "alice");
	CU_ASSERT_EQUAL(f.tls, TLS_VERSION_1_0);
	CU_ASSERT_EQUAL(f.cipher_classes, CIPHER_CLASS_CBC | CIPHER_CLASS_SHA1_MAC);
	CU_ASSERT_EQUAL(f.cipher_bits, 256);
	CU_ASSERT_EQUAL(f.cert_verified, 1);
	/* a later "-" clears again */
	CU_ASSERT_EQUAL(facts_set_word(&f, "auth", "-"), 0);
	CU_ASSERT_PTR_NULL(f.auth_user);
	CU_ASSERT_EQUAL(facts_set_word(&f, "port", "70000"), -1);
	CU_ASSERT_EQUAL(f.port, -1);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"init defaults", test_init},
	    {"set tls", test_set_tls},
	    {"set client address", test_set_client_addr},
	    {"set verify", test_set_verify},
	    {"set word table", test_set_word},
	    {"set words together", test_set_words_together},
	    {NULL, NULL},
	};

	return fixture_run("facts", tests);
}
