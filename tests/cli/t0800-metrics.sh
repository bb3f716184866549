#!/bin/sh
# posture metrics: exact JSON for a small history; the same scans ingested in
# other orders (backfills with --at) give the same metrics; scopes; CSV;
# usage mistakes.
. "$(dirname "$0")/lib.sh"

EXPECTED=$FIXTURES/metrics

# mk_sarif TOOL RESULT...: a SARIF log; each RESULT is rule|path|line|snippet|level
mk_sarif() {
	tool=$1
	shift
	printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"%s","version":"1.0"}},"results":[' "$tool"
	sep=
	for r in "$@"; do
		IFS='|' read -r rule path line snippet level <<-EOT
		$r
		EOT
		printf '%s{"ruleId":"%s","level":"%s","message":{"text":"%s found"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"%s"},"region":{"startLine":%s,"snippet":{"text":"%s"}}}}]}' \
			"$sep" "$rule" "${level:-warning}" "$rule" "$path" "$line" "$snippet"
		sep=,
	done
	printf ']}]}\n'
}

# mk_trivy VULN...: a Trivy report; each VULN is id|package|version|severity|published
mk_trivy() {
	printf '{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[{"Target":"package-lock.json","Class":"lang-pkgs","Type":"npm","Vulnerabilities":['
	sep=
	for v in "$@"; do
		IFS='|' read -r id pkg ver sev pub <<-EOT
		$v
		EOT
		printf '%s{"VulnerabilityID":"%s","PkgName":"%s","PkgIdentifier":{"PURL":"pkg:npm/%s@%s"},"InstalledVersion":"%s","Severity":"%s","Title":"%s in %s","PublishedDate":"%s"}' \
			"$sep" "$id" "$pkg" "$pkg" "$ver" "$ver" "$sev" "$id" "$pkg" "$pub"
		sep=,
	done
	printf ']}]}\n'
}

setup() {
	posture inventory load "$EXPECTED/posture.yaml" >/dev/null &&
	mk_sarif Lint 'sqli|src/db.c|10|query(x)|error' 'xss|src/web.c|5|echo(y)' >s1.sarif &&
	mk_sarif Lint 'sqli|src/db.c|14|query(x)|error' 'path|src/fs.c|7|open(p)|note' >s2.sarif &&
	mk_sarif Lint 'path|src/fs.c|7|open(p)|note' 'cmd|src/run.c|3|system(c)|error' >s3.sarif &&
	mk_trivy 'CVE-2025-1111|lodash|4.17.15|HIGH|2025-12-20T00:00:00Z' \
		'CVE-2026-2222|minimist|1.2.0|CRITICAL|2026-01-01T12:00:00Z' >t1.json &&
	mk_trivy 'CVE-2025-1111|lodash|4.17.15|HIGH|2025-12-20T00:00:00Z' >t2.json
}

# ingest SCAN...: shop's SARIF scans and billing's Trivy scans, each at its time
ingest() {
	for f in "$@"; do
		case $f in
		s1) at=2026-01-02T10:00:00Z app=shop ;;
		s2) at=2026-01-05T12:00:00Z app=shop ;;
		s3) at=2026-01-09T10:00:00Z app=shop ;;
		t1) at=2026-01-03T08:00:00Z app=billing ;;
		t2) at=2026-01-08T08:00:00Z app=billing ;;
		esac
		case $f in
		s*) file=$f.sarif ;;
		*) file=$f.json ;;
		esac
		posture ingest --app $app --at $at $file >/dev/null || return 1
	done
}

metrics_json() {
	posture metrics --since 2026-01-01 --until 2026-01-10 --format json "$@"
}

test_expect_success 'metrics of a small history, exactly' '
	setup && ingest s1 t1 s2 t2 s3 &&
	metrics_json >actual &&
	test_cmp "$EXPECTED/history.json" actual
'

test_expect_success 'backfill: the same scans newest first give the same metrics' '
	setup && ingest s1 t1 s2 t2 s3 && metrics_json --by team >in-order &&
	rm posture.db && setup && ingest s3 t2 s2 t1 s1 && metrics_json --by team >newest-first &&
	test_cmp in-order newest-first &&
	jq -e ".mttr.all.count == 3 and .open.daily[1].all == 2" newest-first
'

test_expect_success 'backfill: an older scan ingested last gives the same metrics' '
	setup && ingest s1 t1 s2 t2 s3 && metrics_json --by app >in-order &&
	rm posture.db && setup && ingest s2 s3 t2 t1 s1 && metrics_json --by app >shuffled &&
	test_cmp in-order shuffled &&
	posture metrics --format csv >in-order.csv &&
	rm posture.db && setup && ingest t2 s3 s2 s1 t1 && posture metrics --format csv >other.csv &&
	test_cmp in-order.csv other.csv
