/* SPDX-License-Identifier: MIT */
#ifndef NETC_FUZZ_H
#define NETC_FUZZ_H

/*
 * libFuzzer harnesses (make fuzz; docs/testing.md).  Each harness takes the
 * fuzzer's bytes as a topology source held in memory, exactly as
 * srcfile_read() would hand it over (a NUL appended, not counted), runs a
 * part of the pipeline, prints the diagnostics to /dev/null (the printer's
 * excerpts and carets are code too), and frees everything: LeakSanitizer
 * runs after every input.
 */

#include "../backends/backend.h"
#include "../compiler/compile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The diagnostic printer's sink, opened once. */
static inline FILE *fuzz_sink(void)
{
	static FILE *sink;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	return sink;
}

/* A compilation of @data as @format; free it with compilation_free(). */
static inline void fuzz_load(struct compilation *c, const uint8_t *data, size_t size,
			     enum input_format format)
{
	compilation_init(c);
	c->format = format;
	c->src.name = format == INPUT_YAML ? "fuzz.yaml" : "fuzz.netc";
	c->src.data = xmalloc(size + 1);
	if (size)
		memcpy(c->src.data, data, size);
	c->src.data[size] = '\0';
	c->src.len = size;
}

/* Parse only: the encoding check, one reader, the AST dump, the diagnostics. */
static inline void fuzz_read(const uint8_t *data, size_t size, enum input_format format)
{
	struct compilation c;
	struct ast_node *root = NULL;

	if (size > NETC_MAX_INPUT)
		return;
	fuzz_load(&c, data, size, format);
	if (source_check_encoding(&c))
		root = format == INPUT_YAML ? yaml_read(&c) : netc_read(&c);
	if (root) {
		struct strbuf sb;

		strbuf_init(&sb);
		ast_dump(root, &sb);
		strbuf_free(&sb);
	}
	diag_print(&c.diag, fuzz_sink(), false);
	compilation_free(&c);
}

#endif
