#!/bin/sh
# The main job on the bundled samples: ingest every report in samples/ into
# a fresh ./posture.db (each attached to the component it scanned) and
# print the prioritized findings.
set -e
BIN=${1:-build/posture}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
S=$ROOT/samples
DB=${POSTURE_DB:-posture.db}
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" --db "$DB" init --no-example
ingest() {
	"$BIN" --db "$DB" ingest --app checkout "$@"
}
ingest --component repo:github.com/example/checkout \
	"$S/checkout-codeql.sarif" "$S/checkout-semgrep.sarif" "$S/checkout-npm-audit.json"
ingest --component repo:github.com/example/infra "$S/infra-checkov.json"
ingest --component image:registry.example.com/shop/api "$S/api-image-trivy.json"
ingest --component image:registry.example.com/shop/worker "$S/worker-image-grype.json"
ingest --component url:https://checkout.example.com "$S/checkout-zap.json"
echo
"$BIN" --db "$DB" findings
