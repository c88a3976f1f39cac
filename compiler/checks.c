/* SPDX-License-Identifier: MIT */
/*
 * The checks of docs/language.md that relate values to each other, run in table
 * order over the lowered IR.  Each uses hash tables or one sort: nothing here
 * compares every item with every other.
 */
#include "checks.h"
#include "compile.h"

#include <stdlib.h>
#include <string.h>

static void check_undefined_host(struct compilation *c);
static void check_undefined_network(struct compilation *c);
static void check_mode_keys(struct compilation *c);
static void check_interfaces(struct compilation *c);
static void check_port_names(struct compilation *c);
static void check_shared_uplink(struct compilation *c);
static void check_duplicate_interface(struct compilation *c);
static void check_vifname_length(struct compilation *c);
static void check_macs(struct compilation *c);
static void check_vif_keys(struct compilation *c);
static void check_ips(struct compilation *c);
static void check_dhcp_range(struct compilation *c);
static void check_dhcp_dns(struct compilation *c);
static void check_subnet_overlap(struct compilation *c);
static void check_vxlan(struct compilation *c);
static void check_unused_network(struct compilation *c);
static void check_legacy_mac(struct compilation *c);

#define RUN_NONE NULL
#define RUN_SYNTAX RUN_NONE
#define RUN_ENCODING RUN_NONE
#define RUN_YAML_FEATURE RUN_NONE
#define RUN_NESTING RUN_NONE
#define RUN_DUPLICATE_KEY RUN_NONE
#define RUN_UNKNOWN_KEY RUN_NONE
#define RUN_TYPE RUN_NONE
#define RUN_MISSING_KEY RUN_NONE
#define RUN_VERSION RUN_NONE
#define RUN_RANGE RUN_NONE
#define RUN_OBSOLETE_ID RUN_NONE               /* schema.c */
#define RUN_INTERFACE_NAME check_port_names
#define RUN_NAME RUN_NONE
#define RUN_VALUE RUN_NONE
#define RUN_MAC RUN_NONE
#define RUN_NETBACK_MAC RUN_NONE               /* schema.c */
#define RUN_RATE_INTERVAL RUN_NONE             /* schema.c */
#define RUN_ADDRESS RUN_NONE
#define RUN_MODE_KEY check_mode_keys
#define RUN_UNDEFINED_HOST check_undefined_host
#define RUN_UNDEFINED_NETWORK check_undefined_network
#define RUN_UNDEFINED_INTERFACE check_interfaces
#define RUN_UNDEFINED_DOMAIN RUN_NONE          /* check_vif_keys */
#define RUN_INFERRED_INTERFACE RUN_NONE        /* check_interfaces */
#define RUN_ENSLAVED_INTERFACE RUN_NONE        /* check_interfaces */
#define RUN_SHARED_UPLINK check_shared_uplink
#define RUN_DUPLICATE_INTERFACE check_duplicate_interface
#define RUN_VIFNAME_DOT RUN_NONE               /* schema.c */
#define RUN_VIFNAME_RESERVED RUN_NONE          /* schema.c */
#define RUN_VIFNAME_LENGTH check_vifname_length
#define RUN_DUPLICATE_MAC check_macs
#define RUN_MAC_COLLISION RUN_NONE             /* lower.c, while deriving */
#define RUN_MAC_SEED_COLLISION RUN_NONE        /* lower.c, while deriving */
#define RUN_NAME_COLLISION RUN_NONE            /* lower.c, while deriving */
#define RUN_RANDOM_MAC RUN_NONE                /* check_macs */
#define RUN_PV_IOEMU RUN_NONE                  /* check_vif_keys */
#define RUN_IGNORED_MODEL RUN_NONE             /* check_vif_keys */
#define RUN_IGNORED_ANTISPOOF RUN_NONE         /* check_vif_keys */
#define RUN_VIF_SCRIPT RUN_NONE                /* check_vif_keys */
#define RUN_VIF_MTU RUN_NONE                   /* check_vif_keys */
#define RUN_ROUTE_IP check_vif_keys
#define RUN_IP_SUBNET check_ips
#define RUN_IP_IS_GATEWAY RUN_NONE             /* check_ips */
#define RUN_DUPLICATE_IP RUN_NONE              /* check_ips */
#define RUN_DHCP_RANGE check_dhcp_range
#define RUN_DHCP_DNS check_dhcp_dns
#define RUN_NIC_GATEWAY RUN_NONE               /* schema.c */
#define RUN_NIC_DNS RUN_NONE                   /* schema.c */
#define RUN_SUBNET_OVERLAP check_subnet_overlap
#define RUN_VXLAN check_vxlan
#define RUN_UNUSED_NETWORK check_unused_network
#define RUN_LEGACY_MAC check_legacy_mac         /* last: it needs the error count */

const struct check_info check_table[CHECK_COUNT] = {
#define X(id, nm, lvl, sum) [CHECK_##id] = { nm, CHECK_##lvl, sum, RUN_##id },
	NETC_CHECKS(X)
#undef X
};

int check_lookup(const char *name)
{
	for (int i = 0; i < CHECK_COUNT; i++)
		if (strcmp(check_table[i].name, name) == 0)
			return i;
	return -1;
}

void checks_list(FILE *out)
{
	static const char *const level[] = { "off", "warning", "error" };

	for (int i = 0; i < CHECK_COUNT; i++)
		fprintf(out, "%-20s %-8s %s\n", check_table[i].name, level[check_table[i].level],
			check_table[i].summary);
}

void checks_run(struct compilation *c)
{
	for (int i = 0; i < CHECK_COUNT && !c->diag.too_many; i++)
		if (check_table[i].run)
			check_table[i].run(c);
}

/* ---- helpers ---- */

#define D(c) (&(c)->diag)
#define A(c) (&(c)->arena)

static const char *vif_label(struct compilation *c, const struct ir_vif *v)
{
	return arena_printf(A(c), "vif %u of domain '%s'", v->devid, v->domain->name.s);
}

/* " on host 'h'" when the topology spells out its hosts, else "". */
static const char *on_host(struct compilation *c, const struct ir_host *h)
{
	return h->implicit ? "" : arena_printf(A(c), " on host '%s'", h->name.s);
}

/* NULL-terminated name arrays for did-you-mean notes. */
static const char *const *names_of(struct compilation *c, const struct vec *v)
{
	const char **out = arena_alloc(A(c), (v->len + 1) * sizeof(*out));

	for (size_t i = 0; i < v->len; i++)
		out[i] = ((const struct ir_str *)v->items[i])->s;     /* name is first */
	return out;
}

static void suggest(struct compilation *c, const struct srcpos *pos, const struct ir_str *word,
		    const char *const *cand)
{
	if (D(c)->last)
		diag_suggest(D(c), pos, arena_strndup(A(c), word->s, word->len), cand);
}

static const char *ip_text(struct compilation *c, const struct ip_addr *a)
{
	char buf[64];

	return arena_strdup(A(c), ip_format(a, buf));
}

static const char *subnet_text(struct compilation *c, const struct ip_addr *a, int prefix)
{
	char buf[64];

	return arena_printf(A(c), "%s/%d", ip_format(a, buf), prefix);
}

