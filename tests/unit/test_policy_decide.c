/*
 * test_policy_decide.c -- CUnit: what policy_decide() says for which session
 *
 * Table-driven: every match key alone and combined, every action and its
 * defaults, rollout (per-transaction statistics, per-client monotonicity
 * and stability), until, report-only, recipient rules and the default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#define TODAY 20261125

/* One match key case: does a rule with this match hold for these facts? */
struct match_case {
	const char *match; /* YAML flow mapping */
	const char *words; /* facts as "key=value ..." */
	int holds;
};

static const struct match_case match_cases[] = {
    /* tls: names, lists, comparisons, none and unknown */
    {"{tls: none}", "", 1},
    {"{tls: none}", "tls=TLSv1", 0},
    {"{tls: TLSv1}", "tls=TLSv1.0", 1},
    {"{tls: TLSv1.0}", "tls=TLSv1", 1},
    {"{tls: TLS1.0}", "tls=TLSv1/SSLv3", 1},
    {"{tls: SSLv3}", "tls=SSLv3", 1},
    {"{tls: [TLSv1, TLSv1.1]}", "tls=TLSv1.1", 1},
    {"{tls: [TLSv1, TLSv1.1]}", "tls=TLSv1.2", 0},
    {"{tls: \">= TLSv1.2\"}", "tls=TLSv1.3", 1},
    {"{tls: \">= TLSv1.2\"}", "tls=TLSv1.2", 1},
    {"{tls: \">= TLSv1.2\"}", "tls=TLSv1.1", 0},
    {"{tls: \">= TLSv1.2\"}", "", 0},
    {"{tls: \">= TLSv1.2\"}", "tls=TLSv1.4", 0},
    {"{tls: \"< TLSv1.2\"}", "tls=SSLv3", 1},
    {"{tls: \"< TLSv1.2\"}", "tls=TLSv1", 1},
    {"{tls: \"< TLSv1.2\"}", "", 0},
    {"{tls: \"<= TLSv1.1\"}", "tls=TLSv1.1", 1},
    {"{tls: \"> TLSv1.2\"}", "tls=TLSv1.3", 1},
    {"{tls: \"!= TLSv1.3\"}", "tls=TLSv1.2", 1},
    {"{tls: \"!= TLSv1.3\"}", "tls=TLSv1.3", 0},
    {"{tls: [none, \"< TLSv1.2\"]}", "", 1},
    {"{tls: unknown}", "tls=TLSv9", 1},
    {"{tls: unknown}", "tls=TLSv1", 0},
    /* cipher: classes and globs */
    {"{cipher: \"class:3des\"}", "tls=TLSv1 cipher=DES-CBC3-SHA", 1},
    {"{cipher: \"class:3des\"}", "tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA", 0},
    {"{cipher: \"class:cbc\"}", "tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA", 1},
    {"{cipher: \"class:cbc\"}", "tls=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384", 0},
    {"{cipher: \"class:aead\"}", "tls=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384", 1},
    {"{cipher: \"class:no-pfs\"}", "tls=TLSv1 cipher=AES128-SHA", 1},
    {"{cipher: \"class:no-pfs\"}", "tls=TLSv1 cipher=ECDHE-RSA-AES128-SHA", 0},
    {"{cipher: \"class:sha1-mac\"}", "tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA", 1},
    {"{cipher: \"class:sha1-mac\"}", "tls=TLSv1.2 cipher=ECDHE-RSA-AES128-SHA256", 0},
    {"{cipher: \"class:rc4\"}", "tls=TLSv1 cipher=RC4-MD5", 1},
    {"{cipher: \"class:rc4\"}", "", 0},
    {"{cipher: [\"class:null\", \"class:export\"]}", "tls=SSLv3 cipher=EXP-RC4-MD5", 1},
    {"{cipher: \"*-CBC3-*\"}", "tls=TLSv1 cipher=EDH-RSA-DES-CBC3-SHA", 1},
    {"{cipher: \"ecdhe-rsa-aes*\"}", "tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA", 1},
    {"{cipher: [\"class:3des\", \"CAMELLIA*\"]}", "tls=TLSv1 cipher=CAMELLIA128-SHA", 1},
    /* cipher_bits */
    {"{cipher_bits: \"< 128\"}", "bits=56", 1},
    {"{cipher_bits: \"< 128\"}", "bits=128", 0},
    {"{cipher_bits: \"< 128\"}", "", 0},
    {"{cipher_bits: \">= 256\"}", "bits=256", 1},
    {"{cipher_bits: 128}", "bits=128", 1},
    {"{cipher_bits: \"!= 128\"}", "bits=256", 1},
    /* client: addresses, prefixes, mapped IPv6, lists, files, unknown */
    {"{client: 192.0.2.0/24}", "client=192.0.2.7", 1},
    {"{client: 192.0.2.0/24}", "client=192.0.3.1", 0},
    {"{client: \"2001:db8::/32\"}", "client=2001:db8::1", 1},
    {"{client: \"2001:db8::/32\"}", "client=2001:db9::1", 0},
    {"{client: 192.0.2.7}", "client=::ffff:192.0.2.7", 1},
    {"{client: \"::ffff:192.0.2.0/120\"}", "client=192.0.2.9", 1},
    {"{client: \"@printers\"}", "client=192.0.2.9", 1},
    {"{client: \"@printers\"}", "client=2001:db8:10::5", 1},
    {"{client: \"@printers\"}", "client=10.1.1.1", 0},
    {"{client: \"file:scanners.txt\"}", "client=198.51.100.3", 1},
    {"{client: \"file:scanners.txt\"}", "client=198.51.101.3", 0},
    {"{client: [\"@printers\", 203.0.113.5]}", "client=203.0.113.5", 1},
    {"{client: unknown}", "client=-", 1},
    {"{client: unknown}", "client=192.0.2.1", 0},
    {"{client: 192.0.2.0/24}", "client=-", 0},
    {"{client: 192.0.2.7}", "client=printer7.example.com[192.0.2.7]", 1},
    /* client_name */
    {"{client_name: \"*.printers.example.com\"}", "client_name=hp1.printers.example.com", 1},
    {"{client_name: \"*.printers.example.com\"}", "client_name=HP1.PRINTERS.EXAMPLE.COM", 1},
    {"{client_name: \"*.printers.example.com\"}", "client_name=other.example.com", 0},
    {"{client_name: \"*.example.com\"}", "client=printer7.example.com[192.0.2.7]", 1},
    {"{client_name: unknown}", "client_name=unknown", 1},
    {"{client_name: unknown}", "", 1},
    {"{client_name: unknown}", "client_name=[192.0.2.1]", 1},
    {"{client_name: unknown}", "client_name=hp1.example.com", 0},
    {"{client_name: \"*\"}", "client_name=unknown", 0},
    /* helo, listener, port */
    {"{helo: \"scan*\"}", "helo=scan7", 1},
    {"{helo: \"scan*\"}", "helo=mail.example.com", 0},
    {"{listener: legacy-in}", "listener=legacy-in", 1},
    {"{listener: legacy-in}", "listener=mx-in", 0},
    {"{listener: legacy-in}", "", 0},
    {"{listener: [\"sub*\", legacy-in]}", "listener=submission-in", 1},
    {"{port: [587, 465]}", "port=587", 1},
    {"{port: [587, 465]}", "port=25", 0},
    {"{port: 25}", "", 0},
    /* authentication */
    {"{authenticated: true}", "auth=alice", 1},
    {"{authenticated: true}", "", 0},
    {"{authenticated: false}", "", 1},
    {"{authenticated: false}", "auth=alice", 0},
    {"{auth_user: \"scanner-*\"}", "auth=scanner-3", 1},
    {"{auth_user: \"scanner-*\"}", "auth=alice", 0},
    {"{auth_user: \"scanner-*\"}", "", 0},
    /* sender and recipient */
    {"{sender: \"@example.com\"}", "from=<bob@example.com>", 1},
    {"{sender: \"@example.com\"}", "from=bob@EXAMPLE.com", 1},
    {"{sender: \"@example.com\"}", "from=bob@example.org", 0},
    {"{sender: \"@*.example.com\"}", "from=bob@sub.example.com", 1},
    {"{sender: \"<>\"}", "from=<>", 1},
    {"{sender: \"<>\"}", "from=a@b.example", 0},
    {"{sender: \"alerts@*\"}", "from=alerts@x.example", 1},
    {"{recipient: \"@legacy.example\"}", "rcpt=a@legacy.example", 1},
    {"{recipient: \"@legacy.example\"}", "rcpt=a@modern.example", 0},
    /* client certificates */
    {"{cert_subject: \"*client*\"}", "cert_subject=client.test", 1},
    {"{cert_subject: \"*client*\"}", "", 0},
    {"{cert_issuer: \"Test CA\"}", "cert_issuer=test\\x20ca", 0},
    {"{cert_issuer: \"Test*\"}", "cert_issuer=TestCA", 1},
    {"{cert_verified: true}", "verify=OK", 1},
    {"{cert_verified: true}", "verify=FAIL", 0},
    {"{cert_verified: true}", "", 0},
    {"{cert_verified: false}", "verify=NO", 1},
    {"{cert_verified: false}", "verify=FAIL", 1},
    {"{cert_verified: false}", "", 0}, /* no {verify} (Postfix): neither value */
    /* several keys: all must hold */
    {"{tls: TLSv1, authenticated: true, listener: submission-in}",
     "tls=TLSv1 auth=alice listener=submission-in", 1},
    {"{tls: TLSv1, authenticated: true, listener: submission-in}",
     "tls=TLSv1 listener=submission-in", 0},
    {"{tls: TLSv1, authenticated: true, listener: submission-in}",
     "tls=TLSv1.2 auth=alice listener=submission-in", 0},
    {"{client: \"@printers\", tls: \"< TLSv1.2\", port: 25}",
     "client=192.0.2.50 tls=TLSv1.1 port=25", 1},
    {"{}", "tls=TLSv1.3", 1},
};

