/*
 * CVSS vectors: parse v2.0, v3.0, v3.1 and v4.0 vector strings and compute
 * their scores exactly as FIRST's specifications define them. Pure code:
 * no I/O, no allocation; a struct cvss_vector is a plain value the caller
 * owns (it holds no pointers).
 *
 *   struct cvss_vector v;
 *   if (cvss_parse(&v, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &err) < 0)
 *       ...err.msg names the bad metric...
 *   score = cvss_score(&v);                       9.8
 *   cvss_rating(score, v.version)                 "Critical"
 *
 * Scores are doubles that hold a value with one decimal (7.5, 10.0); they
 * compare equal to the literal of that value.
 */
#ifndef POSTURE_ENGINE_CVSS_H
#define POSTURE_ENGINE_CVSS_H

#include "util/err.h"

enum cvss_version {
	CVSS_V2_0 = 0,
	CVSS_V3_0,
	CVSS_V3_1,
	CVSS_V4_0,
};

/* The most metrics one version defines (v4.0: 11 base + 1 threat + 14 environmental + 6 supplemental). */
#define CVSS_MAX_METRICS 32

/* Longest vector string cvss_parse() accepts: every v4.0 metric spelled out is ~190 bytes. */
#define CVSS_MAX_VECTOR 1024

struct cvss_vector {
	enum cvss_version version;
	/*
	 * Per metric of the version's table (see cvss_metric_abbr()): the index
	 * of its value in that metric's value list, or -1 when the vector does
	 * not name the metric. An explicit "Not Defined" (X, ND) is kept as the
	 * index of that value: it scores as if absent.
	 */
	signed char value[CVSS_MAX_METRICS];
};

/*
 * Parse a vector string. The version comes from the prefix: "CVSS:4.0/",
 * "CVSS:3.1/", "CVSS:3.0/"; no prefix (or NVD's parenthesized form
 * "(AV:N/AC:L/Au:N/C:P/I:P/A:P)") is CVSS v2.0. Surrounding white space is
 * ignored. Every base metric must be present exactly once, values are
 * checked against the specification, v4.0 metrics must come in the
 * specification's order; temporal, threat, environmental and supplemental
 * metrics are optional. On error returns P_EINVALID (P_ELIMIT past
 * CVSS_MAX_VECTOR bytes) with a one-line message that starts with the
 * vector and names the bad metric.
 */
int cvss_parse(struct cvss_vector *out, const char *vector, struct perr *err);

/*
 * The base score: base metrics only (v4.0: CVSS-B, the threat and
 * environmental metrics taken as Not Defined).
 */
double cvss_base_score(const struct cvss_vector *v);

/*
 * The score the vector as written denotes. v4.0: CVSS-B, -BT, -BE or -BTE
 * (see cvss_nomenclature()), the macro-vector lookup using the threat and
 * modified values. v2.0 and v3.x: the environmental score when an
 * environmental metric is defined, else the temporal score when a temporal
 * metric is defined, else the base score.
 */
double cvss_score(const struct cvss_vector *v);

/* v2.0/v3.x: whether the vector defines a temporal / environmental metric (not X/ND). */
bool cvss_has_temporal(const struct cvss_vector *v);
bool cvss_has_environmental(const struct cvss_vector *v);

/* v2.0/v3.x: the temporal and environmental scores (they exist for every vector). */
double cvss_temporal_score(const struct cvss_vector *v);
double cvss_environmental_score(const struct cvss_vector *v);

/*
 * v4.0: "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE" by whether threat (E)
 * and environmental metrics are defined (supplemental metrics never change
 * the score). NULL for other versions.
 */
const char *cvss_nomenclature(const struct cvss_vector *v);

/*
 * The qualitative rating of a score. v3.x and v4.0: "None" 0.0, "Low"
 * 0.1-3.9, "Medium" 4.0-6.9, "High" 7.0-8.9, "Critical" 9.0-10.0. v2.0
 * (NVD's scale; the v2 guide defines none): "Low" 0.0-3.9, "Medium"
 * 4.0-6.9, "High" 7.0-10.0.
 */
const char *cvss_rating(double score, enum cvss_version version);

/* "2.0", "3.0", "3.1", "4.0". */
const char *cvss_version_name(enum cvss_version version);

/* The abbreviation ("AV") and value ("N") of metric i, or NULL when absent/out of range. */
const char *cvss_metric_abbr(enum cvss_version version, size_t i);
const char *cvss_metric_value(const struct cvss_vector *v, size_t i);

/* Internals, for tests: the CVSS v4.0 macro-vector score of "EQ1..EQ6" digits ("002201"), -1 if none. */
double cvss__v4_lookup(const char *macro);
/* The macro vector of a parsed v4.0 vector into out[7]. */
void cvss__v4_macro(const struct cvss_vector *v, char out[7]);

#endif
