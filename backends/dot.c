/* SPDX-License-Identifier: MIT */
/*
 * -t dot (docs/lab.md): a Graphviz graph in the manner of the classic Xen
 * network figures.  One cluster per host holds dom0 (its NICs, bridges,
 * VLAN and VXLAN devices, the backend vifs) and a cluster per guest (its
 * ethN); the physical networks sit outside every host.  The vif↔ethN edge
 * is the "virtual crossover cable", labelled with the guest's MAC and ip.
 * Each mode looks its own: bridge networks are blue boxes, isolated ones
 * yellow and dashed with no way out, a nat network's bridge reaches its
 * outbound interface through a "NAT" octagon, routed vifs reach their
 * gatewaydev through a "route" diamond (there is no bridge).
 *
 * Undirected graph, left to right: LAN, dom0, guests.  Every ID and label
 * is a quoted DOT string (names are [A-Za-z0-9_.-] already, but quoting is
 * what makes that irrelevant).  Deterministic: topology order throughout.
 * With --host on a topology of several hosts, only that host is drawn.
 */
#include "backend.h"

#include <stdio.h>
#include <string.h>

struct dot {
	const struct emit_ctx *e;
	struct strbuf *out;
	struct vec lans;        /* struct dot_lan * */
};

/* A physical network: the NICs on one subnet, or one NIC without address. */
struct dot_lan {
	size_t index;
	bool has_subnet;
	struct ip_addr subnet;
	int prefix;
	const char *first;      /* HOST:NIC, for a LAN without subnet */
	struct vec nics;        /* struct ir_nic * */
};

/* @s inside a DOT string: '"' and '\\' escaped, control bytes left out;
 * the runs between them copied whole. */
static void add_escaped(struct strbuf *sb, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
			continue;
		strbuf_add(sb, run, (size_t)(s - run));
		run = s + 1;
		if (*s == '"' || *s == '\\') {
			strbuf_addc(sb, '\\');
			strbuf_addc(sb, *s);
		}
	}
	strbuf_add(sb, run, (size_t)(s - run));
}

/* A DOT quoted string: "..." with \ and " escaped, control bytes dropped. */
static void add_q(struct strbuf *sb, const char *s)
{
	strbuf_addc(sb, '"');
	add_escaped(sb, s);
	strbuf_addc(sb, '"');
}

/* A label of several lines: the parts (NULL or "": none) joined with
 * DOT's \n, each escaped as in add_q. */
static void add_label(struct strbuf *sb, const char *const *lines, size_t n)
{
	bool first = true;

	strbuf_addc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		if (!lines[i] || !*lines[i])
			continue;
		if (!first)
			strbuf_adds(sb, "\\n");
		first = false;
		add_escaped(sb, lines[i]);
	}
	strbuf_addc(sb, '"');
}

/* Does the label have a line at all? */
static bool has_lines(const char *const *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i] && *lines[i])
			return true;
	return false;
}

#define LABEL(sb, ...) add_label((sb), (const char *const[]){ __VA_ARGS__ }, \
				 sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static const char *id(struct dot *d, const char *kind, const struct ir_host *h, const char *name)
{
	return h ? arena_printf(d->e->arena, "%s:%s:%s", kind, h->name.s, name)
		 : arena_printf(d->e->arena, "%s:%s", kind, name);
}

static const char *addr_text(struct dot *d, const struct ip_addr *a, int prefix)
{
	char buf[64];

	ip_format(a, buf);
	return prefix >= 0 ? arena_printf(d->e->arena, "%s/%d", buf, prefix) : arena_strdup(d->e->arena, buf);
}

/* After a domain's lines: they may leave memory, and what formatting them
 * took of the arena since @m (ids, labels) is free again. */
static void domain_done(struct dot *d, const struct arena_mark *m)
{
	strbuf_flush_point(d->out);
	arena_rewind(d->e->arena, m);
}

static void indent(struct dot *d, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_addc(d->out, '\t');
}

/* node ID [label=..., ATTRS]; */
static void node(struct dot *d, int ind, const char *nid, const char *attrs, const char *const *lines,
		 size_t n)
{
	indent(d, ind);
	add_q(d->out, nid);
	strbuf_adds(d->out, " [label=");
	add_label(d->out, lines, n);
	if (attrs && *attrs)
		strbuf_addf(d->out, ", %s", attrs);
	strbuf_adds(d->out, "];\n");
}

