/* SPDX-License-Identifier: MIT */
/*
 * The whole compiler: the input is read as YAML and as netc; whatever
 * compiles goes through every backend of backend_table into memory, for
 * the whole topology and for each host as --host would select it, and -t vif
 * also for each domain as --domain would.  Nothing is written to disk.
 */
#include "fuzz.h"
#include "../compiler/sha256.h"

/* A directory target's files go into memory too, one after the other. */
struct mem_sink {
	struct file_sink fs;
	struct strbuf *sb;
};

static int mem_sink_add(struct file_sink *fs, const char *name, const struct strbuf *text)
{
	struct mem_sink *m = (struct mem_sink *)fs;

	strbuf_adds(m->sb, name);
	strbuf_add(m->sb, text->buf, text->len);
	return EXIT_OK;
}

static void emit_one(const struct backend *b, struct emit_ctx *e)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (b->directory) {
		struct mem_sink m = { .fs = { .add = mem_sink_add }, .sb = &sb };

		(void)b->emit_files(e, &m.fs);
	} else {
		(void)b->emit(e, &sb);
	}
	strbuf_free(&sb);
}

static void emit_all(struct compilation *c)
{
	const struct ir_topology *t = c->ir;
	const struct ir_host *h;
	const struct ir_domain *d;

	for (const struct backend *b = backend_table; b->name; b++) {
		struct emit_ctx e = { .ir = t, .arena = &c->arena, .src = &c->src };

		/* No --host: what main() does with one host, or with several. */
		if (t->hosts.len == 1 || !b->per_host) {
			e.host = t->hosts.len == 1 ? t->hosts.items[0] : NULL;
			emit_one(b, &e);
		}
		/* --host NAME, for each host of a multi-host topology. */
		if (t->hosts.len > 1) {
			IR_FOREACH(const struct ir_host *, h, &t->hosts) {
				e.host = h;
				emit_one(b, &e);
			}
		}
		/* -t vif --domain NAME. */
		if (strcmp(b->name, "vif") == 0) {
			e.host = t->hosts.len == 1 ? t->hosts.items[0] : NULL;
			IR_FOREACH(const struct ir_domain *, d, &t->domains) {
				e.domain = d->name.s;
				emit_one(b, &e);
			}
		}
	}
}

static void compile_and_emit(const uint8_t *data, size_t size, enum input_format format)
{
	struct compilation c;
	bool ok;

	fuzz_load(&c, data, size, format);
	ok = compile_topology(&c);
	diag_print(&c.diag, fuzz_sink(), false);
	if (ok) {
		c.ir->source_name = c.src.name;
		sha256_hex(c.src.data, c.src.len, c.ir->sha256);
		emit_all(&c);
	}
	compilation_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > NETC_MAX_INPUT)
		return 0;
	compile_and_emit(data, size, INPUT_YAML);
	compile_and_emit(data, size, INPUT_NETC);
	return 0;
}
