/*
 * Findings: the canonical problem on one application, made of one or many
 * evidence rows. This header holds the words (statuses, events) and the
 * row type the store hands out; the rules of moving between statuses are
 * in engine/lifecycle.h.
 */
#ifndef POSTURE_MODEL_FINDING_H
#define POSTURE_MODEL_FINDING_H

#include "model/evidence.h"

enum status {
	STATUS_OPEN = 0,
	STATUS_TRIAGED,
	STATUS_IN_PROGRESS,
	STATUS_FIXED,
	STATUS_VERIFIED,
	STATUS_REOPENED,
	STATUS_RISK_ACCEPTED,
	STATUS_FALSE_POSITIVE,
	STATUS_WONT_FIX,
	STATUS__COUNT
};

const char *status_name(enum status s);
int status_parse(enum status *out, const char *s);
/* Still a problem somebody has to act on (open, triaged, in_progress, reopened). */
bool status_is_active(enum status s);

enum event_type {
	EVENT_OPENED = 0,
	EVENT_SEEN,
	EVENT_FIXED,
	EVENT_REOPENED,
	EVENT_STATUS,     /* a person changed the status (triage) */
	EVENT_ASSIGNED,
	EVENT_ACCEPTED,
	EVENT_EXPIRED,
	EVENT_TICKETED,
	EVENT_VALIDATED,
	EVENT_TIER,
	EVENT_SEVERITY,
	EVENT__COUNT
};

const char *event_name(enum event_type e);

/* A finding as stored (strings owned by whoever filled it: see store.h). */
struct finding {
	int64_t id;
	const char *app, *component;
	const char *title, *rule_id, *fingerprint, *path;
	enum kind kind;
	enum severity severity;
	enum status status;
	int risk;                 /* -1: not scored yet */
	const char *tier, *owner, *group;
	const char *vuln_ids;     /* JSON array text */
	const char *cwe;          /* JSON array text */
	const char *tools;        /* JSON array text */
	long evidence_count;
	int64_t first_seen, last_seen, fixed_at, sla_due;
	long recurrence;
};

/*
 * A copy of f and its strings in one allocation, for a caller that keeps a
 * few findings out of a stream of many; xfree() releases it.
 */
struct finding *finding_clone(const struct finding *f);

#endif
