#!/bin/sh
# gate mode block_recurrence: a finding that comes back after it was fixed
# blocks; a merely new one warns (and counts as would-block).
. "$(dirname "$0")/lib.sh"

setup() {
	cp "$FIXTURES/trivy/fs-repo.json" "$FIXTURES/trivy/empty.json" "$FIXTURES/semgrep/oss.json" . &&
	printf "gate:\n  high: block_recurrence\n  medium: block_recurrence\n" >rec.yaml &&
	posture ingest --app web fs-repo.json >/dev/null &&
	posture ingest --app web empty.json >/dev/null
}

test_expect_success 'fixed findings reported again block; new ones only warn' '
	setup &&
	test_expect_code 1 posture gate --app web --policy rec.yaml --report fs-repo.json --report oss.json \
		--format json 2>/dev/null >out &&
	jq -r ".items[] | select(.decision != \"pass\") | [.decision, .recurrence, .new, .status, .tool] | @tsv" out |
		sort | uniq -c | sed "s/^ *//" >got &&
	cat >expected <<-\EOT &&
	7 block	true	true	reopened	Trivy
	1 warn	false	true	open	semgrep
	EOT
	test_cmp expected got &&
	jq -r ".counts.would_block, .tiers.medium.mode" out >got &&
	printf "1\nblock_recurrence\n" >expected &&
	test_cmp expected got
'

test_expect_success 'without recurrences the same policy does not block' '
	cp "$FIXTURES/semgrep/oss.json" . &&
	printf "gate:\n  high: block_recurrence\n  medium: block_recurrence\n" >rec.yaml &&
	posture gate --no-db --app web --policy rec.yaml --report oss.json >out 2>/dev/null &&
	grep -q "^gate WARNED" out &&
	grep -q "new; the tier blocks only recurrences" out
'

test_expect_success 'database mode: a reopened finding is a recurrence' '
	setup &&
	posture ingest --app web fs-repo.json >/dev/null &&
	test_expect_code 1 posture gate --app web --policy rec.yaml --format json >out &&
	jq -r "[.counts.block, .counts.warn, ([.items[] | select(.recurrence)] | length)] | @tsv" out >got &&
	printf "7\t0\t8\n" >expected &&
	test_cmp expected got
'

test_expect_success 'a lapsed risk acceptance reopens a finding, but it did not come back after a fix' '
	cp "$FIXTURES/trivy/fs-repo.json" . &&
	printf "gate:\n  high: block_recurrence\n" >rec.yaml &&
	posture ingest --app web fs-repo.json >/dev/null &&
	id=$(posture findings --app web --format json | jq -r "map(select(.title == \"GitHub Personal Access Token\")) | .[0].id") &&
	posture accept "$id" --reason "a test token, rotating" --approver alice --expires 2026-01-20 >/dev/null &&
	POSTURE_NOW=2026-02-01T00:00:00Z posture gate --app web --policy rec.yaml --format json >db.json ;
	POSTURE_NOW=2026-02-01T00:00:00Z posture gate --app web --policy rec.yaml --report fs-repo.json \
		--format json >report.json ;
	for out in db.json report.json
	do
		jq -r ".items[] | select(.finding_id == $id) | [.status, .recurrence] | @tsv" $out || return 1
	done >got &&
	printf "reopened\tfalse\nreopened\tfalse\n" >expected &&
	test_cmp expected got &&
	jq -r ".items[] | select(.finding_id == $id) | .decision" db.json >got &&
	echo warn >expected &&
	test_cmp expected got
'

test_done
