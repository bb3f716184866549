#!/bin/sh
# verified: a fixed finding becomes verified when every image and service
# lineage links its code component to was scanned, at or after the code fix,
# without the problem. Until then "fixed in code, still running in
# production" is visible: posture findings --fixed-in-code, and the code fix
# and downstream lines of posture show. Correlation makes the repo's log4j
# and the image's one finding (one evidence row each), so that finding stays
# open while the image still reports it; findings correlation keeps apart
# (here: the image in another app) are the same problem through
# finding_lineage.
. "$(dirname "$0")/lib.sh"

L=$FIXTURES/lifecycle
REPO=repo:github.com/acme/shop
IMAGE=image:registry.acme.io/shop
SERVICE=service:shop@prod

q() {
	sqlite3 posture.db "$1"
}

lines() {
	posture show "$1" | grep -E "^  (status|code fix|downstream)"
}

load() {
	posture inventory load "$L/shop.yaml" >/dev/null &&
	posture ingest --app shop --component $REPO "$L/deps.json" >/dev/null &&
	posture ingest --app shop --component $IMAGE "$L/image.json" >/dev/null &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app shop --component $REPO "$L/deps-fixed.json" >/dev/null
}

# the same components, the image and service owned by another app: correlation
# stays within an app, so the image log4j is a finding of its own (4)
split_inventory() {
	sed -e "/^      images:/,\$d" "$L/shop.yaml" &&
	cat <<-\EOT
	  - name: runtime
	    team: shop-team
	    criticality: high
	    exposure: internet
	    components:
	      images:
	        - name: shop
	          registry: registry.acme.io
	          runs_as: [shop@prod]
	      services:
	        - name: shop
	          environment: prod
	EOT
}

test_expect_success 'correlated: fixed in the repo, still in the image: one open finding, listed and shown' '
	posture inventory load "$L/shop.yaml" >/dev/null &&
	posture ingest --app shop --component $REPO "$L/deps.json" >/dev/null &&
	posture ingest --app shop --component $IMAGE "$L/image.json" >/dev/null &&
	test "$(q "SELECT count(*) || group_concat(tool) FROM evidence WHERE finding_id = 1")" = 2depscan,imagescan &&
	posture findings --fixed-in-code >out &&
	echo "(0 findings)" >expected &&
	tail -n 1 out >last &&
	test_cmp expected last &&
	lines 1 >out &&
	echo "  status     open" >expected &&
	test_cmp expected out &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app shop --component $REPO "$L/deps-fixed.json" >out &&
	grep -q " 0 fixed," out &&
	test "$(q "SELECT count(*) FROM findings")" = 3 &&
	posture findings --fixed-in-code --format csv | tr -d "\r" | cut -d, -f1,2,3,5,11 >out &&
	cat >expected <<-\EOT &&
	id,app,component,status,title
	1,shop,repo:github.com/acme/shop,open,log4j-core: remote code execution (Log4Shell)
	EOT
	test_cmp expected out &&
	lines 1 >out &&
	cat >expected <<-\EOT &&
	  status     open
	  code fix   2026-01-20T00:00:00Z: repo:github.com/acme/shop no longer reports it
	  downstream image:registry.acme.io/shop: still there (reported by imagescan)
	  downstream service:shop@prod: not scanned since the fix
	EOT
	test_cmp expected out &&
	posture show --format json 1 | jq -c ".downstream[]" >out &&
	cat >expected <<-\EOT &&
	{"component":"image:registry.acme.io/shop","code_component":"repo:github.com/acme/shop","code_fixed_at":"2026-01-20T00:00:00Z","last_scan":"2026-01-15T10:00:00Z","state":"still_there","still_there":1,"tools":"imagescan","gone":false}
	{"component":"service:shop@prod","code_component":"repo:github.com/acme/shop","code_fixed_at":"2026-01-20T00:00:00Z","last_scan":null,"state":"not_scanned_since_fix","still_there":null,"tools":null,"gone":false}
	EOT
	test_cmp expected out
'

test_expect_success 'correlated: fixed when the image is clean, verified once the service is scanned clean too' '
	load &&
	POSTURE_NOW=2026-01-21T00:00:00Z posture ingest --app shop --component $IMAGE "$L/image-clean.json" >out &&
	grep -q " 1 fixed," out &&
	test "$(q "SELECT status || fixed_at FROM findings WHERE id = 1")" = fixed1768953600 &&
	lines 1 >out &&
	cat >expected <<-\EOT &&
	  status     fixed
	  code fix   2026-01-20T00:00:00Z: repo:github.com/acme/shop no longer reports it
	  downstream image:registry.acme.io/shop: gone
	  downstream service:shop@prod: not scanned since the fix
	EOT
	test_cmp expected out &&
	posture findings --fixed-in-code >out &&
	echo "(0 findings)" >expected &&
	tail -n 1 out >last &&
	test_cmp expected last &&
	POSTURE_NOW=2026-01-22T00:00:00Z posture ingest --app shop --component $SERVICE "$L/image-clean.json" >out &&
	grep -q ", 1 verified downstream (scan 5" out &&
	q "SELECT id || status || coalesce(verified_at, 0) FROM findings WHERE status = '"'"'verified'"'"' ORDER BY id" | tr "\n" " " >st &&
	printf "1verified1769040000 " >expected &&
	test_cmp expected st &&
	q "SELECT type, from_value, to_value, actor, reason FROM events WHERE finding_id = 1 ORDER BY id DESC LIMIT 1" >ev &&
	echo "status|fixed|verified|posture|gone from every downstream image and service" >expected &&
	test_cmp expected ev &&
	lines 1 | tail -n 2 >out &&
	cat >expected <<-\EOT &&
	  downstream image:registry.acme.io/shop: gone
	  downstream service:shop@prod: gone
	EOT
	test_cmp expected out
