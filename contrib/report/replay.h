/*
 * replay.h -- logged transactions decided again by another policy (--policy)
 *
 * SYNOPSIS
 *	struct replay *replay_open(const char *policy_path, int as_of);
 *	void replay_record(struct replay *rp, struct logrec *rec);
 *	void replay_summary(const struct replay *rp, FILE *fp);
 *	void replay_close(struct replay *rp);
size_t replay_outlook(struct replay *rp, const struct logrec *rec, int days,
                      struct outlook_step *steps, size_t max);
int replay_date_add(int date, int days);
 *
 *	size_t replay_outlook(struct replay *rp, const struct logrec *rec,
 *	    int days, struct outlook_step *steps, size_t max);
 *	int replay_date_add(int date, int days);
 *
 * DESCRIPTION
 *	Before deploying a policy, an admin wants to know what it would do
 *	to the traffic the daemon has already seen (in report-only mode, say).
 *	replay_record() takes the session facts of one transaction line
 *	(client address and name, HELO, listener, port, AUTH user, TLS
 *	version, cipher, bits, {verify}, sender), decides them with the
 *	policy of replay_open() as of the day as_of (YYYYMMDD), and puts
 *	that decision in the record in place of the logged one: rule,
 *	action, mode, selected, percent, skipped and relay. Every view then
 *	shows what the policy would have done.
 *
 *	A per-client rollout selects exactly the clients the daemon would
 *	select with the same sticky_secret; per-transaction draws come from
 *	a generator with a fixed seed, so a replay is repeatable. The log has
 *	no recipients and no certificate names: rules with recipient,
 *	cert_subject or cert_issuer keys never match in a replay, and
 *	replay_summary() says how many transactions a recipient rule might
 *	have decided otherwise. The reply field is set to "-" (no view reads
 *	it).
 *
 *	replay_outlook() says what the policy does to the session of rec
 *	from the replay's as_of day on: steps[0] is the decision on as_of,
 *	each further step the first day (up to the given number of days
 *	ahead) on which the decision differs: another rule or action, the
 *	mode, or a per-transaction rollout's percentage. It returns the number
 *	of steps (at most max). The decisions come from policy_decide(), the
 *	daemon's own code, day by day, so a per-client rollout step is the
 *	exact first day this client is selected (its SipHash draw against the
 *	percentage in force, as the daemon computes it); a per-transaction
 *	rollout is taken as selected from its first step with a percentage
 *	above 0 (the draw is random: the step's percent says how many
 *	transactions). replay_date_add() adds days to a YYYYMMDD date.
 *
 *	replay_open() loads the policy; on errors it prints each as
 *	"FILE:LINE:COL: message" on stderr and returns NULL. The record's new
 *	values point into the policy or into rp, valid until the next call.
 */
#ifndef REPORT_REPLAY_H
#define REPORT_REPLAY_H

#include <stdio.h>

#include "logline.h"

struct replay;

struct outlook_step {
	int date;          /* YYYYMMDD: from this day on */
	struct decision d; /* what the policy decides then */
};

struct replay *replay_open(const char *policy_path, int as_of);
void replay_record(struct replay *rp, struct logrec *rec);
void replay_summary(const struct replay *rp, FILE *fp);
void replay_close(struct replay *rp);
size_t replay_outlook(struct replay *rp, const struct logrec *rec, int days,
                      struct outlook_step *steps, size_t max);
int replay_date_add(int date, int days);

#endif
