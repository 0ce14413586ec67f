/*
 * NAME
 *	test_milter_text -- CUnit tests for what the daemon writes out
 *
 * DESCRIPTION
 *	Table-driven checks of sanitize(), the audit header builder
 *	(values, folding, report-only and legacy marks, hostile values),
 *	the log line formatter (key order, quoting, escaping, NOQUEUE, "-"
 *	for missing values, percent formatting, 255-byte cuts), the reply
 *	mapping (defaults, code classes, '%' escaping, internal failure) and
 *	the MTA helpers (detection from the v macro, xtext both ways, the
 *	client address in one form for both MTAs).
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "audit_header.h"
#include "mta.h"
#include "policy_fixture.h"
#include "reply.h"
#include "sanitize.h"
#include "txn_log.h"
#include "txn_sample.h"

/* ---------------------------------------------------------------- sanitize */

static void
test_sanitize_table(void)
{
	static const struct {
		const char *in;
		unsigned flags;
		const char *out;
	} cases[] = {
	    {"plain", 0, "plain"},
	    {"cr\rlf\nnul-free\ttab", 0, "cr?lf?nul-free?tab"},
	    {"del\x7f", 0, "del?"},
	    {"a;b c", SANITIZE_SEMICOLON, "a?b c"},
	    {"a b", SANITIZE_SPACE, "a?b"},
	    {"caf\xc3\xa9", 0, "caf\xc3\xa9"},
	    {"caf\xc3\xa9", SANITIZE_ASCII, "caf??"},
	    {"", 0, ""},
	};
	char out[300];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sanitize(out, sizeof(out), cases[i].in, cases[i].flags);
		CU_ASSERT_STRING_EQUAL(out, cases[i].out);
	}
	CU_ASSERT_EQUAL(sanitize(out, sizeof(out), NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static void
test_sanitize_cuts(void)
{
	char in[600], out[600];

	memset(in, 'x', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	CU_ASSERT_EQUAL(sanitize(out, sizeof(out), in, 0), SANITIZE_MAX);
	CU_ASSERT_EQUAL(sanitize(out, 10, in, 0), 9);
	/* A two-byte character straddling the cut is dropped whole. */
	memset(in, 'x', 254);
	memcpy(in + 254, "\xc3\xa9zz", 5);
	CU_ASSERT_EQUAL(sanitize(out, sizeof(out), in, 0), 254);
	CU_ASSERT_EQUAL(out[253], 'x');
}

/* ---------------------------------------------------------------- audit header */

static struct audit_fields
sample_fields(void)
{
	struct audit_fields f = {
	    .host = "mx1.example.net",
	    .tls = "TLSv1.2",
	    .cipher = "ECDHE-RSA-AES256-GCM-SHA384",
	    .bits = "256",
	    .client_name = "printer7.example.com",
	    .client_addr = "192.0.2.7",
	    .listener = "smtpd",
	    .auth = "alice",
	    .rule = "modern",
	    .action = "accept",
	};
	return f;
}

/* The value with folding removed, to compare content. */
static void
unfold(char *s)
{
	char *in = s, *out = s;

	for (; *in != '\0'; in++) {
		if (in[0] == '\n' && in[1] == '\t') {
			*out++ = ' ';
			in++;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

/* Every line, with the header name on the first, within the fold column. */
static void
assert_folded(const char *value, size_t name_len)
{
	size_t col = name_len + 2;

	for (; *value != '\0'; value++) {
		if (*value == '\n') {
			CU_ASSERT(col <= AUDIT_HEADER_FOLD);
			CU_ASSERT_EQUAL(value[1], '\t');
			col = 0;
		} else {
			col++;
		}
	}
	CU_ASSERT(col <= AUDIT_HEADER_FOLD);
}

static void
test_audit_header_content(void)
{
	struct audit_fields f = sample_fields();
	char buf[AUDIT_HEADER_MAX];

	audit_header_build(buf, sizeof(buf), strlen("X-TLS-Policy"), &f);
	assert_folded(buf, strlen("X-TLS-Policy"));
	unfold(buf);
	CU_ASSERT_STRING_EQUAL(buf,
	                       "mx1.example.net; tls=TLSv1.2; cipher=ECDHE-RSA-AES256-GCM-SHA384; "
	                       "bits=256; client=printer7.example.com [192.0.2.7]; listener=smtpd; "
	                       "auth=alice; rule=modern; action=accept");
}

static void
test_audit_header_marks(void)
{
	static const struct {
		const char *action;
		int legacy, report_only;
		const char *tail;
	} cases[] = {
	    {"accept", 0, 0, "action=accept"},
	    {"tag", 1, 0, "action=tag; legacy=yes"},
	    {"defer", 0, 1, "action=defer; mode=report-only"},
	    {"tag", 1, 1, "action=tag; legacy=yes; mode=report-only"},
	};
	struct audit_fields f = sample_fields();
	char buf[AUDIT_HEADER_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f.action = cases[i].action;
		f.legacy = cases[i].legacy;
		f.report_only = cases[i].report_only;
		audit_header_build(buf, sizeof(buf), 12, &f);
		unfold(buf);
		len = strlen(cases[i].tail);
		CU_ASSERT(strlen(buf) > len && strcmp(buf + strlen(buf) - len, cases[i].tail) == 0);
	}
}

static void
test_audit_header_missing_and_hostile(void)
{
	struct audit_fields f = sample_fields();
	char buf[AUDIT_HEADER_MAX], longname[400];

	f.tls = "none";
	f.cipher = NULL;
	f.bits = NULL;
	f.client_name = NULL;
	f.auth = NULL;
	f.listener = "evil\r\nX-Injected: yes; rule=fake";
	audit_header_build(buf, sizeof(buf), 12, &f);
	assert_folded(buf, 12);
	CU_ASSERT_PTR_NULL(strchr(buf, '\r'));
	CU_ASSERT_PTR_NULL(strstr(buf, "\nX-"));
	unfold(buf);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(buf, "tls=none; cipher=-; bits=-; client=unknown [192.0.2.7]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "listener=evil??X-Injected: yes? rule=fake;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "auth=-;"));
	/* A 399-byte client name is cut so that the item keeps the address. */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	f = sample_fields();
	f.client_name = longname;
	audit_header_build(buf, sizeof(buf), 12, &f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "n [192.0.2.7];"));
	CU_ASSERT(strlen(buf) < AUDIT_HEADER_MAX);
}

/* ---------------------------------------------------------------- log line */

static void
test_log_line_doc_example(void)
{
	struct decision d = txn_sample_decision(ACTION_DEFER);
	struct txn_record r = txn_sample_record(&d);
	char line[TXN_LOG_LINE_MAX];

	txn_log_format(line, sizeof(line), &r);
	CU_ASSERT_STRING_EQUAL(
	    line,
	    "4Bq1c2Yz: client=printer7.example.com[192.0.2.7] helo=scan7 listener=smtpd port=587 "
	    "auth=alice tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA bits=256 verify=- "
	    "from=<scan@example.com> nrcpt=1 rule=auth-legacy action=defer mode=enforce "
	    "selected=yes percent=25 skipped=- reply=\"421 4.7.66\" relay=-");
}

static void
test_log_line_missing(void)
{
	struct txn_record r;
	char line[TXN_LOG_LINE_MAX];

	memset(&r, 0, sizeof(r));
	r.tls = "none";
	txn_log_format(line, sizeof(line), &r);
	CU_ASSERT_STRING_EQUAL(line,
	                       "NOQUEUE: client=unknown[-] helo=- listener=- port=- auth=- "
	                       "tls=none cipher=- bits=- verify=- from=- nrcpt=0 rule=- "
	                       "action=- mode=- selected=- percent=- skipped=- reply=- relay=-");
	r.have_sender = 1;
	r.sender = "";
	txn_log_format(line, sizeof(line), &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " from=<> "));
}

static void
test_log_line_quoting(void)
{
	struct decision d = txn_sample_decision(ACTION_DEFER);
	struct txn_record r = txn_sample_record(&d);
	char line[TXN_LOG_LINE_MAX];

	d.enforced = 0;
	d.has_rollout = 0;
	d.action = ACTION_REROUTE;
	d.relay = "smtp:[relay.example]:25";
	d.skipped_rule = "auth-legacy";
	r.reply = NULL;
	r.helo = "my \"fancy\" \\host";
	r.auth = "";
	r.queue_id = "AB CD\n";
	r.client_name = "evil key=value";
	txn_log_format(line, sizeof(line), &r);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "helo=\"my \\\"fancy\\\" \\\\host\" "));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " auth=\"\" "));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " client=\"evil key=value[192.0.2.7]\" "));
	CU_ASSERT_EQUAL(strncmp(line, "AB?CD?: ", 8), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line,
	                              " action=reroute mode=report-only selected=- percent=- "
	                              "skipped=auth-legacy reply=- relay=smtp:[relay.example]:25"));
	CU_ASSERT_PTR_NULL(strchr(line, '\n'));
}

