/* SPDX-License-Identifier: MIT */
/*
 * -t yaml: the canonical AST in block-style YAML.  Strings are plain when
 * they read back as the same string both in netc's own resolution and in
 * YAML 1.1 tools' (so yes, 0x1f, 1.5 or 10:20:30 are quoted), else
 * double-quoted with escapes and no raw non-ASCII characters.
 */
#include "canon.h"

#include <regex.h>
#include <string.h>

/* Plain scalars YAML 1.1 resolvers (PyYAML, Ruby) read as non-strings. */
static const char *const yaml11_nonstring[] = {
	"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$",
	"^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*|[1-9][0-9_]*(:[0-5]?[0-9])+)$",
	"^[-+]?(([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+|"
	"[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|\\.(inf|Inf|INF))$",
	"^\\.(nan|NaN|NAN)$",
	"^(=|<<)$",
};

static bool yaml11_special(const char *s, size_t len)
{
	static regex_t re[ARRAY_SIZE(yaml11_nonstring)];
	static bool ready;
	char buf[128];

	if (len >= sizeof(buf))
		return false;       /* none of the patterns matches anything this long */
	if (!ready) {
		for (size_t i = 0; i < ARRAY_SIZE(re); i++)
			if (regcomp(&re[i], yaml11_nonstring[i], REG_EXTENDED | REG_NOSUB) != 0)
				die_oom();
		ready = true;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(re); i++)
		if (regexec(&re[i], buf, 0, NULL, 0) == 0)
			return true;
	return false;
}

static bool yaml_plain_ok(const char *s, size_t len)
{
	return canon_bare_ok(s, len) && !strchr("-:@", s[0]) && s[len - 1] != ':' &&
	       !yaml11_special(s, len);
}

static void yaml_quoted(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	strbuf_addc(sb, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];

		if (c >= 0x80) {
			size_t n = utf8_char_len(u + i, len - i);
			unsigned cp = n > 1 ? (unsigned)(c & (0x7f >> n)) : c;

			for (size_t k = 1; k < n; k++)
				cp = cp << 6 | (u[i + k] & 0x3f);
			strbuf_addf(sb, cp > 0xffff ? "\\U%08x" : "\\u%04x", cp);
			i += n ? n : 1;
			continue;
		}
		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_adds(sb, "\\n");
		else if (c == '\t')
			strbuf_adds(sb, "\\t");
		else if (c == '\r')
			strbuf_adds(sb, "\\r");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addc(sb, (char)c);
		i++;
	}
	strbuf_addc(sb, '"');
}

static void yaml_text(struct strbuf *sb, const char *s, size_t len, bool is_string)
{
	if (!is_string || yaml_plain_ok(s, len))
		strbuf_add(sb, s, len);
	else
		yaml_quoted(sb, s, len);
}

static void yaml_node(struct strbuf *sb, const struct ast_node *n, int indent);

static void yaml_scalar(struct strbuf *sb, const struct ast_node *n)
{
	if (n->kind == AST_NULL)
		strbuf_adds(sb, "null");
	else
		yaml_text(sb, n->text, n->len, n->quoted);
}

/* After "key:" or "- ": the value, inline or as an indented block. */
static void yaml_value(struct strbuf *sb, const struct ast_node *n, int indent)
{
	if (n->kind == AST_MAP && n->count) {
		strbuf_addc(sb, '\n');
		yaml_node(sb, n, indent + 2);
	} else if (n->kind == AST_LIST && n->count) {
		strbuf_addc(sb, '\n');
		yaml_node(sb, n, indent + 2);
	} else if (n->kind == AST_MAP) {
		strbuf_adds(sb, " {}\n");
	} else if (n->kind == AST_LIST) {
		strbuf_adds(sb, " []\n");
	} else {
		strbuf_addc(sb, ' ');
		yaml_scalar(sb, n);
		strbuf_addc(sb, '\n');
	}
}

static void yaml_entries(struct strbuf *sb, const struct ast_node *map, int indent, bool first_inline)
{
	for (const struct ast_entry *e = map->entries; e; e = e->next) {
		if (!first_inline)
			strbuf_indent(sb, indent);
		first_inline = false;
		yaml_text(sb, e->key, e->key_len, true);
		strbuf_addc(sb, ':');
		yaml_value(sb, e->value, indent);
	}
}

static void yaml_node(struct strbuf *sb, const struct ast_node *n, int indent)
{
	if (n->kind == AST_MAP) {
		yaml_entries(sb, n, indent, false);
		return;
	}
	for (const struct ast_node *it = n->items; it; it = it->next) {
		strbuf_indent(sb, indent);
		strbuf_adds(sb, "- ");
		if (it->kind == AST_MAP && it->count) {
			yaml_entries(sb, it, indent + 2, true);
		} else if (it->kind == AST_MAP) {
			strbuf_adds(sb, "{}\n");
		} else if (it->kind == AST_LIST) {
			strbuf_adds(sb, "[]\n");    /* lists of lists do not occur in the model */
		} else {
			yaml_scalar(sb, it);
			strbuf_addc(sb, '\n');
		}
	}
}

int emit_yaml(const struct emit_ctx *e, struct strbuf *out)
{
	yaml_node(out, canon_build(e->arena, e->ir), 0);
	return EXIT_OK;
}
