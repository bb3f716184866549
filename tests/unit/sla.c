/* Unit tests for SLA clock arithmetic (src/engine/sla.c), across time. */
#include "posture.h"
#include "engine/sla.h"
#include "util/ptime.h"

#include <setjmp.h>
#include <cmocka.h>

static const int days[TIER__COUNT] = { 180, 90, 30, 7 };  /* low, medium, high, critical */

static int64_t at(const char *s)
{
	struct perr err = PERR_INIT;
	int64_t t = 0;

	assert_int_equal(ptime_parse(&t, s, &err), 0);
	return t;
}

static bool step(struct sla_clock *c, int tier, bool paused, bool reopened, const char *when,
		 int64_t kev_due)
{
	struct sla_facts f = { tier, paused, reopened, at(when), kev_due };

	return sla_update(c, &f, days);
}

static void test_sla__first_tier(void **state)
{
	struct sla_clock c = SLA_CLOCK_INIT;

	assert_true(step(&c, TIER_HIGH, false, false, "2026-01-01", 0));
	assert_int_equal(c.due, at("2026-01-31"));
	assert_int_equal(c.start, at("2026-01-01"));
	assert_int_equal(c.tier, TIER_HIGH);
	/* nothing new: nothing changes */
	assert_false(step(&c, TIER_HIGH, false, false, "2026-01-20", 0));
	assert_int_equal(c.due, at("2026-01-31"));
	assert_int_equal(sla_remaining(&c, at("2026-01-30")), SLA_DAY);
	assert_int_equal(sla_remaining(&c, at("2026-02-02")), -2 * SLA_DAY);
	/* not scored: no clock */
	c = (struct sla_clock)SLA_CLOCK_INIT;
	assert_false(step(&c, -1, false, false, "2026-01-01", 0));
	assert_int_equal(c.due, 0);
}

static void test_sla__raise(void **state)
{
	struct sla_clock c = SLA_CLOCK_INIT;

	step(&c, TIER_MEDIUM, false, false, "2026-01-01", 0);      /* due 2026-04-01 */
	assert_int_equal(c.due, at("2026-04-01"));
	/* raised on day 50: the new clock counts from the raise */
	assert_true(step(&c, TIER_CRITICAL, false, false, "2026-02-20", 0));
	assert_int_equal(c.due, at("2026-02-27"));
	assert_int_equal(c.tier_at, at("2026-02-20"));
	/* a raise never gives more time than the old clock had left */
	c = (struct sla_clock)SLA_CLOCK_INIT;
	step(&c, TIER_MEDIUM, false, false, "2026-01-01", 0);
	assert_true(step(&c, TIER_HIGH, false, false, "2026-03-20", 0));
	assert_int_equal(c.due, at("2026-04-01"));
	assert_int_equal(c.tier, TIER_HIGH);
}

static void test_sla__drop(void **state)
{
	struct sla_clock c = SLA_CLOCK_INIT;

	step(&c, TIER_MEDIUM, false, false, "2026-01-01", 0);
	step(&c, TIER_CRITICAL, false, false, "2026-02-20", 0);    /* due 02-27 */
	/* dropped to high on day 55: start + 30 days (01-31) is earlier: the due date stays */
	assert_true(step(&c, TIER_HIGH, false, false, "2026-02-25", 0));
	assert_int_equal(c.due, at("2026-02-27"));
	assert_int_equal(c.tier, TIER_HIGH);
	/* back to medium: what medium would have given from the start */
	assert_true(step(&c, TIER_MEDIUM, false, false, "2026-02-26", 0));
	assert_int_equal(c.due, at("2026-04-01"));
	/* critical on day 0, low on day 3: start + 180 days */
	c = (struct sla_clock)SLA_CLOCK_INIT;
	step(&c, TIER_CRITICAL, false, false, "2026-01-01", 0);
	assert_true(step(&c, TIER_LOW, false, false, "2026-01-04", 0));
	assert_int_equal(c.due, at("2026-06-30"));
}

