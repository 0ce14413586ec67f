/*
 * rule_index.c -- which rules can apply to a session (see rule_index.h)
 */
#include "prefilter.h"
#include "rule_index.h"

enum {
	TLS_ROWS = 8,				/* one per bit of fact_summary.tls_bit */
	AUTH_ROWS = 2,				/* not authenticated, authenticated */
	BUCKET_ROWS = RULE_INDEX_BUCKETS + 1,	/* by hash, then "fact absent" */
	CLIENT_V6 = 256,			/* rows 0-255: first IPv4 octet */
	CLIENT_NONE = 257,
	CLIENT_ROWS = 258
};

static int
in_tls(const struct rule_head *h, unsigned row)
{
	return (h->tls_versions >> row) & 1u;
}

static int
in_auth(const struct rule_head *h, unsigned row)
{
	return h->auth == HEAD_AUTH_ANY || (h->auth == HEAD_AUTH_REQUIRED) == (row == 1);
}

static int
in_listener(const struct rule_head *h, unsigned row)
{
	return h->listener_hash == 0 ||
	    (row < RULE_INDEX_BUCKETS && h->listener_hash % RULE_INDEX_BUCKETS == row);
}

static int
in_port(const struct rule_head *h, unsigned row)
{
	return h->port == 0 || (row < RULE_INDEX_BUCKETS && h->port % RULE_INDEX_BUCKETS == row);
}

/* The same test as the head's, for a session whose address falls in this row. */
static int
in_client(const struct rule_head *h, unsigned row)
{
	struct fact_summary s = {0};

	if (row < CLIENT_V6) {
		s.addr_family = 4;
		s.addr_first = (uint8_t)row;
	} else if (row == CLIENT_V6) {
		s.addr_family = 6;
	}
	return h->client == 0 || prefilter_client_passes(h, &s);
}

static const struct {
	unsigned rows;
	int (*holds)(const struct rule_head *, unsigned);
} dims[RULE_INDEX_DIMS] = {
    {TLS_ROWS, in_tls},
    {AUTH_ROWS, in_auth},
    {BUCKET_ROWS, in_listener},
    {BUCKET_ROWS, in_port},
    {CLIENT_ROWS, in_client},
};

void
rule_index_build(struct arena *arena, const struct rule_head *heads, size_t count,
    struct rule_index *ix)
{
	size_t i, total = 0;
	unsigned d, row;
	uint64_t *bitmap;

	for (d = 0; d < RULE_INDEX_DIMS; d++)
		total += dims[d].rows;
	ix->words = count > 0 ? (count + 63) / 64 : 1;
	ix->bits = arena_alloc(arena, total * ix->words * sizeof(uint64_t));
	bitmap = ix->bits;
	for (d = 0; d < RULE_INDEX_DIMS; d++) {
		for (row = 0; row < dims[d].rows; row++, bitmap += ix->words)
			for (i = 0; i < count; i++)
				if (dims[d].holds(&heads[i], row))
					bitmap[i / 64] |= (uint64_t)1 << (i % 64);
	}
}

void
rule_index_rows(const struct rule_index *ix, const struct fact_summary *s,
    const uint64_t *rows[RULE_INDEX_DIMS])
{
	unsigned pick[RULE_INDEX_DIMS], d, base = 0;

	pick[0] = (unsigned)__builtin_ctz(s->tls_bit);
	pick[1] = s->authenticated ? 1 : 0;
	pick[2] = s->listener_hash != 0 ? s->listener_hash % RULE_INDEX_BUCKETS : RULE_INDEX_BUCKETS;
	pick[3] = s->port != 0 ? s->port % RULE_INDEX_BUCKETS : RULE_INDEX_BUCKETS;
	pick[4] = s->addr_family == 4 ? s->addr_first : s->addr_family == 6 ? CLIENT_V6 : CLIENT_NONE;
	for (d = 0; d < RULE_INDEX_DIMS; d++) {
		rows[d] = ix->bits + (size_t)(base + pick[d]) * ix->words;
		base += dims[d].rows;
	}
}
