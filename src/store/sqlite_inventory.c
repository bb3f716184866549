/*
 * The inventory in SQLite: reconciling posture.yaml, matching a report's
 * assets to components, re-homing findings, ownership, and the reads
 * behind `posture inventory`. See store.h for the contracts.
 */
#include "posture.h"
#include "store/store.h"
#include "store/sqlite_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"

#define ACTIVE_STATUSES "('open', 'triaged', 'in_progress', 'reopened')"

static const char *const unit_fields[] = { "description", NULL };
static const char *const team_fields[] = { "unit", "description", "contacts", "tickets", "chat",
					   "github_team", "members", NULL };
static const char *const app_fields[] = { "team", "criticality", "exposure", "data_sensitivity",
					  "environments", "description", NULL };
static const char *const component_fields[] = { "app", NULL };
static const char *const link_fields[] = { "from", "relation", "to", NULL };

const char *const *store_inv_fields(enum store_inv_type t)
{
	static const char *const *const all[STORE_INV__COUNT] = {
		unit_fields, team_fields, app_fields, component_fields, link_fields,
	};

	return all[t];
}

const char *store_inv_type_name(enum store_inv_type t)
{
	static const char *const names[STORE_INV__COUNT] = { "unit", "team", "app", "component", "link" };

	return names[t];
}

static const char *dup_col(struct arena *a, sqlite3_stmt *st, int i)
{
	const char *v = store__col_text(st, i);

	return v ? arena_strdup(a, v) : NULL;
}

/* "kind:ident" -> kind, ident (in a) */
static int split_name(struct arena *a, const char *name, const char **kind, const char **ident)
{
	const char *colon = strchr(name, ':');

	if (!colon)
		return P_EINVALID;
	*kind = arena_strndup(a, name, (size_t)(colon - name));
	*ident = colon + 1;
	return 0;
}

static int step_row(struct store *s, sqlite3_stmt *st, const char *what, struct perr *err)
{
	int rc = store__step(s, st);

	if (rc == SQLITE_ROW)
		return 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return P_ENOTFOUND;
	return store__error(s, err, what);
}

int store_inv_get(struct store *s, enum store_inv_type t, const char *name, struct arena *a,
		  struct store_inv_row *out, struct perr *err)
{
	static const char unit_sql[] =
		"SELECT id, load_id IS NOT NULL, retired_at IS NOT NULL, description FROM units WHERE name = ?1";
	static const char team_sql[] =
		"SELECT t.id, t.load_id IS NOT NULL, t.retired_at IS NOT NULL, u.name, t.description,"
		" t.contacts, t.ticket_system || ':' || t.ticket_target, t.chat, t.github_team, t.members"
		" FROM teams t LEFT JOIN units u ON u.id = t.unit_id WHERE t.name = ?1";
	static const char app_sql[] =
		"SELECT a.id, a.load_id IS NOT NULL, a.retired_at IS NOT NULL, t.name, a.criticality,"
		" a.exposure, a.data_sensitivity, a.environments, a.description"
		" FROM apps a LEFT JOIN teams t ON t.id = a.team_id WHERE a.name = ?1";
	static const char component_sql[] =
		"SELECT c.id, c.load_id IS NOT NULL, c.retired_at IS NOT NULL, a.name"
		" FROM components c LEFT JOIN apps a ON a.id = c.app_id WHERE c.kind = ?1 AND c.ident = ?2";
	static const char attrs_sql[] =
		"SELECT name, value FROM component_attrs WHERE component_id = ?1 ORDER BY name";
	static const char *const sql[STORE_INV__COUNT] = { unit_sql, team_sql, app_sql, component_sql,
							  NULL };
	sqlite3_stmt *st;
	const char *kind, *ident;
	int ret, i, nfields = 0;

	if (t == STORE_INV_LINK)
		return perr_set(err, P_ERROR, "links are read with store_inv_link_get");
	if (!(st = store__prepare(s, sql[t], err)))
		return err->code;
	memset(out, 0, sizeof(*out));
	out->name = name;
	if (t == STORE_INV_COMPONENT) {
		if (split_name(a, name, &kind, &ident) < 0)
			return P_ENOTFOUND;
		store__bind_text(st, 1, kind);
		store__bind_text(st, 2, ident);
	} else {
		store__bind_text(st, 1, name);
	}
	if ((ret = step_row(s, st, "read inventory", err)) < 0)
		return ret;
	out->id = sqlite3_column_int64(st, 0);
	out->declared = sqlite3_column_int(st, 1);
	out->retired = sqlite3_column_int(st, 2);
	while (store_inv_fields(t)[nfields])
		nfields++;
	for (i = 0; i < nfields; i++)
		out->v[i] = dup_col(a, st, 3 + i);
	sqlite3_reset(st);
	if (t == STORE_INV_COMPONENT) {
		int rc;

		if (!(st = store__prepare(s, attrs_sql, err)))
			return err->code;
		sqlite3_bind_int64(st, 1, out->id);
		while ((rc = store__step(s, st)) == SQLITE_ROW && out->nattrs < STORE_INV_ATTRS) {
			out->attrs[out->nattrs].name = dup_col(a, st, 0);
			out->attrs[out->nattrs].value = dup_col(a, st, 1);
			out->nattrs++;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return store__error(s, err, "read component attributes");
	}
	return 0;
}

int store_inv_link_get(struct store *s, const struct store_inv_row *row, struct arena *a,
		       struct store_inv_row *out, struct perr *err)
{
	static const char sql[] =
		"SELECT l.rowid, l.load_id IS NOT NULL, l.retired_at IS NOT NULL FROM component_links l"
		" JOIN components f ON f.id = l.from_id JOIN components t ON t.id = l.to_id"
		" WHERE f.kind = ?1 AND f.ident = ?2 AND l.relation = ?3 AND t.kind = ?4 AND t.ident = ?5";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	const char *fk, *fi, *tk, *ti;
	int ret;

	if (!st)
		return err->code;
	memset(out, 0, sizeof(*out));
	out->name = row->name;
	if (split_name(a, row->v[0], &fk, &fi) < 0 || split_name(a, row->v[2], &tk, &ti) < 0)
		return P_ENOTFOUND;
	store__bind_text(st, 1, fk);
	store__bind_text(st, 2, fi);
	store__bind_text(st, 3, row->v[1]);
	store__bind_text(st, 4, tk);
	store__bind_text(st, 5, ti);
	if ((ret = step_row(s, st, "read link", err)) < 0)
		return ret;
	out->id = sqlite3_column_int64(st, 0);
	out->declared = sqlite3_column_int(st, 1);
	out->retired = sqlite3_column_int(st, 2);
	sqlite3_reset(st);
	return 0;
}

static int put_returning_id(struct store *s, sqlite3_stmt *st, int64_t *id_out, const char *what,
			    struct perr *err)
{
	int rc = store__step(s, st);

