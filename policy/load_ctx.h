/*
 * load_ctx.h -- state and helpers shared by the policy loader's parts
 *
 * SYNOPSIS
 *	void load_error(struct load_ctx *ctx, const yaml_node_t *node, const char *fmt, ...);
 *	yaml_node_t *load_node(struct load_ctx *ctx, int index);
 *	int load_is_null(const yaml_node_t *node);
 *	const char *load_scalar(struct load_ctx *ctx, const yaml_node_t *node,
 *	    const char *what, size_t max_len);
 *	int load_bool(struct load_ctx *ctx, const yaml_node_t *node, const char *what, int *value);
 *	int load_date(struct load_ctx *ctx, const yaml_node_t *node, const char *what, int *date);
 *	int load_choice(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
 *	    const char *const *names, int *value);
 *	void load_mapping(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
 *	    const struct load_key *keys, void *target);
 *	void load_each_item(struct load_ctx *ctx, const yaml_node_t *node,
 *	    load_handler *handler, void *target);
 *	size_t load_item_count(const yaml_node_t *node);
 *	int load_open_regular(struct load_ctx *ctx, const yaml_node_t *where,
 *	    const char *path, const char *what, struct stat *st);
 *
 * DESCRIPTION
 *	Each helper checks one node against what the schema expects and, when
 *	it does not fit, reports "FILE:LINE:COL: message" at the node's
 *	position (libyaml marks, 1-based) and returns a failure value; the
 *	caller carries on with the next node so that one load reports every
 *	error. load_mapping() dispatches each key of a mapping through a
 *	table of handlers and reports unknown and duplicate keys.
 *	load_each_item() calls the handler for each item of a sequence, or
 *	once for a single value, so that "key: x" and "key: [x, y]" both work;
 *	load_item_count() says how many calls that will be.
 *
 *	load_open_regular() opens a file to read without blocking (O_NONBLOCK,
 *	so that a FIFO or a device cannot hang a load or a reload) and refuses
 *	anything but a regular file before the first read; it returns the
 *	descriptor, or -1 after reporting why.
 *
 *	ctx->budget bounds the number of nodes visited, so that YAML alias
 *	tricks cannot make a small file cost unbounded work.
 */
#ifndef LOAD_CTX_H
#define LOAD_CTX_H

#include <sys/stat.h>
#include <yaml.h>

#include "compiled.h"

#define LOAD_NAME_MAX  64    /* rule and list names */
#define LOAD_VALUE_MAX 1024  /* patterns, paths, relays */
#define LOAD_TEXT_MAX  400   /* SMTP reply text */
#define LOAD_KEYS_MAX  10000 /* keys in one mapping (duplicate check is quadratic) */

struct load_ctx {
	const char *file;     /* policy path, as given */
	const char *base_dir; /* directory of the policy, for relative file: paths */
	yaml_document_t *doc;
	struct policy *policy;
	struct policy_errors *errors;
	size_t budget; /* nodes that may still be visited */
	int over_budget;
};

typedef void load_handler(struct load_ctx *ctx, const yaml_node_t *value, void *target);

struct load_key {
	const char *key;
	load_handler *handler;
};

void load_error(struct load_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
yaml_node_t *load_node(struct load_ctx *ctx, int index);
int load_is_null(const yaml_node_t *node);
const char *load_scalar(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
                        size_t max_len);
int load_bool(struct load_ctx *ctx, const yaml_node_t *node, const char *what, int *value);
int load_date(struct load_ctx *ctx, const yaml_node_t *node, const char *what, int *date);
int load_choice(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
                const char *const *names, int *value);
void load_mapping(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
                  const struct load_key *keys, void *target);
void load_each_item(struct load_ctx *ctx, const yaml_node_t *node, load_handler *handler,
                    void *target);
size_t load_item_count(const yaml_node_t *node);

int load_open_regular(struct load_ctx *ctx, const yaml_node_t *where, const char *path,
                      const char *what, struct stat *st);

/* The loader's parts (load_lists.c, load_match.c, load_rule.c). */
void load_lists(struct load_ctx *ctx, const yaml_node_t *node, void *unused);
int load_address_file(struct load_ctx *ctx, const yaml_node_t *where, const char *path,
                      struct cidr_set *set);
int load_prefix(struct load_ctx *ctx, const yaml_node_t *node, struct cidr_set *set,
                const char *text);
const char *load_prefix_problem(const char *text);
const struct cidr_set *load_find_list(struct load_ctx *ctx, const yaml_node_t *where,
                                      const char *name);
void load_match(struct load_ctx *ctx, const yaml_node_t *node, void *match);
void load_rules(struct load_ctx *ctx, const yaml_node_t *node, void *unused);
void load_default(struct load_ctx *ctx, const yaml_node_t *node, void *unused);
struct cidr_set *load_new_set(struct load_ctx *ctx);

#endif
