/*
 * The SQLite store. One connection, prepared statements cached by purpose,
 * WAL journal, and the schema migrated on open for writers.
 */
#include "posture.h"
#include "store/store.h"
#include "store/migrations.h"
#include "store/sqlite_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <sqlite3.h>
#include <sys/stat.h>

enum stmt_id {
	S_APP_GET, S_APP_INSERT, S_COMP_GET, S_COMP_INSERT,
	S_SCAN_INSERT, S_SCAN_TOOL, S_SCAN_FINISH, S_SCOPE_LATEST, S_SCOPE_NEXT,
	S_FINDING_LOOKUP, S_FINDING_INSERT, S_FINDING_SEEN, S_FINDING_SEEN_FIRST, S_FINDING_SEEN_STATUS,
	S_EVIDENCE_INSERT, S_EVIDENCE_GET, S_EVIDENCE_TOUCH, S_EVIDENCE_REFRESH,
	S_ABSENT_MARK, S_ABSENT_CHECK, S_SET_STATUS, S_EVENT_ADD,
	S_EVIDENCE_EACH, S_EVENTS_EACH,
	S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
	[S_APP_GET] = "SELECT id FROM apps WHERE name = ?1",
	[S_APP_INSERT] = "INSERT INTO apps (name, discovered, created_at) VALUES (?1, 1, ?2)",
	[S_COMP_GET] = "SELECT id FROM components WHERE kind = ?1 AND ident = ?2",
	[S_COMP_INSERT] = "INSERT INTO components (app_id, kind, ident, created_at) VALUES (?1, ?2, ?3, ?4)",
	[S_SCAN_INSERT] =
		"INSERT INTO scans (app_id, component_id, format, commit_sha, branch, scanned_at,"
		" ingested_at, file_name, file_sha256, partial) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
	[S_SCAN_TOOL] = "INSERT OR IGNORE INTO scan_tools (scan_id, tool, version) VALUES (?1, ?2, ?3)",
	[S_SCAN_FINISH] =
		"UPDATE scans SET evidence_count = ?2, new_count = ?3, seen_count = ?4, fixed_count = ?5,"
		" reopened_count = ?6, merged_count = ?7, tools = (SELECT group_concat(name, ', ') FROM"
		" (SELECT tool || coalesce(' ' || version, '') AS name FROM scan_tools"
		" WHERE scan_id = ?1 ORDER BY tool)) WHERE id = ?1",
	[S_SCOPE_LATEST] =
		"SELECT max(s.scanned_at) FROM scans s JOIN scan_tools t ON t.scan_id = s.id"
		" WHERE t.tool = ?1 AND s.app_id = ?2 AND s.component_id IS ?3 AND s.id <> ?4"
		" AND s.partial = 0",
	[S_SCOPE_NEXT] =
		"SELECT s.scanned_at, s.id FROM scans s JOIN scan_tools t ON t.scan_id = s.id"
		" WHERE t.tool = ?1 AND s.app_id = ?2 AND s.component_id IS ?3 AND s.id <> ?4"
		" AND s.partial = 0 AND s.scanned_at > ?5 ORDER BY s.scanned_at, s.id LIMIT 1",
	[S_FINDING_LOOKUP] =
		"SELECT id, status, severity, first_seen, last_seen, coalesce(fixed_at, 0),"
		" seen_scan_id, scan_dupes FROM findings WHERE app_id = ?1 AND fingerprint = ?2",
	[S_FINDING_INSERT] =
		"INSERT INTO findings (app_id, component_id, fingerprint, kind, rule_id, title, path,"
		" severity, status, vuln_ids, cwe, first_seen, last_seen, last_scan_id, seen_scan_id)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12,?13,?13)",
	/*
	 * first_seen is indexed (findings_first_seen): naming it rewrites the
	 * index entry, so only a backfilled scan older than the finding
	 * (S_FINDING_SEEN_FIRST) does.
	 */
	[S_FINDING_SEEN] =
		"UPDATE findings SET last_seen = max(last_seen, ?3),"
		" severity = max(severity, ?4), fixed_at = nullif(?6, 0),"
		" scan_dupes = CASE WHEN seen_scan_id = ?2 THEN scan_dupes + 1 ELSE 0 END,"
		" seen_scan_id = ?2, last_scan_id = CASE WHEN ?8 THEN ?2 ELSE last_scan_id END"
		" WHERE id = ?1",
	[S_FINDING_SEEN_FIRST] =
		"UPDATE findings SET first_seen = min(first_seen, ?3), last_seen = max(last_seen, ?3),"
		" severity = max(severity, ?4), fixed_at = nullif(?6, 0),"
		" scan_dupes = CASE WHEN seen_scan_id = ?2 THEN scan_dupes + 1 ELSE 0 END,"
		" seen_scan_id = ?2, last_scan_id = CASE WHEN ?8 THEN ?2 ELSE last_scan_id END"
		" WHERE id = ?1",
	/*
	 * status is indexed twice (findings_app, findings_owner) and, like
	 * recurrence, named by partial indexes (findings_sla_pending,
	 * findings_fixed): an UPDATE that names a column rewrites or rechecks
	 * those entries even when the value stays, so the rare change (a
	 * reopen: a new status, recurrence + 1) goes through a statement of
	 * its own.
	 */
	[S_FINDING_SEEN_STATUS] =
		"UPDATE findings SET status = ?2, recurrence = recurrence + ?3 WHERE id = ?1"
		" AND (status IS NOT ?2 OR ?3)",
	[S_EVIDENCE_INSERT] =
		"INSERT INTO evidence (finding_id, ekey, tool, app_id, component_id, present,"
		" first_scan_id, last_scan_id, first_seen, last_seen, severity, record)"
		" VALUES (?1,?2,?3,?4,?5,1,?6,?6,?7,?7,?8,?9)",
	[S_EVIDENCE_GET] =
		"SELECT id, present, app_id, coalesce(component_id, 0), first_seen, last_seen, severity,"
		" record FROM evidence WHERE finding_id = ?1 AND ekey = ?2",
	/* seen again as it was: present, app_id and component_id (indexed) keep their values */
	[S_EVIDENCE_TOUCH] = "UPDATE evidence SET last_scan_id = ?2, last_seen = ?3 WHERE id = ?1",
	/* anything else: a newer scan refreshes the row, an older one only what is older */
	[S_EVIDENCE_REFRESH] =
		"UPDATE evidence SET"
		" present = CASE WHEN ?6 >= last_seen THEN 1 ELSE present END,"
		" app_id = ?3, component_id = ?4,"
		" last_scan_id = CASE WHEN ?6 >= last_seen THEN ?5 ELSE last_scan_id END,"
		" first_scan_id = CASE WHEN ?6 < first_seen THEN ?5 ELSE first_scan_id END,"
		" record = CASE WHEN ?6 >= last_seen THEN ?8 ELSE record END,"
		" severity = CASE WHEN ?6 >= last_seen THEN ?7 ELSE severity END,"
		" first_seen = min(first_seen, ?6), last_seen = max(last_seen, ?6)"
		" WHERE id = ?1",
	[S_ABSENT_MARK] =
		"UPDATE evidence SET present = 0 WHERE app_id = ?1 AND tool = ?3 AND present = 1"
		" AND component_id IS ?2 AND last_scan_id <> ?4 RETURNING finding_id",
	[S_ABSENT_CHECK] =
		"SELECT status FROM findings f WHERE id = ?1 AND NOT EXISTS"
		" (SELECT 1 FROM evidence e WHERE e.finding_id = f.id AND e.present = 1)",
	[S_SET_STATUS] = "UPDATE findings SET status = ?2, fixed_at = nullif(?3, 0) WHERE id = ?1",
	[S_EVENT_ADD] =
		"INSERT INTO events (finding_id, at, type, from_value, to_value, scan_id, actor, reason)"
		" VALUES (?1,?2,?3,?4,?5,nullif(?6, 0),?7,?8)",
	[S_EVIDENCE_EACH] =
		"SELECT id, tool, first_scan_id, last_scan_id, first_seen, last_seen, severity, record"
		" FROM evidence WHERE finding_id = ?1 ORDER BY last_seen DESC, id",
	[S_EVENTS_EACH] =
		"SELECT id, at, coalesce(scan_id, 0), type, from_value, to_value, actor, reason"
		" FROM events WHERE finding_id = ?1 ORDER BY at, id",
};

