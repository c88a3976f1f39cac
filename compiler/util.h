/* SPDX-License-Identifier: MIT */
#ifndef NETC_UTIL_H
#define NETC_UTIL_H

/*
 * Memory rule: everything a compilation builds (AST, IR, diagnostics) lives in
 * one struct arena and is freed at once by arena_free(); nothing in it is freed
 * alone.  Output text lives in a struct strbuf (malloc'd, strbuf_free()).
 * x*() allocators never return NULL: they print a message and exit 3.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* Exit codes, netc(1). */
enum {
	EXIT_OK = 0,
	EXIT_TOPOLOGY = 1,
	EXIT_USAGE = 2,
	EXIT_IO = 3,
};

NORETURN void die_oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/**
 * struct strbuf - growable byte buffer for output text; always NUL-terminated.
 * @sink: where the text goes as it is made, or NULL (struct strbuf_sink).
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	struct strbuf_sink *sink;
};

/**
 * struct strbuf_sink - lets a big output leave memory as it is made.
 * At a flush point (strbuf_flush_point()), once the buffer holds
 * STRBUF_SINK_AT bytes, they are written to @fd and the buffer starts
 * again; the text before a flush point is never looked at again, so a
 * writer puts them between the items it writes (a domain, say), and only
 * where it can no longer fail.  @err keeps the first write error (an
 * errno); the text after it is dropped.
 */
struct strbuf_sink {
	int fd;
	int err;
};

#ifndef STRBUF_SINK_AT
#define STRBUF_SINK_AT (64 * 1024)      /* a test build sets 1: flush at every point */
#endif

/**
 * struct arena - bump allocator; one per compilation.
 * @chunks: singly linked list of blocks, newest first.
 * @spare:  blocks another arena gave up (arena_recycle), used before new ones.
 * @grow:   size of the last block mapped (the next one is twice as big).
 */
struct arena {
	struct arena_chunk *chunks;
	struct arena_chunk *spare;
	size_t used;
	size_t total;
	size_t grow;
	struct strbuf scratch;  /* arena_printf()'s */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
/*
 * Hand all of @from's memory to @to, which serves its next allocations from
 * it before mapping more; @from is left empty.  Memory a process has touched
 * costs far less the second time than fresh pages (the kernel zeroes those,
 * and a virtual machine's host may have to back them first).
 */
void arena_recycle(struct arena *to, struct arena *from);
void *arena_alloc(struct arena *a, size_t n);           /* zeroed */

/*
 * A point in an arena's allocations, and going back to it: everything
 * allocated since is given back to be handed out again (zeroed again).
 * Nothing allocated since the mark may be used after.  Meant for arenas of
 * small allocations: a big one (a mapping of its own, arena_alloc) made
 * while the mark's chunk was the current one stays until arena_free().
 */
struct arena_mark {
	struct arena_chunk *chunk;
	size_t chunk_used;
	size_t used;
};

struct arena_mark arena_mark(const struct arena *a);
void arena_rewind(struct arena *a, const struct arena_mark *m);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
#define arena_new(a, type) ((type *)arena_alloc((a), sizeof(type)))

/**
 * struct vec - growable array of pointers, storage in the heap or the arena.
 * Used for ordered collections in the AST and IR.
 */
struct vec {
	void **items;
	size_t len;
	size_t cap;
};

void vec_push(struct arena *a, struct vec *v, void *item);
/* Room for @n items in all: a vector whose final length is known then
 * grows in one block, without the ones doubling leaves in the arena. */
void vec_reserve(struct arena *a, struct vec *v, size_t n);

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_flush(struct strbuf *sb);
static inline void strbuf_flush_point(struct strbuf *sb)
{
	if (sb->sink && sb->len >= STRBUF_SINK_AT)
		strbuf_flush(sb);
}
/* Write all of @p to @fd: 0, or an errno. */
int fd_write_all(int fd, const void *p, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
/* Insert @n bytes at offset @pos (<= len), moving what follows. */
void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t n);
void strbuf_grow(struct strbuf *sb, size_t n);
void strbuf_add_ull(struct strbuf *sb, unsigned long long v);
void strbuf_add_ll(struct strbuf *sb, long long v);

static inline void strbuf_addc(struct strbuf *sb, char c)
{
	if (sb->cap - sb->len <= 1)
		strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_indent(struct strbuf *sb, int n);

/**
 * struct strmap - open-addressing hash table from byte strings to pointers.
 * Keys are not copied: they must outlive the map (they live in the arena).
 * Table storage is in the heap; strmap_free() releases it.
 */
struct strmap_slot {
	const char *key;
	void *value;
	uint32_t len;
	uint32_t hash;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;     /* power of two, or 0 */
	size_t count;
};

uint32_t strmap_hash(const char *key, size_t len);
void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* Make room for @n keys in all, so that filling the map never rehashes. */
void strmap_reserve(struct strmap *m, size_t n);
void *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Insert; if the key exists, leave it and return the existing value, else NULL. */
void *strmap_put(struct strmap *m, const char *key, size_t len, void *value);
/* The value slot of @key, inserted (holding NULL) if absent. */
void **strmap_ref(struct strmap *m, const char *key, size_t len);

/*
 * Loops over many keys in a map too big for the caches: hash a few keys
 * ahead, prefetch their slots, and look each up with the hash it already
 * has (@h = strmap_hash(key, len)).  The lookups then overlap their cache
 * misses instead of waiting for each in turn.
 */
static inline void strmap_prefetch(const struct strmap *m, uint32_t h)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[h & (m->cap - 1)]);
}
void *strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint32_t h);
void **strmap_ref_hashed(struct strmap *m, const char *key, size_t len, uint32_t h);

/* Small string helpers. */
bool str_eq(const char *a, const char *b);
bool mem_has_byte(const char *s, size_t n, unsigned char c);
unsigned edit_distance(const char *a, const char *b, unsigned cap);
/* The value of hex digit @c, or -1. */
int hex_digit(unsigned char c);
/* Length of the valid UTF-8 sequence at @s (1-4), or 0 if invalid or cut off. */
size_t utf8_char_len(const unsigned char *s, size_t n);

/* Are the eight bytes of @w all ASCII and none of them @c?  (Scanning text
 * a word at a time; @w is memcpy'd from the text.) */
static inline bool word_ascii_without(uint64_t w, unsigned char c)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t x = w ^ (ones * c);    /* a zero byte where w has c */

	return !((w | ((x - ones) & ~x)) & highs);
}

/* Debug counter of hash probes and key comparisons, read by the scaling test. */
extern unsigned long long netc_work_counter;

#endif
