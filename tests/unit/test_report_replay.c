/*
 * test_report_replay.c -- tlspolicy-report --policy: logged transactions decided again
 *
 * DESCRIPTION
 *	Log lines as the daemon writes them are parsed, replayed through a
 *	policy, and the record must carry that policy's decision: rule,
 *	action, mode, rollout fields, relay; the facts of every logged key
 *	must reach the decision (one rule per key); rollouts follow --as-of;
 *	recipient rules are counted as undecidable; a bad policy is refused.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "logline.h"
#include "policy_fixture.h"
#include "replay.h"

static const char policy_yaml[] =
    "version: 1\n"
    "settings: {sticky_secret: s3cret}\n"
    "rules:\n"
    "  - {name: by-helo, match: {helo: \"scanner*\"}, action: tag}\n"
    "  - {name: by-listener, match: {listener: legacy-in}, action: reroute,"
    " relay: \"smtp:[relay.test]:25\"}\n"
    "  - {name: by-port, match: {port: 2525}, action: hold, reason: old}\n"
    "  - {name: by-auth, match: {auth_user: \"dev*\"}, action: reject}\n"
    "  - {name: by-cipher, match: {cipher: \"class:3des\"}, action: reject}\n"
    "  - {name: by-bits, match: {cipher_bits: \"< 112\"}, action: reject}\n"
    "  - {name: by-verify, match: {cert_verified: false}, action: defer}\n"
    "  - {name: by-sender, match: {sender: \"@old.test\"}, action: tag}\n"
    "  - {name: by-name, match: {client_name: \"*.printers.test\"}, action: tag}\n"
    "  - {name: unknown-client, match: {client: unknown}, action: defer}\n"
    "  - {name: dry, match: {client: 192.0.2.0/24}, action: reject, mode: report-only}\n"
    "  - {name: staged, match: {tls: TLSv1.1}, action: defer,\n"
    "     rollout: {select: per-client, steps: [{from: 2026-12-01, percent: 100}]}}\n"
    "  - {name: legacy, match: {tls: [TLSv1, TLSv1.1]}, action: defer}\n"
    "default: {action: accept}\n";

static struct replay *rp;
static struct logtime_ref ref;
static struct logrec rec;
static char line[2048];

/* The word of words ("k=v k=v") that sets the key of "key=", or NULL. */
static const char *
word_for(const char *words, const char *key, size_t keylen)
{
	const char *p = words;

	while (*p != '\0') {
		if (strncmp(p, key, keylen) == 0)
			return p;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return NULL;
}

/* A daemon log line with the keys of words changed, parsed and replayed. */
static void
replay_line(const char *words)
{
	static const char *const base[] = {"client=mx.example.org[198.51.100.7]",
	                                   "helo=mx.example.org",
	                                   "listener=mx-in",
	                                   "port=25",
	                                   "auth=-",
	                                   "tls=TLSv1.2",
	                                   "cipher=ECDHE-RSA-AES256-GCM-SHA384",
	                                   "bits=256",
	                                   "verify=-",
	                                   "from=<a@example.org>",
	                                   "nrcpt=1",
	                                   "rule=old",
	                                   "action=accept",
	                                   "mode=enforce",
	                                   "selected=-",
	                                   "percent=-",
	                                   "skipped=-",
	                                   "reply=-",
	                                   "relay=-"};
	const char *why = NULL, *w;
	size_t used, i;

	used = (size_t)snprintf(line, sizeof(line),
	                        "2026-11-25T10:15:02+01:00 mx1 milter-tlspolicy[9]: Q1:");
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		if ((w = word_for(words, base[i], (size_t)(strchr(base[i], '=') - base[i]) + 1)) ==
		    NULL)
			w = base[i];
		used += (size_t)snprintf(line + used, sizeof(line) - used, " %.*s",
		                         (int)strcspn(w, " "), w);
	}
	memset(&rec, 0, sizeof(rec));
	CU_ASSERT_EQUAL_FATAL(logline_parse(line, strlen(line), &ref, &rec, &why), LOGLINE_RECORD);
	replay_record(rp, &rec);
}

static int
field_is(enum log_key k, const char *s)
{
	return rec.v[k].len == strlen(s) && memcmp(rec.v[k].s, s, rec.v[k].len) == 0;
}

