/*
 * notice_template.h -- the text of tlspolicy-report notices
 *
 * SYNOPSIS
 *	void template_builtin(struct template *t, int postmaster);
 *	int template_load(struct template *t, const char *path, char *err,
 *	    size_t errlen);
 *	void template_expand(struct strbuf *out, const char *text,
 *	    const char *const values[TV_COUNT]);
 *	void template_free(struct template *t);
 *
 * DESCRIPTION
 *	A template is a subject line and a body, both plain text with
 *	placeholders {{name}} (the names of template_var_names[]). A
 *	template file starts with a line "Subject: ...", then an empty line,
 *	then the body; without the Subject line the whole file is the body
 *	and the built-in subject is used.
 *
 *	template_builtin() gives the built-in plain-English template of a
 *	user notice, or (postmaster set) of the postmaster summary.
 *	template_load() reads a template file; it returns 0, or -1 with a
 *	message in err (cannot read it, an unknown or unterminated
 *	placeholder, not UTF-8, a NUL byte).
 *
 *	template_expand() appends text with each placeholder replaced by
 *	values[that variable] (NULL: nothing).
 */
#ifndef REPORT_NOTICE_TEMPLATE_H
#define REPORT_NOTICE_TEMPLATE_H

#include <stddef.h>

#include "table.h"

enum template_var {
	TV_RECIPIENT,  /* the To address */
	TV_USER,       /* the SMTP AUTH user; "unauthenticated clients" for the summary */
	TV_FROM,       /* --from */
	TV_COUNT_,     /* number of clients */
	TV_FIRST_SEEN, /* earliest, "2026-11-24 08:00 UTC" */
	TV_LAST_SEEN,  /* latest */
	TV_HOSTS,      /* the mail servers whose logs showed it */
	TV_VERSIONS,   /* "TLS 1.0 and TLS 1.1" */
	TV_CLIENTS,    /* one block per client */
	TV_CHANGE,     /* a paragraph on what --policy will do, or "" */
	TV_DEADLINE,   /* the first date mail is refused, "now", or "" */
	TV_POLICY,     /* "FILE as of DATE", or "" */
	TV_COUNT
};

extern const char *const template_var_names[TV_COUNT];

struct template
{
	char *subject;
	char *body;
};

void template_builtin(struct template *t, int postmaster);
int template_load(struct template *t, const char *path, char *err, size_t errlen);
void template_expand(struct strbuf *out, const char *text, const char *const values[TV_COUNT]);
void template_free(struct template *t);

#endif
