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
	source_line INTEGER,
	source_sha256 TEXT,
	expired_at INTEGER,           -- when its expiry was applied
	revoked_at INTEGER            -- its source file no longer lists it
);
CREATE INDEX exceptions_source ON exceptions (source);
CREATE INDEX exceptions_expires ON exceptions (expires_at);

-- The SLA clock of a finding (src/engine/sla.c): sla_due (version 1) is the
-- due date; sla_start is when the current clock started (opened, reopened;
-- moved forward by the time spent paused), tier_at when the finding reached
-- its current tier, sla_paused_at when a risk acceptance paused the clock
-- (NULL: running; the time left is sla_due - sla_paused_at).
ALTER TABLE findings ADD COLUMN sla_start INTEGER;
ALTER TABLE findings ADD COLUMN tier_at INTEGER;
ALTER TABLE findings ADD COLUMN sla_paused_at INTEGER;
-- The package of an SCA/container finding, as a purl without version
-- ("pkg:npm/lodash"): what exceptions and verification match on.
ALTER TABLE findings ADD COLUMN package TEXT;
-- The exception that made the finding risk_accepted or false_positive
-- (NULL: none, or a person decided by triage).
ALTER TABLE findings ADD COLUMN exception_id INTEGER REFERENCES exceptions(id);
-- When the finding became verified: fixed in code and gone from the
-- downstream images and services too.
ALTER TABLE findings ADD COLUMN verified_at INTEGER;
CREATE INDEX findings_package ON findings (package);
UPDATE findings SET package = (
	SELECT posture_purl_base(json_extract(e.record, '$.location.purl'))
	FROM evidence e WHERE e.finding_id = findings.id
		AND json_extract(e.record, '$.location.purl') IS NOT NULL
	ORDER BY e.id LIMIT 1)
WHERE kind IN ('sca', 'container');
