/*
 * policy_fixture.h -- helpers for the policy unit tests
 *
 * SYNOPSIS
 *	const char *fixture_write(const char *name, const char *text);
void fixture_stderr_begin(void);
const char *fixture_stderr_end(void);
 *	void fixture_stderr_begin(void);
 *	const char *fixture_stderr_end(void);
 *	struct policy *fixture_load(const char *yaml, struct policy_errors *errors);
 *	void fixture_facts(struct session_facts *facts, char *buf, size_t len,
 *	    const char *words);
 *	int fixture_run(const char *suite_name, const struct fixture_test *tests);
 *
 * DESCRIPTION
 *	fixture_write() writes text to NAME in a private temporary directory
 *	(removed at exit) and returns its path. fixture_stderr_begin()
 *	sends standard error into the file "stderr.txt" there until
 *	fixture_stderr_end(), which returns what was written (up to 8 KiB,
 *	in a static buffer). fixture_load() writes yaml to
 *	"policy.yaml" there and loads it. fixture_facts() fills facts from
 *	"key=value" words as "milter-tlspolicy -t" takes them; buf holds the
 *	words the facts point into. fixture_run() runs one CUnit suite with
 *	the basic interface and returns the process exit status (non-zero
 *	when any assertion failed).
 */
#ifndef POLICY_FIXTURE_H
#define POLICY_FIXTURE_H

#include <stddef.h>

#include "policy.h"

struct fixture_test {
	const char *name;
	void (*fn)(void);
};

const char *fixture_write(const char *name, const char *text);
void fixture_stderr_begin(void);
const char *fixture_stderr_end(void);
struct policy *fixture_load(const char *yaml, struct policy_errors *errors);
void fixture_facts(struct session_facts *facts, char *buf, size_t len, const char *words);
int fixture_run(const char *suite_name, const struct fixture_test *tests);

#endif
