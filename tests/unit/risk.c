/*
 * Unit tests for the risk engine: the default policy's text and canonical
 * form, the YAML loader's errors, every factor and band boundary, every
 * default hard rule (matching and not), tier thresholds, clamping, and the
 * what-ifs.
 */
#include "posture.h"
#include "engine/policy.h"
#include "engine/risk.h"

#include <setjmp.h>
#include <cmocka.h>

static struct policy *defaults(void)
{
	struct perr err = PERR_INIT;
	struct policy *p = NULL;

	if (policy_defaults(&p, &err) < 0)
		fail_msg("%s", err.msg);
	return p;
}

static struct policy *load(const char *yaml)
{
	struct perr err = PERR_INIT;
	struct policy *p = NULL;

	if (policy_load(&p, yaml, strlen(yaml), "test.yaml", &err) < 0)
		fail_msg("%s", err.msg);
	return p;
}

static void load_fails(const char *yaml, const char *msg)
{
	struct perr err = PERR_INIT;
	struct policy *p = NULL;

	assert_int_equal(policy_load(&p, yaml, strlen(yaml), "test.yaml", &err), P_EINVALID);
	assert_null(p);
	assert_string_equal(err.msg, msg);
}

/* A finding nobody knows anything about yet. */
static struct risk_input blank(enum kind kind, enum severity sev)
{
	struct risk_input in;

	memset(&in, 0, sizeof(in));
	in.kind = kind;
	in.severity = sev;
	in.epss_percentile = -1;
	in.age_days = -1;
	return in;
}

static struct risk_input sca(const char *cve, double cvss)
{
	struct risk_input in = blank(KIND_SCA, SEV_HIGH);

	in.cve = cve;
	in.cvss_source = RISK_CVSS_SCORE;
	in.cvss = cvss;
	return in;
}

static const struct risk_factor *find_factor(const struct risk_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nfactors; i++)
		if (!strcmp(r->factors[i].name, name))
			return &r->factors[i];
	return NULL;
}

static double points_of(const struct risk_result *r, const char *name)
{
	const struct risk_factor *f = find_factor(r, name);

	if (!f)
		fail_msg("no factor '%s'", name);
	return f->points;
}

static const char *rule_name(const struct policy *p, const struct risk_result *r)
{
	return r->rule < 0 ? "-" : p->rules[r->rule].name;
}

/* --- the policy ---------------------------------------------------------- */

static void test_risk__defaults_are_their_canonical_text(void **state)
{
	struct policy *p = defaults(), *again;
	struct pbuf b = PBUF_INIT;
	char d1[65], d2[65];

	assert_int_equal(policy_write(p, &b), 0);
	assert_string_equal(b.buf, policy_default_yaml);
	/* an empty file is the defaults, and so is the defaults' own text */
	again = load("");
	policy_digest(p, d1);
	policy_digest(again, d2);
	assert_string_equal(d1, d2);
	policy_free(again);
	again = load(b.buf);
	policy_digest(again, d2);
	assert_string_equal(d1, d2);
	assert_int_equal(p->nrules, 6);
	assert_int_equal(p->tier_min[TIER_CRITICAL], 70);
	assert_int_equal(p->sla_days[TIER_HIGH], 30);
	assert_int_equal(p->gate[TIER_MEDIUM], GATE_WARN);
	assert_true(p->kev_due_date);
	policy_free(again);
	policy_free(p);
	pbuf_release(&b);
}

static void test_risk__file_merges_over_defaults(void **state)
{
	struct policy *p = load("score:\n  exposure:\n    internet: 20\n    dmz: 3\n"
				"  epss: []\nrules: []\ntiers: {critical: 80}\n"
				"gate: {low: warn, medium: block_recurrence}\n");
	double v;

	assert_true(policy_table_get(&p->exposure, "internet", &v));
	assert_true(v == 20);
	assert_true(policy_table_get(&p->exposure, "partner", &v));
	assert_true(v == 5);
	assert_true(policy_table_get(&p->exposure, "dmz", &v));
	assert_true(v == 3);
	assert_int_equal(p->exposure.n, 6);
	assert_int_equal(p->epss.n, 0);
	assert_int_equal(p->epss_percentile.n, 1);
	assert_int_equal(p->nrules, 0);
	assert_int_equal(p->tier_min[TIER_CRITICAL], 80);
	assert_int_equal(p->tier_min[TIER_HIGH], 45);
	assert_int_equal(p->gate[TIER_LOW], GATE_WARN);
	assert_int_equal(p->gate[TIER_MEDIUM], GATE_BLOCK_RECURRENCE);
	assert_int_equal(p->gate[TIER_HIGH], GATE_BLOCK);
	policy_free(p);
}

