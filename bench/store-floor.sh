#!/bin/sh
# The floor under ingest: what SQLite alone costs to store the rows posture
# writes for each new finding of a SARIF report -- the finding, one evidence
# row with its ~1 KB record, the 'opened' event and one correlation key --
# into the current schema (posture init: every table, index and PRAGMA a
# real database has), written set-based in one transaction by the sqlite3
# shell: no parsing, no statement per row, no correlation or scoring logic.
# Whatever ingest does on top of this is posture's own cost; this part is
# the schema's. Prints figures, asserts nothing. Needs the sqlite3 shell.
#
# It then stores the same rows into a bare schema (bare_db below) for the
# least SQLite itself can do with them.
#
# usage: bench/store-floor.sh [N]     (default 200,000 findings)
#        CALLGRIND=M bench/store-floor.sh   also counts instructions per
#        finding for M findings (load-independent; needs valgrind)
set -eu
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTURE=${POSTURE:-$ROOT/build/posture}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# SQL that stores $1 findings (and, with $2 = gen, only generates the values, for the baseline)
rows_sql() {
	n=$1
	if [ "${2:-}" = gen ]; then
		cat <<EOSQL
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $n)
SELECT sum(length(lower(hex(randomblob(16)))) + length('bench/rule-' || (i % 50))
	+ length('src/module' || (i % 100) || '/file' || i || '.c') + length(printf('%.*c', 1000, 'x'))
	+ length('sast:src/module' || (i % 100) || '/file' || i || '.c CWE-' || (79 + i % 50))) FROM a;
EOSQL
		return
	fi
	cat <<EOSQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -65536;
PRAGMA foreign_keys = ON;
PRAGMA temp_store = MEMORY;
INSERT INTO apps (id, name, created_at) VALUES (1, 'bench', 0);
INSERT INTO scans (id, app_id, format, scanned_at, ingested_at) VALUES (1, 1, 'sarif', 1000, 1000);
BEGIN;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $n)
INSERT INTO findings (id, app_id, fingerprint, kind, rule_id, title, path, severity, status, risk,
	tier, first_seen, last_seen, sla_due, last_scan_id, seen_scan_id, vuln_ids, cwe)
SELECT i, 1, lower(hex(randomblob(16))), 'sast', 'bench/rule-' || (i % 50),
	'Benchmark rule: untrusted data reaches a sensitive sink',
	'src/module' || (i % 100) || '/file' || i || '.c', 3, 'open', 30, 'medium', 1000, 1000,
	1000 + 90 * 86400, 1, 1, '[]', '[' || (79 + i % 50) || ']' FROM a;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $n)
INSERT INTO evidence (finding_id, ekey, tool, app_id, present, first_scan_id, last_scan_id,
	first_seen, last_seen, severity, record)
SELECT i, '0', 'BenchScanner', 1, 1, 1, 1, 1000, 1000, 3, printf('%.*c', 1000, 'x') FROM a;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $n)
INSERT INTO events (finding_id, at, type, to_value, scan_id) SELECT i, 1000, 'opened', 'open', 1 FROM a;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $n)
INSERT INTO correlation_keys (app_id, key, finding_id, tool, start_line, end_line)
SELECT 1, 'sast:src/module' || (i % 100) || '/file' || i || '.c CWE-' || (79 + i % 50), i,
	'benchscanner', 10, 10 FROM a;
COMMIT;
EOSQL
}

fresh_db() {
	rm -f "$1" "$1-wal" "$1-shm"
	"$POSTURE" --db "$1" init --no-example >/dev/null
}

