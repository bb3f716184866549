#include "posture.h"
#include "cmd/collect.h"
#include "util/alloc.h"

/* The store's row lives only for the callback: keep a copy of it and its strings. */
static int keep(const struct finding *f, void *payload, struct perr *err)
{
	struct finding_set *set = payload;

	ALLOC_GROW(set->v, set->n + 1, set->alloc);
	set->v[set->n++] = finding_clone(f);
	return 0;
}

int finding_set_collect(struct finding_set *set, struct store *s, const struct finding_filter *filter,
			struct perr *err)
{
	return store_findings_each(s, filter, keep, set, err);
}

void finding_set_release(struct finding_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		xfree((void *)set->v[i]);
	xfree(set->v);
	set->v = NULL;
	set->n = set->alloc = 0;
}
