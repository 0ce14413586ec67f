/*
 * NAME
 *	outcome.c -- how one SMTP transaction ended, and its exit status
 *	(see outcome.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "outcome.h"

static const struct outcome_info {
	const char *word;
	int exit_status;
} outcome_info[] = {
    [OUTCOME_ACCEPTED] = {"accepted", 0},
    [OUTCOME_DEFERRED] = {"deferred", 4},
    [OUTCOME_REJECTED] = {"rejected", 5},
    [OUTCOME_FAILED] = {"failed", 2},
};

void
outcome_from_reply(struct outcome *out, const char *stage, const struct smtp_reply *r)
{
	memset(out, 0, sizeof(*out));
	out->stage = stage;
	out->code = r->code;
	if (r->code >= 500)
		out->kind = OUTCOME_REJECTED;
	else if (r->code >= 400)
		out->kind = OUTCOME_DEFERRED;
	else
		out->kind = OUTCOME_ACCEPTED;
	snprintf(out->xcode, sizeof(out->xcode), "%s", r->xcode);
	smtp_reply_summary(r, out->text, sizeof(out->text));
}

void
outcome_failed(struct outcome *out, const char *stage, const char *reason)
{
	memset(out, 0, sizeof(*out));
	out->kind = OUTCOME_FAILED;
	out->stage = stage;
	snprintf(out->text, sizeof(out->text), "%s", reason);
}

const char *
outcome_word(const struct outcome *out)
{
	return outcome_info[out->kind].word;
}

int
outcome_exit(const struct outcome *out)
{
	return outcome_info[out->kind].exit_status;
}

void
outcome_line(const struct outcome *out, char *buf, size_t size)
{
	char stage[16];
	size_t i;

	if (out->kind == OUTCOME_FAILED) {
		for (i = 0; i + 1 < sizeof(stage) && out->stage[i] != '\0'; i++)
			stage[i] = (char)tolower((unsigned char)out->stage[i]);
		stage[i] = '\0';
		snprintf(buf, size, "failed %s: %s", stage, out->text);
	} else {
		snprintf(buf, size, "%s %d%s%s%s%s", outcome_word(out), out->code,
		         out->xcode[0] ? " " : "", out->xcode, out->text[0] ? " " : "", out->text);
	}
}
