/*
 * html_chart.h -- inline SVG charts for the HTML report
 *
 * SYNOPSIS
 *	void chart_daily_share(struct strbuf *out, const struct day_tally *days,
 *	    size_t ndays);
 *	void chart_top_legacy(struct strbuf *out, const void *const *clients,
 *	    size_t n, size_t max_bars);
 *	void chart_rule_actions(struct strbuf *out, const void *const *rules,
 *	    size_t n, size_t max_bars);
 *	const char *tls_color(int version);
 *	const char *action_color(int action);
 *
 * DESCRIPTION
 *	Each function appends one <svg> element (with its legend) drawn from
 *	the counts, needing no script and no external resource: a 100%
 *	stacked bar per day of the TLS version share; horizontal bars of
 *	the clients with the most legacy messages (clients are struct
 *	tally, legacy first), split by version; and horizontal bars of the
 *	decisions per rule (struct rule_tally), split by action. Every bar
 *	carries a <title> with its exact figures, which browsers show on
 *	hover.
 *
 *	tls_color() and action_color() give the colour used for a TLS
 *	version or an action, shared with the tables.
 */
#ifndef REPORT_HTML_CHART_H
#define REPORT_HTML_CHART_H

#include <stddef.h>

#include "table.h"
#include "tally.h"

void chart_daily_share(struct strbuf *out, const struct day_tally *days, size_t ndays);
void chart_top_legacy(struct strbuf *out, const void *const *clients, size_t n, size_t max_bars);
void chart_rule_actions(struct strbuf *out, const void *const *rules, size_t n, size_t max_bars);
const char *tls_color(int version);
const char *action_color(int action);

#endif
