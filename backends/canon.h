/* SPDX-License-Identifier: MIT */
#ifndef NETC_CANON_H
#define NETC_CANON_H

#include "backend.h"

/* The topology as written, in canonical order, as an AST (see canon.c). */
struct ast_node *canon_build(struct arena *a, const struct ir_topology *t);
/* May netc print string @s as a bare word that reads back as that string? */
bool canon_bare_ok(const char *s, size_t len);
/*
 * ASCII byte @c inside a double-quoted string, as both printers write it:
 * \" \\ \n \t \r, other controls as \xHH (both syntaxes read those), the
 * rest as itself.
 */
void canon_quoted_ascii(struct strbuf *sb, unsigned char c);

#endif
