/* SPDX-License-Identifier: MIT */
/*
 * -t netc: the canonical AST in netc syntax (docs/language.md): the top-level maps
 * hosts, networks, domains become `host NAME { }` blocks and so on, a
 * domain's vifs become one-line `vif { … }` blocks, everything else is the
 * mechanical `key value;` / `key [ … ];` / `key { … }`.
 */
#include "canon.h"

#include <string.h>

#define INDENT 4

static void netc_string(struct strbuf *sb, const char *s, size_t len)
{
	if (canon_bare_ok(s, len)) {
		strbuf_add(sb, s, len);
		return;
	}
	/* Non-ASCII characters stay as they are: netc source is UTF-8. */
	strbuf_addc(sb, '"');
	for (size_t i = 0; i < len; i++)
		canon_quoted_ascii(sb, (unsigned char)s[i]);
	strbuf_addc(sb, '"');
}

static void netc_scalar(struct strbuf *sb, const struct ast_node *n)
{
	if (n->quoted)
		netc_string(sb, n->text, n->len);
	else
		strbuf_add(sb, n->text, n->len);
}

static void netc_block(struct strbuf *sb, const struct ast_node *map, int indent);

/* One statement: key and value, at @indent; @inline keeps it on one line. */
static void netc_stmt(struct strbuf *sb, const char *key, size_t key_len,
		      const struct ast_node *v, int indent, bool inline_map)
{
	strbuf_add(sb, key, key_len);
	switch (v->kind) {
	case AST_NULL:
		strbuf_adds(sb, ";");
		break;
	case AST_SCALAR:
		strbuf_addc(sb, ' ');
		netc_scalar(sb, v);
		strbuf_addc(sb, ';');
		break;
	case AST_LIST:
		strbuf_adds(sb, " [");
		for (const struct ast_node *it = v->items; it; it = it->next) {
			strbuf_adds(sb, it == v->items ? " " : ", ");
			netc_scalar(sb, it);
		}
		strbuf_adds(sb, " ];");
		break;
	case AST_MAP:
		if (!v->count) {
			strbuf_adds(sb, " { }");
		} else if (inline_map) {
			strbuf_adds(sb, " {");
			for (const struct ast_entry *e = v->entries; e; e = e->next) {
				strbuf_addc(sb, ' ');
				netc_stmt(sb, e->key, e->key_len, e->value, 0, true);
			}
			strbuf_adds(sb, " }");
		} else {
			strbuf_adds(sb, " {\n");
			netc_block(sb, v, indent + INDENT);
			strbuf_indent(sb, indent);
			strbuf_addc(sb, '}');
		}
		break;
	}
}

static void netc_block(struct strbuf *sb, const struct ast_node *map, int indent)
{
	for (const struct ast_entry *e = map->entries; e; e = e->next) {
		if (strcmp(e->key, "vifs") == 0 && e->value->kind == AST_LIST) {
			for (const struct ast_node *v = e->value->items; v; v = v->next) {
				strbuf_indent(sb, indent);
				netc_stmt(sb, "vif", 3, v, indent, true);
				strbuf_addc(sb, '\n');
			}
			continue;
		}
		strbuf_indent(sb, indent);
		netc_stmt(sb, e->key, e->key_len, e->value, indent, false);
		strbuf_addc(sb, '\n');
	}
}

/* The top level: a blank line between two statements. */
struct top {
	struct strbuf *sb;
	bool first;
};

static void netc_top(struct top *t, const char *keyword, const struct ast_entry *e)
{
	if (!t->first)
		strbuf_addc(t->sb, '\n');
	t->first = false;
	if (keyword)
		strbuf_addf(t->sb, "%s ", keyword);
	netc_stmt(t->sb, e->key, e->key_len, e->value, 0, false);
	strbuf_addc(t->sb, '\n');
	strbuf_flush_point(t->sb);
}

static void netc_domain(const struct ast_entry *e, void *top)
{
	netc_top(top, "domain", e);
}

int emit_netc(const struct emit_ctx *e, struct strbuf *out)
{
	static const struct {
		const char *key, *keyword;
	} blocks[] = { { "hosts", "host" }, { "networks", "network" } };
	const struct ast_node *root = canon_build(e->arena, e->ir);
	struct top top = { out, true };

	for (const struct ast_entry *te = root->entries; te; te = te->next) {
		size_t b;

		if (strcmp(te->key, "domains") == 0) {
			canon_each_domain(e->arena, e->ir, netc_domain, &top);
			continue;
		}
		for (b = 0; b < ARRAY_SIZE(blocks); b++)
			if (strcmp(te->key, blocks[b].key) == 0)
				break;
		if (b == ARRAY_SIZE(blocks)) {
			netc_top(&top, NULL, te);
			continue;
		}
		for (const struct ast_entry *ne = te->value->entries; ne; ne = ne->next)
			netc_top(&top, blocks[b].keyword, ne);
	}
	return EXIT_OK;
}
