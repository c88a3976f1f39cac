/* SPDX-License-Identifier: MIT */
/*
 * -t lab (docs/lab.md): a script that builds the whole topology from network
 * namespaces on one Linux machine and checks who reaches whom.  Like the
 * host script it is a fixed engine (lab_engine.sh) fed with data.  This
 * file works the lab out — which NICs share a LAN, the addresses the
 * topology leaves open, each guest's side, the rows of the reachability
 * table — and writes it as records, followed by each host's own host
 * script exactly as -t sh --host writes it: the lab runs that script in
 * the host's dom0 and never does its work itself.  docs/lab.md describes
 * the lab and every choice made here.
 *
 * Every name written passed the checks of docs/language.md ([A-Za-z0-9_.-]) and
 * every address is printed back canonically, so the records, which sit in
 * a quoted here-document, need no quoting.  Memory: all in e->arena.
 */
#include "backend.h"
#include "lab_engine.h"
#include "sh.h"
#include "../compiler/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Addresses for NICs the topology gives none (number_nic): /28 blocks of
 * the documentation ranges, 192.0.2.0/24 first, dom0 at .10 of the block
 * and the LAN at its first free address, .1. */
#define LAB_NUMBERED_PREFIX 28
#define LAB_NUMBERED_BLOCKS 48
#define LAB_NUMBERED_HOST 10
/* Networks of up to this many guests with an address: check pings every
 * pair; bigger ones, each guest the next (rows_pairs). */
#define LAB_ALL_PAIRS 8
/* A guest ip written without prefix, on a network whose subnet netc does
 * not know (a bridge without address, uplink address or LAN). */
#define LAB_DEFAULT_PREFIX 24

/**
 * struct lab_seg - a layer-2 segment of a LAN: the LAN itself (@vid 0) or
 * one VLAN of it, with the address the LAN side holds there.
 */
struct lab_seg {
	struct lab_lan *lan;
	long long vid;
	bool has_subnet;
	struct ip_addr subnet;
	int prefix;
	bool has_addr;
	struct ip_addr addr;
};

/**
 * struct lab_lan - a LAN namespace: a switch (bridge lan0) into which the
 * NICs of every host on one subnet are plugged.
 * @label: HOST:NIC of its first NIC, what the check table calls it.
 * @nics:  struct lab_nic *, in the order they are plugged in (port pK).
 * @vlans: struct lab_seg *, tagged segments.
 */
struct lab_lan {
	unsigned index;
	const char *label;
	const char *row_label;  /* "lan(LABEL)" */
	struct lab_seg seg;
	struct vec nics;
	struct vec vlans;
};

/** struct lab_nic - a host NIC, as the lab builds it. */
struct lab_nic {
	const struct ir_host *host;
	const struct ir_nic *nic;
	struct ip_cidr cidr;
	bool numbered;
	struct lab_lan *lan;
	unsigned port;
};

/**
 * struct lab_vif - a guest NIC as the lab builds it.
 * @dynamic:  no ip, on a network with dhcp: `up` asks dnsmasq.
 * @gw, @gw_out: the gateway the guest's routes use, and whether it leads
 *            off the host (nat, route, a LAN) rather than to dom0 only.
 * @dom0:     dom0's address on the vif's network (the gateway row).
 * @seg:      the LAN segment the network is bridged or routed onto.
 * @addr:     what a row pinging it calls its address: the ip, or
 *            "@DOMAIN:DEVID" (the engine reads the address DHCP gave it).
 * @netpos:   its place among the vifs with an address on its network.
 * @net, @domain, @devid, @random_mac: what the rows need of the ir_vif
 *            (@domain: its name), so that their pass, after every plan is
 *            made, reads this array in order and no ir_vif again.
 * One per vif, all in one array (struct lab's @vifs); pointers first and
 * the flags last, so that the struct has no holes (136 bytes).
 */
struct lab_vif {
	const struct ir_network *net;
	const char *domain;
	const struct ir_host *host;
	const char *label;
	const struct lab_seg *seg;
	const char *addr;
	size_t netpos;
	struct ip_addr ip, gw, dom0;
	int prefix;
	unsigned devid;
	bool has_ip, dynamic;
	bool has_gw, gw_out, is_default;
	bool has_dom0, random_mac;
};

struct lab {
	const struct emit_ctx *e;
	struct arena *a;
	const char *src;
	struct vec lans;        /* struct lab_lan * */
	struct vec nics;        /* struct lab_nic * */
	struct vec *host_nics;  /* the same, per host (by index) */
	struct lab_vif *vifs;   /* every vif's plan, topology order */
	size_t nvifs;
	struct vec *peers;      /* struct lab_vif *: by network index, its vifs that have
				 * or get an address (rows_pairs()) */
	struct vec held;        /* const struct ip_addr *: addresses the topology uses */
	struct strmap held_set; /* the same, by IP_KEY() */
	struct vec blocks;      /* struct lab_seg *: subnets it uses (numbering avoids them) */
	const char **dom0_labels;       /* "dom0(HOST)", by host index */
	struct vec *host_lans;  /* struct lab_lan *: the LANs of each host, once */
	struct strbuf *rows;    /* where add_rows() writes */
	size_t w_src, w_dst, w_addr, w_want, w_seen;
	struct sha256 tag;      /* of the records so far, less comments (records_done()) */
	size_t hashed;          /* the output's text up to here is in @tag */
};

#define LAB_FOREACH_VIF(x, l) for ((x) = (l)->vifs; (x) < (l)->vifs + (l)->nvifs; (x)++)

/* ---- addresses ---- */

static struct ip_addr ip_plus(struct ip_addr a, unsigned long n)
{
	for (int i = ip_bits(&a) / 8 - 1; i >= 0 && n; i--) {
		unsigned long v = a.b[i] + (n & 0xff);

		a.b[i] = (uint8_t)v;
		n = (n >> 8) + (v >> 8);
	}
	return a;
}

static const char *ip_str(struct lab *l, const struct ip_addr *a)
{
	char buf[64];

	return arena_strdup(l->a, ip_format(a, buf));
}

static const char *cidr_str(struct lab *l, const struct ip_addr *a, int prefix)
{
	char buf[64];

	return arena_printf(l->a, "%s/%d", ip_format(a, buf), prefix);
}

/* An address the topology uses: lives in the IR or the lab's plan, which
 * outlive the set, so it is its own key.  @h: strmap_hash() of the key. */
static void hold_hashed(struct lab *l, const struct ip_addr *a, uint32_t h)
{
	void **owner = strmap_ref_hashed(&l->held_set, IP_KEY(a), h);

	if (*owner)
		return;
	*owner = (void *)a;
	vec_push(l->a, &l->held, (void *)a);
}

static void hold(struct lab *l, const struct ip_addr *a)
{
	hold_hashed(l, a, strmap_hash(IP_KEY(a)));
}

#define HOLD_AHEAD 8

/* The guests' addresses, nearly all of what is held.  A big topology's set
 * outgrows the caches: every key is hashed first, and each insert finds
 * its slot prefetched HOLD_AHEAD keys before. */
