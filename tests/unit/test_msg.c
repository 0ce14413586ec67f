/*
 * NAME
 *	test_msg -- CUnit tests for the diagnostics module and policy_load_report()
 *
 * DESCRIPTION
 *	Every message carries the program name set with msg_init(); a fatal
 *	error exits with status 2 after saying so; xalloc's out-of-memory
 *	path goes through msg_fatal(), so the program names itself and says
 *	"out of memory" before it exits (the daemon: to syslog). Each case
 *	that ends the process runs in a child. policy_load_report() prints
 *	every error line, bare on stderr or through msg_error().
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "load_report.h"
#include "msg.h"
#include "policy_fixture.h"
#include "xalloc.h"

/* Under ASan a failed malloc must return NULL, as it does in production. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/* Run fn in a child with stderr into out; returns the child's exit status (or 128 + signal). */
static int
in_child(void (*fn)(void), char *out, size_t size)
{
	int pipefd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		fn();
		_exit(0);
	}
	close(pipefd[1]);
	while (len < size - 1 && (n = read(pipefd[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void
say_warning(void)
{
	msg_init("tlspolicy-report");
	msg_warn("cannot read %s", "x.log");
	msg_info("plain");
}

static void
say_fatal(void)
{
	msg_init("tlspolicy-probe");
	msg_fatal("bad environment %d", 7);
}

static void
run_out_of_memory(void)
{
	volatile size_t huge = SIZE_MAX / 2;

	msg_init("milter-tlspolicy");
	(void)xmalloc(huge);
}

static void
test_program_name(void)
{
	char out[1024];

	CU_ASSERT_EQUAL(in_child(say_warning, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "tlspolicy-report: warning: cannot read x.log\n"
	                            "tlspolicy-report: plain\n");
}

static void
test_fatal(void)
{
	char out[1024];

	CU_ASSERT_EQUAL(in_child(say_fatal, out, sizeof(out)), 2);
	CU_ASSERT_STRING_EQUAL(out, "tlspolicy-probe: fatal: bad environment 7\n");
}

static void
test_out_of_memory(void)
{
	char out[1024];
	int status = in_child(run_out_of_memory, out, sizeof(out));

	CU_ASSERT_EQUAL(status, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "milter-tlspolicy: fatal: out of memory allocating "));
	if (status != 2)
		printf("\n  status %d, stderr: %s", status, out);
}

static const char *report_path;

static void
load_to_stderr(void)
{
	if (policy_load_report(report_path, LOAD_REPORT_STDERR) != NULL)
		_exit(9);
}

static void
load_to_log(void)
{
	msg_init("milter-tlspolicy");
	if (policy_load_report(report_path, LOAD_REPORT_LOG) != NULL)
		_exit(9);
}

static void
test_load_report(void)
{
	char out[2048], want[1024];
	struct policy *p;

	report_path = fixture_write("bad.yaml", "version: 1\n"
	                                        "rules:\n"
	                                        "  - name: a\n"
	                                        "    match: { tls: TLSv1.4 }\n"
	                                        "    action: defer\n"
	                                        "default: { action: accept }\n");
	CU_ASSERT_EQUAL(in_child(load_to_stderr, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "bad.yaml:4:19: unknown TLS version \"TLSv1.4\""));
	CU_ASSERT_EQUAL(strncmp(out, report_path, strlen(report_path)), 0); /* bare lines */
	CU_ASSERT_EQUAL(in_child(load_to_log, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "milter-tlspolicy: error: %s:4:19: unknown", report_path);
	CU_ASSERT_EQUAL(strncmp(out, want, strlen(want)), 0);
	report_path = "/nonexistent/policy.yaml";
	CU_ASSERT_EQUAL(in_child(load_to_stderr, out, sizeof(out)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/nonexistent/policy.yaml"));
	p = policy_load_report(fixture_write("good.yaml", "version: 1\n"
	                                                  "default: { action: accept }\n"),
	                       LOAD_REPORT_STDERR);
	CU_ASSERT_PTR_NOT_NULL(p);
	policy_free(p);
}

static const struct fixture_test tests[] = {
    {"messages carry the program name", test_program_name},
    {"msg_fatal: says so, exits 2", test_fatal},
    {"xalloc: out of memory is said, exit 2", test_out_of_memory},
    {"policy_load_report: stderr and log", test_load_report},
    {NULL, NULL},
};

int
main(void)
{
	return fixture_run("diagnostics", tests);
}
