/*
 * test_policy_files.c -- CUnit: hostile files and what the loader says about them
 *
 * Reproducers of issue 11 item 5, each failing on the loader before the
 * fix: a FIFO as the policy or as a "file:" list (open() hung), /dev/zero
 * and a directory as a list, a list line without end (memory grew without
 * bound), a NUL byte in a list, a read error (/proc/self/mem reads EIO),
 * a policy without rules (UBSan: zero offset to a null pointer in the rule
 * index), false errors after "policy too complex", a NUL in the policy at
 * its real position, and error lines that carried raw control characters.
 * An alarm turns a hang into a failure.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

static void
on_alarm(int sig)
{
	static const char msg[] = "\ntest_policy_files: a load blocked for 20 s (FIFO?)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* The directory fixture_write() uses, with a trailing '/'. */
static const char *
fixture_dir(void)
{
	static char dir[256];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", fixture_write("dir-probe", ""));
	slash = strrchr(dir, '/');
	slash[1] = '\0';
	return dir;
}

/*
 * Load yaml; it must fail, and one error must contain want. Returns the
 * seconds taken.
 */
static double
expect_error(const char *yaml, const char *want)
{
	struct policy_errors errors;
	struct policy *policy;
	clock_t start = clock();
	double secs;
	size_t i;
	int found = 0;

	policy_errors_init(&errors);
	policy = fixture_load(yaml, &errors);
	secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	CU_ASSERT_PTR_NULL(policy);
	for (i = 0; i < errors.count; i++)
		found |= strstr(errors.lines[i], want) != NULL;
	if (!found) {
		fprintf(stderr, "\n  want an error containing: %s\n", want);
		for (i = 0; i < errors.count; i++)
			fprintf(stderr, "  got: %s\n", errors.lines[i]);
	}
	CU_ASSERT(found);
	policy_free(policy);
	policy_errors_free(&errors);
	return secs;
}

static void
list_policy(char *yaml, size_t size, const char *list)
{
	snprintf(yaml, size,
	         "version: 1\nlists: {p: [\"file:%s\"]}\n"
	         "rules: [{name: r, match: {client: \"@p\"}, action: tag}]\n"
	         "default: {action: accept}\n",
	         list);
}

static void
test_not_regular(void)
{
	char yaml[1024], fifo[512], want[600];
	struct policy_errors errors;
	struct policy *policy;

	snprintf(fifo, sizeof(fifo), "%sfifo", fixture_dir());
	CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
	alarm(20);
	/* The policy itself a FIFO: an error at once, not a hang. */
	policy_errors_init(&errors);
	policy = policy_load(fifo, &errors);
	CU_ASSERT_PTR_NULL(policy);
	CU_ASSERT_EQUAL(errors.count, 1);
	snprintf(want, sizeof(want), "%s: is a FIFO, not a regular file", fifo);
	if (errors.count == 1)
		CU_ASSERT_STRING_EQUAL(errors.lines[0], want);
	policy_errors_free(&errors);
	policy_errors_init(&errors);
	CU_ASSERT_PTR_NULL(policy_load("/dev/zero", &errors));
	CU_ASSERT_EQUAL(errors.count, 1);
	if (errors.count == 1)
		CU_ASSERT_STRING_EQUAL(errors.lines[0],
		                       "/dev/zero: is a character device, not a regular file");
	policy_errors_free(&errors);
	/* A list that is a FIFO, a device, a directory. */
	list_policy(yaml, sizeof(yaml), fifo);
	snprintf(want, sizeof(want), "2:13: address list %s is a FIFO, not a regular file", fifo);
	expect_error(yaml, want);
	list_policy(yaml, sizeof(yaml), "/dev/zero");
	printf("\n  /dev/zero as a list: error in %.3f s",
	       expect_error(yaml, "2:13: address list /dev/zero is a character device, not a "
	                          "regular file"));
	list_policy(yaml, sizeof(yaml), "/");
	expect_error(yaml, "2:13: address list / is a directory, not a regular file");
	alarm(0);
	unlink(fifo);
	printf("\n");
}

