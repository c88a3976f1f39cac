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

struct output_item {
	const char *path;
	const char *data;
	size_t len;
	mode_t mode;
};

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
 * The files of a directory target (-t xl): @files[i].path is a file name
 * within @dir.  In an existing @dir each is replaced through a temporary
 * of its own, as a single file is, and other files are left alone.  A missing @dir (one level, like
 * mkdir) is built whole as a temporary directory beside it and renamed
 * into place, so that on failure not even @dir is left.
 */
int output_write_dir(const char *dir, const struct output_item *files, size_t n);

#endif
