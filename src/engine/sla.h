/*
 * SLA clocks as pure arithmetic: when a finding is due, given what
 * happened to it (it reached a tier, its tier went up or down, it was
 * reopened, a risk acceptance paused and resumed the clock) and the
 * policy's SLA days per tier. The rules, and why, are in docs/sla.md.
 * Times are seconds since the epoch; nothing here reads a clock.
 */
#ifndef POSTURE_ENGINE_SLA_H
#define POSTURE_ENGINE_SLA_H

#include "engine/policy.h"

#define SLA_DAY ((int64_t)86400)

/* A finding's clock (what the store keeps). due 0: no clock yet. */
struct sla_clock {
	int64_t start;      /* when the current clock started, moved forward by time spent paused */
	int64_t due;
	int64_t paused_at;  /* 0: running */
	int64_t tier_at;    /* when it reached its current tier */
	int tier;           /* enum tier; -1: none yet */
	int64_t kev_due;    /* the KEV dueDate already applied (0: none) */
};

#define SLA_CLOCK_INIT { 0, 0, 0, 0, -1, 0 }

/* What is true of the finding now. */
struct sla_facts {
	int tier;           /* its tier now; -1: not scored */
	bool paused;        /* risk accepted: the clock stands still */
	bool reopened;      /* it came back since the clock was computed */
	int64_t at;         /* when this happened */
	int64_t kev_due;    /* the earliest KEV dueDate of its CVEs when the policy says so; 0: none */
};

/*
 * Bring a clock up to date with the facts, in this order: a reopen starts
 * a new clock; a first tier starts one; a tier raise gives the earlier of
 * the old due date and the raise + the new tier's days; a tier drop gives
 * the later of the old due date and the clock's start + the new tier's
 * days; a pause stops the clock, a resume moves the due date by the time
 * spent paused; a KEV dueDate is a ceiling. Returns true when anything
 * changed. days is policy.sla_days.
 */
bool sla_update(struct sla_clock *c, const struct sla_facts *f, const int days[TIER__COUNT]);

/*
 * Seconds left until due at `now` (negative: overdue by that much). A
 * paused clock counts from when it was paused.
 */
int64_t sla_remaining(const struct sla_clock *c, int64_t now);

#endif
