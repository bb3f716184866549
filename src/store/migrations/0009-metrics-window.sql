-- posture schema: the events a metrics window reads, in one covering index
-- (docs/metrics.md, "Speed"). `posture metrics` reads the status changes,
-- openings and assignments since the window's start, and the reopens
-- before it, as ranges of this index by type and time, without visiting
-- the events table; it replaces events_type_at (0007), which held only
-- (type, at) and sent every row it found to the table.
DROP INDEX IF EXISTS events_type_at;
CREATE INDEX events_by_type ON events (type, at, finding_id, from_value, to_value);
