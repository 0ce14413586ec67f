/*
 * tally.c -- counters kept per client, user, listener, rule and day
 * (see tally.h)
 *
 * tally_add() runs once per log line: it compares byte ranges with the
 * few values a client already has and interns a string only when a new
 * value shows up, so a line costs no allocation.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cipher_class.h"
#include "logtime.h"
#include "tally.h"
#include "xalloc.h"

static struct countent *
countvec_append(struct countvec *cv, const struct istr *key)
{
	if (cv->len == cv->cap) {
		cv->cap = cv->cap ? cv->cap * 2 : 2;
		cv->v = xrealloc(cv->v, cv->cap * sizeof(*cv->v));
	}
	cv->v[cv->len].key = key;
	cv->v[cv->len].n = 0;
	cv->last = cv->len;
	return &cv->v[cv->len++];
}

/* countvec_find - the entry for a byte range, or NULL */
static struct countent *
countvec_find(struct countvec *cv, const char *s, size_t len)
{
	if (cv->len > 0 && istr_eq(cv->v[cv->last].key, s, len))
		return &cv->v[cv->last];
	for (unsigned i = 0; i < cv->len; i++) {
		if (istr_eq(cv->v[i].key, s, len)) {
			cv->last = i;
			return &cv->v[i];
		}
	}
	return NULL;
}

void
countvec_add(struct countvec *cv, const char *s, size_t len, unsigned long n)
{
	struct countent *e = countvec_find(cv, s, len);

	if (e == NULL)
		e = countvec_append(cv, intern(s, len));
	e->n += n;
}

int
countvec_add_istr(struct countvec *cv, const struct istr *key, unsigned long n)
{
	for (unsigned i = 0; i < cv->len; i++) {
		if (cv->v[i].key == key) {
			cv->v[i].n += n;
			return 0;
		}
	}
	countvec_append(cv, key)->n = n;
	return 1;
}

static int
countent_cmp(const void *a, const void *b)
{
	const struct countent *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key->s, y->key->s);
}

void
countvec_sort(struct countvec *cv)
{
	if (cv->len > 1)
		qsort(cv->v, cv->len, sizeof(*cv->v), countent_cmp);
	cv->last = 0;
}

void
countvec_free(struct countvec *cv)
{
	free(cv->v);
	memset(cv, 0, sizeof(*cv));
}

static int
is_dash(const struct logfield *f)
{
	return f->len == 1 && f->s[0] == '-';
}

/* add_cipher - count a cipher (not "-"); classify it when new to this client */
static void
add_cipher(struct tally *t, const struct logfield *f)
{
	struct countent *e;

	if (is_dash(f))
		return;
	if ((e = countvec_find(&t->ciphers, f->s, f->len)) == NULL) {
		e = countvec_append(&t->ciphers, intern(f->s, f->len));
		t->cipher_classes |= istr_cipher_classes(e->key);
	}
	e->n++;
}

/* note_names - PTR name and HELO, kept as last seen */
static void
note_names(struct tally *t, const struct logrec *rec)
{
	const struct logfield *helo = &rec->v[LK_HELO];
	struct countent *e = countvec_find(&t->helos, helo->s, helo->len);

	if (e == NULL)
		e = countvec_append(&t->helos, intern(helo->s, helo->len));
	e->n++;
	if (t->messages + t->aborted > 1 && rec->time < t->last)
		return;
	t->helo = e->key;
	if (t->name == NULL || !istr_eq(t->name, rec->client_name.s, rec->client_name.len))
		t->name = intern(rec->client_name.s, rec->client_name.len);
}

/* sender_domain - "<a@b.example>" -> "b.example"; "<>" stays; NULL for "-" */
static const char *
sender_domain(const struct logfield *from, size_t *len)
{
	const char *at;

	if (is_dash(from) || from->len < 2)
		return NULL;
	if (from->len == 2) {
		*len = 2;
		return from->s; /* "<>" */
	}
	if ((at = memrchr(from->s, '@', from->len)) == NULL)
		return NULL;
	*len = (size_t)(from->s + from->len - at - 1) - (from->s[from->len - 1] == '>');
	return at + 1;
}

/* add_day - one transaction into the per-day counts (logs mostly come in order) */
static void
add_day(struct dayvec *dv, long day, int legacy)
{
	unsigned i = dv->len;

	while (i > 0 && dv->v[i - 1].day > day)
		i--;
	if (i == 0 || dv->v[i - 1].day != day) {
		if (dv->len == dv->cap) {
			dv->cap = dv->cap ? dv->cap * 2 : 4;
			dv->v = xrealloc(dv->v, dv->cap * sizeof(*dv->v));
		}
		memmove(&dv->v[i + 1], &dv->v[i], (dv->len - i) * sizeof(*dv->v));
		dv->v[i].day = day;
		dv->v[i].n = dv->v[i].legacy = 0;
		dv->len++;
		i++;
	}
	dv->v[i - 1].n++;
	dv->v[i - 1].legacy += legacy != 0;
}

