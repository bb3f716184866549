#include "posture.h"
#include "out/metrics.h"
#include "util/ptime.h"

#define DAY 86400.0

static const char *const by_names[] = { NULL, "app", "team", "unit" };

/* A duration in days, 4 significant digits; null when there is none. */
static void days_value(struct jw *w, double seconds)
{
	if (seconds < 0)
		jw_null(w);
	else
		jw_num(w, seconds / DAY, 4);
}

static void rate_value(struct jw *w, double rate)
{
	if (rate < 0)
		jw_null(w);
	else
		jw_num(w, rate, 4);
}

static void duration_json(struct jw *w, const char *key, const struct metrics_duration *d)
{
	jw_key(w, key);
	jw_obj_open(w);
	jw_kint(w, "count", d->count);
	jw_key(w, "mean_days");
	days_value(w, d->count ? d->mean : -1);
	jw_key(w, "median_days");
	days_value(w, d->count ? d->median : -1);
	jw_obj_close(w);
}

static void tiers_json(struct jw *w, const struct metrics_duration *all,
		       const struct metrics_duration *by_tier)
{
	int t;

	duration_json(w, "all", all);
	jw_key(w, "by_tier");
	jw_obj_open(w);
	for (t = 0; t < METRICS_TIERS; t++)
		duration_json(w, metrics_tier_name(t), &by_tier[t]);
	jw_obj_close(w);
}

static void day_text(char out[static 11], int64_t t)
{
	char iso[21];

	ptime_format(iso, t);
	memcpy(out, iso, 10);
	out[10] = '\0';
}

static void open_json(struct jw *w, const long open[METRICS_TIERS], long all)
{
	int t;

	for (t = 0; t < METRICS_TIERS; t++)
		jw_kint(w, metrics_tier_name(t), open[t]);
	jw_kint(w, "all", all);
}

void out_metrics_json(struct jw *w, const struct metrics *m)
{
	char day[11];
	size_t i;

	jw_obj_open(w);
	jw_key(w, "scope");
	jw_obj_open(w);
	jw_kstr(w, "app", m->q.app);
	jw_kstr(w, "team", m->q.team);
	jw_kstr(w, "unit", m->q.unit);
	jw_obj_close(w);

	jw_key(w, "window");
	jw_obj_open(w);
	day_text(day, m->q.since);
	jw_kstr(w, "since", day);
	day_text(day, m->q.until - 86400);
	jw_kstr(w, "until", day);
	jw_kint(w, "days", (long long)m->ndays);
	jw_ktime(w, "now", m->q.now);
	jw_obj_close(w);

	jw_key(w, "activity");
	jw_obj_open(w);
	jw_kint(w, "opened", m->opened);
	jw_kint(w, "fixed", m->fixed);
	jw_kint(w, "reopened", m->reopened);
	jw_obj_close(w);

	jw_key(w, "mttr");
	jw_obj_open(w);
	tiers_json(w, &m->mttr_all, m->mttr);
	if (m->q.by != METRICS_BY_NONE) {
		jw_kstr(w, "by", by_names[m->q.by]);
		jw_key(w, "groups");
		jw_arr_open(w);
		for (i = 0; i < m->ngroups; i++) {
			jw_obj_open(w);
			jw_kstr(w, "name", m->groups[i].name);
			jw_kint(w, "open", m->groups[i].open);
			tiers_json(w, &m->groups[i].mttr_all, m->groups[i].mttr);
			jw_obj_close(w);
		}
		jw_arr_close(w);
	}
	jw_obj_close(w);

	jw_key(w, "sla");
	jw_obj_open(w);
	jw_kint(w, "fixed_in_time", m->sla_fixed_in_time);
	jw_kint(w, "fixed_late", m->sla_fixed_late);
	jw_kint(w, "open_within", m->sla_open_within);
	jw_kint(w, "open_breached", m->sla_open_breached);
	jw_key(w, "compliance");
	rate_value(w, m->sla.rate);
	jw_obj_close(w);

	jw_key(w, "open");
	jw_obj_open(w);
	jw_key(w, "now");
	jw_obj_open(w);
	open_json(w, m->open_now, m->open_now_all);
	jw_obj_close(w);
	jw_key(w, "daily");
	jw_arr_open(w);
	for (i = 0; i < m->ndays; i++) {
		jw_obj_open(w);
		day_text(day, m->days[i].day);
		jw_kstr(w, "day", day);
		open_json(w, m->days[i].open, m->days[i].open_all);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);

	jw_key(w, "recurrence");
	jw_obj_open(w);
	jw_kint(w, "fixed", m->recurrence.den);
	jw_kint(w, "came_back", m->recurrence.num);
	jw_key(w, "rate");
	rate_value(w, m->recurrence.rate);
	jw_obj_close(w);

	duration_json(w, "time_to_detect", &m->mttd);
	duration_json(w, "time_to_assign", &m->time_to_assign);
	jw_kint(w, "unassigned", m->unassigned);
	duration_json(w, "time_to_validate", &m->time_to_validate);

	jw_key(w, "dedupe");
	jw_obj_open(w);
	jw_kint(w, "evidence", m->evidence);
	jw_kint(w, "findings", m->findings);
	jw_key(w, "ratio");
	rate_value(w, m->dedupe_ratio);
	jw_obj_close(w);

	jw_key(w, "exceptions");
	jw_obj_open(w);
	jw_kint(w, "active", m->exceptions_active);
	jw_kint(w, "expiring_soon", m->exceptions_expiring);
	jw_kint(w, "within_days", m->q.expiring_days);
	jw_obj_close(w);

	jw_key(w, "coverage");
	jw_obj_open(w);
	jw_kint(w, "apps", m->apps);
	jw_kint(w, "stale_days", m->q.stale_days);
	jw_key(w, "kinds");
	jw_obj_open(w);
	for (i = 0; i < METRICS_COVERAGE_KINDS; i++) {
		const struct metrics_coverage *c = &m->coverage[i];

		if (!c->kind)
			continue;
		jw_key(w, c->kind);
		jw_obj_open(w);
		jw_kint(w, "covered", c->apps_covered);
		jw_kint(w, "stale", c->apps_stale);
		jw_kint(w, "never", c->apps_never);
		jw_obj_close(w);
	}
	jw_obj_close(w);
	jw_obj_close(w);
	jw_obj_close(w);
}

