#!/bin/sh
# Correlation across scans: the order of the reports does not matter, a
# re-scan refreshes each tool's own evidence row, and a finding is fixed
# only when no tool reports it any more. Lineage bounds it: the same
# vulnerability on a component outside the lineage stays its own finding.
. "$(dirname "$0")/lib.sh"

C=$FIXTURES/correlate
REPO=repo:github.com/acme/shop
IMAGE=image:registry.acme.io/shop/api

# tools, evidence count, status per finding, sorted (ids, kinds and titles come
# from the report that opened a finding, so they depend on the order)
shape() {
	posture findings --status "${1:-all}" --format json |
	jq -r '.[] | [(.tools | join(",")), .evidence_count, .status] | @tsv' | sort
}

test_expect_success 'image scanners first, then the code: the same 12 findings' '
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --component $REPO "$C/npm-audit.json" "$C/osv-scanner.json" >/dev/null &&
	posture ingest --component $IMAGE "$C/trivy-image.json" "$C/grype-image.json" >/dev/null &&
	posture ingest --component $REPO "$C/semgrep.json" "$C/codeql.sarif" "$C/gitleaks.json" >/dev/null &&
	shape >expected &&
	rm -f "$POSTURE_DB" &&
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --component $IMAGE "$C/grype-image.json" "$C/trivy-image.json" >/dev/null &&
	posture ingest --component $REPO "$C/gitleaks.json" "$C/codeql.sarif" "$C/semgrep.json" >/dev/null &&
	posture ingest --component $REPO "$C/osv-scanner.json" "$C/npm-audit.json" >/dev/null &&
	shape >actual &&
	test_cmp expected actual &&
	test $(wc -l <actual) -eq 10
'

test_expect_success 'a re-scan of every tool changes nothing but the dates' '
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --component $REPO "$C/npm-audit.json" "$C/osv-scanner.json" >/dev/null &&
	posture ingest --component $IMAGE "$C/trivy-image.json" "$C/grype-image.json" >/dev/null &&
	shape >expected &&
	POSTURE_NOW=2026-01-16T10:00:00Z posture ingest --component $IMAGE "$C/trivy-image.json" "$C/grype-image.json" >out &&
	POSTURE_NOW=2026-01-16T10:00:00Z posture ingest --component $REPO "$C/osv-scanner.json" "$C/npm-audit.json" >>out &&
	grep -c "0 new, [34] seen again, 0 fixed" out >count &&
	echo 4 >expected_count &&
	test_cmp expected_count count &&
	shape >actual &&
	test_cmp expected actual
'

test_expect_success 'fixed only when the last tool stops reporting it' '
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --component $IMAGE "$C/trivy-image.json" "$C/grype-image.json" >/dev/null &&
	jq "del(.Results[0].Vulnerabilities[0])" "$C/trivy-image.json" >trivy-2.json &&
	jq "del(.matches[0])" "$C/grype-image.json" >grype-2.json &&
	POSTURE_NOW=2026-01-16T10:00:00Z posture ingest --component $IMAGE trivy-2.json >out &&
	grep -q "0 fixed" out &&
	posture trace CVE-2023-5678 | grep "^    Trivy\|^finding" | cut -c1-60 >actual &&
	cat >expected <<-\EOF &&
	finding 1  shop  container  medium  open  openssl: Generatin
	    Trivy              1     1  image:registry.acme.io/shop/
	EOF
	test_cmp expected actual &&
	posture trace CVE-2023-5678 | grep -c " gone " >gone &&
	echo 1 >expected &&
	test_cmp expected gone &&
	POSTURE_NOW=2026-01-17T10:00:00Z posture ingest --component $IMAGE grype-2.json >out &&
	grep -q "1 fixed" out &&
	posture findings --status fixed --format json | jq -r ".[] | .vuln_ids[0]" >actual &&
	echo CVE-2023-5678 >expected &&
	test_cmp expected actual &&
	posture groups >groups &&
	! grep -q "base image" groups &&
	grep -q "^(2 groups)$" groups
'

test_expect_success 'outside the lineage, or in another app, the same vulnerability is another finding' '
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --component $REPO "$C/osv-scanner.json" >/dev/null &&
	sed "s|registry.acme.io/shop/api|registry.acme.io/other/worker|g" "$C/trivy-image.json" >other.json &&
	posture ingest --app shop --component image:registry.acme.io/other/worker other.json >/dev/null &&
	posture trace CVE-2021-23337 | tail -n 1 >actual &&
	echo "2 evidence from 2 tools in 2 scans on 2 components -> 2 findings" >expected &&
	test_cmp expected actual &&
	sed "s|registry.acme.io/shop/api|registry.example.com/elsewhere/api|g" "$C/grype-image.json" >elsewhere.json &&
	posture ingest --app elsewhere elsewhere.json >/dev/null &&
	posture trace CVE-2021-23337 | grep "^finding" | cut -d" " -f1-4 >actual &&
	cat >expected <<-\EOF &&
	finding 1  shop
	finding 7  shop
	finding 11  elsewhere
	EOF
	test_cmp expected actual
'

test_expect_success 'aliases learnt from one report join later reports that name only one id' '
	jq "del(.Results[0]) | .ArtifactType = \"filesystem\" | .ArtifactName = \".\" | del(.Metadata)" \
		"$C/trivy-image.json" >trivy-fs.json &&
	posture ingest --app solo --component repo:github.com/acme/solo "$C/npm-audit.json" >/dev/null &&
	posture ingest --app solo --component repo:github.com/acme/solo trivy-fs.json >out &&
	grep -q "1 new, 0 seen again" out &&
	posture ingest --app solo --component repo:github.com/acme/solo "$C/osv-scanner.json" >/dev/null &&
	posture ingest --app solo2 --component repo:github.com/acme/solo2 "$C/npm-audit.json" >/dev/null &&
	posture ingest --app solo2 --component repo:github.com/acme/solo2 trivy-fs.json >out &&
	grep -q "0 new, 1 seen again.*1 joined" out
'

test_expect_success 'SAST results of one tool at the same place stay apart; other lines do not join' '
	posture ingest --app code --component repo:github.com/acme/code "$C/semgrep.json" >/dev/null &&
	jq ".runs[0].results[0].locations[0].physicalLocation.region.startLine = 50 | .runs[0].results[0].locations[0].physicalLocation.region.endLine = 51" "$C/codeql.sarif" >far.sarif &&
	posture ingest --app code --component repo:github.com/acme/code far.sarif >out &&
	grep -q "2 new" out &&
	jq ".results[0].start.line = 43 | .results[0].end.line = 43 | .results[0].check_id = \"other-rule\"" "$C/semgrep.json" >same-tool.json &&
	posture ingest --app code --component repo:github.com/acme/code same-tool.json >out &&
	grep -q "^same-tool.json: 2 evidence -> 1 new" out
'

test_done
