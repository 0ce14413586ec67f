# contrib/probe/local.mk -- tlspolicy-probe, a GnuTLS STARTTLS client that
# scans an SMTP server's TLS versions, sends test messages and generates load
# (installed in bin)
bin_PROGRAMS += contrib/probe/tlspolicy-probe
contrib_probe_tlspolicy_probe_SOURCES = \
	contrib/probe/main.c contrib/probe/probe.h \
	contrib/probe/scan.c contrib/probe/scan.h \
	contrib/probe/send.c contrib/probe/send.h \
	contrib/probe/load.c contrib/probe/load.h \
	contrib/probe/tls_mix.c contrib/probe/tls_mix.h \
	contrib/probe/transaction.c contrib/probe/transaction.h \
	contrib/probe/message.c contrib/probe/message.h \
	contrib/probe/outcome.c contrib/probe/outcome.h \
	contrib/probe/smtp_session.c contrib/probe/smtp_session.h \
	contrib/probe/smtp_client.c contrib/probe/smtp_client.h \
	contrib/probe/smtp_reply.c contrib/probe/smtp_reply.h \
	contrib/probe/tls_session.c contrib/probe/tls_session.h \
	contrib/probe/cipher_names.c contrib/probe/cipher_names.h \
	contrib/probe/endpoint.c contrib/probe/endpoint.h \
	contrib/probe/deadline.c contrib/probe/deadline.h \
	contrib/probe/transcript.c contrib/probe/transcript.h \
	contrib/probe/json_out.c contrib/probe/json_out.h \
	policy/xalloc.c policy/xalloc.h policy/msg.c policy/msg.h
contrib_probe_tlspolicy_probe_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS)
contrib_probe_tlspolicy_probe_LDADD = $(GNUTLS_LIBS) $(PTHREAD_LIBS)
dist_man_MANS += contrib/probe/tlspolicy-probe.1
EXTRA_DIST += tests/e2e/postfix/test_probe.sh
