/*
 * posture.yaml -> database, with a report of every difference, and
 * findings re-homed when their components change hands.
 */
#include "posture.h"
#include "inventory/reconcile.h"
#include "inventory/resolve.h"
#include "model/fingerprint.h"
#include "util/alloc.h"
#include "util/strmap.h"

void inventory_report_init(struct inv_report *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena, 0);
}

void inventory_report_release(struct inv_report *r)
{
	xfree(r->changes);
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

bool inventory_report_empty(const struct inv_report *r)
{
	return !r->nchanges && !r->rehomed && !r->merged && !r->assigned;
}

static struct inv_change *add_change(struct inv_report *r, enum inv_change_op op,
				     enum store_inv_type type, const char *name)
{
	struct inv_change *c;

	ALLOC_GROW(r->changes, r->nchanges + 1, r->changes_alloc);
	c = &r->changes[r->nchanges++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->type = type;
	c->name = arena_strdup(&r->arena, name);
	return c;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static void diff_field(struct inv_report *rep, enum store_inv_type t, const char *name,
		       const char *field, const char *from, const char *to, bool *changed)
{
	struct inv_change *c;

	if (same(from, to))
		return;
	c = add_change(rep, INV_CHANGED, t, name);
	c->field = field;
	c->from = dup_or_null(&rep->arena, from);
	c->to = dup_or_null(&rep->arena, to);
	*changed = true;
}

/*
 * Compare what the database holds with the new row, report it, write it.
 * Returns the row's id in *id.
 */
static int reconcile_row(struct store *s, enum store_inv_type t, const struct store_inv_row *row,
			 int64_t load_id, int64_t now, struct inv_report *rep, int64_t *id,
			 struct perr *err)
{
	const char *const *fields = store_inv_fields(t);
	struct store_inv_row old;
	struct arena a = ARENA_INIT;
	bool changed = false;
	size_t i, j;
	int ret;

	ret = t == STORE_INV_LINK ? store_inv_link_get(s, row, &a, &old, err) :
				    store_inv_get(s, t, row->name, &a, &old, err);
	if (ret < 0 && ret != P_ENOTFOUND)
		goto done;
	if (ret == P_ENOTFOUND || !old.declared || old.retired) {
		struct inv_change *c = add_change(rep, INV_ADDED, t, row->name);

		if (ret == 0 && !old.declared)
			c->note = "was discovered";
		else if (ret == 0)
			c->note = "restored";
		rep->added++;
	}
	if (ret == 0 && old.declared && !old.retired) {
		for (i = 0; fields[i] && t != STORE_INV_LINK; i++)
			diff_field(rep, t, row->name, fields[i], old.v[i], row->v[i], &changed);
		/* attributes: each name in either list */
		for (i = 0; i < row->nattrs; i++) {
			const char *was = NULL;

			for (j = 0; j < old.nattrs; j++)
				if (!strcmp(old.attrs[j].name, row->attrs[i].name))
					was = old.attrs[j].value;
			diff_field(rep, t, row->name, row->attrs[i].name, was, row->attrs[i].value, &changed);
		}
		for (j = 0; j < old.nattrs; j++) {
			bool kept = false;

			for (i = 0; i < row->nattrs; i++)
				kept |= !strcmp(old.attrs[j].name, row->attrs[i].name);
			if (!kept)
				diff_field(rep, t, row->name, old.attrs[j].name, old.attrs[j].value, NULL, &changed);
		}
		if (changed)
			rep->changed++;
	}
	ret = store_inv_put(s, t, row, load_id, now, id, err);
done:
	arena_release(&a);
	return ret;
}

static int on_retired(enum store_inv_type t, const char *name, void *payload, struct perr *err)
{
	struct inv_report *rep = payload;

	add_change(rep, INV_RETIRED, t, name);
	rep->retired++;
	return 0;
}

static const char *join_with(struct arena *a, const struct strlist *l, char sep)
{
	char *s = (char *)inventory_join(a, l), *p;

	for (p = s; sep != '\n' && p && *p; p++)
		if (*p == '\n')
			*p = sep;
	return s;
}

static const char *component_name(struct arena *a, const struct inv_component *c)
{
	return arena_printf(a, "%s:%s", asset_kind_name(c->kind), c->ident);
}

int inventory_reconcile(struct store *s, const struct inventory *inv, const char *sha256,
			const char *const *codeowners_text, const size_t *codeowners_len,
			int64_t now, struct inv_report *rep, struct perr *err)
{
	struct arena a = ARENA_INIT;
	int64_t load_id, id;
	size_t i;
	int ret, t;

	if ((ret = store_inv_load_begin(s, inv->file, sha256, now, &load_id, err)) < 0)
		goto done;
	for (i = 0; i < inv->nunits; i++) {
		struct store_inv_row row = { 0 };

		row.name = inv->units[i].name;
		row.v[0] = inv->units[i].description;
		if ((ret = reconcile_row(s, STORE_INV_UNIT, &row, load_id, now, rep, &id, err)) < 0)
			goto done;
	}
	for (i = 0; i < inv->nteams; i++) {
		const struct inv_team *tm = &inv->teams[i];
		struct store_inv_row row = { 0 };

		row.name = tm->name;
		row.v[0] = tm->unit;
		row.v[1] = tm->description;
		row.v[2] = inventory_join(&a, &tm->contacts);
		row.v[3] = tm->ticket_system ? arena_printf(&a, "%s:%s", tm->ticket_system, tm->ticket_target) :
			   NULL;
		row.v[4] = tm->chat;
		row.v[5] = tm->github_team;
		row.v[6] = inventory_join(&a, &tm->members);
		if ((ret = reconcile_row(s, STORE_INV_TEAM, &row, load_id, now, rep, &id, err)) < 0 ||
		    (ret = store_team_set_members(s, id, &tm->members, err)) < 0)
			goto done;
	}
	for (i = 0; i < inv->napps; i++) {
		const struct inv_app *ap = &inv->apps[i];
		struct store_inv_row row = { 0 };

		row.name = ap->name;
		row.v[0] = ap->team;
		row.v[1] = ap->criticality;
		row.v[2] = ap->exposure;
		row.v[3] = join_with(&a, &ap->data_sensitivity, ',');
		row.v[4] = join_with(&a, &ap->environments, ',');
		row.v[5] = ap->description;
		if ((ret = reconcile_row(s, STORE_INV_APP, &row, load_id, now, rep, &id, err)) < 0)
			goto done;
	}
	for (i = 0; i < inv->ncomponents; i++) {
		const struct inv_component *c = &inv->components[i];
		struct store_inv_row row = { 0 };
		struct inv_attr attrs[STORE_INV_ATTRS];
		size_t n, k;
		long added;

		row.name = component_name(&a, c);
		row.v[0] = inv->apps[c->app].name;
		n = inventory_component_attrs(&a, c, attrs, ARRAY_SIZE(attrs));
		for (k = 0; k < n; k++) {
			row.attrs[k].name = attrs[k].name;
			row.attrs[k].value = attrs[k].value;
		}
		row.nattrs = n;
		added = rep->added;
		if ((ret = reconcile_row(s, STORE_INV_COMPONENT, &row, load_id, now, rep, &id, err)) < 0 ||
		    (ret = store_component_set_keys(s, id, &c->keys, &c->alias_keys, err)) < 0)
			goto done;
		if (codeowners_text && codeowners_text[i]) {
			bool changed;

			if ((ret = store_codeowners_put(s, id, c->codeowners_path, codeowners_text[i],
							codeowners_len[i], now, &changed, err)) < 0)
				goto done;
			if (changed && added == rep->added) {
				struct inv_change *ch = add_change(rep, INV_CHANGED, STORE_INV_COMPONENT, row.name);

				ch->field = "codeowners content";
				ch->note = arena_printf(&rep->arena, "read from %s", c->codeowners_path);
			}
		}
	}
	for (i = 0; i < inv->nlinks; i++) {
		const struct inv_link *l = &inv->links[i];
		struct store_inv_row row = { 0 };

		row.v[0] = component_name(&a, &inv->components[l->from]);
		row.v[1] = inv_relation_name(l->relation);
		row.v[2] = component_name(&a, &inv->components[l->to]);
		row.name = arena_printf(&a, "%s %s %s", row.v[0], row.v[1], row.v[2]);
		if ((ret = reconcile_row(s, STORE_INV_LINK, &row, load_id, now, rep, &id, err)) < 0)
			goto done;
	}
	for (t = STORE_INV_LINK; t >= STORE_INV_UNIT; t--)
		if ((ret = store_inv_retire(s, (enum store_inv_type)t, load_id, now, on_retired, rep, err)) < 0)
			goto done;
	if ((ret = inventory_rehome(s, now, rep, err)) < 0 ||
	    (ret = inventory_assign_owners(s, NULL, 0, 0, now, rep, err)) < 0)
		goto done;
	ret = store_inv_load_finish(s, load_id, rep->added, rep->changed, rep->retired, err);
done:
	arena_release(&a);
	return ret;
}

/* --- re-homing --- */

struct rehome {
	struct store *s;
	int64_t now;
	struct inv_report *rep;
	struct arena arena;
	struct strmap merged;    /* component ids (as text) already merged */
};

/* A match key's component, when it belongs to an app; 0: none. */
static int owned(struct rehome *h, const char *key, int64_t *component_id, struct perr *err)
{
	struct store_placement p;
	int ret;

	*component_id = 0;
	if (!key)
		return 0;
	ret = store_key_lookup(h->s, key, &p, err);
	if (ret == P_ENOTFOUND)
		return 0;
	if (ret == 0 && p.app_id)
		*component_id = p.component_id;
	return ret;
}

/*
 * The owned component what an evidence names now resolves to, in the
 * order ingest uses (docs/inventory.md); 0: none.
 */
static int resolve_again(struct rehome *h, const struct store_orphan *o, int64_t *to,
			 struct perr *err)
{
	struct arena *a = &h->arena;
	const char *id, *digest = o->image_digest ? o->image_digest : asset_image_digest(a, o->image);
	char base[ASSET_MAX + 16];
	int ret;

	*to = 0;
	if (digest && (ret = owned(h, arena_printf(a, "digest:%s", digest), to, err)) < 0)
		return ret;
	if (!*to && o->image && (id = asset_ident(a, ASSET_IMAGE, o->image)) &&
	    (ret = owned(h, asset_key(a, ASSET_IMAGE, id), to, err)) < 0)
		return ret;
	if (!*to && o->url && (id = asset_ident(a, ASSET_URL, o->url))) {
		char *key = (char *)asset_url_key(a, id);

		do {
			if ((ret = owned(h, key, to, err)) < 0)
				return ret;
		} while (!*to && asset_url_key_parent(key));
	}
	if (!*to && o->resource && (id = asset_ident(a, ASSET_CLOUD, o->resource))) {
		if ((ret = owned(h, asset_key(a, ASSET_CLOUD, id), to, err)) < 0)
			return ret;
		if (!*to && asset_arn_account(a, id) &&
		    (ret = owned(h, arena_printf(a, "account:%s", asset_arn_account(a, id)), to, err)) < 0)
			return ret;
	}
	if (!*to && o->default_app && o->purl && !strncmp(o->purl, "pkg:", 4)) {
		snprintf(base, sizeof(base), "package:");
		fingerprint_purl_base(base + 8, sizeof(base) - 8, o->purl);
		if ((ret = owned(h, base, to, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_orphan(const struct store_orphan *o, void *payload, struct perr *err)
{
	struct rehome *h = payload;
	struct store_placement p;
	enum asset_kind kind;
	char idbuf[32];
	int64_t to = 0;
	int ret;

	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)o->component_id);
	if (o->component_id && strmap_get(&h->merged, idbuf))
		return 0;
	/* its own key now names a declared component: the whole component merges there */
	if (o->component_id && asset_kind_parse(&kind, o->kind) == 0) {
		ret = store_key_lookup(h->s, asset_key(&h->arena, kind, o->ident), &p, err);
		if (ret < 0 && ret != P_ENOTFOUND)
			return ret;
		if (ret == 0 && p.component_id != o->component_id) {
			strmap_put(&h->merged, arena_strdup(&h->arena, idbuf), (void *)1);
			return store_component_merge(h->s, o->component_id, p.component_id, h->now, err);
		}
	}
	/* else what the evidence names may now be owned (a deeper URL, a second id, a digest) */
	if ((ret = resolve_again(h, o, &to, err)) < 0)
		return ret;
	if (to && to != o->component_id)
		return store_finding_set_component(h->s, o->finding_id, to, err);
	return 0;
}

static int on_misplaced(int64_t finding_id, int64_t app_id, void *payload, struct perr *err)
{
	struct rehome *h = payload;
	int64_t into;
	int ret;

	if ((ret = store_finding_rehome(h->s, finding_id, app_id, &into, err)) < 0)
		return ret;
	if (into)
		h->rep->merged++;
	else
		h->rep->rehomed++;
	return 0;
}

int inventory_rehome(struct store *s, int64_t now, struct inv_report *rep, struct perr *err)
{
	struct rehome h = { 0 };
	int ret;

	h.s = s;
	h.now = now;
	h.rep = rep;
	arena_init(&h.arena, 0);
	if ((ret = store_orphans_each(s, RESOLVER_DEFAULT_APP, on_orphan, &h, err)) < 0 ||
	    (ret = store_misplaced_each(s, on_misplaced, &h, err)) < 0 ||
	    (ret = store_scopes_follow(s, err)) < 0)
		goto done;
done:
	strmap_release(&h.merged);
	arena_release(&h.arena);
	return ret;
}