static void test_risk__every_condition_round_trips(void **state)
{
	static const char yaml[] =
		"rules:\n"
		"  - name: all\n"
		"    description: \"every \\\"condition\\\" at once\"\n"
		"    when: {kev: false, ransomware: true, validated: true, secret_verified: false,"
		" exposure: [internet, dmz], criticality: high, data_sensitivity: [pii], environment:"
		" [production], reachability: [reachable, unknown], kind: [sca, container], severity:"
		" [critical], epss_at_least: 0.25, percentile_at_least: 0.9, cvss_at_least: 7,"
		" age_days_at_least: 30}\n"
		"    tier: high\n"
		"  - name: catch-all\n"
		"    tier_at_most: low\n";
	struct policy *p = load(yaml), *again;
	struct pbuf b = PBUF_INIT, b2 = PBUF_INIT;

	assert_int_equal(p->nrules, 2);
	assert_int_equal(p->rules[0].when.set, 0x7fff);
	assert_string_equal(p->rules[0].description, "every \"condition\" at once");
	assert_int_equal(p->rules[0].effect, RULE_SET);
	assert_int_equal(p->rules[1].when.set, 0);
	assert_int_equal(policy_write(p, &b), 0);
	assert_non_null(strstr(b.buf, "    description: \"every \\\"condition\\\" at once\"\n"
				      "    when: {kev: false, ransomware: true, validated: true, "
				      "secret_verified: false, exposure: [internet, dmz], criticality: [high], "
				      "data_sensitivity: [pii], environment: [production], reachability: "
				      "[reachable, unknown], kind: [sca, container], severity: [critical], "
				      "epss_at_least: 0.25, percentile_at_least: 0.9, cvss_at_least: 7, "
				      "age_days_at_least: 30}\n    tier: high\n"));
	assert_non_null(strstr(b.buf, "  - name: catch-all\n    when: {}\n    tier_at_most: low\n"));
	again = load(b.buf);
	assert_int_equal(policy_write(again, &b2), 0);
	assert_string_equal(b.buf, b2.buf);
	policy_free(again);
	policy_free(p);
	pbuf_release(&b);
	pbuf_release(&b2);
}

static void test_risk__loader_errors_name_line_and_column(void **state)
{
	load_fails("score:\n  exposure:\n    internet: ten\n",
		   "test.yaml:3:15: score.exposure.internet: 'ten' is not a number");
	load_fails("score:\n  kev: 250\n", "test.yaml:2:8: score.kev: 250 is out of range (-100 to 100)");
	load_fails("version: 1\nsocre: {}\n",
		   "test.yaml:2:1: unknown key 'socre' (expected version, score, tiers, rules, sla_days, "
		   "kev_due_date, gate)");
	load_fails("version: 2\n", "test.yaml:1:10: version: this posture reads policy version 1, not 2");
	load_fails("score: [1, 2]\n", "test.yaml:1:8: score: expected a mapping, not a list");
	load_fails("score:\n  cvss_weight: 5\n   kev: 2\n",
		   "test.yaml:3:7: invalid YAML: mapping values are not allowed in this context");
	load_fails("rules:\n  - {name: a, tier_at_lest: high}\n",
		   "test.yaml:2:15: rules[0]: unknown key 'tier_at_lest' (expected name, description, "
		   "when, tier, tier_at_least, tier_at_most)");
	load_fails("rules:\n  - {name: a}\n",
		   "test.yaml:2:5: rules[0]: a rule needs exactly one of tier, tier_at_least, tier_at_most");
	load_fails("rules:\n  - {name: a, tier: high, tier_at_most: low}\n",
		   "test.yaml:2:5: rules[0]: a rule needs exactly one of tier, tier_at_least, tier_at_most");
	load_fails("rules:\n  - {tier: high}\n", "test.yaml:2:5: rules[0]: a rule needs a name");
	load_fails("rules:\n  - {name: a, tier: severe}\n",
		   "test.yaml:2:21: rules[0].tier: 'severe' is not a tier (critical, high, medium, low)");
	load_fails("rules:\n  - {name: a, tier: high}\n  - {name: a, tier: low}\n",
		   "test.yaml:3:5: rules[1]: rule 'a' is defined twice");
	load_fails("rules:\n  - {name: A b, tier: high}\n",
		   "test.yaml:2:12: rules[0].name: 'A b' is not a name (lowercase letters, digits, '_', '-')");
	load_fails("rules:\n  - {name: a, when: {kev: yes}, tier: high}\n",
		   "test.yaml:2:27: rules[0].when.kev: 'yes' is not true or false");
	load_fails("rules:\n  - {name: a, when: {reachability: [far]}, tier: high}\n",
		   "test.yaml:2:36: rules[0].when.reachability: 'far' is not one of reachable, imported, "
		   "not_reachable, unknown");
	load_fails("rules:\n  - {name: a, when: {exposure: []}, tier: high}\n",
		   "test.yaml:2:32: rules[0].when.exposure: an empty list never matches");
	load_fails("score:\n  epss:\n    - {at_least: 0.1, points: 5}\n    - {at_least: 0.5, points: 9}\n",
		   "test.yaml:4:7: score.epss[1]: at_least must be lower than the band before (0.1)");
	load_fails("score:\n  epss:\n    - {at_least: 1.5, points: 5}\n",
		   "test.yaml:3:18: score.epss[0].at_least: 1.5 is out of range (0 to 1)");
	load_fails("score:\n  epss:\n    - {points: 5}\n",
		   "test.yaml:3:7: score.epss[0]: a band needs at_least and points");
	load_fails("tiers: {high: 80}\n",
		   "test.yaml:1:1: tiers: critical > high > medium > low, please (70, 80, 25, 0)");
	load_fails("tiers: {low: 5}\n", "test.yaml:1:1: tiers: low must be 0: every finding has a tier");
	load_fails("sla_days: {high: 2.5}\n", "test.yaml:1:18: sla_days.high: '2.5' is not a whole number");
	load_fails("gate: {high: stop}\n",
		   "test.yaml:1:14: gate.high: 'stop' is not a gate mode (block, block_recurrence, warn, off)");
	load_fails("score:\n  reachability: {maybe: 1}\n",
		   "test.yaml:2:18: score.reachability: unknown key 'maybe' (expected reachable, imported, "
		   "not_reachable, unknown)");
	load_fails("score:\n  severity_as_cvss: {severe: 1}\n",
		   "test.yaml:2:22: score.severity_as_cvss: unknown key 'severe' (expected critical, high, medium, low, info)");
	load_fails("- a\n- b\n", "test.yaml:1:1: expected a mapping, not a list");
	load_fails("rules:\n  - {name: a, description: \"two\\nlines\", tier: high}\n",
		   "test.yaml:2:28: rules[0].description: one line of printable text, please");
}

