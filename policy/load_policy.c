/*
 * load_policy.c -- read a policy file and compile it (policy_load)
 *
 * DESCRIPTION
 *	policy_load() reads the whole file (at most POLICY_FILE_MAX bytes;
 *	large address lists belong in "file:" lists), parses it with libyaml
 *	into one document, and walks the top level: version, settings, lists,
 *	rules, default. lists are loaded before rules whatever their order in
 *	the file, so rules can name them. Every problem becomes an error
 *	"FILE:LINE:COL: message"; a policy with any error is not returned.
 *
 *	Also here: the accessors and policy_free().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load_ctx.h"
#include "siphash.h"
#include "xalloc.h"

#define POLICY_FILE_MAX    (4u << 20)
#define POLICY_NODE_BUDGET 1000000
#define POLICY_DEPTH_MAX   64

/* What a file that is not a regular file is, for the error message. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "another kind of file";
}

/*
 * Open path for reading without ever blocking: O_NONBLOCK so that a FIFO
 * or a device does not hang open(), then refuse anything but a regular
 * file before the first read. Returns the descriptor, or -1 with an error
 * reported as "WHO: ..." (WHO is the policy file or the list file).
 */
int
load_open_regular(struct load_ctx *ctx, const yaml_node_t *where, const char *path,
                  const char *what, struct stat *st)
{
	const char *sep = *what != '\0' ? " " : "";
	const char *name = *what != '\0' ? path : "";
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
		load_error(ctx, where, "cannot %s%s%s%s: %s", *what ? "read " : "open", what, sep,
		           name, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0) {
		load_error(ctx, where, "cannot %s%s%s%s: %s", *what ? "read " : "open", what, sep,
		           name, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		load_error(ctx, where, "%s%s%s%sis %s, not a regular file", what, sep, name, sep,
		           file_kind(st->st_mode));
		close(fd);
		return -1;
	}
	return fd;
}

/* Read at most POLICY_FILE_MAX bytes of path into a NUL-terminated buffer. */
static char *
read_policy_file(struct load_ctx *ctx, const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = load_open_regular(ctx, NULL, path, "", &st)) < 0)
		return NULL;
	if ((size_t)st.st_size > POLICY_FILE_MAX) {
		load_error(ctx, NULL,
		           "file too large (%lld bytes; at most %u; put long address "
		           "lists in file: lists)",
		           (long long)st.st_size, POLICY_FILE_MAX);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	       (n = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			load_error(ctx, NULL, "read error: %s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/*
 * The line and column (1-based, in characters as libyaml counts them) of
 * a byte offset in the text: reader errors (invalid UTF-8, a control
 * character such as NUL) carry only an offset, no mark.
 */
static void
offset_position(const char *text, size_t len, size_t offset, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80)
			++*col;
	}
}

/* libyaml stops at the first syntax error; report it at its position. */
static void
syntax_error(struct load_ctx *ctx, const yaml_parser_t *parser, const char *text, size_t len)
{
	const char *problem = parser->problem ? parser->problem : "malformed YAML";
	size_t line = parser->problem_mark.line + 1, col = parser->problem_mark.column + 1;

	if (parser->error == YAML_READER_ERROR) {
		offset_position(text, len, parser->problem_offset, &line, &col);
		if (parser->problem_value >= 0)
			policy_errors_add(ctx->errors, ctx->file, line, col,
			                  "YAML syntax error: %s (0x%02x)", problem,
			                  (unsigned)parser->problem_value);
		else
			policy_errors_add(ctx->errors, ctx->file, line, col,
			                  "YAML syntax error: %s", problem);
	} else if (parser->context != NULL)
		policy_errors_add(ctx->errors, ctx->file, line, col, "YAML syntax error: %s %s",
		                  problem, parser->context);
	else
		policy_errors_add(ctx->errors, ctx->file, line, col, "YAML syntax error: %s",
		                  problem);
}

static void
load_version(struct load_ctx *ctx, const yaml_node_t *node, void *seen)
{
	const char *text = load_scalar(ctx, node, "version", LOAD_NAME_MAX);

	*(int *)seen = 1;
	if (text != NULL && strcmp(text, "1") != 0)
		load_error(ctx, node,
		           "unsupported policy version \"%s\" (this program reads "
		           "version 1)",
		           text);
}

static void
set_audit(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	static const char *const names[] = {"all", "matched", "none", NULL};
	int v;

	if (load_choice(ctx, node, "audit scope", names, &v) == 0)
		((struct policy_settings *)settings)->audit = (enum audit_scope)v;
}

static void
set_strip(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	load_bool(ctx, node, "strip_foreign_headers",
	          &((struct policy_settings *)settings)->strip_foreign_headers);
}

static void
set_mode(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	static const char *const names[] = {"enforce", "report-only", NULL};

	load_choice(ctx, node, "mode", names, &((struct policy_settings *)settings)->report_only);
}

static void
set_sticky_secret(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	static const uint8_t derive[2][16] = {"tlspolicy-key-0", "tlspolicy-key-1"};
	const char *secret = load_scalar(ctx, node, "sticky_secret", LOAD_VALUE_MAX);
	uint64_t k0, k1;
	int i;

	(void)settings;
	if (secret == NULL)
		return;
	k0 = siphash24(derive[0], secret, strlen(secret));
	k1 = siphash24(derive[1], secret, strlen(secret));
	for (i = 0; i < 8; i++) {
		ctx->policy->sticky_key[i] = (uint8_t)(k0 >> (8 * i));
		ctx->policy->sticky_key[8 + i] = (uint8_t)(k1 >> (8 * i));
	}
}

static void
set_reroute_method(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	static const char *const names[] = {"auto", "header", "recipient-suffix", "quarantine",
	                                    NULL};
	int v;

	if (load_choice(ctx, node, "reroute_method", names, &v) == 0)
		((struct policy_settings *)settings)->reroute_method = (enum reroute_method)v;
}

/* A domain-name-like suffix that cannot smuggle address syntax. */
static void
set_reroute_suffix(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	const char *text = load_scalar(ctx, node, "reroute_suffix", LOAD_NAME_MAX);

	if (text == NULL)
		return;
	if (text[0] != '.' || text[1] == '\0' ||
	    strspn(text + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
	        strlen(text + 1)) {
		load_error(ctx, node,
		           "reroute_suffix must be a domain suffix such as "
		           "\".LEGACY-TLS\", not \"%s\"",
		           text);
		return;
	}
	((struct policy_settings *)settings)->reroute_suffix =
	    arena_strdup(&ctx->policy->arena, text);
}

static void
set_quarantine_reason(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	const char *text = load_scalar(ctx, node, "quarantine_reason", LOAD_TEXT_MAX);

	if (text == NULL)
		return;
	if (strpbrk(text, "\r\n") != NULL) {
		load_error(ctx, node, "quarantine_reason must be one line");
		return;
	}
	((struct policy_settings *)settings)->quarantine_reason =
	    arena_strdup(&ctx->policy->arena, text);
}

static void
set_hostname(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	const char *text = load_scalar(ctx, node, "hostname", 255);

	if (text == NULL)
		return;
	if (strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
	    strlen(text)) {
		load_error(ctx, node, "hostname must be a host name, not \"%s\"", text);
		return;
	}
	((struct policy_settings *)settings)->hostname = arena_strdup(&ctx->policy->arena, text);
}

/*
 * Header field names (RFC 5322 section 3.6.8): one or more printable
 * US-ASCII characters (33..126) except ':', at most LOAD_NAME_MAX bytes.
 * An empty name would make every header the daemon adds fail at the MTA.
 */
static const char *
load_header_name(struct load_ctx *ctx, const yaml_node_t *node, const char *what)
{
	const char *text = load_scalar(ctx, node, what, LOAD_NAME_MAX);
	const char *p;

	if (text == NULL)
		return NULL;
	if (*text == '\0') {
		load_error(ctx, node,
		           "%s must not be empty (a header field name such as "
		           "X-TLS-Policy)",
		           what);
		return NULL;
	}
	for (p = text; *p != '\0'; p++) {
		if (*p <= ' ' || *p > '~' || *p == ':') {
			load_error(ctx, node,
			           "%s \"%s\" is not a valid header field name (printable "
			           "ASCII without spaces or \":\")",
			           what, text);
			return NULL;
		}
	}
	return arena_strdup(&ctx->policy->arena, text);
}

static void
set_audit_header(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	const char *name = load_header_name(ctx, node, "audit_header");

	if (name != NULL)
		((struct policy_settings *)settings)->audit_header = name;
}

static void
set_reroute_header(struct load_ctx *ctx, const yaml_node_t *node, void *settings)
{
	const char *name = load_header_name(ctx, node, "reroute_header");

	if (name != NULL)
		((struct policy_settings *)settings)->reroute_header = name;
}

static void
load_settings(struct load_ctx *ctx, const yaml_node_t *node, void *unused)
{
	static const struct load_key keys[] = {
	    {"audit_header", set_audit_header},
	    {"audit", set_audit},
	    {"strip_foreign_headers", set_strip},
	    {"mode", set_mode},
	    {"sticky_secret", set_sticky_secret},
	    {"reroute_header", set_reroute_header},
	    {"reroute_method", set_reroute_method},
	    {"reroute_suffix", set_reroute_suffix},
	    {"quarantine_reason", set_quarantine_reason},
	    {"hostname", set_hostname},
	    {NULL, NULL},
	};

	(void)unused;
	load_mapping(ctx, node, "settings", keys, &ctx->policy->settings);
	if (ctx->policy->settings.audit_header != NULL &&
	    strcasecmp(ctx->policy->settings.audit_header, ctx->policy->settings.reroute_header) ==
	        0)
		load_error(ctx, node, "audit_header and reroute_header must differ");
}

static void
set_defaults(struct policy *policy)
{
	static const uint8_t no_secret[16];
	struct policy_settings *s = &policy->settings;

	s->audit_header = "X-TLS-Policy";
	s->audit = AUDIT_ALL;
	s->strip_foreign_headers = 1;
	s->report_only = 0;
	s->reroute_header = "X-TLS-Policy-Reroute";
	s->reroute_method = REROUTE_AUTO;
	s->reroute_suffix = ".LEGACY-TLS";
	s->quarantine_reason = "legacy-tls";
	s->hostname = NULL;
	memcpy(policy->sticky_key, no_secret, sizeof(no_secret));
	policy->default_rule.name = "default";
	policy->default_rule.action = ACTION_ACCEPT;
}

/* Find a top-level key's value node, or NULL. */
static const yaml_node_t *
top_level(struct load_ctx *ctx, const yaml_node_t *root, const char *key)
{
	const yaml_node_pair_t *pair;
	const yaml_node_t *k;

	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(ctx->doc, pair->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(ctx->doc, pair->value);
	}
	return NULL;
}

static void
skip_section(struct load_ctx *ctx, const yaml_node_t *node, void *unused)
{
	(void)ctx, (void)node, (void)unused;
}

/*
 * "default:" is required and is the last key of the policy, so that a
 * file cut anywhere before the end of the default (an editor writing in
 * place during a reload) never loads as a shorter policy: whatever the cut
 * loses, it loses the default too. load_default() closes the rest: the
 * default's action is its last key, and a cut inside that value is not an
 * action.
 */
static void
check_default_last(struct load_ctx *ctx, const yaml_node_t *root)
{
	const yaml_node_pair_t *pair, *last = root->data.mapping.pairs.top - 1;
	const yaml_node_t *key, *next;

	if (root->data.mapping.pairs.start == root->data.mapping.pairs.top)
		return;
	for (pair = root->data.mapping.pairs.start; pair < last; pair++) {
		key = yaml_document_get_node(ctx->doc, pair->key);
		if (key == NULL || key->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)key->data.scalar.value, "default") != 0)
			continue;
		next = yaml_document_get_node(ctx->doc, pair[1].key);
		load_error(
		    ctx, next != NULL ? next : key,
		    "\"default:\" must be the last key of the policy (after rules:), so that a "
		    "truncated file cannot load");
		return;
	}
	key = yaml_document_get_node(ctx->doc, last->key);
	next = yaml_document_get_node(ctx->doc, last->value);
	if (key != NULL && next != NULL && key->type == YAML_SCALAR_NODE &&
	    strcmp((const char *)key->data.scalar.value, "default") == 0 &&
	    next->start_mark.index < key->end_mark.index)
		load_error(ctx, next, "the default must be written out, not an alias");
}

