#!/bin/sh
# Run every test: cmocka unit suites, CLI scripts, fuzz-corpus replays.
# Prints one closing line "N passed, N failed" (the line CI reads).
# CLI='t01*.sh t02*.sh' picks CLI scripts (default all); REPLAYS=no skips
# the fuzz-corpus replays (make threads runs a subset under TSan).
O=${O:-build}
CLI=${CLI:-t[0-9]*.sh}
REPLAYS=${REPLAYS:-yes}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 3
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$O"/tests/unit/*; do
	[ -x "$t" ] || continue
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed before cmocka could count
	fi
	cat "$log"
	passed=$((passed + p))
	failed=$((failed + f))
done

# CLI scripts are independent (each works in its own scratch directories):
# run them side by side, one per core, and read their logs in order
jobs=$(nproc 2>/dev/null || echo 2)
logs=$(mktemp -d)
trap 'rm -rf "$log" "$logs"' EXIT
# shellcheck disable=SC2086
scripts=$(cd tests/cli && for c in $CLI; do printf 'tests/cli/%s\n' $c; done)
printf '%s\n' $scripts | xargs -P "$jobs" -I{} sh -c \
	'O="$1" sh "$2" >"$3/$(basename "$2").log" 2>&1; echo $? >"$3/$(basename "$2").rc"' \
	_ "$O" {} "$logs"
for t in $scripts; do
	name=$(basename "$t")
	cp "$logs/$name.log" "$log"
	rc=$(cat "$logs/$name.rc" 2>/dev/null || echo 1)
	line=$(grep '^# .*: [0-9]* passed, [0-9]* failed$' "$log" | tail -n 1)
	p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$line" | sed 's/.* \([0-9]*\) failed$/\1/')
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	grep -v '^ok ' "$log"
	passed=$((passed + p))
	failed=$((failed + f))
done

# every fuzz target replays its seed corpus: the fixtures and saved crashes
for r in "$O"/tests/replay/fuzz-*; do
	[ "$REPLAYS" = yes ] && [ -x "$r" ] || continue
	fmt=${r##*/fuzz-}
	dirs=
	for d in tests/fixtures/$fmt tests/fuzz/corpus/$fmt; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	if [ -z "$dirs" ]; then
		failed=$((failed + 1))
		echo "replay $fmt: no seeds (tests/fixtures/$fmt or tests/fuzz/corpus/$fmt)"
		continue
	fi
	# shellcheck disable=SC2086
	if "$r" $dirs >"$log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "replay $fmt failed:"
		cat "$log"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
