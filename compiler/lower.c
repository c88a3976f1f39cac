/* SPDX-License-Identifier: MIT */
/*
 * Lowering: resolve every default and reference, derive MACs and backend
 * names.  It reports nothing about references it cannot resolve — it leaves
 * them unresolved (NULL, IFACE_UNKNOWN) and checks.c reports them — except
 * what derivation itself finds (mac-collision, mac-seed-collision,
 * name-collision).
 */
#include "compile.h"
#include "sha256.h"

#include <stdlib.h>
#include <string.h>

static struct ir_nic *nic_add(struct arena *a, struct ir_host *h, const struct ir_str *name)
{
	struct ir_nic *nic = arena_new(a, struct ir_nic);

	nic->name = *name;
	vec_push(a, &h->nics, nic);
	strmap_put(&h->nic_by_name, name->s, name->len, nic);
	return nic;
}

static void lower_hosts(struct compilation *c, struct ir_topology *t)
{
	struct ir_host *h;

	if (t->hosts_set)
		return;
	h = arena_new(&c->arena, struct ir_host);
	h->name.s = "dom0";
	h->name.len = 4;
	h->implicit = true;
	h->index = t->hosts.len;        /* per-host arrays are indexed by it */
	vec_push(&c->arena, &t->hosts, h);
	strmap_put(&t->host_by_name, h->name.s, h->name.len, h);
}

static void lower_network_hosts(struct compilation *c, struct ir_topology *t)
{
	struct ir_network *n;
	struct ir_host *h;
	const struct ir_str *hs;

	IR_FOREACH(struct ir_network *, n, &t->networks) {
		if (!n->hosts_set) {
			IR_FOREACH(struct ir_host *, h, &t->hosts)
				vec_push(&c->arena, &n->on_hosts, h);
		} else {
			IR_FOREACH(const struct ir_str *, hs, &n->hosts_list) {
				h = strmap_get(&t->host_by_name, hs->s, hs->len);
				if (h && !ir_network_on_host(n, h))
					vec_push(&c->arena, &n->on_hosts, h);
			}
		}
		IR_FOREACH(struct ir_host *, h, &n->on_hosts)
			vec_push(&c->arena, &h->networks, n);
	}
}

static void lower_domain_hosts(struct compilation *c, struct ir_topology *t)
{
	struct ir_domain *d;

	IR_FOREACH(struct ir_domain *, d, &t->domains) {
		if (d->host_s.s)
			d->host = strmap_get(&t->host_by_name, d->host_s.s, d->host_s.len);
		else if (t->hosts.len == 1)
			d->host = t->hosts.items[0];
		if (d->host) {
			vec_push(&c->arena, &d->host->domains, d);
			d->host->nvifs += d->vifs.len;
		}
	}
}

/*
 * Uplinks: the port each bridge enslaves, and which NIC a bridge takes over.
 * The implicit host has no nics map: an uplink declares its NIC.
 */
static void lower_uplinks(struct compilation *c, struct ir_topology *t)
{
	struct ir_network *n;
	struct ir_host *h;

	IR_FOREACH(struct ir_network *, n, &t->networks) {
		if (n->vxlan.set && n->vxlan.vni.set)
			n->vxlan_dev = arena_printf(&c->arena, "vxlan%lld", n->vxlan.vni.v);
		if (!n->uplink.s || n->mode != MODE_BRIDGE)
			continue;
		n->port = n->vlan.set ? arena_printf(&c->arena, "%s.%lld", n->uplink.s, n->vlan.v)
				      : n->uplink.s;
		IR_FOREACH(struct ir_host *, h, &n->on_hosts) {
			struct ir_nic *nic = strmap_get(&h->nic_by_name, n->uplink.s, n->uplink.len);

			if (!nic && h->implicit)
				nic = nic_add(&c->arena, h, &n->uplink);
			if (nic && !n->vlan.set && !nic->enslaved_by)
				nic->enslaved_by = n;
		}
	}
}

static void lower_ifref(struct compilation *c, struct ir_topology *t, struct ir_network *n,
			struct ir_ifref *r)
{
	struct ir_network *br;
	struct ir_host *h;

