/* SPDX-License-Identifier: MIT */
/*
 * AST → IR, driven by tables of {key, type, offset} in the manner of
 * netplan's parser: an unknown key is reported at its own node with a
 * did-you-mean, a wrong type at its value, a duplicate at its second
 * occurrence with a note at the first.  Value forms (names, MACs, addresses,
 * rates) are validated here, once for both syntaxes; relations between
 * values are checks.c's work.
 */
#include "compile.h"
#include "netaddr.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

struct schema {
	struct compilation *c;
	struct diag_ctx *d;
	struct arena *a;
	struct ir_topology *t;
};

enum ftype {
	F_INT,        /* struct ir_int, [min, max] */
	F_BOOL,       /* struct ir_bool */
	F_STR,        /* struct ir_str, any string without NUL */
	F_IFNAME,     /* struct ir_str, an interface name */
	F_NAME,       /* struct ir_str, a domain or host name */
	F_ENUM,       /* struct ir_str, one of @values */
	F_CUSTOM,     /* @read does the work */
};

/*
 * @of: where the value goes when not in the map's own struct: @offset (and
 * @read's obj) are then into of(s, obj).
 */
struct field {
	const char *key;
	enum ftype type;
	size_t offset;
	long long min, max;
	const char *const *values;
	void (*read)(struct schema *s, const struct ast_entry *e, void *obj);
	void *(*of)(struct schema *s, void *obj);
};

#define FIELD_COUNT_MAX 16

#define FIELD(k, t, st, m) { .key = (k), .type = (t), .offset = offsetof(st, m) }
#define FIELD_INT(k, st, m, lo, hi) \
	{ .key = (k), .type = F_INT, .offset = offsetof(st, m), .min = (lo), .max = (hi) }
#define FIELD_ENUM(k, st, m, v) \
	{ .key = (k), .type = F_ENUM, .offset = offsetof(st, m), .values = (v) }
#define FIELD_CUSTOM(k, fn) { .key = (k), .type = F_CUSTOM, .read = (fn) }

/* ---- describing values in messages ---- */

static const char *describe(struct schema *s, const struct ast_node *n)
{
	switch (n->kind) {
	case AST_NULL:
		return "null";
	case AST_MAP:
		return "a map";
	case AST_LIST:
		return "a list";
	case AST_SCALAR:
		break;
	}
	return arena_printf(s->a, "'%s'", diag_quote(s->a, n->text, n->len));
}

static const struct srcpos *value_pos(const struct ast_entry *e)
{
	return srcpos_valid(&e->value->pos) ? &e->value->pos : &e->key_pos;
}

static void type_error(struct schema *s, const struct ast_entry *e, const char *expect)
{
	diag_report(s->d, CHECK_TYPE, value_pos(e), "'%s' must be %s, not %s",
		    diag_quote(s->a, e->spelling, strlen(e->spelling)), expect,
		    describe(s, e->value));
}

/* ---- scalars ---- */

enum int_parse {
	INT_OK,
	INT_NOT,
	INT_OVERFLOW,
};

/* Decimal integers, as the YAML 1.2 core schema and netc bare words write them. */
static enum int_parse parse_int(const char *p, size_t len, long long *out)
{
	bool neg = false;
	unsigned long long v = 0;
	bool overflow = false;
	size_t i = 0;

	if (len && (p[0] == '-' || p[0] == '+')) {
		neg = p[0] == '-';
		i = 1;
	}
	if (i == len)
		return INT_NOT;
	for (; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return INT_NOT;
		if (v > (ULLONG_MAX - 9) / 10)
			overflow = true;
		else
			v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (overflow || v > (unsigned long long)LLONG_MAX)
		return INT_OVERFLOW;
	*out = neg ? -(long long)v : (long long)v;
	return INT_OK;
}

static bool is_bool_word(const struct ast_node *n, bool *v)
{
	return n->kind == AST_SCALAR && !n->quoted && ast_plain_is_bool(n->text, n->len, v);
}

static bool read_int(struct schema *s, const struct ast_entry *e, long long min, long long max,
		     struct ir_int *out)
{
	const struct ast_node *n = e->value;
	long long v = 0;
	enum int_parse r = INT_NOT;

	if (n->kind == AST_SCALAR && !n->quoted)
		r = parse_int(n->text, n->len, &v);
	if (r == INT_NOT) {
		type_error(s, e, "an integer");
		return false;
	}
	if (r == INT_OVERFLOW || v < min || v > max) {
		diag_report(s->d, CHECK_RANGE, value_pos(e), "'%s' must be between %lld and %lld, not %s",
			    e->spelling, min, max, diag_quote(s->a, n->text, n->len));
		return false;
	}
	out->v = v;
	out->set = true;
	out->pos = n->pos;
	return true;
}

static bool read_string(struct schema *s, const struct ast_entry *e, struct ir_str *out)
{
	const struct ast_node *n = e->value;

	if (n->kind != AST_SCALAR) {
		type_error(s, e, "a string");
		return false;
	}
	if (mem_has_byte(n->text, n->len, 0)) {
		diag_report(s->d, CHECK_VALUE, value_pos(e), "'%s' holds a NUL byte", e->spelling);
		return false;
	}
	out->s = n->text;
	out->len = n->len;
	out->pos = n->pos;
	return true;
}

static bool charset_ok(const char *p, size_t len, const char *extra)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || (ch && strchr(extra, ch))))
			return false;
	}
	return true;
}

/* "network name", or "'uplink' value": built only when a message needs it. */
static const char *label(struct schema *s, const char *what, const char *key)
{
	return key ? arena_printf(s->a, "'%s' value", key) : what;
}

/* Interface names: what the kernel's dev_valid_name() and iproute2 accept,
 * narrowed to a set that needs no quoting in sh or xl.  @what names the
 * value in messages, or @key does ("'uplink' value"). */
static bool check_ifname(struct schema *s, const char *p, size_t len, const struct srcpos *pos,
			 const char *what, const char *key)
{
	if (len == 0 || len > 15) {
		diag_report(s->d, CHECK_INTERFACE_NAME, pos,
			    "%s '%s' is %zu bytes; interface names are 1-15 bytes", label(s, what, key),
			    diag_quote(s->a, p, len), len);
		return false;
	}
	if (!charset_ok(p, len, "_.-")) {
		diag_report(s->d, CHECK_INTERFACE_NAME, pos,
			    "%s '%s' has a character outside [A-Za-z0-9_.-]", label(s, what, key),
			    diag_quote(s->a, p, len));
		return false;
	}
	if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
		diag_report(s->d, CHECK_INTERFACE_NAME, pos, "%s may not be '%s'", label(s, what, key),
			    diag_quote(s->a, p, len));
		return false;
	}
	return true;
}

static bool check_name(struct schema *s, const char *p, size_t len, const struct srcpos *pos,
		       const char *what, const char *key)
{
	if (len == 0 || len > 64) {
		diag_report(s->d, CHECK_NAME, pos, "%s '%s' is %zu bytes; names are 1-64 bytes",
			    label(s, what, key), diag_quote(s->a, p, len), len);
		return false;
	}
	if (!charset_ok(p, len, "_.-")) {
		diag_report(s->d, CHECK_NAME, pos, "%s '%s' has a character outside [A-Za-z0-9_.-]",
			    label(s, what, key), diag_quote(s->a, p, len));
		return false;
	}
	return true;
}

