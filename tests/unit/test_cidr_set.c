/*
 * NAME
 *	test_cidr_set -- CUnit tests for cidr_set
 *
 * DESCRIPTION
 *	Fixed cases (empty set, /0, /32, /128, duplicates, covering and
 *	covered prefixes, the count after merging), then a random cross-check
 *	with a fixed seed: 20,000 mixed IPv4/IPv6 prefixes and 200,000
 *	look-ups, compared with a reference that tests every stored prefix
 *	length with a binary search; the reference itself is checked against
 *	a plain scan of the whole prefix list for the first 2,000 look-ups.
 *	A last test adds 100,000 entries, does 1,000,000 look-ups and, where
 *	the allocator reports it (mallinfo2), checks the memory per entry.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "cidr_set.h"
#include "net_addr.h"

#define PREFIXES    20000
#define LOOKUPS     200000
#define SCAN_CHECKS 2000
#define BIG_ENTRIES 100000
#define BIG_LOOKUPS 1000000

static void
parse_or_die(const char *text, struct net_addr *addr, int *len)
{
	if (net_prefix_parse(text, addr, len) != 0) {
		printf("\n  bad test prefix \"%s\"\n", text);
		abort();
	}
}

static void
add_text(struct cidr_set *set, const char *text)
{
	struct net_addr addr;
	int len;

	parse_or_die(text, &addr, &len);
	cidr_set_add(set, &addr, len);
}

static int
contains_text(const struct cidr_set *set, const char *text)
{
	struct net_addr addr;
	int len;

	parse_or_die(text, &addr, &len);
	return cidr_set_contains(set, &addr);
}

struct lookup_case {
	const char *addr;
	int want;
};

struct set_case {
	const char *name;
	const char *prefixes[8];
	size_t count;
	struct lookup_case lookups[12];
};

static const struct set_case set_cases[] = {
    {"empty", {NULL}, 0, {{"192.0.2.7", 0}, {"2001:db8::7", 0}, {"0.0.0.0", 0}, {"::", 0}}},
    {"one /24",
     {"192.0.2.0/24", NULL},
     1,
     {{"192.0.2.0", 1},
      {"192.0.2.255", 1},
      {"192.0.2.7", 1},
      {"192.0.3.0", 0},
      {"192.0.1.255", 0},
      {"::ffff:192.0.2.7", 1},
      {"::192.0.2.7", 0},
      {"2001:db8::7", 0},
      {"c000:0207::", 0}}},
    {"IPv4 /0",
     {"0.0.0.0/0", NULL},
     1,
     {{"0.0.0.0", 1}, {"255.255.255.255", 1}, {"192.0.2.7", 1}, {"::", 0}, {"2001:db8::7", 0}}},
    {"IPv6 /0",
     {"::/0", NULL},
     1,
     {{"::", 1},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 1},
      {"2001:db8::7", 1},
      {"192.0.2.7", 0},
      {"0.0.0.0", 0}}},
    {"/32 and /128",
     {"192.0.2.7", "2001:db8::7", NULL},
     2,
     {{"192.0.2.7", 1},
      {"192.0.2.6", 0},
      {"192.0.2.8", 0},
      {"2001:db8::7", 1},
      {"2001:db8::6", 0},
      {"2001:db8::8", 0},
      {"2001:db8::7:0", 0},
      {"::7", 0}}},
    {"duplicates",
     {"192.0.2.0/24", "192.0.2.0/24", "192.0.2.0/24", "2001:db8::/32", "2001:db8::/32", NULL},
     2,
     {{"192.0.2.99", 1}, {"2001:db8:ffff::1", 1}, {"2001:db9::", 0}}},
    {"covered after",
     {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", NULL},
     1,
     {{"10.1.2.3", 1}, {"10.200.0.1", 1}, {"11.0.0.0", 0}, {"9.255.255.255", 0}}},
    {"covering after",
     {"10.1.2.3", "10.1.0.0/16", "10.2.0.0/16", "10.0.0.0/8", NULL},
     1,
     {{"10.1.2.3", 1}, {"10.200.0.1", 1}, {"11.0.0.0", 0}}},
    {"partly covering",
     {"10.1.2.3", "10.2.0.0/16", "192.0.2.0/24", "10.1.0.0/16", "2001:db8::/32", NULL},
     4,
     {{"10.1.9.9", 1}, {"10.2.9.9", 1}, {"10.3.0.0", 0}, {"192.0.2.1", 1}, {"2001:db8::1", 1}}},
    {"siblings",
     {"192.0.2.0/25", "192.0.2.128/25", "192.0.2.0/26", "192.0.3.0/32", NULL},
     3,
     {{"192.0.2.0", 1},
      {"192.0.2.127", 1},
      {"192.0.2.128", 1},
      {"192.0.2.255", 1},
      {"192.0.3.0", 1},
      {"192.0.3.1", 0},
      {"192.0.1.255", 0}}},
    {"odd lengths",
     {"128.0.0.0/1", "2001:db8::/33", "2001:db8:6000::/35", "2001:db8:a000::/35", "::1/128", NULL},
     4,
     {{"128.0.0.0", 1},
      {"255.255.255.255", 1},
      {"127.255.255.255", 0},
      {"2001:db8:7fff::", 1},
      {"2001:db8:8000::", 0},
      {"2001:db8:9fff:ffff::", 0},
      {"2001:db8:a000::", 1},
      {"2001:db8:bfff:ffff::1", 1},
      {"2001:db8:c000::", 0},
      {"::1", 1},
      {"::", 0}}},
};

static void
test_fixed_sets(void)
{
	size_t i, j;
	const struct set_case *c;
	struct cidr_set *set;
	int got;

	for (i = 0; i < sizeof(set_cases) / sizeof(set_cases[0]); i++) {
		c = &set_cases[i];
		set = cidr_set_new();
		for (j = 0; c->prefixes[j] != NULL; j++)
			add_text(set, c->prefixes[j]);
		if (cidr_set_count(set) != c->count)
			printf("\n  %s: count %zu, want %zu\n", c->name, cidr_set_count(set),
			       c->count);
		CU_ASSERT_EQUAL(cidr_set_count(set), c->count);
		for (j = 0; j < sizeof(c->lookups) / sizeof(c->lookups[0]) && c->lookups[j].addr;
		     j++) {
			got = contains_text(set, c->lookups[j].addr);
			if (got != c->lookups[j].want)
				printf("\n  %s: contains(%s) = %d, want %d\n", c->name,
				       c->lookups[j].addr, got, c->lookups[j].want);
			CU_ASSERT_EQUAL(got, c->lookups[j].want);
		}
		cidr_set_free(set);
	}
}

static void
test_odd_arguments(void)
{
	struct cidr_set *set = cidr_set_new();
	struct net_addr none;

	add_text(set, "0.0.0.0/0");
	add_text(set, "::/0");
	memset(&none, 0, sizeof(none));
	CU_ASSERT_EQUAL(cidr_set_contains(set, &none), 0);
	CU_ASSERT_EQUAL(cidr_set_contains(set, NULL), 0);
	CU_ASSERT_EQUAL(cidr_set_contains(NULL, &none), 0);
	CU_ASSERT_EQUAL(cidr_set_count(set), 2);
	cidr_set_free(set);
	cidr_set_free(NULL);
}

/* Bits beyond the length are ignored by cidr_set_add(). */
static void
test_host_bits_ignored(void)
{
	struct cidr_set *set = cidr_set_new();
	struct net_addr addr;

	CU_ASSERT_EQUAL_FATAL(net_addr_parse("192.0.2.77", &addr), 0);
	cidr_set_add(set, &addr, 24);
	CU_ASSERT_EQUAL(contains_text(set, "192.0.2.1"), 1);
	add_text(set, "192.0.2.0/24");
	CU_ASSERT_EQUAL(cidr_set_count(set), 1);
	cidr_set_free(set);
}

