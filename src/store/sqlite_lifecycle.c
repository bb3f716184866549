/*
 * The SQLite side of the finding lifecycle: status changes by people and
 * exceptions, the exceptions register, SLA clocks and verification through
 * lineage (migration 0005-lifecycle.sql). The rules are in engine/; this
 * file only reads and writes.
 */
#include "posture.h"
#include "engine/exceptions.h"
#include "store/sqlite_int.h"
#include "util/alloc.h"

#define ACTIVE_SQL "('open', 'triaged', 'in_progress', 'reopened')"

int store_finding_status(struct store *s, int64_t id, enum status *out, int64_t *exception_id,
			 struct perr *err)
{
	static const char sql[] = "SELECT status, coalesce(exception_id, 0) FROM findings WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		if (status_parse(out, store__col_text(st, 0)) < 0)
			*out = STATUS_OPEN;
		if (exception_id)
			*exception_id = sqlite3_column_int64(st, 1);
	} else if (rc == SQLITE_DONE) {
		ret = perr_set(err, P_ENOTFOUND, "no finding with id %lld", (long long)id);
	} else {
		ret = store__error(s, err, "read finding status");
	}
	sqlite3_reset(st);
	return ret;
}

int store_finding_change(struct store *s, const struct status_change *c, struct perr *err)
{
	static const char sql[] =
		"UPDATE findings SET status = ?2, exception_id = nullif(?3, 0),"
		" fixed_at = CASE WHEN ?2 = 'reopened' THEN NULL ELSE fixed_at END,"
		" verified_at = CASE WHEN ?2 = 'verified' THEN ?4 WHEN ?2 = 'reopened' THEN NULL"
		"  ELSE verified_at END,"
		" recurrence = recurrence + ?5 WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	struct event e = { 0 };
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, c->finding_id);
	store__bind_text(st, 2, status_name(c->to));
	sqlite3_bind_int64(st, 3, c->exception_id);
	sqlite3_bind_int64(st, 4, c->at);
	sqlite3_bind_int(st, 5, c->came_back ? 1 : 0);
	if ((ret = store__step_done(s, st, err, "change status")) < 0)
		return ret;
	e.finding_id = c->finding_id;
	e.at = c->at;
	e.type = c->event;
	e.from = status_name(c->from);
	e.to = status_name(c->to);
	e.actor = c->actor;
	e.reason = c->reason;
	return store_event_add(s, &e, err);
}

/* --- exceptions --- */

int store_exception_revoke(struct store *s, int64_t id, int64_t now, struct perr *err)
{
	static const char sql[] =
		"UPDATE exceptions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL"
		" AND (expires_at IS NULL OR expires_at > ?2)";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if ((ret = store__step_done(s, st, err, "revoke exception")) < 0)
		return ret;
	if (!sqlite3_changes(s->db))
		return perr_set(err, P_ENOTFOUND, "no exception %lld in force", (long long)id);
	return 0;
}

int store_exception_add(struct store *s, const struct exception_entry *e, const struct exception_meta *m,
			int64_t *id_out, struct perr *err)
{
	static const char sql[] =
		"INSERT INTO exceptions (status, app, finding_id, fingerprint, rule_id, vuln_id, package,"
		" path_glob, reason, approver, expires_at, created_at, created_by, source, source_line,"
		" source_sha256, source_app) VALUES (?1,?2,nullif(?3,0),?4,?5,?6,?7,?8,?9,?10,nullif(?11,0),"
		" ?12,?13,?14,nullif(?15,0),?16,?17)";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	store__bind_text(st, 1, status_name(e->status));
	store__bind_text(st, 2, e->app);
	sqlite3_bind_int64(st, 3, e->finding_id);
	store__bind_text(st, 4, e->fingerprint);
	store__bind_text(st, 5, e->rule);
	store__bind_text(st, 6, e->vuln);
	store__bind_text(st, 7, e->package);
	store__bind_text(st, 8, e->path);
	store__bind_text(st, 9, e->reason);
	store__bind_text(st, 10, e->approver);
	sqlite3_bind_int64(st, 11, e->expires);
	sqlite3_bind_int64(st, 12, m->at);
	store__bind_text(st, 13, m->by);
	store__bind_text(st, 14, e->source);
	sqlite3_bind_int64(st, 15, e->line);
	store__bind_text(st, 16, m->sha256);
	store__bind_text(st, 17, m->source_app);
	if ((ret = store__step_done(s, st, err, "add exception")) < 0)
		return ret;
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(s->db);
	return 0;
}

