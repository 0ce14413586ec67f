/*
 * html_chart.c -- inline SVG charts for the HTML report (see html_chart.h)
 *
 * Plain SVG 1.1: rectangles, lines and text, sized in a viewBox so that
 * the charts scale with the page. Colours come from two tables.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "html_chart.h"
#include "logtime.h"

#define CHART_W 960 /* the daily chart, full page width */
#define BARS_W  620 /* the horizontal bar charts, half page width */
#define LABEL_W 290 /* left margin of the horizontal bar charts */
#define BAR_H   22
#define BAR_GAP 8

static const char *const tls_colors[TLS_VERSION_COUNT] = {
    [TLS_VERSION_NONE] = "#b91c1c",    [TLS_VERSION_SSLV3] = "#7c2d12",
    [TLS_VERSION_1_0] = "#ea580c",     [TLS_VERSION_1_1] = "#f59e0b",
    [TLS_VERSION_1_2] = "#3b82f6",     [TLS_VERSION_1_3] = "#16a34a",
    [TLS_VERSION_UNKNOWN] = "#9ca3af",
};

static const char *const action_colors[ACTION_COUNT] = {
    [ACTION_ACCEPT] = "#16a34a", [ACTION_TAG] = "#0ea5e9",     [ACTION_DEFER] = "#f59e0b",
    [ACTION_REJECT] = "#dc2626", [ACTION_REROUTE] = "#8b5cf6", [ACTION_HOLD] = "#64748b",
};

/* The versions a legacy bar is made of (TLS below 1.2; plaintext is apart), worst first. */
static const enum tls_version legacy_versions[] = {
    TLS_VERSION_SSLV3,
    TLS_VERSION_1_0,
    TLS_VERSION_1_1,
};

/* The order of the daily stack, bottom (worst) to top. */
static const enum tls_version stack_order[] = {
    TLS_VERSION_NONE,    TLS_VERSION_SSLV3, TLS_VERSION_1_0, TLS_VERSION_1_1,
    TLS_VERSION_UNKNOWN, TLS_VERSION_1_2,   TLS_VERSION_1_3,
};

const char *
tls_color(int version)
{
	return tls_colors[version];
}

const char *
action_color(int action)
{
	return action_colors[action];
}

static void
svg_open(struct strbuf *out, int w, int h, const char *label)
{
	strbuf_printf(
	    out,
	    "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\">\n",
	    w, h, w, h, label);
}

static void
legend_item(struct strbuf *out, const char *color, const char *name)
{
	strbuf_printf(out, "<span class=\"key\"><i style=\"background:%s\"></i>%s</span>", color,
	              name);
}

static void
tls_legend(struct strbuf *out, const enum tls_version *v, size_t n)
{
	strbuf_puts(out, "<div class=\"legend\">");
	for (size_t i = 0; i < n; i++)
		legend_item(out, tls_colors[v[i]], tls_version_name(v[i]));
	strbuf_puts(out, "</div>\n");
}

static void
rect(struct strbuf *out, double x, double y, double w, double h, const char *color)
{
	strbuf_printf(out,
	              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x,
	              y, w, h, color);
}

static void
day_axis(struct strbuf *out, int x0, int y0, int plot_h, int plot_w)
{
	for (int pct = 0; pct <= 100; pct += 25) {
		int y = y0 + plot_h - plot_h * pct / 100;

		strbuf_printf(
		    out,
		    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>"
		    "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%d%%</text>\n",
		    x0, y, x0 + plot_w, y, x0 - 6, y + 4, pct);
	}
}

/* day_bar - one 100% stacked bar */
static void
day_bar(struct strbuf *out, const struct day_tally *d, double x, double w, int y0, int plot_h)
{
	char date[LOGTIME_BUFSIZE];
	double y = y0 + plot_h;

	logtime_format_day(d->day, date);
	for (size_t i = 0; i < sizeof(stack_order) / sizeof(stack_order[0]); i++) {
		enum tls_version v = stack_order[i];
		double h = plot_h * (double)d->by_tls[v] / (double)d->messages;

		if (d->by_tls[v] == 0)
			continue;
		y -= h;
		rect(out, x, y, w, h, tls_colors[v]);
		strbuf_printf(out, "<title>%s %s: %lu of %lu (%.1f%%)</title></rect>\n", date,
		              tls_version_name(v), d->by_tls[v], d->messages,
		              100.0 * (double)d->by_tls[v] / (double)d->messages);
	}
}

