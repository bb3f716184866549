#!/bin/sh
# The repo-local exceptions file (.posture-exceptions.yaml): ingest reads it
# from --exceptions, --repo-dir or the current directory; its entries are
# stored with the file as their source, cover the app ingested, and a
# changed file replaces them (a removed entry's findings reopen).
. "$(dirname "$0")/lib.sh"

L=$FIXTURES/lifecycle

q() {
	sqlite3 posture.db "$1"
}

write_file() {
	cat >"$1" <<-\EOT
	# reviewed in pull requests like the code
	exceptions:
	  - vuln: CVE-2021-44228
	    package: pkg:maven/org.apache.logging.log4j/log4j-core
	    reason: JNDI lookups disabled by formatMsgNoLookups
	    approver: carol
	    expires: 2026-03-01
	  - rule: B101
	    path: "tests/*"
	    status: false_positive
	    reason: asserts in tests
	    approver: dave
	EOT
}

test_expect_success 'the file in the current directory is honoured' '
	write_file .posture-exceptions.yaml &&
	posture ingest --app shop "$L/deps.json" >out &&
	echo "$L/deps.json: 3 evidence -> 3 new, 0 seen again, 0 fixed, 0 reopened, 0 duplicates merged, 2 covered by exceptions; dedupe 1.00 (3 evidence in 3 findings) (scan 1, app '"'"'shop'"'"')" >expected &&
	test_cmp expected out &&
	q "SELECT id || status || coalesce(exception_id, 0) FROM findings ORDER BY id" | tr "\n" " " >st &&
	printf "1risk_accepted1 2open0 3false_positive2 " >expected &&
	test_cmp expected st &&
	posture exceptions --format csv | tr -d "\r" | cut -d, -f1-7,10-12 >out &&
	cat >expected <<-\EOT &&
	id,status,state,selectors,reason,approver,expires,source,line,findings
	1,risk_accepted,active,vuln=CVE-2021-44228 package=pkg:maven/org.apache.logging.log4j/log4j-core app=shop,JNDI lookups disabled by formatMsgNoLookups,carol,2026-03-01T00:00:00Z,.posture-exceptions.yaml,3,1
	2,false_positive,active,rule=B101 path=tests/* app=shop,asserts in tests,dave,,.posture-exceptions.yaml,8,1
	EOT
	test_cmp expected out
'

test_expect_success 'an unchanged file is not stored again; a changed one replaces its entries' '
	write_file .posture-exceptions.yaml &&
	posture ingest --app shop "$L/deps.json" >/dev/null &&
	posture ingest --app shop "$L/deps.json" >/dev/null &&
	test "$(q "SELECT count(*) FROM exceptions")" = 2 &&
	sed -i "/^  - rule: B101/,\$d" .posture-exceptions.yaml &&
	POSTURE_NOW=2026-01-16T00:00:00Z posture ingest --app shop "$L/deps.json" >/dev/null &&
	q "SELECT id || coalesce(revoked_at, 0) FROM exceptions ORDER BY id" | tr "\n" " " >ex &&
	printf "1%s 2%s 3 " 1768521600 1768521600 | sed "s/ 3 / 30 /" >expected &&
	test_cmp expected ex &&
	q "SELECT id || status || coalesce(exception_id, 0) FROM findings ORDER BY id" | tr "\n" " " >st &&
	printf "1risk_accepted3 2open0 3reopened0 " >expected &&
	test_cmp expected st &&
	q "SELECT type, from_value, to_value, reason FROM events WHERE finding_id = 3 ORDER BY id DESC LIMIT 1" >ev &&
	echo "expired|false_positive|reopened|exception 2 withdrawn" >expected &&
	test_cmp expected ev
'

test_expect_success '--repo-dir and --exceptions name the file; entries are per app' '
	mkdir repo && write_file repo/.posture-exceptions.yaml &&
	posture ingest --app shop --repo-dir repo "$L/deps.json" >/dev/null &&
	test "$(q "SELECT source FROM exceptions LIMIT 1")" = repo/.posture-exceptions.yaml &&
	write_file other.yaml &&
	posture ingest --app admin --exceptions other.yaml "$L/deps.json" >/dev/null &&
	q "SELECT app || \" \" || source FROM exceptions ORDER BY id" >src &&
	cat >expected <<-\EOT &&
	shop repo/.posture-exceptions.yaml
	shop repo/.posture-exceptions.yaml
	admin other.yaml
	admin other.yaml
	EOT
	test_cmp expected src &&
	q "SELECT a.name || f.id || f.status FROM findings f JOIN apps a ON a.id = f.app_id ORDER BY f.id" | tr "\n" " " >st &&
	printf "shop1risk_accepted shop2open shop3false_positive admin4risk_accepted admin5open admin6false_positive " >expected &&
	test_cmp expected st
'

test_expect_success 'a bad exceptions file stops the ingest before anything is stored' '
	printf "exceptions:\n  - rule: B101\n    reason: r\n    approver: a\n" >.posture-exceptions.yaml &&
	test_expect_code 2 posture ingest --app shop "$L/deps.json" 2>err &&
	echo "posture: error: .posture-exceptions.yaml:2:5: '"'"'expires'"'"' is required for a risk acceptance (a date, YYYY-MM-DD)" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture ingest --app shop --exceptions missing.yaml "$L/deps.json" 2>err &&
	echo "posture: error: exceptions file '"'"'missing.yaml'"'"' does not exist" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture ingest --app shop --exceptions a --repo-dir b "$L/deps.json" 2>err &&
	echo "posture: error: ingest: give --exceptions or --repo-dir, not both" >expected &&
	test_cmp expected err &&
	test ! -e posture.db || test "$(q "SELECT count(*) FROM findings")" = 0
'

test_expect_success 'an expired entry is reported and does not apply' '
	write_file .posture-exceptions.yaml &&
	POSTURE_NOW=2026-03-02T00:00:00Z posture ingest --app shop "$L/deps.json" >out 2>err &&
	echo "posture: warning: .posture-exceptions.yaml:3: exception expired on 2026-03-01T00:00:00Z: it no longer applies" >expected &&
	test_cmp expected err &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = open
'

test_done
