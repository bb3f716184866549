#!/bin/sh
# Findings that are risk-accepted, false positive or won't fix, and those an
# active entry of the exceptions file covers, never block; an expired entry
# no longer covers; a bad exceptions file is exit 2 with its place.
. "$(dirname "$0")/lib.sh"

setup() {
	cp "$FIXTURES/trivy/fs-repo.json" . &&
	cat >exc.yaml <<-\EOT
	version: 1
	exceptions:
	  - rule: github-pat
	    path: "src/*"
	    reason: a revoked test token
	    approver: alice
	    expires: 2026-02-01
	EOT
}

test_expect_success 'no database: an active exception passes the blocking secret (exit 0)' '
	setup &&
	posture gate --no-db --app web --report fs-repo.json --exceptions exc.yaml --format json >out &&
	jq -r ".verdict, (.items[] | select(.rule_id == \"github-pat\") | .decision, .why, .exception)" out >got &&
	cat >expected <<-\EOT &&
	warn
	pass
	exception
	accepted in exc.yaml:3: a revoked test token (approved by alice)
	EOT
	test_cmp expected got
'

test_expect_success 'the repo-local .posture-exceptions.yaml is read when no --exceptions is given' '
	setup &&
	mv exc.yaml .posture-exceptions.yaml &&
	posture gate --no-db --app web --report fs-repo.json >out &&
	grep -q "^gate WARNED" out &&
	grep -q "accepted in .posture-exceptions.yaml:3: a revoked test token (approved by alice)" out
'

test_expect_success 'an expired exception no longer covers: the secret blocks again' '
	setup &&
	POSTURE_NOW=2026-02-01T00:00:00Z test_expect_code 1 posture gate --no-db --app web \
		--report fs-repo.json --exceptions exc.yaml --format json >out &&
	jq -r "(.items[] | select(.rule_id == \"github-pat\") | .decision, .exception)" out >got &&
	printf "block\nnull\n" >expected &&
	test_cmp expected got
'

test_expect_success 'sarif and junit show an excepted finding as suppressed / skipped' '
	setup &&
	posture gate --no-db --app web --report fs-repo.json --exceptions exc.yaml --format sarif >out.sarif &&
	jq -c ".runs[0].results[] | select(.ruleId == \"github-pat\") | [.level, .suppressions]" out.sarif >got &&
	echo "[\"note\",[{\"kind\":\"external\",\"justification\":\"accepted in exc.yaml:3: a revoked test token (approved by alice)\"}]]" >expected &&
	test_cmp expected got &&
	posture gate --no-db --app web --report fs-repo.json --exceptions exc.yaml --format junit >out.xml &&
	grep -q "<skipped message=\"accepted in exc.yaml:3: a revoked test token (approved by alice)\"/>" out.xml
'

test_expect_success 'database: risk_accepted, false_positive and wont_fix findings never block' '
	setup &&
	posture ingest --app web fs-repo.json >/dev/null &&
	for st in risk_accepted false_positive wont_fix; do
		sqlite3 posture.db "UPDATE findings SET status = '"'"'$st'"'"' WHERE rule_id = '"'"'github-pat'"'"'" &&
		posture gate --app web --report fs-repo.json --format json >out &&
		jq -r "[.verdict, (.items[] | select(.rule_id == \"github-pat\") | .decision, .status)] | @tsv" out ||
		return 1
	done >got &&
	cat >expected <<-\EOT &&
	warn	pass	risk_accepted
	warn	pass	false_positive
	warn	pass	wont_fix
	EOT
	test_cmp expected got &&
	sqlite3 posture.db "UPDATE findings SET status = '"'"'open'"'"'" &&
	test_expect_code 1 posture gate --app web >/dev/null &&
	sqlite3 posture.db "UPDATE findings SET status = '"'"'risk_accepted'"'"' WHERE rule_id = '"'"'github-pat'"'"'" &&
	posture gate --app web >/dev/null
'

test_expect_success 'database: an exception recorded with posture accept covers a report finding not yet stored' '
	setup &&
	cp "$FIXTURES/semgrep/oss.json" . &&
	posture ingest --app web oss.json >/dev/null 2>&1 &&
	posture accept --rule github-pat --app web --reason "rotated, history rewritten" --approver carol \
		--expires 2026-03-01 >/dev/null &&
	posture gate --app web --report fs-repo.json --format json >out &&
	jq -r ".verdict, (.items[] | select(.rule_id == \"github-pat\") | .finding_id, .decision, .exception)" out >got &&
	cat >expected <<-\EOT &&
	warn
	null
	pass
	exception 1: rotated, history rewritten (approved by carol)
	EOT
	test_cmp expected got &&
	POSTURE_NOW=2026-03-01T00:00:00Z test_expect_code 1 posture gate --app web --report fs-repo.json >/dev/null
'

test_expect_success 'a bad exceptions file: exit 2, the file and the place' '
	setup &&
	test_expect_code 2 posture gate --no-db --app web --report fs-repo.json \
		--exceptions "$FIXTURES/exceptions/no-expiry.bad.yaml" 2>err &&
	grep -q "^posture: error: $FIXTURES/exceptions/no-expiry.bad.yaml:[0-9]*:[0-9]*: " err &&
	test_expect_code 2 posture gate --no-db --app web --report fs-repo.json --exceptions missing.yaml 2>err &&
	echo "posture: error: exceptions file '"'"'missing.yaml'"'"' does not exist" >expected &&
	test_cmp expected err
'

test_done
