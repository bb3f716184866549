/*
 * Correlation at ingest: see correlation.h and docs/correlation.md.
 */
#include "posture.h"
#include "cmd/correlation.h"
#include "engine/correlate.h"
#include "model/ids.h"
#include "util/alloc.h"
#include "util/strmap.h"

struct lineage_entry {
	int64_t component_id;
	struct store_lineage line;
};

/*
 * Which tools hold keys in an app, as of this ingest: most reports land in
 * an app where no other tool has keys yet (a first scan, a re-scan of the
 * only tool), and then no key can match and none is looked up.
 */
struct app_tools {
	int64_t app_id;
	int n;              /* 0, 1 (tool) or 2: several */
	char tool[128];
};

struct correlator {
	struct store *store;
	struct app_tools *apps;
	size_t napps, apps_alloc;
	struct arena arena;       /* lineage cache: lives as long as the ingest */
	struct arena tmp;         /* one evidence record's keys */
	struct lineage_entry *lines;
	size_t nlines, lines_alloc;
	/* the record correlator_find() saw last */
	const struct evidence *ev;
	struct corr_keys keys;
	int64_t app_id, component_id;
	char tool[128];
};

void correlator_open(struct correlator **out, struct store *s)
{
	struct correlator *c = xcalloc(1, sizeof(*c));

	c->store = s;
	arena_init(&c->arena, 0);
	arena_init(&c->tmp, 0);
	*out = c;
}

void correlator_free(struct correlator *c)
{
	if (!c)
		return;
	arena_release(&c->arena);
	arena_release(&c->tmp);
	xfree(c->lines);
	xfree(c->apps);
	xfree(c);
}

/* A component's lineage, read once per ingest. */
static int lineage(struct correlator *c, int64_t component_id, const struct store_lineage **out,
		   struct perr *err)
{
	size_t i;
	int ret;

	for (i = 0; i < c->nlines; i++)
		if (c->lines[i].component_id == component_id) {
			*out = &c->lines[i].line;
			return 0;
		}
	ALLOC_GROW(c->lines, c->nlines + 1, c->lines_alloc);
	c->lines[c->nlines].component_id = component_id;
	if ((ret = store_lineage_get(c->store, component_id, &c->arena, &c->lines[c->nlines].line,
				     err)) < 0)
		return ret;
	*out = &c->lines[c->nlines++].line;
	return 0;
}

static bool in_lineage(const struct store_lineage *line, int64_t self, int64_t component_id)
{
	size_t i;

	if (component_id == self)
		return true;
	for (i = 0; i < line->n; i++)
		if (line->ids[i] == component_id)
			return true;
	return false;
}

struct candidate {
	const struct store_lineage *line;
	int64_t self, found;
};

static int on_candidate(int64_t finding_id, int64_t component_id, void *payload, struct perr *err)
{
	struct candidate *cand = payload;

	if (!in_lineage(cand->line, cand->self, component_id))
		return 0;
	cand->found = finding_id;
	return 1;  /* the lowest id wins: stop */
}

static int app_tools(struct correlator *c, int64_t app_id, struct app_tools **out, struct perr *err)
{
	struct app_tools *t;
	size_t i;

	for (i = 0; i < c->napps; i++)
		if (c->apps[i].app_id == app_id) {
			*out = &c->apps[i];
			return 0;
		}
	ALLOC_GROW(c->apps, c->napps + 1, c->apps_alloc);
	t = &c->apps[c->napps++];
	t->app_id = app_id;
	*out = t;
	return store_corr_tools(c->store, app_id, t->tool, sizeof(t->tool), &t->n, err);
}

/* Whether a key of this type could match anything in the app. */
static bool may_match(const struct app_tools *t, enum corr_key_type type, const char *tool)
{
	if (!t->n)
		return false;
	/* SAST keys only match other tools' */
	return type != CORR_SAST || t->n > 1 || strcmp(t->tool, tool);
}

static bool correlates(enum kind k)
{
	return k == KIND_SCA || k == KIND_CONTAINER || k == KIND_SECRET || k == KIND_SAST;
}

