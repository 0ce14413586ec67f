/*
 * NAME
 *	test_milter_metrics -- CUnit tests for the Prometheus exposition text
 *
 * DESCRIPTION
 *	The counters behind -M (milter/metrics.c) and the values they take
 *	from the transaction log line (milter/metrics_line.c): lines written
 *	by the daemon's own formatter are counted under exactly their
 *	listener, tls, rule, action and mode values (hostile values and
 *	quoting included), label values are escaped as the text format
 *	requires, listener and series sets stay bounded, counts from many
 *	threads add up exactly, and the rollout gauge and reload counters
 *	follow the policy and the reloads.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "metrics.h"
#include "metrics_line.h"
#include "options.h"
#include "policy_fixture.h"
#include "txn.h"
#include "txn_log.h"

/* The value of one exposition line "SERIES VALUE", or -1 when it is not there. */
static double
sample(const char *text, const char *series)
{
	size_t len = strlen(series);
	const char *p = text;

	while ((p = strstr(p, series)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == ' ')
			return strtod(p + len + 1, NULL);
		p += len;
	}
	return -1;
}

static char *
render(void)
{
	size_t len;
	char *text = metrics_render(NULL, 20260101, 0, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strlen(text), len);
	return text;
}

/* Count one line as txn_log_write() would: formatted by txn_log_format(). */
static void
count_record(const struct txn_record *r)
{
	char line[TXN_LOG_LINE_MAX];

	txn_log_format(line, sizeof(line), r);
	metrics_count_transaction(line);
}

/* One transaction line lost to a full device (counted by txn_log.c). */
static void
log_to_dev_full_once(void)
{
	struct txn_record r;
	char err[256];

	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL_FATAL(txn_log_open("/dev/full", err, sizeof(err)), 0);
	fixture_stderr_begin(); /* the daemon's warning about the lost line */
	txn_log_write(&r);
	(void)fixture_stderr_end();
	txn_log_close();
}

static struct decision
decision(const char *rule, enum policy_action action, int enforced)
{
	struct decision d;

	memset(&d, 0, sizeof(d));
	d.rule_name = rule;
	d.action = action;
	d.enforced = enforced;
	d.percent_bp = 10000;
	return d;
}

static void
setup(void)
{
	metrics_reset();
	metrics_enable();
}

/* ---------------------------------------------------------------- escaping */

static void
test_escape_table(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "plain"},
	    {"a\\b", "a\\\\b"},
	    {"say \"hi\"", "say \\\"hi\\\""},
	    {"two\nlines", "two\\nlines"},
	    {"\\\"\n", "\\\\\\\"\\n"},
	    {"", ""},
	    {"caf\xc3\xa9 tab\t", "caf\xc3\xa9 tab\t"},
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(metrics_escape_label(out, sizeof(out), cases[i].in),
		                strlen(cases[i].out));
		CU_ASSERT_STRING_EQUAL(out, cases[i].out);
	}
	/* Cut before an escape, never inside one. */
	CU_ASSERT_EQUAL(metrics_escape_label(out, 4, "ab\"c"), 2);
	CU_ASSERT_STRING_EQUAL(out, "ab");
}

/* ---------------------------------------------------------------- line values */

static void
test_line_values(void)
{
	static const char *const keys[] = {"listener", "tls", "rule", "action", "mode"};
	char v[5][METRICS_LINE_VALUE_MAX];

	CU_ASSERT_EQUAL(
	    metrics_line_values("4Bq1: client=a[1.2.3.4] helo=\"x rule=evil listener=bad\" "
	                        "listener=smtpd tls=TLSv1 rule=auth-legacy "
	                        "action=defer mode=enforce reply=\"421 4.7.66\"",
	                        keys, 5, v),
	    5);
	CU_ASSERT_STRING_EQUAL(v[0], "smtpd");
	CU_ASSERT_STRING_EQUAL(v[1], "TLSv1");
	CU_ASSERT_STRING_EQUAL(v[2], "auth-legacy");
	CU_ASSERT_STRING_EQUAL(v[3], "defer");
	CU_ASSERT_STRING_EQUAL(v[4], "enforce");
	/* Quoting undone; a missing key is "-". */
	CU_ASSERT_EQUAL(metrics_line_values(
	                    "NOQUEUE: listener=\"a \\\"b\\\" \\\\c\" tls=none rule=-", keys, 5, v),
	                3);
	CU_ASSERT_STRING_EQUAL(v[0], "a \"b\" \\c");
	CU_ASSERT_STRING_EQUAL(v[1], "none");
	CU_ASSERT_STRING_EQUAL(v[2], "-");
	CU_ASSERT_STRING_EQUAL(v[3], "-");
	CU_ASSERT_STRING_EQUAL(v[4], "-");
	/* Garbage does not loop or overrun. */
	CU_ASSERT_EQUAL(metrics_line_values("x: \"unterminated rule=x", keys, 5, v), 0);
	CU_ASSERT_EQUAL(metrics_line_values("x: = \"\" a\"b\" rule=ok", keys, 5, v), 1);
	CU_ASSERT_STRING_EQUAL(v[2], "ok");
}

