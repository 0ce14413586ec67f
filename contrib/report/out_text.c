/*
 * out_text.c -- the aligned text format (see output.h)
 *
 * Column widths come from the content; when the table would be wider
 * than 100 columns, the widest string columns are narrowed, down to
 * their minimum widths, and cut values end in '~'. Details that do not
 * fit a table go on indented KEY=VALUE lines under each row.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "logtime.h"
#include "output.h"
#include "xalloc.h"

#define TEXT_WIDTH    100
#define DETAIL_INDENT 4

static const struct cell_style text_style = {"-", " ", ":"};

struct text_col {
	const struct column *col;
	int width;
};

/* text_columns - the table columns of this table, with content widths */
static size_t
text_columns(const struct table *t, size_t nrows, struct text_col *tc, struct strbuf *sb)
{
	size_t n = 0;

	for (size_t c = 0; c < t->ncols; c++) {
		const struct column *col = &t->cols[c];

		if ((col->show & SHOW_TEXT) == 0)
			continue;
		if ((col->show & SHOW_NONZERO) && column_all_zero(t, col))
			continue;
		tc[n].col = col;
		tc[n].width = (int)strlen(col->head);
		for (size_t r = 0; r < nrows; r++) {
			strbuf_reset(sb);
			cell_format(col, t->rows[r], &text_style, sb);
			if ((int)sb->len > tc[n].width)
				tc[n].width = (int)sb->len;
		}
		n++;
	}
	return n;
}

/* fit_width - narrow the widest cuttable column until the table fits */
static void
fit_width(struct text_col *tc, size_t n)
{
	int total = 0;

	for (size_t i = 0; i < n; i++)
		total += tc[i].width + (i > 0);
	while (total > TEXT_WIDTH) {
		struct text_col *widest = NULL;

		for (size_t i = 0; i < n; i++)
			if (tc[i].col->min_width > 0 && tc[i].width > tc[i].col->min_width &&
			    (widest == NULL || tc[i].width > widest->width))
				widest = &tc[i];
		if (widest == NULL)
			return;
		widest->width--;
		total--;
	}
}

static void
put_cell(FILE *fp, const struct text_col *tc, const char *s, size_t len, int last)
{
	int w = tc->width;

	if ((int)len > w) {
		fprintf(fp, "%.*s~", w - 1, s);
	} else if (column_is_numeric(tc->col)) {
		fprintf(fp, "%*s", w, s);
	} else {
		fputs(s, fp);
		if (!last)
			fprintf(fp, "%*s", w - (int)len, "");
	}
}

/* put_word - one word of the detail lines, wrapped at TEXT_WIDTH */
static void
put_word(FILE *fp, const char *w, size_t len, const char *sep, int *col)
{
	int seplen = (int)strlen(sep);

	if (*col > DETAIL_INDENT && *col + seplen + (int)len > TEXT_WIDTH) {
		fprintf(fp, "\n%*s", DETAIL_INDENT + 2, "");
		*col = DETAIL_INDENT + 2;
	} else if (*col == 0) {
		fprintf(fp, "%*s", DETAIL_INDENT, "");
		*col = DETAIL_INDENT;
	} else {
		fputs(sep, fp);
		*col += seplen;
	}
	fwrite(w, 1, len, fp);
	*col += (int)len;
}

static void
put_details(FILE *fp, const struct table *t, const void *row, struct strbuf *sb)
{
	int col = 0;

	for (size_t c = 0; c < t->ncols; c++) {
		const struct column *cl = &t->cols[c];
		const char *w, *sep = "  ";

		if ((cl->show & SHOW_DETAIL) == 0 || cell_is_zero(cl, row))
			continue;
		strbuf_reset(sb);
		strbuf_printf(sb, "%s=", cl->key);
		cell_format(cl, row, &text_style, sb);
		for (w = sb->s; *w != '\0'; sep = " ") {
			size_t len = strcspn(w, " ");

			put_word(fp, w, len, sep, &col);
			w += len;
			w += strspn(w, " ");
		}
	}
	if (col > 0)
		fputc('\n', fp);
}

static int
has_details(const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].show & SHOW_DETAIL)
			return 1;
	return 0;
}

static void
put_summary(FILE *fp, const struct table *t, const struct report_info *info)
{
	const struct aggregate *agg = info->agg;
	char a[LOGTIME_BUFSIZE], b[LOGTIME_BUFSIZE];

	fprintf(fp, "# %s: %lu transactions", t->title, agg->records - agg->aborted);
	if (agg->records > 0)
		fprintf(fp, ", %s .. %s", logtime_format(agg->first, a),
		        logtime_format(agg->last, b));
	fprintf(fp, ", %zu rows%s%s\n", t->nrows, *info->filters ? "; " : "", info->filters);
	if (agg->aborted > 0) /* a line of its own: the first stays within 100 columns */
		fprintf(fp, "# and %lu aborted transactions, counted apart\n", agg->aborted);
}

void
output_text(FILE *fp, const struct table *t, const struct report_info *info)
{
	size_t nrows = output_rows(t, info);
	struct text_col *tc = xcalloc(t->ncols, sizeof(*tc));
	struct strbuf sb;
	size_t n;
	int details = has_details(t);

	strbuf_init(&sb);
	n = text_columns(t, nrows, tc, &sb);
	fit_width(tc, n);
	put_summary(fp, t, info);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(' ', fp);
		put_cell(fp, &tc[i], tc[i].col->head, strlen(tc[i].col->head), i + 1 == n);
	}
	fputc('\n', fp);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t i = 0; i < n; i++) {
			strbuf_reset(&sb);
			cell_format(tc[i].col, t->rows[r], &text_style, &sb);
			if (i > 0)
				fputc(' ', fp);
			put_cell(fp, &tc[i], sb.s, sb.len, i + 1 == n);
		}
		fputc('\n', fp);
		if (details)
			put_details(fp, t, t->rows[r], &sb);
	}
	if (nrows < t->nrows)
		fprintf(fp, "# %zu more rows not shown (--top)\n", t->nrows - nrows);
	strbuf_free(&sb);
	free(tc);
}
