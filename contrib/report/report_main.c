/*
 * report_main.c -- tlspolicy-report: who still uses TLS 1.0/1.1?
 *
 * SYNOPSIS
 *	tlspolicy-report [VIEW] [--format text|csv|json|html] [--output FILE]
 *	    [--since DATE] [--until DATE] [--legacy-only [--include-plaintext]]
 *	    [--plaintext-only] [--listener NAME] [--host NAME] [--top N]
 *	    [--policy FILE [--as-of DATE]] [FILE ...]
 *	tlspolicy-report notices --from ADDR ... (notices.h)
 *
 * DESCRIPTION
 *	Reads milter-tlspolicy's per-transaction log lines from syslog
 *	files (plain or gzip), journalctl -o short-iso output or standard
 *	input, counts them per client, user, listener, rule and day, and
 *	prints one view (clients, users, listeners, rules, daily). With
 *	--policy, every transaction is first decided again by that policy
 *	(replay.h), so the views show what it would do. "notices" as the
 *	first argument runs notices_main() instead. See tlspolicy-report(1).
 *
 * DIAGNOSTICS
 *	Lines of other programs are skipped. Malformed milter-tlspolicy
 *	lines are counted and summed up in one line on stderr. Exit status:
 *	0 success, 1 usage error, 2 an input could not be read (the others
 *	are still reported) or the output could not be written.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aggregate.h"
#include "common_opts.h"
#include "filter.h"
#include "intern.h"
#include "linereader.h"
#include "logline.h"
#include "msg.h"
#include "output.h"
#include "notices.h"
#include "replay.h"
#include "scan.h"
#include "view.h"

#define PROG "tlspolicy-report"

enum { OPT_LEGACY = COMMON_OPT_END, OPT_PLAINTEXT, OPT_INCLUDE_PLAINTEXT, OPT_TOP, OPT_FORMAT };

static const struct option long_options[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    COMMON_LONG_OPTIONS,
    {"legacy-only", no_argument, NULL, OPT_LEGACY},
    {"plaintext-only", no_argument, NULL, OPT_PLAINTEXT},
    {"include-plaintext", no_argument, NULL, OPT_INCLUDE_PLAINTEXT},
    {"top", required_argument, NULL, OPT_TOP},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

struct options {
	const struct view *view;
	const struct output_format *format;
	const char *output;
	size_t top;
	struct common_opts co; /* --since, --until, --listener, --host, --policy, --as-of */
	int include_plaintext;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " [VIEW] [--format text|csv|json|html] [--output FILE]\n"
	            "       [--since DATE] [--until DATE] [--legacy-only [--include-plaintext]]\n"
	            "       [--plaintext-only] [--listener NAME]\n"
	            "       [--host NAME] [--top N] [--policy FILE [--as-of DATE]] [FILE ...]\n"
	            "VIEW: clients (default) | users | listeners | rules | daily\n"
	            "       " PROG " notices --help: notices to the owners of legacy clients\n"
	            "FILE: syslog or journalctl -o short-iso output, plain or .gz; none or - for "
	            "stdin\n");
}

static int
parse_top(const char *text, size_t *top)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
		return -1;
	*top = n;
	return 0;
}

/* parse_option - one option; returns 0, or -1 for a usage error */
static int
parse_option(int c, const char *arg, struct options *o)
{
	int rc = common_option(&o->co, c, arg, PROG ": ");

	if (rc <= 0)
		return rc;
	switch (c) {
	case OPT_FORMAT:
		if ((o->format = output_format_find(arg)) == NULL) {
			fprintf(stderr, PROG ": unknown format \"%s\" (text, csv, json, html)\n",
			        arg);
			return -1;
		}
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	case OPT_LEGACY:
		o->co.filter.legacy_only = 1;
		return 0;
	case OPT_PLAINTEXT:
		o->co.filter.plaintext_only = 1;
		return 0;
	case OPT_INCLUDE_PLAINTEXT: /* with --legacy-only: plaintext too */
		o->include_plaintext = 1;
		return 0;
	case OPT_TOP:
		if (parse_top(arg, &o->top) < 0) {
			fprintf(stderr, PROG ": --top: bad number \"%s\"\n", arg);
			return -1;
		}
		return 0;
	default:
		usage(stderr);
		return -1;
	}
}

