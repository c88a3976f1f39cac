/* SPDX-License-Identifier: MIT */
#ifndef NETC_CHECKS_H
#define NETC_CHECKS_H

#include <stdbool.h>
#include <stdio.h>

struct compilation;

/*
 * The one table of named checks (docs/language.md).  Every diagnostic netc prints
 * belongs to one of them.  Columns: identifier, name for -W and
 * --list-checks, default severity (ERROR, WARNING, or OFF for a warning
 * enabled only by -W NAME), one-line summary.  The front ends and the schema
 * report the first group while reading; checks.c runs the others, in table
 * order, on the lowered IR.
 */
#define NETC_CHECKS(X)                                                         \
	X(SYNTAX, "syntax", ERROR,                                             \
	  "the input follows the YAML or netc grammar")                        \
	X(ENCODING, "encoding", ERROR,                                         \
	  "the input is UTF-8 text without NUL bytes, within the size limit")  \
	X(YAML_FEATURE, "yaml-feature", ERROR,                                 \
	  "no YAML anchors, aliases, tags, merge keys or second documents")    \
	X(NESTING, "nesting", ERROR,                                           \
	  "maps and lists nest at most 32 levels deep")                        \
	X(DUPLICATE_KEY, "duplicate-key", ERROR,                               \
	  "no key or name appears twice in one mapping")                       \
	X(UNKNOWN_KEY, "unknown-key", ERROR,                                   \
	  "every key is one the topology model has")                           \
	X(TYPE, "type", ERROR,                                                 \
	  "every value has its key's type (integer, boolean, string, map, list)") \
	X(MISSING_KEY, "missing-key", ERROR,                                   \
	  "required keys are present (version; nat address and outbound; route gatewaydev)") \
	X(VERSION, "version", ERROR,                                           \
	  "the topology says version 1")                                       \
	X(RANGE, "range", ERROR,                                               \
	  "numbers lie in their ranges (id, vlan, mtu, forward-delay, vni, port, lease)") \
	X(OBSOLETE_ID, "obsolete-id", WARNING,                                 \
	  "a domain's id is obsolete and does nothing (xl cannot choose a domain id)") \
	X(INTERFACE_NAME, "interface-name", ERROR,                             \
	  "interface names are 1-15 bytes of [A-Za-z0-9_.-], not '.' or '..'") \
	X(NAME, "name", ERROR,                                                 \
	  "domain and host names are 1-64 bytes of [A-Za-z0-9_.-]")            \
	X(VALUE, "value", ERROR,                                               \
	  "strings have their key's form (mac-prefix, rate, model, script, backend, dhcp range, xl keys)") \
	X(MAC, "mac", ERROR,                                                   \
	  "MACs are six hex octets, unicast and not all-zero")                 \
	X(NETBACK_MAC, "netback-mac", ERROR,                                   \
	  "no MAC or mac-prefix can be fe:ff:ff:ff:ff:ff, netback's own")      \
	X(RATE_INTERVAL, "rate-interval", ERROR,                               \
	  "a vif's rate lets at least one 1500-byte frame through per interval") \
	X(ADDRESS, "address", ERROR,                                           \
	  "addresses are valid IPv4/IPv6, with a prefix where a subnet is meant") \
	X(MODE_KEY, "mode-key", ERROR,                                         \
	  "keys match the network's mode (uplink and vlan only in bridge mode, ...)") \
	X(UNDEFINED_HOST, "undefined-host", ERROR,                             \
	  "domains and networks name hosts that exist; domains name one when there are several") \
	X(UNDEFINED_NETWORK, "undefined-network", ERROR,                       \
	  "every vif resolves to a network that exists on its domain's host")  \
	X(UNDEFINED_INTERFACE, "undefined-interface", ERROR,                   \
	  "uplink, outbound and gatewaydev name a NIC of the host or a bridge of the topology") \
	X(UNDEFINED_DOMAIN, "undefined-domain", ERROR,                         \
	  "a vif's backend is Domain-0 or another domain of the topology on its host") \
	X(INFERRED_INTERFACE, "inferred-interface", WARNING,                   \
	  "outbound or gatewaydev names a NIC declared nowhere (taken as named)") \
	X(ENSLAVED_INTERFACE, "enslaved-interface", ERROR,                     \
	  "outbound and gatewaydev do not name a NIC that a bridge enslaves")  \
	X(SHARED_UPLINK, "shared-uplink", ERROR,                               \
	  "no two networks on one host enslave the same uplink (and VLAN)")    \
	X(DUPLICATE_INTERFACE, "duplicate-interface", ERROR,                   \
	  "bridges, NICs, VLAN devices and backend vifs of one host have distinct names") \
	X(VIFNAME_DOT, "vifname-dot", ERROR,                                   \
	  "backend vif names hold no '.' (Xen's set_mtu splits them at dots)") \
	X(VIFNAME_RESERVED, "vifname-reserved", ERROR,                         \
	  "backend vif names do not start with vif and a digit (Xen's own names)") \
	X(VIFNAME_LENGTH, "vifname-length", ERROR,                             \
	  "backend vif names fit in 15 bytes, 11 for hvm (xl appends -emu)")   \
	X(DUPLICATE_MAC, "duplicate-mac", ERROR,                               \
	  "explicit MACs are unique across the topology")                      \
	X(MAC_COLLISION, "mac-collision", WARNING,                             \
	  "without mac-seed, a derived MAC collided and was derived again")    \
	X(MAC_SEED_COLLISION, "mac-seed-collision", ERROR,                     \
	  "with mac-seed, no derived MAC equals another vif's MAC")            \
	X(NAME_COLLISION, "name-collision", WARNING,                           \
	  "a derived backend vif name was taken and was derived again")        \
	X(RANDOM_MAC, "random-mac", WARNING,                                   \
	  "mac: random makes Xen pick a new MAC at every start")               \
	X(PV_IOEMU, "pv-ioemu", ERROR,                                         \
	  "type: ioemu only on hvm guests (libxl refuses it on pv and pvh)")   \
	X(IGNORED_MODEL, "ignored-model", WARNING,                             \
	  "model only where an emulated NIC uses it (hvm, not type: vif)")     \
	X(IGNORED_ANTISPOOF, "ignored-antispoof", WARNING,                     \
	  "antispoof: true where there is nothing to hold the vif to")         \
	X(VIF_SCRIPT, "vif-script", ERROR,                                     \
	  "a stock Xen hotplug script fits its vif's network (no vif-openvswitch, ...)") \
	X(VIF_MTU, "vif-mtu", ERROR,                                           \
	  "a vif's mtu is not above its network's")                            \
	X(ROUTE_IP, "route-ip", ERROR,                                         \
	  "route vifs have an IPv4 ip or list of them; only they take a list") \
	X(IP_SUBNET, "ip-subnet", ERROR,                                       \
	  "vif ips lie inside their network's subnet and are usable host addresses") \
	X(IP_IS_GATEWAY, "ip-is-gateway", ERROR,                               \
	  "no vif ip equals its network's gateway address")                    \
	X(DUPLICATE_IP, "duplicate-ip", ERROR,                                 \
	  "no address is used twice on one network")                           \
	X(DHCP_RANGE, "dhcp-range", ERROR,                                     \
	  "DHCP ranges lie inside the subnet and hold neither the gateway nor an unreservable ip") \
	X(DHCP_DNS, "dhcp-dns", ERROR,                                         \
	  "DNS servers handed out by DHCP are distinct and reachable from the network") \
	X(NIC_GATEWAY, "nic-gateway", ERROR,                                   \
	  "a NIC's gateway is an address of its subnet, not its own; it needs the NIC's address") \
	X(NIC_DNS, "nic-dns", ERROR,                                           \
	  "a NIC's dns servers are distinct IP addresses; they need the NIC's address") \
	X(SUBNET_OVERLAP, "subnet-overlap", ERROR,                             \
	  "subnets of different networks and NICs on one host do not overlap") \
	X(VXLAN, "vxlan", ERROR,                                               \
	  "VXLAN ids are unique; hosts joined by one have an address and share no dom0 address") \
	X(UNUSED_NETWORK, "unused-network", OFF,                               \
	  "every network has at least one vif (off unless -W unused-network)") \
	X(LEGACY_MAC, "legacy-mac", WARNING,                                   \
	  "MACs are derived without defaults.mac-seed (the same at every site)")

enum check_id {
#define X(id, name, sev, summary) CHECK_##id,
	NETC_CHECKS(X)
#undef X
	CHECK_COUNT
};

enum check_level {
	CHECK_OFF,
	CHECK_WARNING,
	CHECK_ERROR,
};

/**
 * struct check_info - one row of the check table.
 * @name:    the name -W takes and diagnostics print.
 * @level:   default level.
 * @summary: one line for --list-checks.
 * @run:     the check over the lowered IR; NULL for checks the readers perform.
 */
struct check_info {
	const char *name;
	enum check_level level;
	const char *summary;
	void (*run)(struct compilation *c);
};

extern const struct check_info check_table[CHECK_COUNT];

int check_lookup(const char *name);
void checks_list(FILE *out);
void checks_run(struct compilation *c);

#endif
