# tests/bench/local.mk -- benchmark programs (built by "make bench", never run by "make check")
EXTRA_PROGRAMS = tests/bench/bench_policy tests/bench/bench_metrics
tests_bench_bench_policy_SOURCES = tests/bench/bench_policy.c
tests_bench_bench_policy_CFLAGS = $(AM_CFLAGS) -O2
tests_bench_bench_policy_LDADD = policy/libpolicy.a $(YAML_LIBS)
tests_bench_bench_metrics_SOURCES = tests/bench/bench_metrics.c
tests_bench_bench_metrics_CFLAGS = $(AM_CFLAGS) -O2 -I$(top_srcdir)/milter
tests_bench_bench_metrics_LDADD = milter/libmiltercore.a policy/libpolicy.a $(YAML_LIBS) $(PTHREAD_LIBS)
CLEANFILES += $(EXTRA_PROGRAMS)
EXTRA_DIST += tests/bench/mta-bench.sh tests/bench/concurrency.sh tests/bench/report-bench.sh \
	tests/bench/policies tests/bench/postfwd

bench: tests/bench/bench_policy tests/bench/bench_metrics
	cd $(srcdir) && $(abs_builddir)/tests/bench/bench_policy
	$(abs_builddir)/tests/bench/bench_metrics
.PHONY: bench
