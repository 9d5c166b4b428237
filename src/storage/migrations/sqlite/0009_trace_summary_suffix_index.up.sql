-- Trace summaries are found by id through the last 12 hex digits of the trace id alone: the one
-- random-key index the telemetry writer inserts into per trace. Its entries were project id +
-- trace id (~70 bytes); 12 characters (~24 bytes) make the index about a third the size, so fewer
-- pages are dirtied per commit and more of it stays cached as the store grows. The *last* digits:
-- W3C Trace Context level 2 makes the right-most 7 bytes the random ones, 64-bit ids (Zipkin B3,
-- Datadog) arrive zero-padded on the left, and X-Ray ids start with the time; a leading prefix
-- would put all of those traces under one key. Lookups confirm project and full id on the row
-- (storage/sqlite/trace_summary_state.hpp, trace_summary_match); 48 random bits make two traces
-- sharing a key rare, and harmless. Uniqueness of (project, trace id) is kept by the writer, the
-- table's only inserter, which looks up first.
DROP INDEX trace_summaries_key;
CREATE INDEX trace_summaries_trace_suffix ON trace_summaries(substr(trace_id, -12));
