#!/bin/sh
# posture gate's outputs on the same run (two reports, no database): the
# terminal summary, JSON, the Markdown PR comment, SARIF and JUnit, each
# byte for byte; SARIF validated against the official SARIF 2.1.0 schema,
# JUnit's structure checked by an XML parser; a long Markdown comment is
# capped with "and N more"; --output writes a file.
. "$(dirname "$0")/lib.sh"

GOLD=$FIXTURES/gate
SCHEMA=$ROOT/tests/schemas/sarif-schema-2.1.0.json

# python3 with jsonschema (python3-jsonschema, installed by scripts/setup.sh)
PY=python3
python3 -c "import jsonschema" 2>/dev/null || PY=/usr/bin/python3

run_gate() {
	cp "$FIXTURES/trivy/fs-repo.json" "$FIXTURES/semgrep/oss.json" . &&
	test_expect_code 1 posture gate --no-db --app web --report fs-repo.json --report oss.json "$@" 2>err
}

for fmt in text:txt json:json markdown:md sarif:sarif junit:junit.xml; do
	test_expect_success "--format ${fmt%%:*}: the golden file, exit 1 (blocked)" "
		run_gate --format ${fmt%%:*} >out &&
		test_cmp \"\$GOLD/reports.${fmt#*:}\" out
	"
done

test_expect_success 'text is the default format' '
	run_gate >out &&
	test_cmp "$GOLD/reports.txt" out
'

test_expect_success 'sarif: valid against the official SARIF 2.1.0 schema' '
	run_gate --format sarif >out.sarif &&
	$PY - "$SCHEMA" out.sarif >check <<-\EOT &&
	import json, sys, jsonschema
	schema = json.load(open(sys.argv[1]))
	log = json.load(open(sys.argv[2]))
	jsonschema.Draft4Validator.check_schema(schema)
	jsonschema.Draft4Validator(schema).validate(log)
	run = log["runs"][0]
	rules = run["tool"]["driver"]["rules"]
	ids = [r["id"] for r in rules]
	assert len(ids) == len(set(ids)), "duplicate rule ids"
	for res in run["results"]:
	    assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
	    assert len(res["partialFingerprints"]["postureFingerprint/v1"]) == 32
	    float(res["properties"]["security-severity"])
	    assert res["level"] in ("error", "warning", "note")
	for r in rules:
	    assert r["help"]["text"]
	    assert 0 < float(r["properties"]["security-severity"]) <= 10
	print(len(run["results"]), sum(r["level"] == "error" for r in run["results"]))
	EOT
	echo "12 2" >expected &&
	test_cmp expected check
'

test_expect_success 'sarif: a log that breaks the schema is caught (the check can fail)' '
	run_gate --format sarif >out.sarif &&
	sed "s/\"level\": \"error\"/\"level\": \"fatal\"/" out.sarif >bad.sarif &&
	! $PY -c "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))" \
		"$SCHEMA" bad.sarif 2>/dev/null
'

test_expect_success 'junit: well-formed, counts agree with the testcases' '
	run_gate --format junit >out.xml &&
	$PY - out.xml >check <<-\EOT &&
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	assert root.tag == "testsuites"
	suite = root.find("testsuite")
	cases = suite.findall("testcase")
	failures = [c for c in cases if c.find("failure") is not None]
	skipped = [c for c in cases if c.find("skipped") is not None]
	assert int(suite.get("tests")) == len(cases) == int(root.get("tests"))
	assert int(suite.get("failures")) == len(failures) == int(root.get("failures"))
	assert int(suite.get("skipped")) == len(skipped)
	for c in cases:
	    assert c.get("classname").startswith("posture.gate.") and c.get("name")
	print(len(cases), len(failures), len(skipped))
	EOT
	echo "12 2 2" >expected &&
	test_cmp expected check
'

test_expect_success '--output FILE: the same bytes in the file, nothing on stdout' '
	run_gate --format markdown --output comment.md >out &&
	test_cmp "$GOLD/reports.md" comment.md &&
	! test -s out
'

test_expect_success '--markdown/--sarif/--junit/--json FILE: more outputs of the same run' '
	run_gate --sarif g.sarif --junit g.xml --markdown g.md --json g.json >out &&
	test_cmp "$GOLD/reports.txt" out &&
	test_cmp "$GOLD/reports.sarif" g.sarif &&
	test_cmp "$GOLD/reports.junit.xml" g.xml &&
	test_cmp "$GOLD/reports.md" g.md &&
	test_cmp "$GOLD/reports.json" g.json
'

test_expect_success 'markdown: 25 blocking findings show 20 and "and 5 more"' '
	{
		printf "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"demo\",\"rules\":[]}},\"results\":["
		i=1
		while [ $i -le 25 ]; do
			[ $i -gt 1 ] && printf ","
			printf "{\"ruleId\":\"R%d\",\"level\":\"error\",\"message\":{\"text\":\"problem %d\"},\"properties\":{\"security-severity\":\"9.8\"}," $i $i
			printf "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"src/f%d.c\"},\"region\":{\"startLine\":%d}}}]}" $i $i
			i=$((i + 1))
		done
		printf "]}]}\n"
	} >many.sarif &&
	test_expect_code 1 posture gate --no-db --app demo --report many.sarif --format markdown >out &&
	grep -c "^- \*\*" out >n &&
	echo 20 >expected &&
	test_cmp expected n &&
	grep -q "^- … and 5 more$" out &&
	grep -q "^#### Blocking (25)$" out
'

test_expect_success 'database mode with feeds: text and markdown golden files (finding ids, feed versions)' '
	cp "$FIXTURES/snyk/all-projects.json" "$FIXTURES/epss/epss_scores-2025-03-16.csv" \
		"$FIXTURES/kev/known_exploited_vulnerabilities.json" . &&
	posture ingest --app billing all-projects.json >/dev/null &&
	posture feeds import epss epss_scores-2025-03-16.csv >/dev/null &&
	posture feeds import kev known_exploited_vulnerabilities.json >/dev/null &&
	sqlite3 posture.db "UPDATE apps SET exposure = '"'"'internet'"'"', data_sensitivity = '"'"'pii,pci'"'"', criticality = '"'"'high'"'"'" &&
	test_expect_code 1 posture gate --app billing >out &&
	test_cmp "$GOLD/database.txt" out &&
	test_expect_code 1 posture gate --app billing --format markdown >out &&
	test_cmp "$GOLD/database.md" out &&
	test_expect_code 1 posture gate --app billing --format sarif >out.sarif &&
	$PY -c "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))" \
		"$SCHEMA" out.sarif &&
	jq -r ".runs[0].results[] | [.ruleId, .level, .properties[\"security-severity\"], .properties[\"posture-cve\"]] | @tsv" out.sarif >got &&
	printf "SNYK-JAVA-ORGAPACHELOGGINGLOG4J-2314720\terror\t10.0\tCVE-2021-44228\n" >expected &&
	head -n 1 got >first &&
	test_cmp expected first
'

test_done
