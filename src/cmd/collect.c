#include "posture.h"
#include "cmd/collect.h"
#include "util/alloc.h"

static const char *dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* The store's row lives only for the callback: copy it and its strings. */
static int keep(const struct finding *f, void *payload, struct perr *err)
{
	struct finding_set *set = payload;
	struct finding *copy = arena_alloc(&set->arena, sizeof(*copy));

	*copy = *f;
	copy->app = dup_or_null(&set->arena, f->app);
	copy->component = dup_or_null(&set->arena, f->component);
	copy->title = dup_or_null(&set->arena, f->title);
	copy->rule_id = dup_or_null(&set->arena, f->rule_id);
	copy->fingerprint = dup_or_null(&set->arena, f->fingerprint);
	copy->path = dup_or_null(&set->arena, f->path);
	copy->tier = dup_or_null(&set->arena, f->tier);
	copy->owner = dup_or_null(&set->arena, f->owner);
	copy->group = dup_or_null(&set->arena, f->group);
	copy->vuln_ids = dup_or_null(&set->arena, f->vuln_ids);
	copy->cwe = dup_or_null(&set->arena, f->cwe);
	copy->tools = dup_or_null(&set->arena, f->tools);
	if (set->n == set->alloc) {
		set->alloc = set->alloc ? st_mult(set->alloc, 2) : 256;
		set->v = xrealloc(set->v, st_mult(set->alloc, sizeof(*set->v)));
	}
	set->v[set->n++] = copy;
	return 0;
}

int finding_set_collect(struct finding_set *set, struct store *s, const struct finding_filter *filter,
			struct perr *err)
{
	return store_findings_each(s, filter, keep, set, err);
}

void finding_set_release(struct finding_set *set)
{
	arena_release(&set->arena);
	xfree(set->v);
	set->v = NULL;
	set->n = set->alloc = 0;
}
