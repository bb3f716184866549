/*
 * bench/epss.sh's driver: parse one EPSS file (plain or .gz) with
 * epss_parse() and print rows and rows/s. Not part of the build.
 */
#include "posture.h"
#include "feeds/epss.h"
#include "util/file.h"

#include <time.h>

static int count(const struct epss_meta *meta, const struct epss_row *row, void *payload,
		 struct perr *err)
{
	(*(long *)payload)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct perr err = PERR_INIT;
	struct pfile f = PFILE_INIT;
	struct epss_meta meta;
	struct timespec t0, t1;
	long rows = 0, n;
	double secs;

	if (argc != 2 || pfile_open(&f, argv[1], &err) < 0) {
		fprintf(stderr, "epss_bench: %s\n", err.msg[0] ? err.msg : "usage: epss_bench FILE");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = epss_parse(f.buf, f.len, &meta, count, &rows, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pfile_release(&f);
	if (n < 0) {
		fprintf(stderr, "epss_bench: %s: %s\n", argv[1], err.msg);
		return 2;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s: %ld rows in %.3f s, %.0f rows/s (model %s)\n", argv[1], rows, secs,
	       secs > 0 ? rows / secs : 0.0, meta.model_version);
	return 0;
}
