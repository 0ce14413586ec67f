/*
 * fuzz_policy.c -- libFuzzer target: the policy loader and its decisions
 *
 * DESCRIPTION
 *	The input is a policy file. It is written into a private directory,
 *	next to two small address lists that "file:" entries may name
 *	(clients.txt, more.txt), and loaded with policy_load(), the daemon's
 *	own entry point, so the file checks and relative list paths are
 *	exercised too.
 *
 *	A policy that does not load must say why: at least one error, each
 *	"FILE:LINE:COL: message" for the policy or a list file, with no
 *	control character (an error line is printed on a terminal and
 *	logged).
 *
 *	A policy that loads is asked for decisions on a table of sessions
 *	(every TLS version, ciphers, AUTH, IPv4/IPv6/bad addresses,
 *	listeners, ports, senders, recipients) at three dates and three
 *	random draws. Each decision must be well formed (a rule name, an
 *	action in range, a rule index within the rules, a percentage in
 *	0..100 %, a 4xx reply for defer and a 5xx one for reject, printable
 *	texts) and deterministic (the same question twice gives the same
 *	answer).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "policy.h"

static char *dir;
static char policy_path[4200];

struct session {
	const char *tls, *cipher, *bits, *addr, *name, *helo, *listener, *port, *auth;
	const char *sender, *rcpt, *subject, *issuer, *verify;
};

static const struct session sessions[] = {
    {"TLSv1", "ECDHE-RSA-AES256-SHA", "256", "192.0.2.7", "printer7.example.com", "scan7", "smtpd",
     "25", NULL, "scan@example.com", NULL, NULL, NULL, NULL},
    {"TLSv1.1", "AES128-SHA", "128", "198.51.100.9", NULL, "old", "submission", "587", "alice",
     "alice@example.org", "bob@example.net", "CN=old", "CN=ca", "OK"},
    {"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "128", "2001:db8::1", "v6.example", "v6", "smtpd",
     "25", NULL, "", "postmaster@example.com", NULL, NULL, "NO"},
    {"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256", "::ffff:203.0.113.5", "mapped.example", "m",
     "legacy", "2526", "carol", "c@example.com", "x@legacy.example", NULL, NULL, "FAIL"},
    {NULL, NULL, NULL, "10.0.0.1", "unknown", "plain", "smtpd", "25", NULL, "p@example.com", NULL,
     NULL, NULL, NULL},
    {"SSLv3", "RC4-MD5", "40", "not-an-address", NULL, NULL, NULL, "99999", "", NULL, NULL, NULL,
     NULL, NULL},
    {"TLSv1", "DES-CBC3-SHA", "x", "127.0.0.1", "localhost", "[127.0.0.1]", "smtpd", "-1",
     "dave@example.com", "<>", "a@b", NULL, NULL, "OK"},
};

static const int dates[] = {20200101, 20261206, 20991231};
static const uint32_t draws[] = {0, 0x7fffffffu, 0xffffffffu};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char clients[] = "# test clients\n192.0.2.0/24\n2001:db8::/32\n\n10.1.2.3\n";
	static const char more[] = "198.51.100.9 # one\n::1\n";

	(void)argc, (void)argv;
	dir = fuzz_private_dir("fuzz_policy");
	fuzz_write_file(dir, "clients.txt", clients, sizeof(clients) - 1);
	fuzz_write_file(dir, "more.txt", more, sizeof(more) - 1);
	snprintf(policy_path, sizeof(policy_path), "%s/policy.yaml", dir);
	return 0;
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			return 0;
	return 1;
}

static void
check_text(const char *what, const char *s)
{
	if (s == NULL)
		return;
	fuzz_check(printable(s), what, s);
	fuzz_check(strlen(s) <= 1024, what, s);
}

static void
fill_facts(struct session_facts *f, const struct session *s)
{
	facts_init(f);
	facts_set_tls(f, s->tls, s->cipher, s->bits);
	facts_set_client_addr(f, s->addr);
	facts_set_verify(f, s->verify);
	f->client_name = s->name;
	f->helo = s->helo;
	f->listener = s->listener;
	f->port = s->port != NULL ? atoi(s->port) : -1;
	f->auth_user = s->auth;
	f->sender = s->sender;
	f->recipient = s->rcpt;
	f->cert_subject = s->subject;
	f->cert_issuer = s->issuer;
}

static int
same_decision(const struct decision *a, const struct decision *b)
{
	return a->rule_name == b->rule_name && a->rule_index == b->rule_index &&
	       a->action == b->action && a->enforced == b->enforced &&
	       a->has_rollout == b->has_rollout && a->selected == b->selected &&
	       a->percent_bp == b->percent_bp && a->skipped_rule == b->skipped_rule &&
	       a->needs_recipient == b->needs_recipient && a->reply_code == b->reply_code &&
	       a->reply_text == b->reply_text && a->relay == b->relay &&
	       a->subject_prefix == b->subject_prefix;
}

static void
check_decision(const struct policy *p, const struct decision *d)
{
	size_t rules = policy_rule_count(p);

	fuzz_check(d->rule_name != NULL, "decision without a rule name", NULL);
	check_text("rule name not printable", d->rule_name);
	fuzz_check((unsigned)d->action < ACTION_COUNT, "action out of range", d->rule_name);
	fuzz_check(d->rule_index >= 0 && (size_t)d->rule_index <= rules, "rule index out of range",
	           d->rule_name);
	fuzz_check(((size_t)d->rule_index == rules) == (strcmp(d->rule_name, "default") == 0),
	           "the default and only the default is named \"default\"", d->rule_name);
	fuzz_check(d->percent_bp >= 0 && d->percent_bp <= 10000, "percentage out of range",
	           d->rule_name);
	fuzz_check(!d->has_rollout || d->selected, "a rollout rule decided without selecting",
	           d->rule_name);
	if (d->action == ACTION_DEFER)
		fuzz_check(d->reply_code >= 400 && d->reply_code <= 499, "defer without 4xx",
		           d->rule_name);
	if (d->action == ACTION_REJECT)
		fuzz_check(d->reply_code >= 500 && d->reply_code <= 599, "reject without 5xx",
		           d->rule_name);
	if (d->action == ACTION_REROUTE)
		fuzz_check(d->relay != NULL && *d->relay != '\0', "reroute without relay",
		           d->rule_name);
	if (d->reply_xcode != NULL && *d->reply_xcode != '\0')
		fuzz_check(d->reply_xcode[0] - '0' == d->reply_code / 100,
		           "enhanced code class differs from the reply code", d->reply_xcode);
	check_text("reply text not printable", d->reply_text);
	check_text("xcode not printable", d->reply_xcode);
	check_text("relay not printable", d->relay);
	check_text("reason not printable", d->reason);
	check_text("subject prefix not printable", d->subject_prefix);
	check_text("skipped rule name not printable", d->skipped_rule);
}

static void
decide_all(const struct policy *p)
{
	struct session_facts f;
	struct decide_context when;
	struct decision d, again;
	size_t i, j, k;

	for (i = 0; i < sizeof(sessions) / sizeof(sessions[0]); i++) {
		fill_facts(&f, &sessions[i]);
		for (j = 0; j < sizeof(dates) / sizeof(dates[0]); j++) {
			for (k = 0; k < sizeof(draws) / sizeof(draws[0]); k++) {
				when.today = dates[j];
				when.random = draws[k];
				policy_decide(p, &f, &when, &d);
				check_decision(p, &d);
				policy_decide(p, &f, &when, &again);
				fuzz_check(same_decision(&d, &again), "decision not deterministic",
				           d.rule_name);
			}
		}
		/* At MAIL: no recipient yet. */
		f.recipient = NULL;
		policy_decide(p, &f, &when, &d);
		check_decision(p, &d);
	}
}