#define EXCEPTION_COLUMNS                                                                  \
	"SELECT x.id, x.status, x.app, coalesce(x.finding_id, 0), x.fingerprint, x.rule_id,"  \
	" x.vuln_id, x.package, x.path_glob, x.reason, x.approver, coalesce(x.expires_at, 0),"  \
	" x.source, coalesce(x.source_line, 0), x.created_at, x.created_by,"                  \
	" coalesce(x.expired_at, 0), coalesce(x.revoked_at, 0),"                              \
	" (SELECT count(*) FROM findings f WHERE f.exception_id = x.id)"                      \
	" FROM exceptions x"

static char *dup_col(struct exception_list *l, sqlite3_stmt *st, int i)
{
	const char *v = store__col_text(st, i);

	return v ? arena_strdup(&l->arena, v) : NULL;
}

static void row_to_entry(sqlite3_stmt *st, struct exception_list *l, struct exception_entry *e)
{
	e->id = sqlite3_column_int64(st, 0);
	if (status_parse(&e->status, store__col_text(st, 1)) < 0)
		e->status = STATUS_RISK_ACCEPTED;
	e->app = dup_col(l, st, 2);
	e->finding_id = sqlite3_column_int64(st, 3);
	e->fingerprint = dup_col(l, st, 4);
	e->rule = dup_col(l, st, 5);
	e->vuln = dup_col(l, st, 6);
	e->package = dup_col(l, st, 7);
	e->path = dup_col(l, st, 8);
	e->reason = dup_col(l, st, 9);
	e->approver = dup_col(l, st, 10);
	e->expires = sqlite3_column_int64(st, 11);
	e->source = dup_col(l, st, 12);
	e->line = (unsigned)sqlite3_column_int(st, 13);
}

int store_exceptions_load(struct store *s, int64_t now, struct exception_list *l, struct perr *err)
{
	static const char sql[] = EXCEPTION_COLUMNS
		" WHERE x.revoked_at IS NULL AND (x.expires_at IS NULL OR x.expires_at > ?1) ORDER BY x.id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = store__step(s, st)) == SQLITE_ROW)
		row_to_entry(st, l, exceptions_add(l));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "read exceptions");
}

int store_exceptions_source_sha(struct store *s, const char *source, const char *app,
				char out[static 65], struct perr *err)
{
	static const char sql[] =
		"SELECT source_sha256 FROM exceptions WHERE source = ?1 AND source_app IS ?2"
		" AND revoked_at IS NULL ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	out[0] = '\0';
	if (!st)
		return err->code;
	store__bind_text(st, 1, source);
	store__bind_text(st, 2, app);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW && store__col_text(st, 0))
		snprintf(out, 65, "%s", store__col_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store__error(s, err, "read exceptions");
}

int store_exceptions_revoke_source(struct store *s, const char *source, const char *app, int64_t now,
				   long *revoked, struct perr *err)
{
	static const char sql[] =
		"UPDATE exceptions SET revoked_at = ?2 WHERE source = ?1 AND source_app IS ?3"
		" AND revoked_at IS NULL";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	store__bind_text(st, 1, source);
	sqlite3_bind_int64(st, 2, now);
	store__bind_text(st, 3, app);
	if ((ret = store__step_done(s, st, err, "revoke exceptions")) < 0)
		return ret;
	if (revoked)
		*revoked = sqlite3_changes(s->db);
	return 0;
}

/* Whether sql (a SELECT EXISTS, its ?1 if any bound to v) says yes. */
static int exists(struct store *s, const char *sql, int64_t v, bool *out, struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	*out = false;
	if (!st)
		return err->code;
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, v);
	rc = store__step(s, st);
	*out = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store__error(s, err, "read exceptions");
}

struct candidate_vec {
	struct exception_candidate *v;
	size_t n, alloc;
	struct arena arena;
};