void
chart_daily_share(struct strbuf *out, const struct day_tally *days, size_t ndays)
{
	const int x0 = 48, y0 = 10, plot_h = 220, plot_w = CHART_W - x0 - 10;
	double slot = ndays ? (double)plot_w / (double)ndays : plot_w;
	double w = slot > 4 ? slot * 0.8 : slot;
	size_t every = ndays / 12 + 1;
	char date[LOGTIME_BUFSIZE];

	svg_open(out, CHART_W, y0 + plot_h + 30, "TLS version share per day");
	day_axis(out, x0, y0, plot_h, plot_w);
	for (size_t i = 0; i < ndays; i++) {
		double x = x0 + slot * (double)i + (slot - w) / 2;

		if (days[i].messages > 0)
			day_bar(out, &days[i], x, w, y0, plot_h);
		if (i % every == 0)
			strbuf_printf(out,
			              "<text x=\"%.1f\" y=\"%d\" class=\"tick\" "
			              "text-anchor=\"middle\">%s</text>\n",
			              x + w / 2, y0 + plot_h + 18,
			              logtime_format_day(days[i].day, date) + 5);
	}
	strbuf_puts(out, "</svg>\n");
	tls_legend(out, stack_order, sizeof(stack_order) / sizeof(stack_order[0]));
}

/* bar_label - the name at the left of a horizontal bar, cut to fit */
static void
bar_label(struct strbuf *out, int y, const char *text, const char *sub)
{
	char cut[48];
	size_t len = strlen(text);

	strbuf_printf(out, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">",
	              LABEL_W - 10, y + BAR_H / 2 + 4);
	if (len > 34) {
		memcpy(cut, text, 32);
		strcpy(cut + 32, "\xe2\x80\xa6");
		text = cut;
		len = strlen(cut);
	}
	html_escape(out, text, len);
	if (sub != NULL && *sub != '\0') {
		strbuf_puts(out, "<tspan class=\"sub\"> ");
		html_escape(out, sub, strlen(sub));
		strbuf_puts(out, "</tspan>");
	}
	strbuf_puts(out, "</text>\n");
}

static void
bar_value(struct strbuf *out, double x, int y, unsigned long n, const char *note)
{
	strbuf_printf(out, "<text x=\"%.1f\" y=\"%d\" class=\"value\">%lu%s</text>\n", x + 6,
	              y + BAR_H / 2 + 4, n, note);
}

static const char *
istr_or(const struct istr *is, const char *dflt)
{
	return is == NULL || (is->len == 1 && is->s[0] == '-') ? dflt : is->s;
}

/* client_bar - one client's legacy messages, split by version */
static void
client_bar(struct strbuf *out, const struct tally *t, int y, double scale)
{
	const char *name = istr_or(t->name, "unknown");
	struct strbuf sub;
	double x = LABEL_W;

	strbuf_init(&sub);
	strbuf_printf(&sub, "%.16s%s", strcmp(name, "unknown") == 0 ? "(no PTR)" : name,
	              strlen(name) > 16 ? "\xe2\x80\xa6" : "");
	if (*istr_or(t->auth, "") != '\0')
		strbuf_printf(&sub, " \xc2\xb7 %.10s", t->auth->s);
	bar_label(out, y, istr_or(t->addr, "-"), sub.s);
	for (size_t i = 0; i < sizeof(legacy_versions) / sizeof(legacy_versions[0]); i++) {
		enum tls_version v = legacy_versions[i];
		double w = scale * (double)t->by_tls[v];

		if (t->by_tls[v] == 0)
			continue;
		rect(out, x, y, w, BAR_H, tls_colors[v]);
		strbuf_puts(out, "<title>");
		html_escape(out, t->addr->s, t->addr->len);
		strbuf_puts(out, " ");
		html_escape(out, name, strlen(name));
		strbuf_puts(out, " auth=");
		html_escape(out, istr_or(t->auth, "-"), strlen(istr_or(t->auth, "-")));
		strbuf_puts(out, " listener=");
		html_escape(out, istr_or(t->listener, "-"), strlen(istr_or(t->listener, "-")));
		strbuf_printf(out, ": %lu %s</title></rect>\n", t->by_tls[v], tls_version_name(v));
		x += w;
	}
	bar_value(out, x, y, t->legacy, "");
	strbuf_free(&sub);
}