/* ---------------------------------------------------------------- counting */

static void
test_counts_follow_log_lines(void)
{
	struct decision defer = decision("auth-legacy", ACTION_DEFER, 1);
	struct decision shadow = decision("shadow", ACTION_TAG, 0);
	struct txn_record r;
	char *text;
	int i;

	setup();
	memset(&r, 0, sizeof(r));
	r.listener = "smtpd";
	r.tls = "TLSv1";
	r.helo = "x listener=bogus rule=bogus";
	r.decision = &defer;
	for (i = 0; i < 3; i++)
		count_record(&r);
	r.tls = "TLSv1.3";
	r.decision = &shadow;
	count_record(&r);
	r.listener = NULL; /* "-" in the line */
	r.tls = "none";
	r.decision = NULL; /* internal failure: rule=- action=- mode=- */
	count_record(&r);
	text = render();
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_transactions_total{listener=\"smtpd\",tls="
	                             "\"TLSv1\",rule=\"auth-legacy\",action=\"defer\",mode="
	                             "\"enforce\"}"),
	                3);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_transactions_total{listener=\"smtpd\",tls="
	                             "\"TLSv1.3\",rule=\"shadow\",action=\"tag\",mode="
	                             "\"report-only\"}"),
	                1);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_transactions_total{listener=\"-\",tls="
	                             "\"none\",rule=\"-\",action=\"-\",mode=\"-\"}"),
	                1);
	CU_ASSERT_PTR_NULL(strstr(text, "bogus"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(text, "# TYPE milter_tlspolicy_transactions_total counter\n"));
	free(text);
}

static void
test_disabled_counts_nothing(void)
{
	char *text;

	metrics_reset(); /* not enabled since: -M not given */
	metrics_count_transaction("Q: listener=smtpd tls=TLSv1 rule=r action=tag mode=enforce");
	metrics_count_session("smtpd", "TLSv1");
	text = render();
	CU_ASSERT_PTR_NULL(strstr(text, "listener="));
	free(text);
}

static void
test_hostile_label_escaped(void)
{
	struct decision tag = decision("weird \"rule\" \\ name", ACTION_TAG, 1);
	struct txn_record r;
	char *text;

	setup();
	memset(&r, 0, sizeof(r));
	r.listener = "in\"x\\y\nz"; /* the log line turns the newline into '?' */
	r.tls = "TLSv1.2";
	r.decision = &tag;
	count_record(&r);
	metrics_count_session("in\"x\\y\nz", "TLSv1.2");
	text = render();
	CU_ASSERT_EQUAL(sample(text,
	                       "milter_tlspolicy_transactions_total{listener=\"in\\\"x\\\\y?z\","
	                       "tls=\"TLSv1.2\",rule=\"weird \\\"rule\\\" \\\\ name\","
	                       "action=\"tag\",mode=\"enforce\"}"),
	                1);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_sessions_total{listener=\"in\\\"x\\\\y?z\","
	                             "tls=\"TLSv1.2\"}"),
	                1);
	free(text);
}

static void
test_sessions(void)
{
	char *text;

	setup();
	metrics_count_session("smtpd", "TLSv1.0");
	metrics_count_session("smtpd", "TLSv1");
	metrics_count_session("smtpd", NULL);
	metrics_count_session(NULL, "TLSv1.3");
	text = render();
	CU_ASSERT_EQUAL(
	    sample(text, "milter_tlspolicy_sessions_total{listener=\"smtpd\",tls=\"TLSv1\"}"), 2);
	CU_ASSERT_EQUAL(
	    sample(text, "milter_tlspolicy_sessions_total{listener=\"smtpd\",tls=\"none\"}"), 1);
	CU_ASSERT_EQUAL(
	    sample(text, "milter_tlspolicy_sessions_total{listener=\"-\",tls=\"TLSv1.3\"}"), 1);
	free(text);
}

