/* SPDX-License-Identifier: MIT */
/*
 * The YAML front end: libyaml's event stream → the document tree of ast.h.
 *
 * One pass over the events with an explicit stack of open maps and lists
 * (at most AST_MAX_DEPTH of them), every node in the compilation's node
 * arena and every string in its arena (compile.h).
 * Anchors, aliases, tags, merge keys and further documents are refused, so
 * nothing can expand: the tree is never larger than the text.  Typing
 * (integers, booleans) and duplicate keys are left to the shared schema pass,
 * which sees the same tree from the netc reader.
 *
 * Positions: libyaml's marks count characters from the start of the text
 * and break lines at \r, \n, \r\n, NEL, LS and PS; diagnostics count lines at
 * \n only (srcfile_line()).  A cursor walks the text alongside the events and
 * turns each mark's character index into the line and column the diagnostic
 * printer uses; for ordinary files the two agree with libyaml's own numbers.
 */
#include "compile.h"

#include <string.h>
#include <yaml.h>

/**
 * struct yaml_cursor - a place in the source, as libyaml and as srcpos count.
 * @index:  characters before it (libyaml's mark.index).
 * @offset: bytes before it.
 * @line, @column: 1-based, lines split at \n, columns in characters.
 */
struct yaml_cursor {
	size_t index;
	size_t offset;
	uint32_t line, column;
};

/**
 * struct yaml_frame - an open map or list.
 * @flow:     written [ ] or { } (its end event marks the closing bracket).
 * @is_key:   a map or list in key position: reported and dropped at its end.
 * @have_key: map: a key has been read; the next node is its value.
 * @skip:     map: that key was unusable (reported); drop the entry.
 * @merge:    map: that key is the merge key '<<' (reported once, not its alias).
 * @last:     end of the last child, the end of a block collection.
 * @stream:   map: the topology's domains, streamed (compile.h): each entry
 *            goes to schema_domain() when complete, and the nodes made since
 *            @mark are reused.
 */
struct yaml_frame {
	struct ast_node *node;
	bool flow, is_key, have_key, skip, merge, stream;
	struct arena_mark mark;
	const char *key;
	size_t key_len;
	struct srcpos key_pos;
	struct srcpos last;
};

struct yaml_reader {
	struct compilation *c;
	yaml_parser_t parser;
	struct yaml_cursor cur;
	struct yaml_frame stack[AST_MAX_DEPTH];
	int depth;
	struct ast_node *root;
	unsigned documents;
	size_t bom;             /* bytes of byte-order mark libyaml does not see */
	struct strmap aliases;  /* alias names already reported */
	bool failed;            /* an error was reported: no tree */
	bool stop;
	unsigned domains_keys;  /* top-level keys "domains" read */
	bool streamed;          /* schema_domain() has been called */
	struct diag_mark before; /* the diagnostics before reading */
};

/* ---- positions ---- */

static void yaml_cursor_forward(struct yaml_reader *r)
{
	const unsigned char *s = (const unsigned char *)r->c->src.data;
	struct yaml_cursor *k = &r->cur;
	unsigned char b = s[k->offset];

	if (b == '\n') {
		k->line++;
		k->column = 1;
		k->offset++;
	} else {
		/* The text is valid UTF-8 (source_check_encoding): the lead byte tells the length. */
		k->offset += b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
		k->column++;
	}
	if (k->offset > r->c->src.len)
		k->offset = r->c->src.len;
	k->index++;
}

static void yaml_cursor_back(struct yaml_reader *r)
{
	const unsigned char *s = (const unsigned char *)r->c->src.data;
	struct yaml_cursor *k = &r->cur;
	size_t i;

	do
		k->offset--;
	while (k->offset > 0 && (s[k->offset] & 0xc0) == 0x80);
	k->index--;
	if (s[k->offset] != '\n') {
		k->column--;
		return;
	}
	/* Back onto the previous line's \n: count that line's characters. */
	k->line--;
	k->column = 1;
	for (i = k->offset; i > 0 && s[i - 1] != '\n'; i--)
		if ((s[i - 1] & 0xc0) != 0x80)
			k->column++;
}

/* The length of the run of ASCII bytes but '\n' at @p (at most @n), eight
 * bytes at a time while it lasts. */