static void test_risk__file_size_is_capped(void **state)
{
	struct perr err = PERR_INIT;
	struct policy *p = NULL;

	assert_int_equal(policy_load(&p, "", POLICY_FILE_MAX + 1, "big.yaml", &err), P_ELIMIT);
	assert_string_equal(err.msg, "big.yaml: larger than 1024 KiB");
}

/* --- the score ----------------------------------------------------------- */

static void test_risk__severity_alone_is_the_base(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_SAST, SEV_HIGH);
	struct risk_result r;

	risk_score(&r, p, &in);
	/* 7.5 * 5 = 37.5, nothing else known */
	assert_true(r.sum == 37.5);
	assert_int_equal(r.score, 38);
	assert_int_equal(r.risk, 38);
	assert_int_equal(r.tier, TIER_MEDIUM);
	assert_int_equal(r.rule, -1);
	assert_int_equal(r.nfactors, 7);
	assert_string_equal(r.factors[0].name, "cvss");
	assert_string_equal(r.factors[0].value, "high severity, read as 7.5");
	assert_string_equal(r.factors[1].name, "cve");
	assert_string_equal(r.factors[1].value, "none: EPSS and KEV do not apply");
	assert_string_equal(find_factor(&r, "exposure")->value, "unknown");
	assert_string_equal(find_factor(&r, "reachability")->value, "unknown");
	assert_null(find_factor(&r, "age"));
	assert_null(find_factor(&r, "validated"));

	in.severity = SEV_NONE; /* a tool without severities reads as info */
	risk_score(&r, p, &in);
	assert_int_equal(r.risk, 0);
	assert_string_equal(r.factors[0].value, "info severity, read as 0");
	policy_free(p);
}

