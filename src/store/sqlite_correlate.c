/*
 * The SQLite store: cross-tool correlation. Correlation keys and the
 * vulnerability alias table (read at ingest for every evidence that has a
 * key, so these statements stay on primary keys), component lineage,
 * DAST validation links, root-cause groups and the dedupe ratio.
 */
#include "posture.h"
#include "store/store.h"
#include "store/sqlite_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#define ACTIVE "f.status IN ('open', 'triaged', 'in_progress', 'reopened')"

static const char *dup_col(struct arena *a, sqlite3_stmt *st, int i)
{
	const char *v = store__col_text(st, i);

	return v ? arena_strdup(a, v) : NULL;
}

int store_alias_put(struct store *s, const char *id, const char *alias, struct perr *err)
{
	static const char sql[] = "INSERT OR IGNORE INTO vuln_aliases (id, alias) VALUES (?1, ?2), (?2, ?1)";
	sqlite3_stmt *st;

	if (!strcmp(id, alias))
		return 0;
	if (!(st = store__prepare(s, sql, err)))
		return err->code;
	store__bind_text(st, 1, id);
	store__bind_text(st, 2, alias);
	return store__step_done(s, st, err, "store vulnerability alias");
}

int store_aliases_get(struct store *s, const char *id, struct arena *a, struct strlist *out,
		      struct perr *err)
{
	static const char sql[] = "SELECT alias FROM vuln_aliases WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store__bind_text(st, 1, id);
	while ((rc = store__step(s, st)) == SQLITE_ROW)
		strlist_add_unique(out, a, dup_col(a, st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "read vulnerability aliases");
}

int store_corr_key_put(struct store *s, const struct store_corr_key *k, struct perr *err)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO correlation_keys (app_id, key, finding_id, component_id, tool,"
		" start_line, end_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, k->app_id);
	store__bind_text(st, 2, k->key);
	sqlite3_bind_int64(st, 3, k->finding_id);
	sqlite3_bind_int64(st, 4, k->component_id);
	store__bind_text(st, 5, k->tool);
	sqlite3_bind_int(st, 6, (int)k->start_line);
	sqlite3_bind_int(st, 7, (int)k->end_line);
	return store__step_done(s, st, err, "store correlation key");
}

int store_corr_tools(struct store *s, int64_t app_id, char *tool, size_t toollen, int *n,
		     struct perr *err)
{
	static const char sql[] = "SELECT DISTINCT tool FROM correlation_keys WHERE app_id = ?1 LIMIT 2";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	*n = 0;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW)
		if ((*n)++ == 0)
			snprintf(tool, toollen, "%s", store__col_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "read correlation tools");
}

int store_corr_candidates(struct store *s, const struct store_corr_key *k, store_corr_cb cb,
			  void *payload, struct perr *err)
{
	static const char plain[] =
		"SELECT finding_id, component_id FROM correlation_keys WHERE app_id = ?1 AND key = ?2"
		" ORDER BY finding_id";
	/* another tool's result at overlapping lines, on a finding this tool has not reported there */
	static const char ranged[] =
		"SELECT k.finding_id, k.component_id FROM correlation_keys k WHERE k.app_id = ?1"
		" AND k.key = ?2 AND k.tool <> ?3 AND k.start_line <= ?5 AND k.end_line >= ?4"
		" AND NOT EXISTS (SELECT 1 FROM correlation_keys o WHERE o.app_id = ?1 AND o.key = ?2"
		" AND o.finding_id = k.finding_id AND o.tool = ?3)"
		" ORDER BY k.finding_id";
	sqlite3_stmt *st = store__prepare(s, k->start_line ? ranged : plain, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, k->app_id);
	store__bind_text(st, 2, k->key);
	if (k->start_line) {
		store__bind_text(st, 3, k->tool);
		sqlite3_bind_int(st, 4, (int)k->start_line);
		sqlite3_bind_int(st, 5, (int)(k->end_line ? k->end_line : k->start_line));
	}
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		int64_t fid = sqlite3_column_int64(st, 0), cid = sqlite3_column_int64(st, 1);

		/* the callback may run other statements: not this one, which stays open */
		if ((ret = cb(fid, cid, payload, err)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (ret)
		return ret;
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "look up correlation key");
}

int store_finding_state_get(struct store *s, int64_t id, struct finding_state *out,
			    struct perr *err)
{
	static const char sql[] =
		"SELECT id, status, severity, first_seen, last_seen, coalesce(fixed_at, 0),"
		" seen_scan_id, scan_dupes FROM findings WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
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
	} else {
		ret = rc == SQLITE_DONE ? P_ENOTFOUND : store__error(s, err, "read finding");
	}
	sqlite3_reset(st);
	return ret;
}

