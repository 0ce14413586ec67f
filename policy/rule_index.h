/*
 * rule_index.h -- which rules can apply to a session, as bitmaps per fact value
 *
 * SYNOPSIS
 *	void rule_index_build(struct arena *arena, const struct rule_head *heads,
 *	    size_t count, struct rule_index *ix);
 *	void rule_index_rows(const struct rule_index *ix, const struct fact_summary *s,
 *	    const uint64_t *rows[RULE_INDEX_DIMS]);
 *	uint64_t rule_index_word(const uint64_t *const rows[RULE_INDEX_DIMS], size_t w);
 *
 * DESCRIPTION
 *	Rule heads (prefilter.h) test five facts by equality or range: the TLS
 *	version, SMTP AUTH, an exact listener, a single port and the client
 *	address (first IPv4 octet, IPv6, none). For each value of each such
 *	fact the index keeps a bitmap of the rules that can hold for it; a rule
 *	without that test is in every bitmap of the fact. Listeners and ports
 *	go into RULE_INDEX_BUCKETS buckets by hash, plus one bucket for an
 *	absent fact.
 *
 *	rule_index_rows() picks the session's bitmap in each dimension;
 *	rule_index_word() ANDs word w of them: bit b set means rule 64*w+b may
 *	hold. A decision thus visits, in rule order, only rules that pass those
 *	five tests, instead of every head. The index is conservative (a bucket
 *	holds every rule of all its values), so prefilter_passes() and
 *	match_holds() still decide.
 *
 *	Size: 334 bitmaps of ceil(count/64) words; 42 KiB for 1,000 rules.
 *	Built once at load, in the policy's arena; read-only afterwards.
 */
#ifndef RULE_INDEX_H
#define RULE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct rule_head;
struct fact_summary;

#define RULE_INDEX_DIMS 5
#define RULE_INDEX_BUCKETS 32

struct rule_index {
	size_t words;		/* uint64_t per bitmap */
	uint64_t *bits;		/* every bitmap, dimension after dimension */
};

void rule_index_build(struct arena *arena, const struct rule_head *heads, size_t count,
    struct rule_index *ix);
void rule_index_rows(const struct rule_index *ix, const struct fact_summary *s,
    const uint64_t *rows[RULE_INDEX_DIMS]);

static inline uint64_t
rule_index_word(const uint64_t *const rows[RULE_INDEX_DIMS], size_t w)
{
	return rows[0][w] & rows[1][w] & rows[2][w] & rows[3][w] & rows[4][w];
}

#endif