static void hold_guests(struct lab *l)
{
	const struct ir_topology *t = l->e->ir;
	const struct ip_addr **key = xcalloc(t->vifs.len + 1, sizeof(*key));
	uint32_t *hash = xcalloc(t->vifs.len + 1, sizeof(*hash));
	const struct ir_vif *v;
	size_t n = 0;

	IR_FOREACH_VIF(v, &t->vifs) {
		if (!v->has_ip)
			continue;
		key[n] = &v->ip;
		hash[n++] = strmap_hash(IP_KEY(&v->ip));
	}
	vec_reserve(l->a, &l->held, l->held.len + n);
	for (size_t i = 0; i < n; i++) {
		if (i + HOLD_AHEAD < n)
			strmap_prefetch(&l->held_set, hash[i + HOLD_AHEAD]);
		hold_hashed(l, key[i], hash[i]);
	}
	free(hash);
	free(key);
}

static bool is_held(const struct lab *l, const struct ip_addr *a)
{
	return strmap_get(&l->held_set, IP_KEY(a)) != NULL;
}

static void block_add(struct lab *l, const struct ip_addr *a, int prefix)
{
	struct lab_seg *s = arena_new(l->a, struct lab_seg);

	s->subnet = ip_network(a, prefix);
	s->prefix = prefix;
	vec_push(l->a, &l->blocks, s);
}

/* Does @a/@prefix overlap a subnet the topology (or the lab) uses? */
static bool block_overlaps(const struct lab *l, const struct ip_addr *a, int prefix)
{
	const struct lab_seg *s;

	IR_FOREACH(const struct lab_seg *, s, &l->blocks)
		if (s->subnet.family == a->family &&
		    (ip_in_subnet(a, &s->subnet, s->prefix) || ip_in_subnet(&s->subnet, a, prefix)))
			return true;
	return false;
}

/* ... or hold an address it uses? */
static bool block_taken(const struct lab *l, const struct ip_addr *a, int prefix)
{
	const struct ip_addr *p;

	if (block_overlaps(l, a, prefix))
		return true;
	IR_FOREACH(const struct ip_addr *, p, &l->held)
		if (ip_in_subnet(p, a, prefix))
			return true;
	return false;
}

/* The first host address of @subnet/@prefix that nothing in the topology
 * holds: the LAN side's address on a segment. */
static bool first_free(const struct lab *l, const struct ip_addr *subnet, int prefix,
		       struct ip_addr *out)
{
	int bits = ip_bits(subnet);
	struct ip_addr last = ip_last(subnet, prefix);

	if (prefix > bits - 2)
		return false;
	for (unsigned long k = 1; k < 65536; k++) {
		struct ip_addr c = ip_plus(*subnet, k);

		if (ip_cmp(&c, &last) >= 0 || !ip_in_subnet(&c, subnet, prefix))
			return false;
		if (!is_held(l, &c)) {
			*out = c;
			return true;
		}
	}
	return false;
}

/* Does the LAN side hold an IPv4 address there?  (Guests are IPv4.) */
static bool seg_v4(const struct lab_seg *s)
{
	return s->has_addr && s->addr.family == 4;
}

static bool seg_has(const struct lab_seg *s, const struct ip_addr *a)
{
	return s && s->has_subnet && s->subnet.family == a->family &&
	       ip_in_subnet(a, &s->subnet, s->prefix);
}

/* ---- the LANs ---- */

static struct lab_nic *nic_find(const struct lab *l, const struct ir_host *h, const char *name)
{
	struct lab_nic *n;

	if (!name)
		return NULL;
	IR_FOREACH(struct lab_nic *, n, &l->host_nics[h->index])
		if (str_eq(n->nic->name.s, name))
			return n;
	return NULL;
}

static struct lab_lan *lan_new(struct lab *l, const struct ip_addr *subnet, int prefix)
{
	struct lab_lan *lan = arena_new(l->a, struct lab_lan);

	lan->index = (unsigned)l->lans.len;
	lan->seg.lan = lan;
	lan->seg.has_subnet = true;
	lan->seg.subnet = *subnet;
	lan->seg.prefix = prefix;
	vec_push(l->a, &l->lans, lan);
	return lan;
}

static struct lab_lan *lan_find(const struct lab *l, const struct ip_addr *subnet, int prefix)
{
	struct lab_lan *lan;

	IR_FOREACH(struct lab_lan *, lan, &l->lans)
		if (lan->seg.prefix == prefix && ip_equal(&lan->seg.subnet, subnet))
			return lan;
	return NULL;
}

static void lan_plug(struct lab *l, struct lab_lan *lan, struct lab_nic *n)
{
	n->lan = lan;
	n->port = (unsigned)lan->nics.len;
	if (!lan->label)
		lan->label = arena_printf(l->a, "%s:%s", n->host->name.s, n->nic->name.s);
	vec_push(l->a, &lan->nics, n);
}

/* Everything the topology writes down is held: NIC, network and guest
 * addresses, underlays; subnets are blocks the numbering keeps clear of. */
static void collect_held(struct lab *l)
{
	const struct ir_topology *t = l->e->ir;
	const struct ir_host *h;
	const struct ir_nic *nic;
	const struct ir_network *n;

	IR_FOREACH(const struct ir_host *, h, &t->hosts) {
		if (h->has_underlay)
			hold(l, &h->underlay);
		IR_FOREACH(const struct ir_nic *, nic, &h->nics) {
			if (!nic->has_cidr)
				continue;
			hold(l, &nic->cidr.addr);
			block_add(l, &nic->cidr.addr, nic->cidr.prefix);
		}
	}
	IR_FOREACH(const struct ir_network *, n, &t->networks) {
		if (n->has_cidr)
			hold(l, &n->cidr.addr);
		if (n->has_subnet)
			block_add(l, &n->subnet, n->subnet_prefix);
		if (n->dhcp.valid) {
			block_add(l, &n->dhcp.first, 32);
			block_add(l, &n->dhcp.last, 32);
		}
	}
	hold_guests(l);
}

/* Does network @n ride on NIC @nic: a bridge it is the untagged uplink of,
 * or a route network whose gatewaydev it is (or bridges)? */
static bool rides_on(const struct lab *l, const struct ir_network *n, const char *nic)
{
	const struct ir_network *br;
	const char *gw = n->gatewaydev.name.s;

	if (n->mode == MODE_BRIDGE)
		return n->uplink.s && !n->vlan.set && str_eq(n->uplink.s, nic);
	if (n->mode != MODE_ROUTE || !gw)
		return false;
	if (str_eq(gw, nic))
		return true;
	br = ir_network_find(l->e->ir, gw);
	return br && br->mode == MODE_BRIDGE && br->uplink.s && !br->vlan.set &&
	       str_eq(br->uplink.s, nic);
}

/* The IPv4 /24 holding the ip of every guest of @h on a network that
 * rides on NIC @nic, if they have ips and all are in one /24. */
static bool guest_subnet(const struct lab *l, const struct ir_host *h, const char *nic,
			 struct ip_addr *out)
{
	const struct ir_domain *d;
	const struct ir_vif *v;
	bool found = false;

	IR_FOREACH(const struct ir_domain *, d, &h->domains) {
		IR_FOREACH(const struct ir_vif *, v, &d->vifs) {
			struct ip_addr sub;

			if (!v->net || !v->has_ip || v->ip.family != 4 || !rides_on(l, v->net, nic))
				continue;
			sub = ip_network(&v->ip, 24);
			if (found && !ip_equal(&sub, out))
				return false;
			*out = sub;
			found = true;
		}
	}
	return found;
}