int store_exception_candidates_each(struct store *s, int64_t scan_id, bool only_lost,
				    exception_candidate_cb cb, void *payload, struct perr *err)
{
	/*
	 * Active findings an exception may cover, and covered ones whose
	 * exception is gone (expired or revoked).
	 */
	static const char sql[] =
		"SELECT f.id, f.status, coalesce(f.exception_id, 0), f.fingerprint, f.rule_id, f.package,"
		" f.path, a.name, f.vuln_ids FROM findings f JOIN apps a ON a.id = f.app_id"
		" LEFT JOIN exceptions x ON x.id = f.exception_id"
		" WHERE ((NOT ?2 AND (?1 = 0 OR f.last_scan_id = ?1) AND f.status IN " ACTIVE_SQL ")"
		"  OR (f.exception_id IS NOT NULL AND (x.revoked_at IS NOT NULL OR x.expired_at IS NOT NULL)))"
		" ORDER BY f.id";
	/* only lost ones: none without an exception gone, and the query above scans findings */
	static const char any_gone[] =
		"SELECT EXISTS (SELECT 1 FROM exceptions WHERE revoked_at IS NOT NULL OR expired_at IS NOT NULL)";
	struct candidate_vec c = { 0 };
	sqlite3_stmt *st;
	size_t i;
	bool any;
	int rc, ret = 0;

	if (only_lost && ((ret = exists(s, any_gone, 0, &any, err)) < 0 || !any))
		return ret;
	if (!(st = store__prepare(s, sql, err)))
		return err->code;
	arena_init(&c.arena, 0);
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int(st, 2, only_lost ? 1 : 0);
	/* read them all first: cb writes to the same table */
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct exception_candidate *x;

		ALLOC_GROW(c.v, c.n + 1, c.alloc);
		x = &c.v[c.n++];
		memset(x, 0, sizeof(*x));
		x->finding_id = sqlite3_column_int64(st, 0);
		if (status_parse(&x->status, store__col_text(st, 1)) < 0)
			x->status = STATUS_OPEN;
		x->exception_id = sqlite3_column_int64(st, 2);
		x->fingerprint = store__col_text(st, 3) ? arena_strdup(&c.arena, store__col_text(st, 3)) : NULL;
		x->rule = store__col_text(st, 4) ? arena_strdup(&c.arena, store__col_text(st, 4)) : NULL;
		x->package = store__col_text(st, 5) ? arena_strdup(&c.arena, store__col_text(st, 5)) : NULL;
		x->path = store__col_text(st, 6) ? arena_strdup(&c.arena, store__col_text(st, 6)) : NULL;
		x->app = store__col_text(st, 7) ? arena_strdup(&c.arena, store__col_text(st, 7)) : NULL;
		x->vuln_ids = store__col_text(st, 8) ? arena_strdup(&c.arena, store__col_text(st, 8)) : NULL;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		ret = store__error(s, err, "read findings for exceptions");
	for (i = 0; i < c.n && ret >= 0; i++)
		ret = cb(&c.v[i], payload, err);
	xfree(c.v);
	arena_release(&c.arena);
	return ret;
}

