/*
 * aggregate.h -- everything the report counts, in one place
 *
 * SYNOPSIS
 *	void aggregate_init(struct aggregate *agg);
 *	struct tally *aggregate_add(struct aggregate *agg, const struct logrec *rec);
 *	struct tally **aggregate_clients(const struct aggregate *agg);
 *	void aggregate_free(struct aggregate *agg);
 *
 * DESCRIPTION
 *	aggregate_add() counts one log record into the tally of its client
 *	(the (client_addr, auth_user, listener) triple, found in a hash
 *	table), of its deciding rule, of the rollout rule it skipped, and of
 *	its UTC day, and returns the tally of the client. Memory grows
 *	with the number of distinct clients, rules and days, never with
 *	the number of lines.
 *
 *	An enforced deferred transaction also counts as a deferred message of
 *	its client when its sender is new for that client (a set of (client,
 *	sender) pairs), so a client retrying one message 30 times shows 30
 *	deferred transactions but one deferred message.
 *
 *	aggregate_clients() returns a new array of the agg->nclients client
 *	tallies, in no particular order; the caller frees the array (not the
 *	tallies).
 */
#ifndef REPORT_AGGREGATE_H
#define REPORT_AGGREGATE_H

#include <stddef.h>
#include <time.h>

#include "logline.h"
#include "tally.h"

struct aggregate {
	struct tally **slots; /* client hash table, power of two */
	size_t nslots;
	size_t nclients;
	struct rule_tally *rules;
	size_t nrules;
	size_t rules_cap;
	size_t rule_last;
	struct day_tally *days; /* sorted by day */
	size_t ndays;
	size_t days_cap;
	size_t day_last;
	unsigned long records; /* transaction lines counted, aborted ones included */
	unsigned long aborted; /* of which action=abort */
	time_t first;
	time_t last;
	struct countvec hosts; /* syslog hosts seen */
	/* (client tally, sender) pairs of enforced deferred transactions: a set */
	struct deferred_pair {
		const struct tally *client;
		const struct istr *sender;
	} * deferred;
	size_t ndeferred, deferred_cap;  /* cap: a power of two */
	unsigned long deferred_messages; /* distinct pairs: a retried message counts once */
};

void aggregate_init(struct aggregate *agg);
struct tally *aggregate_add(struct aggregate *agg, const struct logrec *rec);
struct tally **aggregate_clients(const struct aggregate *agg);
void aggregate_free(struct aggregate *agg);

#endif
