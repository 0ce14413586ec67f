# tests/unit/local.mk -- CUnit suites, run by "make check"
UNIT_TEST_LIBS = policy/libpolicy.a $(CUNIT_LIBS) $(YAML_LIBS)
UNIT_TEST_FLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