/* ---- references ---- */

static void check_undefined_host(struct compilation *c)
{
	const struct ir_topology *t = c->ir;
	const struct ir_network *n;
	const struct ir_domain *d;
	const struct ir_str *hs;
	const char *const *hosts = names_of(c, &t->hosts);

	IR_FOREACH(const struct ir_network *, n, &t->networks) {
		IR_FOREACH(const struct ir_str *, hs, &n->hosts_list) {
			if (ir_host_find(t, hs->s))
				continue;
			diag_report(D(c), CHECK_UNDEFINED_HOST, &hs->pos, "host '%s' is not defined%s",
				    hs->s, t->hosts_set ? "" : " (the topology has no hosts map)");
			if (t->hosts_set)
				suggest(c, &hs->pos, hs, hosts);
		}
	}
	IR_FOREACH(const struct ir_domain *, d, &t->domains) {
		if (d->host_s.s && !d->host) {
			diag_report(D(c), CHECK_UNDEFINED_HOST, &d->host_s.pos, "host '%s' is not defined%s",
				    d->host_s.s, t->hosts_set ? "" : " (the topology has no hosts map)");
			if (t->hosts_set)
				suggest(c, &d->host_s.pos, &d->host_s, hosts);
		} else if (!d->host_s.s && !d->host) {
			diag_report(D(c), CHECK_UNDEFINED_HOST, &d->name.pos,
				    "domain '%s' needs 'host': the topology has %zu hosts", d->name.s,
				    t->hosts.len);
		}
	}
}

static void check_undefined_network(struct compilation *c)
{
	const struct ir_topology *t = c->ir;
	const struct ir_vif *v;
	const char *const *nets = names_of(c, &t->networks);

	if (t->default_network_s.s && !t->default_network) {
		diag_report(D(c), CHECK_UNDEFINED_NETWORK, &t->default_network_s.pos,
			    "network '%s' is not defined", t->default_network_s.s);
		suggest(c, &t->default_network_s.pos, &t->default_network_s, nets);
	}
	/* A resolved vif's network name is not read: at 50k domains, every
	 * field that a walk over all the vifs reads may cost a cache miss a vif. */
	IR_FOREACH_VIF(v, &t->vifs) {
		const struct ir_domain *d = v->domain;

		if (!v->net && v->network.s) {
			diag_report(D(c), CHECK_UNDEFINED_NETWORK, &v->network.pos,
				    "network '%s' is not defined", v->network.s);
			suggest(c, &v->network.pos, &v->network, nets);
		} else if (!v->net && !t->default_network_s.s) {
			if (t->networks.len == 0)
				diag_report(D(c), CHECK_UNDEFINED_NETWORK, &v->pos,
					    "%s has no network to attach to: the topology defines none",
					    vif_label(c, v));
			else
				diag_report(D(c), CHECK_UNDEFINED_NETWORK, &v->pos,
					    "%s names no network, and there are %zu: "
					    "give it 'network' or set defaults.network",
					    vif_label(c, v), t->networks.len);
		} else if (v->net && d->host && !ir_network_on_host(v->net, d->host)) {
			const struct srcpos *p = v->network.s ? &v->network.pos : &v->pos;

			diag_report(D(c), CHECK_UNDEFINED_NETWORK, p,
				    "network '%s' is not on host '%s', where domain '%s' runs",
				    v->net->name.s, d->host->name.s, d->name.s);
			diag_note(D(c), &v->net->hosts_pos, "network '%s' lists its hosts here",
				  v->net->name.s);
		}
	}
}

/* Keys that only some modes take, and the keys some modes need. */
static void mode_key(struct compilation *c, const struct ir_network *n, const struct srcpos *pos,
		     const char *key, const char *modes)
{
	diag_report(D(c), CHECK_MODE_KEY, pos, "'%s' does not apply to %s network '%s' (only %s)",
		    key, net_mode_name(n->mode), n->name.s, modes);
}

static void need_key(struct compilation *c, const struct ir_network *n, const char *key,
		     const char *what)
{
	diag_report(D(c), CHECK_MISSING_KEY, &n->name.pos, "%s network '%s' needs '%s' (%s)",
		    net_mode_name(n->mode), n->name.s, key, what);
}

static void check_mode_keys(struct compilation *c)
{
	const struct ir_network *n;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		enum net_mode m = n->mode;

		if (n->uplink.s && m != MODE_BRIDGE)
			mode_key(c, n, &n->uplink.pos, "uplink", "bridge");
		if (n->vlan.set && m != MODE_BRIDGE)
			mode_key(c, n, &n->vlan.pos, "vlan", "bridge");
		else if (n->vlan.set && !n->uplink.s)
			diag_report(D(c), CHECK_MODE_KEY, &n->vlan.pos,
				    "'vlan' needs 'uplink': the VLAN device is made on the uplink");
		if (n->address.s && m == MODE_ROUTE)
			mode_key(c, n, &n->address.pos, "address", "isolated, nat, bridge");
		else if (n->address.s && m == MODE_BRIDGE && n->uplink.s && !n->vlan.set)
			diag_report(D(c), CHECK_MODE_KEY, &n->address.pos,
				    "'address' does not go with 'uplink' on bridge '%s': "
				    "the bridge takes over the uplink's addresses", n->name.s);
		if (n->outbound.name.s && m != MODE_NAT)
			mode_key(c, n, &n->outbound.name.pos, "outbound", "nat");
		if (n->dhcp.set && m != MODE_ISOLATED && m != MODE_NAT)
			mode_key(c, n, &n->dhcp.pos, "dhcp", "isolated, nat");
		if (n->gatewaydev.name.s && m != MODE_ROUTE)
			mode_key(c, n, &n->gatewaydev.name.pos, "gatewaydev", "route");
		if (m == MODE_ROUTE) {
			if (n->mtu.set)
				mode_key(c, n, &n->mtu.pos, "mtu", "bridge, isolated, nat");
			if (n->stp.set)
				mode_key(c, n, &n->stp.pos, "stp", "bridge, isolated, nat");
			if (n->forward_delay.set)
				mode_key(c, n, &n->forward_delay.pos, "forward-delay", "bridge, isolated, nat");
		} else if (n->forward_delay.set && !(n->stp.set && n->stp.v)) {
			diag_report(D(c), CHECK_MODE_KEY, &n->forward_delay.pos,
				    "'forward-delay' applies only with 'stp: true'");
		}
		if (n->vxlan.set && m != MODE_BRIDGE && m != MODE_ISOLATED)
			mode_key(c, n, &n->vxlan.pos, "vxlan", "bridge, isolated");
		if ((m == MODE_ISOLATED || m == MODE_NAT) && !n->address.s)
			need_key(c, n, "address", m == MODE_NAT ? "the guests' gateway, e.g. 10.0.2.1/24"
							       : "dom0's address on it, e.g. 10.0.1.1/24");
		if (m == MODE_NAT && !n->outbound.name.s)
			need_key(c, n, "outbound", "the interface NATed traffic leaves by");
		if (m == MODE_ROUTE && !n->gatewaydev.name.s)
			need_key(c, n, "gatewaydev", "the dom0 interface whose address routed guests use");
		if (m == MODE_NAT && n->has_cidr && n->cidr.addr.family != 4)
			diag_report(D(c), CHECK_ADDRESS, &n->address.pos,
				    "nat network '%s' needs an IPv4 address", n->name.s);
	}
}

