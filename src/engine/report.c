#include "posture.h"
#include "engine/report.h"
#include "util/alloc.h"

const char *report_tier_name(enum report_tier t)
{
	static const char *const names[] = { "critical", "high", "medium", "low", "none" };

	return t < RT__COUNT ? names[t] : "?";
}

enum report_tier report_tier_of(const struct finding *f)
{
	enum report_tier t;

	for (t = RT_CRITICAL; f->tier && t < RT_UNSCORED; t++)
		if (!strcmp(f->tier, report_tier_name(t)))
			return t;
	return RT_UNSCORED;
}

static bool is_resolved(enum status s)
{
	return s == STATUS_FIXED || s == STATUS_VERIFIED;
}

/* Worst first: risk, then severity, then the oldest; the id keeps the order total. */
static int cmp_worst(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a, *y = *(const struct finding *const *)b;

	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_app(const void *a, const void *b)
{
	const struct report_app *x = a, *y = b;

	if (x->by_tier[RT_CRITICAL] != y->by_tier[RT_CRITICAL])
		return x->by_tier[RT_CRITICAL] > y->by_tier[RT_CRITICAL] ? -1 : 1;
	if (x->risk_sum != y->risk_sum)
		return x->risk_sum > y->risk_sum ? -1 : 1;
	if (x->active != y->active)
		return x->active > y->active ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_group(const void *a, const void *b)
{
	const struct report_group *x = a, *y = b;

	if (x->critical_high != y->critical_high)
		return x->critical_high > y->critical_high ? -1 : 1;
	if (x->active != y->active)
		return x->active > y->active ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The index of name in a table of apps or groups, or -1 when it has no row yet. */
static long slot_find(const struct strmap *index, const char *name)
{
	void *hit = strmap_get(index, name);

	return hit ? (long)((uintptr_t)hit - 1) : -1;
}

/* Index a new row's name (a copy the row owns) at i. */
static char *slot_name(struct strmap *index, const char *name, size_t i)
{
	char *copy = xstrdup(name);

	strmap_put(index, copy, (void *)(uintptr_t)(i + 1));
	return copy;
}

static struct report_app *app_slot(struct report *r, const char *name)
{
	long i = slot_find(&r->app_index, name);

	if (i >= 0)
		return &r->apps[i];
	ALLOC_GROW(r->apps, r->napps + 1, r->apps_alloc);
	memset(&r->apps[r->napps], 0, sizeof(*r->apps));
	r->apps[r->napps].name = slot_name(&r->app_index, name, r->napps);
	return &r->apps[r->napps++];
}

static struct report_group *group_slot(struct report *r, const char *name)
{
	long i = slot_find(&r->group_index, name);

	if (i >= 0)
		return &r->groups[i];
	ALLOC_GROW(r->groups, r->ngroups + 1, r->groups_alloc);
	memset(&r->groups[r->ngroups], 0, sizeof(*r->groups));
	r->groups[r->ngroups].name = slot_name(&r->group_index, name, r->ngroups);
	return &r->groups[r->ngroups++];
}

/*
 * Keep f in list[0..*n) (worst first, at most max) if it ranks: a copy
 * goes in, the one it pushes out is freed.
 */
static void keep_worst(struct finding **list, size_t *n, size_t max, const struct finding *f)
{
	size_t at = *n;

	while (at > 0 && cmp_worst(&f, &list[at - 1]) < 0)
		at--;
	if (at >= max)
		return;
	if (*n == max)
		xfree(list[--*n]);
	memmove(&list[at + 1], &list[at], (*n - at) * sizeof(*list));
	list[at] = finding_clone(f);
	(*n)++;
}

static void add_compliance(struct report *r, const struct finding *f, bool active)
{
	int cwe[64];
	bool hit[128];
	struct compliance_subject s = { 0 };
	size_t i;

	s.cwe = cwe;
	s.ncwe = compliance_cwe_list(f->cwe, cwe, ARRAY_SIZE(cwe));
	s.kind = f->kind;
	s.severity = f->severity;
	s.has_vuln_id = f->vuln_ids && strchr(f->vuln_ids, '"');
	compliance_match(&s, hit);
	for (i = 0; i < compliance_count(); i++) {
		struct report_compliance *c = &r->compliance[i];

		if (!hit[i])
			continue;
		c->total++;
		if (active) {
			c->active++;
			if (f->severity >= SEV_HIGH)
				c->critical_high++;
		} else if (is_resolved(f->status)) {
			c->resolved++;
		}
	}
}

void report_begin(struct report *r, int64_t now)
{
	memset(r, 0, sizeof(*r));
	r->now = now;
	r->compliance = xcalloc(compliance_count(), sizeof(*r->compliance));
	r->top = xcalloc(REPORT_TOP, sizeof(*r->top));
	r->breached = xcalloc(REPORT_BREACHED_LIST, sizeof(*r->breached));
}

void report_add(struct report *r, const struct finding *f)
{
	enum report_tier t = report_tier_of(f);
	bool is_active = status_is_active(f->status);
	struct report_app *app = app_slot(r, f->app ? f->app : "");

	r->nfindings++;
	if (is_active && f->sla_due && r->now > f->sla_due) {
		r->breached_total++;
		app->breached++;
		keep_worst(r->breached, &r->nbreached, REPORT_BREACHED_LIST, f);
	}
	add_compliance(r, f, is_active);
	if (is_resolved(f->status))
		r->resolved++;
	else if (!is_active)
		r->accepted++;
	if (!is_active)
		return;
	r->active++;
	r->by_tier[t]++;
	r->by_severity[f->severity]++;
	keep_worst(r->top, &r->ntop, REPORT_TOP, f);
	app->active++;
	app->by_tier[t]++;
	if (f->risk > 0)
		app->risk_sum += f->risk;
	if (f->risk > app->risk_max)
		app->risk_max = f->risk;
	if (f->group && *f->group) {
		struct report_group *g = group_slot(r, f->group);

		g->active++;
		if (t == RT_CRITICAL || t == RT_HIGH)
			g->critical_high++;
		if (f->risk > g->risk_max)
			g->risk_max = f->risk;
	}
}

void report_end(struct report *r)
{
	/* the indexes point into the tables the sorts reorder */
	strmap_release(&r->app_index);
	strmap_release(&r->group_index);
	if (r->napps)
		qsort(r->apps, r->napps, sizeof(*r->apps), cmp_app);
	if (r->ngroups)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_group);
	/* apps without active findings are not "risky": keep them out of the ranking */
	while (r->napps && !r->apps[r->napps - 1].active)
		xfree(r->apps[--r->napps].name);
}

void report_build(struct report *out, const struct finding *const *findings, size_t n, int64_t now)
{
	size_t i;

	report_begin(out, now);
	for (i = 0; i < n; i++)
		report_add(out, findings[i]);
	report_end(out);
}

void report_release(struct report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ntop; i++)
		xfree(r->top[i]);
	for (i = 0; i < r->nbreached; i++)
		xfree(r->breached[i]);
	for (i = 0; i < r->napps; i++)
		xfree(r->apps[i].name);
	for (i = 0; i < r->ngroups; i++)
		xfree(r->groups[i].name);
	strmap_release(&r->app_index);
	strmap_release(&r->group_index);
	xfree(r->top);
	xfree(r->breached);
	xfree(r->apps);
	xfree(r->groups);
	xfree(r->compliance);
	memset(r, 0, sizeof(*r));
}
