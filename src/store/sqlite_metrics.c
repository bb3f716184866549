/*
 * Metrics in SQL (docs/metrics.md has every definition): each query
 * aggregates in the database and hands back a few rows per tier, day or
 * group, never a row per finding. Every query takes the same parameters:
 *
 *   ?1 app id, ?2 team id, ?3 unit id (0: not scoped by it)
 *   ?4 since, ?5 until (the window [since, until)), ?6 now
 *   ?7 the breakdown (enum metrics_by), ?8 days in the window,
 *   ?9 "expiring soon" limit (now + expiring_days)
 *
 * Times are event times -- when a scan ran (ingest --at), not when it was
 * ingested -- so a backfill lands where it belongs in the history.
 */
#include "posture.h"
#include "store/sqlite_int.h"
#include "util/alloc.h"

#define DAY 86400

#define ACTIVE_STATUSES "('open', 'triaged', 'in_progress', 'reopened')"
/* whether a status text counts as open: 1 or 0, never NULL */
#define ACTIVE(x) "coalesce(" x " IN " ACTIVE_STATUSES ", 0)"

/* the findings of the scope: an app, a team's queue, or a business unit's teams */
#define SCOPE                                                                   \
	"(?1 = 0 OR f.app_id = ?1) AND (?2 = 0 OR f.owner_team_id = ?2)"       \
	" AND (?3 = 0 OR f.owner_team_id IN (SELECT id FROM teams WHERE unit_id = ?3))"

/* the name of a finding's group under --by (NULL without --by, or when it has none) */
#define GROUP_NAME                                                              \
	"CASE ?7 WHEN 1 THEN (SELECT name FROM apps WHERE id = f.app_id)"      \
	" WHEN 2 THEN (SELECT name FROM teams WHERE id = f.owner_team_id)"     \
	" WHEN 3 THEN (SELECT u.name FROM teams t JOIN units u ON u.id = t.unit_id"  \
	" WHERE t.id = f.owner_team_id) END"

#define TIER "coalesce(f.tier, 'none')"

/*
 * When a fixed finding's SLA clock stopped: at the fix, or earlier when a
 * risk acceptance had paused it (the lifecycle keeps sla_due as of the
 * pause, and a fix does not resume the clock): what counts is whether time
 * was left when the clock stopped.
 */
#define SLA_STOPPED "min(f.fixed_at, coalesce(f.sla_paused_at, f.fixed_at))"

/* a fix: ingest marked it fixed, or a person set the status to fixed */
#define FIX_EVENT "e.type IN ('fixed', 'status') AND (e.type = 'fixed' OR e.to_value = 'fixed')"

/*
 * Statistics of a set of durations d(tier, grp, v): count, sum and median
 * per (group or all, tier or all). gk 0 is the whole scope, 1 a group;
 * tier '*' is every tier.
 */
#define DURATION_STATS                                                          \
	", c(gk, tk) AS (VALUES (0, 0), (0, 1), (1, 0), (1, 1)),"                \
	" k AS (SELECT c.gk, CASE WHEN c.gk THEN d.grp END AS grp,"            \
	" CASE WHEN c.tk THEN d.tier ELSE '*' END AS tier, d.v"                 \
	" FROM d, c WHERE c.gk = 0 OR ?7 <> 0),"                                \
	" r AS (SELECT gk, grp, tier, v,"                                       \
	" row_number() OVER (PARTITION BY gk, grp, tier ORDER BY v) AS rn,"     \
	" count(*) OVER (PARTITION BY gk, grp, tier) AS n FROM k)"              \
	" SELECT gk, grp, tier, count(*), sum(v),"                              \
	" avg(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN v END)"           \
	" FROM r GROUP BY gk, grp, tier"

struct mq {
	int64_t app, team, unit;
};

static void bind_query(sqlite3_stmt *st, const struct mq *ids, const struct metrics_query *q)
{
	int n = sqlite3_bind_parameter_count(st), i;
	int64_t v[10];

	v[1] = ids->app;
	v[2] = ids->team;
	v[3] = ids->unit;
	v[4] = q->since;
	v[5] = q->until;
	v[6] = q->now;
	v[7] = q->by;
	v[8] = (q->until - q->since) / DAY;
	v[9] = q->now + (int64_t)q->expiring_days * DAY;
	for (i = 1; i <= n && i < 10; i++)
		sqlite3_bind_int64(st, i, v[i]);
}

