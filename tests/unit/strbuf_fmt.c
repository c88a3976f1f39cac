/* SPDX-License-Identifier: MIT */
/* strbuf_addf formats netc's conversions itself: it must print what snprintf prints. */
#include "util.h"
#include <stdio.h>
#include <string.h>
#include <limits.h>
static int bad;
#define CHECK(...) do { char ref[512]; struct strbuf sb; strbuf_init(&sb); strbuf_addf(&sb, __VA_ARGS__); snprintf(ref, sizeof ref, __VA_ARGS__); if (strcmp(ref, sb.buf)) { bad++; printf("MISMATCH [%s] vs [%s]\n", ref, sb.buf);} strbuf_free(&sb);} while (0)
int main(void) {
	CHECK("plain"); CHECK("%s and %s", "a", ""); CHECK("%d %d %d", 0, -5, INT_MIN); CHECK("%u %u", 0u, UINT_MAX);
	CHECK("%ld %lu", LONG_MIN, ULONG_MAX); CHECK("%lld %llu", LLONG_MIN, ULLONG_MAX); CHECK("%zu", (size_t)12345);
	CHECK("%c%c", 'x', 'y'); CHECK("100%%"); CHECK("%02x:%02x", 0, 255); CHECK("%04x %08x", 0xabcu, 0xdeadbeefu);
	CHECK("\\x%02x", 7); CHECK("%5u|%-4s|%.*s|", 42u, "ab", 2, "xyz"); CHECK("%x %lx", 255u, 4096ul); CHECK("%s", (char *)NULL);
	CHECK("mix %s=%lld (%zu) %u%%", "k", -7LL, (size_t)3, 9u); CHECK("%.3s", "abcdef"); CHECK("%3d", 5);
	printf("bad=%d\n", bad); return bad != 0;
}
