/*
 * net_addr.h -- IPv4 and IPv6 client addresses
 *
 * SYNOPSIS
 *	int net_addr_parse(const char *text, struct net_addr *addr);
 *	int net_prefix_parse(const char *text, struct net_addr *addr, int *prefix_len);
 *	void net_addr_format(const struct net_addr *addr, char *buf, size_t len);
 *
 * DESCRIPTION
 *	net_addr_parse() accepts "192.0.2.7", "2001:db8::7", "[2001:db8::7]",
 *	"IPv6:2001:db8::7" (Sendmail) and IPv4-mapped IPv6 ("::ffff:192.0.2.7"),
 *	which becomes the plain IPv4 address. It returns 0 on success, -1 if
 *	the text is not an address. It never allocates.
 *
 *	net_prefix_parse() also accepts "ADDR/LEN" (LEN 0..32 or 0..128). An
 *	address alone has the full length. A mapped IPv6 prefix of length
 *	>= 96 becomes the IPv4 prefix of length - 96. Bits set beyond the
 *	prefix length are an error (-1), as "192.0.2.1/24" is almost always
 *	a typo.
 *
 *	net_addr_format() writes the canonical text form (inet_ntop).
 */
#ifndef NET_ADDR_H
#define NET_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define NET_ADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

struct net_addr {
	uint8_t family; /* 4 or 6; 0 = not set */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
};

int net_addr_parse(const char *text, struct net_addr *addr);
int net_prefix_parse(const char *text, struct net_addr *addr, int *prefix_len);
void net_addr_format(const struct net_addr *addr, char *buf, size_t len);

#endif