static int name_id(struct store *s, const char *sql, const char *what, const char *name,
		   int64_t *out, struct perr *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if (!name)
		return 0;
	if (!(st = store__prepare(s, sql, err)))
		return err->code;
	store__bind_text(st, 1, name);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return perr_set(err, P_ENOTFOUND, "no %s called '%s'", what, name);
	return store__error(s, err, "look up the metrics scope");
}

static int resolve_scope(struct store *s, const struct metrics_query *q, struct mq *ids,
			 struct perr *err)
{
	static const char app_sql[] = "SELECT id FROM apps WHERE name = ?1";
	static const char team_sql[] = "SELECT id FROM teams WHERE name = ?1";
	static const char unit_sql[] = "SELECT id FROM units WHERE name = ?1";
	int ret;

	if ((ret = name_id(s, app_sql, "app", q->app, &ids->app, err)) < 0 ||
	    (ret = name_id(s, team_sql, "team", q->team, &ids->team, err)) < 0 ||
	    (ret = name_id(s, unit_sql, "unit", q->unit, &ids->unit, err)) < 0)
		return ret;
	return 0;
}

/* The group called name (NULL: the group of findings without one), made when missing. */
static struct metrics_group *group_get(struct metrics *m, size_t *alloc, const char *name)
{
	struct metrics_group *g;
	size_t i;

	for (i = 0; i < m->ngroups; i++) {
		g = &m->groups[i];
		if (name ? g->name && !strcmp(g->name, name) : !g->name)
			return g;
	}
	ALLOC_GROW(m->groups, m->ngroups + 1, *alloc);
	g = &m->groups[m->ngroups++];
	memset(g, 0, sizeof(*g));
	g->name = name ? xstrdup(name) : NULL;
	return g;
}

/* Step through st until done: P_ERROR with the database's message on failure. */
static int finish_rows(struct store *s, sqlite3_stmt *st, int rc, const char *what, struct perr *err)
{
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store__error(s, err, what);
	return 0;
}

/*
 * Evidence rows of the findings in scope (findings.evidence_count is not
 * maintained: count the rows). The whole portfolio needs no join.
 */
static int evidence_pass(struct store *s, const struct mq *ids, struct metrics *m,
			 struct perr *err)
{
	static const char all_sql[] = "SELECT count(*) FROM evidence";
	static const char scope_sql[] =
		"SELECT count(*) FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE " SCOPE;
	bool scoped = ids->app || ids->team || ids->unit;
	sqlite3_stmt *st = store__prepare(s, scoped ? scope_sql : all_sql, err);
	int rc;

	if (!st)
		return err->code;
	bind_query(st, ids, &m->q);
	if ((rc = store__step(s, st)) == SQLITE_ROW) {
		m->evidence = sqlite3_column_int(st, 0);
		rc = store__step(s, st);
	}
	return finish_rows(s, st, rc, "count evidence", err);
}

/* Current state, volume and SLA: one pass over the findings in scope. */
static int state_pass(struct store *s, const struct mq *ids, struct metrics *m, size_t *galloc,
		      struct perr *err)
{
	static const char sql[] =
		"SELECT " TIER ", " GROUP_NAME ","
		" sum(" ACTIVE("f.status") "),"
		" sum(f.first_seen >= ?4 AND f.first_seen < ?5),"
		" count(*),"
		" sum(f.sla_due IS NOT NULL AND " ACTIVE("f.status") " AND f.sla_due >= ?6),"
		" sum(f.sla_due IS NOT NULL AND " ACTIVE("f.status") " AND f.sla_due < ?6),"
		" sum(f.sla_due IS NOT NULL AND f.status IN ('fixed', 'verified')"
		" AND f.fixed_at >= ?4 AND f.fixed_at < ?5 AND " SLA_STOPPED " <= f.sla_due),"
		" sum(f.sla_due IS NOT NULL AND f.status IN ('fixed', 'verified')"
		" AND f.fixed_at >= ?4 AND f.fixed_at < ?5 AND " SLA_STOPPED " > f.sla_due)"
		" FROM findings f WHERE " SCOPE
		" GROUP BY 1, 2";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	bind_query(st, ids, &m->q);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		enum metrics_tier t = metrics_tier_parse(store__col_text(st, 0));
		long open = sqlite3_column_int(st, 2);

