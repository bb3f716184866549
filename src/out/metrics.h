/*
 * Printing metrics (model/metrics.h): JSON (one object, the format other
 * tools read and `posture report` embeds), CSV (one row per measure) and a
 * table for people. Durations are printed in days.
 */
#ifndef POSTURE_OUT_METRICS_H
#define POSTURE_OUT_METRICS_H

#include "model/metrics.h"
#include "out/jw.h"

/* The metrics as one JSON object written into w (no newline, no reset). */
void out_metrics_json(struct jw *w, const struct metrics *m);
/* CSV: header "metric,tier,group,day,value" then one row per measure. */
void out_metrics_csv(FILE *out, const struct metrics *m);
void out_metrics_table(FILE *out, const struct metrics *m);

#endif
