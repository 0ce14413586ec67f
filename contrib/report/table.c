/*
 * table.c -- cells of a view in plain text (see table.h)
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cipher_class.h"
#include "logline.h"
#include "logtime.h"
#include "table.h"
#include "tally.h"
#include "xalloc.h"

void
strbuf_init(struct strbuf *sb)
{
	sb->cap = 256;
	sb->s = xmalloc(sb->cap);
	sb->s[0] = '\0';
	sb->len = 0;
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->s[0] = '\0';
}

static void
strbuf_reserve(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		while (sb->len + n + 1 > sb->cap)
			sb->cap *= 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
}

void
strbuf_add(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_reserve(sb, len);
	memcpy(sb->s + sb->len, s, len);
	sb->len += len;
	sb->s[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		strbuf_reserve(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

const void *
cell_ptr(const struct column *col, const void *row)
{
	return (const char *)row + col->offset;
}

int
column_is_numeric(const struct column *col)
{
	return col->kind == COL_ULONG || col->kind == COL_PCT || col->kind == COL_NKEYS;
}

static void
pair(struct strbuf *out, int *first, const struct cell_style *style, const char *key,
     unsigned long n)
{
	if (!*first)
		strbuf_puts(out, style->pair_sep);
	*first = 0;
	strbuf_printf(out, "%s%s%lu", key, style->kv_sep, n);
}

static void
format_counts(const unsigned long *v, int n, const char *(*name)(int),
              const struct cell_style *style, struct strbuf *out)
{
	int first = 1;

	for (int i = 0; i < n; i++)
		if (v[i] != 0)
			pair(out, &first, style, name(i), v[i]);
}

static const char *
tls_name_at(int i)
{
	return tls_version_name((enum tls_version)i);
}

static const char *
action_name_at(int i)
{
	return policy_action_name((enum policy_action)i);
}

static void
format_classes(unsigned mask, struct strbuf *out)
{
	int first = 1;

	for (int i = 0; i < CIPHER_CLASS_COUNT; i++) {
		const char *name = cipher_class_name(1u << i);

		if ((mask & (1u << i)) == 0 || name == NULL)
			continue;
		if (!first)
			strbuf_puts(out, ",");
		first = 0;
		strbuf_puts(out, name);
	}
}

static void
format_countvec(const struct countvec *cv, int keys_only, const struct cell_style *style,
                struct strbuf *out)
{
	int first = 1;

	for (unsigned i = 0; i < cv->len; i++) {
		if (keys_only) {
			if (i > 0)
				strbuf_puts(out, ",");
			strbuf_puts(out, cv->v[i].key->s);
		} else {
			pair(out, &first, style, cv->v[i].key->s, cv->v[i].n);
		}
	}
}

void
cell_format(const struct column *col, const void *row, const struct cell_style *style,
            struct strbuf *out)
{
	const void *p = cell_ptr(col, row);
	char buf[LOGTIME_BUFSIZE];

	switch (col->kind) {
	case COL_ISTR: {
		const struct istr *is = *(const struct istr *const *)p;

		if (is == NULL || (is->len == 1 && is->s[0] == '-'))
			strbuf_puts(out, style->missing);
		else
			strbuf_add(out, is->s, is->len);
		break;
	}
	case COL_ULONG:
		strbuf_printf(out, "%lu", *(const unsigned long *)p);
		break;
	case COL_TIME:
		strbuf_puts(out, logtime_format(*(const time_t *)p, buf));
		break;
	case COL_DAY:
		strbuf_puts(out, logtime_format_day(*(const long *)p, buf));
		break;
	case COL_PCT:
		strbuf_printf(out, "%.1f", *(const double *)p);
		break;
	case COL_MAP:
	case COL_KEYS:
		format_countvec(p, col->kind == COL_KEYS, style, out);
		break;
	case COL_NKEYS:
		strbuf_printf(out, "%u", ((const struct countvec *)p)->len);
		break;
	case COL_TLS:
		format_counts(p, TLS_VERSION_COUNT, tls_name_at, style, out);
		break;
	case COL_ACTIONS:
		format_counts(p, ACTION_COUNT, action_name_at, style, out);
		break;
	case COL_CLASSES:
		format_classes(*(const unsigned *)p, out);
		break;
	case COL_DAYS: {
		const struct dayvec *dv = p;

		for (unsigned i = 0; i < dv->len; i++)
			strbuf_printf(out, "%s%s%s%lu", i ? style->pair_sep : "",
			              logtime_format_day(dv->v[i].day, buf), style->kv_sep,
			              dv->v[i].n);
		break;
	}
	}
}

int
cell_is_zero(const struct column *col, const void *row)
{
	const void *p = cell_ptr(col, row);

	switch (col->kind) {
	case COL_ULONG:
		return *(const unsigned long *)p == 0;
	case COL_PCT:
		return *(const double *)p == 0.0;
	case COL_MAP:
	case COL_KEYS:
	case COL_NKEYS:
		return ((const struct countvec *)p)->len == 0;
	case COL_CLASSES:
		return *(const unsigned *)p == 0;
	case COL_DAYS:
		return ((const struct dayvec *)p)->len == 0;
	case COL_ISTR: {
		const struct istr *is = *(const struct istr *const *)p;

		return is == NULL || (is->len == 1 && is->s[0] == '-');
	}
	default:
		return 0;
	}
}

int
column_all_zero(const struct table *t, const struct column *col)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!cell_is_zero(col, t->rows[i]))
			return 0;
	return 1;
}
