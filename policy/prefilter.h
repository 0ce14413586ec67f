/*
 * prefilter.h -- a compact summary of each rule for quick rejects
 *
 * SYNOPSIS
 *	void prefilter_build(const struct rule *rule, struct rule_head *head);
 *	unsigned prefilter_day(int yyyymmdd);
 *	void prefilter_summarize(const struct session_facts *facts, struct fact_summary *s);
 *	int prefilter_passes(const struct rule_head *head, const struct fact_summary *s);
 *
 * DESCRIPTION
 *	A struct rule is a few hundred bytes; scanning a thousand of them per
 *	decision is bound by memory, not by comparisons. Each rule therefore
 *	also has a 16-byte head with the tests that need no pattern matching:
 *	TLS versions, authentication, a single exact listener (by hash), a
 *	single port, required cipher classes, the first octets of the client
 *	prefixes, "until", and the first and last literal characters of one
 *	single-pattern string key (listener, HELO, client name or auth user),
 *	which reject most globs without reading them. The heads of all rules
 *	sit in one array, 16 bytes each, so a thousand rules fit in L1.
 *
 *	prefilter_day() turns a YYYYMMDD date into the head's day number;
 *	the decision compares today's day number with until_day.
 *
 *	prefilter_passes() is conservative: 0 means the rule cannot match;
 *	1 means match_holds() must decide. The facts are summarized once per
 *	decision with prefilter_summarize(). A recipient key is never part of
 *	the head, so a rule that fails the head cannot match for any
 *	recipient either.
 */
#ifndef PREFILTER_H
#define PREFILTER_H

#include <stdint.h>

#include "compiled.h"

#define HEAD_AUTH_ANY 0
#define HEAD_AUTH_REQUIRED 1
#define HEAD_AUTH_FORBIDDEN 2

#define HEAD_CLIENT_KEY (1u << 0)	/* the rule has a client key */
#define HEAD_CLIENT_V6 (1u << 1)	/* some IPv6 prefix */
#define HEAD_CLIENT_UNKNOWN (1u << 2)	/* "unknown" */

/* String facts whose first and last characters a head may test. */
enum head_string {
	HS_LISTENER,
	HS_HELO,
	HS_CLIENT_NAME,
	HS_AUTH_USER,
	HS_COUNT
};

struct rule_head {
	uint32_t listener_hash;		/* required exact listener; 0 for none */
	uint16_t until_day;		/* days since 2000-01-01 (rule "until"); 0 for none */
	uint16_t port;			/* required port; 0 for none */
	uint16_t cipher_classes;	/* one of these classes required; 0 for none */
	uint8_t tls_versions;		/* bit per enum tls_version */
	uint8_t auth : 2;		/* HEAD_AUTH_* */
	uint8_t client : 3;		/* HEAD_CLIENT_* */
	uint8_t string_key : 3;		/* 1 + enum head_string; 0 for none */
	uint8_t v4_lo, v4_hi;		/* first octets of the IPv4 prefixes; lo > hi: none */
	uint8_t string_first;		/* lower-case first character, 0: any */
	uint8_t string_last;		/* lower-case last character, 0: any */
};

struct fact_summary {
	uint8_t tls_bit;
	uint8_t authenticated;
	uint8_t addr_family;		/* 0, 4 or 6 */
	uint8_t addr_first;		/* first octet of an IPv4 address */
	uint16_t port;
	uint16_t cipher_classes;
	uint32_t listener_hash;
	uint8_t first[HS_COUNT];	/* lower-case first character; 0: fact absent */
	uint8_t last[HS_COUNT];
};

void prefilter_build(const struct rule *rule, struct rule_head *head);
unsigned prefilter_day(int yyyymmdd);
void prefilter_summarize(const struct session_facts *facts, struct fact_summary *s);

/* Inline: called for every rule of every decision. */
static inline int
prefilter_client_passes(const struct rule_head *h, const struct fact_summary *s)
{
	if (s->addr_family == 4)
		return s->addr_first >= h->v4_lo && s->addr_first <= h->v4_hi;
	if (s->addr_family == 6)
		return (h->client & HEAD_CLIENT_V6) != 0;
	return (h->client & HEAD_CLIENT_UNKNOWN) != 0;
}

static inline int
prefilter_passes(const struct rule_head *h, const struct fact_summary *s)
{
	if (!(h->tls_versions & s->tls_bit))
		return 0;
	if (h->auth != HEAD_AUTH_ANY && (h->auth == HEAD_AUTH_REQUIRED) != (s->authenticated != 0))
		return 0;
	if (h->listener_hash != 0 && h->listener_hash != s->listener_hash)
		return 0;
	if (h->port != 0 && h->port != s->port)
		return 0;
	if (h->cipher_classes != 0 && !(h->cipher_classes & s->cipher_classes))
		return 0;
	if (h->client != 0 && !prefilter_client_passes(h, s))
		return 0;
	if (h->string_key != 0) {
		unsigned k = h->string_key - 1u;

		if (s->first[k] == 0 || (h->string_first && h->string_first != s->first[k]) ||
		    (h->string_last && h->string_last != s->last[k]))
			return 0;
	}
	return 1;
}

#endif
