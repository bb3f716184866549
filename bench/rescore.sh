#!/bin/sh
# Rescore speed: N (default 1M) active findings (40% SCA with CVEs, CVSS vectors in
# their evidence; SAST, secrets and DAST for the rest) over 100 apps with
# mixed context, a 250k-row EPSS set and a 1,300-entry KEV catalog,
# generated with plain SQL. Times 'posture rescore' three ways: the first
# scoring of everything, a rescore where nothing changed, and an EPSS
# import (which rescores every finding with a CVE). Prints figures,
# asserts nothing. Needs the sqlite3 shell. N=200000 for a quicker run.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTURE=${POSTURE:-$ROOT/build/posture}
N=${N:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/posture.db
export POSTURE_NOW=2026-01-15T10:00:00Z
"$POSTURE" --db "$db" init --no-example >/dev/null
# EPSS and KEV files through the real import path, before any finding exists
awk 'BEGIN {
	srand(7)
	print "#model_version:v2025.03.14,score_date:2025-03-16T12:55:00Z"
	print "cve,epss,percentile"
	for (i = 0; i < 250000; i++)
		printf "CVE-%d-%d,%.5f,%.5f\n", 2000 + int(i / 10000), 10000 + i % 10000, rand() ^ 4, i / 250000
}' >"$tmp/epss.csv"
sed 's/2025-03-16T12:55:00Z/2025-03-17T12:55:00Z/; s/,0\.0\([0-9]\)/,0.1\1/' "$tmp/epss.csv" >"$tmp/epss2.csv"
awk 'BEGIN {
	printf "{\"catalogVersion\":\"2025.03.14\",\"dateReleased\":\"2025-03-14T00:00:00Z\",\"vulnerabilities\":["
	for (i = 0; i < 1300; i++)
		printf "%s{\"cveID\":\"CVE-%d-%d\",\"dateAdded\":\"2024-01-01\",\"dueDate\":\"2024-01-22\",\"knownRansomwareCampaignUse\":\"%s\"}",
			i ? "," : "", 2000 + (i * 7) % 25, 10000 + (i * 131) % 10000, i % 5 ? "Unknown" : "Known"
	print "]}"
}' >"$tmp/kev.json"
"$POSTURE" --db "$db" feeds import epss "$tmp/epss.csv" >/dev/null
"$POSTURE" --db "$db" feeds import kev "$tmp/kev.json" >/dev/null
sqlite3 "$db" >/dev/null <<EOSQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < 100)
INSERT INTO apps (id, name, exposure, criticality, data_sensitivity, created_at)
SELECT i, 'app-' || i,
	CASE i % 4 WHEN 0 THEN 'internet' WHEN 1 THEN 'partner' WHEN 2 THEN 'internal' ELSE NULL END,
	CASE i % 3 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' ELSE 'medium' END,
	CASE i % 5 WHEN 0 THEN 'pii' WHEN 1 THEN 'pci,pii' WHEN 2 THEN 'public' ELSE NULL END, 0 FROM a;
INSERT INTO scans (id, app_id, format, scanned_at, ingested_at) VALUES (1, 1, 'bench', 0, 0);
WITH RECURSIVE f(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM f WHERE i < $N)
INSERT INTO findings (id, app_id, fingerprint, kind, rule_id, title, path, severity, status, vuln_ids,
	first_seen, last_seen, last_scan_id, seen_scan_id, evidence_count)
SELECT i, 1 + i % 100, printf('%064x', i),
	CASE WHEN i % 10 < 4 THEN 'sca' WHEN i % 10 < 8 THEN 'sast' WHEN i % 10 = 8 THEN 'secret' ELSE 'dast' END,
	'rule-' || (i % 500), 'finding ' || i, 'src/file' || (i % 5000) || '.c', 1 + i % 5, 'open',
	CASE WHEN i % 10 < 4 THEN printf('["CVE-%d-%d","GHSA-%04x-%04x-%04x"]', 2000 + i % 25, 10000 + i % 10000,
		i % 65536, i % 4099, i % 8191) ELSE '[]' END,
	1760000000 - (i % 400) * 86400, 1768000000, 1, 1, 1 FROM f;
WITH RECURSIVE f(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM f WHERE i < $N)
INSERT INTO evidence (finding_id, ekey, tool, app_id, first_scan_id, last_scan_id, first_seen, last_seen,
	severity, record)
SELECT i, '0', 'benchtool', 1 + i % 100, 1, 1, 0, 0, 1 + i % 5,
	CASE WHEN i % 10 < 4 THEN json_object('tool', 'benchtool', 'kind', 'sca', 'title', 'finding ' || i,
		'cvss', json_object('version', '3.1', 'vector', CASE i % 3
			WHEN 0 THEN 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'
			WHEN 1 THEN 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P'
			ELSE 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' END, 'score', 7.5),
		'location', json_object('purl', 'pkg:npm/lib' || (i % 3000) || '@1.0.' || (i % 7)),
		'reachability', CASE i % 7 WHEN 0 THEN 'not_reachable' WHEN 1 THEN 'reachable' ELSE NULL END)
	WHEN i % 10 = 8 THEN json_object('tool', 'benchtool', 'kind', 'secret', 'title', 'key ' || i,
		'location', json_object('path', 'cfg/' || i), 'secret_verified', json(CASE i % 3 WHEN 0 THEN 'true' ELSE 'false' END))
	ELSE json_object('tool', 'benchtool', 'kind', 'sast', 'title', 'finding ' || i,
		'location', json_object('path', 'src/file' || (i % 5000) || '.c', 'start_line', i % 900)) END
FROM f;
COMMIT;
EOSQL
# wall time, and CPU time (user + system): on a shared machine the second is the one to compare
timed() {
	what=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$POSTURE" --db "$db" "$@" >"$tmp/out"
	awk -v what="$what" -v out="$(cat "$tmp/out")" \
		'{ printf "%-30s %6.2f s wall %6.2f s cpu  (%s)\n", what, $1, $2 + $3, out }' "$tmp/time"
}
echo "$N findings, $(sqlite3 "$db" 'SELECT count(*) FROM evidence') evidence rows, $(du -m "$db" | cut -f1) MB"
timed "rescore, first scoring" rescore
timed "rescore, nothing changed" rescore
timed "feeds import epss (next day)" feeds import epss "$tmp/epss2.csv"
timed "rescore --app app-7" rescore --app app-7
printf 'score: {kev: 30}\n' >"$tmp/policy.yaml"
POSTURE_POLICY=$tmp/policy.yaml timed "rescore, new KEV weight" rescore
