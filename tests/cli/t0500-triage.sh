#!/bin/sh
# posture triage: people move findings through the allowed transitions;
# every move is an event with who, when, why, from and to; decisions
# survive re-scans; anything else is refused with exit 2 and a reason.
. "$(dirname "$0")/lib.sh"

L=$FIXTURES/lifecycle

q() {
	sqlite3 posture.db "$1"
}

load() {
	posture ingest --app shop "$L/deps.json" >/dev/null
}

test_expect_success 'a finding moves open -> triaged -> in_progress -> wont_fix -> reopened' '
	load &&
	POSTURE_USER=alice posture triage 1 triaged --reason "confirmed on staging" >out &&
	posture triage 1 in_progress --reason "upgrade in PR 12" --by bob >>out &&
	posture triage "#1" wont_fix --reason "service retired in March" --by carol >>out &&
	POSTURE_NOW=2026-01-16T09:00:00Z posture triage 1 reopened --reason "retirement postponed" --by carol >>out &&
	cat >expected <<-\EOT &&
	finding 1: open -> triaged by alice: confirmed on staging
	finding 1: triaged -> in_progress by bob: upgrade in PR 12
	finding 1: in_progress -> wont_fix by carol: service retired in March
	finding 1: wont_fix -> reopened by carol: retirement postponed
	EOT
	test_cmp expected out &&
	q "SELECT datetime(at, '"'"'unixepoch'"'"'), type, from_value, to_value, actor, reason FROM events
	   WHERE finding_id = 1 ORDER BY id" >events &&
	cat >expected <<-\EOT &&
	2026-01-15 10:00:00|opened||open||
	2026-01-15 10:00:00|status|open|triaged|alice|confirmed on staging
	2026-01-15 10:00:00|status|triaged|in_progress|bob|upgrade in PR 12
	2026-01-15 10:00:00|status|in_progress|wont_fix|carol|service retired in March
	2026-01-16 09:00:00|reopened|wont_fix|reopened|carol|retirement postponed
	EOT
	test_cmp expected events &&
	test "$(q "SELECT status || recurrence FROM findings WHERE id = 1")" = reopened1
'

test_expect_success 'refused moves exit 2 with the reason and change nothing' '
	load &&
	q "SELECT * FROM findings; SELECT * FROM events" >before &&
	test_expect_code 2 posture triage 1 fixed --reason x 2>err &&
	test_expect_code 2 posture triage 1 risk_accepted --reason x 2>>err &&
	test_expect_code 2 posture triage 1 reopened --reason x 2>>err &&
	test_expect_code 2 posture triage 1 open --reason x 2>>err &&
	test_expect_code 2 posture triage 1 bogus --reason x 2>>err &&
	test_expect_code 2 posture triage 1 triaged 2>>err &&
	test_expect_code 2 posture triage 99 triaged --reason x 2>>err &&
	test_expect_code 2 posture triage x1 triaged --reason x 2>>err &&
	cat >expected <<-\EOT &&
	posture: error: triage: finding 1: '"'"'fixed'"'"' comes from scans: a newer full scan that no longer reports the finding (see docs/lifecycle.md)
	posture: error: triage: finding 1: a risk acceptance needs an approver and an expiry: use '"'"'posture accept'"'"'
	posture: error: triage: finding 1: the finding is open, not closed: only fixed, verified, risk_accepted, false_positive and wont_fix findings are reopened
	posture: error: triage: finding 1: the finding is already open
	posture: error: triage: '"'"'bogus'"'"' is not a status (triaged, in_progress, false_positive, wont_fix, reopened, open)
	posture: error: triage: --reason is required: say why
	posture: error: no finding with id 99
	posture: error: triage: '"'"'x1'"'"' is not a finding id
	EOT
	test_cmp expected err &&
	posture triage 1 false_positive --reason "test-only dependency" --by dan >/dev/null &&
	test_expect_code 2 posture triage 1 triaged --reason x 2>err &&
	echo "posture: error: triage: finding 1: a finding that is false_positive cannot become triaged: reopen it first ('"'"'reopened'"'"')" >expected &&
	test_cmp expected err
'

test_expect_success 'the actor is --by, else $POSTURE_USER, else the login name' '
	load &&
	posture triage 1 triaged --reason a --by zoe >/dev/null &&
	POSTURE_USER=yan posture triage 2 triaged --reason b >/dev/null &&
	(unset POSTURE_USER; posture triage 3 triaged --reason c >/dev/null) &&
	q "SELECT actor FROM events WHERE type = '"'"'status'"'"' ORDER BY id" >actors &&
	printf "zoe\nyan\n%s\n" "$(id -un)" >expected &&
	test_cmp expected actors
'

test_expect_success 'decisions survive re-scans; a fixed finding seen again reopens' '
	load &&
	posture triage 1 false_positive --reason "shaded, never loaded" --by eve >/dev/null &&
	posture triage 2 in_progress --reason "bumping" --by eve >/dev/null &&
	posture triage 3 wont_fix --reason "tests only" --by eve >/dev/null &&
	POSTURE_NOW=2026-01-16T00:00:00Z posture ingest --app shop "$L/deps.json" >/dev/null &&
	q "SELECT id || status FROM findings ORDER BY id" | tr "\n" " " >st &&
	printf "1false_positive 2in_progress 3wont_fix " >expected &&
	test_cmp expected st &&
	POSTURE_NOW=2026-01-17T00:00:00Z posture ingest --app shop "$L/deps-fixed.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = false_positive &&
	posture triage 1 reopened --reason "it is loaded after all" --by eve >/dev/null &&
	POSTURE_NOW=2026-01-18T00:00:00Z posture ingest --app shop "$L/deps.json" >/dev/null &&
	POSTURE_NOW=2026-01-18T01:00:00Z posture ingest --app shop "$L/deps-fixed.json" >/dev/null &&
	test "$(q "SELECT status || recurrence FROM findings WHERE id = 1")" = fixed1 &&
	POSTURE_NOW=2026-01-19T00:00:00Z posture ingest --app shop "$L/deps.json" >/dev/null &&
	test "$(q "SELECT status || recurrence FROM findings WHERE id = 1")" = reopened2
'

test_expect_success 'every failing step of a triage rolls it back' '
	load &&
	q "SELECT * FROM findings; SELECT * FROM events" >before &&
	n=1 &&
	while ! POSTURE_TEST_FAIL_STEP=$n "$POSTURE_BIN" triage 1 triaged --reason x >out 2>err; do
		grep -q "injected failure at step $n" err &&
		q "SELECT * FROM findings; SELECT * FROM events" >after &&
		test_cmp before after || return 1
		n=$((n + 1))
	done &&
	test $n -gt 3
'

test_done
