#!/bin/sh
# The XML parsers on the real scanner outputs in shared/corpus (see its
# README for how each was made): exact evidence counts, detection, and a
# few fields checked by hand against the report.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$CORPUS" ]; then
	echo "# no corpus at $CORPUS: skipped"
	# an SBOM without vulnerabilities: no evidence (its 85 packages are
# counted in tests/unit/xml.c, through the package_seen hook)
count cyclonedx-xml cyclonedx-npm-sample-app-spec1.6.xml 0

test_done
fi

# count FORMAT FILE N: auto-detected as FORMAT and N evidence lines
count() {
	test_expect_success "$2: detected as $1, $3 evidence" "
		echo '$1' >expected &&
		posture parse --detect '$CORPUS/$2' >actual &&
		test_cmp expected actual &&
		posture parse --tool '$1' '$CORPUS/$2' >out 2>err &&
		echo $3 >expected &&
		wc -l <out | tr -d ' ' >actual &&
		test_cmp expected actual
	"
}

count cppcheck cppcheck-hiredis.xml 44
# 78 <error>s, toomanyconfigs has no location: a warning, not evidence
count cppcheck cppcheck-libmagic.xml 77

test_expect_success 'cppcheck: the location-less toomanyconfigs is a warning' '
	posture parse "$CORPUS/cppcheck-libmagic.xml" >out 2>err &&
	grep -c "cppcheck information toomanyconfigs" err >actual &&
	echo 1 >expected &&
	test_cmp expected actual
'

test_expect_success 'cppcheck: ctunullpointer keeps its second location as related' '
	posture parse "$CORPUS/cppcheck-libmagic.xml" >out 2>/dev/null &&
	grep "\"rule_id\":\"ctunullpointer\"" out >one &&
	grep -q "\"location\":{\"path\":\"deps/libmagic/src/funcs.c\",\"start_line\":513" one &&
	grep -q "\"related\":\[{\"path\":\"deps/libmagic/src/softmagic.c\",\"start_line\":419" one
'

# an SBOM without vulnerabilities: no evidence (its 85 packages are
# counted in tests/unit/xml.c, through the package_seen hook)
count cyclonedx-xml cyclonedx-npm-sample-app-spec1.6.xml 0

test_done