/* dom0's address in a /24 it shares with guests: .10, or the first free
 * one after it, or before it. */
static bool pick_dom0(const struct lab *l, const struct ip_addr *sub, struct ip_addr *out)
{
	for (unsigned k = LAB_NUMBERED_HOST; k != LAB_NUMBERED_HOST - 1; k = k == 254 ? 1 : k + 1) {
		struct ip_addr c = ip_plus(*sub, k);

		if (!is_held(l, &c)) {
			*out = c;
			return true;
		}
	}
	return false;
}

/* A NIC the topology gives no address: the /24 of the guests that ride on
 * it when there is one that overlaps nothing (so the LAN reaches them),
 * else the next free /28 of the documentation ranges. */
static bool number_nic(struct lab *l, struct lab_nic *n, unsigned *block)
{
	static const char *const ranges[] = { "192.0.2.0", "198.51.100.0", "203.0.113.0" };
	struct ip_addr base;

	if (guest_subnet(l, n->host, n->nic->name.s, &base) && !block_overlaps(l, &base, 24) &&
	    pick_dom0(l, &base, &n->cidr.addr)) {
		n->cidr.prefix = 24;
	} else {
		for (;;) {
			if (*block == LAB_NUMBERED_BLOCKS)
				return false;
			ip_parse(ranges[*block / 16], strlen(ranges[*block / 16]), &base);
			base = ip_plus(base, (*block % 16) << (32 - LAB_NUMBERED_PREFIX));
			++*block;
			if (!block_taken(l, &base, LAB_NUMBERED_PREFIX))
				break;
		}
		n->cidr.addr = ip_plus(base, LAB_NUMBERED_HOST);
		n->cidr.prefix = LAB_NUMBERED_PREFIX;
	}
	n->numbered = true;
	hold(l, &n->cidr.addr);
	block_add(l, &base, n->cidr.prefix);
	lan_plug(l, lan_new(l, &base, n->cidr.prefix), n);
	return true;
}

/* NICs with an address join the LAN of their subnet (hosts on one subnet
 * share it); NICs without are numbered (number_nic), each on a LAN of its
 * own. */
static int plan_lans(struct lab *l)
{
	const struct ir_topology *t = l->e->ir;
	const struct ir_host *h;
	const struct ir_nic *nic;
	struct lab_lan *lan;
	struct lab_nic *n;
	unsigned block = 0;

	l->host_nics = arena_alloc(l->a, (t->hosts.len + 1) * sizeof(*l->host_nics));
	IR_FOREACH(const struct ir_host *, h, &t->hosts) {
		IR_FOREACH(const struct ir_nic *, nic, &h->nics) {
			n = arena_new(l->a, struct lab_nic);
			n->host = h;
			n->nic = nic;
			vec_push(l->a, &l->nics, n);
			vec_push(l->a, &l->host_nics[h->index], n);
			if (nic->has_cidr) {
				struct ip_addr sub = ip_network(&nic->cidr.addr, nic->cidr.prefix);

				n->cidr = nic->cidr;
				lan = lan_find(l, &sub, nic->cidr.prefix);
				lan_plug(l, lan ? lan : lan_new(l, &sub, nic->cidr.prefix), n);
			}
		}
	}
	IR_FOREACH(struct lab_nic *, n, &l->nics) {
		if (n->nic->has_cidr || number_nic(l, n, &block))
			continue;
		fprintf(stderr, "netc: -t lab: more NICs without an address than the lab can number "
			"(%d /28 blocks of 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 that the "
			"topology leaves free); give NIC '%s' of host '%s' an address (hosts: %s: nics:)\n",
			LAB_NUMBERED_BLOCKS, n->nic->name.s, n->host->name.s, n->host->name.s);
		return EXIT_TOPOLOGY;
	}
	IR_FOREACH(struct lab_lan *, lan, &l->lans)
		lan->seg.has_addr = first_free(l, &lan->seg.subnet, lan->seg.prefix, &lan->seg.addr);
	IR_FOREACH(struct lab_lan *, lan, &l->lans)
		if (lan->seg.has_addr)
			hold(l, &lan->seg.addr);
	return EXIT_OK;
}

/* The VLAN @vid of @lan: made on first use, addressed from @n's subnet. */
static struct lab_seg *vlan_seg(struct lab *l, struct lab_lan *lan, long long vid,
				const struct ir_network *n)
{
	struct lab_seg *s;

	IR_FOREACH(struct lab_seg *, s, &lan->vlans)
		if (s->vid == vid)
			return s;
	s = arena_new(l->a, struct lab_seg);
	s->lan = lan;
	s->vid = vid;
	if (n->has_subnet) {
		s->has_subnet = true;
		s->subnet = n->subnet;
		s->prefix = n->subnet_prefix;
		s->has_addr = first_free(l, &s->subnet, s->prefix, &s->addr);
		if (s->has_addr)
			hold(l, &s->addr);
	}
	vec_push(l->a, &lan->vlans, s);
	return s;
}

/* The segment interface @name of host @h leads onto: a NIC's LAN, or the
 * LAN (or VLAN) of the uplink of the bridge of that name; NULL for none. */
static const struct lab_seg *iface_seg(struct lab *l, const struct ir_host *h, const char *name)
{
	const struct ir_network *br;
	struct lab_nic *n;

	if (!name)
		return NULL;
	br = ir_network_find(l->e->ir, name);
	if (br && net_mode_has_bridge(br->mode)) {
		if (br->mode != MODE_BRIDGE || !br->uplink.s)
			return NULL;
		n = nic_find(l, h, br->uplink.s);
		if (!n)
			return NULL;
		return br->vlan.set ? vlan_seg(l, n->lan, br->vlan.v, br) : &n->lan->seg;
	}
	n = nic_find(l, h, name);
	return n ? &n->lan->seg : NULL;
}

/* dom0's IPv4 address on interface @name of @h (what vif-route takes). */
static bool iface_addr(const struct lab *l, const struct ir_host *h, const char *name,
		       struct ip_addr *out)
{
	const struct ir_network *br = ir_network_find(l->e->ir, name);
	const struct lab_nic *n;

	if (br && net_mode_has_bridge(br->mode)) {
		if (br->has_cidr) {
			*out = br->cidr.addr;
			return out->family == 4;
		}
		if (br->mode != MODE_BRIDGE || !br->uplink.s || br->vlan.set)
			return false;
		name = br->uplink.s;
	}
	n = nic_find(l, h, name);
	if (!n)
		return false;
	*out = n->cidr.addr;
	return out->family == 4;
}

/* ---- the guests ---- */

static bool dhcp_serves(const struct ir_network *n, const struct ir_host *h)
{
	return n->dhcp.set && n->dhcp.valid && (n->mode == MODE_ISOLATED || n->mode == MODE_NAT) &&
	       n->has_subnet && n->on_hosts.len &&
	       (n->on_hosts.items[0] == h || n->vxlan.set);
}

static void set_gw(struct lab_vif *x, const struct ip_addr *gw, bool out)
{
	if (gw->family != 4)
		return;
	x->has_gw = true;
	x->gw = *gw;
	x->gw_out = out;
}

static void set_dom0(struct lab_vif *x, const struct ip_addr *a)
{
	if (a->family != 4)
		return;
	x->has_dom0 = true;
	x->dom0 = *a;
}

