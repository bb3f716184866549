#!/bin/sh
# Gate runs on a database are recorded with what blocked and what would have
# blocked (a new warning in a tier not in block mode); 'posture gate
# --history [--app A]' sums them per tier and rule. No database: nothing to
# show (exit 2); runs without a database record nothing.
. "$(dirname "$0")/lib.sh"

setup() {
	cp "$FIXTURES/trivy/fs-repo.json" "$FIXTURES/semgrep/oss.json" . &&
	posture ingest --app web fs-repo.json >/dev/null &&
	posture ingest --app api oss.json >/dev/null 2>&1
}

test_expect_success 'per tier and rule: runs, would-block and blocked counts' '
	setup &&
	test_expect_code 1 posture gate --app web >/dev/null &&
	test_expect_code 1 posture gate --app web >/dev/null &&
	POSTURE_NOW=2026-01-16T10:00:00Z posture gate --app web --baseline 1 >/dev/null &&
	posture gate --app api >/dev/null &&
	posture gate --history >out &&
	cat >expected <<-\EOT &&
	gate runs: 4, blocked 2, would have blocked 1 more

	TIER      RUNS  WOULD_BLOCK  BLOCKED  LAST                  RULE
	high         2            0        2  2026-01-15T10:00:00Z  github-pat
	high         2            0        2  2026-01-15T10:00:00Z  private-key
	medium       2            2        0  2026-01-15T10:00:00Z  AVD-AWS-0086
	medium       2            2        0  2026-01-15T10:00:00Z  CVE-2021-23337
	medium       2            2        0  2026-01-15T10:00:00Z  DS002
	medium       2            2        0  2026-01-15T10:00:00Z  GHSA-vh95-rmgr-6w4m
	medium       2            2        0  2026-01-15T10:00:00Z  license:GPL-2.0-only
	medium       1            1        0  2026-01-15T10:00:00Z  python.django.security.injection.sql.sql-injection-using-raw.sql-injection-using-raw
	EOT
	test_cmp expected out &&
	posture gate --history --app api >out &&
	cat >expected <<-\EOT &&
	gate runs of api: 1, blocked 0, would have blocked 1 more

	TIER      RUNS  WOULD_BLOCK  BLOCKED  LAST                  RULE
	medium       1            1        0  2026-01-15T10:00:00Z  python.django.security.injection.sql.sql-injection-using-raw.sql-injection-using-raw
	EOT
	test_cmp expected out
'

test_expect_success 'each run is one row with its verdict; items only for block and would-block' '
	setup &&
	posture gate --app web --baseline 1 >/dev/null &&
	posture gate --app web --report fs-repo.json --report oss.json --baseline 1 --format sarif \
		>/dev/null 2>&1 &&
	test_expect_code 1 posture gate --app web --format junit >/dev/null &&
	sqlite3 posture.db "SELECT id, app, source, coalesce(baseline, '"'"'-'"'"'), verdict, findings, blocking, warnings, would_block FROM gate_runs" >runs &&
	cat >expected <<-\EOT &&
	1|web|database|scan 1|warn|8|0|7|0
	2|web|reports|scan 1|warn|12|0|8|1
	3|web|database|-|block|8|2|5|5
	EOT
	test_cmp expected runs &&
	sqlite3 posture.db "SELECT run_id, tier, decision, would_block, coalesce(finding_id, 0) FROM gate_run_items ORDER BY run_id, decision, finding_id" >items &&
	cat >expected <<-\EOT &&
	2|medium|warn|1|0
	3|high|block|0|6
	3|high|block|0|7
	3|medium|warn|1|1
	3|medium|warn|1|2
	3|medium|warn|1|3
	3|medium|warn|1|5
	3|medium|warn|1|8
	EOT
	test_cmp expected items
'

test_expect_success 'no history before any run; none without a database' '
	setup &&
	posture gate --history --app web >out &&
	echo "gate runs of web: 0, blocked 0, would have blocked 0 more" >expected &&
	test_cmp expected out &&
	rm posture.db &&
	test_expect_code 2 posture gate --history 2>err &&
	echo "posture: error: gate: --history needs the database ('"'"'$TRASH/posture.db'"'"' does not exist)" >expected &&
	test_cmp expected err &&
	cp "$FIXTURES/semgrep/oss.json" . &&
	posture gate --no-db --app api --report oss.json >/dev/null 2>&1 &&
	! test -e posture.db
'

test_done