#define NODE(d, ind, nid, attrs, ...) node((d), (ind), (nid), (attrs), (const char *const[]){ __VA_ARGS__ }, \
					   sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* A -- B [label=..., ATTRS]; (label may be NULL). */
static void edge(struct dot *d, const char *a, const char *b, const char *attrs, const char *const *lines,
		 size_t n)
{
	indent(d, 1);
	add_q(d->out, a);
	strbuf_adds(d->out, " -- ");
	add_q(d->out, b);
	if (!has_lines(lines, n))
		n = 0;
	if (n || (attrs && *attrs)) {
		strbuf_adds(d->out, " [");
		if (n) {
			strbuf_adds(d->out, "label=");
			add_label(d->out, lines, n);
		}
		if (attrs && *attrs)
			strbuf_addf(d->out, "%s%s", n ? ", " : "", attrs);
		strbuf_addc(d->out, ']');
	}
	strbuf_adds(d->out, ";\n");
}

#define EDGE(d, a, b, attrs, ...) edge((d), (a), (b), (attrs), (const char *const[]){ __VA_ARGS__ }, \
				       sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* The source name in a // comment: a label only; no line breaks. */
static const char *comment_safe(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);

	for (char *p = r; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return r;
}

static bool drawn(const struct dot *d, const struct ir_host *h)
{
	return !d->e->host || d->e->ir->hosts.len < 2 || d->e->host == h;
}

/* ---- the physical networks ---- */

static void plan_lans(struct dot *d)
{
	const struct ir_host *h;
	const struct ir_nic *nic;
	struct dot_lan *lan;

	IR_FOREACH(const struct ir_host *, h, &d->e->ir->hosts) {
		if (!drawn(d, h))
			continue;
		IR_FOREACH(const struct ir_nic *, nic, &h->nics) {
			struct ip_addr sub;
			bool found = false;

			if (nic->has_cidr) {
				sub = ip_network(&nic->cidr.addr, nic->cidr.prefix);
				IR_FOREACH(struct dot_lan *, lan, &d->lans) {
					if (lan->has_subnet && lan->prefix == nic->cidr.prefix &&
					    ip_equal(&lan->subnet, &sub)) {
						vec_push(d->e->arena, &lan->nics, (void *)nic);
						found = true;
						break;
					}
				}
				if (found)
					continue;
			}
			lan = arena_new(d->e->arena, struct dot_lan);
			lan->index = d->lans.len;
			lan->has_subnet = nic->has_cidr;
			if (nic->has_cidr) {
				lan->subnet = sub;
				lan->prefix = nic->cidr.prefix;
			}
			lan->first = arena_printf(d->e->arena, "%s:%s", h->name.s, nic->name.s);
			vec_push(d->e->arena, &lan->nics, (void *)nic);
			vec_push(d->e->arena, &d->lans, lan);
		}
	}
}

static const struct dot_lan *lan_of(const struct dot *d, const struct ir_nic *nic)
{
	const struct dot_lan *lan;
	const struct ir_nic *x;

	IR_FOREACH(const struct dot_lan *, lan, &d->lans)
		IR_FOREACH(const struct ir_nic *, x, &lan->nics)
			if (x == nic)
				return lan;
	return NULL;
}

static const char *lan_id(struct dot *d, const struct dot_lan *lan)
{
	return arena_printf(d->e->arena, "lan:%zu", lan->index);
}

static void add_lans(struct dot *d)
{
	const struct dot_lan *lan;

	if (!d->lans.len)
		return;
	strbuf_adds(d->out, "\n\t// The physical networks, outside every host.\n");
	IR_FOREACH(const struct dot_lan *, lan, &d->lans)
		NODE(d, 1, lan_id(d, lan), "shape=ellipse, style=filled, fillcolor=\"#e0e0e0\"",
		     "physical network",
		     lan->has_subnet ? addr_text(d, &lan->subnet, lan->prefix)
				     : arena_printf(d->e->arena, "(%s)", lan->first));
}

/* ---- a host ---- */

