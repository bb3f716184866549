#!/bin/sh
# Real reports written by real scanners (../shared/corpus, see its README):
# exact counts and a few fields that must come out right.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$CORPUS" ]; then
	test_skip "no corpus at $CORPUS"
	test_done
fi

# count FILE N: posture parse prints N evidence records
count() {
	posture parse "$CORPUS/$1" >out.jsonl &&
	test "$(wc -l <out.jsonl)" = "$2"
}

test_expect_success 'flawfinder SARIF: 128 and 328 results, CWE from relationships' '
	count flawfinder-hiredis.sarif 128 &&
	jq -s -e "map(select(.severity == \"high\")) | length == 5" out.jsonl &&
	jq -s -e "map(select(.rule_id == \"FF1019\"))[0].cwe == [134]" out.jsonl &&
	jq -s -e "all(.tool == \"Flawfinder\" and .tool_version == \"2.0.19\" and .kind == \"sast\")" out.jsonl &&
	jq -s -e "all(.location.path | startswith(\"deps/hiredis/\"))" out.jsonl &&
	count flawfinder-libmagic.sarif 328 &&
	jq -s -e "[.[].severity] | group_by(.) | map([.[0], length]) == [[\"high\", 23], [\"low\", 290], [\"medium\", 15]]" out.jsonl
'

test_expect_success 'eslint SARIF: absolute file URIs become checkout-relative paths' '
	count eslint-express-deps.sarif 421 &&
	jq -s -e "map(select(.severity == \"high\")) | length == 3" out.jsonl &&
	jq -s -e "all(.location.path | startswith(\"node_modules/\"))" out.jsonl &&
	jq -s -e "map(select(.rule_id == \"node/no-deprecated-api\")) | length == 3" out.jsonl &&
	count eslint-templating.sarif 255 &&
	jq -s -e "all(.severity == \"medium\")" out.jsonl
'

test_expect_success 'corpus SARIF ingests, and a re-ingest changes nothing but last_seen' '
	posture ingest --app hiredis "$CORPUS/flawfinder-hiredis.sarif" >first &&
	grep -q "128 evidence -> " first &&
	posture findings --status all --format jsonl | jq -c "del(.last_seen)" >before &&
	POSTURE_NOW=2026-01-16T00:00:00Z posture ingest --app hiredis "$CORPUS/flawfinder-hiredis.sarif" >second &&
	grep -q -- "-> 0 new, .* 0 fixed, 0 reopened" second &&
	posture findings --status all --format jsonl | jq -c "del(.last_seen)" >after &&
	test_cmp before after
'

test_done
