/* SPDX-License-Identifier: MIT */
#ifndef NETC_OUTPUT_H
#define NETC_OUTPUT_H

#include "util.h"

#include <sys/types.h>

/*
 * Atomic output (netc(1)): each file is written to a temporary file in its
 * target directory, flushed to disk, then renamed over the target.  On any
 * failure the temporaries are removed and no target is created or changed.
 * Errors are printed ("netc: cannot write 'x': reason"); the return value is
 * EXIT_OK or EXIT_IO.
 */

/*
 * A single file, written while it is made (a big output need not be held):
 * output_open() opens the temporary beside @path (or, for a device or FIFO,
 * @path itself) and the text goes to @fd; output_close() then, with @keep,
 * syncs and renames it into place, reporting @err (a write's errno, or 0)
 * or its own failure, and without @keep removes it.
 *
 * What a path leads to (output.c, walk()): a symbolic link is followed
 * (the file it names is replaced, the link stays), but not one of another
 * user in a sticky world-writable directory; /dev/stdout, /dev/fd/N and
 * /proc/self/fd/N are netc's descriptor N, written as standard output is;
 * an existing file's replacement keeps its owner and permission bits (@mode
 * with run bits adds them where it is readable); the input (output_protect())
 * is never written.  Each refusal says why and returns EXIT_IO.
 */
struct output_stream {
	const char *path;       /* as given: what messages name */
	int dirfd;              /* the directory it lands in (O_PATH), or -1 */
	bool dir_shared;        /* dirfd belongs to an output_dir */
	char *name;             /* its name there */
	char *tmp;              /* the temporary's name there; NULL when written in place */
	int fd;
};

/* The input @name (as given, "-" for standard input) is the file @dev,
 * @ino: no output may replace it, or write into it. */
void output_protect(const char *name, dev_t dev, ino_t ino);
int output_open(struct output_stream *s, const char *path, mode_t mode);
int output_close(struct output_stream *s, int err, bool keep);

/*
 * The files of a directory target (-t xl), written as they are made (a
 * 50,000-guest directory is not held).  output_dir_open() looks at @dir: a
 * missing one (one level, like mkdir) is built whole as a temporary
 * directory beside it and renamed into place by output_dir_close(), so
 * that on failure not even @dir is left; in an existing @dir each file goes
 * to a temporary of its own, renamed over it at the close, and other files
 * are left alone.  output_dir_add() hands over the file @name (within
 * @dir), whose bytes it copies; writer threads create and write the files
 * meanwhile (output.c says why).  It returns EXIT_IO once a file has
 * failed, and the caller stops.  output_dir_close() then reports that
 * failure ("netc: cannot write 'DIR/NAME': reason", once) and removes
 * every file; otherwise, with @keep, it puts every file in place (with
 * @verbose, saying so), and without @keep removes them.  It frees @w.
 * output_dir_open() returns NULL, having said why, when @dir cannot be
 * made or is not a directory; *rc is then EXIT_IO.
 *
 * A missing @dir's missing parents are made first, one by one as mkdir -p
 * does (mode 0755 less the umask; a link to a missing directory makes
 * it); one that exists and is not a directory stops it ("'P' is not a
 * directory").  Whenever @dir is not put in place, the parents made are
 * removed again.
 */
struct output_dir;

struct output_dir *output_dir_open(const char *dir, bool verbose, int *rc);
int output_dir_add(struct output_dir *w, const char *name, mode_t mode,
		   const char *data, size_t len);
int output_dir_close(struct output_dir *w, bool keep);

/*
 * Prune (-t xl --prune): once output_dir_close() has put every file in
 * place, it removes each regular file of an existing @dir (not a link, not
 * a dot file) for which @stale(@arg, NAME, HEAD, LEN) is true, HEAD being
 * its first LEN bytes (at most OUTPUT_HEAD_MAX); with @verbose it says
 * which.  A file that cannot be removed is reported, and the close
 * returns EXIT_IO.  A new @dir has nothing to prune.
 */
enum { OUTPUT_HEAD_MAX = 16384 };

typedef bool output_stale_fn(void *arg, const char *name, const char *head, size_t len);
void output_dir_prune(struct output_dir *w, output_stale_fn *stale, void *arg);

#endif