int store_lineage_get(struct store *s, int64_t component_id, struct arena *a,
		      struct store_lineage *out, struct perr *err)
{
	static const char sql[] =
		"WITH RECURSIVE"
		" up(id) AS (SELECT ?1 UNION SELECT l.from_id FROM component_links l JOIN up ON l.to_id = up.id"
		"  WHERE l.retired_at IS NULL),"
		" down(id) AS (SELECT ?1 UNION SELECT l.to_id FROM component_links l JOIN down ON l.from_id = down.id"
		"  WHERE l.retired_at IS NULL),"
		" line(id, up) AS (SELECT id, 1 FROM up UNION ALL SELECT id, 0 FROM down WHERE id NOT IN (SELECT id FROM up))"
		" SELECT line.id, line.up, c.kind, c.ident FROM line JOIN components c ON c.id = line.id"
		" ORDER BY line.up DESC, line.id";
	sqlite3_stmt *st;
	size_t alloc = 0, n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!component_id)
		return 0;
	if (!(st = store__prepare(s, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, component_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		size_t cap = alloc;

		out->ids = arena_grow(a, out->ids, sizeof(*out->ids), n + 1, &cap);
		cap = alloc;
		out->up = arena_grow(a, out->up, sizeof(*out->up), n + 1, &cap);
		cap = alloc;
		out->kinds = arena_grow(a, out->kinds, sizeof(*out->kinds), n + 1, &cap);
		cap = alloc;
		out->idents = arena_grow(a, out->idents, sizeof(*out->idents), n + 1, &cap);
		alloc = cap;
		out->ids[n] = sqlite3_column_int64(st, 0);
		out->up[n] = sqlite3_column_int(st, 1) != 0;
		out->kinds[n] = dup_col(a, st, 2);
		out->idents[n] = dup_col(a, st, 3);
		n++;
	}
	sqlite3_reset(st);
	out->n = n;
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "read component lineage");
}

int store_scan_dedupe(struct store *s, int64_t scan_id, long findings, long correlated,
		      struct perr *err)
{
	static const char sql[] = "UPDATE scans SET findings_count = ?2, correlated_count = ?3 WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int64(st, 2, findings);
	sqlite3_bind_int64(st, 3, correlated);
	return store__step_done(s, st, err, "store dedupe tallies");
}

int store_dedupe_ratio(struct store *s, const char *app, struct store_dedupe *out, struct perr *err)
{
	static const char sql[] =
		"SELECT (SELECT count(*) FROM evidence e JOIN findings f ON f.id = e.finding_id"
		"  JOIN apps a ON a.id = f.app_id WHERE ?1 IS NULL OR a.name = ?1),"
		" (SELECT count(*) FROM findings f JOIN apps a ON a.id = f.app_id WHERE ?1 IS NULL OR a.name = ?1),"
		" (SELECT count(*) FROM scans sc JOIN apps a ON a.id = sc.app_id WHERE ?1 IS NULL OR a.name = ?1),"
		" (SELECT coalesce(sum(sc.evidence_count), 0) FROM scans sc JOIN apps a ON a.id = sc.app_id"
		"  WHERE ?1 IS NULL OR a.name = ?1)";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	memset(out, 0, sizeof(*out));
	store__bind_text(st, 1, app);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		out->evidence = sqlite3_column_int(st, 0);
		out->findings = sqlite3_column_int(st, 1);
		out->scans = sqlite3_column_int(st, 2);
		out->scan_evidence = sqlite3_column_int(st, 3);
		out->ratio = out->findings ? (double)out->evidence / (double)out->findings : 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store__error(s, err, "read dedupe ratio");
}

