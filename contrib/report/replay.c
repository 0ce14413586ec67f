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
#include "replay.h"
#include "xalloc.h"

/* The logged facts a decision reads, by the facts_set_word() key of the same name. */
static const enum logline_key fact_keys[] = {
    LK_HELO, LK_LISTENER, LK_PORT, LK_AUTH, LK_TLS, LK_CIPHER, LK_BITS, LK_VERIFY, LK_FROM,
};

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
	size_t i;

	rp->used = 0;
	facts_init(facts);
	set_fact(rp, facts, "client_name", &rec->client_name);
	set_fact(rp, facts, "client", &rec->client_addr);
	for (i = 0; i < sizeof(fact_keys) / sizeof(fact_keys[0]); i++)
		set_fact(rp, facts, logline_key_names[fact_keys[i]], &rec->v[fact_keys[i]]);
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
