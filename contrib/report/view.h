/*
 * view.h -- the report's views: clients, users, listeners, rules, daily
 *
 * SYNOPSIS
 *	const struct view *view_find(const char *name);
 *	void view_build(const struct view *view, struct aggregate *agg,
 *	    struct view_result *out);
 *	void view_result_free(struct view_result *res);
 *
 *	void view_clients(struct aggregate *agg, struct view_result *out);
 *	void view_users(struct aggregate *agg, struct view_result *out);
 *	void view_listeners(struct aggregate *agg, struct view_result *out);
 *	void view_rules(struct aggregate *agg, struct view_result *out);
 *	void view_daily(struct aggregate *agg, struct view_result *out);
 *
 * DESCRIPTION
 *	Each view turns the aggregate into a table (see table.h): its rows
 *	in the order people want them, and its columns. view_find() looks a
 *	view up by name (NULL if unknown); views[] lists them all, in the
 *	order the HTML report shows them.
 *
 *	clients: one row per (client_addr, auth_user, listener), the devices
 *	to fix first on top (most legacy messages, then most recently seen).
 *	users: one row per SMTP AUTH user. listeners: one row per listener.
 *	rules: one row per rule, hits, enforced and report-only decisions.
 *	daily: TLS version counts and shares per UTC day.
 */
#ifndef REPORT_VIEW_H
#define REPORT_VIEW_H

#include <stddef.h>

#include "aggregate.h"
#include "table.h"

struct view_result {
	struct table table;
	struct tally *groups; /* users, listeners: owned */
	size_t ngroups;
};

struct view {
	const char *name;
	const char *summary;
	void (*build)(struct aggregate *agg, struct view_result *out);
};

extern const struct view views[];
extern const size_t nviews;

const struct view *view_find(const char *name);
void view_build(const struct view *view, struct aggregate *agg, struct view_result *out);
void view_result_free(struct view_result *res);

void view_clients(struct aggregate *agg, struct view_result *out);
void view_users(struct aggregate *agg, struct view_result *out);
void view_listeners(struct aggregate *agg, struct view_result *out);
void view_rules(struct aggregate *agg, struct view_result *out);
void view_daily(struct aggregate *agg, struct view_result *out);

/* Shared by the clients, users and listeners views. */
int tally_cmp_legacy_first(const void *a, const void *b);
void tally_sort_maps(struct tally *t);

#endif
