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
	".t-medium{color:#a16207}.t-low{color:#2563eb}.t-none{color:#6b7280}\n"
	".none{color:#6b7280;font-style:italic}\n"
	".legend span{display:inline-block;margin-right:14px}\n"
	".legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#374151}\n"
	"@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}"
	"table,svg,.cards{break-inside:avoid}a{color:inherit;text-decoration:none}}\n";

static void tier_cell(FILE *out, const char *tier)
{
	if (!tier) {
		fputs("<td class=\"t-none\">-</td>", out);
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
	enum metrics_tier t;

	fputs("<p class=\"legend\">", out);
	for (t = METRICS_TIER_CRITICAL; t < METRICS_TIERS; t++)
		fprintf(out, "<span><i style=\"background:%s\"></i>%s</span>", tier_colors[t], metrics_tier_name(t));
	fputs("</p>\n", out);
}

/* Open findings by tier at the end of each day of the window, one line per tier. */
static void trend_chart(FILE *out, const struct metrics *m)
{
	const int w = 720, h = 220, left = 40, right = 10, top = 10, bottom = 30;
	long max = 1, tick;
	enum metrics_tier t;
	size_t d, step;

	if (m->ndays < 2) {
		fputs("<p class=\"none\">Not enough days to draw a trend.</p>\n", out);
		return;
	}
	for (d = 0; d < m->ndays; d++)
		for (t = METRICS_TIER_CRITICAL; t < METRICS_TIERS; t++)
			if (m->days[d].open[t] > max)
				max = m->days[d].open[t];
	fprintf(out, "<svg role=\"img\" aria-label=\"open findings by tier, last %zu days\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		m->ndays, w, h, w, h);
	for (tick = 0; tick <= 4; tick++) {
		long v = (max * tick + 3) / 4;
		double y = top + (h - top - bottom) * (1.0 - (double)v / (double)max);

		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%ld</text>\n",
			left, y, w - right, y, left - 4, y + 4, v);
	}
	step = m->ndays > 8 ? (m->ndays + 4) / 5 : 1;
	for (d = 0; d < m->ndays; d += step) {
		char day[21];
		double x = left + (double)(w - left - right) * (double)d / (double)(m->ndays - 1);

		ptime_format(day, m->days[d].day);
		day[10] = '\0';
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, h - 10, day + 5);
	}
	for (t = METRICS_TIER_CRITICAL; t < METRICS_TIERS; t++) {
		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", tier_colors[t]);
		for (d = 0; d < m->ndays; d++) {
			double x = left + (double)(w - left - right) * (double)d / (double)(m->ndays - 1);
			double y = top + (h - top - bottom) * (1.0 - (double)m->days[d].open[t] / (double)max);

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

static void mttr_chart(FILE *out, const struct metrics *m)
{
	double max = 0;
	enum metrics_tier t;

	for (t = METRICS_TIER_CRITICAL; t < METRICS_TIERS; t++)
		if (m->mttr[t].count && m->mttr[t].mean > max)
			max = m->mttr[t].mean;
	fprintf(out, "<svg role=\"img\" aria-label=\"mean time to remediate by tier\" width=\"720\" "
		"height=\"%d\" viewBox=\"0 0 720 %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		METRICS_TIERS * 24 + 4, METRICS_TIERS * 24 + 4);
	for (t = METRICS_TIER_CRITICAL; t < METRICS_TIERS; t++) {
		const struct metrics_duration *d = &m->mttr[t];
		char text[96];

		if (d->count)
			snprintf(text, sizeof(text), "%.1f days (median %.1f, %ld fixed)", d->mean / 86400.0,
				 d->median / 86400.0, d->count);
		else
			snprintf(text, sizeof(text), "none fixed");
		bar(out, 2 + (int)t * 24, metrics_tier_name(t), d->count ? d->mean : 0, max, text, tier_colors[t]);
	}
	fputs("</svg>\n", out);
}

static void sla_section(FILE *out, const struct report *r, const struct metrics *m)
{
	long fixed = m->sla_fixed_in_time + m->sla_fixed_late;
	long open = m->sla_open_within + m->sla_open_breached;
	size_t i;

	fputs("<h2 id=\"sla\">SLA compliance</h2>\n", out);
	if (!m->sla.den) {
		fputs("<p class=\"none\">No finding in scope has an SLA due date yet.</p>\n", out);
	} else {
		char v[32];

		fprintf(out, "<p>%ld of %ld findings with a due date were fixed in time or are still within it: "
			"<strong>%.1f%%</strong> (fixed in the window: %ld, active now: %ld).</p>\n",
			m->sla.num, m->sla.den, 100.0 * m->sla.rate, fixed, open);
		fputs("<svg role=\"img\" aria-label=\"SLA in time and breached\" width=\"720\" height=\"100\" "
		      "viewBox=\"0 0 720 100\" xmlns=\"http://www.w3.org/2000/svg\">\n", out);
		snprintf(v, sizeof(v), "%ld", m->sla_fixed_in_time);
		bar(out, 2, "fixed in time", (double)m->sla_fixed_in_time, (double)m->sla.den, v, "#16a34a");
		snprintf(v, sizeof(v), "%ld", m->sla_open_within);
		bar(out, 26, "open, within", (double)m->sla_open_within, (double)m->sla.den, v, "#86efac");
		snprintf(v, sizeof(v), "%ld", m->sla_fixed_late);
		bar(out, 50, "fixed late", (double)m->sla_fixed_late, (double)m->sla.den, v, "#f97316");
		snprintf(v, sizeof(v), "%ld", m->sla_open_breached);
		bar(out, 74, "open, breached", (double)m->sla_open_breached, (double)m->sla.den, v, "#b91c1c");
		fputs("</svg>\n", out);
	}
	fputs("<h3>Breached SLAs still open</h3>\n", out);
	if (!r->nbreached) {
		fputs("<p class=\"none\">None.</p>\n", out);
		return;
	}
	if ((size_t)r->breached_total > r->nbreached)
		fprintf(out, "<p>%ld findings are past their SLA due date; the %zu worst are below "
			"(<code>posture sla --breached</code> lists them all).</p>\n", r->breached_total,
			r->nbreached);
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

static void exceptions_section(FILE *out, const struct metrics *m)
{
	fputs("<h2 id=\"exceptions\">Exceptions</h2>\n", out);
	fprintf(out, "<p><strong>%ld</strong> active (risk acceptances and false positives), "
		"<strong>%ld</strong> expiring within %ld days.</p>\n",
		m->exceptions_active, m->exceptions_expiring, m->q.expiring_days);
}

static void day_text(char out[static 21], int64_t t)
{
	ptime_format(out, t);
	out[10] = '\0';
}

void out_report_html(FILE *out, const struct report_doc *doc)
{
	const struct report *r = doc->r;
	const struct metrics *m = doc->m;
	char when[21], since[21], until[21], v[64];
	enum report_tier t;

	ptime_format(when, r->now);
	day_text(since, m->q.since);
	day_text(until, m->q.until - 1);
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
	fprintf(out, " &middot; %s to %s &middot; generated %s by posture &middot; %zu findings</p>\n",
		since, until, when, r->nfindings);

	fputs("<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">\n", out);
	snprintf(v, sizeof(v), "%ld", r->active);
	card(out, "active findings", v);
	for (t = RT_CRITICAL; t <= RT_HIGH; t++) {
		snprintf(v, sizeof(v), "%ld", r->by_tier[t]);
		card(out, t == RT_CRITICAL ? "critical tier" : "high tier", v);
	}
	if (m->sla.den)
		snprintf(v, sizeof(v), "%.1f%%", 100.0 * m->sla.rate);
	else
		snprintf(v, sizeof(v), "n/a");
	card(out, "SLA compliance", v);
	if (m->mttr[METRICS_TIER_CRITICAL].count)
		snprintf(v, sizeof(v), "%.1f d", m->mttr[METRICS_TIER_CRITICAL].mean / 86400.0);
	else
		snprintf(v, sizeof(v), "n/a");
	card(out, "MTTR critical", v);
	snprintf(v, sizeof(v), "%ld", m->fixed);
	card(out, "fixed in the window", v);
	snprintf(v, sizeof(v), "%ld", m->opened);
	card(out, "new in the window", v);
	fputs("</div>\n", out);

	fprintf(out, "<h2 id=\"trend\">Open findings by tier, last %zu days</h2>\n", m->ndays);
	trend_chart(out, m);
	fputs("<h2 id=\"mttr\">Mean time to remediate by tier (fixes in the window)</h2>\n", out);
	mttr_chart(out, m);
	sla_section(out, r, m);
	top_findings(out, r);
	groups_section(out, r);
	apps_section(out, r);
	exceptions_section(out, m);
	compliance_section(out, r);
	fputs("<p class=\"meta\">Definitions: docs/reports.md and docs/metrics.md.</p>\n</body>\n</html>\n", out);
}
