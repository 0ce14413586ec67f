/*
 * NAME
 *	test_milter_txn -- CUnit tests for the transaction logic of the daemon
 *
 * DESCRIPTION
 *	Drives txn.h as the milter callbacks do (MAIL, RCPT, headers, end of
 *	message, abort) with real policies from policy_load(), and checks the
 *	result for the MTA, the reply, the message's decision and the exact
 *	log lines written (to a file, as with -L FILE): refusal at MAIL,
 *	report-only, the MAIL fast path, internal failure, decisions put off
 *	to RCPT by recipient rules (per-recipient refusals, the transaction's
 *	own refusal at the first RCPT, the earliest rule among accepted
 *	recipients for the message), foreign header counting, and keeping
 *	recipients for Sendmail's recipient-suffix reroute (with their RCPT
 *	parameters, ORCPT, and unqualified addresses qualified with j).
 *	Transactions that did not complete (RSET, QUIT, a dropped connection
 *	or the MTA's abort after MAIL) are logged once with action=abort, and
 *	never after a logged refusal. Log write failures: a short write
 *	leaves no torn line, lost lines are counted, warned about once per
 *	interval, and the first line written again says how many were lost.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "context.h"
#include "policy_fixture.h"
#include "snapshot.h"
#include "txn.h"
#include "txn_log.h"

#define NOW 20261125

static const char *log_path;

static const char policy_mail[] = "version: 1\n"
                                  "settings: { audit: all, strip_foreign_headers: true }\n"
                                  "rules:\n"
                                  "  - name: modern\n"
                                  "    match: { tls: \">= TLSv1.2\" }\n"
                                  "    action: accept\n"
                                  "  - name: auth-legacy\n"
                                  "    match: { authenticated: true, tls: [TLSv1, TLSv1.1] }\n"
                                  "    action: defer\n"
                                  "  - name: shadow\n"
                                  "    match: { tls: TLSv1.1 }\n"
                                  "    action: defer\n"
                                  "    mode: report-only\n"
                                  "  - name: legacy\n"
                                  "    match: { tls: TLSv1 }\n"
                                  "    action: tag\n"
                                  "default: { action: accept }\n";

static const char policy_rcpt[] =
    "version: 1\n"
    "rules:\n"
    "  - name: postmaster\n"
    "    match: { recipient: \"postmaster@*\" }\n"
    "    action: accept\n"
    "  - name: blocked\n"
    "    match: { recipient: \"*@blocked.example\", tls: none }\n"
    "    action: reject\n"
    "    reply: { code: 550, xcode: 5.7.1, text: \"no plaintext here\" }\n"
    "  - name: printers\n"
    "    match: { recipient: \"*@print.example\" }\n"
    "    action: tag\n"
    "  - name: auth-legacy\n"
    "    match: { authenticated: true, tls: [TLSv1, TLSv1.1] }\n"
    "    action: defer\n"
    "default: { action: accept }\n";

static const char policy_quiet[] = "version: 1\n"
                                   "settings: { audit: none, strip_foreign_headers: false }\n"
                                   "rules:\n"
                                   "  - name: old\n"
                                   "    match: { tls: TLSv1 }\n"
                                   "    action: tag\n"
                                   "    subject_prefix: \"[OLD TLS]\"\n"
                                   "  - name: reroute\n"
                                   "    match: { tls: TLSv1.1 }\n"
                                   "    action: reroute\n"
                                   "    relay: \"smtp:[127.0.0.1]:2526\"\n"
                                   "default: { action: accept }\n";

static struct snapshot *
snapshot_of(const char *yaml)
{
	struct policy_errors errors;
	struct snapshot *s = calloc(1, sizeof(*s));

	policy_errors_init(&errors);
	s->policy = fixture_load(yaml, &errors);
	if (s->policy == NULL) {
		printf("\n  test policy does not load: %s\n", errors.count ? errors.lines[0] : "?");
		abort();
	}
	policy_errors_free(&errors);
	s->settings = policy_settings(s->policy);
	s->refs = 1;
	s->generation = 1;
	return s;
}

/* A connection as the callbacks leave it after connect, HELO and TLS. */
static struct conn_ctx *
session(const char *yaml, const char *tls, const char *auth)
{
	struct conn_ctx *c = conn_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	c->snap = snapshot_of(yaml);
	c->mta = MTA_POSTFIX;
	ctx_value_set(&c->client_addr, "192.0.2.7");
	ctx_value_set(&c->client_name, "printer7.example.com");
	ctx_value_set(&c->listener, "smtpd");
	ctx_value_set(&c->port, "587");
	ctx_value_set(&c->helo, "scan7");
	if (tls != NULL) {
		ctx_value_set(&c->tls_version, tls);
		ctx_value_set(&c->cipher, "ECDHE-RSA-AES256-SHA");
		ctx_value_set(&c->bits, "256");
	}
	ctx_value_set(&c->auth_user, auth);
	return c;
}

