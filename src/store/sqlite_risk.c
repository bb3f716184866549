/*
 * The risk engine's SQL: feed imports (EPSS scores, the KEV catalog), the
 * policy in force, and per-finding scores with their explanations.
 */
#include "posture.h"
#include "store/store.h"
#include "store/sqlite_int.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strmap.h"

static int feed_check(const char *feed, struct perr *err)
{
	if (strcmp(feed, "epss") && strcmp(feed, "kev"))
		return perr_set(err, P_EINVALID, "'%s' is not a feed (epss, kev)", feed);
	return 0;
}

int store_feed_replace_begin(struct store *s, const char *feed, struct perr *err)
{
	static const char kev_tmp[] =
		"CREATE TEMP TABLE IF NOT EXISTS kev_new (cve TEXT PRIMARY KEY, date_added TEXT,"
		" due_date TEXT, ransomware TEXT, vendor_project TEXT, product TEXT,"
		" vulnerability_name TEXT, required_action TEXT) WITHOUT ROWID;"
		" DELETE FROM temp.kev_new";
	int ret;

	if ((ret = feed_check(feed, err)) < 0)
		return ret;
	if (!strcmp(feed, "epss"))
		return store__exec(s, "DELETE FROM epss_scores", err);
	return store__exec(s, kev_tmp, err);
}

int store_epss_put(struct store *s, const char *cve, double epss, double percentile,
		   struct perr *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO epss_scores (cve, epss, percentile) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	store__bind_text(st, 1, cve);
	sqlite3_bind_double(st, 2, epss);
	if (percentile >= 0)
		sqlite3_bind_double(st, 3, percentile);
	return store__step_done(s, st, err, "store EPSS score");
}