static size_t ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (!word_ascii_without(w, '\n'))
			break;
	}
	while (i < n && p[i] < 0x80 && p[i] != '\n')
		i++;
	return i;
}

/* Marks come in source order but for small steps back; both ways are cheap. */
static void yaml_seek_index(struct yaml_reader *r, size_t index)
{
	const unsigned char *s = (const unsigned char *)r->c->src.data;
	struct yaml_cursor *k = &r->cur;

	while (k->index < index && k->offset < r->c->src.len) {
		size_t n = index - k->index, i;

		if (n > r->c->src.len - k->offset)
			n = r->c->src.len - k->offset;
		/* Runs of ASCII within a line: one character a byte. */
		i = ascii_run(s + k->offset, n);
		k->index += i;
		k->offset += i;
		k->column += i;
		if (i < n)
			yaml_cursor_forward(r);
	}
	while (r->cur.index > index)
		yaml_cursor_back(r);
}

static void yaml_seek_offset(struct yaml_reader *r, size_t offset)
{
	while (r->cur.offset < offset && r->cur.offset < r->c->src.len)
		yaml_cursor_forward(r);
	while (r->cur.offset > offset)
		yaml_cursor_back(r);
}

static void yaml_set_first(struct yaml_reader *r, struct srcpos *p)
{
	p->first_line = p->last_line = r->cur.line;
	p->first_column = p->last_column = r->cur.column;
}

static void yaml_set_last(struct yaml_reader *r, struct srcpos *p)
{
	p->last_line = r->cur.line;
	p->last_column = r->cur.column;
}

/* The one character at @m. */
static struct srcpos yaml_point(struct yaml_reader *r, const yaml_mark_t *m)
{
	struct srcpos p;

	yaml_seek_index(r, m->index);
	yaml_set_first(r, &p);
	return p;
}

/* From @start to the character before @end; an empty span is the point @start. */
static struct srcpos yaml_span(struct yaml_reader *r, const yaml_mark_t *start,
			       const yaml_mark_t *end)
{
	struct srcpos p = yaml_point(r, start);

	if (end->index > start->index) {
		yaml_seek_index(r, end->index - 1);
		yaml_set_last(r, &p);
	}
	return p;
}

/* Bytes [@from, @to) of the source as a span; the point @from if empty. */
static struct srcpos yaml_byte_span(struct yaml_reader *r, size_t from, size_t to)
{
	struct srcpos p;

	yaml_seek_offset(r, from);
	yaml_set_first(r, &p);
	if (to > from) {
		yaml_seek_offset(r, to);
		yaml_cursor_back(r);
		yaml_set_last(r, &p);
	}
	return p;
}

/* ---- diagnostics ---- */

static const char *yaml_quote(struct yaml_reader *r, const void *s, size_t len)
{
	return diag_quote(&r->c->arena, s, len);
}

/*
 * The anchor and tag in front of a node, as written: libyaml hands over the
 * resolved tag ("tag:yaml.org,2002:str") but the user wrote "!!str".
 */
struct yaml_props {
	size_t anchor, anchor_end;
	size_t tag, tag_end;
};

static bool yaml_prop_end(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\0' ||
	       ch == ',' || ch == '[' || ch == ']' || ch == '{' || ch == '}';
}

static void yaml_find_props(struct yaml_reader *r, size_t i, struct yaml_props *pr)
{
	const char *s = r->c->src.data;
	size_t len = r->c->src.len;

	memset(pr, 0, sizeof(*pr));
	for (int k = 0; k < 2 && i < len; k++) {
		size_t b;

		for (; i < len; i++) {
			if (s[i] == '#')
				while (i + 1 < len && s[i + 1] != '\n')
					i++;
			else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
				break;
		}
		if (i >= len || (s[i] != '&' && s[i] != '!'))
			return;
		b = i++;
		if (s[b] == '!' && i < len && s[i] == '<') {
			while (i < len && s[i] != '>' && s[i] != '\n')
				i++;
			if (i < len && s[i] == '>')
				i++;
		} else {
			while (i < len && !yaml_prop_end(s[i]))
				i++;
		}
		if (s[b] == '&') {
			pr->anchor = b;
			pr->anchor_end = i;
		} else {
			pr->tag = b;
			pr->tag_end = i;
		}
	}
}

