/*
 * NAME
 *	test_report_roundtrip -- the daemon's log writer against the report's reader
 *
 * DESCRIPTION
 *	A line written by the daemon's own formatter (milter/txn_log.c,
 *	txn_log_stamp() + txn_log_format()) is parsed by the report
 *	(contrib/report/logline.c) into the same values: every key, for every
 *	action (and for action=abort and the internal-failure line), with
 *	hostile values: quotes, backslashes, spaces, control characters,
 *	values cut at 255 bytes (also inside a UTF-8 character), a '[' in
 *	the client address and in its name, a ':' in the queue id, an
 *	address over 253 bytes (its ']' must stay). The expected value of
 *	each key is the sanitised input (milter/sanitize.c), so the test says
 *	exactly what the writer promises.
 *
 *	Also: the writer writes the keys of policy/log_keys.def, all of them,
 *	in its order, and doc/log-format.md documents each of them.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "log_keys.h"
#include "logline.h"
#include "sanitize.h"
#include "txn_log.h"
#include "txn_sample.h"

static char line[TXN_LOG_LINE_MAX + 128];
static struct logrec rec;

/* write_and_parse - format r as the -L file form, parse it back */
static enum logline_kind
write_and_parse(const struct txn_record *r, const char **why)
{
	struct logtime_ref ref;
	size_t n;

	n = txn_log_stamp(line, sizeof(line), 1795000000, "mx1", 812);
	n += txn_log_format(line + n, sizeof(line) - n, r);
	logtime_ref_init(&ref, 1795000000);
	memset(&rec, 0, sizeof(rec));
	*why = NULL;
	return logline_parse(line, n, &ref, &rec, why);
}

/* check - a parsed field against what the writer promises for value */
static void
check(const char *what, const struct logfield *f, const char *value, unsigned flags)
{
	char want[SANITIZE_MAX + 1];

	sanitize(want, sizeof(want), value != NULL ? value : "-", flags);
	if (value != NULL && *value == '\0')
		want[0] = '\0';
	CU_ASSERT_EQUAL(f->len, strlen(want));
	CU_ASSERT(f->s != NULL && memcmp(f->s, want, f->len) == 0);
	if (f->s == NULL || f->len != strlen(want) || memcmp(f->s, want, f->len) != 0)
		fprintf(stderr, "\n%s: got \"%.*s\", want \"%s\"\n", what, (int)f->len,
		        f->s ? f->s : "", want);
}

/* What every case starts from: txn_sample.h's, with more set; hostile cases change some. */
static struct decision
decision(enum policy_action action)
{
	struct decision d = txn_sample_decision(action);

	d.percent_bp = 250;
	d.skipped_rule = "printers";
	d.relay = "smtp:[relay.example]:25";
	return d;
}

static struct txn_record
record(const struct decision *d)
{
	struct txn_record r = txn_sample_record(d);

	r.verify = "OK";
	r.nrcpt = 2;
	return r;
}

/* check_record - every key of a RECORD line against its input */
static void
check_record(const struct txn_record *r, const struct decision *d)
{
	char sender[SANITIZE_MAX + 3];
	char nrcpt[16], percent[16];
	char name[SANITIZE_MAX + 1];

	check("queue id", &rec.queue_id, r->queue_id, SANITIZE_SPACE);
	/* the name gets the room the address leaves within 255 bytes */
	sanitize(name, SANITIZE_MAX - strlen(r->client_addr) - 2 + 1, r->client_name, 0);
	for (char *p = name; (p = strpbrk(p, "[]")) != NULL; p++)
		*p = '?';
	if (strlen(r->client_addr) <= 240) { /* long ones: see test_long_address() */
		check("client name", &rec.client_name, name, 0);
		check("client addr", &rec.client_addr, r->client_addr, 0);
	}
	check("helo", &rec.v[LK_HELO], r->helo, 0);
	check("listener", &rec.v[LK_LISTENER], r->listener, 0);
	check("port", &rec.v[LK_PORT], r->port, 0);
	check("auth", &rec.v[LK_AUTH], r->auth, 0);
	check("tls", &rec.v[LK_TLS], r->tls, 0);
	check("cipher", &rec.v[LK_CIPHER], r->cipher, 0);
	check("bits", &rec.v[LK_BITS], r->bits, 0);
	check("verify", &rec.v[LK_VERIFY], r->verify, 0);
	snprintf(sender, sizeof(sender), "<%s>", r->sender);
	if (strlen(r->sender) < 200)
		check("from", &rec.v[LK_FROM], sender, 0);
	snprintf(nrcpt, sizeof(nrcpt), "%u", r->nrcpt);
	check("nrcpt", &rec.v[LK_NRCPT], nrcpt, 0);
	check("rule", &rec.v[LK_RULE], d->rule_name, 0);
	check("mode", &rec.v[LK_MODE], d->enforced ? "enforce" : "report-only", 0);
	check("selected", &rec.v[LK_SELECTED], "yes", 0);
	check("percent", &rec.v[LK_PERCENT],
	      policy_percent_text(percent, sizeof(percent), d->percent_bp), 0);
	check("skipped", &rec.v[LK_SKIPPED], d->skipped_rule, 0);
	check("reply", &rec.v[LK_REPLY], r->reply, 0);
	check("relay", &rec.v[LK_RELAY], d->action == ACTION_REROUTE ? d->relay : NULL, 0);
}