/* CSV: one measure per row; empty cells where a column does not apply, empty value for null. */
static void csv_row(FILE *out, const char *metric, const char *tier, const char *group,
		    const char *day, const char *value)
{
	const char *cells[4] = { tier, group, day, value };
	int i;

	fputs(metric, out);
	for (i = 0; i < 4; i++) {
		const char *c = cells[i] ? cells[i] : "";

		fputc(',', out);
		if (strpbrk(c, ",\"\r\n")) {
			fputc('"', out);
			for (; *c; c++) {
				if (*c == '"')
					fputc('"', out);
				fputc(*c, out);
			}
			fputc('"', out);
		} else {
			fputs(c, out);
		}
	}
	fputc('\n', out);
}

static void fmt_long(char out[static 24], long v)
{
	snprintf(out, 24, "%ld", v);
}

/* days with 4 significant digits, or "" for none (as JSON's %.4g) */
static void fmt_days(char out[static 32], double seconds)
{
	if (seconds < 0)
		out[0] = '\0';
	else
		snprintf(out, 32, "%.4g", seconds / DAY);
}

static void fmt_rate(char out[static 32], double rate)
{
	if (rate < 0)
		out[0] = '\0';
	else
		snprintf(out, 32, "%.4g", rate);
}

static void csv_duration(FILE *out, const char *name, const char *tier, const char *group,
			 const struct metrics_duration *d)
{
	char metric[64], v[32];

	snprintf(metric, sizeof(metric), "%s_count", name);
	fmt_long(v, d->count);
	csv_row(out, metric, tier, group, NULL, v);
	snprintf(metric, sizeof(metric), "%s_mean_days", name);
	fmt_days(v, d->count ? d->mean : -1);
	csv_row(out, metric, tier, group, NULL, v);
	snprintf(metric, sizeof(metric), "%s_median_days", name);
	fmt_days(v, d->count ? d->median : -1);
	csv_row(out, metric, tier, group, NULL, v);
}

