-- posture schema: risk feeds, the risk policy and per-finding explanations.

-- Every import of a feed, kept as history. The latest import of a feed is
-- its current version: the rows in epss_scores / kev_entries are that
-- import's set, replaced whole by the next one (a CVE can leave KEV).
CREATE TABLE feed_imports (
	id INTEGER PRIMARY KEY,
	feed TEXT NOT NULL,          -- 'epss' or 'kev'
	version TEXT NOT NULL,       -- EPSS score_date, KEV catalogVersion (as written)
	model TEXT,                  -- EPSS model_version
	released TEXT,               -- KEV dateReleased
	imported_at INTEGER NOT NULL,
	file TEXT,                   -- the file or URL it came from
	file_sha256 TEXT,
	rows INTEGER NOT NULL,
	added INTEGER,               -- KEV: entries the previous set did not have
	removed INTEGER              -- KEV: entries of the previous set that are gone
);
CREATE INDEX feed_imports_feed ON feed_imports (feed, id);

CREATE TABLE epss_scores (
	cve TEXT PRIMARY KEY,
	epss REAL NOT NULL,          -- probability of exploitation in the next 30 days
	percentile REAL              -- NULL when the file had none
) WITHOUT ROWID;

CREATE TABLE kev_entries (
	cve TEXT PRIMARY KEY,
	date_added TEXT,
	due_date TEXT,
	ransomware TEXT,             -- knownRansomwareCampaignUse as written ('Known', 'Unknown')
	vendor_project TEXT,
	product TEXT,
	vulnerability_name TEXT,
	required_action TEXT
) WITHOUT ROWID;

-- Every risk policy that scored findings, by the digest of its canonical
-- text (meta 'policy_digest' names the one in force).
CREATE TABLE policies (
	digest TEXT PRIMARY KEY,
	source TEXT NOT NULL,        -- the file, or 'built-in defaults'
	text TEXT NOT NULL,          -- canonical YAML (posture policy show)
	first_used_at INTEGER NOT NULL
);

-- Why a finding has its risk and tier: the explanation of its last scoring
-- (factors, rule, feed versions, policy), rewritten only when it changes.
CREATE TABLE finding_risk (
	finding_id INTEGER PRIMARY KEY REFERENCES findings(id),
	digest INTEGER NOT NULL,     -- hash of explanation: skip unchanged writes
	scored_at INTEGER NOT NULL,  -- when this explanation was first computed
	explanation TEXT NOT NULL    -- JSON
);
