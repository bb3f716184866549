/*
 * Posture metrics: what `posture metrics` prints and `posture report`
 * draws. Every definition is written down in docs/metrics.md; the field
 * comments here only name them.
 *
 * How to get them: metrics_query_init() and metrics_window()
 * (engine/metrics.h) make the query; metrics_collect() (cmd/metrics.h)
 * runs store_metrics() -- set-based SQL in the database -- then adds
 * coverage and metrics_finish() (means, rates). The report builds on
 * metrics_collect() and out_metrics_json() (out/metrics.h).
 *
 * Ownership: a struct metrics owns its arrays and the strings in them;
 * metrics_release() frees them (and accepts a zeroed struct). The query's
 * strings are borrowed from the caller.
 *
 * Times are seconds since the epoch, UTC. Durations are seconds. A mean or
 * rate with nothing to measure is -1 (printed as null), never 0.
 */
#ifndef POSTURE_MODEL_METRICS_H
#define POSTURE_MODEL_METRICS_H

#include "util/err.h"


/* A finding's tier as posture scores it now; METRICS_TIER_NONE: never scored. */
enum metrics_tier {
	METRICS_TIER_CRITICAL = 0,
	METRICS_TIER_HIGH,
	METRICS_TIER_MEDIUM,
	METRICS_TIER_LOW,
	METRICS_TIER_NONE,
	METRICS_TIERS
};

/* "critical", "high", "medium", "low", "none" */
const char *metrics_tier_name(enum metrics_tier t);
/* The tier of a stored tier text (NULL or unknown: METRICS_TIER_NONE). */
enum metrics_tier metrics_tier_parse(const char *s);

/* What MTTR is broken down by (--by). */
enum metrics_by {
	METRICS_BY_NONE = 0,
	METRICS_BY_APP,
	METRICS_BY_TEAM,
	METRICS_BY_UNIT,
};

struct metrics_query {
	/* at most one: the app, the team (owner of the finding) or the business unit */
	const char *app, *team, *unit;
	/* the window [since, until): midnight UTC to midnight UTC, whole days */
	int64_t since, until;
	int64_t now;
	enum metrics_by by;
	long expiring_days;  /* "expiring soon": within this many days (default 30) */
	long stale_days;     /* coverage: a kind scanned longer ago than this is stale (30) */
	long max_days;       /* the longest window accepted (default 3660) */
};

/* A set of durations: how many, their sum, and the mean and median in seconds. */
struct metrics_duration {
	long count;
	double sum;
	double mean;     /* -1 when count is 0 */
	double median;   /* -1 when count is 0 */
};

/* num out of den; rate = num / den, -1 when den is 0. */
struct metrics_rate {
	long num, den;
	double rate;
};

/* One row of the MTTR breakdown (--by): an app, a team or a unit. */
struct metrics_group {
	char *name;                                  /* NULL: findings without one */
	struct metrics_duration mttr[METRICS_TIERS];
	struct metrics_duration mttr_all;
	long open;                                   /* active findings now */
};

/* The state at the end of one day of the window (midnight UTC of `day` + 24h). */
struct metrics_day {
	int64_t day;                 /* midnight UTC */
	long open[METRICS_TIERS];    /* active findings, by their current tier */
	long open_all;
};

/* Coverage of one scanner kind over the apps in scope. */
struct metrics_coverage {
	const char *kind;            /* "sast", "sca", ...: static text */
	long apps_covered;           /* scanned within stale_days */
	long apps_stale;             /* scanned, but longer ago */
	long apps_never;             /* never scanned by this kind */
};

#define METRICS_COVERAGE_KINDS 8

struct metrics {
	struct metrics_query q;                      /* as resolved (strings borrowed) */

	/* activity in the window */
	long opened, fixed, reopened;                /* findings first seen / fix / reopen events */

	/* mean time to remediate, over fixes in the window, by current tier */
	struct metrics_duration mttr[METRICS_TIERS];
	struct metrics_duration mttr_all;
	struct metrics_group *groups;                /* --by: sorted by name, NULL name last */
	size_t ngroups;

	/* SLA compliance (findings with an SLA due date) */
	long sla_fixed_in_time, sla_fixed_late;      /* fixed in the window */
	long sla_open_within, sla_open_breached;     /* active now */
	struct metrics_rate sla;                     /* (in time + within) / all four */

	/* open findings at the end of each day of the window, oldest first */
	struct metrics_day *days;
	size_t ndays;
	long open_now[METRICS_TIERS];
	long open_now_all;

	/* findings fixed in the window that came back (a reopen after that fix) */
	struct metrics_rate recurrence;

	/* first seen minus the vulnerability's publication date (findings first seen in the window) */
	struct metrics_duration mttd;
	/* first seen to the first assignment / validation (findings first seen in the window) */
	struct metrics_duration time_to_assign;
	long unassigned;                             /* of those, never assigned */
	struct metrics_duration time_to_validate;

	/* evidence rows per finding (all findings in scope) */
	long evidence, findings;
	double dedupe_ratio;                         /* -1 when there are no findings */

	/* exceptions (risk acceptances, false positives) */
	long exceptions_active, exceptions_expiring;

	/* coverage: apps in scope per scanner kind */
	long apps;
	struct metrics_coverage coverage[METRICS_COVERAGE_KINDS];
};

#endif
