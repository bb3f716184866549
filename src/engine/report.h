/*
 * Reports: the figures a posture report shows, computed from a set of
 * findings at a given time. Pure: no store, no printing. A struct report
 * owns its tables and the copies of the findings it lists.
 *
 * The trend, MTTR and SLA compliance are not here: they come from the
 * event history (`posture metrics`, model/metrics.h), which the report
 * command computes next to this. docs/reports.md has the definitions.
 */
#ifndef POSTURE_ENGINE_REPORT_H
#define POSTURE_ENGINE_REPORT_H

#include "model/finding.h"
#include "engine/compliance.h"
#include "util/strmap.h"

enum report_tier { RT_CRITICAL = 0, RT_HIGH, RT_MEDIUM, RT_LOW, RT_UNSCORED, RT__COUNT };

/* "critical", "high", "medium", "low", "none" (never scored), as metrics_tier_name() */
const char *report_tier_name(enum report_tier t);
/* The tier of a finding (its stored tier, else none). */
enum report_tier report_tier_of(const struct finding *f);

#define REPORT_TOP 10
/*
 * The breached-SLA list keeps the worst this many: a page of 300,000 rows
 * helps nobody, and `posture sla --breached` lists them all. The count is
 * whole.
 */
#define REPORT_BREACHED_LIST 100

struct report_app {
	char *name;
	long active, by_tier[RT__COUNT], breached;
	long risk_sum;
	int risk_max;
};

struct report_group {
	char *name;
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
	long breached_total;                          /* active and past their SLA due date */
	struct finding **breached;                    /* the worst REPORT_BREACHED_LIST of those, worst first */
	size_t nbreached;
	struct finding **top;                         /* active, worst first (at most REPORT_TOP) */
	size_t ntop;
	struct report_app *apps;                      /* riskiest first (after report_end) */
	size_t napps;
	struct report_group *groups;                  /* most findings to fix first (after report_end) */
	size_t ngroups;
	struct report_compliance *compliance;         /* compliance_count() rows */

	/* while adding */
	struct strmap app_index, group_index;         /* name -> index + 1 */
	size_t apps_alloc, groups_alloc;
};

/*
 * A report is built from a stream of findings in any order, in memory
 * bounded by its lists and the number of apps and groups, not by the
 * number of findings: report_begin(), report_add() for each finding (the
 * report copies what it keeps), report_end() to rank. report_release()
 * frees it all.
 */
void report_begin(struct report *r, int64_t now);
void report_add(struct report *r, const struct finding *f);
void report_end(struct report *r);
void report_release(struct report *r);

/* The same over findings[0..n) at once. */
void report_build(struct report *out, const struct finding *const *findings, size_t n, int64_t now);

#endif
