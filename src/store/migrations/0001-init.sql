-- posture schema, version 1. Times are seconds since the epoch, UTC.
-- Severity is stored as its rank (1 info .. 5 critical) so it sorts.

-- installation-wide settings: the secret-hash key, ...
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE units (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);

CREATE TABLE teams (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	unit_id INTEGER REFERENCES units(id),
	created_at INTEGER NOT NULL
);

CREATE TABLE apps (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	team_id INTEGER REFERENCES teams(id),
	criticality TEXT,
	exposure TEXT,
	data_sensitivity TEXT,
	discovered INTEGER NOT NULL DEFAULT 0,  -- created by ingest, not by the inventory
	retired_at INTEGER,
	created_at INTEGER NOT NULL
);

-- repo, image, service, url, package, cloud: what an app is made of
CREATE TABLE components (
	id INTEGER PRIMARY KEY,
	app_id INTEGER REFERENCES apps(id),
	kind TEXT NOT NULL,
	ident TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (kind, ident)
);

CREATE TABLE component_links (
	from_id INTEGER NOT NULL REFERENCES components(id),
	to_id INTEGER NOT NULL REFERENCES components(id),
	relation TEXT NOT NULL,  -- builds, runs_as, served_at
	PRIMARY KEY (from_id, to_id, relation)
);

CREATE TABLE scans (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES apps(id),
	component_id INTEGER REFERENCES components(id),
	format TEXT NOT NULL,
	tools TEXT NOT NULL DEFAULT '',       -- "Flawfinder 2.0.19, ..." for people
	commit_sha TEXT,
	branch TEXT,
	scanned_at INTEGER NOT NULL,          -- when the scan ran (--at), else ingest time
	ingested_at INTEGER NOT NULL,
	file_name TEXT,
	file_sha256 TEXT,
	partial INTEGER NOT NULL DEFAULT 0,   -- a partial scan never marks findings fixed
	evidence_count INTEGER NOT NULL DEFAULT 0,
	new_count INTEGER NOT NULL DEFAULT 0,
	seen_count INTEGER NOT NULL DEFAULT 0,
	fixed_count INTEGER NOT NULL DEFAULT 0,
	reopened_count INTEGER NOT NULL DEFAULT 0,
	merged_count INTEGER NOT NULL DEFAULT 0
);

-- which tools a scan holds: the scope of "absent from a newer full scan"
CREATE TABLE scan_tools (
	scan_id INTEGER NOT NULL REFERENCES scans(id),
	tool TEXT NOT NULL,
	version TEXT,
	PRIMARY KEY (scan_id, tool)
);
CREATE INDEX scan_tools_tool ON scan_tools (tool, scan_id);

CREATE TABLE findings (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES apps(id),
	component_id INTEGER REFERENCES components(id),
	fingerprint TEXT NOT NULL,
	kind TEXT NOT NULL,
	rule_id TEXT,
	title TEXT,
	path TEXT,
	severity INTEGER NOT NULL,
	status TEXT NOT NULL,
	risk INTEGER,
	tier TEXT,
	owner_team_id INTEGER REFERENCES teams(id),
	group_id INTEGER,
	vuln_ids TEXT NOT NULL DEFAULT '[]',
	cwe TEXT NOT NULL DEFAULT '[]',
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	fixed_at INTEGER,
	recurrence INTEGER NOT NULL DEFAULT 0,
	sla_due INTEGER,
	last_scan_id INTEGER NOT NULL REFERENCES scans(id),
	seen_scan_id INTEGER NOT NULL,        -- the scan that last reported it, history included
	scan_dupes INTEGER NOT NULL DEFAULT 0, -- evidence of it in seen_scan_id so far, minus one
	evidence_count INTEGER NOT NULL DEFAULT 0,
	UNIQUE (app_id, fingerprint)
);
CREATE INDEX findings_app ON findings (app_id, status);

-- One tool's report of a finding at one place; re-scans refresh the row.
-- `present` says whether the latest full scan of that tool on that asset
-- (app_id, component_id) still reports it: a finding no present evidence
-- backs any more is fixed.
CREATE TABLE evidence (
	id INTEGER PRIMARY KEY,
	finding_id INTEGER NOT NULL REFERENCES findings(id),
	ekey TEXT NOT NULL,
	tool TEXT NOT NULL,
	app_id INTEGER NOT NULL,
	component_id INTEGER,
	present INTEGER NOT NULL DEFAULT 1,
	first_scan_id INTEGER NOT NULL,
	last_scan_id INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	severity INTEGER NOT NULL,
	record TEXT NOT NULL,                 -- the normalized evidence, compact JSON
	UNIQUE (finding_id, ekey)
);
CREATE INDEX evidence_scope ON evidence (app_id, tool, present);

CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	finding_id INTEGER NOT NULL REFERENCES findings(id),
	at INTEGER NOT NULL,
	type TEXT NOT NULL,
	from_value TEXT,
	to_value TEXT,
	scan_id INTEGER REFERENCES scans(id),
	actor TEXT,
	reason TEXT
);
CREATE INDEX events_finding ON events (finding_id, at);
CREATE INDEX events_at ON events (at);