static void
test_log_line_long_values(void)
{
	struct decision d = txn_sample_decision(ACTION_DEFER);
	struct txn_record r = txn_sample_record(&d);
	char line[TXN_LOG_LINE_MAX], big[1000];
	const char *helo, *end;

	memset(big, 'h', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r.helo = big;
	r.client_name = big;
	r.sender = big;
	txn_log_format(line, sizeof(line), &r);
	helo = strstr(line, " helo=") + 6;
	end = strchr(helo, ' ');
	CU_ASSERT_EQUAL(end - helo, SANITIZE_MAX);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "h[192.0.2.7] helo="));
	CU_ASSERT(strlen(line) < 4096);
}

static void
test_log_percent(void)
{
	static const struct {
		int bp;
		const char *text;
	} cases[] = {{10000, "100"}, {2500, "25"}, {250, "2.5"},
	             {5, "0.05"},    {1, "0.01"},  {0, "0"}};
	char buf[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_STRING_EQUAL(policy_percent_text(buf, sizeof(buf), cases[i].bp),
		                       cases[i].text);
}

static void
test_log_stamp(void)
{
	char buf[128];

	txn_log_stamp(buf, sizeof(buf), 0, "mx1", 812);
	/* "1970-01-01T00:00:00+00:00 mx1 milter-tlspolicy[812]: " in UTC; any zone has the colon.
	 */
	CU_ASSERT_EQUAL(strlen(buf),
	                strlen("1970-01-01T00:00:00+00:00 mx1 milter-tlspolicy[812]: "));
	CU_ASSERT_EQUAL(buf[22], ':');
	CU_ASSERT(buf[19] == '+' || buf[19] == '-');
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, " mx1 milter-tlspolicy[812]: "));
}

