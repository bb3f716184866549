#!/bin/sh
# findings filters and formats; show; scans; help and version.
. "$(dirname "$0")/lib.sh"

load() {
	cp "$FIXTURES/sarif/codeql-extensions.sarif" "$FIXTURES/sarif/semgrep-two-runs-late-tool.sarif" . &&
	posture ingest --app web codeql-extensions.sarif >/dev/null 2>&1 &&
	posture ingest --app api semgrep-two-runs-late-tool.sarif >/dev/null
}

test_expect_success 'default: active findings, worst first' '
	load &&
	posture findings --format jsonl >f &&
	test $(wc -l <f) = 7 &&
	jq -r .severity f | uniq >sev &&
	printf "critical\nhigh\nmedium\nlow\n" >expected &&
	test_cmp expected sev
'

test_expect_success 'filters: app, severity, tool, kind, rule, path, status, since, limit' '
	load &&
	test $(posture findings --app web --format jsonl | wc -l) = 3 &&
	test $(posture findings --min-severity high --format jsonl | wc -l) = 5 &&
	test $(posture findings --severity medium,low --format jsonl | wc -l) = 2 &&
	test $(posture findings --tool "semgrep oss" --format jsonl | wc -l) = 3 &&
	test $(posture findings --kind sca --format jsonl | wc -l) = 1 &&
	test $(posture findings --rule js/reflected-xss --format jsonl | wc -l) = 1 &&
	test $(posture findings --path "shop/*" --format jsonl | wc -l) = 2 &&
	test $(posture findings --status all --format jsonl | wc -l) = 8 &&
	test $(posture findings --status false_positive --format jsonl | wc -l) = 1 &&
	test $(posture findings --since 2026-01-16 --format jsonl | wc -l) = 0 &&
	test $(posture findings --limit 2 --format jsonl | wc -l) = 2
'

test_expect_success 'bad filter values are usage errors' '
	load &&
	test_expect_code 2 posture findings --severity severe 2>err &&
	grep -q "'"'"'severe'"'"' is not a severity" err &&
	test_expect_code 2 posture findings --status done 2>err &&
	grep -q "'"'"'done'"'"' is not a status" err &&
	test_expect_code 2 posture findings --kind magic 2>err &&
	test_expect_code 2 posture findings --format xml 2>err &&
	test_expect_code 2 posture findings --limit many 2>err &&
	grep -q "expects a whole number" err
'

test_expect_success 'json, csv and table carry the finding record' '
	load &&
	posture findings --format json >all.json &&
	jq -e "length == 7 and (.[0] | has(\"id\", \"app\", \"component\", \"title\", \"kind\", \"rule_id\", \"severity\", \"status\", \"risk\", \"tier\", \"owner\", \"vuln_ids\", \"cwe\", \"tools\", \"evidence_count\", \"first_seen\", \"last_seen\", \"recurrence\", \"sla_due\", \"group\"))" all.json &&
	jq -e ".[0].risk == 48 and .[0].tier == \"high\" and .[0].severity == \"critical\"" all.json &&
	jq -e "map(select(.kind == \"sca\"))[0].vuln_ids == [\"CVE-2020-8203\", \"GHSA-p6mc-m468-83gw\"]" all.json &&
	posture findings --format csv >all.csv &&
	test $(wc -l <all.csv) = 8 &&
	head -n 1 all.csv | grep -q "^id,app,component,severity,status" &&
	python3 -c "import csv,sys; rows=list(csv.DictReader(open(\"all.csv\"))); assert len(rows)==7 and rows[0][\"severity\"]==\"critical\", rows[0]" &&
	posture findings >table &&
	head -n 1 table | grep -q "^    ID  RISK  TIER      SEVERITY  STATUS " &&
	sed -n 2p table | grep -q "^     7    48  high      critical  open " &&
	tail -n 1 table | grep -q "^(7 findings)$"
'

test_expect_success 'show: text and json with evidence and events' '
	load &&
	posture show 1 >show.txt &&
	grep -q "^finding 1: Database query built from user-controlled sources$" show.txt &&
	grep -q "at src/routes/orders.js:42" show.txt &&
	posture show --format json 1 >show.json &&
	jq -e ".evidence | length == 1" show.json &&
	jq -e ".evidence[0].record.tool_fingerprints.primaryLocationLineHash == \"8a3e0a2f1b7d4c5e:1\"" show.json &&
	jq -e ".events[0].type == \"opened\"" show.json
'

test_expect_success 'scans lists what was ingested' '
	load &&
	posture scans --format jsonl >s &&
	test $(wc -l <s) = 2 &&
	jq -s -e ".[1].tools == \"Semgrep OSS 1.95.0, Semgrep Secrets, Semgrep Supply Chain 1.95.0\"" s
'

test_expect_success 'help, version, per-command help' '
	posture --version | grep -q "^posture [0-9]" &&
	posture help >h &&
	grep -q "ingest" h &&
	posture ingest --help >ih &&
	grep -q "^usage: posture ingest" ih &&
	grep -q -- "--partial" ih &&
	posture help findings | grep -q -- "--min-severity" &&
	test ! -e posture.db
'

test_done
