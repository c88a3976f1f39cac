/* SPDX-License-Identifier: MIT */
/*
 * The netc syntax's baseline: read the file as netc does and run the flex
 * scanner alone over it (no parser, no AST).
 */
#include "compile.h"
#include "netc_reader.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct compilation c;
	size_t tokens;

	if (argc != 2) {
		fprintf(stderr, "usage: netc_scan FILE\n");
		return 2;
	}
	compilation_init(&c);
	if (srcfile_read(&c.src, argv[1], argv[1], NETC_MAX_INPUT) != 0) {
		perror(argv[1]);
		return 3;
	}
	tokens = netc_scan_only(&c);
	printf("%zu tokens\n", tokens);
	compilation_free(&c);
	return 0;
}
