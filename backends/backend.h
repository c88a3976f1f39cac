/* SPDX-License-Identifier: MIT */
#ifndef NETC_BACKEND_H
#define NETC_BACKEND_H

/*
 * Backends: one table of {name, emit} (netc(1)).  A backend reads the checked
 * IR and appends its output to a strbuf (or, for directory targets, hands
 * each file to a file_sink); it never validates or changes the IR.  Errors a backend can still
 * meet are about the command line (--domain naming nothing): it prints them
 * and returns EXIT_USAGE.  Memory: scratch goes in e->arena.
 */

#include "../compiler/compile.h"
#include "../compiler/ir.h"
#include "../compiler/util.h"

#include <sys/types.h>

/**
 * struct emit_ctx - what every backend gets.
 * @host:   the host selected by --host, or the only host; NULL when the
 *          topology has several and none was selected (whole-topology targets).
 * @domain: --domain NAME, or NULL.
 */
struct emit_ctx {
	const struct ir_topology *ir;
	const struct ir_host *host;
	const char *domain;
	struct arena *arena;
	const struct srcfile *src;
};

/**
 * struct file_sink - where a directory target puts its files, one at a
 * time, as it makes them (a 50,000-guest xl directory is 50,000 files; they
 * are not held): @add writes file @name (with the target's @mode) from
 * @text, which the target may reuse once it returns, and returns EXIT_OK
 * or, having said why, EXIT_IO, on which the target stops and returns it.
 */
struct file_sink {
	int (*add)(struct file_sink *fs, const char *name, const struct strbuf *text);
};

struct backend {
	const char *name;
	const char *summary;
	bool per_host;      /* needs --host when the topology has several hosts */
	bool directory;     /* -o names a directory that receives files */
	bool cites_source;  /* its header names the source's SHA-256 (ir->sha256) */
	mode_t mode;        /* file mode of its output (each file, for a directory) */
	int (*emit)(const struct emit_ctx *e, struct strbuf *out);
	int (*emit_files)(const struct emit_ctx *e, struct file_sink *fs);
};

extern const struct backend backend_table[];
const struct backend *backend_lookup(const char *name);

/* The targets (one file each). */
int emit_sh(const struct emit_ctx *e, struct strbuf *out);
int emit_network_bridge(const struct emit_ctx *e, struct strbuf *out);
int emit_xl_files(const struct emit_ctx *e, struct file_sink *fs);
bool xl_stale_file(const struct emit_ctx *e, const char *name, const char *head, size_t len);
int emit_vif(const struct emit_ctx *e, struct strbuf *out);
int emit_json(const struct emit_ctx *e, struct strbuf *out);
int emit_dot(const struct emit_ctx *e, struct strbuf *out);
int emit_yaml(const struct emit_ctx *e, struct strbuf *out);
int emit_netc(const struct emit_ctx *e, struct strbuf *out);
int emit_lab(const struct emit_ctx *e, struct strbuf *out);

#endif
