/* SPDX-License-Identifier: MIT */
#ifndef NETC_IR_H
#define NETC_IR_H

/*
 * The checked topology (docs/language.md): what the user wrote, each value with its
 * position, plus everything lowering resolved (defaults, derived MACs and
 * backend names, references).  The canonical printers read the "as written"
 * fields; every other backend reads the resolved ones.  Backends only read
 * the IR: they never validate or change it.
 *
 * Memory: all of it lives in the compilation's arena; hash tables (strmap)
 * keep their slots in the heap and are released by ir_free().
 */

#include "netaddr.h"
#include "srcpos.h"
#include "util.h"

#include <stdbool.h>
#include <stdint.h>

/** struct ir_str - a string as written; @s is NULL when the key was absent. */
struct ir_str {
	const char *s;
	size_t len;
	struct srcpos pos;
};

/** struct ir_int - an integer as written; @set false when absent. */
struct ir_int {
	long long v;
	bool set;
	struct srcpos pos;
};

struct ir_bool {
	bool v;
	bool set;
	struct srcpos pos;
};

enum net_mode {
	MODE_BRIDGE,
	MODE_ISOLATED,
	MODE_NAT,
	MODE_ROUTE,
};

enum dom_type {
	DOM_PV,
	DOM_PVH,
	DOM_HVM,
};

enum mac_source {
	MAC_DERIVED,
	MAC_EXPLICIT,
	MAC_RANDOM,
};

enum vifname_source {
	VIFNAME_DERIVED,  /* DOMAIN-DEVID, or a hash of them (lower.c) */
	VIFNAME_EXPLICIT, /* the vif's name key */
};

enum iface_kind {
	IFACE_UNKNOWN,    /* unresolved (an error was reported) */
	IFACE_NIC,
	IFACE_BRIDGE,
};

struct ir_network;
struct ir_domain;

/**
 * struct ir_nic - a physical NIC of a host.
 * @address:  as written (s NULL for null); @cidr parsed when @has_cidr.
 * @gateway_s, @gateway, @has_gateway: the map form's gateway, as written
 *            and parsed (dom0's default route when netc gives the bridge
 *            the address: docs/host-script.md).
 * @dns:      the map form's dns servers (struct ir_dns *), in order, when
 *            @dns_set (@dns_pos: the key).
 * @assign:   the map form with an address: the host script gives the bridge
 *            the address (and the gateway) when the NIC holds none.
 * @declared: listed under the host's nics; false for NICs the implicit host
 *            takes as named from uplink/outbound/gatewaydev.
 * @enslaved_by: the bridge network whose uplink it is (untagged), or NULL.
 */
struct ir_nic {
	struct ir_str name;
	struct ir_str address;
	struct ip_cidr cidr;
	bool has_cidr;
	struct ir_str gateway_s;
	struct ip_addr gateway;
	bool has_gateway;
	struct vec dns;
	bool dns_set;
	struct srcpos dns_pos;
	bool assign;
	bool declared;
	struct ir_network *enslaved_by;
};

/**
 * struct ir_host - a dom0.
 * @implicit:  the topology has no hosts map; this is "dom0".
 * @networks:  the networks it carries (struct ir_network *), topology order.
 * @domains:   its guests (struct ir_domain *), topology order.
 * @nvifs:     the number of its guests' vifs.
 * @nic_by_name: struct ir_nic * by name.
 */
struct ir_host {
	struct ir_str name;
	bool implicit;
	struct ir_str address;
	struct ip_addr underlay;
	bool has_underlay;
	struct vec nics;
	struct strmap nic_by_name;
	struct vec networks;
	struct vec domains;
	size_t nvifs;
	size_t index;
};

/**
 * struct ir_ifref - outbound or gatewaydev: a NIC of the host or a bridge.
 * @bridge:   the network when @kind is IFACE_BRIDGE.
 * @inferred: a NIC declared nowhere, taken as named (warning).
 */
struct ir_ifref {
	struct ir_str name;
	enum iface_kind kind;
	struct ir_network *bridge;
	bool inferred;
};

/** struct ir_dns - a DNS server (a network's DHCP hands it out, or a NIC's): as written, parsed. */
struct ir_dns {
	struct ir_str s;
	struct ip_addr addr;
};

/**
 * struct ir_dhcp - a network's dhcp map.
 * @valid:    @range parsed into @first and @last.
 * @lease:    lease time in seconds, when given.
 * @dns_set:  the dns key was given (@dns_pos its key): @dns_self for
 *            `dns: self` (@dns_self_s as written), else @dns holds
 *            struct ir_dns *, in order.
 */
struct ir_dhcp {
	bool set;
	struct srcpos pos;
	struct ir_str range;
	struct ip_addr first, last;
	bool valid;
	struct ir_int lease;
	bool dns_set;
	bool dns_self;
	struct srcpos dns_pos;
	struct ir_str dns_self_s;
	struct vec dns;
};

struct ir_vxlan {
	bool set;
	struct srcpos pos;
	struct ir_int vni;
	struct ir_int port;
};

