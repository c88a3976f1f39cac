/* SPDX-License-Identifier: MIT */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* malloc'd printf. */
static char *xprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom();
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/*
 * A refusal: not an errno, the reason is a sentence of netc's own (@why).
 * Every failure prints "netc: cannot write 'PATH': REASON".
 */
enum { ERR_REFUSED = -1 };

static int io_error(const char *path, int err, const char *why)
{
	fprintf(stderr, "netc: cannot write '%s': %s\n", path,
		err == ERR_REFUSED && why ? why : strerror(err));
	return EXIT_IO;
}

/* The input, which no output may replace (output_protect()). */
static struct {
	bool set;
	dev_t dev;
	ino_t ino;
	const char *name;
} input;

void output_protect(const char *name, dev_t dev, ino_t ino)
{
	input.set = true;
	input.name = name;
	input.dev = dev;
	input.ino = ino;
}

/* Is @st the input?  Then *why says so. */
static bool is_input(const struct stat *st, char **why)
{
	if (!input.set || !S_ISREG(st->st_mode) || st->st_dev != input.dev ||
	    st->st_ino != input.ino)
		return false;
	*why = strcmp(input.name, "-") == 0
		       ? xprintf("it is the input file (standard input)")
		       : xprintf("it is the input file '%s'", input.name);
	return true;
}

/*
 * Where a path leads.  netc walks it itself, one component at a time from
 * directory descriptors (openat, never a path again), so that what it
 * checks is what it writes, and no symbolic link is followed that it did
 * not look at:
 *
 *  - A symbolic link in a sticky, world-writable directory (/tmp) is
 *    followed only if it belongs to netc's user or to the directory's
 *    owner: the kernel's fs.protected_symlinks rule, kept whatever the
 *    sysctl says (reading a link is never protected, so a path resolved
 *    with realpath() and written by name would follow another user's link
 *    into /etc even with the sysctl on).
 *  - A link in procfs is no path but an open file (/proc/self/fd/N, which
 *    /dev/stdout and /dev/fd/N lead to).  One of netc's own descriptors is
 *    written through, as standard output is; a link to a regular file that
 *    is not one of them (another process's descriptor, /proc/self/exe) is
 *    refused.
 *  - Any other link is followed: the file it names is written, and the
 *    link stays.
 */
enum target_kind {
	TARGET_NEW,     /* nothing there yet: @name in @dirfd */
	TARGET_FILE,    /* a regular file: @name in @dirfd, @st */
	TARGET_DIR,     /* a directory: @dirfd is it */
	TARGET_OPEN,    /* written in place (a device, a FIFO, a descriptor): @fd, @st */
};

struct target {
	enum target_kind kind;
	int dirfd, fd;          /* O_PATH; open for writing */
	char *name;
	struct stat st;
	bool slash;             /* the path ended in '/' */
};

enum { MAX_LINKS = 40 };        /* the kernel's limit */

#define DIR_FLAGS (O_PATH | O_DIRECTORY | O_CLOEXEC)

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is @dirfd netc's own /proc/self/fd (or /proc/thread-self/fd)? */
static bool own_fd_dir(int dirfd)
{
	struct stat d, s;

	if (fstat(dirfd, &d) < 0)
		return false;
	return (stat("/proc/self/fd", &s) == 0 && same_file(&d, &s)) ||
	       (stat("/proc/thread-self/fd", &s) == 0 && same_file(&d, &s));
}

static bool on_procfs(int dirfd)
{
	struct statfs f;

	return fstatfs(dirfd, &f) == 0 && f.f_type == PROC_SUPER_MAGIC;
}

/* "DIR/NAME" for messages; @dir "" is the working directory. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return !n ? xstrdup(name)
		  : xprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

/*
 * The link @name in @dirfd, which netc reaches as @shown: may it be
 * followed?  (fs/namei.c, may_follow_link.)
 */
static bool may_follow(int dirfd, const struct stat *link, const char *shown, char **why)
{
	struct stat d;

	if (fstat(dirfd, &d) < 0 ||
	    (d.st_mode & (S_ISVTX | S_IWOTH)) != (S_ISVTX | S_IWOTH) ||
	    link->st_uid == d.st_uid || link->st_uid == geteuid())
		return true;
	*why = xprintf("not following '%s', a symbolic link of another user (uid %u) "
		       "in a sticky world-writable directory",
		       shown, (unsigned)link->st_uid);
	return false;
}