/* An ip of @v that is IPv6: @text, as written and where. */
static void ip6_error(struct compilation *c, const struct ir_vif *v, const struct ir_str *text)
{
	const char *ip = diag_quote(A(c), text->s, text->len);

	if (v->net && v->net->mode == MODE_ROUTE)
		diag_report(D(c), CHECK_ROUTE_IP, &text->pos,
			    "ip '%s' of %s is IPv6; vif-route routes IPv4 addresses only", ip,
			    vif_label(c, v));
	else
		diag_report(D(c), CHECK_ADDRESS, &text->pos,
			    "ip '%s' of %s is IPv6; a vif's ip is an IPv4 address", ip, vif_label(c, v));
}

static void check_route_ip(struct compilation *c, const struct ir_vif *v)
{
	const struct ir_vif_more *m = v->more;
	const struct ir_vif_ip *it;
	bool route = v->net && v->net->mode == MODE_ROUTE;

	if (route && !v->ip_s.s && !m->ip_list)
		diag_report(D(c), CHECK_ROUTE_IP, &v->pos,
			    "%s is on route network '%s' and needs 'ip' "
			    "(vif-route routes that address to it)",
			    vif_label(c, v), v->net->name.s);
	if (m->ip_list && v->net && !route) {
		diag_report(D(c), CHECK_ROUTE_IP, &m->ips_pos,
			    "'ip' of %s is a list, but %s network '%s' takes one address: "
			    "only a route vif takes a list (vif-route routes each item)",
			    vif_label(c, v), net_mode_name(v->net->mode), v->net->name.s);
		return;
	}
	if (m->ip_list) {
		IR_FOREACH(const struct ir_vif_ip *, it, &m->ips)
			if (it->cidr.addr.family == 6)
				ip6_error(c, v, &it->s);
	} else if (v->ip_s.s && !v->has_ip && v->ip.family == 6) {
		ip6_error(c, v, &v->ip_s);
	}
}

/* ---- what libxl and the hotplug scripts make of a vif's keys ---- */

static bool str_is(const struct ir_str *s, const char *word)
{
	return s->s && s->len == strlen(word) && memcmp(s->s, word, s->len) == 0;
}

/* A stock Xen hotplug script (by its base name) on a network it cannot
 * serve.  Others (a site's own wrappers) are not netc's to judge. */
static void check_vif_script(struct compilation *c, const struct ir_vif *v)
{
	const struct ir_str *sc = &v->more->script;
	const struct ir_network *n = v->net;
	const char *slash = memrchr(sc->s, '/', sc->len);
	struct ir_str base = *sc;
	const char *why = NULL;

	if (slash) {
		base.s = slash + 1;
		base.len = sc->len - (size_t)(base.s - sc->s);
	}
	if (str_is(&base, "vif-openvswitch"))
		why = net_mode_has_bridge(n->mode)
			      ? "it needs an Open vSwitch bridge, and netc's bridges are Linux bridges"
			      : "it needs an Open vSwitch bridge, and a route network has none";
	else if (str_is(&base, "vif-bridge") && !net_mode_has_bridge(n->mode))
		why = "it enslaves the vif to a bridge, and a route network has none (its script is vif-route)";
	else if (str_is(&base, "vif-route") && net_mode_has_bridge(n->mode))
		why = "it routes the vif instead of enslaving it to the network's bridge (its script is vif-bridge)";
	if (why)
		diag_report(D(c), CHECK_VIF_SCRIPT, &sc->pos,
			    "script '%s' of %s cannot serve %s network '%s': %s",
			    diag_quote(A(c), sc->s, sc->len), vif_label(c, v), net_mode_name(n->mode),
			    n->name.s, why);
}

static void check_vif_more(struct compilation *c, const struct ir_vif *v)
{
	const struct ir_vif_more *m = v->more;
	const struct ir_network *n = v->net;
	bool hvm = v->domain->type == DOM_HVM, ioemu = str_is(&m->type, "ioemu");

	if (ioemu && !hvm)
		diag_report(D(c), CHECK_PV_IOEMU, &m->type.pos,
			    "%s has type ioemu, but %s domain '%s' has no emulated NIC: "
			    "libxl refuses to create it", vif_label(c, v),
			    dom_type_name(v->domain->type), v->domain->name.s);
	if (m->model.s && !hvm)
		diag_report(D(c), CHECK_IGNORED_MODEL, &m->model.pos,
			    "model of %s is ignored: %s domain '%s' has no emulated NIC",
			    vif_label(c, v), dom_type_name(v->domain->type), v->domain->name.s);
	else if (m->model.s && m->type.s && !ioemu)
		diag_report(D(c), CHECK_IGNORED_MODEL, &m->model.pos,
			    "model of %s is ignored: with type vif the guest has no emulated NIC",
			    vif_label(c, v));
	/* The host script holds a vif to its MAC and ips: with neither known,
	 * or on another domain's bridge, nothing does. */
	if (m->antispoof.set && m->antispoof.v && v->mac_source == MAC_RANDOM && !v->has_ip &&
	    !m->ip_list)
		diag_report(D(c), CHECK_IGNORED_ANTISPOOF, &m->antispoof.pos,
			    "antispoof of %s is ignored: its MAC is random and it declares no ip, "
			    "so there is nothing to hold it to", vif_label(c, v));
	else if (m->antispoof.set && m->antispoof.v && m->backend.s && !str_is(&m->backend, "Domain-0"))
		diag_report(D(c), CHECK_IGNORED_ANTISPOOF, &m->antispoof.pos,
			    "antispoof of %s is ignored: driver domain '%s' serves it, and netc's "
			    "host script builds dom0's networks only", vif_label(c, v), m->backend.s);
	if (m->script.s && n)
		check_vif_script(c, v);
	if (m->mtu.set && n && n->mtu.set && m->mtu.v > n->mtu.v) {
		diag_report(D(c), CHECK_VIF_MTU, &m->mtu.pos,
			    "mtu %lld of %s is above the mtu %lld of network '%s': the bridge "
			    "drops the guest's larger frames", m->mtu.v, vif_label(c, v), n->mtu.v,
			    n->name.s);
		diag_note(D(c), &n->mtu.pos, "network '%s' sets its mtu here", n->name.s);
	}
}

/* A vif's backend: dom0 (Domain-0), or a driver domain of the topology on
 * the vif's host (a domain id would depend on the order domains start). */
