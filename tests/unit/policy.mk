# tests/unit/policy.mk -- CUnit suites for loading and deciding
check_PROGRAMS += tests/unit/test_policy_decide tests/unit/test_policy_load
TESTS += tests/unit/test_policy_decide tests/unit/test_policy_load
tests_unit_test_policy_decide_SOURCES = tests/unit/test_policy_decide.c
tests_unit_test_policy_decide_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_policy_decide_LDADD = $(UNIT_TEST_LIBS)
tests_unit_test_policy_load_SOURCES = tests/unit/test_policy_load.c
tests_unit_test_policy_load_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_policy_load_LDADD = $(UNIT_TEST_LIBS)