/*
 * The text is not a topology this reader builds a tree of: nothing the
 * schema said about domains read so far is shown (the reader's own errors
 * are what there is to fix), as if none had been streamed.
 */
static void yaml_fail(struct yaml_reader *r)
{
	if (!r->failed && r->streamed)
		diag_rewind(&r->c->diag, &r->before);
	r->failed = true;
}

/*
 * Refuse the anchor and tag of a node that starts at byte @start.  Anchors
 * go because aliases go (no alias bomb can expand, and the tree is what the
 * text says); tags because a topology's types come from its keys.
 */
static void yaml_check_props(struct yaml_reader *r, size_t start, const yaml_char_t *anchor,
			     const yaml_char_t *tag, bool scalar)
{
	struct diag_ctx *d = &r->c->diag;
	struct yaml_props pr;
	struct srcpos pos;

	if (!anchor && !tag)
		return;
	yaml_fail(r);
	yaml_find_props(r, start, &pr);
	if (anchor) {
		pos = pr.anchor_end > pr.anchor ? yaml_byte_span(r, pr.anchor, pr.anchor_end)
						: yaml_byte_span(r, start, start);
		diag_report(d, CHECK_YAML_FEATURE, &pos,
			    "YAML anchors are not supported ('&%s'); write the value out in full",
			    yaml_quote(r, anchor, strlen((const char *)anchor)));
	}
	if (tag) {
		const char *text;

		if (pr.tag_end > pr.tag) {
			pos = yaml_byte_span(r, pr.tag, pr.tag_end);
			text = yaml_quote(r, r->c->src.data + pr.tag, pr.tag_end - pr.tag);
		} else {
			pos = yaml_byte_span(r, start, start);
			text = yaml_quote(r, tag, strlen((const char *)tag));
		}
		diag_report(d, CHECK_YAML_FEATURE, &pos,
			    scalar ? "YAML tags are not supported ('%s'); quote the value instead"
				   : "YAML tags are not supported ('%s'); remove the tag",
			    text);
	}
}

static struct yaml_frame *yaml_top(struct yaml_reader *r)
{
	return r->depth ? &r->stack[r->depth - 1] : NULL;
}

static bool yaml_starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Is the character at the cursor the first non-blank one of its line? */
static bool yaml_in_indent(struct yaml_reader *r)
{
	const char *s = r->c->src.data;

	for (size_t i = r->cur.offset; i > 0 && s[i - 1] != '\n'; i--)
		if (s[i - 1] != ' ' && s[i - 1] != '\t')
			return false;
	return true;
}

static void yaml_reader_error(struct yaml_reader *r)
{
	yaml_parser_t *p = &r->parser;
	struct srcpos pos;

	yaml_seek_offset(r, p->problem_offset + r->bom);
	yaml_set_first(r, &pos);
	if (p->problem_value > 0 && yaml_starts(p->problem, "control characters"))
		diag_report(&r->c->diag, CHECK_SYNTAX, &pos,
			    "control character U+%04X is not allowed in YAML",
			    (unsigned)p->problem_value);
	else
		diag_report(&r->c->diag, CHECK_SYNTAX, &pos, "%s",
			    p->problem ? p->problem : "cannot read the input");
}

/*
 * libyaml stops at the first syntax error.  Its problem and context are
 * kept, but the common mistakes get a message that says what to do, and an
 * unterminated quote or bracket, or a key without ':', is reported where it
 * starts rather than where libyaml gave up (often the end of the file).
 */