static void read_field(struct schema *s, const struct field *f, const struct ast_entry *e,
		       void *obj)
{
	void *p;
	struct ir_str *str;
	bool b;

	if (f->of)
		obj = f->of(s, obj);
	p = (char *)obj + f->offset;
	str = p;

	switch (f->type) {
	case F_INT:
		read_int(s, e, f->min, f->max, p);
		break;
	case F_BOOL:
		if (!is_bool_word(e->value, &b)) {
			type_error(s, e, "true or false");
			break;
		}
		((struct ir_bool *)p)->v = b;
		((struct ir_bool *)p)->set = true;
		((struct ir_bool *)p)->pos = e->value->pos;
		break;
	case F_STR:
		read_string(s, e, str);
		break;
	case F_IFNAME:
		if (read_string(s, e, str) &&
		    !check_ifname(s, str->s, str->len, &str->pos, NULL, e->spelling))
			str->s = NULL;
		break;
	case F_NAME:
		if (read_string(s, e, str) &&
		    !check_name(s, str->s, str->len, &str->pos, NULL, e->spelling))
			str->s = NULL;
		break;
	case F_ENUM:
		if (!read_string(s, e, str))
			break;
		for (const char *const *v = f->values; *v; v++)
			if (strlen(*v) == str->len && memcmp(*v, str->s, str->len) == 0)
				return;
		{
			struct strbuf sb;

			strbuf_init(&sb);
			for (const char *const *v = f->values; *v; v++)
				strbuf_addf(&sb, "%s%s", v == f->values ? "" : v[1] ? ", " : " or ", *v);
			diag_report(s->d, CHECK_VALUE, &str->pos, "unknown %s '%s'; expected %s",
				    e->spelling, diag_quote(s->a, str->s, str->len), sb.buf);
			strbuf_free(&sb);
			diag_suggest(s->d, &str->pos, arena_strndup(s->a, str->s, str->len), f->values);
			str->s = NULL;
		}
		break;
	case F_CUSTOM:
		f->read(s, e, obj);
		break;
	}
}

/*
 * Read @map's entries against @fields into @obj.  @kind and @name name the
 * map in messages ("network 'xenbr0'"; @name may be NULL).
 */
static void read_fields(struct schema *s, const struct ast_node *map, const struct field *fields,
			size_t nfields, void *obj, const char *kind, const char *name)
{
	const struct ast_entry *seen[FIELD_COUNT_MAX] = { 0 };
	const char *names[FIELD_COUNT_MAX + 1];

	for (size_t i = 0; i < nfields; i++)
		names[i] = fields[i].key;
	names[nfields] = NULL;
	for (const struct ast_entry *e = map->entries; e; e = e->next) {
		size_t i;

		/* Keys end in NUL: the first byte rules out most fields. */
		for (i = 0; i < nfields; i++)
			if (fields[i].key[0] == e->key[0] && strlen(fields[i].key) == e->key_len &&
			    memcmp(fields[i].key, e->key, e->key_len) == 0)
				break;
		if (i == nfields) {
			const char *k = diag_quote(s->a, e->spelling, strlen(e->spelling));

			diag_report(s->d, CHECK_UNKNOWN_KEY, &e->key_pos, "unknown key '%s' in %s", k,
				    name ? arena_printf(s->a, "%s '%s'", kind, name) : kind);
			diag_suggest(s->d, &e->key_pos, arena_strndup(s->a, e->key, e->key_len), names);
			continue;
		}
		if (seen[i]) {
			diag_report(s->d, CHECK_DUPLICATE_KEY, &e->key_pos, "key '%s' appears twice in %s",
				    e->spelling, name ? arena_printf(s->a, "%s '%s'", kind, name) : kind);
			diag_note(s->d, &seen[i]->key_pos, "first given here");
			continue;
		}
		seen[i] = e;
		read_field(s, &fields[i], e, obj);
	}
}

static bool want_map(struct schema *s, const struct ast_entry *e, bool null_ok)
{
	if (e->value->kind == AST_MAP || (null_ok && e->value->kind == AST_NULL))
		return true;
	type_error(s, e, "a map");
	return false;
}

/*
 * Iterate a map of named items (networks, domains, hosts, NICs, xl keys):
 * the first of two equal names wins, the second is a duplicate-key error.
 */
/* Every named item's struct starts with its struct ir_str name, so a strmap
 * value also tells where the first definition was. */
#define NAMED_FIRST_POS(item) (&((struct ir_str *)(item))->pos)

typedef void *(*named_reader)(struct schema *s, const struct ast_entry *e, void *parent);

static void read_named_entry(struct schema *s, const struct ast_entry *e, struct strmap *index,
			     const char *kind, named_reader fn, void *parent)
{
	void *first = strmap_get(index, e->key, e->key_len);
	void *item;

	if (first) {
		diag_report(s->d, CHECK_DUPLICATE_KEY, &e->key_pos, "%s '%s' is defined twice",
			    kind, diag_quote(s->a, e->key, e->key_len));
		diag_note(s->d, NAMED_FIRST_POS(first), "first defined here");
		return;
	}
	item = fn(s, e, parent);
	if (item)
		strmap_put(index, e->key, e->key_len, item);
}

static void read_named(struct schema *s, const struct ast_entry *outer, struct strmap *index,
		       const char *kind, named_reader fn, void *parent)
{
	if (!want_map(s, outer, true))
		return;
	strmap_reserve(index, index->count + outer->value->count);
	for (const struct ast_entry *e = outer->value->entries; e; e = e->next)
		read_named_entry(s, e, index, kind, fn, parent);
}

/* ---- vifs ---- */

static const char *const vif_types[] = { "vif", "ioemu", NULL };

/* The MAC Linux's netback gives every backend vif, so that no bridge takes
 * it for its own (and vif-bridge sets it again). */
static const uint8_t netback_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

static void read_vif_mac(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_vif *v = obj;

	if (!read_string(s, e, &v->mac_s))
		return;
	if (v->mac_s.len == 6 && memcmp(v->mac_s.s, "random", 6) == 0) {
		v->mac_source = MAC_RANDOM;
		return;
	}
	if (!mac_parse(v->mac_s.s, v->mac_s.len, v->mac)) {
		diag_report(s->d, CHECK_MAC, &v->mac_s.pos,
			    "invalid MAC '%s'; expected six hex octets like 00:16:3e:00:00:01, or 'random'",
			    diag_quote(s->a, v->mac_s.s, v->mac_s.len));
	} else if (v->mac[0] & 1) {
		diag_report(s->d, CHECK_MAC, &v->mac_s.pos,
			    "MAC '%s' is a multicast address (the first octet is odd)",
			    diag_quote(s->a, v->mac_s.s, v->mac_s.len));
	} else if (!(v->mac[0] | v->mac[1] | v->mac[2] | v->mac[3] | v->mac[4] | v->mac[5])) {
		diag_report(s->d, CHECK_MAC, &v->mac_s.pos, "MAC '%s' is all zeros",
			    diag_quote(s->a, v->mac_s.s, v->mac_s.len));
	} else if (memcmp(v->mac, netback_mac, 6) == 0) {
		diag_report(s->d, CHECK_NETBACK_MAC, &v->mac_s.pos,
			    "MAC '%s' is the one netback gives every backend vif (fe:ff:ff:ff:ff:ff): "
			    "the guest's would clash with its own backend's",
			    diag_quote(s->a, v->mac_s.s, v->mac_s.len));
	} else {
		v->mac_source = MAC_EXPLICIT;
		return;
	}
	v->mac_s.s = NULL;      /* reported; derive one so later checks stay quiet */
}

