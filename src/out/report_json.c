#include "posture.h"
#include "out/report.h"
#include "out/findings.h"
#include "out/metrics.h"
#include "util/ptime.h"

static void scope_fields(struct jw *w, const struct report_doc *doc)
{
	jw_kstr(w, "scope", doc->scope);
	jw_kstr(w, "name", doc->name);
	jw_ktime(w, "generated_at", doc->r->now);
}

static void compliance_rows(struct jw *w, const struct report *r)
{
	size_t i;

	jw_arr_open(w);
	for (i = 0; i < compliance_count(); i++) {
		const struct compliance_category *c = compliance_at(i);
		const struct report_compliance *rc = &r->compliance[i];

		jw_obj_open(w);
		jw_kstr(w, "framework", compliance_framework_name(c->framework));
		jw_kstr(w, "id", c->id);
		jw_kstr(w, "name", c->name);
		if (c->rank)
			jw_kint(w, "rank", c->rank);
		jw_kint(w, "active", rc->active);
		jw_kint(w, "critical_high", rc->critical_high);
		jw_kint(w, "resolved", rc->resolved);
		jw_kint(w, "total", rc->total);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void tier_counts(struct jw *w, const long *counts)
{
	enum report_tier t;

	jw_obj_open(w);
	for (t = RT_CRITICAL; t < RT__COUNT; t++)
		jw_kint(w, report_tier_name(t), counts[t]);
	jw_obj_close(w);
}

static void brief_finding(struct jw *w, const struct finding *f)
{
	jw_obj_open(w);
	jw_kint(w, "id", f->id);
	jw_kstr(w, "app", f->app);
	jw_kstr(w, "title", f->title);
	jw_kstr(w, "tier", f->tier);
	jw_key(w, "risk");
	if (f->risk >= 0)
		jw_int(w, f->risk);
	else
		jw_null(w);
	jw_kstr(w, "owner", f->owner);
	jw_ktime(w, "sla_due", f->sla_due);
	jw_obj_close(w);
}

void out_report_json_begin(struct jw *w, const struct report_doc *doc)
{
	const struct report *r = doc->r;
	enum severity s;
	size_t i;

	jw_obj_open(w);
	jw_key(w, "report");
	jw_obj_open(w);
	scope_fields(w, doc);
	jw_kstr(w, "title", doc->title);
	jw_obj_close(w);

	jw_key(w, "summary");
	jw_obj_open(w);
	jw_kint(w, "findings", (long long)r->nfindings);
	jw_kint(w, "active", r->active);
	jw_kint(w, "resolved", r->resolved);
	jw_kint(w, "accepted", r->accepted);
	jw_kint(w, "sla_breached", r->breached_total);
	jw_key(w, "active_by_tier");
	tier_counts(w, r->by_tier);
	jw_key(w, "active_by_severity");
	jw_obj_open(w);
	for (s = SEV_CRITICAL; s >= SEV_INFO; s--)
		jw_kint(w, severity_name(s), r->by_severity[s]);
	jw_obj_close(w);
	jw_obj_close(w);

	jw_key(w, "metrics");
	out_metrics_json(w, doc->m);

	jw_key(w, "sla_breached");
	jw_arr_open(w);
	for (i = 0; i < r->nbreached; i++)
		brief_finding(w, r->breached[i]);
	jw_arr_close(w);

	jw_key(w, "riskiest_apps");
	jw_arr_open(w);
	for (i = 0; i < r->napps && i < REPORT_TOP; i++) {
		const struct report_app *a = &r->apps[i];

		jw_obj_open(w);
		jw_kstr(w, "app", a->name);
		jw_kint(w, "active", a->active);
		jw_key(w, "active_by_tier");
		tier_counts(w, a->by_tier);
		jw_kint(w, "risk_max", a->risk_max);
		jw_kint(w, "risk_sum", a->risk_sum);
		jw_kint(w, "sla_breached", a->breached);
		jw_obj_close(w);
	}
	jw_arr_close(w);

	jw_key(w, "groups");
	jw_arr_open(w);
	for (i = 0; i < r->ngroups && i < REPORT_TOP; i++) {
		jw_obj_open(w);
		jw_kstr(w, "group", r->groups[i].name);
		jw_kint(w, "active", r->groups[i].active);
		jw_kint(w, "critical_high", r->groups[i].critical_high);
		jw_kint(w, "risk_max", r->groups[i].risk_max);
		jw_obj_close(w);
	}
	jw_arr_close(w);

	jw_key(w, "compliance");
	compliance_rows(w, r);

	jw_key(w, "findings");
	jw_arr_open(w);
	jw_flush(w);
}

void out_report_json_finding(struct jw *w, const struct finding *f)
{
	jw_obj_open(w);
	out_finding_fields(w, f);
	jw_obj_close(w);
	jw_flush(w);
}

void out_report_json_end(struct jw *w)
{
	jw_arr_close(w);
	jw_obj_close(w);
	jw_reset_line(w);
}

void out_compliance_json(FILE *out, const struct report_doc *doc)
{
	struct jw w;

	jw_init(&w, out, true);
	jw_obj_open(&w);
	scope_fields(&w, doc);
	jw_key(&w, "categories");
	compliance_rows(&w, doc->r);
	jw_obj_close(&w);
	jw_reset_line(&w);
	jw_release(&w);
}

void out_compliance_csv(FILE *out, const struct report_doc *doc)
{
	size_t i;

	fputs("framework,id,name,active,critical_high,resolved,total\r\n", out);
	for (i = 0; i < compliance_count(); i++) {
		const struct compliance_category *c = compliance_at(i);
		const struct report_compliance *rc = &doc->r->compliance[i];

		out_csv_field(out, compliance_framework_name(c->framework), false);
		out_csv_field(out, c->id, false);
		out_csv_field(out, c->name, false);
		fprintf(out, "%ld,%ld,%ld,%ld\r\n", rc->active, rc->critical_high, rc->resolved, rc->total);
	}
}

void out_compliance_table(FILE *out, const struct report_doc *doc)
{
	enum compliance_framework fw = COMPLIANCE__FRAMEWORKS;
	size_t i;

	for (i = 0; i < compliance_count(); i++) {
		const struct compliance_category *c = compliance_at(i);
		const struct report_compliance *rc = &doc->r->compliance[i];

		if (c->framework != fw) {
			fw = c->framework;
			fprintf(out, "%s%s\n  %-9s %6s %6s %8s %6s  %s\n", i ? "\n" : "",
				compliance_framework_title(fw), "ID", "ACTIVE", "CRIT+H", "RESOLVED", "TOTAL",
				"CATEGORY");
		}
		fprintf(out, "  %-9s %6ld %6ld %8ld %6ld  %s\n", c->id, rc->active, rc->critical_high,
			rc->resolved, rc->total, c->name);
	}
}
