/*
 * NAME
 *	test_milter_options -- CUnit tests for milter-tlspolicy's options
 *
 * DESCRIPTION
 *	Every option of interface section 1 parses into its field; defaults
 *	hold when nothing is given; usage errors (unknown option, missing
 *	argument, bad mode, bad socket, -n with -t, operands) are refused
 *	with a message; the usage text lists every option.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "options.h"
#include "policy_fixture.h"

#define ARGS_MAX 16

/* Parse a space-separated command line (no quoting needed in these tests). */
static int
parse(const char *line, struct options *o, char *err, size_t errlen)
{
	static char buf[512];
	char *argv[ARGS_MAX + 1], *p;
	int argc = 0;

	snprintf(buf, sizeof(buf), "milter-tlspolicy %s", line);
	for (p = strtok(buf, " "); p != NULL && argc < ARGS_MAX; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	err[0] = '\0';
	return options_parse(argc, argv, o, err, errlen);
}

static void
test_defaults(void)
{
	struct options o;
	char err[256];

	CU_ASSERT_EQUAL(parse("", &o, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(o.socket, OPTIONS_DEFAULT_SOCKET);
	CU_ASSERT_STRING_EQUAL(o.socket, "inet:8895@127.0.0.1");
	CU_ASSERT_PTR_NOT_NULL(strstr(o.policy_path, "/milter-tlspolicy/policy.yaml"));
	CU_ASSERT_EQUAL(o.socket_mode, 0660);
	CU_ASSERT_STRING_EQUAL(o.log_dest, "syslog");
	CU_ASSERT_FALSE(o.foreground || o.check || o.debug || o.version || o.help);
	CU_ASSERT_PTR_NULL(o.explain);
	CU_ASSERT_PTR_NULL(o.user);
	CU_ASSERT_PTR_NULL(o.pidfile);
}

static void
test_every_option(void)
{
	struct options o;
	char err[256];

	CU_ASSERT_EQUAL(parse("-c /etc/p.yaml -p unix:/run/m.sock -f -u milter:mail -P /run/m.pid "
	                      "-m 0600 -L /var/log/tls.log -d",
	                      &o, err, sizeof(err)),
	                0);
	CU_ASSERT_STRING_EQUAL(o.policy_path, "/etc/p.yaml");
	CU_ASSERT_STRING_EQUAL(o.socket, "unix:/run/m.sock");
	CU_ASSERT_TRUE(o.foreground);
	CU_ASSERT_STRING_EQUAL(o.user, "milter:mail");
	CU_ASSERT_STRING_EQUAL(o.pidfile, "/run/m.pid");
	CU_ASSERT_EQUAL(o.socket_mode, 0600);
	CU_ASSERT_STRING_EQUAL(o.log_dest, "/var/log/tls.log");
	CU_ASSERT_TRUE(o.debug);
	CU_ASSERT_EQUAL(parse("-n -c x.yaml", &o, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(o.check);
	CU_ASSERT_EQUAL(parse("-t tls=TLSv1", &o, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(o.explain, "tls=TLSv1");
	CU_ASSERT_EQUAL(parse("-V", &o, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(o.version);
	CU_ASSERT_EQUAL(parse("-h", &o, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(o.help);
	CU_ASSERT_EQUAL(parse("-fd", &o, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(o.foreground && o.debug);
}

static void
test_sockets(void)
{
	static const struct {
		const char *spec;
		int ok;
	} cases[] = {
	    {"inet:8895@127.0.0.1", 1},
	    {"inet6:8895@::1", 1},
	    {"unix:/run/m.sock", 1},
	    {"local:/run/m.sock", 1},
	    {"/run/m.sock", 1},
	    {"tcp:8895", 0},
	    {"inet:", 0},
	    {"m.sock", 0},
	};
	struct options o;
	char line[128], err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "-p %s", cases[i].spec);
		CU_ASSERT_EQUAL(parse(line, &o, err, sizeof(err)) == 0, cases[i].ok);
		if (!cases[i].ok)
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "-p"));
	}
}

static void
test_usage_errors(void)
{
	static const struct {
		const char *line;
		const char *message;
	} cases[] = {
	    {"-x", "unknown option -x"},
	    {"-c", "option -c needs an argument"},
	    {"-m 0999", "bad mode"},
	    {"-m 01777", "bad mode"},
	    {"-m rw", "bad mode"},
	    {"-n -t tls=TLSv1", "cannot be used together"},
	    {"-f extra", "unexpected argument \"extra\""},
	};
	struct options o;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(parse(cases[i].line, &o, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].message));
	}
	/* Parsing again after an error starts afresh. */
	CU_ASSERT_EQUAL(parse("-f", &o, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(o.foreground);
}

static void
test_usage_text(void)
{
	static const char *const letters[] = {
	    "-c FILE", "-p SOCKET", "-f",      "-n", "-t SESSION", "-u USER[:GROUP]",
	    "-P FILE", "-m MODE",   "-L DEST", "-d", "-V",         "-h"};
	char text[4096];
	FILE *f = fmemopen(text, sizeof(text), "w");
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	options_usage(f);
	fclose(f);
	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(text, letters[i]));
}

static const struct fixture_test tests[] = {
    {"defaults", test_defaults},     {"every option", test_every_option},
    {"socket specs", test_sockets},  {"usage errors", test_usage_errors},
    {"usage text", test_usage_text}, {NULL, NULL},
};

int
main(void)
{
	return fixture_run("milter options", tests);
}
