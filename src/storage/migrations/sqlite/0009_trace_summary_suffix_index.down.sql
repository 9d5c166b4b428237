DROP INDEX trace_summaries_trace_suffix;
CREATE UNIQUE INDEX trace_summaries_key ON trace_summaries(project_id, trace_id);