	if (!r->name.s)
		return;
	br = strmap_get(&t->net_by_name, r->name.s, r->name.len);
	if (br && net_mode_has_bridge(br->mode)) {
		r->kind = IFACE_BRIDGE;
		r->bridge = br;
		return;
	}
	r->kind = IFACE_NIC;
	IR_FOREACH(struct ir_host *, h, &n->on_hosts) {
		if (!h->implicit || strmap_get(&h->nic_by_name, r->name.s, r->name.len))
			continue;
		nic_add(&c->arena, h, &r->name);
		r->inferred = true;
	}
}

static void lower_ifrefs(struct compilation *c, struct ir_topology *t)
{
	struct ir_network *n;

	IR_FOREACH(struct ir_network *, n, &t->networks) {
		if (n->mode == MODE_NAT)
			lower_ifref(c, t, n, &n->outbound);
		if (n->mode == MODE_ROUTE)
			lower_ifref(c, t, n, &n->gatewaydev);
	}
}

/* The address dom0 holds on interface @name of host @h, if netc knows it. */
static bool host_iface_address(const struct ir_topology *t, const struct ir_host *h,
			       const struct ir_str *name, struct ip_cidr *out)
{
	const struct ir_network *br = strmap_get(&t->net_by_name, name->s, name->len);
	const struct ir_nic *nic;

	if (br && net_mode_has_bridge(br->mode)) {
		if (br->has_cidr) {
			*out = br->cidr;
			return true;
		}
		if (!br->port || br->vlan.set)
			return false;
		name = &br->uplink;
	}
	nic = strmap_get(&h->nic_by_name, name->s, name->len);
	if (!nic || !nic->has_cidr)
		return false;
	*out = nic->cidr;
	return true;
}

/* Subnet and gateway of each network: its address, else its uplink's address
 * on the first host that declares one, else (route) gatewaydev's address. */
static void lower_subnets(struct ir_topology *t)
{
	struct ir_network *n;
	struct ir_host *h;
	struct ip_cidr cidr;

	IR_FOREACH(struct ir_network *, n, &t->networks) {
		bool found = false;

		if (n->has_cidr) {
			cidr = n->cidr;
			found = true;
		} else if (n->mode == MODE_BRIDGE && n->port && !n->vlan.set) {
			IR_FOREACH(struct ir_host *, h, &n->on_hosts)
				if (!found && host_iface_address(t, h, &n->uplink, &cidr))
					found = true;
		} else if (n->mode == MODE_ROUTE && n->gatewaydev.name.s) {
			IR_FOREACH(struct ir_host *, h, &n->on_hosts)
				if (!found && host_iface_address(t, h, &n->gatewaydev.name, &cidr))
					found = true;
			/* Routed guests are /32s: gateway only, no subnet to stay inside. */
			if (found)
				n->gateway = cidr.addr;
			continue;
		}
		if (!found || cidr.prefix < 0)
			continue;
		n->has_subnet = true;
		n->subnet_prefix = cidr.prefix;
		n->subnet = ip_network(&cidr.addr, cidr.prefix);
		n->gateway = cidr.addr;
	}
}

/* ---- deterministic derivation with collision handling ---- */

/*
 * Derived values (MACs, backend names) come from a hash of (domain name,
 * devid, attempt).  A vif keeps its attempt-0 value unless that value is
 * taken by an explicit one or by a vif earlier in (domain name, devid) order;
 * then it takes the first attempt whose value is neither taken nor anybody's
 * attempt-0 value.  So a vif's value depends only on its own name and devid,
 * except in the rare collision, and never on file order.
 */
struct derive_ops {
	size_t key_len;
	void (*candidate)(const struct ir_topology *t, const struct ir_vif *v, unsigned attempt,
			  char *out);
	void (*assign)(struct ir_vif *v, const char *key);     /* @key outlives @v */
	void (*collided)(struct compilation *c, const struct ir_vif *v, const struct ir_vif *other,
			 const char *was, const char *now);
	/* A value no vif may take (NULL: none is): skipped without a warning. */
	bool (*rejected)(const char *key);
};

static int vif_canonical_cmp(const void *pa, const void *pb)
{
	const struct ir_vif *a = *(const struct ir_vif *const *)pa;
	const struct ir_vif *b = *(const struct ir_vif *const *)pb;
	int r = strcmp(a->domain->name.s, b->domain->name.s);

	if (r)
		return r;
	return a->devid < b->devid ? -1 : a->devid > b->devid;
}

