/*
 * The HTML report: one file, inline CSS and SVG, no script and no
 * external resource, so it can be mailed, archived and printed as is.
 * Every string that comes from findings goes through html_escape().
 */
#include "posture.h"
#include "out/report.h"
#include "out/html.h"
#include "util/ptime.h"

static const char *const tier_colors[RT__COUNT] = { "#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#6b7280" };

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827;"
	"margin:0 auto;max-width:1100px;padding:24px}\n"
	"h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #e5e7eb;"
	"padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}\n"
	".meta{color:#4b5563;margin:0 0 16px}\n"
	".cards{display:flex;flex-wrap:wrap;gap:12px}\n"
	".card{border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:140px}\n"
	".card .v{font-size:26px;font-weight:600}.card .l{color:#4b5563;font-size:12px;text-transform:uppercase}\n"
	"table{border-collapse:collapse;width:100%;margin:6px 0}\n"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}\n"
	"th{background:#f3f4f6;font-size:12px;text-transform:uppercase;color:#374151}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".t-critical{color:#b91c1c;font-weight:600}.t-high{color:#ea580c;font-weight:600}\n"
	".t-medium{color:#a16207}.t-low{color:#2563eb}.t-unscored{color:#6b7280}\n"
	".none{color:#6b7280;font-style:italic}\n"
	".legend span{display:inline-block;margin-right:14px}\n"
	".legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#374151}\n"
	"@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}"
	"table,svg,.cards{break-inside:avoid}a{color:inherit;text-decoration:none}}\n";

static void tier_cell(FILE *out, const char *tier)
{
	if (!tier) {
		fputs("<td class=\"t-unscored\">-</td>", out);
		return;
	}
	fputs("<td class=\"t-", out);
	html_escape(out, tier);
	fputs("\">", out);
	html_escape(out, tier);
	fputs("</td>", out);
}

static void card(FILE *out, const char *label, const char *value)
{
	fputs("<div class=\"card\"><div class=\"v\">", out);
	html_escape(out, value);
	fputs("</div><div class=\"l\">", out);
	html_escape(out, label);
	fputs("</div></div>\n", out);
}

static void legend(FILE *out)
{
	enum report_tier t;

	fputs("<p class=\"legend\">", out);
	for (t = RT_CRITICAL; t < RT__COUNT; t++)
		fprintf(out, "<span><i style=\"background:%s\"></i>%s</span>", tier_colors[t], report_tier_name(t));
	fputs("</p>\n", out);
}

/* Open findings by tier, one line per tier over the trend's days. */
static void trend_chart(FILE *out, const struct report *r)
{
	const int w = 720, h = 220, left = 40, right = 10, top = 10, bottom = 30;
	long max = 1, tick;
	enum report_tier t;
	size_t d;

	for (d = 0; d < REPORT_TREND_DAYS; d++)
		for (t = RT_CRITICAL; t < RT__COUNT; t++)
			if (r->trend[d][t] > max)
				max = r->trend[d][t];
	fprintf(out, "<svg role=\"img\" aria-label=\"open findings by tier, last %d days\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		REPORT_TREND_DAYS, w, h, w, h);
	for (tick = 0; tick <= 4; tick++) {
		long v = (max * tick + 3) / 4;
		double y = top + (h - top - bottom) * (1.0 - (double)v / (double)max);

		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%ld</text>\n",
			left, y, w - right, y, left - 4, y + 4, v);
	}
	for (d = 0; d < REPORT_TREND_DAYS; d += 7) {
		char day[21];
		double x = left + (double)(w - left - right) * (double)d / (REPORT_TREND_DAYS - 1);

		ptime_format(day, r->trend_day[d]);
		day[10] = '\0';
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, h - 10, day + 5);
	}
	for (t = RT_CRITICAL; t < RT__COUNT; t++) {
		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", tier_colors[t]);
		for (d = 0; d < REPORT_TREND_DAYS; d++) {
			double x = left + (double)(w - left - right) * (double)d / (REPORT_TREND_DAYS - 1);
			double y = top + (h - top - bottom) * (1.0 - (double)r->trend[d][t] / (double)max);

			fprintf(out, "%s%.1f,%.1f", d ? " " : "", x, y);
		}
		fputs("\"/>\n", out);
	}
	fputs("</svg>\n", out);
	legend(out);
}