/*
 * Every statement steps through here, so a test can make the n-th one fail
 * as a full disk would and check that nothing half-written remains.
 */
int store__step(struct store *s, sqlite3_stmt *st)
{
	if (s->fail_step && ++s->steps == s->fail_step) {
		sqlite3_reset(st);
		return SQLITE_IOERR;
	}
	return sqlite3_step(st);
}

int store__error(struct store *s, struct perr *err, const char *what)
{
	int rc = sqlite3_errcode(s->db);

	if (s->fail_step && s->steps == s->fail_step)
		return perr_set(err, P_EIO, "database '%s': %s: injected failure at step %ld",
				s->path, what, s->steps);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return perr_set(err, P_EIO, "database '%s' is locked by another process", s->path);
	if (rc == SQLITE_FULL || rc == SQLITE_IOERR)
		return perr_set(err, P_EIO, "database '%s': %s", s->path, sqlite3_errmsg(s->db));
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return perr_set(err, P_EINVALID, "'%s' is not a posture database: %s", s->path,
				sqlite3_errmsg(s->db));
	return perr_set(err, P_ERROR, "database '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

sqlite3_stmt *store__prepare(struct store *s, const char *sql, struct perr *err)
{
	size_t i = ((uintptr_t)sql >> 4) % STORE_CACHE, n;

	for (n = 0; n < STORE_CACHE; n++, i = (i + 1) % STORE_CACHE) {
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			return s->cache[i].st;
		}
		if (!s->cache[i].sql)
			break;
	}
	if (n == STORE_CACHE) {
		perr_set(err, P_ERROR, "database '%s': statement cache full", s->path);
		return NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->cache[i].st,
			       NULL) != SQLITE_OK) {
		store__error(s, err, "prepare");
		s->cache[i].st = NULL;
		return NULL;
	}
	s->cache[i].sql = sql;
	return s->cache[i].st;
}

static sqlite3_stmt *stmt(struct store *s, enum stmt_id id, struct perr *err)
{
	return store__prepare(s, stmt_sql[id], err);
}

void store__bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void store__bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int store__step_done(struct store *s, sqlite3_stmt *st, struct perr *err, const char *what)
{
	int rc = store__step(s, st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store__error(s, err, what);
	return 0;
}

int store__exec(struct store *s, const char *sql, struct perr *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int ret = store__error(s, err, msg ? msg : "exec");

		sqlite3_free(msg);
		return ret;
	}
	return 0;
}

const char *store__col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int user_version(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int store_schema_version(struct store *s)
{
	return user_version(s);
}

/*
 * Migrations are recorded by name in schema_migrations, so branches that
 * each add a numbered file can land in any order: whatever this binary
 * embeds and the database has not applied is applied, in file order.
 * user_version stays the count of applied migrations (a cheap "is this a
 * posture database" check for readers). Databases from before the table
 * existed recorded only that count: their first user_version migrations
 * are taken as applied.
 */
static int migration_known(const char *name)
{
	size_t i;

	for (i = 0; store_migrations[i].name; i++)
		if (!strcmp(store_migrations[i].name, name))
			return 1;
	return 0;
}

static int migration_applied(struct store *s, const char *name, int *applied, struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, "SELECT 1 FROM schema_migrations WHERE name = ?1", err);
	int rc;

	if (!st)
		return -1;
	store__bind_text(st, 1, name);
	rc = store__step(s, st);
	*applied = rc == SQLITE_ROW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store__error(s, err, "read schema_migrations");
	return 0;
}

