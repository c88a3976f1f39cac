/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
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
	static atomic_ulong seq;        /* the directory writers call it too */
	char *dir = dir_of(path);
	char *tmp = xmalloc(strlen(dir) + 64);
	int fd;

	do {
		sprintf(tmp, "%s/.netc-%ld-%lu", dir, (long)getpid(), atomic_fetch_add(&seq, 1));
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

/* output_open() without the message: 0, or an errno. */
static int stream_open(struct output_stream *s, const char *path, mode_t mode)
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
	}
	return err;
}

int output_open(struct output_stream *s, const char *path, mode_t mode)
{
	int err = stream_open(s, path, mode);

	return err ? io_error(path, err) : EXIT_OK;
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
 *
 * Creating a file is the kernel's work, and for small files most of the
 * time -t xl takes: on this project's machines 10 to 15 us a file, as long
 * as parsing the domain it comes from.  So DIR_WRITERS threads create and
 * write the files while the target makes the next ones, taking them from
 * a queue of DIR_QUEUE; the renames stay with the caller, at the close.  A
 * writer's failure is kept (the first one) and reported at the close,
 * once; after it the writers drop what is queued and output_dir_add()
 * returns EXIT_IO, so that the target stops.
 */
enum { DIR_WRITERS = 2, DIR_QUEUE = 64 };

/* File @i to write: @path is "DIR/NAME", @name its NAME. */
struct dir_job {
	size_t i;
	const char *path, *name;
	struct output_stream *s;        /* an existing directory: the file's temporary */
	char *data;
	size_t len;
	mode_t mode;
};

struct output_dir {
	const char *dir;                /* as given */
	bool verbose;
	char *target, *tmp;             /* a new directory: where, and its temporary */
	int dfd;                        /* the temporary, open */
	struct output_stream **files;   /* an existing directory: each file's temporary */
	const char **paths;             /* "DIR/NAME" of each file */
	size_t n, cap;
	struct arena arena;             /* the paths and the streams */

	pthread_t writers[DIR_WRITERS];
	size_t nwriters;
	pthread_mutex_t lock;           /* over what follows */
	pthread_cond_t wake_writer, wake_maker;
	struct dir_job queue[DIR_QUEUE];
	size_t head, queued;
	bool closing;
	int err;                        /* the failure of the first file that failed, or 0 */
	size_t err_i;
};

/* Write @j: 0, or an errno.  Runs in a writer (or, without, the caller). */
static int dir_write(struct output_dir *w, struct dir_job *j)
{
	int fd, err;

	if (j->s) {
		err = stream_open(j->s, j->path, j->mode);
		if (err)
			return err;
		fd = j->s->fd;
		j->s->fd = -1;
	} else {
		fd = openat(w->dfd, j->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, j->mode & 07777);
		if (fd < 0)
			return errno;
	}
	err = fd_write_all(fd, j->data, j->len);
	if (close(fd) < 0 && !err)
		err = errno;
	/* A new directory's file is removed with the directory; an existing
	 * one's temporary now. */
	if (err && j->s)
		stream_discard(j->s);
	return err;
}

/*
 * Keep @err for file @i if no file before it failed.  Under w->lock.  Files
 * are taken in order, and none after a failure: the failure reported is
 * that of the first file, in order, that failed (a file fails as it would
 * alone, but for a full disk, which a later file may have filled).
 */
static void dir_failed(struct output_dir *w, size_t i, int err)
{
	if (!w->err || i < w->err_i) {
		w->err = err;
		w->err_i = i;
	}
}

static void *dir_writer(void *arg)
{
	struct output_dir *w = arg;
	struct dir_job j;
	int err;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->queued && !w->closing)
			pthread_cond_wait(&w->wake_writer, &w->lock);
		if (!w->queued)
			break;
		j = w->queue[w->head];
		w->head = (w->head + 1) % DIR_QUEUE;
		/* The maker waits for half the queue (output_dir_add()). */
		if (--w->queued == DIR_QUEUE / 2)
			pthread_cond_signal(&w->wake_maker);
		err = 0;
		if (!w->err) {
			pthread_mutex_unlock(&w->lock);
			err = dir_write(w, &j);
			pthread_mutex_lock(&w->lock);
		}
		if (err) {
			dir_failed(w, j.i, err);
			pthread_cond_signal(&w->wake_maker);
		}
		free(j.data);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* "DIR/NAME": what messages and -v name file @name of @w. */
static const char *dir_path(struct output_dir *w, const char *name)
{
	return arena_printf(&w->arena, "%s/%s", w->dir, name);
}

/* Forget @w (whose writers have stopped). */
static void dir_free(struct output_dir *w)
{
	if (w->dfd >= 0)
		close(w->dfd);
	pthread_cond_destroy(&w->wake_maker);
	pthread_cond_destroy(&w->wake_writer);
	pthread_mutex_destroy(&w->lock);
	arena_free(&w->arena);
	free(w->paths);
	free(w->files);
	free(w->tmp);
	free(w->target);
	free(w);
}

/* Make the new directory @w->dir as its temporary: EXIT_OK or EXIT_IO. */
static int dir_make(struct output_dir *w)
{
	static unsigned long seq;       /* only the caller's thread makes one */
	char *parent;
	size_t k;

	/* "out/" is the directory "out" of the working directory. */
	w->target = xstrdup(w->dir);
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
			fprintf(stderr, "netc: cannot create directory '%s': %s\n", w->dir,
				strerror(errno));
			free(parent);
			free(w->tmp);
			w->tmp = NULL;
			return EXIT_IO;
		}
	}
	free(parent);
	/* Files are opened relative to the new directory: the kernel walks
	 * its path once, not once a file. */
	w->dfd = open(w->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dfd < 0) {
		int rc = io_error(w->dir, errno);

		rmdir(w->tmp);
		return rc;
	}
	return EXIT_OK;
}

