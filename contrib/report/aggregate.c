/*
 * aggregate.c -- everything the report counts, in one place
 * (see aggregate.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "xalloc.h"

void
aggregate_init(struct aggregate *agg)
{
	memset(agg, 0, sizeof(*agg));
	agg->nslots = 4096;
	agg->slots = xcalloc(agg->nslots, sizeof(*agg->slots));
}

static unsigned
client_hash(const struct logrec *rec)
{
	unsigned h = intern_hash(rec->client_addr.s, rec->client_addr.len, 0);

	h = intern_hash(rec->v[LK_AUTH].s, rec->v[LK_AUTH].len, h);
	return intern_hash(rec->v[LK_LISTENER].s, rec->v[LK_LISTENER].len, h);
}

static int
client_is(const struct tally *t, unsigned h, const struct logrec *rec)
{
	return t->hash == h && istr_eq(t->addr, rec->client_addr.s, rec->client_addr.len) &&
	       istr_eq(t->auth, rec->v[LK_AUTH].s, rec->v[LK_AUTH].len) &&
	       istr_eq(t->listener, rec->v[LK_LISTENER].s, rec->v[LK_LISTENER].len);
}

static void
clients_grow(struct aggregate *agg)
{
	size_t n = agg->nslots * 2;
	struct tally **s = xcalloc(n, sizeof(*s));

	for (size_t i = 0; i < agg->nslots; i++) {
		struct tally *t, *next;

		for (t = agg->slots[i]; t != NULL; t = next) {
			next = t->next;
			t->next = s[t->hash & (n - 1)];
			s[t->hash & (n - 1)] = t;
		}
	}
	free(agg->slots);
	agg->slots = s;
	agg->nslots = n;
}

/* client_tally - find or create the tally of a record's client */
static struct tally *
client_tally(struct aggregate *agg, const struct logrec *rec)
{
	unsigned h = client_hash(rec);
	struct tally *t;

	for (t = agg->slots[h & (agg->nslots - 1)]; t != NULL; t = t->next)
		if (client_is(t, h, rec))
			return t;
	if (agg->nclients >= agg->nslots)
		clients_grow(agg);
	t = xcalloc(1, sizeof(*t));
	t->hash = h;
	t->addr = intern(rec->client_addr.s, rec->client_addr.len);
	t->auth = intern(rec->v[LK_AUTH].s, rec->v[LK_AUTH].len);
	t->listener = intern(rec->v[LK_LISTENER].s, rec->v[LK_LISTENER].len);
	t->next = agg->slots[h & (agg->nslots - 1)];
	agg->slots[h & (agg->nslots - 1)] = t;
	agg->nclients++;
	return t;
}

/* rule_tally - find or create the tally of a rule name */
static struct rule_tally *
rule_tally(struct aggregate *agg, const struct logfield *name)
{
	struct rule_tally *r;

	if (agg->nrules > 0 && istr_eq(agg->rules[agg->rule_last].name, name->s, name->len))
		return &agg->rules[agg->rule_last];
	for (size_t i = 0; i < agg->nrules; i++) {
		if (istr_eq(agg->rules[i].name, name->s, name->len)) {
			agg->rule_last = i;
			return &agg->rules[i];
		}
	}
	if (agg->nrules == agg->rules_cap) {
		agg->rules_cap = agg->rules_cap ? agg->rules_cap * 2 : 16;
		agg->rules = xrealloc(agg->rules, agg->rules_cap * sizeof(*agg->rules));
	}
	r = &agg->rules[agg->nrules];
	memset(r, 0, sizeof(*r));
	r->name = intern(name->s, name->len);
	agg->rule_last = agg->nrules++;
	return r;
}