/* The walk moves into directory @nd, which @name (consumed) names. */
static void walk_enter(int *dirfd, char **at, int nd, char *name)
{
	close(*dirfd);
	*dirfd = nd;
	free(*at);
	*at = name;
}

/*
 * The last component @name, in procfs directory @dirfd, is a link.  One of
 * netc's own descriptors is written through (a new descriptor on the same
 * open file: its offset and its O_APPEND are those the shell set up);
 * another link is followed by the kernel, unless it leads to a regular
 * file.
 */
static int proc_link(int dirfd, const char *name, const char *shown, bool want_dir,
		     struct target *t, char **why)
{
	if (want_dir) {
		t->dirfd = openat(dirfd, name, DIR_FLAGS);
		t->kind = t->dirfd >= 0 ? TARGET_DIR : TARGET_OPEN;
		return 0;
	}
	if (own_fd_dir(dirfd)) {
		char *end;
		long n = strtol(name, &end, 10);
		int fl;

		/* A number netc's walk holds itself is not the caller's. */
		if (*end || n < 0 || n > INT_MAX || n == dirfd ||
		    (fl = fcntl((int)n, F_GETFL)) < 0 || (fl & O_PATH) ||
		    (fl & O_ACCMODE) == O_RDONLY)
			return EBADF;
		if (fstat((int)n, &t->st) < 0)
			return errno;
		if (S_ISDIR(t->st.st_mode))
			return EISDIR;
		t->fd = fcntl((int)n, F_DUPFD_CLOEXEC, 0);
		if (t->fd < 0)
			return errno;
		t->kind = TARGET_OPEN;
		return 0;
	}
	if (fstatat(dirfd, name, &t->st, 0) < 0)
		return errno;
	if (S_ISDIR(t->st.st_mode))
		return EISDIR;
	if (S_ISREG(t->st.st_mode)) {
		*why = xprintf("'%s' is a link in /proc to a file that is not one of "
			       "netc's descriptors: name the file itself", shown);
		return ERR_REFUSED;
	}
	t->fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	if (t->fd < 0)
		return errno;
	t->kind = TARGET_OPEN;
	return 0;
}

/*
 * Walk @path from @startfd (AT_FDCWD: the working directory), which
 * messages call @start ("" for the working directory).  0 and *t, or an
 * errno, or ERR_REFUSED and *why (malloc'd).  The caller closes t->dirfd
 * and t->fd (-1 when unused) and frees t->name.  With @want_dir nothing
 * is opened for writing: what is neither a directory nor missing is
 * TARGET_OPEN with no t->fd.
 */
static int walk(int startfd, const char *start, const char *path, bool want_dir,
		struct target *t, char **why)
{
	char *rest = xstrdup(path), *at, *c = NULL, *link = NULL;
	size_t off = 0;
	int dirfd, links = 0, err = 0;

