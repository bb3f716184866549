#include "posture.h"
#include "engine/sla.h"

static int64_t days_of(const int days[TIER__COUNT], int tier)
{
	return (int64_t)days[tier] * SLA_DAY;
}

bool sla_update(struct sla_clock *c, const struct sla_facts *f, const int days[TIER__COUNT])
{
	struct sla_clock before = *c;
	int64_t at = f->at;

	if (f->tier < 0 || f->tier >= TIER__COUNT)
		return false;
	if (f->reopened)
		c->paused_at = 0;
	/* while paused, time stands still: a tier change counts as of the pause */
	if (c->paused_at && at > c->paused_at)
		at = c->paused_at;
	if (f->reopened || !c->due || c->tier < 0 || c->tier >= TIER__COUNT) {
		c->start = at;
		c->tier_at = at;
		c->tier = f->tier;
		c->due = at + days_of(days, f->tier);
	} else if (f->tier > c->tier) {
		int64_t due = at + days_of(days, f->tier);

		if (due < c->due)
			c->due = due;
		c->tier = f->tier;
		c->tier_at = at;
	} else if (f->tier < c->tier) {
		int64_t due = c->start + days_of(days, f->tier);

		if (due > c->due)
			c->due = due;
		c->tier = f->tier;
		c->tier_at = at;
	}
	if (f->paused && !c->paused_at) {
		c->paused_at = f->at;
	} else if (!f->paused && c->paused_at) {
		int64_t spent = f->at > c->paused_at ? f->at - c->paused_at : 0;

		c->due += spent;
		c->start += spent;
		c->paused_at = 0;
	}
	/* CISA's dueDate is a ceiling, whatever the tier says */
	c->kev_due = f->kev_due;
	if (f->kev_due && c->due > f->kev_due)
		c->due = f->kev_due;
	return before.start != c->start || before.due != c->due || before.paused_at != c->paused_at ||
	       before.tier_at != c->tier_at || before.tier != c->tier || before.kev_due != c->kev_due;
}

int64_t sla_remaining(const struct sla_clock *c, int64_t now)
{
	return c->due - (c->paused_at ? c->paused_at : now);
}