static int
log_lines(void)
{
	char line[TXN_LOG_LINE_MAX];
	FILE *f = fopen(log_path, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n++;
	fclose(f);
	return n;
}

/* The body of the last log line (after "milter-tlspolicy[PID]: "). */
static const char *
last_line_of(const char *path)
{
	static char line[TXN_LOG_LINE_MAX];
	char buf[TXN_LOG_LINE_MAX];
	FILE *f = fopen(path, "r");
	char *body;

	line[0] = '\0';
	if (f == NULL)
		return line;
	while (fgets(buf, sizeof(buf), f) != NULL)
		snprintf(line, sizeof(line), "%s", buf);
	fclose(f);
	if ((body = strstr(line, "]: ")) != NULL)
		memmove(line, body + 3, strlen(body + 3) + 1);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static const char *
last_line(void)
{
	return last_line_of(log_path);
}

static struct decide_context
when(void)
{
	struct decide_context w = {NOW, 12345};

	return w;
}

static void
test_mail_accept_and_log(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1.3", NULL);
	struct decide_context w = when();
	struct reply r;
	const struct decision *d;
	int before = log_lines();

	CU_ASSERT_EQUAL(txn_mail(c, "<scan@example.com>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<a@example.org>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(c->msg.nrcpt, 1);
	ctx_value_set(&c->msg.queue_id, "4Bq1c2Yz");
	d = txn_final(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->rule_name, "modern");
	CU_ASSERT_TRUE(txn_audit_wanted(c, d));
	txn_end(c, NULL);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_STRING_EQUAL(
	    last_line(),
	    "4Bq1c2Yz: client=printer7.example.com[192.0.2.7] helo=scan7 listener=smtpd port=587 "
	    "auth=- tls=TLSv1.3 cipher=ECDHE-RSA-AES256-SHA bits=256 verify=- "
	    "from=<scan@example.com> nrcpt=1 rule=modern action=accept mode=enforce selected=- "
	    "percent=- skipped=- reply=- relay=-");
	/* The transaction is over: abort and close add nothing. */
	txn_end(c, NULL);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	conn_free(c);
}

static void
test_mail_defer(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1", "alice");
	struct decide_context w = when();
	struct reply r;
	int before = log_lines();

	CU_ASSERT_EQUAL(txn_mail(c, "<>", NULL, &w, &r), TXN_REFUSE);
	CU_ASSERT_EQUAL(r.verdict, REPLY_TEMPFAIL);
	CU_ASSERT_STRING_EQUAL(r.logged, "421 4.7.66");
	CU_ASSERT_STRING_EQUAL(r.text, "TLS 1.0 and 1.1 are not supported. Please upgrade/update "
	                               "your client to support TLS 1.2.");
	CU_ASSERT_FALSE(c->msg.active);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), "NOQUEUE: client="));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " auth=alice tls=TLSv1 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " from=<> nrcpt=0 rule=auth-legacy action=defer "
	                                           "mode=enforce selected=- percent=- skipped=- "
	                                           "reply=\"421 4.7.66\" relay=-"));
	txn_abort(c); /* the MTA's abort after the refusal */
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	conn_free(c);
}

static void
test_mail_report_only(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1.1", NULL);
	struct decide_context w = when();
	struct reply r;
	const struct decision *d;

	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<x@y>", NULL, &w, &r), TXN_CONTINUE);
	d = txn_final(c);
	CU_ASSERT_STRING_EQUAL(d->rule_name, "shadow");
	CU_ASSERT_EQUAL(d->action, ACTION_DEFER);
	CU_ASSERT_FALSE(d->enforced);
	txn_end(c, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(),
	                              " rule=shadow action=defer mode=report-only "
	                              "selected=- percent=- skipped=- reply=- relay=-"));
	conn_free(c);
}

