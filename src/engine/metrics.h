/*
 * Metrics arithmetic (pure: no store, no output). The types are in
 * model/metrics.h and every definition in docs/metrics.md; the store does
 * the aggregation (store_metrics), this turns sums into means and rates
 * and the command line's dates into the window.
 */
#ifndef POSTURE_ENGINE_METRICS_H
#define POSTURE_ENGINE_METRICS_H

#include "model/metrics.h"

/* Defaults: no scope, the 90 days up to and including now's day, no breakdown. */
void metrics_query_init(struct metrics_query *q, int64_t now);

/*
 * Resolve --since / --until (dates or times; NULL: default) into whole
 * days: since rounds down to midnight UTC, until is the end of its day
 * (the exclusive bound is the next midnight). until defaults to the end of
 * now's day, since to 90 days before until. P_EINVALID with a message when
 * a value does not parse, since is not before until, or the window is
 * longer than q->max_days.
 */
int metrics_window(struct metrics_query *q, const char *since, const char *until,
		   struct perr *err);

/* Midnight UTC of the day that holds t. */
int64_t metrics_day_floor(int64_t t);

/* Fill every mean, rate and ratio of m from its counts and sums. */
void metrics_finish(struct metrics *m);

/* Free what m owns (a zeroed struct is fine) and zero it. */
void metrics_release(struct metrics *m);

/* sum / count, or -1 when count is 0. */
double metrics_mean(const struct metrics_duration *d);
/* num / den, or -1 when den is 0. */
double metrics_ratio(long num, long den);

#endif
