#!/bin/sh
# The sequence docs/ci.md runs, on fixture reports: main gates (history only)
# and ingests; a pull request gates the same kinds of reports against main's
# state (the first gate, before any database, runs on the reports alone and
# records nothing) and writes SARIF (schema-valid), Markdown and JUnit in one run; the
# secrets the change adds (a token and a private key) block, main's debt (another
# secret) only warns.
. "$(dirname "$0")/lib.sh"

PY=python3
python3 -c "import jsonschema" 2>/dev/null || PY=/usr/bin/python3

test_expect_success 'main ingests; the pull request that adds a leak is blocked, with all outputs' '
	cp "$FIXTURES/semgrep/oss.json" semgrep.json &&
	cp "$FIXTURES/trivy/image-alpine.json" trivy.json &&
	cp "$FIXTURES/gitleaks/no-leaks.json" gitleaks.json &&
	mkdir .posture && export POSTURE_DB=$TRASH/.posture/posture.db &&
	posture gate --app checkout --report semgrep.json --report trivy.json --report gitleaks.json >main.txt 2>/dev/null ||
		test $? = 1 &&
	posture ingest --app checkout --component repo:github.com/acme/checkout --commit c0ffee --branch main \
		semgrep.json trivy.json gitleaks.json >/dev/null 2>&1 &&
	cp "$FIXTURES/trivy/fs-repo.json" trivy-fs.json &&
	test_expect_code 1 posture gate --app checkout \
		--report semgrep.json --report trivy.json --report gitleaks.json --report trivy-fs.json \
		--sarif posture.sarif --markdown posture.md --junit posture.xml >pr.txt 2>/dev/null &&
	grep -q "^gate BLOCKED: app checkout" pr.txt &&
	grep -q "^baseline: the stored findings of checkout$" pr.txt &&
	sed -n "/^blocking/,/^warnings/p" pr.txt | grep "^  high" >blocked &&
	cat >expected <<-\EOT &&
	  high       48  GitHub Personal Access Token  src/settings.py:41
	  high       45  Asymmetric Private Key  src/settings.py:57
	EOT
	test_cmp expected blocked &&
	grep -A1 "AWS Access Key ID" pr.txt | sed -n 2p | cut -d";" -f1 >debt &&
	echo "            in the baseline: only new findings block" >expected &&
	test_cmp expected debt &&
	grep -q "^### ❌ posture gate BLOCKED: checkout" posture.md &&
	$PY -c "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))" \
		"$ROOT/tests/schemas/sarif-schema-2.1.0.json" posture.sarif &&
	$PY -c "import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); assert int(r.get(\"failures\")) == 2" posture.xml &&
	posture gate --history --app checkout >hist &&
	grep -q "^gate runs of checkout: 1, blocked 1" hist &&
	grep -q "^baseline: none (every finding counts as new)$" main.txt
'

test_done
