#!/bin/sh
# Golden parser tests, as data: tests/fixtures/<format>/<case>.<ext> with
#   <case>.expected.jsonl  the exact `posture parse --tool <format>` output, or
#   <case>.expected.err    the exact stderr of a failing parse (exit 2).
# Run scripts/update-golden.sh to regenerate after a deliberate change,
# then read the diff.
. "$(dirname "$0")/lib.sh"

for expected in "$FIXTURES"/*/*.expected.jsonl "$FIXTURES"/*/*.expected.err; do
	[ -f "$expected" ] || continue
	dir=$(dirname "$expected")
	fmt=$(basename "$dir")
	case "$expected" in
	*.jsonl) stem=$(basename "$expected" .expected.jsonl) ;;
	*) stem=$(basename "$expected" .expected.err) ;;
	esac
	input=
	for f in "$dir/$stem".*; do
		case "$f" in
		*.expected.jsonl | *.expected.err) ;;
		*) input=$(basename "$f") ;;
		esac
	done
	if [ -z "$input" ]; then
		test_expect_success "$fmt/$stem has an input" 'false'
		continue
	fi
	case "$expected" in
	*.jsonl)
		test_expect_success "parse $fmt/$input" "
			(cd '$dir' && posture parse --tool '$fmt' '$input') >actual &&
			test_cmp '$expected' actual
		"
		;;
	*)
		test_expect_success "parse $fmt/$input fails cleanly" "
			(cd '$dir' && test_expect_code 2 posture parse --tool '$fmt' '$input') >out 2>err &&
			test_cmp '$expected' err &&
			test ! -s out
		"
		;;
	esac
done

test_done