/* Adding many /32s and then their /24 leaves one entry; the freed nodes are reused. */
static void
test_merge_and_reuse(void)
{
	struct cidr_set *set = cidr_set_new();
	char text[64];
	int round, i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < 256; i++) {
			snprintf(text, sizeof(text), "10.0.%d.%d", round, i);
			add_text(set, text);
		}
		CU_ASSERT_EQUAL(cidr_set_count(set), (size_t)(round + 256));
		snprintf(text, sizeof(text), "10.0.%d.0/24", round);
		add_text(set, text);
		CU_ASSERT_EQUAL(cidr_set_count(set), (size_t)(round + 1));
	}
	CU_ASSERT_EQUAL(contains_text(set, "10.0.2.200"), 1);
	CU_ASSERT_EQUAL(contains_text(set, "10.0.3.0"), 0);
	add_text(set, "10.0.0.0/16");
	CU_ASSERT_EQUAL(cidr_set_count(set), 1);
	cidr_set_free(set);
}

/*
 * The random cross-check.
 */

struct prefix {
	uint8_t family;
	uint8_t len;
	uint8_t bytes[16];
};

static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static void
mask_bytes(uint8_t *bytes, int len, int width)
{
	int i;

	for (i = 0; i < width; i++) {
		if (len >= 8 * (i + 1))
			continue;
		bytes[i] &= len <= 8 * i ? 0 : (uint8_t)(0xff << (8 - (len - 8 * i)));
	}
}

