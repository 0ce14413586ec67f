/*
 * view_clients.c -- the legacy inventory: one row per client
 *
 * SYNOPSIS
 *	void view_clients(struct aggregate *agg, struct view_result *out);
 *
 * DESCRIPTION
 *	A client is one (client_addr, auth_user, listener) triple. The
 *	devices to fix first come first: most messages below TLS 1.2 (or
 *	without TLS), then the most recently seen.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>

#include "view.h"

#define T(f)      offsetof(struct tally, f)
#define TLS_COLS  (SHOW_TEXT | SHOW_CSV | SHOW_HTML)
#define MORE_COLS (SHOW_DETAIL | SHOW_MACHINE | SHOW_HTML)

static const struct column client_columns[] = {
    {"client_addr", "ADDRESS", COL_ISTR, SHOW_ALL, T(addr), 15},
    {"client_name", "NAME", COL_ISTR, SHOW_ALL, T(name), 8},
    {"helo", "HELO", COL_ISTR, MORE_COLS, T(helo), 0},
    {"helo_count", "HELOS", COL_NKEYS, SHOW_MACHINE, T(helos), 0},
    {"auth_user", "AUTH", COL_ISTR, SHOW_ALL, T(auth), 6},
    {"listener", "LISTENER", COL_ISTR, SHOW_ALL, T(listener), 6},
    {"messages", "TRANSACTIONS", COL_ULONG, SHOW_ALL, T(messages), 0},
    {"aborted", "ABORTED", COL_ULONG, SHOW_ALL | SHOW_NONZERO, T(aborted), 0},
    {"legacy", "TLS<1.2", COL_ULONG, SHOW_ALL | SHOW_LEGACY, T(legacy), 0},
    {"plaintext", "PLAIN", COL_ULONG, SHOW_ALL | SHOW_LEGACY, T(plaintext), 0},
    {"SSLv3", "SSLv3", COL_ULONG, TLS_COLS | SHOW_LEGACY | SHOW_NONZERO,
     T(by_tls[TLS_VERSION_SSLV3]), 0},
    {"TLSv1", "TLS1.0", COL_ULONG, TLS_COLS | SHOW_LEGACY, T(by_tls[TLS_VERSION_1_0]), 0},
    {"TLSv1.1", "TLS1.1", COL_ULONG, TLS_COLS | SHOW_LEGACY, T(by_tls[TLS_VERSION_1_1]), 0},
    {"TLSv1.2", "TLS1.2", COL_ULONG, TLS_COLS, T(by_tls[TLS_VERSION_1_2]), 0},
    {"TLSv1.3", "TLS1.3", COL_ULONG, TLS_COLS, T(by_tls[TLS_VERSION_1_3]), 0},
    {"unknown", "unkn", COL_ULONG, TLS_COLS | SHOW_NONZERO, T(by_tls[TLS_VERSION_UNKNOWN]), 0},
    {"by_tls", "TLS", COL_TLS, SHOW_JSON, T(by_tls), 0},
    {"actions", "ACTIONS", COL_ACTIONS, MORE_COLS, T(by_action), 0},
    {"deferred", "DEFERRED TXNS", COL_ULONG, SHOW_MACHINE | SHOW_HTML | SHOW_NONZERO,
     T(by_action[ACTION_DEFER]), 0},
    {"deferred_messages", "DEFERRED MSGS", COL_ULONG, SHOW_ALL | SHOW_NONZERO, T(deferred_messages),
     0},
    {"report_only", "REPORT-ONLY", COL_ULONG, SHOW_DETAIL | SHOW_MACHINE, T(report_only), 0},
    {"ciphers", "CIPHERS", COL_MAP, MORE_COLS, T(ciphers), 0},
    {"cipher_classes", "CIPHER CLASSES", COL_CLASSES, MORE_COLS, T(cipher_classes), 0},
    {"rules", "RULES", COL_MAP, MORE_COLS, T(rules), 0},
    {"hosts", "MX HOSTS", COL_KEYS, MORE_COLS, T(hosts), 0},
    {"sender_domains", "SENDER DOMAINS", COL_MAP, MORE_COLS, T(domains), 0},
    {"first_seen", "FIRST SEEN", COL_TIME, MORE_COLS, T(first), 0},
    {"last_seen", "LAST SEEN", COL_TIME, MORE_COLS, T(last), 0},
    {"trend", "TREND", COL_DAYS, SHOW_HTML, T(days), 0},
};

void
view_clients(struct aggregate *agg, struct view_result *out)
{
	struct tally **rows = aggregate_clients(agg);

	for (size_t i = 0; i < agg->nclients; i++)
		tally_sort_maps(rows[i]);
	qsort(rows, agg->nclients, sizeof(*rows), tally_cmp_legacy_first);
	out->table.name = "clients";
	out->table.title = "Clients, legacy TLS first";
	out->table.cols = client_columns;
	out->table.ncols = sizeof(client_columns) / sizeof(client_columns[0]);
	out->table.rows = (const void **)rows;
	out->table.nrows = agg->nclients;
}
