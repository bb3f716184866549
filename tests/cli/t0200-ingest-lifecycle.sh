#!/bin/sh
# ingest: dedupe within a scan, seen again, fixed when absent from a newer
# full scan, reopened with recurrence, partial scans, backfilled scans.
. "$(dirname "$0")/lib.sh"

# mk_sarif TOOL RESULT...: a SARIF log; each RESULT is rule|path|line|snippet|level
mk_sarif() {
	tool=$1
	shift
	printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"%s","version":"1.0"}},"results":[' "$tool"
	sep=
	for r in "$@"; do
		IFS='|' read -r rule path line snippet level <<-EOT
		$r
		EOT
		printf '%s{"ruleId":"%s","level":"%s","message":{"text":"%s found"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"%s"},"region":{"startLine":%s,"snippet":{"text":"%s"}}}}]}' \
			"$sep" "$rule" "${level:-warning}" "$rule" "$path" "$line" "$snippet"
		sep=,
	done
	printf ']}]}\n'
}

setup_history() {
	mk_sarif Lint 'sqli|src/db.c|10|query(x)|error' 'xss|src/web.c|5|echo(y)' 'xss|src/web.c|50|echo(y)' >s1.sarif &&
	mk_sarif Lint 'sqli|src/db.c|14|query(x)|error' 'path|src/fs.c|7|open(p)|note' >s2.sarif &&
	mk_sarif Lint 'xss|src/web.c|6|echo(y)' >s3.sarif
}

test_expect_success 'first scan: new findings, duplicates merged' '
	setup_history &&
	posture ingest --app shop s1.sarif >out &&
	echo "s1.sarif: 3 evidence -> 2 new, 0 seen again, 0 fixed, 0 reopened, 1 duplicates merged; dedupe 1.50 (3 evidence in 2 findings) (scan 1, app '"'"'shop'"'"')" >expected &&
	test_cmp expected out &&
	posture findings --format jsonl >f &&
	test $(wc -l <f) = 2 &&
	jq -s -e "map(select(.rule_id == \"xss\")) | length > 0 and all(.evidence_count == 2 and .status == \"open\" and .tools == [\"Lint\"])" f
'

test_expect_success 'second scan: seen again across a line shift, new, and fixed' '
	setup_history &&
	posture ingest --app shop s1.sarif >/dev/null &&
	POSTURE_NOW=2026-01-16T10:00:00Z posture ingest --app shop s2.sarif >out &&
	grep -q "2 evidence -> 1 new, 1 seen again, 1 fixed, 0 reopened, 0 duplicates merged" out &&
	posture findings --status all --format jsonl >f &&
	jq -s -e "map(select(.rule_id == \"sqli\")) | length > 0 and all(.status == \"open\" and .first_seen == \"2026-01-15T10:00:00Z\" and .last_seen == \"2026-01-16T10:00:00Z\")" f &&
	jq -s -e "map(select(.rule_id == \"xss\")) | length > 0 and all(.status == \"fixed\" and .fixed_at == \"2026-01-16T10:00:00Z\")" f &&
	posture findings --format jsonl >open &&
	test $(wc -l <open) = 2
'

test_expect_success 'third scan: a fixed finding comes back reopened, with its history' '
	setup_history &&
	posture ingest --app shop s1.sarif >/dev/null &&
	POSTURE_NOW=2026-01-16T10:00:00Z posture ingest --app shop s2.sarif >/dev/null &&
	POSTURE_NOW=2026-01-17T10:00:00Z posture ingest --app shop s3.sarif >out &&
	grep -q "1 evidence -> 0 new, 0 seen again, 2 fixed, 1 reopened" out &&
	posture findings --format jsonl >f &&
	test $(wc -l <f) = 1 &&
	jq -e ".rule_id == \"xss\" and .status == \"reopened\" and .recurrence == 1" f &&
	id=$(jq .id f) &&
	posture show --format json $id >show &&
	jq -r ".events[] | [.at, .type, .from, .to, .scan] | @tsv" show >events &&
	printf "%s\t%s\t%s\t%s\t%s\n" \
		2026-01-15T10:00:00Z opened "" open 1 \
		2026-01-16T10:00:00Z fixed open fixed 2 \
		2026-01-17T10:00:00Z reopened fixed reopened 3 >expected &&
	test_cmp expected events
