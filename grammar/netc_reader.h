/* SPDX-License-Identifier: MIT */
#ifndef NETC_NETC_READER_H
#define NETC_NETC_READER_H

/*
 * Private to the netc front end: the state the flex scanner (netc.l), the
 * bison parser (netc.y) and the tree builder (netc_reader.c) share.  There is
 * no global state: one struct nr_parser per netc_read() call, reached as the
 * scanner's extra data and as bison's %parse-param.
 *
 * Memory: token text points into the source or into the compilation's arena;
 * every node the builder makes lives in the arena.  Nothing here is freed
 * alone.
 */

#include "compile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/**
 * struct nr_token - the semantic value of a WORD or STRING token.
 * @text:  the bytes; not NUL-terminated unless @owned.
 * @len:   their number.
 * @owned: @text is a decoded string already copied to the arena (NUL-terminated);
 *         otherwise it points into the source and is copied when a node keeps it.
 */
struct nr_token {
	const char *text;
	size_t len;
	bool owned;
};

/* The block sugar: `host NAME {`, `network NAME {`, `domain NAME {`, `vif {`. */
enum nr_sugar {
	NR_HOSTS,
	NR_NETWORKS,
	NR_DOMAINS,
	NR_VIFS,
	NR_SUGAR_COUNT,
};

/**
 * struct nr_frame - one open block: the map its statements go to.
 * @map:       that map (detached from the tree after a syntax error in its header).
 * @grows:     the hosts/networks/domains map or vifs list this block created
 *             (it is the first of its kind); its span ends where this block ends.
 * @sugar:     entries the block sugar made in @map, so later blocks find them
 *             without scanning @map.
 * @open:      the block's '{' (for "to match this '{'" notes).
 * @depth:     AST depth of @map; the root map is 1.
 * @root:      the top-level map (where `networks` etc. are not netc).
 * @stream:    a top-level `domain NAME {` block, streamed (compile.h): at its
 *             '}', @entry (NAME and @map) goes to schema_domain() and the
 *             nodes made since @mark are reused.
 */
struct nr_frame {
	struct ast_node *map;
	struct ast_node *grows;
	struct ast_entry *sugar[NR_SUGAR_COUNT];
	struct srcpos open;
	unsigned depth;
	bool root;
	bool stream;
	struct arena_mark mark;
	struct ast_entry entry;
};

/**
 * struct nr_parser - the state of one netc_read().
 * @in_off:     next source byte YY_INPUT hands to flex.
 * @offset:     source offset of the end of the last match; @tok_off of its start.
 * @line, @col: position of the next character (1-based; columns count code points).
 * @last_tok:   span of the last token returned (not the end of file).
 * @first_tok:  span of the first token (the root map starts there).
 * @ntokens:    tokens returned, not counting the end of file.
 * @drop_line, @drop_column: where a statement that ran on past its value
 *              was cut; a statement starting there is dropped too.
 * @quiet_bad:  an unexpected character was reported; the next ones are not
 *              until the parser has skipped to a ';', '{' or '}'.
 * @stop:       parsing must stop (nesting limit, too many errors): the scanner
 *              returns end of file and netc_read() returns NULL.
 */
struct nr_parser {
	struct compilation *c;
	struct arena *arena;     /* strings, messages */
	struct arena *nodes;     /* the AST's nodes (struct compilation) */
	const char *src;
	size_t src_len;
	yyscan_t scanner;

	size_t in_off;
	size_t offset, tok_off;
	uint32_t line, col;

	struct srcpos first_tok, last_tok;
	struct nr_token last_text;
	size_t ntokens;
	int last_kind;

	struct ast_node *root;
	struct nr_frame frames[AST_MAX_DEPTH + 1];
	unsigned nframes;
	uint32_t drop_line, drop_column;
	bool quiet_bad;
	bool stop;
};

/*
 * Advance the scanner position over one match and give its span (called
 * from YY_USER_ACTION for every match).  Continuation bytes 0x80-0xBF do not
 * start a character, so columns count code points; a tab is one column.
 */
static inline void nr_locate(struct nr_parser *p, struct srcpos *loc, const char *s, size_t n)
{
	uint32_t line = p->line, col = p->col, last_line = line, last_col = col;

	p->tok_off = p->offset;
	p->offset += n;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch & 0xc0) == 0x80)
			continue;
		last_line = line;
		last_col = col;
		if (ch == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	loc->first_line = p->line;
	loc->first_column = p->col;
	loc->last_line = last_line;
	loc->last_column = last_col;
	p->line = line;
	p->col = col;
}

/* ---- scanner helpers (netc_reader.c), called from netc.l ---- */

size_t nr_input(struct nr_parser *p, char *buf, size_t max);
void nr_lex_word(struct nr_parser *p, struct nr_token *tok, size_t len);
void nr_lex_string(struct nr_parser *p, struct nr_token *tok, const struct srcpos *loc,
		   size_t len);
void nr_lex_unterminated(struct nr_parser *p, const struct srcpos *loc, size_t len);
void nr_lex_bad_chars(struct nr_parser *p, const struct srcpos *loc, size_t len);
void nr_lex_eof(struct nr_parser *p, struct srcpos *loc);
NORETURN void nr_lex_fatal(const char *msg);

/* ---- tree builders (netc_reader.c), called from netc.y's actions ---- */

struct ast_node *nr_scalar(struct nr_parser *p, const struct nr_token *tok, bool quoted,
			   const struct srcpos *loc);
void nr_stmt_null(struct nr_parser *p, const struct nr_token *key, const struct srcpos *key_loc,
		  const struct srcpos *semi);
void nr_stmt_value(struct nr_parser *p, const struct nr_token *key,
		   const struct srcpos *key_loc, struct ast_node *value);
bool nr_stmt_unended(struct nr_parser *p, const struct nr_token *key,
		     const struct srcpos *key_loc, struct ast_node *value, int next,
		     const struct srcpos *next_loc);
bool nr_open_block(struct nr_parser *p, const struct nr_token *key,
		   const struct srcpos *key_loc, const struct srcpos *brace);
bool nr_open_named(struct nr_parser *p, const struct nr_token *kw, const struct srcpos *kw_loc,
		   const struct nr_token *name, const struct srcpos *name_loc,
		   const struct srcpos *brace);
bool nr_open_detached(struct nr_parser *p, const struct srcpos *brace);
void nr_close_block(struct nr_parser *p, const struct srcpos *brace);
struct ast_node *nr_list_open(struct nr_parser *p, const struct srcpos *bracket);
struct ast_node *nr_list_add(struct ast_node *list, struct ast_node *item);
struct ast_node *nr_list_close(struct ast_node *list, const struct srcpos *bracket);

/*
 * A syntax error: @unexpected describes the token found ("'}'", "word 'foo'"),
 * @expected[0..nexp) the token names the grammar allowed there.
 */
void nr_syntax_error(struct nr_parser *p, const struct srcpos *loc, bool at_eof,
		     const char *unexpected, const char *const *expected, size_t nexp);

/* Scan the whole source without parsing; returns the number of tokens (benchmarks). */
size_t netc_scan_only(struct compilation *c);

#endif
