/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
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

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int output_write(const struct output_item *items, size_t n)
{
	char **tmp = xcalloc(n, sizeof(*tmp));
	mode_t mask = umask(0);
	int rc = EXIT_OK, err = 0, last_fd = -1;
	size_t i;

	umask(mask);
	for (i = 0; i < n; i++) {
		const struct output_item *it = &items[i];
		struct stat st;
		char *dir;
		int fd;

		if (stat(it->path, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = io_error(it->path, EISDIR);
			goto fail;
		}
		dir = dir_of(it->path);
		tmp[i] = xmalloc(strlen(dir) + 32);
		sprintf(tmp[i], "%s/.netc-XXXXXX", dir);
		free(dir);
		fd = mkstemp(tmp[i]);
		if (fd < 0) {
			free(tmp[i]);
			tmp[i] = NULL;
			rc = io_error(it->path, errno);
			goto fail;
		}
		err = write_all(fd, it->data, it->len);
		if (!err && fchmod(fd, it->mode & ~mask) < 0)
			err = errno;
		if (!err && n == 1 && fsync(fd) < 0)
			err = errno;
		if (err) {
			close(fd);
			rc = io_error(it->path, err);
			goto fail;
		}
		if (n > 1) {
			if (last_fd >= 0)
				close(last_fd);
			last_fd = fd;
		} else if (close(fd) < 0) {
			rc = io_error(it->path, errno);
			goto fail;
		}
	}
	/* Many files: one syncfs instead of one fsync each. */
	if (last_fd >= 0) {
		if (syncfs(last_fd) < 0) {
			rc = io_error(items[n - 1].path, errno);
			goto fail;
		}
		close(last_fd);
		last_fd = -1;
	}
	for (i = 0; i < n; i++) {
		if (rename(tmp[i], items[i].path) < 0) {
			rc = io_error(items[i].path, errno);
			goto fail;
		}
		free(tmp[i]);
		tmp[i] = NULL;
	}
	free(tmp);
	return EXIT_OK;
fail:
	if (last_fd >= 0)
		close(last_fd);
	for (i = 0; i < n; i++) {
		if (tmp[i]) {
			unlink(tmp[i]);
			free(tmp[i]);
		}
	}
	free(tmp);
	return rc;
}

int output_prepare_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr, "netc: cannot write to '%s': %s\n", dir, strerror(ENOTDIR));
			return EXIT_IO;
		}
		return EXIT_OK;
	}
	if (mkdir(dir, 0777) < 0) {
		fprintf(stderr, "netc: cannot create directory '%s': %s\n", dir, strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}