		m->open_now[t] += open;
		m->open_now_all += open;
		m->opened += sqlite3_column_int(st, 3);
		m->findings += sqlite3_column_int(st, 4);
		m->sla_open_within += sqlite3_column_int(st, 5);
		m->sla_open_breached += sqlite3_column_int(st, 6);
		m->sla_fixed_in_time += sqlite3_column_int(st, 7);
		m->sla_fixed_late += sqlite3_column_int(st, 8);
		if (m->q.by != METRICS_BY_NONE)
			group_get(m, galloc, store__col_text(st, 1))->open += open;
	}
	return finish_rows(s, st, rc, "compute the finding state metrics", err);
}

static int cmp_group(const void *a, const void *b)
{
	const struct metrics_group *x = a, *y = b;

	if (!x->name || !y->name)
		return !x->name - !y->name;
	return strcmp(x->name, y->name);
}

static void duration_set(struct metrics_duration *d, sqlite3_stmt *st, int col)
{
	d->count = sqlite3_column_int(st, col);
	d->sum = sqlite3_column_double(st, col + 1);
	d->median = sqlite3_column_type(st, col + 2) == SQLITE_NULL ? -1 :
		    sqlite3_column_double(st, col + 2);
}

/* Time to remediate: each fix in the window, from the start of its open spell. */
static int mttr_pass(struct store *s, const struct mq *ids, struct metrics *m, size_t *galloc,
		     struct perr *err)
{
	static const char sql[] =
		"WITH d(tier, grp, v) AS MATERIALIZED (SELECT " TIER ", " GROUP_NAME ","
		" max(0, e.at - coalesce((SELECT max(r.at) FROM events r WHERE r.finding_id = e.finding_id"
		" AND r.type = 'reopened' AND r.at < e.at), f.first_seen))"
		" FROM events e JOIN findings f ON f.id = e.finding_id"
		" WHERE " FIX_EVENT " AND e.at >= ?4 AND e.at < ?5 AND " SCOPE ")"
		DURATION_STATS;
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	bind_query(st, ids, &m->q);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		const char *tier = store__col_text(st, 2);
		bool all = tier && !strcmp(tier, "*");
		struct metrics_duration *d;

		if (sqlite3_column_int(st, 0) == 0) {
			d = all ? &m->mttr_all : &m->mttr[metrics_tier_parse(tier)];
		} else {
			struct metrics_group *g = group_get(m, galloc, store__col_text(st, 1));

			d = all ? &g->mttr_all : &g->mttr[metrics_tier_parse(tier)];
		}
		duration_set(d, st, 3);
	}
	m->fixed = m->mttr_all.count;
	return finish_rows(s, st, rc, "compute time to remediate", err);
}

/*
 * Open findings at the end of each day. Walking back from now: the count
 * at the end of day i is the count now minus every change after that day.
 * A change is a status event (from and to: active or not); a finding's
 * opening counts at its first_seen, which a backfill moves earlier.
 */
static int series_pass(struct store *s, const struct mq *ids, struct metrics *m, struct perr *err)
{
	static const char sql[] =
		"WITH RECURSIVE cal(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM cal WHERE i < ?8),"
		" tiers(tier) AS (VALUES ('critical'), ('high'), ('medium'), ('low'), ('none')),"
		" dl(tier, b, delta) AS ("
		" SELECT " TIER ", min((f.first_seen - ?4) / 86400, ?8),"
		" " ACTIVE("coalesce((SELECT o.to_value FROM events o WHERE o.finding_id = f.id"
		" AND o.type = 'opened' ORDER BY o.at, o.id LIMIT 1), 'open')")
		" FROM findings f WHERE f.first_seen >= ?4 AND " SCOPE
		" UNION ALL SELECT " TIER ", min((e.at - ?4) / 86400, ?8),"
		" " ACTIVE("e.to_value") " - " ACTIVE("e.from_value")
		" FROM events e JOIN findings f ON f.id = e.finding_id"
		" WHERE e.type IN ('fixed', 'reopened', 'status', 'accepted', 'expired')"
		" AND e.at >= ?4 AND " SCOPE "),"
		" bs(tier, b, delta) AS (SELECT tier, b, sum(delta) FROM dl GROUP BY tier, b),"
		" g AS (SELECT cal.i, tiers.tier, coalesce(bs.delta, 0) AS delta FROM cal CROSS JOIN tiers"
		" LEFT JOIN bs ON bs.tier = tiers.tier AND bs.b = cal.i),"
		" w AS (SELECT i, tier, sum(delta) OVER (PARTITION BY tier ORDER BY i DESC) - delta AS after"
		" FROM g)"
		" SELECT i, tier, after FROM w WHERE i < ?8 ORDER BY i, tier";
	sqlite3_stmt *st;
	size_t ndays = (size_t)((m->q.until - m->q.since) / DAY), i;
	int rc;

	m->days = xcalloc(ndays, sizeof(*m->days));
	m->ndays = ndays;
	for (i = 0; i < ndays; i++) {
		m->days[i].day = m->q.since + (int64_t)i * DAY;
		memcpy(m->days[i].open, m->open_now, sizeof(m->open_now));
		m->days[i].open_all = m->open_now_all;
	}
	if (!(st = store__prepare(s, sql, err)))
		return err->code;
	bind_query(st, ids, &m->q);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		int64_t day = sqlite3_column_int64(st, 0);
		enum metrics_tier t = metrics_tier_parse(store__col_text(st, 1));
		long after = sqlite3_column_int(st, 2);

		if (day < 0 || (size_t)day >= ndays)
			continue;
		m->days[day].open[t] -= after;
		m->days[day].open_all -= after;
	}
	return finish_rows(s, st, rc, "compute the open findings series", err);
}

