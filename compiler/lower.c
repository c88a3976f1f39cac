/* SPDX-License-Identifier: MIT */
#include "compile.h"
void lower_topology(struct compilation *c, struct ir_topology *t) { (void)c; (void)t; }
