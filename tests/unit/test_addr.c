/* SPDX-License-Identifier: MIT */
/* Unit tests of addr.h: parsing, formatting and prefix arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"

/* Parse s, which must be a valid CIDR. */
static struct prefix P(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p) < 0)
		fail_msg("\"%s\" did not parse", s);
	return p;
}

/* Parse s, which must be a valid bare address. */
static struct addr A(const char *s)
{
	struct addr a;

	if (addr_parse(s, &a) < 0)
		fail_msg("\"%s\" did not parse", s);
	return a;
}

static void assert_prefix_is(const struct prefix *p, const char *want)
{
	char buf[PREFIX_STRLEN];

	assert_string_equal(prefix_format(p, buf), want);
}

static void test_sizes(_unused_ void **state)
{
	assert_int_equal(addr_size(AF_INET), 4);
	assert_int_equal(addr_size(AF_INET6), 16);
	assert_int_equal(addr_bits(AF_INET), 32);
	assert_int_equal(addr_bits(AF_INET6), 128);
}

static void test_parse_v4(_unused_ void **state)
{
	struct prefix p;
	const uint8_t want[4] = {10, 1, 2, 3};

	assert_int_equal(prefix_parse("10.1.2.3/24", &p), 0);
	assert_int_equal(p.addr.family, AF_INET);
	assert_int_equal(p.len, 24);
	assert_memory_equal(p.addr.bytes, want, 4);
	/* the host bits are kept as written */
	assert_int_equal(p.addr.bytes[3], 3);
}

