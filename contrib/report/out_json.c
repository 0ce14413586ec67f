/*
 * out_json.c -- the JSON format (see output.h)
 *
 * One array; one object per row, on its own line. A missing string is
 * null; times are ISO 8601 strings; by_tls and actions list every
 * version and action, zeros included; maps are objects of counts;
 * lists (hosts, cipher classes) are arrays of strings.
 */
#include "config.h"

#include <string.h>

#include "cipher_class.h"
#include "escape.h"
#include "logtime.h"
#include "output.h"
#include "tally.h"

static void
json_counts(struct strbuf *sb, const unsigned long *v, int n, const char *(*name)(int))
{
	strbuf_add(sb, "{", 1);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			strbuf_add(sb, ",", 1);
		json_escape(sb, name(i), strlen(name(i)));
		strbuf_printf(sb, ":%lu", v[i]);
	}
	strbuf_add(sb, "}", 1);
}

static const char *
tls_at(int i)
{
	return tls_version_name((enum tls_version)i);
}

static const char *
action_at(int i)
{
	return policy_action_name((enum policy_action)i);
}

static void
json_countvec(struct strbuf *sb, const struct countvec *cv, int keys_only)
{
	strbuf_add(sb, keys_only ? "[" : "{", 1);
	for (unsigned i = 0; i < cv->len; i++) {
		if (i > 0)
			strbuf_add(sb, ",", 1);
		json_escape(sb, cv->v[i].key->s, cv->v[i].key->len);
		if (!keys_only)
			strbuf_printf(sb, ":%lu", cv->v[i].n);
	}
	strbuf_add(sb, keys_only ? "]" : "}", 1);
}

static void
json_classes(struct strbuf *sb, unsigned mask)
{
	int first = 1;

	strbuf_add(sb, "[", 1);
	for (int i = 0; i < CIPHER_CLASS_COUNT; i++) {
		const char *name = cipher_class_name(1u << i);

		if ((mask & (1u << i)) == 0 || name == NULL)
			continue;
		if (!first)
			strbuf_add(sb, ",", 1);
		first = 0;
		json_escape(sb, name, strlen(name));
	}
	strbuf_add(sb, "]", 1);
}

static void
json_value(struct strbuf *sb, const struct column *col, const void *row)
{
	const void *p = cell_ptr(col, row);
	char buf[LOGTIME_BUFSIZE];

	switch (col->kind) {
	case COL_ISTR: {
		const struct istr *is = *(const struct istr *const *)p;

		if (is == NULL || (is->len == 1 && is->s[0] == '-'))
			strbuf_puts(sb, "null");
		else
			json_escape(sb, is->s, is->len);
		break;
	}
	case COL_ULONG:
		strbuf_printf(sb, "%lu", *(const unsigned long *)p);
		break;
	case COL_PCT:
		strbuf_printf(sb, "%.2f", *(const double *)p);
		break;
	case COL_TIME:
		strbuf_printf(sb, "\"%s\"", logtime_format(*(const time_t *)p, buf));
		break;
	case COL_DAY:
		strbuf_printf(sb, "\"%s\"", logtime_format_day(*(const long *)p, buf));
		break;
	case COL_MAP:
	case COL_KEYS:
		json_countvec(sb, p, col->kind == COL_KEYS);
		break;
	case COL_NKEYS:
		strbuf_printf(sb, "%u", ((const struct countvec *)p)->len);
		break;
	case COL_TLS:
		json_counts(sb, p, TLS_VERSION_COUNT, tls_at);
		break;
	case COL_ACTIONS:
		json_counts(sb, p, ACTION_COUNT, action_at);
		break;
	case COL_CLASSES:
		json_classes(sb, *(const unsigned *)p);
		break;
	case COL_DAYS: { /* {"2026-11-25": 3, ...} */
		const struct dayvec *dv = p;

		strbuf_puts(sb, "{");
		for (unsigned i = 0; i < dv->len; i++)
			strbuf_printf(sb, "%s\"%s\":%lu", i ? "," : "",
			              logtime_format_day(dv->v[i].day, buf), dv->v[i].n);
		strbuf_puts(sb, "}");
		break;
	}
	}
}

void
output_json(FILE *fp, const struct table *t, const struct report_info *info)
{
	size_t nrows = output_rows(t, info);
	struct strbuf sb;

	strbuf_init(&sb);
	fputs("[", fp);
	for (size_t r = 0; r < nrows; r++) {
		int first = 1;

		strbuf_reset(&sb);
		strbuf_puts(&sb, r > 0 ? ",\n{" : "\n{");
		for (size_t c = 0; c < t->ncols; c++) {
			const struct column *col = &t->cols[c];

			if ((col->show & SHOW_JSON) == 0)
				continue;
			if (!first)
				strbuf_add(&sb, ",", 1);
			first = 0;
			json_escape(&sb, col->key, strlen(col->key));
			strbuf_add(&sb, ":", 1);
			json_value(&sb, col, t->rows[r]);
		}
		strbuf_add(&sb, "}", 1);
		fputs(sb.s, fp);
	}
	fputs(nrows > 0 ? "\n]\n" : "]\n", fp);
	strbuf_free(&sb);
}
