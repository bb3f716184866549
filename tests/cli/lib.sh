# Tiny test library for posture's CLI tests, in the spirit of git's t/test-lib.sh.
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it checks' '
#       posture parse x.sarif >actual &&
#       test_cmp expected actual
#   '
#   test_done
#
# Each test runs in a fresh scratch directory ($TRASH) with POSTURE_DB and
# POSTURE_NOW set, so tests are independent and deterministic.

set -u
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$TEST_DIR/../.." && pwd)
FIXTURES=$ROOT/tests/fixtures
CORPUS=${POSTURE_CORPUS:-$ROOT/../shared/corpus}
POSTURE_BIN=${POSTURE_BIN:-$ROOT/${O:-build}/posture}
[ -x "$POSTURE_BIN" ] || { echo "lib.sh: no posture binary at $POSTURE_BIN" >&2; exit 1; }
test_name=$(basename "$0" .sh)
TRASH_ROOT=${TMPDIR:-/tmp}/posture-test.$test_name.$$
rm -rf "$TRASH_ROOT"
mkdir -p "$TRASH_ROOT"
trap 'rm -rf "$TRASH_ROOT"' EXIT
test_count=0
test_failed=0
export POSTURE_NOW=2026-01-15T10:00:00Z
export POSTURE_SECRET_KEY=posture-test-key
export LC_ALL=C

posture() {
	"$POSTURE_BIN" "$@"
}

test_cmp() {
	diff -u "$1" "$2"
}

# test_expect_code CODE CMD...: run CMD, succeed only if it exits with CODE.
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "expected exit code $want, got $got: $*" >&2
		return 1
	fi
	return 0
}

test_expect_success() {
	test_count=$((test_count + 1))
	TRASH=$TRASH_ROOT/t$test_count
	mkdir -p "$TRASH"
	if (cd "$TRASH" && export POSTURE_DB="$TRASH/posture.db" && eval "$2") >"$TRASH_ROOT/out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		printf '%s\n' "$2" | sed 's/^/#   /'
		tail -n 20 "$TRASH_ROOT/out" | sed 's/^/#   > /'
	fi
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1"
}

test_done() {
	echo "# $test_name: $((test_count - test_failed)) passed, $test_failed failed"
	[ "$test_failed" -eq 0 ]
	exit $?
}
