#!/bin/sh
# posture accept records exceptions that cover the findings they match now
# and later; at expiry the findings reopen with an 'expired' event;
# posture exceptions is the risk register; --revoke withdraws one.
. "$(dirname "$0")/lib.sh"

L=$FIXTURES/lifecycle

q() {
	sqlite3 posture.db "$1"
}

load() {
	posture ingest --app shop "$L/deps.json" >/dev/null
}

test_expect_success 'accept one finding, a CVE on an app, a rule on an app' '
	load &&
	posture accept 1 --reason "JNDI lookups disabled" --approver "ciso@acme.io" --expires 2026-03-01 --by alice >out &&
	posture accept --cve cve-2020-14343 --app shop --reason "yaml.load never called" --approver bob \
		--expires 2026-02-01 --by alice >>out &&
	posture accept --rule B101 --app shop --path "tests/*" --false-positive --reason "asserts in tests" \
		--approver bob --by alice >>out &&
	cat >expected <<-\EOT &&
	exception 1: risk_accepted until 2026-03-01T00:00:00Z, approved by ciso@acme.io; 1 finding covered now
	exception 2: risk_accepted until 2026-02-01T00:00:00Z, approved by bob; 1 finding covered now
	exception 3: false_positive until withdrawn, approved by bob; 1 finding covered now
	EOT
	test_cmp expected out &&
	q "SELECT id || status || exception_id FROM findings ORDER BY id" | tr "\n" " " >st &&
	printf "1risk_accepted1 2risk_accepted2 3false_positive3 " >expected &&
	test_cmp expected st &&
	q "SELECT type, from_value, to_value, actor, reason FROM events WHERE type = '"'"'accepted'"'"' ORDER BY id" >ev &&
	cat >expected <<-\EOT &&
	accepted|open|risk_accepted|ciso@acme.io|exception 1: JNDI lookups disabled
	accepted|open|risk_accepted|bob|exception 2: yaml.load never called
	accepted|open|false_positive|bob|exception 3: asserts in tests
	EOT
	test_cmp expected ev
'

test_expect_success 'the register lists exceptions, soonest to expire first' '
	load &&
	posture accept --cve CVE-2021-44228 --app shop --reason "JNDI lookups disabled" --approver ciso --expires 2026-03-01 --by alice >/dev/null &&
	posture accept --package pkg:pypi/pyyaml --app shop --reason "not reachable" --approver bob --expires 2026-01-20 --by alice >/dev/null &&
	posture exceptions >out &&
	cat >expected <<-\EOT &&
	ID   STATUS         STATE   EXPIRES              FINDINGS APPROVER           SOURCE
	2    risk_accepted  active  2026-01-20T00:00:00Z 1        bob                posture accept by alice
	      package=pkg:pypi/pyyaml app=shop
	      reason: not reachable
	1    risk_accepted  active  2026-03-01T00:00:00Z 1        ciso               posture accept by alice
	      vuln=CVE-2021-44228 app=shop
	      reason: JNDI lookups disabled
	EOT
	test_cmp expected out &&
	posture exceptions --expiring 7 --format csv >out &&
	cat >expected <<-\EOT &&
	id,status,state,selectors,reason,approver,expires,created_at,created_by,source,line,findings
	2,risk_accepted,active,package=pkg:pypi/pyyaml app=shop,not reachable,bob,2026-01-20T00:00:00Z,2026-01-15T10:00:00Z,alice,,,1
	EOT
	tr -d "\r" <out >out.lf &&
	test_cmp expected out.lf &&
	posture exceptions --active --format json | jq -c "[.[] | .id]" >ids &&
	echo "[2,1]" >expected &&
	test_cmp expected ids &&
	posture exceptions --expired --format jsonl >out &&
	test_must_be_empty() { test ! -s "$1"; } &&
	test_must_be_empty out
'

test_expect_success 'at expiry the findings reopen with an expired event; later ones are not covered' '
	load &&
	posture accept --cve CVE-2020-14343 --app shop --reason "not reachable" --approver bob --expires 2026-01-20 >/dev/null &&
	POSTURE_NOW=2026-01-21T00:00:00Z posture exceptions --expired >out &&
	grep -q "^1    risk_accepted  expired 2026-01-20T00:00:00Z 0 " out &&
	test "$(q "SELECT status FROM findings WHERE id = 2")" = reopened &&
	q "SELECT datetime(at, '"'"'unixepoch'"'"'), type, from_value, to_value, actor, reason FROM events
	   WHERE finding_id = 2 ORDER BY id DESC LIMIT 1" >ev &&
	echo "2026-01-20 00:00:00|expired|risk_accepted|reopened|posture|exception 1 expired" >expected &&
	test_cmp expected ev &&
	POSTURE_NOW=2026-01-22T00:00:00Z posture ingest --app shop "$L/deps.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 2")" = reopened
'

