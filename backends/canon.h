/* SPDX-License-Identifier: MIT */
#ifndef NETC_CANON_H
#define NETC_CANON_H

#include "backend.h"

/*
 * The topology as written, in canonical order, as an AST (see canon.c),
 * but for the domains: its "domains" entry, when it has one, is an empty
 * map, and a printer writes them one by one with canon_each_domain(), so
 * that no tree of a big topology's guests is ever built whole.
 */
struct ast_node *canon_build(struct arena *a, const struct ir_topology *t);
/* Calls @fn with each domain as an entry of "domains", building each in
 * the memory of the one before (the arena is rewound after each call). */
void canon_each_domain(struct arena *a, const struct ir_topology *t,
		       void (*fn)(const struct ast_entry *e, void *ctx), void *ctx);
/* May netc print string @s as a bare word that reads back as that string? */
bool canon_bare_ok(const char *s, size_t len);
/*
 * ASCII byte @c inside a double-quoted string, as both printers write it:
 * \" \\ \n \t \r, other controls as \xHH (both syntaxes read those), the
 * rest as itself.
 */
void canon_quoted_ascii(struct strbuf *sb, unsigned char c);

#endif
