/*
 * NAME
 *	main.c -- tlspolicy-probe: command line
 *
 * SYNOPSIS
 *	tlspolicy-probe scan HOST[:PORT] [options]
 *	tlspolicy-probe send HOST[:PORT] --tls none|1.0|1.1|1.2|1.3 [options]
 *	tlspolicy-probe load HOST[:PORT] [--sessions N] [--messages-per-session M]
 *	    [--total T] [--tls-mix 1.0:1,1.2:2,1.3:1] [options]
 *
 * DESCRIPTION
 *	Parses the command and its options with the table below (each row:
 *	name, value type, where the value goes, which commands take it,
 *	bounds) and runs scan_run(), send_run() or load_run(). Options may
 *	come before or after HOST[:PORT]; values follow as "--opt value" or
 *	"--opt=value".
 *	See tlspolicy-probe(1).
 *
 * DIAGNOSTICS
 *	Usage errors print one line to standard error and exit with status 1.
 *	Otherwise the exit status is the command's (scan.h, send.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "msg.h"
#include "probe.h"
#include "scan.h"
#include "send.h"
#include "tls_session.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define EXIT_USAGE 1

enum command {
	CMD_SCAN = 1,
	CMD_SEND = 2,
	CMD_LOAD = 4,
	CMD_MAIL = CMD_SEND | CMD_LOAD, /* commands that send messages */
	CMD_ALL = CMD_SCAN | CMD_SEND | CMD_LOAD
};

enum opt_type {
	OPT_STRING, /* const char * */
	OPT_LIST,   /* const char *[PROBE_MAX_LIST] plus a count */
	OPT_INT,    /* int within min..max */
	OPT_YESNO,  /* bool; "yes" or "no", bare means yes */
	OPT_FLAG,   /* bool set to true, no value */
	OPT_TLS     /* int, a TLS version */
};

