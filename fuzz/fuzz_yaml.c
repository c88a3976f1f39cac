/* SPDX-License-Identifier: MIT */
/* The YAML reader: libyaml's events → the AST (grammar/yaml_reader.c). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(data, size, INPUT_YAML);
	return 0;
}
