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
 * One file is written, flushed with fsync and renamed.  Many files (-t xl)
 * are all written first and then all renamed, without a sync each: a sync
 * per file costs milliseconds on real disks, and syncfs would wait for every
 * other writer on the filesystem too.  A rename that replaces a file is
 * ordered after its data on ext4 (auto_da_alloc) and xfs; docs/xl.md says so.
 */
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

/* Files into an existing directory: all written, then all renamed. */
static int write_files(const struct output_item *items, size_t n)
{
	struct output_stream *s = xcalloc(n ? n : 1, sizeof(*s));
	size_t opened = 0, i;
	int rc = EXIT_OK;

	/* A single file is synced before it replaces the old; see above. */
	for (i = 0; i < n && rc == EXIT_OK; i++) {
		rc = output_open(&s[i], items[i].path, items[i].mode);
		if (rc != EXIT_OK)
			break;
		opened++;
		rc = stream_close(&s[i], fd_write_all(s[i].fd, items[i].data, items[i].len), n == 1);
	}
	for (i = 0; i < opened && rc == EXIT_OK; i++)
		rc = stream_commit(&s[i]);
	for (i = 0; i < opened; i++)
		stream_discard(&s[i]);
	free(s);
	return rc;
}

/*
 * A directory that does not exist yet is made whole beside itself, as
 * "PARENT/.netc-PID-dN" holding every file, and renamed into place: one
 * rename for all the files instead of one each (half the system time of
 * writing 10,000 files), and a failure leaves nothing, not even @dir.
 * Errors name the paths the files were going to have.
 */
/* io_error() for file @name of directory @dir. */
static int dir_file_error(const char *dir, const char *name, int err)
{
	char *path = xmalloc(strlen(dir) + strlen(name) + 2);
	int rc;

	sprintf(path, "%s/%s", dir, name);
	rc = io_error(path, err);
	free(path);
	return rc;
}

static int write_new_dir(const char *dir, const struct output_item *files, size_t n)
{
	static unsigned long seq;
	char *target = xstrdup(dir), *parent, *tmp;
	size_t made = 0, k = strlen(target);
	int rc = EXIT_OK, err, dfd;

	/* "out/" is the directory "out" of the working directory. */
	while (k > 1 && target[k - 1] == '/')
		target[--k] = '\0';
	parent = dir_of(target);
	tmp = xmalloc(strlen(parent) + 64);
	for (;;) {
		sprintf(tmp, "%s/.netc-%ld-d%lu", parent, (long)getpid(), seq++);
		if (mkdir(tmp, 0777) == 0)
			break;
		if (errno != EEXIST) {
			fprintf(stderr, "netc: cannot create directory '%s': %s\n", dir,
				strerror(errno));
			free(parent);
			free(tmp);
			free(target);
			return EXIT_IO;
		}
	}
	free(parent);
	/* Files are opened relative to the new directory: the kernel walks
	 * its path once, not once a file. */
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		rc = io_error(dir, errno);
	for (; rc == EXIT_OK && made < n; made++) {
		int fd = openat(dfd, files[made].path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				files[made].mode & 07777);

		if (fd < 0) {
			rc = dir_file_error(dir, files[made].path, errno);
			break;
		}
		err = fd_write_all(fd, files[made].data, files[made].len);
		if (close(fd) < 0 && !err)
			err = errno;
		if (err) {
			rc = dir_file_error(dir, files[made].path, err);
			made++;         /* it exists: removed below */
			break;
		}
	}
	if (rc == EXIT_OK && rename(tmp, target) < 0)
		rc = io_error(dir, errno);
	if (rc != EXIT_OK) {
		for (size_t i = 0; i < made; i++)
			unlinkat(dfd, files[i].path, 0);
		rmdir(tmp);
	}
	if (dfd >= 0)
		close(dfd);
	free(tmp);
	free(target);
	return rc;
}

/* Into an existing directory, each file through a temporary of its own. */
static int write_into_dir(const char *dir, const struct output_item *files, size_t n)
{
	struct output_item *items = xcalloc(n ? n : 1, sizeof(*items));
	int rc;

	for (size_t i = 0; i < n; i++) {
		char *p = xmalloc(strlen(dir) + strlen(files[i].path) + 2);

		sprintf(p, "%s/%s", dir, files[i].path);
		items[i] = files[i];
		items[i].path = p;
	}
	rc = n ? write_files(items, n) : EXIT_OK;
	for (size_t i = 0; i < n; i++)
		free((char *)items[i].path);
	free(items);
	return rc;
}

int output_write_dir(const char *dir, const struct output_item *files, size_t n)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return write_new_dir(dir, files, n);
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "netc: cannot write to '%s': %s\n", dir, strerror(ENOTDIR));
		return EXIT_IO;
	}
	return write_into_dir(dir, files, n);
}