static const struct option_spec {
	const char *name;
	enum opt_type type;
	size_t offset;       /* the field in struct probe_opts */
	size_t count_offset; /* OPT_LIST: its int counter */
	unsigned commands;   /* CMD_SCAN, CMD_SEND or both */
	int min, max;        /* OPT_INT bounds */
	const char *arg;     /* for the usage text */
} options[] = {
#define F(field) offsetof(struct probe_opts, field)
    {"--tls", OPT_TLS, F(tls_version), 0, CMD_SEND, 0, 0, "none|1.0|1.1|1.2|1.3"},
    {"--sessions", OPT_INT, F(sessions), 0, CMD_LOAD, 1, 20000, "N"},
    {"--messages-per-session", OPT_INT, F(per_session), 0, CMD_LOAD, 1, 1000000, "M"},
    {"--total", OPT_INT, F(total), 0, CMD_LOAD, 1, 100000000, "T"},
    {"--tls-mix", OPT_STRING, F(tls_mix), 0, CMD_LOAD, 0, 0, "VERSION:WEIGHT,..."},
    {"--hold", OPT_INT, F(hold), 0, CMD_LOAD, 0, 3600, "SEC"},
    {"--size", OPT_INT, F(size), 0, CMD_LOAD, 1, 64 * 1024 * 1024, "BYTES"},
    {"--auth", OPT_STRING, F(auth), 0, CMD_MAIL, 0, 0, "USER:PASS"},
    {"--from", OPT_STRING, F(from), 0, CMD_MAIL, 0, 0, "ADDR"},
    {"--to", OPT_LIST, F(to), F(nto), CMD_MAIL, 0, 0, "ADDR (repeatable)"},
    {"--ehlo-after-tls", OPT_YESNO, F(ehlo_after_tls), 0, CMD_MAIL, 0, 0, "yes|no"},
    {"--header", OPT_LIST, F(header), F(nheader), CMD_MAIL, 0, 0, "'Name: value' (repeatable)"},
    {"--subject", OPT_STRING, F(subject), 0, CMD_MAIL, 0, 0, "TEXT"},
    {"--body-file", OPT_STRING, F(body_file), 0, CMD_MAIL, 0, 0, "FILE (- for stdin)"},
    {"--count", OPT_INT, F(count), 0, CMD_SEND, 1, 1000000, "N"},
    {"--quiet", OPT_FLAG, F(quiet), 0, CMD_SEND, 0, 0, NULL},
    {"--verbose", OPT_FLAG, F(verbose), 0, CMD_SCAN, 0, 0, NULL},
    {"--source", OPT_STRING, F(source), 0, CMD_ALL, 0, 0, "ADDR"},
    {"--ehlo", OPT_STRING, F(ehlo), 0, CMD_ALL, 0, 0, "NAME"},
    {"--cafile", OPT_STRING, F(cafile), 0, CMD_ALL, 0, 0, "FILE"},
    {"--client-cert", OPT_STRING, F(client_cert), 0, CMD_ALL, 0, 0, "FILE"},
    {"--client-key", OPT_STRING, F(client_key), 0, CMD_ALL, 0, 0, "FILE"},
    {"--cipher", OPT_STRING, F(cipher), 0, CMD_ALL, 0, 0, "GNUTLS-PRIORITY-EXTRA"},
    {"--timeout", OPT_INT, F(timeout), 0, CMD_ALL, 1, 3600, "SEC"},
    {"--json", OPT_FLAG, F(json), 0, CMD_ALL, 0, 0, NULL},
#undef F
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static const struct command_spec {
	const char *name;
	enum command cmd;
	int (*run)(const struct probe_opts *);
} commands[] = {
    {"scan", CMD_SCAN, scan_run},
    {"send", CMD_SEND, send_run},
    {"load", CMD_LOAD, load_run},
};

static void
usage(FILE *fp)
{
	size_t i, c;

	fprintf(
	    fp,
	    "usage: tlspolicy-probe scan HOST[:PORT] [options]\n"
	    "       tlspolicy-probe send HOST[:PORT] --tls none|1.0|1.1|1.2|1.3 [options]\n"
	    "       tlspolicy-probe load HOST[:PORT] [--sessions N] [--messages-per-session M]\n"
	    "                       [--total T] [--tls-mix 1.0:1,1.2:2,1.3:1] [options]\n"
	    "       tlspolicy-probe --version\n");
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		fprintf(fp, "%s options:\n", commands[c].name);
		for (i = 0; i < NOPTIONS; i++)
			if (options[i].commands & commands[c].cmd)
				fprintf(fp, "  %s%s%s\n", options[i].name,
				        options[i].arg ? " " : "",
				        options[i].arg ? options[i].arg : "");
	}
}

static void __attribute__((noreturn)) __attribute__((format(printf, 1, 2)))
die_usage(const char *fmt, ...);

static void
die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("tlspolicy-probe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try --help)\n", stderr);
	exit(EXIT_USAGE);
}

