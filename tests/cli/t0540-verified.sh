#!/bin/sh
# verified: a fixed finding becomes verified when every image and service
# lineage links its component to was scanned after the fix without the same
# problem. Until then it is "fixed in code, still running in production":
# posture findings --fixed-in-code, and the downstream lines of posture show.
. "$(dirname "$0")/lib.sh"

L=$FIXTURES/lifecycle
REPO=repo:github.com/acme/shop
IMAGE=image:registry.acme.io/shop
SERVICE=service:shop@prod

q() {
	sqlite3 posture.db "$1"
}

load() {
	posture inventory load "$L/shop.yaml" >/dev/null &&
	posture ingest --app shop --component $REPO "$L/deps.json" >/dev/null &&
	posture ingest --app shop --component $IMAGE "$L/image.json" >/dev/null &&
	POSTURE_NOW=2026-01-20T00:00:00Z posture ingest --app shop --component $REPO "$L/deps-fixed.json" >/dev/null
}

test_expect_success 'fixed in code, still running in the image: listed and shown' '
	load &&
	posture findings --fixed-in-code --format csv | tr -d "\r" | cut -d, -f1,2,3,5,11 >out &&
	cat >expected <<-\EOT &&
	id,app,component,status,title
	1,shop,repo:github.com/acme/shop,fixed,log4j-core: remote code execution (Log4Shell)
	EOT
	test_cmp expected out &&
	posture show 1 | grep -E "^  (status|downstream)" >out &&
	cat >expected <<-\EOT &&
	  status     fixed
	  downstream image:registry.acme.io/shop: still there (finding 4)
	  downstream service:shop@prod: not scanned since the fix
	EOT
	test_cmp expected out &&
	posture show --format json 1 | jq -c ".downstream" >out &&
	echo "[{\"component\":\"image:registry.acme.io/shop\",\"last_scan\":\"2026-01-15T10:00:00Z\",\"still_there\":4,\"gone\":false},{\"component\":\"service:shop@prod\",\"last_scan\":null,\"still_there\":null,\"gone\":false}]" >expected &&
	test_cmp expected out
'

test_expect_success 'verified once every downstream component was scanned clean after the fix' '
	load &&
	POSTURE_NOW=2026-01-21T00:00:00Z posture ingest --app shop --component $IMAGE "$L/image-clean.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = fixed &&
	posture show 1 | grep "^  downstream" >out &&
	cat >expected <<-\EOT &&
	  downstream image:registry.acme.io/shop: gone
	  downstream service:shop@prod: not scanned since the fix
	EOT
	test_cmp expected out &&
	POSTURE_NOW=2026-01-22T00:00:00Z posture ingest --app shop --component $SERVICE "$L/image-clean.json" >out &&
	grep -q ", 2 verified downstream (scan 5" out &&
	q "SELECT id || status || coalesce(verified_at, 0) FROM findings WHERE status = '"'"'verified'"'"' ORDER BY id" | tr "\n" " " >st &&
	printf "1verified1769040000 4verified1769040000 " >expected &&
	test_cmp expected st &&
	q "SELECT type, from_value, to_value, actor, reason FROM events WHERE finding_id = 1 ORDER BY id DESC LIMIT 1" >ev &&
	echo "status|fixed|verified|posture|gone from every downstream image and service" >expected &&
	test_cmp expected ev &&
	posture findings --fixed-in-code >out &&
	echo "(0 findings)" >expected &&
	tail -n 1 out >last &&
	test_cmp expected last
'

test_expect_success 'a scan from before the fix does not verify; the problem coming back reopens' '
	load &&
	POSTURE_NOW=2026-01-19T00:00:00Z posture ingest --app shop --component $IMAGE "$L/image-clean.json" >/dev/null &&
	POSTURE_NOW=2026-01-19T00:00:00Z posture ingest --app shop --component $SERVICE "$L/image-clean.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = fixed &&
	POSTURE_NOW=2026-01-23T00:00:00Z posture ingest --app shop --component $IMAGE "$L/image-clean.json" >/dev/null &&
	POSTURE_NOW=2026-01-23T00:00:00Z posture ingest --app shop --component $SERVICE "$L/image-clean.json" >/dev/null &&
	test "$(q "SELECT status FROM findings WHERE id = 1")" = verified &&
	POSTURE_NOW=2026-02-01T00:00:00Z posture ingest --app shop --component $REPO "$L/deps.json" >/dev/null &&
	test "$(q "SELECT status || recurrence FROM findings WHERE id = 1")" = reopened1
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
