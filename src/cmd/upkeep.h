/*
 * Keeping findings' lifecycle state true after anything changed, shared by
 * the commands that change it (ingest, triage, accept, rescore, sla,
 * exceptions): expiries applied, exceptions applied to the findings they
 * cover, SLA clocks brought up to date, fixed findings verified through
 * lineage. Each step works inside the caller's transaction and is a no-op
 * when nothing is pending, so calling them all is cheap and always right.
 */
#ifndef POSTURE_CMD_UPKEEP_H
#define POSTURE_CMD_UPKEEP_H

#include "engine/lifecycle.h"
#include "engine/policy.h"
#include "store/store.h"

struct upkeep_stats {
	long expired;       /* findings reopened because their exception expired */
	long accepted;      /* findings an exception now covers */
	long released;      /* findings whose exception was withdrawn (reopened) */
	long clocks;        /* SLA clocks recomputed */
	long verified;      /* fixed findings verified downstream */
};

/*
 * Apply expiries, then exceptions, then SLA clocks with policy p. scan_id:
 * only the findings that scan reported can be newly covered (an ingest);
 * 0: any finding (a new exception, a triage).
 */
int upkeep_run(struct store *s, const struct policy *p, int64_t now, int64_t scan_id,
	       struct upkeep_stats *st, struct perr *err);

/* Exceptions in force applied to active findings (scan_id as above); withdrawn ones released. */
int upkeep_exceptions(struct store *s, int64_t now, int64_t scan_id, struct upkeep_stats *st,
		      struct perr *err);
/* SLA clocks whose inputs changed, recomputed with the policy's days. */
int upkeep_sla(struct store *s, const struct policy *p, int64_t now, struct upkeep_stats *st,
	       struct perr *err);
/*
 * One SLA clock brought up to date (what upkeep_sla() writes for each
 * pending one): false when its tier is not one. The scoring pass uses it
 * for the findings it scores, when upkeep_clock_needs_status_at() is false
 * (status_at may then be 0).
 */
bool upkeep_clock(const struct sla_pending *p, const struct policy *pol, int64_t now,
		  struct sla_put *put);
bool upkeep_clock_needs_status_at(const struct sla_pending *p);
/*
 * Fixed findings with downstream components: verified when every one was
 * scanned at or after the code fix and does not report it
 * (lifecycle_verified).
 */
int upkeep_verify(struct store *s, int64_t now, struct upkeep_stats *st, struct perr *err);
/* What a lineage row says, for lifecycle_downstream() and lifecycle_verified(). */
void upkeep_lineage_check(struct lineage_check *out, const struct lineage_row *r);

/*
 * For commands outside ingest: load the policy in force (db_path locates
 * posture-policy.yaml) into *policy (free with policy_free).
 */
int upkeep_policy(struct policy **policy, const char *db_path, struct perr *err);

/* Parse a finding id ("42", "#42"); false when it is not one. */
bool upkeep_finding_id(const char *s, int64_t *out);

/* The actor of a person's change: $POSTURE_USER, else the login name, else "unknown". */
const char *upkeep_actor(const char *by);

#endif
