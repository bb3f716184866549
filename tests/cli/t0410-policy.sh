#!/bin/sh
# posture policy show: the built-in policy is the documented default file;
# a policy file beside the database or in $POSTURE_POLICY is merged over it;
# errors name the file, line and column (exit 2).
. "$(dirname "$0")/lib.sh"

test_expect_success 'show: the built-in policy is tests/fixtures/policy/default.yaml' '
	posture policy show >out &&
	test_cmp "$FIXTURES/policy/default.yaml" out
'

test_expect_success 'show: the built-in policy is the one docs/risk.md prints' '
	posture policy show >out &&
	sed -n "/^<!-- policy:begin -->$/,/^<!-- policy:end -->$/p" "$ROOT/docs/risk.md" |
		sed "1,2d;\$d" | sed "\$d" >doc &&
	test_cmp doc out
'

test_expect_success 'show: posture-policy.yaml beside the database, merged over the defaults' '
	cp "$FIXTURES/policy/strict.yaml" posture-policy.yaml &&
	posture policy show >out &&
	grep -q "^    internet: 20$" out &&
	grep -q "^    partner: 5$" out &&
	grep -q "^    dmz: 10$" out &&
	grep -q "^  critical: 60$" out &&
	grep -q "^  - name: kev-critical$" out &&
	! grep -q "kev-internet-sensitive" out &&
	grep -q "^  medium: block$" out &&
	posture policy show --digest >d &&
	grep -q "^[0-9a-f]\{64\} $TRASH/posture-policy.yaml$" d
'

test_expect_success 'show: what it prints is a policy file that prints the same' '
	posture policy show --file "$FIXTURES/policy/strict.yaml" >once &&
	posture policy show --file once >twice &&
	test_cmp once twice &&
	posture policy show --file once --digest | cut -d" " -f1 >d1 &&
	posture policy show --file "$FIXTURES/policy/strict.yaml" --digest | cut -d" " -f1 >d2 &&
	test_cmp d1 d2
'

test_expect_success 'show: $POSTURE_POLICY wins over the file beside the database' '
	cp "$FIXTURES/policy/strict.yaml" posture-policy.yaml &&
	POSTURE_POLICY="$FIXTURES/policy/default.yaml" posture policy show >out &&
	test_cmp "$FIXTURES/policy/default.yaml" out
'

test_expect_success 'bad policy files: exit 2, file:line:column and what is wrong' '
	cp "$FIXTURES/policy/unknown-key.bad.yaml" posture-policy.yaml &&
	test_expect_code 2 posture policy show >out 2>err &&
	echo "posture: error: $TRASH/posture-policy.yaml:2:15: rules[0]: unknown key '"'"'tier_at_lest'"'"' (expected name, description, when, tier, tier_at_least, tier_at_most)" >expected &&
	test_cmp expected err &&
	test ! -s out &&
	test_expect_code 2 posture policy show --file "$FIXTURES/policy/indent.bad.yaml" 2>err &&
	echo "posture: error: $FIXTURES/policy/indent.bad.yaml:3:7: invalid YAML: mapping values are not allowed in this context" >expected &&
	test_cmp expected err &&
	test_expect_code 2 env POSTURE_POLICY=nope.yaml "$POSTURE_BIN" policy show 2>err &&
	echo "posture: error: policy file '"'"'nope.yaml'"'"' does not exist" >expected &&
	test_cmp expected err
'

test_expect_success 'usage' '
	test_expect_code 2 posture policy 2>err &&
	grep -q "^usage: posture policy" err &&
	test_expect_code 2 posture policy apply 2>err &&
	grep -q "'"'"'apply'"'"' is not a policy command" err &&
	posture policy show --help | grep -q "^usage: posture policy show"
'

test_done
