/*
 * load_match.c -- compile a rule's "match:" mapping into a struct match
 *
 * DESCRIPTION
 *	One handler per match key. A key takes one value or a list of values
 *	(any of them may hold); all keys given must hold. TLS versions become
 *	a bit mask (a comparison is expanded into the versions it admits), so
 *	the decision tests one bit. Address entries become a cidr_set, and
 *	"@name" entries point at the named list's set.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load_ctx.h"

static const struct {
	const char *text;
	enum compare_op op;
} compare_ops[] = {
    {"<=", CMP_LE}, {">=", CMP_GE}, {"!=", CMP_NE}, {"==", CMP_EQ},
    {"<", CMP_LT},  {">", CMP_GT},  {"=", CMP_EQ},
};

/* Split "OP OPERAND"; no operator means equality. Returns the operand. */
static const char *
split_comparison(const char *text, enum compare_op *op)
{
	size_t i, n;

	*op = CMP_EQ;
	for (i = 0; i < sizeof(compare_ops) / sizeof(compare_ops[0]); i++) {
		n = strlen(compare_ops[i].text);
		if (strncmp(text, compare_ops[i].text, n) == 0) {
			*op = compare_ops[i].op;
			text += n;
			break;
		}
	}
	while (*text == ' ')
		text++;
	return text;
}

static int
compare_holds(enum compare_op op, int a, int b)
{
	switch (op) {
	case CMP_LT:
		return a < b;
	case CMP_LE:
		return a <= b;
	case CMP_GT:
		return a > b;
	case CMP_GE:
		return a >= b;
	case CMP_EQ:
		return a == b;
	case CMP_NE:
		return a != b;
	}
	return 0;
}

/* A version the policy may name: strict, unlike the MTA-facing parser. */
static int
policy_tls_version(const char *text, enum tls_version *v)
{
	if (strcasecmp(text, "none") == 0)
		return *v = TLS_VERSION_NONE, 0;
	if (strcasecmp(text, "unknown") == 0)
		return *v = TLS_VERSION_UNKNOWN, 0;
	*v = tls_version_parse(text);
	return *v == TLS_VERSION_UNKNOWN || *v == TLS_VERSION_NONE ? -1 : 0;
}

static void
add_tls(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;
	const char *text = load_scalar(ctx, node, "a TLS version", LOAD_NAME_MAX), *operand;
	enum compare_op op;
	enum tls_version v, w;

	if (text == NULL)
		return;
	operand = split_comparison(text, &op);
	if (policy_tls_version(operand, &v) < 0) {
		load_error(ctx, node,
		           "unknown TLS version \"%s\" (expected none, SSLv3, TLSv1, "
		           "TLSv1.1, TLSv1.2, TLSv1.3 or unknown)",
		           operand);
		return;
	}
	if (op != CMP_EQ && (v == TLS_VERSION_NONE || v == TLS_VERSION_UNKNOWN)) {
		load_error(ctx, node, "\"%s\" cannot be compared; list it on its own", operand);
		return;
	}
	if (op == CMP_EQ) {
		m->tls_versions |= 1u << v;
		return;
	}
	/* Comparisons range over real versions only, never none or unknown. */
	for (w = TLS_VERSION_SSLV3; w <= TLS_VERSION_1_3; w++)
		if (compare_holds(op, (int)w, (int)v))
			m->tls_versions |= 1u << w;
}

static void
key_tls(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	((struct match *)target)->keys |= MK_TLS;
	load_each_item(ctx, node, add_tls, target);
}

/* A glob that can go into logs and comparisons: printable, one line. */
static const char *
load_pattern_text(struct load_ctx *ctx, const yaml_node_t *node, const char *what)
{
	const char *text = load_scalar(ctx, node, what, LOAD_VALUE_MAX);
	const char *p;

	if (text == NULL)
		return NULL;
	for (p = text; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			load_error(ctx, node, "%s contains a control character", what);
			return NULL;
		}
	}
	return text;
}