static void check_backend(struct compilation *c, const struct ir_vif *v, const char *const **doms)
{
	const struct ir_topology *t = c->ir;
	const struct ir_str *b = &v->more->backend;
	const struct ir_domain *d;

	/* dom0 by the name xl gives it: what no backend means. */
	if (!b->s || str_is(b, "Domain-0"))
		return;
	d = strmap_get(&t->dom_by_name, b->s, b->len);
	if (!d) {
		diag_report(D(c), CHECK_UNDEFINED_DOMAIN, &b->pos,
			    "backend '%s' of %s is not a domain of the topology", b->s,
			    vif_label(c, v));
		if (str_is(b, "0")) {
			diag_note(D(c), &b->pos, "dom0 is 'Domain-0', the default: write that, or drop 'backend'");
		} else if (diag_suggesting(D(c))) {
			if (!*doms)
				*doms = names_of(c, &t->domains);
			suggest(c, &b->pos, b, *doms);
		}
	} else if (d == v->domain) {
		diag_report(D(c), CHECK_UNDEFINED_DOMAIN, &b->pos,
			    "backend of %s is its own domain '%s': a driver domain serves "
			    "other domains' vifs", vif_label(c, v), d->name.s);
	} else if (d->host && v->domain->host && d->host != v->domain->host) {
		diag_report(D(c), CHECK_UNDEFINED_DOMAIN, &b->pos,
			    "backend '%s' of %s runs on host '%s', not on host '%s' with "
			    "domain '%s'", d->name.s, vif_label(c, v), d->host->name.s,
			    v->domain->host->name.s, v->domain->name.s);
	}
}

/*
 * One pass over every vif for the checks of its own keys: route-ip, and
 * for the few vifs with any of the rarer keys (the rest share
 * ir_vif_none, and their domain is not read) pv-ioemu, ignored-model,
 * ignored-antispoof, vif-script, vif-mtu and undefined-domain.
 */
static void check_vif_keys(struct compilation *c)
{
	const struct ir_vif *v;
	const char *const *doms = NULL;

	IR_FOREACH_VIF(v, &c->ir->vifs) {
		if (v->ip_s.s || v->more->ip_list || (v->net && v->net->mode == MODE_ROUTE))
			check_route_ip(c, v);
		if (v->more == &ir_vif_none)
			continue;
		check_vif_more(c, v);
		check_backend(c, v, &doms);
	}
}

/* ---- interfaces ---- */

static const char *const *host_iface_names(struct compilation *c, const struct ir_host *h)
{
	const char **out = arena_alloc(A(c), (h->nics.len + h->networks.len + 1) * sizeof(*out));
	const struct ir_nic *nic;
	const struct ir_network *n;
	size_t k = 0;

	IR_FOREACH(const struct ir_nic *, nic, &h->nics)
		out[k++] = nic->name.s;
	IR_FOREACH(const struct ir_network *, n, &h->networks)
		if (net_mode_has_bridge(n->mode))
			out[k++] = n->name.s;
	return out;
}

static void check_uplink(struct compilation *c, const struct ir_network *n)
{
	const struct ir_host *h;
	const struct ir_network *br = ir_network_find(c->ir, n->uplink.s);

	if (br && net_mode_has_bridge(br->mode)) {
		diag_report(D(c), CHECK_UNDEFINED_INTERFACE, &n->uplink.pos,
			    "uplink '%s' of network '%s' is a bridge of this topology, not a NIC",
			    n->uplink.s, n->name.s);
		return;
	}
	IR_FOREACH(const struct ir_host *, h, &n->on_hosts) {
		if (strmap_get(&h->nic_by_name, n->uplink.s, n->uplink.len))
			continue;
		diag_report(D(c), CHECK_UNDEFINED_INTERFACE, &n->uplink.pos,
			    "host '%s' has no NIC '%s' (uplink of network '%s')", h->name.s,
			    n->uplink.s, n->name.s);
		if (diag_suggesting(D(c)))
			suggest(c, &n->uplink.pos, &n->uplink, names_of(c, &h->nics));
	}
}

static void check_ifref(struct compilation *c, const struct ir_network *n, const struct ir_ifref *r,
			const char *key)
{
	const struct ir_host *h;
	const struct ir_nic *nic;

	if (!r->name.s)
		return;
	if (r->kind == IFACE_BRIDGE) {
		if (r->bridge == n) {
			diag_report(D(c), CHECK_UNDEFINED_INTERFACE, &r->name.pos,
				    "%s of network '%s' is the network itself", key, n->name.s);
			return;
		}
		if (r->bridge->mode == MODE_ISOLATED) {
			diag_report(D(c), CHECK_MODE_KEY, &r->name.pos,
				    "%s '%s' is an isolated network: nothing is forwarded to it",
				    key, r->name.s);
			return;
		}
		IR_FOREACH(const struct ir_host *, h, &n->on_hosts)
			if (!ir_network_on_host(r->bridge, h))
				diag_report(D(c), CHECK_UNDEFINED_INTERFACE, &r->name.pos,
					    "%s bridge '%s' is not on host '%s'", key, r->name.s,
					    h->name.s);
		return;
	}
	if (r->inferred)
		diag_report(D(c), CHECK_INFERRED_INTERFACE, &r->name.pos,
			    "%s '%s' is declared nowhere; taking it as a NIC of dom0", key, r->name.s);
	IR_FOREACH(const struct ir_host *, h, &n->on_hosts) {
		nic = strmap_get(&h->nic_by_name, r->name.s, r->name.len);
		if (!nic) {
			diag_report(D(c), CHECK_UNDEFINED_INTERFACE, &r->name.pos,
				    "host '%s' has no NIC or bridge '%s' (%s of network '%s')",
				    h->name.s, r->name.s, key, n->name.s);
			if (diag_suggesting(D(c)))
				suggest(c, &r->name.pos, &r->name, host_iface_names(c, h));
			continue;
		}
		if (nic->enslaved_by) {
			const struct ir_network *br = nic->enslaved_by;

			diag_report(D(c), CHECK_ENSLAVED_INTERFACE, &r->name.pos,
				    "%s '%s' is enslaved by bridge '%s'%s; name the bridge instead",
				    key, r->name.s, br->name.s, on_host(c, h));
			diag_note(D(c), &br->uplink.pos,
				  "bridge '%s' enslaves '%s' here; once 'up' has run, its addresses "
				  "live on '%s'", br->name.s, r->name.s, br->name.s);
		}
	}
}

static void check_interfaces(struct compilation *c)
{
	const struct ir_network *n;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		if (n->uplink.s && n->mode == MODE_BRIDGE)
			check_uplink(c, n);
		if (n->mode == MODE_NAT)
			check_ifref(c, n, &n->outbound, "outbound");
		if (n->mode == MODE_ROUTE)
			check_ifref(c, n, &n->gatewaydev, "gatewaydev");
	}
}

static void check_port_names(struct compilation *c)
{
	const struct ir_network *n;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		if (n->port && n->vlan.set && strlen(n->port) > 15)
			diag_report(D(c), CHECK_INTERFACE_NAME, &n->vlan.pos,
				    "VLAN device '%s' would be %zu bytes; interface names are 1-15 bytes",
				    n->port, strlen(n->port));
	}
}

