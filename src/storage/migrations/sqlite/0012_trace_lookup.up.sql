-- Trace summaries are found by trace id through trace_lookup, an index table the telemetry writer
-- fills in bulk, instead of an index SQLite maintains per insert. Trace ids are random, so every
-- new trace's entry in the old index (trace_summaries_trace_suffix) landed on a random page, and at
-- ~12,000 new traces/s each commit dirtied most of that index's leaf pages (filling to 10M spans,
-- the bytes written per span fell from 6.5 KB to 4.5-5.0 KB without it). Now the writer appends
-- summaries (rowid order) and every few seconds, or every 16,384 new summaries, inserts their
-- lookup entries sorted in one go, so each leaf page is written once per flush, not per commit.
--
-- trace_lookup_state.indexed_upto: every summary with seq <= it has its trace_lookup entry. Newer
-- ones (the tail, at most one flush's worth) are found by scanning seq > indexed_upto, which is a
-- rowid range. The key is the trace id's last 12 characters, as in migration 0009; lookups confirm
-- project and full id on the row (storage/sqlite/trace_summary_state.hpp, trace_summary_match).
CREATE TABLE trace_lookup (
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (key, seq)
) WITHOUT ROWID;
INSERT INTO trace_lookup(key, seq) SELECT substr(trace_id, -12), seq FROM trace_summaries ORDER BY 1, 2;

CREATE TABLE trace_lookup_state (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_upto INTEGER NOT NULL
);
INSERT INTO trace_lookup_state(id, indexed_upto) SELECT 1, COALESCE(MAX(seq), 0) FROM trace_summaries;

-- Whoever deletes a summary (trace delete, retention purge) drops its lookup entry. Deleting the
-- newest summary lets SQLite hand its seq to the next insert: such a seq must count as not yet
-- indexed, so indexed_upto falls back to the newest seq that remains.
CREATE TRIGGER trace_summaries_lookup_delete AFTER DELETE ON trace_summaries BEGIN
  DELETE FROM trace_lookup WHERE key = substr(OLD.trace_id, -12) AND seq = OLD.seq;
  UPDATE trace_lookup_state SET indexed_upto = (SELECT COALESCE(MAX(seq), 0) FROM trace_summaries)
    WHERE indexed_upto > (SELECT COALESCE(MAX(seq), 0) FROM trace_summaries);
END;

DROP INDEX trace_summaries_trace_suffix;
