/* SPDX-License-Identifier: MIT */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int addr_size(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

int addr_bits(int family)
{
	return addr_size(family) * 8;
}

int addr_parse(const char *s, struct addr *ret)
{
	struct addr a = {0};

	if (!s || strchr(s, '/'))
		return -EINVAL;
	if (inet_pton(AF_INET, s, a.bytes) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.bytes) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*ret = a;
	return 0;
}

int prefix_parse(const char *s, struct prefix *ret)
{
	char buf[ADDR_STRLEN + 8];
	const char *slash;
	char *end;
	struct prefix p = {0};
	unsigned long len;
	size_t n;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash)
		return -EINVAL;
	n = slash - s;
	if (n == 0 || n >= ADDR_STRLEN)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, &p.addr) < 0)
		return -EINVAL;
	if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3)
		return -EINVAL;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > (unsigned long)addr_bits(p.addr.family))
		return -EINVAL;
	p.len = len;
	*ret = p;
	return 0;
}

char *addr_format(const struct addr *a, char *buf)
{
	if (!inet_ntop(a->family, a->bytes, buf, ADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}

char *prefix_format(const struct prefix *p, char *buf)
{
	char a[ADDR_STRLEN];

	snprintf(buf, PREFIX_STRLEN, "%s/%u", addr_format(&p->addr, a), p->len);
	return buf;
}

bool addr_equal(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, addr_size(a->family)) == 0;
}

int addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, addr_size(a->family));
}

struct prefix prefix_network(const struct prefix *p)
{
	struct prefix n = *p;
	int bits = addr_bits(p->addr.family);

	for (int i = p->len; i < bits; i++)
		n.addr.bytes[i / 8] &= ~(0x80 >> (i % 8));
	for (int i = addr_size(p->addr.family); i < 16; i++)
		n.addr.bytes[i] = 0;
	return n;
}

static bool bits_equal(const uint8_t *a, const uint8_t *b, int len)
{
	int full = len / 8, rest = len % 8;

	if (memcmp(a, b, full))
		return false;
	if (rest) {
		uint8_t mask = 0xff << (8 - rest);

		return (a[full] & mask) == (b[full] & mask);
	}
	return true;
}

bool prefix_contains(const struct prefix *net, const struct addr *a)
{
	return net->addr.family == a->family && bits_equal(net->addr.bytes, a->bytes, net->len);
}

bool prefix_overlaps(const struct prefix *a, const struct prefix *b)
{
	int len = a->len < b->len ? a->len : b->len;

	return a->addr.family == b->addr.family && bits_equal(a->addr.bytes, b->addr.bytes, len);
}

bool prefix_is_reserved_host(const struct prefix *p)
{
	struct prefix n;
	uint32_t host, mask;

	if (p->addr.family != AF_INET || p->len >= 31)
		return false;
	n = prefix_network(p);
	if (addr_equal(&n.addr, &p->addr))
		return true;
	memcpy(&host, p->addr.bytes, 4);
	host = ntohl(host);
	mask = p->len ? (0xffffffffu >> p->len) : 0xffffffffu;
	return (host & mask) == mask;
}

/* Add v (a big-endian number of up to 64 bits) into bytes at bit position shift from the right. */
static int add_shifted(uint8_t *bytes, int size, uint64_t v, int shift)
{
	int carry = 0;

	for (int i = size - 1; i >= 0; i--) {
		int bitpos = (size - 1 - i) * 8; /* bit index of this byte's lsb */
		unsigned add = 0;

		if (bitpos + 8 > shift) {
			int s = bitpos - shift;

			if (s >= 64)
				add = 0;
			else if (s >= 0)
				add = (v >> s) & 0xff;
			else
				add = (v << -s) & 0xff;
		}
		add += bytes[i] + carry;
		bytes[i] = add & 0xff;
		carry = add >> 8;
	}
	return carry ? -ERANGE : 0;
}

int prefix_subnet(const struct prefix *pool, int len, uint64_t index, struct prefix *ret)
{
	int bits = addr_bits(pool->addr.family);
	int width = len - pool->len;
	struct prefix p;

	if (len < pool->len || len > bits)
		return -EINVAL;
	if (width < 64 && index >> width)
		return -ERANGE;
	p = prefix_network(pool);
	p.len = len;
	if (add_shifted(p.addr.bytes, addr_size(p.addr.family), index, bits - len) < 0)
		return -ERANGE;
	*ret = p;
	return 0;
}

int prefix_host(const struct prefix *net, uint64_t n, struct prefix *ret)
{
	int width = addr_bits(net->addr.family) - net->len;
	struct prefix p = prefix_network(net);

	if (width < 64 && n >> width)
		return -ERANGE;
	if (add_shifted(p.addr.bytes, addr_size(p.addr.family), n, 0) < 0)
		return -ERANGE;
	*ret = p;
	return 0;
}

bool addr_is_link_local(const struct addr *a)
{
	return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}
