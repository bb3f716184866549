#include "posture.h"
#include "util/file.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_STREAM_INPUT ((size_t)4 << 30)

static int read_all(struct pbuf *b, int fd, const char *path, struct perr *err)
{
	for (;;) {
		ssize_t n;

		if (pbuf_grow(b, 65536) < 0)
			return perr_set(err, P_ELIMIT, "'%s' is larger than %zu GiB",
					path, MAX_STREAM_INPUT >> 30);
		n = read(fd, b->buf + b->len, b->alloc - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return perr_set(err, P_EIO, "cannot read '%s': %s", path, strerror(errno));
		}
		if (n == 0)
			return 0;
		b->len += (size_t)n;
		b->buf[b->len] = '\0';
	}
}

int pfile_open(struct pfile *f, const char *path, struct perr *err)
{
	struct pbuf b = PBUF_INIT;
	struct stat st;
	int fd = -1, ret = 0;
	void *map;

	f->path = path;
	f->buf = NULL;
	f->len = 0;
	f->mapped = false;
	f->fd = -1;
	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return perr_set(err, errno == ENOENT || errno == EACCES ? P_EINVALID : P_EIO,
				"cannot open '%s': %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		ret = perr_set(err, P_EIO, "cannot stat '%s': %s", path, strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = perr_set(err, P_EINVALID, "'%s' is a directory, not a report", path);
		goto done;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			ret = perr_set(err, P_EIO, "cannot map '%s': %s", path, strerror(errno));
			goto done;
		}
		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
		f->buf = map;
		f->len = (size_t)st.st_size;
		f->mapped = true;
		if (fd > STDIN_FILENO) {
			f->fd = fd;
			fd = -1;
		}
	} else {
		pbuf_init(&b, MAX_STREAM_INPUT);
		if ((ret = read_all(&b, fd, path, err)) < 0) {
			pbuf_release(&b);
			goto done;
		}
		f->len = b.len;
		f->buf = pbuf_detach(&b, NULL);
	}
	if (!f->len) {
		pfile_release(f);
		ret = perr_set(err, P_EINVALID, "'%s' is empty", path);
	}
done:
	if (fd > STDIN_FILENO)
		close(fd);
	return ret;
}

void pfile_release(struct pfile *f)
{
	if (f->mapped)
		munmap((void *)f->buf, f->len);
	else
		xfree((void *)f->buf);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->buf = NULL;
	f->len = 0;
	f->mapped = false;
}

void pfile_drop(struct pfile *f, size_t from, size_t to)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start, end;

	if (!f->mapped || page <= 0 || to <= from || to > f->len)
		return;
	start = ((uintptr_t)f->buf + from + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	end = ((uintptr_t)f->buf + to) & ~((uintptr_t)page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

size_t pfile_read(struct pfile *f, size_t from, char *dst, size_t n)
{
	size_t done = 0;

	if (f->fd < 0 || from > f->len || n > f->len - from)
		return 0;
	while (done < n) {
		ssize_t got = pread(f->fd, dst + done, n - done, (off_t)(from + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += (size_t)got;
	}
	return done;
}

int pfile_slurp(char **out, size_t *len, const char *path, size_t max, struct perr *err)
{
	struct pbuf b = PBUF_INIT;
	int fd, ret;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return perr_set(err, errno == ENOENT ? P_ENOTFOUND : P_EIO,
				"cannot open '%s': %s", path, strerror(errno));
	pbuf_init(&b, max);
	ret = read_all(&b, fd, path, err);
	close(fd);
	if (ret < 0) {
		pbuf_release(&b);
		return ret;
	}
	*out = pbuf_detach(&b, len);
	return 0;
}
