/* SPDX-License-Identifier: MIT */
#ifndef NETC_AST_H
#define NETC_AST_H

/*
 * The document tree both front ends build (docs/language.md): maps with ordered,
 * located keys; lists; scalars that remember whether they were quoted; null.
 * The netc reader builds exactly what the YAML reader builds for the same
 * topology: `network NAME { ... }` becomes the entry NAME of the top-level
 * map "networks", `vif { ... }` an item of the domain's list "vifs".
 * Nothing after the AST knows which syntax the user wrote.
 *
 * Memory: every node lives in the arena the constructor is given (a
 * compilation's c->nodes, which it recycles once the IR is built: nothing
 * after the schema may keep a node).  Constructors take their inputs and
 * keep them, strings included, which must outlive the nodes; nothing is
 * freed alone.
 */

#include "srcpos.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AST_MAX_DEPTH 32        /* deeper nesting is a `nesting` error */

enum ast_kind {
	AST_NULL,
	AST_SCALAR,
	AST_MAP,
	AST_LIST,
};

struct ast_entry;

/**
 * struct ast_node - a value; 48 bytes, since a big topology holds millions.
 * @pos:     the value's span (for a map or list, its whole extent or its opener).
 * @quoted:  scalar was quoted ('…', "…", or a block scalar): always a string,
 *           never resolved to an integer, boolean or null.
 * @count:   number of entries (map) or items (list).
 * @text, @len: scalar bytes (may hold NUL when the YAML escape \0 was used).
 * @entries: map entries in source order.
 * @items:   list items in source order, linked by @next.
 * Only the members of the node's kind are meaningful (they share storage).
 */
struct ast_node {
	enum ast_kind kind : 8;
	bool quoted;
	uint32_t count;
	struct srcpos pos;
	union {
		struct {
			const char *text;
			size_t len;
		};
		struct {
			struct ast_entry *entries, **entries_tail;
		};
		struct {
			struct ast_node *items, **items_tail;
		};
	};
	struct ast_node *next;
};

/**
 * struct ast_entry - one key of a map.
 * @key:      the model's key ("networks", "vifs", "mode", or a name).
 * @spelling: the word as written when it differs (netc "network", "vif"),
 *            for messages; else equal to @key.
 * @key_pos:  the key's span (for `network NAME {`, NAME's span).
 */
struct ast_entry {
	const char *key;
	size_t key_len;
	const char *spelling;
	struct srcpos key_pos;
	struct ast_node *value;
	struct ast_entry *next;
};

struct ast_node *ast_null(struct arena *a, const struct srcpos *pos);
struct ast_node *ast_scalar(struct arena *a, const char *text, size_t len, bool quoted,
			    const struct srcpos *pos);
struct ast_node *ast_map(struct arena *a, const struct srcpos *pos);
struct ast_node *ast_list(struct arena *a, const struct srcpos *pos);
struct ast_entry *ast_map_add(struct arena *a, struct ast_node *map, const char *key,
			      size_t key_len, const struct srcpos *key_pos,
			      struct ast_node *value);
void ast_list_add(struct ast_node *list, struct ast_node *item);
/* First entry of @map with @key, or NULL (linear; maps of fixed keys are small). */
struct ast_entry *ast_map_find(const struct ast_node *map, const char *key);

const char *ast_kind_name(enum ast_kind k);

/*
 * Does an unquoted scalar mean null?  ("", "~", "null", "Null", "NULL", the
 * YAML 1.2 core schema.)  Both readers build AST_NULL for these, so null means
 * the same in both syntaxes.
 */
bool ast_plain_is_null(const char *text, size_t len);
/* true/True/TRUE/false/False/FALSE: an unquoted boolean (YAML 1.2 core). */
bool ast_plain_is_bool(const char *text, size_t len, bool *value);
/* [-+]?[0-9]+: an unquoted integer, whatever its magnitude. */
bool ast_plain_is_int(const char *text, size_t len);

/* Debug dump of the tree, one node a line (used by the front-end tests). */
void ast_dump(const struct ast_node *n, struct strbuf *out);

#endif
