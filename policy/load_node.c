/*
 * load_node.c -- typed access to YAML nodes, with positioned errors
 *
 * DESCRIPTION
 *	See load_ctx.h. Scalars are taken as text whatever their YAML tag;
 *	the schema, not YAML's type resolution, decides what a value means,
 *	so "version: 1" and "version: '1'" are the same.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "civil_date.h"
#include "load_ctx.h"

void
load_error(struct load_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node == NULL)
		policy_errors_add(ctx->errors, ctx->file, 0, 0, "%s", msg);
	else
		policy_errors_add(ctx->errors, ctx->file, node->start_mark.line + 1,
		    node->start_mark.column + 1, "%s", msg);
}

yaml_node_t *
load_node(struct load_ctx *ctx, int index)
{
	if (ctx->budget == 0) {
		if (!ctx->over_budget)
			load_error(ctx, NULL, "policy too complex (over %s YAML nodes visited; "
					      "are aliases nested?)", "1000000");
		ctx->over_budget = 1;
		return NULL;
	}
	ctx->budget--;
	return yaml_document_get_node(ctx->doc, index);
}

int
load_is_null(const yaml_node_t *node)
{
	const char *text;

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	text = (const char *)node->data.scalar.value;
	return *text == '\0' || strcmp(text, "~") == 0 || strcasecmp(text, "null") == 0;
}

static const char *
node_kind(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return load_is_null(node) ? "an empty value" : "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

const char *
load_scalar(struct load_ctx *ctx, const yaml_node_t *node, const char *what, size_t max_len)
{
	const char *text;
	size_t len;

	if (node->type != YAML_SCALAR_NODE || load_is_null(node)) {
		load_error(ctx, node, "%s must be a value, not %s", what, node_kind(node));
		return NULL;
	}
	text = (const char *)node->data.scalar.value;
	len = node->data.scalar.length;
	if (strlen(text) != len) {
		load_error(ctx, node, "%s contains a NUL character", what);
		return NULL;
	}
	if (len > max_len) {
		load_error(ctx, node, "%s is too long (%zu bytes; at most %zu)", what, len,
		    max_len);
		return NULL;
	}
	return text;
}

int
load_bool(struct load_ctx *ctx, const yaml_node_t *node, const char *what, int *value)
{
	static const char *const yes[] = {"true", "yes", "on", NULL};
	static const char *const no[] = {"false", "no", "off", NULL};
	const char *text = load_scalar(ctx, node, what, LOAD_NAME_MAX);
	int i;

	if (text == NULL)
		return -1;
	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(text, yes[i]) == 0)
			return *value = 1, 0;
		if (strcasecmp(text, no[i]) == 0)
			return *value = 0, 0;
	}
	load_error(ctx, node, "%s must be true or false, not \"%s\"", what, text);
	return -1;
}

int
load_date(struct load_ctx *ctx, const yaml_node_t *node, const char *what, int *date)
{
	const char *text = load_scalar(ctx, node, what, LOAD_NAME_MAX);

	if (text == NULL)
		return -1;
	if (civil_date_parse(text, date) < 0) {
		load_error(ctx, node, "%s must be a date YYYY-MM-DD, not \"%s\"", what, text);
		return -1;
	}
	return 0;
}

int
load_choice(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
    const char *const *names, int *value)
{
	const char *text = load_scalar(ctx, node, what, LOAD_NAME_MAX);
	char expected[256] = "";
	int i;

	if (text == NULL)
		return -1;
	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(text, names[i]) == 0)
			return *value = i, 0;
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s%s",
		    i ? ", " : "", names[i]);
	}
	load_error(ctx, node, "unknown %s \"%s\" (expected one of: %s)", what, text, expected);
	return -1;
}

/* Report a key given twice in one mapping; libyaml itself accepts it. */
static int
duplicate_key(struct load_ctx *ctx, const yaml_node_t *node, const yaml_node_pair_t *pair,
    const char *key)
{
	const yaml_node_pair_t *p;
	const yaml_node_t *k;

	for (p = node->data.mapping.pairs.start; p < pair; p++) {
		k = yaml_document_get_node(ctx->doc, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return 1;
	}
	return 0;
}

void
load_mapping(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
    const struct load_key *keys, void *target)
{
	const yaml_node_pair_t *pair;
	const struct load_key *k;
	yaml_node_t *key_node, *value;
	const char *key;

	if (node->type != YAML_MAPPING_NODE) {
		load_error(ctx, node, "%s must be a mapping (key: value), not %s", what,
		    node_kind(node));
		return;
	}
	if (node->data.mapping.pairs.top - node->data.mapping.pairs.start > LOAD_KEYS_MAX) {
		load_error(ctx, node, "%s has too many keys (at most %d)", what, LOAD_KEYS_MAX);
		return;
	}
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		if ((key_node = load_node(ctx, pair->key)) == NULL ||
		    (value = load_node(ctx, pair->value)) == NULL)
			return;
		if ((key = load_scalar(ctx, key_node, "a key", LOAD_NAME_MAX)) == NULL)
			continue;
		if (duplicate_key(ctx, node, pair, key)) {
			load_error(ctx, key_node, "duplicate key \"%s\" in %s", key, what);
			continue;
		}
		for (k = keys; k->key != NULL && strcmp(k->key, key) != 0; k++)
			;
		if (k->key == NULL)
			load_error(ctx, key_node, "unknown key \"%s\" in %s", key, what);
		else
			k->handler(ctx, value, target);
	}
}

void
load_each_item(struct load_ctx *ctx, const yaml_node_t *node, load_handler *handler, void *target)
{
	const yaml_node_item_t *item;
	yaml_node_t *value;

	if (node->type != YAML_SEQUENCE_NODE) {
		handler(ctx, node, target);
		return;
	}
	for (item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++) {
		if ((value = load_node(ctx, *item)) == NULL)
			return;
		handler(ctx, value, target);
	}
}

size_t
load_item_count(const yaml_node_t *node)
{
	if (node->type != YAML_SEQUENCE_NODE)
		return 1;
	return (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
}
