-- Cross-tool correlation (docs/correlation.md): the keys that let evidence
-- of another tool join an existing finding, the vulnerability alias table,
-- DAST findings that validate code findings, root-cause groups and the
-- dedupe tallies of each scan.

-- One correlation key of a finding, per tool that reported it: 'vuln:<id>
-- <purl base>', 'secret:<keyed hash>', 'sast:<path> CWE-<n>' (with the
-- lines it covers). component_id 0: the app as a whole.
CREATE TABLE correlation_keys (
	app_id INTEGER NOT NULL,
	key TEXT NOT NULL,
	finding_id INTEGER NOT NULL REFERENCES findings(id),
	component_id INTEGER NOT NULL DEFAULT 0,
	tool TEXT NOT NULL,                  -- normalized: "semgrep", not "Semgrep OSS"
	start_line INTEGER NOT NULL DEFAULT 0,
	end_line INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (app_id, key, finding_id, tool, start_line, end_line)
) WITHOUT ROWID;
CREATE INDEX correlation_keys_finding ON correlation_keys (finding_id);

-- Vulnerability ids that name the same vulnerability (CVE <-> GHSA <-> OSV),
-- learnt from every report that lists several ids for one problem.
CREATE TABLE vuln_aliases (
	id TEXT NOT NULL,
	alias TEXT NOT NULL,
	PRIMARY KEY (id, alias)
) WITHOUT ROWID;

-- A dynamic (DAST/API) finding that confirms a code (SAST/SCA) finding of
-- the same weakness family on the code behind the URL it tested.
CREATE TABLE finding_relations (
	finding_id INTEGER NOT NULL REFERENCES findings(id),  -- the code finding
	related_id INTEGER NOT NULL REFERENCES findings(id),  -- the DAST/API finding
	relation TEXT NOT NULL,                               -- 'validated_by'
	family TEXT NOT NULL,                                 -- injection, xss, ...
	at INTEGER NOT NULL,
	scan_id INTEGER REFERENCES scans(id),
	PRIMARY KEY (finding_id, related_id, relation)
) WITHOUT ROWID;
CREATE INDEX finding_relations_related ON finding_relations (related_id);
ALTER TABLE findings ADD COLUMN validated_at INTEGER;

-- A root cause several findings share: one change fixes them all.
-- gkey identifies it within the app so that its id survives rebuilds.
CREATE TABLE finding_groups (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES apps(id),
	gkey TEXT NOT NULL,
	kind TEXT NOT NULL,          -- upgrade, base_image, rotate_secret
	subject TEXT NOT NULL,       -- the package, the base image, the secret's rule
	from_version TEXT,
	to_version TEXT,
	location TEXT,               -- the component the change is made in ("repo:...")
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (app_id, gkey)
);
CREATE INDEX findings_group ON findings (group_id);

-- dedupe: the distinct findings a scan's evidence went to, and how many
-- evidence records joined a finding another tool (or place) opened
ALTER TABLE scans ADD COLUMN findings_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN correlated_count INTEGER NOT NULL DEFAULT 0;

-- Keys of the findings stored before correlation existed, from their
-- evidence records (the same recipe as engine/correlate.c, tool names
-- lower-cased): later reports of other tools can join them.
INSERT OR IGNORE INTO correlation_keys (app_id, key, finding_id, component_id, tool, start_line, end_line)
	SELECT f.app_id, 'vuln:' || v.value || ' ' || posture_purl_base(e.record ->> '$.location.purl'),
		f.id, coalesce(e.component_id, 0), lower(e.tool), 0, 0
	FROM findings f JOIN evidence e ON e.finding_id = f.id, json_each(e.record, '$.vuln_ids') v
	WHERE f.kind IN ('sca', 'container') AND e.record ->> '$.location.purl' IS NOT NULL;
INSERT OR IGNORE INTO correlation_keys (app_id, key, finding_id, component_id, tool, start_line, end_line)
	SELECT f.app_id, 'secret:' || (e.record ->> '$.secret_hash'), f.id, coalesce(e.component_id, 0),
		lower(e.tool), 0, 0
	FROM findings f JOIN evidence e ON e.finding_id = f.id
	WHERE e.record ->> '$.secret_hash' IS NOT NULL;
INSERT OR IGNORE INTO correlation_keys (app_id, key, finding_id, component_id, tool, start_line, end_line)
	SELECT f.app_id, 'sast:' || (e.record ->> '$.location.path') || ' CWE-' || c.value, f.id,
		coalesce(e.component_id, 0), lower(e.tool), e.record ->> '$.location.start_line',
		coalesce(e.record ->> '$.location.end_line', e.record ->> '$.location.start_line')
	FROM findings f JOIN evidence e ON e.finding_id = f.id, json_each(e.record, '$.cwe') c
	WHERE f.kind = 'sast' AND e.record ->> '$.location.path' IS NOT NULL
	AND e.record ->> '$.location.start_line' IS NOT NULL;