/* The interface of dom0 whose segment a guest on @n reaches (iface_seg). */
static const char *seg_iface(const struct ir_network *n)
{
	switch (n->mode) {
	case MODE_ROUTE:
		return n->gatewaydev.name.s;
	case MODE_NAT:
		return n->outbound.name.s;
	case MODE_BRIDGE:
		return n->uplink.s ? n->name.s : NULL;
	case MODE_ISOLATED:
		break;
	}
	return NULL;
}

/* Guests by topology order: their domains', then devid. */
static int vif_order(const void *pa, const void *pb)
{
	const struct ir_vif *a = *(const struct ir_vif *const *)pa, *b = *(const struct ir_vif *const *)pb;

	if (a->domain->index != b->domain->index)
		return a->domain->index < b->domain->index ? -1 : 1;
	return a->devid < b->devid ? -1 : a->devid > b->devid;
}

/*
 * The VLAN segments guests reach, made before any guest is planned and in
 * the order planning them one by one would meet them: vlan_seg() numbers
 * each as it makes it, and add_lans() writes them before add_vifs() plans
 * the guests.  Only the first guest of each network on each host can meet
 * a segment first, and only on a network whose segment is a VLAN's: few.
 */
static void plan_vlans(struct lab *l)
{
	const struct ir_topology *t = l->e->ir;
	const struct ir_network *n, *br;
	const struct ir_vif *v;
	size_t *seen = arena_alloc(l->a, (t->hosts.len + 1) * sizeof(*seen));
	struct vec firsts = { 0 };

	IR_FOREACH(const struct ir_network *, n, &t->networks) {
		const char *name = seg_iface(n);

		br = name ? ir_network_find(t, name) : NULL;
		if (!br || br->mode != MODE_BRIDGE || !br->uplink.s || !br->vlan.set)
			continue;
		IR_FOREACH(const struct ir_vif *, v, &n->vifs) {
			size_t *mark = &seen[v->domain->host->index];

			if (*mark != n->index + 1) {
				*mark = n->index + 1;
				vec_push(l->a, &firsts, (void *)v);
			}
		}
	}
	if (firsts.len)
		qsort(firsts.items, firsts.len, sizeof(*firsts.items), vif_order);
	IR_FOREACH(const struct ir_vif *, v, &firsts)
		iface_seg(l, v->domain->host, seg_iface(v->net));
}

static void plan_vif(struct lab *l, const struct ir_vif *v, struct lab_vif *x)
{
	const struct ir_network *n = v->net;
	const struct ir_host *h = x->host;
	const struct lab_nic *up;
	struct ip_addr a;

	x->seg = iface_seg(l, h, seg_iface(n));
	x->has_ip = v->has_ip;
	x->ip = v->ip;
	x->dynamic = !v->has_ip && dhcp_serves(n, h);
	x->prefix = v->ip_prefix;
	if (x->prefix < 0 && n->has_subnet)
		x->prefix = n->subnet_prefix;
	switch (n->mode) {
	case MODE_ROUTE:
		x->prefix = 32;
		if (iface_addr(l, h, n->gatewaydev.name.s, &a)) {
			set_gw(x, &a, true);
			set_dom0(x, &a);
		}
		break;
	case MODE_NAT:
		if (n->has_cidr) {
			set_gw(x, &n->cidr.addr, true);
			set_dom0(x, &n->cidr.addr);
		}
		break;
	case MODE_ISOLATED:
		if (n->has_cidr) {
			set_gw(x, &n->cidr.addr, false);
			set_dom0(x, &n->cidr.addr);
		}
		break;
	case MODE_BRIDGE:
		up = nic_find(l, h, n->uplink.s);
		if (x->prefix < 0 && x->has_ip && seg_has(x->seg, &x->ip))
			x->prefix = x->seg->prefix;
		if (x->has_ip && x->seg && x->seg->has_addr && seg_has(x->seg, &x->ip))
			set_gw(x, &x->seg->addr, true);
		else if (n->has_cidr)
			set_gw(x, &n->cidr.addr, false);
		if (n->has_cidr)
			set_dom0(x, &n->cidr.addr);
		else if (up && !n->vlan.set && x->has_ip && seg_has(x->seg, &x->ip))
			set_dom0(x, &up->cidr.addr);
		break;
	}
	if (x->prefix < 0)
		x->prefix = LAB_DEFAULT_PREFIX;
}

/* A guest's default route (its vifs @first to @end, in devid order):
 * through the first vif whose gateway leads off the host, else through the
 * first vif with a gateway at all. */
static void plan_default(struct lab_vif *first, struct lab_vif *end)
{
	struct lab_vif *x, *pick = NULL;

	for (x = first; x < end && !pick; x++)
		if (x->has_gw && x->gw_out && (x->has_ip || x->dynamic))
			pick = x;
	for (x = first; x < end && !pick; x++)
		if (x->has_gw && (x->has_ip || x->dynamic))
			pick = x;
	if (pick)
		pick->is_default = true;
}

/* ---- the reachability table ---- */

/*
 * Every row is written straight into the script (l->rows) without building
 * its pieces first: at 10,000 guests the table is a third of the lab, and
 * formatting each piece into the arena was most of its cost.  Labels used
 * over and over are made once: lab_lan.row_label, l->dom0_labels,
 * lab_vif.addr.
 */
static void widen(size_t *w, const char *s)
{
	size_t n = strlen(s);

	if (n > *w)
		*w = n;
}

/* Words followed by one space each; the list ends with NULL. */
static void add_words(struct strbuf *sb, ...)
{
	va_list ap;
	const char *w;

	va_start(ap, sb);
	while ((w = va_arg(ap, const char *))) {
		strbuf_adds(sb, w);
		strbuf_addc(sb, ' ');
	}
	va_end(ap);
}

/* The why of a row, and its newline. */
static void add_why(struct strbuf *sb, const char *fmt, va_list ap)
{
	if (!strchr(fmt, '%'))
		strbuf_adds(sb, fmt);
	else
		strbuf_vaddf(sb, fmt, ap);
	strbuf_addc(sb, '\n');
}

/* row ping KIND NAME IFACE SOURCE DESTINATION ADDRESS EXPECTED WHY */
static void row_vping(struct lab *l, const char *kind, const char *name, const char *iface,
		      const char *src, const char *dst, const char *addr, const char *want,
		      const char *fmt, va_list ap)
{
	add_words(l->rows, "row ping", kind, name, iface, src, dst, addr, want, (const char *)NULL);
	add_why(l->rows, fmt, ap);
	widen(&l->w_src, src);
	widen(&l->w_dst, dst);
	widen(&l->w_addr, addr[0] == '@' ? "255.255.255.255" : addr);
	widen(&l->w_want, want);
	if (addr[0] == '@')
		widen(&l->w_seen, "no-address");
}

static void PRINTF_LIKE(9, 10) row_ping(struct lab *l, const char *kind, const char *name,
					const char *iface, const char *src, const char *dst,
					const char *addr, const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	row_vping(l, kind, name, iface, src, dst, addr, want, fmt, ap);
	va_end(ap);
}

static void PRINTF_LIKE(4, 5) row_skip(struct lab *l, const char *src, const char *dst,
				       const char *fmt, ...)
{
	va_list ap;

	add_words(l->rows, "row skip", src, dst, (const char *)NULL);
	va_start(ap, fmt);
	add_why(l->rows, fmt, ap);
	va_end(ap);
	widen(&l->w_src, src);
	widen(&l->w_dst, dst);
}