/* Marker value in @taken for names that are not a vif's (NICs, bridges). */
static char derive_claimed;

/* The MAC Linux's netback gives every backend vif (checks: netback-mac). */
static const uint8_t netback_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

#define DERIVE_AHEAD 8

/*
 * The vifs to derive a value for, each with its attempt-0 candidate and
 * that candidate's hash, computed in the pass over every vif that found it
 * (lower_each_vif()): the vif is in the cache then.  Heap arrays, freed by
 * derive_unique().
 */
struct derive_todo {
	struct ir_vif **vifs;
	const char **cand;
	uint32_t *hash;
	size_t len, cap;
};

/* @v's attempt-0 value, which it takes now: derive_unique() gives the few
 * that must yield it another. */
static const char *derive_first(struct compilation *c, struct ir_vif *v,
				const struct derive_ops *ops)
{
	char *key = arena_alloc(&c->arena, ops->key_len + 1);

	ops->candidate(c->ir, v, 0, key);
	ops->assign(v, key);
	return key;
}

/* Room for @cap vifs in all.  lower_each_vif() reserves, from counts, as
 * many MACs as can come, so that todo_add() never grows those arrays (an
 * outgrown heap block can stay resident); the hash names, few, grow. */
static void todo_reserve(struct derive_todo *td, size_t cap)
{
	if (cap <= td->cap)
		return;
	td->cap = cap;
	td->vifs = xrealloc(td->vifs, cap * sizeof(*td->vifs));
	td->cand = xrealloc(td->cand, cap * sizeof(*td->cand));
	td->hash = xrealloc(td->hash, cap * sizeof(*td->hash));
}

static void todo_add(struct compilation *c, struct derive_todo *td, struct ir_vif *v,
		     const struct derive_ops *ops)
{
	const char *key = derive_first(c, v, ops);

	if (td->len == td->cap)
		todo_reserve(td, td->cap ? td->cap * 2 : 64);
	td->vifs[td->len] = v;
	td->cand[td->len] = key;
	td->hash[td->len++] = strmap_hash(key, ops->key_len);
}

static void todo_free(struct derive_todo *td)
{
	free(td->vifs);
	free(td->cand);
	free(td->hash);
	*td = (struct derive_todo){ 0 };
}

/* A vif that did not keep its attempt-0 value @was (@quiet: because it is
 * rejected, which is not a collision to warn about). */
struct derive_loser {
	struct ir_vif *v;
	const char *was;
	bool quiet;
};

static int loser_cmp(const void *pa, const void *pb)
{
	const struct derive_loser *a = pa, *b = pb;

	return vif_canonical_cmp(&a->v, &b->v);
}

/*
 * @todo: the vifs to derive for, each holding its attempt-0 value already,
 * with that value hashed.  @taken: explicit values, key → owning vif (or
 * &derive_claimed).  Pass 1 runs in input order and keeps, for each
 * attempt-0 value, the vif first in canonical order; only the losers —
 * rare — are sorted and assigned again, so the whole costs hashing, not a
 * sort of every vif, and touches no vif that keeps its value.
 *
 * The maps of a big host outgrow the caches, so pass 1 looks the
 * candidates up with the slots of the vifs DERIVE_AHEAD places further
 * already prefetched.
 */
