#!/bin/sh
# One app scanned by every kind of tool (tests/fixtures/correlate): npm
# audit and osv-scanner on its repo, Trivy and Grype on its image, Semgrep
# and CodeQL on its code, Gitleaks finding one token in two commits, ZAP
# on its URL. Each real problem becomes one finding carrying every tool's
# evidence; DAST validates the code it tested; one change is one group.
. "$(dirname "$0")/lib.sh"

C=$FIXTURES/correlate
REPO=repo:github.com/acme/shop
IMAGE=image:registry.acme.io/shop/api

ingest_all() {
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --component $REPO "$C/npm-audit.json" "$C/osv-scanner.json" &&
	posture ingest --component $IMAGE "$C/trivy-image.json" "$C/grype-image.json" &&
	posture ingest --component $REPO "$C/semgrep.json" "$C/codeql.sarif" "$C/gitleaks.json" &&
	posture ingest --component url:https://shop.acme.io "$C/zap.json"
}

# id, kind, tools, evidence count, group, location
collapsed() {
	posture findings --status all --format json |
	jq -r '.[] | [.id, .kind, (.tools | join(",")), .evidence_count, (.group // "-"), .path] | @tsv' | sort -n
}

cat >"$TRASH_ROOT/expected_findings" <<'EOF'
1	sca	Trivy,grype,npm audit,osv-scanner	4	1	pkg:npm/lodash
2	sca	npm audit,osv-scanner	2	1	pkg:npm/lodash
3	sca	npm audit,osv-scanner	2	2	pkg:npm/minimist
4	container	Trivy,grype	2	5	pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&distro=debian-12.1
5	container	Trivy,grype	2	-	pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12.1
6	container	Trivy,grype	2	4	pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u3?arch=amd64&distro=debian-12.1
7	sast	CodeQL,semgrep	2	-	src/db/products.js
8	sast	semgrep	1	-	src/routes/files.js
9	sast	CodeQL	1	-	src/views/search.js
10	secret	gitleaks	2	6	config/dev.env
11	dast	ZAP	1	-	https://shop.acme.io/products?id=5%27
12	dast	ZAP	1	-	https://shop.acme.io/
EOF

test_expect_success 'ingest says what joined findings of other tools, with the dedupe ratio' '
	ingest_all >out &&
	sed "s|$C/||" out >actual &&
	cat >expected <<-EOF &&
	npm-audit.json: 3 evidence -> 3 new, 0 seen again, 0 fixed, 0 reopened, 0 duplicates merged; dedupe 1.00 (3 evidence in 3 findings) (scan 1, app '"'"'shop'"'"')
	osv-scanner.json: 3 evidence -> 0 new, 3 seen again, 0 fixed, 0 reopened, 0 duplicates merged, 3 joined other tools'"'"' findings; dedupe 1.00 (3 evidence in 3 findings) (scan 2, app '"'"'shop'"'"')
	trivy-image.json: 4 evidence -> 3 new, 1 seen again, 0 fixed, 0 reopened, 0 duplicates merged, 1 joined other tools'"'"' findings; dedupe 1.00 (4 evidence in 4 findings) (scan 3, app '"'"'shop'"'"')
	grype-image.json: 4 evidence -> 0 new, 4 seen again, 0 fixed, 0 reopened, 0 duplicates merged, 4 joined other tools'"'"' findings; dedupe 1.00 (4 evidence in 4 findings) (scan 4, app '"'"'shop'"'"')
	semgrep.json: 2 evidence -> 2 new, 0 seen again, 0 fixed, 0 reopened, 0 duplicates merged; dedupe 1.00 (2 evidence in 2 findings) (scan 5, app '"'"'shop'"'"')
	codeql.sarif: 2 evidence -> 1 new, 1 seen again, 0 fixed, 0 reopened, 0 duplicates merged, 1 joined other tools'"'"' findings; dedupe 1.00 (2 evidence in 2 findings) (scan 6, app '"'"'shop'"'"')
	gitleaks.json: 2 evidence -> 1 new, 0 seen again, 0 fixed, 0 reopened, 1 duplicates merged, 1 joined other tools'"'"' findings; dedupe 2.00 (2 evidence in 1 findings) (scan 7, app '"'"'shop'"'"')
	zap.json: 2 evidence -> 2 new, 0 seen again, 0 fixed, 0 reopened, 0 duplicates merged; dedupe 1.00 (2 evidence in 2 findings) (scan 8, app '"'"'shop'"'"')
	EOF
	test_cmp expected actual &&
	posture ingest --format json --component $REPO "$C/gitleaks.json" >json &&
	jq -e ".findings == 1 and .correlated == 1 and .dedupe_ratio == 2" json
