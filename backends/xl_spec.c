/* SPDX-License-Identifier: MIT */
/*
 * The vif spec builder shared by -t xl and -t vif (docs/xl.md), and
 * xl's string quoting.  xl splits a spec at every ',' and each piece at its
 * first '=' (xl_parse.c parse_nic_config); no value written here can hold
 * either, because the schema limits them to names, addresses, rates and
 * paths.
 */
#include "xl_spec.h"

#include <stdio.h>
#include <string.h>

void xl_quote(struct strbuf *sb, const char *s, size_t len, char quote)
{
	size_t plain = 0;       /* start of the run of bytes written as they are */

	strbuf_addc(sb, quote);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		const char *esc = NULL;

		switch (c) {
		case '\\': esc = "\\\\"; break;
		case '\a': esc = "\\a"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\v': esc = "\\v"; break;
		default:
			/* Raw, UTF-8 and the controls without an escape included: the
			 * lexer takes any byte but the quote, '\\' and newline. */
			if (c != quote)
				continue;
			break;
		}
		strbuf_add(sb, s + plain, i - plain);
		plain = i + 1;
		if (esc) {
			strbuf_adds(sb, esc);
		} else {
			strbuf_addc(sb, '\\');
			strbuf_addc(sb, c);
		}
	}
	strbuf_add(sb, s + plain, len - plain);
	strbuf_addc(sb, quote);
}

struct spec {
	struct strbuf *sb;
	bool first;
};

static void spec_key(struct spec *sp, const char *key)
{
	if (!sp->first)
		strbuf_addc(sp->sb, ',');
	sp->first = false;
	strbuf_adds(sp->sb, key);
	strbuf_addc(sp->sb, '=');
}

static void spec_str(struct spec *sp, const char *key, const char *s)
{
	if (!s)
		return;
	spec_key(sp, key);
	strbuf_adds(sp->sb, s);
}

static void spec_irstr(struct spec *sp, const char *key, const struct ir_str *s)
{
	if (!s->s)
		return;
	spec_key(sp, key);
	strbuf_add(sp->sb, s->s, s->len);
}

/* A route vif's ip list, as vif-route loops over it: space-separated, each
 * address alone (a host route), each prefix as ADDR/LEN. */
static void spec_ip_list(struct spec *sp, const struct ir_vif *v)
{
	const struct ir_vif_ip *it;
	char buf[64];

	spec_key(sp, "ip");
	IR_FOREACH(const struct ir_vif_ip *, it, &v->more->ips) {
		if (it_i)
			strbuf_addc(sp->sb, ' ');
		if (it->cidr.prefix < 0 || it->cidr.prefix == 32)
			strbuf_adds(sp->sb, ip_format(&it->cidr.addr, buf));
		else
			strbuf_adds(sp->sb, cidr_format(&it->cidr, buf));
	}
}

/*
 * Key order: identity first (mac), then where the vif attaches (bridge, the
 * script, and the route mode's ip and gatewaydev), the backend name, then
 * the pass-through keys.  Whatever xl.conf could default (vif.default.script,
 * vif.default.bridge) is written, so that no host's xl.conf re-routes a vif;
 * so is mtu= on a network with an mtu: libxl then writes the frontend's
 * (its own default is 1500, whatever the bridge's).
 */
void xl_vif_spec(struct strbuf *sb, const struct ir_vif *v)
{
	struct spec sp = { sb, true };
	bool route = v->net && v->net->mode == MODE_ROUTE;
	const char *script;
	size_t script_len = 0;
	long long mtu = ir_vif_mtu(v);
	char buf[64];

	if (v->mac_source != MAC_RANDOM)
		spec_str(&sp, "mac", mac_format(v->mac, buf));
	spec_str(&sp, "bridge", v->bridge);
	/* An explicit script wins over the default: a site's wrapper around
	 * vif-route still gets ip= and gatewaydev= (docs/xl.md). */
	script = ir_vif_script(v, &script_len);
	if (script) {
		spec_key(&sp, "script");
		strbuf_add(sb, script, script_len);
	}
	/* The address alone: the hotplug scripts take ip= as addresses
	 * (vif-route routes exactly them; the anti-spoofing rules match them). */
	if (route && v->more->ip_list)
		spec_ip_list(&sp, v);
	else if (v->has_ip)
		spec_str(&sp, "ip", ip_format(&v->ip, buf));
	if (route)
		spec_irstr(&sp, "gatewaydev", &v->net->gatewaydev.name);
	spec_str(&sp, "vifname", v->backend_name);
	spec_irstr(&sp, "type", &v->more->type);
	spec_irstr(&sp, "model", &v->more->model);
	spec_irstr(&sp, "rate", &v->more->rate);
	if (mtu) {
		spec_key(&sp, "mtu");
		strbuf_addf(sb, "%lld", mtu);
	}
	spec_irstr(&sp, "backend", &v->more->backend);
}

void xl_vif_assignment(struct strbuf *sb, const struct ir_domain *d, size_t column,
		       bool one_line)
{
	static const char head[] = "vif = [ ";
	const struct ir_vif *v;
	struct strbuf spec;

	strbuf_init(&spec);
	strbuf_adds(sb, head);
	IR_FOREACH(const struct ir_vif *, v, &d->vifs) {
		if (v_i > 0) {
			if (one_line) {
				strbuf_adds(sb, ", ");
			} else {
				strbuf_adds(sb, ",\n");
				strbuf_indent(sb, (int)(column + sizeof(head) - 1));
			}
		}
		strbuf_reset(&spec);
		xl_vif_spec(&spec, v);
		xl_quote(sb, spec.buf, spec.len, '\'');
	}
	strbuf_adds(sb, d->vifs.len ? " ]" : "]");
	strbuf_free(&spec);
}

const struct vec *xl_selected_domains(const struct emit_ctx *e)
{
	return e->host ? &e->host->domains : &e->ir->domains;
}

enum { NAMES_SHOWN = 20 };      /* an unknown --domain lists this many */

const struct ir_domain *xl_domain_arg(const struct emit_ctx *e)
{
	const struct ir_topology *t = e->ir;
	const struct vec *v = xl_selected_domains(e);
	const char **names;
	const struct ir_domain *d;
	const char *pick;

	d = ir_domain_find(t, e->domain);
	if (d && e->host && d->host != e->host) {
		fprintf(stderr, "netc: --domain '%s' runs on host '%s', not on '%s'\n",
			d->name.s, d->host->name.s, e->host->name.s);
		return NULL;
	}
	if (d)
		return d;
	names = arena_alloc(e->arena, (t->domains.len + 1) * sizeof(*names));
	IR_FOREACH(const struct ir_domain *, d, &t->domains)
		names[d_i] = d->name.s;
	fprintf(stderr, "netc: --domain '%s': %s has no such domain",
		diag_quote(e->arena, e->domain, strlen(e->domain)), t->source_name);
	pick = diag_closest(e->domain, names, t->domains.len);
	if (pick)
		fprintf(stderr, " (did you mean '%s'?)", pick);
	fputc('\n', stderr);
	if (!v->len) {
		fputs("netc: it has no domains\n", stderr);
		return NULL;
	}
	fputs("netc: its domains:", stderr);
	IR_FOREACH(const struct ir_domain *, d, v) {
		if (d_i == NAMES_SHOWN) {
			fprintf(stderr, " ... (%zu more; netc --list-domains lists them)",
				v->len - NAMES_SHOWN);
			break;
		}
		fprintf(stderr, " %s", d->name.s);
	}
	fputc('\n', stderr);
	return NULL;
}
