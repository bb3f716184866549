#!/bin/sh
# Metrics speed: a portfolio of N (default 1M) findings over 100 apps, 20
# teams and 5 units, two years of history, with about 5 events each
# (opened, assigned, tier_changed, ticketed, validated -- with the finding's
# validated_at, as correlation sets it -- fixed, and a fix-then-reopen cycle
# for 10%), one evidence row per finding (SCA ones with a publication date)
# and 1,200 scans for coverage, generated with plain SQL. Times 'posture
# metrics' (wall, CPU, peak RSS) for the whole portfolio, one app, one team,
# and a year-long window, and the portfolio report (HTML, and JSON with every
# finding). Prints figures, asserts nothing. Needs the sqlite3
# shell. N=200000 for a quicker run.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTURE=${POSTURE:-$ROOT/build/posture}
N=${N:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=${BENCH_DB:-$tmp/posture.db}  # BENCH_DB=FILE keeps the database, and reuses it when it exists
export POSTURE_NOW=2026-01-15T10:00:00Z
NOW=1768471200
if [ ! -s "$db" ]; then
"$POSTURE" --db "$db" init --no-example >/dev/null
sqlite3 "$db" >/dev/null <<EOSQL
PRAGMA synchronous = OFF;
PRAGMA journal_mode = OFF;
BEGIN;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < 5)
INSERT INTO units (id, name, created_at) SELECT i, 'unit-' || i, 0 FROM a;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < 20)
INSERT INTO teams (id, name, unit_id, created_at) SELECT i, 'team-' || i, 1 + i % 5, 0 FROM a;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < 100)
INSERT INTO apps (id, name, team_id, created_at) SELECT i, 'app-' || i, 1 + i % 20, 0 FROM a;
-- 4 scans per app and kind (sast, sca, secret), the latest 1 to 60 days ago
WITH RECURSIVE a(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM a WHERE i < 1199)
INSERT INTO scans (id, app_id, format, scanned_at, ingested_at)
SELECT i + 1, 1 + i / 12, 'bench', $NOW - 86400 * (1 + (i / 12) % 60) - 86400 * 7 * (i % 4), $NOW FROM a;
INSERT INTO scan_kinds (scan_id, app_id, component_id, kind, evidence_count)
SELECT id, app_id, 0, CASE ((id - 1) % 12) / 4 WHEN 0 THEN 'sast' WHEN 1 THEN 'sca' ELSE 'secret' END, 100
FROM scans;
-- the shape of each finding's history: first seen within two years, a time
-- to fix of 1-120 days, 10% fixed and reopened once, 60% fixed in the end
CREATE TEMP TABLE g AS
WITH RECURSIVE f(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM f WHERE i < $N),
h AS (SELECT i, (i * 2654435761) % 1000 AS h, $NOW - (i * 7919) % (730 * 86400) AS fs,
	86400 * (1 + (i * 31) % 120) AS ttr FROM f)
SELECT i, fs, h % 10 AS t, (h / 10) % 10 = 0 AS cycle,
	fs + ttr / 2 AS fix1, fs + ttr / 2 + 5 * 86400 AS reopen,
	CASE WHEN (h / 100) % 10 < 6 THEN fs + ttr + CASE WHEN (h / 10) % 10 = 0 THEN ttr / 2 + 5 * 86400 ELSE 0 END
	END AS fix FROM h;
UPDATE g SET fix = NULL WHERE fix > $NOW;
UPDATE g SET cycle = 0 WHERE reopen > $NOW;
INSERT INTO findings (id, app_id, fingerprint, kind, rule_id, title, path, severity, status, tier, risk,
	owner_team_id, vuln_ids, first_seen, last_seen, fixed_at, sla_due, validated_at, last_scan_id, seen_scan_id)
SELECT i, 1 + i % 100, printf('%064x', i), CASE WHEN i % 10 < 4 THEN 'sca' ELSE 'sast' END,
	'rule-' || (i % 500), 'finding ' || i, 'src/file' || (i % 5000) || '.c', 1 + i % 5,
	CASE WHEN fix IS NOT NULL THEN 'fixed' WHEN cycle THEN 'reopened' ELSE 'open' END,
	CASE WHEN t = 0 THEN 'critical' WHEN t < 3 THEN 'high' WHEN t < 6 THEN 'medium' WHEN t < 9 THEN 'low' END,
	CASE WHEN t = 0 THEN 80 WHEN t < 3 THEN 55 WHEN t < 6 THEN 30 WHEN t < 9 THEN 10 END,
	1 + (1 + i % 100) % 20,
	CASE WHEN i % 10 < 4 THEN printf('["CVE-%d-%d"]', 2000 + i % 25, 10000 + i % 10000) ELSE '[]' END,
	fs, coalesce(fix, $NOW), fix,
	fs + 86400 * CASE WHEN t = 0 THEN 7 WHEN t < 3 THEN 30 WHEN t < 6 THEN 90 WHEN t < 9 THEN 180 END,
	CASE WHEN i % 2 = 1 THEN fs + 2 * 86400 END, 1, 1 FROM g;
