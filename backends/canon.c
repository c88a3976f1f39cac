/* SPDX-License-Identifier: MIT */
/*
 * The canonical form of a topology (docs/language.md) as an AST: what the user
 * wrote, in canonical key order, values normalised (integers in decimal,
 * booleans as true/false), comments gone.  print_yaml.c and print_netc.c
 * serialise it; both syntaxes read it back to the same IR, so
 * yaml → netc → yaml and netc → yaml → netc are fixpoints.
 *
 * Scalars: quoted = true marks a string (the serialiser prints it bare when
 * the bare form reads back as the same string); quoted = false marks an
 * integer, boolean or other bare token.
 */
#include "canon.h"

#include <string.h>

struct canon {
	struct arena *a;
};

static struct ast_node *str_node(struct canon *c, const char *s, size_t len)
{
	return ast_scalar(c->a, s, len, true, NULL);
}

static struct ast_node *bare_node(struct canon *c, const char *s)
{
	return ast_scalar(c->a, s, strlen(s), false, NULL);
}

static void put(struct canon *c, struct ast_node *map, const char *key, struct ast_node *v)
{
	ast_map_add(c->a, map, key, strlen(key), NULL, v);
}

static void put_str(struct canon *c, struct ast_node *map, const char *key, const struct ir_str *s)
{
	if (s->s)
		put(c, map, key, str_node(c, s->s, s->len));
}

static void put_int(struct canon *c, struct ast_node *map, const char *key, const struct ir_int *v)
{
	if (v->set)
		put(c, map, key, bare_node(c, arena_printf(c->a, "%lld", v->v)));
}

static void put_bool(struct canon *c, struct ast_node *map, const char *key, const struct ir_bool *v)
{
	if (v->set)
		put(c, map, key, bare_node(c, v->v ? "true" : "false"));
}

static struct ast_node *xl_value(struct canon *c, const struct ir_xl_value *v)
{
	const struct ir_xl_value *it;
	struct ast_node *l;

	switch (v->kind) {
	case XL_INT:
		return bare_node(c, arena_printf(c->a, "%lld", v->i));
	case XL_BOOL:
		return bare_node(c, v->b ? "true" : "false");
	case XL_STRING:
		return str_node(c, v->s, v->len);
	case XL_LIST:
		break;
	}
	l = ast_list(c->a, NULL);
	IR_FOREACH(const struct ir_xl_value *, it, &v->items)
		ast_list_add(l, xl_value(c, it));
	return l;
}

static struct ast_node *canon_vif(struct canon *c, const struct ir_vif *v)
{
	struct ast_node *m = ast_map(c->a, NULL);

	put_str(c, m, "network", &v->network);
	put_str(c, m, "mac", &v->mac_s);
	if (v->more->ip_list) {
		struct ast_node *l = ast_list(c->a, NULL);
		const struct ir_vif_ip *it;

		IR_FOREACH(const struct ir_vif_ip *, it, &v->more->ips)
			ast_list_add(l, str_node(c, it->s.s, it->s.len));
		put(c, m, "ip", l);
	} else {
		put_str(c, m, "ip", &v->ip_s);
	}
	put_str(c, m, "name", &v->name);
	put_str(c, m, "rate", &v->more->rate);
	put_int(c, m, "mtu", &v->more->mtu);
	put_str(c, m, "model", &v->more->model);
	put_str(c, m, "type", &v->more->type);
	put_str(c, m, "script", &v->more->script);
	put_str(c, m, "backend", &v->more->backend);
	put_bool(c, m, "antispoof", &v->more->antispoof);
	return m;
}

static struct ast_node *canon_domain(struct canon *c, const struct ir_domain *d)
{
	struct ast_node *m = ast_map(c->a, NULL);
	const struct ir_vif *v;
	const struct ir_xl *x;

	put_int(c, m, "id", &d->id);
	put_str(c, m, "host", &d->host_s);
	put_str(c, m, "type", &d->type_s);
	/* An empty vifs list is what no vifs key is: netc cannot tell them apart. */
	if (d->vifs.len) {
		struct ast_node *l = ast_list(c->a, NULL);

		IR_FOREACH(const struct ir_vif *, v, &d->vifs)
			ast_list_add(l, canon_vif(c, v));
		put(c, m, "vifs", l);
	}
	if (d->xl_set) {
		struct ast_node *xm = ast_map(c->a, NULL);

		IR_FOREACH(const struct ir_xl *, x, &d->xl)
			ast_map_add(c->a, xm, x->key.s, x->key.len, NULL, xl_value(c, x->value));
		put(c, m, "xl", xm);
	}
	return m;
}

static struct ast_node *canon_network(struct canon *c, const struct ir_network *n)
{
	struct ast_node *m = ast_map(c->a, NULL);
	const struct ir_str *hs;

