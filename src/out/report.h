/*
 * Report writers: JSON, CSV and one self-contained HTML page from a
 * computed struct report (engine/report.h), and the compliance view as a
 * table, JSON or CSV. Pure over the structs: they only write to `out`.
 */
#ifndef POSTURE_OUT_REPORT_H
#define POSTURE_OUT_REPORT_H

#include "engine/report.h"
#include "model/metrics.h"
#include "out/jw.h"

struct report_doc {
	const char *scope;     /* "portfolio", "team" or "app" */
	const char *name;      /* the team or app; NULL for the portfolio */
	const char *title;     /* the page's title */
	const struct report *r;
	const struct metrics *m;   /* the event-history metrics of the same scope (not for --compliance) */
};

/*
 * The report as JSON with every field of every finding: the report, then
 * the findings one at a time as the caller reads them (a portfolio's do
 * not fit in memory), then the end. The CSV report is
 * out/findings.h's finding printer.
 */
void out_report_json_begin(struct jw *w, const struct report_doc *doc);
void out_report_json_finding(struct jw *w, const struct finding *f);
void out_report_json_end(struct jw *w);
/* One HTML file: inline CSS and SVG, no script, no external resource. */
void out_report_html(FILE *out, const struct report_doc *doc);

/* The per-category compliance view. */
void out_compliance_table(FILE *out, const struct report_doc *doc);
void out_compliance_json(FILE *out, const struct report_doc *doc);
void out_compliance_csv(FILE *out, const struct report_doc *doc);

#endif