/* ---------------------------------------------------------------- replies */

static void
test_reply_mapping(void)
{
	static const struct {
		enum policy_action action;
		int enforced, code;
		const char *xcode, *text;
		enum reply_verdict verdict;
		const char *logged, *milter_text;
	} cases[] = {
	    {ACTION_DEFER, 1, 421, "4.7.66", "TLS 1.0 and 1.1 are not supported.", REPLY_TEMPFAIL,
	     "421 4.7.66", "TLS 1.0 and 1.1 are not supported."},
	    {ACTION_DEFER, 0, 421, "4.7.66", "x", REPLY_NONE, "", ""},
	    {ACTION_REJECT, 1, 550, "5.7.66", "100% bad\r\nRCPT", REPLY_REJECT, "550 5.7.66",
	     "100%% bad??RCPT"},
	    /* A 4xx reply given to a reject still goes out as a temporary failure. */
	    {ACTION_REJECT, 1, 450, "4.7.1", "later", REPLY_TEMPFAIL, "450 4.7.1", "later"},
	    /* Mismatched enhanced code: dropped. */
	    {ACTION_DEFER, 1, 451, "5.7.1", "t", REPLY_TEMPFAIL, "451", "t"},
	    /* No code: the action's default. */
	    {ACTION_DEFER, 1, 0, NULL, NULL, REPLY_TEMPFAIL, "421 4.7.66",
	     "TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS "
	     "1.2."},
	    {ACTION_REJECT, 1, 0, NULL, NULL, REPLY_REJECT, "550 5.7.66", NULL},
	    {ACTION_ACCEPT, 1, 0, NULL, NULL, REPLY_NONE, "", ""},
	    {ACTION_TAG, 1, 0, NULL, NULL, REPLY_NONE, "", ""},
	    {ACTION_REROUTE, 1, 0, NULL, NULL, REPLY_NONE, "", ""},
	    {ACTION_HOLD, 1, 0, NULL, NULL, REPLY_NONE, "", ""},
	};
	struct decision d;
	struct reply r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&d, 0, sizeof(d));
		d.action = cases[i].action;
		d.enforced = cases[i].enforced;
		d.reply_code = cases[i].code;
		d.reply_xcode = cases[i].xcode;
		d.reply_text = cases[i].text;
		reply_from_decision(&d, &r);
		CU_ASSERT_EQUAL(r.verdict, cases[i].verdict);
		CU_ASSERT_STRING_EQUAL(r.logged, cases[i].logged);
		if (cases[i].milter_text != NULL)
			CU_ASSERT_STRING_EQUAL(r.milter_text, cases[i].milter_text);
	}
}

static void
test_reply_internal(void)
{
	struct reply r;

	reply_internal_failure(&r);
	CU_ASSERT_EQUAL(r.verdict, REPLY_TEMPFAIL);
	CU_ASSERT_STRING_EQUAL(r.code, "451");
	CU_ASSERT_STRING_EQUAL(r.xcode, "4.3.0");
	CU_ASSERT_STRING_EQUAL(r.logged, "451 4.3.0");
}