int store_expire_exceptions(struct store *s, int64_t now, long *reopened, struct perr *err)
{
	static const char due[] =
		"SELECT f.id, f.status, x.id, x.expires_at FROM exceptions x JOIN findings f"
		" ON f.exception_id = x.id WHERE x.expires_at <= ?1 AND x.expired_at IS NULL"
		" AND x.revoked_at IS NULL AND f.status IN ('risk_accepted', 'false_positive')"
		" ORDER BY x.expires_at, f.id";
	static const char mark[] =
		"UPDATE exceptions SET expired_at = ?1 WHERE expires_at <= ?1 AND expired_at IS NULL";
	/* an index range; the query above scans findings (no index on exception_id) */
	static const char any_due[] =
		"SELECT EXISTS (SELECT 1 FROM exceptions WHERE expires_at <= ?1 AND expired_at IS NULL)";
	struct expiry { int64_t finding_id, exception_id, at; enum status status; } *v = NULL;
	size_t n = 0, alloc = 0, i;
	bool own_tx = !s->in_tx;
	sqlite3_stmt *st;
	char reason[96];
	bool any;
	int rc, ret = 0;

	if (reopened)
		*reopened = 0;
	/* nothing due: nothing to reopen or mark */
	if ((ret = exists(s, any_due, now, &any, err)) < 0 || !any)
		return ret;
	if (own_tx && (ret = store_begin(s, err)) < 0)
		return ret;
	if (!(st = store__prepare(s, due, err))) {
		ret = err->code;
		goto done;
	}
	sqlite3_bind_int64(st, 1, now);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		ALLOC_GROW(v, n + 1, alloc);
		v[n].finding_id = sqlite3_column_int64(st, 0);
		if (status_parse(&v[n].status, store__col_text(st, 1)) < 0)
			v[n].status = STATUS_RISK_ACCEPTED;
		v[n].exception_id = sqlite3_column_int64(st, 2);
		v[n].at = sqlite3_column_int64(st, 3);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = store__error(s, err, "read expired exceptions");
		goto done;
	}
	for (i = 0; i < n; i++) {
		struct status_change c = {
			.finding_id = v[i].finding_id, .at = v[i].at, .from = v[i].status,
			.to = STATUS_REOPENED, .event = EVENT_EXPIRED, .actor = "posture",
			.reason = reason,
		};

		snprintf(reason, sizeof(reason), "exception %lld expired", (long long)v[i].exception_id);
		if ((ret = store_finding_change(s, &c, err)) < 0)
			goto done;
	}
	if (!(st = store__prepare(s, mark, err))) {
		ret = err->code;
		goto done;
	}
	sqlite3_bind_int64(st, 1, now);
	if ((ret = store__step_done(s, st, err, "mark expired exceptions")) < 0)
		goto done;
	if (reopened)
		*reopened = (long)n;
	if (own_tx)
		ret = store_commit(s, err);
	own_tx = false;
done:
	if (own_tx)
		store_rollback(s);
	xfree(v);
	return ret;
}

int store_exceptions_each(struct store *s, const struct exception_filter *flt, exception_row_cb cb,
			  void *payload, struct perr *err)
{
	static const char sql[] = EXCEPTION_COLUMNS
		" WHERE x.revoked_at IS NULL"
		" AND (?1 = 0 OR (?1 = 1 AND (x.expires_at IS NULL OR x.expires_at > ?2))"
		"  OR (?1 = 2 AND x.expires_at > ?2 AND x.expires_at <= ?3)"
		"  OR (?1 = 3 AND x.expires_at <= ?2))"
		" AND (?4 IS NULL OR x.app = ?4)"
		" ORDER BY x.expires_at IS NULL, x.expires_at, x.id";
	sqlite3_stmt *st = NULL;
	struct exception_list l;
	int rc, ret = 0;

	exceptions_init(&l);
	if (!(st = store__prepare(s, sql, err))) {
		ret = err->code;
		goto done;
	}
	sqlite3_bind_int(st, 1, (int)flt->which);
	sqlite3_bind_int64(st, 2, flt->now);
	sqlite3_bind_int64(st, 3, flt->now + flt->within);
	store__bind_text(st, 4, flt->app);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct exception_row r;
		struct exception_entry e;

		memset(&r, 0, sizeof(r));
		memset(&e, 0, sizeof(e));
		row_to_entry(st, &l, &e);
		r.e = &e;
		r.created_at = sqlite3_column_int64(st, 14);
		r.created_by = store__col_text(st, 15);
		r.expired_at = sqlite3_column_int64(st, 16);
		r.findings = sqlite3_column_int(st, 18);
		if ((ret = cb(&r, payload, err)) < 0)
			goto done;
		arena_reset(&l.arena);
	}
	if (rc != SQLITE_DONE)
		ret = store__error(s, err, "read exceptions");
done:
	if (st)
		sqlite3_reset(st);
	exceptions_release(&l);
	return ret;
}

/* --- SLA clocks --- */

