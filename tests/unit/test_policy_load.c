/*
 * test_policy_load.c -- CUnit: policy_load() errors and hostile input
 *
 * Every error case names its exact "LINE:COL: message"; a policy with
 * several mistakes reports them all in one load; hostile files (huge
 * values, garbage, 10 MB, deep nesting, alias bombs) fail cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

struct error_case {
	const char *yaml;
	const char *error; /* the first error, after "policy.yaml:" */
};

static const struct error_case error_cases[] = {
    {"version: 2\n", "1:10: unsupported policy version \"2\" (this program reads version 1)"},
    {"settings: {}\n", "1:1: missing \"version: 1\""},
    {"- a\n- b\n", "1:1: a policy must be a mapping with version, settings, lists, rules and "
                   "default"},
    {"version: 1\ncolour: blue\n", "2:1: unknown key \"colour\" in the policy"},
    {"version: 1\nversion: 1\n", "2:1: duplicate key \"version\" in the policy"},
    {"version: 1\nsettings: {audit: sometimes}\n",
     "2:19: unknown audit scope \"sometimes\" (expected one of: all, matched, none)"},
    {"version: 1\nsettings: {strip_foreign_headers: maybe}\n",
     "2:35: strip_foreign_headers must be true or false, not \"maybe\""},
    {"version: 1\nsettings: {audit_header: \"X-TLS Policy\"}\n",
     "2:26: audit_header \"X-TLS Policy\" is not a valid header field name (printable ASCII "
     "without spaces or \":\")"},
    {"version: 1\nsettings: {audit_header: \"X-TLS:Policy\"}\n",
     "2:26: audit_header \"X-TLS:Policy\" is not a valid header field name (printable ASCII "
     "without spaces or \":\")"},
    {"version: 1\nsettings: {audit_header: \"\"}\n",
     "2:26: audit_header must not be empty (a header field name such as X-TLS-Policy)"},
    {"version: 1\nsettings: {reroute_header: ''}\n",
     "2:28: reroute_header must not be empty (a header field name such as X-TLS-Policy)"},
    {"version: 1\nsettings: {reroute_header: \"X-Caf\xc3\xa9\"}\n",
     "2:28: reroute_header \"X-Caf\xc3\xa9\" is not a valid header field name (printable "
     "ASCII without spaces or \":\")"},
    /* default: required, the last key, its action the last key of the default */
    {"version: 1\n", "2:1: missing \"default:\" (required, as the last key of the policy: a "
                     "file without it may be cut short)"},
    {"version: 1\nrules:\n  - {name: a, action: tag}\n",
     "4:1: missing \"default:\" (required, as the last key of the policy: a file without it "
     "may be cut short)"},
    {"version: 1\ndefault: {action: accept}\nrules: []\n",
     "3:1: \"default:\" must be the last key of the policy (after rules:), so that a truncated "
     "file cannot load"},
    {"version: 1\ndefault: {action: accept, mode: report-only}\n",
     "2:27: action must be the last key of default, so that a truncated file cannot load"},
    {"version: 1\ndefault:\n  action: defer\n  reply: {code: 450}\n",
     "4:3: action must be the last key of default, so that a truncated file cannot load"},
    {"version: 1\ndefault:\n",
     "2:9: default must be a mapping with an action, such as \"default: { action: accept }\""},
    {"version: 1\nrules: [{name: a, action: &x tag}]\ndefault: {action: *x}\n",
     "2:27: the default's action must be written out, not an alias"},
    /* libyaml reader errors at their own position, not 1:1 */
    {"version: 1\nrules: [{name: \"\xff\xfe\"}]\n",
     "2:17: YAML syntax error: invalid leading UTF-8 octet (0xff)"},
    {"version: 1\n# caf\xc3\xa9\nrules: [{name: caf\xc3\xa9\xc3}]\n",
     "3:21: YAML syntax error: invalid trailing UTF-8 octet (0x7d)"},
    {"version: 1\nrules:\n  - {name: x, action: tag}\n  - {name: \"\x1b[2J\"}\n",
     "4:13: YAML syntax error: control characters are not allowed (0x1b)"},
    {"version: 1\nsettings: {reroute_method: carrier-pigeon}\n",
     "2:28: unknown reroute_method \"carrier-pigeon\" (expected one of: auto, header, "
     "recipient-suffix, quarantine)"},
    {"version: 1\nsettings: {mode: dry}\n",
     "2:18: unknown mode \"dry\" (expected one of: enforce, report-only)"},
    {"version: 1\nsettings: [1]\n", "2:11: settings must be a mapping (key: value), not a list"},
    {"version: 1\nlists: {p: [192.0.2.0/33]}\n",
     "2:13: \"192.0.2.0/33\" has a bad prefix length (at most 32)"},
    {"version: 1\nlists: {p: [192.0.2.0/4294967328]}\n",
     "2:13: \"192.0.2.0/4294967328\" has a bad prefix length (at most 32)"},
    {"version: 1\nlists: {p: [\"2001:db8::/18446744073709551744\"]}\n",
     "2:13: \"2001:db8::/18446744073709551744\" has a bad prefix length (at most 128)"},
    {"version: 1\nlists: {p: [192.0.2.1/24]}\n",
     "2:13: \"192.0.2.1/24\" has address bits set beyond its prefix length"},
    {"version: 1\nlists: {p: [printer.example.com]}\n",
     "2:13: \"printer.example.com\" is not an IP address or CIDR prefix"},
    {"version: 1\nlists: {p: [\"file:/nonexistent/printers.txt\"]}\n",
     "2:13: cannot read address list /nonexistent/printers.txt: No such file or directory"},
    {"version: 1\nlists: {\"bad name\": []}\n",
     "2:9: list name \"bad name\" may only use letters, digits, \"_\", \".\" and \"-\""},
    {"version: 1\nrules: {a: b}\n", "2:8: rules must be a list of rules"},
    {"version: 1\nrules:\n  - {match: {}, action: accept}\n", "3:5: rule 1 has no name"},
    {"version: 1\nrules:\n  - {name: a, match: {}}\n", "3:5: a has no action"},
    {"version: 1\nrules:\n  - {name: a, action: accept}\n  - {name: a, action: tag}\n",
     "4:12: duplicate rule name \"a\" (rule 1 has it too)"},
    {"version: 1\nrules:\n  - {name: default, action: tag}\n",
     "3:12: \"default\" is reserved for the default decision"},
    {"version: 1\nrules:\n  - {name: \"a b\", action: tag}\n",
     "3:12: rule name \"a b\" may only use letters, digits, \"_\", \".\" and \"-\""},
    {"version: 1\nrules:\n  - {name: a, action: explode}\n",
     "3:23: unknown action \"explode\" (expected one of: accept, tag, defer, reject, reroute, "
     "hold)"},
    {"version: 1\nrules:\n  - {name: a, action: tag, colour: red}\n",
     "3:28: unknown key \"colour\" in a rule"},
    {"version: 1\nrules:\n  - {name: a, match: {tls: TLSv1.4}, action: tag}\n",
     "3:28: unknown TLS version \"TLSv1.4\" (expected none, SSLv3, TLSv1, TLSv1.1, TLSv1.2, "
     "TLSv1.3 or unknown)"},
    {"version: 1\nrules:\n  - {name: a, match: {tls: \">= none\"}, action: tag}\n",
     "3:28: \"none\" cannot be compared; list it on its own"},
    {"version: 1\nrules:\n  - {name: a, match: {cipher: \"class:weak\"}, action: tag}\n",
     "3:31: unknown cipher class \"weak\" (expected 3des, rc4, des, null, export, cbc, aead, "
     "no-pfs or sha1-mac)"},
    {"version: 1\nrules:\n  - {name: a, match: {cipher_bits: \"< lots\"}, action: tag}\n",
     "3:36: cipher_bits must be a comparison such as \"< 128\", not \"< lots\""},
    {"version: 1\nrules:\n  - {name: a, match: {client: 300.1.1.1}, action: tag}\n",
     "3:31: \"300.1.1.1\" is not an IP address or CIDR prefix"},
    {"version: 1\nrules:\n  - {name: a, match: {client: \"2001:db8::/129\"}, action: tag}\n",
     "3:31: \"2001:db8::/129\" has a bad prefix length (at most 128)"},
    {"version: 1\nrules:\n  - {name: a, match: {client: \"@nolist\"}, action: tag}\n",
     "3:31: unknown list \"@nolist\" (define it under lists:)"},
    {"version: 1\nrules:\n  - {name: a, match: {port: 70000}, action: tag}\n",
     "3:29: port must be a number from 1 to 65535, not \"70000\""},
    {"version: 1\nrules:\n  - {name: a, match: {authenticated: sometimes}, action: tag}\n",
     "3:38: authenticated must be true or false, not \"sometimes\""},
    {"version: 1\nrules:\n  - {name: a, match: {tls: [TLSv1, [TLSv1.1]]}, action: tag}\n",
     "3:36: a TLS version must be a value, not a list"},
    {"version: 1\nrules:\n  - {name: a, match: {colour: red}, action: tag}\n",
     "3:23: unknown key \"colour\" in match"},
    {"version: 1\nrules:\n  - {name: a, action: defer, reply: {code: 550}}\n",
     "3:37: action defer needs a 4xx reply code, not 550"},
    {"version: 1\nrules:\n  - {name: a, action: reject, reply: {code: 421}}\n",
     "3:38: action reject needs a 5xx reply code, not 421"},
    {"version: 1\nrules:\n  - {name: a, action: defer, reply: {code: 250}}\n",
     "3:44: reply code must be a 4xx or 5xx SMTP code, not \"250\""},
    {"version: 1\nrules:\n  - {name: a, action: defer, reply: {code: 451, xcode: 5.7.1}}\n",
     "3:56: enhanced code 5.7.1 does not match reply code 451"},
    {"version: 1\nrules:\n  - {name: a, action: defer, reply: {xcode: 4.7}}\n",
     "3:45: xcode must be an enhanced status code such as 4.7.66, not \"4.7\""},
    {"version: 1\nrules:\n  - {name: a, action: tag, reply: {code: 451}}\n",
     "3:35: reply is only used with action defer or reject"},
    {"version: 1\nrules:\n  - {name: a, action: reroute}\n",
     "3:23: action reroute needs relay: transport:nexthop"},
    {"version: 1\nrules:\n  - {name: a, action: reroute, relay: \"legacy relay\"}\n",
     "3:39: relay must be transport:nexthop, e.g. \"smtp:[legacy-relay.example.net]:25\", "
     "not \"legacy relay\""},
    {"version: 1\nrules:\n  - {name: a, action: tag, relay: \"smtp:[x]:25\"}\n",
     "3:35: relay is only used with action reroute"},
    {"version: 1\nrules:\n  - {name: a, action: reject, subject_prefix: \"[x]\"}\n",
     "3:47: subject_prefix is only used with action tag"},
    {"version: 1\nrules:\n  - {name: a, action: tag, until: 2027-02-29}\n",
     "3:35: until must be a date YYYY-MM-DD, not \"2027-02-29\""},
    {"version: 1\nrules:\n  - {name: a, action: tag, until: tomorrow}\n",
     "3:35: until must be a date YYYY-MM-DD, not \"tomorrow\""},
    {"version: 1\nrules:\n  - {name: a, action: tag, rollout: {percent: 5}}\n",
     "3:37: rollout applies to defer, reject, reroute and hold, not to tag"},
    {"version: 1\nrules:\n  - {name: a, action: defer, rollout: {percent: 101}}\n",
     "3:49: percent must be a number from 0 to 100 (at most two decimals), not \"101\""},
    {"version: 1\nrules:\n  - {name: a, action: defer, rollout: {percent: 0.125}}\n",
     "3:49: percent must be a number from 0 to 100 (at most two decimals), not \"0.125\""},
    {"version: 1\nrules:\n  - {name: a, action: defer, rollout: {select: sometimes, "
     "percent: 5}}\n",
     "3:48: unknown rollout selection \"sometimes\" (expected one of: per-client, "
     "per-transaction)"},
    {"version: 1\nrules:\n  - {name: a, action: defer, rollout: {select: per-client}}\n",
     "3:39: rollout needs percent: N or steps: [...]"},
    {"version: 1\nrules:\n  - name: a\n    action: defer\n    rollout:\n      steps:\n"
     "        - {from: 2026-10-01, percent: 25}\n        - {from: 2026-09-01, percent: 50}\n",
     "8:11: rollout steps must be in ascending date order"},
    {"version: 1\nrules:\n  - name: a\n    action: defer\n    rollout:\n      steps:\n"
     "        - {from: 2026-10-01}\n",
     "7:11: a rollout step needs both from: DATE and percent: N"},
    {"version: 1\nrules:\n  - {name: a, action: tag, mode: sometimes}\n",
     "3:34: unknown mode \"sometimes\" (expected one of: enforce, report-only)"},
    {"version: 1\nrules:\n  - {name: a, action: defer, reply: {text: \"caf\xc3\xa9\"}}\n",
     "3:44: reply text may only contain printable ASCII characters"},
    {"version: 1\ndefault: {action: tag, match: {tls: TLSv1}}\n",
     "2:24: unknown key \"match\" in default"},
    {"version: 1\ndefault: {}\n", "2:10: default has no action"},
    {"version: 1\nrules: [ {name: x, action: accept\n",
     "3:1: YAML syntax error: did not find expected ',' or '}' while parsing a flow mapping"},
    {"version: 1\ndefault: {action: accept}\n---\nversion: 1\n",
     "3:1: more than one YAML document; a policy is one document"},
    {"", "the policy file is empty"},
    {"version: 1\nrules:\n  - {name: a, action: tag, match: {client: \"file:\"}}\n",
     "3:44: file: needs a path"},
    {"version: 1\nsettings: {reroute_method: quarantine}\n"
     "rules:\n  - {name: h, action: hold, reason: \"legacy-tls check\"}\n",
     "4:37: hold reason \"legacy-tls check\" contains the quarantine_reason \"legacy-tls\", so "
     "the legacy queue runner would deliver held mail; choose another reason"},
    {"version: 1\nsettings: {reroute_method: quarantine}\n"
     "rules:\n  - {name: legacy-tls-hold, action: hold}\n",
     "4:37: hold reason \"legacy-tls-hold\" contains the quarantine_reason \"legacy-tls\", so "
     "the legacy queue runner would deliver held mail; choose another reason"},
};

