/* SPDX-License-Identifier: MIT */
#include "srcpos.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int srcfile_read(struct srcfile *f, const char *path, const char *display_name)
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
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
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

static void srcfile_index(struct srcfile *f)
{
	size_t n = 1, i;

	for (i = 0; i < f->len; i++)
		n += f->data[i] == '\n';
	f->lines = xmalloc(n * sizeof(*f->lines));
	f->nlines = 0;
	f->lines[f->nlines++] = 0;
	for (i = 0; i < f->len; i++)
		if (f->data[i] == '\n')
			f->lines[f->nlines++] = i + 1;
}

const char *srcfile_line(struct srcfile *f, uint32_t line, size_t *len)
{
	size_t start, end;

	if (!f->lines)
		srcfile_index(f);
	if (line == 0 || line > f->nlines)
		return NULL;
	start = f->lines[line - 1];
	end = line < f->nlines ? f->lines[line] - 1 : f->len;
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
