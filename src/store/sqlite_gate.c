/* The gate's baselines (what a scan or a branch reported) and its run history. */
#include "posture.h"
#include "store/sqlite_int.h"
#include "util/alloc.h"

/*
 * A finding was in a scan when one of its evidence rows, from one of the
 * scan's tools, was first reported at or before the scan and last at or
 * after it. (A finding that went away and came back between those scans
 * counts as present: evidence keeps its first and last scan, not each one.)
 */
#define IN_SCAN(scan)                                                                      \
	" e.first_scan_id <= " scan " AND e.last_scan_id >= " scan                             \
	" AND e.tool IN (SELECT tool FROM scan_tools WHERE scan_id = " scan ")"

static const char scan_sql[] =
	"SELECT DISTINCT f.fingerprint FROM evidence e JOIN findings f ON f.id = e.finding_id"
	" WHERE f.app_id = ?1 AND" IN_SCAN("?2") " ORDER BY f.fingerprint";

static const char branch_sql[] =
	"WITH base AS (SELECT max(id) AS id FROM scans WHERE app_id = ?1 AND branch = ?2"
	"  GROUP BY coalesce(component_id, 0), format)"
	" SELECT DISTINCT f.fingerprint FROM base JOIN evidence e ON" IN_SCAN("base.id")
	" JOIN findings f ON f.id = e.finding_id AND f.app_id = ?1 ORDER BY f.fingerprint";

/*
 * A finding (f) that an exception covered and that it no longer covers at
 * ?2: store_expire_exceptions() and upkeep_exceptions() reopen it at the
 * next upkeep. An exception without expiry (a false positive) never lapses
 * by time.
 */
#define LAPSED                                                                             \
	"f.status IN ('risk_accepted', 'false_positive') AND EXISTS (SELECT 1 FROM exceptions x" \
	" WHERE x.id = f.exception_id AND (x.revoked_at IS NOT NULL OR x.expires_at <= ?2))"

static int each_fingerprint(struct store *s, sqlite3_stmt *st, store_fingerprint_cb cb,
			    void *payload, struct perr *err)
{
	int rc, ret = 0;

	while ((rc = store__step(s, st)) == SQLITE_ROW)
		if ((ret = cb(store__col_text(st, 0), payload, err)) < 0)
			break;
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read the baseline");
	return ret;
}

static int count_of(struct store *s, const char *sql, int64_t a, const char *b, long *out,
		    struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, a);
	if (b)
		store__bind_text(st, 2, b);
	rc = store__step(s, st);
	*out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store__error(s, err, "count scans");
}

