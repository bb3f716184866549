#!/bin/sh
# posture policy test FILE: the tiers of current findings under the policy
# in force and under a candidate, counts before/after and the biggest
# movers; nothing is written; a bad candidate names file, line and column.
. "$(dirname "$0")/lib.sh"

load() {
	cp "$FIXTURES/snyk/all-projects.json" "$FIXTURES/snyk/npm-project.json" \
		"$FIXTURES/sarif/codeql-extensions.sarif" "$FIXTURES/sarif/semgrep-two-runs-late-tool.sarif" \
		"$FIXTURES/epss/epss_scores-2025-03-16.csv" "$FIXTURES/kev/known_exploited_vulnerabilities.json" \
		"$FIXTURES/policy/strict.yaml" . &&
	posture ingest --app billing all-projects.json >/dev/null &&
	posture ingest --app web npm-project.json codeql-extensions.sarif >/dev/null 2>&1 &&
	posture ingest --app api semgrep-two-runs-late-tool.sarif >/dev/null &&
	posture feeds import epss epss_scores-2025-03-16.csv >/dev/null &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	sqlite3 posture.db "UPDATE apps SET exposure = 'internet', data_sensitivity = 'pii' WHERE name = 'billing';
		UPDATE apps SET exposure = 'internal', criticality = 'high' WHERE name = 'web'" &&
	posture rescore >/dev/null
}

test_expect_success 'a stricter candidate: what moves up, by how much' '
	load &&
	posture policy test strict.yaml >out &&
	cat >expected <<-\EOT &&
	13 active findings scored with built-in defaults, then with strict.yaml

	TIER        BEFORE     AFTER   CHANGE
	critical         1         2       +1
	high             4         3       -1
	medium           7         7       +0
	low              1         1       +0

	1 finding would move up a tier, 0 down

	biggest movers:
	    ID  RISK        TIER                  RULE                  APP               TITLE
	     1  65 -> 75    high -> critical      -                     billing           Arbitrary Code Execution
	     3  53 -> 47    high -> high          -                     web               Prototype Pollution
	EOT
	test_cmp expected out
'

test_expect_success 'a more lenient candidate: tier moves first, then risk moves, then id' '
	load &&
	printf "tiers: {critical: 90, high: 60, medium: 40}\nrules: []\n" >lenient.yaml &&
	posture policy test lenient.yaml >out &&
	sed -n "3,9p" out >counts &&
	cat >expected <<-\EOT &&
	TIER        BEFORE     AFTER   CHANGE
	critical         1         1       +0
	high             4         1       -3
	medium           7         4       -3
	low              1         7       +6

	0 findings would move up a tier, 9 down
	EOT
	test_cmp expected counts &&
	test $(sed -n "/^biggest movers:/,\$p" out | wc -l) = 11 &&
	posture policy test --format json lenient.yaml >x.json &&
	jq -e ".policy == \"built-in defaults\" and .candidate == \"lenient.yaml\" and .findings == 13
		and .before == {\"critical\": 1, \"high\": 4, \"medium\": 7, \"low\": 1}
		and .after == {\"critical\": 1, \"high\": 1, \"medium\": 4, \"low\": 7}
		and .tier_up == 0 and .tier_down == 9 and (.movers | length) == 9
		and .movers[0] == {\"id\": 3, \"app\": \"web\", \"title\": \"Prototype Pollution\",
			\"before\": {\"risk\": 53, \"tier\": \"high\"}, \"after\": {\"risk\": 53, \"tier\": \"medium\", \"rule\": null}}" x.json
'

test_expect_success 'at most 20 movers; the candidate is compared with the policy in force' '
	load &&
	printf "tiers: {critical: 99, high: 98, medium: 97}\nrules: []\n" >all-low.yaml &&
	cp all-low.yaml posture-policy.yaml &&
	posture policy test --format json strict.yaml >x.json &&
	jq -e ".policy == \"$TRASH/posture-policy.yaml\" and .before.low == 12 and .before.critical == 1 and .tier_up == 11" x.json &&
	rm posture-policy.yaml &&
	{
		printf "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"gen\"}}, \"results\": [" &&
		for i in $(seq 1 30); do
			printf "%s{\"ruleId\": \"r%d\", \"level\": \"error\", \"message\": {\"text\": \"m\"}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"f%d.c\"}, \"region\": {\"startLine\": 1}}}]}" \
				"$([ $i = 1 ] || echo ,)" $i $i
		done &&
		printf "]}]}\n"
	} >gen.sarif &&
	posture ingest --app gen gen.sarif >/dev/null &&
	posture policy test --format json all-low.yaml >y.json &&
	jq -e ".findings == 43 and (.movers | length) == 20 and .after == {\"critical\": 1, \"high\": 0,
		\"medium\": 0, \"low\": 42} and .tier_down == 41
		and .movers[0].id == 1 and .movers[0].before.tier == \"high\" and .movers[0].after.tier == \"low\"" y.json
'

test_expect_success 'nothing is written' '
	load &&
	sqlite3 posture.db .dump >before &&
	posture policy test strict.yaml >/dev/null &&
	sqlite3 posture.db .dump >after &&
	test_cmp before after
'

test_expect_success 'a bad candidate: exit 2, file:line:column; a missing one; usage' '
	load &&
	printf "rules:\n  - {name: x, when: {kev: maybe}, tier: high}\n" >bad.yaml &&
	test_expect_code 2 posture policy test bad.yaml >out 2>err &&
	echo "posture: error: bad.yaml:2:27: rules[0].when.kev: '"'"'maybe'"'"' is not true or false" >expected &&
	test_cmp expected err &&
	test ! -s out &&
	test_expect_code 2 posture policy test nope.yaml 2>err &&
	echo "posture: error: policy file '"'"'nope.yaml'"'"' does not exist" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture policy test 2>err &&
	test_expect_code 2 posture policy test --format xml strict.yaml 2>err
'

test_expect_success 'without a database: says so' '
	cp "$FIXTURES/policy/strict.yaml" . &&
	test_expect_code 2 posture policy test strict.yaml 2>err &&
	grep -q "no database at" err
'

test_done
