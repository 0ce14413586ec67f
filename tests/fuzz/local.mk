# tests/fuzz/local.mk -- libFuzzer targets (make fuzz), built with clang's
# -fsanitize=fuzzer,address,undefined when configure found a clang that
# links them (FUZZ_CC); see tests/fuzz/run.sh and doc/reliability.md.
#
# They are not automake programs: they need another compiler than CC. The
# daemon's, the policy engine's and the report's sources are compiled once
# into tests/fuzz/libfuzzcore.a (the source lists come from their own
# local.mk, so new files are picked up); each target links what it needs.
FUZZ_TARGETS = fuzz_policy fuzz_logline fuzz_roundtrip fuzz_mta_text fuzz_smtp_reply
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
# Absolute paths: the core library is compiled from inside its object directory.
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -std=c11 $(FUZZ_SAN) $(DEFS) -D_GNU_SOURCE \
	-DSYSCONFDIR='"$(sysconfdir)"' -I$(abs_top_builddir) -I$(abs_top_srcdir)/policy \
	-I$(abs_top_srcdir)/milter -I$(abs_top_srcdir)/contrib/report \
	-I$(abs_top_srcdir)/tests/fuzz $(YAML_CFLAGS) $(ZLIB_CFLAGS)
FUZZ_CORE_SRCS = $(policy_libpolicy_a_SOURCES) $(milter_libmiltercore_a_SOURCES) \
	$(contrib_report_libreport_a_SOURCES)
# The probe has its own tls_version_*(): its files go into a library of their own.
FUZZ_PROBE_SRCS = $(contrib_probe_tlspolicy_probe_SOURCES)
FUZZ_COMMON = tests/fuzz/fuzz_input.c tests/fuzz/fuzz_input.h
FUZZ_LINK = $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer

EXTRA_DIST += tests/fuzz/local.mk tests/fuzz/run.sh tests/fuzz/corpus \
	tests/fuzz/fuzz_policy.dict \
	$(FUZZ_COMMON) tests/fuzz/fuzz_policy.c tests/fuzz/fuzz_logline.c \
	tests/fuzz/fuzz_roundtrip.c tests/fuzz/fuzz_mta_text.c tests/fuzz/fuzz_smtp_reply.c \
	doc/reliability.md
CLEANFILES += tests/fuzz/libfuzzcore.a tests/fuzz/libfuzzprobe.a tests/fuzz/fuzz_policy tests/fuzz/fuzz_logline \
	tests/fuzz/fuzz_roundtrip tests/fuzz/fuzz_mta_text tests/fuzz/fuzz_smtp_reply

# Targets whose program is configured out (--disable-report, --disable-probe)
# are left out too.
fuzz:
	@if test -z "$(FUZZ_CC)"; then \
	    echo "make fuzz: skipped: configure found no clang that links -fsanitize=fuzzer" \
	        "(Debian: apt-get install clang libclang-rt-14-dev, then configure again)"; \
	else \
	    targets="tests/fuzz/fuzz_policy tests/fuzz/fuzz_mta_text"; \
	    test -z "$(contrib_report_libreport_a_SOURCES)" || \
	        targets="$$targets tests/fuzz/fuzz_logline tests/fuzz/fuzz_roundtrip"; \
	    test -z "$(FUZZ_PROBE_SRCS)" || targets="$$targets tests/fuzz/fuzz_smtp_reply"; \
	    $(MAKE) $(AM_MAKEFLAGS) $$targets; \
	fi

tests/fuzz/libfuzzcore.a: $(FUZZ_CORE_SRCS) config.h
	@echo "  FUZZCC   $@"
	@rm -rf tests/fuzz/obj && $(MKDIR_P) tests/fuzz/obj && \
	srcs=`for f in $(FUZZ_CORE_SRCS); do case $$f in *.c) echo $(abs_top_srcdir)/$$f;; esac; done` && \
	(cd tests/fuzz/obj && $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $$srcs) && \
	rm -f $@ && $(AR) rc $@ tests/fuzz/obj/*.o && $(RANLIB) $@ && rm -rf tests/fuzz/obj

tests/fuzz/libfuzzprobe.a: $(FUZZ_PROBE_SRCS) config.h
	@echo "  FUZZCC   $@"
	@rm -rf tests/fuzz/probe-obj && $(MKDIR_P) tests/fuzz/probe-obj && \
	srcs=`for f in $(FUZZ_PROBE_SRCS); do case $$f in */main.c) ;; *.c) echo $(abs_top_srcdir)/$$f;; esac; done` && \
	(cd tests/fuzz/probe-obj && $(FUZZ_CC) $(FUZZ_CFLAGS) $(GNUTLS_CFLAGS) \
	    -fsanitize=fuzzer-no-link -c $$srcs) && \
	rm -f $@ && $(AR) rc $@ tests/fuzz/probe-obj/*.o && $(RANLIB) $@ && rm -rf tests/fuzz/probe-obj

tests/fuzz/fuzz_policy: tests/fuzz/fuzz_policy.c $(FUZZ_COMMON) tests/fuzz/libfuzzcore.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_LINK) -o $@ $(srcdir)/tests/fuzz/fuzz_policy.c $(srcdir)/tests/fuzz/fuzz_input.c \
	    tests/fuzz/libfuzzcore.a $(YAML_LIBS)

tests/fuzz/fuzz_logline: tests/fuzz/fuzz_logline.c $(FUZZ_COMMON) tests/fuzz/libfuzzcore.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_LINK) -o $@ $(srcdir)/tests/fuzz/fuzz_logline.c $(srcdir)/tests/fuzz/fuzz_input.c \
	    tests/fuzz/libfuzzcore.a $(YAML_LIBS) $(ZLIB_LIBS)

tests/fuzz/fuzz_roundtrip: tests/fuzz/fuzz_roundtrip.c $(FUZZ_COMMON) tests/fuzz/libfuzzcore.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_LINK) -o $@ $(srcdir)/tests/fuzz/fuzz_roundtrip.c $(srcdir)/tests/fuzz/fuzz_input.c \
	    tests/fuzz/libfuzzcore.a $(YAML_LIBS) $(ZLIB_LIBS) $(PTHREAD_LIBS)

# eom.c (the Subject prefix and the other end-of-message changes) is the
# daemon's, not the core library's: the target supplies stub smfi_*().
tests/fuzz/fuzz_mta_text: tests/fuzz/fuzz_mta_text.c milter/eom.c $(FUZZ_COMMON) \
	    tests/fuzz/libfuzzcore.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_LINK) -o $@ $(srcdir)/tests/fuzz/fuzz_mta_text.c $(srcdir)/milter/eom.c \
	    $(srcdir)/tests/fuzz/fuzz_input.c tests/fuzz/libfuzzcore.a $(YAML_LIBS) $(PTHREAD_LIBS)

tests/fuzz/fuzz_smtp_reply: tests/fuzz/fuzz_smtp_reply.c $(FUZZ_COMMON) tests/fuzz/libfuzzprobe.a
	@echo "  FUZZLD   $@"
	@$(FUZZ_LINK) -I$(top_srcdir)/contrib/probe $(GNUTLS_CFLAGS) -o $@ \
	    $(srcdir)/tests/fuzz/fuzz_smtp_reply.c $(srcdir)/tests/fuzz/fuzz_input.c \
	    tests/fuzz/libfuzzprobe.a $(GNUTLS_LIBS) $(PTHREAD_LIBS)

.PHONY: fuzz
