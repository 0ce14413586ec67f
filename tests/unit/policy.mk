# tests/unit/policy.mk -- CUnit suites for loading and deciding
check_PROGRAMS += tests/unit/test_policy_decide tests/unit/test_policy_load
TESTS += tests/unit/test_policy_decide tests/unit/test_policy_load
tests_unit_test_policy_decide_SOURCES = tests/unit/test_policy_decide.c
tests_unit_test_policy_decide_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_policy_decide_LDADD = $(UNIT_TEST_LIBS)
tests_unit_test_policy_load_SOURCES = tests/unit/test_policy_load.c
tests_unit_test_policy_load_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_policy_load_LDADD = $(UNIT_TEST_LIBS)

# decide() must not allocate: every allocation of the library is counted.
check_PROGRAMS += tests/unit/test_decide_noalloc
TESTS += tests/unit/test_decide_noalloc
tests_unit_test_decide_noalloc_SOURCES = tests/unit/test_decide_noalloc.c
tests_unit_test_decide_noalloc_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_decide_noalloc_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
tests_unit_test_decide_noalloc_LDADD = $(UNIT_TEST_LIBS)

# The rule index against a scan over every rule (an oracle over generated sessions).
check_PROGRAMS += tests/unit/test_rule_index
TESTS += tests/unit/test_rule_index
tests_unit_test_rule_index_SOURCES = tests/unit/test_rule_index.c
tests_unit_test_rule_index_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_rule_index_LDADD = $(UNIT_TEST_LIBS)

# No byte-prefix of a shipped or test policy loads as another policy.
check_PROGRAMS += tests/unit/test_policy_truncation
TESTS += tests/unit/test_policy_truncation
tests_unit_test_policy_truncation_SOURCES = tests/unit/test_policy_truncation.c
tests_unit_test_policy_truncation_CFLAGS = $(UNIT_TEST_FLAGS) $(YAML_CFLAGS) \
	-DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_policy_truncation_LDADD = $(UNIT_TEST_LIBS)

# Hostile files: FIFOs, devices, endless lines, read errors, control characters.
check_PROGRAMS += tests/unit/test_policy_files
TESTS += tests/unit/test_policy_files
tests_unit_test_policy_files_SOURCES = tests/unit/test_policy_files.c
tests_unit_test_policy_files_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_policy_files_LDADD = $(UNIT_TEST_LIBS)
