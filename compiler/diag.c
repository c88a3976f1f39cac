/* SPDX-License-Identifier: MIT */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

void diag_init(struct diag_ctx *d, struct arena *a, struct srcfile *src)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
	d->src = src;
	d->suggest_work = DIAG_SUGGEST_WORK;
	for (int i = 0; i < CHECK_COUNT; i++)
		d->level[i] = check_table[i].level;
}

static const char *vformat(struct arena *a, const char *fmt, va_list ap)
{
	struct strbuf sb;
	const char *s;

	strbuf_init(&sb);
	strbuf_vaddf(&sb, fmt, ap);
	s = arena_strndup(a, sb.buf, sb.len);
	strbuf_free(&sb);
	return s;
}

bool diag_report(struct diag_ctx *d, enum check_id check, const struct srcpos *pos,
		 const char *fmt, ...)
{
	enum check_level level = d->level[check];
	struct diag *r;
	va_list ap;

	d->last = NULL;
	/* Past the cap nothing is kept: a check that finds an error per pair of
	 * hosts and networks costs no memory for the ones nobody will read. */
	if (level == CHECK_OFF || d->too_many)
		return false;
	r = arena_new(d->arena, struct diag);
	r->check = check;
	r->error = level == CHECK_ERROR || d->werror;
	r->seq = d->records.len;
	if (pos)
		r->pos = *pos;
	va_start(ap, fmt);
	r->msg = vformat(d->arena, fmt, ap);
	va_end(ap);
	r->notes_tail = &r->notes;
	vec_push(d->arena, &d->records, r);
	if (r->error) {
		if (++d->errors >= DIAG_RECORD_CAP)
			d->too_many = true;
	} else {
		d->warnings++;
	}
	d->last = r;
	return true;
}

struct diag_mark diag_mark(const struct diag_ctx *d)
{
	struct diag_mark m = { d->records.len, d->errors, d->warnings, d->too_many,
			       d->suggest_work };

	return m;
}

void diag_rewind(struct diag_ctx *d, const struct diag_mark *m)
{
	d->records.len = m->records;
	d->errors = m->errors;
	d->warnings = m->warnings;
	d->too_many = m->too_many;
	d->suggest_work = m->suggest_work;
	d->last = NULL;
}

void diag_note(struct diag_ctx *d, const struct srcpos *pos, const char *fmt, ...)
{
	struct diag_note *n;
	va_list ap;

	if (!d->last)
		return;
	n = arena_new(d->arena, struct diag_note);
	if (pos)
		n->pos = *pos;
	va_start(ap, fmt);
	n->msg = vformat(d->arena, fmt, ap);
	va_end(ap);
	*d->last->notes_tail = n;
	d->last->notes_tail = &n->next;
}

const char *diag_closest(const char *word, const char *const *cand, size_t n)
{
	size_t wl = strlen(word);
	unsigned cap = wl <= 3 ? 1 : wl <= 6 ? 2 : 3;
	unsigned best = cap + 1;
	const char *pick = NULL;

	for (size_t i = 0; i < n && cand[i]; i++) {
		unsigned dist = edit_distance(word, cand[i], cap);

		/* Ties go to the earlier candidate: deterministic, table order. */
		if (dist < best) {
			best = dist;
			pick = cand[i];
		}
	}
	return pick;
}

bool diag_suggesting(const struct diag_ctx *d)
{
	return d->last && d->suggest_work > 0;
}

void diag_suggest(struct diag_ctx *d, const struct srcpos *pos, const char *word,
		  const char *const *candidates)
{
	size_t n = 0;
	const char *pick;

	while (candidates[n])
		n++;
	if (!d->last || n > d->suggest_work) {
		if (d->last)
			d->suggest_work = 0;
		return;
	}
	d->suggest_work -= n;
	pick = diag_closest(word, candidates, n);
	if (pick)
		diag_note(d, pos, "did you mean '%s'?", pick);
}

