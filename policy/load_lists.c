/*
 * load_lists.c -- named address lists and "file:" address lists
 *
 * DESCRIPTION
 *	"lists:" maps names to address lists; rules refer to them as
 *	"@name". An entry is an address, a CIDR prefix or "file:PATH" (one
 *	address or prefix per line, "#" starts a comment; relative paths are
 *	relative to the policy file's directory). Each list compiles into
 *	one cidr_set shared by every rule that names it. A bad line in a list
 *	file is reported as "LISTFILE:LINE:COL: message".
 *
 *	A list file must be a regular file: it is opened without blocking
 *	and checked before the first read, so a FIFO, a device (/dev/zero) or
 *	a directory is an error, never a hang or an endless read. A line
 *	longer than LIST_LINE_MAX (1024) bytes or holding a NUL byte is an
 *	error at its line; a read error is an error, never a short list.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_ctx.h"
#include "xalloc.h"

#define LIST_LINE_MAX 1024 /* bytes in one line of a file: list, without the newline */

/* List names as rules write them after "@". */
static int
valid_list_name(const char *name)
{
	return *name != '\0' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	           strlen(name);
}

/* Add one address or prefix; 0 on success, -1 if it is neither. */
static int
add_prefix(struct cidr_set *set, const char *text)
{
	struct net_addr addr;
	int len;

	if (net_prefix_parse(text, &addr, &len) < 0)
		return -1;
	cidr_set_add(set, &addr, len);
	return 0;
}

/*
 * Why text is not a prefix, for the error message: most often a host
 * address written with a prefix length ("192.0.2.1/24").
 */
const char *
load_prefix_problem(const char *text)
{
	char addr_part[LOAD_VALUE_MAX + 1];
	const char *slash = strchr(text, '/');
	struct net_addr addr;
	const char *bad;
	unsigned long len;
	char *end;

	if (slash == NULL || (size_t)(slash - text) > LOAD_VALUE_MAX)
		return "is not an IP address or CIDR prefix";
	memcpy(addr_part, text, (size_t)(slash - text));
	addr_part[slash - text] = '\0';
	if (net_addr_parse(addr_part, &addr) < 0)
		return "is not an IP address or CIDR prefix";
	bad = addr.family == 4 ? "has a bad prefix length (at most 32)"
	                       : "has a bad prefix length (at most 128)";
	if (slash[1] < '0' || slash[1] > '9')
		return bad;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || errno == ERANGE || len > (addr.family == 4 ? 32u : 128u))
		return bad;
	return "has address bits set beyond its prefix length";
}

int
load_prefix(struct load_ctx *ctx, const yaml_node_t *node, struct cidr_set *set, const char *text)
{
	if (add_prefix(set, text) == 0)
		return 0;
	load_error(ctx, node, "\"%s\" %s", text, load_prefix_problem(text));
	return -1;
}

/* Strip a "#" comment and surrounding white space in place; return the start. */
static char *
trim_line(char *line)
{
	char *hash = strchr(line, '#'), *end;

	if (hash != NULL)
		*hash = '\0';
	while (isspace((unsigned char)*line))
		line++;
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return line;
}

/*
 * Read one line of at most LIST_LINE_MAX bytes (without its newline) into
 * buf. Returns LINE_OK, LINE_EOF, LINE_TOO_LONG (the rest of the line is
 * skipped), LINE_NUL (a NUL byte in it) or LINE_ERROR (errno says why).
 * End of file is only ever reported when getc() says EOF and ferror() does
 * not, so a failing read never reads as a short list.
 */
enum line_status { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_NUL, LINE_ERROR };

static enum line_status
read_line(FILE *fp, char *buf, size_t *len)
{
	enum line_status status = LINE_OK;
	size_t n = 0;
	int c;

	errno = 0;
	while ((c = getc(fp)) != EOF && c != '\n') {
		if (c == '\0' && status == LINE_OK)
			status = LINE_NUL;
		if (n < LIST_LINE_MAX)
			buf[n++] = (char)c;
		else if (status == LINE_OK)
			status = LINE_TOO_LONG;
	}
	buf[n] = '\0';
	*len = n;
	if (c == EOF && ferror(fp))
		return LINE_ERROR;
	if (c == EOF && n == 0 && status == LINE_OK)
		return LINE_EOF;
	return status;
}

