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

/* Apps and groups are few next to findings: a linear lookup keeps this simple. */
static struct report_app *app_slot(struct report *r, size_t *alloc, const char *name)
{
	size_t i;

	for (i = 0; i < r->napps; i++)
		if (!strcmp(r->apps[i].name, name))
			return &r->apps[i];
	if (r->napps == *alloc) {
		*alloc = *alloc ? st_mult(*alloc, 2) : 16;
		r->apps = xrealloc(r->apps, st_mult(*alloc, sizeof(*r->apps)));
	}
	memset(&r->apps[r->napps], 0, sizeof(*r->apps));
	r->apps[r->napps].name = name;
	return &r->apps[r->napps++];
}

static struct report_group *group_slot(struct report *r, size_t *alloc, const char *name)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		if (!strcmp(r->groups[i].name, name))
			return &r->groups[i];
	if (r->ngroups == *alloc) {
		*alloc = *alloc ? st_mult(*alloc, 2) : 16;
		r->groups = xrealloc(r->groups, st_mult(*alloc, sizeof(*r->groups)));
	}
	memset(&r->groups[r->ngroups], 0, sizeof(*r->groups));
	r->groups[r->ngroups].name = name;
	return &r->groups[r->ngroups++];
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

void report_build(struct report *out, const struct finding *const *findings, size_t n, int64_t now)
{
	size_t apps_alloc = 0, groups_alloc = 0, i;
	const struct finding **active;
	size_t nactive = 0;

	memset(out, 0, sizeof(*out));
	out->now = now;
	out->nfindings = n;
	out->compliance = xcalloc(compliance_count(), sizeof(*out->compliance));
	active = xcalloc(n ? n : 1, sizeof(*active));
	out->breached = xcalloc(n ? n : 1, sizeof(*out->breached));
	for (i = 0; i < n; i++) {
		const struct finding *f = findings[i];
		enum report_tier t = report_tier_of(f);
		bool is_active = status_is_active(f->status);
		struct report_app *app = app_slot(out, &apps_alloc, f->app ? f->app : "");

		if (is_active && f->sla_due && now > f->sla_due) {
			out->breached[out->nbreached++] = f;
			app->breached++;
		}
		add_compliance(out, f, is_active);
		if (is_resolved(f->status))
			out->resolved++;
		else if (!is_active)
			out->accepted++;
		if (!is_active)
			continue;
		out->active++;
		out->by_tier[t]++;
		out->by_severity[f->severity]++;
		active[nactive++] = f;
		app->active++;
		app->by_tier[t]++;
		if (f->risk > 0)
			app->risk_sum += f->risk;
		if (f->risk > app->risk_max)
			app->risk_max = f->risk;
		if (f->group && *f->group) {
			struct report_group *g = group_slot(out, &groups_alloc, f->group);

			g->active++;
			if (t == RT_CRITICAL || t == RT_HIGH)
				g->critical_high++;
			if (f->risk > g->risk_max)
				g->risk_max = f->risk;
		}
	}
	if (nactive)
		qsort(active, nactive, sizeof(*active), cmp_worst);
	if (out->nbreached)
		qsort(out->breached, out->nbreached, sizeof(*out->breached), cmp_worst);
	if (out->napps)
		qsort(out->apps, out->napps, sizeof(*out->apps), cmp_app);
	if (out->ngroups)
		qsort(out->groups, out->ngroups, sizeof(*out->groups), cmp_group);
	/* apps without active findings are not "risky": keep them out of the ranking */
	while (out->napps && !out->apps[out->napps - 1].active)
		out->napps--;
	out->ntop = nactive < REPORT_TOP ? nactive : REPORT_TOP;
	out->top = active;
}

void report_release(struct report *r)
{
	if (!r)
		return;
	xfree(r->top);
	xfree(r->breached);
	xfree(r->apps);
	xfree(r->groups);
	xfree(r->compliance);
	memset(r, 0, sizeof(*r));
}