/*
 * Walk the document root. Lists go first so that rules can refer to them
 * wherever the "lists" key stands in the file.
 */
static void
load_root(struct load_ctx *ctx, const yaml_node_t *root)
{
	static const struct load_key first[] = {
	    {"version", load_version}, {"lists", load_lists},     {"settings", load_settings},
	    {"rules", skip_section},   {"default", skip_section}, {NULL, NULL},
	};
	const yaml_node_t *node;
	int have_version = 0;

	if (root->type != YAML_MAPPING_NODE) {
		load_error(ctx, root,
		           "a policy must be a mapping with version, settings, lists, "
		           "rules and default");
		return;
	}
	load_mapping(ctx, root, "the policy", first, &have_version);
	if (!have_version && !ctx->over_budget)
		load_error(ctx, root, "missing \"version: 1\"");
	if ((node = top_level(ctx, root, "rules")) != NULL)
		load_rules(ctx, node, NULL);
	if ((node = top_level(ctx, root, "default")) != NULL)
		load_default(ctx, node, NULL);
	else if (!ctx->over_budget)
		policy_errors_add(
		    ctx->errors, ctx->file, root->end_mark.line + 1, root->end_mark.column + 1,
		    "missing \"default:\" (required, as the last key of the policy: a file "
		    "without it may be cut short)");
	check_default_last(ctx, root);
}