int store_cwe_findings_each(struct store *s, int64_t app_id, bool dynamic, store_cwe_finding_cb cb,
			    void *payload, struct perr *err)
{
	static const char sql_dynamic[] =
		"SELECT f.id, coalesce(f.component_id, 0), f.cwe, f.title, f.path,"
		" (SELECT tool FROM evidence e WHERE e.finding_id = f.id ORDER BY e.id LIMIT 1)"
		" FROM findings f WHERE f.app_id = ?1 AND f.kind IN ('dast', 'api') AND f.cwe <> '[]'"
		" AND " ACTIVE " ORDER BY f.id";
	static const char sql_code[] =
		"SELECT f.id, coalesce(f.component_id, 0), f.cwe, f.title, f.path, NULL"
		" FROM findings f WHERE f.app_id = ?1 AND f.kind IN ('sast', 'sca') AND f.cwe <> '[]'"
		" AND f.validated_at IS NULL AND " ACTIVE " ORDER BY f.id";
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	/* its own statement: callers query the code findings while reading the DAST ones */
	if (sqlite3_prepare_v2(s->db, dynamic ? sql_dynamic : sql_code, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read findings by weakness");
	sqlite3_bind_int64(st, 1, app_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_cwe_finding f = {
			.id = sqlite3_column_int64(st, 0), .component_id = sqlite3_column_int64(st, 1),
			.cwe = store__col_text(st, 2), .title = store__col_text(st, 3),
			.path = store__col_text(st, 4), .tool = store__col_text(st, 5),
		};

		if ((ret = cb(&f, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read findings by weakness");
	sqlite3_finalize(st);
	return ret;
}

int store_relation_put(struct store *s, int64_t finding_id, int64_t related_id, const char *family,
		       int64_t at, int64_t scan_id, bool *first, struct perr *err)
{
	static const char ins[] =
		"INSERT OR IGNORE INTO finding_relations (finding_id, related_id, relation, family, at, scan_id)"
		" VALUES (?1, ?2, 'validated_by', ?3, ?4, nullif(?5, 0))";
	static const char mark[] = "UPDATE findings SET validated_at = ?2 WHERE id = ?1 AND validated_at IS NULL";
	sqlite3_stmt *st = store__prepare(s, ins, err);
	int ret;

	*first = false;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	sqlite3_bind_int64(st, 2, related_id);
	store__bind_text(st, 3, family);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_int64(st, 5, scan_id);
	if ((ret = store__step_done(s, st, err, "link validating finding")) < 0)
		return ret;
	if (!sqlite3_changes(s->db))
		return 0;
	if (!(st = store__prepare(s, mark, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	sqlite3_bind_int64(st, 2, at);
	if ((ret = store__step_done(s, st, err, "mark finding validated")) < 0)
		return ret;
	*first = sqlite3_changes(s->db) > 0;
	return 0;
}

int store_relations_each(struct store *s, int64_t finding_id, store_relation_cb cb, void *payload,
			 struct perr *err)
{
	static const char sql[] =
		"SELECT r.finding_id, r.related_id, r.at, r.relation, r.family, f.title, f.path,"
		" (SELECT tool FROM evidence e WHERE e.finding_id = f.id ORDER BY e.id LIMIT 1)"
		" FROM finding_relations r JOIN findings f"
		" ON f.id = CASE WHEN r.finding_id = ?1 THEN r.related_id ELSE r.finding_id END"
		" WHERE r.finding_id = ?1 OR r.related_id = ?1 ORDER BY r.at, r.finding_id, r.related_id";
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read related findings");
	sqlite3_bind_int64(st, 1, finding_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_relation_row r = {
			.finding_id = sqlite3_column_int64(st, 0), .related_id = sqlite3_column_int64(st, 1),
			.at = sqlite3_column_int64(st, 2), .relation = store__col_text(st, 3),
			.family = store__col_text(st, 4), .title = store__col_text(st, 5),
			.path = store__col_text(st, 6), .tool = store__col_text(st, 7),
		};

		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read related findings");
	sqlite3_finalize(st);
	return ret;
}

/* --- groups --- */

int store_group_inputs_each(struct store *s, int64_t app_id, store_group_input_cb cb,
			    void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT f.id, coalesce(f.component_id, 0), f.kind, f.rule_id,"
		" e.record ->> '$.location.purl', e.record ->> '$.location.name',"
		" e.record ->> '$.location.version',"
		" (SELECT group_concat(value, char(10)) FROM json_each(e.record, '$.location.fixed_versions')),"
		""
		" e.record ->> '$.properties.base_image',"
		" coalesce(e.record ->> '$.properties.os_family' || ':' || (e.record ->> '$.properties.os_name'),"
		"  e.record ->> '$.properties.distro' || ':' || (e.record ->> '$.properties.distro_version')),"
		" e.record ->> '$.properties.layer_created_by', e.record ->> '$.secret_hash'"
		" FROM findings f JOIN evidence e ON e.finding_id = f.id"
		" WHERE f.app_id = ?1 AND f.kind IN ('sca', 'container', 'secret') AND " ACTIVE
		" ORDER BY f.id, e.id";
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read findings to group");
	sqlite3_bind_int64(st, 1, app_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_group_input in = {
			.finding_id = sqlite3_column_int64(st, 0),
			.component_id = sqlite3_column_int64(st, 1),
			.rule_id = store__col_text(st, 3),
			.purl = store__col_text(st, 4), .name = store__col_text(st, 5),
			.version = store__col_text(st, 6), .fixed_versions = store__col_text(st, 7),
			.base_image = store__col_text(st, 8), .os = store__col_text(st, 9),
			.layer_created_by = store__col_text(st, 10), .secret_hash = store__col_text(st, 11),
		};

		if (kind_parse(&in.kind, store__col_text(st, 2) ? store__col_text(st, 2) : "other") < 0)
			in.kind = KIND_OTHER;
		if ((ret = cb(&in, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read findings to group");
	sqlite3_finalize(st);
	return ret;
}

int store_groups_clear(struct store *s, int64_t app_id, struct perr *err)
{
	static const char sql[] = "UPDATE findings SET group_id = NULL WHERE group_id IN"
				  " (SELECT id FROM finding_groups WHERE app_id = ?1)";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	return store__step_done(s, st, err, "clear groups");
}

int store_group_put(struct store *s, struct store_group *g, int64_t now, struct perr *err)
{
	static const char sql[] =
		"INSERT INTO finding_groups (app_id, gkey, kind, subject, from_version, to_version, location,"
		" created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
		" ON CONFLICT (app_id, gkey) DO UPDATE SET kind = excluded.kind, subject = excluded.subject,"
		" from_version = excluded.from_version, location = excluded.location,"
		" updated_at = CASE WHEN to_version IS excluded.to_version THEN updated_at ELSE excluded.updated_at END,"
		" to_version = excluded.to_version"
		" RETURNING id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, g->app_id);
	store__bind_text(st, 2, g->gkey);
	store__bind_text(st, 3, g->kind);
	store__bind_text(st, 4, g->subject);
	store__bind_text(st, 5, g->from);
	store__bind_text(st, 6, g->to);
	store__bind_text(st, 7, g->location);
	sqlite3_bind_int64(st, 8, now);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW)
		g->id = sqlite3_column_int64(st, 0);
	/* RETURNING: the row is written once the statement runs to its end */
	if (rc == SQLITE_ROW)
		rc = store__step(s, st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store__error(s, err, "store group");
}

int store_finding_set_group(struct store *s, int64_t finding_id, int64_t group_id,
			    struct perr *err)
{
	static const char sql[] = "UPDATE findings SET group_id = nullif(?2, 0) WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	sqlite3_bind_int64(st, 2, group_id);
	return store__step_done(s, st, err, "set group");
}

int store_groups_prune(struct store *s, int64_t app_id, struct perr *err)
{
	static const char sql[] = "DELETE FROM finding_groups WHERE app_id = ?1 AND NOT EXISTS"
				  " (SELECT 1 FROM findings f WHERE f.group_id = finding_groups.id)";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	return store__step_done(s, st, err, "prune groups");
}

int store_groups_each(struct store *s, const char *app, const char *team, int64_t id,
		      store_group_cb cb, void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT g.id, a.name, g.kind, g.subject, g.from_version, g.to_version, g.location,"
		" count(f.id), coalesce(sum(f.risk), 0), max(f.severity)"
		/* groups first: with a group id only that group's findings are read */
		" FROM finding_groups g JOIN apps a ON a.id = g.app_id CROSS JOIN findings f ON f.group_id = g.id"
		" LEFT JOIN teams t ON t.id = f.owner_team_id"
		" WHERE " ACTIVE " AND (?1 IS NULL OR a.name = ?1) AND (?2 IS NULL OR t.name = ?2)"
		" AND (?3 = 0 OR g.id = ?3)"
		" GROUP BY g.id ORDER BY coalesce(sum(f.risk), 0) DESC, count(f.id) DESC, max(f.severity) DESC, g.id";
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read groups");
	store__bind_text(st, 1, app);
	store__bind_text(st, 2, team);
	sqlite3_bind_int64(st, 3, id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_group_row g = {
			.id = sqlite3_column_int64(st, 0), .app = store__col_text(st, 1),
			.kind = store__col_text(st, 2), .subject = store__col_text(st, 3),
			.from = store__col_text(st, 4), .to = store__col_text(st, 5),
			.location = store__col_text(st, 6), .findings = sqlite3_column_int(st, 7),
			.risk = sqlite3_column_int(st, 8),
			.severity = (enum severity)sqlite3_column_int(st, 9),
		};

		if ((ret = cb(&g, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read groups");
	sqlite3_finalize(st);
	return ret;
}

/* Plural words of component kinds ("1 repo, 3 services"). */
static const char *kind_plural(const char *kind, long n)
{
	static const struct {
		const char *one, *many;
	} words[] = {
		{ "repo", "repos" }, { "image", "images" }, { "service", "services" },
		{ "url", "urls" }, { "api", "apis" }, { "package", "packages" }, { "cloud", "cloud resources" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(kind, words[i].one))
			return n == 1 ? words[i].one : words[i].many;
	return kind;
}

int store_group_where(struct store *s, int64_t group_id, struct arena *a, const char **out,
		      struct perr *err)
{
	/* the components its findings and their evidence were seen on, upstream kinds first */
	static const char sql[] =
		"SELECT c.kind, count(DISTINCT c.id) FROM components c WHERE c.id IN"
		" (SELECT f.component_id FROM findings f WHERE f.group_id = ?1 AND " ACTIVE
		"  UNION SELECT e.component_id FROM evidence e JOIN findings f ON f.id = e.finding_id"
		"  WHERE f.group_id = ?1 AND " ACTIVE " AND e.present = 1)"
		" GROUP BY c.kind ORDER BY CASE c.kind WHEN 'repo' THEN 0 WHEN 'image' THEN 1"
		" WHEN 'service' THEN 2 ELSE 3 END, c.kind";
	sqlite3_stmt *st = NULL;
	struct pbuf b = PBUF_INIT;
	int rc, ret = 0;

	*out = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read group components");
	sqlite3_bind_int64(st, 1, group_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		long n = sqlite3_column_int(st, 1);

		if ((ret = pbuf_addf(&b, "%s%ld %s", b.len ? ", " : "", n,
				     kind_plural(store__col_text(st, 0), n))) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read group components");
	else if (ret)
		ret = perr_set(err, ret, "group %lld: too many components", (long long)group_id);
	else if (b.len)
		*out = arena_strndup(a, b.buf, b.len);
	sqlite3_finalize(st);
	pbuf_release(&b);
	return ret;
}

static int ids_query(struct store *s, const char *sql, const char *text, int64_t id, store_id_cb cb,
		     void *payload, struct perr *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read findings");
	if (text)
		store__bind_text(st, 1, text);
	else
		sqlite3_bind_int64(st, 1, id);
	while ((rc = store__step(s, st)) == SQLITE_ROW)
		if ((ret = cb(sqlite3_column_int64(st, 0), payload, err)) < 0)
			break;
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read findings");
	sqlite3_finalize(st);
	return ret;
}

int store_group_findings(struct store *s, int64_t group_id, store_id_cb cb, void *payload,
			 struct perr *err)
{
	static const char sql[] =
		"SELECT f.id FROM findings f WHERE f.group_id = ?1 AND " ACTIVE
		" ORDER BY f.risk IS NULL, f.risk DESC, f.severity DESC, f.id";

	return ids_query(s, sql, NULL, group_id, cb, payload, err);
}

int store_corr_findings_like(struct store *s, const char *pattern, store_id_cb cb, void *payload,
			     struct perr *err)
{
	static const char sql[] =
		"SELECT DISTINCT finding_id FROM correlation_keys WHERE key LIKE ?1 ESCAPE '\\'"
		" ORDER BY finding_id";

	return ids_query(s, sql, pattern, 0, cb, payload, err);
}

int store_findings_with_vuln(struct store *s, const char *id, store_id_cb cb, void *payload,
			     struct perr *err)
{
	static const char sql[] =
		"SELECT f.id FROM findings f WHERE f.vuln_ids LIKE '%\"' || ?1 || '\"%' ORDER BY f.id";

	return ids_query(s, sql, id, 0, cb, payload, err);
}

/*
 * merge_finding() (sqlite_inventory.c) moves one finding into another:
 * what this file keeps about findings follows it.
 */
int store__correlate_merge(struct store *s, int64_t from, int64_t into, struct perr *err)
{
	static const char *const steps[] = {
		"UPDATE OR IGNORE correlation_keys SET finding_id = ?2 WHERE finding_id = ?1",
		"DELETE FROM correlation_keys WHERE finding_id = ?1",
		"UPDATE OR IGNORE finding_relations SET finding_id = ?2 WHERE finding_id = ?1",
		"UPDATE OR IGNORE finding_relations SET related_id = ?2 WHERE related_id = ?1",
		"DELETE FROM finding_relations WHERE finding_id = ?1 OR related_id = ?1 OR finding_id = related_id",
		"UPDATE findings SET validated_at = coalesce(findings.validated_at, o.validated_at),"
		" group_id = coalesce(findings.group_id, o.group_id)"
		" FROM (SELECT validated_at, group_id FROM findings WHERE id = ?1) AS o WHERE findings.id = ?2",
	};
	sqlite3_stmt *st;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if (!(st = store__prepare(s, steps[i], err)))
			return err->code;
		sqlite3_bind_int64(st, 1, from);
		sqlite3_bind_int64(st, 2, into);
		if ((ret = store__step_done(s, st, err, "merge correlation data")) < 0)
			return ret;
	}
	return 0;
}

int store__correlate_rehome(struct store *s, int64_t finding_id, int64_t app_id, struct perr *err)
{
	static const char *const steps[] = {
		"UPDATE OR IGNORE correlation_keys SET app_id = ?2 WHERE finding_id = ?1",
		"DELETE FROM correlation_keys WHERE finding_id = ?1 AND app_id <> ?2",
		"UPDATE findings SET group_id = NULL WHERE id = ?1",
	};
	sqlite3_stmt *st;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if (!(st = store__prepare(s, steps[i], err)))
			return err->code;
		sqlite3_bind_int64(st, 1, finding_id);
		sqlite3_bind_int64(st, 2, app_id);
		if ((ret = store__step_done(s, st, err, "move correlation data")) < 0)
			return ret;
	}
	return 0;
}

int store_trace_evidence(struct store *s, int64_t finding_id, store_trace_cb cb, void *payload,
			 struct perr *err)
{
	static const char sql[] =
		"SELECT e.first_scan_id, e.last_scan_id, e.first_seen, e.last_seen, e.present, e.tool,"
		" c.kind || ':' || c.ident, coalesce(e.record -> '$.vuln_ids', '[]'),"
		" coalesce(e.record ->> '$.location.purl',"
		"  (e.record ->> '$.location.path') || coalesce(':' || (e.record ->> '$.location.start_line'), ''),"
		"  e.record ->> '$.location.url', e.record ->> '$.location.image'), e.severity"
		" FROM evidence e LEFT JOIN components c ON c.id = e.component_id"
		" WHERE e.finding_id = ?1 ORDER BY e.first_seen, e.first_scan_id, e.id";
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "read evidence");
	sqlite3_bind_int64(st, 1, finding_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_trace_row r = {
			.first_scan_id = sqlite3_column_int64(st, 0), .last_scan_id = sqlite3_column_int64(st, 1),
			.first_seen = sqlite3_column_int64(st, 2), .last_seen = sqlite3_column_int64(st, 3),
			.present = sqlite3_column_int(st, 4) != 0, .tool = store__col_text(st, 5),
			.component = store__col_text(st, 6), .vuln_ids = store__col_text(st, 7),
			.where = store__col_text(st, 8), .severity = (enum severity)sqlite3_column_int(st, 9),
		};

		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read evidence");
	sqlite3_finalize(st);
	return ret;
}
