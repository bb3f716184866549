#!/bin/sh
# The policy's gate modes: block_recurrence is read, shown by 'posture policy
# show' (which prints a file that reads back the same) and rejected when
# misspelt, with the place named (exit 2).
. "$(dirname "$0")/lib.sh"

test_expect_success 'block_recurrence: read, shown, and shown the same again' '
	printf "gate:\n  medium: block_recurrence\n  low: warn\n" >p.yaml &&
	posture policy show --file p.yaml >out &&
	sed -n "/^gate:/,\$p" out >gate &&
	cat >expected <<-\EOT &&
	gate:
	  critical: block
	  high: block
	  medium: block_recurrence
	  low: warn
	EOT
	test_cmp expected gate &&
	posture policy show --file out >again &&
	test_cmp out again
'

test_expect_success 'an unknown gate mode: exit 2, file:line:column, the modes there are' '
	printf "gate:\n  high: block-recurrence\n" >p.yaml &&
	test_expect_code 2 posture policy show --file p.yaml 2>err &&
	echo "posture: error: p.yaml:2:9: gate.high: '"'"'block-recurrence'"'"' is not a gate mode (block, block_recurrence, warn, off)" >expected &&
	test_cmp expected err
'

test_done