static void PRINTF_LIKE(6, 7) row_from_vif(struct lab *l, const struct lab_vif *x,
					   const char *dst, const char *addr, const char *want,
					   const char *fmt, ...)
{
	char iface[16];
	va_list ap;

	snprintf(iface, sizeof(iface), "eth%u", x->devid);
	va_start(ap, fmt);
	row_vping(l, "domu", x->domain, iface, x->label, dst, addr, want, fmt, ap);
	va_end(ap);
}

static void PRINTF_LIKE(5, 6) row_from_lan(struct lab *l, const struct lab_seg *s,
					   const struct lab_vif *x, const char *want,
					   const char *fmt, ...)
{
	char index[16];
	va_list ap;

	snprintf(index, sizeof(index), "%u", s->lan->index);
	va_start(ap, fmt);
	row_vping(l, "lan", index, "-", s->lan->row_label, x->label, x->addr, want, fmt, ap);
	va_end(ap);
}

/* The LANs host @h is plugged into, each once. */
static size_t host_lans(const struct lab *l, const struct ir_host *h, const struct lab_lan **out)
{
	const struct lab_nic *n;
	size_t k = 0;

	IR_FOREACH(const struct lab_nic *, n, &l->host_nics[h->index]) {
		size_t i;

		for (i = 0; i < k && out[i] != n->lan; i++)
			;
		if (i == k)
			out[k++] = n->lan;
	}
	return k;
}

/* Are @a's and @b's bridges on different hosts one segment? */
static const char *joined_by(const struct lab_vif *a, const struct lab_vif *b)
{
	const struct ir_network *n = a->net;

	if (n->vxlan.set)
		return "over VXLAN";
	if (n->mode == MODE_BRIDGE && a->seg && a->seg == b->seg)
		return "over the LAN";
	return NULL;
}

/* One pair of guests on one network. */
static void row_pair(struct lab *l, const struct lab_vif *a, const struct lab_vif *b)
{
	const struct ir_network *n = a->net;
	const char *how;

	if (b->host == a->host) {
		row_from_vif(l, a, b->label, b->addr, "reach", "same network %s", n->name.s);
		return;
	}
	how = n->mode == MODE_ROUTE ? NULL : joined_by(a, b);
	if (how)
		row_from_vif(l, a, b->label, b->addr, "reach", "same network %s, across hosts %s",
			     n->name.s, how);
	else
		row_skip(l, a->label, b->label, "%s on hosts %s and %s: no VXLAN or shared LAN joins them",
			 n->name.s, a->host->name.s, b->host->name.s);
}

/* The guests on @a's network after it (@peers, those with an address, in
 * topology order): every one on a network of at most LAB_ALL_PAIRS of
 * them; on a bigger one only the next (of another domain), so that the
 * table grows with the guests, not with their square, and still touches
 * every one of them. */
static void rows_pairs(struct lab *l, const struct lab_vif *a, const struct vec *peers)
{
	const struct lab_vif *b;

	for (size_t j = a->netpos + 1; j < peers->len; j++) {
		b = peers->items[j];
		if (b->domain == a->domain)
			continue;
		row_pair(l, a, b);
		if (peers->len > LAB_ALL_PAIRS)
			break;
	}
}

static void rows_lease(struct lab *l, const struct lab_vif *x)
{
	const struct ir_network *n = x->net;
	char first[64], last[64], want[136];

	if (!dhcp_serves(n, x->host))
		return;
	if (x->has_ip && !x->random_mac) {
		ip_format(&x->ip, want);
		strbuf_addf(l->rows, "row lease %s %u %s %s static lease on %s\n",
			    x->domain, x->devid, x->label, want, n->name.s);
	} else if (x->dynamic) {
		snprintf(want, sizeof(want), "%s-%s", ip_format(&n->dhcp.first, first),
			 ip_format(&n->dhcp.last, last));
		strbuf_addf(l->rows, "row lease %s %u %s %s an address from the range of %s\n",
			    x->domain, x->devid, x->label, want, n->name.s);
	} else {
		return;
	}
	widen(&l->w_src, x->label);
	widen(&l->w_want, want);
	widen(&l->w_seen, "255.255.255.255");
}

static void rows_vif(struct lab *l, const struct lab_vif *x, const struct vec *peers)
{
	const struct ir_network *n = x->net;
	const struct vec *lans = &l->host_lans[x->host->index];
	const struct lab_lan *lan;
	const char *mode = net_mode_name(n->mode), *row_label;
	char addr[64];

	if (!x->has_ip && !x->dynamic) {
		row_skip(l, x->label, "-", "no ip: nothing to ping (on %s)", n->name.s);
		return;
	}
	if (x->has_dom0 && n->mode == MODE_ROUTE)
		row_from_vif(l, x, l->dom0_labels[x->host->index], ip_format(&x->dom0, addr), "reach",
			     "its gateway: dom0's %s (vif-route)", n->gatewaydev.name.s);
	else if (x->has_dom0)
		row_from_vif(l, x, l->dom0_labels[x->host->index], ip_format(&x->dom0, addr), "reach",
			     "%sdom0 on %s (%s)",
			     x->has_gw && ip_equal(&x->gw, &x->dom0) ? "its gateway: " : "",
			     n->name.s, mode);
	rows_pairs(l, x, peers);
	row_label = x->seg ? x->seg->lan->row_label : NULL;
	switch (n->mode) {
	case MODE_NAT:
		if (x->seg && seg_v4(x->seg) && x->is_default)
			row_from_vif(l, x, row_label, ip_format(&x->seg->addr, addr), "reach",
				     "nat %s: masqueraded out of %s", n->name.s, n->outbound.name.s);
		else if (x->seg && seg_v4(x->seg))
			row_skip(l, x->label, row_label,
				 "not the guest's default route (that is another vif)");
		IR_FOREACH(const struct lab_lan *, lan, lans)
			if (seg_v4(&lan->seg))
				row_from_lan(l, &lan->seg, x, "blocked",
					     "nat %s: the LAN never reaches in", n->name.s);
		break;
	case MODE_ISOLATED:
		IR_FOREACH(const struct lab_lan *, lan, lans) {
			if (!seg_v4(&lan->seg))
				continue;
			row_from_vif(l, x, lan->row_label, ip_format(&lan->seg.addr, addr), "blocked",
				     "isolated %s: nothing leaves", n->name.s);
			row_from_lan(l, &lan->seg, x, "blocked",
				     "isolated %s: nothing comes in", n->name.s);
		}
		break;
	case MODE_BRIDGE:
		if (!x->seg)
			break;
		if (!x->seg->has_addr && x->seg->vid)
			row_skip(l, row_label, x->label, "the LAN has no address on VLAN %lld",
				 x->seg->vid);
		else if (!x->seg->has_addr)
			row_skip(l, row_label, x->label, "the LAN has no address");
		else if (!x->has_ip || !seg_has(x->seg, &x->ip))
			row_skip(l, row_label, x->label, "%s is not on the LAN's subnet",
				 x->has_ip ? ip_format(&x->ip, addr) : "its address");
		else if (x->seg->vid)
			row_from_lan(l, x->seg, x, "reach",
				     "bridge %s: on VLAN %lld of the LAN through %s",
				     n->name.s, x->seg->vid, n->uplink.s);
		else
			row_from_lan(l, x->seg, x, "reach", "bridge %s: on the LAN through %s",
				     n->name.s, n->uplink.s);
		break;
	case MODE_ROUTE:
		if (!x->seg || !x->seg->has_addr)
			break;
		if (!seg_has(x->seg, &x->ip))
			row_skip(l, row_label, x->label,
				 "ip not on the LAN's subnet: the LAN has no route to it");
		else if (!x->is_default)
			row_skip(l, row_label, x->label,
				 "the guest's default route is another vif: replies leave there");
		else
			row_from_lan(l, x->seg, x, "reach", "route %s: dom0 proxy-ARPs on %s",
				     n->name.s, n->gatewaydev.name.s);
		break;
	}
	rows_lease(l, x);
}

