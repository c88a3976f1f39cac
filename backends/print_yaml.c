/* SPDX-License-Identifier: MIT */
/*
 * -t yaml: the canonical AST in block-style YAML.  Strings are plain when
 * they read back as the same string both in netc's own resolution and in
 * YAML 1.1 tools' (so yes, 0x1f, 1.5 or 10:20:30 are quoted), else
 * double-quoted with escapes and no raw non-ASCII characters.
 */
#include "canon.h"

#include <string.h>

/*
 * Plain scalars that YAML 1.1 resolvers (PyYAML, Ruby) read as something
 * other than a string, matched by hand because this runs for every scalar of
 * a 100 MB topology.  The patterns, as regular expressions:
 *   bool   y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF
 *   int    [-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*
 *               |[1-9][0-9_]*(:[0-5]?[0-9])+)
 *   float  [-+]?(([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?
 *               |[0-9][0-9_]*[eE][-+]?[0-9]+
 *               |[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|\.(inf|Inf|INF))
 *          \.(nan|NaN|NAN)
 *   and the value and merge indicators = and <<.
 */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t span(const char *s, size_t i, size_t n, const char *set)
{
	while (i < n && s[i] && strchr(set, s[i]))
		i++;
	return i;
}

/* (:[0-5]?[0-9])+ at *i: at least one group. */
static bool sexagesimal_tail(const char *s, size_t *i, size_t n)
{
	size_t k = *i;
	int groups = 0;

	while (k < n && s[k] == ':') {
		if (k + 2 < n && s[k + 1] >= '0' && s[k + 1] <= '5' && is_digit(s[k + 2]))
			k += 3;
		else if (k + 1 < n && is_digit(s[k + 1]))
			k += 2;
		else
			break;
		groups++;
	}
	if (!groups)
		return false;
	*i = k;
	return true;
}

/* [eE][-+]?[0-9]+ at *i. */
static bool exponent_tail(const char *s, size_t *i, size_t n)
{
	size_t k = *i, d;

	if (k >= n || (s[k] != 'e' && s[k] != 'E'))
		return false;
	k++;
	if (k < n && (s[k] == '-' || s[k] == '+'))
		k++;
	d = span(s, k, n, "0123456789");
	if (d == k)
		return false;
	*i = d;
	return true;
}

static bool word_in(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return true;
	return false;
}

static bool yaml11_special(const char *s, size_t len)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON",
		"off", "Off", "OFF", "=", "<<", ".nan", ".NaN", ".NAN", NULL,
	};
	static const char *const infs[] = { ".inf", ".Inf", ".INF", NULL };
	const char *r = s;
	size_t n = len, j, k;

	/* Names run longer than any of the words: most scalars stop here. */
	if (len <= 5 && word_in(s, len, words))
		return true;
	if (n && (r[0] == '-' || r[0] == '+')) {
		r++;
		n--;
	}
	if (n == 0)
		return false;
	if (n == 4 && word_in(r, n, infs))
		return true;
	if (n > 2 && r[0] == '0' && r[1] == 'b')
		return span(r, 2, n, "01_") == n;
	if (n > 2 && r[0] == '0' && r[1] == 'x')
		return span(r, 2, n, "0123456789abcdefABCDEF_") == n;
	if (n > 2 && r[0] == '0' && r[1] == 'o')
		return span(r, 2, n, "01234567_") == n;
	if (is_digit(r[0])) {
		j = span(r, 1, n, "0123456789_");
		if (j == n)
			return true;                                    /* decimal, 0-octal */
		k = j;
		if (sexagesimal_tail(r, &k, n)) {
			if (k == n && r[0] != '0')
				return true;                            /* sexagesimal int */
			if (k < n && r[k] == '.' && span(r, k + 1, n, "0123456789_") == n)
				return true;                            /* sexagesimal float */
		}
		k = j;
		if (exponent_tail(r, &k, n) && k == n)
			return true;                                    /* 1e5 */
	}
	k = is_digit(r[0]) ? span(r, 1, n, "0123456789_") : 0;
	if (k < n && r[k] == '.') {
		k = span(r, k + 1, n, "0123456789_");
		if (k == n || (exponent_tail(r, &k, n) && k == n))
			return true;                                    /* 1.5, .5, 1.e3 */
	}
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
		canon_quoted_ascii(sb, c);
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

static void yaml_entry(struct strbuf *sb, const struct ast_entry *e, int indent, bool inline_key)
{
	if (!inline_key)
		strbuf_indent(sb, indent);
	yaml_text(sb, e->key, e->key_len, true);
	strbuf_addc(sb, ':');
	yaml_value(sb, e->value, indent);
	strbuf_flush_point(sb);
}

static void yaml_entries(struct strbuf *sb, const struct ast_node *map, int indent, bool first_inline)
{
	for (const struct ast_entry *e = map->entries; e; e = e->next) {
		yaml_entry(sb, e, indent, first_inline);
		first_inline = false;
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

static void yaml_domain(const struct ast_entry *e, void *sb)
{
	yaml_entry(sb, e, 2, false);
}

int emit_yaml(const struct emit_ctx *e, struct strbuf *out)
{
	const struct ast_node *root = canon_build(e->arena, e->ir);

	for (const struct ast_entry *te = root->entries; te; te = te->next) {
		if (strcmp(te->key, "domains") != 0) {
			yaml_entry(out, te, 0, false);
			continue;
		}
		strbuf_adds(out, "domains:\n");
		canon_each_domain(e->arena, e->ir, yaml_domain, out);
	}
	return EXIT_OK;
}
