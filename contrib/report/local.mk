# contrib/report/local.mk -- tlspolicy-report, the legacy TLS inventory
#
# Everything but main() is in a library that the unit tests link too.
noinst_LIBRARIES += contrib/report/libreport.a
contrib_report_libreport_a_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS) $(YAML_CFLAGS)
contrib_report_libreport_a_SOURCES = \
	contrib/report/intern.c contrib/report/intern.h \
	contrib/report/logtime.c contrib/report/logtime.h \
	contrib/report/logline.c contrib/report/logline.h \
	contrib/report/linereader.c contrib/report/linereader.h \
	contrib/report/scan.c contrib/report/scan.h \
	contrib/report/tally.c contrib/report/tally.h \
	contrib/report/aggregate.c contrib/report/aggregate.h \
	contrib/report/filter.c contrib/report/filter.h \
	contrib/report/common_opts.c contrib/report/common_opts.h \
	contrib/report/replay.c contrib/report/replay.h \
	contrib/report/notices.c contrib/report/notices.h \
	contrib/report/notice_mail.c contrib/report/notice_mail.h \
	contrib/report/notice_template.c contrib/report/notice_template.h \
	contrib/report/table.c contrib/report/table.h \
	contrib/report/view.c contrib/report/view.h \
	contrib/report/view_clients.c \
	contrib/report/view_groups.c \
	contrib/report/view_rules.c \
	contrib/report/view_daily.c \
	contrib/report/escape.c contrib/report/escape.h \
	contrib/report/output.c contrib/report/output.h \
	contrib/report/out_text.c \
	contrib/report/out_csv.c \
	contrib/report/out_json.c \
	contrib/report/out_html.c \
	contrib/report/html_chart.c contrib/report/html_chart.h

REPORT_LDADD = contrib/report/libreport.a policy/libpolicy.a $(ZLIB_LIBS) $(YAML_LIBS)

bin_PROGRAMS += contrib/report/tlspolicy-report
contrib_report_tlspolicy_report_SOURCES = contrib/report/report_main.c
contrib_report_tlspolicy_report_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
contrib_report_tlspolicy_report_LDADD = $(REPORT_LDADD)
dist_man_MANS += contrib/report/tlspolicy-report.1

# The log generator for tests/bench/report-bench.sh.
noinst_PROGRAMS += tests/bench/gen_report_log
tests_bench_gen_report_log_SOURCES = tests/bench/gen_report_log.c

check_PROGRAMS += tests/unit/test_report_parse tests/unit/test_report_output \
	tests/unit/test_report_replay
TESTS += tests/unit/test_report_parse tests/unit/test_report_output tests/unit/test_report_replay
tests_unit_test_report_parse_SOURCES = tests/unit/test_report_parse.c
REPORT_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/contrib/report
REPORT_TEST_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(ZLIB_CFLAGS)
REPORT_TEST_LIBS = tests/unit/libfixture.a $(REPORT_LDADD) $(CUNIT_LIBS) $(YAML_LIBS)
tests_unit_test_report_parse_CPPFLAGS = $(REPORT_TEST_CPPFLAGS)
tests_unit_test_report_output_CPPFLAGS = $(REPORT_TEST_CPPFLAGS)
tests_unit_test_report_parse_CFLAGS = $(REPORT_TEST_CFLAGS)
tests_unit_test_report_parse_LDADD = $(REPORT_TEST_LIBS)
tests_unit_test_report_output_SOURCES = tests/unit/test_report_output.c
tests_unit_test_report_output_CFLAGS = $(REPORT_TEST_CFLAGS)
tests_unit_test_report_output_LDADD = $(REPORT_TEST_LIBS)
tests_unit_test_report_replay_SOURCES = tests/unit/test_report_replay.c
tests_unit_test_report_replay_CPPFLAGS = $(REPORT_TEST_CPPFLAGS)
tests_unit_test_report_replay_CFLAGS = $(REPORT_TEST_CFLAGS)
tests_unit_test_report_replay_LDADD = $(REPORT_TEST_LIBS)

EXTRA_DIST += contrib/report/tlspolicy-report.1 policy/log_keys.def policy/log_keys.h \
	tests/bench/report-bench.sh \
	tests/e2e/report/html-screenshot.sh tests/e2e/report/test_html.sh \
	tests/e2e/postfix/test_report.sh tests/e2e/postfix/test_notices.sh

# The daemon's log writer against the report's reader (round trip).
check_PROGRAMS += tests/unit/test_report_roundtrip
TESTS += tests/unit/test_report_roundtrip
tests_unit_test_report_roundtrip_SOURCES = tests/unit/test_report_roundtrip.c tests/unit/txn_sample.h
tests_unit_test_report_roundtrip_CPPFLAGS = $(REPORT_TEST_CPPFLAGS) -I$(top_srcdir)/milter \
	-DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_report_roundtrip_CFLAGS = $(REPORT_TEST_CFLAGS)
tests_unit_test_report_roundtrip_LDADD = milter/libmiltercore.a $(REPORT_TEST_LIBS)

# Notices: rollout dates cross-checked against the daemon binary (-t ... date=).
check_PROGRAMS += tests/unit/test_report_notices
TESTS += tests/unit/test_report_notices
tests_unit_test_report_notices_SOURCES = tests/unit/test_report_notices.c
tests_unit_test_report_notices_CPPFLAGS = $(REPORT_TEST_CPPFLAGS) \
	-DMILTER_TLSPOLICY_BIN='"$(abs_top_builddir)/milter/milter-tlspolicy$(EXEEXT)"'
tests_unit_test_report_notices_CFLAGS = $(REPORT_TEST_CFLAGS)
tests_unit_test_report_notices_LDADD = $(REPORT_TEST_LIBS)
tests_unit_test_report_notices_DEPENDENCIES = milter/milter-tlspolicy$(EXEEXT) \
	contrib/report/libreport.a policy/libpolicy.a tests/unit/libfixture.a