static const char policy_head[] = "version: 1\n"
                                  "lists:\n"
                                  "  printers: [192.0.2.0/24, \"2001:db8:10::/48\"]\n"
                                  "rules:\n";

static struct policy *
load_or_fail(const char *yaml)
{
	struct policy_errors errors;
	struct policy *policy;
	size_t i;

	policy_errors_init(&errors);
	policy = fixture_load(yaml, &errors);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "unexpected: %s\n", errors.lines[i]);
	policy_errors_free(&errors);
	return policy;
}

static void
decide_words(const struct policy *policy, const char *words, uint32_t random, struct decision *d)
{
	struct decide_context when = {TODAY, random};
	struct session_facts facts;
	char buf[1024];

	fixture_facts(&facts, buf, sizeof(buf), words);
	policy_decide(policy, &facts, &when, d);
}

static void
test_match_keys(void)
{
	char yaml[2048];
	struct policy *policy;
	struct decision d;
	size_t i;
	int holds;

	fixture_write("scanners.txt", "# scanners\n198.51.100.0/24  # lab\n\n2001:db8:99::1\n");
	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		snprintf(yaml, sizeof(yaml),
		         "%s  - name: r\n    match: %s\n    action: tag\n"
		         "default: {action: accept}\n",
		         policy_head, match_cases[i].match);
		policy = load_or_fail(yaml);
		CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
		decide_words(policy, match_cases[i].words, 0, &d);
		holds = strcmp(d.rule_name, "r") == 0;
		if (holds != match_cases[i].holds)
			fprintf(stderr, "case %zu: match %s with \"%s\": got %d, want %d\n", i,
			        match_cases[i].match, match_cases[i].words, holds,
			        match_cases[i].holds);
		CU_ASSERT_EQUAL(holds, match_cases[i].holds);
		policy_free(policy);
	}
}