'

test_expect_success 'a downstream scan at the very moment of the code fix counts (CI scans repo and image at one time)' '
	load &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app shop --component $IMAGE "$L/image-clean.json" >/dev/null &&
	test "$(q "SELECT status || fixed_at FROM findings WHERE id = 1")" = fixed1768867200 &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app shop --component $SERVICE "$L/image-clean.json" >out &&
	grep -q ", 1 verified downstream" out &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = verified
'

test_expect_success 'a scan from before the code fix does not verify; the problem coming back reopens' '
	load &&
	POSTURE_NOW=2026-01-19T00:00:00Z posture ingest --app shop --component $IMAGE "$L/image-clean.json" >/dev/null &&
	POSTURE_NOW=2026-01-19T00:00:00Z posture ingest --app shop --component $SERVICE "$L/image-clean.json" >/dev/null &&
	test "$(q "SELECT status || fixed_at FROM findings WHERE id = 1")" = fixed1768780800 &&
	lines 1 >out &&
	cat >expected <<-\EOT &&
	  status     fixed
	  code fix   2026-01-20T00:00:00Z: repo:github.com/acme/shop no longer reports it
	  downstream image:registry.acme.io/shop: gone before the fix, not scanned since
	  downstream service:shop@prod: not scanned since the fix
	EOT
	test_cmp expected out &&
	POSTURE_NOW=2026-01-23T00:00:00Z posture ingest --app shop --component $IMAGE "$L/image-clean.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = fixed &&
	POSTURE_NOW=2026-01-23T00:00:00Z posture ingest --app shop --component $SERVICE "$L/image-clean.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = verified &&
	POSTURE_NOW=2026-02-01T00:00:00Z posture ingest --app shop --component $REPO "$L/deps.json" >/dev/null &&
	test "$(q "SELECT status || recurrence FROM findings WHERE id = 1")" = reopened1 &&
	lines 1 >out &&
	echo "  status     reopened" >expected &&
	test_cmp expected out
'

test_expect_success 'not correlated (the image in another app): the fixed finding, the image finding still there' '
	split_inventory >split.yaml &&
	posture inventory load split.yaml >/dev/null &&
	posture ingest --app shop --component $REPO "$L/deps.json" >/dev/null &&
	posture ingest --app runtime --component $IMAGE "$L/image.json" >/dev/null &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app shop --component $REPO "$L/deps-fixed.json" >/dev/null &&
	posture findings --fixed-in-code --format csv | tr -d "\r" | cut -d, -f1,2,3,5 >out &&
	cat >expected <<-\EOT &&
	id,app,component,status
	1,shop,repo:github.com/acme/shop,fixed
	EOT
	test_cmp expected out &&
	lines 1 >out &&
	cat >expected <<-\EOT &&
	  status     fixed
	  code fix   2026-01-20T00:00:00Z: repo:github.com/acme/shop no longer reports it
	  downstream image:registry.acme.io/shop: still there (finding 4)
	  downstream service:shop@prod: not scanned since the fix
	EOT
	test_cmp expected out &&
	posture show --format json 1 | jq -c "[.downstream[] | [.state, .still_there, .tools]]" >out &&
	echo "[[\"still_there\",4,null],[\"not_scanned_since_fix\",null,null]]" >expected &&
	test_cmp expected out &&
	POSTURE_NOW=2026-01-21T00:00:00Z posture ingest --app runtime --component $IMAGE "$L/image-clean.json" >/dev/null &&
	lines 4 >out &&
	cat >expected <<-\EOT &&
	  status     fixed
	  code fix   2026-01-21T00:00:00Z: image:registry.acme.io/shop no longer reports it
	  downstream service:shop@prod: not scanned since the fix
	EOT
	test_cmp expected out &&
	POSTURE_NOW=2026-01-22T00:00:00Z posture ingest --app runtime --component $SERVICE "$L/image-clean.json" >out &&
	grep -q ", 2 verified downstream (scan 5" out &&
	q "SELECT id || status || coalesce(verified_at, 0) FROM findings WHERE status = '"'"'verified'"'"' ORDER BY id" | tr "\n" " " >st &&
	printf "1verified1769040000 4verified1769040000 " >expected &&
	test_cmp expected st
'

test_expect_success 'without lineage a fixed finding stays fixed' '
	posture ingest --app other "$L/deps.json" >/dev/null &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app other "$L/deps-fixed.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = fixed &&
	posture findings --fixed-in-code >out &&
	tail -n 1 out >last &&
	echo "(0 findings)" >expected &&
	test_cmp expected last
'

test_done
