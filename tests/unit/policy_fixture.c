/*
 * policy_fixture.c -- helpers for the policy unit tests (see policy_fixture.h)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

static char fixture_dir[64];
static int saved_stderr = -1;
static char stderr_path[512];

static void
fixture_cleanup(void)
{
	char cmd[128];

	if (fixture_dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fixture_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", fixture_dir);
	}
}

const char *
fixture_write(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	if (fixture_dir[0] == '\0') {
		strcpy(fixture_dir, "/tmp/tlspolicy-unit.XXXXXX");
		if (mkdtemp(fixture_dir) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(fixture_cleanup);
	}
	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
	return path;
}

void
fixture_stderr_begin(void)
{
	int fd;

	snprintf(stderr_path, sizeof(stderr_path), "%s", fixture_write("stderr.txt", ""));
	fd = open(stderr_path, O_WRONLY | O_TRUNC);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

const char *
fixture_stderr_end(void)
{
	static char text[8192];
	FILE *f;
	size_t n = 0;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	text[0] = '\0';
	if ((f = fopen(stderr_path, "r")) != NULL) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	return text;
}

struct policy *
fixture_load(const char *yaml, struct policy_errors *errors)
{
	return policy_load(fixture_write("policy.yaml", yaml), errors);
}

void
fixture_facts(struct session_facts *facts, char *buf, size_t len, const char *words)
{
	char *word, *eq, *save = NULL;

	facts_init(facts);
	snprintf(buf, len, "%s", words);
	for (word = strtok_r(buf, " ", &save); word != NULL; word = strtok_r(NULL, " ", &save)) {
		if ((eq = strchr(word, '=')) == NULL) {
			fprintf(stderr, "bad fixture word %s\n", word);
			exit(2);
		}
		*eq = '\0';
		if (facts_set_word(facts, word, eq + 1) < 0) {
			fprintf(stderr, "facts_set_word rejected %s=%s\n", word, eq + 1);
			exit(2);
		}
	}
}

int
fixture_run(const char *suite_name, const struct fixture_test *tests)
{
	CU_pSuite suite;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite(suite_name, NULL, NULL);
	for (; tests->name != NULL; tests++)
		CU_add_test(suite, tests->name, tests->fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures == 0 && CU_get_error() == CUE_SUCCESS ? 0 : 1;
}