static void yaml_syntax_error(struct yaml_reader *r)
{
	yaml_parser_t *p = &r->parser;
	struct diag_ctx *d = &r->c->diag;
	const char *problem = p->problem ? p->problem : "invalid YAML";
	const char *context = p->context;
	struct yaml_frame *f = yaml_top(r);
	struct srcpos pos, ctx = { 0 };
	bool at_end, has_ctx;
	char ch;

	yaml_fail(r);
	if (p->error == YAML_MEMORY_ERROR) {
		yaml_parser_delete(p);
		die_oom();
	}
	if (p->error == YAML_READER_ERROR) {
		yaml_reader_error(r);
		return;
	}
	has_ctx = context && p->context_mark.index != p->problem_mark.index;
	if (has_ctx)
		ctx = yaml_point(r, &p->context_mark);
	pos = yaml_point(r, &p->problem_mark);
	at_end = r->cur.offset >= r->c->src.len;
	ch = at_end ? '\0' : r->c->src.data[r->cur.offset];

	if (ch == '\t') {
		diag_report(d, CHECK_SYNTAX, &pos, yaml_in_indent(r)
			    ? "tabs are not allowed for indentation in YAML; use spaces"
			    : "a tab is not allowed here in YAML; use spaces");
		return;
	}
	if (has_ctx && yaml_starts(context, "while scanning a quoted scalar") &&
	    yaml_starts(problem, "found unexpected")) {
		yaml_seek_index(r, p->context_mark.index);
		diag_report(d, CHECK_SYNTAX, &ctx,
			    "unterminated quoted string (the closing %c is missing)",
			    r->c->src.data[r->cur.offset]);
		diag_note(d, &pos, at_end ? "the input ends here"
					  : "a document marker ends the string here");
		return;
	}
	if (at_end && f && f->flow) {
		bool seq = f->node->kind == AST_LIST;
		struct srcpos open = f->node->pos;

		open.last_line = open.first_line;
		open.last_column = open.first_column;
		diag_report(d, CHECK_SYNTAX, &open, "unclosed '%c' (the closing '%c' is missing)",
			    seq ? '[' : '{', seq ? ']' : '}');
		diag_note(d, &pos, "the input ends here");
		return;
	}
	if (has_ctx && yaml_starts(context, "while scanning a simple key") &&
	    yaml_starts(problem, "could not find expected ':'")) {
		diag_report(d, CHECK_SYNTAX, &ctx, "missing ':' after this mapping key");
		return;
	}
	if (yaml_starts(problem, "mapping values are not allowed")) {
		diag_report(d, CHECK_SYNTAX, &pos,
			    "mapping values are not allowed here: quote a value that contains ': ', or check the indentation");
		return;
	}
	if (yaml_starts(problem, "did not find expected") && !strstr(problem, "','") &&
	    (ch == ']' || ch == '}')) {
		diag_report(d, CHECK_SYNTAX, &pos, "unexpected '%c' (no matching '%c' is open)",
			    ch, ch == ']' ? '[' : '{');
		return;
	}
	if ((yaml_starts(problem, "did not find expected key") ||
	     yaml_starts(problem, "did not find expected node content")) && ch == ':')
		diag_report(d, CHECK_SYNTAX, &pos, "missing mapping key before ':'");
	else if ((yaml_starts(problem, "did not find expected key") ||
		  yaml_starts(problem, "did not find expected '-' indicator")) && yaml_in_indent(r))
		diag_report(d, CHECK_SYNTAX, &pos, "%s (check the indentation)", problem);
	else if (yaml_starts(problem, "found character that cannot start any token") &&
		 (ch == '@' || ch == '`'))
		diag_report(d, CHECK_SYNTAX, &pos,
			    "'%c' cannot start a plain value in YAML; quote the value", ch);
	else
		diag_report(d, CHECK_SYNTAX, &pos, "%s", problem);
	if (has_ctx)
		diag_note(d, &ctx, "%s", context);
}

/* ---- building the tree ---- */

static bool yaml_wants_key(const struct yaml_frame *f)
{
	return f && f->node->kind == AST_MAP && !f->have_key;
}

/* A key was read that cannot be one: the entry it starts is dropped. */
static void yaml_bad_key(struct yaml_frame *f)
{
	f->have_key = true;
	f->skip = true;
}

static void yaml_attach(struct yaml_reader *r, struct ast_node *n)
{
	struct yaml_frame *f = yaml_top(r);

	if (!f) {
		r->root = n;
		return;
	}
	f->last = n->pos;
	if (f->node->kind == AST_LIST) {
		ast_list_add(f->node, n);
		return;
	}
	if (f->stream && !f->skip && !r->failed) {
		struct ast_entry e = {
			.key = f->key, .key_len = f->key_len, .spelling = f->key,
			.key_pos = f->key_pos, .value = n,
		};

		schema_domain(r->c, &e);
		r->streamed = true;
		arena_rewind(&r->c->nodes, &f->mark);
	} else if (!f->skip) {
		ast_map_add(&r->c->nodes, f->node, f->key, f->key_len, &f->key_pos, n);
	}
	f->have_key = f->skip = f->merge = false;
}

