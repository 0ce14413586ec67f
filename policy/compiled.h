/*
 * compiled.h -- the in-memory form of a loaded policy (internal to policy/)
 *
 * DESCRIPTION
 *	The loader turns the YAML document into these structures once; the
 *	decision code only reads them. Every string and array lives in the
 *	policy's arena; address sets are cidr_sets owned by the policy (named
 *	lists once each, shared by every rule that refers to them).
 *
 *	A match holds one predicate per match key; "keys" says which keys the
 *	rule gave, so an absent key costs nothing at decision time.
 */
#ifndef COMPILED_H
#define COMPILED_H

#include <stdint.h>

#include "arena.h"
#include "cidr_set.h"
#include "policy.h"
#include "rule_index.h"

/* Match keys, one bit each in match.keys. */
enum match_key {
	MK_TLS = 1u << 0,
	MK_CIPHER = 1u << 1,
	MK_CIPHER_BITS = 1u << 2,
	MK_CLIENT = 1u << 3,
	MK_CLIENT_NAME = 1u << 4,
	MK_LISTENER = 1u << 5,
	MK_PORT = 1u << 6,
	MK_AUTHENTICATED = 1u << 7,
	MK_AUTH_USER = 1u << 8,
	MK_SENDER = 1u << 9,
	MK_RECIPIENT = 1u << 10,
	MK_CERT_SUBJECT = 1u << 11,
	MK_CERT_ISSUER = 1u << 12,
	MK_CERT_VERIFIED = 1u << 13,
	MK_HELO = 1u << 14
};

enum compare_op { CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_EQ, CMP_NE };

/* A glob with its literal head and tail measured, for quick rejects. */
struct glob_pattern {
	const char *text;
	const char *tail;			/* literal characters after the last "*" */
	uint16_t head_len;			/* literal characters before any wildcard */
	uint16_t tail_len;
	uint8_t literal;			/* no wildcard: a plain comparison */
	uint8_t tail_last;			/* last character, lower case; 0 if no tail */
};

struct pattern_list {
	const struct glob_pattern *items;
	size_t count;
};

struct address_match {
	struct cidr_set *own;			/* inline addresses; NULL if none */
	const struct cidr_set **lists;		/* named lists referred to */
	size_t list_count;
	int unknown;				/* "unknown": no usable address */
};

struct match {
	unsigned keys;				/* MK_* bits present */
	unsigned tls_versions;			/* bit (1 << enum tls_version) */
	struct pattern_list cipher_globs;
	unsigned cipher_classes;		/* any of these classes */
	enum compare_op bits_op;
	int bits_value;
	struct address_match client;
	struct pattern_list client_name;	/* "unknown" matches no PTR */
	struct pattern_list helo;
	struct pattern_list listener;
	const int *ports;
	size_t port_count;
	int authenticated;
	struct pattern_list auth_user;
	struct pattern_list sender;		/* "@domain" globs match the domain */
	struct pattern_list recipient;
	struct pattern_list cert_subject;
	struct pattern_list cert_issuer;
	int cert_verified;
};

struct rollout_step {
	int from;				/* YYYYMMDD */
	int percent_bp;				/* basis points, 0..10000 */
};

struct rollout {
	enum rollout_select select;
	const struct rollout_step *steps;	/* ascending by date */
	size_t step_count;
};

struct rule {
	const char *name;
	struct match match;
	enum policy_action action;
	int report_only;
	int until;				/* YYYYMMDD, 0 for none */
	int has_rollout;
	struct rollout rollout;
	int reply_code;
	const char *reply_xcode;
	const char *reply_text;
	const char *relay;
	const char *reason;
	const char *subject_prefix;
};

struct named_list {
	const char *name;
	struct cidr_set *set;
	size_t line, col;			/* where it was defined */
};

struct policy {
	struct arena arena;
	struct policy_settings settings;
	uint8_t sticky_key[16];			/* derived from settings' sticky_secret */
	struct named_list *lists;
	size_t list_count;
	struct cidr_set **owned_sets;		/* every cidr_set to free */
	size_t owned_set_count;
	size_t owned_set_alloc;
	struct rule *rules;
	struct rule_head *heads;		/* one per rule, for prefilter.c */
	struct rule_index index;		/* over the heads (rule_index.h) */
	size_t rule_count;
	struct rule default_rule;
	int has_recipient_rules;
};

/* Action names by enum policy_action, NULL-terminated (action.c). */
extern const char *const policy_action_names[ACTION_COUNT + 1];

int match_holds(const struct match *match, const struct session_facts *facts, unsigned skip_keys);

#endif
