#!/bin/sh
# posture report --compliance: findings per OWASP Top 10 2021 category, CWE
# Top 25 (2024) weakness and PCI DSS v4.0 requirement (docs/compliance.md).
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/report/setup.sh"

test_expect_success 'the portfolio view, as a table' '
	report_setup &&
	posture report --compliance >actual &&
	test_cmp "$FIXTURES/report/compliance.expected.txt" actual
'

test_expect_success 'one app, as JSON and CSV' '
	report_setup &&
	posture report --compliance --app pay --format json >actual.json &&
	jq -c ".scope, .name, (.categories | length)" actual.json >actual &&
	printf "\"app\"\n\"pay\"\n39\n" >expected &&
	test_cmp expected actual &&
	jq -c ".categories[] | select(.total > 0) | [.framework, .id, .active, .critical_high, .resolved, .total]" \
		actual.json >actual &&
	cat >expected <<-\EOF &&
	["owasp-top10-2021","A01:2021",1,1,0,1]
	["pci-dss-4.0","6.2.4",1,1,0,1]
	["pci-dss-4.0","6.3.1",1,1,0,1]
	["pci-dss-4.0","6.3.3",1,1,0,1]
	["pci-dss-4.0","11.3",1,1,0,1]
	EOF
	test_cmp expected actual &&
	posture report --compliance --app pay --format csv >actual.csv &&
	head -n 2 actual.csv >actual &&
	printf "framework,id,name,active,critical_high,resolved,total\r\nowasp-top10-2021,A01:2021,Broken Access Control,1,1,0,1\r\n" >expected &&
	test_cmp expected actual &&
	grep -c "" actual.csv >count && echo 40 >expected && test_cmp expected count
'

test_expect_success 'a team: its apps only' '
	report_setup &&
	posture report --compliance --team web-team --format csv | grep "^pci" >actual &&
	cat >expected <<-\EOF &&
	pci-dss-4.0,6.2.4,Software engineering techniques prevent common software attacks,4,3,1,5
	pci-dss-4.0,6.3.1,Security vulnerabilities are identified and ranked,2,1,1,3
	pci-dss-4.0,6.3.3,Critical and high security patches within one month of release,1,1,1,2
	pci-dss-4.0,11.3,External and internal vulnerabilities are identified and addressed,1,0,0,1
	EOF
	tr -d "\r" <actual >actual.lf && test_cmp expected actual.lf
'

test_expect_success 'unknown scopes and formats are usage errors' '
	report_setup &&
	test_expect_code 2 posture report --compliance --app nope 2>err &&
	echo "posture: error: no app called '\''nope'\''" >expected && test_cmp expected err &&
	test_expect_code 2 posture report --compliance --team nope 2>err &&
	echo "posture: error: no team '\''nope'\'' (see posture.yaml)" >expected && test_cmp expected err &&
	test_expect_code 2 posture report --compliance --format html 2>err &&
	echo "posture: error: report: --format must be table, json or csv with --compliance, not '\''html'\''" >expected &&
	test_cmp expected err
'

test_done