int store_kev_put(struct store *s, const struct kev_row *k, struct perr *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO temp.kev_new (cve, date_added, due_date, ransomware,"
		" vendor_project, product, vulnerability_name, required_action)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	store__bind_text(st, 1, k->cve);
	store__bind_text(st, 2, k->date_added);
	store__bind_text(st, 3, k->due_date);
	store__bind_text(st, 4, k->ransomware);
	store__bind_text(st, 5, k->vendor_project);
	store__bind_text(st, 6, k->product);
	store__bind_text(st, 7, k->vulnerability_name);
	store__bind_text(st, 8, k->required_action);
	return store__step_done(s, st, err, "store KEV entry");
}

static int count_query(struct store *s, const char *sql, long *out, struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	rc = store__step(s, st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store__error(s, err, "count feed changes");
	return 0;
}

int store_feed_replace_finish(struct store *s, struct feed_import *imp, struct perr *err)
{
	static const char added[] =
		"SELECT count(*) FROM temp.kev_new n WHERE NOT EXISTS"
		" (SELECT 1 FROM kev_entries k WHERE k.cve = n.cve)";
	static const char removed[] =
		"SELECT count(*) FROM kev_entries k WHERE NOT EXISTS"
		" (SELECT 1 FROM temp.kev_new n WHERE n.cve = k.cve)";
	static const char swap[] =
		"DELETE FROM kev_entries; INSERT INTO kev_entries SELECT * FROM temp.kev_new;"
		" DELETE FROM temp.kev_new";
	static const char ins[] =
		"INSERT INTO feed_imports (feed, version, model, released, imported_at, file,"
		" file_sha256, rows, added, removed) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
	sqlite3_stmt *st;
	int ret;

	if ((ret = feed_check(imp->feed, err)) < 0)
		return ret;
	imp->added = imp->removed = -1;
	if (!strcmp(imp->feed, "kev")) {
		if ((ret = count_query(s, added, &imp->added, err)) < 0 ||
		    (ret = count_query(s, removed, &imp->removed, err)) < 0 ||
		    (ret = store__exec(s, swap, err)) < 0)
			return ret;
	}
	if (!(st = store__prepare(s, ins, err)))
		return err->code;
	store__bind_text(st, 1, imp->feed);
	store__bind_text(st, 2, imp->version);
	store__bind_text(st, 3, imp->model);
	store__bind_text(st, 4, imp->released);
	sqlite3_bind_int64(st, 5, imp->imported_at);
	store__bind_text(st, 6, imp->file);
	store__bind_text(st, 7, imp->file_sha256);
	sqlite3_bind_int64(st, 8, imp->rows);
	if (imp->added >= 0) {
		sqlite3_bind_int64(st, 9, imp->added);
		sqlite3_bind_int64(st, 10, imp->removed);
	}
	if ((ret = store__step_done(s, st, err, "record feed import")) < 0)
		return ret;
	imp->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static void copy_col(char *out, size_t len, sqlite3_stmt *st, int i)
{
	const char *v = store__col_text(st, i);

	snprintf(out, len, "%s", v ? v : "");
}

int store_feed_current(struct store *s, const char *feed, struct feed_current *out,
		       struct perr *err)
{
	static const char sql[] =
		"SELECT id, imported_at, rows, version, model, file_sha256 FROM feed_imports"
		" WHERE feed = ?1 ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	store__bind_text(st, 1, feed);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		out->found = true;
		out->id = sqlite3_column_int64(st, 0);
		out->imported_at = sqlite3_column_int64(st, 1);
		out->rows = sqlite3_column_int(st, 2);
		copy_col(out->version, sizeof(out->version), st, 3);
		copy_col(out->model, sizeof(out->model), st, 4);
		copy_col(out->file_sha256, sizeof(out->file_sha256), st, 5);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store__error(s, err, "read feed version");
	return 0;
}

int store_feed_imports_each(struct store *s, feed_import_cb cb, void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT i.id, i.feed, i.version, i.model, i.released, i.imported_at, i.file,"
		" i.file_sha256, i.rows, coalesce(i.added, -1), coalesce(i.removed, -1),"
		" i.id = (SELECT max(j.id) FROM feed_imports j WHERE j.feed = i.feed)"
		" FROM feed_imports i ORDER BY i.id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct feed_import imp = {
			.id = sqlite3_column_int64(st, 0), .feed = store__col_text(st, 1),
			.version = store__col_text(st, 2), .model = store__col_text(st, 3),
			.released = store__col_text(st, 4),
			.imported_at = sqlite3_column_int64(st, 5), .file = store__col_text(st, 6),
			.file_sha256 = store__col_text(st, 7), .rows = sqlite3_column_int(st, 8),
			.added = sqlite3_column_int(st, 9), .removed = sqlite3_column_int(st, 10),
		};

		if ((ret = cb(&imp, sqlite3_column_int(st, 11), payload, err)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "list feed imports");
	return ret;
}

int store_epss_get(struct store *s, const char *cve, double *epss, double *percentile,
		   struct perr *err)
{
	static const char sql[] = "SELECT epss, coalesce(percentile, -1) FROM epss_scores WHERE cve = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store__bind_text(st, 1, cve);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		*epss = sqlite3_column_double(st, 0);
		*percentile = sqlite3_column_double(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return P_ENOTFOUND;
	return store__error(s, err, "read EPSS score");
}

int store_epss_each(struct store *s, epss_score_cb cb, void *payload, struct perr *err)
{
	static const char sql[] = "SELECT cve, epss, coalesce(percentile, -1) FROM epss_scores";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	while ((rc = store__step(s, st)) == SQLITE_ROW)
		if ((ret = cb(store__col_text(st, 0), sqlite3_column_double(st, 1),
			      sqlite3_column_double(st, 2), payload, err)) < 0)
			break;
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read EPSS scores");
	return ret;
}

int store_kev_each(struct store *s, kev_row_cb cb, void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT cve, date_added, due_date, ransomware, vendor_project, product,"
		" vulnerability_name, required_action FROM kev_entries ORDER BY cve";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct kev_row k = {
			.cve = store__col_text(st, 0), .date_added = store__col_text(st, 1),
			.due_date = store__col_text(st, 2), .ransomware = store__col_text(st, 3),
			.vendor_project = store__col_text(st, 4), .product = store__col_text(st, 5),
			.vulnerability_name = store__col_text(st, 6),
			.required_action = store__col_text(st, 7),
		};

		if ((ret = cb(&k, payload, err)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read KEV entries");
	return ret;
}

/* --- the policy in force --- */

int store_policy_current(struct store *s, char digest[static 65], bool *found, struct perr *err)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = 'policy_digest'";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	*found = false;
	digest[0] = '\0';
	if (!st)
		return err->code;
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		copy_col(digest, 65, st, 0);
		*found = true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store__error(s, err, "read policy digest");
	return 0;
}

int store_policy_use(struct store *s, const char *digest, const char *source, const char *text,
		     int64_t now, struct perr *err)
{
	static const char keep[] =
		"INSERT OR IGNORE INTO policies (digest, source, text, first_used_at) VALUES (?1,?2,?3,?4)";
	static const char use[] =
		"INSERT INTO meta (key, value) VALUES ('policy_digest', ?1)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st = store__prepare(s, keep, err);
	int ret;

	if (!st)
		return err->code;
	store__bind_text(st, 1, digest);
	store__bind_text(st, 2, source);
	store__bind_text(st, 3, text);
	sqlite3_bind_int64(st, 4, now);
	if ((ret = store__step_done(s, st, err, "record policy")) < 0)
		return ret;
	if (!(st = store__prepare(s, use, err)))
		return err->code;
	store__bind_text(st, 1, digest);
	return store__step_done(s, st, err, "record policy");
}

/* --- scoring --- */

#define RISK_ACTIVE "f.status IN ('open', 'triaged', 'in_progress', 'reopened')"
/* Findings read ahead per batch: enough to amortize the queries, small enough to stay in cache. */
#define RISK_BATCH 2048

/* temp.risk_scope holds the ids of the findings to score. */
static int fill_scope(struct store *s, const struct risk_scope *scope, long *count,
		      struct perr *err)
{
	const char *where;
	sqlite3_stmt *st = NULL;
	char sql[512];
	int ret, rc;

	if ((ret = store__exec(s, "CREATE TEMP TABLE IF NOT EXISTS risk_scope (id INTEGER PRIMARY KEY);"
			       " DELETE FROM temp.risk_scope", err)) < 0)
		return ret;
	if (scope->finding_id)
		where = "f.id = ?1";
	else if (scope->scan_id)
		where = "f.app_id = ?2 AND (f.seen_scan_id = ?3 OR f.last_scan_id = ?3) AND " RISK_ACTIVE;
	else if (scope->app_id && scope->with_cve)
		where = "f.app_id = ?2 AND f.vuln_ids LIKE '%\"CVE-%' AND " RISK_ACTIVE;
	else if (scope->app_id)
		where = "f.app_id = ?2 AND " RISK_ACTIVE;
	else if (scope->with_cve)
		where = "f.vuln_ids LIKE '%\"CVE-%' AND " RISK_ACTIVE;
	else
		where = RISK_ACTIVE;
	snprintf(sql, sizeof(sql), "INSERT INTO temp.risk_scope SELECT f.id FROM findings f WHERE %s", where);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "choose findings to score");
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, scope->finding_id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, scope->app_id);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, scope->scan_id);
	rc = store__step(s, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store__error(s, err, "choose findings to score");
	*count = sqlite3_changes(s->db);
	return 0;
}

/*
 * The inventory may give apps an environment column; until it does, the
 * environment is unknown. Asked once per scoring run.
 */
static int apps_have_environment(struct store *s, bool *out, struct perr *err)
{
	static const char sql[] = "SELECT count(*) FROM pragma_table_info('apps') WHERE name = 'environment'";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	rc = store__step(s, st);
	*out = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store__error(s, err, "read the apps table");
}

/*
 * The findings to score, RISK_BATCH at a time by id. A scope is a temp
 * table of ids; every active finding (the common rescore) is read straight
 * from findings, which saves filling a table with the whole database.
 */
#define RISK_COLUMNS                                                                      \
	"SELECT f.id, f.app_id, f.kind, f.severity, f.status, f.vuln_ids, f.first_seen,"   \
	" coalesce(f.risk, -1), f.tier, r.digest, f.title,"                                \
	" f.recurrence, coalesce(f.sla_recurrence, -1), f.sla_tier, f.sla_kev_due,"          \
	" coalesce(f.sla_start, 0), coalesce(f.sla_due, 0), coalesce(f.sla_paused_at, 0),"  \
	" coalesce(f.tier_at, 0)"
#define RISK_JOINS " LEFT JOIN finding_risk r ON r.finding_id = f.id"
#define RISK_SCOPED                                                                       \
	RISK_COLUMNS " FROM temp.risk_scope x JOIN findings f ON f.id = x.id" RISK_JOINS   \
	" WHERE x.id > ?1 ORDER BY x.id LIMIT ?2"
#define RISK_ALL                                                                          \
	RISK_COLUMNS " FROM findings f" RISK_JOINS " WHERE f.id > ?1 AND " RISK_ACTIVE       \
	" ORDER BY f.id LIMIT ?2"

static const char *const rows_sql[2] = { RISK_SCOPED, RISK_ALL };

/*
 * What validates the findings of a batch (correlation: DAST or API
 * findings on the URL in front of the code), one query per batch rather
 * than a subquery per row: "tool finding id (family)" each, joined with
 * "; " in related_id order, as group_concat() joined them.
 */
#define RELATION_TEXT                                                                     \
	"SELECT r.finding_id, coalesce((SELECT e.tool FROM evidence e"                      \
	" WHERE e.finding_id = r.related_id ORDER BY e.id LIMIT 1), 'dynamic') || ' finding '" \
	" || r.related_id || ' (' || r.family || ')'"
static const char *const relations_sql[2] = {
	RELATION_TEXT " FROM temp.risk_scope x JOIN finding_relations r ON r.finding_id = x.id"
	" WHERE x.id > ?1 AND x.id <= ?2 ORDER BY r.finding_id, r.related_id, r.relation",
	RELATION_TEXT " FROM finding_relations r WHERE r.finding_id > ?1 AND r.finding_id <= ?2"
	" ORDER BY r.finding_id, r.related_id, r.relation",
};

/*
 * The app's context, asked once per app and run rather than joined into
 * every row: a finding's row then costs one b-tree search less.
 */
static const char *const app_sql[2] = {
	"SELECT name, exposure, criticality, data_sensitivity, NULL FROM apps WHERE id = ?1",
	"SELECT name, exposure, criticality, data_sensitivity, environment FROM apps WHERE id = ?1",
};

/*
 * The evidence of the findings in the batch, as records. Most records name
 * none of the risk keys, and SQLite's JSON parse of a whole record (eight
 * '->>' on it) cost more than everything else in the read: risk_keys()
 * screens the text, and only a record that may hold one goes through the
 * same '->>' expressions as before, on the text bound (record_sql).
 */
static const char *const evidence_sql[2] = {
	"SELECT e.finding_id, e.record FROM temp.risk_scope x JOIN evidence e ON e.finding_id = x.id"
	" WHERE x.id > ?1 AND x.id <= ?2 ORDER BY x.id, e.ekey",
	"SELECT e.finding_id, e.record FROM findings f JOIN evidence e ON e.finding_id = f.id"
	" WHERE f.id > ?1 AND f.id <= ?2 AND " RISK_ACTIVE " ORDER BY f.id, e.ekey",
};

static const char record_sql[] =
	"SELECT ?1 ->> '$.cvss.vector', ?1 ->> '$.cvss.version', ?1 ->> '$.cvss.score',"
	" ?1 ->> '$.reachability', ?1 ->> '$.validated', ?1 ->> '$.secret_verified',"
	" ?1 ->> '$.properties.epss', ?1 ->> '$.properties.epss_percentile'";

/*
 * Whether the record text may hold a key the risk inputs come from: a
 * string "cvss", "reachability", "validated", "secret_verified" or
 * "properties" anywhere in it. False means every '->>' above is NULL.
 */
static bool key_at(const char *p, const char *end, const char *key, size_t n)
{
	return (size_t)(end - p) >= n && !memcmp(p, key, n);
}

static bool risk_keys(const char *rec, size_t len)
{
	const char *p = rec, *end = rec + len;

	while ((p = memchr(p, '"', (size_t)(end - p))) && ++p < end) {
		switch (*p) {
		case 'c':
			if (key_at(p, end, "cvss\"", 5))
				return true;
			break;
		case 'r':
			if (key_at(p, end, "reachability\"", 13))
				return true;
			break;
		case 'v':
			if (key_at(p, end, "validated\"", 10))
				return true;
			break;
		case 's':
			if (key_at(p, end, "secret_verified\"", 16))
				return true;
			break;
		case 'p':
			if (key_at(p, end, "properties\"", 11))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static const char *dup_col(struct arena *a, sqlite3_stmt *st, int i)
{
	const char *v = store__col_text(st, i);

	return v ? arena_strndup(a, v, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* An app's context, as scoring reads it. */
struct risk_app {
	bool found;
	const char *name, *exposure, *criticality, *data_sensitivity, *environment;
};

/* The apps of a run's findings, by id as text; the last one asked for first. */
struct risk_apps {
	struct arena arena;
	struct strmap by_id;
	int64_t last_id;
	const struct risk_app *last;
};

struct risk_batch {
	struct arena arena;
	struct risk_apps apps;
	struct risk_row *rows;
	size_t nrows, rows_alloc;
	int64_t last;           /* the last finding id read, kept or not */
	size_t nread;           /* rows read, kept or not */
	size_t *ev_start;
	size_t ev_start_alloc;
	struct risk_evidence *ev;
	size_t nev, ev_alloc;
};

/*
 * The app's context, from the cache or the database; NULL when there is
 * no such app. Rows come by finding id, so most ask for the app before.
 */
static const struct risk_app *app_get(struct store *s, struct risk_apps *a, bool env, int64_t id,
				      struct perr *err, int *ret)
{
	struct risk_app *app;
	sqlite3_stmt *st;
	char key[24];
	int rc;

	*ret = 0;
	if (a->last && a->last_id == id)
		return a->last->found ? a->last : NULL;
	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (!(app = strmap_get(&a->by_id, key))) {
		if (!(st = store__prepare(s, app_sql[env], err))) {
			*ret = err->code;
			return NULL;
		}
		sqlite3_bind_int64(st, 1, id);
		rc = store__step(s, st);
		app = arena_zalloc(&a->arena, sizeof(*app));
		if (rc == SQLITE_ROW) {
			app->found = true;
			app->name = dup_col(&a->arena, st, 0);
			app->exposure = dup_col(&a->arena, st, 1);
			app->criticality = dup_col(&a->arena, st, 2);
			app->data_sensitivity = dup_col(&a->arena, st, 3);
			app->environment = dup_col(&a->arena, st, 4);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			*ret = store__error(s, err, "read the app of findings to score");
			return NULL;
		}
		strmap_put(&a->by_id, arena_strdup(&a->arena, key), app);
	}
	a->last_id = id;
	a->last = app;
	return app->found ? app : NULL;
}

static int read_rows(struct store *s, struct risk_batch *b, bool all, bool env, int64_t after,
		     struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, rows_sql[all], err);
	const struct risk_app *app;
	int rc, ret;

	if (!st)
		return err->code;
	b->last = after;
	b->nread = 0;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, RISK_BATCH);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct risk_row *r;

		b->last = sqlite3_column_int64(st, 0);
		b->nread++;
		/* the rows stay open while the app is asked for: another statement */
		app = app_get(s, &b->apps, env, sqlite3_column_int64(st, 1), err, &ret);
		if (ret < 0) {
			sqlite3_reset(st);
			return ret;
		}
		if (!app) /* as the join on apps did */
			continue;
		ALLOC_GROW(b->rows, b->nrows + 1, b->rows_alloc);
		r = &b->rows[b->nrows++];
		memset(r, 0, sizeof(*r));
		r->id = b->last;
		r->app = app->name;
		r->exposure = app->exposure;
		r->criticality = app->criticality;
		r->data_sensitivity = app->data_sensitivity;
		r->environment = app->environment;
		if (kind_parse(&r->kind, store__col_text(st, 2) ? store__col_text(st, 2) : "other") < 0)
			r->kind = KIND_OTHER;
		r->severity = (enum severity)sqlite3_column_int(st, 3);
		if (status_parse(&r->status, store__col_text(st, 4)) < 0)
			r->status = STATUS_OPEN;
		r->vuln_ids = dup_col(&b->arena, st, 5);
		r->first_seen = sqlite3_column_int64(st, 6);
		r->risk = sqlite3_column_int(st, 7);
		r->tier = dup_col(&b->arena, st, 8);
		r->has_explanation = sqlite3_column_type(st, 9) != SQLITE_NULL;
		r->explanation_digest = sqlite3_column_int64(st, 9);
		r->title = dup_col(&b->arena, st, 10);
		r->recurrence = sqlite3_column_int(st, 11);
		r->sla_recurrence = sqlite3_column_int(st, 12);
		r->sla_tier = dup_col(&b->arena, st, 13);
		r->sla_kev_due = dup_col(&b->arena, st, 14);
		r->sla_start = sqlite3_column_int64(st, 15);
		r->sla_due = sqlite3_column_int64(st, 16);
		r->sla_paused_at = sqlite3_column_int64(st, 17);
		r->tier_at = sqlite3_column_int64(st, 18);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "read findings to score");
}

static int read_relations(struct store *s, struct risk_batch *b, bool all, int64_t after,
			  struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, relations_sql[all], err);
	struct risk_row *r = NULL;
	struct pbuf text = PBUF_INIT;
	size_t j = 0;
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, b->rows[b->nrows - 1].id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		int64_t fid = sqlite3_column_int64(st, 0);
		const char *v = store__col_text(st, 1);

		if (r && r->id != fid) {
			r->validated_by = arena_strndup(&b->arena, text.buf, text.len);
			r = NULL;
		}
		/* both lists are sorted by finding id */
		while (j < b->nrows && b->rows[j].id < fid)
			j++;
		if (j == b->nrows || b->rows[j].id != fid || !v)
			continue;
		if (!r) {
			r = &b->rows[j];
			pbuf_reset(&text);
		} else if (pbuf_add(&text, "; ", 2) < 0) {
			ret = perr_set(err, P_ERROR, "out of memory");
			break;
		}
		if (pbuf_add(&text, v, (size_t)sqlite3_column_bytes(st, 1)) < 0) {
			ret = perr_set(err, P_ERROR, "out of memory");
			break;
		}
	}
	if (!ret && r)
		r->validated_by = arena_strndup(&b->arena, text.buf, text.len);
	sqlite3_reset(st);
	pbuf_release(&text);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read what validates findings to score");
	return ret;
}

static int read_evidence(struct store *s, struct risk_batch *b, bool all, int64_t after,
			 struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, evidence_sql[all], err), *rst;
	const char *rec;
	size_t j = 0, i;
	int rc, ret;

	if (!st)
		return err->code;
	ALLOC_GROW(b->ev_start, b->nrows + 1, b->ev_start_alloc);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, b->rows[b->nrows - 1].id);
	b->ev_start[0] = 0;
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		int64_t fid = sqlite3_column_int64(st, 0);
		struct risk_evidence *e;

		/* both lists are sorted by finding id: close the rows before this one */
		while (j < b->nrows && b->rows[j].id < fid)
			b->ev_start[++j] = b->nev;
		if (j == b->nrows || b->rows[j].id != fid)
			continue;
		ALLOC_GROW(b->ev, b->nev + 1, b->ev_alloc);
		e = &b->ev[b->nev++];
		memset(e, 0, sizeof(*e));
		rec = store__col_text(st, 1);
		if (!rec || !risk_keys(rec, (size_t)sqlite3_column_bytes(st, 1)))
			continue;
		if (!(rst = store__prepare(s, record_sql, err))) {
			sqlite3_reset(st);
			return err->code;
		}
		sqlite3_bind_text(rst, 1, rec, sqlite3_column_bytes(st, 1), SQLITE_STATIC);
		if (store__step(s, rst) != SQLITE_ROW) {
			ret = store__error(s, err, "read evidence to score");
			sqlite3_reset(rst);
			sqlite3_reset(st);
			return ret;
		}
		e->cvss_vector = dup_col(&b->arena, rst, 0);
		e->cvss_version = dup_col(&b->arena, rst, 1);
		e->has_score = sqlite3_column_type(rst, 2) != SQLITE_NULL;
		e->cvss_score = sqlite3_column_double(rst, 2);
		e->reachability = dup_col(&b->arena, rst, 3);
		e->validated = sqlite3_column_int(rst, 4) != 0;
		e->secret_verified = sqlite3_column_int(rst, 5) != 0;
		e->epss = dup_col(&b->arena, rst, 6);
		e->epss_percentile = dup_col(&b->arena, rst, 7);
		sqlite3_reset(rst);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store__error(s, err, "read evidence to score");
	while (j < b->nrows)
		b->ev_start[++j] = b->nev;
	/* pointers only now: the evidence array may have moved while it grew */
	for (i = 0; i < b->nrows; i++) {
		b->rows[i].ev = b->ev + b->ev_start[i];
		b->rows[i].nev = b->ev_start[i + 1] - b->ev_start[i];
	}
	return 0;
}

static bool scope_is_all(const struct risk_scope *scope)
{
	return !scope->finding_id && !scope->scan_id && !scope->app_id && !scope->with_cve;
}

int store_risk_each(struct store *s, const struct risk_scope *scope, long *count_out,
		    risk_row_cb cb, void *payload, struct perr *err)
{
	struct risk_batch b;
	int64_t after = 0;
	long count = 0;
	bool env = false, all = scope_is_all(scope);
	size_t i;
	int ret;

	memset(&b, 0, sizeof(b));
	arena_init(&b.arena, 0);
	arena_init(&b.apps.arena, 0);
	/* every active finding: counted as read (rows are all active), not by a query first */
	if ((!all && (ret = fill_scope(s, scope, &count, err)) < 0) ||
	    (ret = apps_have_environment(s, &env, err)) < 0)
		goto done;
	/*
	 * No memory map of the database here, even for a large rescore: the
	 * map stays for the rest of the connection, and every page it touched
	 * counted in the process's resident size (a re-ingest of 200,000
	 * results peaked at 300 MiB, 69 MiB of it heap).
	 */
	for (;;) {
		arena_reset(&b.arena);
		b.nrows = b.nev = 0;
		if ((ret = read_rows(s, &b, all, env, after, err)) < 0)
			goto done;
		if (b.last == after)
			break;
		if (all)
			count += b.nread;
		if (b.nrows && ((ret = read_relations(s, &b, all, after, err)) < 0 ||
				(ret = read_evidence(s, &b, all, after, err)) < 0))
			goto done;
		for (i = 0; i < b.nrows; i++)
			if ((ret = cb(&b.rows[i], payload, err)) < 0)
				goto done;
		after = b.last;
	}
	if (count_out)
		*count_out = count;
done:
	arena_release(&b.arena);
	strmap_release(&b.apps.by_id);
	arena_release(&b.apps.arena);
	xfree(b.rows);
	xfree(b.ev);
	xfree(b.ev_start);
	return ret;
}

int store_risk_put(struct store *s, const struct risk_put *p, struct perr *err)
{
	static const char set[] = "UPDATE findings SET risk = ?2, tier = ?3 WHERE id = ?1";
	static const char set_sla[] =
		"UPDATE findings SET risk = ?2, tier = ?3, sla_start = ?4, sla_due = nullif(?5, 0),"
		" sla_paused_at = nullif(?6, 0), tier_at = nullif(?7, 0), sla_tier = ?8,"
		" sla_recurrence = ?9, sla_kev_due = ?10 WHERE id = ?1";
	static const char explain[] =
		"INSERT INTO finding_risk (finding_id, digest, scored_at, explanation) VALUES (?1,?2,?3,?4)"
		" ON CONFLICT (finding_id) DO UPDATE SET digest = excluded.digest,"
		" scored_at = excluded.scored_at, explanation = excluded.explanation";
	sqlite3_stmt *st;
	int ret;

	if (p->unchanged && p->sla) {
		if ((ret = store_sla_put(s, p->sla, err)) < 0)
			return ret;
	} else if (!p->unchanged) {
		if (!(st = store__prepare(s, p->sla ? set_sla : set, err)))
			return err->code;
		sqlite3_bind_int64(st, 1, p->finding_id);
		sqlite3_bind_int(st, 2, p->risk);
		store__bind_text(st, 3, p->tier);
		if (p->sla) {
			sqlite3_bind_int64(st, 4, p->sla->start);
			sqlite3_bind_int64(st, 5, p->sla->due);
			sqlite3_bind_int64(st, 6, p->sla->paused_at);
			sqlite3_bind_int64(st, 7, p->sla->tier_at);
			store__bind_text(st, 8, p->sla->tier);
			sqlite3_bind_int64(st, 9, p->sla->recurrence);
			store__bind_text(st, 10, p->sla->kev_due);
		}
		if ((ret = store__step_done(s, st, err, "store risk")) < 0)
			return ret;
	}
	if (!p->explanation)
		return 0;
	if (!(st = store__prepare(s, explain, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, p->finding_id);
	sqlite3_bind_int64(st, 2, p->digest);
	sqlite3_bind_int64(st, 3, p->at);
	store__bind_text(st, 4, p->explanation);
	return store__step_done(s, st, err, "store risk explanation");
}

int store_risk_explanation(struct store *s, int64_t finding_id, char **out, int64_t *scored_at,
			   struct perr *err)
{
	static const char sql[] = "SELECT explanation, scored_at FROM finding_risk WHERE finding_id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	*out = NULL;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		*out = xstrdup(store__col_text(st, 0) ? store__col_text(st, 0) : "{}");
		*scored_at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? P_ENOTFOUND : store__error(s, err, "read risk explanation");
}

int store_app_id(struct store *s, const char *name, int64_t *id_out, struct perr *err)
{
	static const char sql[] = "SELECT id FROM apps WHERE name = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store__bind_text(st, 1, name);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW)
		*id_out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return perr_set(err, P_ENOTFOUND, "no app called '%s'", name);
	return store__error(s, err, "look up app");
}
