/*
 * load_report.c -- load a policy and report its errors: the one place
 *
 * SYNOPSIS
 *	See load_report.h.
 */
#include <stdio.h>

#include "load_report.h"
#include "msg.h"

static void
report_line(enum load_report how, const char *line)
{
	if (how == LOAD_REPORT_LOG)
		msg_error("%s", line);
	else
		fprintf(stderr, "%s\n", line);
}

struct policy *
policy_load_report(const char *path, enum load_report how)
{
	struct policy_errors errors;
	struct policy *p;
	char line[4200];
	size_t i;

	policy_errors_init(&errors);
	if ((p = policy_load(path, &errors)) == NULL) {
		for (i = 0; i < errors.count; i++)
			report_line(how, errors.lines[i]);
		if (errors.count == 0) {
			snprintf(line, sizeof(line), "%s: cannot load the policy", path);
			report_line(how, line);
		}
	}
	policy_errors_free(&errors);
	return p;
}