static void
random_prefix(struct prefix *p)
{
	static const uint8_t v4_first[] = {10, 172, 192, 198};
	int i;

	for (i = 0; i < 16; i++)
		p->bytes[i] = (uint8_t)rng();
	if (rng() % 2) {
		p->family = 4;
		p->bytes[0] = v4_first[rng() % 4];
		p->len = rng() % 500 == 0 ? 12 + rng() % 8 : 20 + rng() % 13;
		memset(p->bytes + 4, 0, 12);
	} else {
		p->family = 6;
		p->bytes[0] = 0x20;
		p->bytes[1] = 0x01;
		p->bytes[2] = rng() % 4;
		p->bytes[3] = rng() % 4;
		p->len = rng() % 500 == 0 ? 32 + rng() % 8 : 40 + rng() % 89;
	}
}

/* An address inside p (random host bits), or a random one in the same space. */
static void
random_address(const struct prefix *p, int inside, struct net_addr *addr)
{
	struct prefix q;
	int i, width;

	random_prefix(&q);
	if (!inside) {
		addr->family = q.family;
		memcpy(addr->bytes, q.bytes, 16);
		return;
	}
	addr->family = p->family;
	width = p->family == 4 ? 4 : 16;
	memset(addr->bytes, 0, 16);
	for (i = 0; i < width; i++) {
		if (p->len >= 8 * (i + 1))
			addr->bytes[i] = p->bytes[i];
		else if (p->len <= 8 * i)
			addr->bytes[i] = (uint8_t)rng();
		else
			addr->bytes[i] = (p->bytes[i] & (uint8_t)(0xff << (8 - (p->len - 8 * i)))) |
			                 ((uint8_t)rng() & (uint8_t)(0xff >> (p->len - 8 * i)));
	}
}

static int
prefix_covers(const struct prefix *p, const struct net_addr *addr)
{
	int full = p->len / 8, rest = p->len % 8;
	uint8_t mask;

	if (p->family != addr->family || memcmp(p->bytes, addr->bytes, (size_t)full) != 0)
		return 0;
	mask = (uint8_t)(0xff << (8 - rest));
	return rest == 0 || (addr->bytes[full] & mask) == p->bytes[full];
}

/* Reference: per family and length, the sorted distinct masked prefixes. */
struct reference {
	uint8_t (*keys[2][129])[16];
	size_t n[2][129];
};

