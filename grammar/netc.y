/* SPDX-License-Identifier: MIT */
/*
 * The netc language (docs/language.md): statements ended by ';', blocks in braces.
 *
 *   version 1;                      KEY VALUE;        VALUE a word or a "string"
 *   nics { eth1; }                  KEY;              null value
 *   hosts [ h1, h2 ];               KEY [ V, ... ];   list of scalars
 *   xl { memory 512; }              KEY { ... }       map
 *   network xenbr0 { ... }          KEYWORD NAME { ... }   host, network, domain
 *   vif { ... }                     one item of the enclosing map's "vifs"
 *
 * The tree is built top-down: opening a block pushes a frame on the
 * parser state's stack and statements go straight into the map on top, so
 * the sugar finds the enclosing map at once, the nesting limit is checked at
 * the brace before any deeper input is read, and whatever was parsed before
 * a fatal error is already in the tree.  Error recovery never pops an open
 * block (every block body can shift `error`), so the frame stack stays in
 * step with bison's.  Words are never keywords here: the builder gives them
 * their meaning by position.
 *
 * Recovery: a statement that lacks its ';' is kept when what follows starts
 * a new line, closes the block or ends the file, and parsing goes on as if
 * the ';' were there (so `version 1` on a line of its own does not swallow
 * the block after it); when more words follow on its line it is dropped
 * with them (nr_stmt_unended).  Any other statement in error is skipped up
 * to its ';', or past its block, or up to the '}' that closes the block it
 * is in.  At the top level a stray '}' is skipped.
 *
 * A list may end with a comma ("[ a, b, ]"), as YAML flow sequences may;
 * "[ , ]" is an error.  A ';' after a block's '}' is allowed and ignored.
 */

%define api.pure full
%define api.prefix {netc_yy}
%define api.location.type {struct srcpos}
%define parse.error custom
%locations
%param {yyscan_t scanner}
%parse-param {struct nr_parser *p}

%code requires {
#include "netc_reader.h"
}

%code provides {
/* The scanner flex generates (YY_DECL in netc.l) and the wrapper bison calls. */
int nr_scan(NETC_YYSTYPE *lval, NETC_YYLTYPE *lloc, yyscan_t scanner);
int netc_yylex(NETC_YYSTYPE *lval, NETC_YYLTYPE *lloc, yyscan_t scanner);
}

