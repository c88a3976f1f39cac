/* SPDX-License-Identifier: MIT */
#include "netaddr.h"
#include "util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool ip_parse(const char *s, size_t len, struct ip_addr *out)
{
	char buf[64];

	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	/* inet_pton's IPv4 form is the strict dotted quad: no octal, no short forms. */
	if (inet_pton(AF_INET, buf, out->b) == 1) {
		out->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out->b) == 1) {
		out->family = 6;
		return true;
	}
	return false;
}

bool cidr_parse(const char *s, size_t len, struct ip_cidr *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	int prefix = 0;

	if (!ip_parse(s, alen, &out->addr))
		return false;
	out->prefix = -1;
	if (!slash)
		return true;
	const char *p = slash + 1, *end = s + len;
	if (p == end || end - p > 3)
		return false;
	if (*p == '0' && end - p > 1)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		prefix = prefix * 10 + (*p - '0');
	}
	if (prefix > ip_bits(&out->addr))
		return false;
	out->prefix = prefix;
	return true;
}

/* Decimal of @v (< 1000) at @p; returns the end.  inet_ntop and sprintf
 * cost more than the rest of a JSON dump of 40,000 vifs together. */
static char *put_small(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

const char *ip_format(const struct ip_addr *a, char *buf)
{
	char *p = buf;

	if (a->family != 4) {
		inet_ntop(AF_INET6, a->b, buf, 64);
		return buf;
	}
	for (int i = 0; i < 4; i++) {
		p = put_small(p, a->b[i]);
		*p++ = i < 3 ? '.' : '\0';
	}
	return buf;
}

const char *cidr_format(const struct ip_cidr *c, char *buf)
{
	ip_format(&c->addr, buf);
	if (c->prefix >= 0) {
		char *p = buf + strlen(buf);

		*p++ = '/';
		*put_small(p, (unsigned)c->prefix) = '\0';
	}
	return buf;
}

int ip_bits(const struct ip_addr *a)
{
	return a->family == 4 ? 32 : 128;
}

int ip_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, a->family == 4 ? 4 : 16);
}

bool ip_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return ip_cmp(a, b) == 0;
}

static struct ip_addr ip_mask(const struct ip_addr *a, int prefix, bool ones)
{
	struct ip_addr r = *a;
	int bytes = ip_bits(a) / 8;

	for (int i = 0; i < bytes; i++) {
		int keep = prefix - i * 8;
		uint8_t m = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));

		r.b[i] = ones ? (uint8_t)(a->b[i] | ~m) : (uint8_t)(a->b[i] & m);
	}
	return r;
}

struct ip_addr ip_network(const struct ip_addr *a, int prefix)
{
	return ip_mask(a, prefix, false);
}

struct ip_addr ip_last(const struct ip_addr *a, int prefix)
{
	return ip_mask(a, prefix, true);
}

bool ip_in_subnet(const struct ip_addr *a, const struct ip_addr *net, int prefix)
{
	struct ip_addr x, y;

	if (a->family != net->family)
		return false;
	x = ip_network(a, prefix);
	y = ip_network(net, prefix);
	return ip_equal(&x, &y);
}

/* Six colon-separated pairs of hex digits: the only form xl documents. */
bool mac_parse(const char *s, size_t len, uint8_t out[6])
{
	if (len != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit((unsigned char)s[i * 3]), lo = hex_digit((unsigned char)s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

const char *mac_format(const uint8_t m[6], char *buf)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 6; i++) {
		buf[i * 3] = hex[m[i] >> 4];
		buf[i * 3 + 1] = hex[m[i] & 15];
		buf[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	return buf;
}