static void
test_bounded_listeners(void)
{
	char line[256], series[256], *text;
	int i, total = 0;

	setup();
	for (i = 0; i < METRICS_LISTENERS_MAX + 6; i++) {
		snprintf(line, sizeof(line),
		         "Q: listener=in%d tls=TLSv9 rule=r action=tag mode=enforce", i);
		metrics_count_transaction(line);
	}
	text = render();
	for (i = 0; i < METRICS_LISTENERS_MAX + 6; i++) {
		snprintf(series, sizeof(series),
		         "milter_tlspolicy_transactions_total{listener=\"in%d\",tls=\"unknown\","
		         "rule=\"r\",action=\"tag\",mode=\"enforce\"}",
		         i);
		if (sample(text, series) == 1)
			total++;
	}
	CU_ASSERT_EQUAL(total, METRICS_LISTENERS_MAX);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_transactions_total{listener=\"other\",tls="
	                             "\"unknown\",rule=\"r\",action=\"tag\",mode=\"enforce\"}"),
	                6);
	free(text);
}

static void
test_bounded_series(void)
{
	char line[256], *text;
	int i;

	setup();
	for (i = 0; i < METRICS_SERIES_MAX + 10; i++) {
		snprintf(line, sizeof(line),
		         "Q: listener=in tls=TLSv1 rule=r%d action=tag mode=enforce", i);
		metrics_count_transaction(line);
	}
	metrics_count_transaction("Q: listener=in tls=TLSv1 rule=r0 action=tag mode=enforce");
	text = render();
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_metrics_series_dropped_total"), 10);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_transactions_total{listener=\"in\",tls="
	                             "\"TLSv1\",rule=\"r0\",action=\"tag\",mode=\"enforce\"}"),
	                2);
	free(text);
}

#define THREADS    4
#define PER_THREAD 20000

static void *
count_many(void *arg)
{
	static const char *const lines[] = {
	    "Q: listener=a tls=TLSv1 rule=r action=defer mode=enforce",
	    "Q: listener=b tls=TLSv1.3 rule=modern action=accept mode=enforce",
	};
	int i;

	for (i = 0; i < PER_THREAD; i++)
		metrics_count_transaction(lines[(i + *(int *)arg) % 2]);
	return NULL;
}

static void
test_threads_sum(void)
{
	pthread_t t[THREADS];
	int id[THREADS], i;
	char *text;

	setup();
	for (i = 0; i < THREADS; i++) {
		id[i] = i;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, count_many, &id[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	text = render();
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_transactions_total{listener=\"a\",tls="
	                             "\"TLSv1\",rule=\"r\",action=\"defer\",mode=\"enforce\"}"),
	                THREADS * PER_THREAD / 2);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_transactions_total{listener=\"b\",tls="
	                             "\"TLSv1.3\",rule=\"modern\",action=\"accept\",mode="
	                             "\"enforce\"}"),
	                THREADS * PER_THREAD / 2);
	free(text);
}

/* ---------------------------------------------------------------- gauges, reloads */

