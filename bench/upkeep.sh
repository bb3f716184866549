#!/bin/sh
# A small report into a large database: what every CI job of a big
# organisation pays. Builds (or reuses) a database holding the N findings of
# the generated SARIF report (bench/sarif.sh makes the report), then ingests
# a 5-result report into another app of it R times and prints each wall
# time, the median and the peak RSS. Prints figures; asserts nothing.
#
# usage: bench/upkeep.sh [N] [R]     (default 1,000,000 findings, 5 runs)
set -e
N=${1:-1000000}
R=${2:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTURE=${POSTURE:-$ROOT/build/posture}
OUT=${BENCH_DIR:-$ROOT/bench/out}
mkdir -p "$OUT"
report=$OUT/bench-$N.sarif
db=$OUT/upkeep-$N.db
small=$ROOT/tests/fixtures/sarif/codeql-csharp-packs.sarif
[ -f "$report" ] || python3 "$ROOT/bench/gen-sarif.py" "$N" "$report"
if [ ! -f "$db" ]; then
	echo "building a database of $N findings (once; kept as $db)"
	"$POSTURE" --db "$db" ingest --app bench "$report" >/dev/null
fi
# the first ingest also migrates an older database: not counted
"$POSTURE" --db "$db" ingest --app small "$small" >/dev/null
findings=$(sqlite3 "$db" "SELECT count(*) FROM findings")
i=0
while [ "$i" -lt "$R" ]; do
	/usr/bin/time -f "%e %M" -o "$OUT/upkeep.time" "$POSTURE" --db "$db" ingest --app small "$small" >/dev/null
	cat "$OUT/upkeep.time"
	i=$((i + 1))
done | sort -n | awk -v n="$findings" -v r="$R" '
	{ t[NR] = $1; if ($2 > rss) rss = $2; printf "run: %.3f s\n", $1 }
	END { printf "5-result ingest into %d findings: median %.3f s over %d runs, peak RSS %.1f MiB\n",
		n, t[int((NR + 1) / 2)], r, rss / 1024 }'