/* The error text after the fixture's directory and "policy.yaml:". */
static const char *
after_file(const char *line)
{
	const char *p = strstr(line, "policy.yaml:");

	if (p == NULL)
		return line;
	p += strlen("policy.yaml:");
	return *p == ' ' ? p + 1 : p;
}

static void
test_error_cases(void)
{
	struct policy_errors errors;
	struct policy *policy;
	size_t i;

	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		policy_errors_init(&errors);
		policy = fixture_load(error_cases[i].yaml, &errors);
		CU_ASSERT_PTR_NULL(policy);
		CU_ASSERT(errors.count >= 1);
		if (errors.count >= 1 &&
		    strcmp(after_file(errors.lines[0]), error_cases[i].error)) {
			fprintf(stderr, "case %zu:\n  got:  %s\n  want: %s\n", i,
			        after_file(errors.lines[0]), error_cases[i].error);
			CU_FAIL("wrong error");
		}
		policy_free(policy);
		policy_errors_free(&errors);
	}
}

/* A bad line in a list file is reported at the list file's own line. */
static void
test_list_file_errors(void)
{
	struct policy_errors errors;
	char yaml[512], want[512], list[256];

	snprintf(
	    list, sizeof(list), "%s",
	    fixture_write("bad-list.txt",
	                  "192.0.2.0/24\n# comment\n  198.51.100.7  junk\n\n   2001:db8::/129\n"));
	snprintf(yaml, sizeof(yaml),
	         "version: 1\nlists: {p: [\"file:%s\"]}\ndefault: {action: accept}\n", list);
	policy_errors_init(&errors);
	CU_ASSERT_PTR_NULL(fixture_load(yaml, &errors));
	CU_ASSERT_EQUAL_FATAL(errors.count, 2);
	snprintf(want, sizeof(want), "%s:3:3: one address or prefix per line", list);
	CU_ASSERT_STRING_EQUAL(errors.lines[0], want);
	snprintf(want, sizeof(want),
	         "%s:5:4: \"2001:db8::/129\" has a bad prefix length (at most 128)", list);
	CU_ASSERT_STRING_EQUAL(errors.lines[1], want);
	policy_errors_free(&errors);
}