	if (rc == SQLITE_ROW && id_out)
		*id_out = sqlite3_column_int64(st, 0);
	if (rc == SQLITE_ROW)
		rc = store__step(s, st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store__error(s, err, what);
	return 0;
}

static int put_attrs(struct store *s, int64_t id, const struct store_inv_row *row, struct perr *err)
{
	static const char del[] = "DELETE FROM component_attrs WHERE component_id = ?1";
	static const char ins[] =
		"INSERT OR REPLACE INTO component_attrs (component_id, name, value) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = store__prepare(s, del, err);
	size_t i;
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	if ((ret = store__step_done(s, st, err, "replace component attributes")) < 0)
		return ret;
	for (i = 0; i < row->nattrs; i++) {
		if (!row->attrs[i].value)
			continue;
		if (!(st = store__prepare(s, ins, err)))
			return err->code;
		sqlite3_bind_int64(st, 1, id);
		store__bind_text(st, 2, row->attrs[i].name);
		store__bind_text(st, 3, row->attrs[i].value);
		if ((ret = store__step_done(s, st, err, "store component attribute")) < 0)
			return ret;
	}
	return 0;
}

int store_inv_put(struct store *s, enum store_inv_type t, const struct store_inv_row *row,
		  int64_t load_id, int64_t now, int64_t *id_out, struct perr *err)
{
	static const char unit_sql[] =
		"INSERT INTO units (name, description, load_id, created_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (name) DO UPDATE SET description = excluded.description,"
		" load_id = excluded.load_id, retired_at = NULL RETURNING id";
	static const char team_sql[] =
		"INSERT INTO teams (name, unit_id, description, contacts, ticket_system, ticket_target, chat,"
		" github_team, members, load_id, created_at) VALUES (?1, (SELECT id FROM units WHERE name = ?2),"
		" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (name) DO UPDATE SET unit_id = excluded.unit_id, description = excluded.description,"
		" contacts = excluded.contacts, ticket_system = excluded.ticket_system,"
		" ticket_target = excluded.ticket_target, chat = excluded.chat, github_team = excluded.github_team,"
		" members = excluded.members, load_id = excluded.load_id, retired_at = NULL RETURNING id";
	static const char app_sql[] =
		"INSERT INTO apps (name, team_id, criticality, exposure, data_sensitivity, environments,"
		" description, discovered, load_id, created_at)"
		" VALUES (?1, (SELECT id FROM teams WHERE name = ?2), ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9)"
		" ON CONFLICT (name) DO UPDATE SET team_id = excluded.team_id, criticality = excluded.criticality,"
		" exposure = excluded.exposure, data_sensitivity = excluded.data_sensitivity,"
		" environments = excluded.environments, description = excluded.description, discovered = 0,"
		" load_id = excluded.load_id, retired_at = NULL RETURNING id";
	static const char component_sql[] =
		"INSERT INTO components (app_id, kind, ident, load_id, created_at)"
		" VALUES ((SELECT id FROM apps WHERE name = ?1), ?2, ?3, ?4, ?5)"
		" ON CONFLICT (kind, ident) DO UPDATE SET app_id = excluded.app_id, load_id = excluded.load_id,"
		" retired_at = NULL, merged_into = NULL RETURNING id";
	static const char link_sql[] =
		"INSERT INTO component_links (from_id, to_id, relation, load_id)"
		" VALUES ((SELECT id FROM components WHERE kind = ?1 AND ident = ?2),"
		" (SELECT id FROM components WHERE kind = ?4 AND ident = ?5), ?3, ?6)"
		" ON CONFLICT (from_id, to_id, relation) DO UPDATE SET load_id = excluded.load_id,"
		" retired_at = NULL RETURNING rowid";
	static const char *const sql[STORE_INV__COUNT] = { unit_sql, team_sql, app_sql, component_sql,
							  link_sql };
	sqlite3_stmt *st = store__prepare(s, sql[t], err);
	struct arena a = ARENA_INIT;
	const char *kind, *ident, *tk, *ti;
	int64_t id = 0;
	int ret = 0;

	if (!st)
		return err->code;
	switch (t) {
	case STORE_INV_UNIT:
		store__bind_text(st, 1, row->name);
		store__bind_text(st, 2, row->v[0]);
		sqlite3_bind_int64(st, 3, load_id);
		sqlite3_bind_int64(st, 4, now);
		break;
	case STORE_INV_TEAM: {
		const char *tickets = row->v[3], *colon = tickets ? strchr(tickets, ':') : NULL;

		store__bind_text(st, 1, row->name);
		store__bind_text(st, 2, row->v[0]);
		store__bind_text(st, 3, row->v[1]);
		store__bind_text(st, 4, row->v[2]);
		if (colon) {
			sqlite3_bind_text(st, 5, tickets, (int)(colon - tickets), SQLITE_STATIC);
			store__bind_text(st, 6, colon + 1);
		}
		store__bind_text(st, 7, row->v[4]);
		store__bind_text(st, 8, row->v[5]);
		store__bind_text(st, 9, row->v[6]);
		sqlite3_bind_int64(st, 10, load_id);
		sqlite3_bind_int64(st, 11, now);
		break;
	}
	case STORE_INV_APP:
		store__bind_text(st, 1, row->name);
		for (int i = 0; i < 6; i++)
			store__bind_text(st, 2 + i, row->v[i]);
		sqlite3_bind_int64(st, 8, load_id);
		sqlite3_bind_int64(st, 9, now);
		break;
	case STORE_INV_COMPONENT:
		if (split_name(&a, row->name, &kind, &ident) < 0) {
			ret = perr_set(err, P_ERROR, "component '%s' is not kind:ident", row->name);
			goto done;
		}
		store__bind_text(st, 1, row->v[0]);
		store__bind_text(st, 2, kind);
		store__bind_text(st, 3, ident);
		sqlite3_bind_int64(st, 4, load_id);
		sqlite3_bind_int64(st, 5, now);
		break;
	case STORE_INV_LINK:
		if (split_name(&a, row->v[0], &kind, &ident) < 0 || split_name(&a, row->v[2], &tk, &ti) < 0) {
			ret = perr_set(err, P_ERROR, "link '%s' has bad ends", row->name);
			goto done;
		}
		store__bind_text(st, 1, kind);
		store__bind_text(st, 2, ident);
		store__bind_text(st, 3, row->v[1]);
		store__bind_text(st, 4, tk);
		store__bind_text(st, 5, ti);
		sqlite3_bind_int64(st, 6, load_id);
		break;
	case STORE_INV__COUNT:
		break;
	}
	if ((ret = put_returning_id(s, st, &id, "store inventory", err)) < 0)
		goto done;
	if (t == STORE_INV_COMPONENT && (ret = put_attrs(s, id, row, err)) < 0)
		goto done;
	if (id_out)
		*id_out = id;
done:
	arena_release(&a);
	return ret;
}

int store_inv_retire(struct store *s, enum store_inv_type t, int64_t load_id, int64_t now,
		     store_inv_name_cb cb, void *payload, struct perr *err)
{
	static const char unit_sql[] =
		"UPDATE units SET retired_at = ?2 WHERE load_id IS NOT NULL AND load_id <> ?1"
		" AND retired_at IS NULL RETURNING name";
	static const char team_sql[] =
		"UPDATE teams SET retired_at = ?2 WHERE load_id IS NOT NULL AND load_id <> ?1"
		" AND retired_at IS NULL RETURNING name";
	static const char app_sql[] =
		"UPDATE apps SET retired_at = ?2 WHERE load_id IS NOT NULL AND load_id <> ?1"
		" AND retired_at IS NULL RETURNING name";
	static const char component_sql[] =
		"UPDATE components SET retired_at = ?2 WHERE load_id IS NOT NULL AND load_id <> ?1"
		" AND retired_at IS NULL RETURNING kind || ':' || ident";
	static const char link_sql[] =
		"UPDATE component_links SET retired_at = ?2 WHERE load_id IS NOT NULL AND load_id <> ?1"
		" AND retired_at IS NULL RETURNING"
		" (SELECT kind || ':' || ident FROM components WHERE id = from_id) || ' ' || relation || ' ' ||"
		" (SELECT kind || ':' || ident FROM components WHERE id = to_id)";
	static const char *const sql[STORE_INV__COUNT] = { unit_sql, team_sql, app_sql, component_sql,
							  link_sql };
	sqlite3_stmt *st = store__prepare(s, sql[t], err);
	struct arena a = ARENA_INIT;
	const char **names = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, load_id);
	sqlite3_bind_int64(st, 2, now);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = dup_col(&a, st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ret = store__error(s, err, "retire inventory");
		goto done;
	}
	for (i = 0; i < n && !ret; i++)
		ret = cb(t, names[i] ? names[i] : "?", payload, err);
done:
	xfree(names);
	arena_release(&a);
	return ret;
}

int store_inv_load_begin(struct store *s, const char *file, const char *sha256, int64_t now,
			 int64_t *load_id, struct perr *err)
{
	static const char sql[] = "INSERT INTO inventory_loads (file, sha256, loaded_at) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	store__bind_text(st, 1, file);
	store__bind_text(st, 2, sha256);
	sqlite3_bind_int64(st, 3, now);
	if ((ret = store__step_done(s, st, err, "record inventory load")) < 0)
		return ret;
	*load_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_inv_load_finish(struct store *s, int64_t load_id, long added, long changed,
			  long retired, struct perr *err)
{
	static const char sql[] =
		"UPDATE inventory_loads SET added = ?2, changed = ?3, retired = ?4 WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, load_id);
	sqlite3_bind_int64(st, 2, added);
	sqlite3_bind_int64(st, 3, changed);
	sqlite3_bind_int64(st, 4, retired);
	return store__step_done(s, st, err, "record inventory load");
}

int store_team_set_members(struct store *s, int64_t team_id, const struct strlist *members,
			   struct perr *err)
{
	static const char del[] = "DELETE FROM team_members WHERE team_id = ?1";
	static const char ins[] = "INSERT OR IGNORE INTO team_members (member, team_id) VALUES (?1, ?2)";
	sqlite3_stmt *st = store__prepare(s, del, err);
	size_t i;
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, team_id);
	if ((ret = store__step_done(s, st, err, "replace team members")) < 0)
		return ret;
	for (i = 0; i < members->n; i++) {
		if (!(st = store__prepare(s, ins, err)))
			return err->code;
		store__bind_text(st, 1, members->v[i]);
		sqlite3_bind_int64(st, 2, team_id);
		if ((ret = store__step_done(s, st, err, "store team member")) < 0)
			return ret;
	}
	return 0;
}

int store_component_set_keys(struct store *s, int64_t component_id, const struct strlist *keys,
			     const struct strlist *alias_keys, struct perr *err)
{
	static const char del[] = "DELETE FROM component_keys WHERE component_id = ?1";
	static const char claim[] = "INSERT OR REPLACE INTO component_keys (key, component_id) VALUES (?1, ?2)";
	static const char alias[] = "INSERT OR IGNORE INTO component_keys (key, component_id) VALUES (?1, ?2)";
	sqlite3_stmt *st = store__prepare(s, del, err);
	size_t i;
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, component_id);
	if ((ret = store__step_done(s, st, err, "replace component keys")) < 0)
		return ret;
	for (i = 0; i < keys->n + alias_keys->n; i++) {
		bool is_alias = i >= keys->n;

		if (!(st = store__prepare(s, is_alias ? alias : claim, err)))
			return err->code;
		store__bind_text(st, 1, is_alias ? alias_keys->v[i - keys->n] : keys->v[i]);
		sqlite3_bind_int64(st, 2, component_id);
		if ((ret = store__step_done(s, st, err, "store component key")) < 0)
			return ret;
	}
	return 0;
}

