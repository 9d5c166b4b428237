-- Telemetry: OpenTelemetry spans and logs, the LLM-level records (traces, observations, scores,
-- events), and the rollups the dashboards read. See docs/telemetry-storage.md for why the tables
-- look like this. Span and log times are unix nanoseconds; LLM records unix milliseconds; rollup
-- `minute` is the unix minute (time / 60 s).

-- Spans append in arrival order (rowid) and are found by time or through their trace summary's
-- span_refs. There is deliberately no index on the random trace or span id: dedupe and lookup go
-- through trace_summaries, one random-key B-tree write per trace instead of per span.
CREATE TABLE spans (
  seq             INTEGER PRIMARY KEY,
  project_id      TEXT NOT NULL CHECK (project_id <> ''),
  trace_id        TEXT NOT NULL CHECK (trace_id <> ''),
  span_id         TEXT NOT NULL CHECK (span_id <> ''),
  parent_span_id  TEXT NOT NULL DEFAULT '',
  trace_state     TEXT NOT NULL DEFAULT '',
  name            TEXT NOT NULL,
  kind            INTEGER NOT NULL DEFAULT 0,
  start_ns        INTEGER NOT NULL,
  end_ns          INTEGER NOT NULL,
  duration_ns     INTEGER NOT NULL,
  status          INTEGER NOT NULL DEFAULT 0,
  status_message  TEXT NOT NULL DEFAULT '',
  service_name    TEXT NOT NULL,
  environment     TEXT NOT NULL DEFAULT '',
  scope_name      TEXT NOT NULL DEFAULT '',
  scope_version   TEXT NOT NULL DEFAULT '',
  attributes_json TEXT NOT NULL DEFAULT '{}',
  resource_json   TEXT NOT NULL DEFAULT '{}',
  events_json     TEXT NOT NULL DEFAULT '[]',
  links_json      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX spans_project_time ON spans(project_id, start_ns);

-- One row per trace, kept current by the writer as spans arrive (in any order, any batch).
-- span_refs: packed (8-byte span id key, 8-byte spans.seq) pairs, the dedupe set and the way to
-- the trace's spans. pending_edges: client/producer and unmatched server/consumer halves waiting
-- for the other side of a service-map edge.
CREATE TABLE trace_summaries (
  seq             INTEGER PRIMARY KEY,
  project_id      TEXT NOT NULL,
  trace_id        TEXT NOT NULL,
  start_ns        INTEGER NOT NULL,
  end_ns          INTEGER NOT NULL,
  duration_ns     INTEGER NOT NULL,
  root_span_id    TEXT NOT NULL DEFAULT '',
  root_name       TEXT NOT NULL DEFAULT '',
  root_service    TEXT NOT NULL DEFAULT '',
  root_seq        INTEGER NOT NULL DEFAULT 0,
  span_count      INTEGER NOT NULL DEFAULT 0,
  error_count     INTEGER NOT NULL DEFAULT 0,
  services        TEXT NOT NULL DEFAULT '[]',
  span_refs       BLOB NOT NULL,
  pending_edges   BLOB NOT NULL
);
CREATE UNIQUE INDEX trace_summaries_key ON trace_summaries(project_id, trace_id);
CREATE INDEX trace_summaries_time ON trace_summaries(project_id, start_ns);

CREATE TABLE logs (
  seq              INTEGER PRIMARY KEY,
  project_id       TEXT NOT NULL CHECK (project_id <> ''),
  id               TEXT NOT NULL CHECK (id <> ''),
  time_ns          INTEGER NOT NULL,
  observed_time_ns INTEGER NOT NULL DEFAULT 0,
  severity_number  INTEGER NOT NULL DEFAULT 0,
  severity_text    TEXT NOT NULL DEFAULT '',
  body             TEXT NOT NULL DEFAULT '',
  trace_id         TEXT NOT NULL DEFAULT '',
  span_id          TEXT NOT NULL DEFAULT '',
  service_name     TEXT NOT NULL,
  environment      TEXT NOT NULL DEFAULT '',
  scope_name       TEXT NOT NULL DEFAULT '',
  attributes_json  TEXT NOT NULL DEFAULT '{}',
  resource_json    TEXT NOT NULL DEFAULT '{}'
);
-- Log ids are ULIDs assigned at ingest, so this unique index grows at its right edge.
CREATE UNIQUE INDEX logs_key ON logs(project_id, id);
CREATE INDEX logs_project_time ON logs(project_id, time_ns);
-- External-content full-text index over bodies. The ascii tokenizer treats every non-ASCII byte as
-- part of a token, which is the rule the query escaper applies; detail=none keeps the index small
-- (terms and prefixes, no phrase positions).
CREATE VIRTUAL TABLE logs_fts USING fts5(body, content='logs', content_rowid='seq', tokenize='ascii', detail=none);

CREATE TABLE llm_traces (
  seq           INTEGER PRIMARY KEY,
  project_id    TEXT NOT NULL CHECK (project_id <> ''),
  id            TEXT NOT NULL CHECK (id <> ''),
  name          TEXT NOT NULL DEFAULT '',
  user_id       TEXT NOT NULL DEFAULT '',
  session_id    TEXT NOT NULL DEFAULT '',
  environment   TEXT NOT NULL DEFAULT '',
  release       TEXT NOT NULL DEFAULT '',
  version       TEXT NOT NULL DEFAULT '',
  input_json    TEXT NOT NULL DEFAULT '',
  output_json   TEXT NOT NULL DEFAULT '',
  metadata_json TEXT NOT NULL DEFAULT '',
  tags_json     TEXT NOT NULL DEFAULT '[]',
  is_public     INTEGER NOT NULL DEFAULT 0,
  timestamp_ms  INTEGER NOT NULL DEFAULT 0,
  updated_at_ms INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX llm_traces_key ON llm_traces(project_id, id);
CREATE INDEX llm_traces_time ON llm_traces(project_id, timestamp_ms);

CREATE TABLE observations (
  seq                      INTEGER PRIMARY KEY,
  project_id               TEXT NOT NULL CHECK (project_id <> ''),
  id                       TEXT NOT NULL CHECK (id <> ''),
  trace_id                 TEXT NOT NULL DEFAULT '',
  parent_observation_id    TEXT NOT NULL DEFAULT '',
  type                     INTEGER NOT NULL DEFAULT 0,
  name                     TEXT NOT NULL DEFAULT '',
  level                    TEXT NOT NULL DEFAULT '',
  status_message           TEXT NOT NULL DEFAULT '',
  environment              TEXT NOT NULL DEFAULT '',
  version                  TEXT NOT NULL DEFAULT '',
  start_time_ms            INTEGER NOT NULL DEFAULT 0,
  end_time_ms              INTEGER NOT NULL DEFAULT 0,
  completion_start_time_ms INTEGER NOT NULL DEFAULT 0,
  model                    TEXT NOT NULL DEFAULT '',
  model_requested          TEXT NOT NULL DEFAULT '',
  provider                 TEXT NOT NULL DEFAULT '',
  key_id                   TEXT NOT NULL DEFAULT '',
  model_parameters_json    TEXT NOT NULL DEFAULT '',
  input_json               TEXT NOT NULL DEFAULT '',
  output_json              TEXT NOT NULL DEFAULT '',
  metadata_json            TEXT NOT NULL DEFAULT '',
  input_tokens             INTEGER NOT NULL DEFAULT 0,
  output_tokens            INTEGER NOT NULL DEFAULT 0,
  cached_input_tokens      INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens         INTEGER NOT NULL DEFAULT 0,
  cost_usd                 REAL NOT NULL DEFAULT 0,
  http_status              INTEGER NOT NULL DEFAULT 0,
  streamed                 INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX observations_key ON observations(project_id, id);
CREATE INDEX observations_trace ON observations(project_id, trace_id);
CREATE INDEX observations_time ON observations(project_id, start_time_ms);

CREATE TABLE scores (
  seq            INTEGER PRIMARY KEY,
  project_id     TEXT NOT NULL CHECK (project_id <> ''),
  id             TEXT NOT NULL CHECK (id <> ''),
  trace_id       TEXT NOT NULL DEFAULT '',
  observation_id TEXT NOT NULL DEFAULT '',
  name           TEXT NOT NULL DEFAULT '',
  data_type      INTEGER NOT NULL DEFAULT 0,
  value          REAL NOT NULL DEFAULT 0,
  string_value   TEXT NOT NULL DEFAULT '',
  source         TEXT NOT NULL DEFAULT '',
  comment        TEXT NOT NULL DEFAULT '',
  environment    TEXT NOT NULL DEFAULT '',
  timestamp_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX scores_key ON scores(project_id, id);
CREATE INDEX scores_trace ON scores(project_id, trace_id);
CREATE INDEX scores_name_time ON scores(project_id, name, timestamp_ms);
CREATE INDEX scores_time ON scores(project_id, timestamp_ms);

CREATE TABLE telemetry_events (
  seq          INTEGER PRIMARY KEY,
  project_id   TEXT NOT NULL CHECK (project_id <> ''),
  id           TEXT NOT NULL CHECK (id <> ''),
  trace_id     TEXT NOT NULL DEFAULT '',
  type         TEXT NOT NULL DEFAULT '',
  name         TEXT NOT NULL DEFAULT '',
  body_json    TEXT NOT NULL DEFAULT '{}',
  timestamp_ms INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX telemetry_events_key ON telemetry_events(project_id, id);
CREATE INDEX telemetry_events_time ON telemetry_events(project_id, timestamp_ms);

-- Per-minute rollups. Keys lead with (project, minute), so the writer's upserts land at the right
-- edge. b0..b19 count durations per latency bucket (bounds in storage/telemetry_latency_buckets.hpp):
-- the heatmap reads them directly and percentiles are interpolated from them.
CREATE TABLE span_rollups (
  project_id      TEXT NOT NULL,
  minute          INTEGER NOT NULL,
  service_name    TEXT NOT NULL,
  span_count      INTEGER NOT NULL DEFAULT 0,
  error_count     INTEGER NOT NULL DEFAULT 0,
  root_count      INTEGER NOT NULL DEFAULT 0,
  duration_sum_ns INTEGER NOT NULL DEFAULT 0,
  b0               INTEGER NOT NULL DEFAULT 0,
  b1               INTEGER NOT NULL DEFAULT 0,
  b2               INTEGER NOT NULL DEFAULT 0,
  b3               INTEGER NOT NULL DEFAULT 0,
  b4               INTEGER NOT NULL DEFAULT 0,
  b5               INTEGER NOT NULL DEFAULT 0,
  b6               INTEGER NOT NULL DEFAULT 0,
  b7               INTEGER NOT NULL DEFAULT 0,
  b8               INTEGER NOT NULL DEFAULT 0,
  b9               INTEGER NOT NULL DEFAULT 0,
  b10              INTEGER NOT NULL DEFAULT 0,
  b11              INTEGER NOT NULL DEFAULT 0,
  b12              INTEGER NOT NULL DEFAULT 0,
  b13              INTEGER NOT NULL DEFAULT 0,
  b14              INTEGER NOT NULL DEFAULT 0,
  b15              INTEGER NOT NULL DEFAULT 0,
  b16              INTEGER NOT NULL DEFAULT 0,
  b17              INTEGER NOT NULL DEFAULT 0,
  b18              INTEGER NOT NULL DEFAULT 0,
  b19              INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, minute, service_name)
) WITHOUT ROWID;

CREATE TABLE log_rollups (
  project_id   TEXT NOT NULL,
  minute       INTEGER NOT NULL,
  service_name TEXT NOT NULL,
  log_count    INTEGER NOT NULL DEFAULT 0,
  error_count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, minute, service_name)
) WITHOUT ROWID;

-- LLM calls (generation observations) per model, provider, environment and API key.
CREATE TABLE llm_rollups (
  project_id       TEXT NOT NULL,
  minute           INTEGER NOT NULL,
  model            TEXT NOT NULL,
  provider         TEXT NOT NULL,
  environment      TEXT NOT NULL,
  key_id           TEXT NOT NULL,
  calls            INTEGER NOT NULL DEFAULT 0,
  errors           INTEGER NOT NULL DEFAULT 0,
  input_tokens     INTEGER NOT NULL DEFAULT 0,
  output_tokens    INTEGER NOT NULL DEFAULT 0,
  cached_tokens    INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd         REAL NOT NULL DEFAULT 0,
  latency_sum_ms   INTEGER NOT NULL DEFAULT 0,
  latency_count    INTEGER NOT NULL DEFAULT 0,
  ttft_sum_ms      INTEGER NOT NULL DEFAULT 0,
  ttft_count       INTEGER NOT NULL DEFAULT 0,
  b0               INTEGER NOT NULL DEFAULT 0,
  b1               INTEGER NOT NULL DEFAULT 0,
  b2               INTEGER NOT NULL DEFAULT 0,
  b3               INTEGER NOT NULL DEFAULT 0,
  b4               INTEGER NOT NULL DEFAULT 0,
  b5               INTEGER NOT NULL DEFAULT 0,
  b6               INTEGER NOT NULL DEFAULT 0,
  b7               INTEGER NOT NULL DEFAULT 0,
  b8               INTEGER NOT NULL DEFAULT 0,
  b9               INTEGER NOT NULL DEFAULT 0,
  b10              INTEGER NOT NULL DEFAULT 0,
  b11              INTEGER NOT NULL DEFAULT 0,
  b12              INTEGER NOT NULL DEFAULT 0,
  b13              INTEGER NOT NULL DEFAULT 0,
  b14              INTEGER NOT NULL DEFAULT 0,
  b15              INTEGER NOT NULL DEFAULT 0,
  b16              INTEGER NOT NULL DEFAULT 0,
  b17              INTEGER NOT NULL DEFAULT 0,
  b18              INTEGER NOT NULL DEFAULT 0,
  b19              INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, minute, model, provider, environment, key_id)
) WITHOUT ROWID;

-- Service-map edges: a client/producer span in client_service whose child server/consumer span is
-- in server_service, counted in the client span's minute.
CREATE TABLE service_edge_rollups (
  project_id      TEXT NOT NULL,
  minute          INTEGER NOT NULL,
  client_service  TEXT NOT NULL,
  server_service  TEXT NOT NULL,
  call_count      INTEGER NOT NULL DEFAULT 0,
  error_count     INTEGER NOT NULL DEFAULT 0,
  duration_sum_ns INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, minute, client_service, server_service)
) WITHOUT ROWID;