/* ---- quoting user text ---- */

/*
 * The code point of the valid 2- or 3-byte UTF-8 character at @s when it is
 * one a terminal acts on or does not show: a C1 control (U+0080-U+009F:
 * U+009B is CSI to some terminals), a zero-width or bidirectional format
 * character (U+200B-U+200F, U+202A-U+202E, U+2060-U+2069: they hide text or
 * reorder it), a line or paragraph separator (U+2028, U+2029); else 0.
 */
static uint32_t unshown_char(const unsigned char *s, size_t n)
{
	uint32_t cp;

	if (n == 2)
		cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	else if (n == 3)
		cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	else
		return 0;
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff)
		return cp;
	return 0;
}

const char *diag_quote(struct arena *a, const char *s, size_t len)
{
	struct strbuf sb;
	const unsigned char *u = (const unsigned char *)s;
	unsigned chars = 0;
	const char *out;

	strbuf_init(&sb);
	for (size_t i = 0; i < len;) {
		size_t n = utf8_char_len(u + i, len - i);

		if (++chars > 64) {
			strbuf_adds(&sb, "...");
			break;
		}
		if (u[i] == '\n') {
			strbuf_adds(&sb, "\\n");
			i++;
		} else if (u[i] == '\t') {
			strbuf_adds(&sb, "\\t");
			i++;
		} else if (n == 0 || u[i] < 0x20 || u[i] == 0x7f) {
			strbuf_addf(&sb, "\\x%02x", u[i]);
			i++;
		} else if (unshown_char(u + i, n)) {
			strbuf_addf(&sb, "\\u%04x", (unsigned)unshown_char(u + i, n));
			i += n;
		} else {
			strbuf_add(&sb, s + i, n);
			i += n;
		}
	}
	out = arena_strndup(a, sb.buf, sb.len);
	strbuf_free(&sb);
	return out;
}

/* ---- printing ---- */

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = *(const struct diag *const *)pa;
	const struct diag *b = *(const struct diag *const *)pb;
	int c;

	/* Diagnostics without a position (whole-file) come first. */
	if (!!a->pos.first_line != !!b->pos.first_line)
		return a->pos.first_line ? 1 : -1;
	c = srcpos_cmp(&a->pos, &b->pos);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

#define SHOW_WIDTH 160

/*
 * Where the last excerpt's window started: diagnostics print sorted, so the
 * next one on the same line walks on from there, and a line of 100 MB is
 * walked once, not once a diagnostic.
 */
struct excerpt_cursor {
	uint32_t line, col;
	size_t offset;
};

/*
 * Print source line and caret.  Columns count code points; the shown line is
 * windowed around the caret so a megabyte-long line prints as one screen, and
 * control or invalid bytes print as '?' so hostile input cannot drive the
 * terminal.
 */
static void print_excerpt(FILE *out, struct srcfile *f, const struct srcpos *p,
			  struct excerpt_cursor *cur)
{
	const unsigned char *line;
	size_t len, i = 0;
	uint32_t col = 1, from, to, caret_end;
	struct strbuf text, mark;

