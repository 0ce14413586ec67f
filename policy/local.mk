# policy/local.mk -- the policy engine library (knows nothing of libmilter)
noinst_LIBRARIES += policy/libpolicy.a
policy_libpolicy_a_SOURCES = \
	policy/xalloc.c policy/xalloc.h \
	policy/tls_version.c policy/tls_version.h \
	policy/cipher_class.c policy/cipher_class.h \
	policy/glob.c policy/glob.h \
	policy/net_addr.c policy/net_addr.h \
	policy/cidr_set.c policy/cidr_set.h \
	policy/facts.c policy/facts.h \
	policy/policy.h
