/*
 * replay.c -- logged transactions decided again by another policy (see replay.h)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_report.h"
#include "policy.h"
#include "logtime.h"
#include "replay.h"
#include "xalloc.h"

struct replay {
	struct policy *policy;
	int as_of;          /* YYYYMMDD */
	uint32_t rng;       /* per-transaction draws, fixed seed */
	char scratch[8192]; /* the facts of one record, NUL-terminated */
	size_t used;
	char percent[16];
	unsigned long replayed;
	unsigned long needs_recipient; /* a recipient rule might have decided */
	unsigned long bad_values;      /* logged values the facts did not take */
};

struct replay *
replay_open(const char *policy_path, int as_of)
{
	struct replay *rp;

	rp = xcalloc(1, sizeof(*rp));
	if ((rp->policy = policy_load_report(policy_path, LOAD_REPORT_STDERR)) == NULL) {
		free(rp);
		return NULL;
	}
	rp->as_of = as_of;
	rp->rng = 2463534242u;
	return rp;
}

/* xorshift32: uniform enough for rollout draws, and the same on every run. */
static uint32_t
next_draw(struct replay *rp)
{
	rp->rng ^= rp->rng << 13;
	rp->rng ^= rp->rng >> 17;
	rp->rng ^= rp->rng << 5;
	return rp->rng;
}

/* A NUL-terminated copy of text in the scratch buffer, or NULL when it does not fit. */
static char *
scratch_copy(struct replay *rp, const char *text, size_t len)
{
	char *copy;

	if (len >= sizeof(rp->scratch) - rp->used)
		return NULL;
	copy = rp->scratch + rp->used;
	memcpy(copy, text, len);
	copy[len] = '\0';
	rp->used += len + 1;
	return copy;
}

/* One logged value into the facts, through facts_set_word() ("-" is absent there). */
static void
set_fact(struct replay *rp, struct session_facts *facts, const char *word, const struct logfield *f)
{
	char *value = scratch_copy(rp, f->s, f->len);

	if (value == NULL || facts_set_word(facts, word, value) < 0)
		rp->bad_values++;
}

static void
read_facts(struct replay *rp, const struct logrec *rec, struct session_facts *facts)
{
	rp->used = 0;
	facts_init(facts);
	set_fact(rp, facts, log_key_names[LK_CLIENT_NAME], &rec->client_name);
	set_fact(rp, facts, log_key_names[LK_CLIENT], &rec->client_addr);
	/* The other logged facts a decision reads: log_keys.def says which. */
	for (int k = 0; k < LK_COUNT; k++)
		if (k != LK_CLIENT && (log_key_roles[k] & LOG_KEY_FACT))
			set_fact(rp, facts, log_key_names[k], &rec->v[k]);
}

static struct logfield
field(const char *text)
{
	struct logfield f = {"-", 1};

	if (text != NULL) {
		f.s = text;
		f.len = strlen(text);
	}
	return f;
}

void
replay_record(struct replay *rp, struct logrec *rec)
{
	struct session_facts facts;
	struct decide_context when;
	struct decision d;

	read_facts(rp, rec, &facts);
	when.today = rp->as_of;
	when.random = next_draw(rp);
	policy_decide(rp->policy, &facts, &when, &d);
	rp->replayed++;
	rp->needs_recipient += d.needs_recipient != 0;
	rec->action = d.action;
	rec->report_only = !d.enforced;
	rec->v[LK_RULE] = field(d.rule_name);
	rec->v[LK_ACTION] = field(policy_action_name(d.action));
	rec->v[LK_MODE] = field(d.enforced ? "enforce" : "report-only");
	rec->v[LK_SELECTED] = field(d.has_rollout ? "yes" : NULL);
	rec->v[LK_PERCENT] = field(
	    d.has_rollout ? policy_percent_text(rp->percent, sizeof(rp->percent), d.percent_bp)
	                  : NULL);
	rec->v[LK_SKIPPED] = field(d.skipped_rule);
	rec->v[LK_REPLY] = field(NULL);
	rec->v[LK_RELAY] = field(d.enforced && d.action == ACTION_REROUTE ? d.relay : NULL);
}

int
replay_date_add(int date, int days)
{
	long day =
	    days_from_civil(date / 10000, (unsigned)(date / 100 % 100), (unsigned)(date % 100));
	time_t t = (time_t)(day + days) * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Does the outcome for this session differ? A per-client percentage alone does not. */
static int
decision_differs(const struct decision *a, const struct decision *b)
{
	int pa = a->has_rollout && a->rollout_select == ROLLOUT_PER_TRANSACTION ? a->percent_bp : 0;
	int pb = b->has_rollout && b->rollout_select == ROLLOUT_PER_TRANSACTION ? b->percent_bp : 0;

	return a->rule_name != b->rule_name || a->action != b->action ||
	       a->enforced != b->enforced || pa != pb;
}

size_t
replay_outlook(struct replay *rp, const struct logrec *rec, int days, struct outlook_step *steps,
               size_t max)
{
	struct session_facts facts;
	struct decide_context when;
	struct decision d;
	size_t n = 0;

	if (max == 0)
		return 0;
	read_facts(rp, rec, &facts);
	when.random = 0; /* per-transaction: selected wherever the percentage is above 0 */
	for (int i = 0; i <= days && n < max; i++) {
		when.today = replay_date_add(rp->as_of, i);
		policy_decide(rp->policy, &facts, &when, &d);
		if (n == 0 || decision_differs(&steps[n - 1].d, &d)) {
			steps[n].date = when.today;
			steps[n++].d = d;
		}
	}
	return n;
}

void
replay_summary(const struct replay *rp, FILE *fp)
{
	if (rp->needs_recipient > 0)
		fprintf(
		    fp,
		    "tlspolicy-report: --policy: %lu of %lu transactions could have been decided "
		    "by a recipient rule, which a replay cannot evaluate (the log has no "
		    "recipients)\n",
		    rp->needs_recipient, rp->replayed);
	if (rp->bad_values > 0)
		fprintf(
		    fp,
		    "tlspolicy-report: --policy: %lu logged values could not be read as session "
		    "facts and were taken as absent\n",
		    rp->bad_values);
}

void
replay_close(struct replay *rp)
{
	if (rp == NULL)
		return;
	policy_free(rp->policy);
	free(rp);
}
