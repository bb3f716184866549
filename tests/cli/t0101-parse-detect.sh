#!/bin/sh
# Every fixture is detected as the format of the directory it lives in,
# without --tool: detectors must not claim each other's documents.
. "$(dirname "$0")/lib.sh"

# only report formats: other fixture directories (cvss, feeds) hold other inputs
formats=" $(posture parse --list | awk '{ printf "%s ", $1 }')"
for dir in "$FIXTURES"/*/; do
	fmt=$(basename "$dir")
	case "$formats" in
	*" $fmt "*) ;;
	*) continue ;;
	esac
	for f in "$dir"*; do
		case "$f" in
		*.expected.jsonl | *.expected.err | *.bad.* | *.md) continue ;;
		esac
		name=$(basename "$f")
		test_expect_success "detect $fmt/$name" "
			echo '$fmt' >expected &&
			posture parse --detect '$f' >actual &&
			test_cmp expected actual
		"
	done
done

test_done
