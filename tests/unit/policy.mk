# tests/unit/policy.mk -- CUnit suites for loading and deciding
check_LIBRARIES = tests/unit/libfixture.a
tests_unit_libfixture_a_SOURCES = tests/unit/policy_fixture.c tests/unit/policy_fixture.h
tests_unit_libfixture_a_CFLAGS = $(UNIT_TEST_FLAGS)

check_PROGRAMS += tests/unit/test_policy_decide tests/unit/test_policy_load
TESTS += tests/unit/test_policy_decide tests/unit/test_policy_load
tests_unit_test_policy_decide_SOURCES = tests/unit/test_policy_decide.c
tests_unit_test_policy_decide_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_policy_decide_LDADD = tests/unit/libfixture.a $(UNIT_TEST_LIBS)
tests_unit_test_policy_load_SOURCES = tests/unit/test_policy_load.c
tests_unit_test_policy_load_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_policy_load_LDADD = tests/unit/libfixture.a $(UNIT_TEST_LIBS)