	memset(t, 0, sizeof(*t));
	t->dirfd = t->fd = -1;
	*why = NULL;
	if (!*path) {
		free(rest);
		return ENOENT;
	}
	if (*path == '/') {
		dirfd = open("/", DIR_FLAGS);
		at = xstrdup("/");
	} else {
		dirfd = startfd == AT_FDCWD ? open(".", DIR_FLAGS)
					    : fcntl(startfd, F_DUPFD_CLOEXEC, 0);
		at = xstrdup(start);
	}
	if (dirfd < 0) {
		err = errno;
		goto out;
	}
	for (;;) {
		const char *p = rest + off, *q, *r;
		struct stat st;
		bool last;
		int nd;

		while (*p == '/')
			p++;
		if (!*p) {              /* "/", "dir/.": the directory itself */
			t->kind = TARGET_DIR;
			t->dirfd = dirfd;
			dirfd = -1;
			break;
		}
		q = p + strcspn(p, "/");
		for (r = q; *r == '/'; r++)
			;
		last = !*r;
		free(c);
		c = xstrndup(p, (size_t)(q - p));
		free(link);
		link = join(at, c);
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
			nd = openat(dirfd, c, DIR_FLAGS);
			goto next_dir;
		}
		if (fstatat(dirfd, c, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = errno;
			if (err != ENOENT || !last)
				goto out;
			/* "/proc/self/fd/7": not open. */
			if (on_procfs(dirfd) && own_fd_dir(dirfd)) {
				err = EBADF;
				goto out;
			}
			err = 0;
			t->kind = TARGET_NEW;
			t->dirfd = dirfd;
			dirfd = -1;
			t->name = c;
			c = NULL;
			t->slash = *q == '/';
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			if (on_procfs(dirfd)) {
				if (last) {
					err = proc_link(dirfd, c, link, want_dir, t, why);
					break;
				}
				nd = openat(dirfd, c, DIR_FLAGS);       /* the kernel follows it */
				goto next_dir;
			}
			if (!may_follow(dirfd, &st, link, why)) {
				err = ERR_REFUSED;
				goto out;
			}
			if (++links > MAX_LINKS) {
				err = ELOOP;
				goto out;
			}
			char target[PATH_MAX];
			ssize_t n = readlinkat(dirfd, c, target, sizeof(target) - 1);

			if (n < 0) {
				err = errno;
				goto out;
			}
			target[n] = '\0';
			if (*target == '/') {
				nd = open("/", DIR_FLAGS);
				if (nd < 0) {
					err = errno;
					goto out;
				}
				walk_enter(&dirfd, &at, nd, xstrdup("/"));
			}
			char *next = xprintf("%s%s", target, q);

			free(rest);
			rest = next;
			off = 0;
			continue;
		}
		if (last && !S_ISDIR(st.st_mode)) {
			t->slash = *q == '/';
			t->st = st;
			if (S_ISREG(st.st_mode)) {
				t->kind = TARGET_FILE;
				t->dirfd = dirfd;
				dirfd = -1;
				t->name = c;
				c = NULL;
				break;
			}
			/* A device, a FIFO: written in place (never opened past a
			 * link: one swapped in since is not followed). */
			t->kind = TARGET_OPEN;
			if (want_dir)
				break;
			t->fd = openat(dirfd, c, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
			if (t->fd < 0)
				err = errno;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			err = ENOTDIR;
			goto out;
		}
		nd = openat(dirfd, c, DIR_FLAGS | O_NOFOLLOW);
next_dir:
		if (nd < 0) {
			err = errno;
			goto out;
		}
		walk_enter(&dirfd, &at, nd, link);
		link = NULL;
		off = (size_t)(r - rest);
	}
out:
	if (dirfd >= 0)
		close(dirfd);
	free(at);
	free(c);
	free(link);
	free(rest);
	if (err && err != ERR_REFUSED) {
		free(*why);
		*why = NULL;
	}
	return err;
}

/* Forget *t's descriptors and name (after a failure). */
static void target_free(struct target *t)
{
	if (t->dirfd >= 0)
		close(t->dirfd);
	if (t->fd >= 0)
		close(t->fd);
	free(t->name);
	t->dirfd = t->fd = -1;
	t->name = NULL;
}

/*
 * A temporary in @dirfd, created with @mode (open applies the umask) and
 * O_EXCL: ".netc-PID-N".  A stale one left by a killed run of the same pid
 * is skipped, not reused.
 */
static int open_temp(int dirfd, mode_t mode, char **tmp_out)
{
	static atomic_ulong seq;        /* the directory writers call it too */
	char tmp[64];
	int fd;

	do {
		snprintf(tmp, sizeof(tmp), ".netc-%ld-%lu", (long)getpid(),
			 atomic_fetch_add(&seq, 1));
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	} while (fd < 0 && errno == EEXIST);
	if (fd >= 0)
		*tmp_out = xstrdup(tmp);
	return fd;
}

/*
 * The new file that replaces @old gets @old's owner and permission bits
 * (a script, @mode with run bits, is also made runnable by whoever may
 * read it).  Until then it is 0600, so no one else can open it meanwhile.
 * 0, an errno, or ERR_REFUSED and *why.
 */
static int keep_owner_and_mode(int fd, const struct stat *old, mode_t mode, char **why)
{
	mode_t m = old->st_mode & 07777;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errno;
	/* chown() before chmod(): it clears the set-id bits. */
	if ((st.st_uid != old->st_uid || st.st_gid != old->st_gid) &&
	    fchown(fd, old->st_uid, old->st_gid) < 0) {
		*why = xprintf("cannot keep its owner (uid %u, gid %u) on the new file: %s",
			       (unsigned)old->st_uid, (unsigned)old->st_gid, strerror(errno));
		return ERR_REFUSED;
	}
	if (mode & 0111)
		m |= (m & 0444) >> 2;
	return fchmod(fd, m) < 0 ? errno : 0;
}

/*
 * output_open() without the message: 0, an errno, or ERR_REFUSED and *why.
 * @path, as given (what messages name), is walked from @startfd as
 * @walkpath.
 */
static int stream_open(struct output_stream *s, int startfd, const char *start,
		       const char *walkpath, const char *path, mode_t mode, char **why)
{
	struct target t;
	int err = walk(startfd, start, walkpath, false, &t, why);

	s->path = path;
	s->dirfd = s->fd = -1;
	s->dir_shared = false;
	s->name = s->tmp = NULL;
	if (err)
		return err;
	switch (t.kind) {
	case TARGET_DIR:
		err = EISDIR;
		break;
	case TARGET_OPEN:
		if (is_input(&t.st, why)) {
			err = ERR_REFUSED;
			break;
		}
		s->fd = t.fd;
		t.fd = -1;
		break;
	case TARGET_FILE:
		if (t.slash) {
			err = ENOTDIR;
			break;
		}
		if (is_input(&t.st, why)) {
			err = ERR_REFUSED;
			break;
		}
		/* fall through */
	case TARGET_NEW:
		if (t.slash) {
			err = ENOENT;
			break;
		}
		s->fd = open_temp(t.dirfd, t.kind == TARGET_FILE ? 0600 : mode, &s->tmp);
		if (s->fd < 0) {
			err = errno;
			break;
		}
		s->dirfd = t.dirfd;
		s->name = t.name;
		t.dirfd = -1;
		t.name = NULL;
		if (t.kind == TARGET_FILE)
			err = keep_owner_and_mode(s->fd, &t.st, mode, why);
		break;
	}
	target_free(&t);
	if (err && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
		if (s->tmp)
			unlinkat(s->dirfd, s->tmp, 0);
	}
	if (err) {
		free(s->tmp);
		free(s->name);
		if (s->dirfd >= 0)
			close(s->dirfd);
		s->dirfd = -1;
		s->tmp = s->name = NULL;
	}
	return err;
}

int output_open(struct output_stream *s, const char *path, mode_t mode)
{
	char *why;
	int err = stream_open(s, AT_FDCWD, "", path, path, mode, &why);
	int rc = err ? io_error(path, err, why) : EXIT_OK;

	free(why);
	return rc;
}

/* Forget @s, removing its temporary if it still has one.  A directory
 * netc shares (s->dir_shared) is not closed. */
static void stream_discard(struct output_stream *s)
{
	if (s->tmp)
		unlinkat(s->dirfd, s->tmp, 0);
	free(s->tmp);
	free(s->name);
	if (s->dirfd >= 0 && !s->dir_shared)
		close(s->dirfd);
	s->tmp = s->name = NULL;
	s->dirfd = -1;
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
	return io_error(s->path, err, NULL);
}

/* Rename the temporary into place. */
static int stream_commit(struct output_stream *s)
{
	int rc = EXIT_OK;

	if (s->tmp && renameat(s->dirfd, s->tmp, s->dirfd, s->name) < 0) {
		rc = io_error(s->path, errno, NULL);    /* the temporary goes below */
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
 * The directory is walked once (walk()), and each file from it: a file
 * that is a link elsewhere keeps that directory open until the renames,
 * shared by the files that land in it (up to DIR_SHARED directories, which
 * a lookup scans; a file beyond them holds its own).
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
enum { DIR_WRITERS = 2, DIR_QUEUE = 64, DIR_SHARED = 16 };

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
	int pfd;                        /* a new directory: its parent, */
	char *pname, *tmp;              /* its name there and its temporary's */
	int dfd;                        /* the temporary, or the existing directory */
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
	char *why;                      /* its reason, for a refusal */
	size_t err_i;
	struct {                        /* directories the files land in */
		dev_t dev;
		ino_t ino;
		int fd;
	} dirs[DIR_SHARED];
	size_t ndirs;
	struct {                        /* the missing parents made, in order */
		int fd;                 /* where (O_PATH) */
		char *name;
	} *made;
	size_t nmade;
	output_stale_fn *stale;         /* --prune */
	void *stale_arg;
};

/*
 * @s landed in a directory another file of @w may share: keep one
 * descriptor of it.  Runs in a writer (or, without, the caller).
 */
static void dir_share(struct output_dir *w, struct output_stream *s)
{
	struct stat st;
	size_t i;

	if (s->dirfd < 0 || fstat(s->dirfd, &st) < 0)
		return;
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->ndirs; i++)
		if (w->dirs[i].dev == st.st_dev && w->dirs[i].ino == st.st_ino)
			break;
	if (i < w->ndirs) {
		close(s->dirfd);
		s->dirfd = w->dirs[i].fd;
		s->dir_shared = true;
	} else if (i < DIR_SHARED) {
		w->dirs[i].dev = st.st_dev;
		w->dirs[i].ino = st.st_ino;
		w->dirs[i].fd = s->dirfd;
		w->ndirs++;
		s->dir_shared = true;
	}
	pthread_mutex_unlock(&w->lock);
}

/* Write @j: 0, an errno, or ERR_REFUSED and *why.  Runs in a writer (or,
 * without, the caller). */
static int dir_write(struct output_dir *w, struct dir_job *j, char **why)
{
	int fd, err;

	*why = NULL;
	if (j->s) {
		err = stream_open(j->s, w->dfd, w->dir, j->name, j->path, j->mode, why);
		if (err)
			return err;
		dir_share(w, j->s);
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
static void dir_failed(struct output_dir *w, size_t i, int err, char *why)
{
	if (!w->err || i < w->err_i) {
		w->err = err;
		w->err_i = i;
		free(w->why);
		w->why = why;
	} else {
		free(why);
	}
}

static void *dir_writer(void *arg)
{
	struct output_dir *w = arg;
	struct dir_job j;
	char *why;
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
			err = dir_write(w, &j, &why);
			pthread_mutex_lock(&w->lock);
		}
		if (err) {
			dir_failed(w, j.i, err, why);
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
	size_t n = strlen(w->dir);

	return arena_printf(&w->arena, "%s%s%s", w->dir, n && w->dir[n - 1] == '/' ? "" : "/", name);
}

/* NAME in "DIR/NAME" (dir_path()). */
static const char *dir_path_name(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* Forget the parents made; with @remove, remove them (last first). */
static void dir_unmake(struct output_dir *w, bool remove)
{
	while (w->nmade) {
		w->nmade--;
		if (remove)
			unlinkat(w->made[w->nmade].fd, w->made[w->nmade].name, AT_REMOVEDIR);
		close(w->made[w->nmade].fd);
		free(w->made[w->nmade].name);
	}
	free(w->made);
	w->made = NULL;
}

/* Forget @w (whose writers have stopped). */
static void dir_free(struct output_dir *w)
{
	dir_unmake(w, true);            /* still there: @dir was not put in place */
	for (size_t i = 0; i < w->ndirs; i++)
		close(w->dirs[i].fd);           /* the existing directory among them */
	if (w->dfd >= 0 && !w->ndirs)
		close(w->dfd);
	if (w->pfd >= 0)
		close(w->pfd);
	pthread_cond_destroy(&w->wake_maker);
	pthread_cond_destroy(&w->wake_writer);
	pthread_mutex_destroy(&w->lock);
	arena_free(&w->arena);
	free(w->paths);
	free(w->files);
	free(w->tmp);
	free(w->pname);
	free(w->why);
	free(w);
}

/* Make the new directory @w->pname in @w->pfd as its temporary: EXIT_OK
 * or EXIT_IO. */
static int dir_make(struct output_dir *w)
{
	static unsigned long seq;       /* only the caller's thread makes one */
	char tmp[64];

	for (;;) {
		snprintf(tmp, sizeof(tmp), ".netc-%ld-d%lu", (long)getpid(), seq++);
		if (mkdirat(w->pfd, tmp, 0777) == 0)
			break;
		if (errno != EEXIST) {
			fprintf(stderr, "netc: cannot create directory '%s': %s\n", w->dir,
				strerror(errno));
			return EXIT_IO;
		}
	}
	w->tmp = xstrdup(tmp);
	/* Files are opened relative to the new directory: the kernel walks
	 * its path once, not once a file. */
	w->dfd = openat(w->pfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->dfd < 0) {
		int rc = io_error(w->dir, errno, NULL);

		unlinkat(w->pfd, tmp, AT_REMOVEDIR);
		free(w->tmp);
		w->tmp = NULL;
		return rc;
	}
	return EXIT_OK;
}

/*
 * Make the missing parents of @dir (output.h): each path up to a '/'
 * before its last component, walked as a whole path is.  EXIT_OK or,
 * having said why, EXIT_IO.
 */
static int dir_make_parents(struct output_dir *w, const char *dir)
{
	size_t end = strlen(dir);
	struct target t;
	char *why, *prefix;
	int err, rc = EXIT_OK;

	while (end > 0 && dir[end - 1] == '/')
		end--;
	while (end > 0 && dir[end - 1] != '/')
		end--;                  /* @end: where the last component starts */
	for (size_t i = 1; i < end && rc == EXIT_OK; i++) {
		if (dir[i] != '/' || dir[i - 1] == '/')
			continue;
		prefix = xstrndup(dir, i);
		err = walk(AT_FDCWD, "", prefix, true, &t, &why);
		if (err == ERR_REFUSED) {
			fprintf(stderr, "netc: cannot write to '%s': %s\n", dir, why);
			rc = EXIT_IO;
		} else if (err) {
			fprintf(stderr, "netc: cannot create directory '%s': %s\n", prefix, strerror(err));
			rc = EXIT_IO;
		} else if (t.kind == TARGET_NEW) {
			if (mkdirat(t.dirfd, t.name, 0755) == 0) {
				w->made = xrealloc(w->made, (w->nmade + 1) * sizeof(*w->made));
				w->made[w->nmade].fd = t.dirfd;
				w->made[w->nmade].name = t.name;
				w->nmade++;
				t.dirfd = -1;
				t.name = NULL;
			} else if (errno != EEXIST) {
				fprintf(stderr, "netc: cannot create directory '%s': %s\n", prefix,
					strerror(errno));
				rc = EXIT_IO;
			}
		} else if (t.kind != TARGET_DIR) {
			fprintf(stderr, "netc: cannot create directory '%s': '%s' is not a directory\n",
				dir, prefix);
			rc = EXIT_IO;
		}
		free(why);
		if (!err)
			target_free(&t);
		free(prefix);
	}
	return rc;
}

struct output_dir *output_dir_open(const char *dir, bool verbose, int *rc)
{
	struct output_dir *w = xcalloc(1, sizeof(*w));
	struct target t;
	struct stat st;
	char *why;
	int err;

	w->dir = dir;
	w->verbose = verbose;
	w->dfd = w->pfd = -1;
	arena_init(&w->arena);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake_writer, NULL);
	pthread_cond_init(&w->wake_maker, NULL);
	*rc = EXIT_OK;
	err = walk(AT_FDCWD, "", dir, true, &t, &why);
	if (err == ENOENT || err == ENOTDIR) {
		/* A missing parent, or one that is no directory. */
		*rc = dir_make_parents(w, dir);
		if (*rc != EXIT_OK) {
			dir_free(w);
			return NULL;
		}
		err = walk(AT_FDCWD, "", dir, true, &t, &why);
	}
	if (err == ERR_REFUSED) {
		fprintf(stderr, "netc: cannot write to '%s': %s\n", dir, why);
		*rc = EXIT_IO;
	} else if (err) {
		/* A missing parent, one that is a file: as mkdir says it. */
		fprintf(stderr, "netc: cannot create directory '%s': %s\n", dir, strerror(err));
		*rc = EXIT_IO;
	} else if (t.kind == TARGET_NEW) {
		w->pfd = t.dirfd;
		w->pname = t.name;
		t.dirfd = -1;
		t.name = NULL;
		*rc = dir_make(w);
	} else if (t.kind == TARGET_DIR && fstat(t.dirfd, &st) == 0) {
		w->dfd = t.dirfd;
		t.dirfd = -1;
		w->dirs[0].dev = st.st_dev;
		w->dirs[0].ino = st.st_ino;
		w->dirs[0].fd = w->dfd;
		w->ndirs = 1;
	} else {
		fprintf(stderr, "netc: cannot write to '%s': %s\n", dir,
			strerror(t.kind == TARGET_DIR ? errno : ENOTDIR));
		*rc = EXIT_IO;
	}
	free(why);
	if (!err)
		target_free(&t);
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
	char *why;
	int err;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->paths = xrealloc(w->paths, w->cap * sizeof(*w->paths));
		w->files = xrealloc(w->files, w->cap * sizeof(*w->files));
	}
	j.path = w->paths[w->n] = dir_path(w, name);
	j.name = dir_path_name(j.path);
	j.s = w->files[w->n] = w->tmp ? NULL : arena_alloc(&w->arena, sizeof(*j.s));
	if (j.s) {
		memset(j.s, 0, sizeof(*j.s));
		j.s->fd = j.s->dirfd = -1;
	}
	w->n++;
	if (!w->nwriters) {
		j.data = (char *)data;
		err = dir_write(w, &j, &why);
		if (err)
			dir_failed(w, j.i, err, why);
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
	if (w->tmp) {
		return renameat(w->pfd, w->tmp, w->pfd, w->pname) < 0
			       ? io_error(w->dir, errno, NULL) : EXIT_OK;
	}
	/* A single file is synced before it replaces the old (see above);
	 * one written in place (a FIFO, a device) has no temporary. */
	if (w->n == 1 && w->files[0]->tmp) {
		int fd = openat(w->files[0]->dirfd, w->files[0]->tmp, O_RDONLY | O_CLOEXEC), err = 0;

		if (fd < 0 || fsync(fd) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
		if (err)
			return io_error(w->paths[0], err, NULL);
	}
	for (size_t i = 0; i < w->n; i++)
		if (stream_commit(w->files[i]) != EXIT_OK)
			return EXIT_IO;
	return EXIT_OK;
}

void output_dir_prune(struct output_dir *w, output_stale_fn *stale, void *arg)
{
	w->stale = stale;
	w->stale_arg = arg;
}

/* Remove the files output_dir_prune()'s @stale picks (output.h). */
static int dir_prune(struct output_dir *w)
{
	static char head[OUTPUT_HEAD_MAX];
	int fd = openat(w->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = EXIT_OK;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "netc: cannot read directory '%s': %s\n", w->dir, strerror(errno));
		return EXIT_IO;
	}
	while ((de = readdir(d))) {
		struct stat st;
		ssize_t len;
		int f;

		if (de->d_name[0] == '.' || (de->d_type != DT_REG && de->d_type != DT_UNKNOWN))
			continue;
		f = openat(fd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (f < 0)
			continue;       /* a link (ELOOP), or unreadable: not netc's to judge */
		len = fstat(f, &st) == 0 && S_ISREG(st.st_mode) ? read(f, head, sizeof(head)) : -1;
		close(f);
		if (len < 0 || !w->stale(w->stale_arg, de->d_name, head, (size_t)len))
			continue;
		if (unlinkat(fd, de->d_name, 0) < 0) {
			fprintf(stderr, "netc: cannot remove '%s': %s\n", dir_path(w, de->d_name),
				strerror(errno));
			rc = EXIT_IO;
		} else if (w->verbose) {
			fprintf(stderr, "netc: removed %s\n", dir_path(w, de->d_name));
		}
	}
	closedir(d);
	return rc;
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
		rc = io_error(w->paths[w->err_i], w->err, w->why);
		keep = false;
	}
	if (keep)
		rc = dir_commit(w);
	if (rc == EXIT_OK && keep)
		dir_unmake(w, false);
	if (w->tmp) {
		if (rc != EXIT_OK || !keep) {
			/* Files the writers never reached are not there. */
			for (size_t i = 0; i < w->n; i++)
				unlinkat(w->dfd, dir_path_name(w->paths[i]), 0);
			unlinkat(w->pfd, w->tmp, AT_REMOVEDIR);
		}
	} else {
		for (size_t i = 0; i < w->n; i++)
			stream_discard(w->files[i]);
	}
	for (size_t i = 0; i < w->n && rc == EXIT_OK && w->verbose; i++)
		fprintf(stderr, "netc: wrote %s\n", w->paths[i]);
	/* An existing directory, every file in place: --prune. */
	if (rc == EXIT_OK && keep && w->stale && !w->tmp)
		rc = dir_prune(w);
	dir_free(w);
	return rc;
}