int store_codeowners_put(struct store *s, int64_t component_id, const char *source,
			 const char *content, size_t len, int64_t now, bool *changed, struct perr *err)
{
	static const char get[] = "SELECT sha256 FROM codeowners WHERE component_id = ?1";
	static const char put[] =
		"INSERT OR REPLACE INTO codeowners (component_id, source, sha256, content, loaded_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = store__prepare(s, get, err);
	char digest[65];
	int ret;

	if (!st)
		return err->code;
	sha256_hex(content, len, digest);
	sqlite3_bind_int64(st, 1, component_id);
	ret = step_row(s, st, "read CODEOWNERS", err);
	if (ret < 0 && ret != P_ENOTFOUND)
		return ret;
	*changed = ret == P_ENOTFOUND || strcmp(store__col_text(st, 0), digest);
	if (!ret)
		sqlite3_reset(st);
	if (!*changed)
		return 0;
	if (!(st = store__prepare(s, put, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, component_id);
	store__bind_text(st, 2, source);
	store__bind_text(st, 3, digest);
	sqlite3_bind_text(st, 4, content, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	return store__step_done(s, st, err, "store CODEOWNERS");
}

int store_codeowners_get(struct store *s, int64_t component_id, struct arena *a,
			 const char **content, struct perr *err)
{
	static const char sql[] = "SELECT content FROM codeowners WHERE component_id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, component_id);
	if ((ret = step_row(s, st, "read CODEOWNERS", err)) < 0)
		return ret;
	*content = dup_col(a, st, 0);
	sqlite3_reset(st);
	return *content ? 0 : P_ENOTFOUND;
}

/* --- asset matching --- */

int store_key_lookup(struct store *s, const char *key, struct store_placement *out,
		     struct perr *err)
{
	static const char sql[] =
		"SELECT c.id, coalesce(c.app_id, 0), coalesce(a.team_id, 0) FROM component_keys k"
		" JOIN components c ON c.id = k.component_id LEFT JOIN apps a ON a.id = c.app_id"
		" WHERE k.key = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	store__bind_text(st, 1, key);
	if ((ret = step_row(s, st, "match asset", err)) < 0)
		return ret;
	out->component_id = sqlite3_column_int64(st, 0);
	out->app_id = sqlite3_column_int64(st, 1);
	out->team_id = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	return 0;
}

int store_app_team(struct store *s, int64_t app_id, int64_t *team_id, struct perr *err)
{
	static const char sql[] = "SELECT coalesce(team_id, 0) FROM apps WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	if ((ret = step_row(s, st, "read app", err)) < 0)
		return ret;
	*team_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int store_app_name(struct store *s, int64_t app_id, struct arena *a, const char **name,
		   struct perr *err)
{
	static const char sql[] = "SELECT name FROM apps WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	if ((ret = step_row(s, st, "read app", err)) < 0)
		return ret;
	*name = dup_col(a, st, 0);
	sqlite3_reset(st);
	return 0;
}

int store_component_discover(struct store *s, const char *kind, const char *ident,
			     const char *key, int64_t app_id, int64_t now,
			     struct store_placement *out, struct perr *err)
{
	static const char sql[] =
		"INSERT INTO components (app_id, kind, ident, created_at) VALUES (nullif(?1, 0), ?2, ?3, ?4)"
		" ON CONFLICT (kind, ident) DO UPDATE SET app_id = coalesce(app_id, excluded.app_id)"
		" RETURNING id, coalesce(app_id, 0)";
	static const char key_sql[] =
		"INSERT OR IGNORE INTO component_keys (key, component_id) VALUES (?1, ?2)";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	store__bind_text(st, 2, kind);
	store__bind_text(st, 3, ident);
	sqlite3_bind_int64(st, 4, now);
	rc = store__step(s, st);
	if (rc == SQLITE_ROW) {
		out->component_id = sqlite3_column_int64(st, 0);
		out->app_id = sqlite3_column_int64(st, 1);
		rc = store__step(s, st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store__error(s, err, "record discovered component");
	if (!(st = store__prepare(s, key_sql, err)))
		return err->code;
	store__bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, out->component_id);
	if ((ret = store__step_done(s, st, err, "record discovered component")) < 0)
		return ret;
	out->team_id = 0;
	if (out->app_id && (ret = store_app_team(s, out->app_id, &out->team_id, err)) < 0)
		return ret == P_ENOTFOUND ? 0 : ret;
	return 0;
}

int store_scan_kind_add(struct store *s, int64_t scan_id, int64_t app_id, int64_t component_id,
			const char *kind, long evidence, struct perr *err)
{
	static const char sql[] =
		"INSERT INTO scan_kinds (scan_id, app_id, component_id, kind, evidence_count)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (scan_id, app_id, component_id, kind)"
		" DO UPDATE SET evidence_count = evidence_count + excluded.evidence_count";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, scan_id);
	sqlite3_bind_int64(st, 2, app_id);
	sqlite3_bind_int64(st, 3, component_id);
	store__bind_text(st, 4, kind);
	sqlite3_bind_int64(st, 5, evidence);
	return store__step_done(s, st, err, "record scan coverage");
}

/* --- re-homing --- */

int store_orphans_each(struct store *s, const char *default_app, store_orphan_cb cb, void *payload,
		       struct perr *err)
{
	static const char sql[] =
		"SELECT f.id, coalesce(c.id, 0), c.kind, c.ident, a.name = ?1,"
		" json_extract(e.record, '$.location.image'), json_extract(e.record, '$.properties.image_digest'),"
		" json_extract(e.record, '$.location.url'), json_extract(e.record, '$.location.resource'),"
		" json_extract(e.record, '$.location.purl')"
		" FROM findings f JOIN apps a ON a.id = f.app_id LEFT JOIN components c ON c.id = f.component_id"
		" LEFT JOIN evidence e ON e.id = (SELECT min(id) FROM evidence WHERE finding_id = f.id)"
		" WHERE (c.id IS NOT NULL AND c.load_id IS NULL AND c.merged_into IS NULL)"
		" OR (f.component_id IS NULL AND a.name = ?1) ORDER BY f.id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	struct arena a = ARENA_INIT;
	struct store_orphan *rows = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!st)
		return err->code;
	store__bind_text(st, 1, default_app);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_orphan *o;

		ALLOC_GROW(rows, n + 1, alloc);
		o = &rows[n++];
		o->finding_id = sqlite3_column_int64(st, 0);
		o->component_id = sqlite3_column_int64(st, 1);
		o->kind = dup_col(&a, st, 2);
		o->ident = dup_col(&a, st, 3);
		o->default_app = sqlite3_column_int(st, 4);
		o->image = dup_col(&a, st, 5);
		o->image_digest = dup_col(&a, st, 6);
		o->url = dup_col(&a, st, 7);
		o->resource = dup_col(&a, st, 8);
		o->purl = dup_col(&a, st, 9);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		ret = store__error(s, err, "read findings to re-home");
	for (i = 0; i < n && !ret; i++)
		ret = cb(&rows[i], payload, err);
	xfree(rows);
	arena_release(&a);
	return ret;
}

int store_finding_set_component(struct store *s, int64_t finding_id, int64_t component_id,
				struct perr *err)
{
	static const char sql[] = "UPDATE findings SET component_id = ?2 WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	sqlite3_bind_int64(st, 2, component_id);
	return store__step_done(s, st, err, "move finding");
}

int store_component_merge(struct store *s, int64_t from_id, int64_t to_id, int64_t now,
			  struct perr *err)
{
	static const char retire[] =
		"UPDATE components SET merged_into = ?2, retired_at = ?3,"
		" app_id = (SELECT app_id FROM components WHERE id = ?2) WHERE id = ?1";
	static const char *const sqls[] = {
		"UPDATE findings SET component_id = ?2 WHERE component_id = ?1",
		"UPDATE scans SET component_id = ?2 WHERE component_id = ?1",
		"UPDATE evidence SET component_id = ?2 WHERE component_id = ?1",
		"UPDATE component_keys SET component_id = ?2 WHERE component_id = ?1",
		/* correlation follows the lineage of the component the keys were seen on */
		"UPDATE correlation_keys SET component_id = ?2 WHERE component_id = ?1",
		retire,
	};
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(sqls); i++) {
		sqlite3_stmt *st = store__prepare(s, sqls[i], err);

		if (!st)
			return err->code;
		sqlite3_bind_int64(st, 1, from_id);
		sqlite3_bind_int64(st, 2, to_id);
		if (i == ARRAY_SIZE(sqls) - 1)
			sqlite3_bind_int64(st, 3, now);
		if ((ret = store__step_done(s, st, err, "merge component")) < 0)
			return ret;
	}
	return 0;
}

int store_misplaced_each(struct store *s, store_misplaced_cb cb, void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT f.id, c.app_id FROM findings f JOIN components c ON c.id = f.component_id"
		" WHERE c.app_id IS NOT NULL AND c.app_id <> f.app_id ORDER BY f.id";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int64_t (*rows)[2] = NULL;
	size_t n = 0, alloc = 0, i;
	int rc, ret = 0;

	if (!st)
		return err->code;
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		ALLOC_GROW(rows, n + 1, alloc);
		rows[n][0] = sqlite3_column_int64(st, 0);
		rows[n][1] = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		ret = store__error(s, err, "read misplaced findings");
	for (i = 0; i < n && !ret; i++)
		ret = cb(rows[i][0], rows[i][1], payload, err);
	xfree(rows);
	return ret;
}

/* A person decided this status; ingest's open/fixed/reopened are machine states. */
static bool human_status(const char *s)
{
	return s && strcmp(s, "open") && strcmp(s, "fixed") && strcmp(s, "reopened");
}

static bool active_status(const char *s)
{
	return s && (!strcmp(s, "open") || !strcmp(s, "reopened") || !strcmp(s, "triaged") ||
		     !strcmp(s, "in_progress"));
}

static int merge_finding(struct store *s, int64_t from, int64_t into, struct perr *err)
{
	static const char get[] = "SELECT status, coalesce(fixed_at, 0) FROM findings WHERE id = ?1";
	static const char move_evidence[] =
		"UPDATE evidence SET finding_id = ?2, ekey = CASE WHEN EXISTS (SELECT 1 FROM evidence x"
		" WHERE x.finding_id = ?2 AND x.ekey = evidence.ekey) THEN evidence.ekey || '@' || evidence.id"
		" ELSE evidence.ekey END WHERE finding_id = ?1";
	static const char move_events[] = "UPDATE events SET finding_id = ?2 WHERE finding_id = ?1";
	static const char widen[] =
		"UPDATE findings SET first_seen = min(findings.first_seen, o.first_seen),"
		" last_seen = max(findings.last_seen, o.last_seen), severity = max(findings.severity, o.severity),"
		" recurrence = findings.recurrence + o.recurrence,"
		" last_scan_id = CASE WHEN o.last_seen > findings.last_seen THEN o.last_scan_id"
		" ELSE findings.last_scan_id END,"
		" seen_scan_id = CASE WHEN o.last_seen > findings.last_seen THEN o.seen_scan_id"
		" ELSE findings.seen_scan_id END, scan_dupes = 0,"
		" owner_team_id = coalesce(findings.owner_team_id, o.owner_team_id),"
		" status = ?3, fixed_at = nullif(?4, 0)"
		" FROM (SELECT * FROM findings WHERE id = ?1) AS o WHERE findings.id = ?2";
	/* the merged finding is rescored; what else refers to findings moves above */
	static const char drop_risk[] = "DELETE FROM finding_risk WHERE finding_id = ?1";
	static const char del[] = "DELETE FROM findings WHERE id = ?1";
	struct arena a = ARENA_INIT;
	const char *st_from = NULL, *st_into = NULL, *status;
	int64_t fixed_from = 0, fixed_into = 0, fixed;
	sqlite3_stmt *st;
	int ret = 0, i;

	for (i = 0; i < 2; i++) {
		if (!(st = store__prepare(s, get, err))) {
			ret = err->code;
			goto done;
		}
		sqlite3_bind_int64(st, 1, i ? into : from);
		if ((ret = step_row(s, st, "read finding", err)) < 0)
			goto done;
		if (i) {
			st_into = dup_col(&a, st, 0);
			fixed_into = sqlite3_column_int64(st, 1);
		} else {
			st_from = dup_col(&a, st, 0);
			fixed_from = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
	}
	/* a person's decision wins, then whichever is still active */
	if (human_status(st_into) || active_status(st_into) || !(human_status(st_from) || active_status(st_from))) {
		status = st_into;
		fixed = active_status(st_into) ? 0 : (fixed_into > fixed_from ? fixed_into : fixed_from);
	} else {
		status = st_from;
		fixed = fixed_from;
	}
	if (human_status(st_from) && !human_status(st_into)) {
		status = st_from;
		fixed = fixed_from;
	}
	if ((ret = store__correlate_merge(s, from, into, err)) < 0)
		goto done;
	{
		const char *steps[] = { move_evidence, move_events, widen, drop_risk, del };

		for (i = 0; i < (int)ARRAY_SIZE(steps); i++) {
			if (!(st = store__prepare(s, steps[i], err))) {
				ret = err->code;
				goto done;
			}
			sqlite3_bind_int64(st, 1, from);
			if (i < 3)
				sqlite3_bind_int64(st, 2, into);
			if (i == 2) {
				store__bind_text(st, 3, status);
				sqlite3_bind_int64(st, 4, fixed);
			}
			if ((ret = store__step_done(s, st, err, "merge findings")) < 0)
				goto done;
		}
	}
done:
	arena_release(&a);
	return ret;
}

int store_finding_rehome(struct store *s, int64_t finding_id, int64_t app_id,
			 int64_t *merged_into, struct perr *err)
{
	static const char find[] =
		"SELECT t.id FROM findings f JOIN findings t ON t.app_id = ?2 AND t.fingerprint = f.fingerprint"
		" WHERE f.id = ?1 AND t.id <> f.id";
	static const char move[] = "UPDATE findings SET app_id = ?2 WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, find, err);
	int ret;

	*merged_into = 0;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	sqlite3_bind_int64(st, 2, app_id);
	ret = step_row(s, st, "look up finding", err);
	if (ret == 0) {
		*merged_into = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return merge_finding(s, finding_id, *merged_into, err);
	}
	if (ret != P_ENOTFOUND)
		return ret;
	if (!(st = store__prepare(s, move, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, finding_id);
	sqlite3_bind_int64(st, 2, app_id);
	if ((ret = store__step_done(s, st, err, "move finding")) < 0)
		return ret;
	return store__correlate_rehome(s, finding_id, app_id, err);
}

int store_scopes_follow(struct store *s, struct perr *err)
{
	static const char scans[] =
		"UPDATE scans SET app_id = c.app_id FROM components c WHERE c.id = scans.component_id"
		" AND c.app_id IS NOT NULL AND scans.app_id <> c.app_id";
	static const char evidence[] =
		"UPDATE evidence SET app_id = c.app_id FROM components c WHERE c.id = evidence.component_id"
		" AND c.app_id IS NOT NULL AND evidence.app_id <> c.app_id";
	sqlite3_stmt *st;
	int ret;

	if (!(st = store__prepare(s, scans, err)))
		return err->code;
	if ((ret = store__step_done(s, st, err, "move scans")) < 0)
		return ret;
	if (!(st = store__prepare(s, evidence, err)))
		return err->code;
	return store__step_done(s, st, err, "move evidence");
}

/* --- ownership --- */

#define OWNER_COLUMNS                                                                          \
	"SELECT f.id, coalesce(a.team_id, 0), coalesce(f.component_id, 0),"                   \
	" coalesce(f.owner_team_id, 0), f.path, coalesce(c.kind = 'repo', 0)"                  \
	" FROM findings f JOIN apps a ON a.id = f.app_id LEFT JOIN components c ON c.id = f.component_id"

static void owner_row(sqlite3_stmt *st, struct arena *a, struct store_owner_input *in)
{
	in->finding_id = sqlite3_column_int64(st, 0);
	in->app_team_id = sqlite3_column_int64(st, 1);
	in->component_id = sqlite3_column_int64(st, 2);
	in->owner_team_id = sqlite3_column_int64(st, 3);
	in->path = dup_col(a, st, 4);
	in->repo = sqlite3_column_int(st, 5);
}

/* "[1,2,3]": a list of ids as one bound JSON text, read back with json_each(). */
static int ids_json(struct pbuf *b, const int64_t *ids, size_t n)
{
	size_t i;
	int ret = pbuf_addch(b, '[');

	for (i = 0; i < n && !ret; i++)
		ret = pbuf_addf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
	return ret ? ret : pbuf_addch(b, ']');
}

/*
 * Read in batches so that memory stays bounded whatever the scan's size: a
 * batch is copied out before its callbacks run, since they may write.
 */
#define OWNER_BATCH 4096

int store_owner_inputs_each(struct store *s, const int64_t *ids, size_t n, int64_t component_id,
			    store_owner_cb cb, void *payload, struct perr *err)
{
	static const char by_ids[] = OWNER_COLUMNS " WHERE f.id IN (SELECT value FROM json_each(?1)) ORDER BY f.id";
	static const char by_component[] =
		OWNER_COLUMNS " WHERE f.component_id = ?1 AND f.id > ?2 ORDER BY f.id LIMIT ?3";
	static const char all[] = OWNER_COLUMNS " WHERE f.id > ?2 ORDER BY f.id LIMIT ?3";
	struct arena a = ARENA_INIT;
	struct store_owner_input *rows = NULL;
	struct pbuf list = PBUF_INIT;
	size_t nrows, alloc = 0, done = 0, i;
	int64_t after = 0;
	sqlite3_stmt *st;
	int rc, ret = 0;

	for (;;) {
		size_t k = ids ? (n - done < OWNER_BATCH ? n - done : OWNER_BATCH) : 0;

		if (ids && !k)
			break;
		if (!(st = store__prepare(s, ids ? by_ids : component_id ? by_component : all, err))) {
			ret = err->code;
			break;
		}
		if (ids) {
			pbuf_reset(&list);
			if (ids_json(&list, ids + done, k) < 0) {
				ret = perr_set(err, P_ERROR, "too many findings");
				break;
			}
			sqlite3_bind_text(st, 1, list.buf, (int)list.len, SQLITE_STATIC);
			done += k;
		} else {
			if (component_id)
				sqlite3_bind_int64(st, 1, component_id);
			sqlite3_bind_int64(st, 2, after);
			sqlite3_bind_int(st, 3, OWNER_BATCH);
		}
		arena_reset(&a);
		nrows = 0;
		while ((rc = store__step(s, st)) == SQLITE_ROW) {
			ALLOC_GROW(rows, nrows + 1, alloc);
			owner_row(st, &a, &rows[nrows++]);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			ret = store__error(s, err, "read finding owners");
			break;
		}
		for (i = 0; i < nrows && !ret; i++)
			ret = cb(&rows[i], payload, err);
		if (ret || (!ids && nrows < OWNER_BATCH))
			break;
		if (!ids)
			after = rows[nrows - 1].finding_id;
	}
	pbuf_release(&list);
	xfree(rows);
	arena_release(&a);
	return ret;
}

int store_team_for_owner(struct store *s, const char *owner, int64_t *team_id, struct perr *err)
{
	static const char by_team[] =
		"SELECT id FROM teams WHERE github_team = ?1 AND retired_at IS NULL ORDER BY name LIMIT 1";
	static const char by_member[] =
		"SELECT t.id FROM team_members m JOIN teams t ON t.id = m.team_id"
		" WHERE m.member = ?1 AND t.retired_at IS NULL ORDER BY t.name LIMIT 1";
	bool team = strchr(owner, '/') != NULL;
	sqlite3_stmt *st = store__prepare(s, team ? by_team : by_member, err);
	int ret;

	*team_id = 0;
	if (!st)
		return err->code;
	store__bind_text(st, 1, team && owner[0] == '@' ? owner + 1 : owner);
	if ((ret = step_row(s, st, "map owner to team", err)) < 0)
		return ret == P_ENOTFOUND ? 0 : ret;
	*team_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int store_team_name(struct store *s, int64_t team_id, struct arena *a, const char **name,
		    struct perr *err)
{
	static const char sql[] = "SELECT name FROM teams WHERE id = ?1";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int ret;

	*name = NULL;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, team_id);
	if ((ret = step_row(s, st, "read team", err)) < 0)
		return ret;
	*name = dup_col(a, st, 0);
	sqlite3_reset(st);
	return 0;
}

int store_findings_assign(struct store *s, const int64_t *ids, size_t n, int64_t team_id, int64_t at,
			  const char *from, const char *to, const char *reason, struct perr *err)
{
	static const char set[] =
		"UPDATE findings SET owner_team_id = nullif(?2, 0) WHERE id IN (SELECT value FROM json_each(?1))";
	static const char log[] =
		"INSERT INTO events (finding_id, at, type, from_value, to_value, actor, reason)"
		" SELECT value, ?2, ?3, ?4, ?5, 'posture', ?6 FROM json_each(?1)";
	struct pbuf list = PBUF_INIT;
	sqlite3_stmt *st;
	int ret;

	if (ids_json(&list, ids, n) < 0) {
		pbuf_release(&list);
		return perr_set(err, P_ERROR, "too many findings");
	}
	if (!(st = store__prepare(s, set, err))) {
		ret = err->code;
		goto done;
	}
	sqlite3_bind_text(st, 1, list.buf, (int)list.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, team_id);
	if ((ret = store__step_done(s, st, err, "assign findings")) < 0)
		goto done;
	if (!(st = store__prepare(s, log, err))) {
		ret = err->code;
		goto done;
	}
	sqlite3_bind_text(st, 1, list.buf, (int)list.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	store__bind_text(st, 3, event_name(EVENT_ASSIGNED));
	store__bind_text(st, 4, from);
	store__bind_text(st, 5, to);
	store__bind_text(st, 6, reason);
	ret = store__step_done(s, st, err, "record assignments");
done:
	pbuf_release(&list);
	return ret;
}

/* --- reading --- */

int store_apps_each(struct store *s, const char *name, bool retired, store_app_cb cb,
		    void *payload, struct perr *err)
{
	static const char sql[] =
		"SELECT a.id, a.name, t.name, u.name, a.criticality, a.exposure, a.data_sensitivity,"
		" a.environments, a.description, a.discovered, coalesce(a.retired_at, 0),"
		" (SELECT count(*) FROM components c WHERE c.app_id = a.id AND c.retired_at IS NULL),"
		" coalesce(fs.c1, 0), coalesce(fs.c2, 0), coalesce(fs.c3, 0), coalesce(fs.c4, 0),"
		" coalesce(fs.c5, 0)"
		" FROM apps a LEFT JOIN teams t ON t.id = a.team_id LEFT JOIN units u ON u.id = t.unit_id"
		" LEFT JOIN (SELECT app_id, sum(severity = 1) AS c1, sum(severity = 2) AS c2,"
		" sum(severity = 3) AS c3, sum(severity = 4) AS c4, sum(severity = 5) AS c5"
		" FROM findings WHERE status IN " ACTIVE_STATUSES " GROUP BY app_id) fs ON fs.app_id = a.id"
		" WHERE (?1 IS NULL OR a.name = ?1) AND (?1 IS NOT NULL OR ?2 OR a.retired_at IS NULL)"
		" ORDER BY a.name";
	sqlite3_stmt *st = NULL;
	int rc, ret = 0, i;

	/* not cached: a callback may read other things (components of each app) meanwhile */
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "list apps");
	store__bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, retired);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_app_row r = {
			.id = sqlite3_column_int64(st, 0), .name = store__col_text(st, 1),
			.team = store__col_text(st, 2), .unit = store__col_text(st, 3),
			.criticality = store__col_text(st, 4), .exposure = store__col_text(st, 5),
			.data_sensitivity = store__col_text(st, 6), .environments = store__col_text(st, 7),
			.description = store__col_text(st, 8), .discovered = sqlite3_column_int(st, 9),
			.retired_at = sqlite3_column_int64(st, 10), .components = sqlite3_column_int(st, 11),
		};

		for (i = 1; i <= SEV_CRITICAL; i++)
			r.open[i] = sqlite3_column_int(st, 11 + i);
		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "list apps");
	sqlite3_finalize(st);
	return ret;
}

#define COMPONENT_ORDER                                                                     \
	" ORDER BY CASE c.kind WHEN 'repo' THEN 0 WHEN 'image' THEN 1 WHEN 'service' THEN 2"  \
	" WHEN 'url' THEN 3 WHEN 'api' THEN 4 WHEN 'cloud' THEN 5 WHEN 'package' THEN 6 ELSE 7 END," \
	" c.ident"

static int components_query(struct store *s, const char *sql, int64_t app_id, bool with_attrs,
			    store_component_cb cb, void *payload, struct perr *err)
{
	static const char attrs_sql[] =
		"SELECT name, value FROM component_attrs WHERE component_id = ?1 ORDER BY name";
	struct arena a = ARENA_INIT;
	struct store_component_row *rows = NULL;
	size_t n = 0, alloc = 0, i;
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store__error(s, err, "list components");
	if (app_id)
		sqlite3_bind_int64(st, 1, app_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_component_row *r;

		ALLOC_GROW(rows, n + 1, alloc);
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->kind = dup_col(&a, st, 1);
		r->ident = dup_col(&a, st, 2);
		r->declared = sqlite3_column_int(st, 3);
		r->retired_at = sqlite3_column_int64(st, 4);
		r->has_codeowners = sqlite3_column_int(st, 5);
		r->findings = sqlite3_column_int(st, 6);
		r->app_id = sqlite3_column_int64(st, 7);
		r->app = dup_col(&a, st, 8);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ret = store__error(s, err, "list components");
		goto done;
	}
	for (i = 0; i < n && !ret; i++) {
		struct store_attr *attrs = NULL;
		size_t nattrs = 0, attrs_alloc = 0;

		if (with_attrs && rows[i].declared) {
			if (!(st = store__prepare(s, attrs_sql, err))) {
				ret = err->code;
				goto done;
			}
			sqlite3_bind_int64(st, 1, rows[i].id);
			while ((rc = store__step(s, st)) == SQLITE_ROW) {
				attrs = arena_grow(&a, attrs, sizeof(*attrs), nattrs + 1, &attrs_alloc);
				attrs[nattrs].name = dup_col(&a, st, 0);
				attrs[nattrs].value = dup_col(&a, st, 1);
				nattrs++;
			}
			sqlite3_reset(st);
			if (rc != SQLITE_DONE) {
				ret = store__error(s, err, "read component attributes");
				goto done;
			}
		}
		rows[i].attrs = attrs;
		rows[i].nattrs = nattrs;
		ret = cb(&rows[i], payload, err);
	}
done:
	xfree(rows);
	arena_release(&a);
	return ret;
}

#define COMPONENT_COLUMNS                                                                        \
	"SELECT c.id, c.kind, c.ident, c.load_id IS NOT NULL, coalesce(c.retired_at, 0),"          \
	" EXISTS (SELECT 1 FROM codeowners o WHERE o.component_id = c.id),"                        \
	" (SELECT count(*) FROM findings f WHERE f.component_id = c.id AND f.status IN " ACTIVE_STATUSES ")," \
	" coalesce(c.app_id, 0), a.name FROM components c LEFT JOIN apps a ON a.id = c.app_id"

int store_components_each(struct store *s, int64_t app_id, store_component_cb cb,
			  void *payload, struct perr *err)
{
	static const char sql[] = COMPONENT_COLUMNS " WHERE c.app_id = ?1 AND c.merged_into IS NULL"
		COMPONENT_ORDER;

	return components_query(s, sql, app_id, true, cb, payload, err);
}

int store_unowned_components_each(struct store *s, store_component_cb cb, void *payload,
				  struct perr *err)
{
	static const char sql[] =
		"SELECT c.id, c.kind, c.ident, c.load_id IS NOT NULL, coalesce(c.retired_at, 0), 0,"
		" count(f.id), 0, NULL FROM components c JOIN findings f ON f.component_id = c.id"
		" WHERE c.app_id IS NULL AND c.merged_into IS NULL GROUP BY c.id"
		" ORDER BY count(f.id) DESC, c.kind, c.ident";

	return components_query(s, sql, 0, false, cb, payload, err);
}

int store_component_find(struct store *s, const char *kind, const char *ident,
			 int64_t *id, struct perr *err)
{
	struct store_placement p;
	char *key;
	int ret;

	key = xmalloc(strlen(kind) + strlen(ident) + 2);
	snprintf(key, strlen(kind) + strlen(ident) + 2, "%s:%s", kind, ident);
	ret = store_key_lookup(s, key, &p, err);
	xfree(key);
	if (ret == P_ENOTFOUND)
		return perr_set(err, P_ENOTFOUND, "no %s component '%s' in the inventory", kind, ident);
	if (ret < 0)
		return ret;
	*id = p.component_id;
	return 0;
}

int store_links_each(struct store *s, int64_t app_id, store_link_cb cb, void *payload,
		     struct perr *err)
{
	static const char sql[] =
		"SELECT l.from_id, l.to_id, l.relation, f.kind || ':' || f.ident, t.kind || ':' || t.ident,"
		" l.retired_at IS NOT NULL FROM component_links l JOIN components f ON f.id = l.from_id"
		" JOIN components t ON t.id = l.to_id WHERE f.app_id = ?1 OR t.app_id = ?1"
		" ORDER BY CASE l.relation WHEN 'builds' THEN 0 WHEN 'runs_as' THEN 1 ELSE 2 END,"
		" f.ident, t.ident";
	sqlite3_stmt *st = store__prepare(s, sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, app_id);
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_link_row r = {
			.from_id = sqlite3_column_int64(st, 0), .to_id = sqlite3_column_int64(st, 1),
			.relation = store__col_text(st, 2), .from = store__col_text(st, 3),
			.to = store__col_text(st, 4), .retired = sqlite3_column_int(st, 5),
		};

		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "list links");
	return ret;
}

/* --- coverage --- */

int store_coverage_each(struct store *s, bool with_findings, store_coverage_cb cb, void *payload,
			struct perr *err)
{
	static const char sql[] =
		"SELECT a.id, a.name, x.kind, max(x.at), count(DISTINCT x.scan_id), sum(x.evidence),"
		" sum(x.active) FROM ("
		" SELECT CASE WHEN c.app_id IS NOT NULL THEN c.app_id ELSE k.app_id END AS app_id, k.kind,"
		" s.scanned_at AS at, k.scan_id, k.evidence_count AS evidence, 0 AS active"
		" FROM scan_kinds k JOIN scans s ON s.id = k.scan_id"
		" LEFT JOIN components c ON c.id = k.component_id"
		" UNION ALL SELECT f.app_id, f.kind, 0, NULL, 0, 1 FROM findings f"
		" WHERE f.status IN " ACTIVE_STATUSES
		") x JOIN apps a ON a.id = x.app_id WHERE a.retired_at IS NULL"
		" GROUP BY a.id, x.kind ORDER BY a.name, x.kind";
	static const char scans_sql[] =
		"SELECT a.id, a.name, k.kind, max(s.scanned_at), count(DISTINCT k.scan_id),"
		" sum(k.evidence_count), 0 FROM scan_kinds k JOIN scans s ON s.id = k.scan_id"
		" LEFT JOIN components c ON c.id = k.component_id"
		" JOIN apps a ON a.id = coalesce(c.app_id, k.app_id) WHERE a.retired_at IS NULL"
		" GROUP BY a.id, k.kind ORDER BY a.name, k.kind";
	sqlite3_stmt *st = store__prepare(s, with_findings ? sql : scans_sql, err);
	int rc, ret = 0;

	if (!st)
		return err->code;
	while ((rc = store__step(s, st)) == SQLITE_ROW) {
		struct store_coverage_row r = {
			.app_id = sqlite3_column_int64(st, 0), .app = store__col_text(st, 1),
			.kind = store__col_text(st, 2), .last_scan = sqlite3_column_int64(st, 3),
			.scans = sqlite3_column_int(st, 4), .evidence = sqlite3_column_int(st, 5),
			.active_findings = sqlite3_column_int(st, 6),
		};

		if ((ret = cb(&r, payload, err)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (!ret && rc != SQLITE_DONE)
		ret = store__error(s, err, "read coverage");
	return ret;
}
