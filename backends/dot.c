/* SPDX-License-Identifier: MIT */
#include "backend.h"

#include <stdio.h>

int emit_dot(const struct emit_ctx *e, struct strbuf *out)
{
	(void)e;
	(void)out;
	fputs("netc: this target is not implemented yet\n", stderr);
	return EXIT_USAGE;
}
