# tests/unit/local.mk -- CUnit suites, run by "make check"
UNIT_LDADD = policy/libpolicy.a $(CUNIT_LIBS) $(YAML_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
