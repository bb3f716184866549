/*
 * Whole input files as one read-only buffer: regular files are mapped,
 * pipes and "-" (stdin) are read into memory. The struct owns the bytes.
 */
#ifndef POSTURE_UTIL_FILE_H
#define POSTURE_UTIL_FILE_H

#include "util/err.h"

struct pfile {
	const char *path;   /* borrowed: as given, for messages */
	const char *buf;
	size_t len;
	bool mapped;
	int fd;             /* a mapped file stays open, for pfile_read(); else -1 */
};

#define PFILE_INIT { NULL, NULL, 0, false, -1 }

/* Errors name the file: missing, unreadable, a directory, empty (P_EINVALID). */
int pfile_open(struct pfile *f, const char *path, struct perr *err);
void pfile_release(struct pfile *f);
/* The bytes [from, to) will not be read again soon: drop their pages. */
void pfile_drop(struct pfile *f, size_t from, size_t to);
/*
 * Copy bytes [from, from + n) to dst with pread(), not through the
 * mapping (whose pages cost far more to map than to copy); returns the
 * bytes copied, fewer on a failure or past the end.
 */
size_t pfile_read(struct pfile *f, size_t from, char *dst, size_t n);

/* Read a whole small file into a NUL-terminated malloc'd buffer. */
int pfile_slurp(char **out, size_t *len, const char *path, size_t max, struct perr *err);

#endif