static void csv_tiers(FILE *out, const char *group, const struct metrics_duration *all,
		      const struct metrics_duration *by_tier)
{
	int t;

	csv_duration(out, "mttr", NULL, group, all);
	for (t = 0; t < METRICS_TIERS; t++)
		csv_duration(out, "mttr", metrics_tier_name(t), group, &by_tier[t]);
}

void out_metrics_csv(FILE *out, const struct metrics *m)
{
	static const struct {
		const char *name;
		size_t offset;
	} counts[] = {
		{ "opened", offsetof(struct metrics, opened) },
		{ "fixed", offsetof(struct metrics, fixed) },
		{ "reopened", offsetof(struct metrics, reopened) },
		{ "sla_fixed_in_time", offsetof(struct metrics, sla_fixed_in_time) },
		{ "sla_fixed_late", offsetof(struct metrics, sla_fixed_late) },
		{ "sla_open_within", offsetof(struct metrics, sla_open_within) },
		{ "sla_open_breached", offsetof(struct metrics, sla_open_breached) },
		{ "unassigned", offsetof(struct metrics, unassigned) },
		{ "evidence", offsetof(struct metrics, evidence) },
		{ "findings", offsetof(struct metrics, findings) },
		{ "apps", offsetof(struct metrics, apps) },
	};
	char v[32], day[11];
	size_t i;
	int t;

	fputs("metric,tier,group,day,value\n", out);
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		fmt_long(v, *(const long *)(const void *)((const char *)m + counts[i].offset));
		csv_row(out, counts[i].name, NULL, NULL, NULL, v);
	}
	csv_tiers(out, NULL, &m->mttr_all, m->mttr);
	for (i = 0; i < m->ngroups; i++)
		csv_tiers(out, m->groups[i].name ? m->groups[i].name : "(none)", &m->groups[i].mttr_all,
			  m->groups[i].mttr);
	fmt_rate(v, m->sla.rate);
	csv_row(out, "sla_compliance", NULL, NULL, NULL, v);
	fmt_rate(v, m->recurrence.rate);
	csv_row(out, "recurrence_rate", NULL, NULL, NULL, v);
	fmt_long(v, m->recurrence.den);
	csv_row(out, "recurrence_fixed", NULL, NULL, NULL, v);
	fmt_long(v, m->recurrence.num);
	csv_row(out, "recurrence_came_back", NULL, NULL, NULL, v);
	csv_duration(out, "time_to_detect", NULL, NULL, &m->mttd);
	csv_duration(out, "time_to_assign", NULL, NULL, &m->time_to_assign);
	csv_duration(out, "time_to_validate", NULL, NULL, &m->time_to_validate);
	fmt_rate(v, m->dedupe_ratio);
	csv_row(out, "dedupe_ratio", NULL, NULL, NULL, v);
	fmt_long(v, m->exceptions_active);
	csv_row(out, "exceptions_active", NULL, NULL, NULL, v);
	fmt_long(v, m->exceptions_expiring);
	csv_row(out, "exceptions_expiring_soon", NULL, NULL, NULL, v);
	for (i = 0; i < METRICS_COVERAGE_KINDS; i++) {
		const struct metrics_coverage *c = &m->coverage[i];

		if (!c->kind)
			continue;
		fmt_long(v, c->apps_covered);
		csv_row(out, "coverage_apps_covered", NULL, c->kind, NULL, v);
		fmt_long(v, c->apps_stale);
		csv_row(out, "coverage_apps_stale", NULL, c->kind, NULL, v);
		fmt_long(v, c->apps_never);
		csv_row(out, "coverage_apps_never", NULL, c->kind, NULL, v);
	}
	for (t = 0; t < METRICS_TIERS; t++) {
		fmt_long(v, m->open_now[t]);
		csv_row(out, "open_now", metrics_tier_name(t), NULL, NULL, v);
	}
	for (i = 0; i < m->ndays; i++) {
		day_text(day, m->days[i].day);
		for (t = 0; t < METRICS_TIERS; t++) {
			fmt_long(v, m->days[i].open[t]);
			csv_row(out, "open", metrics_tier_name(t), NULL, day, v);
		}
	}
}

