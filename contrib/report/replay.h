/*
 * replay.h -- logged transactions decided again by another policy (--policy)
 *
 * SYNOPSIS
 *	struct replay *replay_open(const char *policy_path, int as_of);
 *	void replay_record(struct replay *rp, struct logrec *rec);
 *	void replay_summary(const struct replay *rp, FILE *fp);
 *	void replay_close(struct replay *rp);
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
 *	replay_open() loads the policy; on errors it prints each as
 *	"FILE:LINE:COL: message" on stderr and returns NULL. The record's new
 *	values point into the policy or into rp, valid until the next call.
 */
#ifndef REPORT_REPLAY_H
#define REPORT_REPLAY_H

#include <stdio.h>

#include "logline.h"

struct replay;

struct replay *replay_open(const char *policy_path, int as_of);
void replay_record(struct replay *rp, struct logrec *rec);
void replay_summary(const struct replay *rp, FILE *fp);
void replay_close(struct replay *rp);

#endif
