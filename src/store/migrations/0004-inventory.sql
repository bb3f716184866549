-- The inventory (posture.yaml) with its history, how a report's assets are
-- matched to components, CODEOWNERS, and what each scan covered.
-- load_id: the inventory load that last declared a row; NULL: never
-- declared (found by ingest). A row a newer load no longer declares gets
-- retired_at, and keeps everything that points at it.

ALTER TABLE units ADD COLUMN description TEXT;
ALTER TABLE units ADD COLUMN retired_at INTEGER;
ALTER TABLE units ADD COLUMN load_id INTEGER;

ALTER TABLE teams ADD COLUMN description TEXT;
ALTER TABLE teams ADD COLUMN contacts TEXT;       -- one per line
ALTER TABLE teams ADD COLUMN ticket_system TEXT;  -- jira | github
ALTER TABLE teams ADD COLUMN ticket_target TEXT;  -- Jira project key | owner/repo
ALTER TABLE teams ADD COLUMN chat TEXT;
ALTER TABLE teams ADD COLUMN github_team TEXT;    -- org/team, lower case
ALTER TABLE teams ADD COLUMN members TEXT;        -- one per line
ALTER TABLE teams ADD COLUMN retired_at INTEGER;
ALTER TABLE teams ADD COLUMN load_id INTEGER;
CREATE INDEX teams_github ON teams (github_team);

-- CODEOWNERS users and emails -> teams
CREATE TABLE team_members (
	member TEXT NOT NULL,             -- "@login" or an email, lower case
	team_id INTEGER NOT NULL REFERENCES teams(id),
	PRIMARY KEY (member, team_id)
) WITHOUT ROWID;

ALTER TABLE apps ADD COLUMN description TEXT;
ALTER TABLE apps ADD COLUMN environments TEXT;    -- one per line
ALTER TABLE apps ADD COLUMN load_id INTEGER;

ALTER TABLE components ADD COLUMN retired_at INTEGER;
ALTER TABLE components ADD COLUMN load_id INTEGER;
ALTER TABLE components ADD COLUMN merged_into INTEGER REFERENCES components(id);
CREATE INDEX components_app ON components (app_id);

-- what posture.yaml says about a component: url, default_branch, digests, ...
CREATE TABLE component_attrs (
	component_id INTEGER NOT NULL REFERENCES components(id),
	name TEXT NOT NULL,
	value TEXT NOT NULL,              -- lists: one item per line
	PRIMARY KEY (component_id, name)
) WITHOUT ROWID;

-- how a report's identifiers find a component: "repo:github.com/acme/shop",
-- "digest:sha256:...", "url:shop.example.com/api", "cloud:arn:...", ...
CREATE TABLE component_keys (
	key TEXT PRIMARY KEY,
	component_id INTEGER NOT NULL REFERENCES components(id)
) WITHOUT ROWID;
CREATE INDEX component_keys_component ON component_keys (component_id);
INSERT OR IGNORE INTO component_keys (key, component_id) SELECT kind || ':' || ident, id FROM components;

ALTER TABLE component_links ADD COLUMN retired_at INTEGER;
ALTER TABLE component_links ADD COLUMN load_id INTEGER;

CREATE TABLE codeowners (
	component_id INTEGER PRIMARY KEY REFERENCES components(id),
	source TEXT,                      -- the file it was read from
	sha256 TEXT NOT NULL,
	content TEXT NOT NULL,
	loaded_at INTEGER NOT NULL
);

CREATE TABLE inventory_loads (
	id INTEGER PRIMARY KEY,
	file TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	loaded_at INTEGER NOT NULL,
	added INTEGER NOT NULL DEFAULT 0,
	changed INTEGER NOT NULL DEFAULT 0,
	retired INTEGER NOT NULL DEFAULT 0
);

-- What a scan covered: evidence of each kind per app and component it was
-- placed on (component_id 0: the app as a whole). A scan that found
-- nothing still covers its own asset for the kinds its tools scan for.
CREATE TABLE scan_kinds (
	scan_id INTEGER NOT NULL REFERENCES scans(id),
	app_id INTEGER NOT NULL REFERENCES apps(id),
	component_id INTEGER NOT NULL DEFAULT 0,
	kind TEXT NOT NULL,
	evidence_count INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (scan_id, app_id, component_id, kind)
);
CREATE INDEX scan_kinds_app ON scan_kinds (app_id, kind);
-- scans from before this migration: what their evidence shows
INSERT OR IGNORE INTO scan_kinds (scan_id, app_id, component_id, kind, evidence_count)
	SELECT e.first_scan_id, f.app_id, coalesce(f.component_id, 0), f.kind, count(*)
	FROM evidence e JOIN findings f ON f.id = e.finding_id
	GROUP BY e.first_scan_id, f.app_id, coalesce(f.component_id, 0), f.kind;

CREATE INDEX findings_component ON findings (component_id);
CREATE INDEX findings_owner ON findings (owner_team_id, status);
