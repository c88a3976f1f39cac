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

int output_write(const struct output_item *items, size_t n);
/*
 * The files of a directory target (-t xl): @files[i].path is a file name
 * within @dir.  In an existing @dir each is replaced as output_write()
 * does, and other files are left alone.  A missing @dir (one level, like
 * mkdir) is built whole as a temporary directory beside it and renamed
 * into place, so that on failure not even @dir is left.
 */
int output_write_dir(const char *dir, const struct output_item *files, size_t n);

#endif
