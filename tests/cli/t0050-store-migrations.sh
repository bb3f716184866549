#!/bin/sh
# Migrations are recorded by name, so branches that add numbered files can
# land in any order; databases from before the record are adopted; a
# database that has a migration this binary lacks is refused, untouched; a
# reader (findings, show, report...) never migrates: it names the way out.
. "$(dirname "$0")/lib.sh"

migrations() {
	ls "$ROOT/src/store/migrations" | sort
}

test_expect_success 'init records every embedded migration by name' '
	posture init >/dev/null &&
	sqlite3 "$POSTURE_DB" "SELECT name FROM schema_migrations ORDER BY name" >applied &&
	migrations >expected &&
	test_cmp expected applied &&
	sqlite3 "$POSTURE_DB" "PRAGMA user_version" >version &&
	migrations | wc -l | tr -d " " >expected &&
	test_cmp expected version
'

test_expect_success 'migrations are applied by name: recorded ones never again, missing ones on open' '
	posture init >/dev/null &&
	sqlite3 "$POSTURE_DB" "SELECT name, applied_at FROM schema_migrations ORDER BY name" >before &&
	posture ingest --app shop "$FIXTURES/sarif/codeql-extensions.sarif" >/dev/null &&
	sqlite3 "$POSTURE_DB" "SELECT name, applied_at FROM schema_migrations ORDER BY name" >after &&
	test_cmp before after &&
	first=$(migrations | head -n 1) &&
	sqlite3 "$POSTURE_DB" "DELETE FROM schema_migrations WHERE name = '\''$first'\''" &&
	test_expect_code 3 posture ingest --app shop "$FIXTURES/sarif/codeql-extensions.sarif" 2>err &&
	grep "migration $first: .*already exists" err
'

test_expect_success 'a database from before the record is adopted by its version' '
	posture init >/dev/null &&
	sqlite3 "$POSTURE_DB" "DROP TABLE schema_migrations" &&
	posture ingest --app shop "$FIXTURES/sarif/codeql-extensions.sarif" >/dev/null &&
	sqlite3 "$POSTURE_DB" "SELECT name, applied_at FROM schema_migrations ORDER BY name" >applied &&
	migrations | sed "s/$/|0/" >expected &&
	test_cmp expected applied
'

test_expect_success 'a database with an unknown migration is refused and left alone' '
	posture init >/dev/null &&
	sqlite3 "$POSTURE_DB" "INSERT INTO schema_migrations VALUES ('\''9999-future.sql'\'', 0)" &&
	sqlite3 "$POSTURE_DB" .dump >before &&
	test_expect_code 2 posture ingest --app shop "$FIXTURES/sarif/codeql-extensions.sarif" 2>err &&
	grep "has migration 9999-future.sql, unknown to this posture (it is newer)" err &&
	sqlite3 "$POSTURE_DB" .dump >after &&
	test_cmp before after
'

test_expect_success 'a reader refuses a database an older posture wrote, untouched; init upgrades it' '
	posture init >/dev/null &&
	posture ingest --app shop "$FIXTURES/sarif/codeql-extensions.sarif" >/dev/null &&
	posture findings --format csv >expected &&
	# what the database looked like before 0010-verify-correlated.sql (views only)
	sqlite3 "$POSTURE_DB" "DROP VIEW finding_origin; DROP VIEW evidence_gone;
		DELETE FROM schema_migrations WHERE name = '\''0010-verify-correlated.sql'\''" &&
	sqlite3 "$POSTURE_DB" .dump >before &&
	test_expect_code 2 posture findings 2>err &&
	grep "was written by an older posture (migration 0010-verify-correlated.sql not applied): run .posture init." err &&
	test_expect_code 2 posture show 1 2>err &&
	sqlite3 "$POSTURE_DB" .dump >after &&
	test_cmp before after &&
	posture init >/dev/null &&
	posture findings --format csv >out &&
	test_cmp expected out
'

test_done
