/* SPDX-License-Identifier: MIT */
/*
 * The netc front end (docs/language.md): runs the flex scanner and the bison parser
 * over the source and builds the same AST the YAML reader builds.  The
 * grammar's actions call the nr_* builders below; the scanner calls the
 * nr_lex_* helpers.  Nodes live in the compilation's node arena, strings
 * and messages in its arena (compile.h).
 */
#include "netc_reader.h"
#include "netc_parser.h"
#include "netc_lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The block sugar: keyword as written, and the model's key it fills. */
static const struct {
	const char *word;
	const char *key;
} nr_sugar_table[NR_SUGAR_COUNT] = {
	[NR_HOSTS] = { "host", "hosts" },
	[NR_NETWORKS] = { "network", "networks" },
	[NR_DOMAINS] = { "domain", "domains" },
	[NR_VIFS] = { "vif", "vifs" },
};

static bool tok_is(const struct nr_token *t, const char *word)
{
	size_t n = strlen(word);

	return t->len == n && memcmp(t->text, word, n) == 0;
}

/* Which sugar keyword @t is (NR_SUGAR_COUNT: none). */
static enum nr_sugar sugar_word(const struct nr_token *t)
{
	for (int i = 0; i < NR_SUGAR_COUNT; i++)
		if (tok_is(t, nr_sugar_table[i].word))
			return (enum nr_sugar)i;
	return NR_SUGAR_COUNT;
}

/* The token's text as a NUL-terminated arena string. */
static const char *tok_text(struct nr_parser *p, const struct nr_token *t)
{
	return t->owned ? t->text : arena_strndup(p->arena, t->text, t->len);
}

static const char *tok_quote(struct nr_parser *p, const struct nr_token *t)
{
	return diag_quote(p->arena, t->text, t->len);
}

static struct nr_frame *top_frame(struct nr_parser *p)
{
	return &p->frames[p->nframes - 1];
}

/* ---- scanner helpers ---- */

size_t nr_input(struct nr_parser *p, char *buf, size_t max)
{
	size_t n = p->src_len - p->in_off;

	if (n > max)
		n = max;
	memcpy(buf, p->src + p->in_off, n);
	p->in_off += n;
	return n;
}

void nr_lex_fatal(const char *msg)
{
	fprintf(stderr, "netc: netc scanner: %s\n", msg);
	exit(EXIT_IO);
}

void nr_lex_word(struct nr_parser *p, struct nr_token *tok, size_t len)
{
	tok->text = p->src + p->tok_off;
	tok->len = len;
	tok->owned = false;
}

/* Column @col of the current token's line, @n characters wide. */
static struct srcpos pos_at(const struct srcpos *line, uint32_t col, uint32_t n)
{
	struct srcpos pos = *line;

	pos.last_line = pos.first_line;
	pos.first_column = col;
	pos.last_column = col + n - 1;
	return pos;
}

/* Length of the character at @s (a stray byte counts as one). */
static size_t char_len(const unsigned char *s, size_t n)
{
	size_t len = utf8_char_len(s, n);

	return len ? len : 1;
}