static const char *mode_color(enum net_mode m)
{
	switch (m) {
	case MODE_ISOLATED:
		return "#fff2b3";
	case MODE_NAT:
		return "#ffd9b3";
	case MODE_ROUTE:
		return "#c9f0c9";
	case MODE_BRIDGE:
	default:
		return "#cfe2ff";
	}
}

/* The ID of interface @name of host @h: a bridge of the topology or a NIC. */
static const char *iface_id(struct dot *d, const struct ir_host *h, const char *name)
{
	const struct ir_network *n = ir_network_find(d->e->ir, name);

	if (n && net_mode_has_bridge(n->mode))
		return id(d, "br", h, name);
	return id(d, "nic", h, name);
}

static void add_dom0_nodes(struct dot *d, const struct ir_host *h, int ind)
{
	const struct ir_nic *nic;
	const struct ir_network *n;
	const struct ir_domain *dom;
	const struct ir_vif *v;
	char buf[64];

	IR_FOREACH(const struct ir_nic *, nic, &h->nics)
		NODE(d, ind, id(d, "nic", h, nic->name.s), "shape=box, style=filled, fillcolor=\"#d9d9d9\"",
		     nic->name.s, "physical NIC");
	IR_FOREACH(const struct ir_network *, n, &h->networks) {
		const char *mode = net_mode_name(n->mode), *addr;

		if (n->mode == MODE_ROUTE) {
			NODE(d, ind, id(d, "route", h, n->name.s),
			     arena_printf(d->e->arena, "shape=diamond, style=filled, fillcolor=\"%s\"",
					  mode_color(n->mode)),
			     "route", n->name.s, "proxy ARP");
			continue;
		}
		/* dom0's address on the bridge: its own, or the one it takes
		 * over from the uplink. */
		addr = NULL;
		if (n->has_cidr) {
			addr = cidr_format(&n->cidr, buf);
		} else if (n->mode == MODE_BRIDGE && n->port && !n->vlan.set) {
			const struct ir_nic *up = strmap_get(&h->nic_by_name, n->uplink.s, n->uplink.len);

			if (up && up->has_cidr)
				addr = arena_printf(d->e->arena, "%s (%s's)", cidr_format(&up->cidr, buf),
						    n->uplink.s);
		}
		NODE(d, ind, id(d, "br", h, n->name.s),
		     arena_printf(d->e->arena, "shape=box, style=\"%s\", fillcolor=\"%s\"",
				  n->mode == MODE_ISOLATED ? "filled,dashed" : "filled,bold",
				  mode_color(n->mode)),
		     n->name.s, n->mode == MODE_BRIDGE ? "bridge" : arena_printf(d->e->arena, "%s bridge", mode),
		     addr);
		if (n->mode == MODE_NAT)
			NODE(d, ind, id(d, "nat", h, n->name.s),
			     "shape=octagon, style=filled, fillcolor=\"#ffb366\"", "NAT",
			     n->has_subnet ? arena_printf(d->e->arena, "masquerade %s",
							  addr_text(d, &n->subnet, n->subnet_prefix))
					   : "masquerade");
		if (n->vlan.set && n->port)
			NODE(d, ind, id(d, "vlan", h, n->port), "shape=box", n->port,
			     arena_printf(d->e->arena, "VLAN %lld", n->vlan.v));
		if (n->vxlan.set && n->vxlan_dev)
			NODE(d, ind, id(d, "vxlan", h, n->vxlan_dev), "shape=box, style=dashed", n->vxlan_dev,
			     arena_printf(d->e->arena, "VXLAN %lld", n->vxlan.vni.v));
	}
	IR_FOREACH(const struct ir_domain *, dom, &h->domains) {
		struct arena_mark m = arena_mark(d->e->arena);

		IR_FOREACH(const struct ir_vif *, v, &dom->vifs)
			NODE(d, ind, id(d, "vif", h, v->backend_name), "shape=box, style=rounded",
			     v->backend_name);
		domain_done(d, &m);
	}
}