int correlator_find(struct correlator *c, const struct evidence *ev, int64_t app_id,
		    int64_t component_id, int64_t *finding_id, struct perr *err)
{
	struct strlist aliases = { 0 };
	struct candidate cand = { 0 };
	struct app_tools *tools;
	size_t i;
	int ret;

	arena_reset(&c->tmp);
	c->keys.v = NULL;
	c->keys.n = c->keys.alloc = 0;
	c->ev = ev;
	c->app_id = app_id;
	c->component_id = component_id;
	if (!correlates(ev->kind) && !ev->secret_hash)
		return P_ENOTFOUND;
	if ((ret = app_tools(c, app_id, &tools, err)) < 0)
		return ret;
	correlate_tool_name(c->tool, sizeof(c->tool), ev->tool);
	if (tools->n && (ev->kind == KIND_SCA || ev->kind == KIND_CONTAINER))
		for (i = 0; i < ev->vuln_ids.n; i++)
			if ((ret = store_aliases_get(c->store, ev->vuln_ids.v[i], &c->tmp, &aliases, err)) < 0)
				return ret;
	correlate_keys(&c->keys, ev, &aliases, &c->tmp);
	if (!c->keys.n || !tools->n)
		return P_ENOTFOUND;
	if ((ret = lineage(c, component_id, &cand.line, err)) < 0)
		return ret;
	cand.self = component_id;
	for (i = 0; i < c->keys.n; i++) {
		struct store_corr_key k = {
			.app_id = app_id, .key = c->keys.v[i].key, .tool = c->tool,
			.start_line = c->keys.v[i].start_line, .end_line = c->keys.v[i].end_line,
		};

		if (!may_match(tools, c->keys.v[i].type, c->tool))
			continue;
		if ((ret = store_corr_candidates(c->store, &k, on_candidate, &cand, err)) < 0)
			return ret;
		if (cand.found) {
			*finding_id = cand.found;
			return 0;
		}
	}
	return P_ENOTFOUND;
}

/* Ids one record lists name one vulnerability; two CVEs are two, whatever else they share. */
static int note_aliases(struct correlator *c, const struct evidence *ev, struct perr *err)
{
	size_t i, j;
	int ret;

	for (i = 0; i < ev->vuln_ids.n; i++)
		for (j = i + 1; j < ev->vuln_ids.n; j++) {
			const char *a = ev->vuln_ids.v[i], *b = ev->vuln_ids.v[j];

			if (!ids_is_vuln_id(a) || !ids_is_vuln_id(b) || (ids_is_cve(a) && ids_is_cve(b)))
				continue;
			if ((ret = store_alias_put(c->store, ids_normalize(&c->tmp, a),
						   ids_normalize(&c->tmp, b), err)) < 0)
				return ret;
		}
	return 0;
}

int correlator_note(struct correlator *c, const struct evidence *ev, int64_t finding_id,
		    struct perr *err)
{
	struct app_tools *tools;
	size_t i;
	int ret;

	if (c->ev != ev || !c->keys.n)
		return 0;
	if ((ret = app_tools(c, c->app_id, &tools, err)) < 0)
		return ret;
	if (!tools->n) {
		tools->n = 1;
		snprintf(tools->tool, sizeof(tools->tool), "%s", c->tool);
	} else if (tools->n == 1 && strcmp(tools->tool, c->tool)) {
		tools->n = 2;
	}
	if ((ev->kind == KIND_SCA || ev->kind == KIND_CONTAINER) && ev->vuln_ids.n > 1 &&
	    (ret = note_aliases(c, ev, err)) < 0)
		return ret;
	for (i = 0; i < c->keys.n; i++) {
		struct store_corr_key k = {
			.app_id = c->app_id, .finding_id = finding_id, .component_id = c->component_id,
			.key = c->keys.v[i].key, .tool = c->tool,
			.start_line = c->keys.v[i].start_line, .end_line = c->keys.v[i].end_line,
		};

		if ((ret = store_corr_key_put(c->store, &k, err)) < 0)
			return ret;
	}
	c->ev = NULL;
	return 0;
}

/* --- DAST validates code --- */

struct cwe_finding {
	int64_t id, component_id;
	const char *families[8];
	size_t nfamilies;
	const char *tool, *title, *path;
};

struct cwe_list {
	struct arena *arena;
	struct cwe_finding *v;
	size_t n, alloc;
};