/* Findings fixed in the window, and those of them reopened since. */
static int recurrence_pass(struct store *s, const struct mq *ids, struct metrics *m,
			   struct perr *err)
{
	static const char sql[] =
		"WITH fx(id, at) AS (SELECT e.finding_id, min(e.at) FROM events e"
		" JOIN findings f ON f.id = e.finding_id"
		" WHERE " FIX_EVENT " AND e.at >= ?4 AND e.at < ?5 AND " SCOPE " GROUP BY e.finding_id)"
		" SELECT (SELECT count(*) FROM fx),"
		" (SELECT count(*) FROM fx WHERE EXISTS (SELECT 1 FROM events r WHERE r.finding_id = fx.id"
		" AND r.type = 'reopened' AND r.at > fx.at)),"
		" (SELECT count(*) FROM events e JOIN findings f ON f.id = e.finding_id"
		" WHERE e.type = 'reopened' AND e.at >= ?4 AND e.at < ?5 AND " SCOPE ")";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	bind_query(st, ids, &m->q);
	if ((rc = store__step(s, st)) == SQLITE_ROW) {
		m->recurrence.den = sqlite3_column_int(st, 0);
		m->recurrence.num = sqlite3_column_int(st, 1);
		m->reopened = sqlite3_column_int(st, 2);
		rc = store__step(s, st);
	}
	return finish_rows(s, st, rc, "compute recurrence", err);
}

/*
 * For findings first seen in the window: time to detect (after the
 * vulnerability's publication, as the evidence gives it), to the first
 * assignment (an owner from the start counts as 0), to the first validation.
 */
static int timing_pass(struct store *s, const struct mq *ids, struct metrics *m, struct perr *err)
{
	static const char sql[] =
		"WITH w AS MATERIALIZED (SELECT f.id, f.first_seen, f.owner_team_id FROM findings f"
		" WHERE f.first_seen >= ?4 AND f.first_seen < ?5 AND " SCOPE "),"
		" p(id, pub) AS (SELECT e.finding_id, min(CAST(strftime('%s', coalesce("
		"json_extract(e.record, '$.properties.published'),"
		" json_extract(e.record, '$.properties.published_date'))) AS INTEGER))"
		" FROM evidence e WHERE e.finding_id IN (SELECT id FROM w) GROUP BY e.finding_id),"
		" d(m, v) AS (SELECT 0, max(0, w.first_seen - p.pub) FROM w JOIN p ON p.id = w.id"
		" WHERE p.pub IS NOT NULL"
		" UNION ALL SELECT 1, max(0, coalesce((SELECT min(a.at) FROM events a WHERE a.finding_id = w.id"
		" AND a.type = 'assigned' AND coalesce(a.to_value, '') <> ''),"
		" CASE WHEN w.owner_team_id IS NOT NULL THEN w.first_seen END) - w.first_seen) FROM w"
		" UNION ALL SELECT 2, max(0, (SELECT min(a.at) FROM events a WHERE a.finding_id = w.id"
		" AND a.type = 'validated') - w.first_seen) FROM w),"
		" r AS (SELECT m, v, row_number() OVER (PARTITION BY m ORDER BY v) AS rn,"
		" count(*) OVER (PARTITION BY m) AS n FROM d WHERE v IS NOT NULL)"
		" SELECT m, count(*), sum(v), avg(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN v END)"
		" FROM r GROUP BY m"
		" UNION ALL SELECT 3, count(*), 0, NULL FROM d WHERE m = 1 AND v IS NULL";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	bind_query(st, ids, &m->q);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		switch (sqlite3_column_int(st, 0)) {
		case 0:
			duration_set(&m->mttd, st, 1);
			break;
		case 1:
			duration_set(&m->time_to_assign, st, 1);
			break;
		case 2:
			duration_set(&m->time_to_validate, st, 1);
			break;
		default:
			m->unassigned = sqlite3_column_int(st, 1);
			break;
		}
	}
	return finish_rows(s, st, rc, "compute detection, assignment and validation times", err);
}

