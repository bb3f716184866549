#!/bin/sh
# inventory coverage: apps x scanner kinds with the last scan of each and
# the gaps (never, stale, silent); inventory show carries the app's row.
. "$(dirname "$0")/lib.sh"

REPORTS=$FIXTURES/inventory/reports

acme() {
	sed "s|codeowners: ../codeowners/|codeowners: $FIXTURES/codeowners/|" "$FIXTURES/inventory/acme.yaml" >acme.yaml
}

# sast on four apps: three find 7 results, billing finds nothing; dast today;
# checkout's sast ran long ago
scans() {
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	posture ingest --at 2025-11-01 --component repo:acme/checkout "$REPORTS/checkout-semgrep.sarif" &&
	posture ingest --component repo:acme/ledger "$REPORTS/checkout-semgrep.sarif" &&
	posture ingest --component repo:acme/payouts "$REPORTS/checkout-semgrep.sarif" &&
	jq ".runs[0].results = []" "$REPORTS/checkout-semgrep.sarif" >empty.sarif &&
	posture ingest --component repo:acme/billing empty.sarif &&
	posture ingest "$REPORTS/zap-acme.sarif"
}

test_expect_success 'the matrix: last scans, never, stale, silent' '
	scans >/dev/null &&
	posture inventory coverage >cov &&
	head -n 1 cov | grep -q "^APP  *sast  *sca  *secret  *container  *iac  *dast  *api  *cloud$" &&
	grep -q "^billing  *2026-01-15 silent  *never  *never  *never  *never  *never  *never  *never$" cov &&
	grep -q "^checkout  *2025-11-01 stale  *never  *never  *never  *never  *2026-01-15  *never  *never$" cov &&
	grep -q "^ledger  *2026-01-15  *never" cov &&
	grep -q "^payouts  *2026-01-15  *never  *never  *never  *never  *2026-01-15  *never  *never$" cov &&
	! grep -q "^unassigned" cov &&
	tail -n 1 cov >summary &&
	echo "(32 apps) 249 never scanned, 1 stale (older than 30 days), 1 silent (never any evidence where the median app has 5 or more)" >expected &&
	test_cmp expected summary
'

test_expect_success 'thresholds are options' '
	scans >/dev/null &&
	posture inventory coverage --stale-days 100 --silent-min 8 | tail -n 1 | grep -q " 0 stale (older than 100 days), 0 silent" &&
	test_expect_code 2 posture inventory coverage --stale-days 0 2>err &&
	test_expect_code 2 posture inventory coverage --format xml 2>err
'

test_expect_success 'json and csv' '
	scans >/dev/null &&
	posture inventory coverage --format json >c.json &&
	jq -e ".stale_days == 30 and .silent_min == 5 and .median_evidence.sast == 7 and .median_evidence.cloud == null" c.json &&
	jq -e ".apps | length == 32" c.json &&
	jq -e ".apps[] | select(.app == \"billing\") | .kinds.sast == {\"last_scan\": \"2026-01-15T10:00:00Z\", \"scans\": 1, \"evidence\": 0, \"open_findings\": 0, \"flags\": [\"silent\"]}" c.json &&
	jq -e ".apps[] | select(.app == \"checkout\") | .kinds.sast.flags == [\"stale\"] and .kinds.sast.open_findings == 7 and .kinds.iac.flags == [\"never\"]" c.json &&
	posture inventory coverage --format csv >c.csv &&
	head -n 1 c.csv | grep -qx "app,team,kind,last_scan,scans,evidence,open_findings,flags" &&
	test $(wc -l <c.csv) = 257 &&
	grep -qx "billing,billing-team,sast,2026-01-15T10:00:00Z,1,0,0,silent" c.csv &&
	grep -qx "checkout,checkout-team,sast,2025-11-01T00:00:00Z,1,7,7,stale" c.csv &&
	grep -qx "checkout,checkout-team,api,,0,0,0,never" c.csv
'

test_expect_success 'inventory show has the app coverage' '
	scans >/dev/null &&
	posture inventory show checkout | sed -n "/^coverage:/,\$p" >cov &&
	cat >expected <<-EOF &&
	coverage:
	  sast       2025-11-01 stale (1 scan, 7 evidence)
	  sca        never
	  secret     never
	  container  never
	  iac        never
	  dast       2026-01-15 (1 scan, 1 evidence)
	  api        never
	  cloud      never
	EOF
	test_cmp expected cov &&
	posture inventory show --format json billing | jq -e ".coverage.sast.flags == [\"silent\"]"
'

test_done
