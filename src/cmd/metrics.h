/*
 * Metrics for commands (posture metrics, posture report): the query's
 * aggregation in the store, coverage from the inventory, the arithmetic of
 * engine/metrics.c, in one call.
 */
#ifndef POSTURE_CMD_METRICS_H
#define POSTURE_CMD_METRICS_H

#include "model/metrics.h"

struct store;

/*
 * Compute every metric of q (make it with metrics_query_init() and
 * metrics_window()) into out, which the caller releases with
 * metrics_release() whatever this returns. P_ENOTFOUND with a message when
 * q names an app, team or unit the database does not have.
 */
int metrics_collect(struct store *s, const struct metrics_query *q, struct metrics *out,
		    struct perr *err);

#endif