static void derive_unique(struct compilation *c, struct derive_todo *todo, struct strmap *taken,
			  const struct derive_ops *ops)
{
	struct ir_vif **vifs = todo->vifs;
	const char **cand = todo->cand;
	uint32_t *hash = todo->hash;
	size_t n = todo->len;
	const struct ir_topology *t = c->ir;
	struct strmap firsts;           /* attempt-0 value → vif keeping it */
	struct derive_loser *lost = xcalloc(n ? n : 1, sizeof(*lost));
	size_t k = ops->key_len, nlost = 0;

	strmap_init(&firsts);
	strmap_reserve(&firsts, n);
	/* Pass 1: the canonically first vif of each attempt-0 value keeps it;
	 * one it displaces is assigned again in pass 2. */
	for (size_t i = 0; i < n; i++) {
		struct ir_vif **keeper;

		if (i + DERIVE_AHEAD < n) {
			strmap_prefetch(taken, hash[i + DERIVE_AHEAD]);
			strmap_prefetch(&firsts, hash[i + DERIVE_AHEAD]);
		}
		if (ops->rejected && ops->rejected(cand[i])) {
			lost[nlost++] = (struct derive_loser){ vifs[i], cand[i], true };
			continue;
		}
		if (strmap_get_hashed(taken, cand[i], k, hash[i])) {
			lost[nlost++] = (struct derive_loser){ vifs[i], cand[i], false };
			continue;
		}
		keeper = (struct ir_vif **)strmap_ref_hashed(&firsts, cand[i], k, hash[i]);
		if (*keeper && vif_canonical_cmp(&vifs[i], keeper) >= 0) {
			lost[nlost++] = (struct derive_loser){ vifs[i], cand[i], false };
			continue;
		}
		if (*keeper)
			lost[nlost++] = (struct derive_loser){ *keeper, cand[i], false };
		*keeper = vifs[i];
	}
	/* Pass 2: the others, in canonical order, derive again, avoiding every
	 * attempt-0 value and every rejected one. */
	if (nlost > 1)
		qsort(lost, nlost, sizeof(*lost), loser_cmp);
	for (size_t i = 0; i < nlost; i++) {
		struct ir_vif *v = lost[i].v;
		const char *was = lost[i].was;
		const struct ir_vif *other;
		char *next;

		other = strmap_get(taken, was, k);
		if (!other)
			other = strmap_get(&firsts, was, k);
		next = arena_alloc(&c->arena, k + 1);
		for (unsigned attempt = 1;; attempt++) {
			ops->candidate(t, v, attempt, next);
			if (!strmap_get(taken, next, k) && !strmap_get(&firsts, next, k) &&
			    !(ops->rejected && ops->rejected(next)))
				break;
		}
		strmap_put(taken, next, k, v);
		ops->assign(v, next);
		if (!lost[i].quiet)
			ops->collided(c, v, other == (void *)&derive_claimed ? NULL : other, was,
				      next);
	}
	strmap_free(&firsts);
	free(lost);
	todo_free(todo);
}

/* Decimal digits of @v at @out, without a NUL; returns their number. */
static size_t fmt_uint(char *out, unsigned long long v)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out[i++] = tmp[--n];
	return i;
}

static void vif_hash(const char *what, const struct ir_vif *v, unsigned attempt, uint8_t out[32])
{
	struct sha256 s;
	char num[32];

	sha256_init(&s);
	sha256_update(&s, what, strlen(what) + 1);
	sha256_update(&s, v->domain->name.s, v->domain->name.len + 1);
	sha256_update(&s, num, fmt_uint(num, v->devid));
	if (attempt) {
		num[0] = '/';
		sha256_update(&s, num, 1 + fmt_uint(num + 1, attempt));
	}
	sha256_final(&s, out);
}

/* MACs: keys are the six bytes. */
static void mac_candidate(const struct ir_topology *t, const struct ir_vif *v, unsigned attempt,
			  char *out)
{
	uint8_t h[32];
	uint8_t *m = (uint8_t *)out;

	vif_hash("netc-mac", v, attempt, h);
	if (t->mac_local) {
		m[0] = (uint8_t)((h[0] & 0xfc) | 0x02);
		memcpy(m + 1, h + 1, 5);
	} else {
		memcpy(m, t->mac_prefix, 3);
		memcpy(m + 3, h, 3);
	}
}

static void mac_assign(struct ir_vif *v, const char *key)
{
	memcpy(v->mac, key, 6);
}

static const char *vif_label(struct arena *a, const struct ir_vif *v)
{
	return arena_printf(a, "vif %u of domain '%s'", v->devid, v->domain->name.s);
}

static void mac_collided(struct compilation *c, const struct ir_vif *v, const struct ir_vif *other,
			 const char *was, const char *now)
{
	char a[18], b[18];

	mac_format((const uint8_t *)was, a);
	mac_format((const uint8_t *)now, b);
	if (!diag_report(&c->diag, CHECK_MAC_COLLISION, &v->pos,
			 "derived MAC %s of %s collides with %s; using %s", a,
			 vif_label(&c->arena, v),
			 other ? vif_label(&c->arena, other) : "another MAC", b))
		return;
	if (other)
		diag_note(&c->diag, other->mac_source == MAC_EXPLICIT ? &other->mac_s.pos : &other->pos,
			  "%s has MAC %s", vif_label(&c->arena, other), a);
}

