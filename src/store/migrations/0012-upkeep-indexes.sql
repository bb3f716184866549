-- Upkeep after every change (docs/sla.md, docs/lifecycle.md) asks "which
-- SLA clocks are behind?" and "which fixed findings can be verified?".
-- Both used to read every finding of the database: an ingest of 5 results
-- into a database of a million findings took 2.5-7 s, all of it in those
-- two scans. These partial indexes hold exactly the rows each asks for,
-- so when nothing is pending the question is one index probe.

-- A clock behind its tier, its recurrence or its pause. The expression is
-- the one store_sla_pending_each() writes, term for term: SQLite uses a
-- partial index only for a query whose WHERE implies the index's. The
-- statuses are ORed, not an IN list: every UPDATE of a column named here
-- evaluates the expression for the old and the new row, and an IN list
-- builds a temporary table each time (+33k instructions per risk UPDATE).
CREATE INDEX findings_sla_pending ON findings (id)
	WHERE tier IS NOT NULL
		AND (status = 'open' OR status = 'triaged' OR status = 'in_progress'
		     OR status = 'reopened' OR status = 'risk_accepted')
		AND (sla_tier IS NOT tier OR sla_recurrence IS NOT recurrence
		     OR (status = 'risk_accepted') <> (sla_paused_at IS NOT NULL));

-- Fixed findings, the candidates for verification through lineage.
CREATE INDEX findings_fixed ON findings (id) WHERE status = 'fixed';
