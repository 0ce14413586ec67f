/*
 * NAME
 *	test_net_addr -- CUnit tests for net_addr_parse(), net_prefix_parse(), net_addr_format()
 *
 * DESCRIPTION
 *	Tables of address and prefix texts with the exact outcome: result,
 *	family, prefix length and canonical text. Covers brackets, the
 *	Sendmail "IPv6:" tag, IPv4-mapped IPv6, zone ids, whitespace, host
 *	bits set beyond the prefix and prefix length limits.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "net_addr.h"

struct addr_case {
	const char *text;
	int rc;
	int family;
	const char *canonical;
};

static const struct addr_case addr_cases[] = {
    {"192.0.2.7", 0, 4, "192.0.2.7"},
    {"0.0.0.0", 0, 4, "0.0.0.0"},
    {"255.255.255.255", 0, 4, "255.255.255.255"},
    {"[192.0.2.7]", 0, 4, "192.0.2.7"},
    {"2001:db8::7", 0, 6, "2001:db8::7"},
    {"2001:DB8:0:0:0:0:0:7", 0, 6, "2001:db8::7"},
    {"::", 0, 6, "::"},
    {"::1", 0, 6, "::1"},
    {"[2001:db8::7]", 0, 6, "2001:db8::7"},
    {"IPv6:2001:db8::7", 0, 6, "2001:db8::7"},
    {"ipv6:2001:db8::7", 0, 6, "2001:db8::7"},
    {"IPV6:2001:DB8::7", 0, 6, "2001:db8::7"},
    {"[IPv6:2001:db8::7]", 0, 6, "2001:db8::7"},
    {"::ffff:192.0.2.7", 0, 4, "192.0.2.7"},
    {"::FFFF:c000:0207", 0, 4, "192.0.2.7"},
    {"[::ffff:192.0.2.7]", 0, 4, "192.0.2.7"},
    {"IPv6:::ffff:192.0.2.7", 0, 4, "192.0.2.7"},
    {"::fffe:192.0.2.7", 0, 6, "::fffe:c000:207"},
    {"64:ff9b::192.0.2.7", 0, 6, "64:ff9b::c000:207"},
    {"2001:db8:1:2:3:4:192.0.2.7", 0, 6, "2001:db8:1:2:3:4:c000:207"},
    /* not addresses */
    {NULL, -1, 0, NULL},
    {"", -1, 0, NULL},
    {"[]", -1, 0, NULL},
    {"[", -1, 0, NULL},
    {"]", -1, 0, NULL},
    {"IPv6:", -1, 0, NULL},
    {"[IPv6:]", -1, 0, NULL},
    {"IPv6:192.0.2.7", -1, 0, NULL},
    {"IPv4:192.0.2.7", -1, 0, NULL},
    {"IPv6-2001:db8::7", -1, 0, NULL},
    {" 192.0.2.7", -1, 0, NULL},
    {"192.0.2.7 ", -1, 0, NULL},
    {"192.0.2.7\n", -1, 0, NULL},
    {"192.0.2.7\t", -1, 0, NULL},
    {"192 .0.2.7", -1, 0, NULL},
    {"[ 2001:db8::7]", -1, 0, NULL},
    {"fe80::1%eth0", -1, 0, NULL},
    {"[fe80::1%eth0]", -1, 0, NULL},
    {"fe80::1%1", -1, 0, NULL},
    {"192.0.2", -1, 0, NULL},
    {"192.0.2.256", -1, 0, NULL},
    {"192.0.2.7.1", -1, 0, NULL},
    {"192.0.2.07", -1, 0, NULL},
    {"0x7f.0.0.1", -1, 0, NULL},
    {"127.1", -1, 0, NULL},
    {"-1.0.0.0", -1, 0, NULL},
    {"2001:db8::7::1", -1, 0, NULL},
    {"2001:db8:::7", -1, 0, NULL},
    {"12345::", -1, 0, NULL},
    {"1:2:3:4:5:6:7:8:9", -1, 0, NULL},
    {"[2001:db8::7", -1, 0, NULL},
    {"2001:db8::7]", -1, 0, NULL},
    {"[[2001:db8::7]]", -1, 0, NULL},
    {"192.0.2.7/32", -1, 0, NULL},
    {"localhost", -1, 0, NULL},
    {"unknown", -1, 0, NULL},
    {"printer7.example.com[192.0.2.7]", -1, 0, NULL},
    {"0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000", -1, 0, NULL},
};

