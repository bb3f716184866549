#!/bin/sh
# Ownership: CODEOWNERS of the repo for a finding's path (last matching line,
# first owner that maps to a team), else the app's team; assigned at ingest
# and recomputed on load and on CODEOWNERS import, each change an event;
# findings --team is a team's queue.
. "$(dirname "$0")/lib.sh"

REPORTS=$FIXTURES/inventory/reports

acme() {
	sed "s|codeowners: ../codeowners/|codeowners: $FIXTURES/codeowners/|" "$FIXTURES/inventory/acme.yaml" >acme.yaml
}

owners() {
	posture findings --status all --format json | jq -r ".[] | [.path, (.owner // \"-\")] | @tsv" | sort
}

cat >"$TRASH_ROOT/expected_owners" <<EOF
config/auth-prod.yaml	identity-team
deploy/k8s/deployment.yaml	infra-team
src/cart/totals.py	checkout-team
src/payments/charge.py	payouts-team
src/payments/refunds/refund.py	payouts-team
third_party/sqlhelper/query.py	checkout-team
web/components/Cart.tsx	storefront-team
EOF

test_expect_success 'new findings get their owner at ingest, each with an assigned event' '
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	posture ingest --component repo:github.com/acme/checkout "$REPORTS/checkout-semgrep.sarif" >/dev/null &&
	owners >actual &&
	test_cmp "$TRASH_ROOT/expected_owners" actual &&
	posture findings --format json >f.json &&
	for p in src/payments/charge.py config/auth-prod.yaml third_party/sqlhelper/query.py src/payments/refunds/refund.py; do
		id=$(jq -r "map(select(.path == \"$p\"))[0].id" f.json) &&
		posture show --format json "$id" | jq -c "[.events[] | select(.type == \"assigned\") | {at, from, to, actor, reason}]" || return 1
	done >events &&
	cat >expected <<-EOF &&
	[{"at":"2026-01-15T10:00:00Z","from":null,"to":"payouts-team","actor":"posture","reason":"CODEOWNERS line 6: /src/payments/ @acme/payouts"}]
	[{"at":"2026-01-15T10:00:00Z","from":null,"to":"identity-team","actor":"posture","reason":"CODEOWNERS line 21: /config/auth*.yaml @acme/identity"}]
	[{"at":"2026-01-15T10:00:00Z","from":null,"to":"checkout-team","actor":"posture","reason":"team of the app (CODEOWNERS line 18 names no posture team)"}]
	[{"at":"2026-01-15T10:00:00Z","from":null,"to":"payouts-team","actor":"posture","reason":"CODEOWNERS line 7: /src/payments/refunds/ @li-wei"}]
	EOF
	test_cmp expected events
'

test_expect_success 'findings --team is the team queue' '
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	posture ingest --component repo:github.com/acme/checkout "$REPORTS/checkout-semgrep.sarif" >/dev/null &&
	posture ingest "$REPORTS/zap-acme.sarif" "$REPORTS/trivy-payouts-digest.sarif" >/dev/null &&
	posture findings --team payouts-team --format json >q.json &&
	jq -r ".[].path" q.json | sort >paths &&
	cat >expected <<-EOF &&
	https://payouts.acme.io/login
	https://payouts.acme.io/settings/bank
	src/payments/charge.py
	src/payments/refunds/refund.py
	usr/lib/x86_64-linux-gnu/libexpat.so.1
	usr/lib/x86_64-linux-gnu/libssl.so.3
	EOF
	test_cmp expected paths &&
	test $(posture findings --team checkout-team --format jsonl | wc -l) = 3 &&
	test $(posture findings --team ml-team --format jsonl | wc -l) = 0 &&
	test_expect_code 2 posture findings --team nosuchteam 2>err &&
	grep -q "no team .nosuchteam." err
'

test_expect_success 'importing CODEOWNERS recomputes the repo findings owners' '
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	posture ingest --component repo:github.com/acme/checkout "$REPORTS/checkout-semgrep.sarif" >/dev/null &&
	printf "# new layout\n* @acme/checkout\n/src/ @acme/payouts\n" >CODEOWNERS &&
	posture inventory codeowners https://github.com/acme/checkout.git CODEOWNERS >out &&
	echo "CODEOWNERS: 2 rules for repo github.com/acme/checkout; 4 finding owners changed" >expected &&
	test_cmp expected out &&
	owners >actual &&
	cat >expected <<-EOF &&
	config/auth-prod.yaml	checkout-team
	deploy/k8s/deployment.yaml	checkout-team
	src/cart/totals.py	payouts-team
	src/payments/charge.py	payouts-team
	src/payments/refunds/refund.py	payouts-team
	third_party/sqlhelper/query.py	checkout-team
	web/components/Cart.tsx	checkout-team
	EOF
	test_cmp expected actual &&
	id=$(posture findings --format json | jq -r "map(select(.path == \"web/components/Cart.tsx\"))[0].id") &&
	posture show --format json "$id" | jq -e "[.events[] | select(.type == \"assigned\")] | map(.from + \">\" + .to) == [\">storefront-team\", \"storefront-team>checkout-team\"]" &&
	posture inventory codeowners acme/checkout CODEOWNERS | grep -q "(unchanged); 0 finding owners changed" &&
	test_expect_code 2 posture inventory codeowners github.com/acme/nope CODEOWNERS 2>err &&
	grep -q "no repo component .github.com/acme/nope. in the inventory" err &&
	test_expect_code 2 posture inventory codeowners acme/checkout missing-file 2>err
'

test_expect_success 'an app changing teams moves its findings to the new team' '
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	posture ingest "$REPORTS/zap-acme.sarif" >/dev/null &&
	sed "/^  - name: payouts$/,/^    team:/ s/team: payouts-team/team: billing-team/" acme.yaml >v2.yaml &&
	posture inventory load v2.yaml >out 2>/dev/null &&
	grep -qx "~ app payouts: team payouts-team -> billing-team" out &&
	grep -qx "findings: 0 moved to their app, 0 merged into the same finding there, 2 owners assigned" out &&
	test $(posture findings --team billing-team --format jsonl | wc -l) = 2 &&
	posture inventory load v2.yaml 2>/dev/null | grep -qx "v2.yaml: no changes"
'

test_done
