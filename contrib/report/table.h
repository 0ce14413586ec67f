/*
 * table.h -- a view as rows and typed columns, for every output format
 *
 * SYNOPSIS
 *	void cell_format(const struct column *col, const void *row,
 *	    const struct cell_style *style, struct strbuf *out);
 *	int cell_is_zero(const struct column *col, const void *row);
 *	int column_all_zero(const struct table *t, const struct column *col);
 *	const void *cell_ptr(const struct column *col, const void *row);
 *
 *	void strbuf_init(struct strbuf *sb);
 *	void strbuf_reset(struct strbuf *sb);
 *	void strbuf_add(struct strbuf *sb, const char *s, size_t len);
 *	void strbuf_puts(struct strbuf *sb, const char *s);
 *	void strbuf_printf(struct strbuf *sb, const char *fmt, ...);
 *	void strbuf_free(struct strbuf *sb);
 *
 * DESCRIPTION
 *	A view (clients, users, ...) is a struct table: an array of row
 *	pointers and a table of columns, each naming its key (CSV and JSON),
 *	its heading (text and HTML), its kind and the offset of its value in
 *	the row structure, and in which outputs it appears. The output
 *	formats walk that table; none of them knows the views.
 *
 *	cell_format() appends the plain-text form of a cell (numbers in
 *	decimal, times in ISO 8601 UTC, maps as KEY:COUNT pairs with the
 *	separators of style); a missing string appends style->missing.
 *	cell_is_zero() is true for a zero number or an empty map or list;
 *	column_all_zero() is true when it holds for every row.
 *
 *	A strbuf is a growable NUL-terminated string.
 */
#ifndef REPORT_TABLE_H
#define REPORT_TABLE_H

#include <stddef.h>

enum col_kind {
	COL_ISTR,    /* const struct istr *; NULL or "-" is missing */
	COL_ULONG,   /* unsigned long */
	COL_TIME,    /* time_t, ISO 8601 UTC */
	COL_DAY,     /* long day number, YYYY-MM-DD */
	COL_PCT,     /* double, a percentage */
	COL_MAP,     /* struct countvec: key -> count */
	COL_KEYS,    /* struct countvec: the keys only */
	COL_NKEYS,   /* struct countvec: how many keys */
	COL_TLS,     /* unsigned long[TLS_VERSION_COUNT]: version -> count */
	COL_ACTIONS, /* unsigned long[ACTION_COUNT]: action -> count */
	COL_CLASSES, /* unsigned, CIPHER_CLASS_* mask: class names */
	COL_DAYS     /* struct dayvec: transactions per day (HTML: a sparkline) */
};

/* Where a column appears. */
#define SHOW_TEXT    0x01 /* a column of the text table */
#define SHOW_DETAIL  0x02 /* the text view's indented KEY=VALUE lines */
#define SHOW_CSV     0x04
#define SHOW_JSON    0x08
#define SHOW_HTML    0x10
#define SHOW_NONZERO 0x20 /* text and HTML: left out when zero in every row */
#define SHOW_LEGACY  0x40 /* HTML: a count of legacy messages (highlighted) */
#define SHOW_MACHINE (SHOW_CSV | SHOW_JSON)
#define SHOW_ALL     (SHOW_TEXT | SHOW_CSV | SHOW_JSON | SHOW_HTML)

struct column {
	const char *key;  /* CSV and JSON name */
	const char *head; /* text and HTML heading */
	enum col_kind kind;
	unsigned show; /* SHOW_* */
	size_t offset; /* of the value in the row */
	int min_width; /* text: a string may be cut down to this; 0: never */
};

struct table {
	const char *name;  /* the view: "clients" */
	const char *title; /* a heading for people */
	const struct column *cols;
	size_t ncols;
	const void **rows;
	size_t nrows;
};

struct cell_style {
	const char *missing;  /* for a missing string */
	const char *pair_sep; /* between the pairs of a map: " " */
	const char *kv_sep;   /* between key and count: ":" */
};

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_free(struct strbuf *sb);

const void *cell_ptr(const struct column *col, const void *row);
void cell_format(const struct column *col, const void *row, const struct cell_style *style,
                 struct strbuf *out);
int cell_is_zero(const struct column *col, const void *row);
int column_all_zero(const struct table *t, const struct column *col);
int column_is_numeric(const struct column *col);

#endif
