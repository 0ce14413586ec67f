# tests/unit/local.mk -- CUnit suites, run by "make check"
# libfixture: the shared CUnit runner (fixture_run) and policy test helpers.
check_LIBRARIES = tests/unit/libfixture.a
tests_unit_libfixture_a_SOURCES = tests/unit/policy_fixture.c tests/unit/policy_fixture.h
tests_unit_libfixture_a_CFLAGS = $(UNIT_TEST_FLAGS)

UNIT_TEST_LIBS = tests/unit/libfixture.a policy/libpolicy.a $(CUNIT_LIBS) $(YAML_LIBS)
UNIT_TEST_FLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
