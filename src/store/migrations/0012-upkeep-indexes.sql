-- Upkeep after every change (docs/sla.md, docs/lifecycle.md) asks "which
-- SLA clocks are behind?" and "which fixed findings can be verified?".
-- Both used to read every finding of the database: an ingest of 5 results
-- into a database of a million findings took 2.5-7 s, all of it in those
-- two scans. These partial indexes hold exactly the rows each asks for,
-- so when nothing is pending the question is one index probe.

-- A clock behind its tier, its recurrence or its pause. The expression is
-- the one store_sla_pending_each() writes, term for term: SQLite uses a
-- partial index only for a query whose WHERE implies the index's.
CREATE INDEX findings_sla_pending ON findings (id)
	WHERE tier IS NOT NULL
		AND status IN ('open', 'triaged', 'in_progress', 'reopened', 'risk_accepted')
		AND (sla_tier IS NOT tier OR sla_recurrence IS NOT recurrence
		     OR (status = 'risk_accepted') <> (sla_paused_at IS NOT NULL));

-- Fixed findings, the candidates for verification through lineage.
CREATE INDEX findings_fixed ON findings (id) WHERE status = 'fixed';
