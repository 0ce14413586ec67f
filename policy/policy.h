/*
 * policy.h -- the TLS policy engine: load a YAML policy, decide per transaction
 *
 * SYNOPSIS
 *	struct policy *policy_load(const char *path, struct policy_errors *errors);
struct policy *policy_load_text(const char *path, const char *text, size_t len,
    struct policy_errors *errors);
 *	struct policy *policy_load_text(const char *path, const char *text, size_t len,
 *	    struct policy_errors *errors);
 *	void policy_free(struct policy *policy);
 *	const struct policy_settings *policy_settings(const struct policy *policy);
 *	int policy_has_recipient_rules(const struct policy *policy);
 *	int policy_needs_headers(const struct policy *policy);
 *	size_t policy_rule_count(const struct policy *policy);
 *	int policy_rule_rollout(const struct policy *policy, size_t index, int today,
 *	    const char **name);
 *
 *	void policy_decide(const struct policy *policy, const struct session_facts *facts,
 *	    const struct decide_context *when, struct decision *decision);
 *
 *	void policy_errors_init(struct policy_errors *errors);
 *	void policy_errors_free(struct policy_errors *errors);
 *
 *	const char *policy_action_name(enum policy_action action);
 *	const char *policy_percent_text(char *out, size_t size, int basis_points);
 *
 * DESCRIPTION
 *	policy_load() reads and compiles the policy file (schema version 1,
 *	see milter-tlspolicy.yaml(5)). On any error it returns NULL and
 *	appends every error it found, each as "FILE:LINE:COL: message", to
 *	errors; it never stops at the first one. The file must be a regular
 *	file of at most 4 MiB; it is opened without blocking, so a FIFO or a
 *	device is an error, never a hang. policy_load_text() compiles text
 *	already in memory (len bytes, the contents of path): path names the
 *	file in errors and its directory is where relative "file:" lists are.
 *
 *	A compiled policy is immutable: any number of threads may call
 *	policy_decide() on it at once. policy_decide() performs no I/O, takes
 *	no lock and allocates nothing: every string in the decision points
 *	into the policy (or is a static default), so the decision is valid as
 *	long as the policy is.
 *
 *	policy_needs_headers() says whether the daemon must see the message
 *	headers: to strip foreign copies of its own headers, or because some
 *	rule prefixes the Subject. Without it the daemon skips the header
 *	stage.
 *
 *	The session facts are filled with the facts_*() helpers of facts.h.
 *
 *	policy_rule_rollout() gives the name of rule index and its rollout
 *	percentage in force on today (YYYYMMDD) in basis points, the same
 *	policy_decide() uses, or -1 when the rule has no rollout (or there is
 *	no such rule).
 *
 *	policy_action_name() and policy_percent_text() write a decision the
 *	way the log line does ("defer"; 2500 basis points as "25", 250 as
 *	"2.5"), for the daemon and for the report tool reading it back.
 */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "facts.h"

enum policy_action {
	ACTION_ACCEPT,
	ACTION_TAG,
	ACTION_DEFER,
	ACTION_REJECT,
	ACTION_REROUTE,
	ACTION_HOLD,
	ACTION_COUNT
};

enum audit_scope {
	AUDIT_ALL,     /* audit header on every delivered message */
	AUDIT_MATCHED, /* only when a rule (not the default) decided */
	AUDIT_NONE
};

enum reroute_method {
	REROUTE_AUTO,             /* header on Postfix, recipient-suffix on Sendmail */
	REROUTE_HEADER,           /* reroute header, turned into FILTER by milter_header_checks */
	REROUTE_RECIPIENT_SUFFIX, /* rewrite recipients to a marker domain (Sendmail) */
	REROUTE_QUARANTINE        /* quarantine with a reason, for a dedicated queue runner */
};

enum rollout_select {
	ROLLOUT_PER_CLIENT,     /* keyed hash of client address (or auth user) */
	ROLLOUT_PER_TRANSACTION /* fresh random draw for each decision */
};

struct policy_settings {
	const char *audit_header; /* "X-TLS-Policy" */
	enum audit_scope audit;
	int strip_foreign_headers;
	int report_only;            /* global mode: report-only */
	const char *reroute_header; /* "X-TLS-Policy-Reroute" */
	enum reroute_method reroute_method;
	const char *reroute_suffix; /* marker domain suffix for recipient-suffix, ".LEGACY-TLS" */
	const char *quarantine_reason; /* reason for the quarantine reroute, "legacy-tls" */
	const char *hostname;          /* name in the audit header; NULL: the MTA's j macro */
};

/* What the caller knows besides the session: the date and a random draw. */
struct decide_context {
	int today;       /* civil date as YYYYMMDD, local time of the host */
	uint32_t random; /* uniform random number for per-transaction rollout */
};

/*
 * The outcome of one decision. "action" is what the policy says; "enforced"
 * says whether the daemon must carry it out (0 in report-only mode, where
 * the daemon accepts, without the tag's legacy mark or Subject prefix, and
 * only logs and shows in the audit header what would have happened).
 */
struct decision {
	const char *rule_name; /* "default" when no rule decided */
	int rule_index;        /* 0-based; rule count for the default */
	enum policy_action action;
	int enforced;
	int has_rollout; /* the deciding rule has a rollout */
	int selected;    /* with a rollout: 1 (only selected sessions decide) */
	int percent_bp;  /* percentage in force, in basis points (10000 = 100%) */
	enum rollout_select rollout_select; /* with has_rollout: how sessions are selected */
	const char *skipped_rule; /* first matching rollout rule that did not select, or NULL */
	int skipped_percent_bp;
	enum rollout_select skipped_select;
	int needs_recipient;     /* a recipient rule before the deciding one could match */
	int by_recipient_rule;   /* the deciding rule has a recipient key */
	int legacy;              /* tag: mark the audit header legacy=yes */
	int reply_code;          /* defer/reject: e.g. 421 */
	const char *reply_xcode; /* "4.7.66" */
	const char *reply_text;
	const char *relay;          /* reroute: next hop, e.g. "smtp:[relay.example]:25" */
	const char *reason;         /* free text from the rule (hold reason and logs) */
	const char *subject_prefix; /* tag: prefix for the Subject, or NULL */
};

struct policy_errors {
	char **lines; /* "FILE:LINE:COL: message" */
	size_t count;
	size_t alloc;
};

struct policy;

struct policy *policy_load(const char *path, struct policy_errors *errors);
struct policy *policy_load_text(const char *path, const char *text, size_t len,
                                struct policy_errors *errors);
void policy_free(struct policy *policy);
const struct policy_settings *policy_settings(const struct policy *policy);
int policy_has_recipient_rules(const struct policy *policy);
int policy_needs_headers(const struct policy *policy);
size_t policy_rule_count(const struct policy *policy);
int policy_rule_rollout(const struct policy *policy, size_t index, int today, const char **name);

void policy_decide(const struct policy *policy, const struct session_facts *facts,
                   const struct decide_context *when, struct decision *decision);

const char *policy_action_name(enum policy_action action);
const char *policy_percent_text(char *out, size_t size, int basis_points);

void policy_errors_init(struct policy_errors *errors);
void policy_errors_add(struct policy_errors *errors, const char *file, size_t line, size_t col,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void policy_errors_free(struct policy_errors *errors);

#endif
