#!/bin/sh
# inventory load, codeowners import and an ingest that re-homes findings are
# one transaction each: failing any database step leaves nothing behind.
. "$(dirname "$0")/lib.sh"

REPORTS=$FIXTURES/inventory/reports

snapshot() {
	sqlite3 "$POSTURE_DB" .dump
}

# run "$@" with every step failing in turn until it succeeds
every_step_fails() {
	snapshot >before &&
	n=1 &&
	while :; do
		POSTURE_TEST_FAIL_STEP=$n "$POSTURE_BIN" "$@" >out 2>err
		rc=$?
		if [ $rc -eq 0 ]; then
			break
		fi
		test $rc -eq 3 || { echo "step $n: exit $rc"; cat err; return 1; }
		grep -q "injected failure at step $n" err || { cat err; return 1; }
		snapshot >after &&
		test_cmp before after || { echo "after failing step $n"; return 1; }
		n=$((n + 1))
	done &&
	echo "checked $((n - 1)) failing steps" &&
	test $n -gt 10
}

test_expect_success 'a load that re-homes and re-owns findings is atomic' '
	cat >posture.yaml <<-EOF &&
	units: [{name: web}]
	teams:
	  - {name: shop-team, unit: web, github_team: "@acme/shop"}
	  - {name: infra, members: ["@ops"]}
	apps:
	  - name: shop
	    team: shop-team
	    components:
	      repos: [{url: "https://github.com/acme/checkout", codeowners: CODEOWNERS, builds: [shop]}]
	      images: [shop]
	      urls: ["https://payouts.acme.io"]
	EOF
	printf "* @acme/shop\n/deploy/ @ops\n" >CODEOWNERS &&
	posture ingest --component repo:github.com/acme/checkout "$REPORTS/checkout-semgrep.sarif" >/dev/null &&
	posture ingest "$REPORTS/zap-acme.sarif" >/dev/null &&
	every_step_fails inventory load posture.yaml &&
	grep -q "findings: 9 moved to their app" out &&
	test $(posture findings --team infra --format jsonl | wc -l) = 1
'

test_expect_success 'a CODEOWNERS import is atomic' '
	printf "units: []\napps:\n  - name: shop\n    components: {repos: [\"https://github.com/acme/checkout\"]}\n" >posture.yaml &&
	printf "teams: [{name: a, github_team: \"@x/a\"}]\n" >>posture.yaml &&
	posture inventory load posture.yaml >/dev/null &&
	posture ingest --component repo:github.com/acme/checkout "$REPORTS/checkout-semgrep.sarif" >/dev/null &&
	printf "* @x/a\n" >CODEOWNERS &&
	every_step_fails inventory codeowners acme/checkout CODEOWNERS &&
	grep -q "7 finding owners changed" out
'

test_expect_success 'an ingest that gives assets an app and merges findings is atomic' '
	posture ingest "$REPORTS/zap-acme.sarif" >/dev/null &&
	every_step_fails ingest --app partner "$REPORTS/zap-acme.sarif" &&
	posture findings --format json | jq -e "length == 7 and all(.app == \"partner\") and all(.evidence_count == 2)"
'

test_done
