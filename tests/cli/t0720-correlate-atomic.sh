#!/bin/sh
# A correlating ingest is one transaction like any other: failing any of
# its database steps (keys, aliases, validation links, groups, dedupe
# tallies included) leaves the database as it was. And the commands'
# usage errors.
. "$(dirname "$0")/lib.sh"

C=$FIXTURES/correlate

snapshot() {
	sqlite3 "$POSTURE_DB" .dump
}

test_expect_success 'every failing step of a correlating ingest rolls it all back' '
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --component repo:github.com/acme/shop "$C/osv-scanner.json" "$C/semgrep.json" >/dev/null &&
	posture ingest --component image:registry.acme.io/shop/api "$C/trivy-image.json" >/dev/null &&
	cat "$C/zap.json" >zap.json &&
	snapshot >before &&
	for report in "$C/grype-image.json" zap.json; do
		n=1 &&
		while :; do
			POSTURE_TEST_FAIL_STEP=$n "$POSTURE_BIN" ingest --component image:registry.acme.io/shop/api "$report" >out 2>err
			rc=$?
			test $rc -eq 0 && break
			test $rc -eq 3 || { echo "step $n: exit $rc"; cat err; exit 1; }
			snapshot >after &&
			test_cmp before after || { echo "after failing step $n of $report"; exit 1; }
			n=$((n + 1))
		done &&
		echo "$report: $n steps" &&
		test $n -gt 20 &&
		snapshot >before || exit 1
	done &&
	sqlite3 "$POSTURE_DB" "SELECT count(*) FROM finding_relations; SELECT count(*) FROM finding_groups" >actual &&
	printf "1\n4\n" >expected &&
	test_cmp expected actual
'

test_expect_success 'usage errors' '
	posture init >/dev/null 2>&1 &&
	test_expect_code 2 posture groups --format xml 2>err &&
	echo "posture: error: groups: --format must be table or json, not '"'"'xml'"'"'" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture groups extra 2>err &&
	echo "posture: error: groups: unexpected argument '"'"'extra'"'"'" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture trace 2>err &&
	echo "posture: error: trace: nothing to trace (see '"'"'posture trace --help'"'"')" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture trace CVE-2021-1 CVE-2021-2 2>err &&
	echo "posture: error: trace: one ID, vulnerability or purl at a time" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture trace CVE-2099-0001 2>err &&
	echo "posture: error: nothing known about '"'"'CVE-2099-0001'"'"'" >expected &&
	test_cmp expected err &&
	posture trace --help >help &&
	grep -q "^usage: posture trace" help &&
	posture groups --help | grep -q "by the total risk"
'

test_done