	put_str(c, m, "mode", &n->mode_s);
	put_str(c, m, "uplink", &n->uplink);
	put_int(c, m, "vlan", &n->vlan);
	put_str(c, m, "address", &n->address);
	put_str(c, m, "outbound", &n->outbound.name);
	if (n->dhcp.set) {
		struct ast_node *dm = ast_map(c->a, NULL);

		put_str(c, dm, "range", &n->dhcp.range);
		if (n->dhcp.dns_self) {
			put_str(c, dm, "dns", &n->dhcp.dns_self_s);
		} else if (n->dhcp.dns_set) {
			struct ast_node *l = ast_list(c->a, NULL);
			const struct ir_dns *d;

			IR_FOREACH(const struct ir_dns *, d, &n->dhcp.dns)
				ast_list_add(l, str_node(c, d->s.s, d->s.len));
			put(c, dm, "dns", l);
		}
		put_int(c, dm, "lease", &n->dhcp.lease);
		put(c, m, "dhcp", dm);
	}
	put_str(c, m, "gatewaydev", &n->gatewaydev.name);
	put_int(c, m, "mtu", &n->mtu);
	put_bool(c, m, "stp", &n->stp);
	put_int(c, m, "forward-delay", &n->forward_delay);
	if (n->hosts_set) {
		struct ast_node *l = ast_list(c->a, NULL);

		IR_FOREACH(const struct ir_str *, hs, &n->hosts_list)
			ast_list_add(l, str_node(c, hs->s, hs->len));
		put(c, m, "hosts", l);
	}
	if (n->vxlan.set) {
		struct ast_node *vm = ast_map(c->a, NULL);

		put_int(c, vm, "vni", &n->vxlan.vni);
		put_int(c, vm, "port", &n->vxlan.port);
		put(c, m, "vxlan", vm);
	}
	return m;
}

/*
 * A NIC's address, or null; the map form as written, when it says more
 * (it has an address, which netc may assign: docs/host-script.md).
 */
static struct ast_node *canon_nic(struct canon *c, const struct ir_nic *nic)
{
	struct ast_node *m;

	if (!nic->assign && !nic->gateway_s.s && !nic->dns_set)
		return nic->address.s ? str_node(c, nic->address.s, nic->address.len)
				      : ast_null(c->a, NULL);
	m = ast_map(c->a, NULL);
	put_str(c, m, "address", &nic->address);
	put_str(c, m, "gateway", &nic->gateway_s);
	if (nic->dns_set) {
		struct ast_node *l = ast_list(c->a, NULL);
		const struct ir_dns *d;

		IR_FOREACH(const struct ir_dns *, d, &nic->dns)
			ast_list_add(l, str_node(c, d->s.s, d->s.len));
		put(c, m, "dns", l);
	}
	return m;
}

static struct ast_node *canon_host(struct canon *c, const struct ir_host *h)
{
	struct ast_node *m = ast_map(c->a, NULL);
	const struct ir_nic *nic;
	struct ast_node *nics = NULL;

	IR_FOREACH(const struct ir_nic *, nic, &h->nics) {
		if (!nic->declared)
			continue;
		if (!nics)
			nics = ast_map(c->a, NULL);
		ast_map_add(c->a, nics, nic->name.s, nic->name.len, NULL, canon_nic(c, nic));
	}
	if (nics)
		put(c, m, "nics", nics);
	put_str(c, m, "address", &h->address);
	return m;
}

struct ast_node *canon_build(struct arena *a, const struct ir_topology *t)
{
	struct canon c = { a };
	struct ast_node *root = ast_map(a, NULL);
	struct ast_node *nets = ast_map(a, NULL);
	const struct ir_host *h;
	const struct ir_network *n;

	put_int(&c, root, "version", &t->version);
	if (t->defaults_set) {
		struct ast_node *dm = ast_map(a, NULL);

		put_str(&c, dm, "mac-prefix", &t->mac_prefix_s);
		put_str(&c, dm, "mac-seed", &t->mac_seed);
		put_str(&c, dm, "network", &t->default_network_s);
		put(&c, root, "defaults", dm);
	}
	if (t->hosts_set) {
		struct ast_node *hm = ast_map(a, NULL);

		IR_FOREACH(const struct ir_host *, h, &t->hosts)
			ast_map_add(a, hm, h->name.s, h->name.len, NULL, canon_host(&c, h));
		put(&c, root, "hosts", hm);
	}
	IR_FOREACH(const struct ir_network *, n, &t->networks)
		ast_map_add(a, nets, n->name.s, n->name.len, NULL, canon_network(&c, n));
	put(&c, root, "networks", nets);
	if (t->domains.len)
		put(&c, root, "domains", ast_map(a, NULL));
	return root;
}

void canon_each_domain(struct arena *a, const struct ir_topology *t,
		       void (*fn)(const struct ast_entry *e, void *ctx), void *ctx)
{
	struct canon c = { a };
	const struct ir_domain *d;

	IR_FOREACH(const struct ir_domain *, d, &t->domains) {
		struct arena_mark m = arena_mark(a);
		struct ast_node *one = ast_map(a, NULL);

		ast_map_add(a, one, d->name.s, d->name.len, NULL, canon_domain(&c, d));
		fn(one->entries, ctx);
		arena_rewind(a, &m);
	}
}

/*
 * Can string @s be written without quotes in netc, and read back as the same
 * string?  Bare-word characters only, and not a word that reads as an
 * integer, boolean or null.
 */
bool canon_bare_ok(const char *s, size_t len)
{
	bool b;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || (ch && strchr("_.:/-@+", ch))))
			return false;
	}
	return !ast_plain_is_null(s, len) && !ast_plain_is_bool(s, len, &b) &&
	       !ast_plain_is_int(s, len);
}

void canon_quoted_ascii(struct strbuf *sb, unsigned char c)
{
	switch (c) {
	case '"':
	case '\\':
		strbuf_addc(sb, '\\');
		strbuf_addc(sb, (char)c);
		break;
	case '\n':
		strbuf_adds(sb, "\\n");
		break;
	case '\t':
		strbuf_adds(sb, "\\t");
		break;
	case '\r':
		strbuf_adds(sb, "\\r");
		break;
	default:
		if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addc(sb, (char)c);
	}
}