static void test_sla__reopen(void **state)
{
	struct sla_clock c = SLA_CLOCK_INIT;

	step(&c, TIER_HIGH, false, false, "2026-01-01", 0);
	/* fixed, then back on 03-01: a new clock from the reopen, even though the old one was overdue */
	assert_true(step(&c, TIER_HIGH, false, true, "2026-03-01", 0));
	assert_int_equal(c.start, at("2026-03-01"));
	assert_int_equal(c.due, at("2026-03-31"));
}

static void test_sla__pause_and_resume(void **state)
{
	struct sla_clock c = SLA_CLOCK_INIT;

	step(&c, TIER_HIGH, false, false, "2026-01-01", 0);         /* due 01-31 */
	/* accepted on 01-11 with 20 days left */
	assert_true(step(&c, TIER_HIGH, true, false, "2026-01-11", 0));
	assert_int_equal(c.paused_at, at("2026-01-11"));
	assert_int_equal(sla_remaining(&c, at("2026-05-01")), 20 * SLA_DAY);
	/* a raise while paused counts as of the pause */
	assert_true(step(&c, TIER_CRITICAL, true, false, "2026-03-01", 0));
	assert_int_equal(c.due, at("2026-01-18"));
	/* the acceptance expires on 04-01: the 7 days left resume */
	assert_true(step(&c, TIER_CRITICAL, false, false, "2026-04-01", 0));
	assert_int_equal(c.paused_at, 0);
	assert_int_equal(c.due, at("2026-04-08"));
	assert_int_equal(c.start, at("2026-01-01") + (at("2026-04-01") - at("2026-01-11")));
	/* accepted before it was ever scored: the clock starts paused */
	c = (struct sla_clock)SLA_CLOCK_INIT;
	assert_true(step(&c, TIER_LOW, true, false, "2026-01-01", 0));
	assert_int_equal(c.paused_at, at("2026-01-01"));
	assert_int_equal(sla_remaining(&c, at("2027-01-01")), 180 * SLA_DAY);
}

static void test_sla__kev_due_date(void **state)
{
	struct sla_clock c = SLA_CLOCK_INIT;

	/* KEV says 01-15: earlier than medium's 90 days */
	assert_true(step(&c, TIER_MEDIUM, false, false, "2026-01-01", at("2026-01-15")));
	assert_int_equal(c.due, at("2026-01-15"));
	/* a later dueDate than the tier's never loosens the clock */
	c = (struct sla_clock)SLA_CLOCK_INIT;
	step(&c, TIER_CRITICAL, false, false, "2026-01-01", at("2026-03-01"));
	assert_int_equal(c.due, at("2026-01-08"));
	/* the CVE enters KEV later: the ceiling applies from then */
	c = (struct sla_clock)SLA_CLOCK_INIT;
	step(&c, TIER_LOW, false, false, "2026-01-01", 0);
	assert_true(step(&c, TIER_LOW, false, false, "2026-02-01", at("2026-02-22")));
	assert_int_equal(c.due, at("2026-02-22"));
	/* a drop does not escape it */
	c = (struct sla_clock)SLA_CLOCK_INIT;
	step(&c, TIER_CRITICAL, false, false, "2026-01-01", at("2026-01-20"));
	step(&c, TIER_LOW, false, false, "2026-01-03", at("2026-01-20"));
	assert_int_equal(c.due, at("2026-01-20"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sla__first_tier),
		cmocka_unit_test(test_sla__raise),
		cmocka_unit_test(test_sla__drop),
		cmocka_unit_test(test_sla__reopen),
		cmocka_unit_test(test_sla__pause_and_resume),
		cmocka_unit_test(test_sla__kev_due_date),
	};

	return cmocka_run_group_tests_name("sla", tests, NULL, NULL);
}
