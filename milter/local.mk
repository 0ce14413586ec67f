# milter/local.mk -- the milter-tlspolicy daemon (libmilter glue around policy/)
#
# The libmilter-free parts (sanitize, audit header, log line, reply, mta,
# options, when, context, txn, explain, fd_watch) form milter/libmiltercore.a, which
# the unit tests link too.
sbin_PROGRAMS += milter/milter-tlspolicy
noinst_LIBRARIES += milter/libmiltercore.a

milter_libmiltercore_a_SOURCES = \
	milter/sanitize.c milter/sanitize.h \
	milter/audit_header.c milter/audit_header.h \
	milter/txn_log.c milter/txn_log.h \
	milter/reply.c milter/reply.h \
	milter/mta.c milter/mta.h \
	milter/options.c milter/options.h \
	milter/when.c milter/when.h \
	milter/snapshot.c milter/snapshot.h \
	milter/context.c milter/context.h \
	milter/txn.c milter/txn.h \
	milter/explain.c milter/explain.h \
	milter/reload_status.c milter/reload_status.h \
	milter/service_notify.c milter/service_notify.h \
	milter/metrics.c milter/metrics.h \
	milter/metrics_line.c milter/metrics_line.h \
	milter/fd_watch.c milter/fd_watch.h

milter_milter_tlspolicy_SOURCES = \
	milter/main.c \
	milter/callbacks.c milter/callbacks.h \
	milter/eom.c milter/eom.h \
	milter/signals.c milter/signals.h \
	milter/process.c milter/process.h \
	milter/listen_socket.c milter/listen_socket.h \
	milter/reload_ctl.c milter/reload_ctl.h \
	milter/reload_client.c milter/reload_client.h \
	milter/metrics_http.c milter/metrics_http.h
milter_milter_tlspolicy_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS)
milter_milter_tlspolicy_LDADD = milter/libmiltercore.a policy/libpolicy.a \
	$(YAML_LIBS) $(MILTER_LIBS) $(MHD_LIBS) $(PTHREAD_LIBS)

dist_man_MANS += milter/milter-tlspolicy.8

# Unit tests of the libmilter-free parts (CUnit; tests/unit/local.mk,
# which also builds the fixture library).
MILTER_UNIT_FLAGS = $(UNIT_TEST_FLAGS) -I$(top_srcdir)/milter
MILTER_UNIT_LIBS = milter/libmiltercore.a $(UNIT_TEST_LIBS) $(PTHREAD_LIBS)

check_PROGRAMS += tests/unit/test_milter_text
TESTS += tests/unit/test_milter_text
tests_unit_test_milter_text_SOURCES = tests/unit/test_milter_text.c
tests_unit_test_milter_text_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_milter_text_LDADD = $(MILTER_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_milter_options
TESTS += tests/unit/test_milter_options
tests_unit_test_milter_options_SOURCES = tests/unit/test_milter_options.c
tests_unit_test_milter_options_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_milter_options_LDADD = $(MILTER_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_milter_txn
TESTS += tests/unit/test_milter_txn
tests_unit_test_milter_txn_SOURCES = tests/unit/test_milter_txn.c
tests_unit_test_milter_txn_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_milter_txn_LDADD = $(MILTER_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_milter_metrics
TESTS += tests/unit/test_milter_metrics
tests_unit_test_milter_metrics_SOURCES = tests/unit/test_milter_metrics.c
tests_unit_test_milter_metrics_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_milter_metrics_LDADD = $(MILTER_UNIT_LIBS)

EXTRA_DIST += contrib/postfix contrib/policies contrib/prometheus contrib/grafana \
	tests/e2e/lib/milter-cases.sh tests/e2e/policies \
	tests/e2e/postfix/test_milter.sh tests/e2e/sendmail/test_milter.sh \
	tests/e2e/postfix/test_metrics.sh \
	tests/e2e/postfix/test_daemon_lifecycle.sh

# The diagnostics module (policy/msg.c) and policy_load_report(), shared by the three programs.
check_PROGRAMS += tests/unit/test_msg
TESTS += tests/unit/test_msg
tests_unit_test_msg_SOURCES = tests/unit/test_msg.c
tests_unit_test_msg_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_msg_LDADD = $(MILTER_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_fd_watch
TESTS += tests/unit/test_fd_watch
tests_unit_test_fd_watch_SOURCES = tests/unit/test_fd_watch.c
tests_unit_test_fd_watch_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_fd_watch_LDADD = $(MILTER_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_reload_status
TESTS += tests/unit/test_reload_status
tests_unit_test_reload_status_SOURCES = tests/unit/test_reload_status.c
tests_unit_test_reload_status_CFLAGS = $(MILTER_UNIT_FLAGS)
tests_unit_test_reload_status_LDADD = $(MILTER_UNIT_LIBS)
