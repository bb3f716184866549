#!/bin/sh
# One Semgrep scan written twice, as Semgrep JSON (--json) and as SARIF
# (--sarif): each problem must come out of both parsers at the same path,
# lines and rule, with the same severity, CWE, suppression and Semgrep's
# own match-based fingerprint.
#
# NEEDSWORK: posture's own fingerprints of the two still differ, because
# the recipe hashes the tool name and Semgrep calls itself "semgrep" in
# JSON but "Semgrep OSS" in SARIF. The code context is the same
# (matchBasedId/v1); only the tool name separates them.
. "$(dirname "$0")/lib.sh"

json="$FIXTURES/semgrep/same-scan.json"
sarif="$FIXTURES/sarif/semgrep-same-scan.sarif"

# rule path start end severity cwe suppressed, one line per evidence
where() {
	sed -n 's/.*"rule_id":"\([^"]*\)".*"severity":"\([a-z]*\)".*"cwe":\[\([0-9,]*\)\],"location":{"path":"\([^"]*\)","start_line":\([0-9]*\),"end_line":\([0-9]*\).*"suppressed":\([a-z]*\).*/\1 \4 \5 \6 \2 \3 \7/p'
}

match_ids() {
	sed -n 's/.*"matchBasedId\/v1":"\([^"]*\)".*/\1/p'
}

test_expect_success 'both files are read by their own format' '
	posture parse --detect "$json" >actual &&
	echo semgrep >expected &&
	test_cmp expected actual &&
	posture parse --detect "$sarif" >actual &&
	echo sarif >expected &&
	test_cmp expected actual
'

test_expect_success 'same path, lines, rule, severity, CWE and suppression' '
	posture parse "$json" | where >from-json &&
	posture parse "$sarif" | where >from-sarif &&
	test $(wc -l <from-json) -eq 3 &&
	test_cmp from-json from-sarif
'

test_expect_success 'same Semgrep match-based fingerprints' '
	posture parse "$json" | match_ids >from-json &&
	posture parse "$sarif" | match_ids >from-sarif &&
	test $(wc -l <from-json) -eq 3 &&
	test_cmp from-json from-sarif
'

test_done
