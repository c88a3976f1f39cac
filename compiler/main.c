/* SPDX-License-Identifier: MIT */
#include "../backends/backend.h"
#include "checks.h"
#include "compile.h"
#include "output.h"
#include "sha256.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct options {
	const char *target;
	const char *output;
	const char *host;
	const char *domain;
	const char *input;
	enum input_format format;
	bool check_only;
	bool list_hosts;
	bool list_domains;
	bool prune;
	bool quiet;
	bool verbose;
	bool dump_ast;
};

static void usage(FILE *out)
{
	fputs("usage: netc [options] TOPOLOGY\n"
	      "\n"
	      "  -t, --target T         sh (default), network-bridge, xl, vif, json, dot,\n"
	      "                         yaml, netc, lab\n"
	      "  -o, --output P         output file, or directory for -t xl (default: stdout)\n"
	      "      --host NAME        emit what host NAME needs (multi-host topologies)\n"
	      "      --domain NAME      -t vif: only that domain's vif line; -t xl: only its file\n"
	      "      --prune            -t xl: remove the .cfg files netc wrote from this topology\n"
	      "                         for domains it no longer has\n"
	      "      --check            parse and check only; write nothing\n"
	      "  -f, --input-format F   yaml or netc (default: from the extension; required for -)\n"
	      "  -W NAME, -Wno-NAME     enable or disable warning NAME\n"
	      "  -Werror                treat warnings as errors\n"
	      "      --list-checks      list every check: name, level, summary\n"
	      "      --list-targets     list the targets, one a line\n"
	      "      --list-hosts       list the topology's hosts, one a line\n"
	      "      --list-domains     list its domains (--host's only), one a line\n"
	      "  -q, --quiet            no warnings\n"
	      "  -v, --verbose          say what was written\n"
	      "  -h, --help             this help\n"
	      "      --version          print the version\n"
	      "\n"
	      "Exit status: 0 success, 1 the topology has errors, 2 usage error, 3 I/O error.\n"
	      "See netc(1) and netc-topology(5).\n",
	      out);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("netc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'netc --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* -W NAME / -Wno-NAME / -Werror. */
static int apply_warning_option(struct diag_ctx *d, const char *arg)
{
	const char *name = arg;
	bool on = true;
	int id;

	if (strcmp(arg, "error") == 0) {
		d->werror = true;
		return EXIT_OK;
	}
	if (strncmp(arg, "no-", 3) == 0) {
		on = false;
		name = arg + 3;
	}
	id = check_lookup(name);
	if (id < 0)
		return usage_error("unknown check '%s' (see --list-checks)", arg);
	if (check_table[id].level == CHECK_ERROR)
		return usage_error("check '%s' is an error and cannot be turned on or off", name);
	d->level[id] = on ? CHECK_WARNING : CHECK_OFF;
	return EXIT_OK;
}

static enum input_format format_from_name(const char *s)
{
	if (strcmp(s, "yaml") == 0)
		return INPUT_YAML;
	if (strcmp(s, "netc") == 0)
		return INPUT_NETC;
	return INPUT_UNKNOWN;
}

static enum input_format format_from_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return INPUT_UNKNOWN;
	if (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)
		return INPUT_YAML;
	if (strcmp(dot, ".netc") == 0)
		return INPUT_NETC;
	return INPUT_UNKNOWN;
}

static const struct ir_host *select_host(const struct ir_topology *ir, const struct options *o,
					 const struct backend *b, int *rc)
{
	const struct ir_host *h, *hh;

	*rc = EXIT_OK;
	if (o->host) {
		h = ir_host_find(ir, o->host);
		if (!h) {
			fprintf(stderr, "netc: --host '%s': %s has no such host\n", o->host, o->input);
			*rc = EXIT_USAGE;
		}
		return h;
	}
	if (ir->hosts.len == 1)
		return ir->hosts.items[0];
	if (b->per_host) {
		fprintf(stderr, "netc: %s has %zu hosts; -t %s needs --host NAME (one of:",
			o->input, ir->hosts.len, b->name);
		IR_FOREACH(const struct ir_host *, hh, &ir->hosts)
			fprintf(stderr, " %s", hh->name.s);
		fputs(")\n", stderr);
		*rc = EXIT_USAGE;
	}
	return NULL;
}

/*
 * A single-file target writes as it goes: its text leaves memory at the
 * flush points it sets (a 100 MB JSON dump is never held whole), into the
 * output's temporary, renamed into place only once all of it is written.
 */
static int emit_single(const struct options *o, const struct backend *b,
		       const struct emit_ctx *e, struct strbuf *sb)
{
	bool to_stdout = !o->output || strcmp(o->output, "-") == 0;
	struct strbuf_sink sink = { fileno(stdout), 0 };
	struct output_stream out;
	int rc;

	if (to_stdout) {
		fflush(stdout);
	} else {
		rc = output_open(&out, o->output, b->mode);
		if (rc != EXIT_OK)
			return rc;
		sink.fd = out.fd;
	}
	sb->sink = &sink;
	rc = b->emit(e, sb);
	if (rc == EXIT_OK)
		strbuf_flush(sb);
	sb->sink = NULL;
	if (!to_stdout) {
		int wrc = output_close(&out, sink.err, rc == EXIT_OK);

		if (rc == EXIT_OK)
			rc = wrc;
		if (rc == EXIT_OK && o->verbose)
			fprintf(stderr, "netc: wrote %s\n", o->output);
	} else if (sink.err) {
		fprintf(stderr, "netc: cannot write to standard output: %s\n", strerror(sink.err));
		rc = EXIT_IO;
	}
	return rc;
}

/* --prune's test (output_dir_prune()): @arg is the emit_ctx. */
static bool xl_stale(void *arg, const char *name, const char *head, size_t len)
{
	return xl_stale_file(arg, name, head, len);
}

/* A directory target's file_sink: the files go to an output_dir. */
struct dir_sink {
	struct file_sink fs;
	struct output_dir *out;
	mode_t mode;
};

static int dir_sink_add(struct file_sink *fs, const char *name, const struct strbuf *text)
{
	struct dir_sink *ds = (struct dir_sink *)fs;

	return output_dir_add(ds->out, name, ds->mode, text->buf, text->len);
}

/*
 * A directory target writes each file as it makes it (output.h says where
 * they go first); they are put in place only once every one is written,
 * and on failure none is.
 */
static int emit_directory(const struct options *o, const struct backend *b, const struct emit_ctx *e)
{
	struct dir_sink ds = { .fs = { .add = dir_sink_add }, .mode = b->mode };
	int rc;

	ds.out = output_dir_open(o->output, o->verbose, &rc);
	if (!ds.out)
		return rc;
	if (o->prune)
		output_dir_prune(ds.out, xl_stale, (void *)e);
	rc = b->emit_files(e, &ds.fs);
	int wrc = output_dir_close(ds.out, rc == EXIT_OK);

	return rc == EXIT_OK ? wrc : rc;
}

static int run_backend(struct compilation *c, const struct options *o, const struct backend *b)
{
	struct emit_ctx e = { .ir = c->ir, .domain = o->domain, .arena = &c->arena, .src = &c->src };
	int rc;

	e.host = select_host(c->ir, o, b, &rc);
	if (rc != EXIT_OK)
		return rc;
	/* Hashing a 100 MB source is not free: only for targets that cite it. */
	if (b->cites_source)
		sha256_hex(c->src.data, c->src.len, c->ir->sha256);
	if (b->directory)
		return emit_directory(o, b, &e);

	struct strbuf sb;

	strbuf_init(&sb);
	rc = emit_single(o, b, &e, &sb);
	strbuf_free(&sb);
	return rc;
}

/*
 * --list-hosts, --list-domains: the names, one a line, for completion
 * (completion/netc) and scripts.  --list-domains with --host: that host's.
 */
static int list_names(const struct compilation *c, const struct options *o)
{
	const struct ir_host *h;
	const struct ir_domain *d;
	const struct vec *v = &c->ir->domains;

	if (o->list_hosts) {
		IR_FOREACH(const struct ir_host *, h, &c->ir->hosts)
			printf("%s\n", h->name.s);
		return EXIT_OK;
	}
	if (o->host) {
		h = ir_host_find(c->ir, o->host);
		if (!h) {
			fprintf(stderr, "netc: --host '%s': %s has no such host\n", o->host, o->input);
			return EXIT_USAGE;
		}
		v = &h->domains;
	}
	IR_FOREACH(const struct ir_domain *, d, v)
		printf("%s\n", d->name.s);
	return EXIT_OK;
}

/* A file name to suggest for single-file target @b's output. */
static const char *example_name(const struct backend *b)
{
	static const struct {
		const char *target, *file;
	} names[] = {
		{ "sh", "setup.sh" },
		{ "network-bridge", "network-bridge" },
		{ "lab", "lab.sh" },
		{ "vif", "vifs.txt" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].target, b->name) == 0)
			return names[i].file;
	return NULL;
}

