/*
 * test_rule_index.c -- the rule index changes no decision, and leaves rules out
 *
 * DESCRIPTION
 *	An oracle test: a generated policy of 400 rules over every fact the
 *	index looks at (TLS versions, AUTH state and user, exact and glob
 *	listeners, ports, IPv4 and IPv6 prefixes, "unknown" clients, cipher
 *	classes) is decided for thousands of generated sessions, and each
 *	decision must name the first rule, in order, whose match holds, as a
 *	plain scan over every rule finds it. Then the index itself: every rule
 *	that holds is among its candidates, and rules with a test the session
 *	fails by equality are not.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "policy_fixture.h"
#include "prefilter.h"
#include "rule_index.h"

#define RULES 400
#define SESSIONS 12600 /* every combination of the session facts below */

static const char *const listeners[] = {"mx-in", "legacy-in", "submission-in", "L3", "-"};
static const char *const ports[] = {"25", "587", "2525", "-"};
static const char *const tls_names[] = {"-", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
static const char *const users[] = {"-", "u0", "u1", "u2", "bob"};
static const char *const ciphers[] = {"ECDHE-RSA-AES256-SHA", "DES-CBC3-SHA",
    "TLS_AES_256_GCM_SHA384"};
static const char *const clients[] = {"10.1.2.3", "172.16.9.9", "192.0.2.7", "198.51.100.7",
    "2001:db8::5", "::1", "-"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One rule's match, cycling through the kinds of test the index knows. */
static int
rule_match(char *buf, size_t len, int i)
{
	static const char *const octets[] = {"10", "172", "192", "198"};

	switch (i % 10) {
	case 0:
		return snprintf(buf, len, "tls: [TLSv1, TLSv1.1], listener: %s", listeners[i % 4]);
	case 1:
		return snprintf(buf, len, "port: %s, tls: \">= TLSv1.2\"", ports[i % 3]);
	case 2:
		return snprintf(buf, len, "authenticated: true, tls: \"< TLSv1.2\"");
	case 3:
		return snprintf(buf, len, "authenticated: false, client: %s.%s",
		    octets[i / 10 % 4], i / 10 % 2 ? "200.0.0/16" : "0.0.0/8");
	case 4:
		return snprintf(buf, len, "auth_user: u%d, listener: \"*-in\"", i % 4);
	case 5:
		return snprintf(buf, len, "client: [\"2001:db8::/32\", unknown], tls: none");
	case 6:
		return snprintf(buf, len, "client: unknown, port: %s", ports[i % 3]);
	case 7:
		return snprintf(buf, len, "listener: \"%s\", port: 587", listeners[i % 4]);
	case 8:
		return snprintf(buf, len, "tls: TLSv1.%d, client: %s/8", i % 4,
		    i % 2 ? "192.0.0.0" : "10.0.0.0");
	default:
		return snprintf(buf, len, "cipher: \"class:3des\"");
	}
}

static struct policy *
load_generated(void)
{
	struct policy_errors errors;
	struct policy *policy;
	size_t len = 0, size = 200 * RULES;
	char *yaml = malloc(size), m[160];
	int i;

	CU_ASSERT_FATAL(yaml != NULL);
	len += (size_t)snprintf(yaml + len, size - len, "version: 1\nrules:\n");
	for (i = 0; i < RULES; i++) {
		rule_match(m, sizeof(m), i);
		len += (size_t)snprintf(yaml + len, size - len,
		    "  - {name: r%d, match: {%s}, action: tag}\n", i, m);
	}
	snprintf(yaml + len, size - len, "default: {action: accept}\n");
	policy_errors_init(&errors);
	policy = fixture_load(yaml, &errors);
	free(yaml);
	for (i = 0; (size_t)i < errors.count; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	policy_errors_free(&errors);
	CU_ASSERT_FATAL(policy != NULL);
	CU_ASSERT_EQUAL(policy_rule_count(policy), RULES);
	return policy;
}

/* Session n, a different combination of every fact for every n. */
static void
session(struct session_facts *facts, char *buf, size_t len, unsigned n)
{
	char words[400];

	snprintf(words, sizeof(words), "tls=%s cipher=%s client=%s listener=%s port=%s auth=%s",
	    tls_names[n % COUNT(tls_names)], ciphers[n / 6 % COUNT(ciphers)],
	    clients[n / 18 % COUNT(clients)], listeners[n / 126 % COUNT(listeners)],
	    ports[n / 630 % COUNT(ports)], users[n / 2520 % COUNT(users)]);
	fixture_facts(facts, buf, len, words);
}

/* The first rule that holds, by a scan over all of them; rule_count when none. */
static size_t
first_holding(const struct policy *policy, const struct session_facts *facts)
{
	size_t i;

	for (i = 0; i < policy->rule_count; i++)
		if (match_holds(&policy->rules[i].match, facts, 0))
			return i;
	return policy->rule_count;
}

/* The index's bitmaps for these facts. */
static void
rows_for(const struct policy *policy, const struct session_facts *facts,
    const uint64_t *rows[RULE_INDEX_DIMS])
{
	struct fact_summary summary;

	prefilter_summarize(facts, &summary);
	rule_index_rows(&policy->index, &summary, rows);
}

static int
in_rows(const uint64_t *const rows[RULE_INDEX_DIMS], size_t rule)
{
	return (rule_index_word(rows, rule / 64) >> (rule % 64)) & 1u;
}

static int
is_candidate(const struct policy *policy, const struct session_facts *facts, size_t rule)
{
	const uint64_t *rows[RULE_INDEX_DIMS];

	rows_for(policy, facts, rows);
	return in_rows(rows, rule);
}

static void
test_same_decisions(void)
{
	struct policy *policy = load_generated();
	struct decide_context when = {.today = 20261125, .random = 0};
	const uint64_t *rows[RULE_INDEX_DIMS];
	struct session_facts facts;
	struct decision d;
	size_t expected, by_default = 0, i;
	char buf[400];
	unsigned n;

	for (n = 0; n < SESSIONS; n++) {
		session(&facts, buf, sizeof(buf), n);
		expected = first_holding(policy, &facts);
		policy_decide(policy, &facts, &when, &d);
		if ((size_t)d.rule_index != expected) {
			CU_FAIL("the decision differs from a scan over every rule");
			fprintf(stderr, "session %u: rule %d, the scan says %zu\n", n, d.rule_index,
			    expected);
			break;
		}
		by_default += expected == policy->rule_count;
		rows_for(policy, &facts, rows);
		for (i = expected; i < policy->rule_count; i++)
			if (!in_rows(rows, i) && match_holds(&policy->rules[i].match, &facts, 0)) {
				CU_FAIL("a rule that holds is not a candidate");
				fprintf(stderr, "session %u: rule %zu left out\n", n, i);
				n = SESSIONS;
				break;
			}
	}
	/* The sessions reach many rules and the default too, or the test proves little. */
	CU_ASSERT(by_default > 0);
	CU_ASSERT(by_default < SESSIONS / 2);
	policy_free(policy);
}

static void
test_leaves_rules_out(void)
{
	struct policy *policy = load_generated();
	struct session_facts facts;
	char buf[400];

	fixture_facts(&facts, buf, sizeof(buf),
	    "tls=TLSv1.3 client=10.1.2.3 listener=mx-in port=25 auth=-");
	/* r0: TLSv1 or 1.1 only; r8: TLSv1.0 */
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 0));
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 8));
	/* r11, r31: port 2525 and 587; r21, r111: port 25 (all TLS >= 1.2) */
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 11));
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 31));
	CU_ASSERT_TRUE(is_candidate(policy, &facts, 21));
	CU_ASSERT_TRUE(is_candidate(policy, &facts, 111));
	/* r2: authenticated; r5: IPv6 or unknown, and plaintext; r7: listener L3 and port 587 */
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 2));
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 5));
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 7));
	/* r3: 10.0.0.0/8, not authenticated: in; r13: 172.200.0.0/16: out */
	CU_ASSERT_TRUE(is_candidate(policy, &facts, 3));
	CU_ASSERT_FALSE(is_candidate(policy, &facts, 13));
	/* r9: a cipher class, which the index does not look at */
	CU_ASSERT_TRUE(is_candidate(policy, &facts, 9));
	policy_free(policy);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"the same decisions as a scan over every rule", test_same_decisions},
	    {"rules failing an equality test are left out", test_leaves_rules_out},
	    {NULL, NULL},
	};

	return fixture_run("rule_index", tests);
}
