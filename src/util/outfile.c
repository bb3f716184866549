#include "posture.h"
#include "util/outfile.h"
#include "util/alloc.h"

#include <sys/stat.h>
#include <unistd.h>

int outfile_open(struct outfile *of, const char *path, struct perr *err)
{
	int fd;

	memset(of, 0, sizeof(*of));
	if (!path || !strcmp(path, "-")) {
		of->fp = stdout;
		return 0;
	}
	of->path = xstrdup(path);
	of->tmp = xmalloc(st_add(strlen(path), 16));
	snprintf(of->tmp, strlen(path) + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(of->tmp);
	if (fd < 0) {
		int e = errno;

		xfree(of->tmp);
		of->tmp = NULL;
		return perr_set(err, P_EIO, "%s: cannot create: %s", path, strerror(e));
	}
	{
		/* mkstemp makes the file 0600; a report gets the usual 0666 less the umask */
		mode_t mask = umask(0);

		umask(mask);
		if (fchmod(fd, 0666 & ~mask)) {
			int e = errno;

			close(fd);
			unlink(of->tmp);
			return perr_set(err, P_EIO, "%s: cannot set its mode: %s", path, strerror(e));
		}
	}
	of->fp = fdopen(fd, "w");
	if (!of->fp) {
		int e = errno;

		close(fd);
		unlink(of->tmp);
		return perr_set(err, P_EIO, "%s: cannot open: %s", path, strerror(e));
	}
	return 0;
}

int outfile_commit(struct outfile *of, struct perr *err)
{
	int ret;

	if (!of->fp)
		return 0;
	if (of->fp == stdout) {
		of->fp = NULL;
		if (fflush(stdout) || ferror(stdout))
			return perr_set(err, P_EIO, "cannot write output: %s", strerror(errno));
		return 0;
	}
	ret = fflush(of->fp) || ferror(of->fp);
	if (fclose(of->fp))
		ret = 1;
	of->fp = NULL;
	if (ret)
		return perr_set(err, P_EIO, "%s: cannot write: %s", of->path, strerror(errno));
	if (rename(of->tmp, of->path))
		return perr_set(err, P_EIO, "%s: cannot replace: %s", of->path, strerror(errno));
	xfree(of->tmp);
	of->tmp = NULL;
	return 0;
}

void outfile_abort(struct outfile *of)
{
	if (of->fp && of->fp != stdout)
		fclose(of->fp);
	if (of->tmp)
		unlink(of->tmp);
	xfree(of->tmp);
	xfree(of->path);
	memset(of, 0, sizeof(*of));
}
