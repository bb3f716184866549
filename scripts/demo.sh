#!/bin/sh
# The main job on the bundled samples: ingest every report in samples/ into
# a fresh ./posture.db and print the prioritized findings.
set -e
BIN=${1:-build/posture}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DB=${POSTURE_DB:-posture.db}
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" --db "$DB" init --no-example
"$BIN" --db "$DB" ingest --app checkout --component repo:https://github.com/example/checkout \
	$(ls "$ROOT"/samples/* | grep -v README.md)
echo
"$BIN" --db "$DB" findings