static const struct derive_ops mac_ops = { 6, mac_candidate, mac_assign, mac_collided, NULL };

/*
 * With defaults.mac-seed: the prefix and SHA-256("netc-mac-seed" NUL seed
 * NUL domain NUL devid).  Under Xen's 00:16:3e the fourth octet has its top
 * bit set: libxl's and xend's random MACs clear it, so a derived MAC never
 * meets one.  Attempts past 0 only ever suggest a free MAC: a collision is
 * an error, never a silent re-derivation.
 */
static void mac_seed_candidate(const struct ir_topology *t, const struct ir_vif *v,
			       unsigned attempt, char *out)
{
	static const uint8_t xen_oui[3] = { 0x00, 0x16, 0x3e };
	struct sha256 s;
	char num[32];
	uint8_t h[32];
	uint8_t *m = (uint8_t *)out;

	sha256_init(&s);
	sha256_update(&s, "netc-mac-seed", sizeof("netc-mac-seed"));
	sha256_update(&s, t->mac_seed.s, t->mac_seed.len);
	sha256_update(&s, "", 1);
	sha256_update(&s, v->domain->name.s, v->domain->name.len + 1);
	sha256_update(&s, num, fmt_uint(num, v->devid));
	if (attempt) {
		num[0] = '/';
		sha256_update(&s, num, 1 + fmt_uint(num + 1, attempt));
	}
	sha256_final(&s, h);
	if (t->mac_local) {
		m[0] = (uint8_t)((h[0] & 0xfc) | 0x02);
		memcpy(m + 1, h + 1, 5);
		return;
	}
	memcpy(m, t->mac_prefix, 3);
	memcpy(m + 3, h, 3);
	if (memcmp(t->mac_prefix, xen_oui, 3) == 0)
		m[3] |= 0x80;
}

static void mac_seed_collided(struct compilation *c, const struct ir_vif *v,
			      const struct ir_vif *other, const char *was, const char *now)
{
	char a[18], b[18];

	mac_format((const uint8_t *)was, a);
	mac_format((const uint8_t *)now, b);
	if (!diag_report(&c->diag, CHECK_MAC_SEED_COLLISION, &v->pos,
			 "derived MAC %s of %s is also the MAC of %s", a, vif_label(&c->arena, v),
			 other ? vif_label(&c->arena, other) : "another vif"))
		return;
	if (other)
		diag_note(&c->diag,
			  other->mac_source == MAC_EXPLICIT ? &other->mac_s.pos : &other->pos,
			  "%s has MAC %s%s", vif_label(&c->arena, other), a,
			  other->mac_source == MAC_EXPLICIT ? "" : " (derived)");
	diag_note(&c->diag, &v->pos,
		  "give one of them an explicit MAC: 'mac: %s' is free for %s", b,
		  vif_label(&c->arena, v));
}

static const struct derive_ops mac_seed_ops = { 6, mac_seed_candidate, mac_assign,
						mac_seed_collided, NULL };

/*
 * Backend names (vifname=).  Xen's hotplug scripts and the kernel constrain
 * them (docs/xl.md): no '.', not "vif" and a digit, at most 15 bytes (11
 * for hvm: xl names the emulated twin NAME-emu), unique on the host.  A vif
 * without a name gets the readable DOMAIN-DEVID when that is such a name
 * and no device or named vif of its host has it; else the hash form, "v" and
 * ten base-32 digits (50 bits): 11 bytes, so it fits an hvm guest too.
 *
 * Two DOMAIN-DEVID names never collide (DEVID is the digits after the last
 * '-', and domain names are unique), and a hash name, having no '-', never
 * equals one: only the hash names need derive_unique().
 */
#define HASH_NAME_LEN 11

enum { VIFNAME_MAX = 15, VIFNAME_MAX_HVM = VIFNAME_MAX - 4 };

