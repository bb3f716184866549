/* VEX statements: kept per app, matched to findings by vulnerability and package. */
#include "posture.h"
#include "store/sqlite_int.h"
#include "model/fingerprint.h"
#include "util/alloc.h"

static const char put_sql[] =
	"INSERT INTO vex_statements (app_id, vuln_id, package, status, justification, author,"
	" document, at, scan_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
	" ON CONFLICT (app_id, vuln_id, package) DO UPDATE SET status = excluded.status,"
	" justification = excluded.justification, author = excluded.author,"
	" document = excluded.document, at = excluded.at, scan_id = excluded.scan_id"
	" WHERE excluded.at >= at";

/* Findings of the app with this vulnerability id on this package ('*': any). */
static const char match_sql[] =
	"SELECT f.id, f.status FROM findings f WHERE f.app_id = ?1"
	" AND EXISTS (SELECT 1 FROM json_each(f.vuln_ids) WHERE value = ?2)"
	" AND (?3 = '*' OR EXISTS (SELECT 1 FROM evidence e WHERE e.finding_id = f.id"
	"  AND posture_purl_base(json_extract(e.record, '$.location.purl')) = ?3))"
	" ORDER BY f.id";

static const char lookup_sql[] =
	"SELECT status, justification, author FROM vex_statements WHERE app_id = ?1"
	" AND vuln_id = ?2 AND (package = '*' OR package = posture_purl_base(?3))"
	" ORDER BY at DESC, id DESC LIMIT 1";

/* SQL function posture_purl_base(purl): the purl without version, qualifiers, subpath. */
static void purl_base_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *purl = (const char *)sqlite3_value_text(argv[0]);
	char base[1024];

	if (!purl) {
		sqlite3_result_null(ctx);
		return;
	}
	fingerprint_purl_base(base, sizeof(base), purl);
	sqlite3_result_text(ctx, base, -1, SQLITE_TRANSIENT);
}

int store__register_functions(struct store *s, struct perr *err)
{
	if (sqlite3_create_function(s->db, "posture_purl_base", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, purl_base_fn,
				    NULL, NULL) != SQLITE_OK)
		return store__error(s, err, "register functions");
	return 0;
}

int store_vex_put(struct store *s, const struct vex_statement *v, struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, put_sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, v->app_id);
	store__bind_text(st, 2, v->vuln_id);
	store__bind_text(st, 3, v->package);
	store__bind_text(st, 4, v->status);
	store__bind_text(st, 5, v->justification);
	store__bind_text(st, 6, v->author);
	store__bind_text(st, 7, v->document);
	sqlite3_bind_int64(st, 8, v->at);
	sqlite3_bind_int64(st, 9, v->scan_id);
	return store__step_done(s, st, err, "store VEX statement");
}

int store_vex_findings(struct store *s, int64_t app_id, const char *vuln_id,
		       const char *package, vex_finding_cb cb, void *payload, struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, match_sql, err);
	int64_t *ids = NULL;
	enum status *statuses = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	store__bind_text(st, 2, vuln_id);
	store__bind_text(st, 3, package);
	/* collect first: the callback writes to the same findings */
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		size_t a2 = alloc;

		ALLOC_GROW(ids, n + 1, alloc);
		ALLOC_GROW(statuses, n + 1, a2);
		ids[n] = sqlite3_column_int64(st, 0);
		if (status_parse(&statuses[n], store__col_text(st, 1)) < 0)
			statuses[n] = STATUS_OPEN;
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		ret = store__error(s, err, "match VEX statement");
	for (i = 0; !ret && i < n; i++)
		ret = cb(ids[i], statuses[i], payload, err);
	xfree(ids);
	xfree(statuses);
	return ret;
}

int store_vex_lookup(struct store *s, int64_t app_id, const char *vuln_id, const char *purl,
		     struct vex_statement *out, char *buf, size_t buflen, struct perr *err)
{
	sqlite3_stmt *st = store__prepare(s, lookup_sql, err);
	int rc, ret = P_ENOTFOUND;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	store__bind_text(st, 2, vuln_id);
	store__bind_text(st, 3, purl ? purl : "");
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		/* copy out: the row dies with the reset */
		const char *status = store__col_text(st, 0), *just = store__col_text(st, 1);
		const char *author = store__col_text(st, 2);
		int n = snprintf(buf, buflen, "%s%c%s%c%s", status ? status : "", 0,
				 just ? just : "", 0, author ? author : "");

		if (n < 0 || (size_t)n >= buflen)
			buf[buflen - 1] = '\0';
		memset(out, 0, sizeof(*out));
		out->status = buf;
		out->justification = buf + strlen(buf) + 1;
		out->author = out->justification + strlen(out->justification) + 1;
		if (!*out->justification)
			out->justification = NULL;
		if (!*out->author)
			out->author = NULL;
		ret = 0;
	} else if (rc != SQLITE_DONE) {
		ret = store__error(s, err, "look up VEX statement");
	}
	sqlite3_reset(st);
	return ret;
}
