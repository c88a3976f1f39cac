/* SPDX-License-Identifier: MIT */
/*
 * -t vif: the vif lines alone, for pasting into config files netc does not
 * own (docs/xl.md).  One line per domain, "NAME: vif = [ ... ]", topology
 * order; with --domain NAME just that domain's "vif = [ ... ]".  No header:
 * the output is the lines and nothing else.
 */
#include "xl_spec.h"

#include <stdio.h>
#include <string.h>

static int unknown_domain(const struct emit_ctx *e)
{
	const struct ir_topology *t = e->ir;
	const char **names = arena_alloc(e->arena, (t->domains.len + 1) * sizeof(*names));
	const struct ir_domain *d;
	const char *pick;

	IR_FOREACH(const struct ir_domain *, d, &t->domains)
		names[d_i] = d->name.s;
	fprintf(stderr, "netc: --domain '%s': %s has no such domain",
		diag_quote(e->arena, e->domain, strlen(e->domain)), t->source_name);
	pick = diag_closest(e->domain, names, t->domains.len);
	if (pick)
		fprintf(stderr, " (did you mean '%s'?)", pick);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int emit_vif(const struct emit_ctx *e, struct strbuf *out)
{
	const struct ir_domain *d;

	if (e->domain) {
		d = ir_domain_find(e->ir, e->domain);
		if (!d)
			return unknown_domain(e);
		if (e->host && d->host != e->host) {
			fprintf(stderr, "netc: --domain '%s' runs on host '%s', not on '%s'\n",
				d->name.s, d->host->name.s, e->host->name.s);
			return EXIT_USAGE;
		}
		xl_vif_assignment(out, d, 0, true);
		strbuf_addc(out, '\n');
		return EXIT_OK;
	}
	IR_FOREACH(const struct ir_domain *, d, xl_selected_domains(e)) {
		strbuf_addf(out, "%s: ", d->name.s);
		xl_vif_assignment(out, d, d->name.len + 2, true);
		strbuf_addc(out, '\n');
		strbuf_flush_point(out);
	}
	return EXIT_OK;
}
