#!/bin/sh
# Regenerate tests/fixtures/*/*.expected.{jsonl,err} from the current build.
# usage: scripts/update-golden.sh [FORMAT...]   (then review `git diff`)
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${POSTURE_BIN:-$ROOT/build/posture}
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
		*.jsonl) (cd "$fmt" && POSTURE_NOW=2026-01-15T10:00:00Z "$BIN" parse --tool "$fmt" "$input") >"$expected" ;;
		*) (cd "$fmt" && ! POSTURE_NOW=2026-01-15T10:00:00Z "$BIN" parse --tool "$fmt" "$input") 2>"$expected" >/dev/null ;;
		esac
		echo "updated $expected"
	done
done