/*
 * -o DIR/ (or an existing directory) for a single-file target: name the
 * file to give, before anything is read.
 */
static int single_output_is_dir(const struct options *o, const struct backend *b)
{
	size_t n = o->output ? strlen(o->output) : 0;
	struct stat st;
	const char *file = example_name(b);

	if (!n || strcmp(o->output, "-") == 0)
		return EXIT_OK;
	if (o->output[n - 1] != '/' && (stat(o->output, &st) < 0 || !S_ISDIR(st.st_mode)))
		return EXIT_OK;
	fprintf(stderr, "netc: -o %s: -t %s writes one file; give its name, e.g. %s%s", o->output,
		b->name, o->output, o->output[n - 1] == '/' ? "" : "/");
	if (file)
		fprintf(stderr, "%s\n", file);
	else
		fprintf(stderr, "topology.%s\n", b->name);
	fputs("Try 'netc --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

enum {
	OPT_HOST = 256,
	OPT_DOMAIN,
	OPT_PRUNE,
	OPT_CHECK,
	OPT_LIST_CHECKS,
	OPT_LIST_TARGETS,
	OPT_LIST_HOSTS,
	OPT_LIST_DOMAINS,
	OPT_VERSION,
	OPT_DUMP_AST,
};

static const struct option long_options[] = {
	{ "target", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "prune", no_argument, NULL, OPT_PRUNE },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "input-format", required_argument, NULL, 'f' },
	{ "list-checks", no_argument, NULL, OPT_LIST_CHECKS },
	{ "list-targets", no_argument, NULL, OPT_LIST_TARGETS },
	{ "list-hosts", no_argument, NULL, OPT_LIST_HOSTS },
	{ "list-domains", no_argument, NULL, OPT_LIST_DOMAINS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "dump-ast", no_argument, NULL, OPT_DUMP_AST },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct options o = { .target = "sh" };
	struct compilation c;
	const struct backend *b;
	int opt, rc, err;

	compilation_init(&c);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:o:f:W:qvh", long_options, NULL)) != -1) {
		switch (opt) {
		case 't':
			o.target = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'f':
			o.format = format_from_name(optarg);
			if (o.format == INPUT_UNKNOWN) {
				rc = usage_error("unknown input format '%s' (yaml or netc)", optarg);
				goto out;
			}
			break;
		case 'W':
			rc = apply_warning_option(&c.diag, optarg);
			if (rc != EXIT_OK)
				goto out;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			rc = EXIT_OK;
			goto out;
		case OPT_HOST:
			o.host = optarg;
			break;
		case OPT_DOMAIN:
			o.domain = optarg;
			break;
		case OPT_PRUNE:
			o.prune = true;
			break;
		case OPT_CHECK:
			o.check_only = true;
			break;
		case OPT_LIST_TARGETS:
			for (b = backend_table; b->name; b++)
				printf("%s\n", b->name);
			rc = EXIT_OK;
			goto out;
		case OPT_LIST_HOSTS:
			o.list_hosts = true;
			break;
		case OPT_LIST_DOMAINS:
			o.list_domains = true;
			break;
		case OPT_LIST_CHECKS:
			checks_list(stdout);
			rc = EXIT_OK;
			goto out;
		case OPT_VERSION:
			printf("netc %s\n", NETC_VERSION);
			rc = EXIT_OK;
			goto out;
		case OPT_DUMP_AST:
			o.dump_ast = true;
			break;
		case ':':
			rc = usage_error("option '%s' needs an argument", argv[optind - 1]);
			goto out;
		default:
			rc = usage_error("unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = usage_error("%s", optind >= argc ? "no topology file given"
						      : "only one topology file may be given");
		goto out;
	}
	o.input = argv[optind];
	b = backend_lookup(o.target);
	if (!b) {
		rc = usage_error("unknown target '%s'", o.target);
		goto out;
	}
	if (o.list_hosts && o.list_domains) {
		rc = usage_error("%s", "--list-hosts and --list-domains: give one");
		goto out;
	}
	if (o.list_hosts || o.list_domains)
		o.check_only = true;
	if (b->directory && !o.output && !o.check_only && !o.dump_ast) {
		rc = usage_error("-t %s writes one file per domain: give a directory with -o DIR", b->name);
		goto out;
	}
	if (!o.list_hosts && !o.list_domains && o.domain && strcmp(b->name, "vif") != 0 &&
	    !b->directory) {
		rc = usage_error("--domain goes with -t vif or -t xl, not -t %s", b->name);
		goto out;
	}
	if (o.prune && !b->directory) {
		rc = usage_error("--prune goes with -t xl, not -t %s", b->name);
		goto out;
	}
	if (o.prune && o.domain) {
		rc = usage_error("%s", "--prune removes the files of every domain not written: "
				       "it does not go with --domain");
		goto out;
	}
	if (o.prune && strcmp(o.input, "-") == 0) {
		rc = usage_error("%s", "--prune needs the topology as a file: it removes only files "
				       "whose header names it");
		goto out;
	}
	if (!b->directory && !o.check_only && !o.dump_ast) {
		rc = single_output_is_dir(&o, b);
		if (rc != EXIT_OK)
			goto out;
	}
	if (o.format == INPUT_UNKNOWN)
		o.format = format_from_path(o.input);
	if (o.format == INPUT_UNKNOWN) {
		rc = usage_error(strcmp(o.input, "-") == 0
					 ? "reading standard input needs -f yaml or -f netc%s"
					 : "cannot tell the format of '%s' from its name; use -f yaml or -f netc",
				 strcmp(o.input, "-") == 0 ? "" : o.input);
		goto out;
	}
	c.format = o.format;
	err = srcfile_read(&c.src, o.input, strcmp(o.input, "-") == 0 ? "<stdin>" : o.input,
			   NETC_MAX_INPUT);
	if (err) {
		fprintf(stderr, "netc: cannot read '%s': %s\n", o.input, strerror(err));
		rc = EXIT_IO;
		goto out;
	}
	/* No output replaces the input, under its name or another. */
	struct stat in_st;

	if ((strcmp(o.input, "-") == 0 ? fstat(STDIN_FILENO, &in_st) : stat(o.input, &in_st)) == 0 &&
	    S_ISREG(in_st.st_mode))
		output_protect(o.input, in_st.st_dev, in_st.st_ino);
	if (o.dump_ast) {
		struct strbuf sb;

		if (source_check_encoding(&c))
			c.ast = o.format == INPUT_YAML ? yaml_read(&c) : netc_read(&c);
		diag_print(&c.diag, stderr, o.quiet);
		if (c.ast) {
			strbuf_init(&sb);
			ast_dump(c.ast, &sb);
			fputs(sb.buf, stdout);
			strbuf_free(&sb);
		}
		rc = c.diag.errors ? EXIT_TOPOLOGY : EXIT_OK;
		goto out;
	}
	bool ok = compile_topology(&c);

	diag_print(&c.diag, stderr, o.quiet);
	if (!ok) {
		rc = EXIT_TOPOLOGY;
		goto out;
	}
	if (o.list_hosts || o.list_domains) {
		rc = list_names(&c, &o);
		goto out;
	}
	if (o.check_only) {
		rc = EXIT_OK;
		goto out;
	}
	c.ir->source_name = o.input;
	rc = run_backend(&c, &o, b);
out:
	compilation_free(&c);
	return rc;
}
