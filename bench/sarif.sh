#!/bin/sh
# Ingest speed on a generated SARIF report of N results (default 1,000,000):
# posture parse (JSON Lines to /dev/null), ingest into a fresh database,
# re-ingest of the same report, and Python's json.load for scale.
# Prints figures; asserts nothing.
#
# Wall-clock figures move with the machine's load; with CALLGRIND=M (and
# valgrind installed) the script also counts instructions per evidence for
# parse, ingest and re-ingest of an M-result report, which do not.
#
# usage: bench/sarif.sh [N]        (POSTURE=path/to/posture to pick a build)
set -e
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTURE=${POSTURE:-$ROOT/build/posture}
OUT=${BENCH_DIR:-$ROOT/bench/out}
mkdir -p "$OUT"
report=$OUT/bench-$N.sarif
late=$OUT/bench-$N-tool-last.sarif
[ -f "$report" ] || python3 "$ROOT/bench/gen-sarif.py" "$N" "$report"
[ -f "$late" ] || python3 "$ROOT/bench/gen-sarif.py" "$N" "$late" --tool-last
size=$(wc -c <"$report")
db=$OUT/bench.db
rm -f "$db" "$db-wal" "$db-shm"
echo "SARIF with $N results, $(echo "$size" | awk '{printf "%.0f MB", $1 / 1e6}'), $(nproc) cores"
M="python3 $ROOT/bench/measure.py"
$M "parse" evidence "$N" "$size" -- "$POSTURE" parse "$report"
$M "parse (tool after results)" evidence "$N" "$size" -- "$POSTURE" parse "$late"
$M "ingest, fresh database" evidence "$N" "$size" -- "$POSTURE" --db "$db" ingest --app bench "$report"
$M "re-ingest, same report" evidence "$N" "$size" -- "$POSTURE" --db "$db" ingest --app bench "$report"
$M "python3 json.load" evidence "$N" "$size" -- python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$report"
echo "database: $(du -k "$db" | awk '{printf "%.0f MiB", $1 / 1024}')"

if [ -n "${CALLGRIND:-}" ] && command -v valgrind >/dev/null 2>&1; then
	small=$OUT/bench-$CALLGRIND.sarif
	[ -f "$small" ] || python3 "$ROOT/bench/gen-sarif.py" "$CALLGRIND" "$small"
	cdb=$OUT/callgrind.db
	rm -f "$cdb" "$cdb-wal" "$cdb-shm"
	count() { # LABEL CMD...: instructions of CMD per evidence of the small report
		label=$1
		shift
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
			awk -v n="$CALLGRIND" -v l="$label" '/Collected/ { gsub(",", "", $4);
				printf "%-28s %12.0f instructions/evidence (callgrind, %d results)\n", l, $4 / n, n }'
	}
	count "parse" "$POSTURE" parse "$small"
	count "ingest, fresh database" "$POSTURE" --db "$cdb" ingest --app bench "$small"
	count "re-ingest, same report" "$POSTURE" --db "$cdb" ingest --app bench "$small"
	rm -f "$cdb" "$cdb-wal" "$cdb-shm"
fi