static void
read_address_lines(struct load_ctx *ctx, FILE *fp, const char *path, struct cidr_set *set)
{
	char line[LIST_LINE_MAX + 1], *entry;
	size_t lineno = 0, len;
	enum line_status status;

	while ((status = read_line(fp, line, &len)) != LINE_EOF) {
		lineno++;
		if (status == LINE_ERROR) {
			policy_errors_add(ctx->errors, path, lineno, 1, "read error: %s",
			                  strerror(errno ? errno : EIO));
			return;
		}
		if (status == LINE_TOO_LONG) {
			policy_errors_add(ctx->errors, path, lineno, 1, "line longer than %d bytes",
			                  LIST_LINE_MAX);
			continue;
		}
		if (status == LINE_NUL) {
			policy_errors_add(ctx->errors, path, lineno, strlen(line) + 1,
			                  "NUL byte in a list file");
			continue;
		}
		entry = trim_line(line);
		if (*entry == '\0')
			continue;
		if (strpbrk(entry, " \t") != NULL)
			policy_errors_add(ctx->errors, path, lineno, (size_t)(entry - line) + 1,
			                  "one address or prefix per line");
		else if (add_prefix(set, entry) < 0)
			policy_errors_add(ctx->errors, path, lineno, (size_t)(entry - line) + 1,
			                  "\"%.80s\" %s", entry, load_prefix_problem(entry));
	}
}

int
load_address_file(struct load_ctx *ctx, const yaml_node_t *where, const char *path,
                  struct cidr_set *set)
{
	struct stat st;
	char *full;
	FILE *fp;
	int fd;

	if (*path == '\0') {
		load_error(ctx, where, "file: needs a path");
		return -1;
	}
	if (*path == '/')
		full = xstrdup(path);
	else {
		full = xmalloc(strlen(ctx->base_dir) + strlen(path) + 2);
		sprintf(full, "%s/%s", ctx->base_dir, path);
	}
	if ((fd = load_open_regular(ctx, where, full, "address list", &st)) < 0) {
		free(full);
		return -1;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		load_error(ctx, where, "cannot read address list %s: %s", full, strerror(errno));
		close(fd);
		free(full);
		return -1;
	}
	read_address_lines(ctx, fp, full, set);
	fclose(fp);
	free(full);
	return 0;
}

/* One entry of a named list: an address, a prefix or file:PATH. */
static void
load_list_entry(struct load_ctx *ctx, const yaml_node_t *node, void *target)
{
	struct cidr_set *set = target;
	const char *text = load_scalar(ctx, node, "a list entry", LOAD_VALUE_MAX);

	if (text == NULL)
		return;
	if (strncmp(text, "file:", 5) == 0) {
		load_address_file(ctx, node, text + 5, set);
		return;
	}
	load_prefix(ctx, node, set, text);
}

void
load_lists(struct load_ctx *ctx, const yaml_node_t *node, void *unused)
{
	const yaml_node_pair_t *pair;
	struct named_list *list;
	yaml_node_t *key, *value;
	const char *name;
	size_t i, count;

	(void)unused;
	if (node->type != YAML_MAPPING_NODE) {
		if (!load_is_null(node))
			load_error(ctx, node, "lists must be a mapping of list names to addresses");
		return;
	}
	count = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
	if (count > LOAD_KEYS_MAX) {
		load_error(ctx, node, "too many lists (at most %d)", LOAD_KEYS_MAX);
		return;
	}
	ctx->policy->lists = arena_alloc(&ctx->policy->arena, count * sizeof(struct named_list));
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		if ((key = load_node(ctx, pair->key)) == NULL ||
		    (value = load_node(ctx, pair->value)) == NULL)
			return;
		if ((name = load_scalar(ctx, key, "a list name", LOAD_NAME_MAX)) == NULL)
			continue;
		if (!valid_list_name(name)) {
			load_error(ctx, key,
			           "list name \"%s\" may only use letters, digits, "
			           "\"_\", \".\" and \"-\"",
			           name);
			continue;
		}
		for (i = 0; i < ctx->policy->list_count; i++)
			if (strcmp(ctx->policy->lists[i].name, name) == 0)
				break;
		if (i < ctx->policy->list_count) {
			load_error(ctx, key, "list \"%s\" is already defined at line %zu", name,
			           ctx->policy->lists[i].line);
			continue;
		}
		list = &ctx->policy->lists[ctx->policy->list_count++];
		list->name = arena_strdup(&ctx->policy->arena, name);
		list->line = key->start_mark.line + 1;
		list->col = key->start_mark.column + 1;
		list->set = load_new_set(ctx);
		if (load_is_null(value))
			continue;
		load_each_item(ctx, value, load_list_entry, list->set);
	}
}

const struct cidr_set *
load_find_list(struct load_ctx *ctx, const yaml_node_t *where, const char *name)
{
	size_t i;

	for (i = 0; i < ctx->policy->list_count; i++)
		if (strcmp(ctx->policy->lists[i].name, name) == 0)
			return ctx->policy->lists[i].set;
	load_error(ctx, where, "unknown list \"@%s\" (define it under lists:)", name);
	return NULL;
}
