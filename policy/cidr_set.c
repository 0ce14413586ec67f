/*
 * NAME
 *	cidr_set -- sets of IPv4 and IPv6 prefixes with fast membership tests
 *
 * SYNOPSIS
 *	#include "cidr_set.h"
 *
 *	struct cidr_set *cidr_set_new(void);
 *	void cidr_set_add(struct cidr_set *set, const struct net_addr *prefix, int prefix_len);
 *	int cidr_set_contains(const struct cidr_set *set, const struct net_addr *addr);
 *	size_t cidr_set_count(const struct cidr_set *set);
 *	int cidr_set_v4_span(const struct cidr_set *set, uint8_t *lo, uint8_t *hi);
 *	int cidr_set_has_v6(const struct cidr_set *set);
 *	void cidr_set_free(struct cidr_set *set);
 *
 * DESCRIPTION
 *	Each address family has its own crit-bit tree (a path-compressed
 *	binary trie). A branch names the first bit at which the prefixes
 *	below it differ; a leaf holds one prefix. The set only answers
 *	membership, so it keeps no prefix that another one covers: adding
 *	10.1.0.0/16 after 10.0.0.0/8 changes nothing, and adding 10.0.0.0/8
 *	after 10.1.0.0/16 replaces the smaller one. The prefixes left are
 *	therefore prefix-free, and a look-up needs one walk down the tree,
 *	testing one address bit per branch, and one comparison at the leaf:
 *	at most 32 or 128 steps whatever the size of the set.
 *
 *	cidr_set_v4_span() gives bounds for the first octet of every IPv4
 *	address the set can contain (0 when it has no IPv4 entry) and
 *	cidr_set_has_v6() says whether it has an IPv6 entry, so that a caller
 *	can skip a look-up that cannot succeed.
 *
 *	cidr_set_count() is the number of prefixes the set holds after this
 *	merging: duplicates and covered prefixes do not count.
 *
 *	Branches (12 bytes) and leaves (the key bytes and the length: 5
 *	bytes for IPv4, 17 for IPv6) live in two growing arrays per family
 *	and refer to each other by 32-bit index, so an IPv4 entry costs
 *	about 17 bytes, at most twice that while an array has room to grow.
 *	Nodes freed by merging are kept on free lists for reuse.
 *
 *	cidr_set_contains() neither allocates nor writes: once filled, a set
 *	may be shared read-only by any number of threads.
 *
 * DIAGNOSTICS
 *	Allocation failure is fatal (xalloc). Adding a prefix with a family
 *	other than 4 or 6, or a length out of range, is a broken internal
 *	contract: the process writes a message to stderr and aborts. Bits
 *	beyond the prefix length are ignored.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr_set.h"
#include "xalloc.h"

#define REF_LEAF 0x80000000u /* a reference to a leaf, not a branch */
#define REF_NONE 0xffffffffu /* empty tree, end of a free list */
#define MAX_BITS 128

struct branch {
	uint32_t child[2]; /* by the value of bit "bit" */
	uint8_t bit;       /* 0 is the most significant bit of the address */
};

struct trie {
	unsigned width; /* key bytes: 4 or 16 */
	uint32_t root;
	struct branch *branches;
	uint32_t branch_count, branch_alloc, free_branch;
	uint8_t *leaves; /* width key bytes, then the prefix length */
	uint32_t leaf_count, leaf_alloc, free_leaf;
	size_t count; /* leaves in the tree */
};

struct cidr_set {
	struct trie v4;
	struct trie v6;
	uint8_t v4_first_lo;	/* bounds of the first octet of every IPv4 entry */
	uint8_t v4_first_hi;
};

_Noreturn static void
panic(const char *what)
{
	fprintf(stderr, "milter-tlspolicy: panic: cidr_set: %s\n", what);
	abort();
}

static int
bit_at(const uint8_t *key, unsigned i)
{
	return key[i >> 3] >> (7 - (i & 7)) & 1;
}

/* Returns the first bit index below limit at which a and b differ, or limit. */
static unsigned
first_difference(const uint8_t *a, const uint8_t *b, unsigned limit)
{
	unsigned i, d;
	uint8_t x;

	for (i = 0; i * 8 < limit; i++) {
		if ((x = a[i] ^ b[i]) == 0)
			continue;
		for (d = i * 8; !(x & 0x80); x <<= 1)
			d++;
		return d < limit ? d : limit;
	}
	return limit;
}

