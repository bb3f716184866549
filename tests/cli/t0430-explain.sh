#!/bin/sh
# posture explain: every factor with its value and points, the rule that set
# the tier, the feed versions and policy, what would change the tier; text
# and JSON; a stored risk that is out of date is pointed out; read-only.
. "$(dirname "$0")/lib.sh"

load() {
	cp "$FIXTURES/snyk/all-projects.json" "$FIXTURES/epss/epss_scores-2025-03-16.csv" \
		"$FIXTURES/kev/known_exploited_vulnerabilities.json" . &&
	posture ingest --app billing all-projects.json >/dev/null &&
	posture feeds import epss epss_scores-2025-03-16.csv >/dev/null &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	sqlite3 posture.db "UPDATE apps SET exposure = 'internet', data_sensitivity = 'pii,pci', criticality = 'high'" &&
	posture rescore >/dev/null
}

test_expect_success 'text: factors, the rule, feeds, policy, nothing single moves it' '
	load &&
	posture explain 2 >out &&
	cat >expected <<-\EOT &&
	finding 2: Remote Code Execution (RCE)
	app billing, open, sca, CVE-2021-44228
	risk 100, tier critical

	FACTOR            POINTS  VALUE
	cvss               +45.0  9.0 CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H/E:H
	epss               +20.0  0.94358
	epss_percentile     +3.0  0.99975
	kev                +25.0  CVE-2021-44228 on KEV since 2021-12-10, due 2021-12-24
	kev_ransomware      +5.0  known ransomware use
	exposure           +10.0  internet
	criticality         +5.0  high
	data_sensitivity    +8.0  pii,pci
	environment         +0.0  unknown
	reachability        +0.0  unknown
	age                 +0.0  0 days
	sum                121.0  -> 100 (0 to 100)

	tier: the thresholds give critical (risk 100; critical from 70)
	rule: '"'"'kev-internet-sensitive'"'"' matched first: at least critical, so critical stays
	      exploited in the wild, reachable from the internet, sensitive data behind it
	feeds: EPSS 2025-03-16T12:55:00Z (model v2025.03.14), KEV catalog 2025.03.14
	policy: built-in defaults (1a96365ae8106721)

	what would change the tier:
	  no single change of one input
	EOT
	test_cmp expected out
'

test_expect_success 'text: what would change the tier, one input at a time' '
	load &&
	posture explain 1 >out &&
	sed -n "/^tier:/,\$p" out >tail &&
	cat >expected <<-\EOT &&
	tier: the thresholds give critical (risk 72; critical from 70)
	rule: none matched
	feeds: EPSS 2025-03-16T12:55:00Z (model v2025.03.14), KEV catalog 2025.03.14
	policy: built-in defaults (1a96365ae8106721)

	what would change the tier:
	  if its CVSS score were 9.2 or less: high (risk 69)
	  if the app'"'"'s exposure were partner or internal or isolated or unknown: high (risk 67)
	  if the app'"'"'s criticality were medium or low or unknown: high (risk 67)
	  if the app'"'"'s data were public or unknown: high (risk 59)
	  if the environment were development or test: high (risk 62)
	  if its reachability were not_reachable: medium (risk 44)
	EOT
	test_cmp expected tail &&
	grep -q "^epss                +0.0  no EPSS score for CVE-2020-14343$" out
'

test_expect_success 'json: the same, machine-readable, with the stored explanation' '
	load &&
	posture explain --format json 1 >x.json &&
	jq -e ".id == 1 and .risk == 72 and .tier == \"critical\" and .rule == null and .cve == \"CVE-2020-14343\"
		and (.factors | length) == 9 and .factors[0] == {\"name\": \"cvss\",
			\"value\": \"9.8 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\", \"points\": 49}
		and .feeds.kev.catalog_version == \"2025.03.14\" and .feeds.epss.score_date == \"2025-03-16T12:55:00Z\"
		and .policy.source == \"built-in defaults\" and (.policy.digest | length) == 64
		and .what_would_change_the_tier[5] == {\"if\": \"its reachability were not_reachable\",
			\"tier\": \"medium\", \"risk\": 44}
		and .stored.risk == 72 and .stored.tier == \"critical\" and .stored.scored_at == \"2026-01-15T10:00:00Z\"
		and .stored.explanation.policy == \"1a96365ae8106721\" and .stored.explanation.kev == \"2025.03.14\"" x.json &&
	posture explain --format json 2 | jq -e ".rule == {\"name\": \"kev-internet-sensitive\",
		\"description\": \"exploited in the wild, reachable from the internet, sensitive data behind it\",
		\"effect\": \"tier_at_least\", \"tier\": \"critical\", \"changed_tier\": false}
		and .what_would_change_the_tier == [] and .sum == 121"
'

test_expect_success 'a stored risk the world has moved past is pointed out; explain writes nothing' '
	load &&
	sqlite3 posture.db "UPDATE apps SET exposure = '"'"'isolated'"'"'" &&
	sqlite3 posture.db .dump >before &&
	posture explain 1 >out &&
	grep -q "^risk 52, tier high$" out &&
	grep -q "^stored: risk 72, tier critical: the policy, the feeds or the app changed since ('"'"'posture rescore'"'"' updates it)$" out &&
	sqlite3 posture.db .dump >after &&
	test_cmp before after
'

test_expect_success 'a finding never scored says so' '
	load &&
	sqlite3 posture.db "UPDATE findings SET risk = NULL, tier = NULL; DELETE FROM finding_risk" &&
	posture explain 1 >out &&
	grep -q "^stored: not scored yet ('"'"'posture rescore'"'"' scores it)$" out &&
	posture explain --format json 1 | jq -e ".stored == null"
'

test_expect_success 'errors: unknown finding, bad id, usage' '
	load &&
	test_expect_code 2 posture explain 99 2>err &&
	echo "posture: error: no finding with id 99" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture explain x1 2>err &&
	grep -q "'"'"'x1'"'"' is not a finding id" err &&
	test_expect_code 2 posture explain 2>err &&
	test_expect_code 2 posture explain --format xml 1 2>err
'

test_done
