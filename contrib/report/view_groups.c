/*
 * view_groups.c -- clients grouped per SMTP AUTH user or per listener
 *
 * SYNOPSIS
 *	void view_users(struct aggregate *agg, struct view_result *out);
 *	void view_listeners(struct aggregate *agg, struct view_result *out);
 *
 * DESCRIPTION
 *	view_users() is the counterpart of the big providers' "SMTP AUTH
 *	clients" report, with what it lacks: the client addresses each user
 *	connects from. Sessions without SMTP AUTH are left out.
 *	view_listeners() is the counterpart of their connector report, with
 *	the client addresses and users of each listener.
 *
 *	Groups are built by sorting the clients on the group's key (an
 *	interned string, so equal keys are equal pointers) and merging runs.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "xalloc.h"

#define T(f)      offsetof(struct tally, f)
#define TLS_COLS  (SHOW_TEXT | SHOW_CSV | SHOW_HTML)
#define MORE_COLS (SHOW_DETAIL | SHOW_MACHINE | SHOW_HTML)

/* The columns after the key column, shared by both views. */
/* clang-format off */
#define GROUP_COLUMNS                                                                        \
	{"messages", "TRANSACTIONS", COL_ULONG, SHOW_ALL, T(messages), 0},                   \
	    {"aborted", "ABORTED", COL_ULONG, SHOW_ALL | SHOW_NONZERO, T(aborted), 0},       \
	    {"legacy", "TLS<1.2", COL_ULONG, SHOW_ALL | SHOW_LEGACY, T(legacy), 0},          \
	    {"plaintext", "PLAIN", COL_ULONG, SHOW_ALL | SHOW_LEGACY, T(plaintext), 0},      \
	    {"SSLv3", "SSLv3", COL_ULONG, TLS_COLS | SHOW_LEGACY | SHOW_NONZERO,             \
		T(by_tls[TLS_VERSION_SSLV3]), 0},                                            \
	    {"TLSv1", "TLS1.0", COL_ULONG, TLS_COLS | SHOW_LEGACY,                           \
		T(by_tls[TLS_VERSION_1_0]), 0},                                              \
	    {"TLSv1.1", "TLS1.1", COL_ULONG, TLS_COLS | SHOW_LEGACY,                         \
		T(by_tls[TLS_VERSION_1_1]), 0},                                              \
	    {"TLSv1.2", "TLS1.2", COL_ULONG, TLS_COLS, T(by_tls[TLS_VERSION_1_2]), 0},       \
	    {"TLSv1.3", "TLS1.3", COL_ULONG, TLS_COLS, T(by_tls[TLS_VERSION_1_3]), 0},       \
	    {"unknown", "unkn", COL_ULONG, TLS_COLS | SHOW_NONZERO,                          \
		T(by_tls[TLS_VERSION_UNKNOWN]), 0},                                          \
	    {"by_tls", "TLS", COL_TLS, SHOW_JSON, T(by_tls), 0},                             \
	    {"actions", "ACTIONS", COL_ACTIONS, MORE_COLS, T(by_action), 0},                 \
	    {"deferred_messages", "DEFERRED MSGS", COL_ULONG, SHOW_ALL | SHOW_NONZERO,       \
		T(deferred_messages), 0},                                                    \
	    {"report_only", "REPORT-ONLY", COL_ULONG, SHOW_DETAIL | SHOW_MACHINE,            \
		T(report_only), 0},                                                          \
	    {"ciphers", "CIPHERS", COL_MAP, SHOW_DETAIL | SHOW_MACHINE, T(ciphers), 0},      \
	    {"cipher_classes", "CIPHER CLASSES", COL_CLASSES, MORE_COLS, T(cipher_classes),  \
		0},                                                                          \
	    {"rules", "RULES", COL_MAP, SHOW_DETAIL | SHOW_MACHINE, T(rules), 0},            \
	    {"hosts", "HOSTS", COL_KEYS, SHOW_DETAIL | SHOW_MACHINE, T(hosts), 0},           \
	    {"first_seen", "FIRST SEEN", COL_TIME, SHOW_DETAIL | SHOW_MACHINE, T(first), 0}, \
	    {"last_seen", "LAST SEEN", COL_TIME, MORE_COLS, T(last), 0}
/* clang-format on */

static const struct column user_columns[] = {
    {"auth_user", "USER", COL_ISTR, SHOW_ALL, T(auth), 12},
    {"addresses", "ADDRS", COL_NKEYS, SHOW_TEXT | SHOW_HTML, T(addrs), 0},
    {"client_addrs", "CLIENT ADDRESSES", COL_MAP, MORE_COLS, T(addrs), 0},
    {"listeners", "LISTENERS", COL_MAP, MORE_COLS, T(listeners), 0},
    GROUP_COLUMNS,
};

static const struct column listener_columns[] = {
    {"listener", "LISTENER", COL_ISTR, SHOW_ALL, T(listener), 8},
    {"addresses", "ADDRS", COL_NKEYS, SHOW_ALL, T(addrs), 0},
    {"users", "USERS", COL_NKEYS, SHOW_ALL, T(users), 0},
    GROUP_COLUMNS,
};

static size_t key_offset; /* of the grouping key in struct tally, for qsort */

static const struct istr *
group_key(const struct tally *t)
{
	return *(const struct istr *const *)((const char *)t + key_offset);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(group_key(*(const struct tally *const *)a)->s,
	              group_key(*(const struct tally *const *)b)->s);
}

/* build_groups - merge the clients into one tally per key; skip_dash leaves out "-" */
static void
build_groups(struct aggregate *agg, size_t offset, int skip_dash, struct view_result *out)
{
	struct tally **clients = aggregate_clients(agg);
	const void **rows;
	size_t n = 0;

	key_offset = offset;
	qsort(clients, agg->nclients, sizeof(*clients), cmp_key);
	out->groups = xcalloc(agg->nclients, sizeof(*out->groups));
	for (size_t i = 0; i < agg->nclients; i++) {
		const struct istr *key = group_key(clients[i]);
		struct tally *g;

		if (skip_dash && key->len == 1 && key->s[0] == '-')
			continue;
		if (n == 0 || group_key(&out->groups[n - 1]) != key) {
			g = &out->groups[n++];
			*(const struct istr **)((char *)g + offset) = key;
		}
		tally_merge(&out->groups[n - 1], clients[i]);
	}
	free(clients);
	out->ngroups = n;
	rows = xcalloc(n, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		tally_sort_maps(&out->groups[i]);
		rows[i] = &out->groups[i];
	}
	qsort(rows, n, sizeof(*rows), tally_cmp_legacy_first);
	out->table.rows = rows;
	out->table.nrows = n;
}

void
view_users(struct aggregate *agg, struct view_result *out)
{
	build_groups(agg, T(auth), 1, out);
	out->table.name = "users";
	out->table.title = "SMTP AUTH users, legacy TLS first";
	out->table.cols = user_columns;
	out->table.ncols = sizeof(user_columns) / sizeof(user_columns[0]);
}

void
view_listeners(struct aggregate *agg, struct view_result *out)
{
	build_groups(agg, T(listener), 0, out);
	out->table.name = "listeners";
	out->table.title = "Listeners";
	out->table.cols = listener_columns;
	out->table.ncols = sizeof(listener_columns) / sizeof(listener_columns[0]);
}
