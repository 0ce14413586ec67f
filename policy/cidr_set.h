/*
 * cidr_set.h -- sets of IPv4 and IPv6 prefixes with fast membership tests
 *
 * SYNOPSIS
 *	struct cidr_set *cidr_set_new(void);
 *	void cidr_set_add(struct cidr_set *set, const struct net_addr *prefix, int prefix_len);
 *	int cidr_set_contains(const struct cidr_set *set, const struct net_addr *addr);
 *	size_t cidr_set_count(const struct cidr_set *set);
 *	int cidr_set_v4_span(const struct cidr_set *set, uint8_t *lo, uint8_t *hi);
 *	int cidr_set_has_v6(const struct cidr_set *set);
 *	void cidr_set_free(struct cidr_set *set);
 *
 * DESCRIPTION
 *	A cidr_set is a path-compressed binary prefix tree per address family,
 *	so that cidr_set_contains() costs O(address bits) whatever the number
 *	of entries (100,000 and more). cidr_set_v4_span() bounds the first
 *	octet of the IPv4 entries and cidr_set_has_v6() tells whether there
 *	are IPv6 ones, for cheap rejects before a look-up. Adding an existing
 *	prefix is a no-op.
 *	The set answers membership only, so a prefix covered by a shorter one
 *	is not kept: cidr_set_count() is the number of prefixes left after
 *	this merging (10.0.0.0/8 and 10.1.0.0/16 count as one).
 *	cidr_set_contains() neither allocates nor writes, so one set may be
 *	shared read-only by many threads once filled. Allocation failure is
 *	fatal (xmalloc).
 */
#ifndef CIDR_SET_H
#define CIDR_SET_H

#include <stddef.h>
#include <stdint.h>
#include "net_addr.h"

struct cidr_set;

struct cidr_set *cidr_set_new(void);
void cidr_set_add(struct cidr_set *set, const struct net_addr *prefix, int prefix_len);
int cidr_set_contains(const struct cidr_set *set, const struct net_addr *addr);
size_t cidr_set_count(const struct cidr_set *set);
int cidr_set_v4_span(const struct cidr_set *set, uint8_t *lo, uint8_t *hi);
int cidr_set_has_v6(const struct cidr_set *set);
void cidr_set_free(struct cidr_set *set);

#endif
