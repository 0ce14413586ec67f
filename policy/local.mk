# policy/local.mk -- the policy engine library (knows nothing of libmilter)
noinst_LIBRARIES += policy/libpolicy.a
policy_libpolicy_a_SOURCES = \
	policy/xalloc.c policy/xalloc.h \
	policy/msg.c policy/msg.h policy/load_report.c policy/load_report.h \
	policy/tls_version.c policy/tls_version.h \
	policy/cipher_class.c policy/cipher_class.h \
	policy/glob.c policy/glob.h \
	policy/net_addr.c policy/net_addr.h \
	policy/cidr_set.c policy/cidr_set.h \
	policy/facts.c policy/facts.h \
	policy/policy.h
policy_libpolicy_a_SOURCES += \
	policy/arena.c policy/arena.h \
	policy/errors.c \
	policy/siphash.c policy/siphash.h \
	policy/civil_date.c policy/civil_date.h \
	policy/compiled.h policy/load_ctx.h \
	policy/load_node.c policy/load_policy.c policy/load_lists.c \
	policy/load_match.c policy/load_rule.c \
	policy/action.c policy/match.c policy/decide.c \
	policy/prefilter.c policy/prefilter.h policy/ascii.h \
	policy/rule_index.c policy/rule_index.h
policy_libpolicy_a_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
dist_man_MANS += policy/milter-tlspolicy.yaml.5