static void
test_mail_fast_path(void)
{
	struct conn_ctx *c = session(policy_quiet, "TLSv1.3", NULL);
	struct decide_context w = when();
	struct reply r;
	int before = log_lines();

	/* Nothing to do at end of message: accept at MAIL, logged there. */
	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", NULL, &w, &r), TXN_ACCEPT);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " nrcpt=0 rule=default action=accept "));
	CU_ASSERT_FALSE(c->msg.active);
	conn_free(c);
	/* A subject prefix or a reroute needs end of message. */
	c = session(policy_quiet, "TLSv1", NULL);
	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", NULL, &w, &r), TXN_CONTINUE);
	txn_end(c, NULL);
	conn_free(c);
	c = session(policy_quiet, "TLSv1.1", NULL);
	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(txn_reroute_method(c), REROUTE_HEADER);
	txn_end(c, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " rule=reroute action=reroute mode=enforce "
	                                           "selected=- percent=- skipped=- reply=- "
	                                           "relay=smtp:[127.0.0.1]:2526"));
	conn_free(c);
}

static void
test_internal_failure(void)
{
	struct conn_ctx *c = conn_new();
	struct decide_context w = when();
	struct reply r;

	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", "QID1", &w, &r), TXN_REFUSE);
	CU_ASSERT_EQUAL(r.verdict, REPLY_TEMPFAIL);
	CU_ASSERT_STRING_EQUAL(r.logged, "451 4.3.0");
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), "QID1: client=unknown[-] "));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " rule=- action=- mode=- selected=- percent=- "
	                                           "skipped=- reply=\"451 4.3.0\" relay=-"));
	CU_ASSERT_FALSE(c->msg.active);
	conn_free(c);
}

static void
test_headers(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1.3", NULL);
	struct decide_context w = when();
	struct reply r;

	txn_header(c, "X-TLS-Policy", "before MAIL: ignored");
	txn_mail(c, "<a@b>", NULL, &w, &r);
	txn_header(c, "x-tls-policy", "forged");
	txn_header(c, "X-TLS-Policy", "forged again");
	txn_header(c, "X-TLS-POLICY-REROUTE", "smtp:[evil]:25");
	txn_header(c, "Subject", "hello");
	txn_header(c, "Subject", "second subject");
	txn_header(c, "X-Other", "x");
	CU_ASSERT_EQUAL(c->msg.foreign_audit, 2);
	CU_ASSERT_EQUAL(c->msg.foreign_reroute, 1);
	CU_ASSERT_STRING_EQUAL(c->msg.subject, "hello");
	txn_end(c, NULL);
	CU_ASSERT_EQUAL(c->msg.foreign_audit, 0);
	CU_ASSERT_PTR_NULL(c->msg.subject);
	conn_free(c);
}

static void
test_rcpt_transaction_refusal(void)
{
	struct conn_ctx *c = session(policy_rcpt, "TLSv1", "alice");
	struct decide_context w = when();
	struct reply r;
	int before = log_lines();

	/* A recipient rule precedes auth-legacy: nothing is enforced at MAIL. */
	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_TRUE(c->msg.pending);
	CU_ASSERT_EQUAL(log_lines(), before);
	/* postmaster is exempt. */
	CU_ASSERT_EQUAL(txn_rcpt(c, "<postmaster@example.org>", NULL, &w, &r), TXN_CONTINUE);
	/* Anyone else: the transaction's own decision, at this RCPT... */
	CU_ASSERT_EQUAL(txn_rcpt(c, "<bob@example.org>", NULL, &w, &r), TXN_REFUSE);
	CU_ASSERT_STRING_EQUAL(r.logged, "421 4.7.66");
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " nrcpt=1 rule=auth-legacy action=defer "));
	/* ... and every later one, logged once. */
	CU_ASSERT_EQUAL(txn_rcpt(c, "<carol@example.org>", NULL, &w, &r), TXN_REFUSE);
	CU_ASSERT_STRING_EQUAL(r.logged, "421 4.7.66");
	txn_end(c, NULL);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	conn_free(c);
}

