/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xmalloc((size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

static int io_error(const char *path, int err)
{
	fprintf(stderr, "netc: cannot write '%s': %s\n", path, strerror(err));
	return EXIT_IO;
}

/*
 * A temporary beside the target, created with the target's mode (open
 * applies the umask) and O_EXCL: "DIR/.netc-PID-N".  A stale one left by a
 * killed run of the same pid is skipped, not reused.
 */
static int open_temp(const char *path, mode_t mode, char **tmp_out)
{
	static unsigned long seq;
	char *dir = dir_of(path);
	char *tmp = xmalloc(strlen(dir) + 64);
	int fd;

	do {
		sprintf(tmp, "%s/.netc-%ld-%lu", dir, (long)getpid(), seq++);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	} while (fd < 0 && errno == EEXIST);
	free(dir);
	if (fd < 0)
		free(tmp);
	else
		*tmp_out = tmp;
	return fd;
}

/*
 * Where a write to @path must land.  A regular file (or nothing yet) is
 * replaced through a temporary and rename; a symbolic link is followed, so
 * the file it names is replaced and the link stays; a device or FIFO
 * (/dev/null, a pipe) cannot be renamed over and is written in place.
 * Returns 0, or an errno.  *real is malloc'd; *in_place says which way.
 */
static int resolve_target(const char *path, char **real, bool *in_place)
{
	struct stat st;

	*in_place = false;
	*real = NULL;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return errno;
		*real = xstrdup(path);        /* a new file (or a dangling link: replaced) */
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode)) {
		*in_place = true;
		*real = xstrdup(path);        /* open() follows links to pipes and devices */
		return 0;
	}
	*real = realpath(path, NULL);
	return *real ? 0 : errno;
}

int output_open(struct output_stream *s, const char *path, mode_t mode)
{
	bool in_place;
	int err = resolve_target(path, &s->real, &in_place);

	s->path = path;
	s->tmp = NULL;
	s->fd = -1;
	if (!err) {
		s->fd = in_place ? open(s->real, O_WRONLY | O_CLOEXEC)
				 : open_temp(s->real, mode, &s->tmp);
		if (s->fd < 0)
			err = errno;
	}
	if (err) {
		free(s->real);
		s->real = NULL;
		return io_error(path, err);
	}
	return EXIT_OK;
}

/* Forget @s, removing its temporary if it still has one. */
static void stream_discard(struct output_stream *s)
{
	if (s->tmp)
		unlink(s->tmp);
	free(s->tmp);
	free(s->real);
	s->tmp = s->real = NULL;
}

/* Close @s's file, after write error @err (0: none), synced first when
 * @sync.  A failure is reported and the temporary removed. */
static int stream_close(struct output_stream *s, int err, bool sync)
{
	if (!err && sync && s->tmp && fsync(s->fd) < 0)
		err = errno;
	if (close(s->fd) < 0 && !err)
		err = errno;
	s->fd = -1;
	if (!err)
		return EXIT_OK;
	stream_discard(s);
	return io_error(s->path, err);
}

/* Rename the temporary into place. */
static int stream_commit(struct output_stream *s)
{
	int rc = EXIT_OK;

	if (s->tmp && rename(s->tmp, s->real) < 0) {
		rc = io_error(s->path, errno);      /* the temporary goes below */
	} else {
		free(s->tmp);
		s->tmp = NULL;
	}
	stream_discard(s);
	return rc;
}

int output_close(struct output_stream *s, int err, bool keep)
{
	int rc;

	if (!keep) {
		close(s->fd);
		stream_discard(s);
		return EXIT_OK;
	}
	rc = stream_close(s, err, true);
	return rc == EXIT_OK ? stream_commit(s) : rc;
}

/*
 * Directories.  One file is written, flushed with fsync and renamed.  Many
 * files (-t xl) into an existing directory are all written first and then
 * all renamed, without a sync each: a sync per file costs milliseconds on
 * real disks, and syncfs would wait for every other writer on the
 * filesystem too.  A rename that replaces a file is ordered after its data
 * on ext4 (auto_da_alloc) and xfs; docs/xl.md says so.  A directory that
 * does not exist yet is made whole beside itself, as "PARENT/.netc-PID-dN",
 * and renamed into place: one rename for all the files instead of one each
 * (half the system time of writing 10,000 files), and a failure leaves
 * nothing, not even the directory.
 */

/* "DIR/NAME": what messages and -v name file @name of @w. */
static char *dir_path(struct output_dir *w, const char *name)
{
	return arena_printf(&w->names_arena, "%s/%s", w->dir, name);
}