/* One load reports every mistake, not only the first. */
static void
test_all_errors_in_one_pass(void)
{
	static const char *const want[] = {
	    "3:10: unknown audit scope \"sometimes\" (expected one of: all, matched, none)",
	    "5:7: \"10.0.0.1/8\" has address bits set beyond its prefix length",
	    "8:18: unknown TLS version \"TLSv2\" (expected none, SSLv3, TLSv1, TLSv1.1, TLSv1.2, "
	    "TLSv1.3 or unknown)",
	    "9:13: unknown action \"deny\" (expected one of: accept, tag, defer, reject, reroute, "
	    "hold)",
	    "10:5: b has no action",
	    "11:11: duplicate rule name \"a\" (rule 1 has it too)",
	    "13:12: action reject needs a 5xx reply code, not 451",
	};
	struct policy_errors errors;
	size_t i;

	policy_errors_init(&errors);
	CU_ASSERT_PTR_NULL(fixture_load("version: 1\n"
	                                "settings:\n"
	                                "  audit: sometimes\n"
	                                "lists:\n"
	                                "  p: [10.0.0.1/8]\n"
	                                "rules:\n"
	                                "  - name: a\n"
	                                "    match: {tls: TLSv2}\n"
	                                "    action: deny\n"
	                                "  - name: b\n"
	                                "  - name: a\n"
	                                "    action: reject\n"
	                                "    reply: {code: 451}\n"
	                                "default: {action: accept}\n",
	                                &errors));
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "  %s\n", errors.lines[i]);
	CU_ASSERT_EQUAL(errors.count, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]) && i < errors.count; i++) {
		if (strstr(errors.lines[i], want[i]) == NULL) {
			fprintf(stderr, "error %zu:\n  got:  %s\n  want: %s\n", i, errors.lines[i],
			        want[i]);
			CU_FAIL("wrong error");
		}
	}
	policy_errors_free(&errors);
}