static void check_shared_uplink(struct compilation *c)
{
	const struct ir_host *h;
	const struct ir_network *n;

	IR_FOREACH(const struct ir_host *, h, &c->ir->hosts) {
		struct strmap seen;

		strmap_init(&seen);
		IR_FOREACH(const struct ir_network *, n, &h->networks) {
			const struct ir_network *first;

			if (!n->port || n->mode != MODE_BRIDGE)
				continue;
			first = strmap_put(&seen, n->port, strlen(n->port), (void *)n);
			if (!first)
				continue;
			diag_report(D(c), CHECK_SHARED_UPLINK, &n->uplink.pos,
				    "uplink '%s'%s is already enslaved by network '%s'%s",
				    n->uplink.s, n->vlan.set ? arena_printf(A(c), " (vlan %lld)", n->vlan.v) : "",
				    first->name.s, on_host(c, h));
			diag_note(D(c), &first->uplink.pos, "network '%s' takes '%s' here",
				  first->name.s, n->port);
		}
		strmap_free(&seen);
	}
}

/* One host's interface namespace: NICs, bridges, VLAN and VXLAN devices, vifs.
 * What owns a name is described only when two collide. */
enum iface_owner_kind {
	OWNER_NIC,
	OWNER_BRIDGE,
	OWNER_VLAN,
	OWNER_VXLAN,
	OWNER_VIF,
};

struct iface_owner {
	enum iface_owner_kind kind;
	const void *item;
	const struct srcpos *pos;
};

static const char *owner_text(struct compilation *c, const struct iface_owner *o)
{
	const struct ir_network *n = o->item;

	switch (o->kind) {
	case OWNER_NIC:
		return arena_printf(A(c), "NIC '%s'", ((const struct ir_nic *)o->item)->name.s);
	case OWNER_BRIDGE:
		return arena_printf(A(c), "bridge '%s'", n->name.s);
	case OWNER_VLAN:
		return arena_printf(A(c), "the VLAN device of '%s'", n->name.s);
	case OWNER_VXLAN:
		return arena_printf(A(c), "the VXLAN device of '%s'", n->name.s);
	case OWNER_VIF:
		break;
	}
	return vif_label(c, o->item);
}

/* Claims @name for @item; a name claimed before is the first's, which is
 * reported. */
static void iface_claim(struct compilation *c, struct strmap *m, const struct ir_host *h,
			const char *name, enum iface_owner_kind kind, const void *item,
			const struct srcpos *pos)
{
	struct iface_owner *o = arena_new(A(c), struct iface_owner);
	const struct iface_owner *first;

	o->kind = kind;
	o->item = item;
	o->pos = pos;
	first = strmap_put(m, name, strlen(name), o);
	if (!first)
		return;
	diag_report(D(c), CHECK_DUPLICATE_INTERFACE, pos,
		    "interface name '%s' (%s) is already taken by %s%s", name, owner_text(c, o),
		    owner_text(c, first), on_host(c, h));
	if (srcpos_valid(first->pos))
		diag_note(D(c), first->pos, "%s is named here", owner_text(c, first));
}

/*
 * One namespace per host: its NICs (also those the implicit host takes as
 * named), bridges and VLAN and VXLAN devices, and the vifs of the guests it
 * runs.  A big host has many vifs, but only the named ones can collide:
 * lower.c gives a derived name only when no device and no other vif of the
 * host has it.
 */
static void check_duplicate_interface(struct compilation *c)
{
	const struct ir_topology *t = c->ir;
	size_t nhosts = t->hosts.len;
	struct strmap *maps = xcalloc(nhosts ? nhosts : 1, sizeof(*maps));
	const struct ir_host *h;
	const struct ir_nic *nic;
	const struct ir_network *n;
	const struct ir_vif *v;

	IR_FOREACH(const struct ir_host *, h, &t->hosts) {
		struct strmap *m = &maps[h->index];

		strmap_init(m);
		IR_FOREACH(const struct ir_nic *, nic, &h->nics)
			iface_claim(c, m, h, nic->name.s, OWNER_NIC, nic, &nic->name.pos);
		IR_FOREACH(const struct ir_network *, n, &h->networks) {
			if (net_mode_has_bridge(n->mode))
				iface_claim(c, m, h, n->name.s, OWNER_BRIDGE, n, &n->name.pos);
			if (n->port && n->vlan.set)
				iface_claim(c, m, h, n->port, OWNER_VLAN, n, &n->vlan.pos);
			if (n->vxlan_dev)
				iface_claim(c, m, h, n->vxlan_dev, OWNER_VXLAN, n, &n->vxlan.pos);
		}
	}
	IR_FOREACH_VIF(v, &t->vifs) {
		if (v->name_source != VIFNAME_EXPLICIT || !(h = v->domain->host))
			continue;
		iface_claim(c, &maps[h->index], h, v->backend_name, OWNER_VIF, v, &v->name.pos);
	}
	IR_FOREACH(const struct ir_host *, h, &t->hosts)
		strmap_free(&maps[h->index]);
	free(maps);
}

static void check_vifname_length(struct compilation *c)
{
	const struct ir_vif *v;

	/* Interface names are at most 15 bytes; xl names an hvm guest's
	 * emulated twin NAME-emu, so its backend names are at most 11. */
	enum { VIFNAME_MAX = 15, VIFNAME_MAX_HVM = VIFNAME_MAX - 4 };

	IR_FOREACH_VIF(v, &c->ir->vifs) {
		size_t len = v->backend_name ? strlen(v->backend_name) : 0;
		bool hvm;

		if (len <= VIFNAME_MAX_HVM)     /* fits any guest: its domain is not read */
			continue;
		hvm = v->domain->type == DOM_HVM;
		if (!hvm && len <= VIFNAME_MAX)
			continue;
		diag_report(D(c), CHECK_VIFNAME_LENGTH, v->name.s ? &v->name.pos : &v->pos,
			    "backend name '%s' of %s is %zu bytes; %s", v->backend_name,
			    vif_label(c, v), len,
			    hvm ? "an hvm guest's are at most 11 (xl appends '-emu')"
				: "interface names are at most 15");
	}
}

static void check_macs(struct compilation *c)
{
	struct strmap seen;
	const struct ir_vif *v;

	strmap_init(&seen);
	IR_FOREACH_VIF(v, &c->ir->vifs) {
		const struct ir_vif *first;

		if (v->mac_source == MAC_RANDOM) {
			diag_report(D(c), CHECK_RANDOM_MAC, &v->mac_s.pos,
				    "%s has mac: random: Xen picks a new MAC at every start, so "
				    "the guest sees a new NIC and loses its DHCP reservation",
				    vif_label(c, v));
			continue;
		}
		if (v->mac_source != MAC_EXPLICIT)
			continue;
		first = strmap_put(&seen, (const char *)v->mac, 6, (void *)v);
		if (!first)
			continue;
		diag_report(D(c), CHECK_DUPLICATE_MAC, &v->mac_s.pos,
			    "MAC %.*s of %s is already the MAC of %s", (int)v->mac_s.len,
			    v->mac_s.s, vif_label(c, v), vif_label(c, first));
		diag_note(D(c), &first->mac_s.pos, "%s has it here", vif_label(c, first));
	}
	strmap_free(&seen);
}

/* ---- addresses ---- */

