/*
 * out_html.c -- the HTML format: one self-contained page (see output.h)
 *
 * Inline CSS, inline SVG charts (html_chart.c), one small inline script
 * (click a column heading to sort the table by it), no external
 * resource: the file can be mailed or opened offline. The page shows the
 * summary figures, three charts (TLS version share per day, top legacy
 * clients, actions per rule) and the table of every view, the chosen
 * view first; the clients table has a per-client trend (a sparkline of
 * transactions per UTC day over the report's days, TLS below 1.2 in red).
 */
#include "config.h"

#include <string.h>

#include "cipher_class.h"
#include "escape.h"
#include "html_chart.h"
#include "logtime.h"
#include "output.h"
#include "view.h"

#define HTML_MAX_ROWS 1000 /* per table, unless --top says otherwise */
#define CHART_BARS    15

static const char css[] =
    ":root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#fff;"
    "--accent:#1d4ed8;--warn:#b45309;--bad:#b91c1c;--good:#15803d}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    "header{background:#0f172a;color:#e2e8f0;padding:22px 32px}\n"
    "header h1{margin:0 0 4px;font-size:22px;font-weight:600;color:#fff}\n"
    "header p{margin:2px 0;color:#94a3b8;font-size:13px}\n"
    "nav{margin-top:10px}nav a{color:#93c5fd;margin-right:16px;text-decoration:none;"
    "font-size:13px}\n"
    "main{padding:20px 32px 40px;max-width:1600px}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:14px;margin-bottom:20px}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;"
    "padding:12px 16px;min-width:170px;flex:1}\n"
    ".card .n{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}\n"
    ".card .t{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n"
    ".card .s{color:var(--muted);font-size:12px}\n"
    ".card.bad .n{color:var(--bad)}.card.warn .n{color:var(--warn)}"
    ".card.good .n{color:var(--good)}\n"
    "section{background:var(--card);border:1px solid var(--line);border-radius:8px;"
    "padding:16px 20px;margin-bottom:20px}\n"
    "section h2{margin:0 0 4px;font-size:17px;font-weight:600}\n"
    "section p.note{margin:0 0 12px;color:var(--muted);font-size:12.5px}\n"
    ".grid2{display:grid;grid-template-columns:1fr 1fr;gap:20px}\n"
    "@media (max-width:1100px){.grid2{grid-template-columns:1fr}}\n"
    ".grid2 section{margin-bottom:0}\n"
    "svg.chart{width:100%;height:auto;display:block}\n"
    "svg .grid{stroke:#e5e7eb;stroke-width:1}svg .tick{fill:#6b7280;font-size:11px}\n"
    "svg .label{fill:#1f2937;font-size:12.5px}svg .sub{fill:#6b7280;font-size:11.5px}\n"
    "svg .value{fill:#374151;font-size:12px;font-weight:600}\n"
    ".legend{margin:8px 0 0;font-size:12px;color:#374151}\n"
    ".key{margin-right:14px;white-space:nowrap}.key i{display:inline-block;width:11px;"
    "height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;font-size:12.5px}\n"
    "th{text-align:left;font-weight:600;color:#374151;background:#f1f5f9;padding:6px 8px;"
    "border-bottom:2px solid var(--line);white-space:nowrap;position:sticky;top:0}\n"
    "td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}\n"
    "tbody tr:nth-child(even){background:#fafafa}tbody tr:hover{background:#eff6ff}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.warn{color:var(--bad);font-weight:600}\n"
    "td.addr{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "white-space:nowrap}\n"
    ".muted{color:#9ca3af}\n"
    ".b{display:inline-block;border-radius:9px;padding:0 7px;margin:1px 2px 1px 0;"
    "font-size:11.5px;color:#fff;white-space:nowrap}\n"
    ".c-bad{background:#fee2e2;color:#991b1b}.c-meh{background:#fef3c7;color:#92400e}"
    ".c-good{background:#dcfce7;color:#166534}\n"
    "p.empty{color:var(--muted);font-style:italic}\n"
    "footer{color:var(--muted);font-size:12px;padding:0 32px 24px}\n"
    "th{cursor:pointer}th[data-dir=a]::after{content:' \\25B2'}"
    "th[data-dir=d]::after{content:' \\25BC'}\n"
    "svg.spark{display:block}\n";