static void
test_valid_policy_with_everything(void)
{
	struct policy_errors errors;
	struct policy *policy;
	const char *list;
	char yaml[4096];
	size_t i;

	list = fixture_write("printers.txt", "192.0.2.0/24\n2001:db8:10::/48 # lab\n");
	snprintf(
	    yaml, sizeof(yaml),
	    "version: 1\n"
	    "settings:\n"
	    "  audit_header: X-TLS-Policy\n  audit: all\n  strip_foreign_headers: true\n"
	    "  mode: enforce\n  sticky_secret: \"change-me\"\n"
	    "  reroute_header: X-TLS-Policy-Reroute\n  reroute_method: auto\n"
	    "lists:\n  printers:\n    - 192.0.2.0/24\n    - \"2001:db8:10::/48\"\n"
	    "    - file:%s\n    - file:printers.txt\n  empty:\n"
	    "rules:\n"
	    "  - name: modern\n    match: { tls: \">= TLSv1.2\" }\n    action: accept\n"
	    "  - name: legacy-listener\n    match: { listener: legacy-in, tls: [TLSv1, TLSv1.1] }\n"
	    "    action: reroute\n    relay: \"smtp:[legacy-relay.example.net]:25\"\n"
	    "  - name: printers\n    match: { client: \"@printers\", tls: \"< TLSv1.2\" }\n"
	    "    action: tag\n    until: 2027-06-30\n"
	    "  - name: auth-legacy\n    match: { authenticated: true, tls: [TLSv1, TLSv1.1] }\n"
	    "    action: defer\n    reply: { code: 421, xcode: 4.7.66,\n"
	    "             text: \"TLS 1.0 and 1.1 are not supported.\" }\n"
	    "    rollout:\n      select: per-client\n      steps:\n"
	    "        - { from: 2026-09-01, percent: 5 }\n        - { from: 2026-11-01, percent: "
	    "100 }\n"
	    "  - name: weak-ciphers\n"
	    "    match: { cipher: [\"class:3des\", \"class:rc4\", \"class:null\", "
	    "\"class:export\"] }\n"
	    "    action: reject\n"
	    "  - name: everything\n    match: {cipher_bits: \"< 128\", client_name: "
	    "\"*.example\",\n"
	    "      helo: scan*, port: [25, 587], auth_user: bob, sender: \"@example.com\",\n"
	    "      cert_subject: \"*\", cert_issuer: \"*\", cert_verified: false,\n"
	    "      client: [unknown, \"@empty\", 203.0.113.0/24]}\n"
	    "    action: hold\n    reason: \"look at it\"\n    mode: report-only\n"
	    "default: { action: accept }\n",
	    list);
	policy_errors_init(&errors);
	policy = fixture_load(yaml, &errors);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "unexpected: %s\n", errors.lines[i]);
	CU_ASSERT_PTR_NOT_NULL(policy);
	CU_ASSERT_EQUAL(errors.count, 0);
	if (policy != NULL)
		CU_ASSERT_EQUAL(policy_rule_count(policy), 6);
	policy_free(policy);
	policy_errors_free(&errors);
}

