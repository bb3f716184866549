-- posture schema: triage, SLA clocks and exceptions (docs/lifecycle.md,
-- docs/sla.md, docs/exceptions.md).

-- Risk acceptances and false-positive decisions: the risk register. An
-- exception covers the findings its selectors match now and later (all set
-- selectors must match). source NULL: made with `posture accept`; else the
-- repo-local exceptions file it came from (a changed file replaces the
-- entries of its source). Times are seconds since the epoch.
CREATE TABLE exceptions (
	id INTEGER PRIMARY KEY,
	status TEXT NOT NULL,         -- risk_accepted | false_positive
	app TEXT,                     -- app name; NULL: any app
	finding_id INTEGER,           -- one finding
	fingerprint TEXT,
	rule_id TEXT,
	vuln_id TEXT,                 -- CVE or GHSA (or another vulnerability id)
	package TEXT,                 -- purl without version
	path_glob TEXT,               -- GLOB pattern on the finding's path
	reason TEXT NOT NULL,
	approver TEXT NOT NULL,
	expires_at INTEGER,           -- NULL: never (false positives only)
	created_at INTEGER NOT NULL,
	created_by TEXT,
	source TEXT,                  -- NULL: posture accept; else the exceptions file
	source_app TEXT,              -- the app whose ingest read that file
	source_line INTEGER,
	source_sha256 TEXT,
	expired_at INTEGER,           -- when its expiry was applied
	revoked_at INTEGER            -- its source file no longer lists it
);
CREATE INDEX exceptions_source ON exceptions (source, source_app);
CREATE INDEX exceptions_expires ON exceptions (expires_at);

-- The SLA clock of a finding (src/engine/sla.c): sla_due (version 1) is the
-- due date; sla_start is when the current clock started (opened, reopened;
-- moved forward by the time spent paused), tier_at when the finding reached
-- its current tier, sla_paused_at when a risk acceptance paused the clock
-- (NULL: running; the time left is sla_due - sla_paused_at).
-- The clock is brought up to date (store_sla_pending_each) whenever what it
-- was computed from -- sla_tier, sla_recurrence (a reopen), sla_kev_due (the
-- earliest KEV dueDate of its CVEs, as a date) -- differs from the finding's.
ALTER TABLE findings ADD COLUMN sla_start INTEGER;
ALTER TABLE findings ADD COLUMN tier_at INTEGER;
ALTER TABLE findings ADD COLUMN sla_paused_at INTEGER;
ALTER TABLE findings ADD COLUMN sla_tier TEXT;
ALTER TABLE findings ADD COLUMN sla_recurrence INTEGER;
ALTER TABLE findings ADD COLUMN sla_kev_due TEXT;
-- The package of an SCA/container finding, as a purl without version
-- ("pkg:npm/lodash"): what exceptions and verification match on.
ALTER TABLE findings ADD COLUMN package TEXT;
-- The exception that made the finding risk_accepted or false_positive
-- (NULL: none, or a person decided by triage).
ALTER TABLE findings ADD COLUMN exception_id INTEGER REFERENCES exceptions(id);
-- When the finding last became verified: fixed in code and gone from the
-- downstream images and services too.
ALTER TABLE findings ADD COLUMN verified_at INTEGER;
CREATE INDEX findings_package ON findings (package);
UPDATE findings SET package = (
	SELECT posture_purl_base(json_extract(e.record, '$.location.purl'))
	FROM evidence e WHERE e.finding_id = findings.id
		AND json_extract(e.record, '$.location.purl') IS NOT NULL
	ORDER BY e.id LIMIT 1)
WHERE kind IN ('sca', 'container');

-- Lineage, for "fixed in code, still running in production": the
-- components downstream of each component (the images a repo builds, the
-- services those images run as), and for each finding on a component with
-- downstream ones: the latest full scan of each downstream component (the
-- scan's own component, or one its evidence was placed on), and a finding there that is the same problem and still
-- present (not fixed, verified or false_positive). The same problem: for
-- SCA and container findings, a shared vulnerability id on the same
-- package (purl without version); for the others, the same fingerprint.
-- Correlation across tools can change these views without touching callers.
CREATE VIEW component_downstream AS
	SELECT l.from_id AS component_id, l.to_id AS downstream_id
	FROM component_links l
	WHERE l.relation IN ('builds', 'runs_as') AND l.retired_at IS NULL
	UNION
	SELECT l1.from_id, l2.to_id
	FROM component_links l1 JOIN component_links l2 ON l2.from_id = l1.to_id
	WHERE l1.relation = 'builds' AND l2.relation = 'runs_as'
		AND l1.retired_at IS NULL AND l2.retired_at IS NULL;

CREATE VIEW finding_lineage AS
	SELECT f.id AS finding_id, d.downstream_id,
		(SELECT max(s.scanned_at) FROM scans s
		 WHERE s.partial = 0 AND (s.component_id = d.downstream_id OR s.id IN
			(SELECT k.scan_id FROM scan_kinds k WHERE k.component_id = d.downstream_id)))
		 AS last_scan,
		(SELECT g.id FROM findings g
		 WHERE g.component_id = d.downstream_id
			AND g.status NOT IN ('fixed', 'verified', 'false_positive')
			AND CASE WHEN f.kind IN ('sca', 'container')
				THEN g.kind IN ('sca', 'container') AND g.package = f.package
					AND EXISTS (SELECT 1 FROM json_each(f.vuln_ids) a, json_each(g.vuln_ids) b
						    WHERE a.value = b.value)
				ELSE g.fingerprint = f.fingerprint END
		 ORDER BY g.id LIMIT 1) AS same_finding_id
	FROM findings f JOIN component_downstream d ON d.component_id = f.component_id;
