/*
 * load_rule.c -- compile "rules:" and "default:" entries into struct rule
 *
 * DESCRIPTION
 *	Each key of a rule has a handler that stores what it read; checks
 *	that involve several keys (a reply must fit the action, rollout only
 *	for actions that refuse or divert, relay only for reroute) run once
 *	the whole rule is read, at the position of the offending key.
 *
 *	Reply defaults: defer is 421 4.7.66, reject is 550 5.7.66, each with
 *	the text of the big providers' TLS 1.0/1.1 retirement; a rule that
 *	gives only a code gets the matching default enhanced code.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "load_ctx.h"
#include "prefilter.h"

#define DEFER_TEXT                                                                                 \
	"TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2."
#define REJECT_TEXT                                                                                \
	"This TLS version or cipher is not accepted. Please upgrade/update your client to "        \
	"support TLS 1.2 or later."

/* What was read of one rule, with the nodes needed for later checks. */
struct rule_build {
	struct rule *rule;
	const yaml_node_t *node;
	const yaml_node_t *action_node;
	const yaml_node_t *reply_node;
	const yaml_node_t *xcode_node;
	const yaml_node_t *relay_node;
	const yaml_node_t *subject_node;
	const yaml_node_t *rollout_node;
	const yaml_node_t *reason_node;
	int have_name;
	int have_action;
};

static int
valid_name(const char *name)
{
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	       strlen(name);
}

/* Printable ASCII only: the text goes into SMTP replies, headers and logs. */
static const char *
load_line(struct load_ctx *ctx, const yaml_node_t *node, const char *what, size_t max)
{
	const char *text = load_scalar(ctx, node, what, max);
	const char *p;

	if (text == NULL)
		return NULL;
	for (p = text; *p != '\0'; p++) {
		if (*p < ' ' || *p > '~') {
			load_error(ctx, node, "%s may only contain printable ASCII characters",
			           what);
			return NULL;
		}
	}
	return arena_strdup(&ctx->policy->arena, text);
}

static void
rule_name(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule_build *b = target;
	const char *name = load_scalar(ctx, node, "a rule name", LOAD_NAME_MAX);
	size_t i;

	b->have_name = 1;
	if (name == NULL)
		return;
	if (*name == '\0' || !valid_name(name)) {
		load_error(ctx, node,
		           "rule name \"%s\" may only use letters, digits, \"_\", "
		           "\".\" and \"-\"",
		           name);
		return;
	}
	if (strcmp(name, "default") == 0) {
		load_error(ctx, node, "\"default\" is reserved for the default decision");
		return;
	}
	for (i = 0; i < ctx->policy->rule_count; i++) {
		if (ctx->policy->rules[i].name != NULL &&
		    strcmp(ctx->policy->rules[i].name, name) == 0) {
			load_error(ctx, node, "duplicate rule name \"%s\" (rule %zu has it too)",
			           name, i + 1);
			return;
		}
	}
	b->rule->name = arena_strdup(&ctx->policy->arena, name);
}

static void
rule_match(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	load_match(ctx, node, &((struct rule_build *)target)->rule->match);
}

static void
rule_action(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule_build *b = target;
	int v;

	b->have_action = 1;
	b->action_node = node;
	if (load_choice(ctx, node, "action", policy_action_names, &v) == 0)
		b->rule->action = (enum policy_action)v;
}

static void
reply_code(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule *r = ((struct rule_build *)target)->rule;
	const char *text = load_scalar(ctx, node, "reply code", LOAD_NAME_MAX);

	if (text == NULL)
		return;
	if (strlen(text) != 3 || (text[0] != '4' && text[0] != '5') || text[1] < '0' ||
	    text[1] > '9' || text[2] < '0' || text[2] > '9') {
		load_error(ctx, node, "reply code must be a 4xx or 5xx SMTP code, not \"%s\"",
		           text);
		return;
	}
	r->reply_code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
}

