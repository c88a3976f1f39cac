/* SPDX-License-Identifier: MIT */
#include "ast.h"

#include <string.h>

static struct ast_node *node_new(struct arena *a, enum ast_kind kind, const struct srcpos *pos)
{
	struct ast_node *n = arena_new(a, struct ast_node);

	n->kind = kind;
	if (pos)
		n->pos = *pos;
	if (kind == AST_MAP)
		n->entries_tail = &n->entries;
	else if (kind == AST_LIST)
		n->items_tail = &n->items;
	return n;
}

struct ast_node *ast_null(struct arena *a, const struct srcpos *pos)
{
	return node_new(a, AST_NULL, pos);
}

struct ast_node *ast_scalar(struct arena *a, const char *text, size_t len, bool quoted,
			    const struct srcpos *pos)
{
	struct ast_node *n = node_new(a, AST_SCALAR, pos);

	n->text = text;
	n->len = len;
	n->quoted = quoted;
	return n;
}

struct ast_node *ast_map(struct arena *a, const struct srcpos *pos)
{
	return node_new(a, AST_MAP, pos);
}

struct ast_node *ast_list(struct arena *a, const struct srcpos *pos)
{
	return node_new(a, AST_LIST, pos);
}

struct ast_entry *ast_map_add(struct arena *a, struct ast_node *map, const char *key,
			      size_t key_len, const struct srcpos *key_pos,
			      struct ast_node *value)
{
	struct ast_entry *e = arena_new(a, struct ast_entry);

	e->key = key;
	e->key_len = key_len;
	e->spelling = key;
	if (key_pos)
		e->key_pos = *key_pos;
	e->value = value;
	*map->entries_tail = e;
	map->entries_tail = &e->next;
	map->count++;
	return e;
}

void ast_list_add(struct ast_node *list, struct ast_node *item)
{
	item->next = NULL;
	*list->items_tail = item;
	list->items_tail = &item->next;
	list->count++;
}

struct ast_entry *ast_map_find(const struct ast_node *map, const char *key)
{
	for (struct ast_entry *e = map->entries; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* Every plain scalar is asked both questions: the length decides most. */
bool ast_plain_is_null(const char *text, size_t len)
{
	switch (len) {
	case 0:
		return true;
	case 1:
		return text[0] == '~';
	case 4:
		return memcmp(text, "null", 4) == 0 || memcmp(text, "Null", 4) == 0 ||
		       memcmp(text, "NULL", 4) == 0;
	default:
		return false;
	}
}

bool ast_plain_is_bool(const char *text, size_t len, bool *value)
{
	if (len == 4 && (memcmp(text, "true", 4) == 0 || memcmp(text, "True", 4) == 0 ||
			 memcmp(text, "TRUE", 4) == 0))
		*value = true;
	else if (len == 5 && (memcmp(text, "false", 5) == 0 || memcmp(text, "False", 5) == 0 ||
			      memcmp(text, "FALSE", 5) == 0))
		*value = false;
	else
		return false;
	return true;
}

bool ast_plain_is_int(const char *text, size_t len)
{
	size_t i = len && (text[0] == '-' || text[0] == '+');

	if (i == len)
		return false;
	for (; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return false;
	return true;
}

const char *ast_kind_name(enum ast_kind k)
{
	switch (k) {
	case AST_NULL:
		return "null";
	case AST_SCALAR:
		return "scalar";
	case AST_MAP:
		return "map";
	case AST_LIST:
		return "list";
	}
	return "?";
}

static void dump_pos(const struct srcpos *p, struct strbuf *out)
{
	strbuf_addf(out, "@%u:%u-%u:%u", (unsigned)p->first_line, (unsigned)p->first_column,
		    (unsigned)p->last_line, (unsigned)p->last_column);
}

static void dump_text(const char *s, size_t len, struct strbuf *out)
{
	strbuf_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			strbuf_addf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addc(out, (char)c);
	}
	strbuf_addc(out, '"');
}

static void dump(const struct ast_node *n, int depth, struct strbuf *out)
{
	strbuf_indent(out, depth * 2);
	strbuf_adds(out, ast_kind_name(n->kind));
	dump_pos(&n->pos, out);
	if (n->kind == AST_SCALAR) {
		strbuf_addc(out, ' ');
		if (n->quoted)
			strbuf_adds(out, "quoted ");
		dump_text(n->text, n->len, out);
	}
	strbuf_addc(out, '\n');
	if (n->kind == AST_MAP) {
		for (const struct ast_entry *e = n->entries; e; e = e->next) {
			strbuf_indent(out, depth * 2 + 2);
			strbuf_adds(out, "key ");
			dump_text(e->key, e->key_len, out);
			if (strcmp(e->spelling, e->key) != 0)
				strbuf_addf(out, " (spelled %s)", e->spelling);
			dump_pos(&e->key_pos, out);
			strbuf_addc(out, '\n');
			dump(e->value, depth + 2, out);
		}
	} else if (n->kind == AST_LIST) {
		for (const struct ast_node *i = n->items; i; i = i->next)
			dump(i, depth + 1, out);
	}
}

void ast_dump(const struct ast_node *n, struct strbuf *out)
{
	dump(n, 0, out);
}