/*
 * The KEV dueDate part of "clock behind" needs every active finding's ids
 * joined with the catalog, which no index can hold. A finding's clock
 * takes its dueDate when it is computed (scoring does it with the catalog
 * in memory), so a clock can only fall behind the catalog when the catalog
 * changes or the policy starts or stops using dueDates: the whole check
 * runs then, and meta.sla_kev_checked remembers for which catalog it ran.
 * Otherwise only the clocks in findings_sla_pending are read.
 */
static int kev_check_due(struct store *s, bool kev_due_date, char mark[static 48], bool *due,
			 struct perr *err)
{
	static const char sql[] =
		"SELECT (SELECT coalesce(max(id), 0) FROM feed_imports WHERE feed = 'kev'),"
		" (SELECT value FROM meta WHERE key = 'sla_kev_checked')";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	const char *checked;
	int rc;

	if (!st)
		return err->code;
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		if (kev_due_date)
			snprintf(mark, 48, "kev:%lld", (long long)sqlite3_column_int64(st, 0));
		else
			snprintf(mark, 48, "off");
		checked = store__col_text(st, 1);
		*due = !checked || strcmp(checked, mark);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store__error(s, err, "read SLA clock state");
	return 0;
}

static int kev_checked(struct store *s, const char *mark, struct perr *err)
{
	static const char sql[] =
		"INSERT INTO meta (key, value) VALUES ('sla_kev_checked', ?1)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	store__bind_text(st, 1, mark);
	return store__step_done(s, st, err, "record SLA clock state");
}

int store_sla_pending_each(struct store *s, bool kev_due_date, sla_pending_cb cb, void *payload,
			   struct perr *err)
{
	/*
	 * Clocks behind what they were computed from: the tier, a reopen
	 * (recurrence), a risk acceptance (paused), the KEV dueDate.
	 */
#define PENDING_COLUMNS \
	"SELECT id, tier, status, recurrence, first_seen, kev_due," \
	" coalesce(sla_start, 0), coalesce(sla_due, 0), coalesce(sla_paused_at, 0)," \
	" coalesce(tier_at, 0), sla_tier, sla_recurrence, sla_kev_due," \
	" (SELECT coalesce(max(e.at), 0) FROM events e WHERE e.finding_id = p.id" \
	"  AND e.to_value = p.status AND e.type <> 'tier_changed') FROM" \
	" (SELECT f.*, CASE WHEN ?1 AND f.vuln_ids <> '[]' THEN (SELECT min(k.due_date) FROM json_each(f.vuln_ids) j" \
	"   JOIN kev_entries k ON k.cve = j.value) END AS kev_due FROM findings f"
	/* findings_sla_pending's WHERE, term for term, so that the planner can take it */
#define PENDING_ACTIVE \
	" tier IS NOT NULL AND (status = 'open' OR status = 'triaged' OR status = 'in_progress'" \
	" OR status = 'reopened' OR status = 'risk_accepted')"
#define PENDING_BEHIND \
	" (sla_tier IS NOT tier OR sla_recurrence IS NOT recurrence" \
	" OR (status = 'risk_accepted') <> (sla_paused_at IS NOT NULL))"
	static const char all[] =
		PENDING_COLUMNS " WHERE" PENDING_ACTIVE ") p"
		" WHERE" PENDING_BEHIND " OR sla_kev_due IS NOT kev_due ORDER BY id";
	static const char indexed[] =
		PENDING_COLUMNS " INDEXED BY findings_sla_pending WHERE" PENDING_ACTIVE " AND"
		PENDING_BEHIND ") p ORDER BY id";
#undef PENDING_COLUMNS
#undef PENDING_ACTIVE
#undef PENDING_BEHIND
	char mark[48];
	bool kev_due = false;
	struct sla_pending *v = NULL;
	struct arena a;
	size_t n = 0, alloc = 0, i;
	sqlite3_stmt *st;
	int rc, ret;

	if ((ret = kev_check_due(s, kev_due_date, mark, &kev_due, err)) < 0)
		return ret;
	if (!(st = store__prepare(s, kev_due ? all : indexed, err)))
		return err->code;
	arena_init(&a, 0);
	sqlite3_bind_int(st, 1, kev_due_date ? 1 : 0);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct sla_pending *p;
		const char *t;