/* Click a heading: sort by that column (numbers as numbers, data-v when given). */
static const char sort_script[] =
    "<script>\n"
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    "t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){\n"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),"
    "num=th.classList.contains('num'),d=th.dataset.dir==='d'?1:-1;\n"
    "t.querySelectorAll('th').forEach(function(h){delete h.dataset.dir;});"
    "th.dataset.dir=d>0?'a':'d';\n"
    "function v(r){var c=r.cells[i],s=c.dataset.v!==undefined?c.dataset.v:c.textContent;"
    "return num?parseFloat(s)||0:s;}\n"
    "rows.sort(function(x,y){var a=v(x),c=v(y);return (a<c?-1:a>c?1:0)*d;});\n"
    "rows.forEach(function(r){b.appendChild(r);});});});});\n"
    "</script>\n";

/* The report's days, for the sparklines. */
static long spark_first, spark_days;
#define SPARK_MAX_DAYS 92
#define SPARK_W        120
#define SPARK_H        22

/* Cipher classes as the tables colour them. */
static const struct {
	unsigned bit;
	const char *css;
} class_styles[] = {
    {CIPHER_CLASS_NULL, "c-bad"},     {CIPHER_CLASS_EXPORT, "c-bad"},
    {CIPHER_CLASS_RC4, "c-bad"},      {CIPHER_CLASS_DES, "c-bad"},
    {CIPHER_CLASS_3DES, "c-bad"},     {CIPHER_CLASS_NO_PFS, "c-meh"},
    {CIPHER_CLASS_SHA1_MAC, "c-meh"}, {CIPHER_CLASS_CBC, "c-meh"},
    {CIPHER_CLASS_AEAD, "c-good"},
};

struct totals {
	unsigned long by_tls[TLS_VERSION_COUNT];
	unsigned long by_action[ACTION_COUNT];
	unsigned long legacy;
	unsigned long plaintext;
	size_t clients;
	size_t legacy_clients;
	size_t plaintext_clients;
};

static void
esc(struct strbuf *sb, const char *s)
{
	html_escape(sb, s, strlen(s));
}

static void
compute_totals(const struct report_info *info, const struct table *clients, struct totals *tt)
{
	const struct aggregate *agg = info->agg;

	memset(tt, 0, sizeof(*tt));
	for (size_t i = 0; i < agg->ndays; i++) {
		for (int v = 0; v < TLS_VERSION_COUNT; v++)
			tt->by_tls[v] += agg->days[i].by_tls[v];
		for (int a = 0; a < ACTION_COUNT; a++)
			tt->by_action[a] += agg->days[i].by_action[a];
		tt->legacy += agg->days[i].legacy;
		tt->plaintext += agg->days[i].plaintext;
	}
	tt->clients = clients->nrows;
	for (size_t i = 0; i < clients->nrows; i++)
		tt->legacy_clients += ((const struct tally *)clients->rows[i])->legacy > 0;
	for (size_t i = 0; i < clients->nrows; i++)
		tt->plaintext_clients += ((const struct tally *)clients->rows[i])->plaintext > 0;
}

static void
page_header(struct strbuf *sb, const struct report_info *info)
{
	const struct aggregate *agg = info->agg;
	char a[LOGTIME_BUFSIZE], b[LOGTIME_BUFSIZE];

	strbuf_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                "<title>TLS policy report</title>\n<style>\n");
	strbuf_puts(sb, css);
	strbuf_puts(sb, "</style>\n</head>\n<body>\n<header>\n<h1>TLS policy report</h1>\n");
	if (agg->records > 0)
		strbuf_printf(sb, "<p>%s &ndash; %s (UTC)", logtime_format(agg->first, a),
		              logtime_format(agg->last, b));
	else
		strbuf_puts(sb, "<p>No milter-tlspolicy transactions");
	strbuf_puts(sb, " &middot; hosts: ");
	for (unsigned i = 0; i < agg->hosts.len; i++) {
		if (i > 0)
			strbuf_puts(sb, ", ");
		esc(sb, agg->hosts.v[i].key->s);
	}
	if (agg->hosts.len == 0)
		strbuf_puts(sb, "none");
	strbuf_puts(sb, "</p>\n<p>");
	strbuf_printf(sb, "%lu lines read from %zu input%s", info->lines, info->nfiles,
	              info->nfiles == 1 ? "" : "s");
	if (*info->filters) {
		strbuf_puts(sb, " &middot; filters: ");
		esc(sb, info->filters);
	}
	strbuf_printf(sb, " &middot; generated %s by tlspolicy-report %s</p>\n",
	              logtime_format(info->generated, a), PACKAGE_VERSION);
	strbuf_puts(sb, "<nav><a href=\"#charts\">Charts</a>");
	for (size_t i = 0; i < nviews; i++)
		strbuf_printf(sb, "<a href=\"#%s\">%c%s</a>", views[i].name,
		              views[i].name[0] - 'a' + 'A', views[i].name + 1);
	strbuf_puts(sb, "</nav>\n</header>\n<main>\n");
}