/* Load text as a policy; it must fail with an error containing want. */
static void
expect_clean_failure(const char *label, const char *text, const char *want)
{
	struct policy_errors errors;
	clock_t start = clock();
	struct policy *policy;
	double secs;

	policy_errors_init(&errors);
	policy = fixture_load(text, &errors);
	secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	printf("\n  %s: %zu errors in %.2f s%s%s", label, errors.count, secs,
	       errors.count ? ", first: " : "", errors.count ? after_file(errors.lines[0]) : "");
	CU_ASSERT_PTR_NULL(policy);
	CU_ASSERT(errors.count >= 1 && errors.count <= 101);
	if (want != NULL && errors.count >= 1)
		CU_ASSERT_PTR_NOT_NULL(strstr(errors.lines[0], want));
	policy_free(policy);
	policy_errors_free(&errors);
}

static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	memcpy(p, head, hl);
	p += hl;
	for (i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

static void
test_hostile_input(void)
{
	uint32_t x = 12345;
	char *s;
	size_t i;

	/* Huge values: a 100 kB rule name, a 1 MB scalar. */
	s = repeat("version: 1\nrules:\n  - {name: ", "n", 100000, ", action: tag}\n");
	expect_clean_failure("100 kB rule name", s, "is too long (100000 bytes; at most 64)");
	free(s);
	s = repeat("version: 1\nrules:\n  - {name: a, action: tag, match: {helo: ", "h", 1000000,
	           "}}\n");
	expect_clean_failure("1 MB pattern", s, "is too long");
	free(s);
	/* Printable garbage: no NUL, random bytes 0x20..0x7e and newlines. */
	s = malloc(200001);
	for (i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		s[i] = i % 61 == 60 ? '\n' : (char)(' ' + x % 95);
	}
	s[200000] = '\0';
	expect_clean_failure("printable garbage", s, NULL);
	free(s);
	/* 10 MB: over the size limit, refused before parsing. */
	s = repeat("version: 1\n# ", "padding ", 10 << 17, "\n");
	expect_clean_failure("10 MB file", s, "file too large");
	free(s);
	/* Deep nesting: 200,000 levels of flow sequences, and of block mappings. */
	s = repeat("version: 1\nrules: ", "[", 200000, "\n");
	expect_clean_failure("200000 nested [", s, NULL);
	free(s);
	s = repeat("version: 1\nrules: ", "[", 100000, "");
	free(s);
	s = repeat("version: 1\nlists:\n  p: ", "{a: ", 100000, "");
	expect_clean_failure("100000 nested mappings", s, NULL);
	free(s);
	/* Billion laughs: each alias level multiplies by ten. */
	s = strdup("version: 1\n"
	           "a: &a [\"192.0.2.1\",\"192.0.2.1\",\"192.0.2.1\",\"192.0.2.1\",\"192.0.2.1\"]\n"
	           "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	           "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	           "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	           "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	           "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	           "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	           "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	           "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
	           "lists: {p: *i}\n"
	           "rules: [{name: r, action: tag, match: {client: *i}}]\n");
	expect_clean_failure("alias bomb", s, NULL);
	free(s);
	/* Aliases to a mapping: a rule repeated by alias is a duplicate. */
	s = repeat("version: 1\nrules: [&r {name: r, action: tag}, ", "*r,", 50000, "*r]\n");
	expect_clean_failure("50000 aliased rules", s, "duplicate rule name");
	free(s);
	/* Many keys in one mapping. */
	s = malloc(20 * 20000 + 64);
	strcpy(s, "version: 1\nsettings:\n");
	for (i = 0; i < 20000; i++)
		sprintf(s + strlen(s), "  k%zu: v\n", i);
	expect_clean_failure("20000 keys", s, "settings has too many keys");
	free(s);
	/* Invalid UTF-8 and a NUL inside a quoted scalar. */
	expect_clean_failure("invalid UTF-8", "version: 1\nrules: [{name: \"\xff\xfe\"}]\n", NULL);
	expect_clean_failure("escaped NUL", "version: 1\nrules: [{name: \"a\\0b\", action: tag}]\n",
	                     "contains a NUL character");
	/* Not a file. */
	{
		struct policy_errors errors;

		policy_errors_init(&errors);
		CU_ASSERT_PTR_NULL(policy_load("/", &errors));
		CU_ASSERT_EQUAL(errors.count, 1);
		if (errors.count == 1)
			CU_ASSERT_STRING_EQUAL(errors.lines[0],
			                       "/: is a directory, not a regular file");
		policy_errors_free(&errors);
	}
	printf("\n");
}

/* 100,000 addresses in a file: loads, and matches. */
static void
test_large_list(void)
{
	struct decide_context when = {20261125, 0};
	struct policy_errors errors;
	struct session_facts facts;
	struct policy *policy;
	struct decision d;
	char *text, yaml[256], buf[64];
	size_t i, len = 0;

	text = malloc(100000 * 20);
	for (i = 0; i < 100000; i++)
		len += (size_t)sprintf(text + len, "10.%zu.%zu.%zu\n", i >> 16, (i >> 8) & 255,
		                       i & 255);
	snprintf(yaml, sizeof(yaml),
	         "version: 1\nlists: {big: [\"file:%s\"]}\nrules: [{name: big, action: tag, "
	         "match: {client: \"@big\"}}]\ndefault: {action: accept}\n",
	         fixture_write("big.txt", text));
	free(text);
	policy_errors_init(&errors);
	policy = fixture_load(yaml, &errors);
	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	fixture_facts(&facts, buf, sizeof(buf), "client=10.1.134.159");
	policy_decide(policy, &facts, &when, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "big");
	fixture_facts(&facts, buf, sizeof(buf), "client=10.1.134.160");
	policy_decide(policy, &facts, &when, &d);
	CU_ASSERT_STRING_EQUAL(d.rule_name, "default");
	policy_free(policy);
	policy_errors_free(&errors);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"each error at its exact position", test_error_cases},
	    {"list file errors at the list file's line", test_list_file_errors},
	    {"all errors in one pass", test_all_errors_in_one_pass},
	    {"a valid policy using every key", test_valid_policy_with_everything},
	    {"hostile input fails cleanly", test_hostile_input},
	    {"100,000-entry list file", test_large_list},
	    {NULL, NULL},
	};

	return fixture_run("policy_load", tests);
}
