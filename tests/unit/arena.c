/* SPDX-License-Identifier: MIT */
/*
 * The arena's recycling (arena_recycle: the AST's nodes serve what comes
 * after the schema), strmap_reserve, strbuf_insert, arena_printf's
 * scratch buffer and a strbuf's sink.  Prints "bad=0" when every check holds.
 */
#include "util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int bad;
#define CHECK(c, ...) do { if (!(c)) { bad++; printf(__VA_ARGS__); putchar('\n'); } } while (0)

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Blocks of @a's sizes, each filled with its own byte; then checked intact. */
#define NBLOCKS 2000
static size_t size_of(int i) { return i % 97 == 0 ? 3u << 20 : (size_t)(i * 37 % 4000) + 1; }

static void recycle(void)
{
	struct arena from, to;
	static unsigned char *blk[NBLOCKS];
	size_t used;

	arena_init(&from);
	arena_init(&to);
	for (int i = 0; i < NBLOCKS; i++)
		memset(arena_alloc(&from, size_of(i)), 0xab, size_of(i));
	used = from.used;
	arena_recycle(&to, &from);
	CHECK(from.chunks == NULL && from.used == 0, "recycle: the giver is not left empty");
	CHECK(to.spare != NULL, "recycle: nothing was handed over");
	/* Everything handed out again is zeroed, distinct, and stays put. */
	for (int i = 0; i < NBLOCKS; i++) {
		blk[i] = arena_alloc(&to, size_of(i));
		CHECK(all_zero(blk[i], size_of(i)), "recycle: block %d (%zu bytes) is not zeroed", i,
		      size_of(i));
		memset(blk[i], i & 0xff, size_of(i));
	}
	for (int i = 0; i < NBLOCKS; i++)
		for (size_t k = 0; k < size_of(i); k++)
			if (blk[i][k] != (i & 0xff)) {
				CHECK(0, "recycle: block %d overlaps another", i);
				break;
			}
	/* The same work again used the recycled blocks, not new mappings only. */
	CHECK(to.spare == NULL || to.total <= 2 * used + (8u << 20),
	      "recycle: %zu bytes mapped for %zu bytes of work", to.total, used);
	/* A block bigger than every spare one still comes (a mapping of its own). */
	unsigned char *big = arena_alloc(&to, 64u << 20);
	CHECK(all_zero(big, 64u << 20), "recycle: a big block after recycling is not zeroed");
	arena_free(&to);
	arena_free(&from);
}

static void reserve(void)
{
	struct strmap m;
	static char keys[50000][12];
	size_t cap;

	strmap_init(&m);
	strmap_reserve(&m, 50000);
	cap = m.cap;
	for (int i = 0; i < 50000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		CHECK(strmap_put(&m, keys[i], strlen(keys[i]), keys[i]) == NULL, "reserve: %s was there", keys[i]);
	}
	CHECK(m.cap == cap, "reserve: the map grew from %zu to %zu slots for as many keys as reserved", cap, m.cap);
	CHECK(m.count == 50000, "reserve: %zu keys, not 50000", m.count);
	for (int i = 0; i < 50000; i++)
		CHECK(strmap_get(&m, keys[i], strlen(keys[i])) == keys[i], "reserve: %s is lost", keys[i]);
	CHECK(strmap_get(&m, "k50000", 6) == NULL, "reserve: a key never put is found");
	strmap_reserve(&m, 10);
	CHECK(m.cap == cap, "reserve: a smaller reservation shrank the map");
	strmap_free(&m);
}

static void insert(void)
{
	struct strbuf sb;
	char big[1000];

	strbuf_init(&sb);
	strbuf_adds(&sb, "middle");
	strbuf_insert(&sb, 0, "head ", 5);
	strbuf_insert(&sb, sb.len, " tail", 5);
	strbuf_insert(&sb, 5, "[", 1);
	CHECK(strcmp(sb.buf, "head [middle tail") == 0 && sb.len == 17, "insert: got '%s'", sb.buf);
	memset(big, 'x', sizeof(big));
	strbuf_insert(&sb, 0, big, sizeof(big));   /* past the capacity: grows */
	CHECK(sb.len == 1017 && sb.buf[1017] == '\0' && strcmp(sb.buf + 1000, "head [middle tail") == 0,
	      "insert: a large insertion at the front lost the text after it");
	strbuf_free(&sb);
}

static void printf_scratch(void)
{
	struct arena a;
	char *s1, *s2, *long1;
	char want[3001];

	arena_init(&a);
	s1 = arena_printf(&a, "%s:%u", "one", 1u);
	s2 = arena_printf(&a, "%s-%d", "two", -2);
	memset(want, 'y', 3000);
	want[3000] = '\0';
	long1 = arena_printf(&a, "%s", want);          /* longer than the scratch buffer's start */
	CHECK(strcmp(s1, "one:1") == 0 && strcmp(s2, "two--2") == 0,
	      "arena_printf: earlier strings changed: '%s' '%s'", s1, s2);
	CHECK(strcmp(long1, want) == 0, "arena_printf: a long string came out wrong");
	arena_free(&a);
}

/* A sink: nothing leaves before STRBUF_SINK_AT bytes and a flush point;
 * then all of it, in order; a write error is kept and later text dropped. */
static void sink(void)
{
	static char got[2 * STRBUF_SINK_AT + 64];
	FILE *f = tmpfile();
	struct strbuf sb;
	struct strbuf_sink to;
	ssize_t n;

	if (!f) {
		CHECK(0, "sink: no temporary file");
		return;
	}
	to = (struct strbuf_sink){ fileno(f), 0 };
	strbuf_init(&sb);
	sb.sink = &to;
	strbuf_adds(&sb, "ab");
	strbuf_flush_point(&sb);
	CHECK(lseek(to.fd, 0, SEEK_CUR) == 0 && sb.len == 2, "sink: text left before the threshold");
	for (size_t i = 0; sb.len < STRBUF_SINK_AT; i++)
		strbuf_addc(&sb, (char)('a' + i % 26));
	strbuf_flush_point(&sb);
	CHECK(sb.len == 0 && sb.buf[0] == '\0', "sink: the buffer was not emptied");
	strbuf_adds(&sb, "tail");
	strbuf_flush(&sb);
	n = pread(to.fd, got, sizeof(got), 0);
	CHECK(n == STRBUF_SINK_AT + 4 && memcmp(got, "abab", 4) == 0 &&
	      memcmp(got + n - 4, "tail", 4) == 0 && to.err == 0,
	      "sink: wrote %zd bytes, not %d", n, STRBUF_SINK_AT + 4);
	fclose(f);
	to.fd = -1;                     /* now every write fails: EBADF */
	strbuf_adds(&sb, "lost");
	strbuf_flush(&sb);
	strbuf_adds(&sb, "also lost");
	strbuf_flush(&sb);
	CHECK(to.err == EBADF && sb.len == 0, "sink: error %d kept, %zu bytes held", to.err, sb.len);
	strbuf_free(&sb);
}

int main(void)
{
	recycle();
	reserve();
	insert();
	printf_scratch();
	sink();
	printf("bad=%d\n", bad);
	return bad != 0;
}