static void
test_rcpt_rules(void)
{
	struct conn_ctx *c = session(policy_rcpt, NULL, NULL);
	struct decide_context w = when();
	const struct decision *d;
	struct reply r;
	int before = log_lines();

	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", NULL, &w, &r), TXN_CONTINUE);
	/* A recipient rule refuses only its recipient, on its own line. */
	CU_ASSERT_EQUAL(txn_rcpt(c, "<x@blocked.example>", NULL, &w, &r), TXN_REFUSE);
	CU_ASSERT_EQUAL(r.verdict, REPLY_REJECT);
	CU_ASSERT_STRING_EQUAL(r.logged, "550 5.7.1");
	CU_ASSERT_STRING_EQUAL(r.text, "no plaintext here");
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " nrcpt=0 rule=blocked action=reject "));
	/* The others are accepted; the earliest deciding rule sets the message's action. */
	CU_ASSERT_EQUAL(txn_rcpt(c, "<c@other.example>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<d@print.example>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(c->msg.nrcpt, 2);
	d = txn_final(c);
	CU_ASSERT_STRING_EQUAL(d->rule_name, "printers");
	CU_ASSERT_EQUAL(d->action, ACTION_TAG);
	ctx_value_set(&c->msg.queue_id, "QID2");
	txn_end(c, NULL);
	CU_ASSERT_EQUAL(log_lines(), before + 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), "QID2: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " nrcpt=2 rule=printers action=tag "));
	conn_free(c);
}

static void
test_rcpt_all_refused(void)
{
	struct conn_ctx *c = session(policy_rcpt, NULL, NULL);
	struct decide_context w = when();
	struct reply r;
	int before = log_lines();

	txn_mail(c, "<a@b>", NULL, &w, &r);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<x@blocked.example>", NULL, &w, &r), TXN_REFUSE);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<y@blocked.example>", NULL, &w, &r), TXN_REFUSE);
	txn_end(c, NULL); /* abort: no valid recipients */
	CU_ASSERT_EQUAL(log_lines(), before + 2);
	conn_free(c);
}

static void
test_sendmail_keeps_recipients(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1.3", NULL);
	struct decide_context w = when();
	struct reply r;

	c->mta = MTA_SENDMAIL;
	CU_ASSERT_EQUAL(txn_reroute_method(c), REROUTE_RECIPIENT_SUFFIX);
	txn_mail(c, "<a@b>", NULL, &w, &r);
	txn_rcpt(c, "<one@example.org>", NULL, &w, &r);
	txn_rcpt(c, "<two@example.org>", NULL, &w, &r);
	CU_ASSERT_EQUAL(c->msg.rcpt_count, 2);
	CU_ASSERT_STRING_EQUAL(c->msg.rcpts[1].address, "<two@example.org>");
	CU_ASSERT_STRING_EQUAL(c->msg.rcpts[1].params, "");
	txn_end(c, NULL);
	/* Postfix reroutes by header: nothing kept. */
	c->mta = MTA_POSTFIX;
	txn_mail(c, "<a@b>", NULL, &w, &r);
	txn_rcpt(c, "<one@example.org>", NULL, &w, &r);
	CU_ASSERT_EQUAL(c->msg.rcpt_count, 0);
	txn_end(c, NULL);
	conn_free(c);
}

/*
 * Recipient-suffix reroute: the client's RCPT parameters are kept (clean
 * ones only) and passed on, ORCPT added only when the client gave none, an
 * unqualified recipient qualified with j, or left alone without j.
 */
