/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* An IPv4 or IPv6 address; IPv4 uses the first 4 bytes. */
struct addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t bytes[16];
};

/* An address with a prefix length, as written in CIDR notation (host bits kept). */
struct prefix {
	struct addr addr;
	uint8_t len;
};

#define ADDR_STRLEN 46
#define PREFIX_STRLEN 50

/* Bytes in an address of family: 4 or 16. */
int addr_size(int family);
/* Bits in an address of family: 32 or 128. */
int addr_bits(int family);
/* Parse a bare IPv4/IPv6 address. Return: 0 or -EINVAL. */
int addr_parse(const char *s, struct addr *ret);
/* Parse "a.b.c.d/len" or "x::y/len"; the length is required. Return: 0 or -EINVAL. */
int prefix_parse(const char *s, struct prefix *ret);
/* Format into buf (ADDR_STRLEN / PREFIX_STRLEN). Return: buf. */
char *addr_format(const struct addr *a, char *buf);
char *prefix_format(const struct prefix *p, char *buf);
bool addr_equal(const struct addr *a, const struct addr *b);
/* Order addresses: family first, then bytes. */
int addr_cmp(const struct addr *a, const struct addr *b);
/* The network of p: host bits cleared. */
struct prefix prefix_network(const struct prefix *p);
/* Whether a lies inside net (same family, first net->len bits equal). */
bool prefix_contains(const struct prefix *net, const struct addr *a);
/* Whether two prefixes share any address. */
bool prefix_overlaps(const struct prefix *a, const struct prefix *b);
/* Whether a is the network or broadcast address of its IPv4 prefix (len < 31). */
bool prefix_is_reserved_host(const struct prefix *p);
/*
 * The index-th subnet of length len inside pool (pool network + index << (bits - len)).
 * Return: 0, -EINVAL if len < pool->len, -ERANGE if index is past the pool's end.
 */
int prefix_subnet(const struct prefix *pool, int len, uint64_t index, struct prefix *ret);
/* Address number n inside net, with net's length. Return: 0 or -ERANGE. */
int prefix_host(const struct prefix *net, uint64_t n, struct prefix *ret);
/* Whether the address is IPv6 link-local (fe80::/10). */
bool addr_is_link_local(const struct addr *a);
