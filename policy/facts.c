/*
 * NAME
 *	facts -- what is known about one SMTP session and transaction
 *
 * SYNOPSIS
 *	#include "facts.h"
 *
 *	void facts_init(struct session_facts *facts);
 *	void facts_set_tls(struct session_facts *facts, const char *version,
 *	    const char *cipher, const char *bits);
 *	void facts_set_client_addr(struct session_facts *facts, const char *addr);
 *	void facts_set_verify(struct session_facts *facts, const char *verify);
 *	int facts_set_word(struct session_facts *facts, const char *key, char *value);
 *
 * DESCRIPTION
 *	These helpers fill a session_facts from the strings the MTA sends
 *	(libmilter macros) or from the key=value words of a log line (the
 *	"-t" explain mode), and derive, once, what policy_decide() compares:
 *	the TLS version, the cipher classes, the bits, the port, the parsed
 *	client address.
 *
 *	facts_set_word() dispatches on a table of keys, named in
 *	log_keys.def (the one list of the log line's keys). A "-" value means
 *	absent. "client=NAME[ADDR]", as the log line writes it
 *	("printer7.example.com[192.0.2.7]"), is split in place into
 *	client_name and the address; "from=<a@b>" and "rcpt=<a@b>" lose
 *	their angle brackets in place ("<>", the null sender, becomes "").
 *	See facts.h for what counts as a bad value.
 *
 *	Numbers are plain decimal digits: no sign, no spaces, no leading "+".
 *
 *	Nothing here allocates; strings are borrowed.
 *
 * DIAGNOSTICS
 *	facts_set_word() returns -1 for an unknown key or a bad value.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "log_keys.h"

#define BITS_MAX 100000
#define PORT_MAX 65535

/*
 * The keys of facts_set_word(), by their log_keys.def name. A key with a
 * setter parses its value; a key without one just stores the string at
 * the field offset.
 */
struct word_key {
	int (*set)(struct session_facts *, char *);
	size_t field;
};

#define STRING_FIELD(name) NULL, offsetof(struct session_facts, name)

/* Parses plain decimal digits in 0..max; returns the number or -1. */
static int
parse_number(const char *text, int max)
{
	int n = 0;

	if (text == NULL || *text == '\0')
		return -1;
	for (; *text != '\0'; text++) {
		if (*text < '0' || *text > '9')
			return -1;
		n = n * 10 + (*text - '0');
		if (n > max)
			return -1;
	}
	return n;
}

void
facts_init(struct session_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->tls = TLS_VERSION_NONE;
	facts->cipher_bits = -1;
	facts->port = -1;
	facts->cert_verified = -1;
}

void
facts_set_tls(struct session_facts *facts, const char *version, const char *cipher,
              const char *bits)
{
	facts->tls = tls_version_parse(version);
	facts->tls_text = version;
	facts->cipher = cipher;
	facts->cipher_classes = cipher_classify(cipher);
	facts->cipher_bits = bits == NULL ? -1 : parse_number(bits, BITS_MAX);
}

void
facts_set_client_addr(struct session_facts *facts, const char *addr)
{
	facts->client_addr_text = addr;
	if (net_addr_parse(addr, &facts->client_addr) != 0)
		memset(&facts->client_addr, 0, sizeof(facts->client_addr));
}

void
facts_set_verify(struct session_facts *facts, const char *verify)
{
	if (verify == NULL)
		facts->cert_verified = -1;
	else
		facts->cert_verified = strcasecmp(verify, "OK") == 0;
}

/* The setters of facts_set_word(); value is NULL for "-". */

static int
set_tls(struct session_facts *facts, char *value)
{
	if (value == NULL || strcasecmp(value, "none") == 0) {
		facts->tls = TLS_VERSION_NONE;
		facts->tls_text = NULL;
	} else {
		facts->tls = tls_version_parse(value);
		facts->tls_text = value;
	}
	return 0;
}

static int
set_cipher(struct session_facts *facts, char *value)
{
	facts->cipher = value;
	facts->cipher_classes = cipher_classify(value);
	return 0;
}

static int
set_bits(struct session_facts *facts, char *value)
{
	facts->cipher_bits = value == NULL ? -1 : parse_number(value, BITS_MAX);
	return value != NULL && facts->cipher_bits < 0 ? -1 : 0;
}

static int
set_port(struct session_facts *facts, char *value)
{
	facts->port = value == NULL ? -1 : parse_number(value, PORT_MAX);
	return value != NULL && facts->port < 0 ? -1 : 0;
}

/* "ADDR", "[ADDR]", or "NAME[ADDR]", which is split in place. */
static int
set_client(struct session_facts *facts, char *value)
{
	char *open;
	size_t len;

	if (value == NULL) {
		facts_set_client_addr(facts, NULL);
		return 0;
	}
	open = strchr(value, '[');
	len = strlen(value);
	if (open == NULL || open == value) {
		facts_set_client_addr(facts, value);
		return facts->client_addr.family == 0 ? -1 : 0;
	}
	if (value[len - 1] != ']' || net_addr_parse(open, &facts->client_addr) != 0) {
		facts_set_client_addr(facts, NULL);
		facts->client_addr_text = value;
		return -1;
	}
	*open = '\0';
	value[len - 1] = '\0';
	facts->client_name = value;
	facts->client_addr_text = open + 1;
	return 0;
}

static int
set_verify(struct session_facts *facts, char *value)
{
	facts_set_verify(facts, value);
	return 0;
}

/* Strips "<...>" in place. */
static char *
envelope_address(char *value)
{
	size_t len;

	if (value == NULL || value[0] != '<')
		return value;
	len = strlen(value);
	if (len < 2 || value[len - 1] != '>')
		return value;
	value[len - 1] = '\0';
	return value + 1;
}

static int
set_from(struct session_facts *facts, char *value)
{
	facts->sender = envelope_address(value);
	return 0;
}

static int
set_rcpt(struct session_facts *facts, char *value)
{
	facts->recipient = envelope_address(value);
	return 0;
}

static const struct word_key word_keys[LK_ALL] = {
    [LK_TLS] = {set_tls, 0},
    [LK_CIPHER] = {set_cipher, 0},
    [LK_BITS] = {set_bits, 0},
    [LK_CLIENT] = {set_client, 0},
    [LK_CLIENT_NAME] = {STRING_FIELD(client_name)},
    [LK_HELO] = {STRING_FIELD(helo)},
    [LK_LISTENER] = {STRING_FIELD(listener)},
    [LK_PORT] = {set_port, 0},
    [LK_AUTH] = {STRING_FIELD(auth_user)},
    [LK_FROM] = {set_from, 0},
    [LK_RCPT] = {set_rcpt, 0},
    [LK_CERT_SUBJECT] = {STRING_FIELD(cert_subject)},
    [LK_CERT_ISSUER] = {STRING_FIELD(cert_issuer)},
    [LK_VERIFY] = {set_verify, 0},
};

int
facts_set_word(struct session_facts *facts, const char *key, char *value)
{
	int k;

	if (key == NULL || (k = log_key_find(key, strlen(key))) < 0 ||
	    (log_key_roles[k] & LOG_KEY_FACT) == 0 ||
	    (word_keys[k].set == NULL && word_keys[k].field == 0))
		return -1;
	if (value != NULL && strcmp(value, "-") == 0)
		value = NULL;
	if (word_keys[k].set != NULL)
		return word_keys[k].set(facts, value);
	*(const char **)((char *)facts + word_keys[k].field) = value;
	return 0;
}
