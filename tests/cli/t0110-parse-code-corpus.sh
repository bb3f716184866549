#!/bin/sh
# The code and secrets parsers on the real scanner outputs of the shared
# corpus (see its README): every file is detected as its format and yields
# exactly as many evidence records as the tool reported.
. "$(dirname "$0")/lib.sh"

# file format count
while read -r file fmt count; do
	[ -n "$file" ] || continue
	if [ ! -f "$CORPUS/$file" ]; then
		test_skip "$file: no corpus at $CORPUS"
		continue
	fi
	test_expect_success "$file is $fmt with $count results" "
		echo '$fmt' >expected &&
		posture parse --detect '$CORPUS/$file' >actual &&
		test_cmp expected actual &&
		posture parse '$CORPUS/$file' >out 2>err &&
		test \$(wc -l <out) -eq $count
	"
done <<EOT
bandit-cpython3.11-stdlib.json bandit 163
bandit-cpython3.11-lib2to3.json bandit 440
eslint-express-deps.json eslint 421
eslint-templating.json eslint 255
shellcheck-debian-scripts.json shellcheck 346
shellcheck-debian-scripts.json1.json shellcheck 346
flawfinder-hiredis.csv flawfinder-csv 62
flawfinder-libmagic.csv flawfinder-csv 169
EOT

test_expect_success 'bandit errors[] become warnings' '
	posture parse "$CORPUS/bandit-cpython3.11-lib2to3.json" >out 2>err &&
	test $(grep -c "warning: .*bandit could not scan lib2to3/tests/data/" err) -eq 5
'

test_expect_success 'bandit severities on the stdlib scan: 8 high, 24 medium, 131 low' '
	posture parse "$CORPUS/bandit-cpython3.11-stdlib.json" 2>/dev/null |
		sed -n "s/.*\"severity\":\"\([a-z]*\)\".*/\1/p" | sort | uniq -c |
		sed "s/^ *//" >actual &&
	printf "8 high\n131 low\n24 medium\n" >expected &&
	test_cmp expected actual
'

# The JSON and the SARIF of the same ESLint scan name the same places:
# path, line, column, rule and severity agree result for result.
for scan in express-deps templating; do
	test_expect_success "eslint-$scan: json and sarif agree on every result" "
		posture parse '$CORPUS/eslint-$scan.json' >json.jsonl &&
		posture parse '$CORPUS/eslint-$scan.sarif' >sarif.jsonl &&
		for f in json sarif; do
			sed 's/.*\"rule_id\":\"\([^\"]*\)\".*\"severity\":\"\([a-z]*\)\".*\"path\":\"\([^\"]*\)\",\"start_line\":\([0-9]*\),\"end_line\":\([0-9]*\),\"start_column\":\([0-9]*\).*/\3 \4 \5 \6 \1 \2/' \$f.jsonl | sort >\$f.keys || return 1
		done &&
		test_cmp json.keys sarif.keys &&
		test \$(wc -l <json.keys) -gt 200
	"
done

test_expect_success 'shellcheck json and json1 of one scan give the same fingerprints' '
	posture parse "$CORPUS/shellcheck-debian-scripts.json" |
		sed "s/.*\"fingerprint\":\"\([0-9a-f]*\)\".*/\1/" >json.fp &&
	posture parse "$CORPUS/shellcheck-debian-scripts.json1.json" |
		sed "s/.*\"fingerprint\":\"\([0-9a-f]*\)\".*/\1/" >json1.fp &&
	test_cmp json.fp json1.fp
'

# Every CSV row of a Flawfinder scan is a result of the SARIF of the same
# scan with the same fingerprint, rule id, severity and CWEs (the SARIF
# has more: it includes level-0 hits).
for scan in hiredis libmagic; do
	test_expect_success "flawfinder-$scan: every csv row matches its sarif result" "
		for f in csv sarif; do
			posture parse '$CORPUS/flawfinder-$scan.'\$f |
			sed 's/.*\"rule_id\":\"\([^\"]*\)\".*\"severity\":\"\([a-z]*\)\".*\"cwe\":\[\([0-9,]*\)\].*\"fingerprint\":\"\([0-9a-f]*\)\".*/\4 \1 \2 \3/' |
			sort -u >\$f.keys || return 1
		done &&
		comm -23 csv.keys sarif.keys >missing &&
		test ! -s missing &&
		test \$(wc -l <csv.keys) -gt 50
	"
done

test_done
