#!/bin/sh
# posture report --format json|csv: the figures (trend, MTTR, SLA, riskiest
# apps, groups, compliance) and every field of every finding in scope.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/report/setup.sh"

test_expect_success 'an app as JSON: figures and findings' '
	report_setup &&
	posture report --app shop --format json >actual &&
	test_cmp "$FIXTURES/report/app-shop.expected.json" actual
'

test_expect_success 'the embedded metrics are those of posture metrics over the last 30 days' '
	report_setup &&
	posture report --app shop --format json | jq -c .metrics >actual &&
	posture metrics --app shop --since 2025-12-17 --format json | jq -c . >expected &&
	test_cmp expected actual
'

test_expect_success 'the portfolio as CSV: every finding, every field' '
	report_setup &&
	posture report --portfolio --format csv >actual &&
	test_cmp "$FIXTURES/report/portfolio.expected.csv" actual
'

test_expect_success 'the JSON findings are those of findings --format json' '
	report_setup &&
	posture report --portfolio --format json | jq -c ".findings" >actual &&
	posture findings --status all --format json | jq -c . >expected &&
	test_cmp expected actual
'

test_expect_success 'a team: its apps, its figures' '
	report_setup &&
	posture report --team pay-team --format json >r.json &&
	jq -c "[.report.scope, .report.name, .summary.findings, .summary.active, .metrics.scope.team,
		.metrics.sla.open_within, .metrics.sla.open_breached, .metrics.activity.opened,
		[.riskiest_apps[].app], [.findings[].app] ]" r.json >actual &&
	echo "[\"team\",\"pay-team\",2,2,\"pay-team\",2,0,2,[\"pay\"],[\"pay\",\"pay\"]]" >expected &&
	test_cmp expected actual
'

test_expect_success '--output writes the file whole and leaves nothing else' '
	report_setup &&
	umask 027 &&
	posture report --app shop --format json --output out.json >stdout &&
	test_cmp "$FIXTURES/report/app-shop.expected.json" out.json &&
	test "$(stat -c %a out.json)" = 640 &&
	test ! -s stdout &&
	test "$(ls | grep -v "^posture.db" | tr "\n" " ")" = "out.json stdout "
'

test_expect_success 'an output that cannot be created is an I/O error; nothing is left behind' '
	report_setup &&
	test_expect_code 3 posture report --portfolio --output nodir/r.html 2>err &&
	grep -q "^posture: error: nodir/r.html: cannot create: No such file or directory$" err &&
	test ! -e nodir
'

test_expect_success 'usage errors' '
	report_setup &&
	test_expect_code 2 posture report 2>err &&
	echo "posture: error: report: say what to report on: --portfolio, --team TEAM or --app APP" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture report --portfolio --app shop 2>err &&
	echo "posture: error: report: give one of --portfolio, --team and --app" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture report --app shop --format xml 2>err &&
	echo "posture: error: report: --format must be html, json or csv, not '\''xml'\''" >expected &&
	test_cmp expected err &&
	test_expect_code 2 posture report --app shop extra 2>err &&
	echo "posture: error: report: unexpected argument '\''extra'\''" >expected &&
	test_cmp expected err &&
	posture report --help >help && grep -q "^usage: posture report (--portfolio" help
'

test_done