static void
check_format(const struct net_addr *addr, const char *want, const char *text)
{
	char buf[NET_ADDR_TEXT_MAX];

	net_addr_format(addr, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		printf("\n  %s: formatted as \"%s\", want \"%s\"\n", text, buf, want);
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void
test_addr_table(void)
{
	size_t i;
	struct net_addr addr;
	const struct addr_case *c;
	int rc;

	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		c = &addr_cases[i];
		memset(&addr, 0xa5, sizeof(addr));
		rc = net_addr_parse(c->text, &addr);
		if (rc != c->rc)
			printf("\n  net_addr_parse(\"%s\") = %d, want %d\n",
			       c->text ? c->text : "(null)", rc, c->rc);
		CU_ASSERT_EQUAL(rc, c->rc);
		if (rc != 0 || c->rc != 0)
			continue;
		CU_ASSERT_EQUAL(addr.family, c->family);
		if (addr.family == 4)
			CU_ASSERT_EQUAL(memcmp(addr.bytes + 4, "\0\0\0\0\0\0\0\0\0\0\0\0", 12), 0);
		check_format(&addr, c->canonical, c->text);
	}
}

static void
test_addr_long(void)
{
	size_t n = 100000;
	char *text = malloc(n + 1);
	struct net_addr addr;

	CU_ASSERT_FATAL(text != NULL);
	memset(text, '1', n);
	text[n] = '\0';
	CU_ASSERT_EQUAL(net_addr_parse(text, &addr), -1);
	memset(text, ':', n);
	CU_ASSERT_EQUAL(net_addr_parse(text, &addr), -1);
	text[0] = '[';
	text[n - 1] = ']';
	CU_ASSERT_EQUAL(net_addr_parse(text, &addr), -1);
	text[n - 4] = '/';
	CU_ASSERT_EQUAL(net_prefix_parse(text, &addr, &(int){0}), -1);
	free(text);
}

struct prefix_case {
	const char *text;
	int rc;
	int family;
	int len;
	const char *canonical;
};

static const struct prefix_case prefix_cases[] = {
    {"192.0.2.0/24", 0, 4, 24, "192.0.2.0"},
    {"192.0.2.7/32", 0, 4, 32, "192.0.2.7"},
    {"192.0.2.7", 0, 4, 32, "192.0.2.7"},
    {"[192.0.2.0]/24", 0, 4, 24, "192.0.2.0"},
    {"0.0.0.0/0", 0, 4, 0, "0.0.0.0"},
    {"128.0.0.0/1", 0, 4, 1, "128.0.0.0"},
    {"10.0.0.0/8", 0, 4, 8, "10.0.0.0"},
    {"192.0.2.0/024", 0, 4, 24, "192.0.2.0"},
    {"2001:db8::/32", 0, 6, 32, "2001:db8::"},
    {"2001:db8::", 0, 6, 128, "2001:db8::"},
    {"2001:db8::7/128", 0, 6, 128, "2001:db8::7"},
    {"::/0", 0, 6, 0, "::"},
    {"2001:db8:10::/48", 0, 6, 48, "2001:db8:10::"},
    {"[2001:db8::]/32", 0, 6, 32, "2001:db8::"},
    {"IPv6:2001:db8::/32", 0, 6, 32, "2001:db8::"},
    {"8000::/1", 0, 6, 1, "8000::"},
    {"::ffff:192.0.2.0/120", 0, 4, 24, "192.0.2.0"},
    {"::ffff:192.0.2.0/119", 0, 4, 23, "192.0.2.0"},
    {"::ffff:192.0.2.7/128", 0, 4, 32, "192.0.2.7"},
    {"::ffff:192.0.2.7", 0, 4, 32, "192.0.2.7"},
    {"::ffff:0.0.0.0/96", 0, 4, 0, "0.0.0.0"},
    {"::ffff:0:0/95", -1, 0, 0, NULL},
    {"::ffff:0:0/80", -1, 0, 0, NULL},
    {"::ffff:192.0.2.1/120", -1, 0, 0, NULL},
    /* host bits set */
    {"192.0.2.1/24", -1, 0, 0, NULL},
    {"192.0.2.128/24", -1, 0, 0, NULL},
    {"192.0.2.0/23", 0, 4, 23, "192.0.2.0"},
    {"192.0.3.0/23", -1, 0, 0, NULL},
    {"1.0.0.0/0", -1, 0, 0, NULL},
    {"0.0.0.1/31", -1, 0, 0, NULL},
    {"2001:db8::1/32", -1, 0, 0, NULL},
    {"2001:db8::/31", 0, 6, 31, "2001:db8::"},
    {"2001:db9::/31", -1, 0, 0, NULL},
    {"::1/127", -1, 0, 0, NULL},
    /* length out of range or malformed */
    {"192.0.2.0/33", -1, 0, 0, NULL},
    {"192.0.2.0/999", -1, 0, 0, NULL},
    {"::/129", -1, 0, 0, NULL},
    {"192.0.2.0/", -1, 0, 0, NULL},
    {"192.0.2.0/-1", -1, 0, 0, NULL},
    {"192.0.2.0/+24", -1, 0, 0, NULL},
    {"192.0.2.0/ 24", -1, 0, 0, NULL},
    {"192.0.2.0/24 ", -1, 0, 0, NULL},
    {"192.0.2.0 /24", -1, 0, 0, NULL},
    {"192.0.2.0/0024", -1, 0, 0, NULL},
    {"192.0.2.0/24/1", -1, 0, 0, NULL},
    {"192.0.2.0/0x18", -1, 0, 0, NULL},
    {"192.0.2.0/4294967320", -1, 0, 0, NULL},
    {"/24", -1, 0, 0, NULL},
    {"/", -1, 0, 0, NULL},
    {"", -1, 0, 0, NULL},
    {NULL, -1, 0, 0, NULL},
    {"fe80::/10%eth0", -1, 0, 0, NULL},
    {"fe80::%eth0/10", -1, 0, 0, NULL},
    {"192.0.2/24", -1, 0, 0, NULL},
    {"[192.0.2.0/24]", -1, 0, 0, NULL},
};

static void
test_prefix_table(void)
{
	size_t i;
	struct net_addr addr;
	const struct prefix_case *c;
	int rc, len;

	for (i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]); i++) {
		c = &prefix_cases[i];
		len = -7;
		rc = net_prefix_parse(c->text, &addr, &len);
		if (rc != c->rc)
			printf("\n  net_prefix_parse(\"%s\") = %d, want %d\n",
			       c->text ? c->text : "(null)", rc, c->rc);
		CU_ASSERT_EQUAL(rc, c->rc);
		if (rc != 0 || c->rc != 0)
			continue;
		CU_ASSERT_EQUAL(addr.family, c->family);
		CU_ASSERT_EQUAL(len, c->len);
		check_format(&addr, c->canonical, c->text);
	}
}

static void
test_format_edges(void)
{
	struct net_addr addr;
	char buf[NET_ADDR_TEXT_MAX], small[8];

	memset(&addr, 0, sizeof(addr));
	strcpy(buf, "junk");
	net_addr_format(&addr, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	addr.family = 5;
	strcpy(buf, "junk");
	net_addr_format(&addr, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL_FATAL(net_addr_parse("2001:db8::7", &addr), 0);
	strcpy(small, "junk");
	net_addr_format(&addr, small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "");
	CU_ASSERT_EQUAL_FATAL(net_addr_parse("1.2.3.4", &addr), 0);
	net_addr_format(&addr, small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "1.2.3.4");
	CU_ASSERT_EQUAL_FATAL(
	    net_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &addr), 0);
	net_addr_format(&addr, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	net_addr_format(&addr, buf, 0);
	net_addr_format(NULL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"address table", test_addr_table},
	    {"very long texts", test_addr_long},
	    {"prefix table", test_prefix_table},
	    {"format edges", test_format_edges},
	    {NULL, NULL},
	};

	return fixture_run("net_addr", tests);
}
