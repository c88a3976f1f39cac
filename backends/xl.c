/* SPDX-License-Identifier: MIT */
#include "backend.h"

#include <stdio.h>

int emit_xl_files(const struct emit_ctx *e, struct vec *files)
{
	(void)e;
	(void)files;
	fputs("netc: this target is not implemented yet\n", stderr);
	return EXIT_USAGE;
}