'

test_expect_success '22 evidence from 8 tools collapse into 12 findings' '
	ingest_all >/dev/null &&
	collapsed >actual &&
	test_cmp "$TRASH_ROOT/expected_findings" actual &&
	sqlite3 "$POSTURE_DB" "SELECT count(*) FROM evidence" >count &&
	echo 22 >expected &&
	test_cmp expected count
'

test_expect_success 'each evidence keeps its own tool, severity and record' '
	ingest_all >/dev/null &&
	posture show --format json 1 >one &&
	jq -r ".evidence[] | [.tool, .severity, .record.format, (.record.vuln_ids | join(\",\")), (.record.location.version // \"-\")] | @tsv" one | sort >actual &&
	cat >expected <<-\EOF &&
	Trivy	high	trivy	CVE-2021-23337	4.17.15
	grype	high	grype	CVE-2021-23337,GHSA-35jh-r3h4-6jhm	4.17.15
	npm audit	high	npm-audit	GHSA-35jh-r3h4-6jhm	-
	osv-scanner	high	osv-scanner	CVE-2021-23337,GHSA-35jh-r3h4-6jhm	4.17.15
	EOF
	test_cmp expected actual
'

test_expect_success 'groups name the change and order by the risk it removes' '
	ingest_all >/dev/null &&
	posture groups >actual &&
	cat >expected <<-\EOF &&
	GROUP   RISK  FINDINGS  SEVERITY  APP           CHANGE
	    1    103         2  high      shop          upgrade lodash 4.17.15 -> 4.17.21 in repo github.com/acme/shop (fixes 2 findings in 1 repo, 1 image)
	    2     64         1  critical  shop          upgrade minimist 1.2.5 -> 1.2.6 in repo github.com/acme/shop (fixes 1 finding in 1 repo)
	    4     64         1  critical  shop          upgrade libcurl4 7.88.1-10+deb12u3 -> 7.88.1-10+deb12u4 in image registry.acme.io/shop/api (fixes 1 finding in 1 image)
	    6     45         1  info      shop          rotate this secret (github-pat in repo github.com/acme/shop, fixes 1 finding in 1 repo)
	    5     42         1  medium    shop          rebuild on a newer base image than docker.io/library/debian:12.1-slim (fixes 1 finding in 1 image)
	(5 groups)
	dedupe: 22 evidence in 12 findings (1.83)
	EOF
	test_cmp expected actual &&
	posture groups --app shop --format json >json &&
	jq -r ".[0] | [.kind, .subject, .from, .to, .location, .findings, (.finding_ids | map(tostring) | join(\",\"))] | @tsv" json >actual &&
	printf "upgrade\tlodash\t4.17.15\t4.17.21\trepo:github.com/acme/shop\t2\t2,1\n" >expected &&
	test_cmp expected actual &&
	posture groups --team shop-team | tail -n 2 | head -n 1 >actual &&
	echo "(5 groups)" >expected &&
	test_cmp expected actual &&
	posture groups --team nobody >actual &&
	grep -q "^(0 groups)$" actual
