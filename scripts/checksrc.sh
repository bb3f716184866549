#!/bin/sh
# Style gate for src/ and tests/: banned calls (see src/banned.h; raw
# allocation is allowed only in util/alloc.c), C++ comments, trailing white
# space, tabs for indentation, and lines longer than 120 columns.
# Prints each problem as FILE:LINE: message; exits 1 if there is any.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
status=0
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 2>/dev/null || find src tests -name '*.[ch]')
for f in $files; do
	[ -f "$f" ] || continue
	awk -v file="$f" '
	function report(msg) { printf "%s:%d: %s\n", file, FNR, msg; bad = 1 }
	{
		line = $0
		if (length(line) > 120)
			report("line longer than 120 columns")
		if (line ~ /[ \t]+$/)
			report("trailing white space")
		if (line ~ /^ +[^ *]/)
			report("indented with spaces")
		code = line
		gsub(/"([^"\\]|\\.)*"/, "\"\"", code)
		gsub(/\/\*.*\*\//, "", code)
		if (code ~ /^[ \t]*\*/ || code ~ /\/\*/)
			code = ""
		if (code ~ /(^|[^:])\/\//)
			report("C++ comment: use /* */")
		if (file != "src/util/alloc.c" && file != "src/banned.h" && file !~ /^tests\// &&
		    code ~ /(^|[^_a-z])(malloc|calloc|realloc|free|strdup|strndup)\(/)
			report("raw allocation: use xmalloc/xcalloc/xrealloc/xfree/xstrdup")
		if (file != "src/banned.h" &&
		    code ~ /(^|[^_a-z])(strcpy|strcat|strncpy|sprintf|vsprintf|strtok|atoi|gmtime|localtime)\(/)
			report("banned call (see src/banned.h)")
	}
	END { exit bad }' "$f" || status=1
done
exit $status