struct output_dir *output_dir_open(const char *dir, bool verbose, int *rc)
{
	struct output_dir *w = xcalloc(1, sizeof(*w));
	struct stat st;

	w->dir = dir;
	w->verbose = verbose;
	w->dfd = -1;
	arena_init(&w->arena);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake_writer, NULL);
	pthread_cond_init(&w->wake_maker, NULL);
	*rc = EXIT_OK;
	if (stat(dir, &st) != 0) {
		*rc = dir_make(w);
	} else if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "netc: cannot write to '%s': %s\n", dir, strerror(ENOTDIR));
		*rc = EXIT_IO;
	}
	if (*rc != EXIT_OK) {
		dir_free(w);
		return NULL;
	}
	/* Without a writer (none could start), output_dir_add() writes. */
	while (w->nwriters < DIR_WRITERS &&
	       pthread_create(&w->writers[w->nwriters], NULL, dir_writer, w) == 0)
		w->nwriters++;
	return w;
}

int output_dir_add(struct output_dir *w, const char *name, mode_t mode,
		   const char *data, size_t len)
{
	struct dir_job j = { .i = w->n, .len = len, .mode = mode };
	int err;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->paths = xrealloc(w->paths, w->cap * sizeof(*w->paths));
		w->files = xrealloc(w->files, w->cap * sizeof(*w->files));
	}
	j.path = w->paths[w->n] = dir_path(w, name);
	j.name = j.path + strlen(w->dir) + 1;
	j.s = w->files[w->n] = w->tmp ? NULL : arena_alloc(&w->arena, sizeof(*j.s));
	if (j.s)
		j.s->fd = -1;
	w->n++;
	if (!w->nwriters) {
		j.data = (char *)data;
		err = dir_write(w, &j);
		if (err)
			dir_failed(w, j.i, err);
		return w->err ? EXIT_IO : EXIT_OK;
	}
	j.data = xmalloc(len ? len : 1);
	memcpy(j.data, data, len);
	pthread_mutex_lock(&w->lock);
	/* A full queue: wait until half is written, not for each file (a
	 * switch between threads a file costs more than writing it). */
	if (w->queued == DIR_QUEUE)
		while (w->queued > DIR_QUEUE / 2 && !w->err)
			pthread_cond_wait(&w->wake_maker, &w->lock);
	if (w->err) {
		pthread_mutex_unlock(&w->lock);
		free(j.data);
		return EXIT_IO;
	}
	w->queue[(w->head + w->queued) % DIR_QUEUE] = j;
	w->queued++;
	pthread_cond_signal(&w->wake_writer);
	pthread_mutex_unlock(&w->lock);
	return EXIT_OK;
}

/* Rename everything into place: the new directory, or each file. */
static int dir_commit(struct output_dir *w)
{
	if (w->tmp)
		return rename(w->tmp, w->target) < 0 ? io_error(w->dir, errno) : EXIT_OK;
	/* A single file is synced before it replaces the old (see above);
	 * one written in place (a FIFO, a device) has no temporary. */
	if (w->n == 1 && w->files[0]->tmp) {
		int fd = open(w->files[0]->tmp, O_RDONLY | O_CLOEXEC), err = 0;

		if (fd < 0 || fsync(fd) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
		if (err)
			return io_error(w->paths[0], err);
	}
	for (size_t i = 0; i < w->n; i++)
		if (stream_commit(w->files[i]) != EXIT_OK)
			return EXIT_IO;
	return EXIT_OK;
}

int output_dir_close(struct output_dir *w, bool keep)
{
	int rc = EXIT_OK;

	pthread_mutex_lock(&w->lock);
	w->closing = true;
	pthread_cond_broadcast(&w->wake_writer);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < w->nwriters; i++)
		pthread_join(w->writers[i], NULL);
	if (w->err) {
		rc = io_error(w->paths[w->err_i], w->err);
		keep = false;
	}
	if (keep)
		rc = dir_commit(w);
	if (w->tmp) {
		if (rc != EXIT_OK || !keep) {
			/* Files the writers never reached are not there. */
			for (size_t i = 0; i < w->n; i++)
				unlinkat(w->dfd, w->paths[i] + strlen(w->dir) + 1, 0);
			rmdir(w->tmp);
		}
	} else {
		for (size_t i = 0; i < w->n; i++)
			stream_discard(w->files[i]);
	}
	for (size_t i = 0; i < w->n && rc == EXIT_OK && w->verbose; i++)
		fprintf(stderr, "netc: wrote %s\n", w->paths[i]);
	dir_free(w);
	return rc;
}