'

test_expect_success 'show names the group and the DAST finding that validated the code' '
	ingest_all >/dev/null &&
	posture show 7 >out &&
	grep "^  group\|validated by\|^  [0-9T:Z-]*  validated" out >actual &&
	cat >expected <<-\EOF &&
	  validated by finding 11 (ZAP, sql-injection): SQL Injection at https://shop.acme.io/products?id=5%27
	  2026-01-15T10:00:00Z  validated    (scan 8)  by ZAP: sql-injection confirmed by finding 11 (SQL Injection at https://shop.acme.io/products?id=5%27)
	EOF
	test_cmp expected actual &&
	posture show 11 | grep "validates" >actual &&
	echo "  validates finding 7 (semgrep, sql-injection): User input flows into a manually built SQL string; use parameterized queries. at src/db/products.js" >expected &&
	test_cmp expected actual &&
	posture show 1 | grep "^  group" >actual &&
	echo "  group      1: upgrade lodash 4.17.15 -> 4.17.21 in repo github.com/acme/shop (fixes 2 findings in 1 repo, 1 image)" >expected &&
	test_cmp expected actual &&
	posture show --format json 7 | jq -r ".related[] | [.relation, .finding, .family] | @tsv" >actual &&
	printf "validated_by\t11\tsql-injection\n" >expected &&
	test_cmp expected actual
'

test_expect_success 'validation is a risk factor with its reason; the path traversal and XSS are not validated' '
	ingest_all >/dev/null &&
	posture explain 7 | grep "^validated" >actual &&
	echo "validated          +10.0  confirmed by ZAP finding 11 (sql-injection)" >expected &&
	test_cmp expected actual &&
	sqlite3 "$POSTURE_DB" "SELECT id FROM findings WHERE validated_at IS NOT NULL" >actual &&
	echo 7 >expected &&
	test_cmp expected actual
'

test_expect_success 'trace follows one vulnerability through every tool and its aliases' '
	ingest_all >/dev/null &&
	posture trace CVE-2021-23337 >actual &&
	cat >expected <<-\EOF &&
	CVE-2021-23337 (also GHSA-35jh-r3h4-6jhm)
	finding 1  shop  sca  high  open  Command Injection in lodash  group 1
	    TOOL           FIRST  LAST  COMPONENT                             SEVERITY NOW      IDS  WHERE
	    npm audit          1     1  repo:github.com/acme/shop             high     present  ["GHSA-35jh-r3h4-6jhm"]  pkg:npm/lodash
	    osv-scanner        2     2  repo:github.com/acme/shop             high     present  ["CVE-2021-23337","GHSA-35jh-r3h4-6jhm"]  pkg:npm/lodash@4.17.15
	    Trivy              3     3  image:registry.acme.io/shop/api       high     present  ["CVE-2021-23337"]  pkg:npm/lodash@4.17.15
	    grype              4     4  image:registry.acme.io/shop/api       high     present  ["CVE-2021-23337","GHSA-35jh-r3h4-6jhm"]  pkg:npm/lodash@4.17.15
	4 evidence from 4 tools in 4 scans on 2 components -> 1 finding
	EOF
	test_cmp expected actual &&
	posture trace ghsa-35jh-r3h4-6jhm | tail -n 1 >actual &&
	echo "4 evidence from 4 tools in 4 scans on 2 components -> 1 finding" >expected &&
	test_cmp expected actual &&
	posture trace pkg:npm/lodash@4.17.20 | tail -n 1 >actual &&
	echo "6 evidence from 4 tools in 4 scans on 2 components -> 2 findings" >expected &&
	test_cmp expected actual &&
	posture trace --format json 10 >json &&
	jq -e ".findings_out == 1 and .evidence == 2 and .scans == 1 and ([.findings[0].evidence[].where] == [\"config/dev.env:3\", \"deploy/release.env:5\"])" json
'

test_done
