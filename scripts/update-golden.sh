#!/bin/sh
# Regenerate tests/fixtures/*/*.expected.{jsonl,err} from the current build.
# usage: scripts/update-golden.sh [FORMAT...]   (then review `git diff`)
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${POSTURE_BIN:-$ROOT/build/posture}
# the same fixed clock and secret-hash key as tests/cli/lib.sh
export POSTURE_NOW=2026-01-15T10:00:00Z POSTURE_SECRET_KEY=posture-test-key
cd "$ROOT/tests/fixtures"
formats=${*:-$(ls)}
for fmt in $formats; do
	[ -d "$fmt" ] || continue
	for expected in "$fmt"/*.expected.jsonl "$fmt"/*.expected.err; do
		[ -f "$expected" ] || continue
		case "$expected" in
		*.jsonl) stem=${expected%.expected.jsonl} ;;
		*) stem=${expected%.expected.err} ;;
		esac
		for f in "$stem".*; do
			case "$f" in *.expected.jsonl | *.expected.err) continue ;; esac
			input=$(basename "$f")
		done
		case "$expected" in
		*.jsonl) (cd "$fmt" && "$BIN" parse --tool "$fmt" "$input") >"$expected" ;;
		*) (cd "$fmt" && ! "$BIN" parse --tool "$fmt" "$input") 2>"$expected" >/dev/null ;;
		esac
		echo "updated $expected"
	done
done