/* Where dom0's address on @n was written: the network's address, or the NIC's. */
static const struct srcpos *gateway_pos(const struct ir_topology *t, const struct ir_network *n)
{
	const struct ir_host *h;
	const struct ir_str *ifname;

	if (n->has_cidr)
		return &n->address.pos;
	ifname = n->mode == MODE_ROUTE ? &n->gatewaydev.name : &n->uplink;
	if (!ifname->s)
		return NULL;
	const struct ir_network *br = ir_network_find(t, ifname->s);
	if (br && br->has_cidr)
		return &br->address.pos;
	if (br && br->uplink.s)
		ifname = &br->uplink;
	IR_FOREACH(const struct ir_host *, h, &n->on_hosts) {
		const struct ir_nic *nic = strmap_get(&h->nic_by_name, ifname->s, ifname->len);

		if (nic && nic->has_cidr)
			return &nic->address.pos;
	}
	return NULL;
}

/* @used maps the addresses on @n to the vif that has each, or to @n itself
 * for dom0's own address there. */
static void check_vif_ip(struct compilation *c, const struct ir_network *n, const struct ir_vif *v,
			 struct strmap *used)
{
	const void *first;

	if (n->has_subnet) {
		struct ip_addr last = ip_last(&n->subnet, n->subnet_prefix);

		if (!ip_in_subnet(&v->ip, &n->subnet, n->subnet_prefix)) {
			diag_report(D(c), CHECK_IP_SUBNET, &v->ip_s.pos,
				    "ip %s of %s is outside subnet %s of network '%s'", ip_text(c, &v->ip),
				    vif_label(c, v), subnet_text(c, &n->subnet, n->subnet_prefix),
				    n->name.s);
			return;
		}
		if (n->subnet_prefix < 31 &&
		    (ip_equal(&v->ip, &n->subnet) || ip_equal(&v->ip, &last))) {
			diag_report(D(c), CHECK_IP_SUBNET, &v->ip_s.pos,
				    "ip %s of %s is the %s address of subnet %s", ip_text(c, &v->ip), vif_label(c, v),
				    ip_equal(&v->ip, &n->subnet) ? "network" : "broadcast",
				    subnet_text(c, &n->subnet, n->subnet_prefix));
			return;
		}
		if (v->ip_prefix >= 0 && v->ip_prefix != n->subnet_prefix) {
			diag_report(D(c), CHECK_IP_SUBNET, &v->ip_s.pos,
				    "ip of %s has prefix /%d but network '%s' is /%d", vif_label(c, v),
				    v->ip_prefix, n->name.s, n->subnet_prefix);
			return;
		}
	}
	first = strmap_put(used, IP_KEY(&v->ip), (void *)v);
	if (!first)
		return;
	if (first == n) {
		const struct srcpos *pos = gateway_pos(c->ir, n);

		diag_report(D(c), CHECK_IP_IS_GATEWAY, &v->ip_s.pos,
			    "ip %s of %s is dom0's own address on network '%s'", ip_text(c, &v->ip), vif_label(c, v),
			    n->name.s);
		if (pos)
			diag_note(D(c), pos, "dom0's address comes from here");
	} else {
		const struct ir_vif *other = first;

		diag_report(D(c), CHECK_DUPLICATE_IP, &v->ip_s.pos,
			    "ip %s of %s is already used by %s on network '%s'", ip_text(c, &v->ip), vif_label(c, v),
			    vif_label(c, other), n->name.s);
		diag_note(D(c), &other->ip_s.pos, "%s has it here", vif_label(c, other));
	}
}

/* Who has an address (or prefix) of a route network: a vif's item, or dom0
 * (@v NULL) on gatewaydev. */
struct route_owner {
	const struct ir_vif *v;
	const struct srcpos *pos;
};

/*
 * A route vif's ip items are what vif-route hands to `ip route add ADDR dev
 * VIF`: the first is the guest's own address (DHCP and the lab use it), the
 * others addresses or prefixes routed to the guest too.  Each is routed
 * once on the host's one table: no two alike, none dom0's own.
 */
static void check_route_item(struct compilation *c, const struct ir_network *n,
			     const struct ir_vif *v, const struct ir_str *text,
			     const struct ip_cidr *ip, bool first, struct strmap *used)
{
	bool host = ip->prefix < 0 || ip->prefix == 32;
	struct route_owner *o, *prev;
	char *key;

	if (ip->addr.family != 4)
		return;         /* check_route_ip's */
	if (first && !host && v->more->ip_list) {
		diag_report(D(c), CHECK_IP_SUBNET, &text->pos,
			    "the first ip of routed %s is the prefix %s; the first is the guest's "
			    "own address (without a prefix, or /32), prefixes follow it",
			    vif_label(c, v), subnet_text(c, &ip->addr, ip->prefix));
		return;
	}
	if (first && !host) {
		diag_report(D(c), CHECK_IP_SUBNET, &text->pos,
			    "ip %s of routed %s has a prefix; it is the guest's own address "
			    "(without a prefix, or /32), and prefixes routed to the guest follow "
			    "it in a list", subnet_text(c, &ip->addr, ip->prefix), vif_label(c, v));
		return;
	}
	if (!host) {
		struct ip_addr net = ip_network(&ip->addr, ip->prefix);

		if (!ip_equal(&net, &ip->addr)) {
			diag_report(D(c), CHECK_IP_SUBNET, &text->pos,
				    "ip %s of routed %s is not a prefix: `ip route add` in vif-route "
				    "refuses host bits; write %s",
				    subnet_text(c, &ip->addr, ip->prefix), vif_label(c, v),
				    subnet_text(c, &net, ip->prefix));
			return;
		}
	}
	/* The key: the 4 address bytes, and the prefix length for a prefix. */
	key = arena_alloc(A(c), 5);
	memcpy(key, ip->addr.b, 4);
	key[4] = (char)ip->prefix;
	o = arena_new(A(c), struct route_owner);
	o->v = v;
	o->pos = &text->pos;
	prev = strmap_put(used, key, host ? 4 : 5, o);
	if (!prev)
		return;
	if (!prev->v) {
		diag_report(D(c), CHECK_IP_IS_GATEWAY, &text->pos,
			    "ip %s of %s is dom0's own address on network '%s'", ip_text(c, &ip->addr),
			    vif_label(c, v), n->name.s);
		if (prev->pos)
			diag_note(D(c), prev->pos, "dom0's address comes from here");
		return;
	}
	diag_report(D(c), CHECK_DUPLICATE_IP, &text->pos, "ip %s of %s is already %s on network '%s'",
		    host ? ip_text(c, &ip->addr) : subnet_text(c, &ip->addr, ip->prefix), vif_label(c, v),
		    prev->v == v ? "in its list" : arena_printf(A(c), "used by %s", vif_label(c, prev->v)),
		    n->name.s);
	diag_note(D(c), prev->pos, "%s has it here", vif_label(c, prev->v));
}

static void check_route_ips(struct compilation *c, const struct ir_network *n)
{
	struct strmap used;
	const struct ir_vif *v;
	const struct ir_vif_ip *it;

	strmap_init(&used);
	strmap_reserve(&used, n->vifs.len + 1);
	if (n->gateway.family) {
		struct route_owner *o = arena_new(A(c), struct route_owner);

		o->pos = gateway_pos(c->ir, n);
		strmap_put(&used, IP_KEY(&n->gateway), o);
	}
	IR_FOREACH_VIF(v, &n->vifs) {
		if (v->more->ip_list) {
			IR_FOREACH(const struct ir_vif_ip *, it, &v->more->ips)
				check_route_item(c, n, v, &it->s, &it->cidr, it_i == 0, &used);
		} else if (v->has_ip) {
			struct ip_cidr ip = { v->ip, v->ip_prefix };

			check_route_item(c, n, v, &v->ip_s, &ip, true, &used);
		}
	}
	strmap_free(&used);
}

