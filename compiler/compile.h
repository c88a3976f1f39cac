/* SPDX-License-Identifier: MIT */
#ifndef NETC_COMPILE_H
#define NETC_COMPILE_H

/*
 * One compilation: source → AST (grammar/) → IR (schema.c, lower.c) →
 * checks (checks.c).  Backends (backends/) then read c->ir.
 * Memory: everything hangs off c->arena, but for the AST's nodes, which the
 * readers put in c->nodes: once the IR is built they are dead, and
 * compile_topology() hands their memory to c->arena for what comes after
 * (the nodes' strings stay in c->arena: the IR points at them).  The IR's
 * vifs have c->vifs to themselves: side by side, the many passes over every
 * vif read memory in order instead of hopping over domains and xl keys.
 * compilation_free() releases it all.
 *
 * Streaming: with c->stream_domains set (compile_topology() sets it), the
 * readers hand each domain to schema_domain() as soon as it is read and
 * reuse its nodes for the next, so a big topology's domains never exist as
 * a tree all at once; the domains map is left empty for schema_build().
 * The YAML reader streams the entries of the topology's first "domains"
 * map; if the text then turns out not to be a topology it can build, it
 * takes back what the schema reported.  The netc reader streams each
 * top-level `domain NAME { }` block at its '}', or at the end of the file
 * if that comes first (the missing '}' reported); it reports its syntax
 * errors beside the schema's anyway (it keeps what it could build), so it
 * takes nothing back, not even when the nesting limit stops it.
 */

#include "ast.h"
#include "diag.h"
#include "ir.h"
#include "srcpos.h"
#include "util.h"

#define NETC_VERSION "0.1.0"
#define NETC_MAX_INPUT (256u * 1024 * 1024)   /* bytes; larger inputs are refused */

enum input_format {
	INPUT_UNKNOWN,
	INPUT_YAML,
	INPUT_NETC,
};

struct compilation {
	struct arena arena;
	struct arena nodes;
	struct arena vifs;
	struct diag_ctx diag;
	struct srcfile src;
	enum input_format format;
	bool stream_domains;
	struct ast_node *ast;
	struct ir_topology *ir;
};

void compilation_init(struct compilation *c);
void compilation_free(struct compilation *c);

/* Front ends (grammar/).  Each returns the root map, or NULL after a fatal error. */
struct ast_node *yaml_read(struct compilation *c);
struct ast_node *netc_read(struct compilation *c);

/*
 * Run the pipeline on c->src in c->format up to and including the checks.
 * Returns true when the topology has no errors and c->ir is usable by backends.
 */
bool compile_topology(struct compilation *c);

/* Pieces, in pipeline order (compile_topology calls them). */
bool source_check_encoding(struct compilation *c);
void schema_begin(struct compilation *c);      /* c->ir, empty, for streaming */
void schema_domain(struct compilation *c, const struct ast_entry *e);
struct ir_topology *schema_build(struct compilation *c, const struct ast_node *root);
void lower_topology(struct compilation *c, struct ir_topology *t);

#endif