static void
card(struct strbuf *sb, const char *cls, const char *title, unsigned long n, const char *sub)
{
	strbuf_printf(sb,
	              "<div class=\"card %s\"><div class=\"t\">%s</div><div class=\"n\">%lu</div>"
	              "<div class=\"s\">%s</div></div>\n",
	              cls, title, n, sub);
}

static double
pct(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void
cards(struct strbuf *sb, const struct report_info *info, const struct totals *tt)
{
	unsigned long n = info->agg->records - info->agg->aborted;
	char sub[128];

	strbuf_puts(sb, "<div class=\"cards\">\n");
	snprintf(sub, sizeof(sub), "from %zu clients (each retry counts)", tt->clients);
	card(sb, "", "Transactions", n, sub);
	snprintf(sub, sizeof(sub),
	         "%.1f%% of transactions &middot; TLS 1.0: %lu &middot; TLS 1.1: %lu",
	         pct(tt->legacy, n), tt->by_tls[TLS_VERSION_1_0], tt->by_tls[TLS_VERSION_1_1]);
	card(sb, tt->legacy ? "bad" : "good", "TLS below 1.2", tt->legacy, sub);
	snprintf(sub, sizeof(sub), "%.1f%% of transactions &middot; %zu clients",
	         pct(tt->plaintext, n), tt->plaintext_clients);
	card(sb, tt->plaintext ? "warn" : "good", "Without TLS", tt->plaintext, sub);
	snprintf(sub, sizeof(sub), "TLS below 1.2, of %zu clients", tt->clients);
	card(sb, tt->legacy_clients ? "warn" : "good", "Legacy clients", tt->legacy_clients, sub);
	if (info->agg->aborted > 0)
		card(sb, "", "Aborted", info->agg->aborted,
		     "transactions that did not complete, not counted above");
	snprintf(sub, sizeof(sub),
	         "distinct (client, sender); %lu deferred transactions with retries &middot; "
	         "rejected: %lu &middot; rerouted: %lu",
	         tt->by_action[ACTION_DEFER], tt->by_action[ACTION_REJECT],
	         tt->by_action[ACTION_REROUTE]);
	card(sb, "", "Deferred messages", info->agg->deferred_messages, sub);
	if (info->malformed > 0) {
		struct strbuf first;

		strbuf_init(&first);
		strbuf_puts(&first, "skipped; the first: ");
		esc(&first, info->first_bad ? info->first_bad : "");
		card(sb, "warn", "Malformed lines", info->malformed, first.s);
		strbuf_free(&first);
	}
	if (info->failures > 0)
		card(sb, "warn", "Internal failures", info->failures, "tempfailed, not counted");
	strbuf_puts(sb, "</div>\n");
}

static void
charts(struct strbuf *sb, const struct report_info *info, const struct table *clients,
       const struct table *rules)
{
	const struct aggregate *agg = info->agg;

	strbuf_puts(sb, "<section id=\"charts\">\n<h2>TLS version share per day</h2>\n"
	                "<p class=\"note\">Share of transactions per UTC day; red is plaintext, "
	                "orange TLS below 1.2.</p>\n");
	if (agg->ndays > 0)
		chart_daily_share(sb, agg->days, agg->ndays);
	else
		strbuf_puts(sb, "<p class=\"empty\">No messages in this period.</p>\n");
	strbuf_puts(
	    sb, "</section>\n<div class=\"grid2\">\n<section>\n<h2>Top legacy clients</h2>\n"
	        "<p class=\"note\">Transactions with TLS below 1.2 (plaintext apart), per client "
	        "address, user and listener: the devices to fix first.</p>\n");
	chart_top_legacy(sb, (const void *const *)clients->rows, clients->nrows, CHART_BARS);
	strbuf_puts(sb, "</section>\n<section>\n<h2>Actions per rule</h2>\n"
	                "<p class=\"note\">Decisions per deciding rule, by the action the policy "
	                "said (report-only decisions included).</p>\n");
	chart_rule_actions(sb, (const void *const *)rules->rows, rules->nrows, CHART_BARS);
	strbuf_puts(sb, "</section>\n</div>\n<p></p>\n");
}

static void
badges_actions(struct strbuf *sb, const unsigned long *v)
{
	for (int a = 0; a < ACTION_COUNT; a++)
		if (v[a] > 0)
			strbuf_printf(sb, "<span class=\"b\" style=\"background:%s\">%s %lu</span>",
			              action_color(a), policy_action_name((enum policy_action)a),
			              v[a]);
}

static void
badges_classes(struct strbuf *sb, unsigned mask)
{
	for (size_t i = 0; i < sizeof(class_styles) / sizeof(class_styles[0]); i++)
		if (mask & class_styles[i].bit)
			strbuf_printf(sb, "<span class=\"b %s\">%s</span>", class_styles[i].css,
			              cipher_class_name(class_styles[i].bit));
}

static void
countvec_html(struct strbuf *sb, const struct countvec *cv, int keys_only)
{
	for (unsigned i = 0; i < cv->len && i < 8; i++) {
		if (i > 0)
			strbuf_puts(sb, ", ");
		html_escape(sb, cv->v[i].key->s, cv->v[i].key->len);
		if (!keys_only)
			strbuf_printf(sb, "&nbsp;<span class=\"muted\">%lu</span>", cv->v[i].n);
	}
	if (cv->len > 8)
		strbuf_printf(sb, ", <span class=\"muted\">+%u more</span>", cv->len - 8);
}

static unsigned long
dayvec_total(const struct dayvec *dv)
{
	unsigned long n = 0;

	for (unsigned i = 0; i < dv->len; i++)
		n += dv->v[i].n;
	return n;
}

/*
 * sparkline - transactions per day over the report's days (the last
 * SPARK_MAX_DAYS), one bar a day: grey all, red the TLS below 1.2 part.
 */
static void
sparkline(struct strbuf *sb, const struct dayvec *dv)
{
	unsigned long max = 1, total = 0;
	double w;

	for (unsigned i = 0; i < dv->len; i++) {
		if (dv->v[i].day >= spark_first && dv->v[i].n > max)
			max = dv->v[i].n;
		total += dv->v[i].n;
	}
	w = (double)SPARK_W / (double)(spark_days > 0 ? spark_days : 1);
	strbuf_printf(sb,
	              "<svg class=\"spark\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	              "role=\"img\" aria-label=\"%lu transactions over %ld days\">",
	              SPARK_W, SPARK_H, SPARK_W, SPARK_H, total, spark_days);
	for (unsigned i = 0; i < dv->len; i++) {
		long d = dv->v[i].day - spark_first;
		double h = (double)SPARK_H * (double)dv->v[i].n / (double)max;
		double hl = (double)SPARK_H * (double)dv->v[i].legacy / (double)max;

		if (d < 0 || d >= spark_days)
			continue;
		strbuf_printf(sb,
		              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		              "fill=\"#94a3b8\"/>",
		              (double)d * w, SPARK_H - h, w > 1.5 ? w - 0.5 : w, h);
		if (hl > 0)
			strbuf_printf(sb,
			              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			              "fill=\"#dc2626\"/>",
			              (double)d * w, SPARK_H - hl, w > 1.5 ? w - 0.5 : w, hl);
	}
	strbuf_puts(sb, "</svg>");
}

static const char *
td_class(const struct column *col, const void *row)
{
	if (column_is_numeric(col))
		return (col->show & SHOW_LEGACY) && !cell_is_zero(col, row) ? "num warn" : "num";
	if (col->kind == COL_ISTR && strstr(col->key, "addr") != NULL)
		return "addr";
	return "";
}

static void
html_cell(struct strbuf *sb, const struct column *col, const void *row, struct strbuf *tmp)
{
	static const struct cell_style style = {"", " ", ":"};
	const void *p = cell_ptr(col, row);

	if (col->kind == COL_DAYS) /* sorted by the total */
		strbuf_printf(sb, "<td data-v=\"%lu\">", dayvec_total(p));
	else
		strbuf_printf(sb, "<td class=\"%s\">", td_class(col, row));
	if (col->kind == COL_ACTIONS) {
		badges_actions(sb, p);
	} else if (col->kind == COL_CLASSES) {
		badges_classes(sb, *(const unsigned *)p);
	} else if (col->kind == COL_MAP || col->kind == COL_KEYS) {
		countvec_html(sb, p, col->kind == COL_KEYS);
	} else if (col->kind == COL_DAYS) {
		sparkline(sb, p);
	} else if (col->kind == COL_PCT) {
		strbuf_printf(sb, "%.1f%%", *(const double *)p);
	} else {
		strbuf_reset(tmp);
		cell_format(col, row, &style, tmp);
		if (tmp->len == 0)
			strbuf_puts(sb, "<span class=\"muted\">&mdash;</span>");
		else
			html_escape(sb, tmp->s, tmp->len);
	}
	strbuf_puts(sb, "</td>");
}

static int
html_column(const struct table *t, const struct column *col)
{
	return (col->show & SHOW_HTML) && !((col->show & SHOW_NONZERO) && column_all_zero(t, col));
}

static void
html_table(struct strbuf *sb, const struct table *t, const char *id, const struct report_info *info)
{
	size_t nrows = info->top > 0 ? output_rows(t, info)
	                             : (t->nrows < HTML_MAX_ROWS ? t->nrows : HTML_MAX_ROWS);
	struct strbuf tmp;

	strbuf_init(&tmp);
	strbuf_printf(sb, "<section id=\"%s\">\n<h2>", id);
	esc(sb, t->title);
	strbuf_printf(sb, "</h2>\n<p class=\"note\">%zu row%s", t->nrows, t->nrows == 1 ? "" : "s");
	if (nrows < t->nrows)
		strbuf_printf(sb, ", the first %zu shown (all of them: --format csv or json)",
		              nrows);
	strbuf_puts(sb, ".</p>\n");
	if (t->nrows == 0) {
		strbuf_puts(sb, "<p class=\"empty\">Nothing to show.</p>\n</section>\n");
		strbuf_free(&tmp);
		return;
	}
	strbuf_printf(sb, "<div class=\"scroll\"><table class=\"view-%s sortable\">\n<thead><tr>",
	              t->name);
	for (size_t c = 0; c < t->ncols; c++) {
		if (!html_column(t, &t->cols[c]))
			continue;
		strbuf_printf(sb, "<th class=\"%s\">",
		              column_is_numeric(&t->cols[c]) || t->cols[c].kind == COL_DAYS ? "num"
		                                                                            : "");
		esc(sb, t->cols[c].head);
		strbuf_puts(sb, "</th>");
	}
	strbuf_puts(sb, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < nrows; r++) {
		strbuf_puts(sb, "<tr>");
		for (size_t c = 0; c < t->ncols; c++)
			if (html_column(t, &t->cols[c]))
				html_cell(sb, &t->cols[c], t->rows[r], &tmp);
		strbuf_puts(sb, "</tr>\n");
	}
	strbuf_puts(sb, "</tbody>\n</table></div>\n</section>\n");
	strbuf_free(&tmp);
}

void
output_html(FILE *fp, const struct table *t, const struct report_info *info)
{
	struct view_result clients, rules, other;
	struct totals tt;
	struct strbuf sb;

	strbuf_init(&sb);
	spark_days = info->agg->ndays > 0
	                 ? logtime_day(info->agg->last) - logtime_day(info->agg->first) + 1
	                 : 0;
	if (spark_days > SPARK_MAX_DAYS)
		spark_days = SPARK_MAX_DAYS;
	spark_first = logtime_day(info->agg->last) - spark_days + 1;
	view_build(view_find("clients"), info->agg, &clients);
	view_build(view_find("rules"), info->agg, &rules);
	view_build(view_find("daily"), info->agg, &other);
	view_result_free(&other); /* computes the day shares */
	compute_totals(info, &clients.table, &tt);
	page_header(&sb, info);
	cards(&sb, info, &tt);
	charts(&sb, info, &clients.table, &rules.table);
	view_result_free(&rules);
	view_result_free(&clients);
	html_table(&sb, t, t->name, info);
	fputs(sb.s, fp);
	for (size_t i = 0; i < nviews; i++) {
		if (strcmp(views[i].name, t->name) == 0)
			continue;
		strbuf_reset(&sb);
		view_build(&views[i], info->agg, &other);
		html_table(&sb, &other.table, views[i].name, info);
		view_result_free(&other);
		fputs(sb.s, fp);
	}
	fputs(sort_script, fp);
	fprintf(fp,
	        "</main>\n<footer>tlspolicy-report %s &middot; counts are per SMTP "
	        "transaction as logged by milter-tlspolicy; times in UTC.</footer>\n"
	        "</body>\n</html>\n",
	        PACKAGE_VERSION);
	strbuf_free(&sb);
}