		ALLOC_GROW(v, n + 1, alloc);
		p = &v[n++];
		memset(p, 0, sizeof(*p));
		p->finding_id = sqlite3_column_int64(st, 0);
		p->tier = (t = store__col_text(st, 1)) ? arena_strdup(&a, t) : NULL;
		if (status_parse(&p->status, store__col_text(st, 2)) < 0)
			p->status = STATUS_OPEN;
		p->recurrence = sqlite3_column_int(st, 3);
		p->first_seen = sqlite3_column_int64(st, 4);
		p->kev_due = (t = store__col_text(st, 5)) ? arena_strdup(&a, t) : NULL;
		p->start = sqlite3_column_int64(st, 6);
		p->due = sqlite3_column_int64(st, 7);
		p->paused_at = sqlite3_column_int64(st, 8);
		p->tier_at = sqlite3_column_int64(st, 9);
		p->sla_tier = (t = store__col_text(st, 10)) ? arena_strdup(&a, t) : NULL;
		p->sla_recurrence = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 :
				    sqlite3_column_int(st, 11);
		p->status_at = sqlite3_column_int64(st, 13);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		ret = store__error(s, err, "read SLA clocks");
	for (i = 0; i < n && ret >= 0; i++)
		ret = cb(&v[i], payload, err);
	if (ret >= 0 && kev_due)
		ret = kev_checked(s, mark, err);
	xfree(v);
	arena_release(&a);
	return ret;
}

int store_sla_put(struct store *s, const struct sla_put *p, struct perr *err)
{
	static const char sql[] =
		"UPDATE findings SET sla_start = ?2, sla_due = nullif(?3, 0), sla_paused_at = nullif(?4, 0),"
		" tier_at = nullif(?5, 0), sla_tier = ?6, sla_recurrence = ?7, sla_kev_due = ?8 WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, p->finding_id);
	sqlite3_bind_int64(st, 2, p->start);
	sqlite3_bind_int64(st, 3, p->due);
	sqlite3_bind_int64(st, 4, p->paused_at);
	sqlite3_bind_int64(st, 5, p->tier_at);
	store__bind_text(st, 6, p->tier);
	sqlite3_bind_int64(st, 7, p->recurrence);
	store__bind_text(st, 8, p->kev_due);
	return store__step_done(s, st, err, "store SLA clock");
}

int store_sla_each(struct store *s, const struct sla_filter *flt, sla_row_cb cb, void *payload,
		   struct perr *err)
{
	static const char sql[] =
		"SELECT f.id, a.name, t.name, f.title, f.tier, f.status, f.sla_due,"
		" coalesce(f.sla_paused_at, 0), coalesce(f.tier_at, 0), f.sla_kev_due"
		" FROM findings f JOIN apps a ON a.id = f.app_id LEFT JOIN teams t ON t.id = f.owner_team_id"
		" WHERE f.sla_due IS NOT NULL AND f.status IN ('open', 'triaged', 'in_progress', 'reopened',"
		"  'risk_accepted') AND (?1 IS NULL OR a.name = ?1) AND (?2 IS NULL OR t.name = ?2)"
		" ORDER BY coalesce(f.sla_due - f.sla_paused_at + ?3, f.sla_due), f.id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	store__bind_text(st, 1, flt->app);
	store__bind_text(st, 2, flt->team);
	sqlite3_bind_int64(st, 3, flt->now);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct sla_row r;

		memset(&r, 0, sizeof(r));
		r.finding_id = sqlite3_column_int64(st, 0);
		r.app = store__col_text(st, 1);
		r.team = store__col_text(st, 2);
		r.title = store__col_text(st, 3);
		r.tier = store__col_text(st, 4);
		if (status_parse(&r.status, store__col_text(st, 5)) < 0)
			r.status = STATUS_OPEN;
		r.due = sqlite3_column_int64(st, 6);
		r.paused_at = sqlite3_column_int64(st, 7);
		r.tier_at = sqlite3_column_int64(st, 8);
		r.kev_due = store__col_text(st, 9);
		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (ret < 0)
		return ret;
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "read SLA clocks");
}

/* --- verification through lineage --- */

