#!/bin/sh
# Risk in the pipeline: an ingest scores the findings its scan touched; a
# feed import, a new policy and 'posture rescore' rescore what they affect;
# a tier change is an event; findings are listed by risk; every step of a
# rescore can fail without leaving anything half-written.
. "$(dirname "$0")/lib.sh"

load() {
	cp "$FIXTURES/snyk/all-projects.json" "$FIXTURES/epss/epss_scores-2025-03-16.csv" \
		"$FIXTURES/kev/known_exploited_vulnerabilities.json" "$FIXTURES/kev/empty.json" . &&
	posture ingest --app billing all-projects.json >/dev/null
}

q() {
	sqlite3 posture.db "$1"
}

test_expect_success 'ingest scores what it stores: CVSS from the best vector, nothing else known' '
	load &&
	posture findings >out &&
	cat >expected <<-\EOT &&
	    ID  RISK  TIER      SEVERITY  STATUS          APP               TOOLS             TITLE  LOCATION
	     1    49  high      critical  open            billing           snyk              Arbitrary Code Execution  services/api/requirements.txt
	     2    45  high      critical  open            billing           snyk              Remote Code Execution (RCE)  services/billing/pom.xml
	(2 findings)
	EOT
	test_cmp expected out &&
	q "SELECT explanation FROM finding_risk WHERE finding_id = 2" >x.json &&
	jq -e ".risk == 45 and .tier == \"high\" and .rule == null and .cve == \"CVE-2021-44228\"
		and .factors[0] == [\"cvss\", \"9.0 CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H/E:H\", 45]
		and .epss == null and .kev == null and .policy == \"1a96365ae8106721\"" x.json
'

test_expect_success 'feed imports rescore findings with CVEs; a tier change is an event' '
	load &&
	posture feeds import epss epss_scores-2025-03-16.csv >out &&
	grep -q "; 2 findings rescored, 0 changed tier$" out &&
	test "$(q "SELECT risk || tier FROM findings WHERE id = 2")" = 68high &&
	posture feeds import kev known_exploited_vulnerabilities.json >out &&
	grep -q "; 2 findings rescored, 1 changed tier$" out &&
	test "$(q "SELECT risk || tier FROM findings WHERE id = 2")" = 98critical &&
	posture show --format json 2 | jq -c ".events[] | select(.type == \"tier_changed\") | [.from, .to, .actor, .reason]" >ev &&
	echo "[\"high\",\"critical\",\"posture\",\"risk 68 -> 98\"]" >expected &&
	test_cmp expected ev &&
	q "SELECT explanation FROM finding_risk WHERE finding_id = 2" >x.json &&
	jq -e ".epss == \"2025-03-16T12:55:00Z\" and .epss_model == \"v2025.03.14\" and .kev == \"2025.03.14\"
		and .rule == \"kev\" and .score_tier == \"critical\"" x.json &&
	posture findings --format jsonl | jq -r ".id" | tr "\n" " " >order &&
	printf "2 1 " >expected &&
	test_cmp expected order
'

test_expect_success 'a CVE that leaves KEV loses its KEV points and rule' '
	load &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	test "$(q "SELECT risk || tier FROM findings WHERE id = 2")" = 75critical &&
	posture feeds import --force kev empty.json >out &&
	grep -q "(0 added, 3 removed)" out &&
	test "$(q "SELECT risk || tier FROM findings WHERE id = 2")" = 45high &&
	test "$(q "SELECT count(*) FROM events WHERE type = '"'"'tier_changed'"'"' AND finding_id = 2")" = 2
'

test_expect_success 'rescore after the app context changes; unchanged findings are not rewritten' '
	load &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	q "UPDATE apps SET exposure = '"'"'isolated'"'"', criticality = '"'"'low'"'"'" &&
	posture rescore >out &&
	echo "rescored 2 findings with built-in defaults: 2 changed, 2 changed tier (critical 0, high 1, medium 1, low 0)" >expected &&
	test_cmp expected out &&
	test "$(q "SELECT group_concat(risk || tier, \" \") FROM findings")" = "34medium 60high" &&
	posture rescore >out &&
	echo "rescored 2 findings with built-in defaults: 0 changed, 0 changed tier (critical 0, high 1, medium 1, low 0)" >expected &&
	test_cmp expected out &&
	posture rescore --app billing --format json >out.json &&
	jq -e ". == {\"rescored\": 2, \"changed\": 0, \"tier_changes\": 0, \"tiers\": {\"critical\": 0, \"high\": 1,
		\"medium\": 1, \"low\": 0}, \"policy_changed\": false, \"policy\": \"built-in defaults\"}" out.json &&
	test_expect_code 2 posture rescore --app nope 2>err &&
	echo "posture: error: no app called '"'"'nope'"'"'" >expected &&
	test_cmp expected err
'

test_expect_success 'a new policy file rescores everything, at the next ingest too' '
	load &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	printf "rules: []\ntiers: {critical: 90}\n" >posture-policy.yaml &&
	posture rescore --format json >out.json &&
	jq -e ".policy_changed and .tier_changes == 1 and .policy == \"$TRASH/posture-policy.yaml\"" out.json &&
	test "$(q "SELECT group_concat(risk || tier, \" \") FROM findings")" = "49high 75high" &&
	q "SELECT reason FROM events WHERE type = '"'"'tier_changed'"'"' ORDER BY id DESC LIMIT 1" >r &&
	echo "risk 75 -> 75, new policy" >expected &&
	test_cmp expected r &&
	test "$(q "SELECT count(*) FROM policies")" = 2 &&
	printf "tiers: {high: 49}\n" >posture-policy.yaml &&
	cp "$FIXTURES/snyk/npm-project.json" . &&
	posture ingest --app web npm-project.json >/dev/null &&
	test "$(q "SELECT risk || tier FROM findings WHERE id = 1")" = 49high &&
	test "$(q "SELECT count(*) FROM policies")" = 3 &&
	test "$(q "SELECT count(*) FROM findings WHERE risk IS NULL AND status = '"'"'open'"'"'")" = 0
'

test_expect_success 'a bad policy file stops an ingest before anything is stored' '
	cp "$FIXTURES/snyk/all-projects.json" . &&
	printf "score:\n  kev: lots\n" >posture-policy.yaml &&
	test_expect_code 2 posture ingest --app billing all-projects.json 2>err &&
	echo "posture: error: $TRASH/posture-policy.yaml:2:8: score.kev: '"'"'lots'"'"' is not a number" >expected &&
	test_cmp expected err &&
	test "$(q "SELECT count(*) FROM findings")" = 0
'

test_expect_success 'fixed findings keep their last risk and are not rescored' '
	load &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	posture rescore >out &&
	grep -q "^rescored 2 findings" out &&
	q "UPDATE findings SET status = '"'"'fixed'"'"' WHERE id = 1" &&
	posture rescore >out &&
	grep -q "^rescored 1 finding " out &&
	test "$(q "SELECT risk || tier FROM findings WHERE id = 1")" = 49high
'

test_expect_success 'every failing step of a rescore rolls it back' '
	load &&
	posture feeds import epss epss_scores-2025-03-16.csv >/dev/null &&
	q "UPDATE finding_risk SET digest = 0; UPDATE findings SET tier = '"'"'low'"'"'" &&
	q "SELECT * FROM findings; SELECT * FROM finding_risk; SELECT * FROM events" >before &&
	n=1 &&
	while ! POSTURE_TEST_FAIL_STEP=$n "$POSTURE_BIN" rescore >out 2>err; do
		grep -q "injected failure at step $n" err &&
		q "SELECT * FROM findings; SELECT * FROM finding_risk; SELECT * FROM events" >after &&
		test_cmp before after || return 1
		n=$((n + 1))
	done &&
	test $n -gt 5 &&
	test "$(q "SELECT count(*) FROM events WHERE type = '"'"'tier_changed'"'"'")" = 2
'

test_done