/* The vif's struct ir_vif_more, made when the first of its keys is read. */
static void *vif_more(struct schema *s, void *obj)
{
	struct ir_vif *v = obj;

	if (v->more == &ir_vif_none)
		v->more = arena_new(s->a, struct ir_vif_more);
	return (void *)v->more;
}

/*
 * One address of a vif's ip, with or without a prefix.  An IPv6 one parses
 * (family 6) without a word here: only checks know the network, and so
 * what to say about it (vif-route routes IPv4 only).
 */
static bool read_vif_ip_item(struct schema *s, const struct ast_node *n, const char *key,
			     struct ir_vif_ip *out)
{
	if (n->kind != AST_SCALAR) {
		diag_report(s->d, CHECK_TYPE, &n->pos, "an item of '%s' must be an address, not %s",
			    key, describe(s, n));
		return false;
	}
	out->s.s = n->text;
	out->s.len = n->len;
	out->s.pos = n->pos;
	if (mem_has_byte(n->text, n->len, 0) || !cidr_parse(n->text, n->len, &out->cidr)) {
		diag_report(s->d, CHECK_ADDRESS, &n->pos,
			    "invalid IPv4 address '%s' in '%s'; expected e.g. 10.0.5.7 or 10.0.5.0/24",
			    diag_quote(s->a, n->text, n->len), key);
		out->cidr.addr.family = 0;
		return false;
	}
	return true;
}

/* ip: an IPv4 address, optionally with the network's prefix; or (route
 * vifs, which checks.c makes sure of) a list of IPv4 addresses and
 * prefixes, the first the guest's own. */
static void read_vif_ip(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_vif *v = obj;
	struct ip_cidr cidr;

	if (e->value->kind == AST_LIST) {
		struct ir_vif_more *m = vif_more(s, v);
		const struct ir_vif_ip *first;

		m->ip_list = true;
		m->ips_pos = e->value->pos;
		if (!e->value->items) {
			diag_report(s->d, CHECK_ADDRESS, value_pos(e),
				    "'ip' is an empty list; give the guest's own address first");
			return;
		}
		for (const struct ast_node *it = e->value->items; it; it = it->next) {
			struct ir_vif_ip *ip = arena_new(s->a, struct ir_vif_ip);

			read_vif_ip_item(s, it, e->spelling, ip);
			vec_push(s->a, &m->ips, ip);
		}
		first = m->ips.items[0];
		if (!first->s.s)
			return;
		v->ip_s = first->s;
		v->ip = first->cidr.addr;
		v->ip_prefix = first->cidr.prefix;
		v->has_ip = first->cidr.addr.family == 4;
		return;
	}
	if (e->value->kind != AST_SCALAR) {
		type_error(s, e, "an address or a list of addresses");
		return;
	}
	if (!read_string(s, e, &v->ip_s))
		return;
	if (!cidr_parse(v->ip_s.s, v->ip_s.len, &cidr)) {
		diag_report(s->d, CHECK_ADDRESS, &v->ip_s.pos,
			    "invalid IPv4 address '%s'; expected e.g. 10.0.1.10 or 10.0.1.10/24",
			    diag_quote(s->a, v->ip_s.s, v->ip_s.len));
		return;
	}
	v->ip = cidr.addr;
	v->ip_prefix = cidr.prefix;
	v->has_ip = cidr.addr.family == 4;
}

/* A decimal in [1, UINT32_MAX] without leading zeros, as xl's
 * xlu_vif_parse_rate takes it (it parses with strtoull base 0, so a leading
 * zero would silently mean octal). */
