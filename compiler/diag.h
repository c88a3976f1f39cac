/* SPDX-License-Identifier: MIT */
#ifndef NETC_DIAG_H
#define NETC_DIAG_H

#include "checks.h"
#include "srcpos.h"
#include "util.h"

#include <stdio.h>

/*
 * Diagnostics are records collected during a compilation and printed at the
 * end, sorted by position, GCC style (docs/language.md, "Checks").  Memory: records live in the
 * compilation's arena.
 */

#define DIAG_PRINT_CAP 50       /* errors and warnings shown */
#define DIAG_RECORD_CAP 10000   /* past this many errors, readers stop early */
#define DIAG_SUGGEST_WORK 10000000  /* did-you-mean candidates compared, per run */

struct diag_note {
	struct srcpos pos;
	const char *msg;
	struct diag_note *next;
};

/**
 * struct diag - one problem.
 * @check:   the check it belongs to (check_table).
 * @error:   printed as an error (an error check, or a warning under -Werror).
 * @seq:     discovery order, the tie-break when sorting by position.
 */
struct diag {
	enum check_id check;
	bool error;
	size_t seq;
	struct srcpos pos;
	const char *msg;
	struct diag_note *notes, **notes_tail;
};

struct diag_ctx {
	struct arena *arena;
	struct srcfile *src;    /* the file every position is in */
	enum check_level level[CHECK_COUNT];
	bool werror;
	struct vec records;
	struct diag *last;      /* target of diag_note(); NULL when suppressed */
	unsigned errors, warnings;
	bool too_many;
	size_t suggest_work;    /* what is left of DIAG_SUGGEST_WORK */
};

void diag_init(struct diag_ctx *d, struct arena *a, struct srcfile *src);

/*
 * Report a problem of check @check at @pos (may be NULL).  Returns true when
 * it was recorded; false when the check is off.  Notes added right after
 * attach to it (and vanish with it when it is suppressed).
 */
bool diag_report(struct diag_ctx *d, enum check_id check, const struct srcpos *pos,
		 const char *fmt, ...) PRINTF_LIKE(4, 5);
void diag_note(struct diag_ctx *d, const struct srcpos *pos, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

/*
 * Take back everything reported since diag_mark().  The YAML reader does
 * when it fails after streaming domains (compile.h): what the schema said
 * about them is then not to be shown, as if they had never been read.
 */
struct diag_mark {
	size_t records;
	unsigned errors, warnings;
	bool too_many;
	size_t suggest_work;
};

struct diag_mark diag_mark(const struct diag_ctx *d);
void diag_rewind(struct diag_ctx *d, const struct diag_mark *m);

/*
 * "Did you mean" note for @word against @candidates (NULL-terminated), to the
 * last diagnostic.  Comparing costs one edit distance a candidate: once a
 * run has spent DIAG_SUGGEST_WORK of them, no more notes are offered, so
 * thousands of bad references among thousands of names stay cheap.
 * diag_suggesting() tells whether building a candidate list is worth it.
 */
void diag_suggest(struct diag_ctx *d, const struct srcpos *pos, const char *word,
		  const char *const *candidates);
bool diag_suggesting(const struct diag_ctx *d);
const char *diag_closest(const char *word, const char *const *cand, size_t n);

/* Print all records, sorted, at most DIAG_PRINT_CAP of them, to @out. */
void diag_print(struct diag_ctx *d, FILE *out, bool quiet);

/*
 * Quote user text for a message: printable ASCII and valid UTF-8 as is,
 * other bytes as \xHH, \n as \n; cut at 64 characters with "...".
 */
const char *diag_quote(struct arena *a, const char *s, size_t len);
#define DQ(c, s) diag_quote((c)->arena, (s), strlen(s))

#endif
