/*
 * explain.c -- "milter-tlspolicy -t": explain the decision for one session
 *
 * SYNOPSIS
 *	See explain.h.
 *
 * DESCRIPTION
 *	The reply and the headers are made by the same functions the daemon
 *	uses (reply.h, audit_header.h), so what -t prints is what a client or
 *	a delivered message would see.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_header.h"
#include "explain.h"
#include "log_keys.h"
#include "reply.h"
#include "sanitize.h"
#include "txn_log.h"
#include "when.h"

#define SESSION_MAX 8192
#define WORDS_MAX   64

struct described {
	struct session_facts facts;
	struct decide_context when;
	char buf[SESSION_MAX];
};

/* Keys that the log line writes as results (log_keys.def); a pasted line may carry them. */
static int
is_output_key(const char *key)
{
	int k = log_key_find(key, strlen(key));

	return k >= 0 && (log_key_roles[k] & LOG_KEY_RESULT) != 0;
}

/*
 * Split the next word off *p in place: whitespace separates words, and a
 * double-quoted part may hold spaces, with \" and \\ escaped, as logged.
 */
static char *
next_word(char **p)
{
	char *in = *p, *out, *word;
	int quoted = 0;

	in += strspn(in, " \t\n");
	if (*in == '\0')
		return NULL;
	word = out = in;
	for (; *in != '\0' && (quoted || (*in != ' ' && *in != '\t' && *in != '\n')); in++) {
		if (*in == '"')
			quoted = !quoted;
		else if (quoted && *in == '\\' && in[1] != '\0')
			*out++ = *++in;
		else
			*out++ = *in;
	}
	if (*in != '\0')
		in++;
	*out = '\0';
	*p = in;
	return word;
}

static int
describe_word(struct described *d, char *word, FILE *err)
{
	char *value = strchr(word, '=');

	if (value == NULL) {
		fprintf(err, "milter-tlspolicy: -t: \"%s\" is not key=value\n", word);
		return -1;
	}
	*value++ = '\0';
	if (strcmp(word, "date") == 0) {
		if (when_parse_date(value, &d->when.today) == 0)
			return 0;
		fprintf(err, "milter-tlspolicy: -t: bad date \"%s\" (YYYY-MM-DD)\n", value);
		return -1;
	}
	if (is_output_key(word))
		return 0;
	if (facts_set_word(&d->facts, word, value) == 0)
		return 0;
	fprintf(err, "milter-tlspolicy: -t: unknown key or bad value: %s=%s\n", word, value);
	return -1;
}

static int
describe(struct described *d, const char *session, FILE *err)
{
	char *p = d->buf, *word;
	int n = 0;

	if (strlen(session) >= sizeof(d->buf)) {
		fprintf(err, "milter-tlspolicy: -t: session description too long\n");
		return -1;
	}
	strcpy(d->buf, session);
	facts_init(&d->facts);
	when_now(&d->when);
	while ((word = next_word(&p)) != NULL) {
		if (++n > WORDS_MAX || describe_word(d, word, err) != 0)
			return -1;
	}
	return 0;
}

static void
print_value(FILE *out, const char *label, const char *value)
{
	char clean[SANITIZE_MAX + 1];

	sanitize(clean, sizeof(clean), value ? value : "-", 0);
	fprintf(out, "%s: %s\n", label, clean);
}

static void
print_rollout(FILE *out, const struct decision *d)
{
	char percent[16];

	if (d->has_rollout)
		fprintf(out, "rollout: %s%% in force, this session selected\n",
		        policy_percent_text(percent, sizeof(percent), d->percent_bp));
	else
		fprintf(out, "rollout: none\n");
	if (d->skipped_rule != NULL)
		fprintf(out, "skipped: %s (rollout %s%% in force, this session not selected)\n",
		        d->skipped_rule,
		        policy_percent_text(percent, sizeof(percent), d->skipped_percent_bp));
	if ((d->has_rollout && d->rollout_select == ROLLOUT_PER_TRANSACTION) ||
	    (d->skipped_rule != NULL && d->skipped_select == ROLLOUT_PER_TRANSACTION))
		fprintf(out, "note: per-transaction rollout: a new random draw for each "
		             "transaction, so another run may differ\n");
	else if (d->has_rollout || d->skipped_rule != NULL)
		fprintf(out, "note: per-client rollout: this client (its AUTH user, else its "
		             "address) is always selected the same way at this percentage\n");
}