/* Exceptions: the risk register (docs/exceptions.md), scoped by the exception's app. */
static int exceptions_pass(struct store *s, const struct mq *ids, struct metrics *m,
			   struct perr *err)
{
	static const char sql[] =
		"SELECT coalesce(sum(active), 0), coalesce(sum(active AND expires_at <= ?9), 0) FROM ("
		" SELECT x.expires_at, x.revoked_at IS NULL AND x.expired_at IS NULL"
		" AND (x.expires_at IS NULL OR x.expires_at > ?6) AS active FROM exceptions x"
		" WHERE (?1 = 0 OR x.app = (SELECT name FROM apps WHERE id = ?1))"
		" AND (?2 = 0 OR x.app IN (SELECT name FROM apps WHERE team_id = ?2))"
		" AND (?3 = 0 OR x.app IN (SELECT a.name FROM apps a JOIN teams t ON t.id = a.team_id"
		" WHERE t.unit_id = ?3)))";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	bind_query(st, ids, &m->q);
	if ((rc = store__step(s, st)) == SQLITE_ROW) {
		m->exceptions_active = sqlite3_column_int(st, 0);
		m->exceptions_expiring = sqlite3_column_int(st, 1);
		rc = store__step(s, st);
	}
	return finish_rows(s, st, rc, "count exceptions", err);
}

int store_metrics(struct store *s, const struct metrics_query *q, struct metrics *out,
		  struct perr *err)
{
	struct mq ids = { 0 };
	size_t galloc = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	out->q = *q;
	/*
	 * The passes read far apart in a large file (findings by id from
	 * events): map it rather than copy every page through read().
	 */
	if ((ret = store__exec(s, "PRAGMA mmap_size = 8589934592", err)) < 0)
		return ret;
	if (q->until <= q->since)
		return perr_set(err, P_EINVALID, "the metrics window is empty");
	if ((ret = resolve_scope(s, q, &ids, err)) < 0 ||
	    (ret = state_pass(s, &ids, out, &galloc, err)) < 0 ||
	    (ret = evidence_pass(s, &ids, out, err)) < 0 ||
	    (ret = mttr_pass(s, &ids, out, &galloc, err)) < 0 ||
	    (ret = series_pass(s, &ids, out, err)) < 0 ||
	    (ret = recurrence_pass(s, &ids, out, err)) < 0 ||
	    (ret = timing_pass(s, &ids, out, err)) < 0 ||
	    (ret = exceptions_pass(s, &ids, out, err)) < 0)
		return ret;
	if (out->ngroups)
		qsort(out->groups, out->ngroups, sizeof(*out->groups), cmp_group);
	return 0;
}

int store_metrics_apps_each(struct store *s, const struct metrics_query *q, store_app_id_cb cb,
			    void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT a.id FROM apps a WHERE a.retired_at IS NULL AND (?1 = 0 OR a.id = ?1)"
		" AND (?2 = 0 OR a.team_id = ?2)"
		" AND (?3 = 0 OR a.team_id IN (SELECT id FROM teams WHERE unit_id = ?3)) ORDER BY a.id";
	struct mq ids = { 0 };
	sqlite3_stmt *st;
	int rc, ret;

	if ((ret = resolve_scope(s, q, &ids, err)) < 0)
		return ret;
	if (!(st = store__prepare(s, sql, err)))
		return err->code;
	bind_query(st, &ids, q);
	while ((rc = store__step(s, st)) == SQLITE_ROW)
		if ((ret = cb(sqlite3_column_int64(st, 0), payload, err)) < 0)
			break;
	sqlite3_reset(st);
	if (ret < 0)
		return ret;
	if (rc != SQLITE_DONE)
		return store__error(s, err, "list the apps in scope");
	return 0;
}
