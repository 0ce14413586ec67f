/*
 * NAME
 *	net_addr -- IPv4 and IPv6 client addresses
 *
 * SYNOPSIS
 *	#include "net_addr.h"
 *
 *	int net_addr_parse(const char *text, struct net_addr *addr);
 *	int net_prefix_parse(const char *text, struct net_addr *addr, int *prefix_len);
 *	void net_addr_format(const struct net_addr *addr, char *buf, size_t len);
 *
 * DESCRIPTION
 *	net_addr_parse() accepts an address as MTAs and admins write it:
 *	"192.0.2.7", "2001:db8::7", "[2001:db8::7]", "[192.0.2.7]",
 *	"IPv6:2001:db8::7" and "[IPv6:2001:db8::7]" (Sendmail; the prefix is
 *	case-insensitive). The text itself is parsed by inet_pton(), so IPv4
 *	is strictly dotted-quad decimal. An IPv4-mapped IPv6 address
 *	("::ffff:192.0.2.7") becomes the IPv4 address. Zone ids ("%eth0"),
 *	whitespace and any other stray byte make the text invalid.
 *
 *	net_prefix_parse() also accepts "ADDR/LEN", where LEN is 1 to 3
 *	decimal digits in 0..32 (IPv4) or 0..128 (IPv6). An address alone
 *	has the full length. Bits set beyond the prefix length are an error.
 *	A mapped IPv6 prefix of length >= 96 becomes the IPv4 prefix of
 *	length - 96 ("::ffff:192.0.2.0/120" is 192.0.2.0/24); a shorter one
 *	always has host bits set (the ffff) and is rejected.
 *
 *	net_addr_format() writes the inet_ntop() text, or "" when the
 *	address is not set or buf is too small.
 *
 *	Nothing here allocates; parsing copies into a stack buffer.
 *
 * DIAGNOSTICS
 *	net_addr_parse() and net_prefix_parse() return 0 on success, -1 on
 *	invalid text; *addr and *prefix_len are then unspecified.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "net_addr.h"

/* Longest IPv6 text inet_pton() accepts, with the IPv4 tail: 45 bytes. */
#define ADDR_TEXT_MAX 64

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Returns 1 when text[0..len) starts with "IPv6:", ignoring case. */
static int
has_ipv6_tag(const char *text, size_t len)
{
	return len >= 5 && strncasecmp(text, "ipv6:", 5) == 0;
}

/* Returns 1 when every byte of text[0..len) may appear in an address. */
static int
address_bytes_only(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr("0123456789abcdefABCDEF.:", text[i]) == NULL || text[i] == '\0')
			return 0;
	return 1;
}

/*
 * Parses text[0..len) into addr without unmapping IPv4-mapped addresses:
 * strips "[...]" and "IPv6:", then hands the rest to inet_pton().
 */
static int
parse_raw(const char *text, size_t len, struct net_addr *addr)
{
	char buf[ADDR_TEXT_MAX];
	int ipv6_only = 0;

	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (has_ipv6_tag(text, len)) {
		text += 5;
		len -= 5;
		ipv6_only = 1;
	}
	if (len == 0 || len >= sizeof(buf) || !address_bytes_only(text, len))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(addr, 0, sizeof(*addr));
	if (memchr(buf, ':', len) != NULL) {
		addr->family = 6;
		return inet_pton(AF_INET6, buf, addr->bytes) == 1 ? 0 : -1;
	}
	if (ipv6_only)
		return -1;
	addr->family = 4;
	return inet_pton(AF_INET, buf, addr->bytes) == 1 ? 0 : -1;
}

static int
is_mapped(const struct net_addr *addr)
{
	return addr->family == 6 && memcmp(addr->bytes, mapped_prefix, sizeof(mapped_prefix)) == 0;
}

/* Turns an IPv4-mapped IPv6 address into the IPv4 address. */
static void
unmap(struct net_addr *addr)
{
	memmove(addr->bytes, addr->bytes + 12, 4);
	memset(addr->bytes + 4, 0, 12);
	addr->family = 4;
}

/* Parses 1 to 3 decimal digits; returns the number or -1. */
static int
parse_length(const char *text)
{
	int n = 0, digits = 0;

	for (; *text >= '0' && *text <= '9'; text++) {
		if (++digits > 3)
			return -1;
		n = n * 10 + (*text - '0');
	}
	if (*text != '\0' || digits == 0)
		return -1;
	return n;
}

/* Returns 1 when any bit at position prefix_len or later is set. */
static int
has_host_bits(const struct net_addr *addr, int prefix_len)
{
	int nbytes = addr->family == 4 ? 4 : 16;
	int i = prefix_len / 8;

	if (prefix_len % 8 != 0 && (addr->bytes[i++] & (0xff >> (prefix_len % 8))) != 0)
		return 1;
	for (; i < nbytes; i++)
		if (addr->bytes[i] != 0)
			return 1;
	return 0;
}

int
net_addr_parse(const char *text, struct net_addr *addr)
{
	if (text == NULL || parse_raw(text, strlen(text), addr) != 0)
		return -1;
	if (is_mapped(addr))
		unmap(addr);
	return 0;
}

int
net_prefix_parse(const char *text, struct net_addr *addr, int *prefix_len)
{
	const char *slash;
	int len, max;

	if (text == NULL)
		return -1;
	if ((slash = strchr(text, '/')) == NULL) {
		if (net_addr_parse(text, addr) != 0)
			return -1;
		*prefix_len = addr->family == 4 ? 32 : 128;
		return 0;
	}
	if (parse_raw(text, (size_t)(slash - text), addr) != 0 ||
	    (len = parse_length(slash + 1)) < 0)
		return -1;
	max = addr->family == 4 ? 32 : 128;
	if (len > max || has_host_bits(addr, len))
		return -1;
	if (is_mapped(addr) && len >= 96) {
		unmap(addr);
		len -= 96;
	}
	*prefix_len = len;
	return 0;
}

void
net_addr_format(const struct net_addr *addr, char *buf, size_t len)
{
	socklen_t size = len > NET_ADDR_TEXT_MAX ? NET_ADDR_TEXT_MAX : (socklen_t)len;
	int af;

	if (buf == NULL || len == 0)
		return;
	buf[0] = '\0';
	if (addr == NULL || (addr->family != 4 && addr->family != 6))
		return;
	af = addr->family == 4 ? AF_INET : AF_INET6;
	if (inet_ntop(af, addr->bytes, buf, size) == NULL)
		buf[0] = '\0';
}
