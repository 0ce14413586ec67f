# tests/unit/local.mk -- CUnit suites, run by "make check"
# libfixture: the shared CUnit runner (fixture_run) and policy test helpers.
check_LIBRARIES = tests/unit/libfixture.a
tests_unit_libfixture_a_SOURCES = tests/unit/policy_fixture.c tests/unit/policy_fixture.h
tests_unit_libfixture_a_CFLAGS = $(UNIT_TEST_FLAGS)

UNIT_TEST_LIBS = tests/unit/libfixture.a policy/libpolicy.a $(CUNIT_LIBS) $(YAML_LIBS)
UNIT_TEST_FLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)

# The policy snapshot under threads (run-all.sh also runs it under helgrind).
check_PROGRAMS += tests/unit/test_snapshot_threads
TESTS += tests/unit/test_snapshot_threads
tests_unit_test_snapshot_threads_SOURCES = tests/unit/test_snapshot_threads.c
tests_unit_test_snapshot_threads_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_snapshot_threads_LDFLAGS = -Wl,--wrap=policy_load -Wl,--wrap=policy_free
tests_unit_test_snapshot_threads_LDADD = $(MILTER_UNIT_LIBS)
