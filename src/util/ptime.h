/*
 * Time as seconds since the epoch, UTC, everywhere. The clock comes from
 * ptime_now(), which honours POSTURE_NOW so tests and backfills can fix it.
 */
#ifndef POSTURE_UTIL_PTIME_H
#define POSTURE_UTIL_PTIME_H

#include "util/err.h"

/*
 * Parse an ISO-8601 / RFC 3339 time: "2026-01-02", "2026-01-02T03:04:05Z",
 * with optional fraction and "+hh:mm" offset, or a space for the "T".
 * A date alone means midnight UTC.
 */
int ptime_parse(int64_t *out, const char *s, struct perr *err);

/* Format as "2026-01-02T03:04:05Z" into out (at least 21 bytes). */
void ptime_format(char out[static 21], int64_t t);

/* The current time, or POSTURE_NOW when it is set (bad values are an error). */
int ptime_now(int64_t *out, struct perr *err);

/* Days since the epoch for a civil date, and back (proleptic Gregorian). */
int64_t ptime_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
