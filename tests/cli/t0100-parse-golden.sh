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

# stdout and stderr on one pipe (a CI log): each file's warning or error
# comes after the lines of the files before it, although lines are
# written in blocks
S=$FIXTURES/sarif
test_expect_success 'warnings and errors keep their place among the lines on one pipe' '
	posture parse "$S/codeql-csharp-packs.sarif" "$S/codeql-extensions.sarif" >out 2>&1 &&
	sed -n 6p out | grep -q "^posture: warning: .*codeql-extensions.sarif: runs\[0\]: tool error" &&
	test "$(head -n 5 out | grep -c "\"tool_version\":\"2.20.1\"")" = 5 &&
	test "$(wc -l <out)" = 10 &&
	test_expect_code 2 posture parse "$S/codeql-csharp-packs.sarif" "$S/truncated.bad.sarif" >out 2>&1 &&
	test "$(wc -l <out)" = 6 &&
	sed -n 6p out | grep -q "^posture: error: .*truncated.bad.sarif"
'

test_done
