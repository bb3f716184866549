-- CI gate runs (posture gate): what each run decided, and the findings
-- that blocked or would have blocked (a warning in a tier not yet in block
-- mode), so that 'posture gate --history' can show how often each rule and
-- tier would have blocked before a team turns blocking on.
CREATE TABLE gate_runs (
	id INTEGER PRIMARY KEY,
	app TEXT NOT NULL,
	at INTEGER NOT NULL,
	source TEXT NOT NULL,            -- 'database' or 'reports'
	baseline TEXT,                   -- what the run compared with, for people
	policy_digest TEXT NOT NULL,
	verdict TEXT NOT NULL,           -- pass, warn, block
	findings INTEGER NOT NULL,
	blocking INTEGER NOT NULL,
	warnings INTEGER NOT NULL,
	would_block INTEGER NOT NULL
);
CREATE INDEX gate_runs_app ON gate_runs (app, at);

CREATE TABLE gate_run_items (
	run_id INTEGER NOT NULL REFERENCES gate_runs(id),
	fingerprint TEXT NOT NULL,
	finding_id INTEGER,              -- the stored finding, NULL when the report's is not stored
	rule_id TEXT NOT NULL,           -- '' when the tool gave none
	tier TEXT NOT NULL,
	decision TEXT NOT NULL,          -- block or warn
	would_block INTEGER NOT NULL,
	title TEXT
);
CREATE INDEX gate_run_items_run ON gate_run_items (run_id);
