/* Unit tests for the gate's rules (src/engine/gate.c). */
#include "posture.h"
#include "engine/gate.h"

#include <setjmp.h>
#include <cmocka.h>

static struct policy *defaults(void)
{
	struct perr err = PERR_INIT;
	struct policy *p = NULL;

	assert_int_equal(policy_defaults(&p, &err), 0);
	return p;
}

static struct gate_item item(enum tier t, bool is_new, bool recurrence, enum status s)
{
	struct gate_item it = { 0 };

	it.tier = t;
	it.is_new = is_new;
	it.recurrence = recurrence;
	it.status = s;
	it.fingerprint = "f";
	return it;
}

static void expect(const struct policy *p, struct gate_item it, enum gate_decision d, bool would,
		   const char *why)
{
	gate_decide(&it, p);
	assert_int_equal(it.decision, d);
	assert_int_equal(it.would_block, would);
	assert_string_equal(it.why, why);
}

/* Every mode against new / in the baseline / recurrence, as docs/gate.md's table says. */
static void test_gate__modes(void **state)
{
	struct policy *p = defaults();

	p->gate[TIER_CRITICAL] = GATE_BLOCK;
	p->gate[TIER_HIGH] = GATE_BLOCK_RECURRENCE;
	p->gate[TIER_MEDIUM] = GATE_WARN;
	p->gate[TIER_LOW] = GATE_OFF;
	expect(p, item(TIER_CRITICAL, true, false, STATUS_OPEN), GATE_BLOCKS, false, "new; the tier blocks");
	expect(p, item(TIER_CRITICAL, false, false, STATUS_OPEN), GATE_WARNS, false,
	       "in the baseline: only new findings block");
	expect(p, item(TIER_HIGH, true, true, STATUS_REOPENED), GATE_BLOCKS, false,
	       "came back after a fix; the tier blocks recurrences");
	expect(p, item(TIER_HIGH, true, false, STATUS_OPEN), GATE_WARNS, true,
	       "new; the tier blocks only recurrences");
	expect(p, item(TIER_HIGH, false, true, STATUS_REOPENED), GATE_WARNS, false,
	       "in the baseline: only new findings block");
	expect(p, item(TIER_MEDIUM, true, false, STATUS_OPEN), GATE_WARNS, true, "new; the tier warns");
	expect(p, item(TIER_MEDIUM, false, false, STATUS_OPEN), GATE_WARNS, false,
	       "in the baseline; the tier warns");
	expect(p, item(TIER_LOW, true, true, STATUS_OPEN), GATE_PASS, false, "gate off for the tier");
	policy_free(p);
}

/* Accepted, false positive, won't fix and excepted findings never block, whatever the mode. */
static void test_gate__never_blocks(void **state)
{
	struct policy *p = defaults();
	struct gate_item it;

	expect(p, item(TIER_CRITICAL, true, true, STATUS_RISK_ACCEPTED), GATE_PASS, false, "risk accepted");
	expect(p, item(TIER_CRITICAL, true, false, STATUS_FALSE_POSITIVE), GATE_PASS, false, "false positive");
	expect(p, item(TIER_CRITICAL, true, false, STATUS_WONT_FIX), GATE_PASS, false, "won't fix");
	it = item(TIER_CRITICAL, true, false, STATUS_OPEN);
	it.exception = "accepted in .posture-exceptions.yaml:3";
	expect(p, it, GATE_PASS, false, "exception");
	/* triaged and in-progress findings still block: a plan is not a fix */
	expect(p, item(TIER_HIGH, true, false, STATUS_TRIAGED), GATE_BLOCKS, false, "new; the tier blocks");
	expect(p, item(TIER_HIGH, true, false, STATUS_IN_PROGRESS), GATE_BLOCKS, false, "new; the tier blocks");
	policy_free(p);
}

