#!/bin/sh
# The dynamic-scan parsers on real scanner output from the shared corpus
# ($CORPUS, see its README): exact counts of what they keep and skip.
. "$(dirname "$0")/lib.sh"

if [ ! -f "$CORPUS/testssl-localhost-8443.json" ]; then
	test_skip 'testssl corpus files (no corpus)'
	test_done
fi

# 154 findings: 32 OK (skipped), 2 WARN (warnings), 120 kept
test_expect_success 'testssl pretty JSON: 120 evidence, 2 warnings' '
	posture parse "$CORPUS/testssl-localhost-8443.json" >out 2>err &&
	test $(wc -l <out) -eq 120 &&
	test $(grep -c "could not check everything" err) -eq 2 &&
	test $(grep -c "\"severity\":\"critical\"" out) -eq 1 &&
	test $(grep -c "\"severity\":\"high\"" out) -eq 4 &&
	test $(grep -c "\"severity\":\"medium\"" out) -eq 2 &&
	test $(grep -c "\"severity\":\"low\"" out) -eq 7 &&
	test $(grep -c "\"tool_version\":\"3.0.8\"" out) -eq 120
'

# 155 rows: the same findings plus the "service" row (skipped)
test_expect_success 'testssl CSV: the same 120 findings as the JSON' '
	posture parse "$CORPUS/testssl-localhost-8443.csv" >csv 2>/dev/null &&
	posture parse "$CORPUS/testssl-localhost-8443.json" >json 2>/dev/null &&
	sed "s/\"tool_version\":[^,]*,\"format\":\"[a-z-]*\"//; s/\"fingerprint\":.*//" csv >a &&
	sed "s/\"tool_version\":[^,]*,\"format\":\"[a-z-]*\"//; s/\"fingerprint\":.*//" json >b &&
	test_cmp a b
'

test_expect_success 'testssl corpus files are detected' '
	printf "testssl\ntestssl-csv\n" >expected &&
	posture parse --detect "$CORPUS/testssl-localhost-8443.json" >actual &&
	posture parse --detect "$CORPUS/testssl-localhost-8443.csv" >>actual &&
	test_cmp expected actual
'

test_done