static void name_candidate(const struct ir_topology *t, const struct ir_vif *v, unsigned attempt,
			   char *out)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t h[32];
	uint64_t bits = 0;

	vif_hash("netc-vifname", v, attempt, h);
	for (int i = 0; i < 8; i++)
		bits = bits << 8 | h[i];
	out[0] = 'v';
	for (int i = 1; i < HASH_NAME_LEN; i++) {
		out[i] = digits[bits >> 59];
		bits <<= 5;
	}
	out[HASH_NAME_LEN] = '\0';
}

static void name_assign(struct ir_vif *v, const char *key)
{
	v->backend_name = key;
	v->name_source = VIFNAME_DERIVED;
}

/* "vif2..." is a hash name too (one in about 5,500). */
static bool name_rejected(const char *key)
{
	return ir_vifname_reserved(key, HASH_NAME_LEN);
}

static void name_collided(struct compilation *c, const struct ir_vif *v, const struct ir_vif *other,
			  const char *was, const char *now)
{
	diag_report(&c->diag, CHECK_NAME_COLLISION, &v->pos,
		    "derived backend name '%s' of %s is already taken; using '%s'", was,
		    vif_label(&c->arena, v), now);
	if (other)
		diag_note(&c->diag, other->name.s ? &other->name.pos : &other->pos,
			  "%s is named '%s'", vif_label(&c->arena, other), was);
}

static const struct derive_ops name_ops = { HASH_NAME_LEN, name_candidate, name_assign,
					    name_collided, name_rejected };

/* @v's DOMAIN-DEVID name if that is a valid backend name for it, else NULL. */
static const char *name_readable(struct compilation *c, const struct ir_vif *v)
{
	const struct ir_domain *d = v->domain;
	size_t max = d->type == DOM_HVM ? VIFNAME_MAX_HVM : VIFNAME_MAX;
	char num[24];
	size_t n = fmt_uint(num, v->devid);
	char *out;

	if (d->name.len + 1 + n > max || memchr(d->name.s, '.', d->name.len) ||
	    ir_vifname_reserved(d->name.s, d->name.len))
		return NULL;
	out = arena_alloc(&c->arena, d->name.len + 1 + n + 1);
	memcpy(out, d->name.s, d->name.len);
	out[d->name.len] = '-';
	memcpy(out + d->name.len + 1, num, n);
	out[d->name.len + 1 + n] = '\0';
	return out;
}

/*
 * A name on a host that a DOMAIN-DEVID name could equal: a device's, or a
 * named vif's, of the form WORD-DIGITS.  Few, so each is kept, with what it
 * is, and looked up as a domain and devid once the vifs are named.
 */
struct name_claim {
	const char *name;
	const struct ir_vif *vif;       /* the named vif, or NULL for a device;
					 * names_displaced(): the vif that gave way */
	const struct ir_vif *vif_owner; /* names_displaced(): the named vif */
	const char *what;               /* a device: "NIC" or "bridge" */
	const struct srcpos *pos;
};

static void claim_if_readable(struct compilation *c, struct vec *claims, const char *name,
			      const struct ir_vif *vif, const char *what, const struct srcpos *pos)
{
	const char *dash = name ? strrchr(name, '-') : NULL;
	struct name_claim *cl;

	if (!dash || dash == name || !dash[1] || strspn(dash + 1, "0123456789") != strlen(dash + 1))
		return;
	cl = arena_new(&c->arena, struct name_claim);
	*cl = (struct name_claim){ name, vif, NULL, what, pos };
	vec_push(&c->arena, claims, cl);
}

/* Only a name of a hash name's length can be a candidate's: the others stay
 * out of the map. */
static void taken_put(struct strmap *m, const char *s, void *owner)
{
	if (s && strlen(s) == HASH_NAME_LEN)
		strmap_put(m, s, HASH_NAME_LEN, owner);
}

/* The names no derived backend name may take on each host: its NICs,
 * bridges, uplink ports and VXLAN devices. */
static void names_claimed(struct compilation *c, const struct ir_topology *t, struct strmap *taken,
			  struct vec *claims)
{
	struct ir_host *h;
	struct ir_network *n;
	struct ir_nic *nic;

