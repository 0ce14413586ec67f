/*
 * common_opts.c -- the options that the views and "notices" share (see common_opts.h)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "civil_date.h"
#include "common_opts.h"
#include "logtime.h"

void
common_opts_init(struct common_opts *co)
{
	memset(co, 0, sizeof(*co));
	filter_init(&co->filter);
}

static int
parse_date(const char *who, const char *opt, const char *text, int until, struct filter *f)
{
	time_t *when = until ? &f->until : &f->since;

	if (logtime_parse_arg(text, until, when) < 0) {
		fprintf(
		    stderr,
		    "%s%s: bad date \"%s\" (YYYY-MM-DD, ISO 8601, today, yesterday, now, Nh, Nd "
		    "or Nw)\n",
		    who, opt, text);
		return -1;
	}
	*(until ? &f->has_until : &f->has_since) = 1;
	return 0;
}

int
common_option(struct common_opts *co, int c, const char *arg, const char *who)
{
	switch (c) {
	case COMMON_OPT_SINCE:
		return parse_date(who, "--since", arg, 0, &co->filter);
	case COMMON_OPT_UNTIL:
		return parse_date(who, "--until", arg, 1, &co->filter);
	case COMMON_OPT_LISTENER:
		filter_add_listener(&co->filter, arg);
		return 0;
	case COMMON_OPT_HOST:
		filter_add_host(&co->filter, arg);
		return 0;
	case COMMON_OPT_POLICY:
		co->policy = arg;
		return 0;
	case COMMON_OPT_AS_OF:
		if (civil_date_parse(arg, &co->as_of) < 0) {
			fprintf(stderr, "%s--as-of: bad date \"%s\" (YYYY-MM-DD)\n", who, arg);
			return -1;
		}
		return 0;
	default:
		return 1;
	}
}

int
common_opts_check(const struct common_opts *co, const char *who)
{
	const struct filter *f = &co->filter;

	if (f->has_since && f->has_until && f->since > f->until) {
		fprintf(stderr, "%s--since is after --until\n", who);
		return -1;
	}
	if (co->as_of != 0 && co->policy == NULL) {
		fprintf(stderr, "%s--as-of needs --policy\n", who);
		return -1;
	}
	return 0;
}

int
common_opts_replay(struct common_opts *co, struct replay **rp, const char *who, const char *what)
{
	*rp = NULL;
	if (co->policy == NULL)
		return 0;
	if (co->as_of == 0)
		co->as_of = civil_date_today();
	if ((*rp = replay_open(co->policy, co->as_of)) == NULL) {
		fprintf(stderr, "%s--policy: %s has errors; %s\n", who, co->policy, what);
		return -1;
	}
	return 0;
}

void
common_opts_free(struct common_opts *co)
{
	filter_free(&co->filter);
}