static void test_risk__log4shell_everywhere(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = sca("CVE-2021-44228", 10.0);
	struct risk_result r;

	in.cvss_source = RISK_CVSS_VECTOR;
	in.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H";
	in.has_epss = true;
	in.epss = 0.94358;
	in.epss_percentile = 0.99975;
	in.kev = in.kev_ransomware = true;
	in.kev_date_added = "2021-12-10";
	in.kev_due_date = "2021-12-24";
	in.exposure = "internet";
	in.criticality = "high";
	in.data_sensitivity = "pii";
	in.age_days = 34;
	risk_score(&r, p, &in);
	/* 50 + 20 + 3 + 25 + 5 + 10 + 5 + 6 = 124, clamped */
	assert_true(r.sum == 124);
	assert_int_equal(r.score, 100);
	assert_int_equal(r.risk, 100);
	assert_int_equal(r.tier, TIER_CRITICAL);
	assert_string_equal(rule_name(p, &r), "kev-internet-sensitive");
	assert_null(find_factor(&r, "rule")); /* the rule matched but changed nothing */
	assert_string_equal(r.factors[0].value, "10.0 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
	assert_string_equal(find_factor(&r, "epss")->value, "0.94358");
	assert_string_equal(find_factor(&r, "kev")->value, "CVE-2021-44228 on KEV since 2021-12-10, due 2021-12-24");
	assert_string_equal(find_factor(&r, "kev_ransomware")->value, "known ransomware use");
	assert_string_equal(find_factor(&r, "age")->value, "34 days");
	assert_true(points_of(&r, "age") == 0);
	policy_free(p);
}

static void test_risk__tier_thresholds_and_rounding(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = sca(NULL, 0);
	struct risk_result r;
	static const struct {
		double cvss;
		int risk;
		enum tier tier;
	} cases[] = {
		{ 10.0, 50, TIER_HIGH }, { 9.0, 45, TIER_HIGH }, { 8.9, 45, TIER_HIGH },
		{ 8.8, 44, TIER_MEDIUM }, { 5.0, 25, TIER_MEDIUM }, { 4.9, 25, TIER_MEDIUM },
		{ 4.8, 24, TIER_LOW }, { 0.0, 0, TIER_LOW },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		in.cvss = cases[i].cvss;
		risk_score(&r, p, &in);
		assert_int_equal(r.risk, cases[i].risk);
		assert_int_equal(r.tier, cases[i].tier);
	}
	assert_string_equal(r.factors[0].value, "0.0 (a reported score, no vector)");
	/* critical starts at 70: 9.8 -> 49 + internet 10 + critical app 10 = 69, then 10.0 -> 70 */
	in.exposure = "internet";
	in.criticality = "critical";
	in.cvss = 9.8;
	risk_score(&r, p, &in);
	assert_int_equal(r.risk, 69);
	assert_int_equal(r.tier, TIER_HIGH);
	in.cvss = 10.0;
	risk_score(&r, p, &in);
	assert_int_equal(r.risk, 70);
	assert_int_equal(r.tier, TIER_CRITICAL);
	assert_int_equal(risk_tier_of(p, 100), TIER_CRITICAL);
	assert_int_equal(risk_tier_of(p, 24), TIER_LOW);
	policy_free(p);
}

static void test_risk__clamped_at_zero(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_SAST, SEV_LOW);
	struct risk_result r;

	in.exposure = "isolated";
	in.criticality = "low";
	in.environment = "test";
	in.data_sensitivity = "public";
	risk_score(&r, p, &in);
	/* 12.5 - 10 - 5 - 5 - 10 */
	assert_true(r.sum == -17.5);
	assert_int_equal(r.score, 0);
	assert_int_equal(r.tier, TIER_LOW);
	policy_free(p);
}

static void test_risk__epss_and_percentile_bands(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = sca("CVE-2024-1", 5.0);
	struct risk_result r;
	static const struct {
		double epss, pct, epss_points, pct_points;
	} cases[] = {
		{ 0.5, 0.99, 20, 3 }, { 0.49999, 0.95, 14, 3 }, { 0.1, 0.9499, 14, 0 },
		{ 0.09999, 0.5, 6, 0 }, { 0.01, 0.1, 6, 0 }, { 0.00999, 0, 0, 0 }, { 1.0, 1.0, 20, 3 },
	};
	size_t i;

	in.has_epss = true;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		in.epss = cases[i].epss;
		in.epss_percentile = cases[i].pct;
		risk_score(&r, p, &in);
		assert_true(points_of(&r, "epss") == cases[i].epss_points);
		assert_true(points_of(&r, "epss_percentile") == cases[i].pct_points);
	}
	/* no percentile column: no percentile factor */
	in.epss_percentile = -1;
	risk_score(&r, p, &in);
	assert_null(find_factor(&r, "epss_percentile"));
	/* a CVE the feed does not know */
	in.has_epss = false;
	risk_score(&r, p, &in);
	assert_string_equal(find_factor(&r, "epss")->value, "no EPSS score for CVE-2024-1");
	assert_true(points_of(&r, "epss") == 0);
	assert_string_equal(find_factor(&r, "kev")->value, "CVE-2024-1 is not on KEV");
	assert_null(find_factor(&r, "kev_ransomware"));
	/* a score from the report when the feed has none */
	in.has_epss = in.epss_from_report = true;
	in.epss = 0.2;
	risk_score(&r, p, &in);
	assert_string_equal(find_factor(&r, "epss")->value, "0.20000 (from the report)");
	policy_free(p);
}

