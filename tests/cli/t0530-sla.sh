#!/bin/sh
# SLA clocks: due = when the finding reached its tier + the policy's days;
# a raise counts from the raise, never later than before; a KEV dueDate
# tightens it (policy switch kev_due_date); a reopen starts a new clock; a
# risk acceptance pauses it. posture sla lists what is due, with filters.
. "$(dirname "$0")/lib.sh"

L=$FIXTURES/lifecycle

q() {
	sqlite3 posture.db "$1"
}

due() {
	q "SELECT id || ' ' || datetime(sla_due, 'unixepoch') FROM findings WHERE id = $1"
}

load() {
	posture inventory load "$L/shop.yaml" >/dev/null &&
	posture ingest --app shop "$L/deps.json" >/dev/null
}

# clocks in findings_sla_pending (its own WHERE, so that SQLite may use it)
pending() {
	q "SELECT count(*) FROM findings INDEXED BY findings_sla_pending WHERE tier IS NOT NULL
		AND (status = 'open' OR status = 'triaged' OR status = 'in_progress'
		     OR status = 'reopened' OR status = 'risk_accepted')
		AND (sla_tier IS NOT tier OR sla_recurrence IS NOT recurrence
		     OR (status = 'risk_accepted') <> (sla_paused_at IS NOT NULL))"
}

# a KEV catalog that lists CVE-2020-14343, due 2026-01-25
kev() {
	sed -e "s/CVE-2024-57727/CVE-2020-14343/" -e "s/\"2025-03-06\"/\"2026-01-25\"/" \
		"$FIXTURES/kev/known_exploited_vulnerabilities.json" >kev.json
}

test_expect_success 'due dates from the tier and first seen; posture sla lists them soonest first' '
	load &&
	POSTURE_NOW=2026-02-20T00:00:00Z posture sla >out &&
	cat >expected <<-\EOT &&
	ID    APP          OWNER        TIER     STATUS        DUE                  LEFT               TITLE
	1     shop         shop-team    high     open          2026-02-14T10:00:00Z 6d overdue         log4j-core: remote code execution (Log4Shell)
	2     shop         shop-team    high     open          2026-02-14T10:00:00Z 6d overdue         PyYAML: arbitrary code execution
	3     shop         shop-team    medium   open          2026-04-15T10:00:00Z 54d left           Use of assert detected
	3 findings, 2 overdue
	EOT
	test_cmp expected out &&
	POSTURE_NOW=2026-02-20T00:00:00Z posture sla --breached --format jsonl | jq -c "[.id, .breached, .seconds_left]" >out &&
	printf "[1,true,-482400]\n[2,true,-482400]\n" >expected &&
	test_cmp expected out &&
	posture sla --due-within 31 --team shop-team --format csv | tr -d "\r" | cut -d, -f1,4,7,9,10 >out &&
	cat >expected <<-\EOT &&
	id,tier,sla_due,seconds_left,breached
	1,high,2026-02-14T10:00:00Z,2592000,false
	2,high,2026-02-14T10:00:00Z,2592000,false
	EOT
	test_cmp expected out &&
	posture sla --app nope >out &&
	tail -n 1 out >last &&
	echo "0 findings, 0 overdue" >expected &&
	test_cmp expected last &&
	posture findings --format json | jq -r ".[] | [.id, .sla_due] | @tsv" >out &&
	printf "1\t2026-02-14T10:00:00Z\n2\t2026-02-14T10:00:00Z\n3\t2026-04-15T10:00:00Z\n" >expected &&
	test_cmp expected out
'

test_expect_success 'a tier raise counts from the raise, never later; KEV dueDate tightens it' '
	load &&
	kev &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture feeds import kev kev.json >/dev/null &&
	q "SELECT id || tier FROM findings ORDER BY id" | tr "\n" " " >tiers &&
	printf "1critical 2critical 3medium " >expected &&
	test_cmp expected tiers &&
	test "$(due 1)" = "1 2021-12-24 00:00:00" &&
	test "$(due 2)" = "2 2026-01-25 00:00:00" &&
	test "$(due 3)" = "3 2026-04-15 10:00:00" &&
	printf "kev_due_date: false\n" >posture-policy.yaml &&
	rm posture.db &&
	load &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture feeds import kev kev.json >/dev/null &&
	test "$(due 1)" = "1 2026-01-27 00:00:00" &&
	test "$(due 2)" = "2 2026-01-27 00:00:00"
