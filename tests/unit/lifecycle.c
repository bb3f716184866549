/* Unit tests for the finding lifecycle rules (src/engine/lifecycle.c). */
#include "posture.h"
#include "engine/lifecycle.h"

#include <setjmp.h>
#include <cmocka.h>

static struct seen_result seen(bool exists, enum status st, bool in_scan, int64_t at,
			       int64_t fixed_at)
{
	struct seen_input in = { exists, st, in_scan, at, fixed_at };
	struct seen_result r;

	lifecycle_seen(&r, &in);
	return r;
}

static void test_lifecycle__new_and_again(void **state)
{
	struct seen_result r = seen(false, STATUS_OPEN, false, 100, 0);

	assert_int_equal(r.outcome, SEEN_NEW);
	assert_int_equal(r.status, STATUS_OPEN);
	assert_int_equal(r.event, EVENT_OPENED);
	r = seen(true, STATUS_TRIAGED, false, 100, 0);
	assert_int_equal(r.outcome, SEEN_AGAIN);
	assert_int_equal(r.status, STATUS_TRIAGED);
	assert_false(r.status_changed);
	r = seen(true, STATUS_OPEN, true, 100, 0);
	assert_int_equal(r.outcome, SEEN_MERGED);
}

static void test_lifecycle__reopen_only_after_the_fix(void **state)
{
	struct seen_result r = seen(true, STATUS_FIXED, false, 200, 150);

	assert_int_equal(r.outcome, SEEN_REOPENED);
	assert_int_equal(r.status, STATUS_REOPENED);
	assert_true(r.status_changed);
	assert_int_equal(r.event, EVENT_REOPENED);
	r = seen(true, STATUS_VERIFIED, false, 200, 150);
	assert_int_equal(r.outcome, SEEN_REOPENED);
	/* a backfilled scan from before the fix is history, not a comeback */
	r = seen(true, STATUS_FIXED, false, 120, 150);
	assert_int_equal(r.outcome, SEEN_HISTORY);
	assert_int_equal(r.status, STATUS_FIXED);
	assert_false(r.status_changed);
}

static void test_lifecycle__decisions_survive_rescans(void **state)
{
	enum status all[] = { STATUS_RISK_ACCEPTED, STATUS_FALSE_POSITIVE, STATUS_WONT_FIX,
			      STATUS_IN_PROGRESS };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		struct seen_result r = seen(true, all[i], false, 100, 0);

		assert_int_equal(r.outcome, SEEN_AGAIN);
		assert_int_equal(r.status, all[i]);
	}
}

static void test_lifecycle__absent(void **state)
{
	enum status next;

	assert_true(lifecycle_absent(&next, STATUS_OPEN));
	assert_int_equal(next, STATUS_FIXED);
	assert_true(lifecycle_absent(&next, STATUS_REOPENED));
	assert_true(lifecycle_absent(&next, STATUS_RISK_ACCEPTED));
	assert_false(lifecycle_absent(&next, STATUS_FIXED));
	assert_false(lifecycle_absent(&next, STATUS_VERIFIED));
	assert_false(lifecycle_absent(&next, STATUS_FALSE_POSITIVE));
}

static void test_lifecycle__vex(void **state)
{
	enum status next;

	assert_true(lifecycle_vex(&next, STATUS_OPEN, "not_affected"));
	assert_int_equal(next, STATUS_FALSE_POSITIVE);
	assert_true(lifecycle_vex(&next, STATUS_IN_PROGRESS, "fixed"));
	assert_int_equal(next, STATUS_FALSE_POSITIVE);
	assert_true(lifecycle_vex(&next, STATUS_REOPENED, "under_investigation"));
	assert_int_equal(next, STATUS_TRIAGED);
	assert_false(lifecycle_vex(&next, STATUS_TRIAGED, "under_investigation"));
	assert_false(lifecycle_vex(&next, STATUS_OPEN, "affected"));
	assert_false(lifecycle_vex(&next, STATUS_FIXED, "not_affected"));
	assert_false(lifecycle_vex(&next, STATUS_RISK_ACCEPTED, "not_affected"));
	assert_false(lifecycle_vex(&next, STATUS_OPEN, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle__new_and_again),
		cmocka_unit_test(test_lifecycle__reopen_only_after_the_fix),
		cmocka_unit_test(test_lifecycle__decisions_survive_rescans),
		cmocka_unit_test(test_lifecycle__absent),
		cmocka_unit_test(test_lifecycle__vex),
	};

	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
