/* SPDX-License-Identifier: MIT */
/*
 * -t json: the checked IR after every default and derivation (netc(1)).
 * Key order is fixed here; named collections keep topology order.  Nothing
 * in it depends on which syntax the topology was written in (no positions,
 * no source hash), so YAML and netc inputs give the same bytes.
 */
#include "backend.h"

#include <string.h>

struct json {
	struct strbuf *sb;
	int depth;
	bool first;     /* no member written yet at this depth */
};

static void json_string(struct strbuf *sb, const char *s, size_t len)
{
	size_t run = 0;

	strbuf_addc(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		strbuf_add(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			strbuf_adds(sb, "\\\"");
			break;
		case '\\':
			strbuf_adds(sb, "\\\\");
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
			strbuf_addf(sb, "\\u%04x", c);
		}
	}
	strbuf_add(sb, s + run, len - run);
	strbuf_addc(sb, '"');
}

static void json_sep(struct json *j)
{
	if (!j->first)
		strbuf_addc(j->sb, ',');
	j->first = false;
	strbuf_addc(j->sb, '\n');
	strbuf_indent(j->sb, j->depth * 2);
}

static void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_string(j->sb, key, strlen(key));
	strbuf_adds(j->sb, ": ");
}

static void json_open(struct json *j, char c)
{
	strbuf_addc(j->sb, c);
	j->depth++;
	j->first = true;
}

static void json_close(struct json *j, char c)
{
	bool empty = j->first;

	j->depth--;
	j->first = false;
	if (!empty) {
		strbuf_addc(j->sb, '\n');
		strbuf_indent(j->sb, j->depth * 2);
	}
	strbuf_addc(j->sb, c);
}

static void kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s)
		json_string(j->sb, s, strlen(s));
	else
		strbuf_adds(j->sb, "null");
}

static void kv_irstr(struct json *j, const char *key, const struct ir_str *s)
{
	json_key(j, key);
	if (s->s)
		json_string(j->sb, s->s, s->len);
	else
		strbuf_adds(j->sb, "null");
}

static void kv_int(struct json *j, const char *key, const struct ir_int *v)
{
	json_key(j, key);
	if (v->set)
		strbuf_add_ll(j->sb, v->v);
	else
		strbuf_adds(j->sb, "null");
}

static void kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	strbuf_adds(j->sb, v ? "true" : "false");
}

static void item_str(struct json *j, const char *s)
{
	json_sep(j);
	json_string(j->sb, s, strlen(s));
}

static void kv_ifref(struct json *j, const char *key, const struct ir_ifref *r)
{
	json_key(j, key);
	if (!r->name.s) {
		strbuf_adds(j->sb, "null");
		return;
	}
	json_open(j, '{');
	kv_irstr(j, "name", &r->name);
	kv_str(j, "kind", r->kind == IFACE_BRIDGE ? "bridge" : "nic");
	json_close(j, '}');
}

static void json_hosts(struct json *j, const struct ir_topology *t)
{
	const struct ir_host *h;
	const struct ir_nic *nic;
	const struct ir_dns *dns;
	const struct ir_network *n;
	const struct ir_domain *d;
	char buf[64];

	json_key(j, "hosts");
	json_open(j, '{');
	IR_FOREACH(const struct ir_host *, h, &t->hosts) {
		json_key(j, h->name.s);
		json_open(j, '{');
		kv_bool(j, "implicit", h->implicit);
		kv_str(j, "address", h->has_underlay ? ip_format(&h->underlay, buf) : NULL);
		json_key(j, "nics");
		json_open(j, '{');
		IR_FOREACH(const struct ir_nic *, nic, &h->nics) {
			json_key(j, nic->name.s);
			json_open(j, '{');
			kv_str(j, "address", nic->has_cidr ? cidr_format(&nic->cidr, buf) : NULL);
			kv_str(j, "gateway", nic->has_gateway ? ip_format(&nic->gateway, buf) : NULL);
			json_key(j, "dns");
			json_open(j, '[');
			IR_FOREACH(const struct ir_dns *, dns, &nic->dns)
				item_str(j, ip_format(&dns->addr, buf));
			json_close(j, ']');
			kv_bool(j, "assign", nic->assign);
			kv_bool(j, "declared", nic->declared);
			kv_str(j, "enslaved-by", nic->enslaved_by ? nic->enslaved_by->name.s : NULL);
			json_close(j, '}');
		}
		json_close(j, '}');
		json_key(j, "networks");
		json_open(j, '[');
		IR_FOREACH(const struct ir_network *, n, &h->networks)
			item_str(j, n->name.s);
		json_close(j, ']');
		json_key(j, "domains");
		json_open(j, '[');
		IR_FOREACH(const struct ir_domain *, d, &h->domains)
			item_str(j, d->name.s);
		json_close(j, ']');
		json_close(j, '}');
	}
	json_close(j, '}');
}