	IR_FOREACH(struct ir_host *, h, &t->hosts) {
		struct strmap *m = &taken[h->index];
		struct vec *cl = &claims[h->index];

		strmap_init(m);
		IR_FOREACH(struct ir_nic *, nic, &h->nics) {
			taken_put(m, nic->name.s, &derive_claimed);
			claim_if_readable(c, cl, nic->name.s, NULL, "NIC", &nic->name.pos);
		}
		IR_FOREACH(struct ir_network *, n, &h->networks) {
			if (net_mode_has_bridge(n->mode)) {
				taken_put(m, n->name.s, &derive_claimed);
				claim_if_readable(c, cl, n->name.s, NULL, "bridge", &n->name.pos);
			}
			/* A VLAN device's name has a '.', a VXLAN device's no '-':
			 * neither can be a DOMAIN-DEVID name. */
			taken_put(m, n->port, &derive_claimed);
			taken_put(m, n->vxlan_dev, &derive_claimed);
		}
	}
}

/*
 * The vifs of host @h whose DOMAIN-DEVID name one of @claims has: each
 * takes a hash name instead (added to @todo), with a name-collision
 * warning once derive_unique() has given it one.  Returns them, in @claims
 * order, as claims whose @vif is the vif that gave way.
 */
static size_t names_displaced(struct compilation *c, const struct ir_host *h,
			      const struct vec *claims, struct derive_todo *todo,
			      struct name_claim **out)
{
	const struct ir_topology *t = c->ir;
	const struct name_claim *cl;
	size_t n = 0;

	IR_FOREACH(const struct name_claim *, cl, claims) {
		const char *dash = strrchr(cl->name, '-');
		const struct ir_domain *d;
		unsigned long devid;
		struct ir_vif *v;

		d = strmap_get(&t->dom_by_name, cl->name, (size_t)(dash - cl->name));
		if (!d || d->host != h || strlen(dash + 1) > 9)
			continue;
		devid = strtoul(dash + 1, NULL, 10);
		if (devid >= d->vifs.len)
			continue;
		v = d->vifs.items[devid];
		if (v->name_source != VIFNAME_DERIVED || !v->backend_name ||
		    strcmp(v->backend_name, cl->name) != 0)
			continue;
		todo_add(c, todo, v, &name_ops);
		out[n] = arena_new(&c->arena, struct name_claim);
		*out[n] = *cl;
		out[n]->vif_owner = cl->vif;
		out[n]->vif = v;
		n++;
	}
	return n;
}

static void name_displaced_report(struct compilation *c, const struct name_claim *d)
{
	const struct ir_vif *v = d->vif;

	if (!diag_report(&c->diag, CHECK_NAME_COLLISION, &v->pos,
			 "derived backend name '%s' of %s is already taken; using '%s'", d->name,
			 vif_label(&c->arena, v), v->backend_name))
		return;
	if (d->vif_owner)
		diag_note(&c->diag, d->pos, "%s is named '%s'", vif_label(&c->arena, d->vif_owner),
			  d->name);
	else
		diag_note(&c->diag, d->pos, "'%s' is the name of a %s on host '%s'", d->name,
			  d->what, d->vif->domain->host->name.s);
}

/* A vif without a network, in @net_of: no input netc reads (NETC_MAX_INPUT)
 * holds this many networks. */
#define NO_NET UINT32_MAX

/* Each network's list of vifs, from the network index each vif's pass
 * noted (@net_of, NO_NET for none): sized first, so nothing doubles, and
 * filled without reading a vif again. */
static void network_vifs(struct compilation *c, struct ir_topology *t, const uint32_t *net_of)
{
	size_t *count = xcalloc(t->networks.len + 1, sizeof(*count));
	struct ir_network *n;

	for (size_t i = 0; i < t->vifs.len; i++)
		if (net_of[i] != NO_NET)
			count[net_of[i]]++;
	IR_FOREACH(struct ir_network *, n, &t->networks)
		vec_reserve(&c->arena, &n->vifs, count[n->index]);
	free(count);
	for (size_t i = 0; i < t->vifs.len; i++)
		if (net_of[i] != NO_NET) {
			n = t->networks.items[net_of[i]];
			vec_push(&c->arena, &n->vifs, t->vifs.items[i]);
		}
}