void
chart_top_legacy(struct strbuf *out, const void *const *clients, size_t n, size_t max_bars)
{
	size_t bars = 0;
	unsigned long max = 1;
	double scale;

	while (bars < n && bars < max_bars && ((const struct tally *)clients[bars])->legacy > 0)
		bars++;
	if (bars == 0) {
		strbuf_puts(out, "<p class=\"empty\">No client used TLS below 1.2 or plaintext "
		                 "in this period.</p>\n");
		return;
	}
	max = ((const struct tally *)clients[0])->legacy;
	scale = (double)(BARS_W - LABEL_W - 50) / (double)max;
	svg_open(out, BARS_W, (int)bars * (BAR_H + BAR_GAP) + BAR_GAP, "Top legacy clients");
	for (size_t i = 0; i < bars; i++)
		client_bar(out, clients[i], BAR_GAP + (int)i * (BAR_H + BAR_GAP), scale);
	strbuf_puts(out, "</svg>\n");
	tls_legend(out, legacy_versions, sizeof(legacy_versions) / sizeof(legacy_versions[0]));
}

static void
rule_bar(struct strbuf *out, const struct rule_tally *r, int y, double scale)
{
	double x = LABEL_W;
	char note[64] = "";

	bar_label(out, y, r->name->s, NULL);
	for (int a = 0; a < ACTION_COUNT; a++) {
		double w = scale * (double)r->by_action[a];

		if (r->by_action[a] == 0)
			continue;
		rect(out, x, y, w, BAR_H, action_colors[a]);
		strbuf_puts(out, "<title>");
		html_escape(out, r->name->s, r->name->len);
		strbuf_printf(out, ": %s %lu</title></rect>\n",
		              policy_action_name((enum policy_action)a), r->by_action[a]);
		x += w;
	}
	if (r->report_only > 0)
		snprintf(note, sizeof(note), " (%lu rep.-only)", r->report_only);
	else if (r->hits == 0 && r->skipped > 0)
		snprintf(note, sizeof(note), " (skipped by rollout: %lu)", r->skipped);
	bar_value(out, x, y, r->hits, note);
}

void
chart_rule_actions(struct strbuf *out, const void *const *rules, size_t n, size_t max_bars)
{
	size_t bars = n < max_bars ? n : max_bars;
	unsigned long max = 1;
	double scale;

	if (bars == 0) {
		strbuf_puts(out, "<p class=\"empty\">No decisions in this period.</p>\n");
		return;
	}
	for (size_t i = 0; i < bars; i++)
		if (((const struct rule_tally *)rules[i])->hits > max)
			max = ((const struct rule_tally *)rules[i])->hits;
	scale = (double)(BARS_W - LABEL_W - 150) / (double)max;
	svg_open(out, BARS_W, (int)bars * (BAR_H + BAR_GAP) + BAR_GAP, "Actions per rule");
	for (size_t i = 0; i < bars; i++)
		rule_bar(out, rules[i], BAR_GAP + (int)i * (BAR_H + BAR_GAP), scale);
	strbuf_puts(out, "</svg>\n<div class=\"legend\">");
	for (int a = 0; a < ACTION_COUNT; a++)
		legend_item(out, action_colors[a], policy_action_name((enum policy_action)a));
	strbuf_puts(out, "</div>\n");
}
