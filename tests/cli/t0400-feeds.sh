#!/bin/sh
# posture feeds import|list|update: EPSS and KEV files into the database,
# versioned imports, a new KEV catalog replacing the current set, atomic
# failures, and update through file:// URLs (this machine is offline).
. "$(dirname "$0")/lib.sh"

copy() {
	cp "$FIXTURES/epss/epss_scores-2025-03-16.csv" "$FIXTURES/epss/epss_scores-2025-03-16.csv.gz" \
		"$FIXTURES/epss/bad-cve.csv" "$FIXTURES/kev/known_exploited_vulnerabilities.json" \
		"$FIXTURES/kev/old-shape.json" "$FIXTURES/kev/bad-missing-cve.json" .
}

q() {
	sqlite3 posture.db "$1"
}

test_expect_success 'import epss: one line, the scores are the current set' '
	copy &&
	posture feeds import epss epss_scores-2025-03-16.csv >out &&
	cat >expected <<-\EOT &&
	epss: 10 scores, 2025-03-16T12:55:00Z (model v2025.03.14), from epss_scores-2025-03-16.csv; 0 findings rescored, 0 changed tier
	EOT
	test_cmp expected out &&
	test "$(q "SELECT epss, percentile FROM epss_scores WHERE cve = '"'"'CVE-2021-44228'"'"'")" = "0.94358|0.99975" &&
	test "$(q "SELECT count(*) FROM epss_scores")" = 10
'

test_expect_success 'the same file again is already current; --force imports it again' '
	copy &&
	posture feeds import epss epss_scores-2025-03-16.csv >/dev/null &&
	posture feeds import epss epss_scores-2025-03-16.csv >out &&
	echo "epss: 2025-03-16T12:55:00Z is already the current version (epss_scores-2025-03-16.csv); nothing to do" >expected &&
	test_cmp expected out &&
	test "$(q "SELECT count(*) FROM feed_imports")" = 1 &&
	posture feeds import --force epss epss_scores-2025-03-16.csv >/dev/null &&
	test "$(q "SELECT count(*) FROM feed_imports")" = 2
'

test_expect_success 'import kev; an older catalog is refused, --force takes it and entries leave' '
	copy &&
	posture feeds import kev known_exploited_vulnerabilities.json >out &&
	echo "kev: 3 entries, catalog 2025.03.14 (3 added, 0 removed), from known_exploited_vulnerabilities.json; 0 findings rescored, 0 changed tier" >expected &&
	test_cmp expected out &&
	test "$(q "SELECT cve, due_date, ransomware FROM kev_entries ORDER BY cve")" = "CVE-2021-44228|2021-12-24|Known
CVE-2024-57727|2025-03-06|Known
CVE-2025-24989|2025-03-14|Unknown" &&
	test_expect_code 2 posture feeds import kev old-shape.json >out 2>err &&
	echo "posture: error: old-shape.json: kev 2021.11.03 is older than the current 2025.03.14 (use --force to import it anyway)" >expected &&
	test_cmp expected err &&
	test ! -s out &&
	test "$(q "SELECT count(*) FROM kev_entries")" = 3 &&
	posture feeds import --force kev old-shape.json >out &&
	echo "kev: 2 entries, catalog 2021.11.03 (2 added, 3 removed), from old-shape.json; 0 findings rescored, 0 changed tier" >expected &&
	test_cmp expected out &&
	test "$(q "SELECT group_concat(cve) FROM kev_entries")" = "CVE-2021-21017,CVE-2021-27104"
'

test_expect_success 'list: every import, the current version of each feed marked' '
	copy &&
	posture feeds import epss epss_scores-2025-03-16.csv >/dev/null &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	posture feeds import epss epss_scores-2025-03-16.csv.gz >/dev/null &&
	posture feeds list >out &&
	cat >expected <<-\EOT &&
	    ID  FEED  VERSION                   MODEL            ROWS  IMPORTED              SOURCE
	     1  epss  2025-03-16T12:55:00Z      v2025.03.14        10  2026-01-15T10:00:00Z  epss_scores-2025-03-16.csv
	*    2  kev   2025.03.14                                    3  2026-01-15T10:00:00Z  known_exploited_vulnerabilities.json
	*    3  epss  2025-03-16T12:55:00Z      v2025.03.14        10  2026-01-15T10:00:00Z  epss_scores-2025-03-16.csv.gz
	EOT
	test_cmp expected out &&
	posture feeds list --format jsonl >out.jsonl &&
	jq -s -e "length == 3 and .[1].feed == \"kev\" and .[1].current and .[1].added == 3 and .[1].removed == 0
		and (.[0].current | not) and .[0].model == \"v2025.03.14\" and .[0].added == null
		and (.[2].sha256 | length) == 64" out.jsonl