void
tally_add(struct tally *t, const struct logrec *rec)
{
	const char *domain;
	size_t dlen = 0;

	if (rec->aborted) { /* an abort counts only for the hosts, names and times */
		t->aborted++;
	} else {
		t->messages++;
		t->by_tls[rec->tls]++;
		t->legacy += tls_is_legacy(rec->tls);
		t->plaintext += tls_is_plaintext(rec->tls);
		t->by_action[rec->action]++;
		t->report_only += rec->report_only;
		add_cipher(t, &rec->v[LK_CIPHER]);
		if ((domain = sender_domain(&rec->v[LK_FROM], &dlen)) != NULL)
			countvec_add(&t->domains, domain, dlen, 1);
		add_day(&t->days, logtime_day(rec->time), tls_is_legacy(rec->tls));
		countvec_add(&t->rules, rec->v[LK_RULE].s, rec->v[LK_RULE].len, 1);
	}
	countvec_add(&t->hosts, rec->host.s, rec->host.len, 1);
	note_names(t, rec);
	if (t->messages + t->aborted == 1 || rec->time < t->first)
		t->first = rec->time;
	if (t->messages + t->aborted == 1 || rec->time > t->last)
		t->last = rec->time;
}

static void
countvec_merge(struct countvec *into, const struct countvec *from)
{
	for (unsigned i = 0; i < from->len; i++)
		countvec_add_istr(into, from->v[i].key, from->v[i].n);
}

void
tally_merge(struct tally *into, const struct tally *from)
{
	if (into->nclients == 0 || from->first < into->first)
		into->first = from->first;
	if (into->nclients == 0 || from->last > into->last)
		into->last = from->last;
	into->nclients++;
	into->messages += from->messages;
	into->aborted += from->aborted;
	into->legacy += from->legacy;
	into->plaintext += from->plaintext;
	into->report_only += from->report_only;
	for (int i = 0; i < TLS_VERSION_COUNT; i++)
		into->by_tls[i] += from->by_tls[i];
	for (int i = 0; i < ACTION_COUNT; i++)
		into->by_action[i] += from->by_action[i];
	into->cipher_classes |= from->cipher_classes;
	countvec_merge(&into->helos, &from->helos);
	countvec_merge(&into->ciphers, &from->ciphers);
	countvec_merge(&into->rules, &from->rules);
	countvec_merge(&into->hosts, &from->hosts);
	countvec_merge(&into->domains, &from->domains);
	into->deferred_messages += from->deferred_messages;
	countvec_add_istr(&into->addrs, from->addr, from->messages + from->aborted);
	if (!(from->auth->len == 1 && from->auth->s[0] == '-'))
		countvec_add_istr(&into->users, from->auth, from->messages + from->aborted);
	countvec_add_istr(&into->listeners, from->listener, from->messages + from->aborted);
}

void
tally_free(struct tally *t)
{
	countvec_free(&t->helos);
	countvec_free(&t->ciphers);
	countvec_free(&t->rules);
	countvec_free(&t->hosts);
	countvec_free(&t->domains);
	free(t->days.v);
	memset(&t->days, 0, sizeof(t->days));
	countvec_free(&t->addrs);
	countvec_free(&t->users);
	countvec_free(&t->listeners);
}

/* First and last seen: when the rule decided, or matched and passed a session on. */
static void
rule_seen(struct rule_tally *r, const struct logrec *rec)
{
	int first = r->hits + r->skipped + r->aborted == 0;

	if (first || rec->time < r->first)
		r->first = rec->time;
	if (first || rec->time > r->last)
		r->last = rec->time;
}

void
rule_tally_add(struct rule_tally *r, const struct logrec *rec)
{
	const struct logfield *sel = &rec->v[LK_SELECTED];
	const struct logfield *pct = &rec->v[LK_PERCENT];

	rule_seen(r, rec);
	if (rec->aborted) {
		r->aborted++;
		return;
	}
	r->hits++;
	r->legacy += tls_is_legacy(rec->tls);
	r->plaintext += tls_is_plaintext(rec->tls);
	r->by_action[rec->action]++;
	if (rec->report_only) {
		r->report_only++;
		r->would_defer += rec->action == ACTION_DEFER;
		r->would_reject += rec->action == ACTION_REJECT;
	} else {
		r->enforced++;
	}
	if (sel->len == 3 && memcmp(sel->s, "yes", 3) == 0)
		r->selected++;
	else if (sel->len == 2 && memcmp(sel->s, "no", 2) == 0)
		r->not_selected++;
	if (!is_dash(pct) && (r->percent == NULL || rec->time >= r->percent_time)) {
		if (r->percent == NULL || !istr_eq(r->percent, pct->s, pct->len))
			r->percent = intern(pct->s, pct->len);
		r->percent_time = rec->time;
	}
}

void
rule_tally_skipped(struct rule_tally *r, const struct logrec *rec)
{
	rule_seen(r, rec);
	r->skipped++;
}

void
day_tally_add(struct day_tally *d, const struct logrec *rec)
{
	if (rec->aborted) {
		d->aborted++;
		return;
	}
	d->messages++;
	d->legacy += tls_is_legacy(rec->tls);
	d->plaintext += tls_is_plaintext(rec->tls);
	d->by_tls[rec->tls]++;
	d->by_action[rec->action]++;
}

void
day_tally_finish(struct day_tally *d)
{
	double m = d->messages ? (double)d->messages : 1.0;

	for (int i = 0; i < TLS_VERSION_COUNT; i++)
		d->share[i] = 100.0 * (double)d->by_tls[i] / m;
	d->legacy_share = 100.0 * (double)d->legacy / m;
	d->plaintext_share = 100.0 * (double)d->plaintext / m;
}
