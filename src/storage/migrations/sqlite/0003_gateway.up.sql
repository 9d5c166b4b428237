-- One row per model call through the gateway. Keys arrive in time order (ULIDs), so inserts
-- append to the B-tree instead of scattering.
CREATE TABLE generations (
  id               TEXT PRIMARY KEY,
  request_id       TEXT NOT NULL,
  org_id           TEXT NOT NULL,
  project_id       TEXT NOT NULL,
  key_id           TEXT NOT NULL,
  environment      TEXT NOT NULL DEFAULT '',
  endpoint         TEXT NOT NULL,
  model_requested  TEXT NOT NULL,
  model_used       TEXT NOT NULL,
  provider         TEXT NOT NULL,
  status           INTEGER NOT NULL,
  error            TEXT NOT NULL DEFAULT '',
  input_tokens     INTEGER NOT NULL DEFAULT 0,
  output_tokens    INTEGER NOT NULL DEFAULT 0,
  cached_tokens    INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd         REAL NOT NULL DEFAULT 0,
  latency_ms       INTEGER NOT NULL DEFAULT 0,
  ttft_ms          INTEGER NOT NULL DEFAULT 0,
  streamed         INTEGER NOT NULL DEFAULT 0,
  started_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX generations_project_time ON generations(project_id, started_at);