static void test_risk__age_bands(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_SAST, SEV_MEDIUM);
	struct risk_result r;
	static const struct {
		long days;
		double points;
	} cases[] = { { 0, 0 }, { 89, 0 }, { 90, 3 }, { 364, 3 }, { 365, 5 }, { 5000, 5 } };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		in.age_days = cases[i].days;
		risk_score(&r, p, &in);
		assert_true(points_of(&r, "age") == cases[i].points);
	}
	in.age_days = 1;
	risk_score(&r, p, &in);
	assert_string_equal(find_factor(&r, "age")->value, "1 day");
	policy_free(p);
}

static void test_risk__context_tables(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_SAST, SEV_MEDIUM);
	struct risk_result r;

	in.exposure = "dmz";
	in.data_sensitivity = "public, pii,pci";
	in.environment = "production";
	in.reachability = REACH_REACHABLE;
	risk_score(&r, p, &in);
	assert_string_equal(find_factor(&r, "exposure")->value, "dmz (not in the policy)");
	assert_true(points_of(&r, "exposure") == 0);
	/* the most sensitive class counts */
	assert_true(points_of(&r, "data_sensitivity") == 8);
	assert_string_equal(find_factor(&r, "data_sensitivity")->value, "public, pii,pci");
	assert_true(points_of(&r, "environment") == 5);
	assert_true(points_of(&r, "reachability") == 5);
	in.data_sensitivity = "secret-sauce";
	risk_score(&r, p, &in);
	assert_string_equal(find_factor(&r, "data_sensitivity")->value, "secret-sauce (not in the policy)");
	in.reachability = REACH_IMPORTED;
	risk_score(&r, p, &in);
	assert_true(points_of(&r, "reachability") == 0);
	policy_free(p);
}

static void test_risk__validated_and_secret_factors(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_DAST, SEV_MEDIUM);
	struct risk_result r;

	risk_score(&r, p, &in);
	assert_string_equal(find_factor(&r, "validated")->value, "not confirmed");
	assert_null(find_factor(&r, "secret_verified"));
	in.validated = true;
	risk_score(&r, p, &in);
	assert_true(points_of(&r, "validated") == 10);
	in = blank(KIND_SECRET, SEV_HIGH);
	risk_score(&r, p, &in);
	assert_string_equal(find_factor(&r, "secret_verified")->value, "not verified");
	assert_null(find_factor(&r, "validated"));
	in.secret_verified = true;
	risk_score(&r, p, &in);
	assert_true(points_of(&r, "secret_verified") == 15);
	policy_free(p);
}

/* --- the default rules --------------------------------------------------- */

static void test_risk__rule_kev_internet_sensitive(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = sca("CVE-2024-2", 5.0);
	struct risk_result r;

	in.kev = true;
	in.exposure = "internet";
	in.data_sensitivity = "pii";
	risk_score(&r, p, &in);
	/* 25 + 25 + 10 + 6 = 66: high by the score, critical by the rule */
	assert_int_equal(r.score, 66);
	assert_int_equal(r.score_tier, TIER_HIGH);
	assert_int_equal(r.tier, TIER_CRITICAL);
	assert_int_equal(r.risk, 70);
	assert_string_equal(rule_name(p, &r), "kev-internet-sensitive");
	assert_true(points_of(&r, "rule") == 4);
	assert_string_equal(find_factor(&r, "rule")->value, "kev-internet-sensitive: at least critical");
	/* each condition missing: the KEV floor decides instead */
	in.data_sensitivity = "public";
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "kev");
	assert_int_equal(r.tier, TIER_HIGH);
	in.data_sensitivity = "credentials";
	in.exposure = "partner";
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "kev");
	in.exposure = "internet";
	in.kev = false;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "-");
	policy_free(p);
}

static void test_risk__rule_live_secret_exposed(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_SECRET, SEV_HIGH);
	struct risk_result r;

	in.secret_verified = true;
	in.exposure = "partner";
	risk_score(&r, p, &in);
	/* 37.5 + 15 + 5 = 57.5 -> 58, high; the rule makes it critical */
	assert_int_equal(r.score, 58);
	assert_int_equal(r.tier, TIER_CRITICAL);
	assert_int_equal(r.risk, 70);
	assert_string_equal(rule_name(p, &r), "live-secret-exposed");
	in.exposure = "internal";
	risk_score(&r, p, &in);
	assert_int_equal(r.tier, TIER_HIGH);
	assert_string_equal(rule_name(p, &r), "secret-in-code");
	in.exposure = "internet";
	in.secret_verified = false;
	risk_score(&r, p, &in);
	/* 37.5 + 10 = 47.5 -> 48 */
	assert_int_equal(r.tier, TIER_HIGH);
	assert_string_equal(rule_name(p, &r), "secret-in-code");
	/* an unrated secret (Gitleaks rates nothing) is raised to high, to the tier's edge */
	in = blank(KIND_SECRET, SEV_NONE);
	risk_score(&r, p, &in);
	assert_int_equal(r.tier, TIER_HIGH);
	assert_int_equal(r.risk, 45);
	assert_string_equal(rule_name(p, &r), "secret-in-code");
	policy_free(p);
}