static int record_migration(struct store *s, const char *name, bool now, struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, now ?
		"INSERT INTO schema_migrations VALUES (?1, CAST(strftime('%s', 'now') AS INTEGER))" :
		"INSERT INTO schema_migrations VALUES (?1, 0)", err);

	if (!st)
		return -1;
	store__bind_text(st, 1, name);
	return store__step_done(s, st, err, "record migration");
}

/* Before any change: the table exists, and names nothing this binary lacks. */
static int migrations_check(struct store *s, int version, struct perr *err)
{
	sqlite3_stmt *st;
	int i, rc, ret;

	if ((ret = store__exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			       " name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)", err)) < 0)
		return ret;
	if (!(st = store__prepare(s, "SELECT name FROM schema_migrations", err)))
		return -1;
	i = 0;
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		const char *name = store__col_text(st, 0);

		i++;
		if (!migration_known(name)) {
			ret = perr_set(err, P_EINVALID,
				       "database '%s' has migration %s, unknown to this posture (it is newer)",
				       s->path, name);
			sqlite3_reset(st);
			return ret;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store__error(s, err, "read schema_migrations");
	if (!i)
		for (i = 0; i < version && store_migrations[i].name; i++)
			if ((ret = record_migration(s, store_migrations[i].name, false, err)) < 0)
				return ret;
	return 0;
}

static int migrate(struct store *s, struct perr *err)
{
	int version = user_version(s), i, applied, ret;
	char pragma[64];

	if (version < 0)
		return store__error(s, err, "read schema version");
	if ((ret = store__exec(s, "BEGIN IMMEDIATE", err)) < 0)
		return ret;
	if ((ret = migrations_check(s, version, err)) < 0) {
		store__exec(s, "ROLLBACK", NULL);
		return ret;
	}
	if ((ret = store__exec(s, "COMMIT", err)) < 0)
		return ret;

	for (i = 0; store_migrations[i].name; i++) {
		const struct migration *m = &store_migrations[i];

		if ((ret = migration_applied(s, m->name, &applied, err)) < 0)
			return ret;
		if (applied)
			continue;
		if ((ret = store__exec(s, "BEGIN IMMEDIATE", err)) < 0)
			return ret;
		version = user_version(s) + 1;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version);
		if ((ret = store__exec(s, m->sql, err)) < 0 ||
		    (ret = record_migration(s, m->name, true, err)) < 0 ||
		    (ret = store__exec(s, pragma, err)) < 0) {
			perr_prefix(err, "migration %s", m->name);
			store__exec(s, "ROLLBACK", NULL);
			return ret;
		}
		if ((ret = store__exec(s, "COMMIT", err)) < 0)
			return ret;
	}
	return 0;
}

/*
 * A reader does not migrate (it may have no right to write, and a report
 * should not change the file it reads): a database an older posture wrote
 * is refused with the way out, instead of failing later on a missing column.
 */
static int check_current(struct store *s, struct perr *err)
{
	const char *pending = NULL;
	int i, applied;
	sqlite3_stmt *st = store__prepare(s, "SELECT 1 FROM sqlite_master"
					  " WHERE type = 'table' AND name = 'schema_migrations'", err);
	int rc;

	if (!st)
		return -1;
	rc = store__step(s, st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store__error(s, err, "read schema");
	if (rc == SQLITE_DONE) {
		pending = store_migrations[0].name;  /* migrations not yet recorded by name */
	} else {
		for (i = 0; store_migrations[i].name && !pending; i++) {
			if (migration_applied(s, store_migrations[i].name, &applied, err) < 0)
				return err->code;
			if (!applied)
				pending = store_migrations[i].name;
		}
	}
	if (!pending)
		return 0;
	return perr_set(err, P_EINVALID,
			"database '%s' was written by an older posture (migration %s not applied):"
			" run 'posture init' to bring it to the current schema", s->path, pending);
}

void store_setup(void)
{
	/*
	 * No allocation statistics: SQLite takes a process-wide mutex around
	 * every malloc and free to keep them, about 100 lock/unlock pairs per
	 * ingested evidence. posture never asks for them (no soft heap limit).
	 * SQLITE_MISUSE after the library has started is harmless: it keeps
	 * its default.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(struct store **out, const char *path, int flags, struct perr *err)
{
	struct store *s;
	struct stat st;
	int oflags, ret;

	*out = NULL;
	if (stat(path, &st) < 0) {
		if (!(flags & STORE_CREATE))
			return perr_set(err, P_EINVALID,
					"no database at '%s' (run 'posture init' or 'posture ingest' first, or pass --db)",
					path);
	} else if (S_ISDIR(st.st_mode)) {
		return perr_set(err, P_EINVALID, "database '%s' is a directory", path);
	}
	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	oflags = flags & STORE_WRITE ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		ret = perr_set(err, P_EIO, "cannot open database '%s': %s", path,
			       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/*
	 * WAL lets readers (the API, a dashboard) work during an ingest;
	 * NORMAL sync is durable across application crashes, and a 64 MiB
	 * page cache keeps the finding index hot on large ingests.
	 *
	 * 16 KiB pages for a new database (an existing one keeps its own): a
	 * large ingest does a quarter of the page reads and writes, each a
	 * system call; 200k SARIF results ingest in 17% less wall time on
	 * this project's 2-core VM (docs/performance.md). The page size goes
	 * first: SQLite sizes the cache in pages of the size it has then.
	 */
	if ((ret = store__exec(s, "PRAGMA page_size = 16384; PRAGMA foreign_keys = ON;"
			       " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", err)) < 0 ||
	    (ret = store__register_functions(s, err)) < 0)
		goto fail;
	if (flags & STORE_WRITE) {
		if ((ret = store__exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err)) < 0 ||
		    (ret = migrate(s, err)) < 0)
			goto fail;
	} else if (user_version(s) < 1) {
		ret = perr_set(err, P_EINVALID, "'%s' is not a posture database (run 'posture init')",
			       path);
		goto fail;
	} else if ((ret = check_current(s, err)) < 0) {
		goto fail;
	}
	{
		const char *fail = getenv("POSTURE_TEST_FAIL_STEP");

		if (fail && *fail)
			s->fail_step = strtol(fail, NULL, 10);
	}
	*out = s;
	return 0;
fail:
	store_close(s, NULL);
	return ret;
}