/*
 * Every vif in one pass: its network and bridge; its MAC, explicit (taken)
 * or to derive; its backend name, explicit (taken on its host), or
 * DOMAIN-DEVID, or a hash name to derive on its host or, for a domain
 * without one (an error checks reports), by itself.  The candidates to
 * derive are computed here, while the vif and its domain are in the cache:
 * a big topology's vifs outgrow it, and each pass of their own would miss
 * on every one again.  Then the DOMAIN-DEVID names a device or a named vif
 * has give way, and the MACs, unique in the topology, and the hash names,
 * unique per host, are made so.
 */
static void lower_each_vif(struct compilation *c, struct ir_topology *t)
{
	size_t nhosts = t->hosts.len;
	uint32_t *net_of = xcalloc(t->vifs.len + 1, sizeof(*net_of));
	struct strmap macs_taken;
	struct derive_todo macs = { 0 };
	struct strmap *names_taken = xcalloc(nhosts ? nhosts : 1, sizeof(*names_taken));
	struct derive_todo *names = xcalloc(nhosts ? nhosts : 1, sizeof(*names));
	struct vec *claims = xcalloc(nhosts ? nhosts : 1, sizeof(*claims));
	const struct derive_ops *mac = t->mac_seed.s ? &mac_seed_ops : &mac_ops;
	struct ir_host *h;
	struct ir_vif *v;

	if (t->default_network_s.s)
		t->default_network = strmap_get(&t->net_by_name, t->default_network_s.s,
						t->default_network_s.len);
	else if (t->networks.len == 1)
		t->default_network = t->networks.items[0];
	strmap_init(&macs_taken);
	/* netback's own MAC (a local prefix can derive it): never derived. */
	strmap_put(&macs_taken, (const char *)netback_mac, 6, &derive_claimed);
	todo_reserve(&macs, t->vifs.len);
	names_claimed(c, t, names_taken, claims);
	IR_FOREACH_VIF(v, &t->vifs) {
		const struct ir_host *on = v->domain->host;

		v->net = v->network.s ? strmap_get(&t->net_by_name, v->network.s, v->network.len)
				      : t->default_network;
		net_of[v_i] = v->net ? (uint32_t)v->net->index : NO_NET;
		if (v->net && net_mode_has_bridge(v->net->mode))
			v->bridge = v->net->name.s;
		if (v->mac_source == MAC_EXPLICIT)
			strmap_put(&macs_taken, (const char *)v->mac, 6, v);
		else if (v->mac_source == MAC_DERIVED)
			todo_add(c, &macs, v, mac);
		if (v->name.s) {
			v->backend_name = v->name.s;
			v->name_source = VIFNAME_EXPLICIT;
			if (on) {
				taken_put(&names_taken[on->index], v->backend_name, v);
				claim_if_readable(c, &claims[on->index], v->backend_name, v, NULL,
						  &v->name.pos);
			}
		} else if ((v->backend_name = name_readable(c, v))) {
			v->name_source = VIFNAME_DERIVED;
		} else if (!on) {
			/* No host's names to be unique among. */
			derive_first(c, v, &name_ops);
		} else {
			/* Grown on demand: most vifs take DOMAIN-DEVID. */
			todo_add(c, &names[on->index], v, &name_ops);
		}
	}
	network_vifs(c, t, net_of);
	free(net_of);
	t->derived_macs = macs.len;
	t->first_derived_mac = macs.len ? macs.vifs[0] : NULL;
	derive_unique(c, &macs, &macs_taken, mac);
	strmap_free(&macs_taken);
	IR_FOREACH(struct ir_host *, h, &t->hosts) {
		struct vec *cl = &claims[h->index];
		struct name_claim **gave = arena_alloc(&c->arena, (cl->len + 1) * sizeof(*gave));
		size_t ngave = names_displaced(c, h, cl, &names[h->index], gave);

		derive_unique(c, &names[h->index], &names_taken[h->index], &name_ops);
		strmap_free(&names_taken[h->index]);
		for (size_t i = 0; i < ngave; i++)
			name_displaced_report(c, gave[i]);
	}
	free(claims);
	free(names);
	free(names_taken);
}

void lower_topology(struct compilation *c, struct ir_topology *t)
{
	lower_hosts(c, t);
	lower_network_hosts(c, t);
	lower_domain_hosts(c, t);
	lower_uplinks(c, t);
	lower_ifrefs(c, t);
	lower_subnets(t);
	lower_each_vif(c, t);
}