static void
test_rollout_and_reloads(void)
{
	static const char yaml[] = "version: 1\n"
	                           "rules:\n"
	                           "  - name: ramp\n"
	                           "    match: { tls: TLSv1 }\n"
	                           "    action: defer\n"
	                           "    rollout:\n"
	                           "      select: per-client\n"
	                           "      steps:\n"
	                           "        - { from: 2026-01-01, percent: 2.5 }\n"
	                           "        - { from: 2026-06-01, percent: 25 }\n"
	                           "  - name: plain\n"
	                           "    match: { tls: TLSv1.1 }\n"
	                           "    action: tag\n"
	                           "  - name: odd.name_2\n"
	                           "    match: { tls: SSLv3 }\n"
	                           "    action: reject\n"
	                           "    rollout: { select: per-transaction, percent: 50 }\n"
	                           "default: { action: accept }\n";
	struct policy_errors errors;
	struct policy *p;
	size_t len;
	char *text;

	setup();
	policy_errors_init(&errors);
	p = fixture_load(yaml, &errors);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	policy_errors_free(&errors);
	text = metrics_render(p, 20260301, 3, &len);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_rollout_percent{rule=\"ramp\"}"), 2.5);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_rollout_percent{rule=\"odd.name_2\"}"), 50);
	CU_ASSERT_PTR_NULL(strstr(text, "rule=\"plain\""));
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_connections"), 3);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_policy_reloads_total{result=\"failure\"}"),
	                0);
	free(text);
	text = metrics_render(p, 20260601, 0, &len);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_rollout_percent{rule=\"ramp\"}"), 25);
	free(text);
	policy_free(p);

	metrics_policy_loaded();
	metrics_count_reload(0);
	text = render();
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_policy_reloads_total{result=\"failure\"}"),
	                1);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_policy_reloads_total{result=\"success\"}"),
	                0);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_policy_last_reload_successful"), 0);
	CU_ASSERT(sample(text, "milter_tlspolicy_policy_loaded_timestamp_seconds") > 1.7e9);
	free(text);
	metrics_count_reload(1);
	log_to_dev_full_once();
	txn_note_internal_failure();
	txn_note_internal_failure();
	text = render();
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_policy_reloads_total{result=\"success\"}"),
	                1);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_policy_last_reload_successful"), 1);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_log_write_errors_total"), 1);
	CU_ASSERT_EQUAL(sample(text, "milter_tlspolicy_internal_failures_total"), 2);
	CU_ASSERT_EQUAL(
	    sample(text, "milter_tlspolicy_build_info{version=\"" PACKAGE_VERSION "\"}"), 1);
	free(text);
}

/* Every line is a comment or "name{labels} value"; every metric has HELP and TYPE. */
static void
test_text_shape(void)
{
	char *text, *line, *save = NULL;
	int samples = 0, types = 0;

	setup();
	metrics_count_transaction("Q: listener=a tls=TLSv1 rule=r action=defer mode=enforce");
	text = render();
	CU_ASSERT_EQUAL(text[strlen(text) - 1], '\n');
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# TYPE milter_tlspolicy_", 24) == 0)
			types++;
		else if (line[0] != '#') {
			samples++;
			CU_ASSERT_EQUAL(strncmp(line, "milter_tlspolicy_", 17), 0);
			CU_ASSERT_PTR_NOT_NULL(strrchr(line, ' '));
		}
	}
	CU_ASSERT_EQUAL(types, 11);
	CU_ASSERT_EQUAL(samples, 10);
	free(text);
}

static void
test_option(void)
{
	char *ok[] = {"milter-tlspolicy", "-M", "inet:9495@127.0.0.1", NULL};
	char *ok6[] = {"milter-tlspolicy", "-M", "inet6:9495@[::1]", NULL};
	char *bad[] = {"milter-tlspolicy", "-M", "unix:/tmp/m", NULL};
	static const char *const bad_specs[] = {"inet:80x@127.0.0.1", "inet:@127.0.0.1",
	                                        "inet:9495@",         "inet:9495",
	                                        "9495@127.0.0.1",     "inet6:123456@::1"};
	size_t i;
	struct options o;
	char err[256];

	CU_ASSERT_EQUAL(options_parse(3, ok, &o, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(o.metrics, "inet:9495@127.0.0.1");
	CU_ASSERT_EQUAL(options_parse(3, ok6, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(options_parse(3, bad, &o, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "-M"));
	for (i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		bad[2] = (char *)bad_specs[i];
		CU_ASSERT_EQUAL(options_parse(3, bad, &o, err, sizeof(err)), -1);
	}
	CU_ASSERT_EQUAL(options_parse(1, ok, &o, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(o.metrics);
}

static const struct fixture_test tests[] = {
    {"escape: label values", test_escape_table},
    {"line: values of chosen keys", test_line_values},
    {"count: one per log line, the line's values", test_counts_follow_log_lines},
    {"count: nothing without -M", test_disabled_counts_nothing},
    {"count: hostile values escaped", test_hostile_label_escaped},
    {"count: sessions", test_sessions},
    {"bound: listeners", test_bounded_listeners},
    {"bound: series", test_bounded_series},
    {"count: threads add up", test_threads_sum},
    {"gauges: rollout percent, reloads, errors", test_rollout_and_reloads},
    {"text: shape", test_text_shape},
    {"option: -M", test_option},
    {NULL, NULL},
};

int
main(void)
{
	return fixture_run("milter metrics", tests);
}
