#!/bin/sh
# Correlation speed and collapse on a generated multi-tool set for one app
# (bench/gen-correlate.py N): OSV-Scanner, Semgrep and CodeQL on the repo,
# Trivy and Grype on the image, ZAP on the URL, with the inventory linking
# them. Prints each ingest's figures, the findings they collapse into and
# the dedupe ratio. Asserts nothing.
#
# usage: bench/correlate.sh [N]      (default 20,000; POSTURE=path/to/posture)
set -e
N=${1:-20000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTURE=${POSTURE:-$ROOT/build/posture}
OUT=${BENCH_DIR:-$ROOT/bench/out}/correlate-$N
[ -f "$OUT/zap.json" ] || python3 "$ROOT/bench/gen-correlate.py" "$N" "$OUT"
db=$OUT/bench.db
rm -f "$db" "$db-wal" "$db-shm"
M="python3 $ROOT/bench/measure.py"
echo "multi-tool set: $N npm packages, $((N / 2)) Debian packages, $N SAST results per tool, $(nproc) cores"
"$POSTURE" --db "$db" inventory load "$OUT/posture.yaml" >/dev/null
run() {
	component=$1 file=$2
	count=$("$POSTURE" parse "$OUT/$file" | wc -l)
	$M "ingest $file" evidence "$count" "$(wc -c <"$OUT/$file")" -- \
		"$POSTURE" --db "$db" ingest --component "$component" "$OUT/$file"
}
run repo:github.com/acme/bench osv.json
run image:registry.acme.io/bench/api trivy.json
run image:registry.acme.io/bench/api grype.json
run repo:github.com/acme/bench semgrep.json
run repo:github.com/acme/bench codeql.sarif
run url:https://bench.acme.io zap.json
run image:registry.acme.io/bench/api trivy.json
"$POSTURE" --db "$db" groups --app bench | tail -n 2
echo "database: $(du -k "$db" | awk '{printf "%.0f MiB", $1 / 1024}')"