static void test_gate__order_and_summary(void **state)
{
	struct policy *p = defaults();
	struct gate_item v[5];
	struct gate_summary s;
	size_t i;

	v[0] = item(TIER_LOW, true, false, STATUS_OPEN);
	v[1] = item(TIER_MEDIUM, true, false, STATUS_OPEN);
	v[2] = item(TIER_HIGH, true, false, STATUS_OPEN);
	v[3] = item(TIER_CRITICAL, false, false, STATUS_OPEN);
	v[4] = item(TIER_CRITICAL, true, false, STATUS_OPEN);
	v[0].risk = 10, v[1].risk = 40, v[2].risk = 50, v[3].risk = 90, v[4].risk = 75;
	v[0].fingerprint = "a", v[1].fingerprint = "b", v[2].fingerprint = "c";
	v[3].fingerprint = "d", v[4].fingerprint = "e";
	for (i = 0; i < 5; i++)
		gate_decide(&v[i], p);
	gate_sort(v, 5);
	/* blocking by risk (e 75, c 50), then warnings by risk (d 90, b 40), then the rest */
	assert_string_equal(v[0].fingerprint, "e");
	assert_string_equal(v[1].fingerprint, "c");
	assert_string_equal(v[2].fingerprint, "d");
	assert_string_equal(v[3].fingerprint, "b");
	assert_string_equal(v[4].fingerprint, "a");
	gate_summarize(&s, v, 5);
	assert_int_equal(s.verdict, GATE_BLOCKS);
	assert_int_equal(s.total, 5);
	assert_int_equal(s.blocking, 2);
	assert_int_equal(s.warnings, 2);
	assert_int_equal(s.passed, 1);
	assert_int_equal(s.new_count, 4);
	assert_int_equal(s.would_block, 1);
	assert_int_equal(s.by_tier[TIER_CRITICAL][GATE_BLOCKS], 1);
	assert_int_equal(s.by_tier[TIER_CRITICAL][GATE_WARNS], 1);
	gate_summarize(&s, v + 2, 3);
	assert_int_equal(s.verdict, GATE_WARNS);
	gate_summarize(&s, v + 4, 1);
	assert_int_equal(s.verdict, GATE_PASS);
	gate_summarize(&s, v, 0);
	assert_int_equal(s.verdict, GATE_PASS);
	policy_free(p);
}

/* The one-line explanation: factors with points, numbers kept short, the deciding rule. */
static void test_gate__explain(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = { 0 };
	struct risk_result r;
	char line[GATE_EXPLAIN_MAX];

	in.kind = KIND_SCA;
	in.severity = SEV_CRITICAL;
	in.cvss_source = RISK_CVSS_VECTOR;
	in.cvss = 9.8;
	in.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
	in.cve = "CVE-2021-44228";
	in.kev = true;
	in.kev_date_added = "2021-12-10";
	in.kev_due_date = "2021-12-24";
	in.exposure = "internet";
	in.epss_percentile = -1;
	in.age_days = 3;
	risk_score(&r, p, &in);
	gate_explain(line, p, &r);
	/* the kev rule holds critical, but the score already was: no "made it" */
	assert_string_equal(line, "risk 84 (critical): cvss 9.8 +49, kev +25, exposure internet +10; rule kev");
	in.kev = false;
	in.cvss = 3.0;
	in.cvss_vector = NULL;
	in.cvss_source = RISK_CVSS_SCORE;
	in.validated = true;
	risk_score(&r, p, &in);
	gate_explain(line, p, &r);
	assert_string_equal(line, "risk 45 (high): cvss 3.0 +15, exposure internet +10, validated +10; "
			    "rule confirmed-internet made it high");
	memset(&in, 0, sizeof(in));
	in.severity = SEV_LOW;
	in.epss_percentile = -1;
	risk_score(&r, p, &in);
	gate_explain(line, p, &r);
	assert_string_equal(line, "risk 13 (low): cvss low severity, read as 2.5 +12.5");
	policy_free(p);
}

static void test_gate__security_severity(void **state)
{
	struct policy *p = defaults();

	/* critical from 70: 70 -> 9.0, 100 -> 10.0 */
	assert_true(gate_security_severity(p, TIER_CRITICAL, 70) == 9.0);
	assert_true(gate_security_severity(p, TIER_CRITICAL, 100) == 10.0);
	assert_true(gate_security_severity(p, TIER_CRITICAL, 85) == 9.5);
	/* high 45-69 -> 7.0-8.9 */
	assert_true(gate_security_severity(p, TIER_HIGH, 45) == 7.0);
	assert_true(gate_security_severity(p, TIER_HIGH, 69) == 8.9);
	/* low 0-24 -> 0.1-3.9 */
	assert_true(gate_security_severity(p, TIER_LOW, 0) == 0.1);
	assert_true(gate_security_severity(p, TIER_LOW, 24) == 3.9);
	/* a rule can put a finding in a tier above its score: the tier's floor */
	assert_true(gate_security_severity(p, TIER_CRITICAL, 12) == 9.0);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate__modes),
		cmocka_unit_test(test_gate__never_blocks),
		cmocka_unit_test(test_gate__order_and_summary),
		cmocka_unit_test(test_gate__explain),
		cmocka_unit_test(test_gate__security_severity),
	};

	return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
