/*
 * out_csv.c -- the CSV format (RFC 4180; see output.h)
 *
 * One header line with the column keys, then one line per row, CRLF
 * line ends. A missing string is an empty field; maps are written as
 * "key=count;key=count", lists as "a;b".
 */
#include "config.h"

#include "escape.h"
#include "output.h"

static const struct cell_style csv_style = {"", ";", "="};

void
output_csv(FILE *fp, const struct table *t, const struct report_info *info)
{
	size_t nrows = output_rows(t, info);
	struct strbuf sb, field;
	int first = 1;

	strbuf_init(&sb);
	strbuf_init(&field);
	for (size_t c = 0; c < t->ncols; c++) {
		if ((t->cols[c].show & SHOW_CSV) == 0)
			continue;
		if (!first)
			strbuf_add(&sb, ",", 1);
		first = 0;
		csv_escape(&sb, t->cols[c].key, strlen(t->cols[c].key));
	}
	fprintf(fp, "%s\r\n", sb.s);
	for (size_t r = 0; r < nrows; r++) {
		strbuf_reset(&sb);
		first = 1;
		for (size_t c = 0; c < t->ncols; c++) {
			const struct column *col = &t->cols[c];

			if ((col->show & SHOW_CSV) == 0)
				continue;
			if (!first)
				strbuf_add(&sb, ",", 1);
			first = 0;
			strbuf_reset(&field);
			cell_format(col, t->rows[r], &csv_style, &field);
			if (col->kind == COL_KEYS)
				for (char *p = field.s; *p; p++)
					*p = *p == ',' ? ';' : *p;
			csv_escape(&sb, field.s, field.len);
		}
		fprintf(fp, "%s\r\n", sb.s);
	}
	strbuf_free(&field);
	strbuf_free(&sb);
}
