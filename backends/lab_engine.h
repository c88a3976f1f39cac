/* SPDX-License-Identifier: MIT */
#ifndef NETC_BACKENDS_LAB_ENGINE_H
#define NETC_BACKENDS_LAB_ENGINE_H

/*
 * The static part of every lab script (-t lab): backends/lab_engine.sh as a
 * C string (the build runs scripts/embed.sh).
 */
extern const char lab_engine_text[];

#endif