static void test_risk__rule_kev_floor(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = sca("CVE-2024-3", 2.0);
	struct risk_result r;

	in.kev = true;
	risk_score(&r, p, &in);
	/* 10 + 25 = 35, medium; never below high on KEV */
	assert_int_equal(r.score, 35);
	assert_int_equal(r.tier, TIER_HIGH);
	assert_int_equal(r.risk, 45);
	assert_string_equal(rule_name(p, &r), "kev");
	assert_true(points_of(&r, "rule") == 10);
	assert_true(points_of(&r, "kev_ransomware") == 0);
	in.kev_ransomware = true;
	risk_score(&r, p, &in);
	assert_true(points_of(&r, "kev_ransomware") == 5);
	assert_int_equal(r.risk, 45);
	/* not reachable does not cap a KEV finding */
	in.cvss = 9.8;
	in.reachability = REACH_NOT_REACHABLE;
	in.exposure = "internet";
	in.criticality = "critical";
	risk_score(&r, p, &in);
	/* 49 + 25 + 5 + 10 + 10 - 15 = 84 */
	assert_int_equal(r.risk, 84);
	assert_int_equal(r.tier, TIER_CRITICAL);
	assert_string_equal(rule_name(p, &r), "kev");
	policy_free(p);
}

static void test_risk__rule_not_reachable_caps(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = sca("CVE-2024-4", 9.8);
	struct risk_result r;

	in.exposure = "internet";
	in.criticality = "critical";
	in.reachability = REACH_NOT_REACHABLE;
	risk_score(&r, p, &in);
	/* 49 + 10 + 10 - 15 = 54, high; capped at medium, the top of its band */
	assert_int_equal(r.score, 54);
	assert_int_equal(r.tier, TIER_MEDIUM);
	assert_int_equal(r.risk, 44);
	assert_string_equal(rule_name(p, &r), "not-reachable");
	assert_true(points_of(&r, "rule") == -10);
	assert_string_equal(find_factor(&r, "rule")->value, "not-reachable: at most medium");
	in.has_epss = true;
	in.epss = 0.7;
	risk_score(&r, p, &in);
	assert_int_equal(r.score, 74);
	assert_int_equal(r.tier, TIER_MEDIUM);
	assert_int_equal(r.risk, 44);
	/* already medium: the rule matches and changes nothing */
	in.has_epss = false;
	in.cvss = 5.0;
	risk_score(&r, p, &in);
	assert_int_equal(r.risk, 30);
	assert_int_equal(r.tier, TIER_MEDIUM);
	assert_string_equal(rule_name(p, &r), "not-reachable");
	assert_null(find_factor(&r, "rule"));
	/* imported is not "not reachable" */
	in.cvss = 9.8;
	in.reachability = REACH_IMPORTED;
	risk_score(&r, p, &in);
	assert_int_equal(r.tier, TIER_HIGH);
	assert_string_equal(rule_name(p, &r), "-");
	policy_free(p);
}

static void test_risk__rule_confirmed_internet(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_DAST, SEV_LOW);
	struct risk_result r;

	in.validated = true;
	in.exposure = "internet";
	risk_score(&r, p, &in);
	/* 12.5 + 10 + 10 = 32.5 -> 33, medium; confirmed on the internet: high */
	assert_int_equal(r.score, 33);
	assert_int_equal(r.tier, TIER_HIGH);
	assert_int_equal(r.risk, 45);
	assert_string_equal(rule_name(p, &r), "confirmed-internet");
	in.exposure = "partner";
	risk_score(&r, p, &in);
	assert_int_equal(r.tier, TIER_MEDIUM);
	assert_string_equal(rule_name(p, &r), "-");
	policy_free(p);
}