int store_gate_scan_fingerprints(struct store *s, int64_t app_id, int64_t scan_id,
				 store_fingerprint_cb cb, void *payload, struct perr *err)
{
	static const char exists_sql[] = "SELECT count(*) FROM scans WHERE id = ?1";
	sqlite3_stmt *st;
	long n;
	int ret;

	if ((ret = count_of(s, exists_sql, scan_id, NULL, &n, err)) < 0)
		return ret;
	if (!n)
		return perr_set(err, P_ENOTFOUND, "no scan %lld", (long long)scan_id);
	if (!(st = store__prepare(s, scan_sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	sqlite3_bind_int64(st, 2, scan_id);
	return each_fingerprint(s, st, cb, payload, err);
}

int store_gate_branch_fingerprints(struct store *s, int64_t app_id, const char *branch,
				   long *scans, store_fingerprint_cb cb, void *payload,
				   struct perr *err)
{
	static const char count_sql[] =
		"SELECT count(*) FROM (SELECT 1 FROM scans WHERE app_id = ?1 AND branch = ?2"
		" GROUP BY coalesce(component_id, 0), format)";
	sqlite3_stmt *st;
	int ret;

	if ((ret = count_of(s, count_sql, app_id, branch, scans, err)) < 0)
		return ret;
	if (!*scans)
		return perr_set(err, P_ENOTFOUND, "no scan of the app on branch '%s'", branch);
	if (!(st = store__prepare(s, branch_sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	store__bind_text(st, 2, branch);
	return each_fingerprint(s, st, cb, payload, err);
}

int store_gate_run_add(struct store *s, const struct store_gate_run *run, int64_t *id_out,
		       struct perr *err)
{
	static const char sql[] =
		"INSERT INTO gate_runs (app, at, source, baseline, policy_digest, verdict, findings,"
		" blocking, warnings, would_block) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	store__bind_text(st, 1, run->app);
	sqlite3_bind_int64(st, 2, run->at);
	store__bind_text(st, 3, run->source);
	store__bind_text(st, 4, run->baseline);
	store__bind_text(st, 5, run->policy_digest);
	store__bind_text(st, 6, run->verdict);
	sqlite3_bind_int64(st, 7, run->findings);
	sqlite3_bind_int64(st, 8, run->blocking);
	sqlite3_bind_int64(st, 9, run->warnings);
	sqlite3_bind_int64(st, 10, run->would_block);
	if ((ret = store__step_done(s, st, err, "record the gate run")) < 0)
		return ret;
	*id_out = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_gate_item_add(struct store *s, int64_t run_id, const struct store_gate_item *it,
			struct perr *err)
{
	static const char sql[] =
		"INSERT INTO gate_run_items (run_id, fingerprint, finding_id, rule_id, tier, decision,"
		" would_block, title) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, run_id);
	store__bind_text(st, 2, it->fingerprint);
	store__bind_id(st, 3, it->finding_id);
	store__bind_text(st, 4, it->rule_id ? it->rule_id : "");
	store__bind_text(st, 5, it->tier);
	store__bind_text(st, 6, it->decision);
	sqlite3_bind_int(st, 7, it->would_block);
	store__bind_text(st, 8, it->title);
	return store__step_done(s, st, err, "record a gate item");
}

int store_gate_runs_count(struct store *s, const char *app, long *runs, long *blocked,
			  long *would_block_runs, struct perr *err)
{
	static const char sql[] =
		"SELECT count(*), coalesce(sum(verdict = 'block'), 0),"
		" coalesce(sum(verdict != 'block' AND would_block > 0), 0)"
		" FROM gate_runs WHERE ?1 IS NULL OR app = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store__bind_text(st, 1, app);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		*runs = (long)sqlite3_column_int64(st, 0);
		*blocked = (long)sqlite3_column_int64(st, 1);
		*would_block_runs = (long)sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store__error(s, err, "count gate runs");
}

int store_gate_history_each(struct store *s, const char *app, store_gate_history_cb cb,
			    void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT i.tier, i.rule_id, count(DISTINCT i.run_id), sum(i.would_block),"
		" sum(i.decision = 'block'), max(r.at),"
		" (SELECT i2.title FROM gate_run_items i2 JOIN gate_runs r2 ON r2.id = i2.run_id"
		"  WHERE i2.tier = i.tier AND i2.rule_id = i.rule_id AND (?1 IS NULL OR r2.app = ?1)"
		"  ORDER BY i2.run_id DESC LIMIT 1)"
		" FROM gate_run_items i JOIN gate_runs r ON r.id = i.run_id"
		" WHERE ?1 IS NULL OR r.app = ?1"
		" GROUP BY i.tier, i.rule_id"
		" ORDER BY sum(i.would_block) + sum(i.decision = 'block') DESC,"
		"  CASE i.tier WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,"
		"  i.rule_id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	store__bind_text(st, 1, app);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_gate_history_row r = {
			.tier = store__col_text(st, 0),
			.rule_id = store__col_text(st, 1),
			.runs = (long)sqlite3_column_int64(st, 2),
			.would_block = (long)sqlite3_column_int64(st, 3),
			.blocked = (long)sqlite3_column_int64(st, 4),
			.last_at = sqlite3_column_int64(st, 5),
			.title = store__col_text(st, 6),
		};

		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read the gate history");
	return ret;
}

int store_gate_lapsed_each(struct store *s, int64_t app_id, int64_t now, store_gate_lapsed_cb cb,
			   void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT f.id FROM findings f WHERE f.app_id = ?1 AND " LAPSED " ORDER BY f.id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int64_t *ids = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	sqlite3_bind_int64(st, 2, now);
	/* read them all first: cb may use the store */
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		ALLOC_GROW(ids, n + 1, alloc);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		ret = store__error(s, err, "read lapsed exceptions");
	for (i = 0; i < n && ret >= 0; i++)
		ret = cb(ids[i], payload, err);
	xfree(ids);
	return ret;
}

int store_gate_details_each(struct store *s, int64_t app_id, int64_t now, store_gate_detail_cb cb,
			    void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT f.id, e.record ->> '$.location.start_line', e.record ->> '$.location.end_line',"
		" coalesce(e.record ->> '$.remediation', e.record ->> '$.description'),"
		" e.record ->> '$.help_uri'"
		" FROM findings f JOIN evidence e ON e.id = (SELECT min(id) FROM evidence WHERE finding_id = f.id)"
		" WHERE f.app_id = ?1 AND (f.status IN ('open', 'triaged', 'in_progress', 'reopened') OR "
		LAPSED ")";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	sqlite3_bind_int64(st, 2, now);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		sqlite3_int64 start = sqlite3_column_int64(st, 1), end = sqlite3_column_int64(st, 2);
		struct store_gate_detail d = {
			.finding_id = sqlite3_column_int64(st, 0),
			.start_line = start > 0 && start < UINT_MAX ? (unsigned)start : 0,
			.end_line = end > 0 && end < UINT_MAX ? (unsigned)end : 0,
			.help = store__col_text(st, 3),
			.help_uri = store__col_text(st, 4),
		};

		if ((ret = cb(&d, payload, err)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read finding details");
	return ret;
}
