/*
 * no_cunit.h -- what "make check" says when configure found no CUnit
 *
 * DESCRIPTION
 *	configure puts "-include tests/unit/no_cunit.h" in CUNIT_CFLAGS when
 *	the CUnit library is missing, so the programs still build and "make
 *	check" stops at its first test program with this one message.
 */
#error "CUnit is missing, and make check needs it: install it (Debian: apt-get install libcunit1-dev, RPM: CUnit-devel) and run configure again"