/* Measure the literal head and tail of a glob (see match.c). */
static void
glob_pattern_init(struct load_ctx *ctx, const char *text, struct glob_pattern *g)
{
	size_t len = strlen(text), head = strcspn(text, "*?\\");
	const char *star = strrchr(text, '*');
	size_t tail = 0;

	g->text = arena_strdup(&ctx->policy->arena, text);
	g->literal = head == len;
	g->head_len = (uint16_t)head;
	if (star != NULL && strpbrk(star + 1, "?\\") == NULL)
		tail = len - (size_t)(star + 1 - text);
	g->tail_len = (uint16_t)tail;
	g->tail = g->text + len - tail;
	g->tail_last = tail ? (uint8_t)tolower((unsigned char)text[len - 1]) : 0;
}

struct pattern_target {
	struct pattern_list *list;
	const char *what;
};

static void
add_pattern(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct pattern_target *t = target;
	const char *text = load_pattern_text(ctx, node, t->what);

	if (text != NULL)
		glob_pattern_init(ctx, text,
		                  (struct glob_pattern *)&t->list->items[t->list->count++]);
}

static void
load_patterns(struct load_ctx *ctx, const yaml_node_t *node, const char *what,
              struct pattern_list *list)
{
	struct pattern_target t = {list, what};

	list->items =
	    arena_alloc(&ctx->policy->arena, load_item_count(node) * sizeof(struct glob_pattern));
	list->count = 0;
	load_each_item(ctx, node, add_pattern, &t);
}

static void
add_cipher(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;
	const char *text = load_pattern_text(ctx, node, "a cipher");
	unsigned bit;

	if (text == NULL)
		return;
	if (strncmp(text, "class:", 6) != 0) {
		glob_pattern_init(
		    ctx, text,
		    (struct glob_pattern *)&m->cipher_globs.items[m->cipher_globs.count++]);
		return;
	}
	if (cipher_class_parse(text + 6, &bit) < 0) {
		load_error(ctx, node,
		           "unknown cipher class \"%s\" (expected 3des, rc4, des, "
		           "null, export, cbc, aead, no-pfs or sha1-mac)",
		           text + 6);
		return;
	}
	m->cipher_classes |= bit;
}

static void
key_cipher(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;

	m->keys |= MK_CIPHER;
	m->cipher_globs.items =
	    arena_alloc(&ctx->policy->arena, load_item_count(node) * sizeof(struct glob_pattern));
	load_each_item(ctx, node, add_cipher, m);
}

/* A decimal number in [min, max]; -1 if the text is anything else. */
static int
parse_bounded(const char *text, long min, long max, int *value)
{
	char *end;
	long v;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < min || v > max)
		return -1;
	*value = (int)v;
	return 0;
}

static void
key_cipher_bits(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;
	const char *text = load_scalar(ctx, node, "cipher_bits", LOAD_NAME_MAX), *operand;

	m->keys |= MK_CIPHER_BITS;
	if (text == NULL)
		return;
	operand = split_comparison(text, &m->bits_op);
	if (parse_bounded(operand, 0, 65535, &m->bits_value) < 0)
		load_error(ctx, node,
		           "cipher_bits must be a comparison such as \"< 128\", not "
		           "\"%s\"",
		           text);
}

static void
add_client(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct address_match *a = target;
	const char *text = load_scalar(ctx, node, "a client address", LOAD_VALUE_MAX);
	const struct cidr_set *list;

	if (text == NULL)
		return;
	if (*text == '@') {
		if ((list = load_find_list(ctx, node, text + 1)) != NULL)
			a->lists[a->list_count++] = list;
		return;
	}
	if (strcmp(text, "unknown") == 0) {
		a->unknown = 1;
		return;
	}
	if (a->own == NULL)
		a->own = load_new_set(ctx);
	if (strncmp(text, "file:", 5) == 0) {
		load_address_file(ctx, node, text + 5, a->own);
		return;
	}
	load_prefix(ctx, node, a->own, text);
}