int store_close(struct store *s, struct perr *err)
{
	int i, ret = 0;

	if (!s)
		return 0;
	if (s->in_tx)
		store_rollback(s);
	for (i = 0; i < STORE_CACHE; i++)
		sqlite3_finalize(s->cache[i].st);
	if (s->db && sqlite3_close(s->db) != SQLITE_OK)
		ret = perr_set(err, P_EIO, "cannot close database '%s': %s", s->path,
			       sqlite3_errmsg(s->db));
	xfree(s->path);
	xfree(s);
	return ret;
}

int store_begin(struct store *s, struct perr *err)
{
	int ret = store__exec(s, "BEGIN IMMEDIATE", err);

	if (!ret)
		s->in_tx = true;
	return ret;
}

int store_commit(struct store *s, struct perr *err)
{
	int ret = store__exec(s, "COMMIT", err);

	if (!ret)
		s->in_tx = false;
	return ret;
}

void store_rollback(struct store *s)
{
	int i;

	for (i = 0; i < STORE_CACHE; i++)
		if (s->cache[i].st)
			sqlite3_reset(s->cache[i].st);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
}

int store_secret_key(struct store *s, char out[static 65], struct perr *err)
{
	static const char get[] = "SELECT value FROM meta WHERE key = 'secret_key'";
	sqlite3_stmt *st = NULL;
	unsigned char raw[32];
	int rc, ret = 0;
	size_t i;

	if (sqlite3_prepare_v2(s->db, get, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read secret key");
	rc = store__step(s, st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 64) {
		memcpy(out, sqlite3_column_text(st, 0), 64);
		out[64] = '\0';
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store__error(s, err, "read secret key");
	/* first use: 256 random bits, kept with the data they protect */
	sqlite3_randomness(sizeof(raw), raw);
	for (i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	if (sqlite3_prepare_v2(s->db, "INSERT INTO meta (key, value) VALUES ('secret_key', ?1)",
			       -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "store secret key");
	store__bind_text(st, 1, out);
	if (store__step(s, st) != SQLITE_DONE)
		ret = store__error(s, err, "store secret key");
	sqlite3_finalize(st);
	return ret;
}

/* --- assets --- */

static int get_or_insert(struct store *s, sqlite3_stmt *get, sqlite3_stmt *ins,
			 int64_t *id_out, struct perr *err)
{
	int rc = store__step(s, get);

	if (rc == SQLITE_ROW) {
		*id_out = sqlite3_column_int64(get, 0);
		sqlite3_reset(get);
		return 0;
	}
	sqlite3_reset(get);
	if (rc != SQLITE_DONE)
		return store__error(s, err, "lookup");
	if (store__step(s, ins) != SQLITE_DONE) {
		sqlite3_reset(ins);
		return store__error(s, err, "insert");
	}
	sqlite3_reset(ins);
	*id_out = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_app_ensure(struct store *s, const char *name, int64_t now, int64_t *id_out,
		     struct perr *err)
{
	sqlite3_stmt *get = stmt(s, S_APP_GET, err), *ins;

	if (!get)
		return err->code;
	store__bind_text(get, 1, name);
	if (!(ins = stmt(s, S_APP_INSERT, err)))
		return err->code;
	store__bind_text(ins, 1, name);
	sqlite3_bind_int64(ins, 2, now);
	return get_or_insert(s, get, ins, id_out, err);
}

int store_component_ensure(struct store *s, int64_t app_id, const char *kind,
			   const char *ident, int64_t now, int64_t *id_out, struct perr *err)
{
	sqlite3_stmt *get = stmt(s, S_COMP_GET, err), *ins;

	if (!get)
		return err->code;
	store__bind_text(get, 1, kind);
	store__bind_text(get, 2, ident);
	if (!(ins = stmt(s, S_COMP_INSERT, err)))
		return err->code;
	store__bind_id(ins, 1, app_id);
	store__bind_text(ins, 2, kind);
	store__bind_text(ins, 3, ident);
	sqlite3_bind_int64(ins, 4, now);
	return get_or_insert(s, get, ins, id_out, err);
}

/* --- scans --- */

int store_scan_create(struct store *s, struct scan *scan, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_SCAN_INSERT, err);
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, scan->app_id);
	store__bind_id(st, 2, scan->component_id);
	store__bind_text(st, 3, scan->format);
	store__bind_text(st, 4, scan->commit);
	store__bind_text(st, 5, scan->branch);
	sqlite3_bind_int64(st, 6, scan->scanned_at);
	sqlite3_bind_int64(st, 7, scan->ingested_at);
	store__bind_text(st, 8, scan->file_name);
	store__bind_text(st, 9, scan->file_sha256);
	sqlite3_bind_int(st, 10, scan->partial);
	if ((ret = store__step_done(s, st, err, "create scan")) < 0)
		return ret;
	scan->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_scan_add_tool(struct store *s, int64_t scan_id, const char *tool,
			const char *version, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_SCAN_TOOL, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, scan_id);
	store__bind_text(st, 2, tool);
	store__bind_text(st, 3, version);
	return store__step_done(s, st, err, "record scan tool");
}

int store_scan_finish(struct store *s, const struct scan *scan, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_SCAN_FINISH, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, scan->id);
	sqlite3_bind_int64(st, 2, scan->evidence_count);
	sqlite3_bind_int64(st, 3, scan->new_count);
	sqlite3_bind_int64(st, 4, scan->seen_count);
	sqlite3_bind_int64(st, 5, scan->fixed_count);
	sqlite3_bind_int64(st, 6, scan->reopened_count);
	sqlite3_bind_int64(st, 7, scan->merged_count);
	return store__step_done(s, st, err, "finish scan");
}

int store_scope_latest(struct store *s, const struct scan *scan, const char *tool,
		       int64_t *latest, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_SCOPE_LATEST, err);
	int rc;

	if (!st)
		return err->code;
	store__bind_text(st, 1, tool);
	sqlite3_bind_int64(st, 2, scan->app_id);
	store__bind_id(st, 3, scan->component_id);
	sqlite3_bind_int64(st, 4, scan->id);
	rc = store__step(s, st);
	*latest = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store__error(s, err, "latest scan");
}

int store_scope_next(struct store *s, const struct scan *scan, const char *tool,
		     int64_t after, int64_t *next, int64_t *next_scan_id, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_SCOPE_NEXT, err);
	int rc;

	if (!st)
		return err->code;
	store__bind_text(st, 1, tool);
	sqlite3_bind_int64(st, 2, scan->app_id);
	store__bind_id(st, 3, scan->component_id);
	sqlite3_bind_int64(st, 4, scan->id);
	sqlite3_bind_int64(st, 5, after);
	rc = store__step(s, st);
	*next = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*next_scan_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store__error(s, err, "next scan");
}

int store_scans_each(struct store *s, const char *app, scan_cb cb, void *payload,
		     struct perr *err)
{
	static const char sql[] =
		"SELECT s.id, a.name, c.kind || ':' || c.ident, s.format, s.tools, s.commit_sha,"
		" s.branch, s.file_name, s.scanned_at, s.ingested_at, s.partial, s.evidence_count,"
		" s.new_count, s.seen_count, s.fixed_count, s.reopened_count, s.merged_count"
		" FROM scans s JOIN apps a ON a.id = s.app_id"
		" LEFT JOIN components c ON c.id = s.component_id"
		" WHERE ?1 IS NULL OR a.name = ?1 ORDER BY s.scanned_at, s.id";
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "list scans");
	store__bind_text(st, 1, app);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct scan_row r = {
			.id = sqlite3_column_int64(st, 0), .app = store__col_text(st, 1),
			.component = store__col_text(st, 2), .format = store__col_text(st, 3),
			.tools = store__col_text(st, 4), .commit = store__col_text(st, 5),
			.branch = store__col_text(st, 6), .file_name = store__col_text(st, 7),
			.scanned_at = sqlite3_column_int64(st, 8),
			.ingested_at = sqlite3_column_int64(st, 9),
			.partial = sqlite3_column_int(st, 10),
			.evidence_count = sqlite3_column_int(st, 11),
			.new_count = sqlite3_column_int(st, 12),
			.seen_count = sqlite3_column_int(st, 13),
			.fixed_count = sqlite3_column_int(st, 14),
			.reopened_count = sqlite3_column_int(st, 15),
			.merged_count = sqlite3_column_int(st, 16),
		};

		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "list scans");
	sqlite3_finalize(st);
	return ret;
}