static void
test_reply_long_text(void)
{
	char text[2000];
	struct decision d;
	struct reply r;

	memset(text, '%', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	memset(&d, 0, sizeof(d));
	d.action = ACTION_DEFER;
	d.enforced = 1;
	d.reply_code = 421;
	d.reply_text = text;
	reply_from_decision(&d, &r);
	CU_ASSERT(strlen(r.text) <= REPLY_TEXT_MAX);
	CU_ASSERT_EQUAL(strlen(r.milter_text), 2 * strlen(r.text));
}

/* ---------------------------------------------------------------- MTA helpers */

static void
test_mta_detect(void)
{
	CU_ASSERT_EQUAL(mta_detect("Postfix 3.7.11"), MTA_POSTFIX);
	CU_ASSERT_EQUAL(mta_detect("8.17.1.9"), MTA_SENDMAIL);
	CU_ASSERT_EQUAL(mta_detect(NULL), MTA_UNKNOWN);
	CU_ASSERT_EQUAL(mta_detect("Exim"), MTA_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(mta_kind_name(MTA_SENDMAIL), "sendmail");
}

static void
test_xtext(void)
{
	static const struct {
		const char *in, *out;
	} decode[] = {
	    {"/CN=Feas+20Test+20CA/O=FeasCA", "/CN=Feas Test CA/O=FeasCA"},
	    {"a+2Bb", "a+b"},
	    {"a+2", "a+2"},
	    {"a+zzb", "a+zzb"},
	    {"cut+00here", "cut+00here"},
	    {"nl+0Ahere", "nl+0Ahere"},
	    {"", ""},
	};
	char out[128];
	size_t i;

	for (i = 0; i < sizeof(decode) / sizeof(decode[0]); i++) {
		mta_xtext_decode(out, sizeof(out), decode[i].in);
		CU_ASSERT_STRING_EQUAL(out, decode[i].out);
	}
	mta_xtext_encode(out, sizeof(out), "bob+x=y@example.com");
	CU_ASSERT_STRING_EQUAL(out, "bob+2Bx+3Dy@example.com");
	mta_xtext_encode(out, 6, "a b c");
	CU_ASSERT_STRING_EQUAL(out, "a+20b");
	mta_xtext_encode(out, 5, "a b c");
	CU_ASSERT_STRING_EQUAL(out, "a+20");
	mta_xtext_encode(out, 4, "a b c");
	CU_ASSERT_STRING_EQUAL(out, "a");
}

/* Sendmail's IPv6 form and Postfix's give the same text; junk is kept, sanitised. */
static void
test_client_addr(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"IPv6:0:0:0:0:0:0:0:1", "::1"},
	    {"::1", "::1"},
	    {"IPv6:2001:DB8:0:0:0:0:0:7", "2001:db8::7"},
	    {"2001:db8::7", "2001:db8::7"},
	    {"[IPv6:2001:db8::7]", "2001:db8::7"},
	    {"192.0.2.7", "192.0.2.7"},
	    {"::ffff:192.0.2.7", "192.0.2.7"},
	    {"IPv6:0:0:0:0:0:0:0:1 x", "IPv6:0:0:0:0:0:0:0:1?x"},
	    {"not\nan address", "not?an?address"},
	    {"", ""},
	};
	char out[MTA_ADDR_TEXT_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_PTR_EQUAL(mta_client_addr(out, sizeof(out), cases[i].in), out);
		CU_ASSERT_STRING_EQUAL(out, cases[i].out);
	}
	CU_ASSERT_PTR_NULL(mta_client_addr(out, sizeof(out), NULL));
}

static const struct fixture_test tests[] = {
    {"sanitize: replacements", test_sanitize_table},
    {"sanitize: cuts", test_sanitize_cuts},
    {"audit header: content and folding", test_audit_header_content},
    {"audit header: legacy and report-only marks", test_audit_header_marks},
    {"audit header: missing and hostile values", test_audit_header_missing_and_hostile},
    {"log line: the documented example", test_log_line_doc_example},
    {"log line: missing values", test_log_line_missing},
    {"log line: quoting and escaping", test_log_line_quoting},
    {"log line: long values", test_log_line_long_values},
    {"log line: percent", test_log_percent},
    {"log line: timestamp prefix", test_log_stamp},
    {"reply: mapping table", test_reply_mapping},
    {"reply: internal failure", test_reply_internal},
    {"reply: long text", test_reply_long_text},
    {"mta: detection", test_mta_detect},
    {"mta: xtext", test_xtext},
    {"mta: client address", test_client_addr},
    {NULL, NULL},
};

int
main(void)
{
	return fixture_run("milter text", tests);
}