static void check_ips(struct compilation *c)
{
	const struct ir_network *n;
	const struct ir_vif *v;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		struct strmap used;
		bool has_gateway = n->has_subnet;

		if (n->mode == MODE_ROUTE) {
			check_route_ips(c, n);
			continue;
		}
		strmap_init(&used);
		strmap_reserve(&used, n->vifs.len + 1);
		if (has_gateway)
			strmap_put(&used, IP_KEY(&n->gateway), (void *)n);
		IR_FOREACH_VIF(v, &n->vifs)
			if (v->has_ip)
				check_vif_ip(c, n, v, &used);
		strmap_free(&used);
	}
}

static void check_dhcp_range(struct compilation *c)
{
	const struct ir_network *n;
	const struct ir_vif *v;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		const struct ir_dhcp *dh = &n->dhcp;
		const struct srcpos *p = &dh->range.pos;
		const char *r;

		if (!dh->valid || (n->mode != MODE_ISOLATED && n->mode != MODE_NAT))
			continue;
		r = arena_strndup(A(c), dh->range.s, dh->range.len);
		if (ip_cmp(&dh->first, &dh->last) > 0) {
			diag_report(D(c), CHECK_DHCP_RANGE, p, "DHCP range %s is empty: %s comes after %s",
				    r, ip_text(c, &dh->first), ip_text(c, &dh->last));
			continue;
		}
		if (!n->has_subnet)
			continue;
		struct ip_addr last = ip_last(&n->subnet, n->subnet_prefix);
		if (!ip_in_subnet(&dh->first, &n->subnet, n->subnet_prefix) ||
		    !ip_in_subnet(&dh->last, &n->subnet, n->subnet_prefix) ||
		    ip_equal(&dh->first, &n->subnet) || ip_equal(&dh->last, &last)) {
			diag_report(D(c), CHECK_DHCP_RANGE, p,
				    "DHCP range %s is not inside the usable addresses of subnet %s", r,
				    subnet_text(c, &n->subnet, n->subnet_prefix));
			continue;
		}
		if (ip_cmp(&dh->first, &n->gateway) <= 0 && ip_cmp(&n->gateway, &dh->last) <= 0) {
			diag_report(D(c), CHECK_DHCP_RANGE, p,
				    "DHCP range %s holds dom0's address %s", r, ip_text(c, &n->gateway));
			diag_note(D(c), &n->address.pos, "dom0's address is set here");
		}
		/* A static ip inside the range is a reservation (dnsmasq's
		 * dhcp-host keeps it for that MAC), unless there is no MAC to
		 * reserve it for. */
		IR_FOREACH_VIF(v, &n->vifs) {
			if (!v->has_ip || v->mac_source != MAC_RANDOM ||
			    ip_cmp(&dh->first, &v->ip) > 0 || ip_cmp(&v->ip, &dh->last) > 0)
				continue;
			diag_report(D(c), CHECK_DHCP_RANGE, &v->ip_s.pos,
				    "static ip %s of %s is inside DHCP range %s, and its 'mac: random' "
				    "leaves nothing to reserve it for: DHCP could hand it to another guest",
				    ip_text(c, &v->ip), vif_label(c, v), r);
			diag_note(D(c), p, "the range is set here");
		}
	}
}

/*
 * What DHCP hands out must work: a server given twice is a mistake; dom0's
 * own address on the network serves no DNS unless dns is self (dnsmasq runs
 * with DNS off otherwise); and an isolated network forwards nothing, so its
 * guests reach only servers on the network itself.
 */
static void check_dhcp_dns(struct compilation *c)
{
	const struct ir_network *n;
	const struct ir_dns *d;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		const struct ir_dhcp *dh = &n->dhcp;
		struct strmap seen;

		if (!dh->set || !dh->dns_set || dh->dns_self ||
		    (n->mode != MODE_ISOLATED && n->mode != MODE_NAT))
			continue;
		strmap_init(&seen);
		strmap_reserve(&seen, dh->dns.len);
		IR_FOREACH(const struct ir_dns *, d, &dh->dns) {
			const struct ir_dns *first = strmap_put(&seen, IP_KEY(&d->addr), (void *)d);

			if (first) {
				diag_report(D(c), CHECK_DHCP_DNS, &d->s.pos,
					    "DNS server %s of network '%s' is listed twice",
					    ip_text(c, &d->addr), n->name.s);
				diag_note(D(c), &first->s.pos, "first listed here");
			} else if (n->has_subnet && ip_equal(&d->addr, &n->gateway)) {
				diag_report(D(c), CHECK_DHCP_DNS, &d->s.pos,
					    "DNS server %s is dom0's own address on network '%s', where "
					    "netc's dnsmasq answers no DNS; write 'dns: self' to have it "
					    "answer and forward to dom0's resolvers",
					    ip_text(c, &d->addr), n->name.s);
			} else if (n->mode == MODE_ISOLATED && n->has_subnet &&
				   !ip_in_subnet(&d->addr, &n->subnet, n->subnet_prefix)) {
				diag_report(D(c), CHECK_DHCP_DNS, &d->s.pos,
					    "DNS server %s is outside isolated network '%s' (%s), which "
					    "forwards nothing: its guests cannot reach it; use 'dns: self' "
					    "to have dom0 forward their queries",
					    ip_text(c, &d->addr), n->name.s,
					    subnet_text(c, &n->subnet, n->subnet_prefix));
			}
		}
		strmap_free(&seen);
	}
}

/* ---- subnets on one host ---- */

/* @routed_on: the route network of a prefix routed to a vif, else NULL. */
struct block {
	struct ip_addr start, end;
	int prefix;
	const char *what;
	const struct srcpos *pos;
	const struct ir_network *routed_on;
};

/* The same prefix routed twice on one route network: duplicate-ip's. */
static bool same_route(const struct block *a, const struct block *b)
{
	return a->routed_on && a->routed_on == b->routed_on && a->prefix == b->prefix &&
	       ip_equal(&a->start, &b->start);
}

static int block_cmp(const void *pa, const void *pb)
{
	const struct block *a = pa, *b = pb;
	int r = ip_cmp(&a->start, &b->start);

	if (r)
		return r;
	return a->prefix - b->prefix;       /* the larger block first */
}

/*
 * The prefixes route vifs have routed to them (the items of an ip list
 * after the first that are not host addresses), as blocks of their host:
 * a route to one sits in dom0's table beside its networks' and NICs', and
 * an overlap makes one of them lose its traffic.  @per_host: a vec of
 * struct block * per host index.  One pass over the route networks' vifs.
 */