static void
test_sendmail_reroute_rcpt(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1", NULL);
	struct decide_context w = when();
	struct reply r;
	static const char *const notify[] = {"NOTIFY=SUCCESS,FAILURE", NULL};
	static const char *const orcpt[] = {"ORCPT=rfc822;first@example.org", "NOTIFY=NEVER", NULL};
	static const char *const dirty[] = {"NOTIFY=DELAY", "X-BAD=a\tb", "", NULL};
	char rcpt[TXN_RCPT_MAX], params[TXN_PARAMS_MAX];

	c->mta = MTA_SENDMAIL;
	ctx_value_set(&c->host, "mx.example");
	txn_mail(c, "<a@b>", NULL, &w, &r);
	txn_rcpt(c, "<one@example.org>", notify, &w, &r);
	txn_rcpt(c, "<two@example.org>", orcpt, &w, &r);
	txn_rcpt(c, "<postmaster>", dirty, &w, &r);
	txn_rcpt(c, "<plus+x=y@example.org>", NULL, &w, &r);
	CU_ASSERT_EQUAL_FATAL(c->msg.rcpt_count, 4);
	CU_ASSERT_STRING_EQUAL(c->msg.rcpts[0].params, "NOTIFY=SUCCESS,FAILURE");
	CU_ASSERT_STRING_EQUAL(c->msg.rcpts[2].params, "NOTIFY=DELAY");

	CU_ASSERT_PTR_NULL(txn_reroute_rcpt(c, 0, rcpt, sizeof(rcpt), params, sizeof(params)));
	CU_ASSERT_STRING_EQUAL(rcpt, "<one@example.org.LEGACY-TLS>");
	CU_ASSERT_STRING_EQUAL(params, "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;one@example.org");
	CU_ASSERT_PTR_NULL(txn_reroute_rcpt(c, 1, rcpt, sizeof(rcpt), params, sizeof(params)));
	CU_ASSERT_STRING_EQUAL(rcpt, "<two@example.org.LEGACY-TLS>");
	CU_ASSERT_STRING_EQUAL(params, "ORCPT=rfc822;first@example.org NOTIFY=NEVER");
	CU_ASSERT_PTR_NULL(txn_reroute_rcpt(c, 2, rcpt, sizeof(rcpt), params, sizeof(params)));
	CU_ASSERT_STRING_EQUAL(rcpt, "<postmaster@mx.example.LEGACY-TLS>");
	CU_ASSERT_STRING_EQUAL(params, "NOTIFY=DELAY ORCPT=rfc822;postmaster@mx.example");
	CU_ASSERT_PTR_NULL(txn_reroute_rcpt(c, 3, rcpt, sizeof(rcpt), params, sizeof(params)));
	CU_ASSERT_STRING_EQUAL(params, "ORCPT=rfc822;plus+2Bx+3Dy@example.org");

	/* No j macro: the unqualified recipient stays as it is. */
	ctx_value_set(&c->host, NULL);
	CU_ASSERT_PTR_NOT_NULL(txn_reroute_rcpt(c, 2, rcpt, sizeof(rcpt), params, sizeof(params)));
	CU_ASSERT_PTR_NULL(txn_reroute_rcpt(c, 0, rcpt, sizeof(rcpt), params, sizeof(params)));
	/* Too small a buffer is refused, not cut. */
	CU_ASSERT_PTR_NOT_NULL(txn_reroute_rcpt(c, 0, rcpt, 10, params, sizeof(params)));
	CU_ASSERT_PTR_NOT_NULL(txn_reroute_rcpt(c, 0, rcpt, sizeof(rcpt), params, 30));
	txn_end(c, NULL);
	conn_free(c);
}

/* Parameters beyond CTX_PARAMS_MAX are dropped whole, never cut. */
static void
test_rcpt_params_bounded(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1", NULL);
	struct decide_context w = when();
	struct reply r;
	char big[400];
	const char *params[] = {"NOTIFY=NEVER", big, big, "RET=HDRS", NULL};

	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "X-BIG=", 6);
	big[sizeof(big) - 1] = '\0';
	c->mta = MTA_SENDMAIL;
	txn_mail(c, "<a@b>", NULL, &w, &r);
	txn_rcpt(c, "<one@example.org>", params, &w, &r);
	CU_ASSERT_EQUAL_FATAL(c->msg.rcpt_count, 1);
	CU_ASSERT_EQUAL(strlen(c->msg.rcpts[0].params), 12 + 1 + 399 + 1 + 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->msg.rcpts[0].params, "NOTIFY=NEVER X-BIG=aaa"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c->msg.rcpts[0].params, "a RET=HDRS"));
	txn_end(c, NULL);
	conn_free(c);
}

/* RSET or QUIT after RCPT: one line, the rule decided so far, action=abort. */
static void
test_abort_after_rcpt(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1.3", NULL);
	struct decide_context w = when();
	struct reply r;
	int before = log_lines();

	CU_ASSERT_EQUAL(txn_mail(c, "<scan@example.com>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<a@example.org>", NULL, &w, &r), TXN_CONTINUE);
	ctx_value_set(&c->msg.queue_id, "4Bq1c2Yz");
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_STRING_EQUAL(
	    last_line(),
	    "4Bq1c2Yz: client=printer7.example.com[192.0.2.7] helo=scan7 listener=smtpd port=587 "
	    "auth=- tls=TLSv1.3 cipher=ECDHE-RSA-AES256-SHA bits=256 verify=- "
	    "from=<scan@example.com> nrcpt=1 rule=modern action=abort mode=enforce selected=- "
	    "percent=- skipped=- reply=- relay=-");
	CU_ASSERT_FALSE(c->msg.active);
	/* The close that follows adds nothing. */
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	/* A new transaction on the same connection, then the connection drops in DATA. */
	CU_ASSERT_EQUAL(txn_mail(c, "<b@example.com>", NULL, &w, &r), TXN_CONTINUE);
	txn_header(c, "Subject", "cut off");
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " nrcpt=0 rule=modern action=abort "));
	conn_free(c);
}

