/*
 * The risk engine's SQL: feed imports (EPSS scores, the KEV catalog), the
 * policy in force, and per-finding scores with their explanations.
 */
#include "posture.h"
#include "store/store.h"
#include "store/sqlite_int.h"

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
