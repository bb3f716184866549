/*
 * Reports: the figures a posture report shows, computed from a set of
 * findings at a given time. Pure: no store, no printing. A struct report
 * borrows the findings it was built from (they must outlive it) and owns
 * its tables; report_release() frees them.
 *
 * Until the event-history metrics (issue 7, `posture metrics`) land, the
 * trend and MTTR come from each finding's first_seen and fixed_at: a
 * finding counts as open from first_seen until fixed_at (or now), so a
 * finding that was fixed and came back counts as open since it first
 * appeared. docs/reports.md states these definitions.
 */
#ifndef POSTURE_ENGINE_REPORT_H
#define POSTURE_ENGINE_REPORT_H

#include "model/finding.h"
#include "engine/compliance.h"

enum report_tier { RT_CRITICAL = 0, RT_HIGH, RT_MEDIUM, RT_LOW, RT_UNSCORED, RT__COUNT };

/* "critical", ..., "unscored" */
const char *report_tier_name(enum report_tier t);
/* The tier of a finding (its stored tier, else unscored). */
enum report_tier report_tier_of(const struct finding *f);

#define REPORT_TREND_DAYS 30
#define REPORT_TOP 10

struct report_app {
	const char *name;
	long active, by_tier[RT__COUNT], breached;
	long risk_sum;
	int risk_max;
};

struct report_group {
	const char *name;
	long active, critical_high;
	int risk_max;
};

struct report_compliance {
	long active, critical_high, resolved, total;
};

struct report {
	int64_t now;
	size_t nfindings;
	long active, resolved, accepted;             /* accepted: risk_accepted, false_positive, wont_fix */
	long by_tier[RT__COUNT];                      /* active */
	long by_severity[SEV_CRITICAL + 1];           /* active */
	/* open (active or not yet fixed) at the end of each of the last REPORT_TREND_DAYS days */
	int64_t trend_day[REPORT_TREND_DAYS];
	long trend[REPORT_TREND_DAYS][RT__COUNT];
	/* mean time to remediate (fixed_at - first_seen), in seconds, per tier; n 0: none fixed */
	double mttr[RT__COUNT];
	long mttr_n[RT__COUNT];
	/* SLA: findings with a due date, met (fixed by then, or active and not due yet) and breached */
	long sla_met, sla_breached;
	const struct finding **breached;              /* active and past due, worst first */
	size_t nbreached;
	const struct finding **top;                   /* active, worst first (at most REPORT_TOP) */
	size_t ntop;
	struct report_app *apps;                      /* riskiest first */
	size_t napps;
	struct report_group *groups;                  /* most findings to fix first */
	size_t ngroups;
	struct report_compliance *compliance;         /* compliance_count() rows */
};

/*
 * Compute the report over findings[0..n) (any statuses) at `now`. The
 * finding pointers are kept: the findings must outlive the report.
 */
void report_build(struct report *out, const struct finding *const *findings, size_t n, int64_t now);
void report_release(struct report *r);

#endif
