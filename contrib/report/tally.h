/*
 * tally.h -- counters kept per client, user, listener, rule and day
 *
 * SYNOPSIS
 *	void countvec_add(struct countvec *cv, const char *s, size_t len,
 *	    unsigned long n);
 *	int countvec_add_istr(struct countvec *cv, const struct istr *key,
 *	    unsigned long n);
 *	void countvec_sort(struct countvec *cv);
 *	void countvec_free(struct countvec *cv);
 *
 *	void tally_add(struct tally *t, const struct logrec *rec);
 *	void tally_merge(struct tally *into, const struct tally *from);
 *	void tally_free(struct tally *t);
 *
 *	void rule_tally_add(struct rule_tally *r, const struct logrec *rec);
 *	void rule_tally_skipped(struct rule_tally *r, const struct logrec *rec);
 *	void day_tally_add(struct day_tally *d, const struct logrec *rec);
 *	void day_tally_finish(struct day_tally *d);
 *
 * DESCRIPTION
 *	A countvec is a small vector of (interned string, count) pairs, for
 *	the few distinct values one client shows (ciphers, HELO names, rules,
 *	hosts). countvec_add() finds the byte range (trying the entry that
 *	matched last first) and interns it only when it is new.
 *	countvec_add_istr() adds by interned pointer and returns 1 when the
 *	key was new. countvec_sort() orders by count, largest first.
 *
 *	tally_add() counts one log record into the tally of its client:
 *	transactions by TLS version and action (an aborted transaction only
 *	as aborted, and in first and last seen), sender domains,
 *	transactions per day, ciphers and their classes, rules, hosts, HELO
 *	names, first and last seen, and the PTR name and HELO last seen
 *	(deferred_messages is counted by aggregate_add()). tally_merge() adds one tally into a group
 *(users and listeners views), also counting distinct addresses, users and listeners.
 *
 *	rule_tally_add() counts a record into the tally of its deciding rule;
 *	rule_tally_skipped() into that of the rollout rule named by skipped=.
 *	day_tally_add() counts into a day; day_tally_finish() computes its
 *	shares.
 */
#ifndef REPORT_TALLY_H
#define REPORT_TALLY_H

#include <stddef.h>
#include <time.h>

#include "intern.h"
#include "logline.h"
#include "tls_version.h"

struct countent {
	const struct istr *key;
	unsigned long n;
};

struct countvec {
	struct countent *v;
	unsigned len;
	unsigned cap;
	unsigned last; /* index of the last match */
};

/* Transactions of one client on one UTC day (the HTML trend). */
struct daycount {
	long day;
	unsigned long n;
	unsigned long legacy; /* TLS below 1.2 */
};

struct dayvec {
	struct daycount *v;
	unsigned len;
	unsigned cap;
};

/* One client (addr, auth, listener), or a group of clients. */
struct tally {
	struct tally *next; /* hash chain */
	unsigned hash;
	const struct istr *addr; /* key parts; NULL where a group has none */
	const struct istr *auth;
	const struct istr *listener;
	const struct istr *name;   /* PTR name last seen */
	const struct istr *helo;   /* HELO last seen */
	unsigned long messages;    /* transactions that completed (each retry counts) */
	unsigned long aborted;     /* action=abort: not messages, counted apart */
	unsigned long legacy;      /* TLS below 1.2 (SSLv3, 1.0, 1.1) */
	unsigned long plaintext;   /* without TLS */
	unsigned long report_only; /* decisions not carried out */
	unsigned long by_tls[TLS_VERSION_COUNT];
	unsigned long by_action[ACTION_COUNT];
	unsigned cipher_classes; /* CIPHER_CLASS_* seen */
	time_t first;
	time_t last;
	struct countvec helos;
	struct countvec ciphers;
	struct countvec rules;
	struct countvec hosts;
	struct countvec domains; /* sender domains ("<>" for the null sender) */
	unsigned long
	    deferred_messages;     /* distinct senders deferred (aggregate.c): retries count once */
	struct dayvec days;        /* clients: transactions per day */
	struct countvec addrs;     /* groups: distinct client addresses */
	struct countvec users;     /* groups: distinct auth users */
	struct countvec listeners; /* groups: distinct listeners */
	unsigned long nclients;    /* groups: clients merged */
	void *extra;               /* clients: kept by a scan's caller (notices), not freed here */
};

struct rule_tally {
	const struct istr *name;
	unsigned long hits;
	unsigned long aborted; /* transactions aborted while this rule had decided */
	unsigned long enforced;
	unsigned long report_only;
	unsigned long legacy;
	unsigned long plaintext;
	unsigned long by_action[ACTION_COUNT];
	unsigned long would_defer;  /* report-only defer */
	unsigned long would_reject; /* report-only reject */
	unsigned long selected;     /* selected=yes */
	unsigned long not_selected; /* selected=no */
	unsigned long skipped;      /* named by skipped= (rollout not selected) */
	const struct istr *percent; /* rollout percentage last seen */
	time_t percent_time;
	time_t first;
	time_t last;
};

struct day_tally {
	long day; /* days since 1970-01-01 UTC */
	unsigned long messages;
	unsigned long aborted;
	unsigned long legacy;
	unsigned long plaintext;
	unsigned long by_tls[TLS_VERSION_COUNT];
	unsigned long by_action[ACTION_COUNT];
	double share[TLS_VERSION_COUNT]; /* percent of messages */
	double legacy_share;
	double plaintext_share;
};

void countvec_add(struct countvec *cv, const char *s, size_t len, unsigned long n);
int countvec_add_istr(struct countvec *cv, const struct istr *key, unsigned long n);
void countvec_sort(struct countvec *cv);
void countvec_free(struct countvec *cv);

void tally_add(struct tally *t, const struct logrec *rec);
void tally_merge(struct tally *into, const struct tally *from);
void tally_free(struct tally *t);

void rule_tally_add(struct rule_tally *r, const struct logrec *rec);
void rule_tally_skipped(struct rule_tally *r, const struct logrec *rec);
void day_tally_add(struct day_tally *d, const struct logrec *rec);
void day_tally_finish(struct day_tally *d);

#endif
