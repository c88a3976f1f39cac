/* SPDX-License-Identifier: MIT */
#include "compile.h"
#include "checks.h"

#include <string.h>

void compilation_init(struct compilation *c)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->arena);
	arena_init(&c->nodes);
	arena_init(&c->vifs);
	diag_init(&c->diag, &c->arena, &c->src);
}

void compilation_free(struct compilation *c)
{
	if (c->ir)
		ir_free(c->ir);
	srcfile_free(&c->src);
	arena_free(&c->arena);
	arena_free(&c->nodes);
	arena_free(&c->vifs);
}

/*
 * Both front ends see only UTF-8 text without NUL bytes: report the first
 * offending byte at its own line and column and stop there.
 */
/* The position of byte @off: counted only when there is something to report. */
static struct srcpos pos_of_offset(struct compilation *c, size_t off)
{
	const unsigned char *p = (const unsigned char *)c->src.data, *from = p, *nl;
	struct srcpos pos = { .first_line = 1, .first_column = 1 };

	while ((nl = memchr(from, '\n', off - (size_t)(from - p)))) {
		pos.first_line++;
		from = nl + 1;
	}
	for (; from < p + off; from++)
		pos.first_column += (*from & 0xc0) != 0x80;
	pos.last_line = pos.first_line;
	pos.last_column = pos.first_column;
	return pos;
}

bool source_check_encoding(struct compilation *c)
{
	const unsigned char *p = (const unsigned char *)c->src.data;
	size_t len = c->src.len, i = 0;
	struct srcpos pos;

	/*
	 * srcfile_read() stops one byte past the limit: report that byte, where
	 * netc stopped reading, without looking at the rest.
	 */
	if (len > NETC_MAX_INPUT) {
		pos = pos_of_offset(c, NETC_MAX_INPUT);
		diag_report(&c->diag, CHECK_ENCODING, &pos,
			    "input is larger than %u MiB, the most netc reads",
			    NETC_MAX_INPUT / (1024 * 1024));
		return false;
	}
	while (i < len) {
		size_t n;

		/* ASCII without NUL, eight bytes at a time: nearly every input. */
		while (len - i >= 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (!word_ascii_without(w, '\0'))
				break;
			i += 8;
		}
		if (i == len)
			break;
		n = p[i] ? utf8_char_len(p + i, len - i) : 0;
		if (n == 0) {
			pos = pos_of_offset(c, i);
			if (p[i] == 0)
				diag_report(&c->diag, CHECK_ENCODING, &pos, "input holds a NUL byte");
			else
				diag_report(&c->diag, CHECK_ENCODING, &pos,
					    "input is not valid UTF-8 (byte 0x%02x)", p[i]);
			return false;
		}
		i += n;
	}
	return true;
}

bool compile_topology(struct compilation *c)
{
	struct ast_node *root;

	if (!source_check_encoding(c))
		return false;
	schema_begin(c);
	c->stream_domains = true;
	root = c->format == INPUT_YAML ? yaml_read(c) : netc_read(c);
	c->ast = root;
	if (!root || c->diag.too_many)
		return false;
	c->ir = schema_build(c, root);
	/* Nothing reads the AST's nodes after the schema. */
	c->ast = NULL;
	arena_recycle(&c->arena, &c->nodes);
	if (!c->ir || c->diag.too_many)
		return false;
	lower_topology(c, c->ir);
	if (!c->diag.too_many)
		checks_run(c);
	return c->diag.errors == 0;
}