static void
key_client(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;

	m->keys |= MK_CLIENT;
	m->client.lists =
	    arena_alloc(&ctx->policy->arena, load_item_count(node) * sizeof(struct cidr_set *));
	load_each_item(ctx, node, add_client, &m->client);
}

static void
add_port(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;
	const char *text = load_scalar(ctx, node, "a port", LOAD_NAME_MAX);
	int port;

	if (text == NULL)
		return;
	if (parse_bounded(text, 1, 65535, &port) < 0) {
		load_error(ctx, node, "port must be a number from 1 to 65535, not \"%s\"", text);
		return;
	}
	((int *)m->ports)[m->port_count++] = port;
}

static void
key_port(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;

	m->keys |= MK_PORT;
	m->ports = arena_alloc(&ctx->policy->arena, load_item_count(node) * sizeof(int));
	load_each_item(ctx, node, add_port, m);
}

static void
key_authenticated(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;

	m->keys |= MK_AUTHENTICATED;
	load_bool(ctx, node, "authenticated", &m->authenticated);
}

static void
key_cert_verified(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct match *m = target;

	m->keys |= MK_CERT_VERIFIED;
	load_bool(ctx, node, "cert_verified", &m->cert_verified);
}

/* The glob-valued keys differ only in field, key bit and name: a table. */
static const struct glob_key {
	const char *name;
	unsigned key;
	size_t offset;
} glob_keys[] = {
    {"client_name", MK_CLIENT_NAME, offsetof(struct match, client_name)},
    {"helo", MK_HELO, offsetof(struct match, helo)},
    {"listener", MK_LISTENER, offsetof(struct match, listener)},
    {"auth_user", MK_AUTH_USER, offsetof(struct match, auth_user)},
    {"sender", MK_SENDER, offsetof(struct match, sender)},
    {"recipient", MK_RECIPIENT, offsetof(struct match, recipient)},
    {"cert_subject", MK_CERT_SUBJECT, offsetof(struct match, cert_subject)},
    {"cert_issuer", MK_CERT_ISSUER, offsetof(struct match, cert_issuer)},
};

static void
key_globs(struct load_ctx *ctx, const yaml_node_t *node, struct match *m, size_t which)
{
	const struct glob_key *g = &glob_keys[which];

	m->keys |= g->key;
	load_patterns(ctx, node, g->name, (struct pattern_list *)((char *)m + g->offset));
}

#define GLOB_HANDLER(fn, index)                                                                    \
	static void fn(struct load_ctx *ctx, const yaml_node_t *node, void *target)                \
	{                                                                                          \
		key_globs(ctx, node, target, index);                                               \
	}
GLOB_HANDLER(key_client_name, 0)
GLOB_HANDLER(key_helo, 1)
GLOB_HANDLER(key_listener, 2)
GLOB_HANDLER(key_auth_user, 3)
GLOB_HANDLER(key_sender, 4)
GLOB_HANDLER(key_recipient, 5)
GLOB_HANDLER(key_cert_subject, 6)
GLOB_HANDLER(key_cert_issuer, 7)

void
load_match(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	static const struct load_key keys[] = {
	    {"tls", key_tls},
	    {"cipher", key_cipher},
	    {"cipher_bits", key_cipher_bits},
	    {"client", key_client},
	    {"client_name", key_client_name},
	    {"helo", key_helo},
	    {"listener", key_listener},
	    {"port", key_port},
	    {"authenticated", key_authenticated},
	    {"auth_user", key_auth_user},
	    {"sender", key_sender},
	    {"recipient", key_recipient},
	    {"cert_subject", key_cert_subject},
	    {"cert_issuer", key_cert_issuer},
	    {"cert_verified", key_cert_verified},
	    {NULL, NULL},
	};

	if (load_is_null(node))
		return;
	load_mapping(ctx, node, "match", keys, target);
}