'

test_expect_success 'evidence rows are refreshed, not duplicated, by re-scans' '
	setup_history &&
	posture ingest --app shop s1.sarif >/dev/null &&
	posture ingest --app shop s1.sarif >out &&
	grep -q "3 evidence -> 0 new, 2 seen again, 0 fixed, 0 reopened, 1 duplicates merged" out &&
	posture findings --format jsonl >f &&
	jq -s -e "map(select(.rule_id == \"xss\")) | length > 0 and all(.evidence_count == 2)" f &&
	jq -s -e "map(select(.rule_id == \"sqli\")) | length > 0 and all(.evidence_count == 1)" f
'

test_expect_success 'a partial scan fixes nothing' '
	setup_history &&
	posture ingest --app shop s1.sarif >/dev/null &&
	posture ingest --app shop --partial s3.sarif >out &&
	grep -q "0 fixed" out &&
	test $(posture findings --format jsonl | wc -l) = 2
'

test_expect_success 'scans of another tool, app or component do not fix each other' '
	setup_history &&
	posture ingest --app shop s1.sarif >/dev/null &&
	mk_sarif Other "x|a.c|1|z()" >other.sarif &&
	posture ingest --app shop other.sarif >out1 &&
	grep -q "0 fixed" out1 &&
	posture ingest --app billing s3.sarif >out2 &&
	grep -q "1 new, 0 seen again, 0 fixed" out2 &&
	posture ingest --app shop --component repo:github.com/acme/shop s3.sarif >out3 &&
	grep -q "0 fixed" out3 &&
	test $(posture findings --app shop --format jsonl | wc -l) = 3
'

test_expect_success 'a backfilled older scan neither fixes nor reopens, and what only it saw is fixed by the next scan' '
	setup_history &&
	POSTURE_NOW=2026-01-20T10:00:00Z posture ingest --app shop s3.sarif >/dev/null &&
	posture ingest --app shop --at 2026-01-10T00:00:00Z s1.sarif >out &&
	grep -q "3 evidence -> 1 new, 1 seen again, 0 fixed, 0 reopened, 1 duplicates merged" out &&
	posture findings --status all --format jsonl >f &&
	jq -s -e "map(select(.rule_id == \"xss\")) | length > 0 and all(.status == \"open\" and .first_seen == \"2026-01-10T00:00:00Z\")" f &&
	jq -s -e "map(select(.rule_id == \"sqli\")) | length > 0 and all(.status == \"fixed\" and .fixed_at == \"2026-01-20T10:00:00Z\")" f
'

test_expect_success 'suppressed results become false positives with the justification' '
	cat >sup.sarif <<-\EOT &&
	{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Lint"}},"results":[
	 {"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.c"},"region":{"startLine":1}}}],
	  "suppressions":[{"kind":"inSource","justification":"test fixture"}]}]}]}
	EOT
	posture ingest --app shop sup.sarif >/dev/null &&
	test $(posture findings --format jsonl | wc -l) = 0 &&
	posture findings --status false_positive --format jsonl >f &&
	jq -e ".status == \"false_positive\"" f &&
	posture show --format json 1 | jq -e ".events[0].reason == \"test fixture\" and .events[0].actor == \"Lint\""
'

test_expect_success 'a run with no results still fixes what its tool reported before' '
	setup_history &&
	posture ingest --app shop s1.sarif >/dev/null &&
	printf "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"Lint\"}},\"results\":[]}]}" >empty.sarif &&
	posture ingest --app shop empty.sarif >out &&
	grep -q "0 evidence -> 0 new, 0 seen again, 2 fixed" out
'

test_expect_success 'ingest --format json summarises for machines' '
	setup_history &&
	posture ingest --app shop --format json s1.sarif >out &&
	jq -e ".file == \"s1.sarif\" and .new == 2 and .merged == 1 and .evidence == 3 and .scan == 1" out
'

test_done