/* RFC 3463: class.subject.detail, subject and detail 1-3 digits. */
static int
valid_xcode(const char *text)
{
	size_t n;

	if ((text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
		return 0;
	text += 2;
	n = strspn(text, "0123456789");
	if (n < 1 || n > 3 || text[n] != '.')
		return 0;
	text += n + 1;
	n = strspn(text, "0123456789");
	return n >= 1 && n <= 3 && text[n] == '\0';
}

static void
reply_xcode(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule_build *b = target;
	const char *text = load_scalar(ctx, node, "enhanced status code", LOAD_NAME_MAX);

	b->xcode_node = node;
	if (text == NULL)
		return;
	if (!valid_xcode(text)) {
		load_error(ctx, node,
		           "xcode must be an enhanced status code such as 4.7.66, not "
		           "\"%s\"",
		           text);
		return;
	}
	b->rule->reply_xcode = arena_strdup(&ctx->policy->arena, text);
}

static void
reply_text(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule *r = ((struct rule_build *)target)->rule;
	const char *text = load_line(ctx, node, "reply text", LOAD_TEXT_MAX);

	if (text != NULL)
		r->reply_text = text;
}

static void
rule_reply(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	static const struct load_key keys[] = {
	    {"code", reply_code},
	    {"xcode", reply_xcode},
	    {"text", reply_text},
	    {NULL, NULL},
	};

	((struct rule_build *)target)->reply_node = node;
	load_mapping(ctx, node, "reply", keys, target);
}

/* Postfix FILTER syntax: transport:nexthop, no white space. */
static void
rule_relay(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule_build *b = target;
	const char *text = load_line(ctx, node, "relay", LOAD_VALUE_MAX);
	const char *colon;

	b->relay_node = node;
	if (text == NULL)
		return;
	colon = strchr(text, ':');
	if (colon == NULL || colon == text || colon[1] == '\0' || strchr(text, ' ') != NULL) {
		load_error(ctx, node,
		           "relay must be transport:nexthop, e.g. "
		           "\"smtp:[legacy-relay.example.net]:25\", not \"%s\"",
		           text);
		return;
	}
	b->rule->relay = text;
}

static void
rule_reason(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule_build *b = target;
	const char *text = load_line(ctx, node, "reason", LOAD_TEXT_MAX);

	b->reason_node = node;
	if (text != NULL)
		b->rule->reason = text;
}

static void
rule_subject_prefix(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rule_build *b = target;
	const char *text = load_line(ctx, node, "subject_prefix", LOAD_NAME_MAX);

	b->subject_node = node;
	if (text != NULL)
		b->rule->subject_prefix = text;
}

static void
rule_until(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	load_date(ctx, node, "until", &((struct rule_build *)target)->rule->until);
}

static void
rule_mode(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	static const char *const names[] = {"enforce", "report-only", NULL};

	load_choice(ctx, node, "mode", names, &((struct rule_build *)target)->rule->report_only);
}

/* "25", "2.5", "0.25": a percentage with at most two decimals, in basis points. */
static int
parse_percent(const char *text, int *bp)
{
	int whole = 0, frac = 0, digits = 0, fdigits = 0;

	for (; *text >= '0' && *text <= '9' && digits < 4; text++, digits++)
		whole = whole * 10 + (*text - '0');
	if (digits == 0)
		return -1;
	if (*text == '.') {
		for (text++; *text >= '0' && *text <= '9' && fdigits < 2; text++, fdigits++)
			frac = frac * 10 + (*text - '0');
		if (fdigits == 0)
			return -1;
		if (fdigits == 1)
			frac *= 10;
	}
	if (*text != '\0' || whole * 100 + frac > 10000)
		return -1;
	*bp = whole * 100 + frac;
	return 0;
}

static int
load_percent(struct load_ctx *ctx, const yaml_node_t *node, int *bp)
{
	const char *text = load_scalar(ctx, node, "percent", LOAD_NAME_MAX);

	if (text == NULL)
		return -1;
	if (parse_percent(text, bp) < 0) {
		load_error(ctx, node,
		           "percent must be a number from 0 to 100 (at most two "
		           "decimals), not \"%s\"",
		           text);
		return -1;
	}
	return 0;
}

struct step_build {
	struct rollout_step step;
	int have_from, have_percent;
};

static void
step_from(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct step_build *s = target;

	s->have_from = load_date(ctx, node, "from", &s->step.from) == 0;
}

static void
step_percent(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct step_build *s = target;

	s->have_percent = load_percent(ctx, node, &s->step.percent_bp) == 0;
}

static void
add_step(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	static const struct load_key keys[] = {
	    {"from", step_from},
	    {"percent", step_percent},
	    {NULL, NULL},
	};
	struct rollout *r = target;
	struct rollout_step *steps = (struct rollout_step *)r->steps;
	struct step_build s;

	memset(&s, 0, sizeof(s));
	load_mapping(ctx, node, "a rollout step", keys, &s);
	if (node->type != YAML_MAPPING_NODE || ctx->over_budget)
		return;
	if (!s.have_from || !s.have_percent) {
		load_error(ctx, node, "a rollout step needs both from: DATE and percent: N");
		return;
	}
	if (r->step_count > 0 && steps[r->step_count - 1].from >= s.step.from) {
		load_error(ctx, node, "rollout steps must be in ascending date order");
		return;
	}
	steps[r->step_count++] = s.step;
}

static void
rollout_steps(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rollout *r = target;

	if (node->type != YAML_SEQUENCE_NODE) {
		load_error(ctx, node, "steps must be a list of {from: DATE, percent: N}");
		return;
	}
	if (r->steps != NULL) {
		load_error(ctx, node, "give either percent or steps, not both");
		return;
	}
	r->steps =
	    arena_alloc(&ctx->policy->arena, load_item_count(node) * sizeof(struct rollout_step));
	load_each_item(ctx, node, add_step, r);
}

/* "percent: N" alone is one step in force since the epoch. */
static void
rollout_percent(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct rollout *r = target;
	struct rollout_step *step;

	if (r->steps != NULL) {
		load_error(ctx, node, "give either percent or steps, not both");
		return;
	}
	r->steps = step = arena_alloc(&ctx->policy->arena, sizeof(*step));
	step->from = 19700101;
	r->step_count = load_percent(ctx, node, &step->percent_bp) == 0;
}

static void
rollout_select(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	static const char *const names[] = {"per-client", "per-transaction", NULL};
	int v;

	if (load_choice(ctx, node, "rollout selection", names, &v) == 0)
		((struct rollout *)target)->select = (enum rollout_select)v;
}

static void
rule_rollout(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	static const struct load_key keys[] = {
	    {"select", rollout_select},
	    {"steps", rollout_steps},
	    {"percent", rollout_percent},
	    {NULL, NULL},
	};
	struct rule_build *b = target;

	b->rollout_node = node;
	b->rule->has_rollout = 1;
	b->rule->rollout.select = ROLLOUT_PER_CLIENT;
	load_mapping(ctx, node, "rollout", keys, &b->rule->rollout);
	if (node->type == YAML_MAPPING_NODE && b->rule->rollout.steps == NULL && !ctx->over_budget)
		load_error(ctx, node, "rollout needs percent: N or steps: [...]");
}

/* Check the reply against the action and fill in the defaults. */
static void
finish_reply(struct load_ctx *ctx, struct rule_build *b)
{
	struct rule *r = b->rule;
	int refuses = r->action == ACTION_DEFER || r->action == ACTION_REJECT;
	int want = r->action == ACTION_DEFER ? 4 : 5;

	if (b->reply_node != NULL && !refuses) {
		load_error(ctx, b->reply_node, "reply is only used with action defer or reject");
		return;
	}
	if (!refuses)
		return;
	if (r->reply_code == 0)
		r->reply_code = want == 4 ? 421 : 550;
	else if (r->reply_code / 100 != want)
		load_error(ctx, b->reply_node, "action %s needs a %dxx reply code, not %d",
		           policy_action_name(r->action), want, r->reply_code);
	if (r->reply_xcode == NULL)
		r->reply_xcode = want == 4 ? "4.7.66" : "5.7.66";
	else if (r->reply_xcode[0] - '0' != r->reply_code / 100)
		load_error(ctx, b->xcode_node, "enhanced code %s does not match reply code %d",
		           r->reply_xcode, r->reply_code);
	if (r->reply_text == NULL)
		r->reply_text = want == 4 ? DEFER_TEXT : REJECT_TEXT;
}

/*
 * With reroute_method quarantine, Sendmail's legacy queue runner
 * (-qQREASON) takes every quarantined job whose reason contains the
 * quarantine reason: a hold whose reason contains it would be delivered to
 * the legacy relay instead of being held.
 */
static void
check_hold_reason(struct load_ctx *ctx, const struct rule_build *b)
{
	const struct policy_settings *s = &ctx->policy->settings;
	const struct rule *r = b->rule;

	if (r->action != ACTION_HOLD || s->reroute_method != REROUTE_QUARANTINE ||
	    r->reason == NULL || strstr(r->reason, s->quarantine_reason) == NULL)
		return;
	load_error(ctx, b->reason_node != NULL ? b->reason_node : b->action_node,
	           "hold reason \"%s\" contains the quarantine_reason \"%s\", so the legacy queue "
	           "runner would deliver held mail; choose another reason",
	           r->reason, s->quarantine_reason);
}

/* Cross-key checks, once every key of the rule has been read. */
static void
finish_rule(struct load_ctx *ctx, struct rule_build *b)
{
	struct rule *r = b->rule;

	if (!b->have_action) {
		load_error(ctx, b->node, "%s has no action", r->name ? r->name : "this rule");
		return;
	}
	finish_reply(ctx, b);
	if (r->action == ACTION_REROUTE && r->relay == NULL && b->relay_node == NULL)
		load_error(ctx, b->action_node, "action reroute needs relay: transport:nexthop");
	if (b->relay_node != NULL && r->action != ACTION_REROUTE)
		load_error(ctx, b->relay_node, "relay is only used with action reroute");
	if (b->subject_node != NULL && r->action != ACTION_TAG)
		load_error(ctx, b->subject_node, "subject_prefix is only used with action tag");
	if (b->rollout_node != NULL && (r->action == ACTION_ACCEPT || r->action == ACTION_TAG))
		load_error(ctx, b->rollout_node,
		           "rollout applies to defer, reject, reroute and "
		           "hold, not to %s",
		           policy_action_name(r->action));
	if (r->reason == NULL && r->action == ACTION_HOLD)
		r->reason = r->name;
	check_hold_reason(ctx, b);
	if (r->match.keys & MK_RECIPIENT)
		ctx->policy->has_recipient_rules = 1;
}

static void
add_rule(struct load_ctx *ctx, const yaml_node_t *node, void *unused)
{
	static const struct load_key keys[] = {
	    {"name", rule_name},
	    {"match", rule_match},
	    {"action", rule_action},
	    {"reply", rule_reply},
	    {"relay", rule_relay},
	    {"reason", rule_reason},
	    {"subject_prefix", rule_subject_prefix},
	    {"until", rule_until},
	    {"mode", rule_mode},
	    {"rollout", rule_rollout},
	    {NULL, NULL},
	};
	struct rule_build b;

	(void)unused;
	memset(&b, 0, sizeof(b));
	b.rule = &ctx->policy->rules[ctx->policy->rule_count];
	b.node = node;
	load_mapping(ctx, node, "a rule", keys, &b);
	if (node->type != YAML_MAPPING_NODE || ctx->over_budget)
		return;
	if (!b.have_name)
		load_error(ctx, node, "rule %zu has no name", ctx->policy->rule_count + 1);
	finish_rule(ctx, &b);
	ctx->policy->rule_count++;
}

void
load_rules(struct load_ctx *ctx, const yaml_node_t *node, void *unused)
{
	size_t i;

	(void)unused;
	if (load_is_null(node))
		return;
	if (node->type != YAML_SEQUENCE_NODE) {
		load_error(ctx, node, "rules must be a list of rules");
		return;
	}
	ctx->policy->rules =
	    arena_alloc(&ctx->policy->arena, load_item_count(node) * sizeof(struct rule));
	load_each_item(ctx, node, add_rule, NULL);
	ctx->policy->heads =
	    arena_alloc(&ctx->policy->arena, ctx->policy->rule_count * sizeof(struct rule_head));
	for (i = 0; i < ctx->policy->rule_count; i++)
		prefilter_build(&ctx->policy->rules[i], &ctx->policy->heads[i]);
	rule_index_build(&ctx->policy->arena, ctx->policy->heads, ctx->policy->rule_count,
	                 &ctx->policy->index);
}

/*
 * The default's action is its last key and is written there, not taken
 * by alias from earlier in the file: the action value is then the last
 * thing in the policy, and a file cut short anywhere before its end lacks
 * the default's action, or ends inside it (no action name is a prefix of
 * another).
 */
static void
check_action_last(struct load_ctx *ctx, const yaml_node_t *node, const struct rule_build *b)
{
	const yaml_node_pair_t *last = node->data.mapping.pairs.top - 1;
	const yaml_node_t *key = yaml_document_get_node(ctx->doc, last->key);
	const yaml_node_t *value = yaml_document_get_node(ctx->doc, last->value);

	if (key == NULL || value == NULL || key->type != YAML_SCALAR_NODE ||
	    strcmp((const char *)key->data.scalar.value, "action") != 0)
		load_error(
		    ctx, key != NULL ? key : node,
		    "action must be the last key of default, so that a truncated file cannot "
		    "load");
	else if (value->start_mark.index < key->end_mark.index || value != b->action_node)
		load_error(ctx, value, "the default's action must be written out, not an alias");
}

void
load_default(struct load_ctx *ctx, const yaml_node_t *node, void *unused)
{
	static const struct load_key keys[] = {
	    {"action", rule_action},
	    {"reply", rule_reply},
	    {"relay", rule_relay},
	    {"reason", rule_reason},
	    {"subject_prefix", rule_subject_prefix},
	    {"mode", rule_mode},
	    {NULL, NULL},
	};
	struct rule_build b;

	(void)unused;
	memset(&b, 0, sizeof(b));
	b.rule = &ctx->policy->default_rule;
	b.node = node;
	if (node->type == YAML_SCALAR_NODE && load_is_null(node)) {
		load_error(ctx, node,
		           "default must be a mapping with an action, such as "
		           "\"default: { action: accept }\"");
		return;
	}
	load_mapping(ctx, node, "default", keys, &b);
	if (node->type != YAML_MAPPING_NODE || ctx->over_budget)
		return;
	finish_rule(ctx, &b);
	if (b.have_action)
		check_action_last(ctx, node, &b);
	b.rule->name = "default";
}
