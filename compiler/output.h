/* SPDX-License-Identifier: MIT */
#ifndef NETC_OUTPUT_H
#define NETC_OUTPUT_H

#include "util.h"

#include <sys/types.h>

/*
 * Atomic output (SPEC §2): each file is written to a temporary file in its
 * target directory, flushed to disk, then renamed over the target.  On any
 * failure the temporaries are removed and no target is created or changed.
 * Errors are printed ("netc: cannot write 'x': reason"); the return value is
 * EXIT_OK or EXIT_IO.
 */

/*
 * A single file, written while it is made (a big output need not be held):
 * output_open() opens the temporary beside @path (or, for a device or FIFO,
 * @path itself) and the text goes to @fd; output_close() then, with @keep,
 * syncs and renames it into place, reporting @err (a write's errno, or 0)
 * or its own failure, and without @keep removes it.
 */
struct output_stream {
	const char *path;       /* as given: what messages name */
	char *real;             /* where it lands */
	char *tmp;              /* the temporary; NULL when written in place */
	int fd;
};

int output_open(struct output_stream *s, const char *path, mode_t mode);
int output_close(struct output_stream *s, int err, bool keep);

/*
 * The files of a directory target (-t xl), written as they are made (a
 * 50,000-guest directory is not held).  output_dir_open() looks at @dir: a
 * missing one (one level, like mkdir) is built whole as a temporary
 * directory beside it and renamed into place by output_dir_close(), so
 * that on failure not even @dir is left; in an existing @dir each file goes
 * to a temporary of its own, renamed over it at the close, and other files
 * are left alone.  output_dir_add() writes the file @name (within @dir);
 * output_dir_close() with @keep puts every file in place (and, with
 * @verbose set, says so), without @keep removes every one.  Messages name
 * "DIR/NAME".
 */
struct output_dir {
	const char *dir;                /* as given */
	bool verbose;
	char *target, *tmp;             /* a new directory: where, and its temporary */
	int dfd;                        /* the temporary, open */
	struct output_stream *files;    /* an existing directory: each file's temporary */
	char **names;                   /* "DIR/NAME" of each file written */
	size_t n, cap;
	struct arena names_arena;
};

int output_dir_open(struct output_dir *w, const char *dir);
int output_dir_add(struct output_dir *w, const char *name, mode_t mode,
		   const char *data, size_t len);
int output_dir_close(struct output_dir *w, bool keep);

#endif
