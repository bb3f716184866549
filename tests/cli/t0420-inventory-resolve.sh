#!/bin/sh
# Ingest places each evidence on a component and app from what the report
# names (repo, image digest, image, URL, purl) or from --app/--component;
# unknown assets are discovered, listed by `inventory unowned`, and move to
# their app when a later inventory load declares them.
. "$(dirname "$0")/lib.sh"

REPORTS=$FIXTURES/inventory/reports

acme() {
	sed "s|codeowners: ../codeowners/|codeowners: $FIXTURES/codeowners/|" "$FIXTURES/inventory/acme.yaml" >acme.yaml
}

ingest_all() {
	posture ingest --component repo:git@github.com:acme/checkout.git "$REPORTS/checkout-semgrep.sarif" &&
	posture ingest "$REPORTS/zap-acme.sarif" "$REPORTS/trivy-payouts-digest.sarif" \
		"$REPORTS/trivy-ledger.cdx.xml" "$REPORTS/storefront-ui.vdr.cdx.xml"
}

# where each finding went: app, component, path (sorted)
placements() {
	posture findings --status all --format json |
	jq -r ".[] | [.app, (.component // \"-\"), .path] | @tsv" | sort
}

cat >"$TRASH_ROOT/expected_placements" <<EOF
catalog	api:catalog-api	https://api.acme.io/catalog/v1/items
checkout	api:checkout-public-api	https://api.acme.io/checkout/v1/orders?id=1%3Cscript%3E
checkout	repo:github.com/acme/checkout	config/auth-prod.yaml
checkout	repo:github.com/acme/checkout	deploy/k8s/deployment.yaml
checkout	repo:github.com/acme/checkout	src/cart/totals.py
checkout	repo:github.com/acme/checkout	src/payments/charge.py
checkout	repo:github.com/acme/checkout	src/payments/refunds/refund.py
checkout	repo:github.com/acme/checkout	third_party/sqlhelper/query.py
checkout	repo:github.com/acme/checkout	web/components/Cart.tsx
ledger	image:registry.acme.io/payments/ledger	pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12.5
ledger	image:registry.acme.io/payments/ledger	pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12.5
payouts	image:registry.acme.io/payments/payouts	usr/lib/x86_64-linux-gnu/libexpat.so.1
payouts	image:registry.acme.io/payments/payouts	usr/lib/x86_64-linux-gnu/libssl.so.3
payouts	url:https://payouts.acme.io	https://payouts.acme.io/login
payouts	url:https://payouts.acme.io	https://payouts.acme.io/settings/bank
storefront	package:pkg:npm/%40acme/storefront-ui	pkg:npm/%40acme/storefront-ui@2.0.0
unassigned	url:https://api.acme.io	https://api.acme.io/healthz
unassigned	url:https://status.acme-partners.net	https://status.acme-partners.net/
unassigned	url:https://status.acme-partners.net	https://status.acme-partners.net/search?q=x
EOF

cat >"$TRASH_ROOT/expected_unowned" <<EOF
components in no app:
  url:https://status.acme-partners.net  2 findings
  url:https://api.acme.io  1 finding
apps with no team:
  unassigned (discovered)  3 open findings
EOF

test_expect_success 'with the inventory loaded, each evidence lands on its owner' '
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	ingest_all >out &&
	grep -q "checkout-semgrep.sarif: 7 evidence -> 7 new.* app .checkout.)$" out &&
	placements >actual &&
	test_cmp "$TRASH_ROOT/expected_placements" actual &&
	posture inventory unowned >unowned &&
	test_cmp "$TRASH_ROOT/expected_unowned" unowned
'

test_expect_success 'before the inventory exists, findings wait in unassigned and move when it is loaded' '
	ingest_all >/dev/null &&
	posture findings --format json | jq -e "all(.app == \"unassigned\")" >/dev/null &&
	posture inventory unowned --format json >u.json &&
	jq -e ".components | map(.kind + \":\" + .ident) == [\"repo:github.com/acme/checkout\", \"url:https://api.acme.io\", \"image:registry.acme.io/payments/ledger\", \"url:https://payouts.acme.io\", \"url:https://status.acme-partners.net\"]" u.json &&
	acme && posture inventory load acme.yaml >out 2>/dev/null &&
	grep -qx "findings: 16 moved to their app, 0 merged into the same finding there, 16 owners assigned" out &&
	grep -q "^+ component repo:github.com/acme/checkout (was discovered)$" out &&
	placements >actual &&
	test_cmp "$TRASH_ROOT/expected_placements" actual &&
	posture inventory unowned >unowned &&
	test_cmp "$TRASH_ROOT/expected_unowned" unowned &&
	posture inventory load acme.yaml 2>/dev/null | tail -n 1 | grep -qx "acme.yaml: no changes"
'

test_expect_success 'moved findings keep their lifecycle: seen again, then fixed' '
	ingest_all >/dev/null &&
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	posture ingest "$REPORTS/zap-acme.sarif" >out &&
	grep -q ": 7 evidence -> 0 new, 7 seen again, 0 fixed" out &&
	jq "del(.runs[0].results[2])" "$REPORTS/zap-acme.sarif" >zap-less.sarif &&
	posture ingest zap-less.sarif >out &&
	grep -q ": 6 evidence -> 0 new, 6 seen again, 1 fixed" out &&
	posture findings --status fixed --format json | jq -e "length == 1 and .[0].app == \"payouts\" and .[0].path == \"https://payouts.acme.io/settings/bank\""
'

test_expect_success 'an asset given an app later merges its findings into the ones there' '
	posture ingest "$REPORTS/zap-acme.sarif" >/dev/null &&
	posture ingest --app partner-status "$REPORTS/zap-acme.sarif" >out &&
	posture findings --format json >f.json &&
	jq -e "map(select(.app == \"unassigned\")) | length == 0" f.json &&
	jq -e "map(select(.app == \"partner-status\")) | length == 7" f.json &&
	id=$(jq -r "map(select(.path == \"https://status.acme-partners.net/\"))[0].id" f.json) &&
	posture show --format json "$id" >s.json &&
	jq -e ".evidence | length == 2" s.json &&
	jq -e "[.events[] | select(.type == \"opened\")] | length == 2" s.json &&
	posture ingest --app partner-status "$REPORTS/zap-acme.sarif" | grep -q "0 new, 7 seen again"
'

test_expect_success '--app gives way to the inventory owner of --component, with a warning' '
	acme && posture inventory load acme.yaml >/dev/null 2>&1 &&
	posture ingest --app payouts --component repo:https://github.com/acme/checkout "$REPORTS/checkout-semgrep.sarif" >out 2>err &&
	grep -q "app .checkout.)$" out &&
	grep -qx "posture: warning: --app .payouts. ignored: .repo:https://github.com/acme/checkout. belongs to app .checkout. in the inventory" err &&
	posture ingest --component repo:acme/ledger "$REPORTS/checkout-semgrep.sarif" | grep -q "app .ledger.)$" &&
	test_expect_code 2 posture ingest --component bogus:x "$REPORTS/checkout-semgrep.sarif" 2>err &&
	grep -q "is not KIND:ID" err
'

test_done
