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

/* Every (from, to) pair of the triage table: the allowed ones, and the message of the rest. */
static void test_lifecycle__triage_table(void **state)
{
	static const char *const allowed[] = {
		"open>triaged", "open>in_progress", "open>false_positive", "open>wont_fix",
		"triaged>open", "triaged>in_progress", "triaged>false_positive", "triaged>wont_fix",
		"in_progress>triaged", "in_progress>false_positive", "in_progress>wont_fix",
		"reopened>triaged", "reopened>in_progress", "reopened>false_positive", "reopened>wont_fix",
		"fixed>reopened", "verified>reopened", "risk_accepted>reopened",
		"risk_accepted>false_positive", "false_positive>reopened", "wont_fix>reopened",
	};
	int from, to;
	size_t i, n = 0;

	for (from = 0; from < STATUS__COUNT; from++) {
		for (to = 0; to < STATUS__COUNT; to++) {
			struct perr err = PERR_INIT;
			char pair[64];
			bool want = false;
			int ret = lifecycle_triage((enum status)from, (enum status)to, &err);

			snprintf(pair, sizeof(pair), "%s>%s", status_name((enum status)from),
				 status_name((enum status)to));
			for (i = 0; i < ARRAY_SIZE(allowed); i++)
				if (!strcmp(pair, allowed[i]))
					want = true;
			if (want) {
				assert_int_equal(ret, 0);
				n++;
			} else {
				assert_int_equal(ret, P_EINVALID);
				assert_true(err.msg[0] != '\0');
			}
		}
	}
	assert_int_equal(n, ARRAY_SIZE(allowed));
}

static void test_lifecycle__triage_messages(void **state)
{
	struct perr err = PERR_INIT;

	lifecycle_triage(STATUS_OPEN, STATUS_RISK_ACCEPTED, &err);
	assert_string_equal(err.msg, "a risk acceptance needs an approver and an expiry: use 'posture accept'");
	lifecycle_triage(STATUS_OPEN, STATUS_FIXED, &err);
	assert_string_equal(err.msg, "'fixed' comes from scans: a newer full scan that no longer reports the "
			    "finding (see docs/lifecycle.md)");
	lifecycle_triage(STATUS_WONT_FIX, STATUS_TRIAGED, &err);
	assert_string_equal(err.msg, "a finding that is wont_fix cannot become triaged: reopen it first "
			    "('reopened')");
	lifecycle_triage(STATUS_OPEN, STATUS_REOPENED, &err);
	assert_string_equal(err.msg, "the finding is open, not closed: only fixed, verified, risk_accepted, "
			    "false_positive and wont_fix findings are reopened");
	lifecycle_triage(STATUS_IN_PROGRESS, STATUS_OPEN, &err);
	assert_string_equal(err.msg, "only a triaged finding goes back to open; one that is in_progress is "
			    "reopened ('reopened')");
	lifecycle_triage(STATUS_TRIAGED, STATUS_TRIAGED, &err);
	assert_string_equal(err.msg, "the finding is already triaged");
}

static void test_lifecycle__downstream(void **state)
{
	/* the code fix was seen at 100 */
	struct lineage_check c = { 100, 0, false, false };

	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_NOT_SCANNED);
	c.last_scan = 99;
	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_NOT_SCANNED);
	/* a scan at the moment of the fix counts: the scan that fixed a correlated finding */
	c.last_scan = 100;
	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_GONE);
	c.last_scan = 101;
	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_GONE);
	c.still_there = true;
	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_STILL_THERE);
	/* its evidence there went away before the code fix: gone, not scanned since */
	c.still_there = false;
	c.went_away = true;
	c.last_scan = 90;
	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_GONE_EARLY);
	/* the code still reports it: nothing downstream is gone "since the fix" */
	c.code_fixed_at = 0;
	c.last_scan = 200;
	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_GONE_EARLY);
	c.went_away = false;
	assert_int_equal(lifecycle_downstream(&c), DOWNSTREAM_NOT_SCANNED);
}

static void test_lifecycle__verified(void **state)
{
	struct lineage_check c[2] = { { 100, 100, false, true }, { 100, 150, false, false } };

	assert_true(lifecycle_verified(c, 2));
	c[1].still_there = true;
	assert_false(lifecycle_verified(c, 2));
	c[1].still_there = false;
	c[0].last_scan = 99;
	assert_false(lifecycle_verified(c, 2));
	/* nothing downstream: nothing to verify against */
	assert_false(lifecycle_verified(c, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle__new_and_again),
		cmocka_unit_test(test_lifecycle__reopen_only_after_the_fix),
		cmocka_unit_test(test_lifecycle__decisions_survive_rescans),
		cmocka_unit_test(test_lifecycle__absent),
		cmocka_unit_test(test_lifecycle__vex),
		cmocka_unit_test(test_lifecycle__triage_table),
		cmocka_unit_test(test_lifecycle__triage_messages),
		cmocka_unit_test(test_lifecycle__downstream),
		cmocka_unit_test(test_lifecycle__verified),
	};

	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
