DROP INDEX spans_project_start_bucket;
CREATE INDEX spans_project_time ON spans(project_id, start_ns);