/* --- findings during ingest --- */

int store_finding_lookup(struct store *s, int64_t app_id, const char *fingerprint,
			 struct finding_state *out, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_FINDING_LOOKUP, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	store__bind_text(st, 2, fingerprint);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		if (status_parse(&out->status, store__col_text(st, 1)) < 0)
			out->status = STATUS_OPEN;
		out->severity = (enum severity)sqlite3_column_int(st, 2);
		out->first_seen = sqlite3_column_int64(st, 3);
		out->last_seen = sqlite3_column_int64(st, 4);
		out->fixed_at = sqlite3_column_int64(st, 5);
		out->seen_scan_id = sqlite3_column_int64(st, 6);
		out->scan_dupes = sqlite3_column_int(st, 7);
	} else if (rc == SQLITE_DONE) {
		ret = P_ENOTFOUND;
	} else {
		ret = store__error(s, err, "look up finding");
	}
	sqlite3_reset(st);
	return ret;
}

int store_finding_create(struct store *s, const struct finding_new *f, int64_t *id_out,
			 struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_FINDING_INSERT, err);
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, f->app_id);
	store__bind_id(st, 2, f->component_id);
	store__bind_text(st, 3, f->fingerprint);
	store__bind_text(st, 4, kind_name(f->kind));
	store__bind_text(st, 5, f->rule_id);
	store__bind_text(st, 6, f->title);
	store__bind_text(st, 7, f->path);
	sqlite3_bind_int(st, 8, f->severity);
	store__bind_text(st, 9, status_name(f->status));
	store__bind_text(st, 10, f->vuln_ids_json ? f->vuln_ids_json : "[]");
	store__bind_text(st, 11, f->cwe_json ? f->cwe_json : "[]");
	sqlite3_bind_int64(st, 12, f->seen_at);
	sqlite3_bind_int64(st, 13, f->scan_id);
	if ((ret = store__step_done(s, st, err, "create finding")) < 0)
		return ret;
	*id_out = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_finding_seen(struct store *s, const struct finding_seen *f, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, !f->cur || f->at < f->cur->first_seen ? S_FINDING_SEEN_FIRST :
				S_FINDING_SEEN, err);
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, f->scan_id);
	sqlite3_bind_int64(st, 3, f->at);
	sqlite3_bind_int(st, 4, f->severity);
	sqlite3_bind_int64(st, 6, f->fixed_at);
	sqlite3_bind_int(st, 8, f->latest);
	if ((ret = store__step_done(s, st, err, "update finding")) < 0)
		return ret;
	if (f->cur && f->cur->status == f->status && !f->reopened)
		return 0;
	if (!(st = stmt(s, S_FINDING_SEEN_STATUS, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, f->id);
	store__bind_text(st, 2, status_name(f->status));
	sqlite3_bind_int(st, 3, f->reopened ? 1 : 0);
	return store__step_done(s, st, err, "update finding status");
}

static int evidence_insert(struct store *s, const struct evidence_put *e, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_EVIDENCE_INSERT, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, e->finding_id);
	store__bind_text(st, 2, e->ekey);
	store__bind_text(st, 3, e->tool);
	sqlite3_bind_int64(st, 4, e->app_id);
	store__bind_id(st, 5, e->component_id);
	sqlite3_bind_int64(st, 6, e->scan_id);
	sqlite3_bind_int64(st, 7, e->at);
	sqlite3_bind_int(st, 8, e->severity);
	sqlite3_bind_text(st, 9, e->record_json, (int)e->record_len, SQLITE_STATIC);
	return store__step_done(s, st, err, "store evidence");
}

