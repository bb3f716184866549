-- Verification through lineage in the correlated model (docs/lifecycle.md,
-- "Verified"). Since 0006-correlate.sql the log4j of a repo and the log4j
-- of the image built from it are ONE finding with an evidence row per tool
-- and component, so "fixed in code, still running in production" is no
-- longer a fixed finding beside an active one: it is one finding whose
-- evidence on the code component is gone while its evidence on an image or
-- service is still there. finding_lineage keeps its callers' columns and
-- gains what the correlated model needs.

DROP VIEW finding_lineage;

-- Each evidence row with the time it went away: the first full scan of its
-- tool on its scope (app and component) after the scan that last reported
-- it. NULL: no such scan, the tool still reports it. This is the scan that
-- marked the row not present; evidence keeps no time of its own for that.
-- A row of a backfilled report that joined a finding stays present = 1
-- although a newer full scan of its tool was already there: gone_at says
-- it is gone, so the views below read "still reported" as present = 1 AND
-- gone_at IS NULL.
CREATE VIEW evidence_gone AS
	SELECT e.id AS evidence_id, e.finding_id, e.component_id, e.tool, e.present,
		(SELECT min(s.scanned_at) FROM scan_tools t JOIN scans s ON s.id = t.scan_id
		 WHERE t.tool = e.tool AND s.app_id = e.app_id AND s.component_id IS e.component_id
			AND s.partial = 0
			AND (s.scanned_at > e.last_seen OR (s.scanned_at = e.last_seen AND s.id > e.last_scan_id)))
		 AS gone_at
	FROM evidence e;

-- Where a finding is in code: each component its evidence was seen on
-- that has downstream components and is downstream of no other component
-- of its evidence (the repo when the repo and its image both report it;
-- the image when only the image and its service do; the finding's own
-- component for a finding of one component).
CREATE VIEW finding_origin AS
	SELECT e.finding_id, e.component_id AS origin_id
	FROM evidence e
	WHERE e.component_id IN (SELECT d.component_id FROM component_downstream d)
		AND e.id = (SELECT min(o.id) FROM evidence o
			    WHERE o.finding_id = e.finding_id AND o.component_id = e.component_id)
		AND NOT EXISTS (SELECT 1 FROM evidence o JOIN component_downstream u
				ON u.component_id = o.component_id
				WHERE o.finding_id = e.finding_id AND u.downstream_id = e.component_id);

-- For each finding, origin and component downstream of the origin:
--   code_fixed_at    when the code fix was seen: the time the finding's
--                    last evidence on the origin went away (else its
--                    fixed_at); NULL while a tool still reports it there.
--                    Verification compares downstream scans with this, not
--                    with fixed_at: a correlated finding is fixed only
--                    when its downstream evidence is gone too, so its
--                    fixed_at is usually the downstream scan's own time.
--                    A fixed or verified finding always has one.
--   last_scan        the latest full scan of the downstream component (the
--                    scan's own component, or one its evidence was placed on)
--   present          1: this finding has evidence there that its tool
--                    still reports; 0: it had, gone; NULL: it never had
--   present_tools    the tools of that present evidence ("trivy, grype")
--   same_finding_id  ANOTHER finding there that is the same problem and still
--                    present (not fixed, verified or false_positive): for SCA
--                    and container findings a shared vulnerability id on the
--                    same package, else the same fingerprint. Correlation
--                    makes these one finding within an app; two remain
--                    when lineage crosses apps (the repo in one app, the
--                    image in another).
CREATE VIEW finding_lineage AS
	SELECT o.finding_id, o.origin_id, d.downstream_id,
		CASE WHEN f.status IN ('fixed', 'verified') OR NOT EXISTS (SELECT 1 FROM evidence_gone c
			WHERE c.finding_id = f.id AND c.component_id = o.origin_id AND c.present = 1
				AND c.gone_at IS NULL)
		THEN coalesce((SELECT max(c.gone_at) FROM evidence_gone c
			WHERE c.finding_id = f.id AND c.component_id = o.origin_id), f.fixed_at) END
		 AS code_fixed_at,
		(SELECT max(s.scanned_at) FROM scans s
		 WHERE s.partial = 0 AND (s.component_id = d.downstream_id OR s.id IN
			(SELECT k.scan_id FROM scan_kinds k WHERE k.component_id = d.downstream_id)))
		 AS last_scan,
		(SELECT max(x.present = 1 AND x.gone_at IS NULL) FROM evidence_gone x
		 WHERE x.finding_id = f.id AND x.component_id = d.downstream_id) AS present,
		(SELECT group_concat(t.tool, ', ') FROM (SELECT DISTINCT x.tool FROM evidence_gone x
			WHERE x.finding_id = f.id AND x.component_id = d.downstream_id
				AND x.present = 1 AND x.gone_at IS NULL ORDER BY x.tool) t) AS present_tools,
		(SELECT g.id FROM findings g
		 WHERE g.component_id = d.downstream_id AND g.id <> f.id
			AND g.status NOT IN ('fixed', 'verified', 'false_positive')
			AND CASE WHEN f.kind IN ('sca', 'container')
				THEN g.kind IN ('sca', 'container') AND g.package = f.package
					AND EXISTS (SELECT 1 FROM json_each(f.vuln_ids) a, json_each(g.vuln_ids) b
						    WHERE a.value = b.value)
				ELSE g.fingerprint = f.fingerprint END
		 ORDER BY g.id LIMIT 1) AS same_finding_id
	FROM finding_origin o JOIN findings f ON f.id = o.finding_id
		JOIN component_downstream d ON d.component_id = o.origin_id;