static void add_guest(struct dot *d, const struct ir_domain *dom, int ind)
{
	const struct ir_vif *v;

	indent(d, ind);
	strbuf_addf(d->out, "subgraph \"cluster_domain_%zu\" {\n", dom->index);
	indent(d, ind + 1);
	strbuf_adds(d->out, "label=");
	LABEL(d->out, dom->name.s, dom->type != DOM_PV ? dom_type_name(dom->type) : NULL);
	strbuf_adds(d->out, "; style=\"rounded,filled\"; fillcolor=\"#ffffff\";\n");
	IR_FOREACH(const struct ir_vif *, v, &dom->vifs)
		NODE(d, ind + 1, id(d, "eth", NULL, arena_printf(d->e->arena, "%s:eth%u", dom->name.s, v->devid)),
		     "shape=box, style=rounded", arena_printf(d->e->arena, "eth%u", v->devid));
	indent(d, ind);
	strbuf_adds(d->out, "}\n");
}

static void add_host(struct dot *d, const struct ir_host *h)
{
	const struct ir_domain *dom;
	int ind = h->implicit ? 1 : 2;

	strbuf_addf(d->out, "\n\t// host %s\n", h->name.s);
	if (!h->implicit) {
		strbuf_addf(d->out, "\tsubgraph \"cluster_host_%zu\" {\n", h->index);
		strbuf_adds(d->out, "\t\tlabel=");
		LABEL(d->out, arena_printf(d->e->arena, "host %s", h->name.s),
		      h->has_underlay ? addr_text(d, &h->underlay, -1) : NULL);
		strbuf_adds(d->out, "; style=rounded; color=\"#808080\";\n");
	}
	indent(d, ind);
	strbuf_addf(d->out, "subgraph \"cluster_dom0_%zu\" {\n", h->index);
	indent(d, ind + 1);
	strbuf_adds(d->out, "label=");
	LABEL(d->out, h->implicit ? "dom0" : arena_printf(d->e->arena, "dom0 of %s", h->name.s));
	strbuf_adds(d->out, "; style=\"rounded,filled\"; fillcolor=\"#f5f5f5\";\n");
	add_dom0_nodes(d, h, ind + 1);
	indent(d, ind);
	strbuf_adds(d->out, "}\n");
	IR_FOREACH(const struct ir_domain *, dom, &h->domains) {
		struct arena_mark m = arena_mark(d->e->arena);

		add_guest(d, dom, ind);
		domain_done(d, &m);
	}
	if (!h->implicit)
		strbuf_adds(d->out, "\t}\n");
}

/* ---- the wires ---- */

/* The NIC that holds the host's underlay address (VXLAN rides on it). */
static const struct ir_nic *underlay_nic(const struct ir_host *h)
{
	const struct ir_nic *nic;

	if (!h->has_underlay)
		return NULL;
	IR_FOREACH(const struct ir_nic *, nic, &h->nics)
		if (nic->has_cidr && ip_equal(&nic->cidr.addr, &h->underlay))
			return nic;
	return NULL;
}