/* The control character at @s, other than the tab (C0, DEL, C1), or 0. */
static unsigned control_char(const unsigned char *s, size_t n)
{
	if ((s[0] < 0x20 && s[0] != '\t') || s[0] == 0x7f)
		return s[0];
	if (n >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return s[1];
	return 0;
}

/* What the escape \@c stands for, or 0 when netc has no such escape. */
static char unescape(unsigned char c)
{
	switch (c) {
	case '"':
	case '\\':
		return (char)c;
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	}
	return 0;
}

/* \xHH for an ASCII byte 01-7f (a non-ASCII character is written as itself,
 * so the string stays UTF-8); returns the byte, or 0 when malformed. */
static char hex_escape(const unsigned char *s, size_t n)
{
	int hi, lo;

	if (n < 4 || s[1] != 'x')
		return 0;
	hi = hex_digit(s[2]);
	lo = hex_digit(s[3]);
	if (hi < 0 || lo < 0 || hi > 7 || (hi == 0 && lo == 0))
		return 0;
	return (char)(hi << 4 | lo);
}

/*
 * A complete "..." token: decode the escapes \" \\ \n \t \r \xHH.  Any other escape
 * and any raw control character but the tab is an error at its own column;
 * the string is still returned (with the offending bytes as written) so the
 * parse goes on.  Most strings have neither: they stay in the source.
 */
void nr_lex_string(struct nr_parser *p, struct nr_token *tok, const struct srcpos *loc,
		   size_t len)
{
	const unsigned char *s = (const unsigned char *)p->src + p->tok_off + 1;
	size_t n = len - 2, i;
	uint32_t col = loc->first_column + 1;
	char *out, *o;

	for (i = 0; i < n; i++)
		if (s[i] == '\\' || s[i] < 0x20 || s[i] == 0x7f || s[i] == 0xc2)
			break;
	if (i == n) {
		tok->text = (const char *)s;
		tok->len = n;
		tok->owned = false;
		return;
	}
	out = o = arena_alloc(p->arena, n + 1);
	for (i = 0; i < n; col++) {
		size_t clen = char_len(s + i, n - i);
		unsigned cc = control_char(s + i, n - i);

		if (s[i] == '\\') {
			/* The scanner's pattern puts a character after every backslash. */
			char c = unescape(s[i + 1]);

			clen = 1 + char_len(s + i + 1, n - i - 1);
			if (c) {
				*o++ = c;
				i += 2;
				col++;
				continue;
			}
			if (s[i + 1] == 'x') {
				c = hex_escape(s + i, n - i);
				if (c) {
					*o++ = c;
					i += 4;
					col += 3;
					continue;
				}
			}
			/* A bad \xHH is underlined whole; its bytes then go on as text. */
			size_t shown = s[i + 1] == 'x' ? (n - i < 4 ? n - i : 4) : clen;
			struct srcpos at = pos_at(loc, col, s[i + 1] == 'x' ? (uint32_t)shown : 2);

			diag_report(&p->c->diag, CHECK_SYNTAX, &at,
				    "invalid escape '%s' in string; netc knows \\\", \\\\, \\n, \\t, \\r and \\x01-\\x7f",
				    diag_quote(p->arena, (const char *)s + i, shown));
			col++;
		} else if (cc) {
			struct srcpos at = pos_at(loc, col, 1);

			diag_report(&p->c->diag, CHECK_SYNTAX, &at,
				    "control character U+%04X in string", cc);
		}
		memcpy(o, s + i, clen);
		o += clen;
		i += clen;
	}
	*o = '\0';
	tok->text = out;
	tok->len = (size_t)(o - out);
	tok->owned = true;
}

/* A '"' whose string ends at a newline or at the end of the file. */
void nr_lex_unterminated(struct nr_parser *p, const struct srcpos *loc, size_t len)
{
	struct srcpos pos = *loc;
	bool at_eof = p->offset >= p->src_len;

	/* CRLF line ends: the CR is not part of what the caret underlines. */
	if (!at_eof && len > 1 && p->src[p->tok_off + len - 1] == '\r')
		pos.last_column--;
	if (at_eof)
		diag_report(&p->c->diag, CHECK_SYNTAX, &pos,
			    "unterminated string: the file ends before its closing '\"'");
	else
		diag_report(&p->c->diag, CHECK_SYNTAX, &pos,
			    "unterminated string: a string cannot span lines (write \\n for a newline)");
}

/* A run of characters that start no token. */
void nr_lex_bad_chars(struct nr_parser *p, const struct srcpos *loc, size_t len)
{
	const char *s = p->src + p->tok_off;
	bool one = loc->first_line == loc->last_line && loc->first_column == loc->last_column;
	/* Quote the characters with the quote they do not hold. */
	const char *q = memchr(s, '\'', len) ? "\"" : "'";

	/* The parser is skipping to the end of the statement this error is in. */
	if (p->quiet_bad)
		return;
	p->quiet_bad = true;
	diag_report(&p->c->diag, CHECK_SYNTAX, loc, "unexpected character%s %s%s%s", one ? "" : "s",
		    q, diag_quote(p->arena, s, len), q);
	if (s[0] == '\'')
		diag_note(&p->c->diag, loc, "netc strings are written in double quotes");
	else if (s[0] == '=')
		diag_note(&p->c->diag, loc, "a netc statement is 'KEY VALUE;'");
}

void nr_lex_eof(struct nr_parser *p, struct srcpos *loc)
{
	loc->first_line = loc->last_line = p->line;
	loc->first_column = loc->last_column = p->col;
}

/*
 * The parser's yylex: the flex scanner, plus what error messages and the
 * root's span need to know about the tokens.  Once parsing must stop it
 * only returns the end of the file.
 */
int netc_yylex(NETC_YYSTYPE *lval, NETC_YYLTYPE *lloc, yyscan_t scanner)
{
	struct nr_parser *p = netc_yyget_extra(scanner);
	int tok;

	if (p->stop) {
		nr_lex_eof(p, lloc);
		return END;
	}
	tok = nr_scan(lval, lloc, scanner);
	if (tok != END) {
		if (p->ntokens++ == 0)
			p->first_tok = *lloc;
		p->last_tok = *lloc;
		if (tok == WORD || tok == STRING)
			p->last_text = lval->tok;
		else if (tok == ';' || tok == '{' || tok == '}')
			p->quiet_bad = false;
	}
	if (p->c->diag.too_many)
		p->stop = true;
	return tok;
}

/* ---- tree builders ---- */

static void nr_push(struct nr_parser *p, struct ast_node *map, unsigned depth,
		    const struct srcpos *brace, struct ast_node *grows)
{
	struct nr_frame *f = &p->frames[p->nframes++];

	memset(f, 0, sizeof(*f));
	f->map = map;
	f->depth = depth;
	f->open = *brace;
	f->grows = grows;
}

/* Would a map or list at @depth be too deep?  Then it is the end of the parse. */
static bool nr_too_deep(struct nr_parser *p, unsigned depth, const struct srcpos *brace)
{
	if (depth <= AST_MAX_DEPTH && p->nframes < ARRAY_SIZE(p->frames))
		return false;
	diag_report(&p->c->diag, CHECK_NESTING, brace,
		    "too deeply nested: maps and lists may nest at most %d levels", AST_MAX_DEPTH);
	p->stop = true;
	return true;
}

/* `networks`, `hosts`, `domains` at the top level and `vifs` anywhere are not netc. */
static bool nr_plural_key(struct nr_parser *p, const struct nr_token *key,
			  const struct srcpos *key_loc)
{
	if (key->len < 4 || key->len > 8)
		return false;   /* fast path: not "vifs", "hosts", "networks", "domains" */
	for (int i = 0; i < NR_SUGAR_COUNT; i++) {
		if (!tok_is(key, nr_sugar_table[i].key))
			continue;
		if (i == NR_VIFS) {
			diag_report(&p->c->diag, CHECK_SYNTAX, key_loc,
				    "in netc, vifs are written as 'vif { ... }' blocks, one per vif");
			return true;
		}
		if (!top_frame(p)->root)
			return false;
		diag_report(&p->c->diag, CHECK_SYNTAX, key_loc,
			    "in netc, %s are written as '%s NAME { ... }' blocks",
			    nr_sugar_table[i].key, nr_sugar_table[i].word);
		return true;
	}
	return false;
}

static void nr_add(struct nr_parser *p, const struct nr_token *key, const struct srcpos *key_loc,
		   struct ast_node *value)
{
	ast_map_add(p->nodes, top_frame(p)->map, tok_text(p, key), key->len, key_loc, value);
}

struct ast_node *nr_scalar(struct nr_parser *p, const struct nr_token *tok, bool quoted,
			   const struct srcpos *loc)
{
	if (!quoted && ast_plain_is_null(tok->text, tok->len))
		return ast_null(p->nodes, loc);
	return ast_scalar(p->nodes, tok_text(p, tok), tok->len, quoted, loc);
}

/* Is this the rest of a statement that ran on (nr_stmt_unended)? */
static bool nr_dropped(const struct nr_parser *p, const struct srcpos *start)
{
	return start->first_line == p->drop_line && start->first_column == p->drop_column;
}

/* `KEY;`: a null value, placed at the ';' where the value would be. */
void nr_stmt_null(struct nr_parser *p, const struct nr_token *key, const struct srcpos *key_loc,
		  const struct srcpos *semi)
{
	if (!nr_dropped(p, key_loc) && !nr_plural_key(p, key, key_loc))
		nr_add(p, key, key_loc, ast_null(p->nodes, semi));
}

void nr_stmt_value(struct nr_parser *p, const struct nr_token *key,
		   const struct srcpos *key_loc, struct ast_node *value)
{
	if (!nr_dropped(p, key_loc) && !nr_plural_key(p, key, key_loc))
		nr_add(p, key, key_loc, value);
}

/*
 * `KEY VALUE` followed by @next instead of ';' (reported already).
 *  - A word or string on the same line: the statement runs on (`uplink eth0
 *    eth1;`, `network my net {`).  Drop it, and the statement that would
 *    start at @next, and return false: the parser skips on quietly.
 *  - A new line, a '}' or the end of the file: only the ';' was forgotten.
 *    Keep the statement and return true: the parse goes on as if the ';'
 *    were there, reporting the next error as a new one.
 *  - Other punctuation on the same line: keep the statement, return false.
 */
bool nr_stmt_unended(struct nr_parser *p, const struct nr_token *key,
		     const struct srcpos *key_loc, struct ast_node *value, int next,
		     const struct srcpos *next_loc)
{
	bool new_line = next_loc->first_line > value->pos.last_line;

	if ((next == WORD || next == STRING) && !new_line) {
		p->drop_line = next_loc->first_line;
		p->drop_column = next_loc->first_column;
		return false;
	}
	nr_stmt_value(p, key, key_loc, value);
	return new_line || next == END || next == '}';
}

/* A block whose statements are parsed but kept out of the tree (its header was wrong). */
bool nr_open_detached(struct nr_parser *p, const struct srcpos *brace)
{
	unsigned depth = top_frame(p)->depth + 1;

	if (nr_too_deep(p, depth, brace))
		return false;
	nr_push(p, ast_map(p->nodes, brace), depth, brace, NULL);
	return true;
}

/* `vif {`: a new map at the end of the enclosing map's list "vifs". */
static bool nr_open_vif(struct nr_parser *p, const struct srcpos *kw_loc,
			const struct srcpos *brace)
{
	struct nr_frame *f = top_frame(p);
	struct ast_entry *e = f->sugar[NR_VIFS];
	struct ast_node *item, *grows = NULL;
	unsigned depth = f->depth + 2;

	if (nr_too_deep(p, depth, brace))
		return false;
	if (!e) {
		grows = ast_list(p->nodes, kw_loc);
		e = ast_map_add(p->nodes, f->map, "vifs", 4, kw_loc, grows);
		e->spelling = "vif";
		f->sugar[NR_VIFS] = e;
	}
	item = ast_map(p->nodes, kw_loc);
	ast_list_add(e->value, item);
	nr_push(p, item, depth, brace, grows);
	return true;
}

/* `KEY {`. */
bool nr_open_block(struct nr_parser *p, const struct nr_token *key,
		   const struct srcpos *key_loc, const struct srcpos *brace)
{
	enum nr_sugar s = sugar_word(key);
	unsigned depth = top_frame(p)->depth + 1;
	struct ast_node *map;

	if (nr_dropped(p, key_loc))
		return nr_open_detached(p, brace);
	if (s == NR_VIFS)
		return nr_open_vif(p, key_loc, brace);
	if (s != NR_SUGAR_COUNT) {
		diag_report(&p->c->diag, CHECK_SYNTAX, key_loc,
			    "a %s block needs a name: '%s NAME { ... }'", nr_sugar_table[s].word,
			    nr_sugar_table[s].word);
		return nr_open_detached(p, brace);
	}
	if (nr_plural_key(p, key, key_loc))
		return nr_open_detached(p, brace);
	if (nr_too_deep(p, depth, brace))
		return false;
	map = ast_map(p->nodes, brace);
	nr_add(p, key, key_loc, map);
	nr_push(p, map, depth, brace, NULL);
	return true;
}

/* `host NAME {`, `network NAME {`, `domain NAME {`: entry NAME of "hosts", ... */
bool nr_open_named(struct nr_parser *p, const struct nr_token *kw, const struct srcpos *kw_loc,
		   const struct nr_token *name, const struct srcpos *name_loc,
		   const struct srcpos *brace)
{
	enum nr_sugar s = sugar_word(kw);
	struct nr_frame *f = top_frame(p);
	struct ast_node *map, *grows = NULL;
	struct ast_entry *e;
	unsigned depth = f->depth + 2;

	if (nr_dropped(p, kw_loc))
		return nr_open_detached(p, brace);
	if (s == NR_VIFS) {
		diag_report(&p->c->diag, CHECK_SYNTAX, name_loc,
			    "a vif block takes no name: write 'vif { ... }' "
			    "(its interface name is set with 'name NAME;')");
		return nr_open_detached(p, brace);
	}
	if (s == NR_SUGAR_COUNT) {
		if (!nr_plural_key(p, kw, kw_loc))
			diag_report(&p->c->diag, CHECK_SYNTAX, name_loc,
				    "'%s' takes no name before '{': only host, network and "
				    "domain blocks are named", tok_quote(p, kw));
		return nr_open_detached(p, brace);
	}
	if (nr_too_deep(p, depth, brace))
		return false;
	e = f->sugar[s];
	if (!e) {
		grows = ast_map(p->nodes, kw_loc);
		e = ast_map_add(p->nodes, f->map, nr_sugar_table[s].key,
				strlen(nr_sugar_table[s].key), kw_loc, grows);
		e->spelling = nr_sugar_table[s].word;
		f->sugar[s] = e;
	}
	/* A top-level domain streams (compile.h): it enters no map, and its
	 * nodes, all made after @mark, are reused once the schema has read it. */
	bool stream = s == NR_DOMAINS && f->root && p->c->stream_domains;
	struct arena_mark mark = arena_mark(p->nodes);
	const char *key = tok_text(p, name);

	map = ast_map(p->nodes, brace);
	if (!stream)
		ast_map_add(p->nodes, e->value, key, name->len, name_loc, map);
	nr_push(p, map, depth, brace, grows);
	if (stream) {
		f = top_frame(p);
		f->stream = true;
		f->mark = mark;
		f->entry = (struct ast_entry){ .key = key, .key_len = name->len, .spelling = key,
					       .key_pos = *name_loc, .value = map };
	}
	return true;
}

void nr_close_block(struct nr_parser *p, const struct srcpos *brace)
{
	struct nr_frame *f;

	if (p->nframes <= 1)
		return;         /* the root is never closed (cannot happen: bison pairs them) */
	f = &p->frames[--p->nframes];
	f->map->pos.last_line = brace->last_line;
	f->map->pos.last_column = brace->last_column;
	if (f->grows) {
		f->grows->pos.last_line = brace->last_line;
		f->grows->pos.last_column = brace->last_column;
	}
	if (f->stream) {
		schema_domain(p->c, &f->entry);
		arena_rewind(p->nodes, &f->mark);
	}
}

struct ast_node *nr_list_open(struct nr_parser *p, const struct srcpos *bracket)
{
	if (nr_too_deep(p, top_frame(p)->depth + 1, bracket))
		return NULL;
	return ast_list(p->nodes, bracket);
}

struct ast_node *nr_list_add(struct ast_node *list, struct ast_node *item)
{
	ast_list_add(list, item);
	return list;
}

struct ast_node *nr_list_close(struct ast_node *list, const struct srcpos *bracket)
{
	list->pos.last_line = bracket->last_line;
	list->pos.last_column = bracket->last_column;
	return list;
}

/* ---- syntax errors ---- */

void nr_syntax_error(struct nr_parser *p, const struct srcpos *loc, bool at_eof,
		     const char *unexpected, const char *const *expected, size_t nexp)
{
	struct srcpos pos = *loc;
	struct strbuf sb;
	bool wants_close = false;

	/* A missing ';' or '}' at the end: point just past the last token. */
	if (at_eof && p->ntokens) {
		pos = p->last_tok;
		pos.first_line = pos.last_line;
		pos.first_column = pos.last_column = pos.last_column + 1;
	}
	strbuf_init(&sb);
	strbuf_addf(&sb, "unexpected %s", unexpected);
	for (size_t i = 0; i < nexp; i++) {
		strbuf_adds(&sb, i == 0 ? ", expected " : i + 1 == nexp ? " or " : ", ");
		strbuf_adds(&sb, expected[i]);
		wants_close |= strcmp(expected[i], "'}'") == 0;
	}
	diag_report(&p->c->diag, CHECK_SYNTAX, &pos, "%s", sb.buf);
	strbuf_free(&sb);
	if (at_eof && wants_close && p->nframes > 1)
		diag_note(&p->c->diag, &top_frame(p)->open, "to match this '{'");
}

/* ---- entry points ---- */

static void nr_init(struct nr_parser *p, struct compilation *c)
{
	static const char bom[] = "\xef\xbb\xbf";
	struct srcpos start = { 1, 1, 1, 1 };

	memset(p, 0, sizeof(*p));
	p->c = c;
	p->arena = &c->arena;
	p->nodes = &c->nodes;
	p->src = c->src.data;
	p->src_len = c->src.len;
	p->line = p->col = 1;
	/*
	 * A UTF-8 byte order mark is skipped.  It is one character, U+FEFF, and
	 * counts as column 1 as it does for the diagnostic printer and the YAML
	 * reader, so carets line up and positions agree between the syntaxes.
	 */
	if (p->src_len >= 3 && memcmp(p->src, bom, 3) == 0) {
		p->in_off = p->offset = 3;
		p->col = 2;
	}
	p->root = ast_map(p->nodes, &start);
	nr_push(p, p->root, 1, &start, NULL);
	p->frames[0].root = true;
	if (netc_yylex_init_extra(p, &p->scanner))
		die_oom();
}

struct ast_node *netc_read(struct compilation *c)
{
	struct nr_parser p;

	nr_init(&p, c);
	/* A non-zero result means the parse stopped early; what was built is kept. */
	(void)netc_yyparse(p.scanner, &p);
	netc_yylex_destroy(p.scanner);
	if (p.stop || c->diag.too_many)
		return NULL;
	/* A domain block the file ends in (its '}' missing, reported) is kept
	 * as far as it goes, as every other block is: to the schema with it. */
	for (unsigned i = 1; i < p.nframes; i++)
		if (p.frames[i].stream)
			schema_domain(c, &p.frames[i].entry);
	if (p.ntokens)
		p.root->pos = srcpos_join(&p.first_tok, &p.last_tok);
	return p.root;
}

size_t netc_scan_only(struct compilation *c)
{
	struct nr_parser p;
	NETC_YYSTYPE lval;
	NETC_YYLTYPE lloc;
	size_t n = 0;

	nr_init(&p, c);
	while (nr_scan(&lval, &lloc, p.scanner) != END)
		n++;
	netc_yylex_destroy(p.scanner);
	return n;
}
