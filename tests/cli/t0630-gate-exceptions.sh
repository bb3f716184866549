#!/bin/sh
# Findings that are risk-accepted, false positive or won't fix, and those an
# active entry of the exceptions file covers, never block; an entry covers
# only what it selects; an expired entry no longer covers, in the file or
# in the database (even before an upkeep reopens its findings); a bad
# exceptions file is exit 2 with its place.
#
# fs-repo.json has two secrets in src/settings.py that block (tier high by
# the policy rule secret-in-code): a GitHub token (github-pat, line 41) and
# a private key (private-key, line 57). exc.yaml excepts both.
. "$(dirname "$0")/lib.sh"

# the two secrets, in SQL (the tests run in a subshell that sees it)
secrets="rule_id IN ('github-pat', 'private-key')"

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
	  - rule: private-key
	    path: src/settings.py
	    reason: a throwaway test key
	    approver: bob
	    expires: 2026-02-01
	EOT
}

test_expect_success 'no database: active exceptions pass the blocking secrets (exit 0)' '
	setup &&
	posture gate --no-db --app web --report fs-repo.json --exceptions exc.yaml --format json >out &&
	jq -r ".verdict, (.items[] | select(.kind == \"secret\") | .rule_id, .decision, .why, .exception)" \
		out >got &&
	cat >expected <<-\EOT &&
	warn
	github-pat
	pass
	exception
	accepted in exc.yaml:3: a revoked test token (approved by alice)
	private-key
	pass
	exception
	accepted in exc.yaml:8: a throwaway test key (approved by bob)
	EOT
	test_cmp expected got
'

test_expect_success 'an entry covers only what it selects: the key beside the excepted token still blocks' '
	setup &&
	head -n 7 exc.yaml >pat-only.yaml &&
	test_expect_code 1 posture gate --no-db --app web --report fs-repo.json --exceptions pat-only.yaml \
		--format json >out &&
	jq -r "[.verdict, .counts.block] | @tsv" out >got &&
	jq -r ".items[] | select(.kind == \"secret\") | [.rule_id, .decision, .exception // \"none\"] | @tsv" \
		out >>got &&
	cat >expected <<-\EOT &&
	block	1
	private-key	block	none
	github-pat	pass	accepted in pat-only.yaml:3: a revoked test token (approved by alice)
	EOT
	test_cmp expected got
'

test_expect_success 'the repo-local .posture-exceptions.yaml is read when no --exceptions is given' '
	setup &&
	mv exc.yaml .posture-exceptions.yaml &&
	posture gate --no-db --app web --report fs-repo.json >out &&
	grep -q "^gate WARNED" out &&
	grep -q "accepted in .posture-exceptions.yaml:3: a revoked test token (approved by alice)" out &&
	grep -q "accepted in .posture-exceptions.yaml:8: a throwaway test key (approved by bob)" out
'

test_expect_success 'an expired exception no longer covers: the secrets block again' '
	setup &&
	POSTURE_NOW=2026-02-01T00:00:00Z test_expect_code 1 posture gate --no-db --app web \
		--report fs-repo.json --exceptions exc.yaml --format json >out &&
	jq -r ".items[] | select(.kind == \"secret\") | [.rule_id, .decision, .exception // \"none\"] | @tsv" \
		out >got &&
	printf "github-pat\tblock\tnone\nprivate-key\tblock\tnone\n" >expected &&
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
		sqlite3 posture.db "UPDATE findings SET status = '"'"'$st'"'"' WHERE $secrets" &&
		posture gate --app web --report fs-repo.json --format json >out &&
		jq -r "[.verdict, (.items[] | select(.kind == \"secret\") | .rule_id, .decision, .status)] | @tsv" out ||
		return 1
	done >got &&
	cat >expected <<-\EOT &&
	warn	github-pat	pass	risk_accepted	private-key	pass	risk_accepted
	warn	github-pat	pass	false_positive	private-key	pass	false_positive
	warn	github-pat	pass	wont_fix	private-key	pass	wont_fix
	EOT
	test_cmp expected got &&
	sqlite3 posture.db "UPDATE findings SET status = '"'"'open'"'"'" &&
	test_expect_code 1 posture gate --app web >/dev/null &&
	sqlite3 posture.db "UPDATE findings SET status = '"'"'risk_accepted'"'"' WHERE $secrets" &&
	posture gate --app web >/dev/null
'

test_expect_success 'database: an exception recorded with posture accept covers a report finding not yet stored' '
	setup &&
	cp "$FIXTURES/semgrep/oss.json" . &&
	posture ingest --app web oss.json >/dev/null 2>&1 &&
	posture accept --rule github-pat --app web --reason "rotated, history rewritten" --approver carol \
		--expires 2026-03-01 >/dev/null &&
	posture accept --rule private-key --app web --reason "a test key, never deployed" --approver dave \
		--expires 2026-03-01 >/dev/null &&
	posture gate --app web --report fs-repo.json --format json >out &&
	jq -r ".verdict, (.items[] | select(.kind == \"secret\") | .rule_id, .finding_id, .decision, .exception)" \
		out >got &&
	cat >expected <<-\EOT &&
	warn
	github-pat
	null
	pass
	exception 1: rotated, history rewritten (approved by carol)
	private-key
	null
	pass
	exception 2: a test key, never deployed (approved by dave)
	EOT
	test_cmp expected got &&
	POSTURE_NOW=2026-03-01T00:00:00Z test_expect_code 1 posture gate --app web --report fs-repo.json >/dev/null
'

test_expect_success 'database: an acceptance past its expiry no longer covers, before any upkeep reopens it' '
	setup &&
	posture ingest --app web fs-repo.json >/dev/null &&
	posture accept --rule github-pat --app web --reason "rotated" --approver carol \
		--expires 2026-02-01 >/dev/null &&
	posture accept --rule private-key --app web --reason "a test key" --approver dave \
		--expires 2026-03-01 >/dev/null &&
	posture gate --app web >/dev/null &&
	sqlite3 posture.db "SELECT rule_id, status FROM findings WHERE $secrets ORDER BY id; SELECT count(*) FROM events" \
		>before &&
	export POSTURE_NOW=2026-02-01T00:00:00Z &&
	test_expect_code 1 posture gate --app web --format json >out &&
	jq -r ".items[] | select(.kind == \"secret\") | [.rule_id, .status, .decision, .line] | @tsv" out >got &&
	printf "github-pat\treopened\tblock\t41\n" >expected &&
	test_cmp expected got &&
	posture gate --app web --report fs-repo.json --format json >out.report &&
	jq -r ".items[] | select(.kind == \"secret\") | [.rule_id, .status, .decision] | @tsv" out.report >got &&
	printf "github-pat\treopened\twarn\nprivate-key\trisk_accepted\tpass\n" >expected &&
	test_cmp expected got &&
	sqlite3 posture.db "SELECT rule_id, status FROM findings WHERE $secrets ORDER BY id; SELECT count(*) FROM events" \
		>after &&
	test_cmp before after &&
	posture exceptions >/dev/null &&
	sqlite3 posture.db "SELECT status FROM findings WHERE rule_id = '"'"'github-pat'"'"'" >status &&
	echo reopened >expected &&
	test_cmp expected status &&
	test_expect_code 1 posture gate --app web --format json >out.upkept &&
	test_cmp out out.upkept &&
	posture gate --app web --report fs-repo.json --format json >out.upkept &&
	test_cmp out.report out.upkept
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
