/*
 * view_rules.c -- hits per rule
 *
 * SYNOPSIS
 *	void view_rules(struct aggregate *agg, struct view_result *out);
 *
 * DESCRIPTION
 *	One row per rule named by rule= or skipped=: how often it decided,
 *	how many of those decisions were enforced or only reported
 *	(mode=report-only), what a report-only rule would have deferred or
 *	rejected, and how a rollout went (selected, not selected, and the
 *	sessions it matched but passed on: skipped=). Busiest rules first.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "xalloc.h"

#define R(f)     offsetof(struct rule_tally, f)
#define ACT_COLS (SHOW_TEXT | SHOW_CSV | SHOW_HTML | SHOW_NONZERO)
#define MORE     (SHOW_DETAIL | SHOW_MACHINE | SHOW_HTML)

static const struct column rule_columns[] = {
    {"rule", "RULE", COL_ISTR, SHOW_ALL, R(name), 10},
    {"hits", "HITS", COL_ULONG, SHOW_ALL, R(hits), 0},
    {"aborted", "ABORTED", COL_ULONG, SHOW_ALL | SHOW_NONZERO, R(aborted), 0},
    {"legacy", "TLS<1.2", COL_ULONG, SHOW_ALL | SHOW_LEGACY, R(legacy), 0},
    {"plaintext", "PLAIN", COL_ULONG, SHOW_ALL | SHOW_LEGACY, R(plaintext), 0},
    {"enforced", "ENFORCED", COL_ULONG, SHOW_ALL, R(enforced), 0},
    {"report_only", "REPORT-ONLY", COL_ULONG, SHOW_ALL, R(report_only), 0},
    {"accept", "accept", COL_ULONG, ACT_COLS, R(by_action[ACTION_ACCEPT]), 0},
    {"tag", "tag", COL_ULONG, ACT_COLS, R(by_action[ACTION_TAG]), 0},
    {"defer", "defer", COL_ULONG, ACT_COLS, R(by_action[ACTION_DEFER]), 0},
    {"reject", "reject", COL_ULONG, ACT_COLS, R(by_action[ACTION_REJECT]), 0},
    {"reroute", "reroute", COL_ULONG, ACT_COLS, R(by_action[ACTION_REROUTE]), 0},
    {"hold", "hold", COL_ULONG, ACT_COLS, R(by_action[ACTION_HOLD]), 0},
    {"actions", "ACTIONS", COL_ACTIONS, SHOW_JSON, R(by_action), 0},
    {"would_defer", "WOULD DEFER", COL_ULONG, MORE | SHOW_NONZERO, R(would_defer), 0},
    {"would_reject", "WOULD REJECT", COL_ULONG, MORE | SHOW_NONZERO, R(would_reject), 0},
    {"selected", "SELECTED", COL_ULONG, MORE | SHOW_NONZERO, R(selected), 0},
    {"not_selected", "NOT SELECTED", COL_ULONG, MORE | SHOW_NONZERO, R(not_selected), 0},
    {"rollout_skipped", "ROLLOUT SKIPPED", COL_ULONG, MORE | SHOW_NONZERO, R(skipped), 0},
    {"percent", "PERCENT", COL_ISTR, MORE | SHOW_NONZERO, R(percent), 0},
    {"first_seen", "FIRST SEEN", COL_TIME, SHOW_DETAIL | SHOW_MACHINE, R(first), 0},
    {"last_seen", "LAST SEEN", COL_TIME, MORE, R(last), 0},
};

static int
cmp_rule(const void *a, const void *b)
{
	const struct rule_tally *x = *(const struct rule_tally *const *)a;
	const struct rule_tally *y = *(const struct rule_tally *const *)b;

	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	if (x->skipped != y->skipped)
		return x->skipped > y->skipped ? -1 : 1;
	return strcmp(x->name->s, y->name->s);
}

void
view_rules(struct aggregate *agg, struct view_result *out)
{
	const void **rows = xcalloc(agg->nrules, sizeof(*rows));

	for (size_t i = 0; i < agg->nrules; i++)
		rows[i] = &agg->rules[i];
	qsort(rows, agg->nrules, sizeof(*rows), cmp_rule);
	out->table.name = "rules";
	out->table.title = "Rules";
	out->table.cols = rule_columns;
	out->table.ncols = sizeof(rule_columns) / sizeof(rule_columns[0]);
	out->table.rows = rows;
	out->table.nrows = agg->nrules;
}