static void test_parse_v4_lengths(_unused_ void **state)
{
	struct prefix p;

	assert_int_equal(prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(prefix_parse("255.255.255.255/32", &p), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(prefix_parse("10.0.0.1/31", &p), 0);
	assert_int_equal(p.len, 31);
}

static void test_parse_v6(_unused_ void **state)
{
	struct prefix p;
	uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8};

	want[15] = 1;
	assert_int_equal(prefix_parse("2001:db8::1/64", &p), 0);
	assert_int_equal(p.addr.family, AF_INET6);
	assert_int_equal(p.len, 64);
	assert_memory_equal(p.addr.bytes, want, 16);

	assert_int_equal(prefix_parse("::/0", &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(prefix_parse("::1/128", &p), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(prefix_parse("::ffff:10.0.0.1/96", &p), 0);
	assert_int_equal(p.addr.family, AF_INET6);
	assert_int_equal(p.addr.bytes[12], 10);
}

static void test_parse_rejects_bad_octet(_unused_ void **state)
{
	struct prefix p;

	assert_int_equal(prefix_parse("10.0.0.300/24", &p), -EINVAL);
	assert_int_equal(prefix_parse("256.0.0.1/8", &p), -EINVAL);
	assert_int_equal(prefix_parse("10.0.0/24", &p), -EINVAL);
	assert_int_equal(prefix_parse("10.0.0.1.1/24", &p), -EINVAL);
	assert_int_equal(prefix_parse("10.0.0.-1/24", &p), -EINVAL);
}

static void test_parse_rejects_long_length(_unused_ void **state)
{
	struct prefix p;

	assert_int_equal(prefix_parse("1.2.3.4/33", &p), -EINVAL);
	assert_int_equal(prefix_parse("1.2.3.4/128", &p), -EINVAL);
	assert_int_equal(prefix_parse("::1/129", &p), -EINVAL);
	assert_int_equal(prefix_parse("::1/1000", &p), -EINVAL);
	assert_int_equal(prefix_parse("1.2.3.4/99999999999999999999", &p), -EINVAL);
}

static void test_parse_rejects_missing_length(_unused_ void **state)
{
	struct prefix p;

	assert_int_equal(prefix_parse("1.2.3.4", &p), -EINVAL);
	assert_int_equal(prefix_parse("1.2.3.4/", &p), -EINVAL);
	assert_int_equal(prefix_parse("2001:db8::1", &p), -EINVAL);
	assert_int_equal(prefix_parse("2001:db8::1/", &p), -EINVAL);
}

static void test_parse_rejects_garbage(_unused_ void **state)
{
	static const char *const bad[] = {
		"", "/", "/24", "abc/24", "hello", "1.2.3.4/x", "1.2.3.4/24x", "1.2.3.4/-1",
		"1.2.3.4/+24", "1.2.3.4/ 24", " 1.2.3.4/24", "1.2.3.4 /24", "1.2.3.4/24 ",
		"1.2.3.4/2/4", "1.2.3.4//24", "2001:db8:::1/64", "2001:db8::g/64", "::1/0x10",
		"10.0.0.1/24\n", "1.2.3.4/2.4",
	};
	struct prefix p;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (prefix_parse(bad[i], &p) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_int_equal(prefix_parse(NULL, &p), -EINVAL);
}

static void test_parse_rejects_very_long(_unused_ void **state)
{
	char s[300];
	struct prefix p;
	struct addr a;

	/* longer than any address: refused without overrunning a buffer */
	memset(s, '1', sizeof(s));
	s[sizeof(s) - 4] = '/';
	s[sizeof(s) - 3] = '2';
	s[sizeof(s) - 2] = '4';
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(prefix_parse(s, &p), -EINVAL);
	/* 46 characters before the slash: one more than the longest address */
	memset(s, 0, sizeof(s));
	strcpy(s, "0000:0000:0000:0000:0000:ffff:255.255.255.2550/24");
	assert_int_equal(prefix_parse(s, &p), -EINVAL);
	/* the longest textual IPv6 address (45 characters) still parses */
	strcpy(s, "0000:0000:0000:0000:0000:ffff:255.255.255.255/120");
	assert_int_equal(prefix_parse(s, &p), 0);
	assert_int_equal(p.len, 120);
	assert_int_equal(addr_parse("0000:0000:0000:0000:0000:ffff:255.255.255.255", &a), 0);
}

static void test_addr_parse(_unused_ void **state)
{
	struct addr a;

	assert_int_equal(addr_parse("192.0.2.1", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.bytes[0], 192);
	assert_int_equal(a.bytes[3], 1);
	assert_int_equal(addr_parse("fe80::1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.bytes[0], 0xfe);
	assert_int_equal(a.bytes[15], 1);
	/* a bare address has no length */
	assert_int_equal(addr_parse("192.0.2.1/24", &a), -EINVAL);
	assert_int_equal(addr_parse("fe80::1/64", &a), -EINVAL);
	assert_int_equal(addr_parse("192.0.2.300", &a), -EINVAL);
	assert_int_equal(addr_parse("", &a), -EINVAL);
	assert_int_equal(addr_parse("router1", &a), -EINVAL);
	assert_int_equal(addr_parse(NULL, &a), -EINVAL);
}

static void test_format_round_trip(_unused_ void **state)
{
	static const char *const same[] = {
		"10.0.0.1/24", "0.0.0.0/0", "255.255.255.255/32", "192.168.1.77/30", "::/0",
		"::1/128", "2001:db8::1/64", "fe80::1/64", "2001:db8:0:1::/64",
		"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128",
	};

	for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
		struct prefix p = P(same[i]), q;
		char buf[PREFIX_STRLEN];

		assert_string_equal(prefix_format(&p, buf), same[i]);
		/* and what was formatted parses back to the same value */
		assert_int_equal(prefix_parse(buf, &q), 0);
		assert_true(addr_equal(&p.addr, &q.addr));
		assert_int_equal(p.len, q.len);
	}
}

static void test_format_canonical(_unused_ void **state)
{
	struct prefix p = P("2001:0DB8:0000:0000:0000:0000:0000:0001/64");
	struct addr a = A("2001:db8:0:0:1:0:0:1");
	char buf[ADDR_STRLEN];

	assert_prefix_is(&p, "2001:db8::1/64");
	assert_string_equal(addr_format(&a, buf), "2001:db8::1:0:0:1");
	/* leading zeros are not octal, and not accepted either */
	assert_int_equal(addr_parse("10.0.0.01", &a), -EINVAL);
	a = A("10.0.0.1");
	assert_string_equal(addr_format(&a, buf), "10.0.0.1");
}

static void test_format_returns_buf(_unused_ void **state)
{
	struct prefix p = P("10.0.0.1/8");
	char pbuf[PREFIX_STRLEN], abuf[ADDR_STRLEN];

	assert_ptr_equal(prefix_format(&p, pbuf), pbuf);
	assert_ptr_equal(addr_format(&p.addr, abuf), abuf);
	assert_string_equal(abuf, "10.0.0.1");
}

static void test_network_v4(_unused_ void **state)
{
	struct prefix p = P("10.0.31.255/20"), n;

	n = prefix_network(&p);
	assert_prefix_is(&n, "10.0.16.0/20");
	p = P("192.168.1.77/24");
	n = prefix_network(&p);
	assert_prefix_is(&n, "192.168.1.0/24");
	p = P("192.168.1.77/32");
	n = prefix_network(&p);
	assert_prefix_is(&n, "192.168.1.77/32");
	p = P("192.168.1.77/0");
	n = prefix_network(&p);
	assert_prefix_is(&n, "0.0.0.0/0");
	p = P("10.0.0.7/31");
	n = prefix_network(&p);
	assert_prefix_is(&n, "10.0.0.6/31");
}

static void test_network_v4_clears_unused_bytes(_unused_ void **state)
{
	struct prefix p = P("10.0.0.1/8"), n;
	const uint8_t zero[12] = {0};

	/* bytes past the fourth mean nothing for IPv4 and come out zero */
	memset(p.addr.bytes + 4, 0xaa, 12);
	n = prefix_network(&p);
	assert_memory_equal(n.addr.bytes + 4, zero, 12);
	assert_int_equal(n.addr.bytes[0], 10);
	assert_int_equal(n.addr.bytes[3], 0);
}

static void test_network_v6(_unused_ void **state)
{
	struct prefix p = P("2001:db8:1:2:3:4:5:6/64"), n;

	n = prefix_network(&p);
	assert_prefix_is(&n, "2001:db8:1:2::/64");
	p = P("2001:db8::ffff/127");
	n = prefix_network(&p);
	assert_prefix_is(&n, "2001:db8::fffe/127");
	p = P("2001:db8:abcd::1/36");
	n = prefix_network(&p);
	assert_prefix_is(&n, "2001:db8:a000::/36");
	p = P("2001:db8::1/128");
	n = prefix_network(&p);
	assert_prefix_is(&n, "2001:db8::1/128");
}

static void test_contains(_unused_ void **state)
{
	struct prefix net = P("10.1.0.0/16");
	struct addr in = A("10.1.255.254"), edge = A("10.1.0.0"), out = A("10.2.0.1");
	struct addr v6 = A("::a01:1");

	assert_true(prefix_contains(&net, &in));
	assert_true(prefix_contains(&net, &edge));
	assert_false(prefix_contains(&net, &out));
	/* another family never matches, even with equal leading bytes */
	assert_false(prefix_contains(&net, &v6));

	/* the host bits of the prefix do not matter */
	net = P("10.1.99.99/16");
	assert_true(prefix_contains(&net, &in));
}

static void test_contains_edges(_unused_ void **state)
{
	struct prefix all4 = P("0.0.0.0/0"), host = P("10.0.0.1/32"), odd = P("10.0.0.0/25");
	struct prefix v6 = P("2001:db8::/32"), all6 = P("::/0");
	struct addr a = A("10.0.0.1"), b = A("10.0.0.2"), c = A("10.0.0.127"), d = A("10.0.0.128");
	struct addr x = A("2001:db8:ffff::1"), y = A("2001:db9::1");

	assert_true(prefix_contains(&all4, &a));
	assert_false(prefix_contains(&all4, &x));
	assert_true(prefix_contains(&host, &a));
	assert_false(prefix_contains(&host, &b));
	assert_true(prefix_contains(&odd, &c));
	assert_false(prefix_contains(&odd, &d));
	assert_true(prefix_contains(&v6, &x));
	assert_false(prefix_contains(&v6, &y));
	assert_true(prefix_contains(&all6, &y));
	assert_false(prefix_contains(&all6, &a));
}

static void test_overlaps(_unused_ void **state)
{
	struct prefix big = P("10.0.0.0/8"), small = P("10.20.30.0/24");
	struct prefix lo = P("10.0.0.0/25"), hi = P("10.0.0.128/25");
	struct prefix other = P("192.168.0.0/16"), v6 = P("::/0"), v4all = P("0.0.0.0/0");

	assert_true(prefix_overlaps(&big, &small));
	assert_true(prefix_overlaps(&small, &big));
	assert_true(prefix_overlaps(&big, &big));
	/* adjacent halves share nothing */
	assert_false(prefix_overlaps(&lo, &hi));
	assert_false(prefix_overlaps(&hi, &lo));
	assert_false(prefix_overlaps(&big, &other));
	/* families never overlap, not even ::/0 and 0.0.0.0/0 */
	assert_false(prefix_overlaps(&v6, &v4all));
	assert_false(prefix_overlaps(&v4all, &v6));
	assert_true(prefix_overlaps(&v4all, &other));
}

static void test_overlaps_v6(_unused_ void **state)
{
	struct prefix a = P("2001:db8::/48"), b = P("2001:db8:0:ff::/64"), c = P("2001:db8:1::/48");

	assert_true(prefix_overlaps(&a, &b));
	assert_true(prefix_overlaps(&b, &a));
	assert_false(prefix_overlaps(&a, &c));
	assert_false(prefix_overlaps(&b, &c));
}

static void test_reserved_host(_unused_ void **state)
{
	struct prefix p;

	p = P("10.0.0.0/24");
	assert_true(prefix_is_reserved_host(&p));
	p = P("10.0.0.255/24");
	assert_true(prefix_is_reserved_host(&p));
	p = P("10.0.0.1/24");
	assert_false(prefix_is_reserved_host(&p));
	p = P("10.0.0.254/24");
	assert_false(prefix_is_reserved_host(&p));
	p = P("10.0.0.3/30");
	assert_true(prefix_is_reserved_host(&p));
	p = P("10.0.0.4/30");
	assert_true(prefix_is_reserved_host(&p));
	p = P("10.0.0.5/30");
	assert_false(prefix_is_reserved_host(&p));
	p = P("10.0.15.255/20");
	assert_true(prefix_is_reserved_host(&p));
	p = P("10.0.15.0/20");
	assert_false(prefix_is_reserved_host(&p));
}

static void test_reserved_host_edges(_unused_ void **state)
{
	struct prefix p;

	/* /31 (RFC 3021) and /32 have no network or broadcast address */
	p = P("10.0.0.0/31");
	assert_false(prefix_is_reserved_host(&p));
	p = P("10.0.0.1/31");
	assert_false(prefix_is_reserved_host(&p));
	p = P("10.0.0.0/32");
	assert_false(prefix_is_reserved_host(&p));
	p = P("255.255.255.255/32");
	assert_false(prefix_is_reserved_host(&p));
	/* IPv6 has no broadcast; the subnet-router anycast is not refused either */
	p = P("2001:db8::/64");
	assert_false(prefix_is_reserved_host(&p));
	p = P("2001:db8::ffff:ffff:ffff:ffff/64");
	assert_false(prefix_is_reserved_host(&p));
	p = P("0.0.0.0/0");
	assert_true(prefix_is_reserved_host(&p));
	p = P("255.255.255.255/0");
	assert_true(prefix_is_reserved_host(&p));
	p = P("10.0.0.1/0");
	assert_false(prefix_is_reserved_host(&p));
}

static void test_subnet_v4(_unused_ void **state)
{
	struct prefix pool = P("10.0.0.0/16"), s;

	assert_int_equal(prefix_subnet(&pool, 24, 0, &s), 0);
	assert_prefix_is(&s, "10.0.0.0/24");
	assert_int_equal(prefix_subnet(&pool, 24, 5, &s), 0);
	assert_prefix_is(&s, "10.0.5.0/24");
	assert_int_equal(prefix_subnet(&pool, 24, 255, &s), 0);
	assert_prefix_is(&s, "10.0.255.0/24");
	assert_int_equal(prefix_subnet(&pool, 30, 3, &s), 0);
	assert_prefix_is(&s, "10.0.0.12/30");
	assert_int_equal(prefix_subnet(&pool, 30, 64, &s), 0);
	assert_prefix_is(&s, "10.0.1.0/30");
	assert_int_equal(prefix_subnet(&pool, 30, 16383, &s), 0);
	assert_prefix_is(&s, "10.0.255.252/30");
	assert_int_equal(prefix_subnet(&pool, 32, 65535, &s), 0);
	assert_prefix_is(&s, "10.0.255.255/32");
	/* the pool itself, as its only subnet of its own length */
	assert_int_equal(prefix_subnet(&pool, 16, 0, &s), 0);
	assert_prefix_is(&s, "10.0.0.0/16");
}

static void test_subnet_range(_unused_ void **state)
{
	struct prefix pool = P("10.0.0.0/16"), s = P("1.1.1.1/32");

	assert_int_equal(prefix_subnet(&pool, 24, 256, &s), -ERANGE);
	assert_int_equal(prefix_subnet(&pool, 24, 1000000, &s), -ERANGE);
	assert_int_equal(prefix_subnet(&pool, 30, 16384, &s), -ERANGE);
	assert_int_equal(prefix_subnet(&pool, 16, 1, &s), -ERANGE);
	assert_int_equal(prefix_subnet(&pool, 24, UINT64_MAX, &s), -ERANGE);
	/* a failure leaves ret alone */
	assert_prefix_is(&s, "1.1.1.1/32");

	/* at the very end of the address space nothing wraps */
	pool = P("255.255.255.0/24");
	assert_int_equal(prefix_subnet(&pool, 30, 63, &s), 0);
	assert_prefix_is(&s, "255.255.255.252/30");
	assert_int_equal(prefix_subnet(&pool, 30, 64, &s), -ERANGE);
}

static void test_subnet_bad_length(_unused_ void **state)
{
	struct prefix pool = P("10.0.0.0/16"), s;

	assert_int_equal(prefix_subnet(&pool, 15, 0, &s), -EINVAL);
	assert_int_equal(prefix_subnet(&pool, 8, 0, &s), -EINVAL);
	assert_int_equal(prefix_subnet(&pool, 33, 0, &s), -EINVAL);
	pool = P("2001:db8::/32");
	assert_int_equal(prefix_subnet(&pool, 129, 0, &s), -EINVAL);
	assert_int_equal(prefix_subnet(&pool, 31, 0, &s), -EINVAL);
}

static void test_subnet_host_bits_in_pool(_unused_ void **state)
{
	struct prefix pool = P("172.16.9.9/12"), s;

	/* counted from the pool's network, whatever host bits it was written with */
	assert_int_equal(prefix_subnet(&pool, 24, 1, &s), 0);
	assert_prefix_is(&s, "172.16.1.0/24");
	assert_int_equal(prefix_subnet(&pool, 24, 4095, &s), 0);
	assert_prefix_is(&s, "172.31.255.0/24");
	assert_int_equal(prefix_subnet(&pool, 24, 4096, &s), -ERANGE);
}

static void test_subnet_v6(_unused_ void **state)
{
	struct prefix pool = P("2001:db8::/48"), s;

	assert_int_equal(prefix_subnet(&pool, 64, 0, &s), 0);
	assert_prefix_is(&s, "2001:db8::/64");
	assert_int_equal(prefix_subnet(&pool, 64, 1, &s), 0);
	assert_prefix_is(&s, "2001:db8:0:1::/64");
	assert_int_equal(prefix_subnet(&pool, 64, 0xffff, &s), 0);
	assert_prefix_is(&s, "2001:db8:0:ffff::/64");
	assert_int_equal(prefix_subnet(&pool, 64, 0x10000, &s), -ERANGE);
	assert_int_equal(prefix_subnet(&pool, 56, 0xab, &s), 0);
	assert_prefix_is(&s, "2001:db8:0:ab00::/56");
	assert_int_equal(prefix_subnet(&pool, 56, 0x100, &s), -ERANGE);
}

static void test_subnet_v6_wide(_unused_ void **state)
{
	struct prefix pool = P("2001:db8::/32"), s;

	/* 96 bits of index space: any 64-bit index fits */
	assert_int_equal(prefix_subnet(&pool, 128, 1, &s), 0);
	assert_prefix_is(&s, "2001:db8::1/128");
	assert_int_equal(prefix_subnet(&pool, 128, UINT64_MAX, &s), 0);
	assert_prefix_is(&s, "2001:db8::ffff:ffff:ffff:ffff/128");
	assert_int_equal(prefix_subnet(&pool, 96, 0x123456789ULL, &s), 0);
	assert_prefix_is(&s, "2001:db8:0:1:2345:6789::/96");
	/* exactly 64 bits of index space */
	assert_int_equal(prefix_subnet(&pool, 96, UINT64_MAX, &s), 0);
	assert_prefix_is(&s, "2001:db8:ffff:ffff:ffff:ffff::/96");
	pool = P("::/0");
	assert_int_equal(prefix_subnet(&pool, 64, UINT64_MAX, &s), 0);
	assert_prefix_is(&s, "ffff:ffff:ffff:ffff::/64");
}

static void test_host_v4(_unused_ void **state)
{
	struct prefix net = P("10.0.0.0/24"), h = P("9.9.9.9/32");

	assert_int_equal(prefix_host(&net, 1, &h), 0);
	assert_prefix_is(&h, "10.0.0.1/24");
	assert_int_equal(prefix_host(&net, 254, &h), 0);
	assert_prefix_is(&h, "10.0.0.254/24");
	assert_int_equal(prefix_host(&net, 255, &h), 0);
	assert_prefix_is(&h, "10.0.0.255/24");
	assert_int_equal(prefix_host(&net, 256, &h), -ERANGE);
	assert_int_equal(prefix_host(&net, UINT64_MAX, &h), -ERANGE);
	assert_prefix_is(&h, "10.0.0.255/24");

	/* the count carries across bytes */
	net = P("10.0.0.0/8");
	assert_int_equal(prefix_host(&net, 65536 + 2, &h), 0);
	assert_prefix_is(&h, "10.1.0.2/8");
	/* from the network, not from the host written in net */
	net = P("10.0.0.77/24");
	assert_int_equal(prefix_host(&net, 2, &h), 0);
	assert_prefix_is(&h, "10.0.0.2/24");
	net = P("10.0.0.9/32");
	assert_int_equal(prefix_host(&net, 0, &h), 0);
	assert_prefix_is(&h, "10.0.0.9/32");
	assert_int_equal(prefix_host(&net, 1, &h), -ERANGE);
}

static void test_host_v6(_unused_ void **state)
{
	struct prefix net = P("2001:db8:1::/64"), h;

	assert_int_equal(prefix_host(&net, 0x1234, &h), 0);
	assert_prefix_is(&h, "2001:db8:1::1234/64");
	assert_int_equal(prefix_host(&net, UINT64_MAX, &h), 0);
	assert_prefix_is(&h, "2001:db8:1:0:ffff:ffff:ffff:ffff/64");
	net = P("2001:db8::/120");
	assert_int_equal(prefix_host(&net, 255, &h), 0);
	assert_prefix_is(&h, "2001:db8::ff/120");
	assert_int_equal(prefix_host(&net, 256, &h), -ERANGE);
	net = P("2001:db8::/32");
	assert_int_equal(prefix_host(&net, 1ULL << 40, &h), 0);
	assert_prefix_is(&h, "2001:db8::100:0:0/32");
}

static int cmp_addr(const void *a, const void *b)
{
	return addr_cmp(a, b);
}

static void test_cmp(_unused_ void **state)
{
	struct addr a = A("10.0.0.1"), b = A("10.0.0.2"), c = A("9.255.255.255");
	struct addr d = A("::1"), e = A("::2"), f = A("10.0.0.1");

	assert_true(addr_cmp(&a, &b) < 0);
	assert_true(addr_cmp(&b, &a) > 0);
	assert_int_equal(addr_cmp(&a, &f), 0);
	assert_true(addr_cmp(&c, &a) < 0);
	assert_true(addr_cmp(&d, &e) < 0);
	/* IPv4 sorts before IPv6, whatever the bytes */
	assert_true(addr_cmp(&a, &d) < 0);
	assert_true(addr_cmp(&d, &a) > 0);
	assert_true(addr_cmp(&b, &d) < 0);
}

static void test_cmp_sorts(_unused_ void **state)
{
	static const char *const in[] = {
		"2001:db8::2", "10.0.0.10", "::1", "10.0.0.9", "192.168.0.1", "2001:db8::1",
		"10.0.0.10", "1.2.3.4",
	};
	static const char *const want[] = {
		"1.2.3.4", "10.0.0.9", "10.0.0.10", "10.0.0.10", "192.168.0.1", "::1",
		"2001:db8::1", "2001:db8::2",
	};
	struct addr v[ARRAY_SIZE(in)];
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		v[i] = A(in[i]);
	qsort(v, ARRAY_SIZE(v), sizeof(v[0]), cmp_addr);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(addr_format(&v[i], buf), want[i]);
}

static void test_equal(_unused_ void **state)
{
	struct addr a = A("10.0.0.1"), b = A("10.0.0.1"), c = A("10.0.0.2");
	struct addr z4 = A("0.0.0.0"), z6 = A("::");

	assert_true(addr_equal(&a, &b));
	assert_false(addr_equal(&a, &c));
	/* all-zero bytes in both, but not the same address */
	assert_false(addr_equal(&z4, &z6));
	/* IPv4 compares its 4 bytes only */
	memset(b.bytes + 4, 0x55, 12);
	assert_true(addr_equal(&a, &b));
}

static void test_link_local(_unused_ void **state)
{
	static const char *const yes[] = {
		"fe80::1", "fe80::", "fe80::abcd:1234", "febf:ffff::1", "fe90::1",
	};
	static const char *const no[] = {
		"fec0::1", "fe7f::1", "fe00::1", "2001:db8::1", "::1", "ff02::1", "169.254.0.1",
		"254.128.0.1", "10.0.0.1",
	};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		struct addr a = A(yes[i]);

		if (!addr_is_link_local(&a))
			fail_msg("%s is not seen as link-local", yes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		struct addr a = A(no[i]);

		if (addr_is_link_local(&a))
			fail_msg("%s is seen as link-local", no[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v4_lengths),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_parse_rejects_bad_octet),
		cmocka_unit_test(test_parse_rejects_long_length),
		cmocka_unit_test(test_parse_rejects_missing_length),
		cmocka_unit_test(test_parse_rejects_garbage),
		cmocka_unit_test(test_parse_rejects_very_long),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_canonical),
		cmocka_unit_test(test_format_returns_buf),
		cmocka_unit_test(test_network_v4),
		cmocka_unit_test(test_network_v4_clears_unused_bytes),
		cmocka_unit_test(test_network_v6),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_contains_edges),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_overlaps_v6),
		cmocka_unit_test(test_reserved_host),
		cmocka_unit_test(test_reserved_host_edges),
		cmocka_unit_test(test_subnet_v4),
		cmocka_unit_test(test_subnet_range),
		cmocka_unit_test(test_subnet_bad_length),
		cmocka_unit_test(test_subnet_host_bits_in_pool),
		cmocka_unit_test(test_subnet_v6),
		cmocka_unit_test(test_subnet_v6_wide),
		cmocka_unit_test(test_host_v4),
		cmocka_unit_test(test_host_v6),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_cmp_sorts),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_link_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