static void route_prefix_blocks(struct compilation *c, struct vec *per_host)
{
	const struct ir_network *n;
	const struct ir_vif *v;
	const struct ir_vif_ip *it;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		if (n->mode != MODE_ROUTE)
			continue;
		IR_FOREACH_VIF(v, &n->vifs) {
			if (!v->more->ip_list || !v->domain->host)
				continue;
			IR_FOREACH(const struct ir_vif_ip *, it, &v->more->ips) {
				const struct ip_cidr *ip = &it->cidr;
				struct ip_addr net;
				struct block *b;

				if (!it_i || ip->addr.family != 4 || ip->prefix < 0 || ip->prefix == 32)
					continue;
				net = ip_network(&ip->addr, ip->prefix);
				if (!ip_equal(&net, &ip->addr))
					continue;       /* ip-subnet's */
				b = arena_new(A(c), struct block);
				b->start = net;
				b->end = ip_last(&net, ip->prefix);
				b->prefix = ip->prefix;
				b->what = arena_printf(A(c), "the route to %s", vif_label(c, v));
				b->pos = &it->s.pos;
				b->routed_on = n;
				vec_push(A(c), &per_host[v->domain->host->index], b);
			}
		}
	}
}

static void check_subnet_overlap(struct compilation *c)
{
	const struct ir_host *h;
	const struct ir_network *n;
	const struct ir_nic *nic;
	const struct block *rb;
	size_t nhosts = c->ir->hosts.len;
	struct vec *routed = xcalloc(nhosts ? nhosts : 1, sizeof(*routed));

	route_prefix_blocks(c, routed);
	IR_FOREACH(const struct ir_host *, h, &c->ir->hosts) {
		const struct vec *extra = &routed[h->index];
		size_t cap = h->networks.len + h->nics.len + extra->len, k = 0;
		struct block *b = xcalloc(cap ? cap : 1, sizeof(*b));
		const struct block *cur = NULL;

		IR_FOREACH(const struct ir_network *, n, &h->networks) {
			if (!n->has_subnet)
				continue;
			b[k] = (struct block){ n->subnet, ip_last(&n->subnet, n->subnet_prefix),
					       n->subnet_prefix,
					       arena_printf(A(c), "network '%s'", n->name.s),
					       gateway_pos(c->ir, n), NULL };
			k++;
		}
		IR_FOREACH(const struct ir_nic *, nic, &h->nics) {
			if (!nic->has_cidr || nic->enslaved_by)
				continue;
			b[k].start = ip_network(&nic->cidr.addr, nic->cidr.prefix);
			b[k].end = ip_last(&nic->cidr.addr, nic->cidr.prefix);
			b[k].prefix = nic->cidr.prefix;
			b[k].what = arena_printf(A(c), "NIC '%s'", nic->name.s);
			b[k].pos = &nic->address.pos;
			k++;
		}
		IR_FOREACH(const struct block *, rb, extra)
			b[k++] = *rb;
		qsort(b, k, sizeof(*b), block_cmp);
		for (size_t i = 0; i < k; i++) {
			if (cur && cur->start.family == b[i].start.family &&
			    ip_cmp(&b[i].start, &cur->end) <= 0 && !same_route(cur, &b[i])) {
				/* Report at whichever of the two comes later in the file. */
				const struct block *late = &b[i], *early = cur;

				if (late->pos && early->pos && srcpos_cmp(late->pos, early->pos) < 0) {
					late = cur;
					early = &b[i];
				}
				diag_report(D(c), CHECK_SUBNET_OVERLAP, late->pos,
					    "subnet %s of %s overlaps subnet %s of %s%s",
					    subnet_text(c, &late->start, late->prefix), late->what,
					    subnet_text(c, &early->start, early->prefix), early->what,
					    on_host(c, h));
				if (early->pos)
					diag_note(D(c), early->pos, "%s's subnet is set here", early->what);
			}
			if (!cur || cur->start.family != b[i].start.family ||
			    ip_cmp(&b[i].end, &cur->end) > 0)
				cur = &b[i];
		}
		free(b);
	}
	free(routed);
}

static void check_vxlan(struct compilation *c)
{
	struct strmap seen;
	const struct ir_network *n;
	const struct ir_host *h;

	strmap_init(&seen);
	IR_FOREACH(const struct ir_network *, n, &c->ir->networks) {
		const struct ir_network *first;

		if (!n->vxlan.set || !n->vxlan_dev)
			continue;
		first = strmap_put(&seen, n->vxlan_dev, strlen(n->vxlan_dev), (void *)n);
		if (first) {
			diag_report(D(c), CHECK_VXLAN, &n->vxlan.vni.pos,
				    "VXLAN id %lld of network '%s' is already used by network '%s'",
				    n->vxlan.vni.v, n->name.s, first->name.s);
			diag_note(D(c), &first->vxlan.vni.pos, "network '%s' uses it here",
				  first->name.s);
		}
		if (n->on_hosts.len < 2)
			continue;
		if (n->has_cidr)
			diag_report(D(c), CHECK_VXLAN, &n->address.pos,
				    "VXLAN network '%s' joins %zu hosts into one segment, where each "
				    "would claim dom0's address %.*s", n->name.s, n->on_hosts.len,
				    (int)n->address.len, n->address.s);
		IR_FOREACH(const struct ir_host *, h, &n->on_hosts)
			if (!h->has_underlay)
				diag_report(D(c), CHECK_VXLAN, &h->name.pos,
					    "host '%s' carries VXLAN network '%s' but has no 'address' "
					    "for the tunnel", h->name.s, n->name.s);
	}
	strmap_free(&seen);
}

static void check_unused_network(struct compilation *c)
{
	const struct ir_network *n;

	IR_FOREACH(const struct ir_network *, n, &c->ir->networks)
		if (n->vifs.len == 0)
			diag_report(D(c), CHECK_UNUSED_NETWORK, &n->name.pos,
				    "network '%s' has no vifs", n->name.s);
}

/*
 * Without a seed, a derived MAC depends on the domain's name and the vif's
 * devid alone: every site that has a guest "web" gives it the same MAC, and
 * a collision moves one guest's MAC when another guest is added.  Said once
 * per topology, at the first vif whose MAC is derived, and only when there
 * is nothing to fix first: it is advice about the MACs netc writes, and a
 * topology with errors writes nothing.
 */
static void check_legacy_mac(struct compilation *c)
{
	const struct ir_topology *t = c->ir;
	const struct ir_vif *first = t->first_derived_mac;
	size_t n = t->derived_macs;
	char mac[18];

	if (t->mac_seed.s || D(c)->errors || !first)
		return;
	mac_format(first->mac, mac);
	if (!diag_report(D(c), CHECK_LEGACY_MAC, &first->pos,
			 "%s%s derived from domain name and devid alone (no defaults.mac-seed): "
			 "a guest '%s' at another site gets the same %s, and a collision "
			 "silently gives one guest another MAC",
			 vif_label(c, first),
			 n == 1 ? " has a MAC"
				: arena_printf(A(c), " and %zu other vif%s have MACs", n - 1,
					       n == 2 ? "" : "s"),
			 first->domain->name.s, mac))
		return;
	diag_note(D(c), t->defaults_set ? &t->defaults_pos : &first->pos,
		  "set defaults.mac-seed to a value of this site's own: every derived MAC "
		  "changes once (pin with 'mac:' any MAC a guest must keep)");
}
