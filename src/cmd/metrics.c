/* posture metrics: is the program getting safer? (docs/metrics.md) */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/metrics.h"
#include "engine/metrics.h"
#include "inventory/coverage.h"
#include "out/jw.h"
#include "out/metrics.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/opt.h"

struct scope_apps {
	struct coverage_app *apps;
	size_t n, alloc;
};

static int add_app(int64_t app_id, void *payload, struct perr *err)
{
	struct scope_apps *sa = payload;

	ALLOC_GROW(sa->apps, sa->n + 1, sa->alloc);
	memset(&sa->apps[sa->n], 0, sizeof(sa->apps[sa->n]));
	sa->apps[sa->n++].id = app_id;
	return 0;
}

static int cmp_app_id(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key, other = ((const struct coverage_app *)elem)->id;

	return (id > other) - (id < other);
}

static int add_cell(const struct store_coverage_row *r, void *payload, struct perr *err)
{
	struct scope_apps *sa = payload;
	struct coverage_app *app;
	struct coverage_cell *c;
	int k = coverage_kind_index(r->kind);

	if (k < 0 || !(app = bsearch(&r->app_id, sa->apps, sa->n, sizeof(*sa->apps), cmp_app_id)))
		return 0;
	c = &app->cells[k];
	c->last_scan = r->last_scan;
	c->scans = r->scans;
	c->evidence = r->evidence;
	c->active = r->active_findings;
	return 0;
}

/* Apps in scope per scanner kind: covered, stale or never, as `inventory coverage` judges. */
static int coverage(struct store *s, const struct metrics_query *q, struct metrics *m,
		    struct perr *err)
{
	struct scope_apps sa = { 0 };
	struct coverage_opts opts = { .now = q->now, .stale_days = q->stale_days,
				      .silent_min = 5, .silent_apps = 3 };
	double medians[COVERAGE_KINDS];
	size_t i;
	int k, ret;

	if ((ret = store_metrics_apps_each(s, q, add_app, &sa, err)) < 0 ||
	    (ret = store_coverage_each(s, false, add_cell, &sa, err)) < 0)
		goto done;
	coverage_flag(sa.apps, sa.n, &opts, medians);
	m->apps = (long)sa.n;
	for (k = 0; k < COVERAGE_KINDS && k < METRICS_COVERAGE_KINDS; k++) {
		struct metrics_coverage *mc = &m->coverage[k];

		mc->kind = coverage_kinds[k];
		for (i = 0; i < sa.n; i++) {
			unsigned flags = sa.apps[i].cells[k].flags;

			if (flags & COVERAGE_NEVER)
				mc->apps_never++;
			else if (flags & COVERAGE_STALE)
				mc->apps_stale++;
			else
				mc->apps_covered++;
		}
	}
done:
	xfree(sa.apps);
	return ret;
}

int metrics_collect(struct store *s, const struct metrics_query *q, struct metrics *out,
		    struct perr *err)
{
	int ret;

	if ((ret = store_metrics(s, q, out, err)) < 0 || (ret = coverage(s, q, out, err)) < 0)
		return ret;
	metrics_finish(out);
	return 0;
}

static const struct {
	const char *name;
	enum metrics_by by;
} by_names[] = {
	{ "app", METRICS_BY_APP }, { "team", METRICS_BY_TEAM }, { "unit", METRICS_BY_UNIT },
};

int cmd_metrics(int argc, const char **argv, struct ctx *ctx)
{
	const char *app = NULL, *team = NULL, *unit = NULL, *since = NULL, *until = NULL;
	const char *by = NULL, *format = "table";
	long expiring = 30;
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &app, "APP", "only this application's findings" },
		{ OPT_STRING, 't', "team", &team, "TEAM", "only the findings this team owns" },
		{ OPT_STRING, 'u', "unit", &unit, "UNIT", "only the findings the business unit's teams own" },
		{ OPT_STRING, 0, "since", &since, "DATE", "first day of the window (default: 90 days before --until)" },
		{ OPT_STRING, 0, "until", &until, "DATE", "last day of the window, included (default: today)" },
		{ OPT_STRING, 0, "by", &by, "WHAT", "time to remediate also per app, team or unit" },
		{ OPT_INT, 0, "expiring-days", &expiring, "N", "exceptions expiring within N days (default 30)" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default), json or csv" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture metrics [--app A|--team T|--unit U] [--since DATE] [--until DATE]\n"
		"                       [--by app|team|unit] [--format table|json|csv]",
		"Posture metrics over a window of whole days (UTC), from the history of\n"
		"events at the times the scans ran: time to remediate by tier, SLA\n"
		"compliance, open findings per day, recurrence, time to detect, assign and\n"
		"validate, dedupe ratio, exceptions and scanner coverage. Every definition\n"
		"is in docs/metrics.md.",
	};
	struct metrics_query q;
	struct metrics m = { 0 };
	struct perr err = PERR_INIT;
	int n, ret = EXIT_OK;
	size_t i;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("metrics: unexpected argument '%s'", argv[0]);
	if (!!app + !!team + !!unit > 1)
		return usage_error("metrics: give at most one of --app, --team and --unit");
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv"))
		return usage_error("metrics: --format must be table, json or csv, not '%s'", format);
	if (expiring < 0)
		return usage_error("metrics: --expiring-days must not be negative");
	metrics_query_init(&q, ctx->now);
	q.app = app;
	q.team = team;
	q.unit = unit;
	q.expiring_days = expiring;
	if (by) {
		for (i = 0; i < ARRAY_SIZE(by_names); i++)
			if (!strcmp(by, by_names[i].name))
				q.by = by_names[i].by;
		if (q.by == METRICS_BY_NONE)
			return usage_error("metrics: --by must be app, team or unit, not '%s'", by);
	}
	if (metrics_window(&q, since, until, &err) < 0) {
		perr_prefix(&err, "metrics");
		return perr_report(&err);
	}
	if (metrics_collect(ctx->store, &q, &m, &err) < 0) {
		ret = perr_report(&err);
		goto done;
	}
	if (!strcmp(format, "json")) {
		struct jw w;

		jw_init(&w, stdout, true);
		out_metrics_json(&w, &m);
		jw_reset_line(&w);
		jw_release(&w);
	} else if (!strcmp(format, "csv")) {
		out_metrics_csv(stdout, &m);
	} else {
		out_metrics_table(stdout, &m);
	}
done:
	metrics_release(&m);
	return ret;
}
