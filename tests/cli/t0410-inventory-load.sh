#!/bin/sh
# inventory load reconciles the database with posture.yaml: a diff per
# change, "no changes" the second time, retiring keeps history; list and
# show read it back.
. "$(dirname "$0")/lib.sh"

# the acme fixture with its CODEOWNERS paths made absolute, so it can be copied
acme() {
	sed "s|codeowners: ../codeowners/|codeowners: $FIXTURES/codeowners/|" "$FIXTURES/inventory/acme.yaml" >acme.yaml
}

# v2: checkout becomes high, loyalty is dropped, payouts loses its staging
# service, a new app appears, a team gains a member and changes its tickets
acme_v2() {
	acme && python3 - <<'PY'
import re
s = open("acme.yaml").read()
s = s.replace("  - name: checkout\n    team: checkout-team\n    criticality: critical",
              "  - name: checkout\n    team: checkout-team\n    criticality: high", 1)
s = re.sub(r"  - name: loyalty\n(    .*\n|      .*\n)*", "", s)
s = s.replace("""          runs_as: [payouts@prod, payouts@staging]""", """          runs_as: [payouts@prod]""")
s = s.replace("""        - name: payouts
          environment: staging
          cluster: eks-staging-eu-1
          namespace: payments
""", "")
s = s.replace('members: ["@pkumar"]', 'members: ["@pkumar", "@new-dev"]')
s = s.replace("tickets: {jira: CAT}", "tickets: {github: acme/catalog}")
s += """  - name: gift-cards
    team: storefront-team
    criticality: medium
    exposure: internet
    components:
      urls: ["https://gifts.acme.io"]
"""
open("acme.yaml", "w").write(s)
PY
}

test_expect_success 'first load adds everything, the second changes nothing' '
	acme &&
	posture inventory load acme.yaml >out &&
	tail -n 1 out >last &&
	echo "acme.yaml: 247 added, 0 changed, 0 retired" >expected &&
	test_cmp expected last &&
	grep -c "^+ unit " out | grep -qx 5 &&
	grep -c "^+ team " out | grep -qx 12 &&
	grep -c "^+ app " out | grep -qx 32 &&
	grep -c "^+ component " out | grep -qx 119 &&
	grep -c "^+ link " out | grep -qx 79 &&
	grep -q "^+ link repo:github.com/acme/checkout builds image:registry.acme.io/payments/checkout$" out &&
	grep -q "^+ link service:checkout@prod served_at api:checkout-public-api$" out &&
	posture inventory load acme.yaml >out2 &&
	echo "acme.yaml: no changes" >expected &&
	test_cmp expected out2
'

test_expect_success 'a changed file prints each difference, and retires what went away' '
	acme && posture inventory load acme.yaml >/dev/null &&
	acme_v2 && posture inventory load acme.yaml >out &&
	cat >expected <<-EOF &&
	~ team storefront-team: members @pkumar -> @pkumar, @new-dev
	~ team catalog-team: tickets jira:CAT -> github:acme/catalog
	~ app checkout: criticality critical -> high
	+ app gift-cards
	+ component url:https://gifts.acme.io
	- link image:registry.acme.io/payments/payouts runs_as service:payouts@staging
	- link repo:github.com/acme/loyalty builds image:registry.acme.io/commerce/loyalty
	- link image:registry.acme.io/commerce/loyalty runs_as service:loyalty@prod
	- link service:loyalty@prod served_at url:https://loyalty.acme.io
	- component service:payouts@staging
	- component repo:github.com/acme/loyalty
	- component image:registry.acme.io/commerce/loyalty
	- component service:loyalty@prod
	- component url:https://loyalty.acme.io
	- app loyalty
	acme.yaml: 2 added, 3 changed, 10 retired
	EOF
	test_cmp expected out &&
	posture inventory load acme.yaml >out2 &&
	echo "acme.yaml: no changes" >expected &&
	test_cmp expected out2
'

test_expect_success 'retired apps keep their history; declaring them again restores them' '
	acme && posture inventory load acme.yaml >/dev/null &&
	acme_v2 && posture inventory load acme.yaml >/dev/null &&
	posture inventory list --format json >apps.json &&
	jq -e "map(select(.name == \"loyalty\")) | length == 0" apps.json &&
	posture inventory list --all --format json >all.json &&
	jq -e ".[] | select(.name == \"loyalty\") | .retired_at == \"2026-01-15T10:00:00Z\" and .team == \"accounts-team\"" all.json &&
	posture inventory show loyalty >show &&
	head -n 1 show | grep -qx "app loyalty (retired)" &&
	acme && posture inventory load acme.yaml >out &&
	grep -q "^+ app loyalty (restored)$" out &&
	grep -q "^+ component repo:github.com/acme/loyalty (restored)$" out &&
	grep -q "^- app gift-cards$" out
'

test_expect_success 'dry run reports and writes nothing; json report' '
	acme && posture inventory load acme.yaml >/dev/null &&
	acme_v2 && posture inventory load --dry-run --format json acme.yaml >r.json &&
	jq -e ".dry_run and .added == 2 and .changed == 3 and .retired == 10" r.json &&
	jq -e ".changes[] | select(.op == \"changed\" and .name == \"checkout\") | .field == \"criticality\" and .from == \"critical\" and .to == \"high\"" r.json &&
	jq -e ".findings == {\"rehomed\": 0, \"merged\": 0, \"assigned\": 0}" r.json &&
	posture inventory load acme.yaml | tail -n 1 | grep -q "2 added, 3 changed, 10 retired"
'

test_expect_success 'list: apps with team, unit, criticality, exposure and open findings' '
	acme && posture inventory load acme.yaml >/dev/null &&
	posture inventory list >list &&
	head -n 1 list | grep -q "^APP  *TEAM  *UNIT  *CRIT  *EXPOSURE  *CRIT HIGH  MED  LOW INFO$" &&
	grep -q "^checkout  *checkout-team  *payments  *critical  *internet  *0    0    0    0    0$" list &&
	tail -n 1 list | grep -qx "(32 apps)" &&
	posture inventory list --format json >apps.json &&
	jq -e "length == 32" apps.json &&
	jq -e ".[] | select(.name == \"checkout\") | .data_sensitivity == [\"pci\", \"pii\"] and .environments == [\"prod\", \"staging\"] and .component_count == 6 and .open_findings.critical == 0" apps.json
'

test_expect_success 'show: components with attributes and the lineage tree' '
	acme && posture inventory load acme.yaml >/dev/null &&
	posture inventory show checkout >show &&
	sed -n "/^lineage:/,/^open/p" show >tree &&
	cat >expected <<-EOF &&
	lineage:
	  repo:github.com/acme/checkout
	    builds image:registry.acme.io/payments/checkout
	      runs_as service:checkout@prod
	        served_at api:checkout-public-api
	      runs_as service:checkout@staging
	open findings: critical 0, high 0, medium 0, low 0, info 0
	EOF
	test_cmp expected tree &&
	grep -q "^  repo:github.com/acme/checkout \[CODEOWNERS\]$" show &&
	grep -q "^      openapi: https://api.acme.io/checkout/v1/openapi.json$" show &&
	posture inventory show --format json checkout >s.json &&
	jq -e ".components | length == 6" s.json &&
	jq -e ".components[0].attributes.default_branch == \"main\"" s.json &&
	jq -e ".lineage[0].children[0].children[0].children[0].component == \"api:checkout-public-api\"" s.json &&
	test_expect_code 2 posture inventory show nosuchapp 2>err &&
	grep -q "no app .nosuchapp." err
'

test_done