/* One rule of each action, reached by its own listener. */
static const char actions_policy[] =
    "version: 1\n"
    "rules:\n"
    "  - {name: a-accept, match: {listener: accept}, action: accept}\n"
    "  - {name: a-tag, match: {listener: tag}, action: tag, subject_prefix: \"[legacy TLS]\"}\n"
    "  - {name: a-defer, match: {listener: defer}, action: defer}\n"
    "  - {name: a-defer451, match: {listener: defer451}, action: defer,\n"
    "     reply: {code: 451, text: \"Upgrade your TLS, see https://example.test/tls\"}}\n"
    "  - {name: a-reject, match: {listener: reject}, action: reject}\n"
    "  - {name: a-reject554, match: {listener: reject554}, action: reject,\n"
    "     reply: {code: 554, xcode: 5.7.1, text: Go away}}\n"
    "  - {name: a-reroute, match: {listener: reroute}, action: reroute,\n"
    "     relay: \"smtp:[legacy.example]:2525\", reason: legacy device}\n"
    "  - {name: a-hold, match: {listener: hold}, action: hold}\n"
    "  - {name: a-hold2, match: {listener: hold2}, action: hold, reason: check me}\n"
    "default: {reply: {code: 450, xcode: 4.7.0, text: Default deferral}, action: defer}\n";