/* The directory part of path, for relative "file:" lists. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * Refuse nesting deeper than any policy needs before building the
 * document: libyaml's scanner is quadratic in the flow nesting depth
 * ("[[[[..." takes a minute at 200,000 levels), and this event pass stops
 * at the first level too many.
 */
static int
check_depth(struct load_ctx *ctx, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	int depth = 0, status = 0, done = 0;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && status == 0) {
		if (!yaml_parser_parse(&parser, &event)) {
			syntax_error(ctx, &parser, text, len);
			status = -1;
			break;
		}
		if (event.type == YAML_SEQUENCE_START_EVENT ||
		    event.type == YAML_MAPPING_START_EVENT) {
			if (++depth > POLICY_DEPTH_MAX) {
				policy_errors_add(ctx->errors, ctx->file, event.start_mark.line + 1,
				                  event.start_mark.column + 1,
				                  "nested more than %d levels deep",
				                  POLICY_DEPTH_MAX);
				status = -1;
			}
		} else if (event.type == YAML_SEQUENCE_END_EVENT ||
		           event.type == YAML_MAPPING_END_EVENT)
			depth--;
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return status;
}

static void
parse_and_load(struct load_ctx *ctx, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;

	if (check_depth(ctx, text, len) < 0)
		return;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(ctx, &parser, text, len);
		yaml_parser_delete(&parser);
		return;
	}
	ctx->doc = &doc;
	if ((root = yaml_document_get_root_node(&doc)) == NULL)
		load_error(ctx, NULL, "the policy file is empty");
	else
		load_root(ctx, root);
	if (!yaml_parser_load(&parser, &extra))
		syntax_error(ctx, &parser, text, len);
	else {
		if (yaml_document_get_root_node(&extra) != NULL)
			policy_errors_add(ctx->errors, ctx->file, extra.start_mark.line + 1,
			                  extra.start_mark.column + 1,
			                  "more than one YAML document; a policy is one document");
		yaml_document_delete(&extra);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

/* Load text (the contents of path) into a new policy, or NULL after errors. */
static struct policy *
load_text(const char *path, const char *text, size_t len, struct policy_errors *errors,
          int from_file)
{
	struct policy *policy = xcalloc(1, sizeof(*policy));
	struct load_ctx ctx;
	size_t before = errors->count;
	char *buf = NULL, *base_dir = dir_of(path);

	arena_init(&policy->arena);
	set_defaults(policy);
	memset(&ctx, 0, sizeof(ctx));
	ctx.file = path;
	ctx.base_dir = base_dir;
	ctx.policy = policy;
	ctx.errors = errors;
	ctx.budget = POLICY_NODE_BUDGET;
	if (from_file)
		text = buf = read_policy_file(&ctx, path, &len);
	else if (len > POLICY_FILE_MAX) {
		load_error(&ctx, NULL,
		           "file too large (%zu bytes; at most %u; put long address "
		           "lists in file: lists)",
		           len, POLICY_FILE_MAX);
		text = NULL;
	}
	if (text != NULL)
		parse_and_load(&ctx, text, len);
	free(buf);
	free(base_dir);
	if (errors->count > before) {
		policy_free(policy);
		return NULL;
	}
	if (policy->index.bits == NULL)
		rule_index_build(&policy->arena, policy->heads, 0, &policy->index);
	return policy;
}

struct policy *
policy_load(const char *path, struct policy_errors *errors)
{
	return load_text(path, NULL, 0, errors, 1);
}

struct policy *
policy_load_text(const char *path, const char *text, size_t len, struct policy_errors *errors)
{
	return load_text(path, text, len, errors, 0);
}

struct cidr_set *
load_new_set(struct load_ctx *ctx)
{
	struct policy *policy = ctx->policy;

	if (policy->owned_set_count == policy->owned_set_alloc) {
		policy->owned_set_alloc = policy->owned_set_alloc ? 2 * policy->owned_set_alloc : 8;
		policy->owned_sets = xrealloc(policy->owned_sets, policy->owned_set_alloc *
		                                                      sizeof(*policy->owned_sets));
	}
	return policy->owned_sets[policy->owned_set_count++] = cidr_set_new();
}

void
policy_free(struct policy *policy)
{
	size_t i;

	if (policy == NULL)
		return;
	for (i = 0; i < policy->owned_set_count; i++)
		cidr_set_free(policy->owned_sets[i]);
	free(policy->owned_sets);
	arena_free(&policy->arena);
	free(policy);
}

const struct policy_settings *
policy_settings(const struct policy *policy)
{
	return &policy->settings;
}

int
policy_has_recipient_rules(const struct policy *policy)
{
	return policy->has_recipient_rules;
}

int
policy_needs_headers(const struct policy *policy)
{
	size_t i;

	if (policy->settings.strip_foreign_headers || policy->default_rule.subject_prefix != NULL)
		return 1;
	for (i = 0; i < policy->rule_count; i++)
		if (policy->rules[i].subject_prefix != NULL)
			return 1;
	return 0;
}

size_t
policy_rule_count(const struct policy *policy)
{
	return policy->rule_count;
}