/**
 * struct ir_network - one network (docs/language.md).  The name is the bridge name.
 * @mode:      resolved mode (@mode_s as written, s NULL if absent).
 * @cidr:      parsed @address when @has_cidr (dom0's address on the bridge).
 * @hosts_set: the hosts key was given; @hosts_list holds struct ir_str *.
 * @on_hosts:  resolved hosts carrying it (struct ir_host *).
 * @port:      the device the bridge enslaves: uplink, or "uplink.vlan"; NULL
 *             when there is no uplink.
 * @subnet, @subnet_prefix, @has_subnet: the network's IPv4/IPv6 subnet when
 *             known: from @address, or from the uplink NIC's address.
 * @gateway:   dom0's address on that subnet when @has_subnet.
 * @vxlan_dev: name of the VXLAN device ("vxlanVNI") when @vxlan is set.
 * @vifs:      attached vifs (struct ir_vif *), topology order.
 */
struct ir_network {
	struct ir_str name;
	struct srcpos pos;
	struct ir_str mode_s;
	enum net_mode mode;
	struct ir_str uplink;
	struct ir_int vlan;
	struct ir_str address;
	struct ip_cidr cidr;
	bool has_cidr;
	struct ir_ifref outbound;
	struct ir_dhcp dhcp;
	struct ir_ifref gatewaydev;
	struct ir_int mtu;
	struct ir_bool stp;
	struct ir_int forward_delay;
	bool hosts_set;
	struct srcpos hosts_pos;
	struct vec hosts_list;
	struct ir_vxlan vxlan;

	struct vec on_hosts;
	const char *port;
	struct ip_addr subnet;
	int subnet_prefix;
	bool has_subnet;
	struct ip_addr gateway;
	const char *vxlan_dev;
	struct vec vifs;
	size_t index;
};

enum ir_xl_kind {
	XL_INT,
	XL_BOOL,
	XL_STRING,
	XL_LIST,
};

/**
 * struct ir_xl_value - an xl passthrough value: a scalar or a list of scalars.
 * @s, @len: a scalar as written (unescaped): the string of XL_STRING.
 * @b:       XL_BOOL's value.
 * @i:       XL_INT's value; @items: struct ir_xl_value * (XL_LIST).  Never
 *           both, so they share their bytes: a big host has a few of
 *           these per guest (64 bytes each, not 80).
 */
struct ir_xl_value {
	enum ir_xl_kind kind;
	bool b;
	struct srcpos pos;
	const char *s;
	size_t len;
	union {
		long long i;
		struct vec items;
	};
};

struct ir_xl {
	struct ir_str key;
	struct ir_xl_value *value;
};

/**
 * struct ir_domain - a guest (docs/language.md).
 * @vifs: struct ir_vif *, devid order; @xl: struct ir_xl *, source order.
 * @host: resolved host.
 * What the passes over every vif read of a vif's domain comes first.
 */
struct ir_domain {
	struct ir_str name;
	struct ir_int id;
	enum dom_type type;
	struct ir_host *host;
	struct vec vifs;
	struct srcpos pos;
	struct ir_str host_s;
	struct ir_str type_s;
	bool vifs_set;
	bool xl_set;
	struct vec xl;
	size_t index;
};

/**
 * struct ir_vif_ip - one item of a vif's ip list: as written, and parsed
 * (@cidr.prefix -1 when the text had none; @cidr.addr.family 0 when it did
 * not parse, which the schema reported).
 */
struct ir_vif_ip {
	struct ir_str s;
	struct ip_cidr cidr;
};

/**
 * struct ir_vif_more - the keys of a vif that few vifs have (docs/language.md),
 * out of line: a vif without any (nearly every vif of a big host) points at
 * the shared, empty ir_vif_none and is 192 bytes smaller for it.
 * @ip_list:  ip was written as a list (only a route vif may; vif-route routes
 *            each item); @ips holds its items (struct ir_vif_ip *), the
 *            first of which is also the vif's @ip, and @ips_pos the list.
 */
struct ir_vif_more {
	struct ir_str rate;
	struct ir_int mtu;
	struct ir_str model;
	struct ir_str type;
	struct ir_str script;
	struct ir_str backend;
	struct ir_bool antispoof;
	bool ip_list;
	struct srcpos ips_pos;
	struct vec ips;
};

extern const struct ir_vif_more ir_vif_none;

/**
 * struct ir_vif - a guest NIC (docs/language.md).
 * @domain, @devid: whose it is (devid: its place in the domain's list).
 * @net:        resolved network (NULL after an error).
 * @mac:        resolved MAC (meaningless for MAC_RANDOM).
 * @has_ip, @ip, @ip_prefix: parsed @ip_s (prefix -1 when not written); for
 *              a list, its first item.  An IPv6 @ip_s leaves @has_ip false
 *              and @ip of family 6, for checks to say why it cannot be.
 * @backend_name: resolved backend interface name (vifname=).
 * @bridge:     the bridge xl's vif-bridge enslaves it to; NULL in route mode.
 * @pos:        the vif's map (its `{` or `-`).
 * @more:       rate, mtu, model, type, script, backend; never NULL.
 * The members the passes over every vif read come first (with @network and
 * @name, whose strings they test), so that such a pass, over hundreds of
 * thousands of vifs, reads two cache lines of each, not all of them.
 */
