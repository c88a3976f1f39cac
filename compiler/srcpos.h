/* SPDX-License-Identifier: MIT */
#ifndef NETC_SRCPOS_H
#define NETC_SRCPOS_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct srcfile - one topology source held in memory.
 * @name:  the name diagnostics print ("topo.yaml", "<stdin>").
 * @data:  the bytes, with a NUL appended (the text itself may hold NULs).
 * @len:   number of bytes, without the appended NUL.
 * @lines: byte offset of every 64th line start (lines 1, 65, ...), built on
 *         first use by srcfile_line(); @nlines: the number of lines.
 */
struct srcfile {
	const char *name;
	char *data;
	size_t len;
	size_t *lines;
	size_t nlines;
};

/**
 * struct srcpos - where an AST or IR item came from, in the compilation's
 * one source file (which the diagnostics context knows: a position does not
 * carry it, so it costs 16 bytes, and a big topology holds millions).  Lines
 * and columns are 1-based; columns count characters (UTF-8 code points), as
 * libyaml does.  last_* is the last character of the span (inclusive).  A
 * zero first_line means "no position" (items netc made up, such as the
 * implicit host).
 */
struct srcpos {
	uint32_t first_line, first_column;
	uint32_t last_line, last_column;
};

/*
 * Read a whole file ("-" is stdin), or only its first @max + 1 bytes when it
 * is longer (@len > @max then says so: a huge file or an endless pipe costs
 * no more memory than that).  Returns 0, or an errno value.
 */
int srcfile_read(struct srcfile *f, const char *path, const char *display_name, size_t max);
void srcfile_free(struct srcfile *f);
/* Line @line (1-based) without its newline; NULL if out of range. */
const char *srcfile_line(struct srcfile *f, uint32_t line, size_t *len);

static inline int srcpos_valid(const struct srcpos *p)
{
	return p && p->first_line;
}

/* Ordering used to print diagnostics: by line, then column. */
int srcpos_cmp(const struct srcpos *a, const struct srcpos *b);
/* A span from the start of @a to the end of @b. */
struct srcpos srcpos_join(const struct srcpos *a, const struct srcpos *b);

#endif
