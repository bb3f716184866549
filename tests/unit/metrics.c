/* Unit tests for the metrics arithmetic (src/engine/metrics.c, src/model/metrics.c). */
#include "posture.h"
#include "engine/metrics.h"
#include "util/alloc.h"

#include <setjmp.h>
#include <cmocka.h>

#define DAY 86400
/* 2026-01-15T10:00:00Z and its midnight */
#define NOW 1768471200
#define MIDNIGHT 1768435200

static void test_metrics__day_floor(void **state)
{
	assert_int_equal(metrics_day_floor(NOW), MIDNIGHT);
	assert_int_equal(metrics_day_floor(MIDNIGHT), MIDNIGHT);
	assert_int_equal(metrics_day_floor(MIDNIGHT - 1), MIDNIGHT - DAY);
	assert_int_equal(metrics_day_floor(0), 0);
	/* before 1970 a time still belongs to its own day, not the next one */
	assert_int_equal(metrics_day_floor(-1), -DAY);
	assert_int_equal(metrics_day_floor(-DAY), -DAY);
}

static void test_metrics__default_window(void **state)
{
	struct metrics_query q;
	struct perr err = PERR_INIT;

	metrics_query_init(&q, NOW);
	assert_int_equal(metrics_window(&q, NULL, NULL, &err), 0);
	/* the 90 days up to and including today */
	assert_int_equal(q.until, MIDNIGHT + DAY);
	assert_int_equal(q.since, MIDNIGHT + DAY - 90 * DAY);
	assert_int_equal(q.expiring_days, 30);
	assert_int_equal(q.by, METRICS_BY_NONE);
}

static void test_metrics__window_days(void **state)
{
	struct metrics_query q;
	struct perr err = PERR_INIT;

	metrics_query_init(&q, NOW);
	/* --until names the last day, included; a time rounds to its day */
	assert_int_equal(metrics_window(&q, "2026-01-01T18:30:00Z", "2026-01-10", &err), 0);
	assert_int_equal(q.since, MIDNIGHT - 14 * DAY);
	assert_int_equal(q.until, MIDNIGHT - 4 * DAY);
	/* one day */
	assert_int_equal(metrics_window(&q, "2026-01-10", "2026-01-10", &err), 0);
	assert_int_equal(q.until - q.since, DAY);
	/* --until alone: the 90 days up to it */
	metrics_query_init(&q, NOW);
	assert_int_equal(metrics_window(&q, NULL, "2026-01-10", &err), 0);
	assert_int_equal(q.until - q.since, 90 * DAY);
}

static void test_metrics__bad_windows(void **state)
{
	struct metrics_query q;
	struct perr err = PERR_INIT;

	metrics_query_init(&q, NOW);
	assert_int_equal(metrics_window(&q, "2026-01-11", "2026-01-10", &err), P_EINVALID);
	assert_string_equal(err.msg, "--since '2026-01-11' is after --until '2026-01-10'");
	perr_clear(&err);
	assert_int_equal(metrics_window(&q, "soon", NULL, &err), P_EINVALID);
	assert_non_null(strstr(err.msg, "--since"));
	perr_clear(&err);
	q.max_days = 10;
	assert_int_equal(metrics_window(&q, "2026-01-01", "2026-01-11", &err), P_EINVALID);
	assert_string_equal(err.msg, "the window is 11 days, longer than 10");
	perr_clear(&err);
	assert_int_equal(metrics_window(&q, "2026-01-01", "2026-01-10", &err), 0);
}

static void test_metrics__means_and_rates(void **state)
{
	struct metrics_duration none = { 0 }, d = { .count = 4, .sum = 10 * DAY };

	assert_true(metrics_mean(&none) < 0);
	assert_true(metrics_mean(&d) == 2.5 * DAY);
	assert_true(metrics_ratio(1, 4) == 0.25);
	assert_true(metrics_ratio(0, 3) == 0);
	assert_true(metrics_ratio(3, 0) < 0);
}

static void test_metrics__finish(void **state)
{
	struct metrics m = { 0 };

	m.mttr[METRICS_TIER_HIGH] = (struct metrics_duration){ .count = 2, .sum = 6 * DAY, .median = 3 * DAY };
	m.mttr_all = m.mttr[METRICS_TIER_HIGH];
	m.sla_fixed_in_time = 3;
	m.sla_fixed_late = 1;
	m.sla_open_within = 5;
	m.sla_open_breached = 1;
	m.recurrence.num = 1;
	m.recurrence.den = 4;
	m.evidence = 15;
	m.findings = 10;
	m.groups = xcalloc(1, sizeof(*m.groups));
	m.ngroups = 1;
	m.groups[0].name = xstrdup("team-a");
	m.groups[0].mttr_all = (struct metrics_duration){ .count = 1, .sum = DAY, .median = DAY };
	metrics_finish(&m);
	assert_true(m.mttr[METRICS_TIER_HIGH].mean == 3.0 * DAY);
	assert_true(m.mttr[METRICS_TIER_CRITICAL].mean < 0);
	assert_true(m.mttr[METRICS_TIER_CRITICAL].median < 0);
	assert_true(m.groups[0].mttr_all.mean == DAY);
	assert_true(m.groups[0].mttr[METRICS_TIER_LOW].mean < 0);
	/* SLA: (fixed in time + open within) over all four */
	assert_int_equal(m.sla.num, 8);
	assert_int_equal(m.sla.den, 10);
	assert_true(m.sla.rate == 0.8);
	assert_true(m.recurrence.rate == 0.25);
	assert_true(m.dedupe_ratio == 1.5);
	assert_true(m.mttd.mean < 0 && m.time_to_assign.mean < 0);
	metrics_release(&m);
	assert_null(m.groups);
	assert_int_equal(m.ngroups, 0);
	metrics_release(&m);
}

static void test_metrics__nothing_to_measure(void **state)
{
	struct metrics m = { 0 };

	metrics_finish(&m);
	assert_true(m.sla.rate < 0);
	assert_true(m.recurrence.rate < 0);
	assert_true(m.dedupe_ratio < 0);
	metrics_release(NULL);
}

static void test_metrics__tiers(void **state)
{
	assert_string_equal(metrics_tier_name(METRICS_TIER_CRITICAL), "critical");
	assert_string_equal(metrics_tier_name(METRICS_TIER_NONE), "none");
	assert_int_equal(metrics_tier_parse("low"), METRICS_TIER_LOW);
	assert_int_equal(metrics_tier_parse("high"), METRICS_TIER_HIGH);
	assert_int_equal(metrics_tier_parse(NULL), METRICS_TIER_NONE);
	assert_int_equal(metrics_tier_parse("none"), METRICS_TIER_NONE);
	assert_int_equal(metrics_tier_parse("severe"), METRICS_TIER_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics__day_floor),
		cmocka_unit_test(test_metrics__default_window),
		cmocka_unit_test(test_metrics__window_days),
		cmocka_unit_test(test_metrics__bad_windows),
		cmocka_unit_test(test_metrics__means_and_rates),
		cmocka_unit_test(test_metrics__finish),
		cmocka_unit_test(test_metrics__nothing_to_measure),
		cmocka_unit_test(test_metrics__tiers),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