static int on_cwe_finding(const struct store_cwe_finding *f, void *payload, struct perr *err)
{
	struct cwe_list *l = payload;
	struct cwe_finding *o;
	const char *p = f->cwe;

	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	o = &l->v[l->n];
	memset(o, 0, sizeof(*o));
	/* "[79,89]": the families of its CWEs, each once */
	while (p && *p) {
		const char *fam;
		size_t i;
		long cwe;
		char *end;

		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		cwe = strtol(p, &end, 10);
		p = end;
		if (!(fam = correlate_cwe_family((int)cwe)))
			continue;
		for (i = 0; i < o->nfamilies && strcmp(o->families[i], fam); i++)
			;
		if (i == o->nfamilies && o->nfamilies < ARRAY_SIZE(o->families))
			o->families[o->nfamilies++] = fam;
	}
	if (!o->nfamilies)
		return 0;
	o->id = f->id;
	o->component_id = f->component_id;
	o->tool = f->tool ? arena_strdup(l->arena, f->tool) : NULL;
	o->title = f->title ? arena_strdup(l->arena, f->title) : NULL;
	o->path = f->path ? arena_strdup(l->arena, f->path) : NULL;
	l->n++;
	return 0;
}

/* The code finding sits on the component the URL was tested on, or upstream of it. */
static bool behind(const struct store_lineage *line, int64_t dast_component, int64_t code_component)
{
	size_t i;

	if (!dast_component || !code_component || dast_component == code_component)
		return true;
	for (i = 0; i < line->n; i++)
		if (line->up[i] && line->ids[i] == code_component)
			return true;
	return false;
}

/* The DAST findings of one weakness family, lowest id first. */
struct family_list {
	const char *family;
	size_t *idx;
	size_t n, alloc;
};

static struct family_list *family_get(struct family_list **v, size_t *n, size_t *alloc, const char *family,
				      bool add)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].family, family))
			return &(*v)[i];
	if (!add)
		return NULL;
	ALLOC_GROW(*v, *n + 1, *alloc);
	memset(&(*v)[*n], 0, sizeof((*v)[*n]));
	(*v)[*n].family = family;
	return &(*v)[(*n)++];
}

static int validate_one(struct correlator *c, const struct cwe_finding *code, const struct cwe_finding *dyn,
			const char *family, int64_t scan_id, int64_t at, bool *first, struct perr *err)
{
	char reason[1024];
	struct event e = {
		.finding_id = code->id, .at = at, .type = EVENT_VALIDATED,
		.scan_id = scan_id, .actor = dyn->tool, .reason = reason,
	};
	int ret;

	if ((ret = store_relation_put(c->store, code->id, dyn->id, family, at, scan_id, first, err)) < 0 ||
	    !*first)
		return ret;
	snprintf(reason, sizeof(reason), "%s confirmed by finding %lld (%s%s%s)", family, (long long)dyn->id,
		 dyn->title ? dyn->title : "dynamic test", dyn->path ? " at " : "", dyn->path ? dyn->path : "");
	return store_event_add(c->store, &e, err);
}

int correlator_validate(struct correlator *c, int64_t app_id, int64_t scan_id, int64_t at,
			int64_t **ids, size_t *nids, size_t *ids_alloc, struct perr *err)
{
	struct cwe_list dyn = { &c->arena, NULL, 0, 0 }, code = { &c->arena, NULL, 0, 0 };
	struct family_list *fams = NULL;
	const struct store_lineage **lines = NULL;
	size_t nfams = 0, fams_alloc = 0, i, j, k;
	int ret;

	if ((ret = store_cwe_findings_each(c->store, app_id, true, on_cwe_finding, &dyn, err)) < 0 ||
	    !dyn.n || (ret = store_cwe_findings_each(c->store, app_id, false, on_cwe_finding, &code, err)) < 0)
		goto done;
	/* index the DAST findings by family, with the lineage of what each tested */
	lines = xcalloc(dyn.n, sizeof(*lines));
	for (i = 0; i < dyn.n; i++) {
		if ((ret = lineage(c, dyn.v[i].component_id, &lines[i], err)) < 0)
			goto done;
		for (j = 0; j < dyn.v[i].nfamilies; j++) {
			struct family_list *f = family_get(&fams, &nfams, &fams_alloc, dyn.v[i].families[j], true);

			ALLOC_GROW(f->idx, f->n + 1, f->alloc);
			f->idx[f->n++] = i;
		}
	}
	/*
	 * Each code finding not validated yet is linked to the first DAST
	 * finding of its family in front of it: one link says it was shown
	 * exploitable, and pairs of every DAST and code finding would grow
	 * as their product.
	 */
	for (i = 0; i < code.n; i++) {
		bool done_one = false;

		for (j = 0; j < code.v[i].nfamilies && !done_one; j++) {
			struct family_list *f = family_get(&fams, &nfams, &fams_alloc, code.v[i].families[j], false);

			for (k = 0; f && k < f->n && !done_one; k++) {
				const struct cwe_finding *d = &dyn.v[f->idx[k]];
				bool first;

				if (!behind(lines[f->idx[k]], d->component_id, code.v[i].component_id))
					continue;
				if ((ret = validate_one(c, &code.v[i], d, f->family, scan_id, at, &first, err)) < 0)
					goto done;
				done_one = true;
				if (first) {
					ALLOC_GROW(*ids, *nids + 1, *ids_alloc);
					(*ids)[(*nids)++] = code.v[i].id;
				}
			}
		}
	}
done:
	for (i = 0; i < nfams; i++)
		xfree(fams[i].idx);
	xfree(fams);
	xfree(lines);
	xfree(dyn.v);
	xfree(code.v);
	return ret;
}

