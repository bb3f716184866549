#!/bin/sh
# EPSS file parsing speed: a generated 250k-row daily file, plain and gzip'd,
# through epss_parse(). Prints figures, asserts nothing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
cd "$ROOT"
make -s "$O/libposture.a"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 -Isrc bench/epss_bench.c "$O/libposture.a" \
	$(pkg-config --libs yajl sqlite3 libcrypto yaml-0.1 libxml-2.0 zlib) -lm -o "$tmp/epss_bench"
awk 'BEGIN {
	srand(42)
	print "#model_version:v2025.03.14,score_date:2025-03-16T12:55:00Z"
	print "cve,epss,percentile"
	for (i = 0; i < 250000; i++)
		printf "CVE-%d-%d,%.5f,%.5f\n", 1999 + i % 27, 1000 + i, rand() * rand(), i / 250000
}' >"$tmp/epss_scores-2025-03-16.csv"
gzip -c "$tmp/epss_scores-2025-03-16.csv" >"$tmp/epss_scores-2025-03-16.csv.gz"
"$tmp/epss_bench" "$tmp/epss_scores-2025-03-16.csv"
"$tmp/epss_bench" "$tmp/epss_scores-2025-03-16.csv.gz"