/* The labels rows repeat, made once. */
static void plan_labels(struct lab *l)
{
	const struct ir_topology *t = l->e->ir;
	const struct ir_host *h;
	struct lab_lan *lan;
	const struct lab_lan **found = arena_alloc(l->a, (l->nics.len + 1) * sizeof(*found));

	IR_FOREACH(struct lab_lan *, lan, &l->lans)
		lan->row_label = arena_printf(l->a, "lan(%s)", lan->label);
	l->dom0_labels = arena_alloc(l->a, (t->hosts.len + 1) * sizeof(*l->dom0_labels));
	l->host_lans = arena_alloc(l->a, (t->hosts.len + 1) * sizeof(*l->host_lans));
	IR_FOREACH(const struct ir_host *, h, &t->hosts) {
		size_t k = host_lans(l, h, found);

		l->dom0_labels[h->index] = arena_printf(l->a, "dom0(%s)", h->name.s);
		for (size_t j = 0; j < k; j++)
			vec_push(l->a, &l->host_lans[h->index], (void *)found[j]);
	}
}

/*
 * The records written since the last call go into the tag, less their
 * comment lines, and may then leave memory (a flush point): called after
 * whole lines only.
 */
static void records_done(struct lab *l, struct strbuf *sb)
{
	const char *p = sb->buf + l->hashed, *end = sb->buf + sb->len, *run = p;

	/* Runs of record lines in one update each: the rows are one run. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (*p == '#') {
			sha256_update(&l->tag, run, (size_t)(p - run));
			run = p + len;
		}
		p += len;
	}
	sha256_update(&l->tag, run, (size_t)(p - run));
	strbuf_flush_point(sb);
	l->hashed = sb->len;
}

/* The table, into @sb. */
static void add_rows(struct lab *l, struct strbuf *sb)
{
	const struct ir_host *h;
	const struct lab_lan *lan;
	struct lab_vif *x;
	char addr[64];

	l->rows = sb;
	plan_labels(l);
	IR_FOREACH(const struct ir_host *, h, &l->e->ir->hosts)
		IR_FOREACH(const struct lab_lan *, lan, &l->host_lans[h->index])
			if (lan->seg.has_addr)
				row_ping(l, "dom0", h->name.s, "-", l->dom0_labels[h->index],
					 lan->row_label, ip_format(&lan->seg.addr, addr), "reach",
					 "dom0's NIC on the LAN");
	LAB_FOREACH_VIF(x, l) {
		if (x->net)
			rows_vif(l, x, &l->peers[x->net->index]);
		records_done(l, sb);
	}
	l->rows = NULL;
}

/* ---- the script ---- */

/* The source name as the script shows it: a label only, so anything but
 * plain path characters becomes '?' (as in the host script). */
static const char *label_safe(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);

	for (char *p = r; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/+@:,=- ", *p))
			*p = '?';
	return r;
}

/* A comment line naming where a record comes from. */
static void PRINTF_LIKE(4, 5) add_where(struct lab *l, struct strbuf *sb, const struct srcpos *pos,
					const char *fmt, ...)
{
	va_list ap;

	strbuf_adds(sb, "# ");
	if (pos->first_line) {
		strbuf_adds(sb, l->src);
		strbuf_addc(sb, ':');
		strbuf_add_ull(sb, pos->first_line);
		strbuf_addc(sb, ' ');
	}
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	strbuf_addc(sb, '\n');
}

static void add_header(struct lab *l, struct strbuf *sb)
{
	strbuf_adds(sb, "#!/bin/sh\n");
	strbuf_addf(sb, "# Lab of %s, generated by netc %s: the whole topology\n"
		    "# in network namespaces, to try it on any Linux machine before a Xen host\n"
		    "# sees it.\n", l->src, NETC_VERSION);
	strbuf_addf(sb, "# Topology SHA-256: %s\n", l->e->ir->sha256);
	strbuf_adds(sb,
		"# Do not edit: change the topology and run netc again.\n"
		"#\n"
		"# usage: lab.sh up|down|status|check|exec NAME [CMD...]\n"
		"#   up      build the lab; running it again changes nothing that is right\n"
		"#   down    remove every namespace of the lab (and the lab's state)\n"
		"#   status  list what differs from the topology; exit 1 if anything does\n"
		"#   check   ping every pair the topology says should talk, and the pairs\n"
		"#           that must not; print the table; exit 1 on any mismatch\n"
		"#   exec    run CMD (default: a shell) in the namespace of domain or host\n"
		"#           NAME, or of the LAN that host NIC NAME=HOST:NIC is plugged into\n"
		"# Exit status: 0 done (status: the lab matches; check: as expected); 1 a\n"
		"# step failed, the lab differs, or check found a mismatch; 2 usage; 3 not\n"
		"# root, or a command is missing.\n");
	strbuf_adds(sb,
		"# Namespaces: netc-TAG-lanN, netc-TAG-dom0-HOST, netc-TAG-domu-DOMAIN, where\n"
		"# TAG is $NETC_LAB_TAG or LAB_DEFAULT_TAG, at the end of this file (from the\n"
		"# lab's own records below, so the same topology in either syntax is the same\n"
		"# lab).  Needs root, ip (iproute2), awk, busybox (ping, udhcpc), and what the\n"
		"# host scripts need (nft, dnsmasq, bridge).  Nothing is made or changed in\n"
		"# the namespace the script runs from.  See netc's docs/lab.md.\n\n");
	strbuf_addf(sb, "LAB_VERSION=%s\n\n", NETC_VERSION);
}

/*
 * What only the written records tell: their tag, and the widths of the
 * check table's columns.  They come last (the script runs lab_main only
 * after them), so the records can leave memory as they are made.
 */
static void add_trailer(struct lab *l, struct strbuf *sb)
{
	uint8_t md[32];

	sha256_final(&l->tag, md);
	strbuf_adds(sb, "\n# The default tag: the first 6 hex digits of the SHA-256 of the records\n"
			"# without their comments (which name source lines).\n");
	strbuf_addf(sb, "LAB_DEFAULT_TAG=%02x%02x%02x\n", md[0], md[1], md[2]);
	strbuf_addf(sb, "LAB_ROW_FORMAT='%%-%zus  %%-%zus  %%-%zus  %%-%zus  %%-%zus  %%-8s  %%s\\n'\n\n",
		    l->w_src, l->w_dst, l->w_addr, l->w_want, l->w_seen);
}

static void add_lans(struct lab *l, struct strbuf *sb)
{
	const struct lab_lan *lan;
	const struct lab_seg *s;
	const struct lab_nic *n;

	IR_FOREACH(const struct lab_lan *, lan, &l->lans) {
		strbuf_addf(sb, "# LAN %u: subnet %s, ", lan->index,
			    cidr_str(l, &lan->seg.subnet, lan->seg.prefix));
		IR_FOREACH(const struct lab_nic *, n, &lan->nics)
			strbuf_addf(sb, "%s%s:%s", n_i ? ", " : "NICs ", n->host->name.s, n->nic->name.s);
		strbuf_addc(sb, '\n');
		strbuf_addf(sb, "lan %u %s %s\n", lan->index,
			    lan->seg.has_addr ? cidr_str(l, &lan->seg.addr, lan->seg.prefix) : "-", lan->label);
		IR_FOREACH(const struct lab_seg *, s, &lan->vlans)
			strbuf_addf(sb, "vlan %u %lld %s\n", lan->index, s->vid,
				    s->has_addr ? cidr_str(l, &s->addr, s->prefix) : "-");
	}
}

static void add_nics(struct lab *l, struct strbuf *sb)
{
	const struct lab_nic *n;
	const char *gw;

	IR_FOREACH(const struct lab_nic *, n, &l->nics) {
		bool first = n->host->nics.items[0] == n->nic;

		add_where(l, sb, &n->nic->name.pos, "host %s NIC %s%s%s", n->host->name.s,
			  n->nic->name.s,
			  n->numbered ? " (no address in the topology: numbered from 192.0.2.0/24)" : "",
			  first ? ", dom0's default route" : "");
		gw = first && n->lan->seg.has_addr ? ip_str(l, &n->lan->seg.addr) : "-";
		strbuf_addf(sb, "nic %s %s %u p%u %s %s\n", n->host->name.s, n->nic->name.s, n->lan->index,
			    n->port, cidr_str(l, &n->cidr.addr, n->cidr.prefix), gw);
	}
}

struct lab_route {
	const struct lab_lan *lan;
	struct ip_addr subnet;
	int prefix;
};

/* Each LAN a host is on knows the way to the host's nat and isolated
 * subnets (first host wins). */
static void add_lan_routes(struct lab *l, struct strbuf *sb)
{
	const struct lab_nic *nic;
	const struct ir_network *n;
	struct vec done = { 0 };
	struct lab_route *r;

	IR_FOREACH(const struct lab_nic *, nic, &l->nics) {
		if (!nic->lan->seg.has_addr || nic->cidr.addr.family != 4)
			continue;
		IR_FOREACH(const struct ir_network *, n, &nic->host->networks) {
			bool seen = false;

			if ((n->mode != MODE_NAT && n->mode != MODE_ISOLATED) || !n->has_subnet ||
			    n->subnet.family != 4)
				continue;
			IR_FOREACH(struct lab_route *, r, &done)
				if (r->lan == nic->lan && r->prefix == n->subnet_prefix &&
				    ip_equal(&r->subnet, &n->subnet))
					seen = true;
			if (seen)
				continue;
			r = arena_new(l->a, struct lab_route);
			r->lan = nic->lan;
			r->subnet = n->subnet;
			r->prefix = n->subnet_prefix;
			vec_push(l->a, &done, r);
			add_where(l, sb, &n->name.pos,
				  "network %s (%s) of host %s, behind %s: LAN %u's route to it",
				  n->name.s, net_mode_name(n->mode), nic->host->name.s,
				  nic->nic->name.s, nic->lan->index);
			strbuf_addf(sb, "lanroute %u %s %s\n", nic->lan->index,
				    cidr_str(l, &n->subnet, n->subnet_prefix), ip_str(l, &nic->cidr.addr));
		}
	}
}

/* A vif's record, and the comment naming its source line. */
static void add_vif(struct lab *l, struct strbuf *sb, const struct ir_vif *v,
		    const struct lab_vif *x)
{
	const struct ir_network *n = v->net;
	char mac[18], addr[64];

	add_where(l, sb, &v->pos, "domain %s vif %u on %s (%s)%s", v->domain->name.s, v->devid,
		  n->name.s, net_mode_name(n->mode), x->dynamic ? ": no ip, asks DHCP" : "");
	strbuf_adds(sb, "vif ");
	strbuf_adds(sb, v->domain->name.s);
	strbuf_addc(sb, ' ');
	strbuf_add_ull(sb, v->devid);
	strbuf_addc(sb, ' ');
	add_words(sb, x->host->name.s, v->backend_name,
		  n->mode == MODE_ROUTE ? "route" : "bridge",
		  n->mode == MODE_ROUTE ? n->gatewaydev.name.s : v->bridge,
		  v->mac_source == MAC_RANDOM ? "random" : mac_format(v->mac, mac),
		  (const char *)NULL);
	if (v->more->mtu.set) {
		strbuf_add_ll(sb, v->more->mtu.v);
		strbuf_addc(sb, ' ');
	} else {
		strbuf_adds(sb, "- ");
	}
	if (x->has_ip) {
		strbuf_adds(sb, ip_format(&x->ip, addr));
		strbuf_addc(sb, '/');
		strbuf_add_ll(sb, x->prefix);
	} else {
		strbuf_addc(sb, '-');
	}
	strbuf_addc(sb, ' ');
	add_words(sb, x->has_gw ? ip_format(&x->gw, addr) : "-", x->is_default ? "1" : "0",
		  (const char *)NULL);
	if (x->dynamic)
		strbuf_add_ll(sb, x->prefix);
	else
		strbuf_addc(sb, '-');
	/* vif-route routes every item of the list: the first is the guest's
	 * own (IP above), the others follow, only where there are any. */
	if (n->mode == MODE_ROUTE && v->more->ips.len > 1) {
		const struct ir_vif_ip *it;

		IR_FOREACH(const struct ir_vif_ip *, it, &v->more->ips) {
			if (!it_i)
				continue;
			strbuf_addc(sb, it_i == 1 ? ' ' : ',');
			strbuf_adds(sb, cidr_format(&(struct ip_cidr){ it->cidr.addr,
				it->cidr.prefix < 0 ? 32 : it->cidr.prefix }, addr));
		}
	}
	strbuf_addc(sb, '\n');
	records_done(l, sb);
}

/*
 * Every vif's plan and its record, domain by domain, each domain's in
 * devid order: its label, its address as rows name it, its place among its
 * network's peers; then the domain's default route, and the records of its
 * vifs that carry it.  One pass while the domain is in the cache: a big
 * topology's vifs outgrow it many times over, and each pass of their own
 * would miss on all of them again.  (The rows need every peer's plan, so
 * they come after, in a pass of their own.)
 */
static void add_vifs(struct lab *l, struct strbuf *sb)
{
	const struct ir_topology *t = l->e->ir;
	const struct ir_network *n;
	const struct ir_domain *d;
	const struct ir_vif *v;
	char addr[64];

	/* The topology's list of vifs holds every domain's. */
	l->vifs = arena_alloc(l->a, (t->vifs.len + 1) * sizeof(*l->vifs));
	/* A network's peers are some of its vifs: never a vector that doubles. */
	l->peers = arena_alloc(l->a, (t->networks.len + 1) * sizeof(*l->peers));
	IR_FOREACH(const struct ir_network *, n, &t->networks)
		vec_reserve(l->a, &l->peers[n->index], n->vifs.len);
	IR_FOREACH(const struct ir_domain *, d, &t->domains) {
		struct lab_vif *first = l->vifs + l->nvifs;

		IR_FOREACH(const struct ir_vif *, v, &d->vifs) {
			struct lab_vif *x = &l->vifs[l->nvifs++];

			x->net = v->net;
			x->domain = d->name.s;
			x->devid = v->devid;
			x->random_mac = v->mac_source == MAC_RANDOM;
			x->host = d->host;
			x->label = arena_printf(l->a, "%s:eth%u", d->name.s, v->devid);
			if (v->net)
				plan_vif(l, v, x);
			x->addr = x->has_ip ? arena_strdup(l->a, ip_format(&x->ip, addr))
					    : arena_printf(l->a, "@%s:%u", d->name.s, v->devid);
			if (v->net && (x->has_ip || x->dynamic)) {
				x->netpos = l->peers[v->net->index].len;
				vec_push(l->a, &l->peers[v->net->index], x);
			}
		}
		plan_default(first, l->vifs + l->nvifs);
		IR_FOREACH(const struct ir_vif *, v, &d->vifs)
			if (v->net)
				add_vif(l, sb, v, first + v_i);
	}
}

static void add_records(struct lab *l, struct strbuf *sb)
{
	const struct ir_topology *t = l->e->ir;
	const struct lab_lan *lan;
	const struct ir_host *h;
	const struct ir_domain *d;

	sha256_init(&l->tag);
	l->hashed = sb->len;
	strbuf_addf(sb,
		"# ---------------------------------------------------------------------------\n"
		"# The lab of %s, as data for the engine below (\"-\": none):\n"
		"#   ns lan N | ns dom0 HOST | ns domu DOMAIN      the namespaces\n"
		"#   lan N ADDRESS LABEL                          LAN N: lan0's address\n"
		"#   vlan N VID ADDRESS                           a tagged segment, lan0.VID\n"
		"#   nic HOST NIC LAN PORT ADDRESS GATEWAY         a NIC: veth to port PORT\n"
		"#   lanroute N SUBNET VIA                        the LAN's way to a subnet\n"
		"#   host HOST I                                  its host script: number I\n"
		"#   vif DOMAIN DEVID HOST BACKEND MODE ATTACH MAC MTU IP GATEWAY DEFAULT DHCP [ROUTES]\n"
		"#     ROUTES: the rest of a route vif's ip list, comma-separated\n"
		"#   row ping|lease|skip ...                      a row of check's table\n"
		"# ---------------------------------------------------------------------------\n"
		"lab_topology() {\n"
		"\tcat <<'NETC_LAB'\n", l->src);
	IR_FOREACH(const struct lab_lan *, lan, &l->lans)
		strbuf_addf(sb, "ns lan %u\n", lan->index);
	IR_FOREACH(const struct ir_host *, h, &t->hosts)
		strbuf_addf(sb, "ns dom0 %s\n", h->name.s);
	IR_FOREACH(const struct ir_domain *, d, &t->domains) {
		strbuf_adds(sb, "ns domu ");
		strbuf_add(sb, d->name.s, d->name.len);
		strbuf_addc(sb, '\n');
		records_done(l, sb);
	}
	add_lans(l, sb);
	add_nics(l, sb);
	add_lan_routes(l, sb);
	IR_FOREACH(const struct ir_host *, h, &t->hosts) {
		add_where(l, sb, &h->name.pos, "host %s%s", h->name.s, h->implicit ? " (implicit)" : "");
		strbuf_addf(sb, "host %s %zu\n", h->name.s, h_i + 1);
	}
	add_vifs(l, sb);
	strbuf_adds(sb, "# check: who should reach whom, and who must not\n");
	add_rows(l, sb);
	strbuf_adds(sb, "NETC_LAB\n}\n\n");
	records_done(l, sb);
}

/*
 * The heredoc delimiter around the host scripts: a line no host script
 * holds.  A host script's lines are sh.c's records and comments (each
 * starts with a keyword and a space, or with '#'), a few fixed lines, and
 * the engine: only the engine could hold a bare word like it, so only the
 * engine is searched.  So the scripts themselves need not be held to be
 * searched: they go out as they are made.
 */
static const char *delimiter(struct lab *l)
{
	for (unsigned k = 0;; k++) {
		const char *d = k ? arena_printf(l->a, "NETC_LAB_HOST_SCRIPT_%u", k) : "NETC_LAB_HOST_SCRIPT";
		size_t n = strlen(d);
		const char *p = sh_engine_text;
		bool clash = false;

		while (p && *p && !clash) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			clash = len == n && memcmp(p, d, n) == 0;
			p = nl ? nl + 1 : NULL;
		}
		if (!clash)
			return d;
	}
}