/*
 * A re-ingest finds most rows as they were: one lookup, and an UPDATE of
 * the two columns that move (no index holds them), unless the record, the
 * place or presence changed or the scan is older than the row. The record
 * is compared in place on its page (no copy); a stored digest instead
 * would add 8 bytes to every row and cost pages where it does not pay.
 */
int store_evidence_put(struct store *s, const struct evidence_put *e, struct perr *err)
{
	sqlite3_stmt *st;
	const void *rec;
	int64_t id;
	bool same;
	int rc;

	if (e->fresh)
		return evidence_insert(s, e, err);
	if (!(st = stmt(s, S_EVIDENCE_GET, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, e->finding_id);
	store__bind_text(st, 2, e->ekey);
	rc = store__step(s, st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store__error(s, err, "look up evidence");
		return evidence_insert(s, e, err);
	}
	id = sqlite3_column_int64(st, 0);
	rec = sqlite3_column_blob(st, 7);
	same = sqlite3_column_int(st, 1) == 1 && sqlite3_column_int64(st, 2) == e->app_id &&
	       sqlite3_column_int64(st, 3) == e->component_id &&
	       e->at >= sqlite3_column_int64(st, 4) && e->at >= sqlite3_column_int64(st, 5) &&
	       sqlite3_column_int(st, 6) == (int)e->severity &&
	       rec && (size_t)sqlite3_column_bytes(st, 7) == e->record_len &&
	       !memcmp(rec, e->record_json, e->record_len);
	sqlite3_reset(st);
	if (same) {
		if (!(st = stmt(s, S_EVIDENCE_TOUCH, err)))
			return err->code;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->scan_id);
		sqlite3_bind_int64(st, 3, e->at);
		return store__step_done(s, st, err, "store evidence");
	}
	if (!(st = stmt(s, S_EVIDENCE_REFRESH, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 3, e->app_id);
	store__bind_id(st, 4, e->component_id);
	sqlite3_bind_int64(st, 5, e->scan_id);
	sqlite3_bind_int64(st, 6, e->at);
	sqlite3_bind_int(st, 7, e->severity);
	sqlite3_bind_text(st, 8, e->record_json, (int)e->record_len, SQLITE_STATIC);
	return store__step_done(s, st, err, "store evidence");
}

int store_scope_absent(struct store *s, const struct scan *scan, const char *tool,
		       absent_cb cb, void *payload, struct perr *err)
{
	sqlite3_stmt *mark = stmt(s, S_ABSENT_MARK, err), *check;
	int64_t *ids = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!mark)
		return err->code;
	sqlite3_bind_int64(mark, 1, scan->app_id);
	store__bind_id(mark, 2, scan->component_id);
	store__bind_text(mark, 3, tool);
	sqlite3_bind_int64(mark, 4, scan->id);
	while ((rc = store__step(s, mark)) == SQLITE_ROW) {
		ALLOC_GROW(ids, n + 1, alloc);
		ids[n++] = sqlite3_column_int64(mark, 0);
	}
	sqlite3_reset(mark);
	if (rc != SQLITE_DONE) {
		ret = store__error(s, err, "mark absent findings");
		goto done;
	}
	for (i = 0; i < n; i++) {
		enum status status;

		if (!(check = stmt(s, S_ABSENT_CHECK, err))) {
			ret = err->code;
			goto done;
		}
		sqlite3_bind_int64(check, 1, ids[i]);
		rc = store__step(s, check);
		if (rc == SQLITE_ROW) {
			if (status_parse(&status, store__col_text(check, 0)) < 0)
				status = STATUS_OPEN;
			sqlite3_reset(check);
			if ((ret = cb(ids[i], status, payload, err)) < 0)
				goto done;
		} else {
			sqlite3_reset(check);
			if (rc != SQLITE_DONE) {
				ret = store__error(s, err, "check absent finding");
				goto done;
			}
		}
	}
done:
	xfree(ids);
	return ret;
}

int store_finding_set_status(struct store *s, int64_t id, enum status status,
			     int64_t fixed_at, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_SET_STATUS, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	store__bind_text(st, 2, status_name(status));
	sqlite3_bind_int64(st, 3, fixed_at);
	return store__step_done(s, st, err, "set status");
}

int store_event_add(struct store *s, const struct event *e, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_EVENT_ADD, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, e->finding_id);
	sqlite3_bind_int64(st, 2, e->at);
	store__bind_text(st, 3, event_name(e->type));
	store__bind_text(st, 4, e->from);
	store__bind_text(st, 5, e->to);
	sqlite3_bind_int64(st, 6, e->scan_id);
	store__bind_text(st, 7, e->actor);
	store__bind_text(st, 8, e->reason);
	return store__step_done(s, st, err, "add event");
}

/*
 * A statement per event pays its own setup, bindings, statement journal and
 * halt; EVENT_BATCH rows per INSERT pay them once.
 */
#define EVENT_ROW "(?,?,?,?,?,nullif(?,0),?,?)"
#define EVENT_ROW4 EVENT_ROW "," EVENT_ROW "," EVENT_ROW "," EVENT_ROW
#define EVENT_BATCH 16

int store_events_add(struct store *s, const struct event *v, size_t n, struct perr *err)
{
	static const char batch[] =
		"INSERT INTO events (finding_id, at, type, from_value, to_value, scan_id, actor, reason)"
		" VALUES " EVENT_ROW4 "," EVENT_ROW4 "," EVENT_ROW4 "," EVENT_ROW4;
	sqlite3_stmt *st;
	size_t i, j;
	int ret;

	for (i = 0; i + EVENT_BATCH <= n; i += EVENT_BATCH) {
		if (!(st = store__prepare(s, batch, err)))
			return err->code;
		for (j = 0; j < EVENT_BATCH; j++) {
			const struct event *e = &v[i + j];
			int b = (int)j * 8;

			sqlite3_bind_int64(st, b + 1, e->finding_id);
			sqlite3_bind_int64(st, b + 2, e->at);
			store__bind_text(st, b + 3, event_name(e->type));
			store__bind_text(st, b + 4, e->from);
			store__bind_text(st, b + 5, e->to);
			sqlite3_bind_int64(st, b + 6, e->scan_id);
			store__bind_text(st, b + 7, e->actor);
			store__bind_text(st, b + 8, e->reason);
		}
		if ((ret = store__step_done(s, st, err, "add events")) < 0)
			return ret;
	}
	for (; i < n; i++)
		if ((ret = store_event_add(s, &v[i], err)) < 0)
			return ret;
	return 0;
}

/* --- reading --- */

#define FINDING_HEAD                                                                 \
	"SELECT f.id, a.name, c.kind || ':' || c.ident, f.title, f.rule_id, f.fingerprint," \
	" f.path, f.kind, f.severity, f.status, f.risk, f.tier, t.name, f.group_id,"      \
	" f.vuln_ids, f.cwe,"
#define FINDING_TOOLS                                                                \
	" (SELECT json_group_array(tool) FROM (SELECT DISTINCT tool FROM evidence"        \
	"  WHERE finding_id = f.id ORDER BY tool)),"                                      \
	" (SELECT count(*) FROM evidence e WHERE e.finding_id = f.id),"
#define FINDING_TAIL                                                                 \
	" f.first_seen, f.last_seen, coalesce(f.fixed_at, 0), coalesce(f.sla_due, 0),"    \
	" f.recurrence"                                                                   \
	" FROM findings f JOIN apps a ON a.id = f.app_id"                                 \
	" LEFT JOIN components c ON c.id = f.component_id"                                \
	" LEFT JOIN teams t ON t.id = f.owner_team_id"
#define FINDING_COLUMNS FINDING_HEAD FINDING_TOOLS FINDING_TAIL
#define FINDING_COLUMNS_AGGREGATE FINDING_HEAD " NULL, 0," FINDING_TAIL

static void row_to_finding(sqlite3_stmt *st, struct finding *f, char *group_buf, size_t glen)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(st, 0);
	f->app = store__col_text(st, 1);
	f->component = store__col_text(st, 2);
	f->title = store__col_text(st, 3);
	f->rule_id = store__col_text(st, 4);
	f->fingerprint = store__col_text(st, 5);
	f->path = store__col_text(st, 6);
	if (kind_parse(&f->kind, store__col_text(st, 7) ? store__col_text(st, 7) : "other") < 0)
		f->kind = KIND_OTHER;
	f->severity = (enum severity)sqlite3_column_int(st, 8);
	if (status_parse(&f->status, store__col_text(st, 9)) < 0)
		f->status = STATUS_OPEN;
	f->risk = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 10);
	f->tier = store__col_text(st, 11);
	f->owner = store__col_text(st, 12);
	if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
		snprintf(group_buf, glen, "%lld", (long long)sqlite3_column_int64(st, 13));
		f->group = group_buf;
	}
	f->vuln_ids = store__col_text(st, 14);
	f->cwe = store__col_text(st, 15);
	f->tools = store__col_text(st, 16);
	f->evidence_count = sqlite3_column_int(st, 17);
	f->first_seen = sqlite3_column_int64(st, 18);
	f->last_seen = sqlite3_column_int64(st, 19);
	f->fixed_at = sqlite3_column_int64(st, 20);
	f->sla_due = sqlite3_column_int64(st, 21);
	f->recurrence = sqlite3_column_int(st, 22);
}