static void yaml_on_scalar(struct yaml_reader *r, const yaml_event_t *ev)
{
	struct compilation *c = r->c;
	struct yaml_frame *f = yaml_top(r);
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	bool null = plain && ast_plain_is_null(text, len);
	struct srcpos pos = yaml_point(r, &ev->start_mark);
	size_t start = r->cur.offset;

	yaml_check_props(r, start, ev->data.scalar.anchor, ev->data.scalar.tag, true);
	if (ev->end_mark.index > ev->start_mark.index) {
		yaml_seek_index(r, ev->end_mark.index - 1);
		yaml_set_last(r, &pos);
	}

	if (yaml_wants_key(f)) {
		f->key_pos = pos;
		if (null) {
			yaml_fail(r);
			yaml_bad_key(f);
			if (!len) {
				diag_report(&c->diag, CHECK_TYPE, &pos, "missing mapping key");
				return;
			}
			diag_report(&c->diag, CHECK_TYPE, &pos,
				    "a mapping key must be a string, not null");
			diag_note(&c->diag, &pos, "write '%s' in quotes to use it as a key",
				  yaml_quote(r, text, len));
			return;
		}
		f->key = arena_strndup(&c->arena, text, len);
		f->key_len = len;
		f->have_key = true;
		if (r->depth == 1 && len == 7 && memcmp(text, "domains", 7) == 0)
			r->domains_keys++;
		f->last = pos;
		if (plain && len == 2 && memcmp(text, "<<", 2) == 0) {
			yaml_fail(r);
			f->merge = true;
			diag_report(&c->diag, CHECK_YAML_FEATURE, &pos,
				    "the YAML merge key '<<' is not supported; write the keys out in full");
		}
		return;
	}
	/* An empty document is an empty topology, reported by the schema at 1:1. */
	if (!f && null && len == 0)
		pos.first_line = pos.first_column = pos.last_line = pos.last_column = 1;
	if (null)
		yaml_attach(r, ast_null(&c->nodes, &pos));
	else
		yaml_attach(r, ast_scalar(&c->nodes, arena_strndup(&c->arena, text, len), len,
					  !plain, &pos));
}