/* The option named by arg ("--opt" or "--opt=value"); *value gets the inline value. */
static const struct option_spec *
find_option(const char *arg, const char **value)
{
	size_t i, n;

	for (i = 0; i < NOPTIONS; i++) {
		n = strlen(options[i].name);
		if (strncmp(arg, options[i].name, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
			*value = arg[n] == '=' ? arg + n + 1 : NULL;
			return &options[i];
		}
	}
	return NULL;
}

/* Values go on the wire or into headers: no control characters. */
static void
check_text(const char *name, const char *value)
{
	const unsigned char *p;

	for (p = (const unsigned char *)value; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			die_usage("%s: control characters are not allowed", name);
}

static int
parse_int(const struct option_spec *spec, const char *value)
{
	char *end;
	long n;

	n = strtol(value, &end, 10);
	if (*value == '\0' || *end != '\0' || n < spec->min || n > spec->max)
		die_usage("%s: expected a number from %d to %d, got \"%s\"", spec->name, spec->min,
		          spec->max, value);
	return (int)n;
}

static bool
parse_yesno(const struct option_spec *spec, const char *value)
{
	if (strcmp(value, "yes") == 0)
		return true;
	if (strcmp(value, "no") == 0)
		return false;
	die_usage("%s: expected yes or no, got \"%s\"", spec->name, value);
}

static void
set_option(struct probe_opts *o, const struct option_spec *spec, const char *value)
{
	char *field = (char *)o + spec->offset;
	int *count;

	switch (spec->type) {
	case OPT_STRING:
		check_text(spec->name, value);
		*(const char **)field = value;
		break;
	case OPT_LIST:
		check_text(spec->name, value);
		count = (int *)((char *)o + spec->count_offset);
		if (*count >= PROBE_MAX_LIST)
			die_usage("%s: at most %d times", spec->name, PROBE_MAX_LIST);
		((const char **)field)[(*count)++] = value;
		break;
	case OPT_INT:
		*(int *)field = parse_int(spec, value);
		break;
	case OPT_YESNO:
		*(bool *)field = value == NULL || parse_yesno(spec, value);
		break;
	case OPT_FLAG:
		*(bool *)field = true;
		break;
	case OPT_TLS:
		if ((*(int *)field = tls_version_parse(value)) < 0)
			die_usage("--tls: expected none, 1.0, 1.1, 1.2 or 1.3, got \"%s\"", value);
		o->tls_given = true;
		break;
	}
}

/* Which option types take a value from the next argument. */
static bool
takes_value(const struct option_spec *spec, const char *next)
{
	if (spec->type == OPT_FLAG)
		return false;
	if (spec->type == OPT_YESNO)
		return next != NULL && (strcmp(next, "yes") == 0 || strcmp(next, "no") == 0);
	return true;
}

static void
parse_args(struct probe_opts *o, enum command cmd, int argc, char **argv)
{
	const struct option_spec *spec;
	const char *value;
	int i;

	for (i = 0; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			if (o->target != NULL)
				die_usage("unexpected argument \"%s\"", argv[i]);
			o->target = argv[i];
			continue;
		}
		if ((spec = find_option(argv[i], &value)) == NULL || !(spec->commands & cmd))
			die_usage("unknown option \"%s\" for this command", argv[i]);
		if (spec->type == OPT_FLAG && value != NULL)
			die_usage("%s takes no value", spec->name);
		if (value == NULL && takes_value(spec, i + 1 < argc ? argv[i + 1] : NULL)) {
			if (i + 1 >= argc)
				die_usage("%s needs a value", spec->name);
			value = argv[++i];
		}
		set_option(o, spec, value);
	}
}

/* Checks that involve a value's shape or several options. */
static void
check_opts(const struct probe_opts *o, enum command cmd)
{
	const char *colon;
	int i;

	if (o->target == NULL)
		die_usage("missing HOST[:PORT]");
	if (cmd == CMD_SEND && !o->tls_given)
		die_usage("send needs --tls none|1.0|1.1|1.2|1.3");
	if (o->auth != NULL && strchr(o->auth, ':') == NULL)
		die_usage("--auth: expected USER:PASS");
	if (o->ehlo != NULL && (o->ehlo[0] == '\0' || strchr(o->ehlo, ' ') != NULL))
		die_usage("--ehlo: expected a name without spaces");
	if (o->client_key != NULL && o->client_cert == NULL)
		die_usage("--client-key needs --client-cert");
	for (i = 0; i < o->nheader; i++) {
		colon = strchr(o->header[i], ':');
		if (colon == NULL || colon == o->header[i] ||
		    strcspn(o->header[i], " \t") < (size_t)(colon - o->header[i]))
			die_usage("--header: expected 'Name: value', got \"%s\"", o->header[i]);
	}
}

int
main(int argc, char **argv)
{
	struct probe_opts o;
	size_t c;

	msg_init("tlspolicy-probe");
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof(o));
	o.timeout = 30;
	o.count = 1;
	o.ehlo_after_tls = true;
	o.sessions = 10;
	o.per_session = 1;
	o.total = 100;
	o.tls_mix = "1.2";
	o.hold = -1;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("tlspolicy-probe %s (GnuTLS %s)\n", PACKAGE_VERSION,
		       gnutls_check_version(NULL));
		return 0;
	}
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(argv[1], commands[c].name) != 0)
			continue;
		parse_args(&o, commands[c].cmd, argc - 2, argv + 2);
		check_opts(&o, commands[c].cmd);
		return commands[c].run(&o);
	}
	die_usage("unknown command \"%s\": expected scan, send or load", argv[1]);
}