static void table_duration(FILE *out, const char *label, const struct metrics_duration *d)
{
	char mean[32], median[32];

	fmt_days(mean, d->count ? d->mean : -1);
	fmt_days(median, d->count ? d->median : -1);
	fprintf(out, "  %-22s %6ld  mean %8s d  median %8s d\n", label, d->count,
		d->count ? mean : "-", d->count ? median : "-");
}

static void table_rate(FILE *out, const char *label, long num, long den, double rate)
{
	if (rate < 0)
		fprintf(out, "%-24s -\n", label);
	else
		fprintf(out, "%-24s %.1f%% (%ld of %ld)\n", label, rate * 100, num, den);
}

void out_metrics_table(FILE *out, const struct metrics *m)
{
	char since[11], until[11], day[11], v[32];
	size_t i, first;
	int t;

	day_text(since, m->q.since);
	day_text(until, m->q.until - 86400);
	fprintf(out, "posture metrics for %s%s, %s to %s (%zu days)\n",
		m->q.app ? "app " : m->q.team ? "team " : m->q.unit ? "unit " : "",
		m->q.app ? m->q.app : m->q.team ? m->q.team : m->q.unit ? m->q.unit : "the portfolio",
		since, until, m->ndays);
	fprintf(out, "\nactivity: %ld opened, %ld fixed, %ld reopened\n", m->opened, m->fixed,
		m->reopened);

	fputs("\ntime to remediate (fixes in the window, by current tier)\n", out);
	for (t = 0; t < METRICS_TIERS; t++)
		table_duration(out, metrics_tier_name(t), &m->mttr[t]);
	table_duration(out, "all", &m->mttr_all);
	for (i = 0; i < m->ngroups; i++) {
		char label[64];

		snprintf(label, sizeof(label), "%s %s", by_names[m->q.by],
			 m->groups[i].name ? m->groups[i].name : "(none)");
		table_duration(out, label, &m->groups[i].mttr_all);
	}

	fputs("\nopen findings now\n", out);
	for (t = 0; t < METRICS_TIERS; t++)
		fprintf(out, "  %-22s %6ld\n", metrics_tier_name(t), m->open_now[t]);
	fprintf(out, "  %-22s %6ld\n", "all", m->open_now_all);
	fputs("\nopen at the end of the day (last 14 days of the window)\n"
	      "  day          critical   high medium    low   none    all\n", out);
	first = m->ndays > 14 ? m->ndays - 14 : 0;
	for (i = first; i < m->ndays; i++) {
		day_text(day, m->days[i].day);
		fprintf(out, "  %s", day);
		for (t = 0; t < METRICS_TIERS; t++)
			fprintf(out, " %*ld", t == 0 ? 10 : 6, m->days[i].open[t]);
		fprintf(out, " %6ld\n", m->days[i].open_all);
	}

	fputc('\n', out);
	table_rate(out, "SLA compliance", m->sla.num, m->sla.den, m->sla.rate);
	fprintf(out, "  fixed in time %ld, fixed late %ld, open within %ld, open breached %ld\n",
		m->sla_fixed_in_time, m->sla_fixed_late, m->sla_open_within, m->sla_open_breached);
	table_rate(out, "recurrence", m->recurrence.num, m->recurrence.den, m->recurrence.rate);
	fputs("\ntimes, for findings first seen in the window\n", out);
	table_duration(out, "to detect", &m->mttd);
	table_duration(out, "to assign", &m->time_to_assign);
	fprintf(out, "  %-22s %6ld\n", "never assigned", m->unassigned);
	table_duration(out, "to validate", &m->time_to_validate);

	fmt_rate(v, m->dedupe_ratio);
	fprintf(out, "\ndedupe ratio            %s (%ld evidence, %ld findings)\n",
		m->dedupe_ratio < 0 ? "-" : v, m->evidence, m->findings);
	fprintf(out, "exceptions              %ld active, %ld expiring within %ld days\n",
		m->exceptions_active, m->exceptions_expiring, m->q.expiring_days);
	fprintf(out, "\ncoverage of %ld apps    covered  stale  never\n", m->apps);
	for (i = 0; i < METRICS_COVERAGE_KINDS; i++) {
		const struct metrics_coverage *c = &m->coverage[i];

		if (c->kind)
			fprintf(out, "  %-22s %6ld %6ld %6ld\n", c->kind, c->apps_covered,
				c->apps_stale, c->apps_never);
	}
}