static int
write_report(const struct options *o, struct aggregate *agg, const struct scan *sc, size_t nfiles)
{
	struct view_result res;
	struct report_info info;
	struct strbuf filters;
	FILE *fp = stdout;
	int status = 0;

	if (o->output != NULL && (fp = fopen(o->output, "w")) == NULL) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", o->output, strerror(errno));
		return 2;
	}
	strbuf_init(&filters);
	filter_describe(&o->co.filter, &filters);
	if (o->co.policy != NULL)
		strbuf_printf(&filters, "%sdecided by %s as of %04d-%02d-%02d",
		              filters.len ? ", " : "", o->co.policy, o->co.as_of / 10000,
		              o->co.as_of / 100 % 100, o->co.as_of % 100);
	memset(&info, 0, sizeof(info));
	info.view = o->view->name;
	info.top = o->top;
	info.lines = sc->lines;
	info.records = agg->records;
	info.malformed = sc->malformed;
	info.first_bad = sc->first_bad;
	info.failures = sc->failures;
	info.filtered = sc->filtered;
	info.nfiles = nfiles;
	info.generated = time(NULL);
	info.filters = filters.s;
	info.agg = agg;
	view_build(o->view, agg, &res);
	o->format->write(fp, &res.table, &info);
	view_result_free(&res);
	strbuf_free(&filters);
	if (ferror(fp) || (fp != stdout && fclose(fp) != 0) || (fp == stdout && fflush(fp) != 0)) {
		fprintf(stderr, PROG ": cannot write %s: %s\n", o->output ? o->output : "output",
		        strerror(errno));
		status = 2;
	}
	return status;
}

/* looks_like_view - a misspelt view rather than a file? Then say so. */
static int
looks_like_view(const char *arg)
{
	if (strpbrk(arg, "/.-") != NULL || access(arg, F_OK) == 0)
		return 0;
	fprintf(stderr, PROG ": unknown view \"%s\" (clients, users, listeners, rules, daily)\n",
	        arg);
	return 1;
}

/* parse_args - options and the optional VIEW; returns the index of the first FILE */
static int
parse_args(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->view = view_find("clients");
	o->format = output_format_find("text");
	common_opts_init(&o->co);
	while ((c = getopt_long(argc, argv, "o:hV", long_options, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'V') {
			printf(PROG " %s\n", PACKAGE_VERSION);
			exit(0);
		}
		if (parse_option(c, optarg, o) < 0)
			return -1;
	}
	if (optind < argc && view_find(argv[optind]) != NULL)
		o->view = view_find(argv[optind++]);
	else if (optind < argc && looks_like_view(argv[optind]))
		return -1;
	if (common_opts_check(&o->co, PROG ": ") < 0)
		return -1;
	if (o->include_plaintext && o->co.filter.legacy_only)
		o->co.filter.plaintext_only = 1;
	return optind;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct aggregate agg;
	struct scan sc;
	int first, status;

	msg_init(PROG);
	if (argc > 1 && strcmp(argv[1], "notices") == 0)
		return notices_main(argc - 1, argv + 1);
	if ((first = parse_args(argc, argv, &o)) < 0)
		return 1;
	scan_init(&sc);
	if (common_opts_replay(&o.co, &sc.replay, PROG ": ", "nothing read") < 0) {
		common_opts_free(&o.co);
		return 1;
	}
	aggregate_init(&agg);
	if (first == argc)
		scan_file(&sc, &agg, &o.co.filter, "-");
	for (int i = first; i < argc; i++)
		scan_file(&sc, &agg, &o.co.filter, argv[i]);
	scan_summary(&sc, stderr);
	if (sc.replay != NULL)
		replay_summary(sc.replay, stderr);
	status = write_report(&o, &agg, &sc, first == argc ? 1 : (size_t)(argc - first));
	replay_close(sc.replay);
	aggregate_free(&agg);
	common_opts_free(&o.co);
	intern_free_all();
	return sc.status > status ? sc.status : status;
}
