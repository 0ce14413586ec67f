/*
 * options.h -- command-line options of milter-tlspolicy
 *
 * SYNOPSIS
 *	int options_parse(int argc, char **argv, struct options *options,
 *	    char *err, size_t errlen);
 *	void options_usage(FILE *out);
 *
 * DESCRIPTION
 *	options_parse() fills options from argv (interface section 1) and
 *	returns 0, or -1 with a one-line message in err for a usage error
 *	(unknown option, missing argument, bad -m mode, bad -p socket, -n with
 *	-t, operands). Unset options keep their defaults: -c
 *	SYSCONFDIR/milter-tlspolicy/policy.yaml, -p OPTIONS_DEFAULT_SOCKET,
 *	-m 0660, -L syslog. It may be called more than once (tests).
 *
 *	options_usage() prints the option table, generated from the same
 *	table the parser uses.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#define OPTIONS_DEFAULT_SOCKET "inet:8895@127.0.0.1"
#define OPTIONS_DEFAULT_MODE   0660

struct options {
	const char *policy_path; /* -c */
	const char *socket;      /* -p */
	int foreground;          /* -f */
	int check;               /* -n */
	const char *explain;     /* -t SESSION */
	const char *user;        /* -u USER[:GROUP] */
	const char *pidfile;     /* -P */
	unsigned socket_mode;    /* -m, parsed octal */
	const char *log_dest;    /* -L syslog | stderr | FILE */
	const char *metrics;     /* -M inet:PORT@ADDR, NULL: no metrics */
	int debug;               /* -d */
	int version;             /* -V */
	int help;                /* -h */
	int reload;              /* -R: reload the daemon of -P, wait for the result */
};

int options_parse(int argc, char **argv, struct options *options, char *err, size_t errlen);
void options_usage(FILE *out);

#endif
