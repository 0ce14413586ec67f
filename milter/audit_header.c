/*
 * audit_header.c -- the one builder of the audit header value
 *
 * SYNOPSIS
 *	See audit_header.h.
 *
 * DESCRIPTION
 *	The value is assembled item by item into a small writer that knows
 *	the current column, so folding is decided in one place.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "audit_header.h"
#include "sanitize.h"

#define VALUE_FLAGS (SANITIZE_ASCII | SANITIZE_SEMICOLON)

struct writer {
	char *buf;
	size_t size;
	size_t len;
	size_t col; /* column of the next byte on the current line */
	int items;
};

/* Append one "key=value" item (key may be NULL), folding before it if needed. */
static void
put_item(struct writer *w, const char *key, const char *value)
{
	char clean[SANITIZE_MAX + 1];
	char item[SANITIZE_MAX + 64];
	const char *sep = "";
	size_t n;

	if (value == NULL || *value == '\0')
		value = "-";
	sanitize(clean, sizeof(clean), value, VALUE_FLAGS);
	n = (size_t)snprintf(item, sizeof(item), "%s%s%s", key ? key : "", key ? "=" : "", clean);
	if (w->items > 0) {
		/* Room for "; ITEM" and the ';' that may follow it. */
		if (w->col + 2 + n + 1 > AUDIT_HEADER_FOLD) {
			sep = ";\n\t";
			w->col = 1;
		} else {
			sep = "; ";
			w->col += 2;
		}
	}
	if (w->len + strlen(sep) + n + 1 > w->size)
		return;
	w->len += (size_t)snprintf(w->buf + w->len, w->size - w->len, "%s%s", sep, item);
	w->col += n;
	w->items++;
}

/* "NAME [ADDR]": one item whose parts are sanitised separately. */
static void
put_client(struct writer *w, const char *name, const char *addr)
{
	char cname[SANITIZE_MAX + 1], caddr[SANITIZE_MAX + 1];
	char both[2 * SANITIZE_MAX + 4];

	sanitize(cname, sizeof(cname), name && *name ? name : "unknown", VALUE_FLAGS);
	sanitize(caddr, sizeof(caddr), addr && *addr ? addr : "-", VALUE_FLAGS);
	/* Keep the address whole: cut the name so that the item fits 255 bytes
	 * (an address of over 252 bytes, which no MTA sends, leaves no name). */
	if (strlen(cname) + strlen(caddr) + 3 > SANITIZE_MAX)
		cname[strlen(caddr) + 3 < SANITIZE_MAX ? SANITIZE_MAX - strlen(caddr) - 3 : 0] = '\0';
	snprintf(both, sizeof(both), "%s [%s]", cname, caddr);
	put_item(w, "client", both);
}

size_t
audit_header_build(char *buf, size_t size, size_t name_len, const struct audit_fields *f)
{
	struct writer w = {buf, size, 0, name_len + 2, 0};

	buf[0] = '\0';
	put_item(&w, NULL, f->host);
	put_item(&w, "tls", f->tls);
	put_item(&w, "cipher", f->cipher);
	put_item(&w, "bits", f->bits);
	put_client(&w, f->client_name, f->client_addr);
	put_item(&w, "listener", f->listener);
	put_item(&w, "auth", f->auth);
	put_item(&w, "rule", f->rule);
	put_item(&w, "action", f->action);
	if (f->legacy)
		put_item(&w, "legacy", "yes");
	if (f->report_only)
		put_item(&w, "mode", "report-only");
	return w.len;
}