/* A refusal carried out is logged once: the MTA's abort and close add nothing. */
static void
test_abort_after_refusal(void)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1", "alice");
	struct decide_context w = when();
	struct reply r;
	int before = log_lines();

	CU_ASSERT_EQUAL(txn_mail(c, "<>", NULL, &w, &r), TXN_REFUSE);
	txn_abort(c);
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " rule=auth-legacy action=defer "));
	conn_free(c);
	/* Refused at RCPT (the transaction's own decision), then RSET. */
	c = session(policy_rcpt, "TLSv1", "alice");
	before = log_lines();
	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", NULL, &w, &r), TXN_CONTINUE);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<bob@example.org>", NULL, &w, &r), TXN_REFUSE);
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " action=defer "));
	conn_free(c);
	/* Every recipient refused by a recipient rule: those lines only. */
	c = session(policy_rcpt, NULL, NULL);
	before = log_lines();
	txn_mail(c, "<a@b>", NULL, &w, &r);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<x@blocked.example>", NULL, &w, &r), TXN_REFUSE);
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " action=reject "));
	conn_free(c);
}

/* Decision waiting for RCPT, some recipients refused, one accepted: abort says so. */
static void
test_abort_pending(void)
{
	struct conn_ctx *c = session(policy_rcpt, NULL, NULL);
	struct decide_context w = when();
	struct reply r;
	int before = log_lines();

	txn_mail(c, "<a@b>", NULL, &w, &r);
	CU_ASSERT_TRUE(c->msg.pending);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<x@blocked.example>", NULL, &w, &r), TXN_REFUSE);
	CU_ASSERT_EQUAL(txn_rcpt(c, "<d@print.example>", NULL, &w, &r), TXN_CONTINUE);
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " nrcpt=1 rule=printers action=abort "));
	/* After end of message nothing is left to abort; no transaction: nothing at all. */
	txn_mail(c, "<a@b>", NULL, &w, &r);
	txn_rcpt(c, "<d@print.example>", NULL, &w, &r);
	txn_end(c, NULL);
	txn_abort(c);
	txn_abort(c);
	CU_ASSERT_EQUAL(log_lines(), before + 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line(), " rule=printers action=tag "));
	conn_free(c);
}

static void
test_internal_failure_counted(void)
{
	struct conn_ctx *c = conn_new();
	struct decide_context w = when();
	struct reply r;
	unsigned long before = txn_internal_failures();

	CU_ASSERT_EQUAL(txn_mail(c, "<a@b>", "QID1", &w, &r), TXN_REFUSE);
	CU_ASSERT_EQUAL(txn_internal_failures(), before + 1);
	txn_note_internal_failure();
	CU_ASSERT_EQUAL(txn_internal_failures(), before + 2);
	conn_free(c);
}

static int
count_of(const char *text, const char *what)
{
	int n = 0;

	for (; (text = strstr(text, what)) != NULL; text++)
		n++;
	return n;
}

/* One transaction on c (a session of policy_mail), or on a new one when NULL. */
static void
log_on(struct conn_ctx *c, const char *qid)
{
	struct decide_context w = when();
	struct reply r;

	txn_mail(c, "<a@b>", qid, &w, &r);
	txn_end(c, NULL);
}

static void
log_one(const char *qid)
{
	struct conn_ctx *c = session(policy_mail, "TLSv1.3", NULL);

	log_on(c, qid);
	conn_free(c);
}

static void
use_log(const char *path)
{
	char err[256];

	txn_log_close();
	if (txn_log_open(path, err, sizeof(err)) != 0)
		CU_FAIL_FATAL(err);
}

