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
/* Make @dir if it is missing (one level, like mkdir). EXIT_OK or EXIT_IO. */
int output_prepare_dir(const char *dir);

#endif