	line = (const unsigned char *)srcfile_line(f, p->first_line, &len);
	if (!line)
		return;
	from = p->first_column > SHOW_WIDTH / 2 ? p->first_column - SHOW_WIDTH / 2 : 1;
	to = from + SHOW_WIDTH;
	caret_end = p->last_line == p->first_line && p->last_column >= p->first_column
			    ? p->last_column : p->first_column;
	strbuf_init(&text);
	strbuf_init(&mark);
	if (from > 1) {
		strbuf_adds(&text, "...");
		strbuf_adds(&mark, "   ");
	}
	if (cur->line == p->first_line && cur->col <= from) {
		col = cur->col;
		i = cur->offset;
	}
	for (; i < len && col < from; col++) {
		size_t n = utf8_char_len(line + i, len - i);

		i += n ? n : 1;
	}
	*cur = (struct excerpt_cursor){ p->first_line, col, i };
	for (; i < len && col < to; col++) {
		size_t n = utf8_char_len(line + i, len - i);
		bool shown = col >= from;

		if (n == 0)
			n = 1;
		if (shown) {
			if (line[i] == '\t')
				strbuf_addc(&text, '\t');
			else if ((n == 1 && (line[i] < 0x20 || line[i] >= 0x7f)) ||
				 (unshown_char(line + i, n) && unshown_char(line + i, n) != 0xfeff))
				strbuf_addc(&text, '?');
			else
				strbuf_add(&text, line + i, n);
			if (col < p->first_column)
				strbuf_addc(&mark, line[i] == '\t' ? '\t' : ' ');
			else if (col == p->first_column)
				strbuf_addc(&mark, '^');
			else if (col <= caret_end)
				strbuf_addc(&mark, '~');
		}
		i += n;
	}
	if (i < len)
		strbuf_adds(&text, "...");
	/* Caret past the end of the line (e.g. a missing ';' at end of input). */
	if (col <= p->first_column) {
		for (; col < p->first_column; col++)
			strbuf_addc(&mark, ' ');
		strbuf_addc(&mark, '^');
	}
	fprintf(out, "%5u | %s\n      | %s\n", (unsigned)p->first_line, text.buf, mark.buf);
	strbuf_free(&text);
	strbuf_free(&mark);
}

static void print_head(FILE *out, const struct srcfile *f, const struct srcpos *p,
		       const char *sev, const char *msg, const char *suffix)
{
	if (srcpos_valid(p))
		fprintf(out, "%s:%u:%u: %s: %s%s\n", f->name, (unsigned)p->first_line,
			(unsigned)p->first_column, sev, msg, suffix);
	else
		fprintf(out, "netc: %s: %s%s\n", sev, msg, suffix);
}

static bool same_place(const struct srcpos *a, const struct srcpos *b)
{
	return a->first_line == b->first_line && a->first_column == b->first_column;
}

void diag_print(struct diag_ctx *d, FILE *out, bool quiet)
{
	struct diag **v = (struct diag **)d->records.items;
	size_t n = d->records.len, shown = 0, hidden = 0;
	struct excerpt_cursor cur = { 0 };
	char suffix[96];

	if (n > 1)
		qsort(v, n, sizeof(*v), diag_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct diag *r = v[i];
		const struct check_info *ci = &check_table[r->check];

		if (!r->error && quiet)
			continue;
		if (shown == DIAG_PRINT_CAP) {
			hidden++;
			continue;
		}
		shown++;
		suffix[0] = '\0';
		if (!r->error)
			snprintf(suffix, sizeof(suffix), " [-W%s]", ci->name);
		else if (ci->level == CHECK_WARNING || ci->level == CHECK_OFF)
			snprintf(suffix, sizeof(suffix), " [-Werror=%s]", ci->name);
		print_head(out, d->src, &r->pos, r->error ? "error" : "warning", r->msg, suffix);
		if (srcpos_valid(&r->pos))
			print_excerpt(out, d->src, &r->pos, &cur);
		for (const struct diag_note *nt = r->notes; nt; nt = nt->next) {
			const struct srcpos *np = srcpos_valid(&nt->pos) ? &nt->pos : &r->pos;

			print_head(out, d->src, np, "note", nt->msg, "");
			if (srcpos_valid(&nt->pos) && !same_place(&nt->pos, &r->pos))
				print_excerpt(out, d->src, &nt->pos, &cur);
		}
	}
	if (hidden)
		fprintf(out, "netc: %zu more diagnostic%s not shown\n", hidden,
			hidden == 1 ? "" : "s");
	if (d->too_many)
		fprintf(out, "netc: too many errors; stopped after %u\n", d->errors);
}