INSERT INTO evidence (finding_id, ekey, tool, app_id, first_scan_id, last_scan_id, first_seen, last_seen,
	severity, record)
SELECT i, '0', 'benchtool', 1 + i % 100, 1, 1, fs, fs, 1 + i % 5,
	CASE WHEN i % 10 < 4 THEN json_object('tool', 'benchtool', 'kind', 'sca', 'title', 'finding ' || i,
		'properties', json_object('published', strftime('%Y-%m-%dT%H:%M:%SZ', fs - 86400 * (i % 400), 'unixepoch')))
	ELSE json_object('tool', 'benchtool', 'kind', 'sast', 'title', 'finding ' || i) END
FROM g;
INSERT INTO events (finding_id, at, type, from_value, to_value, actor)
SELECT i, fs, 'opened', NULL, 'open', NULL FROM g;
INSERT INTO events (finding_id, at, type, from_value, to_value, actor)
SELECT i, fs + 3600 * (i % 72), 'assigned', NULL, 'team-' || (1 + (1 + i % 100) % 20), 'posture' FROM g;
INSERT INTO events (finding_id, at, type, from_value, to_value, actor)
SELECT i, fs, 'tier_changed', NULL, CASE WHEN t = 0 THEN 'critical' WHEN t < 3 THEN 'high' WHEN t < 6 THEN 'medium'
	WHEN t < 9 THEN 'low' END, 'posture' FROM g WHERE t < 9;
INSERT INTO events (finding_id, at, type, from_value, to_value, actor)
SELECT i, fs + 86400, 'tier_changed', 'low', 'medium', 'posture' FROM g WHERE i % 4 = 0;
INSERT INTO events (finding_id, at, type, from_value, to_value, actor)
SELECT i, fs + 86400, 'ticketed', NULL, 'PAY-' || i, 'posture' FROM g WHERE i % 2 = 0;
INSERT INTO events (finding_id, at, type, from_value, to_value, actor)
SELECT i, fs + 2 * 86400, 'validated', NULL, NULL, 'zap' FROM g WHERE i % 2 = 1;
INSERT INTO events (finding_id, at, type, from_value, to_value)
SELECT i, fix1, 'fixed', 'open', 'fixed' FROM g WHERE cycle;
INSERT INTO events (finding_id, at, type, from_value, to_value)
SELECT i, reopen, 'reopened', 'fixed', 'reopened' FROM g WHERE cycle;
INSERT INTO events (finding_id, at, type, from_value, to_value)
SELECT i, fix, 'fixed', CASE WHEN cycle THEN 'reopened' ELSE 'open' END, 'fixed' FROM g WHERE fix IS NOT NULL;
COMMIT;
EOSQL
fi
# wall time, CPU time (user + system: the one to compare on a shared machine) and peak RSS
timed() {
	what=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$POSTURE" --db "$db" "$@" >/dev/null
	awk -v what="$what" '{ printf "%-36s %6.2f s wall %6.2f s cpu %7.1f MiB peak RSS\n", what, $1, $2 + $3, $4 / 1024 }' \
		"$tmp/time"
}
echo "$(sqlite3 "$db" 'SELECT count(*) FROM findings') findings, $(sqlite3 "$db" 'SELECT count(*) FROM events')" \
	"events, $(sqlite3 "$db" 'SELECT count(*) FROM evidence') evidence rows, $(du -m "$db" | cut -f1) MB"
[ -n "${GEN_ONLY:-}" ] || timed "metrics (portfolio, 90 days)" metrics --format json
[ -n "${GEN_ONLY:-}" ] || timed "metrics (portfolio, 90 days, --by team)" metrics --by team --format json
[ -n "${GEN_ONLY:-}" ] || timed "metrics --app app-7" metrics --app app-7 --format json
[ -n "${GEN_ONLY:-}" ] || timed "metrics --team team-3" metrics --team team-3 --format json
[ -n "${GEN_ONLY:-}" ] || timed "metrics (portfolio, 365 days)" metrics --since 2025-01-16 --format json
[ -n "${GEN_ONLY:-}" ] || timed "report --portfolio (html)" report --portfolio --format html
[ -n "${GEN_ONLY:-}" ] || timed "report --portfolio (json, every finding)" report --portfolio --format json
