#include "posture.h"
#include "engine/metrics.h"
#include "util/alloc.h"
#include "util/ptime.h"

#define DAY 86400

void metrics_query_init(struct metrics_query *q, int64_t now)
{
	memset(q, 0, sizeof(*q));
	q->now = now;
	q->until = metrics_day_floor(now) + DAY;
	q->since = q->until - 90 * (int64_t)DAY;
	q->expiring_days = 30;
	q->stale_days = 30;
	q->max_days = 3660;
}

int64_t metrics_day_floor(int64_t t)
{
	int64_t d = t / DAY;

	/* round toward minus infinity: times before 1970 stay in their own day */
	if (t % DAY < 0)
		d--;
	return d * DAY;
}

int metrics_window(struct metrics_query *q, const char *since, const char *until,
		   struct perr *err)
{
	int64_t t;
	int ret;

	if (until) {
		if ((ret = ptime_parse(&t, until, err)) < 0) {
			perr_prefix(err, "--until");
			return ret;
		}
		q->until = metrics_day_floor(t) + DAY;
	}
	if (since) {
		if ((ret = ptime_parse(&t, since, err)) < 0) {
			perr_prefix(err, "--since");
			return ret;
		}
		q->since = metrics_day_floor(t);
	} else {
		q->since = q->until - 90 * (int64_t)DAY;
	}
	if (q->since >= q->until)
		return perr_set(err, P_EINVALID, "--since '%s' is after --until '%s'",
				since ? since : "(default)", until ? until : "(today)");
	if (q->max_days > 0 && (q->until - q->since) / DAY > q->max_days)
		return perr_set(err, P_EINVALID, "the window is %lld days, longer than %ld",
				(long long)((q->until - q->since) / DAY), q->max_days);
	return 0;
}

double metrics_mean(const struct metrics_duration *d)
{
	return d->count > 0 ? d->sum / (double)d->count : -1;
}

double metrics_ratio(long num, long den)
{
	return den > 0 ? (double)num / (double)den : -1;
}

static void finish_duration(struct metrics_duration *d)
{
	d->mean = metrics_mean(d);
	if (d->count <= 0)
		d->median = -1;
}

void metrics_finish(struct metrics *m)
{
	size_t i;
	int t;

	for (t = 0; t < METRICS_TIERS; t++)
		finish_duration(&m->mttr[t]);
	finish_duration(&m->mttr_all);
	for (i = 0; i < m->ngroups; i++) {
		for (t = 0; t < METRICS_TIERS; t++)
			finish_duration(&m->groups[i].mttr[t]);
		finish_duration(&m->groups[i].mttr_all);
	}
	finish_duration(&m->mttd);
	finish_duration(&m->time_to_assign);
	finish_duration(&m->time_to_validate);
	m->sla.num = m->sla_fixed_in_time + m->sla_open_within;
	m->sla.den = m->sla.num + m->sla_fixed_late + m->sla_open_breached;
	m->sla.rate = metrics_ratio(m->sla.num, m->sla.den);
	m->recurrence.rate = metrics_ratio(m->recurrence.num, m->recurrence.den);
	m->dedupe_ratio = metrics_ratio(m->evidence, m->findings);
}

void metrics_release(struct metrics *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->ngroups; i++)
		xfree(m->groups[i].name);
	xfree(m->groups);
	xfree(m->days);
	memset(m, 0, sizeof(*m));
}