static void add_host_edges(struct dot *d, const struct ir_host *h)
{
	const struct ir_nic *nic;
	const struct ir_network *n;
	const struct ir_domain *dom;
	const struct ir_vif *v;
	char buf[64];

	strbuf_addf(d->out, "\n\t// host %s: NICs, bridges, vifs, and the guests' cables\n", h->name.s);
	IR_FOREACH(const struct ir_nic *, nic, &h->nics) {
		const struct dot_lan *lan = lan_of(d, nic);

		/* A NIC a bridge takes over gives it its address: shown there. */
		if (lan)
			EDGE(d, lan_id(d, lan), id(d, "nic", h, nic->name.s), "penwidth=2",
			     nic->has_cidr && !nic->enslaved_by ? cidr_format(&nic->cidr, buf) : "");
	}
	IR_FOREACH(const struct ir_network *, n, &h->networks) {
		const char *br = id(d, "br", h, n->name.s);

		if (n->mode == MODE_BRIDGE && n->port && n->vlan.set) {
			EDGE(d, id(d, "nic", h, n->uplink.s), id(d, "vlan", h, n->port), "", "tagged");
			EDGE(d, id(d, "vlan", h, n->port), br, "", "port");
		} else if (n->mode == MODE_BRIDGE && n->port) {
			EDGE(d, id(d, "nic", h, n->port), br, "", "uplink (port)");
		}
		if (n->vxlan.set && n->vxlan_dev) {
			const struct ir_nic *u = underlay_nic(h);

			if (u)
				EDGE(d, id(d, "nic", h, u->name.s), id(d, "vxlan", h, n->vxlan_dev),
				     "style=dashed", "underlay");
			EDGE(d, id(d, "vxlan", h, n->vxlan_dev), br, "", "port");
		}
		if (n->mode == MODE_NAT && n->outbound.name.s) {
			EDGE(d, iface_id(d, h, n->outbound.name.s), id(d, "nat", h, n->name.s), "",
			     arena_printf(d->e->arena, "out of %s", n->outbound.name.s));
			EDGE(d, id(d, "nat", h, n->name.s), br, "", "");
		}
		if (n->mode == MODE_ROUTE && n->gatewaydev.name.s)
			EDGE(d, iface_id(d, h, n->gatewaydev.name.s), id(d, "route", h, n->name.s), "",
			     arena_printf(d->e->arena, "gatewaydev %s", n->gatewaydev.name.s),
			     n->gateway.family ? ip_format(&n->gateway, buf) : NULL);
	}
	IR_FOREACH(const struct ir_domain *, dom, &h->domains) {
		struct arena_mark m = arena_mark(d->e->arena);

		IR_FOREACH(const struct ir_vif *, v, &dom->vifs) {
			const char *vif = id(d, "vif", h, v->backend_name);
			char mac[18];

			if (!v->net)
				continue;
			if (v->net->mode == MODE_ROUTE)
				EDGE(d, id(d, "route", h, v->net->name.s), vif, "", "");
			else
				EDGE(d, id(d, "br", h, v->net->name.s), vif, "", "");
			EDGE(d, vif, id(d, "eth", NULL, arena_printf(d->e->arena, "%s:eth%u", dom->name.s, v->devid)),
			     "penwidth=2",
			     v->mac_source == MAC_RANDOM ? "random MAC" : mac_format(v->mac, mac),
			     v->has_ip ? ip_format(&v->ip, buf) : v->net->dhcp.set ? "DHCP" : NULL);
		}
		domain_done(d, &m);
	}
}

/* VXLAN: the tunnel between the hosts that carry a network, dashed. */
static void add_tunnels(struct dot *d)
{
	const struct ir_network *n;
	const struct ir_host *a, *b;

	IR_FOREACH(const struct ir_network *, n, &d->e->ir->networks) {
		if (!n->vxlan.set || !n->vxlan_dev)
			continue;
		IR_FOREACH(const struct ir_host *, a, &n->on_hosts) {
			for (size_t j = a_i + 1; j < n->on_hosts.len; j++) {
				b = n->on_hosts.items[j];
				if (!drawn(d, a) || !drawn(d, b))
					continue;
				EDGE(d, id(d, "vxlan", a, n->vxlan_dev), id(d, "vxlan", b, n->vxlan_dev),
				     "style=dashed, constraint=false",
				     arena_printf(d->e->arena, "VXLAN tunnel, VNI %lld", n->vxlan.vni.v));
			}
		}
	}
}

int emit_dot(const struct emit_ctx *e, struct strbuf *out)
{
	struct dot d = { .e = e, .out = out };
	const struct ir_host *h;

	/* DOT discards lines that start with '#' (preprocessor output). */
	strbuf_addf(out, "# Generated by netc %s from %s\n", NETC_VERSION,
		    comment_safe(e->arena, e->ir->source_name));
	strbuf_addf(out, "# Topology SHA-256: %s\n", e->ir->sha256);
	strbuf_adds(out, "# Render: dot -Tsvg THIS > picture.svg\n");
	strbuf_adds(out, "graph \"netc\" {\n");
	strbuf_adds(out, "\tgraph [rankdir=LR, nodesep=0.25, ranksep=0.6, fontsize=12];\n");
	strbuf_adds(out, "\tnode [fontsize=10, margin=\"0.12,0.04\"];\n");
	strbuf_adds(out, "\tedge [fontsize=9];\n");
	plan_lans(&d);
	add_lans(&d);
	IR_FOREACH(const struct ir_host *, h, &e->ir->hosts)
		if (drawn(&d, h))
			add_host(&d, h);
	IR_FOREACH(const struct ir_host *, h, &e->ir->hosts)
		if (drawn(&d, h))
			add_host_edges(&d, h);
	add_tunnels(&d);
	strbuf_adds(out, "}\n");
	return EXIT_OK;
}
