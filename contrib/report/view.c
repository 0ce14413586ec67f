/*
 * view.c -- the list of views, and what they share (see view.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "view.h"

const struct view views[] = {
    {"clients", "per client address, auth user and listener", view_clients},
    {"users", "per SMTP AUTH user", view_users},
    {"listeners", "per listener", view_listeners},
    {"rules", "hits per rule", view_rules},
    {"daily", "TLS version share per day", view_daily},
};

const size_t nviews = sizeof(views) / sizeof(views[0]);

const struct view *
view_find(const char *name)
{
	for (size_t i = 0; i < nviews; i++)
		if (strcmp(views[i].name, name) == 0)
			return &views[i];
	return NULL;
}

void
view_build(const struct view *view, struct aggregate *agg, struct view_result *out)
{
	memset(out, 0, sizeof(*out));
	view->build(agg, out);
}

void
view_result_free(struct view_result *res)
{
	for (size_t i = 0; i < res->ngroups; i++)
		tally_free(&res->groups[i]);
	free(res->groups);
	free(res->table.rows);
	memset(res, 0, sizeof(*res));
}

/* tally_cmp_legacy_first - most TLS < 1.2, most plaintext, most recent, most messages */
int
tally_cmp_legacy_first(const void *a, const void *b)
{
	const struct tally *x = *(const struct tally *const *)a;
	const struct tally *y = *(const struct tally *const *)b;
	const struct istr *kx = x->addr ? x->addr : x->auth ? x->auth : x->listener;
	const struct istr *ky = y->addr ? y->addr : y->auth ? y->auth : y->listener;

	if (x->legacy != y->legacy)
		return x->legacy > y->legacy ? -1 : 1;
	if (x->plaintext != y->plaintext)
		return x->plaintext > y->plaintext ? -1 : 1;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	if (kx != ky && kx != NULL && ky != NULL)
		return strcmp(kx->s, ky->s);
	return 0;
}

void
tally_sort_maps(struct tally *t)
{
	countvec_sort(&t->helos);
	countvec_sort(&t->ciphers);
	countvec_sort(&t->rules);
	countvec_sort(&t->hosts);
	countvec_sort(&t->domains);
	countvec_sort(&t->addrs);
	countvec_sort(&t->users);
	countvec_sort(&t->listeners);
}