/* Does e hold ":LINE:COL: " (both at least 1) after a non-empty file name? */
static int
has_position(const char *e)
{
	const char *p;
	unsigned long line, col;
	int n = 0;

	for (p = strchr(e, ':'); p != NULL; p = strchr(p + 1, ':')) {
		if (p > e && sscanf(p, ":%lu:%lu: %n", &line, &col, &n) == 2 && n > 0 &&
		    line >= 1 && col >= 1)
			return 1;
	}
	return 0;
}

static void
check_errors(const struct policy_errors *errors)
{
	size_t i;

	fuzz_check(errors->count > 0, "a policy that does not load gives no reason", NULL);
	for (i = 0; i < errors->count; i++) {
		const char *e = errors->lines[i];

		/* "FILE:LINE:COL: message", or "FILE: message" for the file as a whole. */
		fuzz_check(has_position(e) || (strncmp(e, policy_path, strlen(policy_path)) == 0 &&
		                               strncmp(e + strlen(policy_path), ": ", 2) == 0),
		           "error not FILE:LINE:COL: message", e);
		fuzz_check(!fuzz_has_control(e), "control character in an error line", e);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_errors errors;
	struct policy *p;

	fuzz_write_file(dir, "policy.yaml", data, size);
	policy_errors_init(&errors);
	p = policy_load(policy_path, &errors);
	if (p == NULL) {
		check_errors(&errors);
	} else {
		fuzz_check(errors.count == 0, "a policy that loads has errors", NULL);
		check_text("audit header name", policy_settings(p)->audit_header);
		check_text("reroute header name", policy_settings(p)->reroute_header);
		decide_all(p);
		policy_free(p);
	}
	policy_errors_free(&errors);
	return 0;
}