/* A 16 MB list line without end: one error, fast, no memory growth. */
static void
test_long_line(void)
{
	char yaml[1024], want[600], *text, line[1100], list[512];
	size_t n = 16u << 20;
	double secs;

	text = malloc(n + 1);
	memset(text, '1', n);
	text[n] = '\0';
	snprintf(list, sizeof(list), "%s", fixture_write("endless.txt", text));
	free(text);
	list_policy(yaml, sizeof(yaml), list);
	snprintf(want, sizeof(want), "%s:1:1: line longer than 1024 bytes", list);
	secs = expect_error(yaml, want);
	printf("\n  16 MB line: error in %.3f s\n", secs);
	CU_ASSERT(secs < 5);

	/* 1024 bytes is still a line (a comment here); 1025 is not; the next line counts. */
	memset(line, ' ', 1024);
	line[0] = '#';
	strcpy(line + 1024, "\n192.0.2.1\n");
	snprintf(list, sizeof(list), "%s", fixture_write("long-ok.txt", line));
	list_policy(yaml, sizeof(yaml), list);
	{
		struct policy_errors errors;
		struct policy *policy;

		policy_errors_init(&errors);
		policy = fixture_load(yaml, &errors);
		CU_ASSERT_PTR_NOT_NULL(policy);
		CU_ASSERT_EQUAL(errors.count, 0);
		policy_free(policy);
		policy_errors_free(&errors);
	}
	memset(line, ' ', 1025);
	line[0] = '#';
	strcpy(line + 1025, "\n192.0.2.1/33\n");
	snprintf(list, sizeof(list), "%s", fixture_write("long-bad.txt", line));
	list_policy(yaml, sizeof(yaml), list);
	snprintf(want, sizeof(want), "%s:1:1: line longer than 1024 bytes", list);
	expect_error(yaml, want);
	snprintf(want, sizeof(want), "%s:2:1: \"192.0.2.1/33\" has a bad prefix length", list);
	expect_error(yaml, want);
}

/* A NUL byte in a list line is an error, not the end of the line. */
static void
test_nul_in_list(void)
{
	char yaml[1024], path[512], want[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%snul.txt", fixture_dir());
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fwrite("192.0.2.1\n192.0.2.2\0junk\n", 1, 25, fp);
	fclose(fp);
	list_policy(yaml, sizeof(yaml), path);
	snprintf(want, sizeof(want), "%s:2:10: NUL byte in a list file", path);
	expect_error(yaml, want);
}

/* A read error is an error, never the end of a shorter list. */
static void
test_read_error(void)
{
	char yaml[1024];
	struct stat st;

	if (stat("/proc/self/mem", &st) < 0 || !S_ISREG(st.st_mode)) {
		printf("\n  no /proc/self/mem: read error not tested\n");
		return;
	}
	list_policy(yaml, sizeof(yaml), "/proc/self/mem");
	expect_error(yaml, "/proc/self/mem:1:1: read error: Input/output error");
}

/* No rules at all: the index is still built (UBSan caught a null pointer). */
static void
test_no_rules(void)
{
	static const char *const yaml[] = {
	    "version: 1\ndefault: {action: defer}\n",
	    "version: 1\nrules:\ndefault: {action: defer}\n",
	    "version: 1\nrules: []\ndefault: {action: defer}\n",
	};
	struct decide_context when = {20261206, 0};
	struct policy_errors errors;
	struct session_facts facts;
	struct policy *policy;
	struct decision d;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(yaml) / sizeof(yaml[0]); i++) {
		policy_errors_init(&errors);
		policy = fixture_load(yaml[i], &errors);
		CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
		fixture_facts(&facts, buf, sizeof(buf), "tls=TLSv1 client=192.0.2.1");
		policy_decide(policy, &facts, &when, &d);
		CU_ASSERT_STRING_EQUAL(d.rule_name, "default");
		CU_ASSERT_EQUAL(d.action, ACTION_DEFER);
		CU_ASSERT_EQUAL(d.rule_index, 0);
		policy_free(policy);
		policy_errors_free(&errors);
	}
}