static void yaml_on_alias(struct yaml_reader *r, const yaml_event_t *ev)
{
	struct yaml_frame *f = yaml_top(r);
	struct srcpos pos = yaml_span(r, &ev->start_mark, &ev->end_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	size_t len = strlen(name);

	yaml_fail(r);
	/*
	 * Each alias name is reported once (so an alias bomb is a handful of
	 * errors), and `<<: *base` is one mistake, already reported at its '<<'.
	 */
	if (!strmap_get(&r->aliases, name, len) &&
	    !(f && f->node->kind == AST_MAP && f->have_key && f->merge)) {
		char *copy = arena_strndup(&r->c->arena, name, len);

		strmap_put(&r->aliases, copy, len, copy);
		diag_report(&r->c->diag, CHECK_YAML_FEATURE, &pos,
			    "YAML aliases are not supported ('*%s'); write the value out in full",
			    yaml_quote(r, name, len));
	}
	if (yaml_wants_key(f)) {
		f->key_pos = pos;
		f->last = pos;
		yaml_bad_key(f);
		return;
	}
	yaml_attach(r, ast_null(&r->c->nodes, &pos));
}

static void yaml_on_start(struct yaml_reader *r, const yaml_event_t *ev)
{
	struct compilation *c = r->c;
	bool map = ev->type == YAML_MAPPING_START_EVENT;
	struct srcpos pos = yaml_span(r, &ev->start_mark, &ev->end_mark);
	struct yaml_frame *parent = yaml_top(r), *f;

	if (r->depth == AST_MAX_DEPTH) {
		yaml_fail(r);
		r->stop = true;
		diag_report(&c->diag, CHECK_NESTING, &pos,
			    "too deeply nested: maps and lists may nest at most %d levels",
			    AST_MAX_DEPTH);
		return;
	}
	yaml_seek_index(r, ev->start_mark.index);
	if (map)
		yaml_check_props(r, r->cur.offset, ev->data.mapping_start.anchor,
				 ev->data.mapping_start.tag, false);
	else
		yaml_check_props(r, r->cur.offset, ev->data.sequence_start.anchor,
				 ev->data.sequence_start.tag, false);

	f = &r->stack[r->depth++];
	memset(f, 0, sizeof(*f));
	f->is_key = yaml_wants_key(parent);
	f->flow = map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
		      : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	pos.last_line = pos.first_line;
	pos.last_column = pos.first_column;
	f->node = map ? ast_map(&c->nodes, &pos) : ast_list(&c->nodes, &pos);
	f->last = pos;
	/* The value of the topology's first "domains" key, if a map, streams. */
	if (map && c->stream_domains && r->depth == 2 && parent->have_key && !parent->skip &&
	    r->domains_keys == 1 && parent->key_len == 7 && memcmp(parent->key, "domains", 7) == 0) {
		f->stream = true;
		f->mark = arena_mark(&c->nodes);
	}
}

static void yaml_on_end(struct yaml_reader *r, const yaml_event_t *ev)
{
	struct yaml_frame *f = &r->stack[--r->depth], *parent = yaml_top(r);
	struct ast_node *n = f->node;

	/*
	 * A flow collection ends at its bracket.  A block one ends with its last
	 * child: libyaml marks its end at the next token, past any blank lines
	 * and comments in between.
	 */
	if (f->flow && ev->end_mark.index > 0) {
		yaml_seek_index(r, ev->end_mark.index - 1);
		yaml_set_last(r, &n->pos);
	} else {
		n->pos.last_line = f->last.last_line;
		n->pos.last_column = f->last.last_column;
	}
	if (f->is_key) {
		yaml_fail(r);
		parent->key_pos = n->pos;
		parent->last = n->pos;
		yaml_bad_key(parent);
		diag_report(&r->c->diag, CHECK_TYPE, &n->pos, "a mapping key must be a string, not a %s",
			    n->kind == AST_MAP ? "map" : "list");
		return;
	}
	yaml_attach(r, n);
}

static void yaml_on_document(struct yaml_reader *r, const yaml_event_t *ev)
{
	struct srcpos pos;

	if (++r->documents == 1)
		return;
	pos = yaml_span(r, &ev->start_mark, &ev->end_mark);
	yaml_fail(r);
	r->stop = true;
	diag_report(&r->c->diag, CHECK_YAML_FEATURE, &pos,
		    "a topology is one YAML document; a second document starts here");
}

struct ast_node *yaml_read(struct compilation *c)
{
	struct yaml_reader r;
	struct srcpos start = {
		.first_line = 1, .first_column = 1, .last_line = 1, .last_column = 1,
	};
	bool done = false;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.before = diag_mark(&c->diag);
	r.cur.line = r.cur.column = 1;
	strmap_init(&r.aliases);
	/*
	 * libyaml told the encoding keeps a BOM in the text and then takes the
	 * first line as indented by one; hand it the text after the BOM.  The
	 * BOM still counts as column 1, as the diagnostic printer counts it.
	 */
	if (c->src.len >= 3 && memcmp(c->src.data, "\xef\xbb\xbf", 3) == 0) {
		r.bom = 3;
		r.cur.offset = 3;
		r.cur.column = 2;
	}
	if (!yaml_parser_initialize(&r.parser))
		die_oom();
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)c->src.data + r.bom,
				     c->src.len - r.bom);
	yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);

	/*
	 * Past too many errors the reader stops, unless they are the schema's
	 * about streamed domains: a YAML error further on takes those back, and
	 * is then what the user must see.
	 */
	while (!done && !r.stop && (!c->diag.too_many || (r.streamed && !r.failed))) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&r.parser, &ev)) {
			yaml_syntax_error(&r);
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			yaml_on_scalar(&r, &ev);
			break;
		case YAML_ALIAS_EVENT:
			yaml_on_alias(&r, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			yaml_on_start(&r, &ev);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			yaml_on_end(&r, &ev);
			break;
		case YAML_DOCUMENT_START_EVENT:
			yaml_on_document(&r, &ev);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&r.parser);
	strmap_free(&r.aliases);
	if (r.failed || !done)
		return NULL;
	return r.root ? r.root : ast_null(&c->nodes, &start);
}
