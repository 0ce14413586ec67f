/*
 * NAME
 *	test_report_output -- CUnit tests for tlspolicy-report's counting and output
 *
 * DESCRIPTION
 *	Log lines go through the parser into the aggregate; the tests check
 *	the exact counts of each view (clients, users, listeners, rules,
 *	daily), the order of the clients (legacy first, then most recent),
 *	the filters, the quoting of JSON, CSV and HTML, the exact JSON and
 *	CSV of a small report, that the text view fits 100 columns, and that
 *	the HTML page is self-contained.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "aggregate.h"
#include "cipher_class.h"
#include "escape.h"
#include "filter.h"
#include "intern.h"
#include "logline.h"
#include "output.h"
#include "view.h"

#define L(stamp, host, client, helo, listener, auth, tls, cipher, rule, action, mode, skipped)     \
	stamp " " host " milter-tlspolicy[1]: Q: client=" client " helo=" helo                     \
	      " listener=" listener " port=25 auth=" auth " tls=" tls " cipher=" cipher            \
	      " bits=256 verify=- from=<> nrcpt=1 rule=" rule " action=" action " mode=" mode      \
	      " selected=- percent=- skipped=" skipped " reply=- relay=-"

/* A small log: two legacy devices, one modern server, one user on two addresses. */
static const char *const sample[] = {
    L("2026-11-24T08:00:00Z", "mx1", "printer7.example.com[192.0.2.7]", "scan7", "legacy-in", "-",
      "TLSv1", "DES-CBC3-SHA", "printers", "tag", "enforce", "-"),
    L("2026-11-25T08:00:00Z", "mx2", "printer7.example.com[192.0.2.7]", "scan7b", "legacy-in", "-",
      "TLSv1", "DES-CBC3-SHA", "printers", "tag", "enforce", "-"),
    L("2026-11-25T09:00:00Z", "mx1", "printer7.example.com[192.0.2.7]", "scan7b", "legacy-in", "-",
      "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "modern", "accept", "enforce", "-"),
    L("2026-11-25T10:00:00Z", "mx1", "laptop.example.net[198.51.100.4]", "laptop", "submission",
      "alice", "TLSv1.1", "ECDHE-RSA-AES256-SHA", "auth-legacy", "defer", "report-only", "-"),
    L("2026-11-25T11:00:00Z", "mx1", "unknown[203.0.113.9]", "phone", "submission", "alice",
      "TLSv1.3", "TLS_AES_256_GCM_SHA384", "modern", "accept", "enforce", "-"),
    L("2026-11-25T12:00:00Z", "mx1", "mail.example.org[2001:db8::25]", "mail.example.org", "smtpd",
      "-", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "modern", "accept", "enforce", "-"),
    L("2026-11-25T12:30:00Z", "mx1", "unknown[192.0.2.66]", "\"odd, \\\"helo\\\"\"", "smtpd", "-",
      "none", "-", "default", "accept", "enforce", "auth-legacy"),
    "2026-11-25T12:31:00Z mx1 postfix/smtpd[2]: disconnect from unknown[192.0.2.66]",
};

static struct aggregate agg;
static struct filter filt;

static void
load(const char *const *lines, size_t n)
{
	struct logtime_ref ref;
	char buf[2048];

	aggregate_free(&agg);
	aggregate_init(&agg);
	logtime_ref_init(&ref, 1795000000);
	for (size_t i = 0; i < n; i++) {
		struct logrec rec;
		const char *why;

		snprintf(buf, sizeof(buf), "%s", lines[i]);
		if (logline_parse(buf, strlen(buf), &ref, &rec, &why) == LOGLINE_RECORD &&
		    filter_match(&filt, &rec))
			aggregate_add(&agg, &rec);
	}
}

static void
load_sample(void)
{
	load(sample, sizeof(sample) / sizeof(sample[0]));
}

static const struct tally *
row(const struct view_result *r, size_t i)
{
	return r->table.rows[i];
}

static void
test_clients(void)
{
	struct view_result r;
	const struct tally *t;

	load_sample();
	CU_ASSERT_EQUAL(agg.records, 7);
	view_build(view_find("clients"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 5);
	/* Most TLS below 1.2 first: the printer (2), alice's laptop (1), then the plaintext
	 * client (plaintext is counted apart, after TLS below 1.2). */
	t = row(&r, 0);
	CU_ASSERT_STRING_EQUAL(t->addr->s, "192.0.2.7");
	CU_ASSERT_STRING_EQUAL(t->name->s, "printer7.example.com");
	CU_ASSERT_STRING_EQUAL(t->helo->s, "scan7b");
	CU_ASSERT_EQUAL(t->helos.len, 2);
	CU_ASSERT_EQUAL(t->messages, 3);
	CU_ASSERT_EQUAL(t->legacy, 2);
	CU_ASSERT_EQUAL(t->by_tls[TLS_VERSION_1_0], 2);
	CU_ASSERT_EQUAL(t->by_tls[TLS_VERSION_1_2], 1);
	CU_ASSERT_EQUAL(t->by_action[ACTION_TAG], 2);
	CU_ASSERT_EQUAL(t->by_action[ACTION_ACCEPT], 1);
	CU_ASSERT_EQUAL(t->ciphers.len, 2);
	CU_ASSERT_STRING_EQUAL(t->ciphers.v[0].key->s, "DES-CBC3-SHA");
	CU_ASSERT_EQUAL(t->ciphers.v[0].n, 2);
	CU_ASSERT(t->cipher_classes & CIPHER_CLASS_3DES);
	CU_ASSERT(t->cipher_classes & CIPHER_CLASS_AEAD);
	CU_ASSERT_EQUAL(t->hosts.len, 2);
	CU_ASSERT_EQUAL(t->last - t->first, 25 * 3600);
	t = row(&r, 1);
	CU_ASSERT_STRING_EQUAL(t->addr->s, "198.51.100.4");
	CU_ASSERT_STRING_EQUAL(t->auth->s, "alice");
	CU_ASSERT_EQUAL(t->report_only, 1);
	t = row(&r, 2);
	CU_ASSERT_STRING_EQUAL(t->addr->s, "192.0.2.66");
	CU_ASSERT_EQUAL(t->by_tls[TLS_VERSION_NONE], 1);
	CU_ASSERT_EQUAL(t->legacy, 0);
	CU_ASSERT_EQUAL(t->plaintext, 1);
	CU_ASSERT_EQUAL(t->ciphers.len, 0);
	CU_ASSERT_STRING_EQUAL(t->helo->s, "odd, \"helo\"");
	t = row(&r, 3);
	CU_ASSERT_STRING_EQUAL(t->addr->s, "2001:db8::25");
	t = row(&r, 4);
	CU_ASSERT_STRING_EQUAL(t->addr->s, "203.0.113.9");
	view_result_free(&r);
}

static void
test_first_last_seen(void)
{
	static const char *const lines[] = {
	    L("2026-11-25T10:00:00Z", "mx1", "new.example[192.0.2.1]", "late", "mx", "-", "TLSv1",
	      "-", "r", "accept", "enforce", "-"),
	    L("2026-11-20T10:00:00Z", "mx1", "old.example[192.0.2.1]", "early", "mx", "-", "TLSv1",
	      "-", "r", "accept", "enforce", "-"),
	};
	struct view_result r;
	const struct tally *t;

	/* Out of order input: the names last seen are those with the latest time. */
	load(lines, 2);
	view_build(view_find("clients"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 1);
	t = row(&r, 0);
	CU_ASSERT_STRING_EQUAL(t->name->s, "new.example");
	CU_ASSERT_STRING_EQUAL(t->helo->s, "late");
	CU_ASSERT_EQUAL(t->last - t->first, 5 * 86400);
	view_result_free(&r);
}

static void
test_groups(void)
{
	struct view_result r;
	const struct tally *t;

	load_sample();
	view_build(view_find("users"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 1); /* "-" is not a user */
	t = row(&r, 0);
	CU_ASSERT_STRING_EQUAL(t->auth->s, "alice");
	CU_ASSERT_EQUAL(t->messages, 2);
	CU_ASSERT_EQUAL(t->legacy, 1);
	CU_ASSERT_EQUAL(t->addrs.len, 2);
	view_result_free(&r);

	view_build(view_find("listeners"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 3);
	t = row(&r, 0);
	CU_ASSERT_STRING_EQUAL(t->listener->s, "legacy-in");
	CU_ASSERT_EQUAL(t->messages, 3);
	CU_ASSERT_EQUAL(t->legacy, 2);
	t = row(&r, 1);
	CU_ASSERT_STRING_EQUAL(t->listener->s, "submission");
	CU_ASSERT_EQUAL(t->users.len, 1);
	t = row(&r, 2);
	CU_ASSERT_STRING_EQUAL(t->listener->s, "smtpd");
	CU_ASSERT_EQUAL(t->addrs.len, 2);
	CU_ASSERT_EQUAL(t->users.len, 0);
	CU_ASSERT_EQUAL(t->plaintext, 1);
	view_result_free(&r);
}

static void
test_rules_daily(void)
{
	struct view_result r;
	const struct rule_tally *rt;
	const struct day_tally *d;

	load_sample();
	view_build(view_find("rules"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 4);
	rt = r.table.rows[0];
	CU_ASSERT_STRING_EQUAL(rt->name->s, "modern");
	CU_ASSERT_EQUAL(rt->hits, 3);
	for (size_t i = 0; i < r.table.nrows; i++) {
		rt = r.table.rows[i];
		if (strcmp(rt->name->s, "auth-legacy") == 0) {
			CU_ASSERT_EQUAL(rt->hits, 1);
			CU_ASSERT_EQUAL(rt->report_only, 1);
			CU_ASSERT_EQUAL(rt->enforced, 0);
			CU_ASSERT_EQUAL(rt->would_defer, 1);
			CU_ASSERT_EQUAL(rt->skipped, 1);
		}
		if (strcmp(rt->name->s, "printers") == 0) {
			CU_ASSERT_EQUAL(rt->by_action[ACTION_TAG], 2);
			CU_ASSERT_EQUAL(rt->enforced, 2);
			CU_ASSERT_EQUAL(rt->legacy, 2);
		}
	}
	view_result_free(&r);

	view_build(view_find("daily"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 2);
	d = r.table.rows[0];
	CU_ASSERT_EQUAL(d->messages, 1);
	CU_ASSERT_DOUBLE_EQUAL(d->legacy_share, 100.0, 0.001);
	d = r.table.rows[1];
	CU_ASSERT_EQUAL(d->messages, 6);
	CU_ASSERT_EQUAL(d->legacy, 2);
	CU_ASSERT_EQUAL(d->plaintext, 1);
	CU_ASSERT_DOUBLE_EQUAL(d->share[TLS_VERSION_1_3], 100.0 * 2 / 6, 0.001);
	view_result_free(&r);
}

static void
test_filters(void)
{
	struct view_result r;

	filt.legacy_only = 1; /* TLS below 1.2 only */
	load_sample();
	CU_ASSERT_EQUAL(agg.records, 3);
	view_build(view_find("clients"), &agg, &r);
	CU_ASSERT_EQUAL(r.table.nrows, 2);
	CU_ASSERT_EQUAL(row(&r, 0)->messages, 2); /* only the legacy messages count */
	view_result_free(&r);
	filt.plaintext_only = 1; /* --legacy-only --include-plaintext */
	load_sample();
	CU_ASSERT_EQUAL(agg.records, 4);
	filt.legacy_only = 0; /* --plaintext-only */
	load_sample();
	CU_ASSERT_EQUAL(agg.records, 1);
	filter_free(&filt);

	filter_add_listener(&filt, "submission");
	filter_add_listener(&filt, "smtpd");
	load_sample();
	CU_ASSERT_EQUAL(agg.records, 4);
	filter_free(&filt);

	filter_add_host(&filt, "mx2");
	load_sample();
	CU_ASSERT_EQUAL(agg.records, 1);
	filter_free(&filt);

	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25T09:00:00Z", 0, &filt.since), 0);
	CU_ASSERT_EQUAL(logtime_parse_arg("2026-11-25T11:00:00Z", 1, &filt.until), 0);
	filt.has_since = filt.has_until = 1;
	load_sample();
	CU_ASSERT_EQUAL(agg.records, 3); /* both ends included */
	filter_free(&filt);
	filter_init(&filt);
}

static void
check_escape(void (*fn)(struct strbuf *, const char *, size_t), const char *in, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	fn(&sb, in, strlen(in));
	CU_ASSERT_STRING_EQUAL(sb.s, want);
	if (strcmp(sb.s, want) != 0)
		fprintf(stderr, "escape(%s) = %s, want %s\n", in, sb.s, want);
	strbuf_free(&sb);
}

static void
test_escaping(void)
{
	check_escape(json_escape, "plain", "\"plain\"");
	check_escape(json_escape, "a\"b\\c", "\"a\\\"b\\\\c\"");
	check_escape(json_escape, "tab\there\x01\x7f", "\"tab\\u0009here\\u0001\\u007f\"");
	check_escape(json_escape, "caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"");
	check_escape(json_escape, "bad\xff\xc3", "\"bad\\ufffd\\ufffd\"");
	check_escape(json_escape, "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	check_escape(json_escape, "", "\"\"");

	check_escape(csv_escape, "plain", "plain");
	check_escape(csv_escape, "a,b", "\"a,b\"");
	check_escape(csv_escape, "say \"hi\"", "\"say \"\"hi\"\"\"");
	check_escape(csv_escape, "line\nbreak", "\"line\nbreak\"");
	check_escape(csv_escape, " lead", "\" lead\"");
	check_escape(csv_escape, "=cmd()", "\"'=cmd()\"");
	check_escape(csv_escape, "@SUM(1)", "\"'@SUM(1)\"");
	check_escape(csv_escape, "-", "-");
	check_escape(csv_escape, "", "");

	check_escape(html_escape, "<b>&\"'x", "&lt;b&gt;&amp;&quot;&#39;x");
	check_escape(html_escape, "plain", "plain");
}

/* write - one view in one format, into a string */
static char *
write_view(const char *view, const char *format, size_t top)
{
	struct view_result r;
	struct report_info info;
	char *text = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&text, &size);

	memset(&info, 0, sizeof(info));
	info.view = view;
	info.top = top;
	info.records = agg.records;
	info.nfiles = 1;
	info.filters = "";
	info.agg = &agg;
	view_build(view_find(view), &agg, &r);
	output_format_find(format)->write(fp, &r.table, &info);
	view_result_free(&r);
	fclose(fp);
	return text;
}

static void
test_json_exact(void)
{
	static const char *const lines[] = {
	    L("2026-11-25T10:00:00+01:00", "mx1", "printer7.example.com[192.0.2.7]", "scan7",
	      "legacy-in", "-", "TLSv1", "DES-CBC3-SHA", "printers", "tag", "enforce", "-"),
	};
	static const char want[] =
	    "[\n{\"client_addr\":\"192.0.2.7\",\"client_name\":\"printer7.example.com\","
	    "\"helo\":\"scan7\",\"helo_count\":1,\"auth_user\":null,\"listener\":\"legacy-in\","
	    "\"messages\":1,\"aborted\":0,\"legacy\":1,\"plaintext\":0,\"by_tls\":{\"none\":0,"
	    "\"SSLv3\":0,\"TLSv1\":1,"
	    "\"TLSv1.1\":0,\"TLSv1.2\":0,\"TLSv1.3\":0,\"unknown\":0},\"actions\":{\"accept\":0,"
	    "\"tag\":1,\"defer\":0,\"reject\":0,\"reroute\":0,\"hold\":0},\"deferred\":0,"
	    "\"deferred_messages\":0,\"report_only\":0,"
	    "\"ciphers\":{\"DES-CBC3-SHA\":1},\"cipher_classes\":[\"3des\",\"cbc\",\"no-pfs\","
	    "\"sha1-mac\"],\"rules\":{\"printers\":1},\"hosts\":[\"mx1\"],\"sender_domains\":{\"<>"
	    "\":1},"
	    "\"first_seen\":\"2026-11-25T09:00:00Z\",\"last_seen\":\"2026-11-25T09:00:00Z\"}\n]\n";
	char *text;

	load(lines, 1);
	text = write_view("clients", "json", 0);
	CU_ASSERT_STRING_EQUAL(text, want);
	if (strcmp(text, want) != 0)
		fprintf(stderr, "\n%s\n", text);
	free(text);
	load(lines, 0);
	text = write_view("clients", "json", 0);
	CU_ASSERT_STRING_EQUAL(text, "[]\n");
	free(text);
}

static void
test_csv(void)
{
	char *text, *second;

	load_sample();
	text = write_view("clients", "csv", 0);
	CU_ASSERT(
	    strncmp(text,
	            "client_addr,client_name,helo,helo_count,auth_user,listener,"
	            "messages,aborted,legacy,plaintext,SSLv3,TLSv1,TLSv1.1,TLSv1.2,TLSv1.3,unknown,"
	            "actions,report_only,ciphers,cipher_classes,rules,hosts,first_seen,"
	            "last_seen\r\n",
	            strlen("client_addr,")) == 0);
	second = strstr(text, "\r\n") + 2;
	CU_ASSERT(strncmp(second,
	                  "192.0.2.7,printer7.example.com,scan7b,2,,legacy-in,3,0,2,0,0,2,0,1,0,0,"
	                  "accept=1;tag=2,0,0,0,DES-CBC3-SHA=2;ECDHE-RSA-AES128-GCM-SHA256=1,",
	                  100) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"odd, \"\"helo\"\"\""));
	free(text);
}

static void
test_text_width(void)
{
	static const char *const views_[] = {"clients", "users", "listeners", "rules", "daily"};
	static const char *const long_line[] = {
	    L("2026-11-25T10:00:00Z", "mx1",
	      "a-very-long-host-name.with.many.labels.example.com[2001:db8:1234:5678:9abc:def0:"
	      "1234:5678]",
	      "a-very-long-helo-name.with.many.labels.example.com", "a-listener-with-a-long-name",
	      "someone.with.a.long.name@example.com", "TLSv1", "DES-CBC3-SHA", "printers", "tag",
	      "enforce", "-"),
	};

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0)
			load_sample();
		else
			load(long_line, 1);
		for (size_t v = 0; v < sizeof(views_) / sizeof(views_[0]); v++) {
			char *text = write_view(views_[v], "text", 0), *p = text, *nl;

			while ((nl = strchr(p, '\n')) != NULL) {
				if (*p != '#')
					CU_ASSERT(nl - p <= 100);
				if (nl - p > 100 && *p != '#')
					fprintf(stderr, "too wide (%s): %.*s\n", views_[v],
					        (int)(nl - p), p);
				p = nl + 1;
			}
			free(text);
		}
	}
}

/* 4 delivered and 3 aborted transactions: 4 transactions and 3 aborted, never 7 (issue 11). */
static void
test_aborted(void)
{
	static const char *const lines[] = {
	    L("2026-11-25T08:00:00Z", "mx1", "a[192.0.2.1]", "h", "smtpd", "-", "TLSv1", "X",
	      "legacy", "tag", "enforce", "-"),
	    L("2026-11-25T08:01:00Z", "mx1", "a[192.0.2.1]", "h", "smtpd", "-", "TLSv1", "X",
	      "legacy", "tag", "enforce", "-"),
	    L("2026-11-25T08:02:00Z", "mx1", "a[192.0.2.1]", "h", "smtpd", "-", "TLSv1.3", "X",
	      "modern", "accept", "enforce", "-"),
	    L("2026-11-25T08:03:00Z", "mx1", "a[192.0.2.1]", "h", "smtpd", "-", "TLSv1.3", "X",
	      "modern", "accept", "enforce", "-"),
	    L("2026-11-25T08:04:00Z", "mx1", "a[192.0.2.1]", "h", "smtpd", "-", "TLSv1", "X",
	      "legacy", "abort", "enforce", "-"),
	    L("2026-11-25T08:05:00Z", "mx1", "a[192.0.2.1]", "h", "smtpd", "-", "TLSv1.3", "X", "-",
	      "abort", "-", "-"),
	    L("2026-11-25T08:06:00Z", "mx1", "a[192.0.2.1]", "h", "smtpd", "-", "TLSv1.3", "X",
	      "modern", "abort", "enforce", "-"),
	};
	struct view_result r;
	const struct tally *t;
	const struct day_tally *d;
	char *text;

	load(lines, sizeof(lines) / sizeof(lines[0]));
	CU_ASSERT_EQUAL(agg.records, 7);
	CU_ASSERT_EQUAL(agg.aborted, 3);
	view_build(view_find("clients"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 1);
	t = row(&r, 0);
	CU_ASSERT_EQUAL(t->messages, 4);
	CU_ASSERT_EQUAL(t->aborted, 3);
	CU_ASSERT_EQUAL(t->legacy, 2);
	CU_ASSERT_EQUAL(t->by_action[ACTION_ACCEPT], 2);
	CU_ASSERT_EQUAL(t->by_action[ACTION_TAG], 2);
	CU_ASSERT_EQUAL(t->last - t->first, 6 * 60);
	view_result_free(&r);
	view_build(view_find("daily"), &agg, &r);
	d = r.table.rows[0];
	CU_ASSERT_EQUAL(d->messages, 4);
	CU_ASSERT_EQUAL(d->aborted, 3);
	view_result_free(&r);
	text = write_view("clients", "text", 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "4 transactions, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n# and 3 aborted transactions, counted apart\n"));
	free(text);
	text = write_view("clients", "json", 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"messages\":4,\"aborted\":3,"));
	free(text);
}

/* A client retrying one deferred message 30 times: 30 transactions, 1 deferred message. */
static void
test_deferred_messages(void)
{
	static const char *const retry =
	    "2026-11-25T08:%02d:00Z mx%d milter-tlspolicy[1]: NOQUEUE: client=a[192.0.2.1] helo=h "
	    "listener=smtpd port=25 auth=- tls=TLSv1 cipher=X bits=256 verify=- from=<%s> "
	    "nrcpt=0 rule=legacy action=defer mode=%s selected=- percent=- skipped=- "
	    "reply=\"421 4.7.66\" relay=-";
	char buf[32][512];
	const char *lines[32];
	struct view_result r;
	const struct tally *t;
	char *text;

	for (int i = 0; i < 30; i++) /* one message, retried 30 times, on two MX hosts */
		snprintf(buf[i], sizeof(buf[i]), retry, i, 1 + i % 2, "scan@example.com",
		         "enforce");
	snprintf(buf[30], sizeof(buf[30]), retry, 30, 1, "other@example.org", "enforce");
	snprintf(buf[31], sizeof(buf[31]), retry, 31, 1, "third@example.org", "report-only");
	for (int i = 0; i < 32; i++)
		lines[i] = buf[i];
	load(lines, 32);
	CU_ASSERT_EQUAL(agg.deferred_messages, 2);
	view_build(view_find("clients"), &agg, &r);
	CU_ASSERT_EQUAL_FATAL(r.table.nrows, 1);
	t = row(&r, 0);
	CU_ASSERT_EQUAL(t->messages, 32);
	CU_ASSERT_EQUAL(t->by_action[ACTION_DEFER], 32);
	CU_ASSERT_EQUAL(t->deferred_messages, 2); /* the report-only one was not deferred */
	CU_ASSERT_EQUAL(t->domains.len, 2);
	CU_ASSERT_EQUAL(t->days.len, 1);
	CU_ASSERT_EQUAL(t->days.v[0].n, 32);
	view_result_free(&r);
	text = write_view("clients", "json", 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"deferred\":32,\"deferred_messages\":2,"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(text, "\"sender_domains\":{\"example.com\":30,\"example.org\":2}"));
	free(text);
	text = write_view("users", "json", 0);
	free(text);
	text = write_view("listeners", "json", 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"deferred_messages\":2"));
	free(text);
}

static void
test_top(void)
{
	char *text;

	load_sample();
	text = write_view("clients", "json", 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "198.51.100.4"));
	CU_ASSERT_PTR_NULL(strstr(text, "192.0.2.66"));
	free(text);
}

static void
test_html(void)
{
	char *text;

	load_sample();
	text = write_view("clients", "html", 0);
	CU_ASSERT(strncmp(text, "<!DOCTYPE html>", 15) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "</html>\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<script>")); /* the sorter, inline, once */
	CU_ASSERT_PTR_NULL(strstr(strstr(text, "<script>") + 1, "<script"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<table class=\"view-clients sortable\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<svg class=\"spark\" "));
	CU_ASSERT_PTR_NULL(strstr(text, "src="));
	{ /* the plaintext card speaks of plaintext, not of TLS 1.0/1.1 (issue 13) */
		const char *card = strstr(text, "<div class=\"t\">Without TLS</div>");
		const char *end = card ? strstr(card, "</div></div>") : NULL;

		CU_ASSERT_PTR_NOT_NULL_FATAL(end);
		CU_ASSERT_PTR_NOT_NULL(strstr(card, "<div class=\"n\">1</div>"));
		CU_ASSERT(strstr(card, "TLS 1.0") == NULL || strstr(card, "TLS 1.0") > end);
		card = strstr(text, "<div class=\"t\">TLS below 1.2</div>");
		CU_ASSERT_PTR_NOT_NULL_FATAL(card);
		CU_ASSERT_PTR_NOT_NULL(strstr(card, "<div class=\"n\">3</div>"));
	}
	CU_ASSERT_PTR_NULL(strstr(text, "href=\"http"));
	CU_ASSERT_PTR_NULL(strstr(text, "@import"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "odd, &quot;helo&quot;"));
	CU_ASSERT_PTR_NULL(strstr(text, "odd, \"helo\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<svg"));
	for (size_t i = 0; i < nviews; i++) {
		char id[64];

		snprintf(id, sizeof(id), "<section id=\"%s\">", views[i].name);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, id));
	}
	free(text);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"clients", test_clients},
	    {"first and last seen", test_first_last_seen},
	    {"users and listeners", test_groups},
	    {"rules and daily", test_rules_daily},
	    {"filters", test_filters},
	    {"escaping", test_escaping},
	    {"exact JSON", test_json_exact},
	    {"CSV", test_csv},
	    {"text fits 100 columns", test_text_width},
	    {"--top", test_top},
	    {"aborted transactions", test_aborted},
	    {"deferred messages, not retries", test_deferred_messages},
	    {"HTML", test_html},
	    {NULL, NULL},
	};
	int status;

	setenv("TZ", "UTC", 1);
	tzset();
	aggregate_init(&agg);
	filter_init(&filt);
	status = fixture_run("report_output", tests);
	aggregate_free(&agg);
	filter_free(&filt);
	intern_free_all();
	return status;
}