struct action_case {
	const char *listener;
	const char *rule;
	enum policy_action action;
	int code;
	const char *xcode;
	const char *text; /* NULL: none; "*": the spec's default */
	const char *relay;
	const char *reason;
};

#define SPEC_DEFER                                                                                 \
	"TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to "                 \
	"support TLS 1.2."

static const struct action_case action_cases[] = {
    {"accept", "a-accept", ACTION_ACCEPT, 0, NULL, NULL, NULL, NULL},
    {"tag", "a-tag", ACTION_TAG, 0, NULL, NULL, NULL, NULL},
    {"defer", "a-defer", ACTION_DEFER, 421, "4.7.66", SPEC_DEFER, NULL, NULL},
    {"defer451", "a-defer451", ACTION_DEFER, 451, "4.7.66",
     "Upgrade your TLS, see https://example.test/tls", NULL, NULL},
    {"reject", "a-reject", ACTION_REJECT, 550, "5.7.66",
     "This TLS version or cipher is not accepted. Please upgrade/update your client to "
     "support TLS 1.2 or later.",
     NULL, NULL},
    {"reject554", "a-reject554", ACTION_REJECT, 554, "5.7.1", "Go away", NULL, NULL},
    {"reroute", "a-reroute", ACTION_REROUTE, 0, NULL, NULL, "smtp:[legacy.example]:2525",
     "legacy device"},
    {"hold", "a-hold", ACTION_HOLD, 0, NULL, NULL, NULL, "a-hold"},
    {"hold2", "a-hold2", ACTION_HOLD, 0, NULL, NULL, NULL, "check me"},
    {"other", "default", ACTION_DEFER, 450, "4.7.0", "Default deferral", NULL, NULL},
};

static void
assert_str(const char *got, const char *want)
{
	if (want == NULL) {
		CU_ASSERT_PTR_NULL(got);
	} else if (got == NULL) {
		CU_FAIL("string is NULL");
	} else {
		CU_ASSERT_STRING_EQUAL(got, want);
	}
}

static void
test_actions(void)
{
	struct policy *policy = load_or_fail(actions_policy);
	const struct action_case *c;
	char words[128];
	struct decision d;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	for (i = 0; i < sizeof(action_cases) / sizeof(action_cases[0]); i++) {
		c = &action_cases[i];
		snprintf(words, sizeof(words), "listener=%s tls=TLSv1", c->listener);
		decide_words(policy, words, 0, &d);
		CU_ASSERT_STRING_EQUAL(d.rule_name, c->rule);
		CU_ASSERT_EQUAL(d.action, c->action);
		CU_ASSERT_EQUAL(d.enforced, 1);
		CU_ASSERT_EQUAL(d.reply_code, c->code);
		assert_str(d.reply_xcode, c->xcode);
		assert_str(d.reply_text, c->text);
		assert_str(d.relay, c->relay);
		assert_str(d.reason, c->reason);
		CU_ASSERT_EQUAL(d.legacy, c->action == ACTION_TAG);
		CU_ASSERT_EQUAL(d.has_rollout, 0);
		CU_ASSERT_EQUAL(d.percent_bp, 10000);
	}
	decide_words(policy, "listener=tag", 0, &d);
	assert_str(d.subject_prefix, "[legacy TLS]");
	CU_ASSERT_EQUAL(d.rule_index, 1);
	decide_words(policy, "listener=other", 0, &d);
	CU_ASSERT_EQUAL(d.rule_index, 9);
	policy_free(policy);
}

