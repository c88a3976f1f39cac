/* SPDX-License-Identifier: MIT */
#ifndef NETC_BACKENDS_SH_H
#define NETC_BACKENDS_SH_H

/*
 * The host script (docs/host-script.md) and network-bridge (§6.2) are one generator:
 * a header, the host's topology as data (one record per network and per
 * static DHCP lease), the engine (sh_engine.sh, the same text in every
 * script), and a last line that calls one of the engine's two front doors.
 * docs/host-script.md describes what the scripts do.
 */

#include "backend.h"

enum sh_front {
	SH_FRONT_SCRIPT,   /* setup.sh [up|down|status|plan] */
	SH_FRONT_XEN,      /* network-bridge start|stop|status [bridge=] [netdev=] */
};

int sh_emit(const struct emit_ctx *e, struct strbuf *out, enum sh_front front);

/* backends/sh_engine.sh as a C string (the build runs scripts/embed.sh). */
extern const char sh_engine_text[];

#endif