'

test_expect_success 'a bad file stores nothing and names the file and the place' '
	copy &&
	posture feeds import epss epss_scores-2025-03-16.csv >/dev/null &&
	test_expect_code 2 posture feeds import epss bad-cve.csv 2>err &&
	echo "posture: error: bad-cve.csv: line 4: '"'"'CVE-2021-x'"'"' is not a CVE id" >expected &&
	test_cmp expected err &&
	test "$(q "SELECT count(*) FROM epss_scores")" = 10 &&
	test "$(q "SELECT count(*) FROM feed_imports")" = 1 &&
	test_expect_code 2 posture feeds import kev bad-missing-cve.json 2>err &&
	echo "posture: error: bad-missing-cve.json: vulnerabilities[1]: '"'"'cveID'"'"' is missing" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture feeds import kev missing.json 2>err &&
	grep -q "missing.json" err
'

test_expect_success 'a failing step anywhere in an import leaves the previous set' '
	copy &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	q "SELECT * FROM kev_entries; SELECT * FROM feed_imports" >before &&
	n=1 &&
	while ! POSTURE_TEST_FAIL_STEP=$n "$POSTURE_BIN" feeds import --force kev old-shape.json >out 2>err; do
		grep -q "injected failure at step $n" err &&
		q "SELECT * FROM kev_entries; SELECT * FROM feed_imports" >after &&
		test_cmp before after || return 1
		n=$((n + 1))
	done &&
	test $n -gt 3 &&
	test "$(q "SELECT count(*) FROM kev_entries")" = 2
'

test_expect_success 'update fetches both feeds (file:// URLs here) and imports them' '
	copy &&
	POSTURE_EPSS_URL="file://$PWD/epss_scores-2025-03-16.csv.gz" \
	POSTURE_KEV_URL="file://$PWD/known_exploited_vulnerabilities.json" posture feeds update >out &&
	cat >expected <<-EOT &&
	epss: 10 scores, 2025-03-16T12:55:00Z (model v2025.03.14), from file://$PWD/epss_scores-2025-03-16.csv.gz; 0 findings rescored, 0 changed tier
	kev: 3 entries, catalog 2025.03.14 (3 added, 0 removed), from file://$PWD/known_exploited_vulnerabilities.json; 0 findings rescored, 0 changed tier
	EOT
	test_cmp expected out &&
	POSTURE_EPSS_URL="file://$PWD/epss_scores-2025-03-16.csv.gz" \
	POSTURE_KEV_URL="file://$PWD/known_exploited_vulnerabilities.json" posture feeds update kev >out &&
	echo "kev: 2025.03.14 is already the current version (file://$PWD/known_exploited_vulnerabilities.json); nothing to do" >expected &&
	test_cmp expected out
'

test_expect_success 'update offline: says so, exit 3, and still imports the feed it could fetch' '
	copy &&
	POSTURE_EPSS_URL="file://$PWD/nowhere.csv.gz" \
	POSTURE_KEV_URL="file://$PWD/known_exploited_vulnerabilities.json" \
	test_expect_code 3 posture feeds update >out 2>err &&
	echo "posture: error: cannot fetch file://$PWD/nowhere.csv.gz: Couldn'"'"'t open file $PWD/nowhere.csv.gz (offline? import a downloaded file with '"'"'posture feeds import'"'"')" >expected &&
	test_cmp expected err &&
	grep -q "^kev: 3 entries" out &&
	test "$(q "SELECT group_concat(feed) FROM feed_imports")" = kev
'

test_expect_success 'usage mistakes are exit 2' '
	test_expect_code 2 posture feeds 2>err &&
	grep -q "usage: posture feeds" err &&
	test_expect_code 2 posture feeds import nvd x.json 2>err &&
	grep -q "'"'"'nvd'"'"' is not a feed (epss, kev)" err &&
	test_expect_code 2 posture feeds import epss 2>err &&
	test_expect_code 2 posture feeds fetch 2>err &&
	grep -q "'"'"'fetch'"'"' is not a feeds command" err &&
	posture feeds --help | grep -q "^  update"
'

test_done