/* day_tally - find or create the tally of a day, keeping days sorted */
static struct day_tally *
day_tally(struct aggregate *agg, long day)
{
	size_t lo = 0, hi = agg->ndays;

	if (agg->ndays > 0 && agg->days[agg->day_last].day == day)
		return &agg->days[agg->day_last];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (agg->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == agg->ndays || agg->days[lo].day != day) {
		if (agg->ndays == agg->days_cap) {
			agg->days_cap = agg->days_cap ? agg->days_cap * 2 : 64;
			agg->days = xrealloc(agg->days, agg->days_cap * sizeof(*agg->days));
		}
		memmove(&agg->days[lo + 1], &agg->days[lo], (agg->ndays - lo) * sizeof(*agg->days));
		memset(&agg->days[lo], 0, sizeof(agg->days[lo]));
		agg->days[lo].day = day;
		agg->ndays++;
	}
	agg->day_last = lo;
	return &agg->days[lo];
}

/* deferred_seen - add (t, sender) to the set; 1 when it was new */
static int
deferred_seen(struct aggregate *agg, const struct tally *t, const struct logfield *from)
{
	const struct istr *sender = intern(from->s, from->len);
	size_t mask, i;

	if (2 * (agg->ndeferred + 1) > agg->deferred_cap) {
		size_t cap = agg->deferred_cap ? 2 * agg->deferred_cap : 1024;
		struct deferred_pair *old = agg->deferred, *v = xcalloc(cap, sizeof(*v));

		for (size_t k = 0; k < agg->deferred_cap; k++) {
			if (old[k].client == NULL)
				continue;
			i = (old[k].client->hash * 31u + old[k].sender->hash) & (cap - 1);
			while (v[i].client != NULL)
				i = (i + 1) & (cap - 1);
			v[i] = old[k];
		}
		free(old);
		agg->deferred = v;
		agg->deferred_cap = cap;
	}
	mask = agg->deferred_cap - 1;
	for (i = (t->hash * 31u + sender->hash) & mask; agg->deferred[i].client != NULL;
	     i = (i + 1) & mask)
		if (agg->deferred[i].client == t && agg->deferred[i].sender == sender)
			return 0;
	agg->deferred[i].client = t;
	agg->deferred[i].sender = sender;
	agg->ndeferred++;
	return 1;
}

struct tally *
aggregate_add(struct aggregate *agg, const struct logrec *rec)
{
	const struct logfield *skipped = &rec->v[LK_SKIPPED];
	struct tally *t;

	if (agg->records == 0 || rec->time < agg->first)
		agg->first = rec->time;
	if (agg->records == 0 || rec->time > agg->last)
		agg->last = rec->time;
	agg->records++;
	agg->aborted += rec->aborted;
	tally_add(t = client_tally(agg, rec), rec);
	if (!rec->aborted && !rec->report_only && rec->action == ACTION_DEFER &&
	    deferred_seen(agg, t, &rec->v[LK_FROM])) {
		t->deferred_messages++;
		agg->deferred_messages++;
	}
	rule_tally_add(rule_tally(agg, &rec->v[LK_RULE]), rec);
	if (!rec->aborted && !(skipped->len == 1 && skipped->s[0] == '-'))
		rule_tally_skipped(rule_tally(agg, skipped), rec);
	day_tally_add(day_tally(agg, logtime_day(rec->time)), rec);
	countvec_add(&agg->hosts, rec->host.s, rec->host.len, 1);
	return t;
}

struct tally **
aggregate_clients(const struct aggregate *agg)
{
	struct tally **v = xcalloc(agg->nclients, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < agg->nslots; i++)
		for (struct tally *t = agg->slots[i]; t != NULL; t = t->next)
			v[n++] = t;
	return v;
}

void
aggregate_free(struct aggregate *agg)
{
	for (size_t i = 0; i < agg->nslots; i++) {
		struct tally *t, *next;

		for (t = agg->slots[i]; t != NULL; t = next) {
			next = t->next;
			tally_free(t);
			free(t);
		}
	}
	free(agg->slots);
	free(agg->rules);
	free(agg->days);
	countvec_free(&agg->hosts);
	free(agg->deferred);
	memset(agg, 0, sizeof(*agg));
}