static uint8_t *
leaf_at(const struct trie *t, uint32_t ref)
{
	return t->leaves + (size_t)(ref & ~REF_LEAF) * (t->width + 1);
}

/* Returns the grown size of an array with n entries; 32-bit indexes, leaf bit reserved. */
static uint32_t
grown(uint32_t n)
{
	uint32_t m = n < 32 ? 64 : n + n / 2;

	if (m >= REF_LEAF)
		panic("too many prefixes");
	return m;
}

static uint32_t
new_branch(struct trie *t)
{
	uint32_t i;

	if ((i = t->free_branch) != REF_NONE) {
		t->free_branch = t->branches[i].child[0];
		return i;
	}
	if (t->branch_count == t->branch_alloc) {
		t->branch_alloc = grown(t->branch_alloc);
		t->branches = xrealloc(t->branches, (size_t)t->branch_alloc * sizeof(*t->branches));
	}
	return t->branch_count++;
}

/* Stores a leaf for key/len, with the bits beyond len cleared; returns its reference. */
static uint32_t
new_leaf(struct trie *t, const uint8_t *key, unsigned len)
{
	uint32_t i;
	uint8_t *leaf;

	if ((i = t->free_leaf) != REF_NONE) {
		memcpy(&t->free_leaf, leaf_at(t, i | REF_LEAF), sizeof(t->free_leaf));
	} else {
		if (t->leaf_count == t->leaf_alloc) {
			t->leaf_alloc = grown(t->leaf_alloc);
			t->leaves = xrealloc(t->leaves, (size_t)t->leaf_alloc * (t->width + 1));
		}
		i = t->leaf_count++;
	}
	leaf = leaf_at(t, i | REF_LEAF);
	memset(leaf, 0, t->width);
	memcpy(leaf, key, len / 8);
	if (len % 8)
		leaf[len / 8] = key[len / 8] & (uint8_t)(0xff << (8 - len % 8));
	leaf[t->width] = (uint8_t)len;
	return i | REF_LEAF;
}

/* Puts every node under ref on the free lists; returns the number of leaves. */
static size_t
release(struct trie *t, uint32_t ref)
{
	uint32_t stack[MAX_BITS + 2];
	size_t depth = 0, leaves = 0;
	struct branch *b;

	stack[depth++] = ref;
	while (depth > 0) {
		ref = stack[--depth];
		if (ref & REF_LEAF) {
			memcpy(leaf_at(t, ref), &t->free_leaf, sizeof(t->free_leaf));
			t->free_leaf = ref & ~REF_LEAF;
			leaves++;
			continue;
		}
		b = &t->branches[ref];
		stack[depth++] = b->child[0];
		stack[depth++] = b->child[1];
		b->child[0] = t->free_branch;
		t->free_branch = ref;
	}
	return leaves;
}

/*
 * Returns the slot on key's path where the first node that does not test a
 * bit below "below" hangs. Every prefix under that slot agrees with key on
 * the bits the branches above it test.
 */
static uint32_t *
path_slot(struct trie *t, const uint8_t *key, unsigned below)
{
	uint32_t *slot = &t->root;
	struct branch *b;

	while (!(*slot & REF_LEAF) && (b = &t->branches[*slot])->bit < below)
		slot = &b->child[bit_at(key, b->bit)];
	return slot;
}

/* Finds a leaf that agrees with key on every branch bit below len. */
static const uint8_t *
some_leaf(const struct trie *t, const uint8_t *key, unsigned len)
{
	uint32_t ref = t->root;
	const struct branch *b;

	while (!(ref & REF_LEAF)) {
		b = &t->branches[ref];
		ref = b->child[b->bit < len ? bit_at(key, b->bit) : 0];
	}
	return leaf_at(t, ref);
}

/* key/len covers every prefix of the subtree it leads to: replace that subtree. */
static void
replace_covered(struct trie *t, const uint8_t *key, unsigned len)
{
	uint32_t leaf = new_leaf(t, key, len);
	uint32_t *slot = path_slot(t, key, len);
	uint32_t old = *slot;

	*slot = leaf;
	t->count = t->count - release(t, old) + 1;
}

/* key/len first differs from its neighbours at bit d: hang it under a new branch. */
static void
insert_branch(struct trie *t, const uint8_t *key, unsigned len, unsigned d)
{
	uint32_t leaf = new_leaf(t, key, len);
	uint32_t br = new_branch(t);
	uint32_t *slot = path_slot(t, key, d);
	int side = bit_at(key, d);

	t->branches[br].bit = (uint8_t)d;
	t->branches[br].child[side] = leaf;
	t->branches[br].child[!side] = *slot;
	*slot = br;
	t->count++;
}

