/* SPDX-License-Identifier: MIT */
/* The netc reader: flex scanner, bison parser, tree builders (grammar/netc.*). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(data, size, INPUT_NETC);
	return 0;
}
