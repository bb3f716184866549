#!/bin/sh
# posture gate's bad input and usage: exit 2 with a message that names what
# is wrong; an unwritable --output is an I/O error (exit 3) and records no run.
. "$(dirname "$0")/lib.sh"

test_expect_success 'usage mistakes: exit 2 and the message' '
	test_expect_code 2 posture gate 2>err &&
	echo "posture: error: gate: --app is required (see '"'"'posture gate --help'"'"')" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture gate --app web 2>err &&
	echo "posture: error: gate: no database ('"'"'$TRASH/posture.db'"'"') and no --report: nothing to gate" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture gate --app web --report x.json --format html 2>err &&
	echo "posture: error: gate: --format must be text, markdown, sarif, junit or json, not '"'"'html'"'"'" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture gate --app web --frobnicate 2>err &&
	grep -q "frobnicate" err
'

test_expect_success 'bad reports and policies: exit 2, the file named' '
	test_expect_code 2 posture gate --no-db --app web --report nope.json 2>err &&
	echo "posture: error: cannot open '"'"'nope.json'"'"': No such file or directory" >expected &&
	test_cmp expected err &&
	cp "$FIXTURES/trivy/truncated.bad.json" "$FIXTURES/trivy/fs-repo.json" . &&
	test_expect_code 2 posture gate --no-db --app web --report truncated.bad.json 2>err &&
	grep -q "^posture: error: truncated.bad.json: .*invalid JSON" err &&
	test_expect_code 2 posture gate --no-db --app web --report fs-repo.json \
		--policy "$FIXTURES/policy/unknown-key.bad.yaml" 2>err &&
	grep -q "^posture: error: $FIXTURES/policy/unknown-key.bad.yaml:2:15: " err
'

test_expect_success 'an unknown app on the database: exit 2 (reports of a new app are fine)' '
	cp "$FIXTURES/trivy/fs-repo.json" . &&
	posture ingest --app web fs-repo.json >/dev/null &&
	test_expect_code 2 posture gate --app nope 2>err &&
	echo "posture: error: no app called '"'"'nope'"'"'" >expected &&
	test_cmp expected err &&
	test_expect_code 1 posture gate --app newapp --report fs-repo.json >out &&
	grep -q "^gate BLOCKED: app newapp, 9 findings (9 new)" out
'

test_expect_success 'an unwritable --output: exit 3, no run recorded' '
	cp "$FIXTURES/trivy/fs-repo.json" . &&
	posture ingest --app web fs-repo.json >/dev/null &&
	test_expect_code 3 posture gate --app web --output no/such/dir/out.md 2>err &&
	echo "posture: error: cannot write '"'"'no/such/dir/out.md'"'"': No such file or directory" >expected &&
	test_cmp expected err &&
	sqlite3 posture.db "SELECT count(*) FROM gate_runs" >n &&
	echo 0 >expected &&
	test_cmp expected n
'

test_expect_success '--help prints the options and exits 0' '
	posture gate --help >out &&
	grep -q "^usage: posture gate --app APP" out &&
	grep -q -- "--baseline SCAN|BRANCH|FILE" out &&
	grep -q -- "--no-db" out
'

test_done
