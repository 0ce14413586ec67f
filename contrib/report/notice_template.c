/*
 * notice_template.c -- the text of tlspolicy-report notices (see notice_template.h)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice_mail.h"
#include "notice_template.h"
#include "xalloc.h"

#define TEMPLATE_MAX (64 * 1024)

const char *const template_var_names[TV_COUNT] = {
    [TV_RECIPIENT] = "recipient",
    [TV_USER] = "user",
    [TV_FROM] = "from",
    [TV_COUNT_] = "count",
    [TV_FIRST_SEEN] = "first_seen",
    [TV_LAST_SEEN] = "last_seen",
    [TV_HOSTS] = "hosts",
    [TV_VERSIONS] = "versions",
    [TV_CLIENTS] = "clients",
    [TV_CHANGE] = "change",
    [TV_DEADLINE] = "deadline",
    [TV_POLICY] = "policy",
};

static const char user_subject[] = "Action needed: outdated encryption (TLS) used by {{user}}";

static const char user_body[] =
    "Hello,\n"
    "\n"
    "this is an automatic notice from the mail service ({{hosts}}).\n"
    "\n"
    "Between {{first_seen}} and {{last_seen}}, mail was sent as\n"
    "{{user}} over connections that used {{versions}}.\n"
    "These outdated versions no longer protect your password and your mail\n"
    "reliably and are being switched off.\n"
    "{{change}}"
    "\n"
    "The devices or programs seen ({{count}}):\n"
    "\n"
    "{{clients}}"
    "What to do: update the mail program or device (or its operating system)\n"
    "and check that its outgoing mail (SMTP) settings use TLS 1.2 or newer.\n"
    "For a device that cannot be updated, ask your mail administrator.\n"
    "If this is already done, nothing more is needed.\n"
    "\n"
    "-- \n"
    "Sent automatically by tlspolicy-report; replies go to {{from}}.\n";

static const char postmaster_subject[] = "Clients without SMTP AUTH using outdated TLS: {{count}}";

static const char postmaster_body[] =
    "Hello postmaster,\n"
    "\n"
    "between {{first_seen}} and {{last_seen}}, {{count}} client(s) sent mail to\n"
    "the mail service ({{hosts}}) without SMTP AUTH over {{versions}}.\n"
    "They are listed below with their PTR and HELO names, so that their\n"
    "owners can be found and warned.\n"
    "{{change}}"
    "\n"
    "{{clients}}"
    "-- \n"
    "Sent automatically by tlspolicy-report.\n";

void
template_builtin(struct template *t, int postmaster)
{
	t->subject = xstrdup(postmaster ? postmaster_subject : user_subject);
	t->body = xstrdup(postmaster ? postmaster_body : user_body);
}

/* var_at - the variable whose placeholder starts at p ("{{"), or -1; *len its length */
static int
var_at(const char *p, size_t *len)
{
	for (int i = 0; i < TV_COUNT; i++) {
		size_t n = strlen(template_var_names[i]);

		if (strncmp(p + 2, template_var_names[i], n) == 0 &&
		    strncmp(p + 2 + n, "}}", 2) == 0) {
			*len = n + 4;
			return i;
		}
	}
	return -1;
}

/* check_text - every "{{" opens a known placeholder, the text is UTF-8 */
static int
check_text(const char *text, const char *path, char *err, size_t errlen)
{
	struct strbuf clean;
	int ok;
	size_t len;

	for (const char *p = text; (p = strstr(p, "{{")) != NULL; p += 2) {
		if (var_at(p, &len) < 0) {
			snprintf(err, errlen, "%s: unknown placeholder \"%.24s\"", path, p);
			return -1;
		}
	}
	strbuf_init(&clean);
	for (const char *p = text; *p; p++) { /* tabs and newlines are fine in a body */
		char c = *p == '\n' || *p == '\t' ? ' ' : *p;
		strbuf_add(&clean, &c, 1);
	}
	{
		struct strbuf check;

		strbuf_init(&check);
		mail_text(&check, clean.s, clean.len);
		ok = strcmp(check.s, clean.s) == 0;
		strbuf_free(&check);
	}
	strbuf_free(&clean);
	if (!ok) {
		snprintf(err, errlen, "%s: not UTF-8 text (or control characters)", path);
		return -1;
	}
	return 0;
}

int
template_load(struct template *t, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *buf, *body;
	size_t n;

	memset(t, 0, sizeof(*t));
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(TEMPLATE_MAX + 1);
	n = fread(buf, 1, TEMPLATE_MAX + 1, fp);
	if (ferror(fp) || n > TEMPLATE_MAX || memchr(buf, '\0', n) != NULL) {
		snprintf(err, errlen, "%s: %s", path,
		         ferror(fp)         ? "read error"
		         : n > TEMPLATE_MAX ? "longer than 64 KiB"
		                            : "NUL byte");
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	buf[n] = '\0';
	body = buf;
	if (strncmp(buf, "Subject:", 8) == 0) {
		char *nl = strchr(buf, '\n');
		char *s = buf + 8;

		if (nl == NULL)
			nl = buf + n;
		while (*s == ' ' || *s == '\t')
			s++;
		t->subject = xmalloc((size_t)(nl - s) + 1);
		memcpy(t->subject, s, (size_t)(nl - s));
		t->subject[nl - s] = '\0';
		body = *nl ? nl + 1 : nl;
		if (*body == '\n')
			body++;
	} else {
		t->subject = xstrdup(user_subject);
	}
	t->body = xstrdup(body);
	free(buf);
	if (check_text(t->subject, path, err, errlen) < 0 ||
	    check_text(t->body, path, err, errlen) < 0) {
		template_free(t);
		return -1;
	}
	return 0;
}

void
template_expand(struct strbuf *out, const char *text, const char *const values[TV_COUNT])
{
	const char *p;
	size_t len;
	int v;

	while ((p = strstr(text, "{{")) != NULL) {
		strbuf_add(out, text, (size_t)(p - text));
		if ((v = var_at(p, &len)) < 0) {
			strbuf_add(out, p, 2);
			text = p + 2;
			continue;
		}
		if (values[v] != NULL)
			strbuf_puts(out, values[v]);
		text = p + len;
	}
	strbuf_puts(out, text);
}

void
template_free(struct template *t)
{
	free(t->subject);
	free(t->body);
	memset(t, 0, sizeof(*t));
}