static void
test_defaults(void)
{
	const struct policy_settings *s;
	struct policy *policy = load_or_fail("version: 1\ndefault: {action: accept}\n");
	struct decision d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	s = policy_settings(policy);
	CU_ASSERT_STRING_EQUAL(s->audit_header, "X-TLS-Policy");
	CU_ASSERT_STRING_EQUAL(s->reroute_header, "X-TLS-Policy-Reroute");
	CU_ASSERT_EQUAL(s->audit, AUDIT_ALL);
	CU_ASSERT_EQUAL(s->strip_foreign_headers, 1);
	CU_ASSERT_EQUAL(s->report_only, 0);
	CU_ASSERT_EQUAL(s->reroute_method, REROUTE_AUTO);
	CU_ASSERT_STRING_EQUAL(s->reroute_suffix, ".LEGACY-TLS");
	CU_ASSERT_STRING_EQUAL(s->quarantine_reason, "legacy-tls");
	CU_ASSERT_EQUAL(policy_rule_count(policy), 0);
	CU_ASSERT_EQUAL(policy_has_recipient_rules(policy), 0);
	decide_words(policy, "tls=TLSv1", 0, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "default");
	CU_ASSERT_EQUAL(d.action, ACTION_ACCEPT);
	CU_ASSERT_EQUAL(d.rule_index, 0);
	policy_free(policy);

	policy = load_or_fail("version: 1\nsettings: {audit_header: X-Legacy, audit: matched,\n"
	                      "  strip_foreign_headers: no, mode: report-only,\n"
	                      "  reroute_method: recipient-suffix, reroute_suffix: .OLD-TLS,\n"
	                      "  quarantine_reason: old, hostname: mx1.example.net}\n"
	                      "default: {action: accept}\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	s = policy_settings(policy);
	CU_ASSERT_STRING_EQUAL(s->audit_header, "X-Legacy");
	CU_ASSERT_EQUAL(s->audit, AUDIT_MATCHED);
	CU_ASSERT_EQUAL(s->strip_foreign_headers, 0);
	CU_ASSERT_EQUAL(s->report_only, 1);
	CU_ASSERT_EQUAL(s->reroute_method, REROUTE_RECIPIENT_SUFFIX);
	CU_ASSERT_STRING_EQUAL(s->reroute_suffix, ".OLD-TLS");
	CU_ASSERT_STRING_EQUAL(s->quarantine_reason, "old");
	CU_ASSERT_STRING_EQUAL(s->hostname, "mx1.example.net");
	policy_free(policy);
}

/* The daemon skips the header stage unless the policy needs it. */
static void
test_needs_headers(void)
{
	static const struct {
		const char *yaml;
		int needs;
	} cases[] = {
	    {"version: 1\ndefault: {action: accept}\n", 1},
	    {"version: 1\nsettings: {strip_foreign_headers: false}\ndefault: {action: accept}\n",
	     0},
	    {"version: 1\nsettings: {strip_foreign_headers: false}\n"
	     "rules: [{name: t, action: tag, subject_prefix: \"[old TLS]\"}]\n"
	     "default: {action: accept}\n",
	     1},
	    {"version: 1\nsettings: {strip_foreign_headers: false}\n"
	     "default: {subject_prefix: \"[x]\", action: tag}\n",
	     1},
	};
	struct policy *policy;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		policy = load_or_fail(cases[i].yaml);
		CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
		CU_ASSERT_EQUAL(policy_needs_headers(policy), cases[i].needs);
		policy_free(policy);
	}
}

static void
test_until(void)
{
	static const struct {
		const char *until;
		int matches;
	} cases[] = {
	    {"2026-11-24", 0},
	    {"2026-11-25", 1},
	    {"2026-11-26", 1},
	    {"2024-02-29", 0},
	};
	char yaml[512];
	struct policy *policy;
	struct decision d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(
		    yaml, sizeof(yaml),
		    "version: 1\nrules:\n  - {name: printers, match: {tls: TLSv1}, action: tag, "
		    "until: %s}\ndefault: {action: accept}\n",
		    cases[i].until);
		policy = load_or_fail(yaml);
		CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
		decide_words(policy, "tls=TLSv1", 0, &d);
		CU_ASSERT_EQUAL(strcmp(d.rule_name, "printers") == 0, cases[i].matches);
		policy_free(policy);
	}
}

