/* SPDX-License-Identifier: MIT */
#include "ir.h"

#include <string.h>

const struct ir_vif_more ir_vif_none;

void ir_free(struct ir_topology *t)
{
	struct ir_host *h;

	IR_FOREACH(struct ir_host *, h, &t->hosts)
		strmap_free(&h->nic_by_name);
	strmap_free(&t->host_by_name);
	strmap_free(&t->net_by_name);
	strmap_free(&t->dom_by_name);
}

const char *net_mode_name(enum net_mode m)
{
	static const char *const names[] = { "bridge", "isolated", "nat", "route" };

	return names[m];
}

const char *dom_type_name(enum dom_type t)
{
	static const char *const names[] = { "pv", "pvh", "hvm" };

	return names[t];
}

bool net_mode_has_bridge(enum net_mode m)
{
	return m != MODE_ROUTE;
}

bool ir_vifname_reserved(const char *s, size_t len)
{
	return len > 3 && memcmp(s, "vif", 3) == 0 && s[3] >= '0' && s[3] <= '9';
}

struct ir_network *ir_network_find(const struct ir_topology *t, const char *name)
{
	return strmap_get(&t->net_by_name, name, strlen(name));
}

struct ir_host *ir_host_find(const struct ir_topology *t, const char *name)
{
	return strmap_get(&t->host_by_name, name, strlen(name));
}

struct ir_domain *ir_domain_find(const struct ir_topology *t, const char *name)
{
	return strmap_get(&t->dom_by_name, name, strlen(name));
}

bool ir_network_on_host(const struct ir_network *n, const struct ir_host *h)
{
	const struct ir_host *x;

	IR_FOREACH(const struct ir_host *, x, &n->on_hosts)
		if (x == h)
			return true;
	return false;
}

long long ir_vif_mtu(const struct ir_vif *v)
{
	if (v->more->mtu.set)
		return v->more->mtu.v;
	if (v->net && v->net->mtu.set)
		return v->net->mtu.v;
	return 0;
}

bool ir_vif_antispoof(const struct ir_vif *v)
{
	if (v->more->antispoof.set)
		return v->more->antispoof.v;
	return v->has_ip;
}

const char *ir_vif_script(const struct ir_vif *v, size_t *len)
{
	const char *s;

	if (v->more->script.s) {
		*len = v->more->script.len;
		return v->more->script.s;
	}
	if (!v->net)
		return NULL;
	s = v->net->mode == MODE_ROUTE ? "vif-route" : "vif-bridge";
	*len = strlen(s);
	return s;
}
