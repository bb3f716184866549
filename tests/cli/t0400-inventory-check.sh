#!/bin/sh
# posture.yaml is checked: every bad fixture fails with exit 2 and one line
# naming file:line:column; the realistic fixture passes.
. "$(dirname "$0")/lib.sh"

INV=$FIXTURES/inventory

test_expect_success 'the acme inventory is valid' '
	(cd "$INV" && posture inventory check acme.yaml) >out 2>err &&
	echo "acme.yaml: 5 units, 12 teams, 32 apps, 119 components, 79 links" >expected &&
	test_cmp expected out &&
	grep -c "warning" err >n && echo 2 >two && test_cmp two n
'

for bad in "$INV"/*.bad.yaml; do
	name=$(basename "$bad")
	test_expect_success "check $name fails with the place" "
		(cd '$INV' && test_expect_code 2 posture inventory check '$name') >out 2>err &&
		test_cmp '${bad%.yaml}.err' err &&
		test ! -s out
	"
done

test_expect_success 'load refuses a bad file and writes nothing' '
	cp "$INV/dangling-team.bad.yaml" p.yaml &&
	test_expect_code 2 posture inventory load p.yaml 2>err &&
	grep -q "^posture: error: p.yaml:10:11: app .admin. names team .backoffice." err &&
	posture inventory list --format json >apps.json &&
	jq -e "length == 0" apps.json
'

test_expect_success 'a missing CODEOWNERS file is an input error naming the repo' '
	printf "apps:\n  - name: a\n    components:\n      repos:\n        - url: https://github.com/x/a\n          codeowners: nowhere/CODEOWNERS\n" >p.yaml &&
	test_expect_code 2 posture inventory check p.yaml 2>err &&
	grep -q "^posture: error: p.yaml:5:11: codeowners of repo .github.com/x/a.: " err
'

test_expect_success 'usage errors' '
	test_expect_code 2 posture inventory 2>err &&
	test_expect_code 2 posture inventory frobnicate 2>err &&
	grep -q "is not a verb" err &&
	test_expect_code 2 posture inventory check 2>err &&
	posture inventory --help >out && grep -q "^  load" out &&
	posture inventory load --help >out && grep -q "dry-run" out
'

test_expect_success 'init writes an example that loads' '
	posture init >/dev/null &&
	posture inventory check posture.yaml >out &&
	grep -q "1 units, 1 teams, 1 apps, 4 components, 3 links" out
'

test_done