/* A full disk: lines lost whole, counted, one warning per interval, recovery said. */
static void
test_log_full_disk(void)
{
	unsigned long before = txn_log_write_errors();
	const char *said;
	char *good;

	if (access("/dev/full", W_OK) != 0) {
		printf("\n  /dev/full missing: not tested");
		return;
	}
	fixture_stderr_begin();
	use_log("/dev/full");
	log_one("Q1");
	log_one("Q2");
	log_one("Q3");
	good = strdup(fixture_write("after-full.log", ""));
	use_log(good);
	log_one("Q4");
	log_one("Q5");
	said = fixture_stderr_end();
	CU_ASSERT_EQUAL(txn_log_write_errors(), before + 3);
	CU_ASSERT_EQUAL(count_of(said, "warning: cannot write the transaction log to /dev/full: No "
	                               "space left on device; 1 line lost since the last warning"),
	                1);
	CU_ASSERT_EQUAL(count_of(said, "cannot write"), 1);
	CU_ASSERT_EQUAL(count_of(said, "works again after 3 lost lines"), 1);
	if (count_of(said, "works again") != 1 || count_of(said, "cannot write") != 1)
		printf("\n  stderr was: %s", said);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line_of(good), "Q5: client="));
	use_log(log_path);
	free(good);
}

/* A short write (file size limit) leaves no partial line behind. */
static void
test_log_no_torn_line(void)
{
	struct rlimit old, small;
	struct stat st;
	char *path = strdup(fixture_write("torn.log", ""));
	struct conn_ctx *c =
	    session(policy_mail, "TLSv1.3", NULL); /* files written before the limit */
	unsigned long before = txn_log_write_errors();
	off_t whole;
	char last = 0;
	FILE *f;

	use_log(path);
	log_one("W1");
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	whole = st.st_size;
	CU_ASSERT(whole > 100);
	getrlimit(RLIMIT_FSIZE, &old);
	small = old;
	small.rlim_cur = (rlim_t)whole + 40;
	signal(SIGXFSZ, SIG_IGN);
	fixture_stderr_begin();
	setrlimit(RLIMIT_FSIZE, &small);
	log_on(c, "W2"); /* 40 bytes fit: a short write */
	setrlimit(RLIMIT_FSIZE, &old);
	fixture_stderr_end();
	CU_ASSERT_EQUAL(txn_log_write_errors(), before + 1);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_size, whole);
	if ((f = fopen(path, "r")) != NULL) {
		fseek(f, -1, SEEK_END);
		last = (char)fgetc(f);
		fclose(f);
	}
	CU_ASSERT_EQUAL(last, '\n');
	fixture_stderr_begin();
	log_one("W3");
	CU_ASSERT_EQUAL(count_of(fixture_stderr_end(), "works again after 1 lost line"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_line_of(path), "W3: client="));
	use_log(log_path);
	free(path);
	conn_free(c);
}

static void
test_strip_brackets(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {{"<a@b>", "a@b"}, {"<>", ""}, {" <a@b> ", "a@b"}, {"a@b", "a@b"}, {NULL, ""}};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		txn_strip_brackets(out, sizeof(out), cases[i].in);
		CU_ASSERT_STRING_EQUAL(out, cases[i].out);
	}
}

static const struct fixture_test tests[] = {
    {"MAIL: accept, log line at the end", test_mail_accept_and_log},
    {"MAIL: defer refuses and logs", test_mail_defer},
    {"MAIL: report-only", test_mail_report_only},
    {"MAIL: fast path", test_mail_fast_path},
    {"internal failure", test_internal_failure},
    {"headers: foreign copies and Subject", test_headers},
    {"RCPT: the transaction's refusal", test_rcpt_transaction_refusal},
    {"RCPT: recipient rules", test_rcpt_rules},
    {"RCPT: every recipient refused", test_rcpt_all_refused},
    {"Sendmail: recipients kept for rerouting", test_sendmail_keeps_recipients},
    {"Sendmail: rerouted recipients keep their parameters", test_sendmail_reroute_rcpt},
    {"Sendmail: recipient parameters bounded", test_rcpt_params_bounded},
    {"abort after RCPT and in DATA: action=abort", test_abort_after_rcpt},
    {"abort after a refusal: logged once", test_abort_after_refusal},
    {"abort with the decision put off to RCPT", test_abort_pending},
    {"internal failures counted", test_internal_failure_counted},
    {"log on a full disk: counted, warned, recovery", test_log_full_disk},
    {"log: no torn line after a short write", test_log_no_torn_line},
    {"envelope addresses", test_strip_brackets},
    {NULL, NULL},
};

int
main(void)
{
	char err[256];

	log_path = strdup(fixture_write("txn.log", ""));
	if (txn_log_open(log_path, err, sizeof(err)) != 0) {
		printf("%s\n", err);
		return 2;
	}
	return fixture_run("milter transactions", tests);
}