# The same tables with only the indexes finding a problem again needs (the
# finding by fingerprint, its evidence, its events, correlation keys by
# key), no foreign keys, no other table: the least any schema holding these
# rows can cost in SQLite on this machine.
bare_db() {
	rm -f "$1" "$1-wal" "$1-shm"
	sqlite3 "$1" >/dev/null <<EOSQL
PRAGMA page_size = 16384;
PRAGMA journal_mode = WAL;
CREATE TABLE apps (id INTEGER PRIMARY KEY, name TEXT, created_at INTEGER);
CREATE TABLE scans (id INTEGER PRIMARY KEY, app_id INTEGER, format TEXT, scanned_at INTEGER,
	ingested_at INTEGER);
CREATE TABLE findings (id INTEGER PRIMARY KEY, app_id INTEGER NOT NULL, fingerprint TEXT NOT NULL,
	kind TEXT, rule_id TEXT, title TEXT, path TEXT, severity INTEGER, status TEXT, risk INTEGER,
	tier TEXT, first_seen INTEGER, last_seen INTEGER, sla_due INTEGER, last_scan_id INTEGER,
	seen_scan_id INTEGER, vuln_ids TEXT, cwe TEXT, UNIQUE (app_id, fingerprint));
CREATE TABLE evidence (id INTEGER PRIMARY KEY, finding_id INTEGER NOT NULL, ekey TEXT NOT NULL,
	tool TEXT, app_id INTEGER, present INTEGER, first_scan_id INTEGER, last_scan_id INTEGER,
	first_seen INTEGER, last_seen INTEGER, severity INTEGER, record TEXT,
	UNIQUE (finding_id, ekey));
CREATE TABLE events (id INTEGER PRIMARY KEY, finding_id INTEGER, at INTEGER, type TEXT,
	to_value TEXT, scan_id INTEGER);
CREATE INDEX events_finding ON events (finding_id, at);
CREATE TABLE correlation_keys (app_id INTEGER, key TEXT, finding_id INTEGER, tool TEXT,
	start_line INTEGER, end_line INTEGER,
	PRIMARY KEY (app_id, key, finding_id, tool, start_line, end_line)) WITHOUT ROWID;
EOSQL
}

fresh_db "$tmp/floor.db"
rows_sql "$N" >"$tmp/rows.sql"
rows_sql "$N" gen >"$tmp/gen.sql"
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" sqlite3 "$tmp/floor.db" <"$tmp/rows.sql" >/dev/null
/usr/bin/time -f "%e %U %S %M" -o "$tmp/gentime" sqlite3 ":memory:" <"$tmp/gen.sql" >/dev/null
awk -v n="$N" 'NR == FNR { gen = $2 + $3; next }
	{
		all = $2 + $3
		cpu = all - gen
		rate = cpu > 0 ? n / cpu : 0
		printf "store floor, %d findings: %.2f s wall, %.2f s cpu (%.2f s of it generating values),", n, $1, all, gen
		printf " %.0f findings/s of cpu, peak RSS %.1f MiB\n", rate, $4 / 1024
	}' "$tmp/gentime" "$tmp/time"

bare_db "$tmp/bare.db"
/usr/bin/time -f "%e %U %S %M" -o "$tmp/bare" sqlite3 "$tmp/bare.db" <"$tmp/rows.sql" >/dev/null
awk -v n="$N" 'NR == FNR { gen = $2 + $3; next }
	{
		cpu = $2 + $3 - gen
		printf "bare floor (same rows, 4 indexes, no foreign keys), %d findings: %.2f s wall,", n, $1
		printf " %.2f s cpu less generating, %.0f findings/s of cpu\n", cpu, (cpu > 0 ? n / cpu : 0)
	}' "$tmp/gentime" "$tmp/bare"

if [ -n "${CALLGRIND:-}" ] && command -v valgrind >/dev/null 2>&1; then
	count() { # FILE DB: instructions of the sqlite3 shell running FILE
		valgrind --tool=callgrind --callgrind-out-file=/dev/null sqlite3 "$2" <"$1" 2>&1 >/dev/null |
			awk '/Collected/ { gsub(",", "", $4); print $4 }'
	}
	fresh_db "$tmp/cg.db"
	rows_sql "$CALLGRIND" >"$tmp/cg.sql"
	rows_sql "$CALLGRIND" gen >"$tmp/cg-gen.sql"
	all=$(count "$tmp/cg.sql" "$tmp/cg.db")
	gen=$(count "$tmp/cg-gen.sql" ":memory:")
	echo "$all $gen $CALLGRIND" | awk '{ printf "store floor: %.0f instructions/finding (callgrind, %d findings, value generation taken out)\n", ($1 - $2) / $3, $3 }'
fi
