/*
 * Metrics in the database (docs/metrics.md has every definition, and its
 * "Speed" section the design). The history is read in two sequential
 * scans, and nothing is looked up event by event:
 *
 *  - the events since the window's start that metrics reads (status
 *    changes, openings, assignments) and the reopens before it: ranges of
 *    the covering index events_by_type (migration 0009), kept in memory;
 *  - every finding in scope, once, in id order: its current state (tier,
 *    status, owner, SLA clock, validation).
 *
 * The two are joined on the finding id here, and the counts, sums and
 * medians computed from them. The publication dates of the findings first
 * seen in the window, the evidence count, exceptions and coverage are
 * small queries of their own. Every query takes the same parameters:
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
#include "util/ptime.h"

#define DAY 86400

/*
 * The findings of the scope, one WHERE for each kind of scope (so that
 * each can use its index): the whole portfolio, an app, a team's queue,
 * or the queues of a business unit's teams.
 */
enum mscope { MSCOPE_ALL, MSCOPE_APP, MSCOPE_TEAM, MSCOPE_UNIT };
#define SCOPE_ALL ""
#define SCOPE_APP " WHERE f.app_id = ?1"
#define SCOPE_TEAM " WHERE f.owner_team_id = ?2"
#define SCOPE_UNIT " WHERE f.owner_team_id IN (SELECT id FROM teams WHERE unit_id = ?3)"

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

static enum mscope scope_of(const struct mq *ids)
{
	return ids->app ? MSCOPE_APP : ids->team ? MSCOPE_TEAM : ids->unit ? MSCOPE_UNIT : MSCOPE_ALL;
}

/*
 * Evidence rows of the findings in scope (findings.evidence_count is not
 * maintained: count the rows). A scope is read from the findings side
 * (CROSS JOIN fixes the order), each finding's rows counted in the
 * (finding_id, ekey) index, rather than a finding looked up for every
 * evidence row.
 */
static int evidence_pass(struct store *s, const struct mq *ids, struct metrics *m,
			 struct perr *err)
{
#define EVIDENCE_SQL "SELECT count(*) FROM findings f CROSS JOIN evidence e ON e.finding_id = f.id"
	static const char *const sql[] = {
		[MSCOPE_ALL] = "SELECT count(*) FROM evidence",
		[MSCOPE_APP] = EVIDENCE_SQL SCOPE_APP,
		[MSCOPE_TEAM] = EVIDENCE_SQL SCOPE_TEAM,
		[MSCOPE_UNIT] = EVIDENCE_SQL SCOPE_UNIT,
	};
#undef EVIDENCE_SQL
	sqlite3_stmt *st = store__prepare(s, sql[scope_of(ids)], err);
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

/* Whether a status text counts as open (false for NULL). */
static bool active_text(const char *status)
{
	return status && (!strcmp(status, "open") || !strcmp(status, "triaged") ||
			  !strcmp(status, "in_progress") || !strcmp(status, "reopened"));
}

/*
 * An event metrics reads. Of one finding, in time order; at the same time
 * a fix comes before a reopen (which does not start the spell it ends),
 * then by id.
 */
enum mev_kind {
	MEV_BEFORE,     /* a reopen before the window */
	MEV_FIX,        /* fixed, or a status change to fixed */
	MEV_CHANGE,     /* any other status change (status, accepted, expired) */
	MEV_REOPEN,
	MEV_OPENED,     /* flag: it opened the finding as open */
	MEV_ASSIGNED,   /* flag: it names an owner */
};

struct mev {
	int64_t id, finding_id, at;
	signed char delta;          /* open after it minus open before it: -1, 0 or 1 */
	unsigned char kind;         /* enum mev_kind */
	bool flag;
};

/* What the walk over a finding's events needs of the finding. */
struct mfinding {
	int64_t first_seen;
	int grp;                    /* index in metrics.groups; -1 without --by */
	unsigned char tier;
	bool owned;                 /* it has an owner now */
};

/* One time to remediate, with its tier and group. */
struct mdur {
	double v;
	int grp;
	unsigned char tier;
};

/* --by: the group name of an app or team id, and its index in metrics.groups once used. */
struct mkey {
	char *name;                 /* NULL: the group of findings without one */
	int grp;                    /* -1 until a finding in scope uses it */
};

struct mvalues {
	double *v;
	size_t n, alloc;
};

/* A finding first seen in the window whose evidence may give a publication date. */
struct mpub {
	int64_t id, first_seen;
};

/* One run of store_metrics(): what the reads collect, released by mrun_release(). */
struct mrun {
	struct store *s;
	const struct mq *ids;
	struct metrics *m;
	size_t galloc;

