/*
 * common_opts.h -- the options that the views and "notices" share
 *
 * SYNOPSIS
 *	static const struct option options[] = {
 *	    COMMON_LONG_OPTIONS, ... {NULL, 0, NULL, 0}};
 *
 *	void common_opts_init(struct common_opts *co);
 *	int common_option(struct common_opts *co, int c, const char *arg,
 *	    const char *who);
 *	int common_opts_check(const struct common_opts *co, const char *who);
 *	int common_opts_replay(struct common_opts *co, struct replay **rp,
 *	    const char *who, const char *what);
 *	void common_opts_free(struct common_opts *co);
 *
 * DESCRIPTION
 *	--since, --until, --listener and --host fill the filter; --policy
 *	and --as-of say how the records are decided again. Their getopt
 *	codes are COMMON_OPT_SINCE to COMMON_OPT_AS_OF; a command numbers
 *	its own options from COMMON_OPT_END on.
 *
 *	common_option() takes one of them (getopt_long()'s c, with its
 *	argument) and returns 0, or -1 after saying on stderr what is wrong;
 *	it returns 1 when c is none of them. who starts each message, such as
 *	"tlspolicy-report: notices: ". common_opts_check() says whether they
 *	fit together (--since not after --until, --as-of only with --policy).
 *	common_opts_replay() opens the --policy file for a replay as of
 *	--as-of (today when not given; as_of is then set) into *rp, NULL
 *	without --policy; -1 when the policy has errors, said as "WHO--policy:
 *	FILE has errors; WHAT".
 */
#ifndef REPORT_COMMON_OPTS_H
#define REPORT_COMMON_OPTS_H

#include <getopt.h>

#include "filter.h"
#include "replay.h"

enum {
	COMMON_OPT_SINCE = 256,
	COMMON_OPT_UNTIL,
	COMMON_OPT_LISTENER,
	COMMON_OPT_HOST,
	COMMON_OPT_POLICY,
	COMMON_OPT_AS_OF,
	COMMON_OPT_END
};

/* clang-format off */
#define COMMON_LONG_OPTIONS \
	{"since", required_argument, NULL, COMMON_OPT_SINCE}, \
	{"until", required_argument, NULL, COMMON_OPT_UNTIL}, \
	{"listener", required_argument, NULL, COMMON_OPT_LISTENER}, \
	{"host", required_argument, NULL, COMMON_OPT_HOST}, \
	{"policy", required_argument, NULL, COMMON_OPT_POLICY}, \
	{"as-of", required_argument, NULL, COMMON_OPT_AS_OF}
/* clang-format on */

struct common_opts {
	struct filter filter;
	const char *policy; /* --policy: decide again with this policy */
	int as_of;          /* --as-of: YYYYMMDD; 0 for today */
};

void common_opts_init(struct common_opts *co);
int common_option(struct common_opts *co, int c, const char *arg, const char *who);
int common_opts_check(const struct common_opts *co, const char *who);
int common_opts_replay(struct common_opts *co, struct replay **rp, const char *who,
                       const char *what);
void common_opts_free(struct common_opts *co);

#endif