%code {
static void netc_yyerror(const NETC_YYLTYPE *loc, yyscan_t scanner, struct nr_parser *p,
			 const char *msg);

/* The span of a rule: from its first symbol to its last. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                            \
	do {                                                                   \
		if (N) {                                                       \
			(Cur) = YYRHSLOC(Rhs, 1);                              \
			(Cur).last_line = YYRHSLOC(Rhs, N).last_line;          \
			(Cur).last_column = YYRHSLOC(Rhs, N).last_column;      \
		} else {                                                       \
			(Cur) = YYRHSLOC(Rhs, 0);                              \
			(Cur).first_line = (Cur).last_line;                    \
			(Cur).first_column = (Cur).last_column;                \
		}                                                              \
	} while (0)
}

%union {
	struct nr_token tok;
	struct ast_node *node;
}

/* Declaration order is the order of the "expected ..." lists. */
%token END 0 "end of file"
%token <tok> WORD "word"
%token <tok> STRING "string"
%token ';' '{' '}' '[' ']' ','
%token LEXERR "lexical error"   /* the scanner found and reported a lexical error */

%type <node> scalar list list_open list_items

/* Every node and token text is owned by the compilation's arenas (or is the
 * source itself), so nothing is freed when bison discards a value. */
%destructor { } <tok> <node>

%%

file:
	stmts
	;

stmts:
	%empty
	| stmts stmt
	| stmts error '}'			{ yyerrok; }	/* a stray '}' */
	;

stmt:
	WORD ';'				{ nr_stmt_null(p, &$1, &@1, &@2); }
	| WORD scalar ';'			{ nr_stmt_value(p, &$1, &@1, $2); }
	| WORD list ';'				{ nr_stmt_value(p, &$1, &@1, $2); }
	| WORD scalar error			{ if (nr_stmt_unended(p, &$1, &@1, $2, yychar, &yylloc)) yyerrok; }
	| WORD list error			{ if (nr_stmt_unended(p, &$1, &@1, $2, yychar, &yylloc)) yyerrok; }
	| block
	| error ';'				{ yyerrok; }
	| error detached block_end		{ yyerrok; }
	;

block:
	block_open block_end
	;

block_open:
	WORD '{'				{ if (!nr_open_block(p, &$1, &@1, &@2)) YYABORT; }
	| WORD WORD '{'				{ if (!nr_open_named(p, &$1, &@1, &$2, &@2, &@3)) YYABORT; }
	| WORD STRING '{'			{ if (!nr_open_named(p, &$1, &@1, &$2, &@2, &@3)) YYABORT; }
	;

detached:
	'{'					{ if (!nr_open_detached(p, &@1)) YYABORT; }
	;

block_end:
	block_stmts '}' opt_semi		{ nr_close_block(p, &@2); }
	| block_stmts error '}' opt_semi	{ nr_close_block(p, &@3); yyerrok; }
	;

/* The same as stmts, without the top level's "error '}'" (there '}' closes the block). */
block_stmts:
	%empty
	| block_stmts stmt
	;

opt_semi:
	%empty
	| ';'
	;

scalar:
	WORD					{ $$ = nr_scalar(p, &$1, false, &@1); }
	| STRING				{ $$ = nr_scalar(p, &$1, true, &@1); }
	;

list:
	list_open ']'				{ $$ = nr_list_close($1, &@2); }
	| list_items ']'			{ $$ = nr_list_close($1, &@2); }
	| list_items ',' ']'			{ $$ = nr_list_close($1, &@3); }
	;

list_open:
	'['					{ $$ = nr_list_open(p, &@1); if (!$$) YYABORT; }
	;

list_items:
	list_open scalar			{ $$ = nr_list_add($1, $2); }
	| list_items ',' scalar			{ $$ = nr_list_add($1, $3); }
	;

%%

static void netc_yyerror(const NETC_YYLTYPE *loc, yyscan_t scanner, struct nr_parser *p,
			 const char *msg)
{
	/* Only "memory exhausted" comes here: the nesting limit keeps the stack small. */
	(void)scanner;
	diag_report(&p->c->diag, CHECK_SYNTAX, loc, "%s", msg);
	p->stop = true;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, struct nr_parser *p)
{
	yysymbol_kind_t tok = yypcontext_token(ctx), exp[YYNTOKENS];
	const char *names[YYNTOKENS], *what;
	int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS), k = 0;

	(void)scanner;
	/* The scanner has reported a lexical error already, or parsing is stopping. */
	if (tok == YYSYMBOL_LEXERR || p->stop)
		return 0;
	/* Token order, except that "end of file" reads best last. */
	for (int i = 0; i < n; i++)
		if (exp[i] != YYSYMBOL_YYEOF)
			names[k++] = yysymbol_name(exp[i]);
	for (int i = 0; i < n; i++)
		if (exp[i] == YYSYMBOL_YYEOF)
			names[k++] = yysymbol_name(exp[i]);
	if (tok == YYSYMBOL_YYEMPTY)
		what = "input";
	else if (tok == YYSYMBOL_WORD)
		what = arena_printf(p->arena, "word '%s'", diag_quote(p->arena, p->last_text.text, p->last_text.len));
	else if (tok == YYSYMBOL_STRING)
		what = arena_printf(p->arena, "string \"%s\"", diag_quote(p->arena, p->last_text.text, p->last_text.len));
	else
		what = yysymbol_name(tok);
	nr_syntax_error(p, yypcontext_location(ctx), tok == YYSYMBOL_YYEOF, what, names, (size_t)k);
	return 0;
}
