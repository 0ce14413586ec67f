/*
 * filter.c -- which log records a report counts (see filter.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "logtime.h"
#include "xalloc.h"

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

static void
list_add(const char ***list, size_t *n, const char *name)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = name;
}

void
filter_add_listener(struct filter *f, const char *name)
{
	list_add(&f->listeners, &f->nlisteners, name);
}

void
filter_add_host(struct filter *f, const char *name)
{
	list_add(&f->hosts, &f->nhosts, name);
}

/* in_list - is the field one of the names (an empty list matches all) */
static int
in_list(const char *const *list, size_t n, const struct logfield *fld)
{
	if (n == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == fld->len && memcmp(list[i], fld->s, fld->len) == 0)
			return 1;
	return 0;
}

int
filter_match(const struct filter *f, const struct logrec *rec)
{
	if (f->has_since && rec->time < f->since)
		return 0;
	if (f->has_until && rec->time > f->until)
		return 0;
	if ((f->legacy_only || f->plaintext_only) &&
	    !((f->legacy_only && tls_is_legacy(rec->tls)) ||
	      (f->plaintext_only && tls_is_plaintext(rec->tls))))
		return 0;
	return in_list(f->listeners, f->nlisteners, &rec->v[LK_LISTENER]) &&
	       in_list(f->hosts, f->nhosts, &rec->host);
}

static void
describe_list(struct strbuf *out, const char *what, const char *const *list, size_t n)
{
	if (n == 0)
		return;
	strbuf_printf(out, "%s%s ", out->len ? ", " : "", what);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(out, "%s%s", i ? "|" : "", list[i]);
}

void
filter_describe(const struct filter *f, struct strbuf *out)
{
	char buf[LOGTIME_BUFSIZE];

	if (f->has_since)
		strbuf_printf(out, "%ssince %s", out->len ? ", " : "",
		              logtime_format(f->since, buf));
	if (f->has_until)
		strbuf_printf(out, "%suntil %s", out->len ? ", " : "",
		              logtime_format(f->until, buf));
	if (f->legacy_only || f->plaintext_only)
		strbuf_printf(out, "%s%s only", out->len ? ", " : "",
		              !f->plaintext_only ? "TLS below 1.2"
		              : !f->legacy_only  ? "plaintext"
		                                 : "TLS below 1.2 and plaintext");
	describe_list(out, "listener", f->listeners, f->nlisteners);
	describe_list(out, "host", f->hosts, f->nhosts);
}

void
filter_free(struct filter *f)
{
	free(f->listeners);
	free(f->hosts);
	memset(f, 0, sizeof(*f));
}