struct ir_vif {
	struct ir_domain *domain;
	unsigned devid;
	enum mac_source mac_source;
	struct ir_network *net;
	const char *backend_name;
	enum vifname_source name_source;
	uint8_t mac[6];
	bool has_ip;
	int ip_prefix;
	struct ip_addr ip;
	const char *bridge;
	struct ir_str network;
	struct ir_str name;

	struct srcpos pos;
	struct ir_str mac_s;
	struct ir_str ip_s;
	const struct ir_vif_more *more;
};

/**
 * struct ir_topology - the whole checked topology.
 * @sha256:        hex SHA-256 of the source bytes, for output headers; filled
 *                 in before a backend whose table row says cites_source runs.
 * @source_name:   the input's name as given on the command line.
 * @mac_prefix:    resolved prefix bytes; @mac_local: locally administered
 *                 mode (only the first octet's low bits are fixed).
 * @mac_seed:      defaults.mac-seed (s NULL: the legacy derivation).
 * @first_derived_mac, @derived_macs: the first vif (topology order) whose
 *                 MAC is derived, and how many are (lowering counts them).
 * @default_network: resolved defaults.network, or the only network.
 * @vifs:          every domain's vifs (struct ir_vif *), topology order.
 */
struct ir_topology {
	const char *source_name;
	char sha256[65];
	struct ir_int version;
	bool defaults_set;
	struct srcpos defaults_pos;
	struct ir_str mac_prefix_s;
	struct ir_str mac_seed;
	struct ir_str default_network_s;
	const struct ir_vif *first_derived_mac;
	size_t derived_macs;
	uint8_t mac_prefix[3];
	bool mac_local;
	struct ir_network *default_network;
	bool hosts_set;
	struct vec hosts;
	struct vec networks;
	struct vec domains;
	struct vec vifs;
	struct strmap host_by_name;
	struct strmap net_by_name;
	struct strmap dom_by_name;
};

#define IR_FOREACH(type, var, vecp) \
	for (size_t var##_i = 0; var##_i < (vecp)->len && ((var) = (type)(vecp)->items[var##_i], 1); var##_i++)

/*
 * The vifs of @vecp (struct ir_vif *: t->vifs, a network's or a domain's).
 * A big topology's vifs outgrow the caches many times over, and passes over
 * every vif are many: this loop asks for the vifs IR_VIF_AHEAD places on
 * (the members ir_vif puts first) and for their domains half as far on, so
 * that the cache misses of one pass overlap instead of stalling it vif by
 * vif.
 */
#define IR_VIF_AHEAD 16

static inline struct ir_vif *ir_vif_at(const struct vec *v, size_t i)
{
	if (i + IR_VIF_AHEAD < v->len) {
		const char *ahead = v->items[i + IR_VIF_AHEAD];

		__builtin_prefetch(ahead);
		__builtin_prefetch(ahead + 64);
		__builtin_prefetch(ahead + 128);
	}
	if (i + IR_VIF_AHEAD / 2 < v->len) {
		const struct ir_vif *half = v->items[i + IR_VIF_AHEAD / 2];

		__builtin_prefetch(half->domain);
		__builtin_prefetch((const char *)half->domain + 64);
	}
	return v->items[i];
}

#define IR_FOREACH_VIF(var, vecp) \
	for (size_t var##_i = 0; var##_i < (vecp)->len && ((var) = ir_vif_at((vecp), var##_i), 1); var##_i++)

void ir_free(struct ir_topology *t);

const char *net_mode_name(enum net_mode m);
const char *dom_type_name(enum dom_type t);
struct ir_network *ir_network_find(const struct ir_topology *t, const char *name);
struct ir_host *ir_host_find(const struct ir_topology *t, const char *name);
struct ir_domain *ir_domain_find(const struct ir_topology *t, const char *name);
bool ir_network_on_host(const struct ir_network *n, const struct ir_host *h);
/* Does the mode make a Linux bridge? (all but route) */
bool net_mode_has_bridge(enum net_mode m);
/* Does backend name @s start like Xen's own names, "vif" and a digit? */
bool ir_vifname_reserved(const char *s, size_t len);

/*
 * What xl's vif spec says for @v where the topology leaves a default to xl
 * (docs/xl.md): the MTU, the vif's own else its network's (0: neither has
 * one); the hotplug script, the vif's own else vif-route for a route vif,
 * vif-bridge for the others (NULL while the network is unresolved).
 */
long long ir_vif_mtu(const struct ir_vif *v);
const char *ir_vif_script(const struct ir_vif *v, size_t *len);
/*
 * Does the host script restrict what @v may send (its MAC, its ips)?  Its
 * antispoof key, else on where it declares an ip.
 */
bool ir_vif_antispoof(const struct ir_vif *v);

#endif
