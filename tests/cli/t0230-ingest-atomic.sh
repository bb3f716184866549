#!/bin/sh
# An ingest that fails at any database step leaves nothing half-written:
# every statement of a small ingest is made to fail in turn
# (POSTURE_TEST_FAIL_STEP), and the database must look as it did before.
. "$(dirname "$0")/lib.sh"

snapshot() {
	sqlite3 "$POSTURE_DB" .dump
}

test_expect_success 'every failing step rolls the whole file back' '
	cp "$FIXTURES/sarif/semgrep-two-runs-late-tool.sarif" first.sarif &&
	cp "$FIXTURES/sarif/codeql-extensions.sarif" second.sarif &&
	posture ingest --app shop first.sarif >/dev/null &&
	snapshot >before &&
	steps=0 &&
	n=1 &&
	while :; do
		POSTURE_TEST_FAIL_STEP=$n "$POSTURE_BIN" ingest --app shop second.sarif >out 2>err
		rc=$?
		if [ $rc -eq 0 ]; then
			break
		fi
		test $rc -eq 3 || { echo "step $n: exit $rc"; cat err; exit 1; }
		grep -q "injected failure at step $n" err || { cat err; exit 1; }
		snapshot >after &&
		test_cmp before after || { echo "after failing step $n"; exit 1; }
		steps=$n
		n=$((n + 1))
	done &&
	echo "checked $steps failing steps" &&
	test $steps -gt 15 &&
	posture findings --status all --format jsonl | wc -l >count &&
	echo 8 >expected &&
	test_cmp expected count
'

test_done