static int
compare_key(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static void
reference_build(struct reference *ref, const struct prefix *p, size_t count)
{
	size_t i, f, l, n, j;

	memset(ref, 0, sizeof(*ref));
	for (i = 0; i < count; i++)
		ref->n[p[i].family == 6][p[i].len]++;
	for (f = 0; f < 2; f++) {
		for (l = 0; l <= 128; l++) {
			ref->keys[f][l] = malloc(ref->n[f][l] * 16 + 16);
			ref->n[f][l] = 0;
		}
	}
	for (i = 0; i < count; i++) {
		f = p[i].family == 6;
		memcpy(ref->keys[f][p[i].len][ref->n[f][p[i].len]++], p[i].bytes, 16);
	}
	for (f = 0; f < 2; f++) {
		for (l = 0; l <= 128; l++) {
			qsort(ref->keys[f][l], ref->n[f][l], 16, compare_key);
			for (n = 0, j = 0; j < ref->n[f][l]; j++)
				if (n == 0 ||
				    memcmp(ref->keys[f][l][n - 1], ref->keys[f][l][j], 16) != 0)
					memcpy(ref->keys[f][l][n++], ref->keys[f][l][j], 16);
			ref->n[f][l] = n;
		}
	}
}

/* Returns 1 when a stored prefix shorter than max_len (all when 129) holds bytes. */
static int
reference_contains(const struct reference *ref, int family, const uint8_t *bytes, int max_len)
{
	size_t f = family == 6;
	int l;
	uint8_t a[16];

	for (l = 0; l < max_len && l <= 128; l++) {
		if (ref->n[f][l] == 0)
			continue;
		memcpy(a, bytes, 16);
		mask_bytes(a, l, 16);
		if (bsearch(a, ref->keys[f][l], ref->n[f][l], 16, compare_key) != NULL)
			return 1;
	}
	return 0;
}

/* Distinct stored prefixes that no shorter stored prefix covers. */
static size_t
reference_count(const struct reference *ref)
{
	size_t f, l, j, count = 0;

	for (f = 0; f < 2; f++)
		for (l = 0; l <= 128; l++)
			for (j = 0; j < ref->n[f][l]; j++)
				count +=
				    !reference_contains(ref, f ? 6 : 4, ref->keys[f][l][j], (int)l);
	return count;
}

static void
reference_free(struct reference *ref)
{
	size_t f, l;

	for (f = 0; f < 2; f++)
		for (l = 0; l <= 128; l++)
			free(ref->keys[f][l]);
}

static void
test_random_cross_check(void)
{
	struct prefix *p = calloc(PREFIXES, sizeof(*p));
	struct reference *ref = malloc(sizeof(*ref));
	struct cidr_set *set = cidr_set_new();
	struct net_addr addr;
	size_t i, hits = 0, mismatches = 0, scan_mismatches = 0, j;
	int want, got, scan;

	CU_ASSERT_FATAL(p != NULL && ref != NULL);
	rng_state = 0x2545f4914f6cdd1dull;
	for (i = 0; i < PREFIXES; i++) {
		random_prefix(&p[i]);
		mask_bytes(p[i].bytes, p[i].len, 16);
		addr.family = p[i].family;
		memcpy(addr.bytes, p[i].bytes, 16);
		cidr_set_add(set, &addr, p[i].len);
		if (i % 7 == 0) /* some duplicates */
			cidr_set_add(set, &addr, p[i].len);
	}
	reference_build(ref, p, PREFIXES);
	printf("\n  %d prefixes, %zu after merging\n", PREFIXES, cidr_set_count(set));
	CU_ASSERT_EQUAL(cidr_set_count(set), reference_count(ref));
	for (i = 0; i < LOOKUPS; i++) {
		random_address(&p[rng() % PREFIXES], rng() % 2, &addr);
		want = reference_contains(ref, addr.family, addr.bytes, 129);
		got = cidr_set_contains(set, &addr);
		mismatches += got != want;
		hits += got;
		if (i < SCAN_CHECKS) {
			for (scan = 0, j = 0; j < PREFIXES && !scan; j++)
				scan = prefix_covers(&p[j], &addr);
			scan_mismatches += scan != want;
		}
	}
	printf("  %d look-ups: %zu hits, %zu mismatches; reference vs scan: %zu mismatches\n",
	       LOOKUPS, hits, mismatches, scan_mismatches);
	CU_ASSERT_EQUAL(mismatches, 0);
	CU_ASSERT_EQUAL(scan_mismatches, 0);
	CU_ASSERT(hits > LOOKUPS / 4 && hits < LOOKUPS - LOOKUPS / 10);
	cidr_set_free(set);
	reference_free(ref);
	free(ref);
	free(p);
}

static void
test_big_set(void)
{
	struct mallinfo2 before, after;
	struct cidr_set *set;
	struct net_addr addr;
	size_t i, hits = 0, heap;
	clock_t start = clock();
	uint32_t v;

	rng_state = 0x853c49e6748fea9bull;
	before = mallinfo2();
	set = cidr_set_new();
	memset(&addr, 0, sizeof(addr));
	addr.family = 4;
	for (i = 0; i < BIG_ENTRIES; i++) {
		v = rng();
		memcpy(addr.bytes, &v, 4);
		cidr_set_add(set, &addr, 32);
	}
	after = mallinfo2();
	heap = after.uordblks + after.hblkhd > before.uordblks + before.hblkhd
	           ? after.uordblks + after.hblkhd - before.uordblks - before.hblkhd
	           : 0;
	if (heap > 0) {
		printf("\n  %zu IPv4 /32 entries: %.1f heap bytes each\n", cidr_set_count(set),
		       (double)heap / (double)cidr_set_count(set));
		CU_ASSERT((double)heap / (double)cidr_set_count(set) < 40.0);
	} else {
		printf("\n  heap use not measurable with this allocator\n");
	}
	CU_ASSERT(cidr_set_count(set) > BIG_ENTRIES - 10);
	rng_state = 0x853c49e6748fea9bull;
	for (i = 0; i < BIG_LOOKUPS; i++) {
		v = i % 2 ? rng() : (uint32_t)i * 2654435761u;
		memcpy(addr.bytes, &v, 4);
		hits += cidr_set_contains(set, &addr);
	}
	printf("  %d look-ups, %zu hits, %.3f s with the inserts\n", BIG_LOOKUPS, hits,
	       (double)(clock() - start) / CLOCKS_PER_SEC);
	CU_ASSERT(hits >= BIG_ENTRIES / 2);
	cidr_set_free(set);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"fixed sets", test_fixed_sets},
	    {"odd arguments", test_odd_arguments},
	    {"host bits ignored", test_host_bits_ignored},
	    {"merge and reuse", test_merge_and_reuse},
	    {"random cross-check", test_random_cross_check},
	    {"100,000 entries, 1,000,000 look-ups", test_big_set},
	    {NULL, NULL},
	};

	return fixture_run("cidr_set", tests);
}