static const char *
host_name(const struct policy_settings *s, char *buf, size_t size)
{
	if (s->hostname != NULL)
		return s->hostname;
	if (gethostname(buf, size - 1) != 0)
		return "localhost";
	buf[size - 1] = '\0';
	return buf;
}

static void
print_audit_header(FILE *out, const struct policy *policy, const struct described *x,
                   const struct decision *d)
{
	const struct policy_settings *s = policy_settings(policy);
	const struct session_facts *f = &x->facts;
	struct audit_fields af;
	char value[AUDIT_HEADER_MAX], bits[16], host[256];

	if (s->audit == AUDIT_NONE ||
	    (s->audit == AUDIT_MATCHED && (size_t)d->rule_index >= policy_rule_count(policy)))
		return;
	snprintf(bits, sizeof(bits), "%d", f->cipher_bits);
	memset(&af, 0, sizeof(af));
	af.host = host_name(s, host, sizeof(host));
	af.tls = tls_version_name(f->tls);
	af.cipher = f->cipher;
	af.bits = f->cipher_bits >= 0 ? bits : NULL;
	af.client_name = f->client_name;
	af.client_addr = f->client_addr_text;
	af.listener = f->listener;
	af.auth = f->auth_user;
	af.rule = d->rule_name;
	af.action = policy_action_name(d->action);
	af.legacy = d->action == ACTION_TAG && d->legacy;
	af.report_only = !d->enforced;
	audit_header_build(value, sizeof(value), strlen(s->audit_header), &af);
	fprintf(out, "header: %s: %s\n", s->audit_header, value);
}

static void
print_actions(FILE *out, const struct policy *policy, const struct decision *d)
{
	const struct policy_settings *s = policy_settings(policy);

	if (!d->enforced)
		return;
	if (d->action == ACTION_TAG && d->subject_prefix != NULL)
		print_value(out, "subject prefix", d->subject_prefix);
	if (d->action == ACTION_REROUTE) {
		if (s->reroute_method == REROUTE_AUTO || s->reroute_method == REROUTE_HEADER)
			fprintf(out, "header: %s: %s\n", s->reroute_header,
			        d->relay ? d->relay : "-");
		if (s->reroute_method == REROUTE_AUTO ||
		    s->reroute_method == REROUTE_RECIPIENT_SUFFIX)
			fprintf(out, "reroute: %srecipients get the suffix %s\n",
			        s->reroute_method == REROUTE_AUTO ? "on Sendmail, " : "",
			        s->reroute_suffix ? s->reroute_suffix : "-");
		if (s->reroute_method == REROUTE_QUARANTINE)
			print_value(out, "reroute: quarantine", s->quarantine_reason);
	}
	if (d->action == ACTION_HOLD)
		print_value(out, "hold: quarantine", d->reason ? d->reason : d->rule_name);
}

int
explain_session(const struct policy *policy, const char *session, FILE *out, FILE *err)
{
	struct described *x = calloc(1, sizeof(*x));
	struct decision d;
	struct reply reply;

	if (x == NULL || describe(x, session, err) != 0) {
		free(x);
		return 1;
	}
	policy_decide(policy, &x->facts, &x->when, &d);
	print_value(out, "rule", d.rule_name);
	print_value(out, "action", policy_action_name(d.action));
	print_value(out, "mode", d.enforced ? "enforce" : "report-only");
	print_rollout(out, &d);
	if (d.needs_recipient)
		fprintf(out, "recipient: a rule with a recipient key could decide at RCPT; add "
		             "rcpt=ADDRESS to see it\n");
	reply_from_decision(&d, &reply);
	if (reply.verdict != REPLY_NONE) {
		fprintf(out, "reply: %s %s%s%s\n", reply.code, reply.xcode,
		        reply.xcode[0] ? " " : "", reply.text);
	} else {
		print_audit_header(out, policy, x, &d);
		print_actions(out, policy, &d);
	}
	free(x);
	return 0;
}