static bool rate_number(const char *p, size_t len, size_t *i, uint64_t *out)
{
	size_t start = *i;
	uint64_t v = 0;

	if (*i >= len || p[*i] < '1' || p[*i] > '9')
		return false;
	for (; *i < len && p[*i] >= '0' && p[*i] <= '9'; (*i)++) {
		if (*i - start >= 10)
			return false;
		v = v * 10 + (uint64_t)(p[*i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = v;
	return true;
}

/* xl's rate syntax (xl-network-configuration(5)): RATE/s or RATE/s@INTERVAL,
 * RATE a number with optional K/M/G and B (bytes) or b (bits), INTERVAL a
 * number with s, ms or us (default 50ms), within the bounds xl itself
 * checks: no zero, nothing past 32 bits, and bytes per interval within 64.
 * @bps and @usecs get what xlu_vif_parse_rate makes of it: bytes per
 * second (bits divided by 8 after the K/M/G) and the interval. */
static bool rate_parse(const char *p, size_t len, uint64_t *bps, uint64_t *usecs)
{
	uint64_t n, bytes;
	size_t i = 0;

	*usecs = 50000;
	if (!rate_number(p, len, &i, &n))
		return false;
	bytes = n;
	if (i < len && strchr("KMG", p[i]))
		bytes *= p[i++] == 'K' ? 1000 : p[i - 1] == 'M' ? 1000000 : 1000000000;
	if (i >= len || (p[i] != 'B' && p[i] != 'b'))
		return false;
	if (p[i++] == 'b')
		bytes /= 8;
	if (len - i < 2 || p[i] != '/' || p[i + 1] != 's')
		return false;
	i += 2;
	if (i < len) {
		if (p[i++] != '@' || !rate_number(p, len, &i, usecs))
			return false;
		if (len - i == 1 && p[i] == 's')
			*usecs *= 1000000;
		else if (len - i == 2 && p[i + 1] == 's' && p[i] == 'm')
			*usecs *= 1000;
		else if (!(len - i == 2 && p[i + 1] == 's' && p[i] == 'u'))
			return false;
		if (*usecs > UINT32_MAX)
			return false;
	}
	*bps = bytes;
	return !bytes || bytes <= UINT64_MAX / *usecs;
}

/* An interval in xl's units: the largest that says it exactly. */
static const char *interval_text(struct schema *s, uint64_t usecs)
{
	if (usecs % 1000000 == 0)
		return arena_printf(s->a, "%llus", (unsigned long long)(usecs / 1000000));
	if (usecs % 1000 == 0)
		return arena_printf(s->a, "%llums", (unsigned long long)(usecs / 1000));
	return arena_printf(s->a, "%lluus", (unsigned long long)usecs);
}

/*
 * netback gives a vif the bytes per interval xl makes of its rate as
 * credit, and holds a frame until the credit covers it: at 0 bytes (1b/s)
 * no frame ever leaves, below one 1500-byte frame each waits for several
 * intervals' credit.  xl's parser takes both, so this is netc's check.
 */
enum { RATE_FRAME = 1500 };

static void check_rate_interval(struct schema *s, const struct ir_str *rate, uint64_t bps,
				uint64_t usecs)
{
	uint64_t per = bps * usecs / 1000000, need;
	const char *at = memchr(rate->s, '@', rate->len), *sug;
	size_t head = at ? (size_t)(at - rate->s) : rate->len;

	if (per >= RATE_FRAME)
		return;
	diag_report(s->d, CHECK_RATE_INTERVAL, &rate->pos,
		    "rate '%s' gives %llu bytes per %s interval, less than one %d-byte frame",
		    diag_quote(s->a, rate->s, rate->len), (unsigned long long)per,
		    interval_text(s, usecs), RATE_FRAME);
	if (bps == 0) {
		diag_note(s->d, &rate->pos, "xl rounds it down to 0 bytes per second: raise the rate");
		return;
	}
	need = ((uint64_t)RATE_FRAME * 1000000 + bps - 1) / bps;
	if (need >= 1000000)
		need = (need + 999999) / 1000000 * 1000000;
	else if (need >= 1000)
		need = (need + 999) / 1000 * 1000;
	if (need > UINT32_MAX) {
		diag_note(s->d, &rate->pos, "no interval xl takes (at most 4294967295us) is long enough: raise the rate");
		return;
	}
	sug = arena_printf(s->a, "%.*s@%s", (int)head, rate->s, interval_text(s, need));
	diag_note(s->d, &rate->pos, "a longer interval lets a frame through, e.g. '%s'",
		  diag_quote(s->a, sug, strlen(sug)));
}

static void read_vif_rate(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_vif_more *m = obj;
	uint64_t bps, usecs;

	if (!read_string(s, e, &m->rate))
		return;
	if (!rate_parse(m->rate.s, m->rate.len, &bps, &usecs)) {
		diag_report(s->d, CHECK_VALUE, &m->rate.pos,
			    "invalid rate '%s'; expected e.g. 10Mb/s or 1MB/s@20ms (numbers 1-4294967295, no leading zeros)",
			    diag_quote(s->a, m->rate.s, m->rate.len));
		m->rate.s = NULL;
		return;
	}
	check_rate_interval(s, &m->rate, bps, usecs);
}

static void read_word_value(struct schema *s, const struct ast_entry *e, struct ir_str *out,
			    const char *extra, const char *what)
{
	if (read_string(s, e, out) && (out->len == 0 || out->len > 255 ||
				       !charset_ok(out->s, out->len, extra))) {
		diag_report(s->d, CHECK_VALUE, &out->pos, "invalid %s '%s'; expected 1-255 of %s",
			    e->spelling, diag_quote(s->a, out->s, out->len), what);
		out->s = NULL;
	}
}

static void read_vif_model(struct schema *s, const struct ast_entry *e, void *obj)
{
	read_word_value(s, e, &((struct ir_vif_more *)obj)->model, "_.-", "[A-Za-z0-9_.-]");
}

static void read_vif_script(struct schema *s, const struct ast_entry *e, void *obj)
{
	read_word_value(s, e, &((struct ir_vif_more *)obj)->script, "_.-/", "[A-Za-z0-9_./-]");
}

/*
 * A backend name is an interface name, and more: Xen's hotplug scripts take
 * it apart.  set_mtu (xen-network-common.sh) reads NAME as vifDOMID.DEVID —
 * strips "vif", splits at the last '.' — and writes the MTU to
 * /local/domain/DOMID/device/vif/DEVID: a name with a '.' sends it to a
 * wrong path, with two an invalid one and the hotplug fails; one like
 * "vif3.0" sends it to domain 3's frontend, whose own backend Xen also
 * names vif3.0.
 */
static void read_vif_name(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_vif *v = obj;
	struct ir_str *n = &v->name;
	const char *what;

	if (!read_string(s, e, n))
		return;
	if (!check_ifname(s, n->s, n->len, &n->pos, NULL, e->spelling)) {
		n->s = NULL;
		return;
	}
	what = diag_quote(s->a, n->s, n->len);
	if (ir_vifname_reserved(n->s, n->len)) {
		diag_report(s->d, CHECK_VIFNAME_RESERVED, &n->pos,
			    "backend name '%s' of vif %u of domain '%s' starts with 'vif' and a digit, "
			    "like the names Xen gives other domains' vifs (vifDOMID.DEVID)",
			    what, v->devid, v->domain->name.s);
		n->s = NULL;
	} else if (memchr(n->s, '.', n->len)) {
		diag_report(s->d, CHECK_VIFNAME_DOT, &n->pos,
			    "backend name '%s' of vif %u of domain '%s' has a '.': Xen's set_mtu splits "
			    "it there into a domain id and devid for a xenstore path; use '-' instead",
			    what, v->devid, v->domain->name.s);
		n->s = NULL;
	}
}

static const struct field vif_fields[] = {
	FIELD("network", F_STR, struct ir_vif, network),
	FIELD_CUSTOM("mac", read_vif_mac),
	FIELD_CUSTOM("ip", read_vif_ip),
	FIELD_CUSTOM("name", read_vif_name),
	{ .key = "rate", .type = F_CUSTOM, .read = read_vif_rate, .of = vif_more },
	{ .key = "mtu", .type = F_INT, .offset = offsetof(struct ir_vif_more, mtu), .min = 68,
	  .max = 65535, .of = vif_more },
	{ .key = "model", .type = F_CUSTOM, .read = read_vif_model, .of = vif_more },
	{ .key = "type", .type = F_ENUM, .offset = offsetof(struct ir_vif_more, type),
	  .values = vif_types, .of = vif_more },
	{ .key = "script", .type = F_CUSTOM, .read = read_vif_script, .of = vif_more },
	{ .key = "backend", .type = F_NAME, .offset = offsetof(struct ir_vif_more, backend),
	  .of = vif_more },
	{ .key = "antispoof", .type = F_BOOL, .offset = offsetof(struct ir_vif_more, antispoof),
	  .of = vif_more },
};

/* ---- xl passthrough ---- */

static struct ir_xl_value *xl_scalar(struct schema *s, const struct ast_node *n,
				     const struct ast_entry *e)
{
	struct ir_xl_value *v = arena_new(s->a, struct ir_xl_value);
	long long i;

	v->pos = n->pos;
	if (n->kind != AST_SCALAR) {
		diag_report(s->d, CHECK_TYPE, srcpos_valid(&n->pos) ? &n->pos : &e->key_pos,
			    "xl value of '%s' must be a string, number, boolean or a list of them, not %s",
			    diag_quote(s->a, e->key, e->key_len), describe(s, n));
		return NULL;
	}
	if (!n->quoted && is_bool_word(n, &v->b)) {
		v->kind = XL_BOOL;
	} else if (!n->quoted && parse_int(n->text, n->len, &i) == INT_OK) {
		v->kind = XL_INT;
		v->i = i;
	} else {
		if (mem_has_byte(n->text, n->len, 0)) {
			diag_report(s->d, CHECK_VALUE, &n->pos, "xl value of '%s' holds a NUL byte",
				    diag_quote(s->a, e->key, e->key_len));
			return NULL;
		}
		v->kind = XL_STRING;
	}
	v->s = n->text;
	v->len = n->len;
	return v;
}

/* What xl's config lexer takes as a key: [a-z][a-z0-9_]*. */
static bool xl_key_ok(const char *p, size_t len)
{
	if (len == 0 || len > 64 || p[0] < 'a' || p[0] > 'z')
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

static void *read_xl_entry(struct schema *s, const struct ast_entry *e, void *parent)
{
	static const struct {
		const char *key, *why;
	} owned[] = {
		{ "name", "the domain's name is its key under domains" },
		{ "vif", "netc writes vif from the domain's vifs" },
		{ "type", "use the domain's type (pv, pvh, hvm)" },
		{ "builder", "use the domain's type (pv, pvh, hvm)" },
	};
	struct ir_domain *d = parent;
	struct ir_xl *x;
	const struct ast_node *n = e->value;

	if (!xl_key_ok(e->key, e->key_len)) {
		diag_report(s->d, CHECK_VALUE, &e->key_pos,
			    "xl key '%s' is not an xl config key ([a-z][a-z0-9_]*, at most 64 bytes)",
			    diag_quote(s->a, e->key, e->key_len));
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(owned); i++) {
		if (strcmp(e->key, owned[i].key) == 0) {
			diag_report(s->d, CHECK_VALUE, &e->key_pos,
				    "xl key '%s' is netc's own: %s", owned[i].key, owned[i].why);
			return NULL;
		}
	}
	x = arena_new(s->a, struct ir_xl);
	x->key.s = e->key;
	x->key.len = e->key_len;
	x->key.pos = e->key_pos;
	if (n->kind == AST_LIST) {
		x->value = arena_new(s->a, struct ir_xl_value);
		x->value->kind = XL_LIST;
		x->value->pos = n->pos;
		for (const struct ast_node *it = n->items; it; it = it->next) {
			struct ir_xl_value *v = xl_scalar(s, it, e);

			if (!v)
				return NULL;
			vec_push(s->a, &x->value->items, v);
		}
	} else {
		x->value = xl_scalar(s, n, e);
		if (!x->value)
			return NULL;
	}
	vec_push(s->a, &d->xl, x);
	return x;
}

/* ---- domains ---- */

static const char *const dom_types[] = { "pv", "pvh", "hvm", NULL };

static void read_domain_vifs(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_domain *d = obj;
	if (e->value->kind != AST_LIST) {
		type_error(s, e, "a list of vifs");
		return;
	}
	d->vifs_set = true;
	for (const struct ast_node *n = e->value->items; n; n = n->next) {
		struct ir_vif *v = arena_new(&s->c->vifs, struct ir_vif);

		v->pos = n->pos;
		v->domain = d;
		v->devid = (unsigned)d->vifs.len;
		v->ip_prefix = -1;
		v->more = &ir_vif_none;
		vec_push(s->a, &d->vifs, v);
		vec_push(s->a, &s->t->vifs, v);
		if (n->kind != AST_MAP) {
			diag_report(s->d, CHECK_TYPE, &n->pos, "a vif must be a map, not %s",
				    describe(s, n));
			continue;
		}
		read_fields(s, n, vif_fields, ARRAY_SIZE(vif_fields), v, "a vif of domain", d->name.s);
	}
}

static void read_domain_xl(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_domain *d = obj;
	struct strmap seen;

	d->xl_set = true;
	strmap_init(&seen);
	read_named(s, e, &seen, "xl key", read_xl_entry, d);
	strmap_free(&seen);
}

/*
 * id: netc 0.1 named the domain's backends vifID.DEVID from it, but xl cannot
 * choose a domain's id, and such names clash with the names Xen gives the
 * vifs of the domains that really get those ids.  Still read (and range
 * checked, and printed back) so that old topologies compile, but it does
 * nothing.
 */
static void read_domain_id(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_domain *d = obj;

	diag_report(s->d, CHECK_OBSOLETE_ID, &e->key_pos,
		    "'id' is obsolete and does nothing: xl cannot choose a domain's id, so netc "
		    "no longer names backends vifID.DEVID after it; remove it");
	read_int(s, e, 1, 32751, &d->id);
}

static const struct field domain_fields[] = {
	FIELD_CUSTOM("id", read_domain_id),
	FIELD("host", F_NAME, struct ir_domain, host_s),
	FIELD_ENUM("type", struct ir_domain, type_s, dom_types),
	FIELD_CUSTOM("vifs", read_domain_vifs),
	FIELD_CUSTOM("xl", read_domain_xl),
};

static void *read_domain(struct schema *s, const struct ast_entry *e, void *parent)
{
	struct ir_domain *d;

	if (!check_name(s, e->key, e->key_len, &e->key_pos, "domain name", NULL))
		return NULL;
	d = arena_new(s->a, struct ir_domain);
	d->name.s = e->key;
	d->name.len = e->key_len;
	d->name.pos = e->key_pos;
	d->pos = e->key_pos;
	if (!want_map(s, e, true))
		return NULL;
	if (e->value->kind == AST_MAP)
		read_fields(s, e->value, domain_fields, ARRAY_SIZE(domain_fields), d, "domain",
			    d->name.s);
	d->type = DOM_PV;
	for (int i = 0; d->type_s.s && dom_types[i]; i++)
		if (strlen(dom_types[i]) == d->type_s.len && memcmp(dom_types[i], d->type_s.s, d->type_s.len) == 0)
			d->type = (enum dom_type)i;
	d->index = s->t->domains.len;
	vec_push(s->a, &s->t->domains, d);
	return d;
}

/* ---- networks ---- */

static const char *const modes[] = { "bridge", "isolated", "nat", "route", NULL };

static void read_net_address(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_network *n = obj;
	struct ip_addr netaddr, last;

	if (!read_string(s, e, &n->address))
		return;
	if (!cidr_parse(n->address.s, n->address.len, &n->cidr) || n->cidr.prefix < 0) {
		diag_report(s->d, CHECK_ADDRESS, &n->address.pos,
			    "invalid address '%s'; expected dom0's address with a prefix, e.g. 10.0.1.1/24",
			    diag_quote(s->a, n->address.s, n->address.len));
		return;
	}
	netaddr = ip_network(&n->cidr.addr, n->cidr.prefix);
	last = ip_last(&n->cidr.addr, n->cidr.prefix);
	if (n->cidr.prefix < ip_bits(&n->cidr.addr) - 1 &&
	    (ip_equal(&n->cidr.addr, &netaddr) ||
	     (n->cidr.addr.family == 4 && ip_equal(&n->cidr.addr, &last)))) {
		diag_report(s->d, CHECK_ADDRESS, &n->address.pos,
			    "address '%s' is the subnet's %s address; dom0 needs a host address in it",
			    diag_quote(s->a, n->address.s, n->address.len),
			    ip_equal(&n->cidr.addr, &netaddr) ? "network" : "broadcast");
		return;
	}
	n->has_cidr = true;
}

static bool parse_range(const char *p, size_t len, struct ip_addr *first, struct ip_addr *last)
{
	const char *dash = memchr(p, '-', len);

	return dash && ip_parse(p, (size_t)(dash - p), first) && first->family == 4 &&
	       ip_parse(dash + 1, len - (size_t)(dash - p) - 1, last) && last->family == 4;
}

static void read_dhcp_range(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_dhcp *dh = obj;

	if (!read_string(s, e, &dh->range))
		return;
	if (!parse_range(dh->range.s, dh->range.len, &dh->first, &dh->last)) {
		diag_report(s->d, CHECK_VALUE, &dh->range.pos,
			    "invalid DHCP range '%s'; expected FIRST-LAST, e.g. 10.0.1.100-10.0.1.200",
			    diag_quote(s->a, dh->range.s, dh->range.len));
		return;
	}
	dh->valid = true;
}

/* Seconds: dnsmasq reads a lease time into an int, and raises anything
 * under two minutes to two minutes, so a shorter lease would not be what
 * the guests get. */
#define DHCP_LEASE_MIN 120
#define DHCP_LEASE_MAX 2147483647LL

static void read_dhcp_lease(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_dhcp *dh = obj;
	struct ir_int v = { 0 };

	if (!read_int(s, e, LLONG_MIN, LLONG_MAX, &v))
		return;
	if (v.v < DHCP_LEASE_MIN) {
		diag_report(s->d, CHECK_RANGE, &v.pos,
			    "DHCP 'lease' must be at least %d seconds, not %lld: dnsmasq would "
			    "raise it to 2 minutes", DHCP_LEASE_MIN, v.v);
		return;
	}
	if (v.v > DHCP_LEASE_MAX) {
		diag_report(s->d, CHECK_RANGE, &v.pos, "'lease' must be between %d and %lld, not %lld",
			    DHCP_LEASE_MIN, DHCP_LEASE_MAX, v.v);
		return;
	}
	dh->lease = v;
}

/* dns: self, or a list of IPv4 addresses (DHCP's option 6 carries IPv4). */
static void read_dhcp_dns(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_dhcp *dh = obj;
	const struct ast_node *n = e->value;

	if (n->kind == AST_SCALAR && n->len == 4 && memcmp(n->text, "self", 4) == 0) {
		dh->dns_set = dh->dns_self = true;
		dh->dns_pos = e->key_pos;
		dh->dns_self_s = (struct ir_str){ n->text, n->len, n->pos };
		return;
	}
	if (n->kind != AST_LIST) {
		type_error(s, e, "'self' or a list of IPv4 addresses");
		return;
	}
	if (!n->items) {
		diag_report(s->d, CHECK_VALUE, value_pos(e),
			    "'dns' is an empty list; name at least one server, or leave the key out");
		return;
	}
	for (const struct ast_node *it = n->items; it; it = it->next) {
		struct ir_dns *d = arena_new(s->a, struct ir_dns);

		if (it->kind != AST_SCALAR) {
			diag_report(s->d, CHECK_TYPE, &it->pos,
				    "a DNS server must be an IPv4 address, not %s", describe(s, it));
			return;
		}
		if (it->len == 4 && memcmp(it->text, "self", 4) == 0) {
			diag_report(s->d, CHECK_VALUE, &it->pos,
				    "'self' is not a server address: write 'dns: self' (not in a list) to "
				    "have dom0's dnsmasq answer");
			return;
		}
		if (!ip_parse(it->text, it->len, &d->addr) || d->addr.family != 4) {
			diag_report(s->d, CHECK_ADDRESS, &it->pos,
				    "invalid DNS server '%s'; expected an IPv4 address like 192.0.2.53 "
				    "(DHCP hands out IPv4 servers only)",
				    diag_quote(s->a, it->text, it->len));
			return;
		}
		d->s = (struct ir_str){ it->text, it->len, it->pos };
		vec_push(s->a, &dh->dns, d);
	}
	dh->dns_set = true;
	dh->dns_pos = e->key_pos;
}

static const struct field dhcp_fields[] = {
	FIELD_CUSTOM("range", read_dhcp_range),
	FIELD_CUSTOM("dns", read_dhcp_dns),
	FIELD_CUSTOM("lease", read_dhcp_lease),
};

static void read_net_dhcp(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_network *n = obj;

	if (!want_map(s, e, false))
		return;
	n->dhcp.set = true;
	n->dhcp.pos = e->key_pos;
	read_fields(s, e->value, dhcp_fields, ARRAY_SIZE(dhcp_fields), &n->dhcp,
		    "the dhcp of network", n->name.s);
	if (!n->dhcp.range.s && !ast_map_find(e->value, "range"))
		diag_report(s->d, CHECK_MISSING_KEY, &e->key_pos,
			    "dhcp of network '%s' needs 'range'", n->name.s);
}

static const struct field vxlan_fields[] = {
	FIELD_INT("vni", struct ir_vxlan, vni, 1, 16777215),
	FIELD_INT("port", struct ir_vxlan, port, 1, 65535),
};

static void read_net_vxlan(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_network *n = obj;

	if (!want_map(s, e, false))
		return;
	n->vxlan.set = true;
	n->vxlan.pos = e->key_pos;
	read_fields(s, e->value, vxlan_fields, ARRAY_SIZE(vxlan_fields), &n->vxlan,
		    "the vxlan of network", n->name.s);
	if (!ast_map_find(e->value, "vni"))
		diag_report(s->d, CHECK_MISSING_KEY, &e->key_pos,
			    "vxlan of network '%s' needs 'vni'", n->name.s);
}

static void read_net_hosts(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_network *n = obj;

	if (e->value->kind != AST_LIST) {
		type_error(s, e, "a list of host names");
		return;
	}
	n->hosts_set = true;
	n->hosts_pos = e->value->pos;
	for (const struct ast_node *it = e->value->items; it; it = it->next) {
		struct ir_str *h = arena_new(s->a, struct ir_str);

		if (it->kind != AST_SCALAR) {
			diag_report(s->d, CHECK_TYPE, &it->pos, "a host name must be a string, not %s",
				    describe(s, it));
			continue;
		}
		if (!check_name(s, it->text, it->len, &it->pos, "host name", NULL))
			continue;
		h->s = it->text;
		h->len = it->len;
		h->pos = it->pos;
		vec_push(s->a, &n->hosts_list, h);
	}
}

static const struct field network_fields[] = {
	FIELD_ENUM("mode", struct ir_network, mode_s, modes),
	FIELD("uplink", F_IFNAME, struct ir_network, uplink),
	FIELD_INT("vlan", struct ir_network, vlan, 1, 4094),
	FIELD_CUSTOM("address", read_net_address),
	FIELD("outbound", F_IFNAME, struct ir_network, outbound.name),
	FIELD_CUSTOM("dhcp", read_net_dhcp),
	FIELD("gatewaydev", F_IFNAME, struct ir_network, gatewaydev.name),
	FIELD_INT("mtu", struct ir_network, mtu, 68, 65535),
	FIELD("stp", F_BOOL, struct ir_network, stp),
	FIELD_INT("forward-delay", struct ir_network, forward_delay, 2, 30),
	FIELD_CUSTOM("hosts", read_net_hosts),
	FIELD_CUSTOM("vxlan", read_net_vxlan),
};

static void *read_network(struct schema *s, const struct ast_entry *e, void *parent)
{
	struct ir_network *n;

	if (!check_ifname(s, e->key, e->key_len, &e->key_pos, "network name", NULL))
		return NULL;
	n = arena_new(s->a, struct ir_network);
	n->name.s = e->key;
	n->name.len = e->key_len;
	n->name.pos = e->key_pos;
	n->pos = e->key_pos;
	if (!want_map(s, e, true))
		return NULL;
	if (e->value->kind == AST_MAP)
		read_fields(s, e->value, network_fields, ARRAY_SIZE(network_fields), n, "network",
			    n->name.s);
	n->mode = MODE_BRIDGE;
	for (int i = 0; n->mode_s.s && modes[i]; i++)
		if (strlen(modes[i]) == n->mode_s.len && memcmp(modes[i], n->mode_s.s, n->mode_s.len) == 0)
			n->mode = (enum net_mode)i;
	n->index = s->t->networks.len;
	vec_push(s->a, &s->t->networks, n);
	return n;
}

/* ---- hosts ---- */

/* A NIC's address: a CIDR, or null. */
static void read_nic_address(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_nic *nic = obj;

	if (e->value->kind == AST_NULL)
		return;
	if (!read_string(s, e, &nic->address))
		return;
	if (!cidr_parse(nic->address.s, nic->address.len, &nic->cidr) || nic->cidr.prefix < 0) {
		diag_report(s->d, CHECK_ADDRESS, &nic->address.pos,
			    "invalid address '%s' for NIC '%s'; expected CIDR like 192.0.2.10/24, or null",
			    diag_quote(s->a, nic->address.s, nic->address.len), nic->name.s);
		nic->address.s = NULL;
		return;
	}
	nic->has_cidr = true;
}

static void read_nic_gateway(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_nic *nic = obj;

	if (!read_string(s, e, &nic->gateway_s))
		return;
	if (!ip_parse(nic->gateway_s.s, nic->gateway_s.len, &nic->gateway)) {
		diag_report(s->d, CHECK_NIC_GATEWAY, &nic->gateway_s.pos,
			    "invalid gateway '%s' for NIC '%s'; expected an IPv4 or IPv6 address like 192.0.2.1",
			    diag_quote(s->a, nic->gateway_s.s, nic->gateway_s.len), nic->name.s);
		return;
	}
	nic->has_gateway = true;
}

/* dns: a list of IPv4 or IPv6 addresses, each once. */
static void read_nic_dns(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_nic *nic = obj;
	const struct ast_node *n = e->value;
	const struct ir_dns *o, *first;

	nic->dns_set = true;
	nic->dns_pos = e->key_pos;
	if (n->kind != AST_LIST) {
		type_error(s, e, "a list of IP addresses");
		return;
	}
	if (!n->items)
		diag_report(s->d, CHECK_NIC_DNS, value_pos(e),
			    "'dns' of NIC '%s' is an empty list; name at least one server, or leave the key out",
			    nic->name.s);
	for (const struct ast_node *it = n->items; it; it = it->next) {
		struct ir_dns *d = arena_new(s->a, struct ir_dns);

		if (it->kind != AST_SCALAR) {
			diag_report(s->d, CHECK_TYPE, &it->pos,
				    "a DNS server must be an IP address, not %s", describe(s, it));
			continue;
		}
		if (!ip_parse(it->text, it->len, &d->addr)) {
			diag_report(s->d, CHECK_NIC_DNS, &it->pos,
				    "invalid DNS server '%s' for NIC '%s'; expected an IPv4 or IPv6 address like 192.0.2.53",
				    diag_quote(s->a, it->text, it->len), nic->name.s);
			continue;
		}
		d->s = (struct ir_str){ it->text, it->len, it->pos };
		first = NULL;
		IR_FOREACH(const struct ir_dns *, o, &nic->dns)
			if (!first && ip_equal(&o->addr, &d->addr))
				first = o;
		if (first) {
			diag_report(s->d, CHECK_NIC_DNS, &it->pos,
				    "DNS server '%s' of NIC '%s' is listed twice",
				    diag_quote(s->a, it->text, it->len), nic->name.s);
			diag_note(s->d, &first->s.pos, "first listed here");
			continue;
		}
		vec_push(s->a, &nic->dns, d);
	}
}

static const struct field nic_fields[] = {
	FIELD_CUSTOM("address", read_nic_address),
	FIELD_CUSTOM("gateway", read_nic_gateway),
	FIELD_CUSTOM("dns", read_nic_dns),
};

/* Is @a an IPv6 link-local address (fe80::/10)?  A router's usual one. */
static bool ip6_link_local(const struct ip_addr *a)
{
	return a->family == 6 && a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/*
 * The map form's gateway and dns go with the address: netc gives the bridge
 * the address and the default route through the gateway together (recipe
 * (b) of docs/host-script.md).  @had_address: an address was written (an
 * invalid one is reported already).
 */
static void check_nic_map(struct schema *s, struct ir_nic *nic, bool had_address)
{
	const struct ip_addr *g = &nic->gateway;
	const char *gs;
	char buf[64];

	if (!nic->has_cidr && !had_address) {
		if (nic->gateway_s.s)
			diag_report(s->d, CHECK_NIC_GATEWAY, &nic->gateway_s.pos,
				    "NIC '%s' has a gateway but no address; give it its address "
				    "(address: CIDR) or leave the gateway out", nic->name.s);
		if (nic->dns_set)
			diag_report(s->d, CHECK_NIC_DNS, &nic->dns_pos,
				    "NIC '%s' has dns servers but no address; give it its address "
				    "(address: CIDR) or leave dns out", nic->name.s);
		return;
	}
	if (!nic->has_cidr || !nic->has_gateway)
		return;
	gs = diag_quote(s->a, nic->gateway_s.s, nic->gateway_s.len);
	if (g->family != nic->cidr.addr.family) {
		diag_report(s->d, CHECK_NIC_GATEWAY, &nic->gateway_s.pos,
			    "gateway '%s' of NIC '%s' is IPv%d, its address %s IPv%d", gs,
			    nic->name.s, g->family, cidr_format(&nic->cidr, buf),
			    nic->cidr.addr.family);
		return;
	}
	if (ip_equal(g, &nic->cidr.addr)) {
		diag_report(s->d, CHECK_NIC_GATEWAY, &nic->gateway_s.pos,
			    "gateway '%s' of NIC '%s' is the NIC's own address", gs, nic->name.s);
		return;
	}
	if (ip6_link_local(g))
		return;
	if (!ip_in_subnet(g, &nic->cidr.addr, nic->cidr.prefix)) {
		struct ip_cidr net = { ip_network(&nic->cidr.addr, nic->cidr.prefix), nic->cidr.prefix };

		diag_report(s->d, CHECK_NIC_GATEWAY, &nic->gateway_s.pos,
			    "gateway '%s' of NIC '%s' is outside its subnet %s", gs, nic->name.s,
			    cidr_format(&net, buf));
		diag_note(s->d, &nic->address.pos, "the address of NIC '%s' is set here", nic->name.s);
		return;
	}
	if (nic->cidr.prefix < ip_bits(g) - 1) {
		struct ip_addr net = ip_network(&nic->cidr.addr, nic->cidr.prefix);
		struct ip_addr last = ip_last(&nic->cidr.addr, nic->cidr.prefix);

		if (ip_equal(g, &net) || (g->family == 4 && ip_equal(g, &last)))
			diag_report(s->d, CHECK_NIC_GATEWAY, &nic->gateway_s.pos,
				    "gateway '%s' of NIC '%s' is the subnet's %s address", gs,
				    nic->name.s, ip_equal(g, &net) ? "network" : "broadcast");
	}
}

/*
 * A NIC: its address (a CIDR, or null), or a map of address, gateway and
 * dns (docs/language.md).
 */
static void *read_nic(struct schema *s, const struct ast_entry *e, void *parent)
{
	struct ir_host *h = parent;
	struct ir_nic *nic;

	if (!check_ifname(s, e->key, e->key_len, &e->key_pos, "NIC name", NULL))
		return NULL;
	nic = arena_new(s->a, struct ir_nic);
	nic->name.s = e->key;
	nic->name.len = e->key_len;
	nic->name.pos = e->key_pos;
	nic->declared = true;
	if (e->value->kind == AST_MAP) {
		const struct ast_entry *ae = ast_map_find(e->value, "address");

		read_fields(s, e->value, nic_fields, ARRAY_SIZE(nic_fields), nic, "NIC", nic->name.s);
		check_nic_map(s, nic, ae && ae->value->kind != AST_NULL);
		nic->assign = nic->has_cidr;
	} else if (e->value->kind == AST_LIST) {
		type_error(s, e, "an address (CIDR), null or a map");
		return NULL;
	} else {
		read_nic_address(s, e, nic);
	}
	vec_push(s->a, &h->nics, nic);
	return nic;
}

static void read_host_nics(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_host *h = obj;

	read_named(s, e, &h->nic_by_name, "NIC", read_nic, h);
}

static void read_host_address(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_host *h = obj;

	if (!read_string(s, e, &h->address))
		return;
	if (!ip_parse(h->address.s, h->address.len, &h->underlay)) {
		diag_report(s->d, CHECK_ADDRESS, &h->address.pos,
			    "invalid underlay address '%s'; expected an IPv4 or IPv6 address",
			    diag_quote(s->a, h->address.s, h->address.len));
		return;
	}
	h->has_underlay = true;
}

static const struct field host_fields[] = {
	FIELD_CUSTOM("nics", read_host_nics),
	FIELD_CUSTOM("address", read_host_address),
};

static void *read_host(struct schema *s, const struct ast_entry *e, void *parent)
{
	struct ir_host *h;

	if (!check_name(s, e->key, e->key_len, &e->key_pos, "host name", NULL))
		return NULL;
	h = arena_new(s->a, struct ir_host);
	h->name.s = e->key;
	h->name.len = e->key_len;
	h->name.pos = e->key_pos;
	if (!want_map(s, e, true))
		return NULL;
	if (e->value->kind == AST_MAP)
		read_fields(s, e->value, host_fields, ARRAY_SIZE(host_fields), h, "host", h->name.s);
	h->index = s->t->hosts.len;
	vec_push(s->a, &s->t->hosts, h);
	return h;
}

/* ---- top level ---- */

static void read_version(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_topology *t = obj;

	if (!read_int(s, e, LLONG_MIN, LLONG_MAX, &t->version))
		return;
	if (t->version.v != 1)
		diag_report(s->d, CHECK_VERSION, &t->version.pos,
			    "unsupported version %lld; this netc reads version 1", t->version.v);
}

static void read_mac_prefix(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_topology *t = obj;
	struct ir_str *p = &t->mac_prefix_s;
	uint8_t m[6];
	char buf[18];

	if (!read_string(s, e, p))
		return;
	if (p->len == 5 && memcmp(p->s, "local", 5) == 0) {
		t->mac_local = true;
		return;
	}
	if (p->len == 8 && p->len < sizeof(buf) - 9) {
		memcpy(buf, p->s, 8);
		memcpy(buf + 8, ":00:00:00", 10);
		if (mac_parse(buf, 17, m) && !(m[0] & 1)) {
			memcpy(t->mac_prefix, m, 3);
			if (memcmp(m, netback_mac, 3) == 0)
				diag_report(s->d, CHECK_NETBACK_MAC, &p->pos,
					    "mac-prefix '%s' could derive fe:ff:ff:ff:ff:ff, the MAC netback "
					    "gives every backend vif; choose another prefix",
					    diag_quote(s->a, p->s, p->len));
			return;
		}
	}
	diag_report(s->d, CHECK_VALUE, &p->pos,
		    "invalid mac-prefix '%s'; expected three unicast octets like 00:16:3e, or 'local'",
		    diag_quote(s->a, p->s, p->len));
	p->s = NULL;
}

/* A per-site value that enters every derived MAC (docs/xl.md): what a
 * host name or a site's label is made of, so it needs no quoting. */
static void read_mac_seed(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_topology *t = obj;
	struct ir_str *seed = &t->mac_seed;

	if (!read_string(s, e, seed))
		return;
	if (seed->len == 0 || seed->len > 64 || !charset_ok(seed->s, seed->len, "_.:-")) {
		diag_report(s->d, CHECK_VALUE, &seed->pos,
			    "invalid mac-seed '%s'; expected 1-64 of [A-Za-z0-9_.:-], a value of "
			    "this site's own, e.g. dc1.example.org",
			    diag_quote(s->a, seed->s, seed->len));
		seed->s = NULL;
	}
}

static const struct field defaults_fields[] = {
	FIELD_CUSTOM("mac-prefix", read_mac_prefix),
	FIELD_CUSTOM("mac-seed", read_mac_seed),
	FIELD("network", F_STR, struct ir_topology, default_network_s),
};

static void read_defaults(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_topology *t = obj;

	if (!want_map(s, e, false))
		return;
	t->defaults_set = true;
	t->defaults_pos = e->key_pos;
	read_fields(s, e->value, defaults_fields, ARRAY_SIZE(defaults_fields), t, "defaults", NULL);
}

static void read_hosts(struct schema *s, const struct ast_entry *e, void *obj)
{
	struct ir_topology *t = obj;

	/* An empty hosts map means what no hosts map means: the implicit dom0. */
	t->hosts_set = e->value->kind == AST_MAP && e->value->count > 0;
	read_named(s, e, &t->host_by_name, "host", read_host, NULL);
}

static void read_networks(struct schema *s, const struct ast_entry *e, void *obj)
{
	read_named(s, e, &((struct ir_topology *)obj)->net_by_name, "network", read_network, NULL);
}

/* When the reader streamed the domains (compile.h), their map is empty here. */
static void read_domains(struct schema *s, const struct ast_entry *e, void *obj)
{
	read_named(s, e, &((struct ir_topology *)obj)->dom_by_name, "domain", read_domain, NULL);
}

static const struct field top_fields[] = {
	FIELD_CUSTOM("version", read_version),
	FIELD_CUSTOM("defaults", read_defaults),
	FIELD_CUSTOM("hosts", read_hosts),
	FIELD_CUSTOM("networks", read_networks),
	FIELD_CUSTOM("domains", read_domains),
};

void schema_begin(struct compilation *c)
{
	struct ir_topology *t = arena_new(&c->arena, struct ir_topology);

	memcpy(t->mac_prefix, "\x00\x16\x3e", 3);
	c->ir = t;
}

void schema_domain(struct compilation *c, const struct ast_entry *e)
{
	struct schema s = { c, &c->diag, &c->arena, c->ir };

	read_named_entry(&s, e, &c->ir->dom_by_name, "domain", read_domain, NULL);
}

struct ir_topology *schema_build(struct compilation *c, const struct ast_node *root)
{
	struct schema s = { c, &c->diag, &c->arena, NULL };
	struct ir_topology *t;
	struct srcpos start = { 1, 1, 1, 1 };

	if (!c->ir)
		schema_begin(c);
	s.t = t = c->ir;
	if (root->kind == AST_NULL ||
	    (root->kind == AST_MAP && root->count == 0)) {
		diag_report(s.d, CHECK_MISSING_KEY, &start,
			    "the topology is empty; it needs at least 'version: 1' (netc: 'version 1;')");
		return t;
	}
	if (root->kind != AST_MAP) {
		diag_report(s.d, CHECK_TYPE, &root->pos, "a topology must be a map, not %s",
			    describe(&s, root));
		return t;
	}
	read_fields(&s, root, top_fields, ARRAY_SIZE(top_fields), t, "the topology", NULL);
	if (!ast_map_find(root, "version"))
		diag_report(s.d, CHECK_MISSING_KEY, &start, "missing key 'version' (it must be 1)");
	return t;
}