'

test_expect_success 'a tier drop keeps the later of the old due date and start + the new days' '
	load &&
	kev &&
	printf "kev_due_date: false\n" >posture-policy.yaml &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture feeds import kev kev.json >/dev/null &&
	test "$(due 2)" = "2 2026-01-27 00:00:00" &&
	POSTURE_NOW=2026-01-22T00:00:00Z posture feeds import --force kev "$FIXTURES/kev/empty.json" >/dev/null &&
	test "$(q "SELECT tier FROM findings WHERE id = 2")" = high &&
	test "$(due 2)" = "2 2026-02-14 10:00:00"
'

test_expect_success 'a reopen starts a new clock; a risk acceptance pauses it' '
	load &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app shop "$L/deps-fixed.json" >/dev/null &&
	POSTURE_NOW=2026-02-04T10:00:00Z posture accept 2 --reason r --approver a --expires 2026-03-01 >/dev/null &&
	POSTURE_NOW=2026-02-20T00:00:00Z posture sla --app shop >out &&
	grep "^2  " out >row &&
	echo "2     shop         shop-team    high     risk_accepted 2026-02-14T10:00:00Z paused, 10d left   PyYAML: arbitrary code execution" >expected &&
	test_cmp expected row &&
	POSTURE_NOW=2026-03-01T00:00:00Z posture ingest --app shop "$L/deps.json" >/dev/null &&
	test "$(due 1)" = "1 2026-03-31 00:00:00" &&
	POSTURE_NOW=2026-03-02T00:00:00Z posture sla >/dev/null &&
	test "$(due 2)" = "2 2026-03-11 00:00:00"
'

test_expect_success 'clocks follow a new KEV dueDate and a policy switch, not only a new tier' '
	load &&
	kev &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture feeds import kev kev.json >/dev/null &&
	test "$(due 2)" = "2 2026-01-25 00:00:00" &&
	test "$(q "SELECT value FROM meta WHERE key = '"'"'sla_kev_checked'"'"'")" = kev:1 &&
	sed "s/\"2026-01-25\"/\"2026-01-24\"/" kev.json >kev2.json &&
	POSTURE_NOW=2026-01-21T00:00:00Z posture feeds import kev kev2.json >/dev/null &&
	test "$(q "SELECT tier FROM findings WHERE id = 2")" = critical &&
	test "$(due 2)" = "2 2026-01-24 00:00:00" &&
	printf "kev_due_date: false\n" >posture-policy.yaml &&
	POSTURE_NOW=2026-01-22T00:00:00Z posture sla >/dev/null &&
	test "$(q "SELECT count(*) FROM findings WHERE sla_kev_due IS NOT NULL")" = 0 &&
	test "$(q "SELECT value FROM meta WHERE key = '"'"'sla_kev_checked'"'"'")" = off
'

test_expect_success 'after upkeep no clock is pending: the partial index is empty' '
	load &&
	test "$(pending)" = 0 &&
	test "$(q "SELECT count(*) FROM findings WHERE sla_due IS NOT NULL")" = 3
'

test_expect_success 'bad options exit 2' '
	load &&
	test_expect_code 2 posture sla --breached --due-within 3 2>err &&
	test_expect_code 2 posture sla --team a --app b 2>>err &&
	test_expect_code 2 posture sla --format xml 2>>err &&
	cat >expected <<-\EOT &&
	posture: error: sla: give --breached or --due-within, not both
	posture: error: sla: give --team or --app, not both
	posture: error: sla: --format must be table, json, jsonl or csv, not '"'"'xml'"'"'
	EOT
	test_cmp expected err
'

test_done