	struct mev *ev;             /* the events read, then grouped by finding */
	size_t nev, evalloc;
	int64_t max_id;             /* the highest finding id */
	int32_t *slot;              /* by finding id: its index in fs; -2 it has a status change */

	struct mfinding *fs;        /* the findings in scope the events are joined with */
	size_t nfs, fsalloc;

	struct mpub *pub;
	size_t npub, puballoc;

	struct mkey *keys;          /* --by: by app or team id, nkeys of them */
	size_t nkeys;
	int null_grp;               /* the group without a name; -1 until used */

	long *delta;                /* daily series: open changes by [tier][bucket], ndays + 1 a tier */
	struct mvalues detect, assign, validate;
};

static void mrun_release(struct mrun *r)
{
	size_t i;

	for (i = 0; i < r->nkeys; i++)
		xfree(r->keys[i].name);
	xfree(r->keys);
	xfree(r->ev);
	xfree(r->slot);
	xfree(r->fs);
	xfree(r->pub);
	xfree(r->delta);
	xfree(r->detect.v);
	xfree(r->assign.v);
	xfree(r->validate.v);
}

/*
 * The value at index k of v[0..n) were it sorted, moving smaller values
 * before k and larger after (a three-way quickselect: durations repeat
 * a lot, whole days especially). Linear on average, where a sort of the
 * million durations a year-long window holds was an eighth of the run.
 */
static double select_nth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1], p, t;
		size_t lt = lo, i = lo, gt = hi;

		/* the median of three as the pivot */
		p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		while (i < gt) {
			if (v[i] < p) {
				t = v[i], v[i] = v[lt], v[lt] = t;
				lt++, i++;
			} else if (v[i] > p) {
				gt--;
				t = v[i], v[i] = v[gt], v[gt] = t;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return p;
	}
	return v[k];
}

/* Count, sum and median of v[0..n), which this reorders. */
static void duration_of(struct metrics_duration *d, double *v, size_t n)
{
	double sum = 0, hi, lo;
	size_t i;

	/* whole seconds, far below 2^53: the sum is exact in any order */
	for (i = 0; i < n; i++)
		sum += v[i];
	d->count = (long)n;
	d->sum = sum;
	if (!n) {
		d->median = -1;
		return;
	}
	hi = select_nth(v, n, n / 2);
	if (n % 2) {
		d->median = hi;
		return;
	}
	/* everything before n / 2 is now at most hi: the largest of it is the other middle */
	lo = v[0];
	for (i = 1; i < n / 2; i++)
		if (v[i] > lo)
			lo = v[i];
	d->median = (lo + hi) / 2;
}

/* A duration, clamped at 0. */
static void values_add(struct mvalues *vs, int64_t v)
{
	ALLOC_GROW(vs->v, vs->n + 1, vs->alloc);
	vs->v[vs->n++] = (double)(v > 0 ? v : 0);
}

/* The change of the daily series of tier t at time at >= since: its day, or after the window. */
static long *delta_of(struct mrun *r, unsigned char t, int64_t at)
{
	int64_t b = (at - r->m->q.since) / DAY;
	size_t bucket = b < (int64_t)r->m->ndays ? (size_t)b : r->m->ndays;

	return &r->delta[(size_t)t * (r->m->ndays + 1) + bucket];
}

