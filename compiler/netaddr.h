/* SPDX-License-Identifier: MIT */
#ifndef NETC_NETADDR_H
#define NETC_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct ip_addr - an IPv4 or IPv6 address, network byte order.
 * @family: 4 or 6 (0: unset).
 */
struct ip_addr {
	int family;
	uint8_t b[16];
};

/**
 * struct ip_cidr - an address with an optional prefix length.
 * @prefix: 0-32 / 0-128, or -1 when the text had none.
 */
struct ip_cidr {
	struct ip_addr addr;
	int prefix;
};

bool ip_parse(const char *s, size_t len, struct ip_addr *out);
/* "ADDR" or "ADDR/PREFIX". */
bool cidr_parse(const char *s, size_t len, struct ip_cidr *out);
/* Canonical text (inet_ntop form); buf at least 64 bytes. */
const char *ip_format(const struct ip_addr *a, char *buf);
const char *cidr_format(const struct ip_cidr *c, char *buf);

/*
 * An address as a strmap key (the key and its length): its bytes, 4 or 16
 * of them, so an IPv4 and an IPv6 address are never one key.  Not copied:
 * the address must outlive the map.
 */
#define IP_KEY(a) ((const char *)(a)->b), ((a)->family == 4 ? (size_t)4 : (size_t)16)

int ip_bits(const struct ip_addr *a);     /* 32 or 128 */
int ip_cmp(const struct ip_addr *a, const struct ip_addr *b);
bool ip_equal(const struct ip_addr *a, const struct ip_addr *b);
/* The network address of @a under @prefix. */
struct ip_addr ip_network(const struct ip_addr *a, int prefix);
/* Last address of the block (the IPv4 broadcast address). */
struct ip_addr ip_last(const struct ip_addr *a, int prefix);
bool ip_in_subnet(const struct ip_addr *a, const struct ip_addr *net, int prefix);

/* MACs. */
bool mac_parse(const char *s, size_t len, uint8_t out[6]);
const char *mac_format(const uint8_t m[6], char *buf);      /* buf >= 18 */

#endif