/* Each host's script, as -t sh --host HOST writes it. */
static int add_host_scripts(struct lab *l, struct strbuf *sb)
{
	const struct ir_host *h;
	const char *d;
	int rc;

	strbuf_adds(sb,
		"# ---------------------------------------------------------------------------\n"
		"# The host scripts: lab_host_script I prints host I's, exactly as\n"
		"# `netc -t sh --host HOST` writes it; `up` runs it in that host's dom0.\n"
		"# ---------------------------------------------------------------------------\n"
		"lab_host_script() {\n"
		"\tcase $1 in\n");
	d = delimiter(l);
	IR_FOREACH(const struct ir_host *, h, &l->e->ir->hosts) {
		struct emit_ctx he = *l->e;

		he.host = h;
		he.domain = NULL;
		strbuf_addf(sb, "\t%zu)\n\t\t# host %s\n\t\tcat <<'%s'\n", h_i + 1, h->name.s, d);
		rc = emit_sh(&he, sb);
		if (rc != EXIT_OK)
			return rc;
		strbuf_addf(sb, "%s\n\t\t;;\n", d);
		strbuf_flush_point(sb);
	}
	strbuf_adds(sb, "\tesac\n}\n\n");
	return EXIT_OK;
}

int emit_lab(const struct emit_ctx *e, struct strbuf *out)
{
	struct lab l = { .e = e, .a = e->arena };
	int rc;

	if (e->host && e->ir->hosts.len > 1) {
		fputs("netc: -t lab builds every host of the topology; it takes no --host\n", stderr);
		return EXIT_USAGE;
	}
	l.src = label_safe(e->arena, e->ir->source_name);
	l.w_src = strlen("SOURCE");
	l.w_dst = strlen("DESTINATION");
	l.w_addr = strlen("ADDRESS");
	l.w_want = strlen("EXPECTED");
	l.w_seen = strlen("OBSERVED");
	strmap_init(&l.held_set);
	strmap_reserve(&l.held_set, e->ir->vifs.len + 1);
	collect_held(&l);
	rc = plan_lans(&l);
	if (rc == EXIT_OK) {
		plan_vlans(&l);
		add_header(&l, out);
		add_records(&l, out);
		rc = add_host_scripts(&l, out);
	}
	if (rc == EXIT_OK) {
		strbuf_adds(out, lab_engine_text);
		add_trailer(&l, out);
		strbuf_adds(out, "lab_main \"$@\"\n");
	}
	strmap_free(&l.held_set);
	return rc;
}