static void
trie_add(struct trie *t, const uint8_t *key, unsigned len)
{
	const uint8_t *leaf;
	unsigned leaf_len, limit, d;

	if (t->root == REF_NONE) {
		t->root = new_leaf(t, key, len);
		t->count = 1;
		return;
	}
	leaf = some_leaf(t, key, len);
	leaf_len = leaf[t->width];
	limit = len < leaf_len ? len : leaf_len;
	d = first_difference(key, leaf, limit);
	if (d < limit)
		insert_branch(t, key, len, d);
	else if (len < leaf_len)
		replace_covered(t, key, len);
	/* else: the leaf covers key/len, or is the same prefix */
}

static int
trie_contains(const struct trie *t, const uint8_t *key)
{
	uint32_t ref = t->root;
	const struct branch *b;
	const uint8_t *leaf;

	if (ref == REF_NONE)
		return 0;
	while (!(ref & REF_LEAF)) {
		b = &t->branches[ref];
		ref = b->child[bit_at(key, b->bit)];
	}
	leaf = leaf_at(t, ref);
	return first_difference(key, leaf, leaf[t->width]) == leaf[t->width];
}

static void
trie_init(struct trie *t, unsigned width)
{
	memset(t, 0, sizeof(*t));
	t->width = width;
	t->root = REF_NONE;
	t->free_branch = REF_NONE;
	t->free_leaf = REF_NONE;
}

static void
trie_free(struct trie *t)
{
	free(t->branches);
	free(t->leaves);
}

struct cidr_set *
cidr_set_new(void)
{
	struct cidr_set *set = xmalloc(sizeof(*set));

	trie_init(&set->v4, 4);
	trie_init(&set->v6, 16);
	set->v4_first_lo = 255;
	set->v4_first_hi = 0;
	return set;
}

static void widen_v4_span(struct cidr_set *set, uint8_t first, int prefix_len);

void
cidr_set_add(struct cidr_set *set, const struct net_addr *prefix, int prefix_len)
{
	struct trie *t;

	if (prefix->family == 4)
		t = &set->v4;
	else if (prefix->family == 6)
		t = &set->v6;
	else
		panic("address family not set");
	if (prefix_len < 0 || (unsigned)prefix_len > t->width * 8)
		panic("prefix length out of range");
	trie_add(t, prefix->bytes, (unsigned)prefix_len);
	if (prefix->family == 4)
		widen_v4_span(set, prefix->bytes[0], prefix_len);
}

/*
 * Keep the range of first octets an IPv4 entry can start with, for
 * cidr_set_v4_span(). Merging may later drop entries; the range then
 * stays wider than needed, which is safe for a quick reject.
 */
static void
widen_v4_span(struct cidr_set *set, uint8_t first, int prefix_len)
{
	uint8_t mask = prefix_len >= 8 ? 0xff : (uint8_t)(0xff00 >> prefix_len);
	uint8_t lo = first & mask, hi = (uint8_t)(first | (uint8_t)~mask);

	if (lo < set->v4_first_lo)
		set->v4_first_lo = lo;
	if (hi > set->v4_first_hi)
		set->v4_first_hi = hi;
}

int
cidr_set_v4_span(const struct cidr_set *set, uint8_t *lo, uint8_t *hi)
{
	if (set->v4.count == 0)
		return 0;
	*lo = set->v4_first_lo;
	*hi = set->v4_first_hi;
	return 1;
}

int
cidr_set_has_v6(const struct cidr_set *set)
{
	return set->v6.count > 0;
}

int
cidr_set_contains(const struct cidr_set *set, const struct net_addr *addr)
{
	if (set == NULL || addr == NULL)
		return 0;
	if (addr->family == 4)
		return trie_contains(&set->v4, addr->bytes);
	if (addr->family == 6)
		return trie_contains(&set->v6, addr->bytes);
	return 0;
}

size_t
cidr_set_count(const struct cidr_set *set)
{
	return set->v4.count + set->v6.count;
}

void
cidr_set_free(struct cidr_set *set)
{
	if (set == NULL)
		return;
	trie_free(&set->v4);
	trie_free(&set->v6);
	free(set);
}
