/*
 * view_daily.c -- TLS version share per day
 *
 * SYNOPSIS
 *	void view_daily(struct aggregate *agg, struct view_result *out);
 *
 * DESCRIPTION
 *	One row per UTC day with messages, oldest first: counts and shares
 *	(percent of the day's messages) of each TLS version, and the share
 *	below TLS 1.2, so that the effect of upgrades and rollouts shows.
 */
#include "config.h"

#include <stddef.h>

#include "view.h"
#include "xalloc.h"

#define D(f)      offsetof(struct day_tally, f)
#define COUNT_COL (SHOW_CSV | SHOW_HTML)
#define SHARE_COL (SHOW_TEXT | SHOW_CSV)

static const struct column day_columns[] = {
    {"date", "DATE", COL_DAY, SHOW_ALL, D(day), 0},
    {"messages", "TRANSACTIONS", COL_ULONG, SHOW_ALL, D(messages), 0},
    {"aborted", "ABORTED", COL_ULONG, SHOW_ALL | SHOW_NONZERO, D(aborted), 0},
    {"legacy", "TLS<1.2", COL_ULONG, SHOW_ALL | SHOW_LEGACY, D(legacy), 0},
    {"legacy_pct", "TLS<1.2%", COL_PCT, SHOW_ALL, D(legacy_share), 0},
    {"plaintext", "PLAIN", COL_ULONG, SHOW_ALL | SHOW_LEGACY, D(plaintext), 0},
    {"plaintext_pct", "PLAIN%", COL_PCT, SHOW_ALL, D(plaintext_share), 0},
    {"SSLv3", "SSLv3", COL_ULONG, COUNT_COL | SHOW_LEGACY | SHOW_NONZERO,
     D(by_tls[TLS_VERSION_SSLV3]), 0},
    {"TLSv1", "TLS1.0", COL_ULONG, COUNT_COL | SHOW_LEGACY, D(by_tls[TLS_VERSION_1_0]), 0},
    {"TLSv1.1", "TLS1.1", COL_ULONG, COUNT_COL | SHOW_LEGACY, D(by_tls[TLS_VERSION_1_1]), 0},
    {"TLSv1.2", "TLS1.2", COL_ULONG, COUNT_COL, D(by_tls[TLS_VERSION_1_2]), 0},
    {"TLSv1.3", "TLS1.3", COL_ULONG, COUNT_COL, D(by_tls[TLS_VERSION_1_3]), 0},
    {"unknown", "unkn", COL_ULONG, COUNT_COL | SHOW_NONZERO, D(by_tls[TLS_VERSION_UNKNOWN]), 0},
    {"SSLv3_pct", "SSLv3%", COL_PCT, SHARE_COL | SHOW_NONZERO, D(share[TLS_VERSION_SSLV3]), 0},
    {"TLSv1_pct", "1.0%", COL_PCT, SHARE_COL, D(share[TLS_VERSION_1_0]), 0},
    {"TLSv1.1_pct", "1.1%", COL_PCT, SHARE_COL, D(share[TLS_VERSION_1_1]), 0},
    {"TLSv1.2_pct", "1.2%", COL_PCT, SHARE_COL, D(share[TLS_VERSION_1_2]), 0},
    {"TLSv1.3_pct", "1.3%", COL_PCT, SHARE_COL, D(share[TLS_VERSION_1_3]), 0},
    {"unknown_pct", "unkn%", COL_PCT, SHARE_COL | SHOW_NONZERO, D(share[TLS_VERSION_UNKNOWN]), 0},
    {"by_tls", "TLS", COL_TLS, SHOW_JSON, D(by_tls), 0},
    {"actions", "ACTIONS", COL_ACTIONS, SHOW_DETAIL | SHOW_MACHINE | SHOW_HTML, D(by_action), 0},
};

void
view_daily(struct aggregate *agg, struct view_result *out)
{
	const void **rows = xcalloc(agg->ndays, sizeof(*rows));

	for (size_t i = 0; i < agg->ndays; i++) {
		day_tally_finish(&agg->days[i]);
		rows[i] = &agg->days[i];
	}
	out->table.name = "daily";
	out->table.title = "TLS versions per day (UTC)";
	out->table.cols = day_columns;
	out->table.ncols = sizeof(day_columns) / sizeof(day_columns[0]);
	out->table.rows = rows;
	out->table.nrows = agg->ndays;
}