int store_lineage_each(struct store *s, int64_t finding_id, lineage_row_cb cb, void *payload,
		       struct perr *err)
{
	static const char sql[] =
		"SELECT l.downstream_id, c.kind || ':' || c.ident, l.origin_id, o.kind || ':' || o.ident,"
		" coalesce(l.code_fixed_at, 0), coalesce(l.last_scan, 0), coalesce(l.present, -1),"
		" l.present_tools, coalesce(l.same_finding_id, 0)"
		" FROM finding_lineage l JOIN components c ON c.id = l.downstream_id"
		" JOIN components o ON o.id = l.origin_id"
		" WHERE l.finding_id = ?1 ORDER BY o.kind, o.ident, c.kind, c.ident";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	/*
	 * Cached: verification runs it once per fixed finding, and preparing
	 * the views each time cost more than running them. Callers read other
	 * statements around it (show inside its findings loop), never this one.
	 */
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct lineage_row r = {
			.finding_id = finding_id,
			.component_id = sqlite3_column_int64(st, 0),
			.component = store__col_text(st, 1),
			.origin_id = sqlite3_column_int64(st, 2),
			.origin = store__col_text(st, 3),
			.code_fixed_at = sqlite3_column_int64(st, 4),
			.last_scan = sqlite3_column_int64(st, 5),
			.present = sqlite3_column_int(st, 6),
			.present_tools = store__col_text(st, 7),
			.same_finding_id = sqlite3_column_int64(st, 8),
		};

		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	if (ret >= 0 && rc != SQLITE_DONE)
		ret = store__error(s, err, "read lineage");
	sqlite3_reset(st);
	return ret;
}

/* 1 when some component has a downstream one, 0 when none, else an error. */
static int any_lineage(struct store *s, struct perr *err)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1 FROM component_downstream)";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, any = 0;

	if (!st)
		return err->code;
	if ((rc = store__step(s, st)) == SQLITE_ROW)
		any = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store__error(s, err, "read component links");
	return any;
}

int store_fixed_lineage(struct store *s, struct lineage_row **out, size_t *n_out, struct perr *err)
{
	static const char sql[] =
		"SELECT l.finding_id, l.downstream_id, l.origin_id, coalesce(l.code_fixed_at, 0),"
		" coalesce(l.last_scan, 0), coalesce(l.present, -1), coalesce(l.same_finding_id, 0)"
		" FROM findings f INDEXED BY findings_fixed CROSS JOIN finding_lineage l"
		" ON l.finding_id = f.id WHERE f.status = 'fixed' ORDER BY l.finding_id";
	sqlite3_stmt *st;
	struct lineage_row *v = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n_out = 0;
	/*
	 * Without links there is no lineage: asked first, because the
	 * planner otherwise reads every evidence row to find none.
	 */
	if ((rc = any_lineage(s, err)) <= 0)
		return rc;
	if (!(st = store__prepare(s, sql, err)))
		return err->code;
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		ALLOC_GROW(v, n + 1, alloc);
		memset(&v[n], 0, sizeof(v[n]));
		v[n].finding_id = sqlite3_column_int64(st, 0);
		v[n].component_id = sqlite3_column_int64(st, 1);
		v[n].origin_id = sqlite3_column_int64(st, 2);
		v[n].code_fixed_at = sqlite3_column_int64(st, 3);
		v[n].last_scan = sqlite3_column_int64(st, 4);
		v[n].present = sqlite3_column_int(st, 5);
		v[n].same_finding_id = sqlite3_column_int64(st, 6);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		xfree(v);
		return store__error(s, err, "read lineage of fixed findings");
	}
	*out = v;
	*n_out = n;
	return 0;
}

int store_findings_fill_package(struct store *s, int64_t scan_id, struct perr *err)
{
	static const char sql[] =
		"UPDATE findings SET package = (SELECT posture_purl_base(json_extract(e.record,"
		" '$.location.purl')) FROM evidence e WHERE e.finding_id = findings.id"
		" AND json_extract(e.record, '$.location.purl') IS NOT NULL ORDER BY e.id LIMIT 1)"
		" WHERE package IS NULL AND kind IN ('sca', 'container') AND last_scan_id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, scan_id);
	return store__step_done(s, st, err, "record packages");
}
