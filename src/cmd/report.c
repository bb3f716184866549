/* posture report: portfolio, team or app reports (HTML, JSON, CSV) and the compliance view. */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/metrics.h"
#include "engine/metrics.h"
#include "engine/report.h"
#include "out/findings.h"
#include "out/report.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/opt.h"
#include "util/outfile.h"
#include "util/ptime.h"

/* The window of the trend, MTTR and SLA figures. */
#define REPORT_DAYS 30

enum report_format { RF_HTML, RF_JSON, RF_CSV, RF_TABLE };

static int parse_format(enum report_format *out, const char *s, bool compliance)
{
	if (!strcmp(s, "json"))
		*out = RF_JSON;
	else if (!strcmp(s, "csv"))
		*out = RF_CSV;
	else if (!strcmp(s, compliance ? "table" : "html"))
		*out = compliance ? RF_TABLE : RF_HTML;
	else
		return P_EINVALID;
	return 0;
}

static int check_scope(struct ctx *ctx, const char *app, const char *team, struct perr *err)
{
	if (app) {
		int64_t id;

		return store_app_id(ctx->store, app, &id, err);
	}
	if (team) {
		struct store_inv_row row;
		struct arena a = ARENA_INIT;
		int ret = store_inv_get(ctx->store, STORE_INV_TEAM, team, &a, &row, err);

		arena_release(&a);
		if (ret == P_ENOTFOUND)
			return perr_set(err, P_ENOTFOUND, "no team '%s' (see posture.yaml)", team);
		return ret;
	}
	return 0;
}

static int add_to_report(const struct finding *f, void *payload, struct perr *err)
{
	report_add(payload, f);
	return 0;
}

static int json_finding(const struct finding *f, void *payload, struct perr *err)
{
	out_report_json_finding(payload, f);
	return 0;
}

static int csv_finding(const struct finding *f, void *payload, struct perr *err)
{
	finding_printer_row(payload, f);
	return 0;
}

/*
 * Write the report. Only the JSON and CSV reports list every finding:
 * they read them a second time, worst first, and write each as it comes.
 */
static int write_doc(FILE *out, struct store *store, const struct finding_filter *filter,
		     const struct report_doc *doc, enum report_format fmt, bool compliance, struct perr *err)
{
	struct finding_printer p;
	struct jw w;
	int ret = 0;

	switch (fmt) {
	case RF_HTML:
		out_report_html(out, doc);
		break;
	case RF_JSON:
		if (compliance) {
			out_compliance_json(out, doc);
			break;
		}
		jw_init(&w, out, true);
		out_report_json_begin(&w, doc);
		ret = store_findings_each(store, filter, json_finding, &w, err);
		out_report_json_end(&w);
		jw_release(&w);
		break;
	case RF_CSV:
		if (compliance) {
			out_compliance_csv(out, doc);
			break;
		}
		finding_printer_begin(&p, OUT_CSV, out);
		ret = store_findings_each(store, filter, csv_finding, &p, err);
		finding_printer_end(&p);
		break;
	case RF_TABLE:
		out_compliance_table(out, doc);
		break;
	}
	return ret;
}

int cmd_report(int argc, const char **argv, struct ctx *ctx)
{
	const char *app = NULL, *team = NULL, *format = NULL, *output = NULL, *title = NULL;
	bool portfolio = false, compliance = false;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "portfolio", &portfolio, NULL, "every app" },
		{ OPT_STRING, 't', "team", &team, "TEAM", "the apps and findings this team owns" },
		{ OPT_STRING, 'a', "app", &app, "APP", "one application" },
		{ OPT_FLAG, 0, "compliance", &compliance, NULL,
		  "the per-category view: OWASP Top 10 2021, CWE Top 25 2024, PCI DSS v4.0" },
		{ OPT_STRING, 'f', "format", &format, "FMT",
		  "html (default), json or csv; with --compliance: table (default), json or csv" },
		{ OPT_STRING, 'o', "output", &output, "FILE", "write to FILE (replaced whole) instead of stdout" },
		{ OPT_STRING, 0, "title", &title, "TEXT", "the report's title" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture report (--portfolio | --team TEAM | --app APP) [--format html|json|csv] [--output FILE]\n"
		"   or: posture report --compliance [--app APP | --team TEAM] [--format table|json|csv]",
		"A posture report: open findings by tier over the last 30 days, mean time to\n"
		"remediate, SLA compliance, what to fix first, root-cause groups, riskiest apps\n"
		"and compliance per category. HTML is one self-contained file (no script, no\n"
		"network); JSON and CSV carry every field of every finding in scope.\n"
		"Definitions: docs/reports.md and docs/compliance.md.",
	};
	struct finding_filter filter = { 0 }, aggregate;
	struct report r = { 0 };
	struct metrics m = { 0 };
	struct metrics_query q;
	struct report_doc doc = { 0 };
	struct outfile of = OUTFILE_INIT;
	struct perr err = PERR_INIT;
	enum report_format fmt;
	char *auto_title = NULL;
	int n, scopes, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("report: unexpected argument '%s'", argv[0]);
	scopes = (portfolio ? 1 : 0) + (team ? 1 : 0) + (app ? 1 : 0);
	if (scopes > 1)
		return usage_error("report: give one of --portfolio, --team and --app");
	if (!scopes && !compliance)
		return usage_error("report: say what to report on: --portfolio, --team TEAM or --app APP");
	if (parse_format(&fmt, format ? format : compliance ? "table" : "html", compliance) < 0)
		return usage_error(compliance ? "report: --format must be table, json or csv with --compliance, not '%s'"
					      : "report: --format must be html, json or csv, not '%s'", format);
	if (check_scope(ctx, app, team, &err) < 0)
		return perr_report(&err);

	filter.app = app;
	filter.team = team;
	/* the figures need one look at each finding, in any order */
	aggregate = filter;
	aggregate.aggregate = true;
	report_begin(&r, ctx->now);
	n = store_findings_each(ctx->store, &aggregate, add_to_report, &r, &err);
	report_end(&r);
	if (n < 0) {
		ret = perr_report(&err);
		goto done;
	}
	if (!compliance) {
		char since[21];

		/* the trend, MTTR and SLA: the event history of the last REPORT_DAYS days */
		metrics_query_init(&q, ctx->now);
		q.app = app;
		q.team = team;
		ptime_format(since, ctx->now - (int64_t)(REPORT_DAYS - 1) * 86400);
		since[10] = '\0';
		if (metrics_window(&q, since, NULL, &err) < 0 || metrics_collect(ctx->store, &q, &m, &err) < 0) {
			ret = perr_report(&err);
			goto done;
		}
		doc.m = &m;
	}
	doc.scope = app ? "app" : team ? "team" : "portfolio";
	doc.name = app ? app : team;
	if (!title) {
		auto_title = xmalloc(strlen(doc.name ? doc.name : "") + 64);
		if (doc.name)
			snprintf(auto_title, strlen(doc.name) + 64, "Security posture: %s %s", doc.scope, doc.name);
		else
			snprintf(auto_title, 64, "Security posture: portfolio");
		title = auto_title;
	}
	doc.title = title;
	doc.r = &r;
	if (outfile_open(&of, output, &err) < 0 ||
	    write_doc(of.fp, ctx->store, &filter, &doc, fmt, compliance, &err) < 0 ||
	    outfile_commit(&of, &err) < 0)
		ret = perr_report(&err);
done:
	outfile_abort(&of);
	report_release(&r);
	metrics_release(&m);
	xfree(auto_title);
	return ret;
}