static void json_network(struct json *j, const struct ir_network *n)
{
	const struct ir_host *h;
	char buf[64];

	json_key(j, n->name.s);
	json_open(j, '{');
	kv_str(j, "mode", net_mode_name(n->mode));
	kv_str(j, "bridge", net_mode_has_bridge(n->mode) ? n->name.s : NULL);
	kv_irstr(j, "uplink", &n->uplink);
	kv_int(j, "vlan", &n->vlan);
	kv_str(j, "port", n->port);
	kv_str(j, "address", n->has_cidr ? cidr_format(&n->cidr, buf) : NULL);
	kv_str(j, "subnet", n->has_subnet ? cidr_format(&(struct ip_cidr){ n->subnet, n->subnet_prefix }, buf)
					  : NULL);
	kv_str(j, "gateway", n->gateway.family ? ip_format(&n->gateway, buf) : NULL);
	kv_ifref(j, "outbound", &n->outbound);
	json_key(j, "dhcp");
	if (n->dhcp.set) {
		json_open(j, '{');
		kv_str(j, "first", ip_format(&n->dhcp.first, buf));
		kv_str(j, "last", ip_format(&n->dhcp.last, buf));
		if (n->dhcp.dns_set && !n->dhcp.dns_self) {
			const struct ir_dns *d;

			json_key(j, "dns");
			json_open(j, '[');
			IR_FOREACH(const struct ir_dns *, d, &n->dhcp.dns)
				item_str(j, ip_format(&d->addr, buf));
			json_close(j, ']');
		} else {
			kv_str(j, "dns", n->dhcp.dns_self ? "self" : NULL);
		}
		kv_int(j, "lease", &n->dhcp.lease);
		json_close(j, '}');
	} else {
		strbuf_adds(j->sb, "null");
	}
	kv_ifref(j, "gatewaydev", &n->gatewaydev);
	kv_int(j, "mtu", &n->mtu);
	kv_bool(j, "stp", n->stp.set && n->stp.v);
	kv_int(j, "forward-delay", &n->forward_delay);
	json_key(j, "hosts");
	json_open(j, '[');
	IR_FOREACH(const struct ir_host *, h, &n->on_hosts)
		item_str(j, h->name.s);
	json_close(j, ']');
	json_key(j, "vxlan");
	if (n->vxlan.set) {
		json_open(j, '{');
		kv_int(j, "vni", &n->vxlan.vni);
		json_key(j, "port");
		strbuf_addf(j->sb, "%lld", n->vxlan.port.set ? n->vxlan.port.v : 4789);
		kv_str(j, "device", n->vxlan_dev);
		json_close(j, '}');
	} else {
		strbuf_adds(j->sb, "null");
	}
	json_close(j, '}');
}

static void json_xl_value(struct json *j, const struct ir_xl_value *v)
{
	const struct ir_xl_value *it;

	switch (v->kind) {
	case XL_INT:
		strbuf_add_ll(j->sb, v->i);
		break;
	case XL_BOOL:
		strbuf_adds(j->sb, v->b ? "true" : "false");
		break;
	case XL_STRING:
		json_string(j->sb, v->s, v->len);
		break;
	case XL_LIST:
		json_open(j, '[');
		IR_FOREACH(const struct ir_xl_value *, it, &v->items) {
			json_sep(j);
			json_xl_value(j, it);
		}
		json_close(j, ']');
		break;
	}
}

static const char *const mac_sources[] = { "derived", "explicit", "random" };
static const char *const name_sources[] = { "derived", "explicit" };

