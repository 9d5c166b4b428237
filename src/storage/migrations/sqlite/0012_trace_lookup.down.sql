DROP TRIGGER trace_summaries_lookup_delete;
DROP TABLE trace_lookup_state;
DROP TABLE trace_lookup;
CREATE INDEX trace_summaries_trace_suffix ON trace_summaries(substr(trace_id, -12));
