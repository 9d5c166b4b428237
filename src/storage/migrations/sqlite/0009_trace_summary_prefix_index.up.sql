-- Trace summaries are found by id through the first 12 hex digits of the trace id alone: the one
-- random-key index the telemetry writer inserts into per trace. Its entries were project id +
-- trace id (~70 bytes); a 12-character prefix (~24 bytes) makes the index about a third the size,
-- so fewer pages are dirtied per commit and more of it stays cached as the store grows. Lookups
-- confirm project and full id on the row (storage/sqlite/trace_summary_state.hpp,
-- trace_summary_match); 48 bits make two traces sharing a prefix rare, and harmless. Uniqueness of
-- (project, trace id) is kept by the writer, the table's only inserter, which looks up first.
DROP INDEX trace_summaries_key;
CREATE INDEX trace_summaries_trace_prefix ON trace_summaries(substr(trace_id, 1, 12));
