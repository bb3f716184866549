-- posture schema: indexes for metrics (docs/metrics.md). Metrics read the
-- history by event time: fixes and reopens in a window (events by type and
-- time) and findings first seen in a window.
CREATE INDEX events_type_at ON events (type, at);
CREATE INDEX findings_first_seen ON findings (first_seen);
