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

int emit_vif(const struct emit_ctx *e, struct strbuf *out)
{
	const struct ir_domain *d;

	if (e->domain) {
		d = xl_domain_arg(e);
		if (!d)
			return EXIT_USAGE;
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
