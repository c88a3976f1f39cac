/* SPDX-License-Identifier: MIT */
/*
 * -t network-bridge: the host script's engine behind Xen's network-script
 * calling convention (docs/host-script.md).  Same generator as -t sh (sh.c); only
 * the header and the front door differ.
 */
#include "sh.h"

int emit_network_bridge(const struct emit_ctx *e, struct strbuf *out)
{
	return sh_emit(e, out, SH_FRONT_XEN);
}
