/* SPDX-License-Identifier: MIT */
/* Placeholder: the netc reader is being written. */
#include "compile.h"
#include "netc_parser.h"

struct ast_node *netc_read(struct compilation *c)
{
	(void)c;
	return NULL;
}