/* --- root-cause groups --- */

/* One group being rebuilt: the findings one change fixes. */
struct group_build {
	struct store_group g;
	int64_t *ids;
	size_t n, alloc;
};

struct group_acc {
	struct correlator *c;
	struct arena a;           /* the finding being read */
	struct arena keep;        /* the groups */
	struct strmap by_key;     /* gkey -> index + 1 into groups */
	struct group_build *groups;
	size_t ngroups, groups_alloc;
	int64_t app_id, now;
	/* the finding being read (one row per evidence) */
	int64_t finding_id, component_id;
	enum kind kind;
	const char *rule_id, *purl, *name, *version, *base, *created_by, *secret_hash;
	bool base_label;          /* base names the image's base (OCI label), not its OS */
	struct strlist fixed;
};

static const char *keep(struct arena *a, const char *cur, const char *v)
{
	return cur || !v ? cur : arena_strdup(a, v);
}

/*
 * Where the change is made: for an operating system package, the image
 * (its Dockerfile); for any other package, the repo upstream of the
 * component (its manifest), whichever tool saw it first; else the
 * component itself.
 */
static int fix_location(struct group_acc *g, const char **out, struct perr *err)
{
	const char *want = correlate_os_package(g->purl) ? "image" : "repo";
	const struct store_lineage *line;
	size_t i, self = SIZE_MAX;
	int ret;

	*out = NULL;
	if (!g->component_id)
		return 0;
	if ((ret = lineage(g->c, g->component_id, &line, err)) < 0)
		return ret;
	for (i = 0; i < line->n; i++) {
		if (line->ids[i] == g->component_id)
			self = i;
		if (line->up[i] && !strcmp(line->kinds[i], want)) {
			*out = arena_printf(&g->a, "%s:%s", line->kinds[i], line->idents[i]);
			return 0;
		}
	}
	if (self != SIZE_MAX)
		*out = arena_printf(&g->a, "%s:%s", line->kinds[self], line->idents[self]);
	return 0;
}

