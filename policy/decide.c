/*
 * decide.c -- the decision for one transaction (policy_decide)
 *
 * DESCRIPTION
 *	Rules are tried in order, only those the index (rule_index.h) leaves
 *	in for the session's TLS version, AUTH, listener, port and address;
 *	the first whose match holds, whose "until"
 *	has not passed and whose rollout selects the session decides. A rule
 *	with a rollout that does not select the session is passed over (and
 *	remembered as "skipped" for the log); the default decides when no
 *	rule does.
 *
 *	Rollout percentages come from the last step whose date has come.
 *	per-transaction selection compares the caller's random draw with the
 *	percentage; per-client selection compares a SipHash of the client
 *	(the SMTP AUTH user when authenticated, else the address), keyed with
 *	the policy's sticky_secret, so a client selected at 5% stays selected
 *	at 25%, and every host with the same secret selects the same clients.
 *
 *	Without a recipient (at MAIL), rules with a "recipient" key are
 *	passed over; when such a rule could still hold once the recipient is
 *	known, the decision says needs_recipient so the caller asks again at
 *	each RCPT.
 *
 *	Pure: no allocation, no lock, no I/O.
 */
#include <string.h>

#include "compiled.h"
#include "prefilter.h"
#include "rule_index.h"
#include "siphash.h"

static int
percent_in_force(const struct rollout *r, int today)
{
	int bp = 0;
	size_t i;

	for (i = 0; i < r->step_count && r->steps[i].from <= today; i++)
		bp = r->steps[i].percent_bp;
	return bp;
}

/* The per-client draw, 0..9999: a keyed hash of the user or the address. */
static unsigned
client_draw(const struct policy *policy, const struct session_facts *f)
{
	uint8_t buf[1 + 256];
	size_t len;

	if (f->auth_user != NULL) {
		len = strnlen(f->auth_user, sizeof(buf) - 1);
		buf[0] = 'u';
		memcpy(buf + 1, f->auth_user, len);
	} else if (f->client_addr.family == 4) {
		len = 4;
		buf[0] = '4';
		memcpy(buf + 1, f->client_addr.bytes, len);
	} else if (f->client_addr.family == 6) {
		len = 16;
		buf[0] = '6';
		memcpy(buf + 1, f->client_addr.bytes, len);
	} else {
		len = 0;
		buf[0] = '-';
	}
	return (unsigned)(siphash24(policy->sticky_key, buf, len + 1) % 10000);
}

static int
rollout_selects(const struct policy *policy, const struct rule *r, int bp,
    const struct session_facts *f, const struct decide_context *when)
{
	unsigned draw;

	if (bp >= 10000)
		return 1;
	if (bp <= 0)
		return 0;
	if (r->rollout.select == ROLLOUT_PER_TRANSACTION)
		draw = when->random % 10000;
	else
		draw = client_draw(policy, f);
	return draw < (unsigned)bp;
}

static void
fill_decision(const struct policy *policy, const struct rule *r, int index,
    struct decision *d)
{
	int acts = r->action != ACTION_ACCEPT;

	d->rule_name = r->name;
	d->rule_index = index;
	d->action = r->action;
	d->enforced = !(acts && (policy->settings.report_only || r->report_only));
	d->by_recipient_rule = (r->match.keys & MK_RECIPIENT) != 0;
	d->legacy = r->action == ACTION_TAG && d->enforced;
	d->reply_code = r->reply_code;
	d->reply_xcode = r->reply_xcode;
	d->reply_text = r->reply_text;
	d->relay = r->relay;
	d->reason = r->reason;
	d->subject_prefix = r->subject_prefix;
}

/*
 * Rule i, left in by the index: 1 when it decides (d filled), 0 to go on.
 * A rule whose rollout passes the session over is remembered in d.
 */
static int
rule_decides(const struct policy *policy, size_t i, const struct fact_summary *summary,
    unsigned today, const struct session_facts *facts, const struct decide_context *when,
    struct decision *d)
{
	const struct rule_head *h = &policy->heads[i];
	const struct rule *r = &policy->rules[i];
	int bp;

	if (!prefilter_passes(h, summary) || (h->until_day != 0 && today > h->until_day))
		return 0;
	if ((r->match.keys & MK_RECIPIENT) && facts->recipient == NULL) {
		if (match_holds(&r->match, facts, MK_RECIPIENT))
			d->needs_recipient = 1;
		return 0;
	}
	if (!match_holds(&r->match, facts, 0))
		return 0;
	if (r->has_rollout) {
		bp = percent_in_force(&r->rollout, when->today);
		if (!rollout_selects(policy, r, bp, facts, when)) {
			if (d->skipped_rule == NULL) {
				d->skipped_rule = r->name;
				d->skipped_percent_bp = bp;
				d->skipped_select = r->rollout.select;
			}
			return 0;
		}
		d->has_rollout = 1;
		d->selected = 1;
		d->percent_bp = bp;
		d->rollout_select = r->rollout.select;
	}
	fill_decision(policy, r, (int)i, d);
	return 1;
}

void
policy_decide(const struct policy *policy, const struct session_facts *facts,
    const struct decide_context *when, struct decision *d)
{
	const uint64_t *rows[RULE_INDEX_DIMS];
	struct fact_summary summary;
	unsigned today;
	uint64_t candidates;
	size_t w, i;

	memset(d, 0, sizeof(*d));
	d->percent_bp = 10000;
	prefilter_summarize(facts, &summary);
	today = prefilter_day(when->today);
	rule_index_rows(&policy->index, &summary, rows);
	for (w = 0; w < policy->index.words; w++) {
		for (candidates = rule_index_word(rows, w); candidates != 0;
		    candidates &= candidates - 1) {
			i = w * 64 + (size_t)__builtin_ctzll(candidates);
			if (rule_decides(policy, i, &summary, today, facts, when, d))
				return;
		}
	}
	fill_decision(policy, &policy->default_rule, (int)policy->rule_count, d);
}

int
policy_rule_rollout(const struct policy *policy, size_t index, int today, const char **name)
{
	const struct rule *r;

	if (index >= policy->rule_count)
		return -1;
	r = &policy->rules[index];
	*name = r->name;
	return r->has_rollout ? percent_in_force(&r->rollout, today) : -1;
}