'

test_expect_success 'a finding that comes back counts in the recurrence rate' '
	posture inventory load "$EXPECTED/posture.yaml" >/dev/null &&
	mk_sarif Lint "xss|src/web.c|5|echo(y)" "sqli|src/db.c|10|query(x)|error" >a.sarif &&
	mk_sarif Lint "sqli|src/db.c|10|query(x)|error" >b.sarif &&
	posture ingest --app shop --at 2026-01-02T00:00:00Z a.sarif >/dev/null &&
	posture ingest --app shop --at 2026-01-04T00:00:00Z b.sarif >/dev/null &&
	posture ingest --app shop --at 2026-01-06T00:00:00Z a.sarif >/dev/null &&
	posture ingest --app shop --at 2026-01-08T00:00:00Z b.sarif >/dev/null &&
	metrics_json >m &&
	jq -c "[.activity, .recurrence, .mttr.all, [.open.daily[] | .all]]" m >actual &&
	cat >expected <<-\EOF &&
	[{"opened":2,"fixed":2,"reopened":1},{"fixed":1,"came_back":1,"rate":1},{"count":2,"mean_days":2,"median_days":2},[0,2,2,1,1,2,2,1,1,1]]
	EOF
	test_cmp expected actual
'

# Five due dates moved by hand; billing's CVE-2025-1111 (open, medium) keeps
# the lifecycle's: first seen 01-03 + 90 days, within.
test_expect_success 'SLA compliance: fixed in time or late, open within or breached' '
	setup && ingest s1 t1 s2 t2 s3 &&
	test "$(sqlite3 "$POSTURE_DB" "SELECT sla_due - first_seen FROM findings WHERE rule_id = '"'"'CVE-2025-1111'"'"'")" = $((90 * 86400)) &&
	sqlite3 "$POSTURE_DB" "
		UPDATE findings SET sla_due = strftime('"'"'%s'"'"', '"'"'2026-01-08'"'"') WHERE rule_id = '"'"'sqli'"'"';
		UPDATE findings SET sla_due = strftime('"'"'%s'"'"', '"'"'2026-01-06'"'"') WHERE rule_id = '"'"'xss'"'"';
		UPDATE findings SET sla_due = strftime('"'"'%s'"'"', '"'"'2026-01-10'"'"') WHERE rule_id = '"'"'CVE-2026-2222'"'"';
		UPDATE findings SET sla_due = strftime('"'"'%s'"'"', '"'"'2026-01-20'"'"') WHERE rule_id = '"'"'path'"'"';
		UPDATE findings SET sla_due = strftime('"'"'%s'"'"', '"'"'2026-01-12'"'"') WHERE rule_id = '"'"'cmd'"'"';" &&
	metrics_json | jq -c .sla >actual &&
	metrics_json --app shop | jq -c .sla >>actual &&
	metrics_json --since 2026-01-06 | jq -c .sla >>actual &&
	cat >expected <<-\EOF &&
	{"fixed_in_time":2,"fixed_late":1,"open_within":2,"open_breached":1,"compliance":0.6667}
	{"fixed_in_time":1,"fixed_late":1,"open_within":1,"open_breached":1,"compliance":0.5}
	{"fixed_in_time":1,"fixed_late":1,"open_within":2,"open_breached":1,"compliance":0.6}
	EOF
	test_cmp expected actual
'

# The lifecycle's own clocks, medium = 3 days (due 01-05 10:00): xss is
# accepted on 01-03 with 2 days left, sqli on 01-06 a day overdue; both are
# fixed on 01-09 while accepted. The paused clock keeps sla_due as of the
# pause: xss was fixed in time, sqli late; cmd is open past its due date.
test_expect_success 'SLA compliance: a fix while a risk acceptance paused the clock' '
	posture inventory load "$EXPECTED/posture.yaml" >/dev/null &&
	printf "sla_days:\n  medium: 3\n" >posture-policy.yaml &&
	mk_sarif Lint "sqli|src/db.c|10|query(x)|error" "xss|src/web.c|5|echo(y)|error" \
		"cmd|src/run.c|3|system(c)|error" >a.sarif &&
	mk_sarif Lint "cmd|src/run.c|3|system(c)|error" >b.sarif &&
	posture ingest --app shop --at 2026-01-02T10:00:00Z a.sarif >/dev/null &&
	POSTURE_NOW=2026-01-03T10:00:00Z posture accept 2 --reason r --approver a --expires 2026-02-01 >/dev/null &&
	POSTURE_NOW=2026-01-06T10:00:00Z posture accept 1 --reason r --approver a --expires 2026-02-01 >/dev/null &&
	posture ingest --app shop --at 2026-01-09T10:00:00Z b.sarif >/dev/null &&
	sqlite3 "$POSTURE_DB" "SELECT rule_id, status, sla_due - fixed_at FROM findings ORDER BY id" >state &&
	printf "sqli|fixed|-345600\nxss|fixed|-345600\ncmd|open|\n" >expected &&
	test_cmp expected state &&
	metrics_json | jq -c "[.sla, .exceptions]" >actual &&
	echo "[{\"fixed_in_time\":1,\"fixed_late\":1,\"open_within\":0,\"open_breached\":1,\"compliance\":0.3333},{\"active\":2,\"expiring_soon\":2,\"within_days\":30}]" >expected &&
	test_cmp expected actual
