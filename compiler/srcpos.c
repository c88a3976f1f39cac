/* SPDX-License-Identifier: MIT */
#include "srcpos.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int srcfile_read(struct srcfile *f, const char *path, const char *display_name, size_t max)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, len = 0;
	char *buf;
	int err = 0;

	memset(f, 0, sizeof(*f));
	if (!fp)
		return errno;
	buf = xmalloc(cap);
	for (;;) {
		size_t n;

		if (cap - len < 2) {
			if (cap > SIZE_MAX / 2)
				die_oom();
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		/* Never more than max + 1 bytes: enough to know the input is too long. */
		n = cap - len - 1;
		if (n > max + 1 - len)
			n = max + 1 - len;
		n = fread(buf + len, 1, n, fp);
		len += n;
		if (len > max)
			break;
		if (n == 0) {
			if (ferror(fp))
				err = errno ? errno : EIO;
			break;
		}
	}
	if (fp != stdin)
		fclose(fp);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	f->name = display_name ? display_name : path;
	f->data = buf;
	f->len = len;
	return 0;
}

void srcfile_free(struct srcfile *f)
{
	free(f->data);
	free(f->lines);
	memset(f, 0, sizeof(*f));
}

/*
 * Only every SRCFILE_LINE_STEP-th line start is kept (lines 1, 65, 129, ...),
 * and a lookup skips the lines in between with memchr: a file of newlines
 * then costs an eighth of a byte a line instead of eight.
 */
#define SRCFILE_LINE_STEP 64

static void srcfile_index(struct srcfile *f)
{
	const char *end = f->data + f->len, *s, *nl;
	size_t k = 1, line = 1;

	f->nlines = 1;
	for (s = f->data; (nl = memchr(s, '\n', (size_t)(end - s))); s = nl + 1)
		f->nlines++;
	f->lines = xmalloc(((f->nlines - 1) / SRCFILE_LINE_STEP + 1) * sizeof(*f->lines));
	f->lines[0] = 0;
	/* Line @line starts after newline @line - 1. */
	for (s = f->data; (nl = memchr(s, '\n', (size_t)(end - s))); s = nl + 1)
		if (++line % SRCFILE_LINE_STEP == 1)
			f->lines[k++] = (size_t)(nl + 1 - f->data);
}

const char *srcfile_line(struct srcfile *f, uint32_t line, size_t *len)
{
	const char *nl;
	size_t start, end;

	if (!f->lines)
		srcfile_index(f);
	if (line == 0 || line > f->nlines)
		return NULL;
	start = f->lines[(line - 1) / SRCFILE_LINE_STEP];
	for (uint32_t skip = (line - 1) % SRCFILE_LINE_STEP; skip; skip--)
		start = (size_t)((const char *)memchr(f->data + start, '\n', f->len - start) - f->data) + 1;
	nl = memchr(f->data + start, '\n', f->len - start);
	end = nl ? (size_t)(nl - f->data) : f->len;
	if (end > start && f->data[end - 1] == '\r')
		end--;
	*len = end - start;
	return f->data + start;
}

int srcpos_cmp(const struct srcpos *a, const struct srcpos *b)
{
	if (a->first_line != b->first_line)
		return a->first_line < b->first_line ? -1 : 1;
	if (a->first_column != b->first_column)
		return a->first_column < b->first_column ? -1 : 1;
	return 0;
}

struct srcpos srcpos_join(const struct srcpos *a, const struct srcpos *b)
{
	struct srcpos p = *a;

	p.last_line = b->last_line;
	p.last_column = b->last_column;
	return p;
}