test_expect_success 'an exception covers matching findings that appear later' '
	posture ingest --app shop "$L/deps-fixed.json" >/dev/null &&
	posture accept --cve CVE-2021-44228 --app shop --reason "JNDI lookups disabled" --approver ciso --expires 2026-03-01 >out &&
	grep -q "; 0 findings covered now$" out &&
	POSTURE_NOW=2026-01-16T00:00:00Z posture ingest --app shop "$L/deps.json" >out &&
	grep -q ", 1 covered by exceptions; dedupe 1.00 (3 evidence in 3 findings) (scan 2" out &&
	test "$(q "SELECT status FROM findings WHERE rule_id = '"'"'CVE-2021-44228'"'"'")" = risk_accepted
'

test_expect_success 'revoking an exception reopens its findings; triage cannot reopen a covered one' '
	load &&
	posture accept 2 --reason "r" --approver bob --expires 2026-02-01 >/dev/null &&
	test_expect_code 2 posture triage 2 reopened --reason x 2>err &&
	echo "posture: error: triage: finding 2 is risk_accepted by exception 1: revoke it ('"'"'posture exceptions --revoke 1'"'"') or remove it from its file" >expected &&
	test_cmp expected err &&
	posture exceptions --revoke 1 --reason "the WAF rule was removed" >out &&
	echo "exception 1 revoked: the WAF rule was removed; 1 finding reopened" >expected &&
	test_cmp expected out &&
	test "$(q "SELECT status || coalesce(exception_id, 0) FROM findings WHERE id = 2")" = reopened0 &&
	test_expect_code 2 posture exceptions --revoke 1 --reason again 2>err &&
	echo "posture: error: exceptions: --revoke: no exception 1 in force" >expected &&
	test_cmp expected err
'

test_expect_success 'bad input exits 2 and records nothing' '
	load &&
	test_expect_code 2 posture accept 1 --reason r --approver a 2>err &&
	test_expect_code 2 posture accept 1 --reason r --approver a --expires 2026-01-01 2>>err &&
	test_expect_code 2 posture accept --rule B101 --reason r --approver a --expires 2026-03-01 2>>err &&
	test_expect_code 2 posture accept --cve log4shell --app shop --reason r --approver a --expires 2026-03-01 2>>err &&
	test_expect_code 2 posture accept --package pkg:npm/x@1.0 --app shop --reason r --approver a --expires 2026-03-01 2>>err &&
	test_expect_code 2 posture accept 1 --approver a --expires 2026-03-01 2>>err &&
	test_expect_code 2 posture accept 1 --reason r --expires 2026-03-01 2>>err &&
	test_expect_code 2 posture accept 42 --reason r --approver a --expires 2026-03-01 2>>err &&
	test_expect_code 2 posture accept --rule B101 --app nope --reason r --approver a --expires 2026-03-01 2>>err &&
	test_expect_code 2 posture accept 1 --reason r --approver a --expires someday 2>>err &&
	cat >expected <<-\EOT &&
	posture: error: accept: --expires is required for a risk acceptance (a date, YYYY-MM-DD)
	posture: error: accept: --expires 2026-01-01 is not in the future
	posture: error: accept: --app is required with --rule, --cve or --package
	posture: error: accept: '"'"'log4shell'"'"' is not a vulnerability id (CVE-..., GHSA-..., or an OSV id)
	posture: error: accept: '"'"'pkg:npm/x@1.0'"'"' names a version, qualifiers or a subpath: an exception covers every version of a package (write '"'"'pkg:npm/x'"'"')
	posture: error: accept: --reason is required: say why
	posture: error: accept: --approver is required: who approved it
	posture: error: accept: no finding with id 42
	posture: error: accept: no app called '"'"'nope'"'"'
	EOT
	head -n 9 err >err9 &&
	test_cmp expected err9 &&
	grep -q "^posture: error: accept: --expires: " err &&
	test "$(q "SELECT count(*) FROM exceptions")" = 0
'

test_expect_success 'when one exception expires, another that matches takes over' '
	load &&
	posture accept 2 --reason "short" --approver bob --expires 2026-01-20 >/dev/null &&
	posture accept --package pkg:pypi/pyyaml --app shop --reason "long" --approver ciso --expires 2026-06-01 >/dev/null &&
	test "$(q "SELECT status || exception_id FROM findings WHERE id = 2")" = risk_accepted1 &&
	POSTURE_NOW=2026-01-21T00:00:00Z posture ingest --app other "$L/deps.json" >/dev/null &&
	test "$(q "SELECT status || exception_id FROM findings WHERE id = 2")" = risk_accepted2 &&
	q "SELECT type || \" \" || to_value FROM events WHERE finding_id = 2 ORDER BY id" >ev &&
	printf "opened open\naccepted risk_accepted\nexpired reopened\naccepted risk_accepted\n" >expected &&
	test_cmp expected ev
'

test_expect_success 'every failing step of an accept rolls it back' '
	load &&
	q "SELECT * FROM findings; SELECT * FROM events; SELECT * FROM exceptions" >before &&
	n=1 &&
	while ! POSTURE_TEST_FAIL_STEP=$n "$POSTURE_BIN" accept --cve CVE-2021-44228 --app shop --reason r \
			--approver a --expires 2026-03-01 >out 2>err; do
		grep -q "injected failure at step $n" err &&
		q "SELECT * FROM findings; SELECT * FROM events; SELECT * FROM exceptions" >after &&
		test_cmp before after || return 1
		n=$((n + 1))
	done &&
	test $n -gt 3
'

test_done
