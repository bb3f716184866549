#!/bin/sh
# posture export cyclonedx: a CycloneDX 1.6 BOM (components from SCA and
# container evidence) with VEX analysis from posture's statuses; valid against
# the official schema (tests/schemas/), and readable again by posture parse.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/report/setup.sh"

validate() {
	python3 "$ROOT/scripts/validate-cyclonedx.py" "$ROOT/tests/schemas" "$@"
}

vex() {
	cat >vex.json <<-\EOF
	{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
	 "author": "Shop Security", "timestamp": "2026-01-12T09:00:00Z", "version": 1,
	 "statements": [
	  {"vulnerability": {"name": "CVE-2022-0001"}, "products": [{"@id": "pkg:npm/left-pad@1.0.0"}],
	   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
	EOF
}

test_expect_success 'the export of an app is valid CycloneDX 1.6 and as expected' '
	report_setup &&
	posture export cyclonedx --app shop --output bom.json &&
	validate bom.json &&
	test_cmp "$FIXTURES/report/shop.cdx.expected.json" bom.json
'

test_expect_success 'repos and images are the metadata; container packages are components' '
	report_setup &&
	posture export cyclonedx --app pay >pay.json &&
	validate pay.json &&
	jq -c "[.metadata.component.name, [.metadata.component.properties[] | .value],
		[.components[] | [.type, .purl, .version]], [.vulnerabilities[] | [.id, .analysis.state, .affects[0].ref]]]" \
		pay.json >actual &&
	echo "[\"pay\",[\"pay-team\",\"commerce\",\"critical\",\"internet\"],[[\"library\",\"pkg:apk/alpine/libcrypto3@3.1.3-r0\",\"3.1.3-r0\"]],[[\"CVE-2023-5363\",\"in_triage\",\"pkg:apk/alpine/libcrypto3@3.1.3-r0\"]]]" >expected &&
	test_cmp expected actual &&
	posture export cyclonedx --app shop | jq -c "[.metadata.component.components[] | [.type, .name]]" >actual &&
	echo "[[\"application\",\"github.com/acme/shop\"],[\"container\",\"registry.acme.io/shop/api\"]]" >expected &&
	test_cmp expected actual
'

test_expect_success 'VEX analysis follows statuses, decisions and their reasons' '
	report_setup && vex &&
	posture ingest --app shop vex.json >/dev/null &&
	sqlite3 "$POSTURE_DB" "
		UPDATE findings SET status = '\''risk_accepted'\'' WHERE rule_id = '\''CVE-2021-23337'\'';
		INSERT INTO events (finding_id, at, type, from_value, to_value, actor, reason)
		SELECT id, strftime('\''%s'\'', '\''2026-01-13T00:00:00Z'\''), '\''accepted'\'', '\''open'\'', '\''risk_accepted'\'',
		       '\''ana'\'', '\''template() is never called with user input; expires 2026-06-30'\''
		FROM findings WHERE rule_id = '\''CVE-2021-23337'\'';" &&
	posture export cyclonedx --app shop >bom.json &&
	validate bom.json &&
	jq -c ".vulnerabilities[] | [.id, .analysis.state, .analysis.justification, .analysis.response, .analysis.detail,
		(.properties[] | select(.name == \"posture:status\") | .value)]" bom.json >actual &&
	cat >expected <<-\EOF &&
	["CVE-2021-44906","resolved",null,null,null,"fixed"]
	["CVE-2021-23337","exploitable",null,["will_not_fix"],"template() is never called with user input; expires 2026-06-30","risk_accepted"]
	["CVE-2022-0001","not_affected","code_not_reachable",null,"VEX not_affected: vulnerable_code_not_in_execute_path","false_positive"]
	EOF
	test_cmp expected actual
'

test_expect_success 'every status maps to a valid state' '
	report_setup &&
	for st in open triaged in_progress fixed verified reopened risk_accepted false_positive wont_fix; do
		sqlite3 "$POSTURE_DB" "UPDATE findings SET status = '\''$st'\'' WHERE rule_id = '\''CVE-2023-5363'\''" &&
		posture export cyclonedx --app pay >"$st.json" &&
		validate "$st.json" &&
		jq -r ".vulnerabilities[0] | [\"$st\", .analysis.state, (.analysis.response // [] | join(\",\"))] | @tsv" "$st.json" ||
		return 1
	done >actual &&
	cat >expected <<-\EOF &&
	open	in_triage	
	triaged	exploitable	
	in_progress	exploitable	update
	fixed	resolved	
	verified	resolved	
	reopened	exploitable	
	risk_accepted	exploitable	will_not_fix
	false_positive	false_positive	
	wont_fix	exploitable	will_not_fix
	EOF
	test_cmp expected actual
'

test_expect_success 'the validator rejects what the schema forbids' '
	report_setup &&
	posture export cyclonedx --app shop >bom.json &&
	jq ".vulnerabilities[0].analysis.state = \"fixed\" | .components[0].type = \"package\"" bom.json >bad.json &&
	test_expect_code 1 validate bad.json >out &&
	grep -c "" out >count && echo 2 >expected && test_cmp expected count
'

test_expect_success 'the export reads back through posture parse --tool cyclonedx' '
	report_setup &&
	posture export cyclonedx --app shop >bom.json &&
	posture parse --tool cyclonedx bom.json >parsed.jsonl &&
	jq -c "[.rule_id, .vuln_ids, .location.purl, .location.version, .severity, .cvss.score, .cwe, .properties.vex_state, .suppressed]" \
		parsed.jsonl >actual &&
	cat >expected <<-\EOF &&
	["CVE-2021-44906",["CVE-2021-44906"],"pkg:npm/minimist@1.2.0","1.2.0","critical",9.8,[1321],"resolved",true]
	["CVE-2021-23337",["CVE-2021-23337","GHSA-35jh-r3h4-6jhm"],"pkg:npm/lodash@4.17.15","4.17.15","high",7.2,[77,94],"in_triage",false]
	["CVE-2022-0001",["CVE-2022-0001"],"pkg:npm/left-pad@1.0.0","1.0.0","low",null,[],"in_triage",false]
	EOF
	test_cmp expected actual
'

test_expect_success 'an app without packages gives a valid, empty BOM' '
	cat >sast.json <<-\EOF &&
	{"schema": "posture-generic-1", "tool": {"name": "t", "version": "1"},
	 "findings": [{"kind": "sast", "rule_id": "r1", "title": "x", "severity": "high",
	   "location": {"path": "a.py", "start_line": 1}}]}
	EOF
	posture ingest --app web sast.json >/dev/null &&
	posture export cyclonedx --app web >bom.json &&
	validate bom.json &&
	jq -c "[.components, .vulnerabilities, .metadata.component.name]" bom.json >actual &&
	echo "[[],[],\"web\"]" >expected &&
	test_cmp expected actual
'

test_expect_success 'usage errors' '
	report_setup &&
	test_expect_code 2 posture export cyclonedx 2>err &&
	echo "posture: error: export: --app is required" >expected && test_cmp expected err &&
	test_expect_code 2 posture export spdx --app shop 2>err &&
	echo "posture: error: export: '\''spdx'\'' is not an export format (cyclonedx)" >expected && test_cmp expected err &&
	test_expect_code 2 posture export 2>err &&
	echo "posture: error: export: say what to export: cyclonedx" >expected && test_cmp expected err &&
	test_expect_code 2 posture export cyclonedx --app nope 2>err &&
	echo "posture: error: no app called '\''nope'\''" >expected && test_cmp expected err
'

test_done
