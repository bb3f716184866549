-- VEX statements (OpenVEX) per app: applied to the findings that exist when
-- the statement is ingested, and to findings opened later.
-- `package` is a purl without version ("pkg:npm/lodash"), or '*' when the
-- statement is about the whole product (an image) and names no packages.
CREATE TABLE vex_statements (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES apps(id),
	vuln_id TEXT NOT NULL,
	package TEXT NOT NULL,
	status TEXT NOT NULL,       -- not_affected, affected, fixed, under_investigation
	justification TEXT,
	author TEXT,
	document TEXT,
	at INTEGER NOT NULL,
	scan_id INTEGER NOT NULL REFERENCES scans(id),
	UNIQUE (app_id, vuln_id, package)
);