/* Every action, each read back as that action with every key equal. */
static void
test_every_action(void)
{
	for (int a = 0; a < ACTION_COUNT; a++) {
		struct decision d = decision((enum policy_action)a);
		struct txn_record r = record(&d);
		const char *why;

		CU_ASSERT_EQUAL_FATAL(write_and_parse(&r, &why), LOGLINE_RECORD);
		CU_ASSERT_EQUAL(rec.action, (enum policy_action)a);
		CU_ASSERT_EQUAL(rec.aborted, 0);
		CU_ASSERT_EQUAL(rec.tls, TLS_VERSION_1_0);
		CU_ASSERT_EQUAL(rec.report_only, 0);
		check("action", &rec.v[LK_ACTION], policy_action_name((enum policy_action)a), 0);
		check_record(&r, &d);
		d.enforced = 0;
		CU_ASSERT_EQUAL_FATAL(write_and_parse(&r, &why), LOGLINE_RECORD);
		CU_ASSERT_EQUAL(rec.report_only, 1);
	}
}

/* No decision (internal failure): rule=- action=-, counted apart. */
static void
test_internal_failure(void)
{
	struct txn_record r = record(NULL);
	const char *why;

	r.reply = "451 4.3.0";
	CU_ASSERT_EQUAL(write_and_parse(&r, &why), LOGLINE_FAILURE);
}

/*
 * action=abort, as the daemon writes it for a transaction that did not
 * complete (txn_record.aborted; doc/log-format.md): the rule that had decided
 * so far is kept, and the report reads the line as aborted.
 */
static void
test_abort(void)
{
	struct decision d = decision(ACTION_DEFER);
	struct txn_record r = record(&d);
	struct logtime_ref ref;
	const char *why;
	size_t n;

	r.aborted = 1;
	n = txn_log_stamp(line, sizeof(line), 1795000000, "mx1", 812);
	n += txn_log_format(line + n, sizeof(line) - n, &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " rule=auth-legacy action=abort "));
	logtime_ref_init(&ref, 1795000000);
	CU_ASSERT_EQUAL(logline_parse(line, n, &ref, &rec, &why), LOGLINE_RECORD);
	CU_ASSERT_EQUAL(rec.aborted, 1);
	check_record(&r, &d);
}

/* Quotes, backslashes, spaces, control characters, empty values, '=' and '[' inside. */
static void
test_hostile_values(void)
{
	static const char *const nasty[] = {
	    "my \"fancy\" \\host",
	    "trailing backslash\\",
	    "\\",
	    "\"",
	    "ctl\r\nchars\t\x01\x7f end",
	    "key=value other=\"x\"",
	    "",
	    " ",
	    "a[b]c",
	    "caf\xc3\xa9 \xe2\x82\xac",
	};
	struct decision d = decision(ACTION_REROUTE);

	for (size_t i = 0; i < sizeof(nasty) / sizeof(nasty[0]); i++) {
		struct txn_record r = record(&d);
		const char *why;

		r.helo = r.listener = r.auth = r.cipher = r.verify = nasty[i];
		r.client_name = nasty[i][0] != '\0' ? nasty[i] : "x";
		r.reply = nasty[i];
		CU_ASSERT_EQUAL(write_and_parse(&r, &why), LOGLINE_RECORD);
		if (why != NULL)
			fprintf(stderr, "\ncase %zu: %s\n%s\n", i, why, line);
		check_record(&r, &d);
	}
}

