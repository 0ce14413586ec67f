# tests/unit/primitives.mk -- CUnit suites for the policy primitives
#
# One program per module of policy/: tls_version, cipher_class, glob,
# net_addr, cidr_set, facts. test_cipher_class runs "openssl ciphers" as an
# oracle and fails when openssl is not installed.
check_PROGRAMS += tests/unit/test_tls_version
TESTS += tests/unit/test_tls_version
tests_unit_test_tls_version_SOURCES = tests/unit/test_tls_version.c
tests_unit_test_tls_version_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_tls_version_LDADD = $(UNIT_TEST_LIBS)

check_PROGRAMS += tests/unit/test_cipher_class
TESTS += tests/unit/test_cipher_class
tests_unit_test_cipher_class_SOURCES = tests/unit/test_cipher_class.c
tests_unit_test_cipher_class_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_cipher_class_LDADD = $(UNIT_TEST_LIBS)

check_PROGRAMS += tests/unit/test_glob
TESTS += tests/unit/test_glob
tests_unit_test_glob_SOURCES = tests/unit/test_glob.c
tests_unit_test_glob_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_glob_LDADD = $(UNIT_TEST_LIBS)

check_PROGRAMS += tests/unit/test_net_addr
TESTS += tests/unit/test_net_addr
tests_unit_test_net_addr_SOURCES = tests/unit/test_net_addr.c
tests_unit_test_net_addr_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_net_addr_LDADD = $(UNIT_TEST_LIBS)

check_PROGRAMS += tests/unit/test_cidr_set
TESTS += tests/unit/test_cidr_set
tests_unit_test_cidr_set_SOURCES = tests/unit/test_cidr_set.c
tests_unit_test_cidr_set_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_cidr_set_LDADD = $(UNIT_TEST_LIBS)

check_PROGRAMS += tests/unit/test_facts
TESTS += tests/unit/test_facts
tests_unit_test_facts_SOURCES = tests/unit/test_facts.c
tests_unit_test_facts_CFLAGS = $(UNIT_TEST_FLAGS)
tests_unit_test_facts_LDADD = $(UNIT_TEST_LIBS)