static void test_risk__first_matching_rule_decides(void **state)
{
	struct policy *p = load("rules:\n"
				"  - {name: dev-low, when: {environment: [development]}, tier: low}\n"
				"  - {name: crit-sev, when: {severity: critical}, tier: critical}\n"
				"  - {name: hot, when: {epss_at_least: 0.3, cvss_at_least: 7}, tier_at_least: critical}\n"
				"  - {name: old, when: {age_days_at_least: 100, kind: [sast]}, tier_at_least: high}\n"
				"  - {name: top, when: {percentile_at_least: 0.99}, tier_at_most: low}\n"
				"  - {name: ransom, when: {ransomware: true}, tier: critical}\n"
				"  - {name: unknown-app, when: {exposure: unknown, criticality: [unknown]}, "
				"tier_at_most: medium}\n");
	struct risk_input in = blank(KIND_SAST, SEV_CRITICAL);
	struct risk_result r;

	in.environment = "development";
	risk_score(&r, p, &in);
	/* both dev-low and crit-sev hold: the first one sets the tier, even downwards */
	assert_string_equal(rule_name(p, &r), "dev-low");
	assert_int_equal(r.tier, TIER_LOW);
	assert_int_equal(r.risk, 24);
	in.environment = NULL;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "crit-sev");
	assert_int_equal(r.tier, TIER_CRITICAL);
	assert_int_equal(r.risk, 70);

	in = sca("CVE-2024-5", 7.0);
	in.has_epss = true;
	in.epss = 0.3;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "hot");
	in.cvss = 6.9;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "unknown-app");
	in.epss_percentile = 0.995;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "top");
	assert_int_equal(r.tier, TIER_LOW);
	in.epss_percentile = -1;
	in.kev = in.kev_ransomware = true;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "ransom");
	/* ransomware without KEV is not "ransomware" */
	in.kev = false;
	in.exposure = "internet";
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "-");

	in = blank(KIND_SAST, SEV_LOW);
	in.exposure = "internet";
	in.age_days = 100;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "old");
	assert_int_equal(r.tier, TIER_HIGH);
	in.age_days = 99;
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "-");
	in.age_days = -1; /* unknown age never satisfies an age condition */
	risk_score(&r, p, &in);
	assert_string_equal(rule_name(p, &r), "-");
	policy_free(p);
}

/* --- what would change the tier ------------------------------------------ */

static const struct risk_whatif *find_whatif(const struct risk_whatif *w, size_t n, const char *change)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(w[i].change, change))
			return &w[i];
	return NULL;
}

static void test_risk__whatifs(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = sca("CVE-2024-6", 8.0);
	struct risk_whatif w[RISK_MAX_WHATIFS];
	struct risk_result r;
	const struct risk_whatif *x;
	size_t n, i;

	in.has_epss = true;
	in.epss = 0.02;
	in.epss_percentile = 0.5;
	in.exposure = "internet";
	in.criticality = "medium";
	in.age_days = 10;
	risk_score(&r, p, &in);
	/* 40 + 6 + 10 = 56: high */
	assert_int_equal(r.risk, 56);
	assert_int_equal(r.tier, TIER_HIGH);
	n = risk_whatifs(w, ARRAY_SIZE(w), p, &in, &r);
	/*
	 * KEV: +25 -> 81; EPSS 0.5: +14 -> 70; CVSS 5.6: 44 (5.7 rounds to 45);
	 * isolated: -20 -> 36 (internal, unknown: 46, still high); not reachable:
	 * -15 -> 41. Critical is out of CVSS's reach (+14 needs 10.8), and no
	 * criticality or environment moves it across 45 or 70.
	 */
	assert_int_equal(n, 5);
	assert_string_equal(w[0].change, "it were on CISA KEV");
	assert_int_equal(w[0].tier, TIER_CRITICAL);
	assert_int_equal(w[0].risk, 81);
	assert_string_equal(w[1].change, "its EPSS rose to 0.5");
	assert_int_equal(w[1].tier, TIER_CRITICAL);
	assert_int_equal(w[1].risk, 70);
	assert_string_equal(w[2].change, "its CVSS score were 5.6 or less");
	assert_int_equal(w[2].tier, TIER_MEDIUM);
	assert_int_equal(w[2].risk, 44);
	assert_string_equal(w[3].change, "the app's exposure were isolated");
	assert_int_equal(w[3].risk, 36);
	assert_string_equal(w[4].change, "its reachability were not_reachable");
	assert_int_equal(w[4].tier, TIER_MEDIUM);
	for (i = 0; i < n; i++)
		assert_int_not_equal(w[i].tier, r.tier);
	/* grouped values, and a fall in EPSS */
	in.exposure = "internal";
	in.epss = 0.6;
	risk_score(&r, p, &in);
	/* 40 + 20 = 60 */
	assert_int_equal(r.risk, 60);
	n = risk_whatifs(w, ARRAY_SIZE(w), p, &in, &r);
	x = find_whatif(w, n, "the app's exposure were internet");
	assert_non_null(x);
	assert_int_equal(x->tier, TIER_CRITICAL);
	/* below 0.5: 54, below 0.1: 46, both high; below 0.01: 40 */
	x = find_whatif(w, n, "its EPSS fell below 0.01");
	assert_non_null(x);
	assert_int_equal(x->risk, 40);
	assert_null(find_whatif(w, n, "its EPSS fell below 0.1"));
	/* 40 + 20 - 5 = 55; internet 65 is still high; a critical app (+10) makes 70 */
	in.criticality = "low";
	risk_score(&r, p, &in);
	n = risk_whatifs(w, ARRAY_SIZE(w), p, &in, &r);
	assert_null(find_whatif(w, n, "the app's exposure were internet"));
	x = find_whatif(w, n, "the app's criticality were critical");
	assert_non_null(x);
	assert_int_equal(x->tier, TIER_CRITICAL);
	/* values that give the same tier are named together: 35 + 6 + 10 = 51 */
	in = sca("CVE-2024-7", 7.0);
	in.has_epss = true;
	in.epss = 0.02;
	in.exposure = "internet";
	risk_score(&r, p, &in);
	assert_int_equal(r.risk, 51);
	n = risk_whatifs(w, ARRAY_SIZE(w), p, &in, &r);
	x = find_whatif(w, n, "the app's exposure were internal or isolated or unknown");
	assert_non_null(x);
	assert_int_equal(x->tier, TIER_MEDIUM);
	assert_int_equal(x->risk, 41);
	/* capped by the size given */
	assert_int_equal(risk_whatifs(w, 2, p, &in, &r), 2);
	policy_free(p);
}