/*
 * Over the node budget inside a rule's match: only "policy too complex",
 * not "has no action" for the rule cut short, nor for the rules and the
 * default after it.
 */
static void
test_too_complex_alone(void)
{
	size_t cap = 4u << 20, i;
	char *yaml = malloc(cap), *p = yaml;
	struct policy_errors errors;

	p += sprintf(p, "version: 1\nlists:\n  big: &big [192.0.2.1");
	for (i = 1; i < 10000; i++)
		p += sprintf(p, ", 192.0.2.1");
	p += sprintf(p, "]\nrules:\n");
	for (i = 0; i < 120; i++)
		p += sprintf(p, "  - {name: r%zu, match: {client: *big}, action: tag}\n", i);
	strcpy(p, "default: {action: accept}\n");
	policy_errors_init(&errors);
	CU_ASSERT_PTR_NULL(fixture_load(yaml, &errors));
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "\n  %s", errors.lines[i]);
	CU_ASSERT_EQUAL(errors.count, 1);
	if (errors.count >= 1)
		CU_ASSERT_PTR_NOT_NULL(strstr(errors.lines[0], "policy too complex"));
	policy_errors_free(&errors);
	free(yaml);
}

/* A NUL in the policy is reported where it is (libyaml gives only an offset). */
static void
test_nul_in_policy(void)
{
	static const char text[] = "version: 1\nrules:\n  - {name: a\0b, action: tag}\n"
	                           "default: {action: accept}\n";
	struct policy_errors errors;

	policy_errors_init(&errors);
	CU_ASSERT_PTR_NULL(policy_load_text("p.yaml", text, sizeof(text) - 1, &errors));
	CU_ASSERT_EQUAL(errors.count, 1);
	if (errors.count == 1)
		fprintf(stderr, "\n  %s", errors.lines[0]);
	if (errors.count == 1)
		CU_ASSERT_STRING_EQUAL(errors.lines[0], "p.yaml:3:13: YAML syntax error: control "
		                                        "characters are not allowed (0x00)");
	policy_errors_free(&errors);
}

/* Error lines never carry raw control characters: one error, one line. */
static void
test_escaped_errors(void)
{
	struct policy_errors errors;
	size_t i;
	const char *p;

	policy_errors_init(&errors);
	CU_ASSERT_PTR_NULL(fixture_load("version: 1\nrules:\n  - {name: \"a\\nb\\tc\\x7f\\x01\", "
	                                "action: tag}\ndefault: {action: accept}\n",
	                                &errors));
	CU_ASSERT_EQUAL(errors.count, 1);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "\n  %s", errors.lines[i]);
	for (i = 0; i < errors.count; i++)
		for (p = errors.lines[i]; *p != '\0'; p++)
			CU_ASSERT((unsigned char)*p >= ' ' && *p != 0x7f);
	if (errors.count == 1)
		CU_ASSERT_PTR_NOT_NULL(strstr(
		    errors.lines[0], "3:12: rule name \"a\\nb\\tc\\x7f\\x01\" may only use "));
	policy_errors_free(&errors);
	/* The file name too. */
	policy_errors_init(&errors);
	CU_ASSERT_PTR_NULL(policy_load_text("a\nb.yaml", "version: 2\n", 11, &errors));
	CU_ASSERT(errors.count >= 1);
	if (errors.count >= 1)
		CU_ASSERT_STRING_EQUAL(errors.lines[0],
		                       "a\\nb.yaml:1:10: unsupported policy version "
		                       "\"2\" (this program reads version 1)");
	policy_errors_free(&errors);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"FIFO, device, directory: an error, never a hang", test_not_regular},
	    {"list lines are bounded", test_long_line},
	    {"a NUL byte in a list", test_nul_in_list},
	    {"a read error is an error", test_read_error},
	    {"a policy without rules", test_no_rules},
	    {"policy too complex, and nothing else", test_too_complex_alone},
	    {"a NUL in the policy at its position", test_nul_in_policy},
	    {"error lines are escaped", test_escaped_errors},
	    {NULL, NULL},
	};

	signal(SIGALRM, on_alarm);
	return fixture_run("policy_files", tests);
}