static int read_max_id(struct mrun *r, struct perr *err)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM findings";
	sqlite3_stmt *st = store__prepare(r->s, sql, err);
	int rc;

	if (!st)
		return err->code;
	if ((rc = store__step(r->s, st)) == SQLITE_ROW) {
		r->max_id = sqlite3_column_int64(st, 0);
		rc = store__step(r->s, st);
	}
	return finish_rows(r->s, st, rc, "read the last finding id", err);
}

static struct mev *event_add(struct mrun *r, int64_t id, int64_t finding_id, int64_t at,
			     enum mev_kind kind)
{
	struct mev *e;

	ALLOC_GROW(r->ev, r->nev + 1, r->evalloc);
	e = &r->ev[r->nev++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->finding_id = finding_id;
	e->at = at;
	e->kind = (unsigned char)kind;
	return e;
}

/*
 * The events since the window's start that metrics reads -- status
 * changes, a finding's openings and assignments (these are never before
 * its first seen) -- then the reopens before it of the findings with a
 * status change since (where their open spell began). Ranges of the
 * covering index events_by_type.
 */
static int events_pass(struct mrun *r, struct perr *err)
{
	static const char sql[] =
		"SELECT e.id, e.finding_id, e.at, e.type, e.from_value, e.to_value FROM events e"
		" WHERE e.type IN ('fixed', 'reopened', 'status', 'accepted', 'expired', 'opened',"
		" 'assigned') AND e.at >= ?4";
	static const char before_sql[] =
		"SELECT e.id, e.finding_id, e.at FROM events e WHERE e.type = 'reopened' AND e.at < ?4";
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if ((rc = read_max_id(r, err)) < 0)
		return rc;
	r->slot = xcalloc(st_add((size_t)r->max_id, 1), sizeof(*r->slot));
	for (i = 0; i <= (size_t)r->max_id; i++)
		r->slot[i] = -1;
	if (!(st = store__prepare(r->s, sql, err)))
		return err->code;
	bind_query(st, r->ids, &r->m->q);
	while ((rc = store__step(r->s, st)) == SQLITE_ROW) {
		int64_t fid = sqlite3_column_int64(st, 1), at = sqlite3_column_int64(st, 2);
		const char *type = store__col_text(st, 3), *to = store__col_text(st, 5);
		struct mev *e;

		if (fid <= 0 || fid > r->max_id || !type)
			continue;
		if (!strcmp(type, "opened")) {
			event_add(r, sqlite3_column_int64(st, 0), fid, at, MEV_OPENED)->flag = active_text(to);
			continue;
		}
		if (!strcmp(type, "assigned")) {
			if (to && *to)
				event_add(r, sqlite3_column_int64(st, 0), fid, at, MEV_ASSIGNED);
			continue;
		}
		/* a fix: ingest marked it fixed, or a person set the status to fixed */
		e = event_add(r, sqlite3_column_int64(st, 0), fid, at,
			      !strcmp(type, "fixed") || (!strcmp(type, "status") && to && !strcmp(to, "fixed")) ?
			      MEV_FIX : !strcmp(type, "reopened") ? MEV_REOPEN : MEV_CHANGE);
		e->delta = (signed char)(active_text(to) - active_text(store__col_text(st, 4)));
		r->slot[fid] = -2;
	}
	if ((rc = finish_rows(r->s, st, rc, "read the events of the window", err)) < 0)
		return rc;
	if (!(st = store__prepare(r->s, before_sql, err)))
		return err->code;
	bind_query(st, r->ids, &r->m->q);
	while ((rc = store__step(r->s, st)) == SQLITE_ROW) {
		int64_t fid = sqlite3_column_int64(st, 1);

		if (fid > 0 && fid <= r->max_id && r->slot[fid] == -2)
			event_add(r, sqlite3_column_int64(st, 0), fid, sqlite3_column_int64(st, 2), MEV_BEFORE);
	}
	return finish_rows(r->s, st, rc, "read the reopens before the window", err);
}

/* --by: the group name of every app, team or (through its team) unit key, by its id. */
static int keys_load(struct mrun *r, struct perr *err)
{
	static const char app_sql[] = "SELECT id, name FROM apps WHERE id > 0 ORDER BY id";
	static const char team_sql[] = "SELECT id, name FROM teams WHERE id > 0 ORDER BY id";
	static const char unit_sql[] =
		"SELECT t.id, u.name FROM teams t LEFT JOIN units u ON u.id = t.unit_id"
		" WHERE t.id > 0 ORDER BY t.id";
	const char *sql = r->m->q.by == METRICS_BY_APP ? app_sql :
			  r->m->q.by == METRICS_BY_TEAM ? team_sql : unit_sql;
	sqlite3_stmt *st = store__prepare(r->s, sql, err);
	size_t alloc = 0;
	int rc;

	if (!st)
		return err->code;
	while ((rc = store__step(r->s, st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = store__col_text(st, 1);

		/* ids are small and dense (the inventory's apps and teams) */
		if (id > INT32_MAX)
			continue;
		ALLOC_GROW(r->keys, (size_t)id + 1, alloc);
		while (r->nkeys <= (size_t)id) {
			r->keys[r->nkeys].name = NULL;
			r->keys[r->nkeys++].grp = -1;
		}
		r->keys[id].name = name ? xstrdup(name) : NULL;
	}
	return finish_rows(r->s, st, rc, "read the names to group by", err);
}

/* The group of a finding whose app or owning team is key (0: none), made on first use. */
static int group_of(struct mrun *r, int64_t key)
{
	struct mkey *k = key > 0 && (uint64_t)key < r->nkeys ? &r->keys[key] : NULL;
	int *slot = k && k->name ? &k->grp : &r->null_grp;

	if (*slot < 0)
		*slot = (int)(group_get(r->m, &r->galloc, k ? k->name : NULL) - r->m->groups);
	return *slot;
}

/* The columns of findings_pass(). */
enum {
	FC_ID, FC_TIER, FC_STATUS, FC_APP, FC_OWNER, FC_FIRST_SEEN, FC_FIXED_AT, FC_SLA_DUE,
	FC_SLA_PAUSED_AT, FC_VALIDATED_AT, FC_VULN
};

/* SLA compliance of one finding with a due date (the lifecycle's: docs/sla.md). */
static void sla_count(struct metrics *m, sqlite3_stmt *st, const char *status, bool active)
{
	int64_t due = sqlite3_column_int64(st, FC_SLA_DUE), fixed, stopped;

	if (active) {
		if (due >= m->q.now)
			m->sla_open_within++;
		else
			m->sla_open_breached++;
		return;
	}
	if (!status || (strcmp(status, "fixed") && strcmp(status, "verified")) ||
	    sqlite3_column_type(st, FC_FIXED_AT) == SQLITE_NULL)
		return;
	fixed = sqlite3_column_int64(st, FC_FIXED_AT);
	if (fixed < m->q.since || fixed >= m->q.until)
		return;
	/* a risk acceptance paused the clock, and a fix does not resume it */
	stopped = fixed;
	if (sqlite3_column_type(st, FC_SLA_PAUSED_AT) != SQLITE_NULL &&
	    sqlite3_column_int64(st, FC_SLA_PAUSED_AT) < fixed)
		stopped = sqlite3_column_int64(st, FC_SLA_PAUSED_AT);
	if (stopped <= due)
		m->sla_fixed_in_time++;
	else
		m->sla_fixed_late++;
}

/*
 * Every finding in scope, once: the current state (open now, SLA), and for
 * those first seen in the window, activity, time to validate and what the
 * publication dates are looked up for. Those, and the findings with a
 * status change, are kept for the events to be joined with.
 */
static int findings_pass(struct mrun *r, struct perr *err)
{
#define FINDINGS_SQL                                                                   \
	"SELECT f.id, f.tier, f.status, f.app_id, f.owner_team_id, f.first_seen, f.fixed_at," \
	" f.sla_due, f.sla_paused_at, f.validated_at, f.vuln_ids <> '[]' FROM findings f"
	static const char *const sql[] = {
		[MSCOPE_ALL] = FINDINGS_SQL SCOPE_ALL,
		[MSCOPE_APP] = FINDINGS_SQL SCOPE_APP,
		[MSCOPE_TEAM] = FINDINGS_SQL SCOPE_TEAM,
		[MSCOPE_UNIT] = FINDINGS_SQL SCOPE_UNIT,
	};
#undef FINDINGS_SQL
	struct metrics *m = r->m;
	sqlite3_stmt *st = store__prepare(r->s, sql[scope_of(r->ids)], err);
	int rc;

	if (!st)
		return err->code;
	bind_query(st, r->ids, &m->q);
	while ((rc = store__step(r->s, st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, FC_ID);
		int64_t first_seen = sqlite3_column_int64(st, FC_FIRST_SEEN);
		enum metrics_tier t = metrics_tier_parse(store__col_text(st, FC_TIER));
		const char *status = store__col_text(st, FC_STATUS);
		bool active = active_text(status);
		int grp = -1;

		m->findings++;
		if (m->q.by != METRICS_BY_NONE)
			grp = group_of(r, sqlite3_column_int64(st, m->q.by == METRICS_BY_APP ? FC_APP : FC_OWNER));
		if (active) {
			m->open_now[t]++;
			m->open_now_all++;
			if (grp >= 0)
				m->groups[grp].open++;
		}
		if (sqlite3_column_type(st, FC_SLA_DUE) != SQLITE_NULL)
			sla_count(m, st, status, active);
		if (first_seen >= m->q.since && first_seen < m->q.until) {
			m->opened++;
			if (sqlite3_column_type(st, FC_VALIDATED_AT) != SQLITE_NULL)
				values_add(&r->validate, sqlite3_column_int64(st, FC_VALIDATED_AT) - first_seen);
			if (sqlite3_column_int(st, FC_VULN)) {
				ALLOC_GROW(r->pub, r->npub + 1, r->puballoc);
				r->pub[r->npub].id = id;
				r->pub[r->npub++].first_seen = first_seen;
			}
		}
		if (id > 0 && id <= r->max_id && (r->slot[id] == -2 || first_seen >= m->q.since)) {
			struct mfinding *f;

			ALLOC_GROW(r->fs, r->nfs + 1, r->fsalloc);
			r->slot[id] = (int32_t)r->nfs;
			f = &r->fs[r->nfs++];
			f->first_seen = first_seen;
			f->grp = grp;
			f->tier = (unsigned char)t;
			f->owned = sqlite3_column_type(st, FC_OWNER) != SQLITE_NULL;
		}
	}
	return finish_rows(r->s, st, rc, "read the findings in scope", err);
}

static int cmp_mpub(const void *a, const void *b)
{
	const struct mpub *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* The end of the JSON string whose opening quote is at p (its closing quote), or end. */
static const char *string_end(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\')
			p++;
	return p < end ? p : end;
}

/*
 * The string value of key in the flat object that starts at obj (a
 * record's "properties", as posture writes it: compact JSON, every value a
 * string or null) and ends by end; NULL when it has no such string. *len
 * is its length, escapes left in.
 */
static const char *object_string(const char *obj, const char *end, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *p = obj + 1;

	while (p < end && *p == '"') {
		const char *k = p + 1, *v;

		/* "key":"value" or "key":null, then a comma or the end of the object */
		p = string_end(p, end);
		if (p + 1 >= end || p[1] != ':')
			return NULL;
		v = p + 2;
		if (end - v >= 4 && !memcmp(v, "null", 4)) {
			p = v + 4;
		} else {
			if (v >= end || *v != '"' || (p = string_end(v, end)) >= end)
				return NULL;
			if ((size_t)(v - 2 - k) == klen && !memcmp(k, key, klen)) {
				*len = (size_t)(p - v - 1);
				return v + 1;
			}
			p++;
		}
		if (p < end && *p == ',')
			p++;
	}
	return NULL;
}

/*
 * The publication date an evidence record gives: properties.published
 * (CycloneDX, OSV-Scanner), else properties.published_date (Trivy), as an
 * RFC 3339 time. False when it has none, or one that does not parse.
 */
static bool record_published(const char *rec, size_t n, int64_t *out)
{
	static const char props[] = "\"properties\":{";
	const char *end = rec + n, *obj, *v;
	struct perr ignored = PERR_INIT;
	char buf[64];
	size_t len;

	if (!(obj = memmem(rec, n, props, sizeof(props) - 1)))
		return false;
	obj += sizeof(props) - 2;
	if (!(v = object_string(obj, end, "published", &len)) &&
	    !(v = object_string(obj, end, "published_date", &len)))
		return false;
	if (len >= sizeof(buf) || memchr(v, '\\', len))
		return false;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return ptime_parse(out, buf, &ignored) == 0;
}

/*
 * Time to detect: for each finding first seen in the window that has a
 * vulnerability id, the earliest publication date its evidence gives, in
 * finding order (the evidence index is by finding).
 */
static int published_pass(struct mrun *r, struct perr *err)
{
	static const char sql[] = "SELECT record FROM evidence WHERE finding_id = ?1";
	size_t i;

	if (r->npub > 1)
		qsort(r->pub, r->npub, sizeof(*r->pub), cmp_mpub);
	for (i = 0; i < r->npub; i++) {
		sqlite3_stmt *st = store__prepare(r->s, sql, err);
		int64_t min = 0, t;
		bool any = false;
		int rc;

		if (!st)
			return err->code;
		sqlite3_bind_int64(st, 1, r->pub[i].id);
		while ((rc = store__step(r->s, st)) == SQLITE_ROW) {
			const char *rec = (const char *)sqlite3_column_text(st, 0);

			if (rec && record_published(rec, (size_t)sqlite3_column_bytes(st, 0), &t) &&
			    (!any || t < min)) {
				min = t;
				any = true;
			}
		}
		if ((rc = finish_rows(r->s, st, rc, "read publication dates", err)) < 0)
			return rc;
		if (any)
			values_add(&r->detect, r->pub[i].first_seen - min);
	}
	return 0;
}

static int cmp_mdur_tier(const void *a, const void *b)
{
	const struct mdur *x = a, *y = b;

	return (x->tier > y->tier) - (x->tier < y->tier);
}

static int cmp_mdur_group(const void *a, const void *b)
{
	const struct mdur *x = a, *y = b;

	if (x->grp != y->grp)
		return (x->grp > y->grp) - (x->grp < y->grp);
	return cmp_mdur_tier(a, b);
}

/* Time to remediate over d[0..n): overall, by tier and, with --by, by group and tier. */
static void mttr_stats(struct metrics *m, struct mdur *d, size_t n)
{
	double *v = xcalloc(n ? n : 1, sizeof(*v));
	size_t i, j, k, e;
	int t;

	for (i = 0; i < n; i++)
		v[i] = d[i].v;
	duration_of(&m->mttr_all, v, n);
	if (!n)
		goto done;
	for (t = 0; t < METRICS_TIERS; t++) {
		for (i = j = 0; i < n; i++)
			if (d[i].tier == t)
				v[j++] = d[i].v;
		if (j)
			duration_of(&m->mttr[t], v, j);
	}
	if (m->q.by != METRICS_BY_NONE) {
		qsort(d, n, sizeof(*d), cmp_mdur_group);
		for (i = 0; i < n; i = j) {
			struct metrics_group *g = &m->groups[d[i].grp];

			for (j = i; j < n && d[j].grp == d[i].grp; j++)
				v[j - i] = d[j].v;
			duration_of(&g->mttr_all, v, j - i);
			for (k = i; k < j; k = e) {
				for (e = k; e < j && d[e].tier == d[k].tier; e++)
					v[e - k] = d[e].v;
				duration_of(&g->mttr[d[k].tier], v, e - k);
			}
		}
	}
done:
	xfree(v);
}

static int cmp_mev(const void *a, const void *b)
{
	const struct mev *x = a, *y = b;

	if (x->at != y->at)
		return (x->at > y->at) - (x->at < y->at);
	if (x->kind != y->kind)
		return (x->kind > y->kind) - (x->kind < y->kind);
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Group the events of the findings in fs by finding (a counting sort on
 * their index there), each finding's in time order, and drop the others.
 * The run of fs[k] is ev[starts[k]..starts[k + 1]).
 */
static size_t *events_by_finding(struct mrun *r)
{
	size_t *starts = xcalloc(st_add(r->nfs, 2), sizeof(*starts)), i;
	struct mev *sorted = xcalloc(r->nev ? r->nev : 1, sizeof(*sorted));

	for (i = 0; i < r->nev; i++)
		if (r->slot[r->ev[i].finding_id] >= 0)
			starts[r->slot[r->ev[i].finding_id] + 2]++;
	for (i = 2; i < r->nfs + 2; i++)
		starts[i] += starts[i - 1];
	for (i = 0; i < r->nev; i++) {
		int32_t k = r->slot[r->ev[i].finding_id];

		if (k >= 0)
			sorted[starts[k + 1]++] = r->ev[i];
	}
	xfree(r->ev);
	r->ev = sorted;
	r->nev = starts[r->nfs];
	for (i = 0; i < r->nfs; i++) {
		struct mev *run = &r->ev[starts[i]];
		size_t n = starts[i + 1] - starts[i], j, k;

		if (n > 8) {
			qsort(run, n, sizeof(*run), cmp_mev);
			continue;
		}
		/* a few events a finding: insertion sort */
		for (j = 1; j < n; j++) {
			struct mev e = run[j];

			for (k = j; k > 0 && cmp_mev(&run[k - 1], &e) > 0; k--)
				run[k] = run[k - 1];
			run[k] = e;
		}
	}
	return starts;
}

/*
 * One finding's events in time order: its opening and its time to assign
 * (when first seen in the window), the changes of the daily series, its
 * reopens, and for each fix in the window the time to remediate -- from
 * the latest reopen before it, else first seen -- and whether it came back
 * after its first fix there.
 */
static void finding_walk(struct mrun *r, const struct mfinding *f, const struct mev *ev, size_t n,
			 struct mdur **d, size_t *nd, size_t *dalloc)
{
	struct metrics *m = r->m;
	int64_t start = f->first_seen, first_fix = 0, assigned = 0;
	bool opened = false, open = true, fixed = false, came_back = false, has_assigned = false;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct mev *e = &ev[i];
		bool in_window = e->at < m->q.until;

		switch (e->kind) {
		case MEV_OPENED:
			/* the first one says how it opened (a report may suppress it) */
			if (!opened)
				open = e->flag;
			opened = true;
			break;
		case MEV_ASSIGNED:
			if (!has_assigned)
				assigned = e->at;
			has_assigned = true;
			break;
		case MEV_BEFORE:
			start = e->at;
			break;
		case MEV_REOPEN:
			*delta_of(r, f->tier, e->at) += e->delta;
			m->reopened += in_window;
			came_back |= fixed && e->at > first_fix;
			start = e->at;
			break;
		case MEV_FIX:
			*delta_of(r, f->tier, e->at) += e->delta;
			if (!in_window)
				break;
			ALLOC_GROW(*d, *nd + 1, *dalloc);
			(*d)[*nd].v = (double)(e->at > start ? e->at - start : 0);
			(*d)[*nd].grp = f->grp;
			(*d)[*nd].tier = f->tier;
			(*nd)++;
			if (!fixed)
				first_fix = e->at;
			fixed = true;
			break;
		default:
			*delta_of(r, f->tier, e->at) += e->delta;
			break;
		}
	}
	if (fixed) {
		m->recurrence.den++;
		m->recurrence.num += came_back;
	}
	if (f->first_seen < m->q.since)
		return;
	if (open)
		(*delta_of(r, f->tier, f->first_seen))++;
	if (f->first_seen >= m->q.until)
		return;
	if (has_assigned)
		values_add(&r->assign, assigned - f->first_seen);
	else if (f->owned)
		values_add(&r->assign, 0);      /* owned from the start */
	else
		m->unassigned++;
}

/* Join the events with their findings and walk each finding's. */
static void events_walk(struct mrun *r)
{
	struct mdur *d = NULL;
	size_t nd = 0, dalloc = 0, *starts = events_by_finding(r), k;

	for (k = 0; k < r->nfs; k++)
		finding_walk(r, &r->fs[k], &r->ev[starts[k]], starts[k + 1] - starts[k], &d, &nd, &dalloc);
	mttr_stats(r->m, d, nd);
	r->m->fixed = r->m->mttr_all.count;
	xfree(starts);
	xfree(d);
}

static int cmp_group(const void *a, const void *b)
{
	const struct metrics_group *x = a, *y = b;

	if (!x->name || !y->name)
		return !x->name - !y->name;
	return strcmp(x->name, y->name);
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
	struct mrun r = { 0 };
	bool tx = sqlite3_get_autocommit(s->db);
	size_t d;
	int ret, t;

	memset(out, 0, sizeof(*out));
	out->q = *q;
	if (q->until <= q->since)
		return perr_set(err, P_EINVALID, "the metrics window is empty");
	/*
	 * The reads see one snapshot, whatever an ingest commits meanwhile.
	 * They go through read(), not a memory map of the file: as fast here
	 * (bench/metrics.sh), and a map counts every page it touched in the
	 * process's resident size (600 MiB of a 1.2 GB portfolio).
	 */
	if (tx && (ret = store__exec(s, "BEGIN", err)) < 0)
		return ret;
	if ((ret = resolve_scope(s, q, &ids, err)) < 0)
		goto done;
	r.s = s;
	r.ids = &ids;
	r.m = out;
	r.null_grp = -1;
	out->ndays = (size_t)((q->until - q->since) / DAY);
	out->days = xcalloc(out->ndays, sizeof(*out->days));
	r.delta = xcalloc(st_mult(METRICS_TIERS, st_add(out->ndays, 1)), sizeof(*r.delta));
	if ((q->by != METRICS_BY_NONE && (ret = keys_load(&r, err)) < 0) ||
	    (ret = events_pass(&r, err)) < 0 || (ret = findings_pass(&r, err)) < 0 ||
	    (ret = published_pass(&r, err)) < 0 || (ret = evidence_pass(s, &ids, out, err)) < 0 ||
	    (ret = exceptions_pass(s, &ids, out, err)) < 0)
		goto done;
	events_walk(&r);
	/* open at the end of day d: open now, less every change after that day */
	for (d = 0; d < out->ndays; d++) {
		out->days[d].day = q->since + (int64_t)d * DAY;
		memcpy(out->days[d].open, out->open_now, sizeof(out->open_now));
		out->days[d].open_all = out->open_now_all;
	}
	for (t = 0; t < METRICS_TIERS; t++) {
		const long *delta = &r.delta[(size_t)t * (out->ndays + 1)];
		long after = delta[out->ndays];

		for (d = out->ndays; d-- > 0;) {
			out->days[d].open[t] -= after;
			out->days[d].open_all -= after;
			after += delta[d];
		}
	}
	duration_of(&out->mttd, r.detect.v, r.detect.n);
	duration_of(&out->time_to_assign, r.assign.v, r.assign.n);
	duration_of(&out->time_to_validate, r.validate.v, r.validate.n);
	if (out->ngroups)
		qsort(out->groups, out->ngroups, sizeof(*out->groups), cmp_group);
done:
	if (tx)
		store__exec(s, "COMMIT", NULL);
	mrun_release(&r);
	return ret;
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