static void
test_report_only(void)
{
	static const char rules[] =
	    "rules:\n"
	    "  - {name: shadow, match: {listener: shadow}, action: defer, mode: report-only}\n"
	    "  - {name: enforced, match: {listener: real}, action: reject}\n"
	    "  - {name: tagging, match: {listener: tag}, action: tag, subject_prefix: \"[OLD]\"}\n"
	    "  - {name: dry-tag, match: {listener: dry-tag}, action: tag, mode: report-only}\n"
	    "default: {action: accept}\n";
	char yaml[1024];
	struct policy *policy;
	struct decision d;

	snprintf(yaml, sizeof(yaml), "version: 1\n%s", rules);
	policy = load_or_fail(yaml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	decide_words(policy, "listener=shadow", 0, &d);
	CU_ASSERT_EQUAL(d.action, ACTION_DEFER);
	CU_ASSERT_EQUAL(d.enforced, 0);
	CU_ASSERT_EQUAL(d.reply_code, 421);
	decide_words(policy, "listener=real", 0, &d);
	CU_ASSERT_EQUAL(d.enforced, 1);
	decide_words(policy, "listener=tag", 0, &d);
	CU_ASSERT_EQUAL(d.enforced, 1);
	CU_ASSERT_EQUAL(d.legacy, 1);
	decide_words(policy, "listener=dry-tag", 0, &d);
	CU_ASSERT_EQUAL(d.action, ACTION_TAG);
	CU_ASSERT_EQUAL(d.enforced, 0);
	CU_ASSERT_EQUAL(d.legacy, 0); /* a dry run marks nothing */
	policy_free(policy);

	snprintf(yaml, sizeof(yaml), "version: 1\nsettings: {mode: report-only}\n%s", rules);
	policy = load_or_fail(yaml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	decide_words(policy, "listener=real", 0, &d);
	CU_ASSERT_EQUAL(d.action, ACTION_REJECT);
	CU_ASSERT_EQUAL(d.enforced, 0);
	decide_words(policy, "listener=tag", 0, &d);
	CU_ASSERT_EQUAL(d.action, ACTION_TAG);
	CU_ASSERT_EQUAL(d.enforced, 0); /* no legacy mark, no Subject prefix */
	CU_ASSERT_EQUAL(d.legacy, 0);
	CU_ASSERT_STRING_EQUAL(d.subject_prefix, "[OLD]"); /* what it would have done */
	policy_free(policy);
}

/* A deterministic generator for the statistics, independent of libc. */
static uint32_t
xorshift32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static void
test_rollout_per_transaction(void)
{
	struct policy *policy =
	    load_or_fail("version: 1\nrules:\n  - {name: d, match: {tls: TLSv1}, action: defer,\n"
	                 "     rollout: {select: per-transaction, percent: 30}}\n"
	                 "default: {action: accept}\n");
	uint32_t state = 2463534242u;
	struct decision d;
	int i, selected = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	for (i = 0; i < 10000; i++) {
		decide_words(policy, "tls=TLSv1 client=192.0.2.1", xorshift32(&state), &d);
		if (strcmp(d.rule_name, "d") == 0) {
			selected++;
			CU_ASSERT_EQUAL(d.selected, 1);
			CU_ASSERT_EQUAL(d.has_rollout, 1);
			CU_ASSERT_EQUAL(d.percent_bp, 3000);
		} else {
			CU_ASSERT_STRING_EQUAL(d.skipped_rule, "d");
			CU_ASSERT_EQUAL(d.skipped_percent_bp, 3000);
		}
	}
	CU_ASSERT_EQUAL(d.rollout_select == ROLLOUT_PER_TRANSACTION ||
	                    d.skipped_select == ROLLOUT_PER_TRANSACTION,
	                1);
	printf("\n  per-transaction 30%%: %d of 10000 selected\n", selected);
	CU_ASSERT(selected >= 2800 && selected <= 3200);
	policy_free(policy);
}

static const char per_client_fmt[] =
    "version: 1\nsettings: {sticky_secret: \"%s\"}\n"
    "rules:\n  - name: auth-legacy\n    match: {tls: [TLSv1, TLSv1.1]}\n    action: defer\n"
    "    rollout:\n      select: per-client\n      steps:\n"
    "        - {from: 2026-09-01, percent: 5}\n"
    "        - {from: 2026-10-01, percent: 25}\n"
    "        - {from: 2026-11-01, percent: 100}\n"
    "default: {action: accept}\n";

static struct policy *
load_per_client(const char *secret)
{
	char yaml[1024];

	snprintf(yaml, sizeof(yaml), per_client_fmt, secret);
	return load_or_fail(yaml);
}

/* Is client number i selected on that day? */
static int
client_selected(const struct policy *policy, int i, int today, int by_user)
{
	struct decide_context when = {today, 0};
	struct session_facts facts;
	char words[128], buf[128];
	struct decision d;

	if (by_user)
		snprintf(words, sizeof(words), "tls=TLSv1 auth=user%d client=10.0.%d.%d", i,
		         (i * 7) % 256, i % 256);
	else
		snprintf(words, sizeof(words), "tls=TLSv1 client=10.%d.%d.%d", i / 65536,
		         (i / 256) % 256, i % 256);
	fixture_facts(&facts, buf, sizeof(buf), words);
	policy_decide(policy, &facts, &when, &d);
	return strcmp(d.rule_name, "auth-legacy") == 0;
}

static void
test_rollout_per_client(void)
{
	struct policy *a = load_per_client("s3cret"), *b = load_per_client("s3cret");
	struct policy *other = load_per_client("another");
	int i, at5, at25, n5 = 0, n25 = 0, n100 = 0, same = 0, differ = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	for (i = 0; i < 10000; i++) {
		CU_ASSERT_EQUAL(client_selected(a, i, 20260831, 0), 0); /* before the first step */
		at5 = client_selected(a, i, 20260915, 0);
		at25 = client_selected(a, i, 20261015, 0);
		n5 += at5;
		n25 += at25;
		n100 += client_selected(a, i, 20261101, 0);
		if (at5 && !at25)
			CU_FAIL("a client selected at 5% is not selected at 25%");
		/* Same secret, another host: same selection. */
		same += at25 == client_selected(b, i, 20261015, 0);
		differ += at25 != client_selected(other, i, 20261015, 0);
	}
	printf("\n  per-client: %d at 5%%, %d at 25%%, %d at 100%%; %d differ with another "
	       "secret\n",
	       n5, n25, n100, differ);
	CU_ASSERT(n5 >= 300 && n5 <= 700);
	CU_ASSERT(n25 >= 2300 && n25 <= 2700);
	CU_ASSERT_EQUAL(n100, 10000);
	CU_ASSERT_EQUAL(same, 10000);
	CU_ASSERT(differ > 1000);
	policy_free(a);
	policy_free(b);
	policy_free(other);
}

/* Authenticated sessions are selected by user, wherever they come from. */
static void
test_rollout_per_user(void)
{
	struct policy *policy = load_per_client("s3cret");
	struct decide_context when = {20261015, 0};
	struct session_facts facts;
	struct decision d1, d2;
	char buf[128];
	int i, agree = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	for (i = 0; i < 2000; i++) {
		snprintf(buf, sizeof(buf), "user%d", i);
		fixture_facts(&facts, buf + 64, 64, "tls=TLSv1 client=192.0.2.1");
		facts.auth_user = buf;
		policy_decide(policy, &facts, &when, &d1);
		fixture_facts(&facts, buf + 64, 64, "tls=TLSv1 client=2001:db8::77");
		facts.auth_user = buf;
		policy_decide(policy, &facts, &when, &d2);
		agree += strcmp(d1.rule_name, d2.rule_name) == 0;
	}
	CU_ASSERT_EQUAL(agree, 2000);
	CU_ASSERT(client_selected(policy, 1, 20261015, 1) ==
	          client_selected(policy, 1, 20261015, 1));
	policy_free(policy);
}

static void
test_rollout_steps(void)
{
	struct policy *policy = load_or_fail(
	    "version: 1\nrules:\n  - name: d\n    match: {tls: TLSv1}\n    action: reject\n"
	    "    rollout:\n      select: per-transaction\n      steps:\n"
	    "        - {from: 2026-09-01, percent: 2.5}\n"
	    "        - {from: 2026-10-01, percent: 0.25}\n"
	    "default: {action: accept}\n");
	struct decide_context when = {20260901, 0};
	struct session_facts facts;
	struct decision d;
	char buf[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	fixture_facts(&facts, buf, sizeof(buf), "tls=TLSv1");
	policy_decide(policy, &facts, &when, &d); /* draw 0 < 250 */
	CU_ASSERT_STRING_EQUAL(d.rule_name, "d");
	CU_ASSERT_EQUAL(d.percent_bp, 250);
	when.random = 250;
	policy_decide(policy, &facts, &when, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "default");
	CU_ASSERT_EQUAL(d.skipped_percent_bp, 250);
	when.today = 20261001;
	when.random = 24;
	policy_decide(policy, &facts, &when, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "d");
	CU_ASSERT_EQUAL(d.percent_bp, 25);
	when.today = 20260831;
	when.random = 0;
	policy_decide(policy, &facts, &when, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "default");
	CU_ASSERT_STRING_EQUAL(d.skipped_rule, "d");
	CU_ASSERT_EQUAL(d.skipped_percent_bp, 0);
	policy_free(policy);
}

static void
test_recipient_rules(void)
{
	struct policy *policy = load_or_fail(
	    "version: 1\nrules:\n"
	    "  - {name: exempt, match: {recipient: \"@printers.example\", tls: TLSv1}, "
	    "action: accept}\n"
	    "  - {name: partner, match: {recipient: \"@partner.example\"}, action: defer,\n"
	    "     reply: {code: 450}}\n"
	    "  - {name: legacy, match: {tls: TLSv1}, action: defer}\n"
	    "default: {action: accept}\n");
	struct decision d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	CU_ASSERT_EQUAL(policy_has_recipient_rules(policy), 1);
	decide_words(policy, "tls=TLSv1", 0, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "legacy");
	CU_ASSERT_EQUAL(d.needs_recipient, 1);
	CU_ASSERT_EQUAL(d.by_recipient_rule, 0);
	decide_words(policy, "tls=TLSv1 rcpt=scan@printers.example", 0, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "exempt");
	CU_ASSERT_EQUAL(d.by_recipient_rule, 1);
	decide_words(policy, "tls=TLSv1 rcpt=a@other.example", 0, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "legacy");
	CU_ASSERT_EQUAL(d.by_recipient_rule, 0);
	decide_words(policy, "tls=TLSv1.3", 0, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "default");
	CU_ASSERT_EQUAL(d.needs_recipient, 1); /* partner may still match */
	decide_words(policy, "tls=TLSv1.3 rcpt=x@partner.example", 0, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "partner");
	CU_ASSERT_EQUAL(d.reply_code, 450);
	policy_free(policy);
}

/* The decision points into the policy; nothing to free, nothing shared. */
static void
test_first_match_wins(void)
{
	struct policy *policy =
	    load_or_fail("version: 1\nrules:\n"
	                 "  - {name: one, match: {tls: TLSv1}, action: tag}\n"
	                 "  - {name: two, match: {tls: TLSv1}, action: reject}\n"
	                 "default: {action: accept}\n");
	struct decision d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	decide_words(policy, "tls=TLSv1", 0, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "one");
	CU_ASSERT_EQUAL(d.rule_index, 0);
	policy_free(policy);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"every match key, alone and combined", test_match_keys},
	    {"every action and its reply defaults", test_actions},
	    {"settings defaults and overrides", test_defaults},
	    {"until", test_until},
	    {"header stage needed or not", test_needs_headers},
	    {"report-only, per rule and global", test_report_only},
	    {"rollout per transaction: 30% of 10000", test_rollout_per_transaction},
	    {"rollout per client: monotone, stable, keyed", test_rollout_per_client},
	    {"rollout per user across addresses", test_rollout_per_user},
	    {"rollout steps by date, fractional percent", test_rollout_steps},
	    {"recipient rules", test_recipient_rules},
	    {"first match wins", test_first_match_wins},
	    {NULL, NULL},
	};

	return fixture_run("policy_decide", tests);
}