static void json_vif(struct json *j, const struct ir_vif *v)
{
	const struct ir_vif_ip *it;
	const char *script;
	size_t script_len = 0;
	long long mtu;
	char buf[64];

	json_sep(j);
	json_open(j, '{');
	json_key(j, "devid");
	strbuf_add_ull(j->sb, v->devid);
	kv_str(j, "network", v->net ? v->net->name.s : NULL);
	kv_str(j, "mode", v->net ? net_mode_name(v->net->mode) : NULL);
	kv_str(j, "bridge", v->bridge);
	kv_str(j, "mac", v->mac_source == MAC_RANDOM ? NULL : mac_format(v->mac, buf));
	kv_str(j, "mac-source", mac_sources[v->mac_source]);
	kv_str(j, "name", v->backend_name);
	kv_str(j, "name-source", name_sources[v->name_source]);
	kv_str(j, "ip", v->has_ip ? cidr_format(&(struct ip_cidr){ v->ip, v->ip_prefix }, buf) : NULL);
	/* What vif-route routes to the guest: its ip, and the rest of a list. */
	json_key(j, "routes");
	if (v->net && v->net->mode == MODE_ROUTE && v->has_ip) {
		json_open(j, '[');
		if (v->more->ip_list) {
			IR_FOREACH(const struct ir_vif_ip *, it, &v->more->ips)
				item_str(j, cidr_format(&(struct ip_cidr){ it->cidr.addr,
					it->cidr.prefix < 0 ? 32 : it->cidr.prefix }, buf));
		} else {
			item_str(j, cidr_format(&(struct ip_cidr){ v->ip, 32 }, buf));
		}
		json_close(j, ']');
	} else {
		strbuf_adds(j->sb, "null");
	}
	kv_irstr(j, "rate", &v->more->rate);
	mtu = ir_vif_mtu(v);
	json_key(j, "mtu");
	if (mtu)
		strbuf_add_ll(j->sb, mtu);
	else
		strbuf_adds(j->sb, "null");
	kv_irstr(j, "model", &v->more->model);
	kv_irstr(j, "type", &v->more->type);
	script = ir_vif_script(v, &script_len);
	json_key(j, "script");
	if (script)
		json_string(j->sb, script, script_len);
	else
		strbuf_adds(j->sb, "null");
	kv_irstr(j, "backend", &v->more->backend);
	/* In effect: the key, or on where the vif declares an ip. */
	kv_bool(j, "antispoof", ir_vif_antispoof(v));
	json_close(j, '}');
}

static void json_domain(struct json *j, const struct ir_domain *d)
{
	const struct ir_vif *v;
	const struct ir_xl *x;

	json_key(j, d->name.s);
	json_open(j, '{');
	kv_int(j, "id", &d->id);
	kv_str(j, "host", d->host ? d->host->name.s : NULL);
	kv_str(j, "type", dom_type_name(d->type));
	json_key(j, "vifs");
	json_open(j, '[');
	IR_FOREACH(const struct ir_vif *, v, &d->vifs)
		json_vif(j, v);
	json_close(j, ']');
	json_key(j, "xl");
	json_open(j, '{');
	IR_FOREACH(const struct ir_xl *, x, &d->xl) {
		json_sep(j);
		json_string(j->sb, x->key.s, x->key.len);
		strbuf_adds(j->sb, ": ");
		json_xl_value(j, x->value);
	}
	json_close(j, '}');
	json_close(j, '}');
}

int emit_json(const struct emit_ctx *e, struct strbuf *out)
{
	const struct ir_topology *t = e->ir;
	const struct ir_network *n;
	const struct ir_domain *d;
	struct json j = { out, 0, true };
	char prefix[32];

	json_open(&j, '{');
	kv_int(&j, "version", &t->version);
	if (t->mac_local)
		strcpy(prefix, "local");
	else
		snprintf(prefix, sizeof(prefix), "%02x:%02x:%02x", t->mac_prefix[0], t->mac_prefix[1],
			 t->mac_prefix[2]);
	kv_str(&j, "mac-prefix", prefix);
	kv_irstr(&j, "mac-seed", &t->mac_seed);
	kv_str(&j, "default-network", t->default_network ? t->default_network->name.s : NULL);
	json_hosts(&j, t);
	json_key(&j, "networks");
	json_open(&j, '{');
	IR_FOREACH(const struct ir_network *, n, &t->networks) {
		json_network(&j, n);
		strbuf_flush_point(out);
	}
	json_close(&j, '}');
	json_key(&j, "domains");
	json_open(&j, '{');
	IR_FOREACH(const struct ir_domain *, d, &t->domains) {
		json_domain(&j, d);
		strbuf_flush_point(out);
	}
	json_close(&j, '}');
	json_close(&j, '}');
	strbuf_addc(out, '\n');
	return EXIT_OK;
}
