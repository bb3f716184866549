#!/bin/sh
# Feed import speed: a generated 250k-row EPSS daily file (plain and
# gzip'd) through 'posture feeds import epss', into a fresh database and
# again over the previous set. Prints figures, asserts nothing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POSTURE=${POSTURE:-$ROOT/build/posture}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN {
	srand(42)
	print "#model_version:v2025.03.14,score_date:2025-03-16T12:55:00Z"
	print "cve,epss,percentile"
	for (i = 0; i < 250000; i++)
		printf "CVE-%d-%d,%.5f,%.5f\n", 1999 + int(i / 10000), 1000 + i % 10000 + int(i / 260000), rand() * rand(), i / 250000
}' >"$tmp/epss_scores-2025-03-16.csv"
gzip -c "$tmp/epss_scores-2025-03-16.csv" >"$tmp/epss_scores-2025-03-16.csv.gz"
sed 's/2025-03-16T12:55:00Z/2025-03-17T12:55:00Z/' "$tmp/epss_scores-2025-03-16.csv" >"$tmp/epss_scores-2025-03-17.csv"
# wall time, and CPU time (user + system): on a shared machine the second is the one to compare
run() {
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$POSTURE" --db "$tmp/posture.db" feeds import "$@" >/dev/null
	awk -v what="$*" '{ printf "feeds import %s: %.2f s wall, %.2f s cpu\n", what, $1, $2 + $3 }' "$tmp/time" |
		sed "s|$tmp/||"
}
run epss "$tmp/epss_scores-2025-03-16.csv"
run --force epss "$tmp/epss_scores-2025-03-16.csv.gz"
run epss "$tmp/epss_scores-2025-03-17.csv"
