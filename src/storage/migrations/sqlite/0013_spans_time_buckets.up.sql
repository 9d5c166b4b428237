-- Spans are indexed by (project, start time in ~1.07 s buckets: start_ns >> 30) instead of
-- (project, start_ns). Within a bucket the entries follow the rowid, i.e. arrival order, so a
-- commit appends at the right edge of the few buckets its spans started in. The exact start_ns
-- index put each span at a random place among all spans that started in the last few seconds
-- (spans end, and are exported, in a different order than they start): at 100k spans/s a commit of
-- 4,096 spans dirtied ~180 of its 16 KiB pages, the largest share of ~4 KB of WAL per span.
-- Queries on a start-time range (span name / attribute filters of the trace list, retention)
-- select the buckets, then the exact range on the rows (storage/sqlite/span_time_index.hpp).
-- Building the index reads every span once: on a large store this migration takes a while.
DROP INDEX spans_project_time;
CREATE INDEX spans_project_start_bucket ON spans(project_id, start_ns >> 30);