static int flush_finding(struct group_acc *g, struct perr *err)
{
	struct group_input in = {
		.kind = g->kind, .purl = g->purl, .name = g->name, .version = g->version,
		.fixed_versions = &g->fixed, .base_image = g->base, .layer_created_by = g->created_by,
		.secret_hash = g->secret_hash, .rule_id = g->rule_id,
	};
	struct group_key key;
	struct group_build *b;
	const char *location = NULL, *gkey;
	size_t idx;
	int ret;

	if (!g->finding_id)
		return 0;
	correlate_group(&key, &in, &g->a);
	if (key.kind == GROUP_NONE)
		return 0;
	if (key.kind != GROUP_BASE_IMAGE && (ret = fix_location(g, &location, err)) < 0)
		return ret;
	gkey = key.kind == GROUP_UPGRADE && location ? arena_printf(&g->a, "%s in %s", key.gkey, location)
						      : key.gkey;
	idx = (size_t)(uintptr_t)strmap_get(&g->by_key, gkey);
	if (!idx) {
		ALLOC_GROW(g->groups, g->ngroups + 1, g->groups_alloc);
		b = &g->groups[g->ngroups++];
		memset(b, 0, sizeof(*b));
		b->g.app_id = g->app_id;
		b->g.gkey = arena_strdup(&g->keep, gkey);
		b->g.kind = group_kind_name(key.kind);
		b->g.subject = arena_strdup(&g->keep, key.subject);
		b->g.from = key.from ? arena_strdup(&g->keep, key.from) : NULL;
		b->g.location = location ? arena_strdup(&g->keep, location) : NULL;
		strmap_put(&g->by_key, b->g.gkey, (void *)(uintptr_t)g->ngroups);
	} else {
		b = &g->groups[idx - 1];
	}
	/* one upgrade for all of them: to the highest version any of them needs */
	if (key.to && (!b->g.to || correlate_version_cmp(key.to, b->g.to) > 0))
		b->g.to = arena_strdup(&g->keep, key.to);
	ALLOC_GROW(b->ids, b->n + 1, b->alloc);
	b->ids[b->n++] = g->finding_id;
	return 0;
}

static int write_groups(struct group_acc *g, struct perr *err)
{
	size_t i, j;
	int ret;

	for (i = 0; i < g->ngroups; i++) {
		struct group_build *b = &g->groups[i];

		if ((ret = store_group_put(g->c->store, &b->g, g->now, err)) < 0)
			return ret;
		for (j = 0; j < b->n; j++)
			if ((ret = store_finding_set_group(g->c->store, b->ids[j], b->g.id, err)) < 0)
				return ret;
	}
	return 0;
}

static int on_group_input(const struct store_group_input *in, void *payload, struct perr *err)
{
	struct group_acc *g = payload;
	const char *p;
	int ret;

	if (in->finding_id != g->finding_id) {
		if ((ret = flush_finding(g, err)) < 0)
			return ret;
		arena_reset(&g->a);
		g->finding_id = in->finding_id;
		g->component_id = in->component_id;
		g->kind = in->kind;
		g->rule_id = in->rule_id ? arena_strdup(&g->a, in->rule_id) : NULL;
		g->purl = g->name = g->version = g->base = g->created_by = g->secret_hash = NULL;
		g->base_label = false;
		memset(&g->fixed, 0, sizeof(g->fixed));
	}
	g->purl = keep(&g->a, g->purl, in->purl);
	g->name = keep(&g->a, g->name, in->name);
	g->version = keep(&g->a, g->version, in->version);
	g->created_by = keep(&g->a, g->created_by, in->layer_created_by);
	g->secret_hash = keep(&g->a, g->secret_hash, in->secret_hash);
	/* the base image's own label wins; else the most precise OS release named */
	if (in->base_image && !g->base_label) {
		g->base = arena_strdup(&g->a, in->base_image);
		g->base_label = true;
	} else if (in->os && !g->base_label && (!g->base || strlen(in->os) > strlen(g->base))) {
		g->base = arena_strdup(&g->a, in->os);
	}
	for (p = in->fixed_versions; p && *p;) {
		size_t len = strcspn(p, "\n");

		strlist_add_unique(&g->fixed, &g->a, arena_strndup(&g->a, p, len));
		p += len + (p[len] ? 1 : 0);
	}
	return 0;
}

int correlator_group(struct correlator *c, int64_t app_id, int64_t now, struct perr *err)
{
	struct group_acc g;
	size_t i;
	int ret;

	memset(&g, 0, sizeof(g));
	g.c = c;
	g.app_id = app_id;
	g.now = now;
	arena_init(&g.a, 0);
	arena_init(&g.keep, 0);
	if ((ret = store_groups_clear(c->store, app_id, err)) < 0 ||
	    (ret = store_group_inputs_each(c->store, app_id, on_group_input, &g, err)) < 0 ||
	    (ret = flush_finding(&g, err)) < 0 || (ret = write_groups(&g, err)) < 0)
		goto done;
	ret = store_groups_prune(c->store, app_id, err);
done:
	for (i = 0; i < g.ngroups; i++)
		xfree(g.groups[i].ids);
	xfree(g.groups);
	strmap_release(&g.by_key);
	arena_release(&g.keep);
	arena_release(&g.a);
	return ret;
}
