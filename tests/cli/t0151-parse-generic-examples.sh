#!/bin/sh
# The conversion examples of docs/formats/generic.md, run on the corpus.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1 || [ ! -f "$CORPUS/bandit-cpython3.11-stdlib.json" ]; then
	test_skip 'bandit-to-generic.py (no python3 or no corpus)'
else
	test_expect_success 'bandit-to-generic.py: 163 Bandit results become 163 evidence' '
		python3 "$ROOT/docs/formats/examples/bandit-to-generic.py" \
			"$CORPUS/bandit-cpython3.11-stdlib.json" >g.json &&
		echo generic >expected &&
		posture parse --detect g.json >actual &&
		test_cmp expected actual &&
		posture parse g.json >out &&
		test $(wc -l <out) -eq 163 &&
		test $(grep -c "\"severity\":\"high\"" out) -eq 8
	'
fi

if ! command -v jq >/dev/null 2>&1 || [ ! -f "$CORPUS/shellcheck-debian-scripts.json" ]; then
	test_skip 'jq example (no jq or no corpus)'
else
	test_expect_success 'jq example: 346 ShellCheck comments become 346 evidence' '
		jq -r "([\"tool\",\"kind\",\"rule_id\",\"title\",\"severity\",\"severity_raw\",\"path\",\"start_line\",\"end_line\",\"references\"] | @csv),
		  (.[] | [\"shellcheck\", \"sast\", \"SC\(.code)\", .message,
		          ({\"error\":\"high\",\"warning\":\"medium\",\"info\":\"low\",\"style\":\"info\"}[.level]), .level,
		          .file, .line, .endLine, \"https://www.shellcheck.net/wiki/SC\(.code)\"] | @csv)" \
		  "$CORPUS/shellcheck-debian-scripts.json" >sc.csv &&
		echo generic-csv >expected &&
		posture parse --detect sc.csv >actual &&
		test_cmp expected actual &&
		posture parse sc.csv >out &&
		test $(wc -l <out) -eq 346
	'
fi

test_done