static void
test_each_key(void)
{
	static const struct {
		const char *words;
		const char *rule;
		enum policy_action action;
	} cases[] = {
	    {"helo=scanner7", "by-helo", ACTION_TAG},
	    {"listener=legacy-in", "by-listener", ACTION_REROUTE},
	    {"port=2525", "by-port", ACTION_HOLD},
	    {"auth=dev1", "by-auth", ACTION_REJECT},
	    {"cipher=DES-CBC3-SHA", "by-cipher", ACTION_REJECT},
	    {"bits=56", "by-bits", ACTION_REJECT},
	    {"verify=FAIL", "by-verify", ACTION_DEFER},
	    {"from=<x@old.test>", "by-sender", ACTION_TAG},
	    {"client=p3.printers.test[198.51.100.9]", "by-name", ACTION_TAG},
	    {"client=unknown[-]", "unknown-client", ACTION_DEFER},
	    {"tls=TLSv1", "legacy", ACTION_DEFER},
	    {"tls=none", "default", ACTION_ACCEPT},
	    {"", "default", ACTION_ACCEPT},
	};
	size_t i;

	rp = replay_open(fixture_write("replay.yaml", policy_yaml), 20261206);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		replay_line(cases[i].words);
		if (!field_is(LK_RULE, cases[i].rule) || rec.action != cases[i].action) {
			CU_FAIL("wrong replayed decision");
			fprintf(stderr, "%s: rule %.*s action %d, want %s %d\n", cases[i].words,
			        (int)rec.v[LK_RULE].len, rec.v[LK_RULE].s, (int)rec.action,
			        cases[i].rule, (int)cases[i].action);
		}
		CU_ASSERT(field_is(LK_ACTION, policy_action_name(cases[i].action)));
		CU_ASSERT(field_is(LK_MODE, "enforce"));
		CU_ASSERT_EQUAL(rec.report_only, 0);
	}
	/* the reroute's relay, and no relay for anything else */
	replay_line("listener=legacy-in");
	CU_ASSERT(field_is(LK_RELAY, "smtp:[relay.test]:25"));
	replay_line("port=2525");
	CU_ASSERT(field_is(LK_RELAY, "-"));
	replay_close(rp);
}

static void
test_mode_and_rollout(void)
{
	rp = replay_open(fixture_write("replay.yaml", policy_yaml), 20261206);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	replay_line("client=h.example.net[192.0.2.8]");
	CU_ASSERT(field_is(LK_RULE, "dry"));
	CU_ASSERT(field_is(LK_MODE, "report-only"));
	CU_ASSERT_EQUAL(rec.report_only, 1);
	replay_line("tls=TLSv1.1");
	CU_ASSERT(field_is(LK_RULE, "staged"));
	CU_ASSERT(field_is(LK_SELECTED, "yes"));
	CU_ASSERT(field_is(LK_PERCENT, "100"));
	CU_ASSERT(field_is(LK_SKIPPED, "-"));
	replay_close(rp);

	/* before the rollout's first step: passed on to the next rule, and remembered */
	rp = replay_open(fixture_write("replay.yaml", policy_yaml), 20261130);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	replay_line("tls=TLSv1.1");
	CU_ASSERT(field_is(LK_RULE, "legacy"));
	CU_ASSERT(field_is(LK_SKIPPED, "staged"));
	CU_ASSERT(field_is(LK_SELECTED, "-"));
	CU_ASSERT(field_is(LK_PERCENT, "-"));
	replay_close(rp);
}

static void
test_recipient_rules_and_errors(void)
{
	char out[512] = "";
	FILE *fp;

	rp = replay_open(
	    fixture_write("rcpt.yaml",
	                  "version: 1\nrules:\n"
	                  "  - {name: r, match: {recipient: \"@x.test\"}, action: tag}\n"
	                  "default: {action: accept}\n"),
	    20261206);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	replay_line("");
	CU_ASSERT(field_is(LK_RULE, "default"));
	fp = fmemopen(out, sizeof(out) - 1, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	replay_summary(rp, fp);
	fclose(fp);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 of 1 transactions could have been decided by a "
	                                   "recipient rule"));
	replay_close(rp);

	/* a policy with errors: refused, the errors on stderr */
	CU_ASSERT_PTR_NULL(
	    replay_open(fixture_write("bad.yaml", "version: 1\nrules: [oops]\n"), 20261206));
	CU_ASSERT_PTR_NULL(replay_open("/nonexistent/policy.yaml", 20261206));
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"every logged key reaches the decision", test_each_key},
	    {"report-only and rollouts as of a day", test_mode_and_rollout},
	    {"recipient rules and bad policies", test_recipient_rules_and_errors},
	    {NULL, NULL},
	};

	return fixture_run("report_replay", tests);
}
