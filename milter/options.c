/*
 * options.c -- command-line options of milter-tlspolicy
 *
 * SYNOPSIS
 *	See options.h.
 *
 * DESCRIPTION
 *	One table lists every option: its letter, its argument, where it is
 *	stored and its help text. getopt()'s option string and the usage text
 *	are both generated from it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_POLICY SYSCONFDIR "/milter-tlspolicy/policy.yaml"

enum option_kind {
	OPT_FLAG,   /* int set to 1 */
	OPT_STRING, /* const char * */
	OPT_MODE    /* unsigned, octal 0..0777 */
};

static const struct option_spec {
	char letter;
	enum option_kind kind;
	size_t offset;
	const char *arg;
	const char *help;
} option_table[] = {
    {'c', OPT_STRING, offsetof(struct options, policy_path), "FILE",
     "policy file (default: " DEFAULT_POLICY ")"},
    {'p', OPT_STRING, offsetof(struct options, socket), "SOCKET",
     "inet:PORT@HOST, inet6:PORT@HOST, unix:/path or local:/path (default: " OPTIONS_DEFAULT_SOCKET
     ")"},
    {'f', OPT_FLAG, offsetof(struct options, foreground), NULL,
     "stay in the foreground (default: daemonize)"},
    {'n', OPT_FLAG, offsetof(struct options, check), NULL,
     "check the policy file and exit (0 valid, 1 not)"},
    {'t', OPT_STRING, offsetof(struct options, explain), "SESSION",
     "explain the decision for 'key=value ...' and exit"},
    {'u', OPT_STRING, offsetof(struct options, user), "USER[:GROUP]",
     "drop privileges after opening the socket"},
    {'P', OPT_STRING, offsetof(struct options, pidfile), "FILE", "write the process id to FILE"},
    {'m', OPT_MODE, offsetof(struct options, socket_mode), "MODE",
     "unix socket permissions (default: 0660)"},
    {'L', OPT_STRING, offsetof(struct options, log_dest), "DEST",
     "transaction log: syslog (default), stderr or a file"},
    {'M', OPT_STRING, offsetof(struct options, metrics), "inet:PORT@ADDR",
     "serve Prometheus metrics at http://ADDR:PORT/metrics (inet6: too)"},
    {'d', OPT_FLAG, offsetof(struct options, debug), NULL, "debug messages to stderr"},
    {'R', OPT_FLAG, offsetof(struct options, reload), NULL,
     "reload the daemon of -P FILE, wait: 0 reloaded, 1 old policy kept, 2 no answer"},
    {'V', OPT_FLAG, offsetof(struct options, version), NULL, "print the version and exit"},
    {'h', OPT_FLAG, offsetof(struct options, help), NULL, "print this help and exit"},
};

#define OPTION_COUNT (sizeof(option_table) / sizeof(option_table[0]))

static const char *const socket_prefixes[] = {"inet:", "inet6:", "unix:", "local:"};

static const struct option_spec *
option_find(int letter)
{
	size_t i;

	for (i = 0; i < OPTION_COUNT; i++)
		if (option_table[i].letter == letter)
			return &option_table[i];
	return NULL;
}