int output_dir_open(struct output_dir *w, const char *dir)
{
	static unsigned long seq;
	struct stat st;
	char *parent;
	size_t k;

	memset(w, 0, sizeof(*w));
	w->dir = dir;
	w->dfd = -1;
	arena_init(&w->names_arena);
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return EXIT_OK;
		fprintf(stderr, "netc: cannot write to '%s': %s\n", dir, strerror(ENOTDIR));
		arena_free(&w->names_arena);
		return EXIT_IO;
	}
	/* "out/" is the directory "out" of the working directory. */
	w->target = xstrdup(dir);
	k = strlen(w->target);
	while (k > 1 && w->target[k - 1] == '/')
		w->target[--k] = '\0';
	parent = dir_of(w->target);
	w->tmp = xmalloc(strlen(parent) + 64);
	for (;;) {
		sprintf(w->tmp, "%s/.netc-%ld-d%lu", parent, (long)getpid(), seq++);
		if (mkdir(w->tmp, 0777) == 0)
			break;
		if (errno != EEXIST) {
			fprintf(stderr, "netc: cannot create directory '%s': %s\n", dir,
				strerror(errno));
			free(parent);
			free(w->tmp);
			free(w->target);
			arena_free(&w->names_arena);
			return EXIT_IO;
		}
	}
	free(parent);
	/* Files are opened relative to the new directory: the kernel walks
	 * its path once, not once a file. */
	w->dfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dfd < 0) {
		int rc = io_error(dir, errno);

		output_dir_close(w, false);
		return rc;
	}
	return EXIT_OK;
}

/* Into the new directory's temporary: the file itself. */
static int new_dir_add(struct output_dir *w, const char *name, mode_t mode,
		       const char *data, size_t len)
{
	int fd = openat(w->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	int err;

	if (fd < 0)
		return io_error(dir_path(w, name), errno);
	w->names[w->n++] = dir_path(w, name);    /* it exists: removed on failure */
	err = fd_write_all(fd, data, len);
	if (close(fd) < 0 && !err)
		err = errno;
	return err ? io_error(w->names[w->n - 1], err) : EXIT_OK;
}

/*
 * Into an existing directory: a temporary beside the file, kept closed but
 * for the first, which is synced before it replaces the old if it stays
 * the only one (a single file is; see above).
 */
static int old_dir_add(struct output_dir *w, const char *name, mode_t mode,
		       const char *data, size_t len)
{
	struct output_stream *s = &w->files[w->n];
	char *path = dir_path(w, name);
	int rc = output_open(s, path, mode);

	if (rc != EXIT_OK)
		return rc;
	w->names[w->n++] = path;
	if (w->n == 2) {
		rc = stream_close(&w->files[0], 0, false);
		if (rc != EXIT_OK)
			return rc;
	}
	rc = fd_write_all(s->fd, data, len);
	if (rc || w->n > 1)
		return stream_close(s, rc, false);
	return EXIT_OK;
}

int output_dir_add(struct output_dir *w, const char *name, mode_t mode,
		   const char *data, size_t len)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->names = xrealloc(w->names, w->cap * sizeof(*w->names));
		if (!w->tmp)
			w->files = xrealloc(w->files, w->cap * sizeof(*w->files));
	}
	return w->tmp ? new_dir_add(w, name, mode, data, len)
		      : old_dir_add(w, name, mode, data, len);
}

/* Rename everything into place: the new directory, or each file. */
static int dir_commit(struct output_dir *w)
{
	int rc = EXIT_OK;

	if (w->tmp)
		return rename(w->tmp, w->target) < 0 ? io_error(w->dir, errno) : EXIT_OK;
	if (w->n == 1)
		rc = stream_close(&w->files[0], 0, true);
	for (size_t i = 0; i < w->n && rc == EXIT_OK; i++)
		rc = stream_commit(&w->files[i]);
	return rc;
}

int output_dir_close(struct output_dir *w, bool keep)
{
	int rc = keep ? dir_commit(w) : EXIT_OK;

	if (w->tmp) {
		if (rc != EXIT_OK || !keep) {
			for (size_t i = 0; i < w->n; i++)
				unlinkat(w->dfd, w->names[i] + strlen(w->dir) + 1, 0);
			rmdir(w->tmp);
		}
		if (w->dfd >= 0)
			close(w->dfd);
	} else {
		for (size_t i = 0; i < w->n; i++) {
			if (w->files[i].fd >= 0)
				close(w->files[i].fd);
			stream_discard(&w->files[i]);
		}
	}
	for (size_t i = 0; i < w->n && rc == EXIT_OK && keep && w->verbose; i++)
		fprintf(stderr, "netc: wrote %s\n", w->names[i]);
	arena_free(&w->names_arena);
	free(w->names);
	free(w->files);
	free(w->tmp);
	free(w->target);
	return rc;
}
