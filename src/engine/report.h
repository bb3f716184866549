/*
 * Reports: the figures a posture report shows, computed from a set of
 * findings at a given time. Pure: no store, no printing. A struct report
 * borrows the findings it was built from (they must outlive it) and owns
 * its tables; report_release() frees them.
 *
 * The trend, MTTR and SLA compliance are not here: they come from the
 * event history (`posture metrics`, model/metrics.h), which the report
 * command computes next to this. docs/reports.md has the definitions.
 */
#ifndef POSTURE_ENGINE_REPORT_H
#define POSTURE_ENGINE_REPORT_H

#include "model/finding.h"
#include "engine/compliance.h"

enum report_tier { RT_CRITICAL = 0, RT_HIGH, RT_MEDIUM, RT_LOW, RT_UNSCORED, RT__COUNT };

/* "critical", "high", "medium", "low", "none" (never scored), as metrics_tier_name() */
const char *report_tier_name(enum report_tier t);
/* The tier of a finding (its stored tier, else none). */
enum report_tier report_tier_of(const struct finding *f);

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
	const struct finding **breached;              /* active and past their SLA due date, worst first */
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
