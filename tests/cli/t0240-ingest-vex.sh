#!/bin/sh
# OpenVEX statements are kept per app and applied to matching findings:
# those that exist when the statement arrives, and those that open later.
. "$(dirname "$0")/lib.sh"

scan() {
	cat >scan.json <<-\EOT
	{"schema": "posture-generic-1", "tool": {"name": "dep-scanner", "version": "1.0"},
	 "findings": [
	  {"kind": "sca", "rule_id": "CVE-2021-23337", "title": "Command injection in lodash",
	   "severity": "high", "vuln_ids": ["CVE-2021-23337", "GHSA-35jh-r3h4-6jhm"],
	   "location": {"path": "package-lock.json", "purl": "pkg:npm/lodash@4.17.15", "name": "lodash", "version": "4.17.15", "ecosystem": "npm"}},
	  {"kind": "sca", "rule_id": "CVE-2021-44906", "title": "Prototype pollution in minimist",
	   "severity": "critical", "vuln_ids": ["CVE-2021-44906"],
	   "location": {"path": "package-lock.json", "purl": "pkg:npm/minimist@1.2.0", "name": "minimist", "version": "1.2.0", "ecosystem": "npm"}},
	  {"kind": "sca", "rule_id": "CVE-2022-0001", "title": "Something in left-pad",
	   "severity": "low", "vuln_ids": ["CVE-2022-0001"],
	   "location": {"path": "package-lock.json", "purl": "pkg:npm/left-pad@1.0.0", "name": "left-pad", "version": "1.0.0", "ecosystem": "npm"}}
	 ]}
	EOT
}

vex() {
	cat >vex.json <<-\EOT
	{
	  "@context": "https://openvex.dev/ns/v0.2.0",
	  "@id": "https://example.com/vex/shop-2026-01",
	  "author": "Shop Security Team",
	  "timestamp": "2026-01-10T09:00:00Z",
	  "version": 1,
	  "statements": [
	    {"vulnerability": {"name": "CVE-2021-23337"},
	     "products": [{"@id": "pkg:npm/lodash@4.17.15"}],
	     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
	    {"vulnerability": {"name": "CVE-2021-44906"},
	     "products": [{"@id": "pkg:npm/minimist@1.2.0"}],
	     "status": "under_investigation"},
	    {"vulnerability": {"name": "CVE-2022-0001"},
	     "products": [{"@id": "pkg:npm/left-pad@1.0.0"}],
	     "status": "affected", "action_statement": "upgrade"},
	    {"vulnerability": {"name": "CVE-2021-23337"},
	     "products": [{"@id": "pkg:npm/other@1.0.0"}],
	     "status": "not_affected", "justification": "component_not_present"}
	  ]
	}
	EOT
}

statuses() {
	posture findings --status all --format jsonl | jq -r '[.rule_id, .status] | @tsv' | sort
}

test_expect_success 'statements apply to findings that exist' '
	scan && vex &&
	posture ingest --app shop scan.json >/dev/null &&
	posture ingest --app shop vex.json >out &&
	grep -q "4 VEX statements (2 findings changed)" out &&
	grep -q "4 evidence -> 0 new" out &&
	statuses >actual &&
	printf "CVE-2021-23337\tfalse_positive\nCVE-2021-44906\ttriaged\nCVE-2022-0001\topen\n" >expected &&
	test_cmp expected actual &&
	id=$(posture findings --status all --format jsonl | jq "select(.rule_id == \"CVE-2021-23337\") | .id") &&
	posture show --format json $id | jq -c ".events[-1] | [.type, .from, .to, .actor, .reason]" >ev &&
	echo "[\"status\",\"open\",\"false_positive\",\"Shop Security Team\",\"VEX not_affected: vulnerable_code_not_in_execute_path\"]" >expected &&
	test_cmp expected ev
'

test_expect_success 'statements ingested first apply when the finding opens' '
	scan && vex &&
	posture ingest --app shop vex.json >/dev/null &&
	posture ingest --app shop scan.json >out &&
	grep -q "3 evidence -> 3 new" out &&
	statuses >actual &&
	printf "CVE-2021-23337\tfalse_positive\nCVE-2021-44906\ttriaged\nCVE-2022-0001\topen\n" >expected &&
	test_cmp expected actual &&
	posture findings --status false_positive --format jsonl | jq -r .id >id &&
	posture show --format json $(cat id) | jq -e ".events[0].type == \"opened\" and .events[0].to == \"false_positive\" and .events[0].actor == \"Shop Security Team\""
'

test_expect_success 'statements are per app, and VEX documents open no findings' '
	scan && vex &&
	posture ingest --app shop vex.json >/dev/null &&
	posture ingest --app billing scan.json >/dev/null &&
	test $(posture findings --app billing --format jsonl | wc -l) = 3 &&
	test $(posture findings --app shop --status all --format jsonl | wc -l) = 0
'

test_done