static int each_finding(struct store *s, sqlite3_stmt *st, finding_cb cb, void *payload,
			struct perr *err)
{
	char group[32];
	int rc, ret = 0;

	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct finding f;

		row_to_finding(st, &f, group, sizeof(group));
		if ((ret = cb(&f, payload, err)) < 0)
			return ret;
	}
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "read findings");
}

static int add_list_filter(struct pbuf *sql, const char *column, const char *const *list,
			   int *bind)
{
	size_t i;
	int ret;

	if (!list || !list[0])
		return 0;
	if ((ret = pbuf_addf(sql, " AND %s IN (", column)) < 0)
		return ret;
	for (i = 0; list[i]; i++)
		if ((ret = pbuf_addf(sql, "%s?%d", i ? "," : "", (*bind)++)) < 0)
			return ret;
	return pbuf_adds(sql, ")");
}

int store_findings_each(struct store *s, const struct finding_filter *flt, finding_cb cb,
			void *payload, struct perr *err)
{
	struct pbuf sql = PBUF_INIT;
	sqlite3_stmt *st = NULL;
	int bind = 1, b_app = 0, b_status = 0, b_sev = 0, b_tool = 0, b_kind = 0, b_rule = 0;
	int b_glob = 0, b_since = 0, b_min = 0, b_team = 0, ret = 0;
	size_t i;

	if (pbuf_adds(&sql, flt->aggregate ? FINDING_COLUMNS_AGGREGATE " WHERE 1" : FINDING_COLUMNS " WHERE 1") < 0)
		goto oom;
	if (flt->app) {
		b_app = bind++;
		if (pbuf_addf(&sql, " AND a.name = ?%d", b_app) < 0)
			goto oom;
	}
	b_status = bind;
	if (add_list_filter(&sql, "f.status", flt->statuses, &bind) < 0)
		goto oom;
	b_sev = bind;
	if (flt->severities && flt->severities[0]) {
		if (pbuf_adds(&sql, " AND f.severity IN (") < 0)
			goto oom;
		for (i = 0; flt->severities[i]; i++)
			if (pbuf_addf(&sql, "%s?%d", i ? "," : "", bind++) < 0)
				goto oom;
		if (pbuf_adds(&sql, ")") < 0)
			goto oom;
	}
	if (flt->min_severity) {
		b_min = bind++;
		if (pbuf_addf(&sql, " AND f.severity >= ?%d", b_min) < 0)
			goto oom;
	}
	if (flt->tool) {
		b_tool = bind++;
		if (pbuf_addf(&sql, " AND EXISTS (SELECT 1 FROM evidence ev WHERE"
				    " ev.finding_id = f.id AND lower(ev.tool) = lower(?%d))", b_tool) < 0)
			goto oom;
	}
	if (flt->kind) {
		b_kind = bind++;
		if (pbuf_addf(&sql, " AND f.kind = ?%d", b_kind) < 0)
			goto oom;
	}
	if (flt->rule) {
		b_rule = bind++;
		if (pbuf_addf(&sql, " AND f.rule_id = ?%d", b_rule) < 0)
			goto oom;
	}
	if (flt->path_glob) {
		b_glob = bind++;
		if (pbuf_addf(&sql, " AND f.path GLOB ?%d", b_glob) < 0)
			goto oom;
	}
	if (flt->team) {
		b_team = bind++;
		if (pbuf_addf(&sql, " AND t.name = ?%d", b_team) < 0)
			goto oom;
	}
	if (flt->since) {
		b_since = bind++;
		if (pbuf_addf(&sql, " AND f.first_seen >= ?%d", b_since) < 0)
			goto oom;
	}
	/*
	 * Fixed in code, still running in production: the code component no
	 * longer reports it, a downstream image or service still does. A
	 * correlated finding stays active (its own evidence there); a fixed
	 * one has another active finding there that is the same problem.
	 */
	if (flt->fixed_in_code &&
	    pbuf_adds(&sql, " AND f.status IN ('open', 'triaged', 'in_progress', 'reopened', 'fixed')"
			    " AND EXISTS (SELECT 1 FROM finding_lineage l WHERE l.finding_id = f.id"
			    " AND l.code_fixed_at IS NOT NULL"
			    " AND (l.present = 1 OR l.same_finding_id IS NOT NULL))") < 0)
		goto oom;
	/* scored findings by risk (which orders tiers too), then the rest by severity */
	if (!flt->aggregate &&
	    pbuf_adds(&sql, " ORDER BY f.risk IS NULL, f.risk DESC, f.severity DESC, f.last_seen DESC, f.id") < 0)
		goto oom;
	if (flt->limit > 0 && pbuf_addf(&sql, " LIMIT %ld", flt->limit) < 0)
		goto oom;

	if (sqlite3_prepare_v2(s->db, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		ret = store__error(s, err, "query findings");
		goto done;
	}
	if (b_app)
		store__bind_text(st, b_app, flt->app);
	for (i = 0; flt->statuses && flt->statuses[i]; i++)
		store__bind_text(st, b_status + (int)i, flt->statuses[i]);
	for (i = 0; flt->severities && flt->severities[i]; i++) {
		enum severity sev = SEV_NONE;

		severity_parse(&sev, flt->severities[i]);
		sqlite3_bind_int(st, b_sev + (int)i, sev);
	}
	if (b_min)
		sqlite3_bind_int(st, b_min, flt->min_severity);
	if (b_tool)
		store__bind_text(st, b_tool, flt->tool);
	if (b_kind)
		store__bind_text(st, b_kind, flt->kind);
	if (b_rule)
		store__bind_text(st, b_rule, flt->rule);
	if (b_glob)
		store__bind_text(st, b_glob, flt->path_glob);
	if (b_team)
		store__bind_text(st, b_team, flt->team);
	if (b_since)
		sqlite3_bind_int64(st, b_since, flt->since);
	ret = each_finding(s, st, cb, payload, err);
	goto done;
oom:
	ret = perr_set(err, P_ERROR, "query too long");
done:
	sqlite3_finalize(st);
	pbuf_release(&sql);
	return ret;
}

int store_finding_get(struct store *s, int64_t id, finding_cb cb, void *payload,
		      struct perr *err)
{
	sqlite3_stmt *st = NULL;
	char group[32];
	int rc, ret;

	if (sqlite3_prepare_v2(s->db, FINDING_COLUMNS " WHERE f.id = ?1", -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read finding");
	sqlite3_bind_int64(st, 1, id);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		struct finding f;

		row_to_finding(st, &f, group, sizeof(group));
		ret = cb(&f, payload, err);
	} else if (rc == SQLITE_DONE) {
		ret = perr_set(err, P_ENOTFOUND, "no finding with id %lld", (long long)id);
	} else {
		ret = store__error(s, err, "read finding");
	}
	sqlite3_finalize(st);
	return ret;
}

int store_evidence_each(struct store *s, int64_t finding_id, evidence_row_cb cb,
			void *payload, struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_EVIDENCE_EACH, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct evidence_row e = {
			.id = sqlite3_column_int64(st, 0), .tool = store__col_text(st, 1),
			.first_scan_id = sqlite3_column_int64(st, 2),
			.last_scan_id = sqlite3_column_int64(st, 3),
			.first_seen = sqlite3_column_int64(st, 4),
			.last_seen = sqlite3_column_int64(st, 5),
			.severity = (enum severity)sqlite3_column_int(st, 6),
			.record_json = store__col_text(st, 7),
		};

		if ((ret = cb(&e, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read evidence");
	sqlite3_reset(st);
	return ret;
}

int store_events_each(struct store *s, int64_t finding_id, event_row_cb cb, void *payload,
		      struct perr *err)
{
	sqlite3_stmt *st = stmt(s, S_EVENTS_EACH, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct event_row e = {
			.id = sqlite3_column_int64(st, 0), .at = sqlite3_column_int64(st, 1),
			.scan_id = sqlite3_column_int64(st, 2), .type = store__col_text(st, 3),
			.from = store__col_text(st, 4), .to = store__col_text(st, 5), .actor = store__col_text(st, 6),
			.reason = store__col_text(st, 7),
		};

		if ((ret = cb(&e, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read events");
	sqlite3_reset(st);
	return ret;
}
