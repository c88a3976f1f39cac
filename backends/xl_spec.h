/* SPDX-License-Identifier: MIT */
#ifndef NETC_XL_SPEC_H
#define NETC_XL_SPEC_H

/*
 * What -t xl and -t vif share: xl's string quoting, the vif spec of one vif,
 * the `vif = [ ... ]` assignment of a domain, and which domains a run emits.
 * Everything appends to a strbuf; nothing is allocated but scratch in the
 * emit context's arena.
 *
 * Quoting follows libxlutil's lexer (tools/libs/util/libxlu_cfg_l.l) and
 * dequoter (libxlu_cfg.c xlu__cfgl_dequote), see docs/xl.md: a string is
 * '...' or "..." on one line; \\, \' \" and \a \b \f \n \r \t \v are the only
 * escapes that work (\xHH always fails to parse and \NNN drops the byte), so
 * every other byte but NUL is written as itself.
 */

#include "backend.h"

/* Append @s as an xl string literal between @quote characters (' or "). */
void xl_quote(struct strbuf *sb, const char *s, size_t len, char quote);

/* Append the vif spec of @v ("mac=...,bridge=...,vifname=..."), unquoted. */
void xl_vif_spec(struct strbuf *sb, const struct ir_vif *v);

/*
 * Append "vif = [ 'SPEC', ... ]" for @d, in devid order, without a newline.
 * @column: where "vif" starts on its line; with @one_line false the specs
 * after the first go on lines of their own, aligned under the first.
 */
void xl_vif_assignment(struct strbuf *sb, const struct ir_domain *d, size_t column,
		       bool one_line);

/*
 * The domains this run emits, topology order: the selected host's when the
 * topology has several hosts and --host named one, else all of them.
 */
const struct vec *xl_selected_domains(const struct emit_ctx *e);

/*
 * --domain NAME (e->domain): that domain, or NULL having said why (no such
 * domain: the closest name and the topology's names; one on another host
 * than --host's), for the caller to return EXIT_USAGE.
 */
const struct ir_domain *xl_domain_arg(const struct emit_ctx *e);

#endif
