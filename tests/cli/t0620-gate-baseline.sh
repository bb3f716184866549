#!/bin/sh
# Only findings new relative to the baseline block. The baseline is a scan
# id, the latest scans of a branch, a previous report file, or (reports on
# a database without --baseline) the stored findings. The gate writes no
# finding and no event.
. "$(dirname "$0")/lib.sh"

setup() {
	cp "$FIXTURES/trivy/fs-repo.json" "$FIXTURES/semgrep/oss.json" . &&
	posture ingest --app web --branch main fs-repo.json >/dev/null
}

summary() {
	jq -c "[.verdict, .baseline, .counts.new, .counts.block, .counts.warn, .counts.pass]"
}

test_expect_success 'database, no baseline: every active finding counts as new; the secrets block' '
	setup &&
	test_expect_code 1 posture gate --app web --format json >out &&
	summary <out >got &&
	echo "[\"block\",null,8,2,5,1]" >expected &&
	test_cmp expected got &&
	jq -r ".items[] | select(.decision == \"block\") | [.decision, .rule_id, .why, .path, .line] | @tsv" out >blocking &&
	printf "block\tgithub-pat\tnew; the tier blocks\tsrc/settings.py\t41\n" >expected &&
	printf "block\tprivate-key\tnew; the tier blocks\tsrc/settings.py\t57\n" >>expected &&
	test_cmp expected blocking
'

test_expect_success 'database, --baseline BRANCH: what main reported is not new, nothing blocks' '
	setup &&
	posture gate --app web --baseline main --format json >out &&
	summary <out >got &&
	echo "[\"warn\",\"branch main (latest 1 scan)\",0,0,7,1]" >expected &&
	test_cmp expected got &&
	jq -r ".items[0].why" out >why &&
	echo "in the baseline: only new findings block" >expected &&
	test_cmp expected why
'

test_expect_success 'database, --baseline SCAN: the same by scan id' '
	setup &&
	posture gate --app web --baseline 1 --format json >out &&
	summary <out >got &&
	echo "[\"warn\",\"scan 1\",0,0,7,1]" >expected &&
	test_cmp expected got
'

test_expect_success 'database + --report: the stored findings are the baseline; only the new ones count' '
	setup &&
	posture gate --app web --report fs-repo.json --report oss.json --format json 2>/dev/null >out &&
	summary <out >got &&
	echo "[\"warn\",\"the stored findings of web\",3,0,8,4]" >expected &&
	test_cmp expected got &&
	jq -r ".items[] | select(.new) | .tool" out | sort -u >tools &&
	echo semgrep >expected &&
	test_cmp expected tools &&
	jq -r ".items[] | select(.new | not) | .finding_id" out | sort -n | tr "\n" " " >ids &&
	printf "1 2 3 4 5 6 7 8 9 " >expected &&
	test_cmp expected ids
'

test_expect_success 'database + --report + --baseline: a scan of another branch is the baseline' '
	setup &&
	posture ingest --app web --branch dev oss.json >/dev/null 2>&1 &&
	test_expect_code 1 posture gate --app web --report fs-repo.json --report oss.json --baseline dev \
		--format json 2>/dev/null >out &&
	summary <out >got &&
	echo "[\"block\",\"branch dev (latest 1 scan)\",9,2,6,4]" >expected &&
	test_cmp expected got
'

test_expect_success 'no database: a previous report is the baseline' '
	cp "$FIXTURES/trivy/fs-repo.json" "$FIXTURES/semgrep/oss.json" . &&
	posture gate --no-db --app web --baseline fs-repo.json --report fs-repo.json --report oss.json \
		--format json 2>/dev/null >out &&
	summary <out >got &&
	echo "[\"warn\",\"report fs-repo.json\",3,0,8,4]" >expected &&
	test_cmp expected got &&
	! test -e posture.db
'

test_expect_success 'the gate writes no finding, evidence or event' '
	setup &&
	sqlite3 posture.db "SELECT count(*) FROM findings; SELECT count(*) FROM evidence; SELECT count(*) FROM events; SELECT count(*) FROM scans" >before &&
	test_expect_code 1 posture gate --app web >/dev/null &&
	posture gate --app web --report fs-repo.json --report oss.json >/dev/null 2>&1 &&
	sqlite3 posture.db "SELECT count(*) FROM findings; SELECT count(*) FROM evidence; SELECT count(*) FROM events; SELECT count(*) FROM scans" >after &&
	test_cmp before after
'

test_expect_success 'a baseline that does not exist: exit 2 and what is missing' '
	setup &&
	test_expect_code 2 posture gate --app web --baseline dev 2>err &&
	echo "posture: error: baseline: no scan of the app on branch '"'"'dev'"'"'" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture gate --app web --baseline 99 2>err &&
	echo "posture: error: baseline: no scan 99" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture gate --no-db --app web --report fs-repo.json --baseline main 2>err &&
	echo "posture: error: baseline '"'"'main'"'"' is not a report file (without a database the baseline must be a previous report)" >expected &&
	test_cmp expected err
'

test_done