static void test_risk__whatifs_age_and_secret(void **state)
{
	struct policy *p = defaults();
	struct risk_input in = blank(KIND_SECRET, SEV_HIGH);
	struct risk_whatif w[RISK_MAX_WHATIFS];
	struct risk_result r;
	size_t n;

	in.exposure = "partner";
	in.criticality = "high";
	in.age_days = 40;
	risk_score(&r, p, &in);
	/* 37.5 + 5 + 5 = 47.5 -> 48, high */
	assert_int_equal(r.tier, TIER_HIGH);
	n = risk_whatifs(w, ARRAY_SIZE(w), p, &in, &r);
	assert_non_null(find_whatif(w, n, "the secret were verified live"));
	assert_null(find_whatif(w, n, "it were on CISA KEV"));
	assert_null(find_whatif(w, n, "it stayed open until it is 90 days old"));
	in.criticality = "medium";
	in.data_sensitivity = "pii";
	risk_score(&r, p, &in);
	/* 37.5 + 5 + 6 = 48.5 -> 49 */
	in.data_sensitivity = NULL;
	in.age_days = 89;
	in.kind = KIND_SAST; /* a secret is at least high (rule secret-in-code): no age what-if */
	risk_score(&r, p, &in);
	/* 37.5 + 5 = 42.5 -> 43, medium; at 90 days 45.5 -> 46, high */
	assert_int_equal(r.tier, TIER_MEDIUM);
	n = risk_whatifs(w, ARRAY_SIZE(w), p, &in, &r);
	assert_non_null(find_whatif(w, n, "it stayed open until it is 90 days old"));
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_risk__defaults_are_their_canonical_text),
		cmocka_unit_test(test_risk__file_merges_over_defaults),
		cmocka_unit_test(test_risk__every_condition_round_trips),
		cmocka_unit_test(test_risk__loader_errors_name_line_and_column),
		cmocka_unit_test(test_risk__file_size_is_capped),
		cmocka_unit_test(test_risk__severity_alone_is_the_base),
		cmocka_unit_test(test_risk__log4shell_everywhere),
		cmocka_unit_test(test_risk__tier_thresholds_and_rounding),
		cmocka_unit_test(test_risk__clamped_at_zero),
		cmocka_unit_test(test_risk__epss_and_percentile_bands),
		cmocka_unit_test(test_risk__age_bands),
		cmocka_unit_test(test_risk__context_tables),
		cmocka_unit_test(test_risk__validated_and_secret_factors),
		cmocka_unit_test(test_risk__rule_kev_internet_sensitive),
		cmocka_unit_test(test_risk__rule_live_secret_exposed),
		cmocka_unit_test(test_risk__rule_kev_floor),
		cmocka_unit_test(test_risk__rule_not_reachable_caps),
		cmocka_unit_test(test_risk__rule_confirmed_internet),
		cmocka_unit_test(test_risk__first_matching_rule_decides),
		cmocka_unit_test(test_risk__whatifs),
		cmocka_unit_test(test_risk__whatifs_age_and_secret),
	};

	return cmocka_run_group_tests_name("risk", tests, NULL, NULL);
}
