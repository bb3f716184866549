/*
 * Output files written whole or not at all: the text goes to a temporary
 * file beside the target, which replaces the target only on commit, so a
 * failure never leaves half a report behind. A NULL path means stdout.
 */
#ifndef POSTURE_UTIL_OUTFILE_H
#define POSTURE_UTIL_OUTFILE_H

#include "util/err.h"

struct outfile {
	FILE *fp;           /* write here */
	char *path, *tmp;   /* owned; NULL for stdout */
};

#define OUTFILE_INIT { NULL, NULL, NULL }

int outfile_open(struct outfile *of, const char *path, struct perr *err);
/* Flush and close, then move the file into place (P_EIO with a message naming it). */
int outfile_commit(struct outfile *of, struct perr *err);
/* Drop an uncommitted file (a no-op after commit or for stdout); frees what it holds. */
void outfile_abort(struct outfile *of);

#endif