/* Horizontal bars, one per row: label, value, bar length value/max. */
static void bar(FILE *out, int y, const char *label, double value, double max, const char *text,
		const char *color)
{
	const int left = 110, width = 420;
	double len = max > 0 ? width * value / max : 0;

	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y + 13);
	html_escape(out, label);
	fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>"
		"<text x=\"%.1f\" y=\"%d\">", left, y, len, color, left + len + 6, y + 13);
	html_escape(out, text);
	fputs("</text>\n", out);
}

static void mttr_chart(FILE *out, const struct report *r)
{
	double max = 0;
	enum report_tier t;

	for (t = RT_CRITICAL; t < RT__COUNT; t++)
		if (r->mttr_n[t] && r->mttr[t] > max)
			max = r->mttr[t];
	fprintf(out, "<svg role=\"img\" aria-label=\"mean time to remediate by tier\" width=\"720\" "
		"height=\"%d\" viewBox=\"0 0 720 %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		RT__COUNT * 24 + 4, RT__COUNT * 24 + 4);
	for (t = RT_CRITICAL; t < RT__COUNT; t++) {
		char text[64];

		if (r->mttr_n[t])
			snprintf(text, sizeof(text), "%.1f days (%ld fixed)", r->mttr[t] / 86400.0, r->mttr_n[t]);
		else
			snprintf(text, sizeof(text), "none fixed");
		bar(out, 2 + (int)t * 24, report_tier_name(t), r->mttr_n[t] ? r->mttr[t] : 0, max, text,
		    tier_colors[t]);
	}
	fputs("</svg>\n", out);
}

static void sla_section(FILE *out, const struct report *r)
{
	long total = r->sla_met + r->sla_breached;
	size_t i;

	fputs("<h2 id=\"sla\">SLA compliance</h2>\n", out);
	if (!total) {
		fputs("<p class=\"none\">No finding in scope has an SLA due date yet.</p>\n", out);
		return;
	}
	fprintf(out, "<p>%ld of %ld findings with a due date met it or are not due yet: <strong>%.1f%%</strong>.</p>\n",
		r->sla_met, total, 100.0 * (double)r->sla_met / (double)total);
	fputs("<svg role=\"img\" aria-label=\"SLA met and breached\" width=\"720\" height=\"52\" "
	      "viewBox=\"0 0 720 52\" xmlns=\"http://www.w3.org/2000/svg\">\n", out);
	{
		char met[32], breached[32];

		snprintf(met, sizeof(met), "%ld", r->sla_met);
		snprintf(breached, sizeof(breached), "%ld", r->sla_breached);
		bar(out, 2, "met", (double)r->sla_met, (double)total, met, "#16a34a");
		bar(out, 26, "breached", (double)r->sla_breached, (double)total, breached, "#b91c1c");
	}
	fputs("</svg>\n", out);
	fputs("<h3>Breached SLAs still open</h3>\n", out);
	if (!r->nbreached) {
		fputs("<p class=\"none\">None.</p>\n", out);
		return;
	}
	fputs("<table><tr><th class=\"n\">ID</th><th>Tier</th><th class=\"n\">Risk</th><th>App</th><th>Owner</th>"
	      "<th>Due</th><th>Title</th></tr>\n", out);
	for (i = 0; i < r->nbreached; i++) {
		const struct finding *f = r->breached[i];
		char due[21];

		ptime_format(due, f->sla_due);
		due[10] = '\0';
		fprintf(out, "<tr><td class=\"n\">%lld</td>", (long long)f->id);
		tier_cell(out, f->tier);
		if (f->risk >= 0)
			fprintf(out, "<td class=\"n\">%d</td><td>", f->risk);
		else
			fputs("<td class=\"n\">-</td><td>", out);
		html_escape(out, f->app);
		fputs("</td><td>", out);
		html_escape(out, f->owner ? f->owner : "-");
		fprintf(out, "</td><td>%s</td><td>", due);
		html_escape_cut(out, f->title, 160);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void top_findings(FILE *out, const struct report *r)
{
	size_t i;

	fputs("<h2 id=\"top\">Fix first</h2>\n", out);
	if (!r->ntop) {
		fputs("<p class=\"none\">No active finding.</p>\n", out);
		return;
	}
	fputs("<table><tr><th class=\"n\">ID</th><th>Tier</th><th class=\"n\">Risk</th><th>Severity</th><th>App</th>"
	      "<th>Owner</th><th>Title</th><th>Where</th></tr>\n", out);
	for (i = 0; i < r->ntop; i++) {
		const struct finding *f = r->top[i];

		fprintf(out, "<tr><td class=\"n\">%lld</td>", (long long)f->id);
		tier_cell(out, f->tier);
		if (f->risk >= 0)
			fprintf(out, "<td class=\"n\">%d</td>", f->risk);
		else
			fputs("<td class=\"n\">-</td>", out);
		fprintf(out, "<td>%s</td><td>", severity_name(f->severity));
		html_escape(out, f->app);
		fputs("</td><td>", out);
		html_escape(out, f->owner ? f->owner : "-");
		fputs("</td><td>", out);
		html_escape_cut(out, f->title, 160);
		fputs("</td><td>", out);
		html_escape_cut(out, f->path ? f->path : f->component, 80);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void apps_section(FILE *out, const struct report *r)
{
	size_t i;

	fputs("<h2 id=\"apps\">Riskiest apps</h2>\n", out);
	if (!r->napps) {
		fputs("<p class=\"none\">No app has an active finding.</p>\n", out);
		return;
	}
	fputs("<table><tr><th>App</th><th class=\"n\">Active</th><th class=\"n\">Critical</th><th class=\"n\">High</th>"
	      "<th class=\"n\">Medium</th><th class=\"n\">Low</th><th class=\"n\">Max risk</th>"
	      "<th class=\"n\">SLA breached</th></tr>\n", out);
	for (i = 0; i < r->napps && i < REPORT_TOP; i++) {
		const struct report_app *a = &r->apps[i];

		fputs("<tr><td>", out);
		html_escape(out, a->name);
		fprintf(out, "</td><td class=\"n\">%ld</td><td class=\"n t-critical\">%ld</td>"
			"<td class=\"n t-high\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
			"<td class=\"n\">%d</td><td class=\"n\">%ld</td></tr>\n", a->active, a->by_tier[RT_CRITICAL],
			a->by_tier[RT_HIGH], a->by_tier[RT_MEDIUM], a->by_tier[RT_LOW], a->risk_max, a->breached);
	}
	fputs("</table>\n", out);
}

static void groups_section(FILE *out, const struct report *r)
{
	size_t i;

	fputs("<h2 id=\"groups\">Root causes to fix once</h2>\n", out);
	if (!r->ngroups) {
		fputs("<p class=\"none\">No root-cause groups in scope (groups come from correlation).</p>\n", out);
		return;
	}
	fputs("<table><tr><th>Group</th><th class=\"n\">Active findings</th><th class=\"n\">Critical+high</th>"
	      "<th class=\"n\">Max risk</th></tr>\n", out);
	for (i = 0; i < r->ngroups && i < REPORT_TOP; i++) {
		fputs("<tr><td>", out);
		html_escape(out, r->groups[i].name);
		fprintf(out, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%d</td></tr>\n",
			r->groups[i].active, r->groups[i].critical_high, r->groups[i].risk_max);
	}
	fputs("</table>\n", out);
}

static void compliance_section(FILE *out, const struct report *r)
{
	enum compliance_framework fw = COMPLIANCE__FRAMEWORKS;
	size_t i;

	fputs("<h2 id=\"compliance\">Compliance</h2>\n"
	      "<p>Active findings per category (mapping rules: docs/compliance.md).</p>\n", out);
	for (i = 0; i < compliance_count(); i++) {
		const struct compliance_category *c = compliance_at(i);
		const struct report_compliance *rc = &r->compliance[i];

		if (c->framework != fw) {
			if (fw != COMPLIANCE__FRAMEWORKS)
				fputs("</table>\n", out);
			fw = c->framework;
			fprintf(out, "<h3>%s</h3>\n<table><tr><th>ID</th><th>Category</th><th class=\"n\">Active</th>"
				"<th class=\"n\">Critical+high</th><th class=\"n\">Resolved</th><th class=\"n\">Total</th>"
				"</tr>\n", compliance_framework_title(fw));
		}
		/* the CWE Top 25 is long: list only the weaknesses that occur */
		if (fw == COMPLIANCE_CWE_TOP25_2024 && !rc->total)
			continue;
		fputs("<tr><td>", out);
		html_escape(out, c->id);
		fputs("</td><td>", out);
		html_escape(out, c->name);
		fprintf(out, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
			"<td class=\"n\">%ld</td></tr>\n", rc->active, rc->critical_high, rc->resolved, rc->total);
	}
	if (fw != COMPLIANCE__FRAMEWORKS)
		fputs("</table>\n", out);
}

void out_report_html(FILE *out, const struct report_doc *doc)
{
	const struct report *r = doc->r;
	char when[21], v[64];
	enum report_tier t;
	long total = r->sla_met + r->sla_breached;

	ptime_format(when, r->now);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
	html_escape(out, doc->title);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", css);
	html_escape(out, doc->title);
	fputs("</h1>\n<p class=\"meta\">Scope: ", out);
	html_escape(out, doc->scope);
	if (doc->name) {
		fputs(" <strong>", out);
		html_escape(out, doc->name);
		fputs("</strong>", out);
	}
	fprintf(out, " &middot; generated %s by posture &middot; %zu findings</p>\n", when, r->nfindings);

	fputs("<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">\n", out);
	snprintf(v, sizeof(v), "%ld", r->active);
	card(out, "active findings", v);
	for (t = RT_CRITICAL; t <= RT_HIGH; t++) {
		snprintf(v, sizeof(v), "%ld", r->by_tier[t]);
		card(out, t == RT_CRITICAL ? "critical tier" : "high tier", v);
	}
	if (total)
		snprintf(v, sizeof(v), "%.1f%%", 100.0 * (double)r->sla_met / (double)total);
	else
		snprintf(v, sizeof(v), "n/a");
	card(out, "SLA compliance", v);
	if (r->mttr_n[RT_CRITICAL])
		snprintf(v, sizeof(v), "%.1f d", r->mttr[RT_CRITICAL] / 86400.0);
	else
		snprintf(v, sizeof(v), "n/a");
	card(out, "MTTR critical", v);
	snprintf(v, sizeof(v), "%ld", r->resolved);
	card(out, "resolved", v);
	fputs("</div>\n", out);

	fprintf(out, "<h2 id=\"trend\">Open findings by tier, last %d days</h2>\n", REPORT_TREND_DAYS);
	trend_chart(out, r);
	fputs("<h2 id=\"mttr\">Mean time to remediate by tier</h2>\n", out);
	mttr_chart(out, r);
	sla_section(out, r);
	top_findings(out, r);
	groups_section(out, r);
	apps_section(out, r);
	compliance_section(out, r);
	fputs("<p class=\"meta\">Definitions: docs/reports.md. Exceptions expiring are not in this report yet.</p>\n"
	      "</body>\n</html>\n", out);
}
