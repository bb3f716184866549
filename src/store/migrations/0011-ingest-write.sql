-- Fewer index writes per evidence at ingest (docs/performance.md). Every
-- new finding wrote eight b-trees and every event five; each read below
-- keeps its plan (EXPLAIN QUERY PLAN of every statement the tests run,
-- before and after).
--
-- Findings are looked up by component, owner, package and group only with
-- `column = value` (or a join on it), which implies the column is not
-- NULL: partial indexes serve those reads, and a finding without the
-- value (most of them, at ingest) costs no index write.
DROP INDEX findings_component;
CREATE INDEX findings_component ON findings (component_id) WHERE component_id IS NOT NULL;
DROP INDEX findings_owner;
CREATE INDEX findings_owner ON findings (owner_team_id, status) WHERE owner_team_id IS NOT NULL;
DROP INDEX findings_group;
CREATE INDEX findings_group ON findings (group_id) WHERE group_id IS NOT NULL;
-- The package backfill after each ingest looked for `package IS NULL`
-- through findings_package, i.e. through every finding without a package
-- (all code findings); it now reads the SCA/container findings of the
-- scan that still lack one, and findings_package holds only packages.
DROP INDEX findings_package;
CREATE INDEX findings_package ON findings (package) WHERE package IS NOT NULL;
CREATE INDEX findings_package_pending ON findings (last_scan_id)
	WHERE package IS NULL AND kind IN ('sca', 'container');

-- events_at (0001) and events_finding_type (0007) serve no query since
-- metrics reads events_by_type (0009) in sequential scans: the history of
-- one finding is read through events_finding (finding_id, at).
DROP INDEX events_at;
DROP INDEX events_finding_type;
