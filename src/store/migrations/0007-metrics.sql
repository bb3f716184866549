-- posture schema: indexes for metrics (docs/metrics.md). Metrics read the
-- history by event type and time (the fixes and reopens of a window), a
-- finding's first event of a type (assigned, validated, its last reopen)
-- without visiting its other events, and the findings first seen in a window.
CREATE INDEX events_type_at ON events (type, at);
CREATE INDEX events_finding_type ON events (finding_id, type, at);
CREATE INDEX findings_first_seen ON findings (first_seen);
