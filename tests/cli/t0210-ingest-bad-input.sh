#!/bin/sh
# Bad input: exit 2, one line naming the file and the place, nothing stored.
. "$(dirname "$0")/lib.sh"

good() {
	printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Lint"}},"results":[{"ruleId":"r","message":{"text":"m"}}]}]}\n' >good.sarif
}

# expect_fail 'stderr line' posture ...: exit 2, that exact stderr, no stdout
expect_fail() {
	echo "$1" >expected
	shift
	test_expect_code 2 "$@" >out 2>err &&
	test_cmp expected err &&
	test ! -s out
}

test_expect_success 'a truncated report stores nothing, and other files still go in' '
	good &&
	printf "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"Lint\"}},\"results\":[{\"ruleId\":\"r\",\"message\":{\"text\":\"m\"}},{\"ruleId\":\"s\"" >cut.sarif &&
	test_expect_code 2 posture ingest --app shop cut.sarif good.sarif >out 2>err &&
	echo "posture: error: cut.sarif: byte 124 (line 1, column 125): invalid JSON: parse error: premature EOF" >expected &&
	test_cmp expected err &&
	grep -q "^good.sarif: 1 evidence -> 1 new" out &&
	posture scans --format jsonl >scans &&
	test $(wc -l <scans) = 1 &&
	jq -e ".file == \"good.sarif\"" scans &&
	test $(posture findings --status all --format jsonl | wc -l) = 1
'

test_expect_success 'a missing file' '
	expect_fail "posture: error: cannot open '"'"'nope.sarif'"'"': No such file or directory" \
		posture ingest nope.sarif
'

test_expect_success 'a directory' '
	mkdir reports &&
	expect_fail "posture: error: '"'"'reports'"'"' is a directory, not a report" posture parse reports
'

test_expect_success 'an empty file' '
	: >empty.json &&
	expect_fail "posture: error: '"'"'empty.json'"'"' is empty" posture ingest empty.json
'

test_expect_success 'valid JSON of an unknown format' '
	echo "{\"hello\": [1, 2, 3]}" >other.json &&
	expect_fail "posture: error: other.json: JSON, but not a report format posture knows (see '"'"'posture parse --list'"'"'; --tool NAME forces one)" \
		posture ingest other.json
'

test_expect_success 'neither JSON nor XML' '
	echo "just some text" >notes.txt &&
	expect_fail "posture: error: notes.txt: not a report format posture knows (see '"'"'posture parse --list'"'"')" \
		posture parse notes.txt
'

test_expect_success 'an unknown --tool and a --tool that does not match the file' '
	good &&
	expect_fail "posture: error: '"'"'nosuch'"'"' is not a format posture knows (see '"'"'posture parse --list'"'"')" \
		posture parse --tool nosuch good.sarif &&
	echo "{\"hello\": 1}" >other.json &&
	test_expect_code 2 posture parse --tool sarif other.json >out 2>err &&
	cat >expected <<-\EOT &&
	posture: warning: other.json: does not look like a sarif report; reading it as one
	posture: error: other.json: no '"'"'runs'"'"' member: not a SARIF log
	EOT
	test_cmp expected err
'

test_expect_success 'a wrong type deep in a record names the record' '
	printf "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"L\"}},\"results\":[{},{\"locations\":{}}]}]}" >typ.sarif &&
	expect_fail "posture: error: typ.sarif: runs[0].results[1]: '"'"'locations'"'"' is an object, not an array" \
		posture ingest typ.sarif &&
	test $(posture findings --status all --format jsonl | wc -l) = 0
'

test_expect_success 'a string longer than the limit is refused with the place' '
	awk "BEGIN { printf \"{\\\"version\\\":\\\"2.1.0\\\",\\\"runs\\\":[{\\\"tool\\\":{\\\"driver\\\":{\\\"name\\\":\\\"L\\\"}},\\\"results\\\":[{\\\"ruleId\\\":\\\"\"; for (i = 0; i < 17 * 1048576; i++) printf \"a\"; printf \"\\\"}]}]}\" }" >long.sarif &&
	test_expect_code 2 posture parse long.sarif 2>err >/dev/null &&
	grep -q "^posture: error: long.sarif: runs\[0\].results\[0\]: string of 17825792 bytes exceeds the 16 MiB limit$" err
'

test_expect_success 'usage mistakes exit 2' '
	test_expect_code 2 posture ingest 2>err &&
	grep -q "no report given" err &&
	test_expect_code 2 posture ingest --bogus x 2>err &&
	grep -q "unknown option '"'"'--bogus'"'"'" err &&
	test_expect_code 2 posture frobnicate 2>err &&
	grep -q "'"'"'frobnicate'"'"' is not a posture command" err &&
	good &&
	test_expect_code 2 posture ingest --component nocolon good.sarif 2>err &&
	grep -q "is not KIND:ID" err &&
	test_expect_code 2 posture ingest --at yesterday good.sarif 2>err &&
	grep -q "'"'"'yesterday'"'"' is not an ISO-8601 time" err &&
	test_expect_code 2 env POSTURE_NOW=soon "$POSTURE_BIN" findings 2>err &&
	grep -q "POSTURE_NOW" err
'

test_expect_success 'reading commands need an existing database' '
	expect_fail "posture: error: no database at '"'"'missing.db'"'"' (run '"'"'posture init'"'"' or '"'"'posture ingest'"'"' first, or pass --db)" \
		posture --db missing.db findings &&
	echo "not a database at all, just text that is long enough to be a header" >junk.db &&
	test_expect_code 2 posture --db junk.db findings 2>err &&
	grep -q "is not a posture database" err
'

test_expect_success 'show of an unknown finding' '
	posture init --no-example >/dev/null &&
	expect_fail "posture: error: no finding with id 99" posture show 99 &&
	expect_fail "posture: error: show: '"'"'abc'"'"' is not a finding ID" posture show abc
'

test_done
