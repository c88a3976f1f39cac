/* SPDX-License-Identifier: MIT */
/*
 * The parse-only baseline (docs/performance.md): read the file as netc does, pull every
 * libyaml event and discard it.  netc's compile time is reported as a
 * multiple of this program's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	yaml_parser_t parser;
	yaml_event_t event;
	unsigned char *buf;
	size_t len = 0, cap = 1 << 16;
	unsigned long events = 0;
	FILE *f;
	int done = 0;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: yaml_baseline FILE\n");
		return 2;
	}
	buf = malloc(cap);
	for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf || !yaml_parser_initialize(&parser))
		return 3;
	yaml_parser_set_input_string(&parser, buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "yaml_baseline: %s\n", parser.problem);
			return 1;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
		events++;
	}
	yaml_parser_delete(&parser);
	free(buf);
	printf("%lu events\n", events);
	return 0;
}
