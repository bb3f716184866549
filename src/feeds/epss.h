/*
 * The FIRST EPSS daily file (epss_scores-YYYY-MM-DD.csv, or .csv.gz):
 *
 *   #model_version:v2025.03.14,score_date:2025-03-16T12:55:00Z
 *   cve,epss,percentile
 *   CVE-1999-0001,0.01141,0.77798
 *
 * Pure: bytes in, one callback per row. A gzip file (recognised by its
 * magic bytes, not its name) is inflated in memory up to EPSS_MAX_INFLATED.
 * Strings handed to the callback are borrowed and live until it returns.
 */
#ifndef POSTURE_FEEDS_EPSS_H
#define POSTURE_FEEDS_EPSS_H

#include "util/err.h"

/* The uncompressed file is ~10 MB for ~300k CVEs: a generous hard cap. */
#define EPSS_MAX_INFLATED ((size_t)512 << 20)

struct epss_meta {
	char model_version[64]; /* "v2025.03.14", "" when the file has no comment line */
	char score_date[64];    /* "2025-03-16T12:55:00Z", as written, "" when absent */
};

struct epss_row {
	const char *cve;   /* "CVE-2021-44228", upper case as in the file */
	double epss;       /* probability of exploitation in the next 30 days, 0..1 */
	double percentile; /* 0..1, or -1 when the file has no percentile column */
	size_t line;       /* 1-based line in the (uncompressed) file */
};

/*
 * Called once per row, in file order, with the file's metadata (filled
 * before the first row). A negative return stops the parse and is passed up.
 */
typedef int (*epss_row_cb)(const struct epss_meta *meta, const struct epss_row *row,
			   void *payload, struct perr *err);

/*
 * Parse buf (CSV or gzip'd CSV). Fills *meta, calls cb per row and
 * returns the number of rows, or a negative code with err naming the
 * line: "line 7: 'CVE-2021-x' is not a CVE id". A file without rows is
 * valid (returns 0); one without the header is not.
 */
long epss_parse(const char *buf, size_t len, struct epss_meta *meta,
		epss_row_cb cb, void *payload, struct perr *err);

/* Whether buf starts with the gzip magic bytes. */
bool epss_is_gzip(const char *buf, size_t len);

#endif