/* Values cut at 255 bytes, also in the middle of a UTF-8 character. */
static void
test_cuts(void)
{
	struct decision d = decision(ACTION_TAG);
	char longval[1024], utf8[1024];

	memset(longval, 'h', sizeof(longval) - 1);
	longval[sizeof(longval) - 1] = '\0';
	longval[300] = ' ';
	for (size_t i = 0; i + 2 < sizeof(utf8); i += 2)
		memcpy(utf8 + i, "\xc3\xa9", 2);
	utf8[sizeof(utf8) - 2] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		struct txn_record r = record(&d);
		const char *v = pass ? utf8 : longval;
		const char *why;

		r.helo = r.listener = r.auth = r.cipher = r.reply = v;
		r.client_name = v;
		CU_ASSERT_EQUAL(write_and_parse(&r, &why), LOGLINE_RECORD);
		CU_ASSERT(rec.v[LK_HELO].len <= SANITIZE_MAX);
		check_record(&r, &d);
	}
}

/* A ':' in the queue id; an address with '[' or over 253 bytes keeps its ']' whole. */
static void
test_long_address(void)
{
	struct decision d = decision(ACTION_ACCEPT);
	char addr[400], want[256];
	const char *why;

	for (size_t len = 250; len < sizeof(addr); len += 1) {
		struct txn_record r = record(&d);

		memset(addr, 'a', len);
		addr[len] = '\0';
		addr[3] = '[';
		r.client_addr = addr;
		r.queue_id = "4B:q1";
		CU_ASSERT_EQUAL_FATAL(write_and_parse(&r, &why), LOGLINE_RECORD);
		check("queue id", &rec.queue_id, "4B:q1", 0);
		CU_ASSERT(rec.v[LK_CLIENT].len <= SANITIZE_MAX);
		/* the address whole up to 252 bytes, cut there; the name gets what is left */
		snprintf(want, sizeof(want), "%.*s", 252, addr);
		check("long client addr", &rec.client_addr, want, 0);
		CU_ASSERT(rec.client_name.len >= 1);
		CU_ASSERT(rec.client_name.len + 2 + rec.client_addr.len <= SANITIZE_MAX);
	}
	/* an address of 200 bytes with a '[': whole, and the name cut to fit */
	{
		struct txn_record r = record(&d);
		char name[300];

		memset(addr, 'b', 200);
		addr[200] = '\0';
		addr[0] = '[';
		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		r.client_addr = addr;
		r.client_name = name;
		CU_ASSERT_EQUAL_FATAL(write_and_parse(&r, &why), LOGLINE_RECORD);
		check("client addr with [", &rec.client_addr, addr, 0);
		CU_ASSERT_EQUAL(rec.client_name.len, SANITIZE_MAX - 200 - 2);
	}
}

/* The writer writes the keys of log_keys.def, all and in order; the doc names each. */
static void
test_keys_in_order_and_documented(void)
{
	struct decision d = decision(ACTION_DEFER);
	struct txn_record r = record(&d);
	char body[TXN_LOG_LINE_MAX], doc[65536], pattern[64];
	const char *p = body;
	FILE *fp;
	size_t n;

	txn_log_format(body, sizeof(body), &r);
	for (int k = 0; k < LK_COUNT; k++) {
		snprintf(pattern, sizeof(pattern), " %s=", log_key_names[k]);
		p = strstr(p, pattern);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		p += strlen(pattern);
	}
	snprintf(doc, sizeof(doc), "%s/doc/log-format.md", TOP_SRCDIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp = fopen(doc, "r"));
	n = fread(doc, 1, sizeof(doc) - 1, fp);
	doc[n] = '\0';
	fclose(fp);
	for (int k = 0; k < LK_COUNT; k++) {
		snprintf(pattern, sizeof(pattern), "\n| %s |", log_key_names[k]);
		CU_ASSERT_PTR_NOT_NULL(strstr(doc, pattern));
		if (strstr(doc, pattern) == NULL)
			fprintf(stderr, "\ndoc/log-format.md lacks the key %s\n", log_key_names[k]);
	}
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"every action", test_every_action},
	    {"internal failure", test_internal_failure},
	    {"action=abort", test_abort},
	    {"hostile values", test_hostile_values},
	    {"255-byte cuts", test_cuts},
	    {"queue id and long or odd addresses", test_long_address},
	    {"keys in order and documented", test_keys_in_order_and_documented},
	    {NULL, NULL},
	};

	setenv("TZ", "UTC", 1);
	return fixture_run("report_roundtrip", tests);
}