/* ":c:p:fn..." -- leading ':' so that a missing argument is reported as such. */
static void
option_string(char *buf)
{
	size_t i, n = 0;

	buf[n++] = ':';
	for (i = 0; i < OPTION_COUNT; i++) {
		buf[n++] = option_table[i].letter;
		if (option_table[i].kind != OPT_FLAG)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

static int
parse_mode(const char *text, unsigned *mode)
{
	char *end;
	unsigned long v;

	if (*text == '\0' || strspn(text, "01234567") != strlen(text))
		return -1;
	v = strtoul(text, &end, 8);
	if (v > 0777)
		return -1;
	*mode = (unsigned)v;
	return 0;
}

static int
socket_valid(const char *spec)
{
	size_t i;

	if (strchr(spec, ':') == NULL)
		return spec[0] == '/'; /* libmilter takes a bare path as a unix socket */
	for (i = 0; i < sizeof(socket_prefixes) / sizeof(socket_prefixes[0]); i++)
		if (strncmp(spec, socket_prefixes[i], strlen(socket_prefixes[i])) == 0)
			return spec[strlen(socket_prefixes[i])] != '\0';
	return 0;
}

/* -M: "inet:PORT@ADDR" or "inet6:PORT@ADDR", PORT in digits, ADDR not empty. */
static int
metrics_spec_valid(const char *spec)
{
	size_t prefix, digits;

	prefix = strncmp(spec, "inet:", 5) == 0 ? 5 : strncmp(spec, "inet6:", 6) == 0 ? 6 : 0;
	spec += prefix;
	digits = strspn(spec, "0123456789");
	return prefix > 0 && digits > 0 && digits <= 5 && spec[digits] == '@' &&
	       spec[digits + 1] != '\0';
}

static int
option_store(struct options *o, const struct option_spec *spec, const char *arg, char *err,
             size_t errlen)
{
	char *field = (char *)o + spec->offset;

	switch (spec->kind) {
	case OPT_FLAG:
		*(int *)(void *)field = 1;
		return 0;
	case OPT_STRING:
		*(const char **)(void *)field = arg;
		return 0;
	case OPT_MODE:
		if (parse_mode(arg, (unsigned *)(void *)field) == 0)
			return 0;
		snprintf(err, errlen, "-%c: bad mode \"%s\" (octal, e.g. 0660)", spec->letter, arg);
		return -1;
	}
	return -1;
}

static void
options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->policy_path = DEFAULT_POLICY;
	o->socket = OPTIONS_DEFAULT_SOCKET;
	o->socket_mode = OPTIONS_DEFAULT_MODE;
	o->log_dest = "syslog";
}

/* Checks that involve more than one option. */
static int
options_check(const struct options *o, char *err, size_t errlen)
{
	if (o->check && o->explain != NULL) {
		snprintf(err, errlen, "-n and -t cannot be used together");
		return -1;
	}
	if (o->reload && o->pidfile == NULL) {
		snprintf(err, errlen, "-R needs -P FILE, the pid file of the running daemon");
		return -1;
	}
	if (!socket_valid(o->socket)) {
		snprintf(err, errlen,
		         "-p: bad socket \"%s\" (inet:PORT@HOST, inet6:PORT@HOST, "
		         "unix:/path or local:/path)",
		         o->socket);
		return -1;
	}
	if (o->metrics != NULL && !metrics_spec_valid(o->metrics)) {
		snprintf(err, errlen, "-M: bad address \"%s\" (inet:PORT@ADDR or inet6:PORT@ADDR)",
		         o->metrics);
		return -1;
	}
	return 0;
}

int
options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	char optstring[2 * OPTION_COUNT + 2];
	const struct option_spec *spec;
	int c;

	options_defaults(o);
	option_string(optstring);
	opterr = 0;
	optind = 0; /* glibc: full reset, so that parsing can be repeated */
	while ((c = getopt(argc, argv, optstring)) != -1) {
		if (c == '?' || c == ':') {
			snprintf(err, errlen,
			         c == '?' ? "unknown option -%c" : "option -%c needs an argument",
			         optopt);
			return -1;
		}
		if ((spec = option_find(c)) == NULL ||
		    option_store(o, spec, optarg, err, errlen) != 0)
			return -1;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	return options_check(o, err, errlen);
}

void
options_usage(FILE *out)
{
	char left[32];
	size_t i;

	fprintf(out, "usage: milter-tlspolicy [options]\n");
	for (i = 0; i < OPTION_COUNT; i++) {
		snprintf(left, sizeof(left), "-%c%s%s", option_table[i].letter,
		         option_table[i].arg ? " " : "",
		         option_table[i].arg ? option_table[i].arg : "");
		fprintf(out, "  %-18s %s\n", left, option_table[i].help);
	}
}