'

test_expect_success 'a fix in the window ends the spell a reopen before it began' '
	posture inventory load "$EXPECTED/posture.yaml" >/dev/null &&
	mk_sarif Lint "xss|src/web.c|5|echo(y)" "sqli|src/db.c|10|query(x)|error" >a.sarif &&
	mk_sarif Lint "sqli|src/db.c|10|query(x)|error" >b.sarif &&
	posture ingest --app shop --at 2026-01-02T00:00:00Z a.sarif >/dev/null &&
	posture ingest --app shop --at 2026-01-04T00:00:00Z b.sarif >/dev/null &&
	posture ingest --app shop --at 2026-01-06T00:00:00Z a.sarif >/dev/null &&
	posture ingest --app shop --at 2026-01-12T00:00:00Z b.sarif >/dev/null &&
	posture metrics --since 2026-01-10 --until 2026-01-13 --format json >m &&
	jq -c "[.activity, .mttr.all, .recurrence, [.open.daily[] | .all]]" m >actual &&
	cat >expected <<-\EOF &&
	[{"opened":0,"fixed":1,"reopened":0},{"count":1,"mean_days":6,"median_days":6},{"fixed":1,"came_back":0,"rate":0},[2,2,1,1]]
	EOF
	test_cmp expected actual
'

# The correlate fixtures (every kind of tool on one app), scanned at known
# times: ZAP confirms the SQL injection CodeQL and Semgrep found 2.5 days
# before; OSV-Scanner and Trivy give their vulnerabilities' publication dates
# (three findings 1701 days after, three 799.2: mean and median 1250).
test_expect_success 'times to detect and to validate, from the scanners'"'"' own data' '
	C=$FIXTURES/correlate &&
	posture inventory load "$C/posture.yaml" >/dev/null &&
	posture ingest --at 2026-01-02T00:00:00Z --component repo:github.com/acme/shop \
		"$C/npm-audit.json" "$C/osv-scanner.json" >/dev/null &&
	posture ingest --at 2026-01-02T00:00:00Z --component image:registry.acme.io/shop/api \
		"$C/trivy-image.json" "$C/grype-image.json" >/dev/null &&
	posture ingest --at 2026-01-03T00:00:00Z --component repo:github.com/acme/shop \
		"$C/semgrep.json" "$C/codeql.sarif" "$C/gitleaks.json" >/dev/null &&
	posture ingest --at 2026-01-05T12:00:00Z --component url:https://shop.acme.io "$C/zap.json" >/dev/null &&
	metrics_json | jq -c "[.activity.opened, .time_to_validate, .time_to_detect]" >actual &&
	sqlite3 "$POSTURE_DB" "SELECT count(*) FROM findings WHERE vuln_ids <> '"'"'[]'"'"'" >>actual &&
	cat >expected <<-\EOF &&
	[12,{"count":1,"mean_days":2.5,"median_days":2.5},{"count":6,"mean_days":1250,"median_days":1250}]
	6
	EOF
	test_cmp expected actual
'

# properties.published wins over published_date, as an RFC 3339 time (an
# offset, a fraction); one that does not parse gives no date; a finding
# without a vulnerability id is not timed. First seen 01-02 00:00.
test_expect_success 'time to detect: the publication date the evidence gives' '
	cat >gen.json <<-\EOF &&
	{"schema": "posture-generic-1", "tool": {"name": "acme", "version": "1"}, "findings": [
	 {"kind": "sca", "rule_id": "a", "title": "a", "severity": "high", "vuln_ids": ["CVE-2025-0001"],
	  "location": {"purl": "pkg:npm/a@1"},
	  "properties": {"published_date": "2020-01-01", "published": "2025-12-31T22:00:00-02:00"}},
	 {"kind": "sca", "rule_id": "b", "title": "b", "severity": "high", "vuln_ids": ["CVE-2025-0002"],
	  "location": {"purl": "pkg:npm/b@1"}, "properties": {"published_date": "2025-12-30T00:00:00.500Z"}},
	 {"kind": "sca", "rule_id": "c", "title": "c", "severity": "high", "vuln_ids": ["CVE-2025-0003"],
	  "location": {"purl": "pkg:npm/c@1"}, "properties": {"published": "soon", "published_date": "2025-12-30"}},
	 {"kind": "sast", "rule_id": "d", "title": "d", "severity": "high",
	  "location": {"path": "d.c"}, "properties": {"published": "2025-12-01"}}]}
	EOF
	posture ingest --app shop --at 2026-01-02T00:00:00Z gen.json >/dev/null &&
	metrics_json | jq -c ".time_to_detect" >actual &&
	echo "{\"count\":2,\"mean_days\":2,\"median_days\":2}" >expected &&
	test_cmp expected actual
