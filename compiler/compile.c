/* SPDX-License-Identifier: MIT */
#include "compile.h"
#include "checks.h"

#include <string.h>

void compilation_init(struct compilation *c)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->arena);
	diag_init(&c->diag, &c->arena);
}

void compilation_free(struct compilation *c)
{
	if (c->ir)
		ir_free(c->ir);
	srcfile_free(&c->src);
	arena_free(&c->arena);
}

/*
 * Both front ends see only UTF-8 text without NUL bytes: report the first
 * offending byte at its own line and column and stop there.
 */
bool source_check_encoding(struct compilation *c)
{
	const unsigned char *p = (const unsigned char *)c->src.data;
	size_t len = c->src.len;
	uint32_t line = 1, col = 1;
	struct srcpos pos = { .file = &c->src };

	/*
	 * srcfile_read() stops one byte past the limit: report that byte, where
	 * netc stopped reading, without looking at the rest.
	 */
	if (len > NETC_MAX_INPUT) {
		const unsigned char *nl, *from = p;

		while ((nl = memchr(from, '\n', NETC_MAX_INPUT - (size_t)(from - p)))) {
			line++;
			from = nl + 1;
		}
		for (; from < p + NETC_MAX_INPUT; from++)
			col += (*from & 0xc0) != 0x80;
		pos.first_line = pos.last_line = line;
		pos.first_column = pos.last_column = col;
		diag_report(&c->diag, CHECK_ENCODING, &pos,
			    "input is larger than %u MiB, the most netc reads",
			    NETC_MAX_INPUT / (1024 * 1024));
		return false;
	}
	for (size_t i = 0; i < len;) {
		size_t n = p[i] ? utf8_char_len(p + i, len - i) : 0;

		if (n == 0) {
			pos.first_line = pos.last_line = line;
			pos.first_column = pos.last_column = col;
			if (p[i] == 0)
				diag_report(&c->diag, CHECK_ENCODING, &pos,
					    "input holds a NUL byte");
			else
				diag_report(&c->diag, CHECK_ENCODING, &pos,
					    "input is not valid UTF-8 (byte 0x%02x)", p[i]);
			return false;
		}
		if (p[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
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
	root = c->format == INPUT_YAML ? yaml_read(c) : netc_read(c);
	c->ast = root;
	if (!root || c->diag.too_many)
		return false;
	c->ir = schema_build(c, root);
	if (!c->ir || c->diag.too_many)
		return false;
	lower_topology(c, c->ir);
	if (!c->diag.too_many)
		checks_run(c);
	return c->diag.errors == 0;
}
