/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

unsigned long long netc_work_counter;

void die_oom(void)
{
	fputs("netc: out of memory\n", stderr);
	exit(EXIT_IO);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* ---- arena ---- */

/*
 * Chunks come straight from mmap, so they arrive zeroed and arena_alloc needs
 * no memset (that memset was a quarter of reading a big YAML file).  They
 * grow geometrically, so a 100 MB topology costs a few dozen mappings.
 */
struct arena_chunk {
	struct arena_chunk *next;
	size_t size;            /* of the whole mapping */
	size_t used;            /* bytes of the mapping handed out, header included */
};

#define ARENA_ALIGN 8
#define ARENA_FIRST (256 * 1024)
#define ARENA_MAX (32 * 1024 * 1024)
#define CHUNK_HEAD ((sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

static void chunks_unmap(struct arena_chunk *c)
{
	struct arena_chunk *next;

	for (; c; c = next) {
		next = c->next;
		munmap(c, c->size);
	}
}

void arena_free(struct arena *a)
{
	chunks_unmap(a->chunks);
	chunks_unmap(a->spare);
	strbuf_free(&a->scratch);
	memset(a, 0, sizeof(*a));
}

static struct arena_chunk *chunk_map(size_t size)
{
	struct arena_chunk *c = mmap(NULL, size, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (c == MAP_FAILED)
		die_oom();
	/*
	 * No MADV_HUGEPAGE: a huge page takes a whole free 2 MiB block, which a
	 * VM with free page reporting has handed back to its host, and faulting
	 * one in again costs more than 512 small faults (docs/performance.md:
	 * 0.25 s more in the kernel at 50,000 guests, nothing gained at 10,000).
	 */
	c->size = size;
	c->used = CHUNK_HEAD;
	return c;
}

/* A spare block with room for @n bytes, zeroed again and unlinked; or NULL. */
static struct arena_chunk *spare_take(struct arena *a, size_t n)
{
	for (struct arena_chunk **pp = &a->spare; *pp; pp = &(*pp)->next) {
		struct arena_chunk *c = *pp;

		if (c->size - CHUNK_HEAD < n)
			continue;
		*pp = c->next;
		memset((char *)c + CHUNK_HEAD, 0, c->used - CHUNK_HEAD);
		c->used = CHUNK_HEAD;
		return c;
	}
	return NULL;
}

void arena_recycle(struct arena *to, struct arena *from)
{
	struct arena_chunk *c, *next;

	for (int list = 0; list < 2; list++) {
		for (c = list ? from->spare : from->chunks; c; c = next) {
			next = c->next;
			c->next = to->spare;
			to->spare = c;
		}
	}
	from->chunks = from->spare = NULL;
	from->used = from->total = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->chunks;
	void *p;

	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (n > SIZE_MAX / 4)
		die_oom();
	if (!c || c->size - c->used < n) {
		size_t size = a->grow ? a->grow * 2 : ARENA_FIRST;
		struct arena_chunk *fresh = a->spare ? spare_take(a, n) : NULL;

		if (size > ARENA_MAX)
			size = ARENA_MAX;
		if (!fresh && n + 64 > size / 2) {
			/* A big block gets a mapping of its own, behind the current chunk
			 * so that chunk's free tail stays in use. */
			struct arena_chunk *big = chunk_map(n + 64);

			if (c) {
				big->next = c->next;
				c->next = big;
			} else {
				a->chunks = big;
			}
			p = (char *)big + big->used;
			big->used += n;
			a->total += big->size;
			a->used += n;
			return p;
		}
		if (!fresh) {
			fresh = chunk_map(size);
			a->grow = size;
		}
		fresh->next = a->chunks;
		a->chunks = c = fresh;
		a->total += c->size;
	}
	p = (char *)c + c->used;
	c->used += n;
	a->used += n;
	return p;
}

struct arena_mark arena_mark(const struct arena *a)
{
	struct arena_mark m = { a->chunks, a->chunks ? a->chunks->used : 0, a->used };

	return m;
}

void arena_rewind(struct arena *a, const struct arena_mark *m)
{
	while (a->chunks != m->chunk) {
		struct arena_chunk *c = a->chunks;

		a->chunks = c->next;
		a->total -= c->size;
		c->next = a->spare;     /* spare_take() zeroes it again */
		a->spare = c;
	}
	if (m->chunk) {
		memset((char *)m->chunk + m->chunk_used, 0, m->chunk->used - m->chunk_used);
		m->chunk->used = m->chunk_used;
	}
	a->used = m->used;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;

	/* Formatted in the arena's scratch buffer, which stays allocated: no
	 * malloc and free a string. */
	if (!a->scratch.buf)
		strbuf_init(&a->scratch);
	strbuf_reset(&a->scratch);
	va_start(ap, fmt);
	strbuf_vaddf(&a->scratch, fmt, ap);
	va_end(ap);
	return arena_strndup(a, a->scratch.buf, a->scratch.len);
}

/* ---- vec ---- */

void vec_reserve(struct arena *a, struct vec *v, size_t n)
{
	void **items;

	if (n <= v->cap)
		return;
	if (n > SIZE_MAX / sizeof(*items))
		die_oom();
	items = arena_alloc(a, n * sizeof(*items));
	if (v->len)
		memcpy(items, v->items, v->len * sizeof(*items));
	v->items = items;
	v->cap = n;
}

void vec_push(struct arena *a, struct vec *v, void *item)
{
	if (v->len == v->cap)
		vec_reserve(a, v, v->cap ? v->cap * 2 : 4);
	v->items[v->len++] = item;
}

/* ---- strbuf ---- */

void strbuf_init(struct strbuf *sb)
{
	sb->cap = 256;
	sb->len = 0;
	sb->sink = NULL;
	sb->buf = xmalloc(sb->cap);
	sb->buf[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->buf[0] = '\0';
}

void strbuf_grow(struct strbuf *sb, size_t n)
{
	if (sb->cap - sb->len > n)
		return;
	while (sb->cap - sb->len <= n) {
		if (sb->cap > SIZE_MAX / 2)
			die_oom();
		sb->cap *= 2;
	}
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	strbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

int fd_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The buffer's text to the sink, if it has one. */
void strbuf_flush(struct strbuf *sb)
{
	if (!sb->sink)
		return;
	if (!sb->sink->err)
		sb->sink->err = fd_write_all(sb->sink->fd, sb->buf, sb->len);
	strbuf_reset(sb);
}

void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t n)
{
	strbuf_grow(sb, n);
	memmove(sb->buf + pos + n, sb->buf + pos, sb->len - pos + 1);
	memcpy(sb->buf + pos, data, n);
	sb->len += n;
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_add_ull(struct strbuf *sb, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_add(sb, tmp + i, sizeof(tmp) - i);
}

void strbuf_add_ll(struct strbuf *sb, long long v)
{
	if (v < 0) {
		strbuf_addc(sb, '-');
		strbuf_add_ull(sb, 0ULL - (unsigned long long)v);
	} else {
		strbuf_add_ull(sb, (unsigned long long)v);
	}
}

/* printf's own formatting, for what the fast path below does not know. */
static void strbuf_vaddf_libc(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, aq);
	va_end(aq);
	if (n < 0)
		die_oom();
	if ((size_t)n >= sb->cap - sb->len) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

static void add_hex(struct strbuf *sb, unsigned long long v, int width)
{
	char tmp[24];
	int i = (int)sizeof(tmp);

	do {
		tmp[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while ((int)sizeof(tmp) - i < width)
		tmp[--i] = '0';
	strbuf_add(sb, tmp + i, sizeof(tmp) - (size_t)i);
}

/*
 * The conversions netc's backends and messages use — %s %c %d %u %ld %lu
 * %lld %llu %zu %% and %0Nx — formatted here: vfprintf was a fifth of
 * writing a big lab script.  Anything else goes to vsnprintf, from the
 * start of this call.
 */
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	size_t start = sb->len;
	va_list orig;

	va_copy(orig, ap);
	for (const char *f = fmt; *f;) {
		const char *pct = strchr(f, '%');
		int width = 0, longs = 0;

		if (!pct) {
			strbuf_adds(sb, f);
			break;
		}
		strbuf_add(sb, f, (size_t)(pct - f));
		f = pct + 1;
		if (*f == '0')
			for (f++; *f >= '0' && *f <= '9'; f++)
				width = width * 10 + (*f - '0');
		for (; *f == 'l' && longs < 2; f++)
			longs++;
		if (*f == 'z' && !longs && !width && f[1] == 'u') {
			strbuf_add_ull(sb, va_arg(ap, size_t));
			f += 2;
			continue;
		}
		if (width && *f != 'x')
			goto fallback;
		switch (*f) {
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (longs)
				goto fallback;
			strbuf_adds(sb, str ? str : "(null)");      /* as glibc prints it */
			break;
		}
		case 'c':
			if (longs)
				goto fallback;
			strbuf_addc(sb, (char)va_arg(ap, int));
			break;
		case '%':
			if (longs)
				goto fallback;
			strbuf_addc(sb, '%');
			break;
		case 'd':
			strbuf_add_ll(sb, longs == 2 ? va_arg(ap, long long)
				      : longs ? va_arg(ap, long) : va_arg(ap, int));
			break;
		case 'u':
			strbuf_add_ull(sb, longs == 2 ? va_arg(ap, unsigned long long)
				       : longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned));
			break;
		case 'x':
			add_hex(sb, longs == 2 ? va_arg(ap, unsigned long long)
				: longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), width);
			break;
		default:
			goto fallback;
		}
		f++;
	}
	va_end(orig);
	return;
fallback:
	sb->len = start;
	sb->buf[start] = '\0';
	strbuf_vaddf_libc(sb, fmt, orig);
	va_end(orig);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_indent(struct strbuf *sb, int n)
{
	if (n <= 0)
		return;
	strbuf_grow(sb, (size_t)n);
	memset(sb->buf + sb->len, ' ', (size_t)n);
	sb->len += (size_t)n;
	sb->buf[sb->len] = '\0';
}

/* ---- strmap ---- */

/* FNV-1a: keys are short interface and domain names; distribution is ample. */
uint32_t strmap_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct strmap_slot *strmap_find(const struct strmap *m, const char *key,
				       size_t len, uint32_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];

		netc_work_counter++;
		if (!s->key)
			return s;
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

/* Room for @n keys within the load factor (3/4): the table's capacity. */
static size_t strmap_cap_for(size_t n)
{
	size_t cap = 16;

	while ((n + 1) * 4 > cap * 3) {
		if (cap > SIZE_MAX / 2 / sizeof(struct strmap_slot))
			die_oom();
		cap *= 2;
	}
	return cap;
}

static void strmap_resize(struct strmap *m, size_t cap)
{
	struct strmap old = *m;

	m->cap = cap;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < old.cap; i++) {
		struct strmap_slot *s = &old.slots[i];

		if (s->key)
			*strmap_find(m, s->key, s->len, s->hash) = *s;
	}
	free(old.slots);
}

void strmap_reserve(struct strmap *m, size_t n)
{
	size_t cap = strmap_cap_for(n);

	if (cap > m->cap)
		strmap_resize(m, cap);
}

/* Room for one more key. */
static void strmap_grow(struct strmap *m, size_t len)
{
	if (len > UINT32_MAX)
		die_oom();      /* no key comes near: inputs stop at NETC_MAX_INPUT */
	if ((m->count + 1) * 4 > m->cap * 3)
		strmap_resize(m, m->cap ? m->cap * 2 : 16);
}

void *strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint32_t h)
{
	if (!m->cap)
		return NULL;
	return strmap_find(m, key, len, h)->value;
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	return m->cap ? strmap_get_hashed(m, key, len, strmap_hash(key, len)) : NULL;
}

/* @key's slot, claimed for it (value NULL) if it had none; @fresh says which. */
static struct strmap_slot *strmap_claim(struct strmap *m, const char *key, size_t len, uint32_t h,
					bool *fresh)
{
	struct strmap_slot *s;

	strmap_grow(m, len);
	s = strmap_find(m, key, len, h);
	*fresh = !s->key;
	if (*fresh) {
		s->key = key;
		s->len = (uint32_t)len;
		s->hash = h;
		s->value = NULL;
		m->count++;
	}
	return s;
}

static void *strmap_put_hashed(struct strmap *m, const char *key, size_t len, uint32_t h,
			       void *value)
{
	bool fresh;
	struct strmap_slot *s = strmap_claim(m, key, len, h, &fresh);

	if (!fresh)
		return s->value;
	s->value = value;
	return NULL;
}

void *strmap_put(struct strmap *m, const char *key, size_t len, void *value)
{
	return strmap_put_hashed(m, key, len, strmap_hash(key, len), value);
}

void **strmap_ref_hashed(struct strmap *m, const char *key, size_t len, uint32_t h)
{
	bool fresh;

	return &strmap_claim(m, key, len, h, &fresh)->value;
}

void **strmap_ref(struct strmap *m, const char *key, size_t len)
{
	return strmap_ref_hashed(m, key, len, strmap_hash(key, len));
}

/* ---- strings ---- */

bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

bool mem_has_byte(const char *s, size_t n, unsigned char c)
{
	return memchr(s, c, n) != NULL;
}

int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Levenshtein distance, giving up (returning cap + 1) beyond cap. */
unsigned edit_distance(const char *a, const char *b, unsigned cap)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[65];

	if (la > 64 || lb > 64)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0], best;

		row[0] = (unsigned)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned v = diag + (a[i - 1] != b[j - 1]);

			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (up + 1 < v)
				v = up + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

/* Length of the valid UTF-8 sequence at @s (1-4), or 0 if invalid. */
size_t utf8_char_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