'

test_expect_success 'a database from before migration 0009 is refused until it is brought up to date' '
	setup && ingest s1 t1 s2 t2 s3 && metrics_json >before &&
	sqlite3 "$POSTURE_DB" "DROP INDEX events_by_type; CREATE INDEX events_type_at ON events (type, at);
		DELETE FROM schema_migrations WHERE name = '"'"'0009-metrics-window.sql'"'"'" &&
	test_expect_code 2 posture metrics 2>err &&
	grep "(migration 0009-metrics-window.sql not applied): run .posture init." err &&
	posture init >/dev/null &&
	metrics_json >after &&
	test_cmp before after
'

test_expect_success 'scopes: an app, a team, a unit' '
	setup && ingest s1 t1 s2 t2 s3 &&
	for scope in "--app shop" "--team pay-team" "--unit commerce"; do
		metrics_json $scope | jq -c "[.scope, .activity, .open.now.all, .dedupe, .coverage.apps]" || return 1
	done >actual &&
	cat >expected <<-\EOF &&
	[{"app":"shop","team":null,"unit":null},{"opened":4,"fixed":2,"reopened":0},2,{"evidence":4,"findings":4,"ratio":1},1]
	[{"app":null,"team":"pay-team","unit":null},{"opened":2,"fixed":1,"reopened":0},1,{"evidence":2,"findings":2,"ratio":1},1]
	[{"app":null,"team":null,"unit":"commerce"},{"opened":4,"fixed":2,"reopened":0},2,{"evidence":4,"findings":4,"ratio":1},1]
	EOF
	test_cmp expected actual
'

test_expect_success 'csv: one measure per row' '
	setup && ingest s1 t1 s2 t2 s3 &&
	posture metrics --since 2026-01-01 --until 2026-01-10 --format csv >out.csv &&
	head -n 1 out.csv >actual &&
	grep -E "^(opened|fixed|mttr_mean_days,,|sla_compliance|recurrence_rate|time_to_detect_mean_days|open,high,,2026-01-0[59])," out.csv >>actual &&
	cat >expected <<-\EOF &&
	metric,tier,group,day,value
	opened,,,,6
	fixed,,,,3
	mttr_mean_days,,,,5.028
	sla_compliance,,,,1
	recurrence_rate,,,,0
	time_to_detect_mean_days,,,,8.083
	open,high,,2026-01-05,1
	open,high,,2026-01-09,0
	EOF
	test_cmp expected actual
'

test_expect_success 'the window defaults to the 90 days up to today' '
	posture init >/dev/null 2>&1 &&
	posture metrics --format json >m &&
	jq -c "[.window, (.open.daily | length), .exceptions == null or (.exceptions | type) == \"object\"]" m >actual &&
	echo "[{\"since\":\"2025-10-18\",\"until\":\"2026-01-15\",\"days\":90,\"now\":\"2026-01-15T10:00:00Z\"},90,true]" >expected &&
	test_cmp expected actual
'

test_expect_success 'usage mistakes and unknown names exit 2' '
	posture init >/dev/null 2>&1 &&
	test_expect_code 2 posture metrics --app a --team t 2>err &&
	test_expect_code 2 posture metrics --format xml 2>>err &&
	test_expect_code 2 posture metrics --since 2026-02-01 --until 2026-01-01 2>>err &&
	test_expect_code 2 posture metrics --since yesterday 2>>err &&
	test_expect_code 2 posture metrics --by planet 2>>err &&
	test_expect_code 2 posture metrics --app nowhere 2>>err &&
	test_expect_code 2 posture metrics --since 1990-01-01 2>>err &&
	cat >expected <<-\EOF &&
	posture: error: metrics: give at most one of --app, --team and --unit
	posture: error: metrics: --format must be table, json or csv, not '"'"'xml'"'"'
	posture: error: metrics: --since '"'"'2026-02-01'"'"' is after --until '"'"'2026-01-01'"'"'
	EOF
	head -n 3 err >actual &&
	test_cmp expected actual &&
	test $(wc -l <err) = 7 &&
	grep -q "no app called '"'"'nowhere'"'"'" err
'

test_done
